"""Memos that people can take back: a private journal, edits that keep history, deletion, dialogue replies.

The part of :class:`~workbench.project.Project` behind ``p.memo(..., private=True)``,
``p.journal``, ``p.publish``, ``p.edit_memo``, ``p.delete_memo``, ``p.reply`` and ``p.dialogue``
(see docs/care.md, "A private journal").
"""

from __future__ import annotations

import secrets
from typing import Any

import pandas as pd

from ..care.journal import Journal
from ..errors import WorkbenchError
from ..names import check_coder
from ..store.events import memo_change
from .memos import current_memos, memos_frame

REPLY_COLUMNS = ["memo_id", "coder", "at", "text"]


def _words(text: Any, what: str = "A memo") -> str:
    if not isinstance(text, str) or not text.strip():
        raise WorkbenchError(f"{what} needs some text.")
    return text.strip()


class MemoCare:
    """What a project does with memos beyond writing them: private ones, edits, deletions, replies."""

    _folder: Any
    codebook: Any

    def _journal(self, coder: str) -> Journal:
        """*coder*'s journal, without entries about a story its narrator has withdrawn (removed as it opens)."""
        journal = Journal(self._folder.project_id, self._folder.path, check_coder(coder))
        records = journal.records()
        withdrawn = self._folder.withdrawals.among({r.get("narrative") for r in records if r.get("narrative")})
        if withdrawn:
            journal.drop({r.get("id") for r in records if r.get("narrative") in withdrawn})
        return journal

    def journal(self, coder: str) -> pd.DataFrame:
        """*coder*'s private memos, as :meth:`memos` shows shared ones; they live outside the project folder.

        >>> mid = p.memo("My brother's story came back to me here.", coder="ana", private=True)
        >>> p.journal("ana")["text"].tolist()
        ["My brother's story came back to me here."]
        >>> mid in p.memos()["memo_id"].tolist()
        False
        """
        records = [dict(r, coder=coder) for r in self._journal(coder).records()]
        return memos_frame(records, self.codebook.name_map(), self._folder.withdrawals.among)

    def _write_private(self, event: dict, coder: str) -> str:
        self._journal(coder).write(event)
        return event["id"]

    def publish(self, memo_id: str, coder: str) -> str:
        """Move one of *coder*'s private memos into the shared project (it leaves the journal); its id.

        >>> mid = p.memo("Reading this, I trust the group more than I did.", coder="ana", private=True)
        >>> p.publish(mid, "ana") in p.memos()["memo_id"].tolist()
        True
        """
        journal = self._journal(coder)
        entry = next((m for m in current_memos(dict(r, coder=coder) for r in journal.records())
                      if m.get("id") == memo_id), None)
        if entry is None:
            raise WorkbenchError(f"There is no memo {memo_id!r} in {coder}'s private journal; "
                                 f"see p.journal({coder!r}).")
        entry.pop("deleted", None)
        entry["at"] = self._folder.now()
        self._folder.write_memo(coder, entry)
        journal.remove(memo_id)
        return memo_id

    def _own_memo(self, memo_id: str, coder: str) -> tuple[dict, bool]:
        """The memo *memo_id* as it reads now, and whether it is private; only its writer may change it."""
        check_coder(coder)
        private = {m.get("id"): m for m in current_memos(dict(r, coder=coder)
                                                         for r in self._journal(coder).records())}
        if memo_id in private:
            return private[memo_id], True
        self.refresh()
        shared = {m.get("id"): m for m in current_memos(self._folder.memos.records)}
        if memo_id not in shared:
            raise WorkbenchError(f"There is no memo {memo_id!r} (deleted, or never written); see p.memos().")
        if shared[memo_id].get("coder") != coder:
            raise WorkbenchError(f"Memo {memo_id!r} is {shared[memo_id].get('coder')!r}'s: only its writer can "
                                 "change or delete it. Answer it with p.reply(...) or a memo of your own.")
        return shared[memo_id], False

    def edit_memo(self, memo_id: str, text: str, coder: str, title: str | None = None) -> None:
        """Change the words of one of your memos; the earlier words stay in the history (:meth:`memo_history`).

        >>> mid = p.memo("I read this as coercion.", coder="ana", kind="analytic")
        >>> p.edit_memo(mid, "I read this as pressure, not coercion.", coder="ana")
        >>> p.memos(coder="ana").set_index("memo_id").loc[mid, "text"]
        'I read this as pressure, not coercion.'
        """
        _, private = self._own_memo(memo_id, coder)
        event = memo_change(event="edit", id=memo_id, coder=coder, at=self._folder.now(), text=_words(text),
                            title=title)
        if private:
            self._journal(coder).write(event)
        else:
            self._folder.memos.write(coder, [event])

    def delete_memo(self, memo_id: str, coder: str) -> None:
        """Delete one of your memos: its words (and earlier versions) leave the folder; a tombstone says when.

        >>> mid = p.memo("Too close to home to keep.", coder="ana")
        >>> p.delete_memo(mid, coder="ana")
        >>> mid in p.memos()["memo_id"].tolist()
        False
        """
        _, private = self._own_memo(memo_id, coder)
        if private:
            self._journal(coder).remove(memo_id)
            return
        self._folder.delete_memo(coder, memo_id, memo_change(event="deleted", id=memo_id, coder=coder,
                                                             at=self._folder.now()))

    def memo_history(self, memo_id: str, coder: str | None = None) -> pd.DataFrame:
        """Every version of a memo, oldest first: at, coder, event (memo, edit, deleted), text.

        A private memo's history is read from *coder*'s journal.

        >>> mid = p.memo("first reading", coder="ana")
        >>> p.edit_memo(mid, "second reading", coder="ana")
        >>> p.memo_history(mid)["text"].tolist()
        ['first reading', 'second reading']
        """
        self.refresh()
        records = self._folder.memos.records
        if coder is not None:
            records = [*records, *(dict(r, coder=coder) for r in self._journal(coder).records())]
        rows = [{"at": r.get("at"), "coder": r.get("coder"), "event": r.get("event"), "text": r.get("text") or ""}
                for r in records if r.get("id") == memo_id and r.get("event") in ("memo", "edit", "deleted")]
        return pd.DataFrame(rows, columns=["at", "coder", "event", "text"])

    def reply(self, memo_id: str, text: str, coder: str) -> str:
        """Add your own reply to a dialogue memo (its writer or one of its participants); returns the reply's id.

        >>> mid = p.memo("We read the silence differently.", coder="ana", kind="dialogue",
        ...              participants=["ana", "ben"])
        >>> rid = p.reply(mid, "For me the silence was rest, not fear.", coder="ben")
        >>> p.dialogue(mid)[["coder", "text"]].values.tolist()[1]
        ['ben', 'For me the silence was rest, not fear.']
        """
        check_coder(coder)
        self.refresh()
        memo = {m.get("id"): m for m in current_memos(self._folder.memos.records)}.get(memo_id)
        if memo is None or memo.get("kind") != "dialogue":
            raise WorkbenchError(f"{memo_id!r} is not a shared dialogue memo; replies go to dialogue memos "
                                 "(p.memo(..., kind='dialogue', participants=[...])).")
        allowed = {memo.get("coder"), *(memo.get("participants") or [])}
        if coder not in allowed:
            raise WorkbenchError(f"{coder!r} did not take part in this dialogue ({', '.join(sorted(allowed))}); "
                                 "write a memo of your own instead.")
        event = memo_change(event="reply", id=secrets.token_hex(8), coder=coder, at=self._folder.now(),
                            memo=memo_id, text=_words(text, "A reply"))
        self._folder.write_memo(coder, event)
        return event["id"]

    def dialogue(self, memo_id: str) -> pd.DataFrame:
        """A dialogue memo and every reply to it, in the order they were written: memo_id, coder, at, text.

        >>> mid = p.memo("Where does help go one way?", coder="ana", kind="dialogue", participants=["ben"])
        >>> len(p.dialogue(mid))
        1
        """
        self.refresh()
        records = self._folder.memos.records
        memo = {m.get("id"): m for m in current_memos(records)}.get(memo_id)
        if memo is None:
            raise WorkbenchError(f"There is no shared memo {memo_id!r}; see p.memos().")
        rows = [{"memo_id": memo_id, "coder": memo.get("coder"), "at": memo.get("at"), "text": memo.get("text")}]
        rows += [{"memo_id": r.get("id"), "coder": r.get("coder"), "at": r.get("at"), "text": r.get("text")}
                 for r in records if r.get("event") == "reply" and r.get("memo") == memo_id]
        frame = pd.DataFrame(rows, columns=REPLY_COLUMNS)
        return frame.sort_values("at", kind="stable").reset_index(drop=True)

    def refresh(self) -> Any:  # pragma: no cover - Project's
        """Pick up what others wrote (Project's)."""
        raise NotImplementedError
