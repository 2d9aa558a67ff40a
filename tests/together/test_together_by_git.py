"""Governance and taking words back across machines: two clones of a project and a bare remote, with real git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import workbench as wb


def _files_holding(folder: Path, words: bytes) -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=folder, check=True, capture_output=True, text=True).stdout
    return [name for name in listed.split() if words in (folder / name).read_bytes()]


def test_a_proposal_made_on_one_machine_is_endorsed_on_another(tmp_path: Path) -> None:
    remote = tmp_path / "shared.git"
    a = wb.sample_project(copy_to=tmp_path / "ana")
    a.set_governance("proposals", endorsements=1)
    wb.sync.share(a, str(remote), coder="ana", progress=False)
    b = wb.sync.clone(str(remote), tmp_path / "ben", progress=False)
    assert b.codebook.governance["mode"] == "proposals"
    pid = b.codebook.rename("barriers", "what stands in the way", rationale="plainer", coder="ben").proposal_id
    memo_id = a.memo("ana's words about her own father, to take back later", coder="ana")
    for p in (b, a, b):
        p.sync(coder=p.path.name, progress=False)
    assert a.codebook.proposal(pid).status == "pending" and "barriers" in a.codebook
    assert memo_id in b.memos()["memo_id"].tolist()
    a.codebook.endorse(pid, "ana", "yes, people say it like that")
    a.delete_memo(memo_id, coder="ana")
    a.sync(coder="ana", progress=False)
    b.sync(coder="ben", progress=False)
    b = wb.open_project(b.path)
    assert "what stands in the way" in b.codebook and "barriers" not in b.codebook
    assert b.codebook.proposal(pid).applied_by == "ana"
    assert memo_id not in b.memos()["memo_id"].tolist()
    assert _files_holding(b.path, b"her own father") == []
