"""Time: how the codebook changed, when memos were written, and how each coder's use of codes moved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import pandas as pd

from ..query import AnalysisError, as_list, checked_codings, with_ancestors

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["code_use_over_time", "codebook_timeline", "memo_timeline"]


def codebook_timeline(p: "Project") -> pd.DataFrame:
    """The codebook's evolution, oldest first: at, coder, event, code, detail, rationale, summary.

    ``event`` is add, rename, edit, merge, split, retire or reinstate; ``code`` is the name the
    code had at the time; ``summary`` is one readable line.

    >>> changes = wb.analysis.codebook_timeline(p)
    >>> changes.columns.tolist()
    ['at', 'coder', 'event', 'code', 'detail', 'rationale', 'summary']
    """
    frame = p.codebook.history().copy()
    verbs = {"add": "added", "rename": "renamed", "edit": "edited", "merge": "merged", "split": "split",
             "retire": "retired", "reinstate": "reinstated", "propose": "proposed a change to",
             "endorse": "endorsed a change to", "object": "objected to a change to", "withdraw": "withdrew a change to"}
    summary = []
    for event, code, detail, why in zip(frame["event"], frame["code"], frame["detail"], frame["rationale"]):
        line = f"{verbs.get(event, event)} {code!r}"
        if detail and event in ("rename", "merge", "split", "edit", "propose", "endorse", "object", "withdraw"):
            line += f": {detail}"
        if why:
            line += f" (why: {why})"
        summary.append(line)
    frame["summary"] = summary
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame.sort_values("at", kind="stable").reset_index(drop=True)


def memo_timeline(p: "Project", coder: str | Iterable[str] | None = None, kind: str | None = None) -> pd.DataFrame:
    """Memos, oldest first: at, coder, kind, title, text, about, narrative_id, code, coding_id, participants.

    ``about`` says what a memo is tied to ("narrative n0001", "code trust", "coding ...",
    "project"). Memo texts are the coders' own words and are shown as written.

    >>> memos = wb.analysis.memo_timeline(p, kind="reflexive")
    >>> set(memos["kind"]) <= {"reflexive"}
    True
    """
    frame = p.memos(kind=kind)
    wanted = as_list(coder)
    if wanted is not None:
        frame = frame[frame["coder"].isin(wanted)]
    about = []
    for nid, code, coding in zip(frame["narrative_id"], frame["code"], frame["coding_id"]):
        if isinstance(coding, str):
            about.append(f"coding {coding}")
        elif isinstance(code, str) and isinstance(nid, str):
            about.append(f"code {code} in narrative {nid}")
        elif isinstance(code, str):
            about.append(f"code {code}")
        elif isinstance(nid, str):
            about.append(f"narrative {nid}")
        else:
            about.append("project")
    out = frame.rename(columns={"created_at": "at"}).assign(about=about)
    columns = ["at", "coder", "kind", "title", "text", "about", "narrative_id", "code", "coding_id", "participants"]
    return out[columns].reset_index(drop=True)


def _period_start(times: pd.Series, freq: str) -> pd.Series:
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None)
    if freq == "D":
        return naive.dt.floor("D")
    return naive.dt.to_period(freq).dt.start_time


def code_use_over_time(p: "Project", coder: str | Iterable[str] | None = None, freq: str = "auto",
                       include_children: bool = False) -> pd.DataFrame:
    """How each coder's use of codes changed: codings per period, per coder and code.

    *freq*: ``"D"`` (day), ``"W"`` (week), ``"M"`` (month), ``"Q"``, ``"Y"`` or ``"auto"`` (days for
    up to two weeks of work, weeks up to half a year, months beyond). Columns: period (the
    period's first day, UTC), coder, code, codings, share (of that coder's codings in that period).

    >>> use = wb.analysis.code_use_over_time(p, coder="ana", freq="W")
    >>> use.columns.tolist(), set(use["coder"])
    (['period', 'coder', 'code', 'codings', 'share'], {'ana'})
    """
    frame = checked_codings(p, coder=coder)
    if freq not in ("auto", "D", "W", "M", "Q", "Y"):
        raise AnalysisError(f"freq must be 'auto', 'D', 'W', 'M', 'Q' or 'Y', not {freq!r}.")
    if include_children:
        frame = with_ancestors(p, frame)
    if not len(frame):
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[us]"), "coder": pd.Series(dtype=object),
                             "code": pd.Series(dtype=object), "codings": pd.Series(dtype="int64"),
                             "share": pd.Series(dtype="float64")})
    if freq == "auto":
        span = frame["created_at"].max() - frame["created_at"].min()
        freq = "D" if span <= pd.Timedelta(days=14) else "W" if span <= pd.Timedelta(days=183) else "M"
    frame = frame.assign(period=_period_start(frame["created_at"], freq))
    counts = frame.groupby(["period", "coder", "code"], observed=True).size().rename("codings").reset_index()
    totals = counts.groupby(["period", "coder"])["codings"].transform("sum")
    counts["share"] = counts["codings"] / totals
    counts["codings"] = counts["codings"].astype("int64")
    return counts.sort_values(["coder", "period", "codings"], ascending=[True, True, False],
                              kind="stable").reset_index(drop=True)
