"""Charts in a real JupyterLab, in Chromium, with the network blocked: they show without a setup call,
and every chart on a page keeps its own legend.

Each Vega SVG names its legend gradient "gradient_0"; when several charts share a page, a legend's
url(#gradient_0) finds the first chart's gradient (the bug this guards against), so the checks
resolve each legend's reference in the page, as the browser does, and compare the colours it
shows with the colours of its own chart's cells.
"""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest

import workbench as wb

from _lab import open_notebook, run_all_cells, shot

pytestmark = pytest.mark.browser

_CHARTS = """() => [...document.querySelectorAll('.jp-OutputArea-output .vega-embed svg.marks')].map((svg) => {
    const legend = svg.querySelector('.role-legend-gradient path, .role-legend-gradient rect');
    const fill = legend ? legend.getAttribute('fill') : null;
    const ref = fill && /#([^)"']+)/.exec(fill);
    const gradient = ref ? document.getElementById(ref[1]) : null;  // what the browser will paint
    return {
        legendFill: fill,
        gradientInOwnSvg: !!gradient && svg.contains(gradient),
        stops: gradient ? [...gradient.querySelectorAll('stop')].map(
            (s) => [parseFloat(s.getAttribute('offset')), s.getAttribute('stop-color')]) : [],
        cells: [...svg.querySelectorAll('.role-mark.mark-rect path')].map((p) => p.getAttribute('fill')),
        ids: [...svg.querySelectorAll('[id]')].map((e) => e.id),
        // Vega labels the chart's container for screen readers (its marks carry labels of their own)
        ariaLabel: svg.parentElement.getAttribute('aria-label') || '',
        role: svg.parentElement.getAttribute('role') || '',
        markLabels: svg.querySelectorAll('.role-mark [aria-label]').length,
    };
})"""


_LEGENDS_SHOWN = """(n) => document.querySelectorAll(
    '.jp-OutputArea-output .vega-embed svg.marks .role-legend-gradient').length >= n"""


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.strip()
    if color.startswith("#"):
        value = color[1:]
        if len(value) == 3:
            value = "".join(c * 2 for c in value)
        return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", color)[:3])  # type: ignore[return-value]


def _distance_to_ramp(color: str, stops: list) -> float:
    """How far *color* is from the nearest colour of the legend's gradient (stops linearly interpolated)."""
    target = _rgb(color)
    stops = sorted((offset, _rgb(c)) for offset, c in stops)
    best = float("inf")
    for (_, a), (_, b) in zip(stops, stops[1:]):
        for k in range(21):
            t = k / 20
            point = [a[i] + (b[i] - a[i]) * t for i in range(3)]
            best = min(best, sum((point[i] - target[i]) ** 2 for i in range(3)) ** 0.5)
    return best


@pytest.fixture
def offline(page, lab):
    """The page may reach the Lab server and nothing else (as on a machine without internet)."""
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(lab.url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.blocked = blocked
    return page


def test_two_heatmaps_offline_each_with_its_own_legend(offline, lab, tmp_path):
    page = offline
    wb.sample_project(copy_to=lab.root / "charts-sample")
    name = "charts-two-heatmaps.ipynb"
    lab.write_notebook(name, [
        "import workbench as wb\np = wb.open_project('charts-sample')",  # no setup call for the charts
        'wb.charts.frequency_heatmap(p, by="setting")',                     # blues
        'wb.charts.cooccurrence_heatmap(p, within=100, measure="jaccard")',  # purples
    ])
    open_notebook(page, lab, name)
    run_all_cells(page)
    page.wait_for_function(_LEGENDS_SHOWN, arg=2, timeout=90_000)
    page.wait_for_timeout(500)  # let the id fixing settle after the last redraw
    charts = page.evaluate(_CHARTS)
    shot(page, "charts-two-heatmaps", page.locator(".vega-embed").first)
    text = page.inner_text(".jp-Notebook")
    assert "Error loading script" not in text and "JavaScript Error" not in text
    assert len(charts) == 2, charts
    ids = Counter(i for chart in charts for i in chart["ids"])
    assert ids and not [i for i, n in ids.items() if n > 1], ids  # no id defined twice in the charts' SVGs
    for chart in charts:
        assert chart["gradientInOwnSvg"], chart["legendFill"]
        assert len(chart["stops"]) >= 2 and chart["cells"]
        # every cell's colour is on its own legend's colour ramp
        far = [c for c in chart["cells"] if _distance_to_ramp(c, chart["stops"]) > 12]
        assert not far, (far, chart["stops"])
        assert chart["role"] == "graphics-document" and chart["ariaLabel"].startswith("Code")  # its title
        assert chart["markLabels"] == len(chart["cells"])  # every cell is readable by screen readers
    blues, purples = charts
    # the two schemes differ: the check above would catch a legend borrowing the other chart's gradient
    assert any(_distance_to_ramp(c, purples["stops"]) > 12 for c in blues["cells"])
    assert not [u for u in page.blocked if "jsdelivr" in u or "esm.sh" in u], page.blocked
    # tooltips work (vega-embed's tooltip handler comes with the bundle)
    cell = page.locator(".jp-OutputArea-output .vega-embed svg.marks .role-mark.mark-rect path").first
    cell.scroll_into_view_if_needed()
    cell.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=10_000)
    assert "codings" in page.inner_text("#vg-tooltip-element")


def test_a_chart_keeps_its_own_ids_after_a_redraw(offline, lab):
    page = offline
    wb.sample_project(copy_to=lab.root / "charts-redraw")
    name = "charts-redraw.ipynb"
    lab.write_notebook(name, [
        "import workbench as wb\np = wb.open_project('charts-redraw')\n"
        'first = wb.charts.frequency_heatmap(p, by="coder")\nfirst',
        'wb.charts.frequency_heatmap(p, by="setting")',
        # the same chart shown again: a second view of its own
        "first",
    ])
    open_notebook(page, lab, name)
    run_all_cells(page)
    page.wait_for_function(_LEGENDS_SHOWN, arg=3, timeout=90_000)
    page.wait_for_timeout(500)
    charts = page.evaluate(_CHARTS)
    ids = Counter(i for chart in charts for i in chart["ids"])
    assert not [i for i, n in ids.items() if n > 1], ids
    assert all(chart["gradientInOwnSvg"] for chart in charts)
    if os.environ.get("WORKBENCH_KEEP_SHOTS"):
        shot(page, "charts-redraw")
