"""The method switch (issue 12, item 6): reflexive leaves agreement figures out and says why; coding-reliability
reports them with thresholds; a project made before methods keeps showing them."""

from __future__ import annotations

import workbench as wb
from workbench.methods import WHY_NO_AGREEMENT


def _agreement_section(path):
    page = path.read_text(encoding="utf-8")
    start = page.index("<section id=\"agreement\"")
    return page[start:page.index("</section>", start)]


def test_report_follows_the_method(sample, tmp_path):
    assert sample.method == "codebook"
    section = _agreement_section(wb.exchange.write_report(sample, tmp_path / "before.html"))
    assert "alpha_u" in section and "reliable" not in section
    sample.set_method("reflexive")
    section = _agreement_section(wb.exchange.write_report(sample, tmp_path / "reflexive.html"))
    assert "alpha_u" not in section and "reflexive thematic analysis" in section
    assert "inter-rater reliability" in WHY_NO_AGREEMENT
    asked = _agreement_section(wb.exchange.write_report(sample, tmp_path / "asked.html", agreement=True))
    assert "alpha_u" in asked
    sample.set_method("coding-reliability")
    section = _agreement_section(wb.exchange.write_report(sample, tmp_path / "reliability.html"))
    assert "alpha_u" in section and "thresholds" in section
    assert any(word in section for word in ("reliable (", "tentative (", "not reliable"))


def test_workshop_summary_follows_the_method(tmp_path):
    ws = wb.workshop.start_workshop(tmp_path / "shared", name="Tuesday", stories=["kitchen-table", "two-chairs"])
    assert ws.project.method == "codebook"  # the sample's stories bring the sample's method
    ws.project.set_method("reflexive")
    ws.add_example_participants()
    summary = ws.summary()
    assert summary["agreement (alpha, paragraphs)"].startswith("not shown (reflexive method")
    assert summary["codings"] > 0
