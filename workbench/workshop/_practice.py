"""Where a practice workshop lives: a named folder in the learner's home, not a random temporary one."""

from __future__ import annotations

import os
from pathlib import Path

from ..learning import learner_home


def practice_root(name: str = "practice-workshops", home: str | os.PathLike | None = None) -> Path:
    """The folder for practice workshops on this computer: *name* under the learner's home (created).

    Practice workshops are opened again by their code, so a participant practising beside the
    facilitator types this folder, which ``ws.invitation()`` prints; it stays the same between runs.

    *home* defaults to :func:`workbench.learning.learner_home` (``~/narrative-workbench``).

    >>> from workbench.workshop import practice_root
    >>> practice_root(home="learning").as_posix()
    '.../learning/practice-workshops'
    """
    folder = (Path(home).expanduser().absolute() if home is not None else learner_home()) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
