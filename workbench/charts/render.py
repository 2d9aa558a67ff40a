"""Showing and saving charts offline: a renderer that needs no internet, and files of every kind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ._base import ChartError, load_altair
from ._display import RENDERER, in_kernel

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt


__all__ = ["save", "use_offline_renderer"]


def use_offline_renderer(kind: str = "auto") -> str:
    """Choose how charts display; returns the renderer chosen. Every choice works without internet.

    Not needed for charts to show: in a notebook the workbench draws them offline by default
    (``"workbench"``). Call it to choose another way:

    - ``"auto"``: ``"workbench"`` inside a running Jupyter kernel, static ``"svg"`` elsewhere.
    - ``"workbench"``: interactive (tooltips) SVG charts with Vega bundled in; every chart keeps
      its own legend however many share a page, and screen readers can read the marks.
    - ``"jupyter"``: altair's own widget with Vega bundled in (for charts whose selections you
      read back in Python, ``chart.selections``). Several of its charts on one page share
      gradient ids, so a legend may show another chart's colours.
    - ``"svg"``, ``"png"``: static pictures; ``"html"``: a self-contained page (~1 MB per chart).

    In a notebook ``wb.charts.use_offline_renderer()`` picks ``"workbench"``; here, a script, it is:

    >>> wb.charts.use_offline_renderer()
    'svg'
    """
    alt = load_altair()
    choices = ("auto", RENDERER, "jupyter", "svg", "png", "html")
    if kind not in choices:
        raise ChartError(f"kind must be one of {', '.join(map(repr, choices))}, not {kind!r}.")
    if kind == "auto":
        kind = RENDERER if in_kernel() else "svg"
    if kind == RENDERER:
        _check_bundle(_bundle_workbench)
        alt.renderers.enable(RENDERER)
    elif kind == "jupyter":
        _check_bundle(lambda: alt.JupyterChart.enable_offline(offline=True))
        alt.renderers.enable("jupyter", offline=True)
    elif kind == "html":
        alt.renderers.enable("html", template="inline")
    else:
        alt.renderers.enable(kind)
    return kind


def _bundle_workbench() -> None:
    from ._widget import front_end  # anywidget is imported only when charts are shown as widgets

    front_end()


def _check_bundle(build: Callable[[], object]) -> None:
    """Bundle Vega now, so that a missing or broken vl-convert or anywidget shows here, not on every chart."""
    try:
        build()
    except Exception as exc:  # noqa: BLE001 - anywidget or vl-convert missing or broken
        raise ChartError(f"The interactive offline renderer is not available ({exc}); "
                         "use wb.charts.use_offline_renderer('svg').") from None


def save(chart: "alt.TopLevelMixin", path: str | os.PathLike, scale: float = 2.0) -> Path:
    """Save *chart* offline as ``.png``, ``.svg``, ``.pdf``, ``.html`` (self-contained) or ``.json`` (the spec).

    PNGs are drawn at *scale* times the chart's size (sharper on slides).

    >>> wb.charts.save(wb.charts.coder_bars(p), "coders.png")
    PosixPath('coders.png')
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
