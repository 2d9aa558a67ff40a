"""Notebook widgets (anywidget): the coding surface, and room for more.

>>> wb.coding_widget(p, coder="ana")

Front-end code is plain ES modules and CSS shipped beside these files (``coding.js``,
``coding.css``; helpers shared between widgets in ``shared.js``); there is no build step.
"""

from __future__ import annotations

from .coding import PROMPTS, CodingWidget, coding_widget

__all__ = ["coding_widget", "CodingWidget", "PROMPTS"]
