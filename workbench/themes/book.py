"""The :class:`Themes` of a project (``p.themes``): themes folded from theme events, and the changes people make."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import pandas as pd

from .._text import slugify
from ..codebook import PALETTE, check_color
from ..errors import WorkbenchError
from ..names import check_code_name, check_coder
from .changes import ThemeChanges
from .model import PHASES, Theme, ThemeError, check_texts, describe, fold

FRAME_COLUMNS = ["name", "definition", "idea", "phase", "codes", "passages", "negative_cases", "owner", "color",
                 "status", "theme_id", "created_at", "created_by", "updated_at"]
HISTORY_COLUMNS = ["at", "coder", "event", "theme", "detail", "rationale"]
PASSAGE_COLUMNS = ["passage_id", "coding_id", "narrative_id", "start", "end", "negative", "note", "coder", "at"]
_ID = re.compile(r"^[a-z0-9-]+-[0-9a-f]{6}$")


@dataclass(frozen=True)
class ThemeWriter:
    """What :class:`Themes` needs of its project: a fresh look, its theme records, a way to write, the codebook,
    and a check that turns a passage (a coding id or a span) into ``{coding, narrative, start, end}``.

    >>> writer = ThemeWriter(refresh=lambda: None, records=list, write=lambda events, coder: None,
    ...                      codebook=p.codebook, passage=dict)
    >>> Themes(writer).names
    []
    """

    refresh: Callable[[], Any]
    records: Callable[[], list[dict]]
    write: Callable[[list[dict], str], None]
    codebook: Any
    passage: Callable[[Any], dict]


class Themes(ThemeChanges):
    """The project's themes and their history (read through ``p.themes``).

    >>> t = p.themes.add("making room for each other", definition="giving and taking turns",
    ...                  codes=["reciprocity", "relational safety"], coder="ana")
    >>> p.themes.set_phase(t, "reviewed", rationale="checked against all 25 stories", coder="ana")
    >>> p.themes.to_frame()[["name", "phase"]].values.tolist()
    [['making room for each other', 'reviewed']]
    """

    def __init__(self, writer: ThemeWriter) -> None:
        self._writer = writer
        self._seen: tuple = ()
        self._themes: dict[str, Theme] = {}
        self._events: list[dict] = []

    # ---- folding and lookups -----------------------------------------------------------
    def _state(self) -> dict[str, Theme]:
        records = self._writer.records()
        mark = (id(records), len(records), id(records[-1]) if records else None)  # new list, or lines added
        if mark != self._seen:
            self._themes, self._events = fold(records)
            self._seen = mark
        return self._themes

    def _active(self) -> list[Theme]:
        return [t for t in self._state().values() if t.status == "active"]

    def _find(self, name: Any) -> list[Theme]:
        if not isinstance(name, str):
            return []
        themes = self._state()
        if name in themes:
            return [themes[name]]
        clean = " ".join(name.split()).casefold()
        return [t for t in self._active() if t.name.casefold() == clean]

    def lookup(self, name: str) -> Theme:
        """The active theme called *name* (or with that theme id), or a :class:`ThemeError` saying what became of it.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.lookup("Belonging").name
        'belonging'
        """
        found = self._find(name)
        if len(found) == 1 and found[0].status == "active":
            return found[0]
        if len(found) > 1:
            ids = ", ".join(f"{t.theme_id!r} (by {t.owner})" for t in found)
            raise ThemeError(f"Two people named a theme {name!r} at once: {ids}. Name one by its id and rename "
                             "or merge it.")
        old = found[0] if found else next((t for t in self._state().values() if name in t.names), None)
        if old is not None:
            if old.status == "merged":
                raise ThemeError(f"Theme {name!r} was merged into {self._resolve(old).name!r}: use that name.")
            if old.status == "discarded":
                raise ThemeError(f"Theme {name!r} was discarded (or split); reinstate() it to work on it again.")
            raise ThemeError(f"Theme {name!r} is now called {old.name!r}.")
        known = ", ".join(repr(t.name) for t in self._active()[:10]) or "none yet"
        raise ThemeError(f"There is no theme {name!r}. Add it with p.themes.add({name!r}, ...); themes: {known}.")

    def _resolve(self, theme: Theme) -> Theme:
        seen = {theme.theme_id}
        while theme.status == "merged" and theme.merged_into in self._themes and theme.merged_into not in seen:
            seen.add(theme.merged_into)
            theme = self._themes[theme.merged_into]
        return theme

    @property
    def names(self) -> list[str]:
        """Names of the active themes, oldest first.

        >>> p.themes.names
        []
        """
        return [t.name for t in self._active()]

    def __contains__(self, name: object) -> bool:
        return any(t.status == "active" for t in self._find(name))

    def __len__(self) -> int:
        return len(self._active())

    def __repr__(self) -> str:
        return f"<Themes: {len(self)} themes: {', '.join(self.names[:5])}{', ...' if len(self) > 5 else ''}>"

    def code_names(self, code_ids: Iterable[str]) -> list[str]:
        """Current names of *code_ids* (a renamed code shows its new name, merged codes their target's), once each.

        >>> p.themes.code_names(["reciprocity", "reciprocity"])
        ['reciprocity']
        """
        names = self._writer.codebook.name_map()
        return list(dict.fromkeys(names.get(c, c) for c in code_ids))

    def unplaced_codes(self) -> list[str]:
        """Active codes no active theme gathers, in codebook order: what did we leave out?

        >>> _ = p.themes.add("belonging", codes=["community"], coder="ana")
        >>> "community" in p.themes.unplaced_codes(), "reciprocity" in p.themes.unplaced_codes()
        (False, True)
        """
        names = self._writer.codebook.name_map()
        placed = {names.get(c, c) for t in self._active() for c in t.codes}
        return [name for name in self._writer.codebook.names if name not in placed]

    # ---- frames --------------------------------------------------------------------------
    def to_frame(self, include_inactive: bool = False, owner: str | None = None) -> pd.DataFrame:
        """One row per theme: name, definition, idea, phase, codes (current names), passages (hand-picked),
        negative_cases, owner, color, status, theme_id, created_at, created_by, updated_at.

        >>> _ = p.themes.add("belonging", codes=["community"], coder="group:tuesday")
        >>> p.themes.to_frame()[["name", "codes", "owner"]].values.tolist()
        [['belonging', ['community'], 'group:tuesday']]
        """
        themes = list(self._state().values()) if include_inactive else self._active()
        names = self._writer.codebook.name_map()
        rows = []
        for t in themes:
            if owner is not None and t.owner != owner:
                continue
            negative = sum(1 for p in t.passages.values() if p.get("negative"))
            rows.append([t.name, t.definition, t.idea, t.phase, list(dict.fromkeys(names.get(c, c) for c in t.codes)),
                         len(t.passages) - negative, negative, t.owner, t.color, t.status, t.theme_id,
                         t.created_at, t.created_by, t.updated_at])
        return pd.DataFrame(rows, columns=FRAME_COLUMNS)

    def passages(self, name: str, include_negative: bool = True) -> pd.DataFrame:
        """The hand-picked passages of theme *name* (negative cases marked): passage_id, coding_id, narrative_id,
        start, end, negative, note, coder, at. Spans of a coding id are those of the coding.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.add_passages("belonging", [cid], coder="ana")[:0]
        []
        >>> p.themes.passages("belonging")["coding_id"].tolist() == [cid]
        True
        """
        theme = self.lookup(name)
        rows = [[e.get("passage_id"), e.get("coding"), e.get("narrative"), e.get("start"), e.get("end"),
                 bool(e.get("negative")), e.get("note") or "", e.get("coder"), e.get("at")]
                for e in theme.passages.values() if include_negative or not e.get("negative")]
        return pd.DataFrame(rows, columns=PASSAGE_COLUMNS, dtype=object).astype({"start": "Int64", "end": "Int64"})

    def memos(self, name: str | None = None) -> pd.DataFrame:
        """Theme memos (the analytic narrative of a theme), oldest first: theme, coder, at, text, memo_id.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> _ = p.themes.write_memo("belonging", "People speak of a place kept for them.", coder="ana")
        >>> p.themes.memos("belonging")["text"].tolist()
        ['People speak of a place kept for them.']
        """
        self._state()
        wanted = self.lookup(name).theme_id if name is not None else None
        rows = [[self._resolve(self._themes[e["theme_id"]]).name, e.get("coder"), e.get("at"), e.get("text", ""),
                 e.get("memo_id")]
                for e in self._events if e.get("event") == "memo" and e.get("theme_id") in self._themes
                and (wanted is None or self._resolve(self._themes[e["theme_id"]]).theme_id == wanted)]
        return pd.DataFrame(rows, columns=["theme", "coder", "at", "text", "memo_id"])

    def history(self) -> pd.DataFrame:
        """Every theme change, oldest first: at, coder, event, theme (its name then), detail, rationale.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.history()[["coder", "event", "theme"]].values.tolist()
        [['ana', 'add', 'belonging']]
        """
        self._state()
        names: dict[str, str] = {}
        rows = []
        for e in self._events:
            kind, tid = e.get("event"), e.get("theme_id") or e.get("into")
            if kind == "add":
                names[tid] = e.get("name", tid)
            rows.append([pd.Timestamp(e["at"]) if e.get("at") else pd.NaT, e.get("coder"), kind,
                         e.get("from") if kind == "rename" else names.get(tid, tid),
                         describe(e, names, self.code_names), e.get("rationale") or ""])
            if kind == "rename":
                names[tid] = e.get("to", names.get(tid))
        return pd.DataFrame(rows, columns=HISTORY_COLUMNS)

    # ---- changes (each writes one or more events) ---------------------------------------
    def _write(self, events: list[dict], coder: str) -> None:
        check_coder(coder)
        self._writer.write(events, coder)

    def _new_id(self, name: str) -> str:
        return f"{slugify(name, fallback='theme')[:40]}-{secrets.token_hex(3)}"

    def _checked_name(self, name: Any, taken: Iterable[str] = ()) -> str:
        try:
            clean = check_code_name(name)
        except WorkbenchError:
            raise ThemeError(f"A theme needs a non-empty name of at most 120 characters (got {name!r}).") from None
        if clean in self or clean.casefold() in {n.casefold() for n in taken}:
            raise ThemeError(f"There is already a theme called {clean!r}; choose another name, or add to that one.")
        return clean

    def _code_ids(self, codes: Any) -> list[str]:
        codes = [codes] if isinstance(codes, str) else list(codes or [])
        return list(dict.fromkeys(self._writer.codebook.lookup(c).code_id for c in codes))

    def _add_event(self, name: Any, definition: str, idea: str, codes: Any, color: str | None, owner: str,
                   rationale: str, taken: Iterable[str] = ()) -> dict:
        name = self._checked_name(name, taken)
        check_texts(definition=definition, idea=idea, rationale=rationale)
        used = {t.color for t in self._active()}
        color = check_color(color) if color else next((c for c in PALETTE if c not in used),
                                                      PALETTE[len(self._themes) % len(PALETTE)])
        return {"event": "add", "theme_id": self._new_id(name), "name": name, "definition": definition,
                "idea": idea, "codes": self._code_ids(codes), "color": color, "owner": check_coder(owner),
                "phase": PHASES[0], "rationale": rationale}

    def add(self, name: str, definition: str = "", codes: Iterable[str] | str = (), coder: str = "setup",
            idea: str = "", color: str | None = None, owner: str | None = None, rationale: str = "") -> str:
        """Add a candidate theme gathering *codes*; returns its name. *idea* is its central organising idea;
        *owner* is whose theme it is (*coder* by default; ``group:<name>`` for a group's theme).

        >>> p.themes.add("making room for each other", definition="what it is, and is not",
        ...              codes=["reciprocity"], coder="ana", owner="group:tuesday")
        'making room for each other'
        """
        self._writer.refresh()
        event = self._add_event(name, definition, idea, codes, color, owner or coder, rationale)
        self._write([event], coder)
        return event["name"]

    def edit(self, name: str, coder: str, rationale: str = "", **changes: str) -> None:
        """Change a theme's ``definition``, ``idea`` (central organising idea) or ``color``.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.edit("belonging", coder="ben", definition="being expected, not only welcomed")
        """
        self._writer.refresh()
        theme = self.lookup(name)
        unknown = set(changes) - {"definition", "idea", "color"}
        if unknown or not changes:
            raise ThemeError(f"edit() changes definition=, idea= or color= (got {sorted(changes)}); "
                             "use rename() for the name, set_phase() for the phase.")
        check_texts(rationale=rationale, **{k: v for k, v in changes.items() if k != "color"})
        if "color" in changes:
            changes["color"] = check_color(changes["color"])
        self._write([{"event": "edit", "theme_id": theme.theme_id, "changes": changes, "rationale": rationale}],
                    coder)

    def add_codes(self, name: str, codes: Iterable[str] | str, coder: str, rationale: str = "") -> None:
        """Gather more codes into theme *name*.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> p.themes.add_codes("belonging", ["community"], coder="ana")
        """
        self._change_codes(name, codes, (), coder, rationale)

    def remove_codes(self, name: str, codes: Iterable[str] | str, coder: str, rationale: str = "") -> None:
        """Take codes out of theme *name* (the history keeps that they were there).

        >>> _ = p.themes.add("belonging", codes=["community"], coder="ana")
        >>> p.themes.remove_codes("belonging", "community", coder="ana", rationale="too broad")
        """
        self._change_codes(name, (), codes, coder, rationale)

    def _change_codes(self, name: str, add: Any, remove: Any, coder: str, rationale: str) -> None:
        self._writer.refresh()
        theme = self.lookup(name)
        check_texts(rationale=rationale)
        add_ids = [c for c in self._code_ids(add) if c not in theme.codes]
        names = self._writer.codebook.name_map()
        remove = [remove] if isinstance(remove, str) else list(remove)
        current = {names.get(c, c).casefold(): c for c in theme.codes}
        missing = [r for r in remove if not isinstance(r, str) or r.casefold() not in current]
        if missing:
            raise ThemeError(f"Theme {theme.name!r} does not gather {missing}; it gathers "
                             f"{self.code_names(theme.codes)}.")
        remove_ids = [current[r.casefold()] for r in remove]
        if not add_ids and not remove_ids:
            raise ThemeError(f"Nothing to change: theme {theme.name!r} already gathers those codes.")
        self._write([{"event": "codes", "theme_id": theme.theme_id, "add": add_ids, "remove": remove_ids,
                      "rationale": rationale}], coder)

