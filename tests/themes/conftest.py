"""A small project whose theme support is counted by hand (issue 12)."""

from __future__ import annotations

import pytest

import workbench as wb

STORIES = [  # id, narrator, setting, consent
    ("s1", "N1", "x", "given"), ("s2", "N1", "y", "restricted"), ("s3", "N2", "x", "given"), ("s4", "N3", "y", "given"),
]


@pytest.fixture
def small(tmp_path):
    p = wb.create_project(tmp_path / "small", name="Small")
    for code in ("alpha", "beta", "gamma", "unused"):
        p.codebook.add(code)
    for nid, narrator, setting, consent in STORIES:
        p.add_narrative(f"Story {nid} words: we waited and then we spoke in turn at the table.", title=nid,
                        narrator=narrator, attributes={"setting": setting}, consent=consent, id=nid)
    ids = {
        "ana": [p.code(n, 0, 8, "alpha", coder="ana") for n in ("s1", "s2", "s4")],
        "ben": [p.code(n, 10, 20, "beta", coder="ben") for n in ("s1", "s3")],
        "chipo": [p.code("s3", 21, 30, "gamma", coder="chipo")],
    }
    p.themes.add("T1", codes=["alpha", "beta"], coder="ana")
    p.themes.add_passages("T1", [("s3", 31, 40)], coder="chipo", note="picked by hand")
    p.themes.add("T2", codes=["gamma"], coder="group:tuesday")
    p.themes.add_negative_cases("T2", [ids["ben"][0]], coder="chipo", note="does not fit")
    p.themes.add("T3", codes=["unused"], coder="ben")
    p.withdraw("s4", reason="asked")
    return p
