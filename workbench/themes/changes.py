"""The changes that reshape themes: passages and negative cases, phases, renames, merges, splits, memos.

:class:`ThemeChanges` is the part of :class:`~workbench.themes.Themes` that writes these events;
each method checks everything first and writes one change, or raises and writes nothing.
"""

from __future__ import annotations

import secrets
from typing import Any, Iterable, Mapping

from .model import PHASES, ThemeError, check_texts


class ThemeChanges:
    """Passages, phases, renames, merges, splits, discards and memos of themes (mixed into ``Themes``)."""

    _writer: Any  # the ThemeWriter Themes was given

    # ---- passages ----------------------------------------------------------------------
    def add_passages(self, name: str, passages: Iterable[Any], coder: str, note: str = "",
                     negative: bool = False) -> list[str]:
        """Hand-pick passages for theme *name*: coding ids, or spans ``(narrative_id, start, end)`` or
        ``{"narrative": ..., "start": ..., "end": ...}``. Returns the passage ids.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> len(p.themes.add_passages("belonging", [cid, (nid, 0, 40)], coder="ana"))
        2
        """
        self._writer.refresh()
        theme = self.lookup(name)
        check_texts(note=note)
        items = [passages] if isinstance(passages, (str, Mapping)) else list(passages)
        if not items:
            raise ThemeError("add_passages() needs at least one coding id or span.")
        events = []
        for item in items:
            located = self._writer.passage(item)
            events.append({"event": "passage", "theme_id": theme.theme_id, "passage_id": secrets.token_hex(6),
                           **located, "negative": bool(negative), "note": note or None})
        self._write(events, coder)
        return [e["passage_id"] for e in events]

    def add_negative_cases(self, name: str, passages: Iterable[Any], coder: str, note: str = "") -> list[str]:
        """Mark passages as negative cases of theme *name* (they do not fit it): kept and shown, never dropped.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> len(p.themes.add_negative_cases("belonging", [cid], coder="ben", note="she felt a guest here"))
        1
        """
        return self.add_passages(name, passages, coder=coder, note=note, negative=True)

    def remove_passages(self, name: str, passages: Iterable[str] | str, coder: str, rationale: str = "") -> None:
        """Take hand-picked passages (by passage id or coding id) out of theme *name*; the history keeps them.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> _ = p.themes.add_passages("belonging", [cid], coder="ana")
        >>> p.themes.remove_passages("belonging", [cid], coder="ana", rationale="about the group, not belonging")
        """
        self._writer.refresh()
        theme = self.lookup(name)
        check_texts(rationale=rationale)
        wanted = [passages] if isinstance(passages, str) else list(passages)
        events = []
        for item in wanted:
            hits = [e for pid, e in theme.passages.items() if item in (pid, e.get("coding"))]
            if not hits:
                raise ThemeError(f"Theme {theme.name!r} has no passage {item!r}; "
                                 f"see p.themes.passages({theme.name!r}).")
            events += [{"event": "unpassage", "theme_id": theme.theme_id, "passage_id": e["passage_id"],
                        "narrative": e.get("narrative"), "rationale": rationale} for e in hits]
        self._write(events, coder)

    # ---- phases, names -----------------------------------------------------------------
    def set_phase(self, name: str, phase: str, coder: str, rationale: str = "") -> None:
        """Move theme *name* to *phase* (``candidate``, ``reviewed``, ``defined``, ``reported``). Moving back
        needs a *rationale*; every move records who, when and why.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.set_phase("belonging", "defined", coder="ana", rationale="named and bounded")
        >>> p.themes.set_phase("belonging", "candidate", coder="ben", rationale="two stories contradict it")
        """
        self._writer.refresh()
        theme = self.lookup(name)
        check_texts(rationale=rationale)
        if phase not in PHASES:
            raise ThemeError(f"phase must be one of {', '.join(PHASES)}, not {phase!r}.")
        if phase == theme.phase:
            raise ThemeError(f"Theme {theme.name!r} is already {phase!r}.")
        if PHASES.index(phase) < PHASES.index(theme.phase) and not rationale.strip():
            raise ThemeError(f"Moving {theme.name!r} back from {theme.phase!r} to {phase!r} needs a reason: "
                             "rationale='...'.")
        self._write([{"event": "phase", "theme_id": theme.theme_id, "from": theme.phase, "to": phase,
                      "rationale": rationale}], coder)

    def rename(self, name: str, new_name: str, coder: str, rationale: str = "") -> None:
        """Rename theme *name*; its history keeps the old name.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.rename("belonging", "a place kept for me", coder="ana", rationale="the narrators' words")
        """
        self._writer.refresh()
        theme = self.lookup(name)
        check_texts(rationale=rationale)
        clean = self._checked_name(new_name) if new_name.casefold() != theme.name.casefold() else new_name.strip()
        self._write([{"event": "rename", "theme_id": theme.theme_id, "from": theme.name, "to": clean,
                      "rationale": rationale}], coder)

    # ---- merge, split, discard ---------------------------------------------------------
    def merge(self, names: Iterable[str] | str, into: str, coder: str, rationale: str = "") -> str:
        """Merge themes *names* into *into* (an existing theme, or a new one made here): it gathers all their
        codes and passages. Returns the name of the theme merged into.

        >>> _ = p.themes.add("belonging", codes=["community"], coder="ana")
        >>> _ = p.themes.add("being expected", codes=["reciprocity"], coder="ben")
        >>> p.themes.merge(["belonging", "being expected"], into="a place kept for me", coder="ana",
        ...                rationale="the same idea told twice")
        'a place kept for me'
        """
        self._writer.refresh()
        check_texts(rationale=rationale)
        sources = [self.lookup(n) for n in ([names] if isinstance(names, str) else list(names))]
        events: list[dict] = []
        if into in self:
            target_id = self.lookup(into).theme_id
        else:
            first = sources[0] if sources else None
            add = self._add_event(into, f"Merged from {', '.join(s.name for s in sources)}.", "", (),
                                  first.color if first else None, first.owner if first else coder, rationale)
            events.append(add)
            target_id = add["theme_id"]
        ids = list(dict.fromkeys(s.theme_id for s in sources if s.theme_id != target_id))
        if not ids:
            raise ThemeError(f"Nothing to merge: name the themes to merge into {into!r}.")
        events.append({"event": "merge", "sources": ids, "into": target_id, "rationale": rationale})
        self._write(events, coder)
        return self._state()[target_id].name

    def split(self, name: str, into: Mapping[str, Any] | Iterable[str], coder: str, rationale: str = "",
              keep: bool = False) -> list[str]:
        """Split theme *name* into new themes: ``{new name: [codes]}`` (or ``{new name: {"codes": [...],
        "definition": "..."}}``, or a list of names). Hand-picked passages stay with the original, which is
        discarded unless ``keep=True``. Returns the new names.

        >>> _ = p.themes.add("care", codes=["reciprocity", "community"], coder="ana")
        >>> p.themes.split("care", {"giving back": ["reciprocity"], "a group": ["community"]}, coder="ana",
        ...                rationale="two ideas")
        ['giving back', 'a group']
        """
        self._writer.refresh()
        theme = self.lookup(name)
        check_texts(rationale=rationale)
        parts = dict(into) if isinstance(into, Mapping) else {n: [] for n in into}
        if not parts:
            raise ThemeError("split() needs the new themes: {'new name': ['code', ...], ...}.")
        events, taken = [], []
        for new_name, spec in parts.items():
            spec = spec if isinstance(spec, Mapping) else {"codes": spec}
            events.append(self._add_event(new_name, spec.get("definition", ""), spec.get("idea", ""),
                                          spec.get("codes", ()), None, theme.owner, rationale, taken))
            taken.append(events[-1]["name"])
        events.append({"event": "split", "theme_id": theme.theme_id, "into": [e["theme_id"] for e in events],
                       "keep": bool(keep), "rationale": rationale})
        self._write(events, coder)
        return taken

    def discard(self, name: str, coder: str, rationale: str = "") -> None:
        """Set theme *name* aside (it leaves the list; its history stays, and :meth:`reinstate` brings it back).

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.discard("belonging", coder="ana", rationale="only two stories")
        """
        self._writer.refresh()
        theme = self.lookup(name)
        self._write([{"event": "discard", "theme_id": theme.theme_id, "rationale": rationale}], coder)

    def reinstate(self, name: str, coder: str, rationale: str = "") -> None:
        """Bring back a discarded or merged theme (by its name or id).

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.discard("belonging", coder="ana")
        >>> p.themes.reinstate("belonging", coder="ben", rationale="three more stories since")
        """
        self._writer.refresh()
        themes = self._state()
        hits = [t for t in themes.values() if t.status != "active" and name in (t.theme_id, t.name)]
        if not hits:
            raise ThemeError(f"{name!r} is not a discarded or merged theme.")
        self._checked_name(hits[-1].name)
        self._write([{"event": "reinstate", "theme_id": hits[-1].theme_id, "rationale": rationale}], coder)

    def write_memo(self, name: str, text: str, coder: str) -> str:
        """Write a theme memo: the analytic narrative of theme *name* (the findings document uses the latest).

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> len(p.themes.write_memo("belonging", "Belonging is being expected, not welcomed.", coder="ana"))
        12
        """
        self._writer.refresh()
        theme = self.lookup(name)
        if not isinstance(text, str) or not text.strip():
            raise ThemeError("A theme memo needs some text.")
        memo_id = secrets.token_hex(6)
        self._write([{"event": "memo", "theme_id": theme.theme_id, "memo_id": memo_id, "text": text.strip()}], coder)
        return memo_id
