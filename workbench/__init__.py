"""narrative-workbench: collaborative, reflexive coding of peer narratives in Jupyter.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="tmp-sample")
>>> p.narratives.head()
>>> wb.coding_widget(p, coder="ana")

The project folder is the source of truth; :class:`Project` folds its events into
pandas frames; ``wb.analysis``, ``wb.agreement`` and ``wb.charts`` compute and draw.
Heavy parts (altair, widgets, XML) load only when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import WorkbenchError
from .project import Project, create_project, open_project, sample_project

__version__ = "0.1.0"

_LAZY_MODULES = {"analysis", "agreement", "charts", "exchange", "widgets", "care", "workshop"}
_LAZY_NAMES = {
    "coding_widget": "workbench.widgets",
    "disagreement_explorer": "workbench.widgets",
    "import_qdpx": "workbench.exchange",
    "find_identifiers": "workbench.care",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"workbench.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


__all__ = ["Project", "WorkbenchError", "create_project", "open_project", "sample_project",
           "coding_widget", "disagreement_explorer", "import_qdpx", "find_identifiers",
           "analysis", "agreement", "charts", "exchange", "widgets", "care", "workshop", "__version__"]
