"""Read stories from files: ``.txt``, ``.md``, ``.docx``, ``.csv`` with a text column, ``.pdf``, ``.vtt``, ``.srt``.

PDFs and subtitle transcripts come with their structure (pages; turns and times): their items
carry the :class:`~workbench.sources.Part` objects as ``parts``, built into text by the caller
after any pseudonyms are applied.

Readers only read and check; :meth:`workbench.Project.import_narratives` canonicalises and writes.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path
from typing import Any, Iterable

from ._text import decode_bytes
from .errors import WorkbenchError
from .sources import build, read_pdf, read_transcript

SUPPORTED = (".txt", ".md", ".docx", ".csv", ".pdf", ".vtt", ".srt")
_CORE = {"id", "title", "narrator", "consent"}


def read_sources(source: str | os.PathLike | Iterable[str | os.PathLike], text_column: str = "text",
                 encoding: str | None = None) -> tuple[list[dict], list[dict]]:
    """Stories found in *source* (a folder, a file, or a list of them), and files skipped with why.

    Every file is read and checked before the caller writes anything, so a bad file stops
    the whole import with a clear error and nothing half-imported.

    >>> _ = Path("stories").mkdir(); _ = Path("stories/first_visit.txt").write_text("We met weekly.")
    >>> items, skipped = read_sources("stories")
    >>> [(item["title"], item["text"]) for item in items]
    [('first visit', 'We met weekly.')]
    """
    paths = _expand(source)
    items, skipped = [], []
    for path in paths:
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED:
            skipped.append({"file": str(path), "id": None, "title": None,
                            "status": f"skipped: {suffix or 'no extension'} is not one of {', '.join(SUPPORTED)}"})
            continue
        if suffix == ".csv":
            items.extend(_read_csv(path, text_column, encoding))
        elif suffix == ".docx":
            items.append(_read_docx(path))
        elif suffix in (".pdf", ".vtt", ".srt"):
            items.append(_read_structured(path))
        else:
            items.append(_read_plain(path, encoding))
    if not items and not skipped:
        raise WorkbenchError(f"No stories found in {source!s}: expected {', '.join(SUPPORTED)} files.")
    return items, skipped


def _expand(source) -> list[Path]:
    sources = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    paths: list[Path] = []
    for item in sources:
        path = Path(item)
        if path.is_dir():
            paths.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))))
        elif path.is_file():
            paths.append(path)
        else:
            raise WorkbenchError(f"{path} does not exist; give a folder or files to import.")
    return paths


def _decode(path: Path, encoding: str | None) -> str:
    data = path.read_bytes()
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise WorkbenchError(f"{path} does not decode as {encoding}: {exc}") from None
    return decode_bytes(data, str(path))


def _read_plain(path: Path, encoding: str | None) -> dict:
    text = _decode(path, encoding)
    title = path.stem.replace("_", " ").replace("-", " ").strip() or path.name
    if path.suffix.lower() == ".md":
        first = next((line for line in text.splitlines() if line.strip()), "")
        if first.startswith("#"):
            title = first.lstrip("#").strip() or title
    return {"file": str(path), "text": text, "title": title}


def _read_docx(path: Path) -> dict:
    try:
        import docx
    except ImportError:  # pragma: no cover - a dependency
        raise WorkbenchError("Reading .docx needs python-docx: pip install python-docx") from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        raise WorkbenchError(f"{path} is not a readable .docx file ({exc}).") from None
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n\n".join(p for p in paragraphs if p.strip())
    title = (document.core_properties.title or "").strip() or path.stem.replace("_", " ").replace("-", " ")
    return {"file": str(path), "text": text, "title": title}


def _read_structured(path: Path) -> dict:
    title = ""
    if path.suffix.lower() == ".pdf":
        parts, title = read_pdf(path)
    else:
        parts = read_transcript(path)
    return {"file": str(path), "text": build(parts)[0], "parts": parts, "source": path.name,
            "title": title or path.stem.replace("_", " ").replace("-", " ").strip() or path.name}


def _allow_long_cells() -> None:
    """Let a CSV cell hold a story of any length (the csv module stops at 131,072 characters by default)."""
    limit = sys.maxsize
    while csv.field_size_limit() < limit:
        try:
            csv.field_size_limit(limit)
        except OverflowError:  # a C long is 32 bits on some systems
            limit //= 2


def _read_csv(path: Path, text_column: str, encoding: str | None) -> list[dict]:
    _allow_long_cells()
    reader = csv.DictReader(io.StringIO(_decode(path, encoding), newline=""))
    if not reader.fieldnames or text_column not in reader.fieldnames:
        raise WorkbenchError(
            f"{path} has no {text_column!r} column (columns: {reader.fieldnames}). "
            f"Name the column with the stories: import_narratives(..., text_column='story')."
        )
    items = []
    for number, row in enumerate(reader, 2):
        text = row.get(text_column) or ""
        if not text.strip():
            raise WorkbenchError(f"{path}, line {number}: the {text_column!r} cell is empty.")
        attributes = {k: v for k, v in row.items() if k not in _CORE and k != text_column and k is not None}
        item: dict[str, Any] = {"file": f"{path}:{number}", "text": text,
                                "title": row.get("title") or f"{path.stem} {number - 1}",
                                "narrator": row.get("narrator") or "", "attributes": attributes}
        if row.get("id"):
            item["id"] = row["id"]
        if row.get("consent"):
            item["consent"] = row["consent"]
        items.append(item)
    return items
