"""PDFs (issue 15, item 3): the text layer with its pages, a clear refusal for a scan, REFI PDF sources."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from source_files import write_pdf

import workbench as wb
from workbench import errors

PAGE_ONE = ["When I came to the peer group I did not speak.", "Nobody asked me to."]
PAGE_TWO = ["By the third week I made the tea.", "That was my way in (and out)."]


def test_pdf_text_layer_imports_with_its_pages(project, tmp_path):
    pdf = write_pdf(tmp_path / "story.pdf", [PAGE_ONE, PAGE_TWO], title="The tea")
    report = project.import_narratives(pdf, progress=False)
    assert report["status"].tolist() == ["added"] and report["title"].tolist() == ["The tea"]
    nid = report["id"][0]
    text = project.text(nid)
    pages = project.pages(nid)
    assert pages["page"].tolist() == [1, 2]
    first, second = (text[a:b] for a, b in zip(pages["start"], pages["end"]))
    assert first.split() == " ".join(PAGE_ONE).split() and second.split() == " ".join(PAGE_TWO).split()
    assert project.turns(nid).empty and project.time_at(nid, 0) is None
    assert wb.open_project(project.path).pages(nid).equals(pages)


def test_scanned_pdf_without_text_is_refused_clearly(project, tmp_path):
    scan = write_pdf(tmp_path / "scan.pdf", None, blank_pages=2)
    before = sorted(p.name for p in project.path.rglob("*"))
    with pytest.raises(errors.WorkbenchError, match=r"no text layer \(2 page\(s\).*OCR"):
        project.import_narratives(scan, progress=False)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really")
    with pytest.raises(errors.WorkbenchError, match="not a readable PDF"):
        project.import_narratives(tmp_path / "broken.pdf", progress=False)
    assert sorted(p.name for p in project.path.rglob("*")) == before


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium to print HTML to PDF")
def test_pdf_printed_by_chromium(project, tmp_path):
    html = tmp_path / "story.html"
    html.write_text("<html><body><p>Café au lait at the drop-in, naïve questions welcome.</p>"
                    "<p style='page-break-before: always'>On the second page we talked about trust.</p>"
                    "</body></html>", encoding="utf-8")
    pdf = tmp_path / "printed.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=120)
    nid = project.import_narratives(pdf, progress=False)["id"][0]
    assert project.pages(nid)["page"].tolist() == [1, 2]
    text = project.text(nid)
    assert "Café au lait" in text and "naïve" in text and text.rstrip().endswith("trust.")


QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="With a PDF" origin="a test">
 <Users><User guid="11111111-1111-1111-1111-111111111111" name="ana"/></Users>
 <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="trust" isCodable="true"/></Codes></CodeBook>
 <Sources>
  <PDFSource guid="33333333-3333-3333-3333-333333333333" name="Interview.pdf" path="internal://interview.pdf">
   <PDFSelection guid="44444444-4444-4444-4444-444444444444" page="0" firstX="1" firstY="1" secondX="9" secondY="9">
    <Coding guid="55555555-5555-5555-5555-555555555555" creatingUser="11111111-1111-1111-1111-111111111111">
     <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
   </PDFSelection>
   <Representation guid="66666666-6666-6666-6666-666666666666" plainTextPath="internal://interview.txt">
    <PlainTextSelection guid="77777777-7777-7777-7777-777777777777" startPosition="{start}" endPosition="{end}"
        creatingUser="11111111-1111-1111-1111-111111111111">
     <Coding guid="88888888-8888-8888-8888-888888888888" creatingUser="11111111-1111-1111-1111-111111111111">
      <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
    </PlainTextSelection>
   </Representation>
  </PDFSource>
  <PDFSource guid="99999999-9999-9999-9999-999999999999" name="Scan.pdf" path="internal://scan.pdf"/>
 </Sources>
</Project>
"""


def test_refi_pdf_source_with_a_text_representation_imports(tmp_path):
    import zipfile

    text = "I trusted her because she had been there.\nShe never wrote anything down in front of me.\n"
    start = text.index("she had been there")
    archive = tmp_path / "with-pdf.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("project.qde", QDE.format(start=start, end=start + len("she had been there")))
        zf.writestr("sources/interview.txt", text.encode("utf-8"))
        zf.writestr("sources/interview.pdf", b"%PDF-1.4 (not read)")
    q = wb.import_qdpx(archive, into=tmp_path / "q")
    assert q.narratives["title"].tolist() == ["Interview"]
    coding = q.codings().iloc[0]
    assert coding["text"] == "she had been there" and coding["coder"] == "ana" and len(q.codings()) == 1
    skipped = q.import_report.skipped.set_index("what")
    assert skipped.loc["PDF selections", "codings"] == 1
    assert skipped.loc["PDF source", "name"] == "Scan.pdf"


def test_pdf_in_a_folder_with_other_stories(project, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_pdf(folder / "one.pdf", [PAGE_ONE])
    (folder / "two.txt").write_text("A plain story.", encoding="utf-8")
    report = project.import_narratives(folder, progress=False)
    assert report["status"].tolist() == ["added", "added"]
    assert Path(report["file"][0]).name == "one.pdf"
