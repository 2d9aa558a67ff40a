"""The whole workbench in one place: ``wb.app(p, coder="ana")``, tabs for every part of the work.

>>> a = wb.app(p, coder="ana")
>>> a.tab
'stories'
>>> a.select("codebook").tab
'codebook'
>>> type(a.panel("codebook")).__name__
'CodebookEditor'

Tabs: Stories (the coding tool and search), Codebook (a tree editor, every change with a reason,
the history beside it), Journal (my memos and the reflexive prompts), People and stories
(attributes and consent), Compare (the disagreement explorer), Patterns (charts from menus),
Themes (the theme board) and Share (exports and sync). The tab bar is a widget of its own
(``data-wb="tab"`` buttons, arrow keys move between them); each tab's content is made the first
time it is opened, so the app appears quickly however large the project. Everything is written
through the public :class:`~workbench.Project` API. ``workbench app PROJECT --coder NAME`` serves
the same app as a page without code (Voilà).
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets
import traitlets as t

from ..errors import WorkbenchError
from ..names import check_coder
from ..project import Project
from . import _assets
from ._base import ProjectWidget
from .app_journal import JournalPanel
from .app_outputs import ExportPanel, PatternsPanel
from .app_panels import CodebookEditor, PeoplePanel
from .app_search import SearchPanel
from .coding import coding_widget

__all__ = ["App", "app", "TABS"]

#: The app's tabs, in order: key -> label.
TABS = {"stories": "Stories", "codebook": "Codebook", "journal": "Journal", "people": "People and stories",
        "compare": "Compare", "patterns": "Patterns", "themes": "Themes", "share": "Share"}


class TabBar(ProjectWidget):
    """The row of tabs: one ``role="tab"`` button each, the chosen one in ``tab``."""

    _esm = _assets.esm("app.js")
    _css = _assets.css("app.css")
    _noun = "app"

    panel = t.Unicode("tabs").tag(sync=True)
    tabs = t.List().tag(sync=True)  # [{key, label}]
    tab = t.Unicode("stories").tag(sync=True)


class App(ipywidgets.VBox):
    """The app: a tab bar above the chosen tab's content. Create it with :func:`app`."""

    def __init__(self, project: Project, coder: str, tab: str = "stories") -> None:
        self._project, self._coder = project, coder
        self._panels: dict[str, Any] = {}
        self.bar = TabBar(project, coder, tabs=[{"key": k, "label": v} for k, v in TABS.items()])
        self.stack = ipywidgets.Stack(children=[ipywidgets.HTML("") for _ in TABS], selected_index=0,
                                      layout=ipywidgets.Layout(width="100%"))
        super().__init__(children=[self.bar, self.stack], layout=ipywidgets.Layout(width="100%"))
        self.add_class("wb-app")
        self.bar.observe(lambda change: self._open(change["new"]), names="tab")
        self.select(tab)

    def __repr__(self) -> str:
        return f"<App coder={self._coder!r} project={self._project.name!r} tab={self.tab!r}>"

    @property
    def tab(self) -> str:
        """The tab shown now (a key of :data:`TABS`).

        >>> wb.app(p, coder="ana", tab="journal").tab
        'journal'
        """
        return self.bar.tab

    def select(self, tab: str) -> "App":
        """Show *tab* (a key of :data:`TABS`), making its content the first time.

        >>> wb.app(p, coder="ana").select("people").panel("people").rows[0]["id"]
        'kitchen-table'
        """
        if tab not in TABS:
            raise WorkbenchError(f"There is no tab {tab!r}; the tabs are {', '.join(TABS)}.")
        if self.bar.tab == tab:
            self._open(tab)
        else:
            self.bar.tab = tab  # the observer opens it
        return self

    def panel(self, tab: str) -> Any:
        """The main widget of *tab* (made now if it was not yet): e.g. the coding widget for ``"stories"``.

        >>> wb.app(p, coder="ana").panel("stories").narrative
        'kitchen-table'
        """
        if tab not in TABS:
            raise WorkbenchError(f"There is no tab {tab!r}; the tabs are {', '.join(TABS)}.")
        if tab not in self._panels:
            self._build(tab)
        return self._panels[tab]

    @property
    def search(self) -> SearchPanel:
        """The Stories tab's search panel.

        >>> len(wb.app(p, coder="ana").search.search("kitchen")) > 0
        True
        """
        self.panel("stories")
        return self._panels["search"]

    def _open(self, tab: str) -> None:
        if tab in self._panels and tab in ("codebook", "journal", "people"):
            self._project.refresh()  # a tab opened again shows what changed meanwhile (here or elsewhere)
            self._panels[tab].reload()
        elif tab == "stories" and "search" in self._panels:
            self._panels["search"].codes = [{"name": n, "color": c}
                                            for n, c in self._project.codebook.color_map().items()]
        self.panel(tab)
        index = list(TABS).index(tab)
        if self.stack.selected_index != index:
            self.stack.selected_index = index

    def _build(self, tab: str) -> None:
        p, coder = self._project, self._coder
        makers: dict[str, Callable[[], tuple[Any, list]]] = {
            "stories": self._stories,
            "codebook": lambda: _alone(CodebookEditor(p, coder)),
            "journal": lambda: _alone(JournalPanel(p, coder)),
            "people": lambda: _alone(PeoplePanel(p, coder)),
            "compare": lambda: _alone(_lazy("disagreement_explorer")(p, coder=coder)),
            "patterns": self._patterns,
            "themes": lambda: _alone(_lazy("theme_board")(p, coder=coder)),
            "share": self._share,
        }
        main, shown = makers[tab]()
        self._panels[tab] = main
        box = ipywidgets.VBox(shown, layout=ipywidgets.Layout(width="100%"))
        box.add_class(f"wb-app-{tab}")
        children = list(self.stack.children)
        children[list(TABS).index(tab)] = box
        self.stack.children = children

    def _stories(self) -> tuple[Any, list]:
        coding = coding_widget(self._project, coder=self._coder)

        def show(nid: str, start: Any, end: Any) -> None:
            if isinstance(start, int) and isinstance(end, int):
                coding.show_passage(nid, start, end)
            else:
                coding.narrative = nid

        search = SearchPanel(self._project, self._coder, show=show, narrative=coding.narrative)
        coding.observe(lambda change: setattr(search, "narrative", change["new"]), names="narrative")
        self._panels["search"] = search
        return coding, [search, coding]

    def _patterns(self) -> tuple[Any, list]:
        patterns = PatternsPanel(self._project, self._coder)
        patterns.choose("frequency", by="coder")
        return patterns, [patterns, patterns.output]

    def _share(self) -> tuple[Any, list]:
        export = ExportPanel(self._project, self._coder)
        return export, [export, _lazy("share_panel")(self._project, coder=self._coder)]


def _alone(widget: Any) -> tuple[Any, list]:
    return widget, [widget]


def _lazy(name: str) -> Callable[..., Any]:
    from .. import widgets

    return getattr(widgets, name)


def app(project: Project, coder: str, tab: str = "stories") -> App:
    """The whole workbench for *coder* on *project*, as one widget with tabs; opens on *tab*.

    >>> wb.app(p, coder="ana")
    <App coder='ana' project='Peer stories (sample)' tab='stories'>
    """
    if not isinstance(project, Project):
        raise WorkbenchError("app needs a Project: wb.app(wb.open_project('my-project'), coder='your name').")
    return App(project, check_coder(coder), tab=tab)
