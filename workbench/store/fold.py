"""Coding events folded into the current codings, kept in reading order as events arrive.

The fold: a ``coded`` event adds a coding; an ``uncoded`` event removes it and a ``noted`` event
sets its note, each only when written by the coding's own coder (a line in someone else's file
cannot touch your work). Codings of withdrawn narratives are left out. Codings carry the id of
their code, so the ``code`` column shows each code's current name (a rename or merge follows).

:class:`CodingState` keeps the folded codings as one Arrow table in reading order (narrative,
start, end, coder), sorted once on small integer keys. New events are folded on their own and
merged in at their places, so a write costs a merge, never a re-sort; ``p.codings()`` is that
table as a plain pandas frame, converted once per change.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from .merge import merged
from .passages import Passages

#: The columns of ``p.codings()``; the fold keeps one more, ``_code_id``, for renames.
CODING_COLUMNS = ["coding_id", "narrative_id", "start", "end", "code", "coder", "created_at", "note", "text"]
_BATCH_EVENTS = 1024  # single writes waiting to be folded are turned into an Arrow table this many at a time
WithdrawnAmong = Callable[[Iterable[Any]], set]
Names = Callable[[], dict]


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


def in_reading_order(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* (codings) ordered by narrative, start, end and coder, with a fresh index.

    >>> in_reading_order(pd.DataFrame({"narrative_id": ["b", "a"], "start": [0, 5], "end": [1, 9],
    ...                                "coder": ["x", "y"]}))["narrative_id"].tolist()
    ['a', 'b']
    """
    if len(frame) < 2:
        return frame.reset_index(drop=True)
    narratives = pd.factorize(frame["narrative_id"], sort=True)[0]
    coders = pd.factorize(frame["coder"], sort=True)[0]
    order = np.lexsort((coders, frame["end"].to_numpy(), frame["start"].to_numpy(), narratives))
    return frame.take(order).reset_index(drop=True)


def _timestamps(at: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(at, pa.timestamp("us", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a time another tool wrote oddly
        return pa.array(pd.to_datetime(at.to_pandas(), format="ISO8601", utc=True).astype("datetime64[us, UTC]"))


def _current_names(code_ids: Any, applied: Any, names: dict[str, str]) -> Any:
    """The ``code`` column: each code id's current name (the name as applied for an unknown id)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(code_ids, pa.ChunkedArray):
        code_ids = code_ids.combine_chunks()
    encoded = pc.dictionary_encode(code_ids)
    current = pa.array([names.get(c) for c in encoded.dictionary.to_pylist()], pa.large_string())
    return pc.coalesce(current.take(encoded.indices), applied)


def _removals_and_notes(table: Any, is_coded: np.ndarray, owners: Callable[[list], dict]) -> tuple[set, dict]:
    """Codings removed (``uncoded``) and notes set (``noted``) by their own coder, in log order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    others = table.take(np.flatnonzero(~is_coded)).select(["event", "id", "coder", "note"]).to_pylist()
    wanted = list({o["id"] for o in others})
    hit = np.flatnonzero(is_coded & pc.is_in(table["id"], value_set=pa.array(wanted, pa.string()))
                         .fill_null(False).to_numpy(zero_copy_only=False))
    owner = owners(wanted)
    owner.update(zip(table["id"].take(hit).to_pylist(), table["coder"].take(hit).to_pylist()))
    gone, notes = set(), {}
    for other in others:
        if owner.get(other["id"]) != other["coder"]:
            continue  # only a coding's own coder can remove it or change its note
        if other["event"] == "uncoded":
            gone.add(other["id"])
            notes.pop(other["id"], None)
        elif other["event"] == "noted":
            notes[other["id"]] = other["note"]
    return gone, notes


def fold(table: Any, names: dict[str, str], withdrawn_among: WithdrawnAmong,
         owners: Callable[[list], dict] = lambda ids: {}, passages: Passages | None = None) -> tuple[Any, set, dict]:
    """Fold coding events (an Arrow table of event fields plus ``coder``) into codings.

    Returns the new codings as an Arrow table in reading order (with ``_code_id``), the ids of
    codings removed and the notes set, for the caller to apply to what was folded before;
    *owners* tells the coder of earlier codings the events touch. With *passages*, each passage
    is cut from its story (the events' ``text`` is used only where a story cannot be cut).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    is_coded = pc.equal(table["event"], "coded").fill_null(False).to_numpy(zero_copy_only=False)
    keep = is_coded.copy()
    withdrawn = withdrawn_among(pc.unique(table["narrative"]).drop_null().to_pylist())
    if withdrawn:
        keep &= ~pc.is_in(table["narrative"], value_set=pa.array(list(withdrawn))).to_numpy(zero_copy_only=False)
    gone, notes = set(), {}
    if not is_coded.all():
        gone, notes = _removals_and_notes(table, is_coded, owners)
        if gone:
            keep &= ~pc.is_in(table["id"], value_set=pa.array(list(gone))).to_numpy(zero_copy_only=False)
    return with_notes(_in_order(table, np.flatnonzero(keep), names, passages), notes), gone, notes


def _in_order(table: Any, rows: np.ndarray, names: dict[str, str], passages: Passages | None) -> Any:
    """The codings of event *rows*, in reading order, as folded columns.

    Reordering a big table is a gather from all over memory; columns with few distinct values
    (narrative, coder, code) are gathered as small integer codes instead, and times as integers.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    narrative, coder, code_id, code = (_dictionary(table[c]) for c in ("narrative", "coder", "code_id", "code"))
    starts, ends = table["start"].to_numpy(), table["end"].to_numpy()
    if len(rows) > 1:
        rows = rows[_reading_order(_ranks(narrative)[rows], starts[rows], ends[rows], _ranks(coder)[rows])]
    current = pa_array([names.get(c) for c in code_id.dictionary.to_pylist()]).cast(pa.large_string())
    return _folded_table({
        "coding_id": _combined(table["id"]).take(rows), "narrative_id": _gathered(narrative, rows),
        "start": starts[rows], "end": ends[rows],
        "code": pc.coalesce(current.take(code_id.indices.take(rows)), _gathered(code, rows)),
        "coder": _gathered(coder, rows), "created_at": _combined(_timestamps(table["at"])).take(rows),
        "note": _combined(table["note"]).take(rows), "text": _passages(table, narrative, rows, starts, ends, passages),
        "_code_id": _gathered(code_id, rows),
    })


def _passages(table: Any, narrative: Any, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray,
              passages: Passages | None) -> Any:
    """The passage of each of *rows*: cut from its story, else (no story to cut from) the event's own ``text``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if passages is None:
        return _combined(table["text"]).take(rows)
    nids, codes = story_codes(narrative)
    cut, ok = passages.cut(nids, codes[rows], starts[rows], ends[rows])
    if ok.all():
        return cut
    return pc.if_else(pa.array(ok), cut, _combined(table["text"]).take(rows).cast(pa.large_string()))


def story_codes(narrative: Any) -> tuple[list, np.ndarray]:
    """A dictionary-encoded narrative column as ``(narrative ids, each row's index into them)``; nulls index ``None``.

    >>> import pyarrow as pa, pyarrow.compute as pc
    >>> story_codes(pc.dictionary_encode(pa.array(["a", None, "a"])))
    (['a', None], array([0, 1, 0]))
    """
    nids = narrative.dictionary.to_pylist() + [None]
    return nids, narrative.indices.fill_null(len(nids) - 1).to_numpy(zero_copy_only=False).astype(np.int64)


def _reading_order(narrative: np.ndarray, start: np.ndarray, end: np.ndarray, coder: np.ndarray) -> np.ndarray:
    """Positions sorting rows by narrative, start, end, coder: one stable sort of a packed integer key."""
    sizes = [int(k.max()) + 1 for k in (start, end, coder)]
    if int(narrative.max()) * sizes[0] * sizes[1] * sizes[2] >= 2 ** 62:
        return np.lexsort((coder, end, start, narrative))
    key = ((narrative * sizes[0] + start) * sizes[1] + end) * sizes[2] + coder
    return np.argsort(key, kind="stable")


def pa_array(values: list) -> Any:
    """*values* as an Arrow string array."""
    import pyarrow as pa

    return pa.array(values, pa.string())


def _folded_table(columns: dict) -> Any:
    import pyarrow as pa

    schema = folded_schema()
    return pa.Table.from_arrays([pa.array(columns[f.name]).cast(f.type) for f in schema], schema=schema)


def _combined(column: Any) -> Any:
    """One contiguous array (a take over many chunks is slow)."""
    import pyarrow as pa

    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _dictionary(column: Any) -> Any:
    import pyarrow.compute as pc

    return pc.dictionary_encode(_combined(column))


def _ranks(encoded: Any) -> np.ndarray:
    """Integer codes of a dictionary-encoded column that sort as its strings do."""
    rank = np.empty(len(encoded.dictionary), dtype=np.int64)
    rank[np.argsort(encoded.dictionary.to_numpy(zero_copy_only=False), kind="stable")] = np.arange(len(rank))
    return rank[encoded.indices.to_numpy(zero_copy_only=False)]


def _gathered(encoded: Any, rows: np.ndarray) -> Any:
    """The strings of a dictionary-encoded column at *rows*: small codes gathered, then looked up (as large strings)."""
    import pyarrow as pa

    return encoded.dictionary.cast(pa.large_string()).take(encoded.indices.take(rows))


def with_notes(table: Any, notes: dict) -> Any:
    """*table* (folded codings) with the notes of the codings in *notes* set."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not notes or not table.num_rows:
        return table
    hit = np.flatnonzero(pc.is_in(table["coding_id"], value_set=pa.array(list(notes), pa.large_string()))
                         .to_numpy(zero_copy_only=False))
    if not len(hit):
        return table
    column = table["note"].to_numpy(zero_copy_only=False).astype(object)
    column[hit] = [notes[c] for c in table["coding_id"].take(hit).to_pylist()]
    return table.set_column(table.schema.get_field_index("note"), "note", pa.array(column, pa.large_string()))


def folded_schema() -> Any:
    """The Arrow schema of folded codings: the columns of ``p.codings()`` plus ``_code_id``."""
    import pyarrow as pa

    text = pa.large_string()  # what a pandas ``str`` column holds: no cast when the frame is made
    return pa.schema([("coding_id", text), ("narrative_id", text), ("start", pa.int64()), ("end", pa.int64()),
                      ("code", text), ("coder", text), ("created_at", pa.timestamp("us", tz="UTC")), ("note", text),
                      ("text", text), ("_code_id", text)])


def to_frame(table: Any) -> pd.DataFrame:
    """Folded codings as the plain pandas frame ``p.codings()`` gives (notes ``None`` where empty).

    >>> to_frame(folded_schema().empty_table()).columns.tolist() == CODING_COLUMNS
    True
    """
    frame = table.drop_columns(["_code_id", "note"]).to_pandas()
    notes = pd.Series(_objects(table["note"]), dtype=object, copy=False)
    frame.insert(CODING_COLUMNS.index("note"), "note", notes)  # text or None, as users compare it
    return frame


def _objects(column: Any) -> np.ndarray:
    """A string column as an object array, ``None`` where empty (most notes are: only the rest are converted)."""
    import pyarrow.compute as pc

    values = np.full(len(column), None, dtype=object)
    if column.null_count < len(column):
        valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
        values[valid] = column.filter(valid).to_pylist()
    return values


def events_table(pending: list[tuple[str, Any]]) -> Any:
    """Events per coder (Arrow tables or lists of dicts) as one Arrow table with a ``coder`` column.

    >>> events_table([("ana", [{"event": "coded", "id": "c1"}])])["coder"].to_pylist()
    ['ana']
    """
    import pyarrow as pa

    from .events import coding_events_table, coding_schema

    tables = []
    for coder, item in pending:
        table = item if isinstance(item, pa.Table) else coding_events_table(item)
        if table.num_rows:
            tables.append(table.append_column("coder", pa.array([coder]).take(np.zeros(table.num_rows, np.int32))))
    if not tables:
        return coding_schema().append(pa.field("coder", pa.string())).empty_table()
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


class CodingState:
    """The current codings of a project, folded from its coding events as they arrive.

    >>> state = CodingState()
    >>> state.add("ana", [{"event": "coded", "id": "c1", "at": "2026-01-01T00:00:00Z", "narrative": "n",
    ...                    "start": 0, "end": 4, "code": "hope", "code_id": "hope", "text": "once"}])
    >>> state.frame(dict, lambda nids: set())[["coding_id", "coder", "code"]]
      coding_id coder  code
    0        c1   ana  hope
    """

    def __init__(self, passages: Passages | None = None) -> None:
        self.passages = passages  # cuts each coding's passage from its story (else the events' text is kept)
        self.reset()

    def reset(self) -> None:
        """Forget every event: the next read folds everything afresh."""
        self._pending: list[tuple[str, Any]] = []
        self._table: Any = None  # the folded codings (Arrow, reading order), None before the first fold
        self._frame: pd.DataFrame | None = None  # the same as pandas, made when first asked for
        self._known: list = []  # the last splice's table and record batches, for the next splice
        self._saved_names: dict | None = None  # the code names a snapshot was folded with
        self.names_stale = False
        self.folded_events = 0  # events the last fold took in: the caller may snapshot a big one
        if self.passages is not None:
            self.passages.reset()

    def add(self, coder: str, events: Any) -> None:
        """Events of *coder* to fold on the next read: an Arrow table, or a list of event dicts."""
        last = self._pending[-1] if self._pending else None
        if isinstance(events, list) and last is not None and last[0] == coder and isinstance(last[1], list):
            last[1].extend(events)  # a script's many single writes become tables of _BATCH_EVENTS
            if len(last[1]) >= _BATCH_EVENTS:  # made now, a batch at a time, not all at the next read
                from .events import coding_events_table

                self._pending[-1] = (coder, coding_events_table(last[1]))
            return
        self._pending.append((coder, list(events) if isinstance(events, list) else events))

    def adopt(self, table: Any, names: dict[str, str] | None) -> None:
        """Take *table* (folded codings, with code *names* as then) as the fold of every event so far."""
        self.reset()
        self._table, self._saved_names = table, names

    def events(self) -> Any:
        """The events waiting to be folded, as one Arrow table with a ``coder`` column."""
        return events_table(self._pending)

    def table(self, names: Names, withdrawn_among: WithdrawnAmong) -> Any:
        """The folded codings as an Arrow table in reading order; *names* gives ``{code_id: name}``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        self.folded_events = 0
        if self._saved_names is not None:
            self.names_stale |= names() != self._saved_names
            self._saved_names = None
        if self._table is None or self._pending:
            events = events_table(self._pending)
            self.folded_events, self._pending, self._frame = events.num_rows, [], None
            new, gone, notes = fold(events, names(), withdrawn_among, self._owners, self.passages)
            if self._table is None:
                self._table, self.names_stale = new.cast(folded_schema()), False
            else:
                base = self._table
                if gone:
                    base = base.filter(pc.invert(pc.is_in(base["coding_id"], value_set=pa.array(list(gone)))))
                self._table = merged(with_notes(base, notes), new.cast(folded_schema()), self._known)
        if self._known and self._known[0] is not self._table:
            self._known.clear()  # what the last splice left is no longer the table
        if self.names_stale:
            table = self._table
            code = _current_names(table["_code_id"], table["code"], names())
            self._table = table.set_column(table.schema.get_field_index("code"), "code", code)
            self.names_stale, self._frame = False, None
        return self._table

    def frame(self, names: Names, withdrawn_among: WithdrawnAmong) -> pd.DataFrame:
        """The current codings as ``p.codings()`` shows them (the same frame until something changes)."""
        table = self.table(names, withdrawn_among)
        if self._frame is None:
            self._frame = to_frame(table)
        return self._frame

    def _owners(self, coding_ids: list) -> dict:
        """``{coding id: coder}`` of those of *coding_ids* already folded."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._table is None or not coding_ids:
            return {}
        hit = np.flatnonzero(pc.is_in(self._table["coding_id"], value_set=pa.array(coding_ids, pa.large_string()))
                             .to_numpy(zero_copy_only=False))
        return dict(zip(self._table["coding_id"].take(hit).to_pylist(), self._table["coder"].take(hit).to_pylist()))
