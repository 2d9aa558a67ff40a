"""How often codes are used: codes by narrative, coder or attribute, and each coder's mix of codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .. import analysis
from ..query import code_order
from ._base import (
    ChartError,
    check_rows,
    code_axis,
    code_groups,
    code_legend,
    code_scale,
    color_by_groups,
    colors,
    group_palette,
    label,
    load_altair,
    max_rows,
    present_codes,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..project import Project

__all__ = ["coder_bars", "frequency_heatmap"]


def frequency_heatmap(p: "Project", by: str = "narrative", value: str = "codings",
                      coder: str | Iterable[str] | None = None, max_columns: int = 60) -> "alt.Chart":
    """Codes (rows, in codebook order and colours) by narrative, coder or an attribute (columns), shaded by use.

    *value*: ``"codings"``, ``"narratives"`` or ``"coders"``. With more than *max_columns*
    columns (e.g. 1,000 narratives), the columns with the most codings are shown and the title
    says so.

    >>> chart = wb.charts.frequency_heatmap(p, by="setting")
    """
    alt = load_altair()
    if value not in ("codings", "narratives", "coders"):
        raise ChartError(f"value must be 'codings', 'narratives' or 'coders', not {value!r}.")
    if by in (None, "code"):
        raise ChartError("frequency_heatmap needs a column dimension: by='narrative', 'coder' or an attribute.")
    data = analysis.frequencies(p, by=by, coder=coder)
    column = data.columns[1]
    codes = code_order(p, data["code"])
    limit = max(1, min(max_columns, max_rows() // max(1, len(codes))))
    totals = data.groupby(column, sort=False)["codings"].sum()
    title = f"Codes by {label(column).lower()}: {value}"
    if len(totals) > limit:
        keep = totals.sort_values(ascending=False, kind="stable").index[:limit]
        data = data[data[column].isin(keep)]
        title += f" ({limit} of {len(totals):,} {label(column).lower()}s with the most codings)"
    data = data.assign(**{column: data[column].astype(str)})
    tooltip = ["code:N", f"{column}:N", "codings:Q", "narratives:Q", "coders:Q"]
    if column == "narrative_id":
        data = data.assign(title=data["narrative_id"].map(p.narratives.set_index("id")["title"]))
        tooltip.insert(2, "title:N")
    order = sorted(data[column].unique())
    chart = alt.Chart(check_rows(data, "frequency_heatmap"), title=title).mark_rect(stroke="white", strokeWidth=0.5)
    return chart.encode(
        x=alt.X(f"{column}:N", sort=order, title=label(column), axis=alt.Axis(labelAngle=-45, labelLimit=120)),
        y=alt.Y("code:N", sort=codes, axis=code_axis(p.codebook.color_map(), codes)),
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues"), legend=alt.Legend(title=value.capitalize())),
        tooltip=tooltip,
    ).properties(width=alt.Step(16), height=alt.Step(16))


def coder_bars(p: "Project", coder: str | Iterable[str] | None = None, normalize: bool = False,
               color_by: str = "auto") -> "alt.Chart":
    """Each coder's codings as one bar, split into the codes they used; ``normalize=True`` shows shares.

    Only codes someone used are drawn and listed. *color_by*: ``"code"`` (each code its codebook
    colour), ``"group"`` (each code in the colour of its top-level code, one segment per code,
    the code named in the tooltip) or ``"auto"``: groups when more than eight codes are used,
    too many colours to tell apart.

    >>> chart = wb.charts.coder_bars(p, normalize=True)
    >>> chart.to_dict()["encoding"]["color"]["legend"]["title"]
    'Code group'
    """
    alt = load_altair()
    data = analysis.frequencies(p, by="coder", coder=coder)
    data = data[data["codings"] > 0]
    if not len(data):
        raise ChartError("There are no codings to show yet.")
    codes = present_codes(code_order(p, data["code"]), data["code"])
    groups = code_groups(p, codes)
    rank = {c: i for i, c in enumerate(codes)}
    totals = data.groupby("coder")["codings"].transform("sum")
    data = data.assign(order=data["code"].map(rank), group=data["code"].map(groups), share=data["codings"] / totals)
    what = "share of each coder's codings" if normalize else "codings per coder"
    title = f"Who used which codes: {what}"
    if color_by_groups(codes, groups, color_by):
        names = list(dict.fromkeys(groups[c] for c in codes))
        palette = group_palette(p)
        color = alt.Color("group:N", scale=alt.Scale(domain=names, range=colors(palette, names)), sort=names,
                          legend=code_legend("Code group"))
        title = alt.Title(title, subtitle="colour: code group; each segment is one code (hover for its name)")
    else:
        color = alt.Color("code:N", scale=code_scale(p.codebook.color_map(), codes), sort=codes, legend=code_legend())
    chart = alt.Chart(check_rows(data, "coder_bars"), title=title).mark_bar(stroke="white", strokeWidth=1)
    return chart.encode(
        y=alt.Y("coder:N", title="Coder", sort="ascending"),
        x=alt.X("codings:Q", stack="normalize" if normalize else "zero",
                title="Share of codings" if normalize else "Codings",
                axis=alt.Axis(format="%") if normalize else alt.Axis()),
        color=color,
        order=alt.Order("order:Q"),
        tooltip=["coder:N", "code:N", alt.Tooltip("group:N", title="group"), "codings:Q",
                 alt.Tooltip("share:Q", format=".1%", title="share of coder's"), "narratives:Q"],
    ).properties(width=500, height=alt.Step(28))
