"""What ``p.themes`` and the method switch need of a project: passages checked against the stories.

:class:`~workbench.project.Project` hands these to :class:`~workbench.themes.Themes` and keeps
``workbench.toml``'s ``method`` (see docs/themes.md).
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..errors import WorkbenchError
from ..methods import METHODS
from ..names import check_coder
from ..store.events import theme_events
from ..themes import Themes, ThemeWriter
from .checks import check_span


def theme_passage(project: Any, item: Any) -> dict:
    """A hand-picked passage as a theme event holds it: a coding id (with its story) or a checked span.

    >>> theme_passage(p, cid)["narrative"] == p.codings().set_index("coding_id").loc[cid, "narrative_id"]
    True
    >>> theme_passage(p, ("kitchen-table", 0, 12))
    {'narrative': 'kitchen-table', 'start': 0, 'end': 12}
    """
    if isinstance(item, str):
        row = project.coding(item)
        return {"coding": item, "narrative": row["narrative_id"]}
    if isinstance(item, Mapping):
        nid, start, end = item.get("narrative", item.get("narrative_id")), item.get("start"), item.get("end")
    elif isinstance(item, (tuple, list)) and len(item) == 3:
        nid, start, end = item
    else:
        raise WorkbenchError(f"A passage is a coding id or a span (narrative_id, start, end), not {item!r}.")
    start, end = check_span(project.text(nid), nid, start, end)
    return {"narrative": nid, "start": start, "end": end}


def check_method(method: Any) -> str:
    """*method* if a project can name it, else a :class:`WorkbenchError`.

    >>> check_method("reflexive")
    'reflexive'
    """
    if method not in METHODS:
        raise WorkbenchError(f"method must be one of {', '.join(map(repr, METHODS))}, not {method!r}. "
                             "See docs/themes.md for what each means.")
    return method


class ThemesAndMethod:
    """The part of :class:`~workbench.project.Project` that owns ``p.themes`` and the method switch."""

    _folder: Any
    codebook: Any
    _theme_layer: Themes | None = None

    @property
    def themes(self) -> Themes:
        """The project's themes: what the team makes of its codes (see docs/themes.md).

        >>> p.themes.names
        []
        """
        if self._theme_layer is None:
            self._theme_layer = Themes(ThemeWriter(
                refresh=self.refresh, records=lambda: self._folder.themes.records, write=self._write_theme_events,
                codebook=self.codebook, passage=lambda item: theme_passage(self, item)))  # type: ignore[arg-type]
        return self._theme_layer

    def refresh(self) -> Any:  # pragma: no cover - Project's
        """Pick up what others wrote (Project's)."""
        raise NotImplementedError

    def _write_theme_events(self, events: list[dict], coder: str) -> None:
        check_coder(coder)
        self._folder.write_themes(coder, theme_events(events, coder, self._folder.now()))

    @property
    def method(self) -> str:
        """The analytic approach (``reflexive``, ``codebook`` or ``coding-reliability``) ``workbench.toml`` names.

        A project made before methods names none and counts as ``codebook``; a new project is ``reflexive``.

        >>> p.method
        'codebook'
        """
        return self._folder.method

    def set_method(self, method: str) -> None:
        """Name the analytic approach in ``workbench.toml``. Under ``reflexive`` agreement figures are not shown
        by default (disagreement stays, as material for dialogue); ``coding-reliability`` reports them.

        >>> p.set_method("reflexive"); p.method
        'reflexive'
        """
        self._folder.set_method(check_method(method))

    def coding(self, coding_id: str) -> pd.Series:
        """One current coding by its id: coding_id, narrative_id, start, end, code, coder, created_at, note, text.

        >>> p.coding(cid)["coder"]
        'ana'
        """
        return self._coding_row(coding_id)

    def _coding_row(self, coding_id: str) -> pd.Series:  # pragma: no cover - Project's
        raise NotImplementedError
