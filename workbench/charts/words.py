"""Which words people use: the most frequent words, as bars, for the project or side by side for groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .. import analysis
from ..query import as_list
from ._base import ChartError, check_rows, label, load_altair

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..project import Project

__all__ = ["word_bars"]

_NEUTRAL = "#4c78a8"


def word_bars(p: "Project", by: str | None = None, top: int = 15, within_code: str | Iterable[str] | None = None,
              stop_words: str | Iterable[str] | None = "en", coder: str | Iterable[str] | None = None,
              max_groups: int = 12) -> "alt.Chart":
    """The *top* words of the stories as bars; with *by* (speaker, code, coder, narrative, an attribute) one
    panel per group, at most *max_groups* (the groups with the most words; the title says so).

    The bars take the code's colour when the words come from one code (``within_code`` or
    ``by="code"``). Counts only: no passage is quoted, so restricted stories are counted like
    any other (see :func:`workbench.analysis.word_frequencies`).

    >>> chart = wb.charts.word_bars(p, by="setting", top=8)
    >>> chart.to_dict()["title"]["text"]
    'The 8 most used words by setting'
    """
    alt = load_altair()
    data = analysis.word_frequencies(p, by=by, within_code=within_code, stop_words=stop_words, coder=coder,
                                     top=top)
    if data.empty:
        raise ChartError("There are no words to show (no passages, or every word is a stop word).")
    title = f"The {top} most used words" + (f" by {label(by).lower()}" if by else "")
    codes = as_list(within_code) or []
    palette = p.codebook.color_map()
    color = alt.value(palette.get(codes[0], _NEUTRAL) if len(codes) == 1 else _NEUTRAL)
    subtitle = f"in passages coded {', '.join(codes)}" if codes else "in the whole stories (stop words left out)"
    tooltip = ["word:N", "count:Q", alt.Tooltip("narratives:Q", title="narratives using it")]
    if by is None:
        chart = alt.Chart(check_rows(data, "word_bars"), title=alt.Title(title, subtitle=subtitle)).mark_bar()
        return chart.encode(y=alt.Y("word:N", sort="-x", title="Word"), x=alt.X("count:Q", title="Times used"),
                            color=color, tooltip=tooltip).properties(width=360, height=alt.Step(16))
    column = data.columns[0]
    totals = data.groupby(column, sort=False)["count"].sum().sort_values(ascending=False, kind="stable")
    if len(totals) > max_groups:
        data = data[data[column].isin(totals.index[:max_groups])]
        title += f" ({max_groups} of {len(totals)} groups with the most words)"
    data = data.assign(**{column: data[column].astype(str)})
    if column == "code":
        color = alt.Color("code:N", scale=alt.Scale(domain=list(palette), range=list(palette.values())), legend=None)
    chart = alt.Chart(check_rows(data, "word_bars")).mark_bar().encode(
        y=alt.Y("word:N", sort="-x", title=None), x=alt.X("count:Q", title="Times used"), color=color,
        tooltip=[f"{column}:N", *tooltip],
    ).properties(width=180, height=alt.Step(14))
    return chart.facet(facet=alt.Facet(f"{column}:N", title=label(column)), columns=4).resolve_scale(
        y="independent").properties(title=alt.Title(title, subtitle=subtitle))
