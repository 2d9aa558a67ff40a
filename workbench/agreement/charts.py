"""Charts of agreement and disagreement (altair): per code, per pair of coders, and across the corpus.

>>> from workbench.agreement import charts
>>> charts.agreement_chart(p)                    # alpha per code, with the 0.667 and 0.8 lines
>>> charts.coder_pair_heatmap(p, code="hope")    # who reads alike with whom
>>> charts.disagreement_map(p)                   # where in the corpus readings differ

Every chart aggregates in pandas first (a few rows per code, pair or narrative), so it stays
far below altair's 5,000-row limit on any project, and has a title, tooltips and the
codebook's colours. Tooltips never carry passage text (restricted narratives may be counted,
never quoted). Save with ``wb.charts.save(chart, "alpha.png")`` (offline, through vl-convert).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.agreement.dialogue import KINDS, default_coders, disagreements
from workbench.agreement.measures import AgreementError
from workbench.agreement.project import MEASURES, unit_agreement
from workbench.charts import INACTIVE_COLOR, MAX_ROWS, ChartError

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from workbench.project import Project

__all__ = ["REFERENCE_LINES", "agreement_chart", "coder_pair_heatmap", "disagreement_map", "pairwise_agreement"]

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


def _alt():
    import altair as alt  # imported here: altair takes about a second to import

    return alt


def _label(measure: str) -> str:
    return _LABELS.get(measure, measure.replace("_", " "))


def _code_axis(palette: dict[str, str], codes: list[str], title: str | None = "Code", **extra):
    """An axis whose code labels are drawn in the codebook's colours."""
    alt = _alt()
    tests = [{"test": f"datum.value === {json.dumps(c)}", "value": palette[c]} for c in codes if c in palette]
    color: Any = {"condition": tests, "value": INACTIVE_COLOR} if tests else "black"
    return alt.Axis(title=title, labelColor=color, labelFontWeight="bold", labelLimit=220, **extra)


def _is_project(obj: Any) -> bool:
    from workbench.project import Project

    return isinstance(obj, Project)


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

    >>> charts.agreement_chart(p, unit="paragraph")
    >>> charts.agreement_chart(wb.agreement.bootstrap(p, n=1000), project=p)
    """
    alt = _alt()
    if _is_project(data):
        project = data
        frame = unit_agreement(data, unit=unit, codes=codes, coders=coders)
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise ChartError(f"agreement_chart() takes a project or an agreement frame, not {type(data).__name__}.")
    frame = frame.copy()
    if "code" in frame.columns:
        frame = frame.set_index("code")
    if measure is None:
        measure = next((m for m in ("krippendorff_alpha", "estimate", "alpha_u_2004") if m in frame.columns), None)
    if measure not in frame.columns:
        known = [c for c in frame.columns if c in _LABELS]
        raise ChartError(f"The frame has no column {measure!r}; choose one of {known}.")
    rows = frame.reset_index().rename(columns={frame.index.name or "index": "code"})
    rows["value"] = pd.to_numeric(rows[measure], errors="coerce")
    undefined = rows.loc[rows["value"].isna(), "code"].astype(str).tolist()
    rows = rows[rows["value"].notna()].reset_index(drop=True)
    if not len(rows):
        raise ChartError(f"{_label(measure)} is undefined for every code here (nobody's coding varied).")
    if len(rows) > MAX_ROWS:  # pragma: no cover - a codebook of thousands of codes
        raise ChartError("Too many codes to draw; pass codes=[...].")
    palette = project.codebook.color_map() if project is not None else {}
    codes_order = [c for c in rows["code"].astype(str) if c != "overall"] + (
        ["overall"] if "overall" in set(rows["code"]) else [])
    rows["code"] = rows["code"].astype(str)
    rows["color"] = [("#595959" if c == "overall" else palette.get(c, INACTIVE_COLOR if palette else "#4c78a8"))
                     for c in rows["code"]]
    rows["band"] = np.select([rows["value"] >= 0.8, rows["value"] >= 0.667], ["reliable (>= 0.8)",
                             "tentative (0.667-0.8)"], "below 0.667")
    low = float(min(0.0, rows["value"].min() - 0.05, rows.get("ci_low", rows["value"]).min() - 0.05))
    x_scale = alt.Scale(domain=[max(-1.0, low), 1.0], nice=False)
    tooltip = [alt.Tooltip("code:N", title="code"), alt.Tooltip("value:Q", title=_label(measure), format=".3f"),
               alt.Tooltip("band:N", title="by Krippendorff's guide")]
    for column, title, fmt in (("n_units", "units compared", "d"), ("n_spans", "spans", "d"),
                               ("percent", "percent agreement", ".1%"),
                               ("n_coded_units", "units someone coded", "d"),
                               ("percent_coded", "agreement on coded units", ".1%"),
                               ("ci_low", "interval from", ".3f"), ("ci_high", "interval to", ".3f"),
                               ("p_below", "share of replicates below 0.667", ".1%")):
        if column in rows.columns and column != measure:
            rows[column] = pd.to_numeric(rows[column], errors="coerce")
            tooltip.append(alt.Tooltip(f"{column}:Q", title=title, format=fmt))
    keep = ["code", "value", "color", "band"] + [t.shorthand.split(":")[0] for t in tooltip[3:]]
    rows = rows[keep]
    y = alt.Y("code:N", sort=codes_order, axis=_code_axis({**palette, "overall": "#262626"}, codes_order))
    bars = alt.Chart(rows).mark_bar(height={"band": 0.7}).encode(
        x=alt.X("value:Q", scale=x_scale, title=_label(frame.attrs.get("measure", measure)
                                                          if measure == "estimate" else measure)), y=y,
        color=alt.Color("color:N", scale=None), tooltip=tooltip)
    layers = [bars]
    if "ci_low" in rows.columns and "ci_high" in rows.columns:
        layers.append(alt.Chart(rows).mark_rule(color="#262626", strokeWidth=1.5).encode(
            x="ci_low:Q", x2="ci_high:Q", y=y, tooltip=tooltip))
    lines = pd.DataFrame({"at": list(REFERENCE_LINES), "label": list(REFERENCE_LINES.values())})
    layers.append(alt.Chart(lines).mark_rule(strokeDash=[5, 3], color="#262626").encode(
        x=alt.X("at:Q", scale=x_scale), tooltip=[alt.Tooltip("label:N", title="reference")]))
    for (at, label), align, dx in zip(REFERENCE_LINES.items(), ("right", "left"), (-3, 3)):
        # the two labels sit on either side of their lines, so they never overlap
        layers.append(alt.Chart(pd.DataFrame({"at": [at], "label": [label]})).mark_text(
            align=align, baseline="bottom", dx=dx, dy=-2, fontSize=10, color="#262626").encode(
            x=alt.X("at:Q", scale=x_scale), y=alt.value(0), text="label:N"))
    unit_name = frame.attrs.get("unit", unit if _is_project(data) else None)
    subtitle = [f"Units: {unit_name}s." if unit_name else "",
                f"Coders: {', '.join(frame.attrs['coders'])}." if frame.attrs.get("coders") else "",
                f"Undefined (no variation): {', '.join(undefined)}." if undefined else ""]
    text = f"{_label(measure)} per code"
    if measure == "estimate" and frame.attrs.get("measure"):
        text = (f"{_label(frame.attrs['measure'])} per code, with {frame.attrs.get('level', 0.95):.0%} "
                "bootstrap intervals")
    title = alt.Title(text, subtitle=" ".join(s for s in subtitle if s) or None)
    return alt.layer(*layers, title=title).properties(width=460, height=alt.Step(22))


# ---------------------------------------------------------------------- pairs of coders
def pairwise_agreement(
    p: "Project",
    code: str | None = None,
    unit: str = "narrative",
    measure: str = "krippendorff_alpha",
    coders: Iterable[str] | None = None,
    min_overlap: int = 1,
) -> pd.DataFrame:
    """Agreement of every pair of coders: coder_a, coder_b, value, n_units, percent (both orders).

    Each pair's numbers are those of :func:`~workbench.agreement.unit_agreement` with
    ``coders=[a, b]`` (for *code*, or the ``overall`` row pooling the codes either of them
    used), computed from one presence table for all coders. *coders* defaults to everyone
    except ``auto:`` and ``group:`` coders (name a group to see how its negotiated reading
    sits with each person). Pairs that never coded the same narrative have no value.

    >>> charts.pairwise_agreement(p, code="hope").head()
    """
    # one presence table for all coders, then pair slices (m^2/2 calls of unit_agreement
    # would rebuild it each time); the private helpers are this package's own
    from workbench.agreement.project import _coefficients, _presence

    if measure not in MEASURES:
        raise ChartError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}.")
    coder_list = default_coders(p) if coders is None else [coders] if isinstance(coders, str) else list(coders)
    if len(coder_list) < 2:
        raise AgreementError(f"pairs need at least two coders, got {coder_list or 'none'}.")
    pres = _presence(p, unit, None if code is None else [code], coder_list, min_overlap)
    frame = p.codings(coder=pres.coders)
    used = frame.groupby("coder")["code"].agg(set).to_dict()
    rows = []
    for i, j in itertools.combinations(range(len(pres.coders)), 2):
        a, b = pres.coders[i], pres.coders[j]
        if code is not None:
            ks = [0]
        else:
            theirs = used.get(a, set()) | used.get(b, set())
            ks = [k for k, c in enumerate(pres.codes) if c in theirs]
        stacked = np.concatenate([pres.values[k][[i, j]] for k in ks], axis=1) if ks else np.zeros((2, 0))
        both = (stacked >= 0).all(axis=0)
        data = stacked[:, both].astype(np.float64)
        if data.shape[1]:
            stats = _coefficients(data)
            value, n_units, percent = stats[measure], stats["n_units"], stats["percent"]
        else:
            value, n_units, percent = float("nan"), 0, float("nan")
        rows.append({"coder_a": a, "coder_b": b, "value": value, "n_units": n_units, "percent": percent})
    out = pd.DataFrame(rows, columns=["coder_a", "coder_b", "value", "n_units", "percent"])
    mirror = out.rename(columns={"coder_a": "coder_b", "coder_b": "coder_a"})
    out = pd.concat([out, mirror[out.columns]], ignore_index=True)
    out.attrs.update(measure=measure, unit=unit, code=code, coders=list(pres.coders))
    return out


def coder_pair_heatmap(
    p: "Project",
    code: str | None = None,
    unit: str = "narrative",
    measure: str = "krippendorff_alpha",
    coders: Iterable[str] | None = None,
) -> "alt.LayerChart":
    """Who reads alike with whom: a coder-by-coder grid of pairwise agreement (:func:`pairwise_agreement`).

    Cells are shaded from red (below 0.667) through pale (0.667-0.8) to blue (0.8 and above);
    the value is written in each cell. With *code*, the pairs' agreement on that code (drawn
    in its codebook colour in the title); without, pooled over the codes each pair used.

    >>> charts.coder_pair_heatmap(p, code="reciprocity", unit="paragraph")
    """
    alt = _alt()
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
                 alt.Tooltip("value:Q", title=_label(measure), format=".3f"),
                 alt.Tooltip("n_units:Q", title="units both coded"),
                 alt.Tooltip("percent:Q", title="percent agreement", format=".1%")])
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", scale=scale, legend=alt.Legend(title=_label(measure))))
    text = base.mark_text(fontSize=11).encode(
        text="label:N", color=alt.condition("datum.value >= 0.9 || datum.value < 0.2", alt.value("white"),
                                            alt.value("black")))
    what = f"on “{code}”" if code else "over all codes"
    color = p.codebook.color_map().get(code, "black") if code else "black"
    title = alt.Title(f"Agreement between pairs of coders {what}", color=color,
                      subtitle=f"{_label(measure)} over {unit}s; empty cells: the pair never coded the same story")
    return alt.layer(cells, text, title=title).properties(width=alt.Step(44), height=alt.Step(32))


# ---------------------------------------------------------------------- where disagreement concentrates
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

    >>> charts.disagreement_map(p, by="position")
    >>> charts.disagreement_map(p, by="setting", code=["hope", "reciprocity"])
    """
    alt = _alt()
    if value not in ("share", "characters", "stretches"):
        raise ChartError(f"value must be 'share', 'characters' or 'stretches', not {value!r}.")
    if by not in ("narrative", "position") and by not in p.attributes:
        raise ChartError(f"by must be 'narrative', 'position' or an attribute ({', '.join(p.attributes) or 'none'}), "
                         f"not {by!r}.")
    if by == "position" and not (isinstance(bins, int) and 2 <= bins <= 100):
        raise ChartError("bins must be a whole number from 2 to 100.")
    d = disagreements(p, code=code, coders=coders)
    if not len(d):
        raise ChartError("There are no disagreements to map: the coders read these stories alike "
                         "(or have not coded the same stories yet).")
    compared = d.attrs["coders"]
    narratives = p.narratives.set_index("id")
    lengths = pd.Series({n: len(p.text(n)) for n in narratives.index}, dtype="int64")
    read = p.codings(coder=compared).groupby("narrative_id")["coder"].nunique()
    shared = read[read >= 2].index  # stories two or more of the coders coded: where disagreement can occur
    d = d.assign(characters=(d["end"] - d["start"]).astype("int64"))
    codes = [c for c in d.attrs["codes"] if c in set(d["code"])]
    palette = p.codebook.color_map()

    if by == "position":
        edges = np.linspace(0.0, 1.0, bins + 1)
        total = lengths[d["narrative_id"]].to_numpy(np.float64)
        s, e = d["start"].to_numpy() / total, d["end"].to_numpy() / total
        # characters of each stretch that fall in each bin (rows x bins; a few million cells at most)
        overlap = np.clip(np.minimum(e[:, None], edges[None, 1:]) - np.maximum(s[:, None], edges[None, :-1]), 0, None)
        chars = overlap * total[:, None]
        hit = overlap > 0
        parts = []
        for k in range(bins):
            parts.append(pd.DataFrame({"code": d["code"], "column": k, "characters": chars[:, k],
                                       "stretches": hit[:, k].astype(int), "kind": d["kind"]}))
        long = pd.concat(parts, ignore_index=True)
        long = long[long["stretches"] > 0]
        denominator = pd.Series(float(lengths[shared].sum()) / bins, index=range(bins))
        labels = {k: f"{edges[k]:.0%}–{edges[k + 1]:.0%}" for k in range(bins)}
        column_title, column_order = "Position in the story", [labels[k] for k in range(bins)]
    else:
        column = d["narrative_id"] if by == "narrative" else d["narrative_id"].map(narratives[by].astype(str))
        long = pd.DataFrame({"code": d["code"], "column": column, "characters": d["characters"],
                             "stretches": 1, "kind": d["kind"]})
        if by == "narrative":
            denominator = lengths[shared].astype(float)
        else:
            groups = narratives.loc[shared, by].astype(str)
            denominator = lengths[shared].groupby(groups.to_numpy()).sum().astype(float)
        labels = None
        column_title = "Narrative" if by == "narrative" else by.replace("_", " ").capitalize()
        column_order = None
    agg = long.groupby(["column", "code"], sort=False).agg(characters=("characters", "sum"),
                                                           stretches=("stretches", "sum")).reset_index()
    kinds = long.groupby(["column", "code", "kind"], sort=False)["stretches"].sum().unstack(fill_value=0)
    for kind in KINDS:
        key = kind.split(" ")[0]
        agg[key] = [int(kinds[kind].get((c, k), 0)) if kind in kinds.columns else 0
                    for c, k in zip(agg["column"], agg["code"])]
    agg["share"] = agg["characters"] / agg["column"].map(denominator).astype(float)
    agg["characters"] = agg["characters"].round().astype("int64")
    title = {"share": "share of the text in dispute", "characters": "characters in dispute",
             "stretches": "stretches in dispute"}[value]
    title = f"Where readings differ: {title}, by {column_title.lower()}"
    if labels is not None:
        agg["column"] = agg["column"].map(labels)
    else:
        totals = agg.groupby("column")["characters"].sum().sort_values(ascending=False, kind="stable")
        limit = max(1, min(max_columns, MAX_ROWS // max(1, len(codes))))
        if len(totals) > limit:
            keep = set(totals.index[:limit])
            agg = agg[agg["column"].isin(keep)]
            title += f" ({limit} of {len(totals):,} with the most disagreement)"
        column_order = [c for c in (narratives.index if by == "narrative" else sorted(totals.index))
                        if c in set(agg["column"])]
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
    if len(agg) > MAX_ROWS:  # pragma: no cover - guarded by the column limit above
        raise ChartError("Too much to draw; pass code=[...] or by='position'.")
    chart = alt.Chart(agg, title=alt.Title(title, subtitle=f"Coders compared: {', '.join(compared)}"))
    return chart.mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("column:N", sort=column_order, title=column_title, axis=alt.Axis(labelAngle=-45, labelLimit=140)),
        y=alt.Y("code:N", sort=codes, axis=_code_axis(palette, codes)),
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="oranges"),
                        legend=alt.Legend(title=value.capitalize(), **({"format": ".0%"} if value == "share" else {}))),
        tooltip=tooltip,
    ).properties(width=alt.Step(22), height=alt.Step(18))
