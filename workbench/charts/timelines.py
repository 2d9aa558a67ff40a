"""Change over time: the codebook's history, memos, and each coder's use of codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import pandas as pd

from .. import analysis
from ..query import code_order
from ._base import (
    INACTIVE_COLOR,
    ChartError,
    check_rows,
    code_axis,
    code_groups,
    load_altair,
    max_rows,
    period_labels,
    present_codes,
    short,
    time_axis,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..project import Project

__all__ = ["code_use", "codebook_timeline", "memo_timeline"]

_KIND_COLORS = {"reflexive": "#0072B2", "analytic": "#D55E00", "dialogue": "#009E73"}
_EVENT_ORDER = ["add", "edit", "rename", "split", "merge", "retire", "reinstate"]


def codebook_timeline(p: "Project") -> "alt.Chart":
    """The codebook's evolution: every add, rename, merge, split, retirement and edit, with who and why.

    >>> chart = wb.charts.codebook_timeline(p)
    """
    alt = load_altair()
    data = analysis.codebook_timeline(p)
    if not len(data):
        raise ChartError("The codebook has no history yet: add codes first.")
    data = data.assign(color=_history_colors(p, data), rationale=data["rationale"].map(short),
                       detail=data["detail"].map(short))
    if len(data) > max_rows():  # a very long history: keep every change except the oldest plain additions
        data = pd.concat([data[data["event"] != "add"], data[data["event"] == "add"]]).head(max_rows())
    events = [e for e in _EVENT_ORDER if e in set(data["event"])] + sorted(set(data["event"]) - set(_EVENT_ORDER))
    chart = alt.Chart(data, title=alt.Title("How the codebook changed",
                                            subtitle="each mark is one change; hover for who and why"))
    return chart.mark_point(filled=True, size=120, opacity=0.85).encode(
        x=alt.X("at:T", title="When", axis=time_axis(data["at"])),
        y=alt.Y("event:N", sort=events, title="Change"),
        color=alt.Color("color:N", scale=None, legend=None),
        shape=alt.Shape("event:N", sort=events, legend=alt.Legend(title="Change")),
        tooltip=[alt.Tooltip("at:T", format="%Y-%m-%d %H:%M", title="when"), "coder:N", "event:N",
                 "code:N", "detail:N", "rationale:N"],
    ).properties(width=620, height=alt.Step(34))


def _history_colors(p: "Project", data: pd.DataFrame) -> list[str]:
    """Each change in the colour of its code; a renamed code keeps its colour under its old names."""
    palette = dict(p.codebook.color_map())
    book = p.codebook.to_frame(include_inactive=True)
    palette.update({n: c for n, c in zip(book["name"], book["color"]) if n not in palette})
    aliases: dict[str, str] = {}
    for event, detail in zip(data["event"][::-1], data["detail"][::-1]):
        if event == "rename" and " -> " in str(detail):
            old, new = str(detail).split(" -> ", 1)
            aliases[old] = aliases.get(new, new)
    return [palette.get(aliases.get(code, code), INACTIVE_COLOR) for code in data["code"]]


def memo_timeline(p: "Project", coder: str | Iterable[str] | None = None, kind: str | None = None) -> "alt.Chart":
    """Memos over time, one row per coder, coloured by kind (reflexive, analytic, dialogue).

    With more memos than a chart can carry they are counted per day (circle size).

    >>> chart = wb.charts.memo_timeline(p, kind="reflexive")
    """
    alt = load_altair()
    data = analysis.memo_timeline(p, coder=coder, kind=kind)
    if not len(data):
        raise ChartError("There are no memos to show yet: write one with p.memo(...).")
    kinds = list(_KIND_COLORS)
    color = alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=list(_KIND_COLORS.values())),
                      legend=alt.Legend(title="Memo kind"))
    title = alt.Title("Memos over time", subtitle="reflexive, analytic and dialogue memos by each coder")
    if len(data) > max_rows():
        data = data.assign(day=data["at"].dt.floor("D"))
        data = data.groupby(["day", "coder", "kind"], observed=True).size().rename("memos").reset_index()
        data = data.rename(columns={"day": "at"})
        chart = alt.Chart(check_rows(data, "memo_timeline"), title=title).mark_circle(opacity=0.8).encode(
            x=alt.X("at:T", title="When"), y=alt.Y("coder:N", title="Coder"), color=color,
            size=alt.Size("memos:Q", legend=alt.Legend(title="Memos per day")),
            tooltip=[alt.Tooltip("at:T", format="%Y-%m-%d", title="day"), "coder:N", "kind:N", "memos:Q"])
        return chart.properties(width=620, height=alt.Step(30))
    data = data.assign(text=data["text"].map(short), title=data["title"].fillna(""),
                       participants=data["participants"].map(lambda v: ", ".join(v) if isinstance(v, list) else ""))
    data = data[["at", "coder", "kind", "title", "text", "about", "participants"]]
    chart = alt.Chart(data, title=title).mark_point(filled=True, size=110, opacity=0.85)
    return chart.encode(
        x=alt.X("at:T", title="When", axis=time_axis(data["at"])), y=alt.Y("coder:N", title="Coder"), color=color,
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds), legend=None),
        tooltip=[alt.Tooltip("at:T", format="%Y-%m-%d %H:%M", title="when"), "coder:N", "kind:N", "title:N",
                 "about:N", "participants:N", alt.Tooltip("text:N", title="memo")],
    ).properties(width=620, height=alt.Step(30))


def code_use(p: "Project", coder: str | Iterable[str] | None = None, freq: str = "auto") -> "alt.FacetChart":
    """How each coder's use of codes changed: a grid per coder, codes (rows, in codebook order, so codes
    of one group sit together) by period (columns), shaded by the code's share of that coder's codings.

    Only codes someone used are shown; periods are labelled in one format ("9 Mar", "Mar 2026").

    >>> chart = wb.charts.code_use(p, coder="ana", freq="W")
    """
    alt = load_altair()
    data = analysis.code_use_over_time(p, coder=coder, freq=freq)
    for coarser in ("W", "M", "Q", "Y"):
        if len(data) <= max_rows():
            break
        data, freq = analysis.code_use_over_time(p, coder=coder, freq=coarser), coarser
    if not len(data):
        raise ChartError("There are no codings to show yet.")
    codes = present_codes(code_order(p, data["code"]), data["code"])
    labels, period_title = period_labels(data["period"], freq)
    order = list(dict.fromkeys(labels[data["period"].sort_values(kind="stable").index]))
    data = check_rows(data.assign(when=labels, group=data["code"].map(code_groups(p, codes))), "code_use")
    chart = alt.Chart(data).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("when:O", sort=order, title=period_title, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("code:N", sort=codes, axis=code_axis(p.codebook.color_map(), codes, title=None)),
        color=alt.Color("share:Q", scale=alt.Scale(scheme="blues", domainMin=0),
                        legend=alt.Legend(title="Share of codings", format="%")),
        tooltip=[alt.Tooltip("when:O", title=period_title.lower()), "coder:N", "code:N",
                 alt.Tooltip("group:N", title="group"), "codings:Q",
                 alt.Tooltip("share:Q", format=".1%", title="share of coder's")],
    ).properties(width=alt.Step(max(18, 60 - 4 * len(order)) if len(order) < 12 else 18), height=alt.Step(14))
    header = alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold", labelFontSize=12)
    title = alt.Title("How coders' use of codes changed over time",
                      subtitle="darker: a larger share of that coder's codings in that period")
    return chart.facet(row=alt.Row("coder:N", title=None, header=header), title=title)
