"""The theme layer's event rules (issue 12): renames, merges, splits, phases back and forth, codes followed,
negative cases kept, group-owned themes, two coders at once in separate processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import workbench as wb
from workbench.errors import WorkbenchError

WRITER = Path(__file__).with_name("_theme_writer.py")


def _lines(project, coder):
    log = project.path / "events" / "themes" / f"{coder}.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_add_phase_back_and_forth_with_reasons(project):
    t = project.themes.add("making room", definition="both give", codes=["reciprocity", "relational safety"],
                           coder="ana", idea="no fixed helper")
    project.themes.set_phase(t, "reviewed", rationale="checked against every story", coder="ana")
    project.themes.set_phase(t, "defined", coder="ben")
    with pytest.raises(WorkbenchError, match="needs a reason"):
        project.themes.set_phase(t, "candidate", coder="ben")
    with pytest.raises(WorkbenchError, match="phase must be one of"):
        project.themes.set_phase(t, "final", coder="ben")
    project.themes.set_phase(t, "candidate", coder="ben", rationale="the night-shift stories contradict it")
    frame = wb.open_project(project.path).themes.to_frame()
    assert frame.loc[0, "phase"] == "candidate" and frame.loc[0, "codes"] == ["reciprocity", "relational safety"]
    history = project.themes.history()
    phases = history[history["event"] == "phase"]
    assert phases["detail"].tolist() == ["candidate -> reviewed", "reviewed -> defined", "defined -> candidate"]
    assert phases["coder"].tolist() == ["ana", "ben", "ben"]
    assert phases["rationale"].iloc[-1] == "the night-shift stories contradict it"
    assert [e["event"] for e in _lines(project, "ben")] == ["phase", "phase"]  # who changed it writes it


def test_code_renames_and_merges_are_followed(project):
    project.themes.add("safety", codes=["reciprocity", "relational safety"], coder="ana")
    project.codebook.rename("reciprocity", "mutual help", coder="ben")
    assert project.themes.to_frame()["codes"][0] == ["mutual help", "relational safety"]
    project.codebook.merge(["relational safety"], into="mutual help", coder="ben")
    reopened = wb.open_project(project.path)
    assert reopened.themes.to_frame()["codes"][0] == ["mutual help"]
    assert "reciprocity" in _lines(project, "ana")[0]["codes"]  # the event keeps the id, nothing rewritten


def test_rename_merge_split_discard_reinstate(project):
    themes = project.themes
    themes.add("belonging", codes=["reciprocity"], coder="ana")
    themes.add("being expected", codes=["relational safety"], coder="ben")
    themes.rename("belonging", "a place kept", coder="ana", rationale="their words")
    with pytest.raises(WorkbenchError, match="now called 'a place kept'"):
        themes.lookup("belonging")
    with pytest.raises(WorkbenchError, match="already a theme"):
        themes.add("A place  kept", coder="ben")
    into = themes.merge(["a place kept", "being expected"], into="held in mind", coder="ana", rationale="same idea")
    assert into == "held in mind" and themes.names == ["held in mind"]
    assert themes.to_frame()["codes"][0] == ["reciprocity", "relational safety"]
    with pytest.raises(WorkbenchError, match="merged into 'held in mind'"):
        themes.lookup("being expected")
    parts = themes.split("held in mind", {"giving back": ["reciprocity"],
                                          "feeling safe": {"codes": ["relational safety"], "definition": "safe"}},
                         coder="ben", rationale="two ideas after all")
    assert parts == ["giving back", "feeling safe"] and themes.names == ["giving back", "feeling safe"]
    assert themes.to_frame().set_index("name").loc["feeling safe", "definition"] == "safe"
    themes.discard("giving back", coder="ana", rationale="thin")
    themes.reinstate("giving back", coder="ben", rationale="three more stories")
    assert wb.open_project(project.path).themes.names == ["giving back", "feeling safe"]
    events = themes.history()["event"].tolist()
    assert events == ["add", "add", "rename", "add", "merge", "add", "add", "split", "discard", "reinstate"]


def test_passages_negative_cases_and_removal(project):
    nid = project.narratives.id[0]
    cid = project.code(nid, 0, 20, "reciprocity", coder="ana")
    project.themes.add("belonging", coder="group:tuesday")
    picked = project.themes.add_passages("belonging", [cid, (nid, 30, 50), {"narrative": nid, "start": 60, "end": 70}],
                                         coder="ana")
    project.themes.add_negative_cases("belonging", [(nid, 80, 100)], coder="ben", note="she felt a guest")
    with pytest.raises(WorkbenchError, match="does not fit|outside"):
        project.themes.add_passages("belonging", [(nid, 0, 10_000)], coder="ana")
    with pytest.raises(WorkbenchError, match="coding"):
        project.themes.add_passages("belonging", ["no-such-coding"], coder="ana")
    frame = project.themes.to_frame()
    assert frame.loc[0, ["passages", "negative_cases", "owner"]].tolist() == [3, 1, "group:tuesday"]
    project.themes.remove_passages("belonging", [cid, picked[1]], coder="ana", rationale="off")
    passages = wb.open_project(project.path).themes.passages("belonging")
    assert passages["negative"].tolist() == [False, True]
    assert passages.loc[1, "note"] == "she felt a guest"


def test_theme_memos_and_bad_input_writes_nothing(project):
    project.themes.add("belonging", coder="ana")
    project.themes.write_memo("belonging", "Belonging is being expected.", coder="ana")
    assert project.themes.memos()["text"].tolist() == ["Belonging is being expected."]
    before = (project.path / "events" / "themes" / "ana.jsonl").read_bytes()
    for bad in (lambda: project.themes.add("", coder="ana"),
                lambda: project.themes.add("x", codes=["no such code"], coder="ana"),
                lambda: project.themes.edit("belonging", coder="ana", phase="y"),
                lambda: project.themes.write_memo("belonging", "  ", coder="ana"),
                lambda: project.themes.add("y", coder="../x")):
        with pytest.raises(WorkbenchError):
            bad()
    assert (project.path / "events" / "themes" / "ana.jsonl").read_bytes() == before


def test_two_coders_at_once_in_separate_processes(project):
    project.themes.add("shared", coder="setup")
    procs = [subprocess.Popen([sys.executable, str(WRITER), str(project.path), coder, "15"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for coder in ("ana", "ben")]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "done" in out, err
    frame = project.refresh().themes.to_frame()
    assert len(frame) == 31
    assert (frame[frame["name"] != "shared"]["phase"] == "reviewed").all()
    assert frame.set_index("name").loc["shared", "passages"] == 30
    notes = set(project.themes.passages("shared")["note"])
    assert notes == {f"{c} {i}" for c in ("ana", "ben") for i in range(15)}


def test_a_withdrawn_story_leaves_the_theme_logs(sample):
    nid = "kitchen-table"
    cid = sample.codings(narrative=nid)["coding_id"].iloc[0]
    sample.themes.add("belonging", definition="", coder="ana")
    sample.themes.add_passages("belonging", [cid, (nid, 0, 30), ("arroz-con-pollo", 0, 30)], coder="ana")
    sample.themes.write_memo("belonging", "Said: " + sample.text(nid)[:60], coder="ana")
    sample.withdraw(nid, reason="asked")
    log = (sample.path / "events" / "themes" / "ana.jsonl").read_text()
    assert nid not in log and cid not in log
    assert sample.themes.passages("belonging")["narrative_id"].tolist() == ["arroz-con-pollo"]
    assert "[removed" in sample.themes.memos()["text"][0]
    with pytest.raises(WorkbenchError, match="withdrawn"):
        sample.themes.add_passages("belonging", [(nid, 0, 5)], coder="ana")


def test_method_switch(project, sample):
    assert project.method == "reflexive"  # a new project
    assert sample.method == "codebook"  # the sample names it
    toml = project.path / "workbench.toml"
    toml.write_text("".join(line for line in toml.read_text().splitlines(keepends=True)
                            if not line.startswith("method")))
    assert wb.open_project(project.path).method == "codebook"  # a project made before methods names none
    sample.set_method("coding-reliability")
    assert wb.open_project(sample.path).method == "coding-reliability"
    assert 'name = "Peer stories (sample)"' in (sample.path / "workbench.toml").read_text()
    with pytest.raises(WorkbenchError, match="method must be one of"):
        sample.set_method("grounded")


def test_two_people_name_a_theme_alike_at_once(project):
    # as when two processes add "belonging" at the same moment: two themes, neither overwritten
    project.themes.add("belonging", codes=["reciprocity"], coder="ana")
    log = project.path / "events" / "themes" / "ana.jsonl"
    first = json.loads(log.read_text().splitlines()[0])
    twin = {**first, "theme_id": "belonging-abcdef", "codes": ["barriers"]}
    (project.path / "events" / "themes" / "ben.jsonl").write_text(json.dumps(twin) + "\n")
    p = wb.open_project(project.path)
    assert p.themes.to_frame()["name"].tolist() == ["belonging", "belonging"]
    with pytest.raises(WorkbenchError, match="Two people named a theme 'belonging' at once"):
        p.themes.set_phase("belonging", "reviewed", coder="ana")
    p.themes.rename("belonging-abcdef", "belonging, as barriers", coder="ben", rationale="two readings")
    assert p.themes.lookup("belonging").codes == ["reciprocity"]
    assert p.themes.unplaced_codes() == ["principles", "relational safety"]
