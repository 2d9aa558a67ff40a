"""Charts of agreement: per code, and per pair of coders.

>>> chart = wb.charts.agreement_chart(p)                    # alpha per code, with the 0.667 and 0.8 lines
>>> chart = wb.charts.coder_pair_heatmap(p, code="reciprocity")    # who reads alike with whom

Every chart draws a frame of the agreement layer (:mod:`workbench.agreement`): a few rows
per code or pair, far below altair's 5,000-row limit on any project, with a title, tooltips
and the codebook's colours. Tooltips never carry passage text. Save with
``wb.charts.save(chart, "alpha.png")``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..agreement.corpus import pairwise_agreement, unit_agreement
from ..project import Project
from ._base import INACTIVE_COLOR, ChartError, code_axis, load_altair, max_rows

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["REFERENCE_LINES", "agreement_chart", "coder_pair_heatmap", "pairwise_agreement"]

#: Krippendorff's (2004, 2019) guide: rely on codes with alpha >= 0.8; draw only tentative
#: conclusions from 0.667 <= alpha < 0.8; below that, the coders do not read alike enough.
REFERENCE_LINES = {0.667: "0.667: tentative conclusions only", 0.8: "0.8: reliable"}
_LABELS = {
    "percent": "Percent agreement", "cohen_kappa": "Cohen's kappa", "scott_pi": "Scott's pi",
    "fleiss_kappa": "Fleiss' kappa", "brennan_prediger": "Brennan-Prediger", "gwet_ac1": "Gwet's AC1",
    "krippendorff_alpha": "Krippendorff's alpha", "percent_coded": "Percent agreement on coded units",
    "alpha_u_2004": "Krippendorff's alpha-u (2004)", "u_alpha_2016": "u-alpha (2016)",
    "cu_alpha_2016": "(k)u-alpha (2016)", "binary_u_alpha_2016": "|u-alpha (2016)", "estimate": "Estimate",
}
_HIGH, _MID, _LOW = "#2166ac", "#d1e5f0", "#b2182b"
_TOOLTIP_COLUMNS = (("n_units", "units compared", "d"), ("n_spans", "spans", "d"),
                    ("percent", "percent agreement", ".1%"), ("n_coded_units", "units someone coded", "d"),
                    ("percent_coded", "agreement on coded units", ".1%"), ("ci_low", "interval from", ".3f"),
                    ("ci_high", "interval to", ".3f"), ("p_below", "share of replicates below 0.667", ".1%"))


def measure_label(measure: str) -> str:
    """A coefficient's readable name: ``"krippendorff_alpha"`` -> ``"Krippendorff's alpha"``.

    >>> measure_label("gwet_ac1")
    "Gwet's AC1"
    """
    return _LABELS.get(measure, measure.replace("_", " "))


# ---------------------------------------------------------------------- agreement per code
def agreement_chart(
    data: "Project | pd.DataFrame",
    measure: str | None = None,
    unit: str = "narrative",
    codes: Iterable[str] | str | None = None,
    coders: Iterable[str] | str | None = None,
    project: "Project | None" = None,
) -> "alt.LayerChart":
    """Agreement per code as bars, with reference lines at 0.667 and 0.8 (Krippendorff's guide).

    *data* is a project (agreement is computed with
    :func:`~workbench.agreement.unit_agreement` over *unit*, *codes*, *coders*) or a frame you
    computed: from ``unit_agreement``, ``span_agreement`` or ``bootstrap`` (its intervals are
    drawn as whiskers). *measure* defaults to ``krippendorff_alpha`` (``estimate`` for a
    bootstrap frame, ``alpha_u_2004`` for a span frame). Pass *project* with a frame to colour
    the codes as in the codebook. The ``overall`` row is drawn last, in grey.

    >>> chart = wb.charts.agreement_chart(p, unit="paragraph")
    >>> chart = wb.charts.agreement_chart(wb.agreement.bootstrap(p, n=200), project=p)
    """
    alt = load_altair()
    if isinstance(data, Project):
        project = data
        frame = unit_agreement(data, unit=unit, codes=codes, coders=coders)
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise ChartError(f"agreement_chart() takes a project or an agreement frame, not {type(data).__name__}.")
    frame = frame.copy()
    if "code" in frame.columns:
        frame = frame.set_index("code")
    measure = _chosen_measure(frame, measure)
    palette = project.codebook.color_map() if project is not None else {}
    rows, undefined = _bar_rows(frame, measure, palette)
    low = float(min(0.0, rows["value"].min() - 0.05, rows.get("ci_low", rows["value"]).min() - 0.05))
    x_scale = alt.Scale(domain=[max(-1.0, low), 1.0], nice=False)
    tooltip = _tooltip(rows, measure)
    rows = rows[["code", "value", "color", "band"] + [t.shorthand.split(":")[0] for t in tooltip[3:]]]
    order = [c for c in rows["code"] if c != "overall"] + (["overall"] if "overall" in set(rows["code"]) else [])
    y = alt.Y("code:N", sort=order, axis=code_axis({**palette, "overall": "#262626"}, order))
    bars = alt.Chart(rows).mark_bar(height={"band": 0.7}).encode(
        x=alt.X("value:Q", scale=x_scale, title=measure_label(frame.attrs.get("measure", measure)
                                                              if measure == "estimate" else measure)), y=y,
        color=alt.Color("color:N", scale=None), tooltip=tooltip)
    layers = [bars]
    if "ci_low" in rows.columns and "ci_high" in rows.columns:
        layers.append(alt.Chart(rows).mark_rule(color="#262626", strokeWidth=1.5).encode(
            x="ci_low:Q", x2="ci_high:Q", y=y, tooltip=tooltip))
    layers += _reference_layers(x_scale)
    title = _agreement_title(frame, measure, unit if isinstance(data, Project) else None, undefined)
    return alt.layer(*layers, title=title).properties(width=460, height=alt.Step(22))


def _chosen_measure(frame: pd.DataFrame, measure: str | None) -> str:
    if measure is None:
        measure = next((m for m in ("krippendorff_alpha", "estimate", "alpha_u_2004") if m in frame.columns), None)
    if measure not in frame.columns:
        known = [c for c in frame.columns if c in _LABELS]
        raise ChartError(f"The frame has no column {measure!r}; choose one of {known}.")
    return measure


def _bar_rows(frame: pd.DataFrame, measure: str, palette: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """One row per code with a defined value: value, colour and Krippendorff's band; and the undefined codes."""
    rows = frame.reset_index().rename(columns={frame.index.name or "index": "code"})
    rows["value"] = pd.to_numeric(rows[measure], errors="coerce")
    undefined = rows.loc[rows["value"].isna(), "code"].astype(str).tolist()
    rows = rows[rows["value"].notna()].reset_index(drop=True)
    if not len(rows):
        raise ChartError(f"{measure_label(measure)} is undefined for every code here (nobody's coding varied).")
    if len(rows) > max_rows():  # pragma: no cover - a codebook of thousands of codes
        raise ChartError("Too many codes to draw; pass codes=[...].")
    rows["code"] = rows["code"].astype(str)
    rows["color"] = [("#595959" if c == "overall" else palette.get(c, INACTIVE_COLOR if palette else "#4c78a8"))
                     for c in rows["code"]]
    rows["band"] = np.select([rows["value"] >= 0.8, rows["value"] >= 0.667], ["reliable (>= 0.8)",
                             "tentative (0.667-0.8)"], "below 0.667")
    return rows, undefined


def _tooltip(rows: pd.DataFrame, measure: str) -> list[Any]:
    """The value and its band, then whichever counts and intervals the frame has (made numeric in *rows*)."""
    alt = load_altair()
    tooltip = [alt.Tooltip("code:N", title="code"),
               alt.Tooltip("value:Q", title=measure_label(measure), format=".3f"),
               alt.Tooltip("band:N", title="by Krippendorff's guide")]
    for column, title, fmt in _TOOLTIP_COLUMNS:
        if column in rows.columns and column != measure:
            rows[column] = pd.to_numeric(rows[column], errors="coerce")
            tooltip.append(alt.Tooltip(f"{column}:Q", title=title, format=fmt))
    return tooltip


def _reference_layers(x_scale: Any) -> list[Any]:
    """Dashed lines at 0.667 and 0.8, labelled on either side of their lines so the labels never overlap."""
    alt = load_altair()
    lines = pd.DataFrame({"at": list(REFERENCE_LINES), "label": list(REFERENCE_LINES.values())})
    layers = [alt.Chart(lines).mark_rule(strokeDash=[5, 3], color="#262626").encode(
        x=alt.X("at:Q", scale=x_scale), tooltip=[alt.Tooltip("label:N", title="reference")])]
    for (at, text), align, dx in zip(REFERENCE_LINES.items(), ("right", "left"), (-3, 3)):
        layers.append(alt.Chart(pd.DataFrame({"at": [at], "label": [text]})).mark_text(
            align=align, baseline="bottom", dx=dx, dy=-2, fontSize=10, color="#262626").encode(
            x=alt.X("at:Q", scale=x_scale), y=alt.value(0), text="label:N"))
    return layers


def _agreement_title(frame: pd.DataFrame, measure: str, unit: str | None, undefined: list[str]) -> Any:
    unit_name = frame.attrs.get("unit", unit)
    subtitle = [f"Units: {unit_name}s." if unit_name else "",
                f"Coders: {', '.join(frame.attrs['coders'])}." if frame.attrs.get("coders") else "",
                f"Undefined (no variation): {', '.join(undefined)}." if undefined else ""]
    text = f"{measure_label(measure)} per code"
    if measure == "estimate" and frame.attrs.get("measure"):
        text = (f"{measure_label(frame.attrs['measure'])} per code, with {frame.attrs.get('level', 0.95):.0%} "
                "bootstrap intervals")
    return load_altair().Title(text, subtitle=" ".join(s for s in subtitle if s) or None)


# ---------------------------------------------------------------------- pairs of coders
def coder_pair_heatmap(
    p: "Project",
    code: str | None = None,
    unit: str = "narrative",
    measure: str = "krippendorff_alpha",
    coders: Iterable[str] | None = None,
) -> "alt.LayerChart":
    """Who reads alike with whom: a coder-by-coder grid of :func:`~workbench.agreement.pairwise_agreement`.

    Cells are shaded from red (below 0.667) through pale (0.667-0.8) to blue (0.8 and above);
    the value is written in each cell. With *code*, the pairs' agreement on that code (drawn
    in its codebook colour in the title); without, pooled over the codes each pair used.

    >>> chart = wb.charts.coder_pair_heatmap(p, code="reciprocity", unit="paragraph")
    """
    alt = load_altair()
    data = pairwise_agreement(p, code=code, unit=unit, measure=measure, coders=coders)
    order = list(data.attrs["coders"])
    data = data.assign(label=data["value"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}"),
                       value=data["value"].astype(float))
    low = float(min(0.0, np.nanmin(data["value"].to_numpy()) if data["value"].notna().any() else 0.0))
    scale = alt.Scale(domain=[low, 0.667, 0.8, 1.0], range=[_LOW, "#f7f7f7", _MID, _HIGH], clamp=True)
    base = alt.Chart(data).encode(
        x=alt.X("coder_b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
        y=alt.Y("coder_a:N", sort=order, title=None, axis=alt.Axis(labelLimit=160)),
        tooltip=[alt.Tooltip("coder_a:N", title="coder"), alt.Tooltip("coder_b:N", title="with"),
                 alt.Tooltip("value:Q", title=measure_label(measure), format=".3f"),
                 alt.Tooltip("n_units:Q", title="units both coded"),
                 alt.Tooltip("percent:Q", title="percent agreement", format=".1%")])
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", scale=scale, legend=alt.Legend(title=measure_label(measure))))
    text = base.mark_text(fontSize=11).encode(
        text="label:N", color=alt.condition("datum.value >= 0.9 || datum.value < 0.2", alt.value("white"),
                                            alt.value("black")))
    what = f"on “{code}”" if code else "over all codes"
    color = p.codebook.color_map().get(code, "black") if code else "black"
    subtitle = f"{measure_label(measure)} over {unit}s; empty cells: the pair never coded the same story"
    title = alt.Title(f"Agreement between pairs of coders {what}", color=color, subtitle=subtitle)
    return alt.layer(cells, text, title=title).properties(width=alt.Step(44), height=alt.Step(32))
