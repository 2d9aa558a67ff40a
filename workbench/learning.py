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

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from .errors import WorkbenchError
from .project import Project, open_project, sample_project

__all__ = ["HOME_VARIABLE", "LearnerFolderError", "learner_home", "learner_project", "personal_pages", "shown_path"]

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
    Your project: .../learning/practice (a fresh copy of the sample; with fresh=True every run starts again)
    >>> (Path("learning") / "notes").mkdir()
    >>> (Path("learning") / "notes" / "todo.txt").write_text("mine")
    4
    >>> learner_project("notes", home="learning", fresh=True)
    Traceback (most recent call last):
    ...
    workbench.learning.LearnerFolderError: .../learning/notes holds files that are not a workbench project; ...
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
    what = ("a fresh copy of the sample; with fresh=True every run starts again" if fresh
            else "a new copy of the sample; your work stays here between runs")
    print(f"Your project: {shown_path(folder)} ({what})")
    return project


def personal_pages(template: str | os.PathLike, people: int | list[str], folder: str | os.PathLike,
                   settings: dict[str, Any] | None = None) -> list[Path]:
    """One copy of the notebook *template* per person in *folder*, so nobody writes into another's page.

    Two people who open the same notebook file overwrite each other's work, and a notebook of the
    repository that a participant saves makes the repository's copy theirs. Each person opens their
    own page instead. *people* is a number of pages (``participant-1.ipynb``, ...) or a list of
    names; *settings* fills lines such as ``CODE = ""`` of the cell tagged ``parameters`` (the
    comment after the value stays). A page that exists already is kept as it is: it may hold
    someone's work.

    Parameters
    ----------
    template : path
        The notebook to copy, e.g. ``"participant.ipynb"``.
    people : int or list of str
        How many pages, or the people's names (each name becomes a page's file name).
    folder : path
        Where the pages go (created), e.g. ``"participants-practice"``.
    settings : dict, optional
        Values for the ``NAME = ...`` lines of the template's parameters cell.

    Returns
    -------
    list of Path
        The pages, in order, under *folder*.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('CODE = ""  # the session code',
    ...                                                                metadata={"tags": ["parameters"]})])
    >>> nbformat.write(nb, "page.ipynb")
    >>> [page.as_posix() for page in personal_pages("page.ipynb", 2, "pages", {"CODE": "practice"})]
    ['pages/participant-1.ipynb', 'pages/participant-2.ipynb']
    >>> nbformat.read("pages/participant-1.ipynb", as_version=4).cells[0].source
    "CODE = 'practice'  # the session code"
    """
    names = [f"participant-{n}" for n in range(1, people + 1)] if isinstance(people, int) else list(people)
    for name in names:
        if not name or Path(name).name != name or name.startswith("."):
            raise LearnerFolderError(f"{name!r} cannot name a page: use a plain name such as 'Sam'.")
    notebook = json.loads(Path(template).read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = _filled("".join(cell["source"]), settings or {})
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    pages = [target / f"{name}.ipynb" for name in names]
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    for page in pages:
        if not page.exists():
            page.write_text(text, encoding="utf-8")
    return pages


def _filled(source: str, settings: dict[str, Any]) -> str:
    for key, value in settings.items():
        pattern = re.compile(rf"^{re.escape(key)} = [^#\n]*?(\s*#.*)?$", re.MULTILINE)
        source = pattern.sub(lambda m, k=key, v=value: f"{k} = {v!r}{m.group(1) or ''}", source)
    return source
