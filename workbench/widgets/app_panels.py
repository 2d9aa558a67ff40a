"""The app's own panels: the codebook editor, the journal, and people and stories.

>>> editor = CodebookEditor(p, "ana")
>>> editor.change("rename", "reciprocity", reason="the team's word", to="give and take")
>>> p.codebook.history().iloc[-1][["event", "rationale"]].tolist()
['rename', "the team's word"]

Each panel writes only through the public API (``p.codebook``, ``p.memo``, ``p.set_attributes``);
every change to the codebook asks for a reason, which the history keeps beside it.
"""

from __future__ import annotations

from typing import Any, Iterable

import traitlets as t

from ..errors import WorkbenchError
from ..project import Project
from . import _assets
from ._base import UTC_FORMAT, ProjectWidget, cell_text, text_arg
from .coding import PROMPTS

__all__ = ["CodebookEditor", "JournalPanel", "PeoplePanel", "CODEBOOK_ACTIONS"]

#: What the codebook editor can do to a code; each needs a reason.
CODEBOOK_ACTIONS = ("add", "edit", "rename", "merge", "split", "retire", "reinstate")
_EDITABLE = ("description", "include", "exclude", "example", "color", "parent")
_HISTORY_ROWS = 300


class _Panel(ProjectWidget):
    _esm = _assets.esm("app.js")
    _css = _assets.css("app.css")
    panel = t.Unicode("").tag(sync=True)

    def __init__(self, project: Project, coder: str, **kwargs: Any) -> None:
        super().__init__(project, coder, **kwargs)
        self.reload()
        self.on_msg(self._on_msg)

    def reload(self) -> "_Panel":
        """Read the project again and show what it holds now."""
        return self

    def _do_reload(self, _msg: dict) -> dict:
        self._project.refresh()
        self.reload()
        return {}


class CodebookEditor(_Panel):
    """The codebook as a tree, a form for the chosen code, and the history beside it."""

    _noun = "codebook editor"
    panel = t.Unicode("codebook").tag(sync=True)
    codes = t.List().tag(sync=True)  # [{name, parent, level, color, status, description, include, exclude, example}]
    history = t.List().tag(sync=True)  # newest first: [{at, coder, event, code, detail, rationale}]

    def __repr__(self) -> str:
        return f"<CodebookEditor coder={self.coder!r} codes={len(self.codes)}>"

    def reload(self) -> "CodebookEditor":
        """Read the codebook again.

        >>> len(CodebookEditor(p, "ana").reload().codes) >= len(p.codebook)
        True
        """
        frame = self._project.codebook.to_frame(include_inactive=True)
        keys = ("name", "parent", "level", "color", "status", "description", "include", "exclude", "example")
        with self.hold_sync():
            self.codes = [{k: (int(row[k]) if k == "level" and cell_text(row[k]) else cell_text(row[k])) for k in keys}
                          for row in frame.to_dict("records")]
            past = self._project.codebook.history().tail(_HISTORY_ROWS).iloc[::-1]
            self.history = [{"at": row["at"].strftime(UTC_FORMAT) if hasattr(row["at"], "strftime") else
                             cell_text(row["at"]), **{k: cell_text(row[k]) for k in
                                                      ("coder", "event", "code", "detail", "rationale")}}
                            for row in past.to_dict("records")]
        return self

    def change(self, action: str, name: str, reason: str, **details: Any) -> None:
        """Make one change to the codebook as this coder, with its *reason* (required).

        *action* is one of :data:`CODEBOOK_ACTIONS`; *details*: ``to`` (rename), ``into`` (merge: a
        name; split: a list of names), ``parent``/``color``/``description`` (add), any of
        description, include, exclude, example, color, parent (edit).

        >>> CodebookEditor(p, "ana").change("retire", "reciprocity", reason="")
        Traceback (most recent call last):
        ...
        workbench.errors.WorkbenchError: Say why (a reason) before you retire a code: ...
        """
        if action not in CODEBOOK_ACTIONS:
            raise WorkbenchError(f"Unknown change {action!r}; choose one of {', '.join(CODEBOOK_ACTIONS)}.")
        if not isinstance(reason, str) or not reason.strip():
            raise WorkbenchError(f"Say why (a reason) before you {action} a code: the history keeps it for the team.")
        book, why = self._project.codebook, {"rationale": reason.strip(), "coder": self.coder}
        if action == "add":
            book.add(name, parent=details.get("parent") or None, color=details.get("color") or None,
                     description=details.get("description", ""), **why)
        elif action == "edit":
            changes = {k: v for k, v in details.items() if k in _EDITABLE}
            book.edit(name, **changes, **why)
        elif action == "rename":
            book.rename(name, _required(details, "to", "the new name"), **why)
        elif action == "merge":
            book.merge([name], into=_required(details, "into", "the code to merge into"), **why)
        elif action == "split":
            into = details.get("into")
            names = [n.strip() for n in (into.split(",") if isinstance(into, str) else into or []) if n.strip()]
            book.split(name, names, **why)
        else:
            getattr(book, action)(name, **why)
        self.reload()

    def _do_change(self, msg: dict) -> dict:
        details = msg.get("details") if isinstance(msg.get("details"), dict) else {}
        self.change(text_arg(msg, "action"), text_arg(msg, "name"), msg.get("reason") or "", **details)
        return {}


def _required(details: dict, key: str, what: str) -> str:
    value = details.get(key)
    if not isinstance(value, str) or not value.strip():
        raise WorkbenchError(f"Type {what} first.")
    return value.strip()


class JournalPanel(_Panel):
    """My memos, newest first, a place to write one, and the reflexive prompts at hand."""

    _noun = "journal"
    panel = t.Unicode("journal").tag(sync=True)
    memos = t.List().tag(sync=True)  # mine: [{memo_id, created_at, kind, title, text, narrative_id, code}]
    narratives = t.List().tag(sync=True)  # [{id, title}] to tie a memo to
    prompts = t.List().tag(sync=True)

    def __init__(self, project: Project, coder: str, prompts: Iterable[str] | None = None, **kwargs: Any) -> None:
        super().__init__(project, coder, prompts=list(prompts) if prompts is not None else list(PROMPTS), **kwargs)

    def __repr__(self) -> str:
        return f"<JournalPanel coder={self.coder!r} memos={len(self.memos)}>"

    def reload(self) -> "JournalPanel":
        """Read my memos again.

        >>> JournalPanel(p, "ana").reload().coder
        'ana'
        """
        frame = self._project.memos(coder=self.coder).iloc[::-1]
        keys = ("memo_id", "kind", "title", "text", "narrative_id", "code")
        with self.hold_sync():
            self.memos = [{**{k: cell_text(row[k]) for k in keys}, "created_at": cell_text(row["created_at"])}
                          for row in frame.to_dict("records")]
            self.narratives = [{"id": row["id"], "title": cell_text(row["title"])}
                               for row in self._project.narratives.to_dict("records")]
        return self

    def write(self, text: str, kind: str = "reflexive", narrative: str | None = None, title: str | None = None) -> str:
        """Write a memo as this coder; returns its id.

        >>> memo = JournalPanel(p, "ana").write("I hurried past the silence in this story.", narrative="kitchen-table")
        >>> memo in set(p.memos(coder="ana")["memo_id"])
        True
        """
        if not isinstance(text, str) or not text.strip():
            raise WorkbenchError("The memo is empty: write something first.")
        memo = self._project.memo(text, coder=self.coder, kind=kind, narrative=narrative or None, title=title or None)
        self.reload()
        return memo

    def _do_write(self, msg: dict) -> dict:
        return {"memo_id": self.write(msg.get("text") or "", kind=msg.get("kind") or "reflexive",
                                      narrative=msg.get("narrative") or None, title=msg.get("title") or None)}


class PeoplePanel(_Panel):
    """Stories and their attributes (editable; a new column), each story's consent shown."""

    _noun = "people and stories panel"
    panel = t.Unicode("people").tag(sync=True)
    columns = t.List().tag(sync=True)  # the attribute names
    rows = t.List().tag(sync=True)  # [{id, title, narrator, consent, values: {attribute: text}}]

    def __repr__(self) -> str:
        return f"<PeoplePanel coder={self.coder!r} stories={len(self.rows)}>"

    def reload(self) -> "PeoplePanel":
        """Read the stories' attributes again.

        >>> "setting" in PeoplePanel(p, "ana").reload().columns
        True
        """
        frame = self._project.narratives
        columns = list(self._project.attributes)
        with self.hold_sync():
            self.columns = columns + [c for c in self.columns if c not in columns]
            self.rows = [{"id": row["id"], "title": cell_text(row["title"]), "narrator": cell_text(row["narrator"]),
                          "consent": cell_text(row["consent"]), "values": {c: cell_text(row[c]) for c in columns}}
                         for row in frame.to_dict("records")]
        return self

    def set(self, narrative: str, attribute: str, value: str) -> None:
        """Set one attribute of one story (through ``p.set_attributes``).

        >>> PeoplePanel(p, "ana").set("kitchen-table", "setting", "kitchen")
        >>> p.narratives.set_index("id").at["kitchen-table", "setting"]
        'kitchen'
        """
        self._project.set_attributes(narrative, **{attribute: value})
        self.reload()

    def add_column(self, name: str) -> None:
        """Offer a new attribute column (it is written when a story gets a value in it).

        >>> panel = PeoplePanel(p, "ana"); panel.add_column("age group"); "age group" in panel.columns
        True
        """
        if not isinstance(name, str) or not name.strip():
            raise WorkbenchError("Type the new column's name first.")
        name = name.strip()
        if name in ("id", "title", "narrator", "consent", "text"):
            raise WorkbenchError(f"{name!r} is a column every story has already: choose another name.")
        if name not in self.columns:
            self.columns = [*self.columns, name]

    def _do_set(self, msg: dict) -> dict:
        value = msg.get("value")
        self.set(text_arg(msg, "narrative"), text_arg(msg, "attribute"), value if isinstance(value, str) else "")
        return {}

    def _do_add_column(self, msg: dict) -> dict:
        self.add_column(msg.get("name") or "")
        return {}
