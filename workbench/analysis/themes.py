"""Themes and what supports them: every supporting passage, support counts, and themes by attribute.

A theme is supported by the passages coded with its codes (current names: a renamed or merged
code's codings follow it) and by its hand-picked passages; a negative case (a passage marked as
not fitting) is listed, marked, and never counted as support. Restricted stories are counted and
their words shown as :data:`~workbench.consent.RESTRICTED`; withdrawn stories are gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ..consent import mask_restricted
from ..query import AnalysisError, as_list, checked_codings, narrative_column, restricted_narratives

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["theme_passages", "theme_support", "theme_matrix"]

PASSAGE_COLUMNS = ["theme", "source", "narrative_id", "narrator", "coder", "code", "start", "end", "text", "note",
                   "picked_by", "coding_id", "passage_id"]
SOURCES = ("code", "picked", "negative case")


def _themes(p: "Project", theme: str | Iterable[str] | None) -> pd.DataFrame:
    frame = p.themes.to_frame()
    if theme is None:
        return frame
    names = [p.themes.lookup(t).name for t in as_list(theme)]
    return frame.set_index("name").loc[names].reset_index()


def _narrators(p: "Project") -> pd.Series:
    """Narrator of each story id (a story without a named narrator counts as a narrator of its own)."""
    narratives = p.narratives
    named = narratives["narrator"].fillna("").astype(str).str.strip()
    return pd.Series(np.where(named == "", "story:" + narratives["id"].astype(str), named), index=narratives["id"])


def _picked(p: "Project", themes: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """The hand-picked passages and negative cases of *themes*, each as a passage row."""
    by_id = codings.set_index("coding_id")
    texts = {}
    rows = []
    stories = set(p.narratives["id"])
    for name in themes["name"]:
        for e in p.themes.passages(name).itertuples(index=False):
            source = "negative case" if e.negative else "picked"
            if isinstance(e.coding_id, str):
                if e.coding_id not in by_id.index:
                    continue  # its coder removed the coding (or its story was withdrawn)
                c = by_id.loc[e.coding_id]
                rows.append([name, source, c["narrative_id"], c["coder"], c["code"], int(c["start"]), int(c["end"]),
                             c["text"], e.note, e.coder, e.coding_id, e.passage_id])
            elif e.narrative_id in stories:
                text = texts.setdefault(e.narrative_id, p.text(e.narrative_id))
                rows.append([name, source, e.narrative_id, e.coder, "", int(e.start), int(e.end),
                             text[int(e.start):int(e.end)], e.note, e.coder, "", e.passage_id])
    columns = [c for c in PASSAGE_COLUMNS if c != "narrator"]
    return pd.DataFrame(rows, columns=columns)


def _by_codes(themes: pd.DataFrame, codings: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Codings of every theme's codes (a coding counts once for each theme gathering its code)."""
    gathered = themes[["name", "codes"]].explode("codes").dropna().rename(columns={"name": "theme", "codes": "code"})
    if gathered.empty or codings.empty:
        return pd.DataFrame(columns=["theme", *columns])
    code = codings["code"].astype(str)
    parts = []
    for name, group in gathered.groupby("theme", sort=False):
        hit = code.isin(list(group["code"])).to_numpy()
        if hit.any():
            parts.append(codings.loc[hit, columns].assign(theme=name))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["theme", *columns])


def theme_passages(p: "Project", theme: str | Iterable[str] | None = None, coder: str | Iterable[str] | None = None,
                   negative: bool = True) -> pd.DataFrame:
    """Every passage that supports a theme (all themes when *theme* is None), and its negative cases.

    One row per passage and theme: theme, source (``code``: coded with one of its codes; ``picked``:
    hand-picked; ``negative case``: marked as not fitting), narrative_id, narrator, coder (whose
    reading), code, start, end, text, note, picked_by, coding_id, passage_id. A coding that is both
    coded with a theme's code and hand-picked is listed once, as picked. ``negative=False`` leaves
    the negative cases out.

    >>> _ = p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    >>> found = wb.analysis.theme_passages(p, "making room for each other")
    >>> found["source"].unique().tolist(), found["code"].unique().tolist()
    (['code'], ['reciprocity'])
    """
    themes = _themes(p, theme)
    codings = checked_codings(p, coder=coder)
    picked = _picked(p, themes, codings if coder is None else p.codings())
    if coder is not None:
        picked = picked[picked["coder"].isin(as_list(coder)).to_numpy()]
    coded = _by_codes(themes, codings, ["narrative_id", "coder", "code", "start", "end", "text", "note",
                                        "coding_id"]).assign(source="code", picked_by="", passage_id="")
    seen = set(zip(picked["theme"], picked["coding_id"]))
    coded = coded[[(t, c) not in seen for t, c in zip(coded["theme"], coded["coding_id"])]]
    frame = pd.concat([coded.astype(object), picked.astype(object)], ignore_index=True)
    if not negative:
        frame = frame[frame["source"] != "negative case"]
    frame["narrator"] = frame["narrative_id"].map(_narrators(p)).fillna("")
    frame["note"] = frame["note"].fillna("")
    order = {name: i for i, name in enumerate(themes["name"])}
    frame = frame.assign(_t=frame["theme"].map(order)).sort_values(["_t", "narrative_id", "start", "end", "coder"],
                                                                  kind="stable")
    frame = frame[PASSAGE_COLUMNS].reset_index(drop=True).astype({"start": int, "end": int})
    return mask_restricted(frame, restricted_narratives(p), ["text"])


def theme_support(p: "Project", coder: str | Iterable[str] | None = None) -> pd.DataFrame:
    """How much supports each theme: one row per theme with phase, stories, narrators, coders, passages (coded
    or picked) and negative_cases. Restricted stories count; withdrawn ones are gone.

    >>> _ = p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    >>> wb.analysis.theme_support(p).columns.tolist()
    ['theme', 'phase', 'stories', 'narrators', 'coders', 'passages', 'negative_cases']
    """
    themes = p.themes.to_frame()
    found = theme_passages(p, coder=coder)
    support = found[found["source"] != "negative case"]
    negative = found[found["source"] == "negative case"].groupby("theme").size()
    grouped = support.groupby("theme")
    counts = pd.DataFrame({
        "stories": grouped["narrative_id"].nunique(), "narrators": grouped["narrator"].nunique(),
        "coders": grouped["coder"].nunique(), "passages": grouped.size(),
    })
    out = themes[["name", "phase"]].rename(columns={"name": "theme"}).set_index("theme").join(counts)
    out["negative_cases"] = negative
    return out.fillna(0).astype({c: int for c in ("stories", "narrators", "coders", "passages",
                                                  "negative_cases")}).reset_index()


def theme_matrix(p: "Project", columns: str = "setting", value: str = "stories",
                 coder: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Themes by a narrative attribute (or ``"coder"``, or ``"narrative"``): how many stories (or
    ``value="narrators"``, ``"coders"``, ``"passages"``) support each theme in each column. Negative cases
    do not count; restricted stories do. Rows are the themes in order, zeros where nothing supports.

    >>> _ = p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    >>> table = wb.analysis.theme_matrix(p, columns="setting")
    >>> table.index.name, int(table.to_numpy().sum()) > 0
    ('theme', True)
    """
    if value not in ("stories", "narrators", "coders", "passages"):
        raise AnalysisError(f"value must be 'stories', 'narrators', 'coders' or 'passages', not {value!r}.")
    themes = p.themes.to_frame()
    if columns == "coder":
        column = "coder"
    else:
        column = narrative_column(p, columns)
    codings = checked_codings(p, coder=coder)
    needed = ["narrative_id", "coder", "code"] if value != "passages" else ["narrative_id", "coder", "code",
                                                                               "coding_id"]
    slim = codings[needed]
    if value != "passages":  # one row per story, coder and code is enough to count everything else
        slim = slim.drop_duplicates()
    support = _by_codes(themes, slim, [c for c in needed if c != "code"])
    picked = _picked(p, themes, codings)
    picked = picked[picked["source"] == "picked"]
    if coder is not None:
        picked = picked[picked["coder"].isin(as_list(coder)).to_numpy()]
    support = pd.concat([support, picked[support.columns]], ignore_index=True)
    if value == "passages":
        support = support.drop_duplicates(["theme", "coding_id"]).loc[lambda f: f["coding_id"] != ""]
        support = pd.concat([support, picked[picked["coding_id"] == ""][support.columns]], ignore_index=True)
    if column != "coder":
        key = "id" if column == "id" else column
        lookup = p.narratives.set_index("id")[key] if key != "id" else None
        support["_col"] = support["narrative_id"] if lookup is None else support["narrative_id"].map(lookup)
    else:
        support["_col"] = support["coder"]
    support["_col"] = support["_col"].fillna("(none)").astype(str)
    support["narrator"] = support["narrative_id"].map(_narrators(p))
    measure = {"stories": "narrative_id", "narrators": "narrator", "coders": "coder"}.get(value)
    grouped = support.groupby(["theme", "_col"])
    counts = grouped.size() if measure is None else grouped[measure].nunique()
    table = counts.unstack("_col", fill_value=0).reindex(themes["name"], fill_value=0)
    table = table.fillna(0).astype(int)
    table.index.name, table.columns.name = "theme", columns
    return table
