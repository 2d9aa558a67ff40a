"""A private journal kept outside the project, memos people can edit and take back, replies in a dialogue."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import workbench as wb
from workbench.errors import WorkbenchError

VOICE = Path(__file__).with_name("_voice.py")
SECRET = "my sister's overdose in 2019 is why I flinch at this word"


def _holds(path: Path, words: bytes) -> list[str]:
    """Where under *path* (a file or folder; zip files opened) the bytes *words* occur."""
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    found = []
    for file in files:
        data = file.read_bytes()
        if words in data:
            found.append(str(file))
        if zipfile.is_zipfile(file):
            with zipfile.ZipFile(file) as archive:
                found += [f"{file}!{name}" for name in archive.namelist() if words in archive.read(name)]
    return found


def _run(project: wb.Project, coder: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(Path(wb.__file__).parents[1])}
    done = subprocess.run([sys.executable, str(VOICE), str(project.path), coder, *args], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_private_memo_is_in_no_file_of_the_project_nor_any_export(sample: wb.Project, tmp_path: Path) -> None:
    memo_id = _run(sample, "ana", "memo", SECRET, "private")  # written by another process, as ana
    sample.memo("An analytic note anyone may read.", coder="ana", narrative="kitchen-table", kind="analytic")
    journal = sample.journal("ana")
    assert journal["memo_id"].tolist() == [memo_id] and journal["text"].tolist() == [SECRET]
    assert sample.journal("ben").empty and memo_id not in sample.memos()["memo_id"].tolist()
    journal_file = Path(os.environ["WORKBENCH_JOURNAL_HOME"]) / sample._folder.project_id / "ana.jsonl"  # noqa: SLF001
    assert SECRET.encode() in journal_file.read_bytes() and oct(journal_file.stat().st_mode & 0o777) == "0o600"
    _ = sample.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    out = tmp_path / "exports"
    out.mkdir()
    wb.exchange.export_qdpx(sample, out / "project.qdpx")
    wb.exchange.export_csv(sample, out / "codings.csv")
    wb.exchange.export_csv(sample, out / "memos.csv", table="memos")
    wb.exchange.export_xlsx(sample, out / "project.xlsx")
    wb.exchange.write_report(sample, out / "report.html")
    for fmt in ("md", "html", "docx"):
        wb.exchange.export_findings(sample, out / f"findings.{fmt}")
    assert len(list(out.iterdir())) == 8
    assert _holds(out, b"An analytic note anyone may read.")  # the search does find what exports carry
    assert _holds(out, SECRET.encode()) == []
    assert _holds(out, memo_id.encode()) == []
    assert _holds(sample.path, SECRET.encode()) == []
    assert _holds(sample.path, memo_id.encode()) == []


def test_publish_edit_and_delete_a_private_memo(project: wb.Project) -> None:
    kept = project.memo("first private thought", coder="ana", private=True)
    gone = project.memo("too close to home", coder="ana", private=True)
    project.edit_memo(kept, "a clearer private thought", coder="ana")
    project.delete_memo(gone, coder="ana")
    assert project.journal("ana")["text"].tolist() == ["a clearer private thought"]
    assert _holds(Path(os.environ["WORKBENCH_JOURNAL_HOME"]), b"too close to home") == []
    with pytest.raises(WorkbenchError, match="private journal"):
        project.publish(kept, "ben")
    project.publish(kept, "ana")
    assert project.journal("ana").empty
    shared = project.memos(coder="ana")
    assert shared["memo_id"].tolist() == [kept] and shared["text"].tolist() == ["a clearer private thought"]
    assert _holds(project.path, b"first private thought") == []  # its earlier words stayed private


def test_a_deleted_shared_memo_leaves_only_a_tombstone(project: wb.Project) -> None:
    memo_id = project.memo("I wrote this about my own father, and want it gone.", coder="ana")
    project.edit_memo(memo_id, "Second version, also about my father.", coder="ana")
    with pytest.raises(WorkbenchError, match="only its writer"):
        project.delete_memo(memo_id, coder="ben")
    assert project.memo_history(memo_id)["event"].tolist() == ["memo", "edit"]
    project.delete_memo(memo_id, coder="ana")
    assert _holds(project.path, b"father") == []
    assert memo_id not in project.memos()["memo_id"].tolist()
    assert project.memo_history(memo_id)[["coder", "event", "text"]].values.tolist() == [["ana", "deleted", ""]]
    reopened = wb.open_project(project.path)
    assert memo_id not in reopened.memos()["memo_id"].tolist()
    log = (project.path / "events" / "memos" / "ana.jsonl").read_text(encoding="utf-8")
    assert log.count("\n") == 1 and '"event":"deleted"' in log


def test_a_deleted_memos_words_that_come_back_by_a_merge_are_removed(project: wb.Project) -> None:
    memo_id = project.memo("words to take back", coder="ana")
    log = project.path / "events" / "memos" / "ana.jsonl"
    before = log.read_text(encoding="utf-8")
    project.delete_memo(memo_id, coder="ana")
    log.write_text(before + log.read_text(encoding="utf-8"), encoding="utf-8")  # as a union merge would
    reopened = wb.open_project(project.path)
    assert memo_id not in reopened.memos()["memo_id"].tolist()
    assert _holds(project.path, b"words to take back") == []


def test_each_participant_replies_in_their_own_words(project: wb.Project) -> None:
    memo_id = project.memo("We read the silence after the call differently.", coder="ana", kind="dialogue",
                           participants=["ana", "ben", "chipo"])
    first = _run(project, "ben", "reply", memo_id, "For me it was rest, not fear.")
    second = _run(project, "chipo", "reply", memo_id, "I heard both, one after the other.")
    project.reply(memo_id, "Then we keep both readings.", coder="ana")
    talk = project.dialogue(memo_id)
    assert talk["coder"].tolist() == ["ana", "ben", "chipo", "ana"]
    assert talk["memo_id"].tolist()[1:3] == [first, second]
    assert (project.path / "events" / "memos" / "ben.jsonl").read_text(encoding="utf-8").count("rest, not fear") == 1
    with pytest.raises(WorkbenchError, match="did not take part"):
        project.reply(memo_id, "me too", coder="dee")
    plain = project.memo("an ordinary memo", coder="ana")
    with pytest.raises(WorkbenchError, match="not a shared dialogue memo"):
        project.reply(plain, "answer", coder="ben")
    assert len(project.memos()) == 2  # replies are not memos of their own


def test_a_withdrawal_takes_a_memos_edits_and_replies_with_it(project: wb.Project) -> None:
    memo_id = project.memo("About the gardens story.", coder="ana", narrative="first-time", kind="dialogue",
                           participants=["ben"])
    project.edit_memo(memo_id, "About the gardens story, again.", coder="ana")
    project.reply(memo_id, "the sister part moved me", coder="ben")
    project.withdraw("first-time", reason="narrator asked")
    assert _holds(project.path, b"gardens story") == [] and _holds(project.path, b"sister part") == []


def test_a_withdrawal_reaches_private_memos_about_the_story(project: wb.Project) -> None:
    about = project.memo("Private thoughts on the gardens story.", coder="ana", narrative="first-time", private=True)
    other = project.memo("A private thought about nothing in particular.", coder="ana", private=True)
    project.edit_memo(about, "Private thoughts on the gardens story, edited.", coder="ana")
    project.withdraw("first-time", reason="narrator asked")
    assert project.journal("ana")["memo_id"].tolist() == [other]
    assert _holds(Path(os.environ["WORKBENCH_JOURNAL_HOME"]), b"gardens story") == []
