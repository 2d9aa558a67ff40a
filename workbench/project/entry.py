"""Opening a project: create a new folder, open one, or copy the sample; where shipped data lives."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..codebook import read_codebook_file
from ..errors import ProjectExistsError, WorkbenchError
from ..names import check_coder
from ..store import create_folder
from .core import Project

_PACKAGE = Path(__file__).resolve().parent.parent


def create_project(path: str | os.PathLike, codebook: str | os.PathLike | None = None,
                   name: str | None = None, coder: str = "setup") -> Project:
    """Create a new, empty project folder (optionally seeded with a codebook YAML file).

    >>> principles = data_path("codebooks") / "peer_support_principles.yaml"
    >>> p = wb.create_project("my-project", codebook=principles, name="Peer stories")
    >>> len(p.codebook) > 0
    True
    """
    target = Path(path)
    if (target / "workbench.toml").exists():
        raise ProjectExistsError(f"{target} already holds a project; open it with wb.open_project({str(target)!r}).")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ProjectExistsError(f"{target} exists and is not empty; choose a new folder for the project.")
    check_coder(coder)
    events = read_codebook_file(codebook) if codebook is not None else []
    name = name or target.name
    if not isinstance(name, str) or "\n" in name:
        raise WorkbenchError("The project name must be one line of text.")
    target.mkdir(parents=True, exist_ok=True)
    try:
        create_folder(target, name)
        project = Project(target)
        if events:
            project.codebook.add_events(events, coder)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return project


def open_project(path: str | os.PathLike) -> Project:
    """Open an existing project folder.

    >>> wb.open_project(p.path).name
    'Peer stories (sample)'
    """
    return Project(path)


def data_path(name: str) -> Path:
    """A folder shipped with the workbench: ``"codebooks"`` or ``"peer_stories"`` (the sample project).

    Installed wheels carry them in ``workbench/_data/``; a checkout has them at the top level.

    >>> (data_path("peer_stories") / "workbench.toml").exists()
    True
    """
    checkout = {"codebooks": "codebooks", "peer_stories": "sample_data/peer_stories"}[name]
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / checkout):
        if candidate.exists():
            return candidate
    raise WorkbenchError(f"The workbench's {name} folder is missing from this installation; reinstall it.")


def sample_project(copy_to: str | os.PathLike | None = None) -> Project:
    """A fresh copy of the sample project (25 peer stories, 3 coders), never the original.

    >>> wb.sample_project(copy_to="tmp-sample").info()["narratives"]
    25
    """
    source = data_path("peer_stories")
    if copy_to is None:
        copy_to = Path(tempfile.mkdtemp(prefix="workbench-sample-")) / "peer_stories"
    target = Path(copy_to)
    if target.exists() and any(target.iterdir()):
        raise ProjectExistsError(f"{target} exists and is not empty; sample_project() copies into a new folder.")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".locks", "*.tmp"))
    return Project(target)
