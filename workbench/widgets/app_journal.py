"""The app's Journal: my memos (private or shared, edit, delete, publish), the reflexive prompts at hand,
and the dialogues I take part in, where each person answers in their own words.

>>> j = JournalPanel(p, "ana")
>>> mid = j.write("This story is close to my own year.", private=True)
>>> [m["private"] for m in j.memos if m["memo_id"] == mid]
[True]
>>> j.delete(mid); mid in p.journal("ana")["memo_id"].tolist()
False

Private memos live in the writer's own journal, outside the project folder (``p.memo(..., private=True)``);
everything goes through the public API (``p.memo``, ``p.edit_memo``, ``p.delete_memo``, ``p.publish``,
``p.reply``).
"""

from __future__ import annotations

from typing import Any, Iterable

import traitlets as t

from ..errors import WorkbenchError
from ..project import Project
from ._base import cell_text, text_arg
from .app_panels import Panel
from .coding import PROMPTS

__all__ = ["JournalPanel"]

_KEYS = ("memo_id", "kind", "title", "text", "narrative_id", "code")


def _rows(frame: Any, private: bool) -> list[dict]:
    return [{**{k: cell_text(row[k]) for k in _KEYS}, "created_at": cell_text(row["created_at"]), "private": private}
            for row in frame.to_dict("records")]


class JournalPanel(Panel):
    """My memos, newest first, a place to write one, the prompts, and my dialogues with their replies."""

    _noun = "journal"
    panel = t.Unicode("journal").tag(sync=True)
    memos = t.List().tag(sync=True)  # mine: [{memo_id, created_at, kind, title, text, narrative_id, code, private}]
    dialogues = t.List().tag(sync=True)  # [{memo_id, coder, title, participants, replies: [{coder, at, text}]}]
    narratives = t.List().tag(sync=True)  # [{id, title}] to tie a memo to
    prompts = t.List().tag(sync=True)

    def __init__(self, project: Project, coder: str, prompts: Iterable[str] | None = None, **kwargs: Any) -> None:
        super().__init__(project, coder, prompts=list(prompts) if prompts is not None else list(PROMPTS), **kwargs)

    def __repr__(self) -> str:
        return f"<JournalPanel coder={self.coder!r} memos={len(self.memos)}>"

    def reload(self) -> "JournalPanel":
        """Read my memos and dialogues again.

        >>> JournalPanel(p, "ana").reload().coder
        'ana'
        """
        p = self._project
        mine = _rows(p.journal(self.coder), True) + _rows(p.memos(coder=self.coder), False)
        shared = p.memos(kind="dialogue")
        dialogues = []
        for row in shared.to_dict("records"):
            people = [row["coder"], *(row["participants"] if isinstance(row["participants"], list) else [])]
            if self.coder in people:
                replies = p.dialogue(row["memo_id"]).to_dict("records")
                dialogues.append({"memo_id": row["memo_id"], "title": cell_text(row["title"]),
                                  "participants": [cell_text(x) for x in people],
                                  "replies": [{k: cell_text(r[k]) for k in ("coder", "at", "text")} for r in replies]})
        with self.hold_sync():
            self.memos = sorted(mine, key=lambda m: m["created_at"], reverse=True)
            self.dialogues = dialogues
            self.narratives = [{"id": row["id"], "title": cell_text(row["title"])}
                               for row in p.narratives.to_dict("records")]
        return self

    def write(self, text: str, kind: str = "reflexive", narrative: str | None = None, title: str | None = None,
              private: bool = False) -> str:
        """Write a memo as this coder (*private*: in my own journal, outside the project); returns its id.

        >>> memo = JournalPanel(p, "ana").write("I hurried past the silence in this story.", narrative="kitchen-table")
        >>> memo in set(p.memos(coder="ana")["memo_id"])
        True
        """
        if not isinstance(text, str) or not text.strip():
            raise WorkbenchError("The memo is empty: write something first.")
        memo = self._project.memo(text, coder=self.coder, kind=kind, narrative=narrative or None, title=title or None,
                                  private=bool(private))
        self.reload()
        return memo

    def edit(self, memo_id: str, text: str) -> None:
        """Change the words of one of my memos (the earlier words stay in its history).

        >>> j = JournalPanel(p, "ana"); mid = j.write("first thought")
        >>> j.edit(mid, "second thought"); p.memo_history(mid)["text"].tolist()
        ['first thought', 'second thought']
        """
        self._project.edit_memo(memo_id, text, coder=self.coder)
        self.reload()

    def delete(self, memo_id: str) -> None:
        """Delete one of my memos: its words leave the project (a shared one leaves a content-free tombstone).

        >>> j = JournalPanel(p, "ana"); mid = j.write("too close to home")
        >>> j.delete(mid); mid in p.memos()["memo_id"].tolist()
        False
        """
        self._project.delete_memo(memo_id, coder=self.coder)
        self.reload()

    def publish(self, memo_id: str) -> None:
        """Move one of my private memos into the shared project.

        >>> j = JournalPanel(p, "ana"); mid = j.write("ready to share", private=True)
        >>> j.publish(mid); mid in p.memos()["memo_id"].tolist()
        True
        """
        self._project.publish(memo_id, self.coder)
        self.reload()

    def reply(self, memo_id: str, text: str) -> None:
        """Answer a dialogue I take part in, in my own words.

        >>> mid = p.memo("We read it differently.", coder="ben", kind="dialogue", participants=["ana"])
        >>> j = JournalPanel(p, "ana"); j.reply(mid, "For me it was rest."); j.dialogues[0]["replies"][-1]["text"]
        'For me it was rest.'
        """
        self._project.reply(memo_id, text, coder=self.coder)
        self.reload()

    def _do_write(self, msg: dict) -> dict:
        return {"memo_id": self.write(msg.get("text") or "", kind=msg.get("kind") or "reflexive",
                                      narrative=msg.get("narrative") or None, title=msg.get("title") or None,
                                      private=msg.get("private") is True)}

    def _do_edit(self, msg: dict) -> dict:
        self.edit(text_arg(msg, "memo"), msg.get("text") or "")
        return {}

    def _do_delete(self, msg: dict) -> dict:
        self.delete(text_arg(msg, "memo"))
        return {}

    def _do_publish(self, msg: dict) -> dict:
        self.publish(text_arg(msg, "memo"))
        return {}

    def _do_reply(self, msg: dict) -> dict:
        self.reply(text_arg(msg, "memo"), msg.get("text") or "")
        return {}
