"""Narrators' answers and consent history: recorded as the narrator's, never a coder's; in REFI-QDA notes and
the findings; gone with a withdrawal."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import workbench as wb
from workbench.errors import WorkbenchError
from workbench.exchange.refi_write import validate
from workbench.names import counted_coders

NID = "kitchen-table"
ANSWER = "It was not help, it was company at three in the morning."
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture
def sample(tmp_path: Path) -> wb.Project:
    return wb.sample_project(copy_to=tmp_path / "sample")


def first_coding(p: wb.Project, nid: str = NID, coder: str = "ana") -> str:
    return p.codings(narrative=nid, coder=coder)["coding_id"].iloc[0]


def test_answers_are_the_narrators_own_and_checked(sample: wb.Project) -> None:
    p = sample
    cid = first_coding(p)
    rid = p.record_response(NID, "disagree", about=cid, text=ANSWER, entered_by="ana")
    p.record_response(NID, "agree", entered_by="ben", via="conversation")
    log = p.path / "events" / "narrators" / "narrator%3AR01.jsonl"
    assert log.exists() and ANSWER in log.read_text(encoding="utf-8")
    answers = wb.open_project(p.path).responses(NID)  # read back from disk by another opener
    assert answers["response_id"].iloc[0] == rid
    row = answers.iloc[0]
    assert (row["narrator"], row["about"], row["coding_id"], row["coder"], row["stance"], row["entered_by"]) == \
        ("narrator:R01", "coding", cid, "ana", "disagree", "ana")
    assert row["code"] == p.coding(cid)["code"]
    assert answers["about"].iloc[1] == "story"
    assert not answers.isna().any().any()
    other = first_coding(p, "night-shift")
    with pytest.raises(WorkbenchError, match="another story"):
        p.record_response(NID, "agree", about=other, entered_by="ana")
    with pytest.raises(WorkbenchError, match="stance"):
        p.record_response(NID, "maybe", entered_by="ana")
    with pytest.raises(WorkbenchError, match="needs the narrator's words"):
        p.record_response(NID, "add", entered_by="ana")
    assert len(p.responses(NID)) == 2  # nothing written by the refused ones


def test_answer_about_a_theme(sample: wb.Project) -> None:
    p = sample
    p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    p.record_response(NID, "add", about="making room for each other", text="And for quiet.", entered_by="ana")
    p.themes.rename("making room for each other", "room for each other", coder="ana", rationale="shorter")
    assert p.responses(NID)["theme"].tolist() == ["room for each other"]
    with pytest.raises(WorkbenchError, match="neither a coding"):
        p.record_response(NID, "agree", about="no such theme", entered_by="ana")


def test_narrators_never_count_as_coders_in_agreement(sample: wb.Project) -> None:
    p = sample
    before = wb.agreement.unit_agreement(p, unit="paragraph")
    cid = first_coding(p)
    p.record_response(NID, "disagree", about=cid, text=ANSWER, entered_by="ana")
    row = p.coding(cid)
    p.code(NID, int(row["start"]), int(row["end"]), row["code"], coder="narrator:R01")  # even a narrator's mark
    assert "narrator:R01" not in counted_coders(p.codings()["coder"].unique(), groups=True, machines=True)
    after = wb.agreement.unit_agreement(p, unit="paragraph")
    assert after.equals(before)
    assert wb.agreement.disagreements(p).equals(wb.agreement.disagreements(p, coders=["ana", "ben", "chipo"]))


def test_answers_in_refi_notes_valid_against_the_schema(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    cid = first_coding(p)
    p.record_response(NID, "disagree", about=cid, text=ANSWER, entered_by="ana")
    p.record_response(NID, "add", text="You missed my sister.", entered_by="ana")
    private = "night-shift"
    p.set_consent(private, "restricted", by="ana", reason="asked not to be quoted")
    p.record_response(private, "comment", text="Secret words of a restricted narrator.", entered_by="ana")
    path = wb.exchange.export_qdpx(p, tmp_path / "team.qdpx")
    assert validate(path) == []
    with zipfile.ZipFile(path) as zf:
        qde = etree.fromstring(zf.read("project.qde"))
    notes = {n.get("guid"): n for n in qde.iterfind(".//q:Notes/q:Note", NS)}
    answers = [n for n in notes.values() if (n.get("name") or "").startswith("Answer from narrator:")]
    assert len(answers) == 3
    texts = [n.findtext("q:PlainTextContent", namespaces=NS) for n in answers]
    assert ANSWER in texts and "You missed my sister." in texts
    assert not any("Secret words" in (t or "") for t in texts)
    described = [n.findtext("q:Description", namespaces=NS) for n in answers]
    assert any("disagrees with ana's reading" in d for d in described)
    refs = {r.get("targetGUID") for r in qde.iterfind(".//q:PlainTextSelection/q:Coding/q:NoteRef", NS)}
    assert any(g in refs for g, n in notes.items() if n.findtext("q:PlainTextContent", namespaces=NS) == ANSWER)
    users = {u.get("name") for u in qde.iterfind(".//q:Users/q:User", NS)}
    assert not any(u.startswith("narrator:") for u in users)


def test_answers_in_findings_where_the_narrator_consented(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    p.record_response(NID, "disagree", about=first_coding(p), text=ANSWER, entered_by="ana")
    p.set_consent("night-shift", "restricted", by="ana")
    p.record_response("night-shift", "comment", text="Secret words of a restricted narrator.", entered_by="ana")
    text = wb.exchange.export_findings(p, tmp_path / "findings.md").read_text(encoding="utf-8")
    assert "What narrators said about our reading" in text and ANSWER in text
    assert "Secret words" not in text and "1 answer from narrators with restricted consent" in text


def test_consent_history_and_overview(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    p.set_consent(NID, "restricted", by="ana", reason="asked not to be quoted, 3 May")
    p.set_consent(NID, "given", by="ben", reason="read the draft and agreed, 9 June")
    p.set_consent(NID, "return requested", by="ana", reason="asked to see the reading")
    history = p.consent_history(NID)
    assert history[["state", "by"]].values.tolist() == [["restricted", "ana"], ["given", "ben"],
                                                        ["return requested", "ana"]]
    assert history["reason"].iloc[0] == "asked not to be quoted, 3 May" and set(history["narrator"]) == {"narrator:R01"}
    assert p.narratives.set_index("id").loc[NID, "consent"] == "given"  # a request is not a consent value
    overview = p.consent_overview().set_index("narrative_id")
    assert bool(overview.loc[NID, "return_requested"]) and overview.loc[NID, "returned"] == ""
    wb.exchange.story_return(p, NID, tmp_path / "back.html", by="ana")
    p.record_response(NID, "agree", entered_by="ana")
    overview = p.consent_overview().set_index("narrative_id")
    assert not bool(overview.loc[NID, "return_requested"]) and overview.loc[NID, "returned"] != ""
    assert overview.loc[NID, "answers"] == 1 and overview.loc[NID, "last_change"].startswith("return requested")
    assert not overview.isna().any().any() and len(overview) == len(p.narratives)
    with pytest.raises(WorkbenchError, match="consent must be one of"):
        p.set_consent(NID, "maybe", by="ana")


def test_withdrawal_leaves_no_trace_of_the_narrators_voice(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    p.set_consent(NID, "restricted", by="ana", reason="first step")
    p.record_response(NID, "disagree", about=first_coding(p), text=ANSWER, entered_by="ana")
    p.record_response("night-shift", "agree", entered_by="ana")
    p.set_consent(NID, "withdrawn", by="ana", reason="narrator asked on 3 May")
    folder = p.path / "events" / "narrators"
    assert not (folder / "narrator%3AR01.jsonl").exists()  # R01 told only this story
    assert (folder / "narrator%3AR02.jsonl").exists()
    found = subprocess.run(["grep", "-rl", "company at three", str(p.path)], capture_output=True, text=True)
    assert found.stdout == ""
    assert len(p.responses()) == 1 and NID not in set(p.consent_history()["narrative_id"])
    assert p.withdrawals()["by"].tolist() == ["ana"]
    with pytest.raises(WorkbenchError):
        p.record_response(NID, "agree", entered_by="ana")


def test_answers_reach_another_process(sample: wb.Project) -> None:
    p = sample
    code = (f"import workbench as wb; p = wb.open_project({str(p.path)!r}); "
            f"p.record_response({NID!r}, 'comment', text='from elsewhere', entered_by='ben')")
    subprocess.run([sys.executable, "-c", code], check=True, env=None)
    assert p.responses(NID)["text"].tolist() == ["from elsewhere"]


def test_answers_counted_as_a_voice_of_their_own(sample: wb.Project) -> None:
    p = sample
    cid = first_coding(p)
    code = p.coding(cid)["code"]
    p.record_response(NID, "disagree", about=cid, text=ANSWER, entered_by="ana")
    p.record_response(NID, "add", text="You missed the cat.", entered_by="ana")
    p.set_consent("night-shift", "restricted", by="ana")
    p.record_response("night-shift", "agree", about=first_coding(p, "night-shift"), text="Yes, exactly that.",
                      entered_by="ana")
    by_code = wb.analysis.narrator_answers(p).set_index("code")
    assert by_code.loc[code, "disagree"] == 1 and by_code.loc["(the whole story)", "add"] == 1
    assert by_code["answers"].sum() == 3 and not by_code.isna().any().any()
    by_coder = wb.analysis.narrator_answers(p, by="coder").set_index("coder")
    assert by_coder.loc["ana", "answers"] == 2 and by_coder.loc["ana", "narrators"] == 2
    words = wb.analysis.narrator_words(p)
    assert ANSWER in set(words["answer"]) and "Yes, exactly that." not in set(words["answer"])
    assert "[restricted]" in set(words["answer"])
    with pytest.raises(WorkbenchError, match="by must be one of"):
        wb.analysis.narrator_answers(p, by="colour")


def test_answers_come_back_from_a_workbench_qdpx(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    cid = first_coding(p)
    p.record_response(NID, "disagree", about=cid, text=ANSWER, entered_by="ana")
    p.record_response(NID, "agree", entered_by="ana")
    p.record_response(NID, "add", text="You missed the cat.", entered_by="ana")
    back = wb.import_qdpx(wb.exchange.export_qdpx(p, tmp_path / "team.qdpx"), into=tmp_path / "back")
    answers = back.responses(NID)
    assert answers[["narrator", "about", "stance", "text"]].values.tolist() == [
        ["narrator:R01", "coding", "disagree", ANSWER], ["narrator:R01", "story", "agree", ""],
        ["narrator:R01", "story", "add", "You missed the cat."]]
    assert back.coding(answers["coding_id"].iloc[0])["text"] == p.coding(cid)["text"]
    assert not back.memos()["text"].str.contains("You missed the cat").any()
