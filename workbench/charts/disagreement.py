"""Where readings differ across the corpus: codes by narrative, by position in the story, or by an attribute.

>>> chart = wb.charts.disagreement_map(p)                   # where in the corpus readings differ

Built on :func:`workbench.agreement.disagreements`; tooltips count, they never quote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..agreement.dialogue import KINDS, disagreements
from ._base import ChartError, code_axis, label, load_altair, max_rows

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..project import Project

__all__ = ["disagreement_map"]

_VALUE_TITLES = {"share": "share of the text in dispute", "characters": "characters in dispute",
                 "stretches": "stretches in dispute"}


def disagreement_map(
    p: "Project",
    by: str = "narrative",
    code: str | Iterable[str] | None = None,
    coders: Iterable[str] | None = None,
    value: str = "share",
    bins: int = 10,
    max_columns: int = 60,
) -> "alt.Chart":
    """Where readings differ: codes (rows) by narrative, by position in the story, or by an attribute.

    Built on :func:`~workbench.agreement.dialogue.disagreements`. *by* is ``"narrative"``,
    ``"position"`` (the stories cut into *bins* equal parts: beginnings, middles, ends) or a
    narrative attribute (e.g. ``"setting"``). *value* is ``"share"`` (characters in dispute over
    the characters of the stories that two or more coders coded), ``"characters"`` or
    ``"stretches"``. With many narratives, the *max_columns* with the most disagreement are
    shown (the title says so). Tooltips count; they never quote.

    >>> chart = wb.charts.disagreement_map(p, by="position")
    >>> chart = wb.charts.disagreement_map(p, by="setting", code=["barriers", "reciprocity"])
    """
    _check_options(p, by, value, bins)
    d = disagreements(p, code=code, coders=coders)
    if not len(d):
        raise ChartError("There are no disagreements to map: the coders read these stories alike "
                         "(or have not coded the same stories yet).")
    narratives = p.narratives.set_index("id")
    lengths = pd.Series({n: len(p.text(n)) for n in narratives.index}, dtype="int64")
    read = p.codings(coder=d.attrs["coders"]).groupby("narrative_id")["coder"].nunique()
    shared = read[read >= 2].index  # stories two or more of the coders coded: where disagreement can occur
    d = d.assign(characters=(d["end"] - d["start"]).astype("int64"))
    codes = [c for c in d.attrs["codes"] if c in set(d["code"])]
    if by == "position":
        long, denominator, column_order = _by_position(d, lengths, shared, bins)
    else:
        long, denominator = _by_narrative_or_attribute(d, narratives, lengths, shared, by)
    agg = _cells(long, denominator)
    column_title = "Position in the story" if by == "position" else label(by)
    title = f"Where readings differ: {_VALUE_TITLES[value]}, by {column_title.lower()}"
    if by != "position":
        agg, column_order, note = _busiest_columns(agg, narratives, by, max_columns, len(codes))
        title += note
    return _draw(p, agg, by, value, codes, column_title, column_order, narratives,
                 title=title, compared=d.attrs["coders"])


def _check_options(p: "Project", by: str, value: str, bins: int) -> None:
    if value not in _VALUE_TITLES:
        raise ChartError(f"value must be 'share', 'characters' or 'stretches', not {value!r}.")
    if by not in ("narrative", "position") and by not in p.attributes:
        raise ChartError(f"by must be 'narrative', 'position' or an attribute ({', '.join(p.attributes) or 'none'}), "
                         f"not {by!r}.")
    if by == "position" and not (isinstance(bins, int) and 2 <= bins <= 100):
        raise ChartError("bins must be a whole number from 2 to 100.")


def _by_position(d: pd.DataFrame, lengths: pd.Series, shared: pd.Index,
                 bins: int) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Each stretch's characters in each of *bins* equal parts of its story (rows x bins: a few million cells)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    labels = [f"{edges[k]:.0%}–{edges[k + 1]:.0%}" for k in range(bins)]
    total = lengths[d["narrative_id"]].to_numpy(np.float64)
    s, e = d["start"].to_numpy() / total, d["end"].to_numpy() / total
    overlap = np.clip(np.minimum(e[:, None], edges[None, 1:]) - np.maximum(s[:, None], edges[None, :-1]), 0, None)
    part, row = np.nonzero(overlap.T > 0)  # bin by bin, as the columns read
    long = pd.DataFrame({"code": d["code"].to_numpy()[row], "column": np.asarray(labels, dtype=object)[part],
                         "characters": (overlap * total[:, None])[row, part], "stretches": 1,
                         "kind": d["kind"].to_numpy()[row]})
    denominator = pd.Series(float(lengths[shared].sum()) / bins, index=labels)
    return long, denominator, labels


def _by_narrative_or_attribute(d: pd.DataFrame, narratives: pd.DataFrame, lengths: pd.Series, shared: pd.Index,
                               by: str) -> tuple[pd.DataFrame, pd.Series]:
    column = d["narrative_id"] if by == "narrative" else d["narrative_id"].map(narratives[by].astype(str))
    long = pd.DataFrame({"code": d["code"], "column": column, "characters": d["characters"],
                         "stretches": 1, "kind": d["kind"]})
    if by == "narrative":
        return long, lengths[shared].astype(float)
    groups = narratives.loc[shared, by].astype(str)
    return long, lengths[shared].groupby(groups.to_numpy()).sum().astype(float)


def _cells(long: pd.DataFrame, denominator: pd.Series) -> pd.DataFrame:
    """One cell per (column, code): characters, stretches, stretches of each kind, share of the text."""
    keys = ["column", "code"]
    agg = long.groupby(keys, sort=False).agg(characters=("characters", "sum"),
                                             stretches=("stretches", "sum")).reset_index()
    kinds = long.groupby([*keys, "kind"], sort=False)["stretches"].sum().unstack(fill_value=0)
    kinds = kinds.reindex(columns=list(KINDS), fill_value=0).reindex(pd.MultiIndex.from_frame(agg[keys]))
    for kind in KINDS:
        agg[kind.split(" ")[0]] = kinds[kind].fillna(0).astype(int).to_numpy()
    agg["share"] = agg["characters"] / agg["column"].map(denominator).astype(float)
    agg["characters"] = agg["characters"].round().astype("int64")
    return agg


def _busiest_columns(agg: pd.DataFrame, narratives: pd.DataFrame, by: str, max_columns: int,
                     n_codes: int) -> tuple[pd.DataFrame, list[Any], str]:
    """At most *max_columns* columns (those with the most disagreement), in narrative or sorted order."""
    totals = agg.groupby("column")["characters"].sum().sort_values(ascending=False, kind="stable")
    limit = max(1, min(max_columns, max_rows() // max(1, n_codes)))
    note = ""
    if len(totals) > limit:
        agg = agg[agg["column"].isin(set(totals.index[:limit]))]
        note = f" ({limit} of {len(totals):,} with the most disagreement)"
    present = set(agg["column"])
    order = [c for c in (narratives.index if by == "narrative" else sorted(totals.index)) if c in present]
    return agg, order, note


def _draw(p: "Project", agg: pd.DataFrame, by: str, value: str, codes: list[str], column_title: str,
          column_order: list[Any], narratives: pd.DataFrame, title: str, compared: list[str]) -> "alt.Chart":
    alt = load_altair()
    tooltip = [alt.Tooltip("column:N", title=column_title.lower()), alt.Tooltip("code:N"),
               alt.Tooltip("share:Q", title="share of the text in dispute", format=".1%"),
               alt.Tooltip("characters:Q", title="characters in dispute"),
               alt.Tooltip("stretches:Q", title="stretches"),
               alt.Tooltip("boundaries:Q", title="boundaries differ"),
               alt.Tooltip("different:Q", title="different codes"),
               alt.Tooltip("only:Q", title="only some coded")]
    if by == "narrative":
        agg = agg.assign(title=agg["column"].map(narratives["title"]).astype(str))
        tooltip.insert(1, alt.Tooltip("title:N", title="title"))
    if len(agg) > max_rows():  # pragma: no cover - guarded by the column limit above
        raise ChartError("Too much to draw; pass code=[...] or by='position'.")
    chart = alt.Chart(agg, title=alt.Title(title, subtitle=f"Coders compared: {', '.join(compared)}"))
    legend = alt.Legend(title=value.capitalize(), **({"format": ".0%"} if value == "share" else {}))
    return chart.mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("column:N", sort=column_order, title=column_title, axis=alt.Axis(labelAngle=-45, labelLimit=140)),
        y=alt.Y("code:N", sort=codes, axis=code_axis(p.codebook.color_map(), codes)),
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="oranges"), legend=legend),
        tooltip=tooltip,
    ).properties(width=alt.Step(22), height=alt.Step(18))
