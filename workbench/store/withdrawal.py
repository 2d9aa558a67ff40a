"""Withdrawal on disk: tombstones, and a withdrawn story purged from every log.

``events/withdrawals.jsonl`` holds one tombstone per withdrawn narrative: when, by whom, why,
and a one-way key (:func:`workbench.consent.tombstone_key`) instead of the narrative's id, so
writers can refuse the story without the folder keeping its name. Purging is the one exception
to append-only: each log is rewritten, under its lock, without the story's events. The text, its
structure (turns, times, pages) and its recording leave with its row (``NarrativeStore.remove``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from .._files import file_stamp
from ..consent import tombstone_key
from ..errors import ConsentError
from . import logs
from .events import dumps

#: What a codebook text quoting a withdrawn story becomes.
REMOVED_QUOTE = "[removed: it quoted a withdrawn story]"
_QUOTING_FIELDS = ("description", "include", "exclude", "example", "rationale", "definition", "idea", "text")


class Withdrawals:
    """The tombstones of withdrawn narratives (``events/withdrawals.jsonl``)."""

    def __init__(self, root: Path) -> None:
        self.path = root / "events" / "withdrawals.jsonl"
        self._locks = root / ".locks"
        self.keys: set[str] = set()
        self._stamp: tuple | None = None

    def load(self) -> bool:
        """Read the tombstones again if the file changed; True when they changed since the last look."""
        stamp = file_stamp(self.path)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.keys = {r["key"] for r in self.records() if r.get("key")}
        return True

    def records(self) -> list[dict]:
        """Every tombstone on disk: event, key, at, by, reason."""
        return logs.parse_lines(self.path.read_bytes(), self.path) if self.path.exists() else []

    def among(self, nids: Iterable[Any]) -> set:
        """Those of *nids* whose narratives were withdrawn."""
        if not self.keys:
            return set()
        return {n for n in nids if isinstance(n, str) and tombstone_key(n) in self.keys}

    def refuse(self, nids: Iterable[Any]) -> None:
        """Raise :class:`ConsentError` if any of *nids* was withdrawn, as another process may just have done."""
        self.load()
        hit = self.among(nids)
        if hit:
            raise ConsentError(f"Narrative(s) {sorted(hit)} were withdrawn by their narrator; nothing was written.")

    def record(self, nid: str, at: str, by: str, reason: str) -> None:
        """Append the tombstone of *nid*: from now on every writer refuses it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with logs.lock_for(self.path, self._locks):
            logs.append_lines(self.path, dumps({"event": "withdrawn", "key": tombstone_key(nid), "at": at,
                                                "by": by, "reason": reason}))
        self.load()


def without_story(records: list[dict], nid: str, anchored: frozenset = frozenset()) -> list[dict] | None:
    """*records* (a coding or memo log) without narrative *nid*'s events, or None if none were there.

    A memo's edits and the replies to it leave with it (*anchored*: ids of the story's memos in other logs).

    >>> without_story([{"event": "coded", "id": "c1", "narrative": "n"}, {"event": "noted", "coding": "c1"}], "n")
    []
    """
    removed = {r.get("id") for r in records if r.get("narrative") == nid and r.get("event") in ("coded", "memo")}
    removed |= anchored
    kept = [r for r in records if r.get("narrative") != nid and r.get("coding") not in removed
            and r.get("memo") not in removed and not (r.get("event") == "edit" and r.get("id") in removed)]
    return kept if len(kept) != len(records) else None


def word_runs(text: str, size: int = 4) -> set[tuple[str, ...]]:
    """Every run of *size* words of *text*, lower-cased: enough to tell that another text quotes it.

    >>> sorted(word_runs("One two three four five"))
    [('one', 'two', 'three', 'four'), ('two', 'three', 'four', 'five')]
    """
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def scrub_quotes(records: list[dict], story_runs: set[tuple[str, ...]]) -> list[dict] | None:
    """Codebook *records* with every text that quotes the story blanked, or None if none did.

    >>> scrub_quotes([{"example": "she said we ate at the kitchen table"}], word_runs("at the kitchen table"))
    [{'example': '[removed: it quoted a withdrawn story]'}]
    """
    changed = False
    for record in records:
        for holder in (record, record.get("changes") or {}):
            for key in _QUOTING_FIELDS:
                value = holder.get(key)
                if isinstance(value, str) and word_runs(value) & story_runs:
                    holder[key] = REMOVED_QUOTE
                    changed = True
    return records if changed else None
