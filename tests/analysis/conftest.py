"""Small projects whose every number can be checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb

ALPHA = "x" * 100  # offsets are the point here, not the words
STORY = "We shared tea. I felt heard, and I heard her. Help came slowly; help stayed."
SECRET = "My secret story: help was a locked door."


@pytest.fixture
def hand(tmp_path: Path) -> wb.Project:
    """Two coders on two narratives, codes A, B, C (A and B under 'parent'), spans chosen for hand counts.

    Narrative "a" (setting group, 100 chars):
        ana: A [0,10)  B [5,15)  B [20,30)  C [30,40)
        ben: A [0,10)  B [10,20)
    Narrative "b" (setting ward, restricted, 100 chars):
        ben: A [0,5)   C [2,4)
    """
    p = wb.create_project(tmp_path / "hand", name="Hand")
    p.codebook.add("parent")
    p.codebook.add("A", parent="parent", color="#111111")
    p.codebook.add("B", parent="parent", color="#222222")
    p.codebook.add("C", color="#333333")
    p.add_narrative(ALPHA, title="Alpha", id="a", attributes={"setting": "group", "year": 2023})
    p.add_narrative("y" * 100, title="Beta", id="b", consent="restricted",
                    attributes={"setting": "ward", "year": 2024})
    p.code_many([
        {"narrative_id": "a", "start": 0, "end": 10, "code": "A"},
        {"narrative_id": "a", "start": 5, "end": 15, "code": "B"},
        {"narrative_id": "a", "start": 20, "end": 30, "code": "B"},
        {"narrative_id": "a", "start": 30, "end": 40, "code": "C"},
    ], coder="ana")
    p.code_many([
        {"narrative_id": "a", "start": 0, "end": 10, "code": "A"},
        {"narrative_id": "a", "start": 10, "end": 20, "code": "B"},
        {"narrative_id": "b", "start": 0, "end": 5, "code": "A"},
        {"narrative_id": "b", "start": 2, "end": 4, "code": "C"},
    ], coder="ben")
    return p


@pytest.fixture
def words(tmp_path: Path) -> wb.Project:
    """Real sentences for retrieval, keyword in context and auto-coding; one restricted narrative."""
    p = wb.create_project(tmp_path / "words", name="Words")
    p.codebook.add("support")
    p.codebook.add("being heard", parent="support")
    p.codebook.add("help")
    p.add_narrative(STORY, title="Tea", id="tea", narrator="R1", attributes={"setting": "group"})
    p.add_narrative(SECRET, title="Secret", id="secret", narrator="R2", consent="restricted",
                    attributes={"setting": "ward"})
    return p
