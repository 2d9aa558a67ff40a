"""The narrator's voice in the widgets' models: answers beside the readings, the reason a story is restricted."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb

NID = "kitchen-table"


@pytest.fixture
def sample(tmp_path: Path) -> wb.Project:
    return wb.sample_project(copy_to=tmp_path / "sample")


def test_coding_widget_shows_answers_and_why_a_story_is_restricted(sample: wb.Project) -> None:
    p = sample
    cid = p.codings(narrative=NID, coder="ben")["coding_id"].iloc[0]
    widget = wb.coding_widget(p, coder="ana", narrative=NID)
    try:
        assert widget.voices == [] and widget.doc["consent_note"] == ""
        other = wb.open_project(p.path)  # the answer is entered elsewhere (another notebook)
        other.record_response(NID, "disagree", about=cid, text="That was company, not help.", entered_by="chipo")
        other.set_consent(NID, "restricted", by="chipo", reason="asked not to be quoted")
        widget.refresh()
        voice = widget.voices[0]
        assert (voice["narrator"], voice["stance"], voice["coder"], voice["about"]) == ("R01", "disagree", "ben",
                                                                                        "coding")
        assert voice["start"] == int(p.coding(cid)["start"]) and voice["text"] == "That was company, not help."
        widget.narrative = "night-shift"
        widget.narrative = NID
        assert widget.doc["consent"] == "restricted"
        assert widget.doc["consent_note"].startswith("R01, ") and "asked not to be quoted" in widget.doc["consent_note"]
        widget.view = "blind"
        assert widget.voices == []  # blind coding: no other reading, and no answer to one
        assert "narrator:R01" not in widget.coders
    finally:
        widget.close()


def test_disagreement_explorer_shows_answers(sample: wb.Project) -> None:
    p = sample
    cid = p.codings(narrative=NID, coder="ana")["coding_id"].iloc[0]
    p.record_response(NID, "agree", about=cid, entered_by="ana")
    explorer = wb.disagreement_explorer(p, narrative=NID, coder="ana")
    assert [v["stance"] for v in explorer.voices] == ["agree"]
    assert all(lane["coder"] != "narrator:R01" for lane in explorer.lanes)
