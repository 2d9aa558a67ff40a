"""A codebook people govern together: proposals, endorsements by other people (other processes), the rule."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import workbench as wb
from workbench.errors import CodebookError

VOICE = Path(__file__).with_name("_voice.py")


def voice(project: wb.Project, coder: str, *args: str) -> str:
    """Run one coder's action in a process of its own; its printed answer."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(wb.__file__).parents[1]),
                                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(VOICE), str(project.path), coder, *args], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_open_is_the_default_and_a_rename_follows_into_other_codes(sample: wb.Project) -> None:
    assert sample.codebook.governance == {"mode": "open"}
    before = sample.codebook.to_frame().set_index("name")
    fields = ["description", "include", "exclude", "example"]
    # the sample's texts still say "pull back to the known", the code's name before ben renamed it
    citing = [n for n, row in before.iterrows() if "pull back to the known" in " ".join(row[fields])]
    assert sample.codebook.rename("pull of the known", "the known pulls back", rationale="plainer", coder="ana") is None
    after = sample.codebook.to_frame().set_index("name")
    assert "the known pulls back" in after.index
    texts = " ".join(after[fields].to_numpy().ravel())
    assert "pull of the known" not in texts and "pull back to the known" not in texts
    assert "consider the known pulls back" in texts
    history = sample.codebook.history()
    follows = history[history["rationale"].str.startswith("follows the rename of pull of the known")]
    assert len(follows) == len(citing) >= 1
    assert set(follows["event"]) == {"edit"} and set(follows["coder"]) == {"ana"}


def test_governance_is_kept_in_workbench_toml(project: wb.Project) -> None:
    project.set_method("codebook")
    project.set_governance("proposals", stewards=["ana"], endorsements=2)
    project.set_method("reflexive")  # a top-level key still lands before the [governance] table
    meta = tomllib.loads((project.path / "workbench.toml").read_text(encoding="utf-8"))
    assert meta["method"] == "reflexive"
    assert meta["governance"] == {"mode": "proposals", "stewards": ["ana"], "endorsements": 2}
    assert wb.open_project(project.path).codebook.governance["stewards"] == ["ana"]
    with pytest.raises(CodebookError, match="name the rule"):
        project.set_governance("proposals")
    with pytest.raises(CodebookError, match="'open' or 'proposals'"):
        project.set_governance("vote")
    project.set_governance("open")
    assert wb.open_project(project.path).codebook.governance == {"mode": "open"}


def test_a_proposal_endorsed_by_another_process_takes_effect(project: wb.Project) -> None:
    project.set_governance("proposals", endorsements=1)
    project.add_narrative("We took turns listening.", title="Turns")
    cid = project.code("turns", 0, 7, "reciprocity", coder="ana")
    with pytest.raises(CodebookError, match="give the reason"):
        project.codebook.rename("reciprocity", "mutuality", coder="ana")
    pid = voice(project, "ana", "propose-rename", "reciprocity", "mutuality", "the paper's word")
    project.refresh()
    assert "reciprocity" in project.codebook and "mutuality" not in project.codebook  # not yet
    pending = project.codebook.proposals()
    assert pending[["proposal_id", "summary", "proposed_by", "status"]].values.tolist() == [
        [pid, "rename reciprocity -> mutuality", "ana", "pending"]]
    assert voice(project, "ben", "endorse", pid, "yes, it is the word our group uses") == "applied"
    project.refresh()
    assert "mutuality" in project.codebook and "reciprocity" not in project.codebook
    assert project.coding(cid)["code"] == "mutuality"  # codings follow, as after any rename
    assert project.codebook.proposals().empty
    proposal = project.codebook.proposal(pid)
    assert proposal.endorsements == {"ben": "yes, it is the word our group uses"}
    assert proposal.applied_by == "ben"
    history = project.codebook.history()
    rows = history[history["detail"].str.contains(pid)]
    assert rows["event"].tolist() == ["propose", "endorse", "rename"]
    assert rows["coder"].tolist() == ["ana", "ben", "ana"]  # the change is the proposer's, put into effect by ben
    assert "put into effect by ben" in rows["detail"].iloc[-1]
    assert (rows["rationale"].iloc[[0, 2]] == "the paper's word").all()
    yaml_text = (project.path / "codebook.yaml").read_text(encoding="utf-8")
    assert "mutuality" in yaml_text


def test_objections_weigh_against_endorsements_and_stewards_decide(project: wb.Project) -> None:
    project.set_governance("proposals", stewards=["chipo"], endorsements=2)
    pid = voice(project, "ana", "propose-rename", "barriers", "obstacles", "plainer")
    assert voice(project, "ben", "endorse", pid, "plainer is better") == "pending"
    assert voice(project, "dee", "object", pid, "barriers names the system, obstacles sounds personal") == "pending"
    assert voice(project, "eli", "endorse", pid, "fine by me") == "pending"  # 2 endorse, 1 objects: not yet
    project.refresh()
    assert "barriers" in project.codebook
    assert project.codebook.proposals()["objected_by"].tolist() == ["dee"]
    assert voice(project, "chipo", "endorse", pid, "heard Dee; we keep a note of it") == "applied"  # a steward
    project.refresh()
    assert "obstacles" in project.codebook
    with pytest.raises(CodebookError, match="only a pending one"):
        project.codebook.object(pid, "dee", "still no")


def test_two_processes_endorsing_at_once_apply_it_once(project: wb.Project) -> None:
    project.set_governance("proposals", endorsements=2)
    pid = project.codebook.add("care at night", rationale="night calls keep coming up", coder="ana").proposal_id
    env = {**os.environ, "PYTHONPATH": str(Path(wb.__file__).parents[1])}
    procs = [subprocess.Popen([sys.executable, str(VOICE), str(project.path), who, "endorse", pid, f"{who} agrees"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for who in ("ben", "chipo")]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    reopened = wb.open_project(project.path)
    assert reopened.codebook.proposal(pid).status == "applied"
    assert reopened.codebook.names.count("care at night") == 1
    adds = reopened.codebook.history().query("event == 'add' and code == 'care at night'")
    assert len(adds) == 1


def test_withdrawn_and_stale_proposals(project: wb.Project) -> None:
    project.set_governance("proposals", endorsements=1)
    first = project.codebook.rename("barriers", "obstacles", rationale="plainer", coder="ana")
    second = project.codebook.rename("barriers", "hurdles", rationale="livelier", coder="ben")
    with pytest.raises(CodebookError, match="Only 'ana'"):
        project.codebook.withdraw_proposal(first.proposal_id, "ben")
    project.codebook.endorse(first.proposal_id, "chipo", "yes")
    assert project.codebook.endorse(second.proposal_id, "chipo", "this too").status == "applied"  # renames again
    assert project.codebook.names[-1] == "hurdles"
    third = project.codebook.add("walls", rationale="what blocks", coder="ben")
    fourth = project.codebook.add("walls", rationale="what shuts out", coder="ana")  # both pending at once
    assert project.codebook.endorse(third.proposal_id, "ana", "ok").status == "applied"
    late = project.codebook.endorse(fourth.proposal_id, "ben", "ok")
    assert late.status == "could not apply: a code 'walls' exists already"
    fifth = project.codebook.retire("reciprocity", rationale="vague", coder="ana")
    assert project.codebook.withdraw_proposal(fifth.proposal_id, "ana", "no").status == "withdrawn"
    assert "reciprocity" in project.codebook


def test_an_endorsement_stamped_before_its_proposal_still_counts(project: wb.Project) -> None:
    """A clock behind on another machine: the endorsement's time is earlier than the proposal's."""
    project.set_governance("proposals", endorsements=1)
    pid = project.codebook.retire("barriers", rationale="folded into others", coder="ana").proposal_id
    proposed_at = project.codebook.proposal(pid).proposed_at
    early = proposed_at.replace(proposed_at[:4], str(int(proposed_at[:4]) - 1), 1)
    line = ('{"event":"endorse","proposal_id":"%s","text":"agreed, on a laptop whose clock is wrong",'
            '"coder":"ben","at":"%s","seq":0}\n' % (pid, early))
    (project.path / "events" / "codebook" / "ben.jsonl").write_text(line, encoding="utf-8")
    reopened = wb.open_project(project.path)
    assert reopened.codebook.proposal(pid).status == "applied"
    assert "barriers" not in reopened.codebook


def test_a_rule_set_by_another_process_holds_at_once(project: wb.Project) -> None:
    other = wb.open_project(project.path)  # open before the team switched to proposals
    project.set_governance("proposals", stewards=["ana"])
    proposal = other.codebook.rename("barriers", "obstacles", rationale="plainer", coder="ben")
    assert proposal is not None and proposal.status == "pending"
    assert "barriers" in wb.open_project(project.path).codebook
