"""Pictures of a project, drawn with altair: each function returns a chart you can show, change or save.

>>> import workbench as wb
>>> wb.charts.use_offline_renderer()          # charts show without internet (once per notebook)
>>> p = wb.sample_project(copy_to="tmp-sample")
>>> wb.charts.frequency_heatmap(p, by="setting")
>>> wb.charts.save(wb.charts.code_network(p), "web.png")

Every chart has a title, tooltips and the codebook's colours, and aggregates its data in pandas
first, so it stays far below altair's 5,000-row limit even on a million codings. Tooltips never
show the words of a narrative whose consent is ``"restricted"`` (see
:data:`workbench.analysis.RESTRICTED`).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd

from . import analysis, query
from .errors import WorkbenchError

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from .project import Project

#: Rows a chart may carry; altair refuses more than 5,000 by default.
MAX_ROWS = 4500
#: Colour for codes that are no longer in the codebook (retired or merged away).
INACTIVE_COLOR = "#9e9e9e"
_KIND_COLORS = {"reflexive": "#0072B2", "analytic": "#D55E00", "dialogue": "#009E73"}
_EVENT_ORDER = ["add", "edit", "rename", "split", "merge", "retire", "reinstate"]
_TOOLTIP_CHARS = 300


class ChartError(WorkbenchError, ValueError):
    """A chart that cannot be drawn as asked (nothing to draw, an unknown option, ...)."""


def _alt():
    import altair as alt  # imported here: altair takes about a second to import

    return alt


# ---------------------------------------------------------------------- renderer and saving
def use_offline_renderer(kind: str = "auto") -> str:
    """Make altair charts display without internet access; returns the renderer chosen.

    altair's default renderer fetches Vega from a CDN, which fails offline. ``"auto"`` picks the
    interactive ``"jupyter"`` renderer (tooltips work; Vega comes bundled through vl-convert)
    inside a running Jupyter kernel, and static ``"svg"`` elsewhere (nbconvert, scripts). Ask
    for ``"jupyter"``, ``"svg"``, ``"png"`` or ``"html"`` (self-contained page, ~1 MB per chart)
    explicitly if you prefer.

    >>> wb.charts.use_offline_renderer()
    'jupyter'
    """
    alt = _alt()
    choices = ("auto", "jupyter", "svg", "png", "html")
    if kind not in choices:
        raise ChartError(f"kind must be one of {', '.join(map(repr, choices))}, not {kind!r}.")
    if kind == "auto":
        kind = "jupyter" if _in_kernel() else "svg"
    if kind == "jupyter":
        try:
            alt.JupyterChart.enable_offline(offline=True)  # bundles Vega now, so a failure shows here
        except Exception as exc:  # noqa: BLE001 - anywidget or vl-convert missing or broken
            raise ChartError(f"The interactive offline renderer is not available ({exc}); "
                             "use wb.charts.use_offline_renderer('svg').") from None
        alt.renderers.enable("jupyter", offline=True)
    elif kind == "html":
        alt.renderers.enable("html", template="inline")
    else:
        alt.renderers.enable(kind)
    return kind


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def save(chart: "alt.TopLevelMixin", path: str | os.PathLike, scale: float = 2.0) -> Path:
    """Save *chart* offline as ``.png``, ``.svg``, ``.pdf``, ``.html`` (self-contained) or ``.json`` (the spec).

    PNGs are drawn at *scale* times the chart's size (sharper on slides).

    >>> wb.charts.save(wb.charts.coder_bars(p), "coders.png")
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf", ".html", ".json"):
        raise ChartError(f"Cannot save a chart as {suffix or 'a file without extension'}: "
                         "use .png, .svg, .pdf, .html or .json.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        chart.save(str(target), scale_factor=scale)
    elif suffix == ".html":
        chart.save(str(target), inline=True)
    else:
        chart.save(str(target))
    return target


# ---------------------------------------------------------------------- shared pieces
def _colors(p: "Project", codes: Iterable[str]) -> list[str]:
    palette = p.codebook.color_map()
    return [palette.get(code, INACTIVE_COLOR) for code in codes]


def _code_scale(p: "Project", codes: list[str]):
    return _alt().Scale(domain=list(codes), range=_colors(p, codes))


def _code_axis(p: "Project", codes: list[str], title: str | None = "Code", **extra):
    """An axis whose code labels are drawn in the codebook's colours."""
    alt = _alt()
    palette = p.codebook.color_map()
    tests = [{"test": f"datum.value === {_js_string(c)}", "value": palette[c]} for c in codes if c in palette]
    color: Any = {"condition": tests, "value": INACTIVE_COLOR} if tests else "black"
    return alt.Axis(title=title, labelColor=color, labelFontWeight="bold", labelLimit=220, **extra)


def _js_string(value: str) -> str:
    import json

    return json.dumps(value)


def _code_legend(title: str = "Code"):
    return _alt().Legend(title=title, symbolLimit=0, labelLimit=220, columns=1)


def _short(text: Any, limit: int = _TOOLTIP_CHARS) -> str:
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _check_rows(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if len(frame) > MAX_ROWS:  # a guard for the functions' own aggregation, never expected to fire
        raise ChartError(f"{what} would plot {len(frame):,} rows; filter it (coder=..., codes=...) first.")
    return frame


def _time_axis(times: pd.Series):
    """A time axis labelled for its span: clock times within a day, dates beyond."""
    span = (times.max() - times.min()) if len(times) else pd.Timedelta(0)
    fmt = "%H:%M:%S" if span < pd.Timedelta(minutes=10) else "%d %b %H:%M" if span < pd.Timedelta(days=2) \
        else "%Y-%m-%d"
    return _alt().Axis(format=fmt, labelAngle=-30, labelOverlap=True)


def _label(by: str) -> str:
    return {"narrative": "Narrative", "narrative_id": "Narrative", "coder": "Coder"}.get(by, by.replace("_", " ").capitalize())


# ---------------------------------------------------------------------- frequencies
def frequency_heatmap(p: "Project", by: str = "narrative", value: str = "codings",
                      coder: str | Iterable[str] | None = None, max_columns: int = 60) -> "alt.Chart":
    """Codes (rows, in codebook order and colours) by narrative, coder or an attribute (columns), shaded by use.

    *value*: ``"codings"``, ``"narratives"`` or ``"coders"``. With more than *max_columns*
    columns (e.g. 1,000 narratives), the columns with the most codings are shown and the title
    says so.

    >>> wb.charts.frequency_heatmap(p, by="setting")
    """
    alt = _alt()
    if value not in ("codings", "narratives", "coders"):
        raise ChartError(f"value must be 'codings', 'narratives' or 'coders', not {value!r}.")
    if by in (None, "code"):
        raise ChartError("frequency_heatmap needs a column dimension: by='narrative', 'coder' or an attribute.")
    data = analysis.frequencies(p, by=by, coder=coder)
    column = data.columns[1]
    codes = query.code_order(p, data["code"])
    limit = max(1, min(max_columns, MAX_ROWS // max(1, len(codes))))
    totals = data.groupby(column, sort=False)["codings"].sum()
    title = f"Codes by {_label(column).lower()}: {value}"
    if len(totals) > limit:
        keep = totals.sort_values(ascending=False, kind="stable").index[:limit]
        data = data[data[column].isin(keep)]
        title += f" ({limit} of {len(totals):,} {_label(column).lower()}s with the most codings)"
    data = data.assign(**{column: data[column].astype(str)})
    tooltip = ["code:N", f"{column}:N", "codings:Q", "narratives:Q", "coders:Q"]
    if column == "narrative_id":
        data = data.assign(title=data["narrative_id"].map(p.narratives.set_index("id")["title"]))
        tooltip.insert(2, "title:N")
    order = sorted(data[column].unique())
    chart = alt.Chart(_check_rows(data, "frequency_heatmap"), title=title).mark_rect(stroke="white", strokeWidth=0.5)
    return chart.encode(
        x=alt.X(f"{column}:N", sort=order, title=_label(column), axis=alt.Axis(labelAngle=-45, labelLimit=120)),
        y=alt.Y("code:N", sort=codes, axis=_code_axis(p, codes)),
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues"), legend=alt.Legend(title=value.capitalize())),
        tooltip=tooltip,
    ).properties(width=alt.Step(16), height=alt.Step(16))


def coder_bars(p: "Project", coder: str | Iterable[str] | None = None, normalize: bool = False) -> "alt.Chart":
    """Each coder's codings as one bar, split into codes (codebook colours); ``normalize=True`` shows shares.

    >>> wb.charts.coder_bars(p, normalize=True)
    """
    alt = _alt()
    data = analysis.frequencies(p, by="coder", coder=coder)
    codes = query.code_order(p, data["code"])
    rank = {c: i for i, c in enumerate(codes)}
    data = data.assign(order=data["code"].map(rank))
    totals = data.groupby("coder")["codings"].transform("sum")
    data = data.assign(share=data["codings"] / totals)
    what = "share of each coder's codings" if normalize else "codings per coder"
    chart = alt.Chart(_check_rows(data, "coder_bars"), title=f"Who used which codes: {what}").mark_bar()
    return chart.encode(
        y=alt.Y("coder:N", title="Coder", sort="ascending"),
        x=alt.X("codings:Q", stack="normalize" if normalize else "zero",
                title="Share of codings" if normalize else "Codings",
                axis=alt.Axis(format="%") if normalize else alt.Axis()),
        color=alt.Color("code:N", scale=_code_scale(p, codes), sort=codes, legend=_code_legend()),
        order=alt.Order("order:Q"),
        tooltip=["coder:N", "code:N", "codings:Q", alt.Tooltip("share:Q", format=".1%", title="share of coder's"),
                 "narratives:Q"],
    ).properties(width=500, height=alt.Step(22))


# ---------------------------------------------------------------------- co-occurrence
def _cooc_title(within: int, pool: bool) -> str:
    where = "overlap" if within == 0 else f"come within {within} characters"
    who = "any coders' codings" if pool else "each coder's own codings"
    return f"{where} ({who})"


def cooccurrence_heatmap(p: "Project", within: int = 0, coder: str | Iterable[str] | None = None,
                         pool: bool = False, measure: str = "count",
                         codes: Iterable[str] | None = None) -> "alt.Chart":
    """Which codes meet in the text: a symmetric code-by-code grid shaded by ``"count"`` or ``"jaccard"``.

    Counts and Jaccard are those of :func:`workbench.analysis.cooccurrence` (same *within*,
    *coder*, *pool*, *codes*).

    >>> wb.charts.cooccurrence_heatmap(p, within=100, measure="jaccard")
    """
    alt = _alt()
    if measure not in ("count", "jaccard"):
        raise ChartError(f"measure must be 'count' or 'jaccard', not {measure!r}.")
    pairs = analysis.cooccurrence(p, within=within, coder=coder, pool=pool, codes=codes)
    mirror = pairs.rename(columns={"code_a": "code_b", "code_b": "code_a"})
    data = pd.concat([pairs, mirror], ignore_index=True)
    present = set(data["code_a"])
    order = [c for c in query.code_order(p, present) if c in present]
    title = f"Codes that {_cooc_title(within, pool)}: {measure}"
    if len(data) > MAX_ROWS:
        weight = data.groupby("code_a")["count"].sum().sort_values(ascending=False, kind="stable")
        keep = set(weight.index[: int(math.sqrt(MAX_ROWS))])
        data = data[data["code_a"].isin(keep) & data["code_b"].isin(keep)]
        order = [c for c in order if c in keep]
        title += f" ({len(keep)} most connected codes)"
    scheme = "blues" if measure == "count" else "purples"
    chart = alt.Chart(_check_rows(data, "cooccurrence_heatmap"), title=title).mark_rect(stroke="white",
                                                                                      strokeWidth=0.5)
    return chart.encode(
        x=alt.X("code_b:N", sort=order, axis=_code_axis(p, order, title=None, labelAngle=-45)),
        y=alt.Y("code_a:N", sort=order, axis=_code_axis(p, order, title=None)),
        color=alt.Color(f"{measure}:Q", scale=alt.Scale(scheme=scheme),
                        legend=alt.Legend(title="Pairs of codings" if measure == "count" else "Jaccard")),
        tooltip=[alt.Tooltip("code_a:N", title="code"), alt.Tooltip("code_b:N", title="with"),
                 alt.Tooltip("count:Q", title="pairs of codings"), alt.Tooltip("jaccard:Q", format=".2f")],
    ).properties(width=alt.Step(18), height=alt.Step(18))


def code_network(p: "Project", within: int = 0, coder: str | Iterable[str] | None = None, pool: bool = False,
                 measure: str = "jaccard", min_count: int = 1, max_edges: int = 120, seed: int = 0) -> "alt.LayerChart":
    """A web of codes: circles sized by codings, lines where codes meet, thicker for stronger ties.

    Ties are the pairs of :func:`workbench.analysis.cooccurrence` with at least *min_count* pairs
    of codings; the *max_edges* strongest by *measure* (``"jaccard"`` or ``"count"``) are drawn.
    The layout is networkx's spring layout (weighted by *measure*, fixed by *seed*).

    >>> wb.charts.code_network(p, within=200, min_count=3)
    """
    import networkx as nx

    alt = _alt()
    if measure not in ("count", "jaccard"):
        raise ChartError(f"measure must be 'count' or 'jaccard', not {measure!r}.")
    nodes = analysis.frequencies(p, by=None, coder=coder)
    nodes = nodes[nodes["codings"] > 0].reset_index(drop=True)
    if not len(nodes):
        raise ChartError("There are no codings to draw a web of codes from yet.")
    edges = analysis.cooccurrence(p, within=within, coder=coder, pool=pool)
    edges = edges[edges["count"] >= min_count]
    edges = edges.sort_values([measure, "count"], ascending=False, kind="stable").head(max_edges)
    top = float(edges[measure].max()) if len(edges) else 1.0
    graph = nx.Graph()
    graph.add_nodes_from(nodes["code"])
    for a, b, w in zip(edges["code_a"], edges["code_b"], edges[measure]):
        graph.add_edge(a, b, weight=float(w) / top if top else 1.0)
    layout = _layout(graph, seed)
    nodes = nodes.assign(x=nodes["code"].map(lambda c: float(layout[c][0])),
                         y=nodes["code"].map(lambda c: float(layout[c][1])))
    edges = edges.assign(x=edges["code_a"].map(lambda c: float(layout[c][0])),
                         y=edges["code_a"].map(lambda c: float(layout[c][1])),
                         x2=edges["code_b"].map(lambda c: float(layout[c][0])),
                         y2=edges["code_b"].map(lambda c: float(layout[c][1])))
    codes = query.code_order(p, nodes["code"])
    codes = [c for c in codes if c in set(nodes["code"])]
    bare = dict(axis=None)
    pad = 0.15
    xs = alt.Scale(domain=[float(nodes["x"].min()) - pad, float(nodes["x"].max()) + pad], nice=False)
    ys = alt.Scale(domain=[float(nodes["y"].min()) - pad, float(nodes["y"].max()) + 2 * pad], nice=False)
    lines = alt.Chart(_check_rows(edges, "code_network")).mark_rule(color="#8c8c8c", opacity=0.6).encode(
        x=alt.X("x:Q", scale=xs, **bare), y=alt.Y("y:Q", scale=ys, **bare), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth(f"{measure}:Q", scale=alt.Scale(range=[0.5, 7]),
                                    legend=alt.Legend(title="Tie (pairs)" if measure == "count" else "Tie (Jaccard)")),
        tooltip=[alt.Tooltip("code_a:N", title="code"), alt.Tooltip("code_b:N", title="with"),
                 alt.Tooltip("count:Q", title="pairs of codings"), alt.Tooltip("jaccard:Q", format=".2f")],
    )
    dots = alt.Chart(nodes).mark_circle(opacity=0.95, stroke="white", strokeWidth=1).encode(
        x=alt.X("x:Q", scale=xs, **bare), y=alt.Y("y:Q", scale=ys, **bare),
        size=alt.Size("codings:Q", scale=alt.Scale(domain=[0, int(nodes["codings"].max())], range=[60, 1400]),
                      legend=alt.Legend(title="Codings")),
        color=alt.Color("code:N", scale=_code_scale(p, codes), legend=None),
        tooltip=["code:N", "codings:Q", "narratives:Q", "coders:Q"],
    )
    # Labels sit just above each circle: circle area is 60 + 1340 * codings / max px^2 (the size scale).
    height = 460
    span = float(ys.domain[1] - ys.domain[0])
    radius = np.sqrt((60 + 1340 * nodes["codings"] / nodes["codings"].max()) / math.pi)
    nodes = nodes.assign(label_y=nodes["y"] + (radius + 9) * span / height)
    text = dict(x=alt.X("x:Q", scale=xs, **bare), y=alt.Y("label_y:Q", scale=ys, **bare), text="code:N")
    halo = alt.Chart(nodes).mark_text(fontSize=11, fontWeight="bold", stroke="white", strokeWidth=3,
                                      strokeOpacity=0.9).encode(**text)
    labels = alt.Chart(nodes).mark_text(fontSize=11, fontWeight="bold").encode(
        **text, color=alt.Color("code:N", scale=_code_scale(p, codes), legend=None))
    title = alt.Title(f"Web of codes: codes that {_cooc_title(within, pool)}",
                      subtitle=f"{len(edges)} strongest ties by {measure}; circle size = codings")
    return alt.layer(lines, dots, halo, labels, title=title).properties(width=560, height=height)


def _layout(graph, seed: int) -> dict:
    """Tied codes by a spring layout (started from Kamada-Kawai, which spreads small dense webs evenly);
    codes without ties on a ring around them, so they do not push the web into a corner."""
    import networkx as nx

    tied = [n for n in graph if graph.degree(n) > 0]
    alone = [n for n in graph if graph.degree(n) == 0]
    layout: dict = {}
    if tied:
        sub = graph.subgraph(tied)
        start = nx.kamada_kawai_layout(sub) if len(tied) > 2 else None
        layout = nx.spring_layout(sub, pos=start, weight="weight", seed=seed, iterations=30)
        if len(tied) == 1:
            layout = {tied[0]: np.zeros(2)}
    radius = 1.25 if tied else 1.0
    for k, node in enumerate(alone):
        angle = 2 * math.pi * k / max(1, len(alone)) + math.pi / 2
        layout[node] = np.array([radius * math.cos(angle), radius * math.sin(angle)])
    return layout


# ---------------------------------------------------------------------- one narrative
def _lanes(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Stack overlapping bands into lanes (greedy interval partitioning; input sorted by start)."""
    lane_ends: list[int] = []
    out = np.zeros(len(starts), dtype=np.int64)
    for k, (s, e) in enumerate(zip(starts, ends)):
        for lane, last in enumerate(lane_ends):
            if last <= s:
                lane_ends[lane] = e
                out[k] = lane
                break
        else:
            out[k] = len(lane_ends)
            lane_ends.append(e)
    return out


def _merge_bands(frame: pd.DataFrame) -> pd.DataFrame:
    """Merge each coder's overlapping bands of the same code (they look the same) and count them."""
    rows = []
    for (coder, code), group in frame.sort_values("start").groupby(["coder", "code"], sort=False):
        cur_s = cur_e = None
        n = 0
        for s, e in zip(group["start"], group["end"]):
            if cur_e is not None and s <= cur_e:
                cur_e, n = max(cur_e, e), n + 1
                continue
            if cur_e is not None:
                rows.append((coder, code, cur_s, cur_e, n))
            cur_s, cur_e, n = s, e, 1
        rows.append((coder, code, cur_s, cur_e, n))
    out = pd.DataFrame(rows, columns=["coder", "code", "start", "end", "codings"])
    out["passage"] = out["codings"].map(lambda n: f"{n} codings merged")
    out["note"] = ""
    return out


def story_strip(p: "Project", nid: str, coders: str | Iterable[str] | None = None,
                codes: Iterable[str] | None = None, width: int = 760) -> "alt.LayerChart":
    """One narrative as a line, each coder's codings as coloured bands on their own row (like a codeline).

    Bands that overlap within a coder are stacked; grey ticks mark paragraph breaks. Tooltips
    show the passage and the coder's note (both ``"[restricted]"`` for a restricted narrative).

    >>> wb.charts.story_strip(p, "kitchen-table")
    """
    alt = _alt()
    text = p.text(nid)
    frame = query.checked_codings(p, coder=coders, narrative=nid,
                              code=query.expand_codes(p, list(codes), False) if codes is not None else None)
    restricted = nid in query.restricted_narratives(p)
    readers = sorted(frame["coder"].unique()) if len(frame) else query.as_list(coders) or []
    if len(frame) > MAX_ROWS:
        bands = _merge_bands(frame)
    else:
        bands = frame[["coder", "code", "start", "end", "text", "note"]].rename(columns={"text": "passage"})
        bands = bands.assign(codings=1, passage=bands["passage"].map(_short),
                             note=bands["note"].map(_short))
    if restricted:  # neither the words nor a coder's note about them (notes often quote)
        bands = bands.assign(passage=analysis.RESTRICTED, note=analysis.RESTRICTED)
    bands = bands.sort_values(["coder", "start", "end"], kind="stable").reset_index(drop=True)
    # Each coder gets one row of height 1; overlapping bands share it in lanes (quantitative y, so
    # a coder with many lanes never spills into the next coder's row).
    row_of = {name: k for k, name in enumerate(readers)}
    lanes = np.zeros(len(bands), dtype=np.int64)
    n_lanes = np.ones(len(bands), dtype=np.int64)
    for _, index in bands.groupby("coder").groups.items():
        idx = np.asarray(index)
        lanes[idx] = _lanes(bands.loc[idx, "start"].to_numpy(), bands.loc[idx, "end"].to_numpy())
        n_lanes[idx] = lanes[idx].max() + 1
    row = bands["coder"].map(row_of).to_numpy(dtype=float)
    gap = 0.12
    height = (1 - 2 * gap) / n_lanes
    bands = bands.assign(lane=lanes, y=row + gap + lanes * height, y2=row + gap + (lanes + 1) * height - 0.02)
    bands = _check_rows(bands, "story_strip")
    present = set(bands["code"])
    order = [c for c in query.code_order(p, present) if c in present]
    x = alt.X("start:Q", scale=alt.Scale(domain=[0, len(text)], nice=False),
              title="Position in the story (characters)")
    names = "[" + ",".join(_js_string(r) for r in readers) + "]"
    y_scale = alt.Scale(domain=[0, max(1, len(readers))], reverse=True, nice=False, zero=True)
    y_axis = alt.Axis(title="Coder", values=[k + 0.5 for k in range(len(readers))], grid=False, ticks=False,
                      labelExpr=f"{names}[floor(datum.value)] || ''", labelLimit=160)
    line = alt.Chart(pd.DataFrame({"coder": readers, "start": 0, "end": len(text),
                                   "y": [k + 0.5 for k in range(len(readers))]})).mark_rule(
        color="#bdbdbd", strokeWidth=2).encode(x=x, x2="end:Q", y=alt.Y("y:Q", scale=y_scale, axis=y_axis))
    breaks = [i for i in range(1, len(text)) if text[i - 1] == "\n" and text[i] != "\n"]
    ticks = alt.Chart(pd.DataFrame({"start": breaks[:MAX_ROWS]})).mark_rule(
        color="#d9d9d9", strokeDash=[2, 2]).encode(x=x)
    strip = alt.Chart(bands).mark_rect(opacity=0.85, cornerRadius=2).encode(
        x=x, x2="end:Q", y=alt.Y("y:Q", scale=y_scale, axis=y_axis), y2="y2:Q",
        color=alt.Color("code:N", scale=_code_scale(p, order), sort=order, legend=_code_legend()),
        tooltip=["coder:N", "code:N", "start:Q", "end:Q", alt.Tooltip("passage:N", title="passage"),
                 alt.Tooltip("note:N", title="note"), "codings:Q"],
    )
    title_text = p.narratives.set_index("id")["title"].get(nid, nid)
    title = alt.Title(f"Story strip: {title_text}",
                      subtitle=f"{len(frame):,} codings by {len(readers)} coder(s) over {len(text):,} characters")
    return alt.layer(ticks, line, strip, title=title).properties(width=width, height=max(60, 48 * len(readers)))


# ---------------------------------------------------------------------- time
def codebook_timeline(p: "Project") -> "alt.Chart":
    """The codebook's evolution: every add, rename, merge, split, retirement and edit, with who and why.

    >>> wb.charts.codebook_timeline(p)
    """
    alt = _alt()
    data = analysis.codebook_timeline(p)
    if not len(data):
        raise ChartError("The codebook has no history yet: add codes first.")
    data = data.assign(color=_history_colors(p, data), rationale=data["rationale"].map(_short),
                       detail=data["detail"].map(_short))
    if len(data) > MAX_ROWS:  # a very long history: keep every change except the oldest plain additions
        data = pd.concat([data[data["event"] != "add"], data[data["event"] == "add"]]).head(MAX_ROWS)
    events = [e for e in _EVENT_ORDER if e in set(data["event"])] + sorted(set(data["event"]) - set(_EVENT_ORDER))
    chart = alt.Chart(data, title=alt.Title("How the codebook changed",
                                            subtitle="each mark is one change; hover for who and why"))
    return chart.mark_point(filled=True, size=120, opacity=0.85).encode(
        x=alt.X("at:T", title="When", axis=_time_axis(data["at"])),
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

    >>> wb.charts.memo_timeline(p, kind="reflexive")
    """
    alt = _alt()
    data = analysis.memo_timeline(p, coder=coder, kind=kind)
    if not len(data):
        raise ChartError("There are no memos to show yet: write one with p.memo(...).")
    kinds = list(_KIND_COLORS)
    color = alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=list(_KIND_COLORS.values())),
                      legend=alt.Legend(title="Memo kind"))
    title = alt.Title("Memos over time", subtitle="reflexive, analytic and dialogue memos by each coder")
    if len(data) > MAX_ROWS:
        data = data.assign(day=data["at"].dt.floor("D"))
        data = data.groupby(["day", "coder", "kind"], observed=True).size().rename("memos").reset_index()
        data = data.rename(columns={"day": "at"})
        chart = alt.Chart(_check_rows(data, "memo_timeline"), title=title).mark_circle(opacity=0.8).encode(
            x=alt.X("at:T", title="When"), y=alt.Y("coder:N", title="Coder"), color=color,
            size=alt.Size("memos:Q", legend=alt.Legend(title="Memos per day")),
            tooltip=[alt.Tooltip("at:T", format="%Y-%m-%d", title="day"), "coder:N", "kind:N", "memos:Q"])
        return chart.properties(width=620, height=alt.Step(30))
    data = data.assign(text=data["text"].map(_short), title=data["title"].fillna(""),
                       participants=data["participants"].map(lambda v: ", ".join(v) if isinstance(v, list) else ""))
    data = data[["at", "coder", "kind", "title", "text", "about", "participants"]]
    chart = alt.Chart(data, title=title).mark_point(filled=True, size=110, opacity=0.85)
    return chart.encode(
        x=alt.X("at:T", title="When", axis=_time_axis(data["at"])), y=alt.Y("coder:N", title="Coder"), color=color,
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds), legend=None),
        tooltip=[alt.Tooltip("at:T", format="%Y-%m-%d %H:%M", title="when"), "coder:N", "kind:N", "title:N",
                 "about:N", "participants:N", alt.Tooltip("text:N", title="memo")],
    ).properties(width=620, height=alt.Step(30))


def code_use(p: "Project", coder: str | Iterable[str] | None = None, freq: str = "auto") -> "alt.Chart":
    """How each coder's use of codes changed: share of their codings per period, one panel per coder.

    >>> wb.charts.code_use(p, coder="ana", freq="W")
    """
    alt = _alt()
    data = analysis.code_use_over_time(p, coder=coder, freq=freq)
    for coarser in ("W", "M", "Q", "Y"):
        if len(data) <= MAX_ROWS:
            break
        data = analysis.code_use_over_time(p, coder=coder, freq=coarser)
    if not len(data):
        raise ChartError("There are no codings to show yet.")
    codes = [c for c in query.code_order(p, data["code"]) if c in set(data["code"])]
    rank = {c: i for i, c in enumerate(codes)}
    data = _check_rows(data.assign(order=data["code"].map(rank)), "code_use")
    chart = alt.Chart(data).mark_area(opacity=0.9).encode(
        x=alt.X("period:T", title="Period"),
        y=alt.Y("codings:Q", stack="normalize", title="Share of codings", axis=alt.Axis(format="%")),
        color=alt.Color("code:N", scale=_code_scale(p, codes), sort=codes, legend=_code_legend()),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("period:T", format="%Y-%m-%d"), "coder:N", "code:N", "codings:Q",
                 alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=560, height=120)
    return chart.facet(row=alt.Row("coder:N", title=None), title="How coders' use of codes changed over time")


__all__ = ["use_offline_renderer", "save", "frequency_heatmap", "coder_bars", "cooccurrence_heatmap",
           "code_network", "story_strip", "codebook_timeline", "memo_timeline", "code_use", "ChartError",
           "MAX_ROWS"]
