"""Shared fixtures: real project folders in temporary directories."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb

REPO = Path(__file__).resolve().parent.parent

STORY = (
    "When I first came to the group I thought I had to explain my diagnosis.\r\n"
    "\r\n"
    "Nobody asked. We talked about gardens, and about my sister. 😀 That was a relief.\r\n"
)


@pytest.fixture(autouse=True)
def _private_journals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Private journals go to the test's own folder, never the real home."""
    monkeypatch.setenv("WORKBENCH_JOURNAL_HOME", str(tmp_path / "home" / "journals"))


@pytest.fixture
def project(tmp_path: Path) -> wb.Project:
    """A small project with a two-level codebook and one story (CRLF input, an emoji)."""
    p = wb.create_project(tmp_path / "proj", name="Test project")
    p.codebook.add("principles", description="group")
    p.codebook.add("reciprocity", description="no fixed helper", parent="principles", color="#1b9e77")
    p.codebook.add("relational safety", parent="principles")
    p.codebook.add("barriers")
    p.add_narrative(STORY, title="First time", narrator="R01", attributes={"setting": "peer group", "year": 2024})
    return p


@pytest.fixture
def sample(tmp_path: Path) -> wb.Project:
    """A fresh copy of the shipped sample project."""
    return wb.sample_project(copy_to=tmp_path / "sample")
