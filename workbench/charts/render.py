"""Showing and saving charts offline: a renderer that needs no internet, and files of every kind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ._base import ChartError, load_altair

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt


__all__ = ["save", "use_offline_renderer"]


def use_offline_renderer(kind: str = "auto") -> str:
    """Make altair charts display without internet access; returns the renderer chosen.

    altair's default renderer fetches Vega from a CDN, which fails offline. ``"auto"`` picks the
    interactive ``"jupyter"`` renderer (tooltips work; Vega comes bundled through vl-convert)
    inside a running Jupyter kernel, and static ``"svg"`` elsewhere (nbconvert, scripts). Ask
    for ``"jupyter"``, ``"svg"``, ``"png"`` or ``"html"`` (self-contained page, ~1 MB per chart)
    explicitly if you prefer.

    In a notebook, ``wb.charts.use_offline_renderer()`` picks ``"jupyter"``; here, a script, it is:

    >>> wb.charts.use_offline_renderer()
    'svg'
    """
    alt = load_altair()
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
