"""care sits below the project layer: it takes anything shaped like a project and never imports one."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

import workbench as wb

CARE = Path(wb.__file__).parent / "care"


class _Stories:
    """Not a Project: just a table of narratives and a way to read each text."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.narratives = pd.DataFrame({"id": list(texts), "title": ["one", "two"][: len(texts)],
                                        "consent": "given"})

    def text(self, narrative_id: str) -> str:
        return self.texts[narrative_id]


def test_find_identifiers_reads_anything_shaped_like_a_project():
    found = wb.find_identifiers(_Stories({"a": "I rang Maria Lopez at maria@example.org."}))
    assert {"Maria Lopez", "maria@example.org"} <= set(found["text"])
    assert set(found["narrative_id"]) == {"a"}
    assert "project_path" not in found.attrs  # no folder behind these stories


def test_a_real_project_still_gives_its_folder(tmp_path):
    p = wb.sample_project(copy_to=tmp_path / "sample")
    assert wb.find_identifiers(p, progress=False).attrs["project_path"] == str(p.path)


def test_care_never_imports_the_project_layer():
    for path in CARE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").endswith("project"), f"{path.name}:{node.lineno}"


def test_the_public_names_stay_at_workbench_care():
    for name in ("PseudonymError", "find_identifiers", "load_pseudonyms", "apply_pseudonyms",
                 "write_pseudonym_template", "IDENTIFIER_COLUMNS"):
        assert hasattr(wb.care, name)
