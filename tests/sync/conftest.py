"""Real git for the sync tests: a bare remote on the local disk, and clones of a project beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb


@pytest.fixture(autouse=True)
def _no_personal_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git as on a fresh machine: no global identity, so the workbench's placeholder is used and tested."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def team(tmp_path: Path) -> tuple[wb.Project, wb.Project, Path]:
    """The sample project shared by ana to a bare repository, and ben's clone of it."""
    remote = tmp_path / "shared.git"
    a = wb.sample_project(copy_to=tmp_path / "ana")
    wb.sync.share(a, str(remote), coder="ana", progress=False)
    b = wb.sync.clone(str(remote), tmp_path / "ben", progress=False)
    return a, b, remote
