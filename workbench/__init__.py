"""narrative-workbench: collaborative, reflexive coding of peer narratives in Jupyter.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="tmp-sample")
>>> len(p.narratives)
25
>>> widget = wb.coding_widget(p, coder="ana")

The project folder is the source of truth: ``wb.store`` reads and writes it, and
:class:`Project` (``wb.project``) is the commands people use on it, giving pandas frames;
``wb.analysis``, ``wb.agreement`` and ``wb.charts`` compute and draw.
Heavy parts (altair, widgets, XML) load only when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__
from .errors import WorkbenchError
from .project import Project, create_project, open_project, sample_project

_LAZY_MODULES = {"analysis", "agreement", "charts", "exchange", "widgets", "care", "workshop", "query", "names",
                 "consent", "store", "display", "learning", "sync"}
_LAZY_NAMES = {
    "coding_widget": "workbench.widgets",
    "disagreement_explorer": "workbench.widgets",
    "theme_board": "workbench.widgets",
    "pile_sort": "workbench.widgets",
    "app": "workbench.widgets",
    "import_qdpx": "workbench.exchange",
    "find_identifiers": "workbench.care",
    "table": "workbench.display",
    "learner_project": "workbench.learning",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"workbench.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


__all__ = ["Project", "WorkbenchError", "create_project", "open_project", "sample_project",
           "app", "coding_widget", "disagreement_explorer", "theme_board", "pile_sort", "import_qdpx",
           "find_identifiers",
           "table", "learner_project",
           "analysis", "agreement", "charts", "exchange", "widgets", "care", "workshop", "sync", "__version__"]
