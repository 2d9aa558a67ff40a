"""Support of themes hand-checked on a small project: passages, stories, narrators, coders, the matrix,
restricted stories counted never quoted, withdrawn ones gone, negative cases shown but not counted."""

from __future__ import annotations

import pytest

import workbench as wb
from workbench.consent import RESTRICTED
from workbench.errors import WorkbenchError


def test_support_counts_by_hand(small):
    support = wb.analysis.theme_support(small).set_index("theme")
    assert support.loc["T1"].tolist() == ["candidate", 3, 2, 3, 5, 0]  # s1 s2 s3; N1 N2; ana ben chipo
    assert support.loc["T2"].tolist() == ["candidate", 1, 1, 1, 1, 1]
    assert support.loc["T3"].tolist() == ["candidate", 0, 0, 0, 0, 0]
    only_ana = wb.analysis.theme_support(small, coder="ana").set_index("theme")
    assert only_ana.loc["T1", ["stories", "passages"]].tolist() == [2, 2]


def test_passages_restricted_unquoted_withdrawn_absent_negative_shown(small):
    small.codebook.rename("alpha", "first", coder="ana")
    found = wb.analysis.theme_passages(small)
    assert "s4" not in set(found["narrative_id"])
    assert not found.isna().any().any()
    t1 = found[found["theme"] == "T1"]
    assert sorted(t1["code"]) == ["", "beta", "beta", "first", "first"]
    assert t1.loc[t1["narrative_id"] == "s2", "text"].tolist() == [RESTRICTED]
    assert t1.loc[t1["source"] == "picked", ["narrative_id", "picked_by", "note"]].values.tolist() == [
        ["s3", "chipo", "picked by hand"]]
    t2 = found[found["theme"] == "T2"]
    assert t2["source"].tolist() == ["negative case", "code"]  # s1 before s3
    assert t2.iloc[0][["coder", "picked_by", "note"]].tolist() == ["ben", "chipo", "does not fit"]
    assert "negative case" not in set(wb.analysis.theme_passages(small, "T2", negative=False)["source"])


def test_theme_matrix_by_hand(small):
    stories = wb.analysis.theme_matrix(small, columns="setting")
    assert stories.loc["T1"].to_dict() == {"x": 2, "y": 1}
    assert stories.loc["T2"].to_dict() == {"x": 1, "y": 0}
    assert stories.loc["T3"].to_dict() == {"x": 0, "y": 0}
    assert wb.analysis.theme_matrix(small, columns="setting", value="narrators").loc["T1"].to_dict() == {"x": 2, "y": 1}
    assert wb.analysis.theme_matrix(small, columns="setting", value="passages").loc["T1"].to_dict() == {"x": 4, "y": 1}
    readers = wb.analysis.theme_matrix(small, columns="coder")
    assert readers.loc["T1"].to_dict() == {"ana": 2, "ben": 2, "chipo": 1}
    by_story = wb.analysis.theme_matrix(small, columns="narrative")
    assert list(by_story.columns) == ["s1", "s2", "s3"]
    with pytest.raises(WorkbenchError, match="value must be"):
        wb.analysis.theme_matrix(small, value="alpha")
    with pytest.raises(WorkbenchError, match="attribute"):
        wb.analysis.theme_matrix(small, columns="colour")


def test_empty_project_gives_empty_frames(project):
    assert wb.analysis.theme_support(project).empty
    assert wb.analysis.theme_passages(project).empty
    project.themes.add("lonely", coder="ana")
    assert wb.analysis.theme_matrix(project, columns="setting").loc["lonely"].sum() == 0
