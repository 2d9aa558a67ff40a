"""Helpers shared by the exchange tests (imported as a plain module: tests have no packages)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from workbench.exchange.refi_write import validate

DATA = Path(__file__).parent / "data"
MARKER = "Zephyrine-quartz-marker"  # a phrase that must never leave the project from a withdrawn story

KITCHEN = ("We sat at the kitchen table and nobody was the helper. \U0001F600 She made tea, I made toast.\n"
           "Later we laughed about the forms. Café au lait, naïve questions.\n")
WARD = "On the ward nobody listened. Then a peer worker sat with me and asked what I needed.\n"
PRIVATE = "This one is private: the group knows me here. We shared power and it mattered.\n"
SECRET = f"My sister said {MARKER} and then we left the hospital together.\n"


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def assert_valid(path: Path) -> None:
    """Every export in these tests is checked against the official REFI-QDA schemas."""
    problems = validate(path)
    assert problems == [], problems[:5]


def qde_of(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde").decode("utf-8")


def make_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes], qde_name: str = "project.qde") -> Path:
    """A .qdpx as another program might write it (member names and bytes exactly as given)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde if isinstance(qde, bytes) else qde.encode("utf-8"))
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def utf16_crlf2(text: str, index: int) -> int:
    """Where code point *index* of a CRLF text lies in UTF-16 units (NVivo's counting)."""
    return len(text[:index].encode("utf-16-le")) // 2
