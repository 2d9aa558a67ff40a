"""The narrators' voice in the analysis: how narrators answered the team's reading, counted as a voice of its own.

Narrators' answers (``p.responses()``) are never codings and never a coder's reading; here they are
counted beside the readings: per code (how many narrators agreed or disagreed with readings under it),
per theme, per story, or per coder whose readings were answered. Restricted stories are counted, and
their words never shown; withdrawn ones are gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..consent import mask_restricted, restricted_ids
from ..query import AnalysisError

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

STANCES = ("agree", "disagree", "add", "comment")
BY = ("code", "theme", "narrative", "coder", "stance")


def narrator_answers(p: "Project", by: str = "code") -> pd.DataFrame:
    """Narrators' answers counted *by* ``code``, ``theme``, ``narrative``, ``coder`` (whose reading was answered)
    or ``stance``: one row per value with agree, disagree, add, comment, answers and narrators. Answers that are
    not about a code (or theme, or coder) count under ``"(the whole story)"``.

    >>> _ = p.record_response(p.coding(cid)["narrative_id"], "disagree", about=cid, text="No.", entered_by="ana")
    >>> wb.analysis.narrator_answers(p)[["disagree", "answers", "narrators"]].iloc[0].tolist()
    [1, 1, 1]
    """
    if by not in BY:
        raise AnalysisError(f"by must be one of {', '.join(BY)}, not {by!r}.")
    frame = p.responses()
    key = {"narrative": "narrative_id"}.get(by, by)
    values = frame[key].where(frame[key] != "", "(the whole story)")
    counts = pd.crosstab(values, frame["stance"]).reindex(columns=list(STANCES), fill_value=0)
    counts.index.name = by
    counts.columns.name = None
    counts["answers"] = counts.sum(axis=1)
    counts["narrators"] = frame.groupby(values)["narrator"].nunique().reindex(counts.index).fillna(0)
    return counts.astype(int).sort_values("answers", ascending=False, kind="stable").reset_index()


def narrator_words(p: "Project", narrative: str | None = None) -> pd.DataFrame:
    """The narrators' answers beside the readings they answer: narrative_id, narrator, stance, answer, coder, code,
    passage (the answered coding's words). Restricted stories: counted, their words shown as ``[restricted]``.

    >>> wb.analysis.narrator_words(p).columns.tolist()
    ['narrative_id', 'narrator', 'stance', 'answer', 'coder', 'code', 'passage']
    """
    frame = p.responses(narrative)
    codings = p.codings().set_index("coding_id")["text"]
    out = pd.DataFrame({
        "narrative_id": frame["narrative_id"], "narrator": frame["narrator"], "stance": frame["stance"],
        "answer": frame["text"], "coder": frame["coder"], "code": frame["code"],
        "passage": frame["coding_id"].map(codings).fillna("").astype(str)})
    hidden = restricted_ids(p.narratives) if len(p.narratives) else set()
    return mask_restricted(out, hidden, ["answer", "passage"]).reset_index(drop=True)
