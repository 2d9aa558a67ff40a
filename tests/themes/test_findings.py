"""The findings document (issue 12, item 5): opened and searched in each format; a withdrawn story absent,
a restricted one counted and never quoted, negative cases shown, the theme memo as the analytic narrative."""

from __future__ import annotations

import pytest
from docx import Document

import workbench as wb
from workbench.errors import WorkbenchError


@pytest.fixture
def reported(small):
    small.themes.edit("T1", coder="ana", definition="Turns taken in talk", idea="waiting is a gift")
    small.themes.write_memo("T1", "First draft.", coder="ana")
    small.themes.write_memo("T1", "People wait for each other; the waiting is the care.", coder="ben")
    small.themes.set_phase("T2", "reported", coder="ana", rationale="written up")
    return small


def _docx_text(path):
    word = Document(str(path))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells), word


def test_docx_opened_and_searched(reported, tmp_path):
    path = wb.exchange.export_findings(reported, tmp_path / "findings.docx")
    text, word = _docx_text(path)
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["T2", "What people said"]  # the reported theme first
    assert headings.index("T1") < headings.index("T3")
    assert "Story s4" not in text and "s4" not in text  # withdrawn: gone everywhere
    assert "Story s2" not in text  # restricted: never quoted...
    assert "1 further passage comes from stories with restricted consent" in text  # ...but counted
    assert "Supported by 5 passages from 3 stories told by 2 narrators, read by 3 readers." in text
    assert "People wait for each other; the waiting is the care." in text and "First draft." not in text
    assert "Definition: Turns taken in talk" in text and "Central organising idea: waiting is a gift" in text
    quotes = [p.text for p in word.paragraphs if p.style.name == "Quote"]
    assert "“Story s1”" in quotes and "“… words: we waited”" in quotes  # a cut word is made whole
    assert "— N1, s1 (marked by chipo: does not fit)" in text  # T2's negative case, shown
    assert "— N2, s3 (read by chipo: picked by hand)" in text  # a hand-picked quote carries its note
    assert [c.text for c in word.tables[0].rows[0].cells] == ["theme", "stories", "which stories", "readers"]
    t1 = next(r for r in word.tables[0].rows if r.cells[0].text == "T1")
    assert [c.text for c in t1.cells] == ["T1", "3", "s1; s2; s3", "ana, ben, chipo"]


def test_html_and_markdown(reported, tmp_path):
    page = wb.exchange.export_findings(reported, tmp_path / "findings.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "Story s2" not in page
    assert "<blockquote><p>“Story s1”</p>" in page
    md = wb.exchange.export_findings(reported, tmp_path / "out.txt", format="md", anonymise_coders=True,
                                     themes=["T1"]).read_text(encoding="utf-8")
    assert md.startswith("# Findings: Small") and "## T2" not in md and "## T1" in md
    assert "> “Story s1”" in md and "ana" not in md and "(read by Coder " in md
    assert "| T1 | 3 | s1; s2; s3 |" in md


def test_bad_requests_write_nothing(reported, project, tmp_path):
    with pytest.raises(WorkbenchError, match="format must be one of"):
        wb.exchange.export_findings(reported, tmp_path / "findings.pdf")
    with pytest.raises(WorkbenchError, match="no themes"):
        wb.exchange.export_findings(project, tmp_path / "empty.md")
    with pytest.raises(WorkbenchError, match="no theme 'nope'"):
        wb.exchange.export_findings(reported, tmp_path / "x.md", themes=["nope"])
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".md")) == []
