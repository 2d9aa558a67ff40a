"""Charts show offline by default: the workbench's altair renderer, and when it is switched on.

altair's default renderer loads Vega from a CDN, so in a notebook without internet every chart
shows "Error loading script". When the workbench first loads altair inside a Jupyter kernel and
nobody has chosen a renderer yet (altair's registry still says ``"default"``), the workbench's
own renderer is switched on: the chart widget of :mod:`._widget` (Vega bundled in, SVG with ids
of its own, tooltips). A renderer chosen before or after, e.g. with
``wb.charts.use_offline_renderer("svg")`` or ``alt.renderers.enable(...)``, is left alone.
"""

from __future__ import annotations

import sys
from typing import Any

#: The name of the workbench's renderer in altair's registry.
RENDERER = "workbench"
_decided = False


def show_chart(spec: dict, **metadata: Any) -> Any:
    """altair's renderer hook: *spec* as the workbench's chart widget (its MIME bundle)."""
    from ._widget import OfflineChart

    return OfflineChart(spec, embed_options=metadata.get("embed_options"))._repr_mimebundle_()


def register(alt: Any) -> None:
    """Make ``"workbench"`` a renderer altair knows (``alt.renderers.enable("workbench")``)."""
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, show_chart)


def offline_by_default(alt: Any) -> None:
    """Once per process: register the renderer, and switch it on in a kernel where none was chosen."""
    global _decided
    if _decided:
        return
    _decided = True
    register(alt)
    if in_kernel() and alt.renderers.active == "default":
        alt.renderers.enable(RENDERER)


def in_kernel() -> bool:
    """Whether this runs inside a Jupyter kernel (where charts are shown as widgets).

    >>> in_kernel()
    False
    """
    ipython = sys.modules.get("IPython")  # a kernel has imported it; a script need not pay for importing it
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None
