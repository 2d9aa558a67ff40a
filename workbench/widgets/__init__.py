"""Notebook widgets (anywidget): the coding surface, the disagreement explorer, the Share panel.

>>> w = wb.coding_widget(p, coder="ana")
>>> explorer = wb.disagreement_explorer(p, narrative="kitchen-table", coder="ana")
>>> board = wb.theme_board(p, coder="ana")
>>> whole = wb.app(p, coder="ana")          # every tab: stories, codebook, journal, ... share

Front-end code is plain ES modules and CSS shipped beside these files (``coding.js``,
``coding.css``; helpers shared between widgets in ``shared.js``); there is no build step.
"""

from __future__ import annotations

import importlib
from typing import Any

from .coding import PROMPTS, CodingWidget, coding_widget
from .theme_board import ThemeBoard, theme_board  # the module's name is the function's: bind the function

# Other widgets load on first use, so one of them failing to import never takes the rest down.
_LAZY = {"disagreement_explorer": "disagreement", "DisagreementExplorer": "disagreement",
         "share_panel": "sharing", "SharePanel": "sharing", "pile_sort": "piles", "PileSort": "piles",
         "app": "application", "App": "application"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["coding_widget", "CodingWidget", "PROMPTS", "disagreement_explorer", "DisagreementExplorer",
           "share_panel", "SharePanel", "theme_board", "ThemeBoard", "pile_sort", "PileSort", "app", "App"]
