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
