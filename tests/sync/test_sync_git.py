"""Two clones and a bare remote, with real git: both sides work, sync in either order, and end the same."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import workbench as wb
from workbench.errors import WorkbenchError


def git(folder: Path, *args: str) -> str:
    """Run git in *folder* and return its output (the test fails on an error)."""
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout


NEW_A = "Ana's new story: we met at the allotment and planted beans together, each teaching the other."
NEW_B = "Ben's new story: the bus was late, so we walked, and on the way we talked about fear and hope."


def _project_files(folder: Path) -> dict[str, bytes]:
    """Every file git would share (the folder's own files, without .git, caches and locks)."""
    listed = git(folder, "ls-files").split()
    return {name: (folder / name).read_bytes() for name in listed}


def _work(a: wb.Project, b: wb.Project) -> dict:
    """Both sides code, memo, rename and merge codes, add stories; ana withdraws a story ben codes.

    Returns the story withdrawn and the ids of the new codings that must survive.
    """
    doomed = "kitchen-table"
    kept = [a.code("night-shift", 0, 30, "reciprocity", coder="ana", note="ana's note on the night shift")]
    a.memo("ana's reflexive memo after the sync meeting", coder="ana", narrative="night-shift")
    a.codebook.rename("reciprocity", "full reciprocity", rationale="the paper's words", coder="ana")
    a.add_narrative(NEW_A, title="Allotment", id="allotment")
    kept.append(a.code("allotment", 0, 20, "full reciprocity", coder="ana"))
    kept.append(b.code("night-shift", 10, 50, "reciprocity", coder="ben", note="ben's note on the night shift"))
    b.code(doomed, 0, 25, "reciprocity", coder="ben", note="ben-secret-note-on-the-withdrawn-story")
    b.memo("ben's memo on the withdrawn story", coder="ben", narrative=doomed)
    names = b.codebook.names
    b.codebook.merge([names[-1]], into=names[-2], rationale="the same thing for us", coder="ben")
    b.add_narrative(NEW_B, title="Late bus", id="late-bus")
    kept.append(b.code("late-bus", 0, 20, "reciprocity", coder="ben"))
    a.withdraw(doomed, reason="narrator asked", by="ana")
    return {"doomed": doomed, "kept": set(kept)}


@pytest.mark.parametrize("first", ["ana", "ben"])
def test_two_clones_sync_to_the_same_project(team, first, tmp_path):
    a, b, remote = team
    original = a.codings()
    facts = _work(a, b)
    order = [a, b] if first == "ana" else [b, a]
    results = [p.sync(coder=p.path.name, progress=False) for _ in range(2) for p in order]
    if first == "ana":  # ben's unsent work carried the story ana withdrew: rebuilt without it, and said so
        assert results[1].rebuilt_own_commits and "withdrawn" in str(results[1])
        assert results[1].purged == 1
    files_a, files_b = _project_files(a.path), _project_files(b.path)
    assert files_a == files_b  # the same events, stories, codebook.yaml and narratives.csv
    for p in (a, b):
        assert git(p.path, "status", "--porcelain") == ""
        assert (p.path / "codebook.yaml").read_text(encoding="utf-8") == p.codebook.to_yaml()
    codings = a.refresh().codings()
    expected = set(original[original.narrative_id != facts["doomed"]]["coding_id"]) | facts["kept"]
    assert codings["coding_id"].is_unique and set(codings["coding_id"]) == expected  # none lost, none twice
    assert set(b.refresh().codings()["coding_id"]) == expected
    assert {"ana's note on the night shift", "ben's note on the night shift"} <= set(codings["note"].dropna())
    for p in (a, b):
        assert facts["doomed"] not in set(p.narratives.id)
        assert not (p.path / "narratives" / f"{facts['doomed']}.txt").exists()
        assert {"allotment", "late-bus"} <= set(p.narratives.id)
        assert "full reciprocity" in p.codebook.names
    secret = "ben-secret-note-on-the-withdrawn-story"
    assert not git(remote, "ls-tree", "-r", "HEAD", "--", "narratives/kitchen-table.txt")
    assert secret not in git(remote, "show", "HEAD:events/codings/ben.jsonl")
    if first == "ana":  # withdrawn before ben synced: his codings of it never reached the remote, nor its history
        assert secret not in git(remote, "log", "--all", "-p")
    # a third clone made afterwards opens to the same project
    c = wb.sync.clone(str(remote), tmp_path / "chipo", progress=False)
    assert _project_files(c.path) == files_a
    assert git(c.path, "status", "--porcelain") == ""
    assert set(c.codings()["coding_id"]) == set(codings["coding_id"])


def _fresh_pair(tmp_path: Path, tag: str) -> tuple[wb.Project, wb.Project]:
    remote = tmp_path / f"{tag}.git"
    a = wb.create_project(tmp_path / f"{tag}-a", name="Codebook clash")
    a.codebook.add("reciprocity", coder="ana")
    a.codebook.add("mutuality", coder="ana")
    wb.sync.share(a, str(remote), coder="ana", progress=False)
    return a, wb.sync.clone(str(remote), tmp_path / f"{tag}-b", progress=False)


def _clash(a: wb.Project, b: wb.Project) -> None:
    """Both rename one code at once; ben merges it while ana renames the other."""
    a.codebook.rename("reciprocity", "give and take", rationale="ana's words", coder="ana")
    b.codebook.rename("reciprocity", "full reciprocity", rationale="ben's words", coder="ben")
    a.codebook.rename("mutuality", "mutual aid", rationale="plainer", coder="ana")
    b.codebook.merge(["mutuality"], into="full reciprocity", rationale="one idea", coder="ben")


def test_conflicting_codebook_changes_fold_the_same_whichever_syncs_first(tmp_path):
    results = []
    for first in ("a", "b"):
        a, b = _fresh_pair(tmp_path, first)
        _clash(a, b)
        order = [a, b, a] if first == "a" else [b, a, b]
        for p in order:
            p.sync(coder="ana" if p is a else "ben", progress=False)
        assert (a.path / "codebook.yaml").read_bytes() == (b.path / "codebook.yaml").read_bytes()
        for p in (a, b):
            history = p.refresh().codebook.history()
            assert {"ana's words", "ben's words", "one idea", "plainer"} <= set(history["rationale"])  # both sides
        results.append(a.codebook.to_frame(include_inactive=True)[["name", "status", "merged_into", "code_id"]]
                       .to_dict("records"))
    # the same clash folds to the same codebook whoever synced first (times decide, then coder names)
    assert results[0] == results[1]


def test_changes_at_the_same_instant_fold_the_same_in_any_reading_order(tmp_path):
    at = "2026-05-01T10:00:00.000000Z"
    base = [{"event": "add", "code_id": "hope", "name": "hope", "coder": "ana", "at": "2026-05-01T09:00:00Z",
             "seq": 0}]
    ana = {"event": "rename", "code_id": "hope", "from": "hope", "to": "hoping", "coder": "ana", "at": at, "seq": 0}
    ben = {"event": "rename", "code_id": "hope", "from": "hope", "to": "hopes", "coder": "ben", "at": at, "seq": 0}
    p = wb.create_project(tmp_path / "p")
    p.codebook.load_events([*base, dict(ana), dict(ben)])
    first = p.codebook.to_yaml()
    p.codebook.load_events([*base, dict(ben), dict(ana)])
    assert p.codebook.to_yaml() == first and p.codebook.names == ["hopes"]


def test_same_story_id_with_two_texts_is_a_clear_error_and_nothing_is_lost(team):
    a, b, _ = team
    a.add_narrative(NEW_A, title="Allotment", id="new-story")
    a.sync(coder="ana", progress=False)
    b.add_narrative(NEW_B, title="Late bus", id="new-story")
    head = git(b.path, "rev-parse", "HEAD")
    with pytest.raises(WorkbenchError, match=r"new-story.*'Late bus'.*'Allotment'"):
        b.sync(coder="ben", progress=False)
    assert git(b.path, "rev-parse", "HEAD") == head  # nothing committed or merged
    assert b.refresh().text("new-story").startswith("Ben's new story")
    assert a.refresh().text("new-story").startswith("Ana's new story")


def test_a_line_arriving_twice_counts_once(team):
    a, b, _ = team
    line = ('{"event":"coded","id":"twice0000000001","coder":"dee","at":"2026-05-01T10:00:00.000000Z",'
            '"narrative":"night-shift","start":0,"end":9,"code":"reciprocity","code_id":"reciprocity",'
            '"text":"x","note":null}\n')
    for p in (a, b):  # the same coder on two machines wrote the same event (a copied file)
        log = p.path / "events" / "codings" / "dee.jsonl"
        log.write_text(line, encoding="utf-8")
        a.code("night-shift", 5, 15, "reciprocity", coder="ana") if p is a else b.code("night-shift", 6, 16,
                                                                                     "reciprocity", coder="ben")
    for p in (a, b, a):
        p.sync(progress=False, coder=p.path.name)
    for p in (a, b):
        assert (p.path / "events" / "codings" / "dee.jsonl").read_text(encoding="utf-8") == line
        assert (p.refresh().codings()["coding_id"] == "twice0000000001").sum() <= 1


def test_private_material_and_credentials_never_enter_git(team):
    a, _, remote = team
    (a.path / "private").mkdir()
    (a.path / "private" / "names.csv").write_text("real,pseudonym\nMaria,Ana\n", encoding="utf-8")
    (a.path / "my-journal.md").write_text("what I felt today", encoding="utf-8")
    a.code("night-shift", 0, 10, "reciprocity", coder="ana")
    result = a.sync(coder="ana", progress=False)
    assert "1 new coding from ana" in str(result)
    shared = git(remote, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert not [name for name in shared if "private" in name or "journal" in name]
    assert "Maria" not in git(remote, "log", "--all", "-p")
    with pytest.raises(WorkbenchError, match="holds a password"):
        wb.sync.share(wb.sample_project(copy_to=a.path.parent / "other"), "https://ana:s3cret@example.org/x.git")
    assert "s3cret" not in (a.path.parent / "other" / ".git" / "config").read_text() \
        if (a.path.parent / "other" / ".git").exists() else True
    assert git(a.path, "config", "user.email").strip() == "ana@workbench.invalid"  # a placeholder, this repo only


def test_status_and_the_commands(team, capsys):
    from workbench.cli import main

    a, b, remote = team
    assert main(["sync", str(a.path), "--status"]) == 0
    assert "in sync" in capsys.readouterr().out
    b.code("night-shift", 0, 10, "reciprocity", coder="ben")
    assert main(["sync", str(b.path), "--status"]) == 0
    assert "not yet committed: events/codings/ben.jsonl" in capsys.readouterr().out
    assert main(["sync", str(b.path), "--coder", "ben"]) == 0
    assert "yours are on the remote (1 new coding from ben)" in capsys.readouterr().out
    assert main(["sync", str(a.path), "--status"]) == 0
    assert "1 commit to take in" in capsys.readouterr().out
    assert main(["sync", str(a.path)]) == 0
    assert "1 new coding from ben" in capsys.readouterr().out
    assert main(["clone", str(remote), str(a.path.parent / "dee")]) == 0
    assert "Copied" in capsys.readouterr().out


def test_one_attribute_changed_on_both_sides_is_an_error_naming_both_values(team):
    a, b, _ = team
    a.set_attributes("night-shift", setting="online group")
    a.sync(coder="ana", progress=False)
    b.set_attributes("night-shift", setting="hospital ward")
    with pytest.raises(WorkbenchError, match=r"night-shift.*'setting'.*'hospital ward'.*'online group'"):
        b.sync(coder="ben", progress=False)
    assert not (b.path / ".git" / "MERGE_HEAD").exists()  # the merge was undone
    assert b.refresh().narratives.set_index("id").loc["night-shift", "setting"] == "hospital ward"
    b.set_attributes("night-shift", setting="online group")  # they agree
    b.sync(coder="ben", progress=False)
    a.sync(coder="ana", progress=False)
    assert (a.path / "narratives.csv").read_bytes() == (b.path / "narratives.csv").read_bytes()
    assert git(b.path, "status", "--porcelain") == "" == git(a.path, "status", "--porcelain")


def test_a_project_put_under_git_by_hand_syncs(tmp_path):
    remote = tmp_path / "hand.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    p = wb.sample_project(copy_to=tmp_path / "by-hand")
    git(p.path, "init", "--quiet")
    git(p.path, "remote", "add", "origin", str(remote))
    from workbench.cli import main

    assert main(["sync", str(p.path), "--status"]) == 0
    assert main(["sync", str(p.path), "--coder", "ana"]) == 0
    assert "origin/main: in sync." == str(wb.sync.sync_status(p))
    assert git(p.path, "status", "--porcelain") == ""
    other = wb.sync.clone(str(remote), tmp_path / "copy", progress=False)
    assert set(other.codings()["coding_id"]) == set(p.codings()["coding_id"])


def test_a_merge_left_open_by_hand_is_not_finished_blindly(team):
    a, b, _ = team
    a.set_attributes("night-shift", setting="online group")
    a.sync(coder="ana", progress=False)
    b.set_attributes("night-shift", setting="hospital ward")
    git(b.path, "add", "-A")
    git(b.path, "-c", "user.name=ben", "-c", "user.email=ben@example.org", "commit", "-qm", "by hand")
    pulled = subprocess.run(["git", "-c", "user.name=ben", "-c", "user.email=ben@example.org", "pull", "--no-rebase",
                             "-q"], cwd=b.path, capture_output=True, text=True)
    assert pulled.returncode != 0 and (b.path / ".git" / "MERGE_HEAD").exists()  # git alone stops at narratives.csv
    with pytest.raises(WorkbenchError, match="merge started by hand"):
        b.sync(coder="ben", progress=False)
    git(b.path, "merge", "--abort")
    with pytest.raises(WorkbenchError, match="'setting' was changed on both sides"):
        b.sync(coder="ben", progress=False)


def test_a_settings_file_changed_on_both_sides_stops_the_sync_without_conflict_markers(team):
    a, b, _ = team
    for p, name in ((a, "Peer stories (north)"), (b, "Peer stories (south)")):
        toml = p.path / "workbench.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace("Peer stories (sample)", name), encoding="utf-8")
    a.sync(coder="ana", progress=False)
    with pytest.raises(WorkbenchError, match="cannot be merged: workbench.toml"):
        b.sync(coder="ben", progress=False)
    assert "<<<<<<<" not in (b.path / "workbench.toml").read_text(encoding="utf-8")
    assert not (b.path / ".git" / "MERGE_HEAD").exists()
    assert "south" in git(b.path, "show", "HEAD:workbench.toml")  # ben's own change is committed, not merged


def test_without_a_git_identity_the_coder_signs_for_this_folder_only_and_is_told(tmp_path):
    p = wb.sample_project(copy_to=tmp_path / "mine")
    result = wb.sync.share(p, str(tmp_path / "mine.git"), coder="ana", progress=False)
    assert "ana <ana@workbench.invalid>" in str(result) and "this folder only" in str(result)
    assert git(p.path, "log", "-1", "--format=%an <%ae>").strip() == "ana <ana@workbench.invalid>"
    assert "ana" not in (tmp_path / "gitconfig").read_text(encoding="utf-8")  # the person's own config untouched


def test_a_withdrawal_arriving_by_sync_takes_the_transcript_structure_and_theme_passages_too(team, tmp_path):
    a, b, _ = team
    vtt = tmp_path / "call.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Rosa>I rang at three in the morning.\n\n"
                   "00:00:04.000 --> 00:00:07.000\n<v Dev>I stayed on the line until it was light.\n",
                   encoding="utf-8")
    nid = a.import_transcript(vtt, title="Night call", narrator="R01")
    wb.sync.sync(a, coder="ana", progress=False)
    wb.sync.sync(b, coder="ben", progress=False)
    assert len(b.turns(nid)) == 2
    cid = b.code(nid, 0, 20, "reciprocity", coder="ben")
    b.themes.add("staying with someone", codes=["reciprocity"], coder="ben")
    b.themes.add_passages("staying with someone", [cid], coder="ben")
    wb.sync.sync(b, coder="ben", progress=False)
    wb.sync.sync(a, coder="ana", progress=False)
    a.withdraw(nid, reason="narrator asked", by="ana")
    wb.sync.sync(a, coder="ana", progress=False)
    wb.sync.sync(b, coder="ben", progress=False)

    for project in (a, b):
        assert not (project.path / "narratives" / f"{nid}.structure.json").exists()
        theme_logs = b"".join(f.read_bytes() for f in (project.path / "events" / "themes").glob("*.jsonl"))
        assert nid.encode() not in theme_logs and cid.encode() not in theme_logs
        assert b"rang at three" not in b"".join(f.read_bytes() for f in project.path.rglob("*") if f.is_file()
                                                and ".git" not in f.parts)


def test_the_sentence_names_theme_and_coder_notes_that_arrived(team):
    a, b, _ = team
    b.themes.add("staying with someone", codes=["reciprocity"], coder="ben")
    b.set_coder_attributes("ben", role="peer worker")
    wb.sync.sync(b, coder="ben", progress=False)
    result = wb.sync.sync(a, coder="ana", progress=False)
    assert "1 theme change from ben" in str(result)
    assert "note on coders from ben" in str(result) or "notes on coders from ben" in str(result)
