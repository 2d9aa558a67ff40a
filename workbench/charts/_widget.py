"""The workbench's chart widget: Vega bundled in (no internet), drawn as SVG with element ids of its own.

Imported only when a chart is shown in a notebook (anywidget and the 0.9 MB bundle are not needed to
build or save charts).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import anywidget
import traitlets

_SOURCE = Path(__file__).with_name("offline_chart.js")


@lru_cache(maxsize=1)
def front_end() -> str:
    """The widget's ES module: ``offline_chart.js`` bundled by vl-convert with vega-embed, Vega and Vega-Lite.

    About 0.9 MB, built once per process (under two seconds); nothing in it is fetched from the internet.

    >>> bundle = front_end()
    >>> len(bundle) > 500_000 and "cdn.jsdelivr" not in bundle
    True
    """
    import vl_convert

    return vl_convert.javascript_bundle(_SOURCE.read_text(encoding="utf-8"), vl_version=vega_lite_version())


def vega_lite_version() -> str | None:
    """The Vega-Lite version altair writes specs for, as vl-convert names it (``"6.4"``); None: vl-convert's newest.

    >>> vega_lite_version()
    '6.4'
    """
    import altair  # loaded already: a chart is shown only after altair built it
    import vl_convert

    major_minor = ".".join(altair.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


class OfflineChart(anywidget.AnyWidget):
    """One chart shown in a notebook: the Vega-Lite *spec*, drawn by the bundled front end.

    >>> chart = OfflineChart(wb.charts.coder_bars(p).to_dict())
    >>> chart
    <chart: Who used which codes: codings per coder>
    """

    spec = traitlets.Dict().tag(sync=True)
    embed_options = traitlets.Dict().tag(sync=True)
    _css = ".vega-embed { overflow: visible; }"  # vega-embed's menu must not be cut off

    def __init__(self, spec: dict, embed_options: dict | None = None, **kwargs: Any) -> None:
        self._use_front_end()
        if title_text(spec) and "description" not in spec:  # what a screen reader announces for the chart
            spec = {**spec, "description": title_text(spec)}
        super().__init__(spec=spec, embed_options=embed_options or {}, **kwargs)

    @classmethod
    def _use_front_end(cls) -> None:
        if "_esm" not in cls.__dict__:  # bundled on first use, then shared by every chart
            cls._esm = front_end()

    def __repr__(self) -> str:
        title = title_text(self.spec, subtitle=False)
        return f"<chart: {title}>" if title else "<chart>"


def title_text(spec: dict, subtitle: bool = True) -> str:
    """A Vega-Lite spec's title as plain text (with its subtitle, if any and asked for).

    >>> title_text({"title": {"text": "Memos over time", "subtitle": "by each coder"}})
    'Memos over time: by each coder'
    """
    title = spec.get("title", "")
    parts = [title.get("text", ""), title.get("subtitle", "") if subtitle else ""] if isinstance(title, dict) \
        else [title]
    lines = [" ".join(map(str, p)) if isinstance(p, list) else str(p) for p in parts]
    return ": ".join(line for line in lines if line)
