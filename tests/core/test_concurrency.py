"""Many real processes writing one project at once, and a writer killed mid-stream (issue 2)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import workbench as wb

WRITER = Path(__file__).with_name("_writer.py")


def test_ten_processes_two_thousand_codings_each(project, tmp_path):
    coders = [f"coder{i}" for i in range(8)] + ["shared", "shared"]
    acks = [tmp_path / f"ack{i}.txt" for i in range(len(coders))]
    procs = [
        subprocess.Popen([sys.executable, str(WRITER), str(project.path), coder, "2000", str(ack)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for coder, ack in zip(coders, acks)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
    acknowledged = [line for ack in acks for line in ack.read_text().split()]
    assert len(acknowledged) == 20_000 and len(set(acknowledged)) == 20_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reopened = wb.open_project(project.path)
        frame = reopened.codings()
    assert len(frame) == 20_000
    assert frame["coding_id"].is_unique
    assert set(frame["coding_id"]) == set(acknowledged)
    assert frame.groupby("coder").size().to_dict() == {**{f"coder{i}": 2000 for i in range(8)}, "shared": 4000}
    # every line of every log is whole JSON: no interleaved writes
    for log in (project.path / "events" / "codings").glob("*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            json.loads(line)


def test_a_writer_killed_with_sigkill_loses_nothing_it_acknowledged(project):
    proc = subprocess.Popen([sys.executable, str(WRITER), str(project.path), "ana", "1000000", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged = []
    deadline = time.monotonic() + 120
    while len(acknowledged) < 400 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(acknowledged) >= 400, proc.stderr.read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a torn last line is allowed (and warned about)
        reopened = wb.open_project(project.path)
    present = set(reopened.codings(coder="ana")["coding_id"])
    assert set(acknowledged) <= present
    # and the project stays writable: the next writer ends any torn line first
    reopened.code(reopened.narratives.id[0], 0, 3, "reciprocity", coder="ana")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(wb.open_project(project.path).codings(coder="ana")) == len(present) + 1


@pytest.mark.parametrize("with_withdrawal_in_between", [False, True])
def test_a_stale_process_cannot_write_into_a_withdrawn_story(project, with_withdrawal_in_between):
    nid = project.narratives.id[0]
    stale = wb.open_project(project.path)  # still believes the story is there
    stale.code(nid, 0, 4, "reciprocity", coder="ben")
    if with_withdrawal_in_between:
        project.withdraw(nid, reason="narrator's request")
        with pytest.raises(wb.errors.ConsentError, match="withdrawn"):
            stale.code(nid, 0, 4, "reciprocity", coder="ben")
        with pytest.raises(wb.errors.ConsentError):
            stale.memo("thinking about this story", coder="ben", narrative=nid)
        assert not list((project.path / "events" / "codings").glob("*.jsonl")) or all(
            nid not in log.read_text(encoding="utf-8")
            for log in (project.path / "events" / "codings").glob("*.jsonl"))
