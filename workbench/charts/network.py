"""Which codes meet in the text: a code-by-code grid, and a web of codes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from .. import analysis
from ..query import code_order
from ._base import ChartError, check_rows, code_axis, code_scale, load_altair, max_rows
from ._placement import place_labels, spread_circles

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..project import Project

__all__ = ["code_network", "cooccurrence_heatmap"]

_WIDTH, _HEIGHT, _MARGIN, _FONT = 560, 460, 36, 11
_MIN_AREA, _MAX_AREA = 60, 1400  # circle areas (px^2) of the smallest and largest code


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

    >>> chart = wb.charts.cooccurrence_heatmap(p, within=100, measure="jaccard")
    """
    alt = load_altair()
    if measure not in ("count", "jaccard"):
        raise ChartError(f"measure must be 'count' or 'jaccard', not {measure!r}.")
    pairs = analysis.cooccurrence(p, within=within, coder=coder, pool=pool, codes=codes)
    mirror = pairs.rename(columns={"code_a": "code_b", "code_b": "code_a"})
    data = pd.concat([pairs, mirror], ignore_index=True)
    present = set(data["code_a"])
    order = [c for c in code_order(p, present) if c in present]
    title = f"Codes that {_cooc_title(within, pool)}: {measure}"
    if len(data) > max_rows():
        weight = data.groupby("code_a")["count"].sum().sort_values(ascending=False, kind="stable")
        keep = set(weight.index[: int(math.sqrt(max_rows()))])
        data = data[data["code_a"].isin(keep) & data["code_b"].isin(keep)]
        order = [c for c in order if c in keep]
        title += f" ({len(keep)} most connected codes)"
    scheme = "blues" if measure == "count" else "purples"
    chart = alt.Chart(check_rows(data, "cooccurrence_heatmap"), title=title).mark_rect(stroke="white",
                                                                                      strokeWidth=0.5)
    return chart.encode(
        x=alt.X("code_b:N", sort=order, axis=code_axis(p.codebook.color_map(), order, title=None, labelAngle=-45)),
        y=alt.Y("code_a:N", sort=order, axis=code_axis(p.codebook.color_map(), order, title=None)),
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

    >>> chart = wb.charts.code_network(p, within=200, min_count=3)
    """
    import networkx as nx

    alt = load_altair()
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
    codes = [c for c in code_order(p, nodes["code"]) if c in set(nodes["code"])]
    nodes, edges = _positions(nodes, edges, _layout(graph, seed))
    px = dict(axis=None)
    xs = alt.Scale(domain=[0, _WIDTH], nice=False, zero=False)
    ys = alt.Scale(domain=[0, _HEIGHT], nice=False, zero=False, reverse=True)  # pixels, y down
    lines = alt.Chart(check_rows(edges, "code_network")).mark_rule(color="#8c8c8c", opacity=0.6).encode(
        x=alt.X("x:Q", scale=xs, **px), y=alt.Y("y:Q", scale=ys, **px), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth(f"{measure}:Q", scale=alt.Scale(range=[0.5, 7]),
                                    legend=alt.Legend(title="Tie (pairs)" if measure == "count" else "Tie (Jaccard)")),
        tooltip=[alt.Tooltip("code_a:N", title="code"), alt.Tooltip("code_b:N", title="with"),
                 alt.Tooltip("count:Q", title="pairs of codings"), alt.Tooltip("jaccard:Q", format=".2f")],
    )
    dots = alt.Chart(nodes).mark_circle(opacity=0.95, stroke="white", strokeWidth=1).encode(
        x=alt.X("x:Q", scale=xs, **px), y=alt.Y("y:Q", scale=ys, **px),
        size=alt.Size("codings:Q", legend=alt.Legend(title="Codings"),
                      scale=alt.Scale(domain=[0, int(nodes["codings"].max())], range=[_MIN_AREA, _MAX_AREA])),
        color=alt.Color("code:N", scale=code_scale(p.codebook.color_map(), codes), legend=None),
        tooltip=["code:N", "codings:Q", "narratives:Q", "coders:Q"],
    )
    text = dict(x=alt.X("label_x:Q", scale=xs, **px), y=alt.Y("label_y:Q", scale=ys, **px), text="code:N")
    halo = alt.Chart(nodes).mark_text(fontSize=_FONT, fontWeight="bold", stroke="white", strokeWidth=3,
                                      strokeOpacity=0.9, align="center", baseline="middle").encode(**text)
    labels = alt.Chart(nodes).mark_text(fontSize=_FONT, fontWeight="bold", align="center", baseline="middle").encode(
        **text, color=alt.Color("code:N", scale=code_scale(p.codebook.color_map(), codes), legend=None))
    title = alt.Title(f"Web of codes: codes that {_cooc_title(within, pool)}",
                      subtitle=f"{len(edges)} strongest ties by {measure}; circle size = codings")
    return alt.layer(lines, dots, halo, labels, title=title).properties(
        width=_WIDTH, height=_HEIGHT, view=alt.ViewBackground(stroke=None))


def _positions(nodes: pd.DataFrame, edges: pd.DataFrame, layout: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and ties in pixels (y down): the layout fitted to the plot, circles apart, labels beside them."""
    raw = np.array([layout[c] for c in nodes["code"]], dtype=float).reshape(-1, 2)
    radii = np.sqrt((_MIN_AREA + (_MAX_AREA - _MIN_AREA) * nodes["codings"].to_numpy() / nodes["codings"].max())
                    / math.pi)
    inner = np.array([_WIDTH, _HEIGHT]) - 2 * _MARGIN
    low, span = raw.min(axis=0), np.ptp(raw, axis=0)
    fitted = np.where(span > 0, (raw - low) / np.where(span > 0, span, 1), 0.5) * inner + _MARGIN
    xs, ys = spread_circles(fitted[:, 0], _HEIGHT - fitted[:, 1], radii, _WIDTH, _HEIGHT)
    centres = place_labels(xs, ys, radii, list(nodes["code"]), _WIDTH, _HEIGHT, _FONT)
    nodes = nodes.assign(x=xs, y=ys, label_x=[c[0] for c in centres], label_y=[c[1] for c in centres])
    where = nodes.set_index("code")
    edges = edges.assign(x=edges["code_a"].map(where["x"]), y=edges["code_a"].map(where["y"]),
                         x2=edges["code_b"].map(where["x"]), y2=edges["code_b"].map(where["y"]))
    return nodes, edges


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
