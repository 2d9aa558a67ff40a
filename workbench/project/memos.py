"""Memos and the project's history, as frames: what people wrote about the work, and what happened.

:class:`~workbench.project.Project` checks and writes; these functions build what
``p.memo()``, ``p.memos()`` and ``p.history()`` give back from the events the store read.
"""

from __future__ import annotations

import secrets
from typing import Any, Callable, Iterable

import pandas as pd

from .._time import TIME_FORMAT, to_utc_text
from ..errors import WorkbenchError
from ..names import check_coder
from ..store.events import MEMO_KINDS, memo_event

MEMO_COLUMNS = ["memo_id", "coder", "created_at", "kind", "title", "text", "narrative_id", "code", "coding_id",
                "participants"]
HISTORY_COLUMNS = ["at", "coder", "kind", "event", "narrative_id", "code", "coding_id", "detail"]


def new_memo(text: Any, coder: str, kind: str, at: str, created_at: Any = None,
             participants: Iterable[str] | None = None, **ties: Any) -> dict:
    """A checked memo event: *ties* are ``title, narrative, code, code_id, coding`` (each may be None).

    >>> new_memo("I noticed...", "ana", "reflexive", at="2026-01-01T00:00:00.000000Z")["kind"]
    'reflexive'
    """
    check_coder(coder)
    if not isinstance(text, str) or not text.strip():
        raise WorkbenchError("A memo needs some text.")
    if kind not in MEMO_KINDS:
        raise WorkbenchError(f"kind must be 'reflexive', 'analytic' or 'dialogue', not {kind!r}.")
    people = sorted({check_coder(p) for p in participants}) if participants else None
    if kind == "dialogue" and not people:
        raise WorkbenchError("A dialogue memo names who took part: participants=['ana', 'ben'].")
    return memo_event(id=secrets.token_hex(8), coder=coder, at=at if created_at is None else to_utc_text(created_at),
                      kind=kind, text=text.strip(), participants=people, **ties)


def memos_frame(records: Iterable[dict], names: dict[str, str], withdrawn_among: Callable[[Iterable], set],
                **filters: Any) -> pd.DataFrame:
    """Memo events as ``p.memos()`` shows them, oldest first; *filters* are column=value pairs.

    >>> memo = new_memo("x", "ana", "analytic", at="2026-01-01T00:00:00.000000Z")
    >>> memos_frame([memo], {}, lambda nids: set())[["coder", "kind", "text"]]
      coder      kind text
    0   ana  analytic    x
    """
    records = current_memos(records)
    rows = [
        {"memo_id": m.get("id"), "coder": m.get("coder"), "created_at": m.get("at"), "kind": m.get("kind"),
         "title": m.get("title"), "text": m.get("text"), "narrative_id": m.get("narrative"),
         "code": names.get(m.get("code_id"), m.get("code")) if m.get("code_id") else m.get("code"),
         "coding_id": m.get("coding"), "participants": m.get("participants")}
        for m in records
        if m.get("event") == "memo" and not withdrawn_among([m.get("narrative")])
    ]
    frame = pd.DataFrame(rows, columns=MEMO_COLUMNS, dtype=object)  # optional fields stay None, not NaN
    for column in ("memo_id", "coder", "kind", "text"):
        frame[column] = frame[column].astype("str")
    frame["created_at"] = pd.to_datetime(frame["created_at"], format="ISO8601", utc=True)
    for column, wanted in filters.items():
        if wanted is not None:
            frame = frame[frame[column] == wanted]
    return frame.sort_values("created_at", kind="stable").reset_index(drop=True)


def current_memos(records: Iterable[dict]) -> list[dict]:
    """Memo events as they read now: each with its writer's latest edit, deleted ones left out, replies apart.

    >>> memo = new_memo("first words", "ana", "analytic", at="2026-01-01T00:00:00.000000Z")
    >>> edit = {"event": "edit", "id": memo["id"], "coder": "ana", "text": "better words", "title": None}
    >>> [m["text"] for m in current_memos([memo, edit])]
    ['better words']
    """
    records = list(records)
    memos = {r.get("id"): dict(r) for r in records if r.get("event") == "memo"}
    for record in records:
        memo = memos.get(record.get("id"))
        if memo is None or record.get("coder") != memo.get("coder"):
            continue  # only a memo's writer changes its words
        if record.get("event") == "edit":
            memo["text"] = record.get("text") or memo.get("text")
            memo["title"] = record.get("title") if record.get("title") is not None else memo.get("title")
        elif record.get("event") == "deleted":
            memo["deleted"] = True
    return [m for m in memos.values() if not m.get("deleted")]


def _coding_rows(events: pd.DataFrame, withdrawn_among: Callable[[Iterable], set]) -> pd.DataFrame:
    withdrawn = withdrawn_among(events["narrative"].dropna().unique())
    if withdrawn:
        events = events[~events["narrative"].isin(list(withdrawn))]
    rows = pd.DataFrame({
        "at": events["at"], "coder": events["coder"], "kind": "coding", "event": events["event"],
        "narrative_id": events["narrative"], "code": events["code"], "coding_id": events["id"],
        "detail": events["text"].where(events["event"] == "coded", events["note"]),
    })
    if len(rows):  # uncoded/noted events name the code and story through their coding
        first = events[events["event"] == "coded"].drop_duplicates("id").set_index("id")
        rows["code"] = rows["code"].fillna(rows["coding_id"].map(first["code"]))
        rows["narrative_id"] = rows["narrative_id"].fillna(rows["coding_id"].map(first["narrative"]))
    return rows


def history_frame(coding_events: pd.DataFrame, codebook_history: pd.DataFrame, memos: pd.DataFrame,
                  withdrawn_among: Callable[[Iterable], set]) -> pd.DataFrame:
    """Everything that happened, oldest first: codings (names as applied), codebook changes, memos.

    >>> from workbench.store.fold import events_table
    >>> frame = history_frame(events_table([]).to_pandas(), p.codebook.history(), p.memos(), lambda nids: set())
    >>> sorted(frame["kind"].unique())
    ['codebook', 'memo']
    """
    def log_time(t: Any) -> Any:
        return t.strftime(TIME_FORMAT) if pd.notna(t) else None

    cb = codebook_history
    codebook_rows = pd.DataFrame({
        "at": cb["at"].map(log_time), "coder": cb["coder"], "kind": "codebook", "event": cb["event"],
        "narrative_id": None, "code": cb["code"], "coding_id": None,
        "detail": (cb["detail"] + " | " + cb["rationale"]).str.strip(" |"),
    })
    memo_rows = pd.DataFrame({
        "at": memos["created_at"].map(log_time), "coder": memos["coder"], "kind": "memo", "event": memos["kind"],
        "narrative_id": memos["narrative_id"], "code": memos["code"], "coding_id": memos["coding_id"],
        "detail": memos["text"],
    })
    parts = [f for f in (_coding_rows(coding_events, withdrawn_among), codebook_rows, memo_rows) if len(f)]
    if not parts:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["at"] = pd.to_datetime(frame["at"], format="ISO8601", utc=True)
    return frame.sort_values("at", kind="stable").reset_index(drop=True)
