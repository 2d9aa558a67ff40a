"""A home for a learner's work: the teaching notebooks' copies of the sample project, in named folders.

Each notebook works on its own copy of the sample, in a folder with the notebook's name under
``~/narrative-workbench`` (on a laptop and on a JupyterHub alike, the home folder is the learner's
own and writable, also when the workbench itself is installed read-only). The folder is printed,
kept between runs, and reused: what you coded yesterday is still there. ``fresh=True`` starts again
from the sample.

The environment variable ``WORKBENCH_LEARNER_HOME`` moves the home folder elsewhere; ``make test``
points it at a throw-away folder, so a test run never touches a learner's work.

>>> from workbench.learning import learner_project
>>> p = learner_project("my-first-look", home="learning")
Your project: .../learning/my-first-look (a new copy of the sample; your work stays here between runs)
>>> p.info()["narratives"]
25
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .errors import WorkbenchError
from .project import Project, open_project, sample_project

__all__ = ["HOME_VARIABLE", "LearnerFolderError", "learner_home", "learner_project", "shown_path"]

#: The environment variable that moves the learner's home folder (``make test`` sets it).
HOME_VARIABLE = "WORKBENCH_LEARNER_HOME"
_DEFAULT_HOME = "~/narrative-workbench"
# what makes a folder a workbench project: only such a folder is ever deleted by fresh=True
_PROJECT_FILE = "workbench.toml"


class LearnerFolderError(WorkbenchError, ValueError):
    """The learner's folder holds something that is not a workbench project, so it is left alone."""


def learner_home() -> Path:
    """The folder holding the learner's projects: ``$WORKBENCH_LEARNER_HOME`` or ``~/narrative-workbench``.

    >>> learner_home().name in {"narrative-workbench", os.environ.get(HOME_VARIABLE, "x").rstrip("/").split("/")[-1]}
    True
    """
    value = os.environ.get(HOME_VARIABLE, "").strip()
    return Path(value or _DEFAULT_HOME).expanduser()


def shown_path(path: str | os.PathLike) -> str:
    """*path* as a person reads it: absolute, with ``~`` for the home folder.

    >>> shown_path(Path.home() / "narrative-workbench" / "peer-stories")
    '~/narrative-workbench/peer-stories'
    """
    absolute = Path(path).expanduser().absolute()
    try:
        return "~/" + absolute.relative_to(Path.home()).as_posix()
    except ValueError:
        return absolute.as_posix()


def learner_project(name: str = "peer-stories", *, fresh: bool = False,
                    home: str | os.PathLike | None = None) -> Project:
    """Your own copy of the sample project in the folder *name* under :func:`learner_home`, kept between runs.

    The first call copies the sample there; later calls open the same copy, with your work in it.
    ``fresh=True`` deletes that copy (only if it is a workbench project) and starts again from the
    sample. Prints where the project lives.

    Parameters
    ----------
    name : str
        The folder's name, e.g. the notebook's: ``"02-code-a-story"``.
    fresh : bool
        Throw away the copy and start again from the sample.
    home : path, optional
        The folder holding the learner's projects (default :func:`learner_home`).

    Returns
    -------
    Project

    >>> p = learner_project("practice", home="learning")
    Your project: .../learning/practice (a new copy of the sample; your work stays here between runs)
    >>> p = learner_project("practice", home="learning")
    Your project: .../learning/practice (your copy from before, with your work in it; to start afresh: fresh=True)
    >>> p = learner_project("practice", home="learning", fresh=True)
    Your project: .../learning/practice (a fresh copy of the sample: your earlier work there is gone)
    """
    if not name or Path(name).name != name:
        raise LearnerFolderError(f"Give a plain folder name, e.g. 'peer-stories', not {name!r}.")
    folder = (Path(home).expanduser() if home is not None else learner_home()) / name
    existing = folder.exists() and any(folder.iterdir())
    if existing and not (folder / _PROJECT_FILE).exists():
        raise LearnerFolderError(f"{shown_path(folder)} holds files that are not a workbench project; "
                                 "move them away or choose another name.")
    if existing and not fresh:
        print(f"Your project: {shown_path(folder)} (your copy from before, with your work in it; "
              "to start afresh: fresh=True)")
        return open_project(folder)
    if existing:
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    project = sample_project(copy_to=folder)
    what = ("a fresh copy of the sample: your earlier work there is gone" if existing
            else "a new copy of the sample; your work stays here between runs")
    print(f"Your project: {shown_path(folder)} ({what})")
    return project
