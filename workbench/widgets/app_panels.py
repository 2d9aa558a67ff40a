"""The app's own panels: the codebook editor, and people and stories.

>>> editor = CodebookEditor(p, "ana")
>>> editor.change("rename", "reciprocity", reason="the team's word", to="give and take")
'Done: rename reciprocity.'
>>> past = p.codebook.history()
>>> past[past["event"] == "rename"].iloc[-1]["rationale"]
"the team's word"

Each panel writes only through the public API (``p.codebook``, ``p.memo``, ``p.set_attributes``);
every change to the codebook asks for a reason, which the history keeps beside it.
"""

from __future__ import annotations

from typing import Any

import traitlets as t

from ..errors import WorkbenchError
from ..project import Project
from . import _assets
from ._base import UTC_FORMAT, ProjectWidget, cell_text, text_arg

__all__ = ["CodebookEditor", "PeoplePanel", "Panel", "CODEBOOK_ACTIONS"]

#: What the codebook editor can do to a code; each needs a reason.
CODEBOOK_ACTIONS = ("add", "edit", "rename", "merge", "split", "retire", "reinstate")
_EDITABLE = ("description", "include", "exclude", "example", "color", "parent")
_HISTORY_ROWS = 300


class Panel(ProjectWidget):
    """What the app's own panels share: the front end (``app.js``), a ``panel`` name, a ``reload``."""

    _esm = _assets.esm("app.js")
    _css = _assets.css("app.css")
    panel = t.Unicode("").tag(sync=True)

    def __init__(self, project: Project, coder: str, **kwargs: Any) -> None:
        super().__init__(project, coder, **kwargs)
        self.reload()
        self.on_msg(self._on_msg)

    def reload(self) -> "Panel":
        """Read the project again and show what it holds now."""
        return self

    def _do_reload(self, _msg: dict) -> dict:
        self._project.refresh()
        self.reload()
        return {}


class CodebookEditor(Panel):
    """The codebook as a tree, a form for the chosen code, and the history beside it."""

    _noun = "codebook editor"
    panel = t.Unicode("codebook").tag(sync=True)
    codes = t.List().tag(sync=True)  # [{name, parent, level, color, status, description, include, exclude, example}]
    history = t.List().tag(sync=True)  # newest first: [{at, coder, event, code, detail, rationale}]
    rule = t.Unicode("").tag(sync=True)  # how changes are made here, in a sentence
    proposals = t.List().tag(sync=True)  # pending: [{proposal_id, summary, proposed_by, rationale, endorsed_by, ...}]

    def __repr__(self) -> str:
        return f"<CodebookEditor coder={self.coder!r} codes={len(self.codes)}>"

    def reload(self) -> "CodebookEditor":
        """Read the codebook again.

        >>> len(CodebookEditor(p, "ana").reload().codes) >= len(p.codebook)
        True
        """
        book = self._project.codebook
        frame = book.to_frame(include_inactive=True)
        keys = ("name", "parent", "level", "color", "status", "description", "include", "exclude", "example")
        with self.hold_sync():
            self.codes = [{k: (int(row[k]) if k == "level" and cell_text(row[k]) else cell_text(row[k])) for k in keys}
                          for row in frame.to_dict("records")]
            past = book.history().tail(_HISTORY_ROWS).iloc[::-1]
            self.history = [{"at": row["at"].strftime(UTC_FORMAT) if hasattr(row["at"], "strftime") else
                             cell_text(row["at"]), **{k: cell_text(row[k]) for k in
                                                      ("coder", "event", "code", "detail", "rationale")}}
                            for row in past.to_dict("records")]
            rule = book.governance
            self.rule = ("Open: a change applies at once." if rule.get("mode") == "open" else
                         "Proposals: a change waits until the team's rule is met.")
            keys = ("proposal_id", "summary", "proposed_by", "rationale", "endorsed_by", "objected_by", "rule")
            self.proposals = [{k: cell_text(row[k]) for k in keys}
                              for row in book.proposals().to_dict("records")] if rule.get("mode") != "open" else []
        return self

    def voice(self, proposal_id: str, how: str, text: str) -> str:
        """Endorse, object to or (your own) withdraw a pending proposal, in your own words; its status after.

        >>> p.set_governance("proposals", endorsements=1)
        >>> pid = p.codebook.retire("power dynamics", rationale="too vague", coder="ben").proposal_id
        >>> CodebookEditor(p, "ana").voice(pid, "endorse", "yes, we never used it")
        'applied'
        """
        book = self._project.codebook
        act = {"endorse": book.endorse, "object": book.object, "withdraw": book.withdraw_proposal}.get(how)
        if act is None:
            raise WorkbenchError(f"Say 'endorse', 'object' or 'withdraw', not {how!r}.")
        if how != "withdraw" and (not isinstance(text, str) or not text.strip()):
            raise WorkbenchError(f"Say why, in your own words, before you {how}.")
        status = act(proposal_id, self.coder, text.strip()).status
        self.reload()
        return status

    def _do_voice(self, msg: dict) -> dict:
        return {"status": self.voice(text_arg(msg, "proposal"), text_arg(msg, "how"), msg.get("text") or "")}

    def change(self, action: str, name: str, reason: str, **details: Any) -> str:
        """Make one change to the codebook as this coder, with its *reason* (required).

        *action* is one of :data:`CODEBOOK_ACTIONS`; *details*: ``to`` (rename), ``into`` (merge: a
        name; split: a list of names), ``parent``/``color``/``description`` (add), any of
        description, include, exclude, example, color, parent (edit).

        >>> CodebookEditor(p, "ana").change("retire", "barriers", reason="reached")
        'Done: retire barriers.'
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
        done: Any = None
        if action == "add":
            done = book.add(name, parent=details.get("parent") or None, color=details.get("color") or None,
                     description=details.get("description", ""), **why)
        elif action == "edit":
            changes = {k: v for k, v in details.items() if k in _EDITABLE}
            done = book.edit(name, **changes, **why)
        elif action == "rename":
            done = book.rename(name, _required(details, "to", "the new name"), **why)
        elif action == "merge":
            done = book.merge([name], into=_required(details, "into", "the code to merge into"), **why)
        elif action == "split":
            into = details.get("into")
            names = [n.strip() for n in (into.split(",") if isinstance(into, str) else into or []) if n.strip()]
            done = book.split(name, names, **why)
        else:
            done = getattr(book, action)(name, **why)
        self.reload()
        if getattr(done, "proposal_id", None) and getattr(done, "status", "") == "pending":
            rule = next((x["rule"] for x in self.proposals if x["proposal_id"] == done.proposal_id), "")
            return f"Proposed: {done.summary}. It takes effect when {rule or 'the rule is met'}."
        return f"Done: {action} {name}."

    def _do_change(self, msg: dict) -> dict:
        details = msg.get("details") if isinstance(msg.get("details"), dict) else {}
        return {"said": self.change(text_arg(msg, "action"), text_arg(msg, "name"), msg.get("reason") or "", **details)}


def _required(details: dict, key: str, what: str) -> str:
    value = details.get(key)
    if not isinstance(value, str) or not value.strip():
        raise WorkbenchError(f"Type {what} first.")
    return value.strip()


class PeoplePanel(Panel):
    """Stories and their attributes (editable; a new column), each story's consent shown."""

    _noun = "people and stories panel"
    panel = t.Unicode("people").tag(sync=True)
    columns = t.List().tag(sync=True)  # the attribute names
    rows = t.List().tag(sync=True)  # [{id, title, narrator, consent, values: {attribute: text}}]
    coder_columns = t.List().tag(sync=True)  # what the team records about its coders (role, ...)
    coder_rows = t.List().tag(sync=True)  # [{coder, values: {attribute: text}}]

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
            people = self._project.coder_attributes
            known = [str(c) for c in people.columns]
            self.coder_columns = known + [c for c in self.coder_columns if c not in known] or ["role"]
            self.coder_rows = [{"coder": name, "values": {c: _unset(people.at[name, c]) if name in people.index else ""
                                                          for c in known}}
                               for name in sorted({*self._project.coders, *map(str, people.index), self.coder})]
        return self

    def set_coder(self, coder: str, attribute: str, value: str) -> None:
        """Record one attribute of one coder (``p.set_coder_attributes``, recorded by this panel's coder).

        >>> PeoplePanel(p, "ana").set_coder("ben", "role", "researcher")
        >>> p.coder_attributes.loc["ben", "role"]
        'researcher'
        """
        self._project.set_coder_attributes(coder, by=self.coder, **{attribute: value})
        self.reload()

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
        if msg.get("coders") is True:
            name = msg.get("name")
            if not isinstance(name, str) or not name.strip():
                raise WorkbenchError("Type the new column's name first.")
            if name.strip() not in self.coder_columns:
                self.coder_columns = [*self.coder_columns, name.strip()]
        else:
            self.add_column(msg.get("name") or "")
        return {}

    def _do_set_coder(self, msg: dict) -> dict:
        value = msg.get("value")
        self.set_coder(text_arg(msg, "coder"), text_arg(msg, "attribute"), value if isinstance(value, str) else "")
        return {}


def _unset(value: Any) -> str:
    text = cell_text(value)
    return "" if text == "(not set)" else text
