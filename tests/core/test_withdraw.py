"""Withdrawal removes a story and everything anchored to it from the folder (issue 8, core part)."""

from __future__ import annotations

import pytest

import workbench as wb
from workbench import errors

MARKER = "Quillonbright Harbour"


def all_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_withdraw_leaves_no_trace_of_the_story(project):
    nid = project.add_narrative(f"I grew up near {MARKER}. The group there held me.", title="By the harbour",
                                narrator="R99")
    text = project.text(nid)
    start = text.index(MARKER)
    cid = project.code(nid, start, start + len(MARKER), "reciprocity", coder="ana", note=f"about {MARKER}")
    project.annotate(cid, f"still {MARKER}", coder="ana")
    project.code(nid, 0, 10, "barriers", coder="ben")
    project.memo(f"Memo on {MARKER}", coder="ana", narrative=nid)
    project.memo("Memo on a coding", coder="chipo", coding=cid)
    keep = project.narratives.id[0]
    project.code(keep, 0, 4, "reciprocity", coder="ana")
    project.memo("A memo on the other story", coder="ana", narrative=keep)

    project.withdraw(nid, reason="narrator asked")
    blob = all_bytes(project.path)
    for needle in (MARKER, "harbour", "The group there held me", nid, "Memo on a coding"):
        assert needle.encode() not in blob, needle
    assert list(project.narratives["id"]) == [keep]
    assert len(project.codings()) == 1 and len(project.memos()) == 1
    assert list(project.withdrawals()["reason"]) == ["narrator asked"]
    reopened = wb.open_project(project.path)
    assert len(reopened.codings()) == 1
    assert nid not in set(reopened.history()["narrative_id"].dropna())
    with pytest.raises(errors.ConsentError, match="withdrawn"):
        reopened.code(nid, 0, 3, "reciprocity", coder="ana")
    with pytest.raises(errors.ConsentError):
        reopened.text(nid)


def test_withdraw_unknown_story(project):
    with pytest.raises(errors.UnknownNarrativeError):
        project.withdraw("no-such-story", reason="x")


def test_consent_states(project):
    nid = project.narratives.id[0]
    project.set_consent(nid, "restricted")
    assert project.narratives.set_index("id").loc[nid, "consent"] == "restricted"
    with pytest.raises(errors.ConsentError, match="one of"):
        project.set_consent(nid, "maybe")
    project.set_consent(nid, "withdrawn")
    assert project.narratives.empty


def test_withdraw_scrubs_codebook_texts_that_quote_the_story(project):
    nid = project.add_narrative(f"We met at {MARKER} every Thursday. Nobody was the expert there.",
                                title="Thursdays")
    project.codebook.add("no experts", example="Nobody was the expert there.", coder="ana",
                         rationale=f"from the story at {MARKER} every Thursday.")
    project.withdraw(nid, reason="asked by narrator")
    blob = all_bytes(project.path)
    assert b"Nobody was the expert there" not in blob and MARKER.encode() not in blob
    assert "no experts" in project.codebook


def test_pseudonyms_reach_attributes_on_import(project, tmp_path):
    import pandas as pd

    names = tmp_path / "private" / "names.csv"
    names.parent.mkdir()
    names.write_text("real,pseudonym\nMaria Lopez,Rosa Vale\n", encoding="utf-8")
    names.chmod(0o600)
    pd.DataFrame({"title": ["Key work"], "text": ["Maria Lopez sat with me."],
                  "keyworker": ["Maria Lopez"]}).to_csv(tmp_path / "in.csv", index=False)
    project.import_narratives(tmp_path / "in.csv", pseudonyms=names, progress=False)
    row = project.narratives.set_index("title").loc["Key work"]
    assert row["keyworker"] == "Rosa Vale"
    assert b"Maria Lopez" not in all_bytes(project.path)
