"""Project files respect the user's umask and are never world-writable (issue 8).

Each scenario runs the public API in a fresh process with its own umask, as a person on a
shared server would, then inspects every file and folder the project holds, lock files included.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")

WORK = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    os.umask(int(sys.argv[1], 8))
    import workbench as wb

    folder, coder = Path(sys.argv[2]), sys.argv[3]
    if not (folder / "workbench.toml").exists():
        p = wb.create_project(folder, name="Shared project")
        p.codebook.add("reciprocity", description="no fixed helper", coder=coder)
        p.codebook.add("barriers", coder=coder)
        p.add_narrative("When I first came to the group nobody asked about my diagnosis.", title="First time")
        sources = folder.parent / "sources"
        sources.mkdir(exist_ok=True)
        (sources / "second.txt").write_text("We talked about gardens, and about my sister.", encoding="utf-8")
        (sources / "third.txt").write_text("A story that will be withdrawn.", encoding="utf-8")
        p.import_narratives(sources, progress=False)
    else:
        p = wb.open_project(folder)
    nid = p.narratives["id"][0]
    cid = p.code(nid, 0, 12, "reciprocity", coder=coder, note="first words")
    p.annotate(cid, "a longer note", coder=coder)
    p.code_many([{"narrative_id": nid, "start": 13, "end": 20, "code": "barriers"}], coder=coder)
    p.uncode(cid, coder=coder)
    p.memo("I noticed my own history here.", coder=coder, narrative=nid)
    p.memo("We disagreed, and talked.", coder=coder, kind="dialogue", participants=[coder, "ben"])
    p.codebook.edit("barriers", description="what got in the way", rationale="clearer", coder=coder)
    second = p.narratives["id"][1]
    p.set_attributes(second, setting="peer group")
    p.set_consent(second, "restricted")
    withdrawn = [n for n in p.narratives["id"] if "withdrawn" in p.text(n)]
    if withdrawn:
        p.code(withdrawn[0], 0, 5, "barriers", coder=coder)
        p.withdraw(withdrawn[0], reason="the narrator asked")
    print("ok")
""")


def run_as(umask: int, folder: Path, coder: str) -> None:
    result = subprocess.run([sys.executable, "-c", WORK, oct(umask)[2:], str(folder), coder],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-3000:]


def entries(folder: Path) -> list[Path]:
    return [folder, *sorted(folder.rglob("*"))]


def describe(path: Path, base: Path) -> str:
    return f"{path.relative_to(base.parent)} {stat.filemode(path.stat().st_mode)}"


@pytest.mark.parametrize("umask", [0o027, 0o002], ids=["umask027", "umask002"])
def test_files_follow_the_umask_and_are_never_world_writable(tmp_path, umask):
    folder = tmp_path / "shared" / "project"
    run_as(umask, folder, "ana")
    run_as(umask, folder, "ben")  # a second person (process) adds their own files

    found = entries(folder)
    assert any(".locks" in p.parts for p in found) and any(p.suffix == ".jsonl" for p in found)
    problems = []
    for path in found:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = (0o777 if path.is_dir() else 0o666) & ~umask
        if mode & stat.S_IWOTH:
            problems.append(f"world-writable: {describe(path, folder)}")
        elif mode & umask:
            problems.append(f"ignores umask {umask:03o}: {describe(path, folder)}")
        elif mode & 0o777 != wanted:
            problems.append(f"expected {stat.filemode(wanted | (stat.S_IFDIR if path.is_dir() else 0))[1:]}: "
                            f"{describe(path, folder)}")
    assert not problems, "\n".join(problems)


def test_a_setgid_group_folder_is_inherited_by_everything(tmp_path):
    """The set-up docs/care.md recommends on a shared server: a group folder with the setgid bit."""
    shared = tmp_path / "team"
    shared.mkdir()
    group = 4242 if os.geteuid() == 0 else os.getgid()
    os.chown(shared, -1, group)
    shared.chmod(0o2770)
    folder = shared / "project"
    run_as(0o007, folder, "ana")
    run_as(0o007, folder, "ben")

    problems = []
    for path in entries(folder):
        info = path.lstat()
        if info.st_gid != group:
            problems.append(f"group {info.st_gid}, not the team's {group}: {describe(path, folder)}")
        if path.is_dir() and not info.st_mode & stat.S_ISGID:
            problems.append(f"folder lost the setgid bit: {describe(path, folder)}")
        if stat.S_IMODE(info.st_mode) & 0o007:
            problems.append(f"open to others: {describe(path, folder)}")
        if not path.is_dir() and stat.S_IMODE(info.st_mode) & 0o060 != 0o060:
            problems.append(f"the team cannot read and write it: {describe(path, folder)}")
    assert not problems, "\n".join(problems)
