"""A research project: a folder of plain files (see :mod:`workbench.store`), opened as a :class:`Project`.

The folder is the single source of truth (``docs/project-format.md``); nothing is overwritten,
the current state is the fold of all events. This package is the commands people use on it:

- :mod:`.core`    :class:`Project`: narratives, coding, reading, withdrawal; each command is
  checked, then handed to the store (:class:`workbench.store.ProjectFolder`) to write;
- :mod:`.checks`  what a command may ask: spans, offsets, notes, a story to add;
- :mod:`.memos`   memos and the history, as frames;
- :mod:`.entry`   :func:`create_project`, :func:`open_project`, :func:`sample_project`, :func:`data_path`.
"""

from __future__ import annotations

from ..consent import CONSENT_VALUES
from ..names import check_coder
from ..store import FORMAT_VERSION
from ..store.fold import CODING_COLUMNS
from ..store.narratives import NARRATIVE_CORE
from .core import Project
from .entry import create_project, data_path, open_project, sample_project

__all__ = ["Project", "create_project", "open_project", "sample_project", "data_path", "check_coder",
           "CONSENT_VALUES", "CODING_COLUMNS", "NARRATIVE_CORE", "FORMAT_VERSION"]
