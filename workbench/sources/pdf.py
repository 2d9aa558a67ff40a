"""PDFs: the text layer of each page, read with pypdf, the page numbers kept as structure.

pypdf (BSD-3-Clause, pure Python, no other dependency) reads the text layer well enough for
stories written in a word processor and printed to PDF; pdfplumber would add pdfminer.six and
Pillow for layout analysis (tables, character boxes) that a narrative does not need.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import WorkbenchError
from .parts import Part


def read_pdf(path: str | Path) -> tuple[list[Part], str]:
    """The pages of a PDF with a text layer as parts (``page`` = page number from 1), and its title.

    A PDF whose pages have no text (a scan) is a :class:`~workbench.errors.WorkbenchError`
    saying to run it through OCR first.

    >>> read_pdf("no-such.pdf")
    Traceback (most recent call last):
    ...
    workbench.errors.WorkbenchError: no-such.pdf is not a readable PDF file ...
    """
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a bad file
        raise WorkbenchError(f"{path} is not a readable PDF file ({type(exc).__name__}: {exc}).") from None
    if not any(text.strip() for text in pages):
        raise WorkbenchError(
            f"{path} has no text layer ({len(pages)} page(s) without any text): it looks like a scan. "
            "Run it through OCR first (e.g. `ocrmypdf in.pdf out.pdf`), or type the story as a .txt or .docx file.")
    return [Part(text, page=number) for number, text in enumerate(pages, 1) if text.strip()], title
