"""Theme pictures: specs with titles, tooltips, the codebook's and the themes' colours, and hand-counted support."""

from __future__ import annotations

import pytest

import workbench as wb
from workbench.charts import ChartError


@pytest.fixture
def small(tmp_path):
    """Three stories in two settings (one restricted); ana and ben code them; two themes, one hand-picked span."""
    p = wb.create_project(tmp_path / "small", name="Small")
    p.codebook.add("reciprocity", color="#1b9e77")
    p.codebook.add("relational safety", color="#d95f02")
    p.codebook.add("barriers", color="#7570b3")
    a = p.add_narrative("We took turns making tea. Nobody was the helper.\n", title="Tea", narrator="R1",
                        attributes={"setting": "group"})
    b = p.add_narrative("She listened and then I listened to her.\n", title="Phone", narrator="R2",
                        attributes={"setting": "phone"})
    c = p.add_narrative("I was told what I needed. I left.\n", title="Clinic", narrator="R2",
                        attributes={"setting": "group"}, consent="restricted")
    p.code(a, 0, 24, "reciprocity", coder="ana")
    p.code(a, 0, 24, "reciprocity", coder="ben")
    p.code(b, 0, 13, "relational safety", coder="ben")
    p.code(c, 0, 26, "barriers", coder="ana")
    p.themes.add("making room", definition="turns, not roles", codes=["reciprocity"], coder="ana")
    p.themes.add("what gets in the way", codes=["barriers"], coder="ben")
    p.themes.add_passages("making room", [(b, 0, 13)], coder="ben")
    return p, (a, b, c)


def test_theme_support_by_attribute_counts_stories_and_narrators(small) -> None:
    p, _ = small
    spec = wb.charts.theme_support(p, by="setting").to_dict()
    data = {(r["theme"], r["setting"]): (r["n"], r["of"]) for r in next(iter(spec["datasets"].values()))}
    assert data[("making room", "group")] == (1, 2) and data[("making room", "phone")] == (1, 1)
    assert data[("what gets in the way", "group")] == (1, 2) and data[("what gets in the way", "phone")] == (0, 1)
    # restricted story c counts (never quoted); the chart counts as the analysis layer does
    matrix = wb.analysis.theme_matrix(p, columns="setting")
    assert all(matrix.loc[t, s] == n for (t, s), (n, _) in data.items())
    assert spec["title"]["text"].startswith("Where each theme")
    narrators = wb.charts.theme_support(p, by="setting", measure="narrators").to_dict()
    rows = next(iter(narrators["datasets"].values()))
    assert {(r["theme"], r["setting"]): r["of"] for r in rows}[("making room", "group")] == 2  # R1 and R2
    tooltips = [t["field"] for layer in spec["layer"] for t in layer["encoding"]["tooltip"]]
    assert {"theme", "setting", "n", "share"} <= set(tooltips)
    with pytest.raises(ChartError, match="no attribute"):
        wb.charts.theme_support(p, by="colour")


def test_the_theme_map_uses_codebook_colours_and_keeps_the_left_out_codes(small) -> None:
    p, _ = small
    spec = wb.charts.theme_map(p).to_dict()
    rows = next(iter(spec["datasets"].values()))
    by_code = {(r["theme"], r["code"]): r for r in rows}
    assert by_code[("making room", "reciprocity")]["color"] == "#1b9e77"
    assert by_code[("making room", "reciprocity")]["codings"] == 2  # ana's and ben's
    assert ("(codes in no theme)", "relational safety") in by_code
    assert spec["title"]["text"] == "Themes and the codes they gather"
    assert any("tooltip" in layer["encoding"] for layer in spec["layer"])
    with pytest.raises(ChartError, match="owns no theme"):
        wb.charts.theme_map(p, owner="nobody")


def test_the_timeline_follows_phases_back_and_forth_and_renames(small) -> None:
    p, _ = small
    p.themes.set_phase("making room", "reviewed", rationale="read against every story", coder="ana")
    p.themes.set_phase("making room", "candidate", rationale="too close to one code", coder="ben")
    p.themes.rename("making room", "making room for each other", coder="ana")
    spec = wb.charts.theme_timeline(p, themes="making room for each other").to_dict()
    rows = next(iter(spec["datasets"].values()))
    steps = [(r["phase"], r["coder"], r["rationale"]) for r in rows]
    assert steps[:3] == [("candidate", "ana", "added"), ("reviewed", "ana", "read against every story"),
                         ("candidate", "ben", "too close to one code")]
    assert {r["theme"] for r in rows} == {"making room for each other"}
    with pytest.raises(ChartError, match="No current theme"):
        wb.charts.theme_timeline(p, themes="making room")


def test_no_themes_says_how_to_start(tmp_path) -> None:
    p = wb.sample_project(copy_to=tmp_path / "s")
    with pytest.raises(ChartError, match="no themes yet"):
        wb.charts.theme_map(p)
