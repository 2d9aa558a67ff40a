"""Charts: valid Vega-Lite specs, codebook colours, tooltips, consent, offline rendering, the row limit."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

import workbench as wb
from workbench.analysis import RESTRICTED
from workbench.charts import ChartError
from workbench.charts._placement import text_box

alt = pytest.importorskip("altair")
C = wb.charts
REPO = Path(__file__).resolve().parents[2]
SECRET = "My secret story: help was a locked door."
ALL_CHARTS = {
    "frequency_heatmap": lambda p: C.frequency_heatmap(p, by="narrative"),
    "frequency_heatmap_attribute": lambda p: C.frequency_heatmap(p, by="setting", value="coders"),
    "coder_bars": lambda p: C.coder_bars(p),
    "coder_bars_share": lambda p: C.coder_bars(p, normalize=True),
    "cooccurrence_heatmap": lambda p: C.cooccurrence_heatmap(p, within=5),
    "cooccurrence_jaccard": lambda p: C.cooccurrence_heatmap(p, measure="jaccard", pool=True),
    "code_network": lambda p: C.code_network(p, within=5),
    "story_strip": lambda p: C.story_strip(p, p.narratives["id"][0]),
    "codebook_timeline": lambda p: C.codebook_timeline(p),
    "memo_timeline": lambda p: C.memo_timeline(p),
    "code_use": lambda p: C.code_use(p),
}


@pytest.fixture
def small(tmp_path: Path) -> wb.Project:
    p = wb.create_project(tmp_path / "small", name="Small")
    p.codebook.add("support", color="#0072b2")
    p.codebook.add("being heard", parent="support", color="#d55e00")
    p.codebook.add("help", color="#009e73")
    p.codebook.add("gone", color="#cc79a7")
    p.add_narrative("We shared tea. I felt heard, and I heard her.\n\nHelp came slowly; help stayed.",
                    title="Tea", id="tea", attributes={"setting": "group"})
    p.add_narrative(SECRET, title="Secret", id="secret", consent="restricted", attributes={"setting": "ward"})
    p.code_many([{"narrative_id": "tea", "start": 15, "end": 27, "code": "being heard", "note": "felt it"},
                 {"narrative_id": "tea", "start": 10, "end": 45, "code": "support"},
                 {"narrative_id": "tea", "start": 47, "end": 51, "code": "help"},
                 {"narrative_id": "tea", "start": 0, "end": 14, "code": "gone"},
                 {"narrative_id": "secret", "start": 17, "end": 21, "code": "help"}], coder="ana")
    p.code_many([{"narrative_id": "tea", "start": 15, "end": 45, "code": "being heard"},
                 {"narrative_id": "secret", "start": 0, "end": 40, "code": "support"}], coder="ben")
    p.codebook.rename("help", "practical help", rationale="narrators meant errands", coder="ana")
    p.codebook.retire("gone", rationale="no one could use it", coder="ben")
    p.memo("I hear my own story in this.", coder="ana", narrative="tea", kind="reflexive")
    p.memo("Ben and I read 'support' differently.", coder="ana", kind="dialogue", participants=["ana", "ben"])
    return p


def datasets(spec: dict) -> list[list[dict]]:
    return list((spec.get("datasets") or {}).values())


def test_every_chart_is_a_valid_spec_with_title_and_tooltips(small):
    for name, make in ALL_CHARTS.items():
        chart = make(small)
        spec = chart.to_dict()  # altair validates against the Vega-Lite schema here
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), name
        text = json.dumps(spec)
        assert '"title"' in text and '"tooltip"' in text, name
        title = spec.get("title") or spec.get("spec", {}).get("title")
        assert title, name


def test_codebook_colours_are_used(small):
    colors = small.codebook.color_map()
    spec = C.coder_bars(small).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"])) == {
        c: colors.get(c, C.INACTIVE_COLOR) for c in scale["domain"]}
    assert scale["domain"][:3] == ["support", "being heard", "practical help"]  # codebook order
    assert dict(zip(scale["domain"], scale["range"]))["gone"] == C.INACTIVE_COLOR  # retired
    heat = C.frequency_heatmap(small, by="coder").to_dict()
    label_colors = heat["encoding"]["y"]["axis"]["labelColor"]["condition"]
    assert {"test": 'datum.value === "being heard"', "value": "#d55e00"} in label_colors
    strip = C.story_strip(small, "tea").to_dict()
    bands = next(layer for layer in strip["layer"] if layer["mark"]["type"] == "rect")
    assert bands["encoding"]["color"]["scale"]["range"][0] == "#0072b2"
    timeline = datasets(C.codebook_timeline(small).to_dict())[0]
    renamed = [row for row in timeline if row["event"] == "rename"][0]
    assert renamed["color"] == colors["practical help"]  # the old name keeps the code's colour


def test_tooltips_never_quote_restricted_narratives(small):
    for nid in ("secret", "tea"):
        spec = json.dumps(C.story_strip(small, nid).to_dict())
        assert "secret story" not in spec and "locked door" not in spec
    strip = datasets(C.story_strip(small, "secret").to_dict())
    passages = {row["passage"] for data in strip for row in data if "passage" in row}
    assert passages == {RESTRICTED}
    tea = datasets(C.story_strip(small, "tea").to_dict())
    assert "I felt heard" in {row.get("passage") for data in tea for row in data}
    for make in ALL_CHARTS.values():
        assert "locked door" not in json.dumps(make(small).to_dict())


def test_story_strip_stacks_overlaps_in_lanes(small):
    data = [d for d in datasets(C.story_strip(small, "tea").to_dict()) if d and "lane" in d[0]][0]
    ana = sorted((row["start"], row["lane"]) for row in data if row["coder"] == "ana")
    # ana: gone [0,14), support [10,45), being heard [15,27), help [47,51)
    assert ana == [(0, 0), (10, 1), (15, 0), (47, 0)]
    for row in data:
        assert 0 <= row["y"] < row["y2"] <= 2  # two coders, one row each


def test_story_strip_merges_bands_beyond_the_row_limit(small, monkeypatch):
    small.code_many([{"narrative_id": "tea", "start": s, "end": s + 10, "code": "being heard"}
                     for s in (16, 20, 30, 40)], coder="ben")  # 9 bands in tea, 5 after merging
    monkeypatch.setattr(C, "MAX_ROWS", 6)
    spec = C.story_strip(small, "tea").to_dict()
    data = [d for d in datasets(spec) if d and "lane" in d[0]][0]
    ben = [row for row in data if row["coder"] == "ben"]
    assert len(data) == 5 and len(ben) == 1
    assert (ben[0]["start"], ben[0]["end"], ben[0]["passage"]) == (15, 50, "5 codings merged")


def test_code_network_layout_and_ties(small):
    chart = C.code_network(small, within=5, min_count=1)
    spec = chart.to_dict()
    assert len(spec["layer"]) == 4
    rows = datasets(spec)
    ties = [d for d in rows if d and "x2" in d[0]][0]
    # ana in tea: gone [0,14), support [10,45), being heard [15,27), help [47,51); within 5 characters
    assert {(t["code_a"], t["code_b"]) for t in ties} == {("being heard", "support"), ("gone", "support"),
                                                          ("being heard", "gone"), ("practical help", "support")}
    nodes = [d for d in rows if d and "label_y" in d[0]][0]
    assert not _labels_on_circles(nodes)  # every label sits beside its circle, on no circle
    with pytest.raises(ChartError):
        C.code_network(wb.create_project(small.path.parent / "empty"))


def _labels_on_circles(nodes: list[dict]) -> list[tuple[str, str]]:
    """(label, circle) pairs where a label's box covers a circle (pixels, as the chart draws them)."""
    top = max(n["codings"] for n in nodes)
    hits = []
    for label in nodes:
        w, h = text_box(label["code"], 11)
        x0, y0 = label["label_x"] - w / 2 + 2, label["label_y"] - h / 2 + 2  # the estimate is generous
        x1, y1 = label["label_x"] + w / 2 - 2, label["label_y"] + h / 2 - 2
        for node in nodes:
            r = math.sqrt((60 + 1340 * node["codings"] / top) / math.pi)
            nearest = (min(max(node["x"], x0), x1), min(max(node["y"], y0), y1))
            if math.hypot(node["x"] - nearest[0], node["y"] - nearest[1]) < r:
                hits.append((label["code"], node["code"]))
    return hits


def test_network_labels_avoid_the_circles_on_the_sample(tmp_path):
    p = wb.sample_project(copy_to=tmp_path / "sample")
    for chart in (C.code_network(p, within=100, min_count=2), C.code_network(p, within=100, pool=True)):
        nodes = [d for d in datasets(chart.to_dict()) if d and "label_y" in d[0]][0]
        assert len(nodes) >= 13 and not _labels_on_circles(nodes)


def test_options_are_checked(small):
    with pytest.raises(ChartError):
        C.frequency_heatmap(small, by=None)
    with pytest.raises(ChartError):
        C.frequency_heatmap(small, value="words")
    with pytest.raises(ChartError):
        C.cooccurrence_heatmap(small, measure="pmi")
    with pytest.raises(wb.WorkbenchError):
        C.story_strip(small, "nope")


def test_offline_renderer_choice():
    before = alt.renderers.active
    try:
        assert C.use_offline_renderer() == "svg"  # not inside a Jupyter kernel
        assert alt.renderers.active == "svg"
        assert C.use_offline_renderer("html") == "html" and alt.renderers.active == "html"
        assert C.use_offline_renderer("jupyter") == "jupyter" and alt.renderers.active == "jupyter"
        assert alt.JupyterChart._is_offline  # Vega comes bundled, not from a CDN
        assert C.use_offline_renderer("workbench") == "workbench" and alt.renderers.active == "workbench"
        with pytest.raises(ChartError):
            C.use_offline_renderer("cdn")
    finally:
        alt.renderers.enable(before)


def test_render_every_chart_to_png_and_save_formats(small, tmp_path):
    for name, make in ALL_CHARTS.items():
        path = C.save(make(small), tmp_path / f"{name}.png")
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000, name
    bars = C.coder_bars(small)
    svg = C.save(bars, tmp_path / "bars.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and "Who used which codes" in svg
    html = C.save(bars, tmp_path / "out" / "bars.html").read_text(encoding="utf-8")
    assert "vega" in html and "cdn.jsdelivr" not in html  # self-contained, works offline
    assert json.loads(C.save(bars, tmp_path / "bars.json").read_text())["mark"]["type"] == "bar"
    with pytest.raises(ChartError):
        C.save(bars, tmp_path / "bars.gif")


@pytest.fixture(scope="module")
def midsize(tmp_path_factory) -> wb.Project:
    """A mid-size project (200 narratives, 60,000 codings, 6 coders) built like the benchmark one."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from scale_project import build_scale_project
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return build_scale_project(tmp_path_factory.mktemp("mid") / "p", narratives=200, words=200_000,
                               codings=60_000, coders=6, progress=False)


@pytest.mark.slow
def test_no_chart_hits_the_row_limit_on_a_midsize_project(midsize):
    nid = midsize.narratives["id"][3]
    charts = dict(ALL_CHARTS, story_strip=lambda p: C.story_strip(p, nid),
                  code_network_pooled=lambda p: C.code_network(p, within=100, pool=True, max_edges=1000),
                  frequency_heatmap_coder=lambda p: C.frequency_heatmap(p, by="coder"))
    for name, make in charts.items():
        spec = make(midsize).to_dict()  # raises MaxRowsError above 5,000 rows
        for data in datasets(spec):
            assert len(data) <= C.MAX_ROWS, name
    heat = C.frequency_heatmap(midsize, by="narrative").to_dict()
    assert "60 of 200 narratives with the most codings" in heat["title"]
