"""Themes and what supports them: every supporting passage, support counts, and themes by attribute.

A theme is supported by the passages coded with its codes (current names: a renamed or merged
code's codings follow it) and by its hand-picked passages; a negative case (a passage marked as
not fitting) is listed, marked, and never counted as support. Restricted stories are counted and
their words shown as :data:`~workbench.consent.RESTRICTED`; withdrawn stories are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def _narrator_index(p: "Project", stories: np.ndarray) -> np.ndarray:
    """An integer per story in *stories*: the same for stories told by one narrator."""
    return pd.factorize(_narrators(p).reindex(stories).fillna("").to_numpy(dtype=object))[0]


def _narrators(p: "Project") -> pd.Series:
    """Narrator of each story id (a story without a named narrator counts as a narrator of its own)."""
    narratives = p.narratives
    named = narratives["narrator"].fillna("").astype(str).str.strip()
    return pd.Series(np.where(named == "", "story:" + narratives["id"].astype(str), named), index=narratives["id"])


def _picked(p: "Project", themes: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """The hand-picked passages and negative cases of *themes*, each as a passage row."""
    events = [(name, e) for name in themes["name"] for e in p.themes.passages(name).itertuples(index=False)]
    wanted = [e.coding_id for _, e in events if isinstance(e.coding_id, str)]
    hit = codings[codings["coding_id"].isin(wanted).to_numpy()] if wanted else codings.iloc[:0]
    by_id = {row.coding_id: row for row in hit.itertuples(index=False)}
    stories, texts, rows = set(p.narratives["id"]), {}, []
    for name, e in events:
        source = "negative case" if e.negative else "picked"
        if isinstance(e.coding_id, str):
            c = by_id.get(e.coding_id)
            if c is not None:  # else its coder removed the coding (or its story was withdrawn)
                rows.append([name, source, c.narrative_id, c.coder, c.code, int(c.start), int(c.end), c.text, e.note,
                             e.coder, e.coding_id, e.passage_id])
        elif e.narrative_id in stories:
            text = texts.setdefault(e.narrative_id, p.text(e.narrative_id))
            rows.append([name, source, e.narrative_id, e.coder, "", int(e.start), int(e.end),
                         text[int(e.start):int(e.end)], e.note, e.coder, "", e.passage_id])
    return pd.DataFrame(rows, columns=[c for c in PASSAGE_COLUMNS if c != "narrator"])


def _encoded(series: pd.Series, known: Iterable = ()) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and distinct values of a column (Arrow's dictionary encoding: fast on a million rows);
    the values start with *known* in their order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = list(dict.fromkeys(known))
    values = pa.concat_arrays([pa.array(first, pa.large_string()), pa.array(series, type=pa.large_string())])
    encoded = pc.dictionary_encode(values)
    return np.asarray(encoded.indices.fill_null(0))[len(first):], np.asarray(encoded.dictionary.to_pylist(),
                                                                           dtype=object)


@dataclass
class _Support:
    """What supports each theme, on integer codes: one row per theme, story and coder with its passage count.

    ``frame`` has int columns theme, story, coder, passages; the label arrays name them.
    """

    frame: pd.DataFrame
    themes: np.ndarray
    stories: np.ndarray
    coders: np.ndarray
    negative: pd.Series


def _coded_counts(themes: pd.DataFrame, codings: pd.DataFrame, stories: np.ndarray) -> tuple[pd.DataFrame,
                                                                                            np.ndarray]:
    """Codings of each story and coder carrying each theme's codes, counted on integer codes.

    A (story and coder) x code count matrix times a code x theme membership matrix gives every
    theme's passages per story and coder at once: a million codings take a fraction of a second.
    """
    story, _ = _encoded(codings["narrative_id"], stories)  # stories already lists every story
    coder, coder_names = _encoded(codings["coder"])
    code, code_names = _encoded(codings["code"])
    index = {name: i for i, name in enumerate(code_names)}
    member = np.zeros((len(code_names), len(themes)), dtype=np.int64)
    for t, codes in enumerate(themes["codes"]):
        member[[index[c] for c in codes if c in index], t] = 1
    rows = len(stories) * len(coder_names)
    pair = story.astype(np.int64) * len(coder_names) + coder
    if rows * len(code_names) <= 50_000_000:
        counts = np.bincount(pair * len(code_names) + code, minlength=rows * len(code_names))
        per_theme = counts.reshape(rows, len(code_names)) @ member
        which, theme = np.nonzero(per_theme)
        passages = per_theme[which, theme]
    else:  # very many stories, coders and codes: count only the pairs that occur
        keys, counts = np.unique(pair * len(code_names) + code, return_counts=True)
        which, theme = np.nonzero(member[keys % len(code_names)])
        frame = pd.DataFrame({"pair": keys[which] // len(code_names), "theme": theme, "passages": counts[which]})
        frame = frame.groupby(["pair", "theme"], as_index=False)["passages"].sum()
        which, theme, passages = frame["pair"].to_numpy(), frame["theme"].to_numpy(), frame["passages"].to_numpy()
    return pd.DataFrame({"theme": theme, "story": which // len(coder_names), "coder": which % len(coder_names),
                         "passages": passages}), coder_names


def _support(p: "Project", themes: pd.DataFrame, coder: str | Iterable[str] | None) -> _Support:
    """Everything that supports *themes* (coded and hand-picked passages) and their negative cases."""
    codings = checked_codings(p, coder=coder)
    stories = p.narratives["id"].to_numpy(dtype=object)
    coded, coders = _coded_counts(themes, codings, stories)
    picked = _picked(p, themes, codings if coder is None else p.codings())
    if coder is not None:
        picked = picked[picked["coder"].isin(as_list(coder)).to_numpy()]
    negative = picked[picked["source"] == "negative case"].groupby("theme").size()
    picked = picked[picked["source"] == "picked"]
    gathered = dict(zip(themes["name"], themes["codes"]))
    # a picked coding already carrying one of the theme's codes is counted once, as coded
    again = np.array([bool(i) and c in gathered.get(t, ()) for t, c, i in
                      zip(picked["theme"], picked["code"], picked["coding_id"])], dtype=bool)
    extra = picked[~again]
    coders = np.asarray(list(dict.fromkeys([*coders, *extra["coder"]])), dtype=object)
    if len(extra):
        position = {name: i for i, name in enumerate(themes["name"])}
        lookup = {"story": {s: i for i, s in enumerate(stories)}, "coder": {c: i for i, c in enumerate(coders)}}
        coded = pd.concat([coded, pd.DataFrame({
            "theme": extra["theme"].map(position).to_numpy(), "story": extra["narrative_id"].map(lookup["story"]),
            "coder": extra["coder"].map(lookup["coder"]), "passages": 1}).astype(np.int64)], ignore_index=True)
    return _Support(coded, themes["name"].to_numpy(dtype=object), stories, coders, negative)


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
    found = _support(p, themes, coder)
    frame = found.frame.assign(narrator=_narrator_index(p, found.stories)[found.frame["story"].to_numpy()])
    grouped = frame.groupby("theme")
    counts = pd.DataFrame({
        "stories": grouped["story"].nunique(), "narrators": grouped["narrator"].nunique(),
        "coders": grouped["coder"].nunique(), "passages": grouped["passages"].sum(),
    }).reindex(range(len(themes)), fill_value=0)
    out = pd.DataFrame({"theme": themes["name"], "phase": themes["phase"]})
    for column in ("stories", "narrators", "coders", "passages"):
        out[column] = counts[column].to_numpy().astype(int)
    out["negative_cases"] = out["theme"].map(found.negative).fillna(0).astype(int)
    return out


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
    column = "coder" if columns == "coder" else narrative_column(p, columns)
    found = _support(p, themes, coder)
    frame = found.frame
    if column == "coder":
        frame = frame.assign(col=frame["coder"])
        labels = found.coders
    else:
        values = p.narratives.set_index("id")[column].reindex(found.stories) if column != "id" \
            else pd.Series(found.stories)
        index, labels = pd.factorize(values.fillna("(none)").astype(str).to_numpy(dtype=object), sort=True)
        frame = frame.assign(col=index[frame["story"].to_numpy()])
    if value == "narrators":
        frame = frame.assign(narrator=_narrator_index(p, found.stories)[frame["story"].to_numpy()])
    measure = {"stories": "story", "narrators": "narrator", "coders": "coder"}.get(value)
    grouped = frame.groupby(["theme", "col"])
    counts = grouped["passages"].sum() if measure is None else grouped[measure].nunique()
    table = counts.unstack("col", fill_value=0).reindex(index=range(len(themes)), columns=range(len(labels)),
                                                       fill_value=0).fillna(0).astype(int)
    table.index = pd.Index(themes["name"].tolist(), name="theme")
    table.columns = pd.Index([str(v) for v in labels], name=columns)
    return table[sorted(table.columns, key=str.casefold)] if column == "coder" else table
