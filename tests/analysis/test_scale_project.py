"""The benchmark project generator: the sizes asked for, reused when complete, never deletes a foreign folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from scale_project import build_scale_project
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return build_scale_project


def test_sizes_and_reuse(build, tmp_path):
    path = tmp_path / "scale"
    p = build(path, narratives=20, words=4000, codings=2000, coders=2, progress=False)
    assert len(p.narratives) == 20
    assert sum(len(p.text(n).split()) for n in p.narratives["id"]) == 4000
    codings = p.codings()
    assert len(codings) == 2000 and sorted(codings["coder"].unique()) == ["coder01", "coder02"]
    assert (p.narratives["consent"] == "restricted").any()
    assert codings["created_at"].max() - codings["created_at"].min() > __import__("pandas").Timedelta(days=200)
    assert set(p.codebook.history()["event"]) >= {"add", "rename", "merge", "retire"}
    marker = path / ".scale_project.json"
    stamp = marker.stat().st_mtime_ns
    again = build(path, narratives=20, words=4000, codings=2000, coders=2, progress=False)
    assert marker.stat().st_mtime_ns == stamp and len(again.codings()) == 2000  # reopened, not rebuilt
    other = build(path, narratives=10, words=1000, codings=100, coders=1, progress=False)
    assert len(other.narratives) == 10  # other parameters: rebuilt in place


def test_refuses_a_foreign_folder(build, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    with pytest.raises(FileExistsError):
        build(tmp_path / "mine", narratives=2, words=100, codings=10, coders=1, progress=False)
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"
