"""Coding events folded into the current codings, kept in reading order as events arrive.

The fold: a ``coded`` event adds a coding; an ``uncoded`` event removes it and a ``noted`` event
sets its note, each only when written by the coding's own coder (a line in someone else's file
cannot touch your work). Codings of withdrawn narratives are left out. Codings carry the id of
their code, so the ``code`` column shows each code's current name (a rename or merge follows).

:class:`CodingState` keeps the folded frame in reading order (narrative, start, end, coder).
New events are folded onto it and merged in at their places: a write costs a merge, never a
re-sort of a million rows.
"""

from __future__ import annotations

import bisect
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from .events import CODING_FIELDS

#: The columns of ``p.codings()``; the fold keeps one more, ``_code_id``, for renames.
CODING_COLUMNS = ["coding_id", "narrative_id", "start", "end", "code", "coder", "created_at", "note", "text"]
WithdrawnAmong = Callable[[Iterable[Any]], set]


def renamed(code_ids: pd.Series, applied: pd.Series, names: dict[str, str]) -> pd.Series:
    """Current code names for *code_ids*; the name as applied where a code is unknown. Fast on many rows.

    >>> renamed(pd.Series(["a", "b"]), pd.Series(["old a", "old b"]), {"a": "new a"}).tolist()
    ['new a', 'old b']
    """
    codes, uniques = pd.factorize(code_ids)
    current = np.array([names.get(u) for u in uniques] + [None], dtype=object)[codes]
    missing = pd.isna(current)
    if missing.any():
        current[missing] = applied.to_numpy(dtype=object)[missing]
    return pd.Series(current, index=code_ids.index, dtype="str")


def reading_order(frame: pd.DataFrame, narrative: str = "narrative_id", coder: str = "coder") -> np.ndarray:
    """Row positions ordering *frame* by narrative, start, end, coder (a lexsort of small integer keys).

    >>> reading_order(pd.DataFrame({"narrative_id": ["b", "a"], "start": [0, 5], "end": [1, 9], "coder": ["x", "y"]}))
    array([1, 0])
    """
    if len(frame) < 2:
        return np.arange(len(frame))
    narratives = pd.factorize(frame[narrative], sort=True)[0]
    coders = pd.factorize(frame[coder], sort=True)[0]
    return np.lexsort((coders, frame["end"].to_numpy(), frame["start"].to_numpy(), narratives))


def in_reading_order(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* (codings) ordered by narrative, start, end and coder, with a fresh index.

    >>> in_reading_order(pd.DataFrame({"narrative_id": ["b", "a"], "start": [0, 5], "end": [1, 9],
    ...                                "coder": ["x", "y"]}))["narrative_id"].tolist()
    ['a', 'b']
    """
    return frame.take(reading_order(frame)).reset_index(drop=True)


def empty_events() -> pd.DataFrame:
    """A frame of no coding events, with every event field as a column."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name, _ in CODING_FIELDS})


def _notes_and_removals(events: pd.DataFrame, is_coded: np.ndarray, base: pd.DataFrame | None
                        ) -> tuple[set, dict]:
    """Codings removed (``uncoded``) and notes set (``noted``) by their own coder, in log order."""
    others = events[~is_coded]
    wanted = others["id"].unique()
    touched = np.flatnonzero(is_coded & events["id"].isin(wanted).to_numpy())
    owner = dict(zip(events["id"].iloc[touched], events["coder"].iloc[touched]))
    if base is not None:
        hit = base[base["coding_id"].isin(wanted)]
        owner.update(zip(hit["coding_id"], hit["coder"]))
    gone, notes = set(), {}
    for event, cid, coder, text in zip(others["event"], others["id"], others["coder"], others["note"]):
        if owner.get(cid) != coder:
            continue  # only a coding's own coder can remove it or change its note
        if event == "uncoded":
            gone.add(cid)
            notes.pop(cid, None)
        elif event == "noted":
            notes[cid] = text
    return gone, notes


def fold(events: pd.DataFrame, names: dict[str, str], withdrawn_among: WithdrawnAmong,
         base: pd.DataFrame | None = None) -> tuple[pd.DataFrame, set, dict]:
    """Fold *events* (a frame of event fields plus ``coder``) onto the folded *base* (or nothing).

    Returns the new codings in reading order (with ``_code_id``), the ids of codings removed and
    the notes set, for the caller to apply to *base*.
    """
    is_coded = events["event"].to_numpy() == "coded"
    keep = is_coded.copy()
    withdrawn = withdrawn_among(events["narrative"].dropna().unique())
    if withdrawn:
        keep &= ~events["narrative"].isin(list(withdrawn)).to_numpy()
    gone, notes = set(), {}
    if not is_coded.all():
        gone, notes = _notes_and_removals(events, is_coded, base)
        if gone:
            keep &= ~events["id"].isin(list(gone)).to_numpy()
    rows = np.flatnonzero(keep)
    if len(rows) > 1:
        rows = rows[reading_order(events.iloc[rows], narrative="narrative")]
    coded = events.take(rows)
    frame = pd.DataFrame({
        "coding_id": coded["id"].astype("str"),
        "narrative_id": coded["narrative"].astype("str"),
        "start": coded["start"].astype("int64"),
        "end": coded["end"].astype("int64"),
        "code": renamed(coded["code_id"], coded["code"], names),
        "coder": coded["coder"].astype("str"),
        "created_at": pd.to_datetime(coded["at"], format="ISO8601", utc=True),
        "note": coded["note"].astype(object).where(coded["note"].notna(), None),
        "text": coded["text"].astype("str"),
        "_code_id": coded["code_id"].astype("str"),
    }).reset_index(drop=True)
    return frame, gone, notes


def merge_positions(base: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
    """Where each row of *new* goes in *base* (both in reading order), as positions in *base*.

    Searches only the stretch of *base* holding each narrative, so the cost follows the new rows,
    not the million old ones.
    """
    nids = base["narrative_id"]
    codes, uniques = pd.factorize(nids, sort=True)
    bounds = np.searchsorted(codes, np.arange(len(uniques) + 1))
    order = list(uniques)
    starts, ends = base["start"].to_numpy(), base["end"].to_numpy()
    coders = base["coder"]
    positions = np.empty(len(new), dtype=np.int64)
    for i, (nid, start, end, coder) in enumerate(zip(new["narrative_id"], new["start"].tolist(),
                                                     new["end"].tolist(), new["coder"])):
        slot = bisect.bisect_left(order, nid)
        lo = int(bounds[slot])
        hi = int(bounds[slot + 1]) if slot < len(order) and order[slot] == nid else lo
        s, e = starts[lo:hi], ends[lo:hi]
        left = lo + int(np.count_nonzero((s < start) | ((s == start) & (e < end))))
        right = lo + int(np.count_nonzero((s < start) | ((s == start) & (e <= end))))
        while left < right and coders.iloc[left] <= coder:
            left += 1
        positions[i] = left
    return positions


def merged(base: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """*base* and *new* (each in reading order) as one frame in reading order."""
    if not len(new):
        return base
    if not len(base):
        return new
    positions = merge_positions(base, new)
    order = np.argsort(positions, kind="stable")
    positions = positions[order]
    taken = np.empty(len(base) + len(new), dtype=np.int64)
    new_slots = positions + np.arange(len(new))
    is_new = np.zeros(len(taken), dtype=bool)
    is_new[new_slots] = True
    taken[new_slots] = len(base) + order
    taken[~is_new] = np.arange(len(base))
    return pd.concat([base, new], ignore_index=True).take(taken).reset_index(drop=True)


def _events_frame(pending: list[tuple[str, Any]]) -> pd.DataFrame:
    """Pending events (Arrow tables or lists of dicts, per coder) as one frame with a ``coder`` column."""
    import pyarrow as pa

    from .events import coding_events_table

    tables = [item if isinstance(item, pa.Table) else coding_events_table(item) for _, item in pending]
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return empty_events()
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    frame = table.combine_chunks().to_pandas()
    frame["coder"] = np.repeat(np.array([coder for coder, _ in pending], dtype=object),
                               [len(item) if isinstance(item, list) else item.num_rows for _, item in pending])
    return frame


class CodingState:
    """The current codings of a project, folded from its coding events as they arrive.

    >>> state = CodingState()
    >>> state.add("ana", [{"event": "coded", "id": "c1", "at": "2026-01-01T00:00:00Z", "narrative": "n",
    ...                    "start": 0, "end": 4, "code": "hope", "code_id": "hope", "text": "once"}])
    >>> state.codings(dict, lambda nids: set())[["coding_id", "coder", "code"]]
      coding_id coder  code
    0        c1   ana  hope
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every event: the next read folds everything afresh."""
        self._pending: list[tuple[str, Any]] = []
        self._folded: pd.DataFrame | None = None
        self._public: pd.DataFrame | None = None
        self.names_stale = False
        self._saved_names: dict | None = None  # the code names a snapshot was folded with
        self.folded_events = 0  # events the last fold took in: the caller may snapshot a big one

    def add(self, coder: str, events: Any) -> None:
        """Events of *coder* to fold on the next read: an Arrow table, or a list of event dicts."""
        if isinstance(events, list) and self._pending and self._pending[-1][0] == coder \
                and isinstance(self._pending[-1][1], list):
            self._pending[-1][1].extend(events)  # a script's many single writes become one table
            return
        self._pending.append((coder, list(events) if isinstance(events, list) else events))

    def adopt(self, folded: pd.DataFrame, names: dict[str, str] | None) -> None:
        """Take *folded* (in reading order, with ``_code_id``; code *names* as then) as the fold so far."""
        self._pending, self._folded, self._public = [], folded, None
        self._saved_names = names

    def events(self) -> pd.DataFrame:
        """The events waiting to be folded, as one frame with a ``coder`` column."""
        return _events_frame(self._pending)

    @property
    def has_pending(self) -> bool:
        """True when events wait to be folded."""
        return bool(self._pending)

    def current(self, names: Callable[[], dict[str, str]], withdrawn_among: WithdrawnAmong) -> pd.DataFrame:
        """The folded codings in reading order, with ``_code_id``; *names* gives ``{code_id: name}``."""
        self.folded_events = 0
        if self._saved_names is not None:
            self.names_stale |= names() != self._saved_names
            self._saved_names = None
        if self._folded is None or self._pending:
            events = _events_frame(self._pending)
            self.folded_events, self._pending, self._public = len(events), [], None
            new, gone, notes = fold(events, names(), withdrawn_among, base=self._folded)
            new = _with_changes(new, set(), notes)
            if self._folded is None:
                self._folded, self.names_stale = new, False
            else:
                self._folded = merged(_with_changes(self._folded, gone, notes), new)
        if self.names_stale:
            frame = self._folded
            self._folded = frame.assign(code=renamed(frame["_code_id"], frame["code"], names()))
            self.names_stale, self._public = False, None
        return self._folded

    def codings(self, names: Callable[[], dict[str, str]], withdrawn_among: WithdrawnAmong) -> pd.DataFrame:
        """The current codings as ``p.codings()`` shows them (the same frame until something changes)."""
        current = self.current(names, withdrawn_among)
        if self._public is None:
            self._public = current.drop(columns="_code_id")
        return self._public


def _with_changes(base: pd.DataFrame, gone: set, notes: dict) -> pd.DataFrame:
    if gone:
        base = base[~base["coding_id"].isin(list(gone)).to_numpy()].reset_index(drop=True)
    if notes:
        hit = base["coding_id"].isin(list(notes)).to_numpy()
        if hit.any():
            base = base.assign(note=base["note"].where(~hit, base["coding_id"].map(notes)))
    return base
