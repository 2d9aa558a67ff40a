"""A story return as Word (with an answer table read back later) and as PDF (the HTML printed by Chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError

#: Written in the .docx's properties, so that an answered return is recognised when it comes back.
DOCX_SUBJECT = "narrative-workbench story return"
#: The first header cell of the answer table.
REF_HEADER = "ref"


def _story_paragraphs(document: Any, content: Any) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    text, readings = content.text, content.readings
    cuts = sorted({0, len(text), *[r.start for r in readings], *[r.end for r in readings]})
    paragraph = document.add_paragraph()
    for a, b in zip(cuts, cuts[1:]):
        refs = [r.ref for r in readings if r.start <= a and b <= r.end]
        pieces = text[a:b].split("\n\n")
        for i, piece in enumerate(pieces):
            if i:
                paragraph = document.add_paragraph()
            run = paragraph.add_run(piece.replace("\n", " "))
            if refs:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        ending = [r.ref for r in readings if r.end == b]
        if ending:
            label = paragraph.add_run(" [" + ", ".join(ending) + "]")
            label.font.superscript, label.bold = True, True


def _answer_row(table: Any, ref: str, about: str, what: str, by: str, words: dict[str, str]) -> None:
    from docx.shared import Pt, RGBColor

    cells = table.add_row().cells
    cells[0].text = ref
    small = cells[0].add_paragraph().add_run(about or "story")
    small.font.size, small.font.color.rgb = Pt(6), RGBColor(0x88, 0x88, 0x88)
    cells[1].text = what
    if by:
        cells[1].add_paragraph(by).runs[0].italic = True
    cells[2].text = ""
    cells[3].text = ""


def write_docx(content: Any, path: Path, html_text: str = "") -> None:
    """The return as Word: the story with its passages highlighted, then a table to answer in."""
    import docx

    w = content.words
    document = docx.Document()
    document.core_properties.subject = DOCX_SUBJECT
    document.core_properties.identifier = content.narrative
    document.core_properties.title = f"{w['title']}: {content.title}"
    document.add_heading(w["title"], level=1)
    document.add_paragraph(w["intro"])
    if content.restricted:
        document.add_paragraph(w["restricted"]).runs[0].italic = True
    document.add_heading(f"{w['story']}: {content.title}", level=2)
    _story_paragraphs(document, content)
    document.add_heading(w["noticed"], level=2)
    document.add_paragraph(w["docx_note"])
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, (REF_HEADER, w["noticed"], w["meant"], w["your_words"])):
        cell.text = label
    for r in content.readings:
        quote = " ".join(content.text[r.start:r.end].split())
        _answer_row(table, r.ref, r.coding_ids[0], f"\u201c{quote}\u201d \u2014 {r.plain}",
                    f"{w['read_by']}: {', '.join(r.readers)}", w)
    for t in content.themes:
        _answer_row(table, "T", t["theme_id"], f"{t['name']}. {t['definition']}".strip(), ", ".join(t["refs"]), w)
    _answer_row(table, w["missed"], "", w["missed_q"], "", w)
    document.save(str(path))


def read_docx_answers(path: Path) -> tuple[str, list[dict]]:
    """The story id and the answers written in a returned .docx: about (coding id, theme id or ""), stance, text."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise WorkbenchError(f"{path} is not a Word file the workbench can read ({exc}).") from None
    if document.core_properties.subject != DOCX_SUBJECT or not document.core_properties.identifier:
        raise WorkbenchError(f"{path} is not a story return written by the workbench (its properties do not say "
                             "so): enter the answers with p.record_response(...) instead.")
    answers = []
    for table in document.tables:
        if not table.rows or table.rows[0].cells[0].text.strip() != REF_HEADER:
            continue
        for row in table.rows[1:]:
            cells = row.cells
            lines = [x.strip() for x in cells[0].text.split("\n") if x.strip()]
            about = lines[-1] if len(lines) > 1 else ""
            answers.append({"about": "" if about == "story" else about, "stance": cells[2].text.strip(),
                            "text": cells[3].text.strip()})
    return str(document.core_properties.identifier), answers


def chromium() -> str | None:
    """The Chromium (or Chrome) to print PDFs with: ``WORKBENCH_CHROMIUM``, else the first one on the path."""
    wanted = os.environ.get("WORKBENCH_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    return next((found for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if (found := shutil.which(name))), None)


def write_pdf(content: Any, path: Path, html_text: str) -> None:
    """The HTML return printed to PDF by a headless Chromium; a clear error (nothing written) without one."""
    browser = chromium()
    if browser is None:
        raise WorkbenchError("A PDF story return needs Chromium (or Chrome): install it (Debian: apt-get install "
                             "chromium) or name it in WORKBENCH_CHROMIUM; or write format='html' and print it "
                             "from any browser.")
    with tempfile.TemporaryDirectory(prefix="wb-return-") as tmp:
        page = Path(tmp) / "return.html"
        page.write_text(html_text, encoding="utf-8")
        out = Path(tmp) / "return.pdf"
        command = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
                   f"--print-to-pdf={out}", page.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")
        try:
            subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise WorkbenchError(f"Chromium could not print the story return ({exc}); write format='html'.") from None
        if not out.exists() or out.stat().st_size == 0:
            raise WorkbenchError(f"Chromium ({browser}) printed no PDF; write format='html' and print it instead.")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, path)
