"""A theme as it stands now, the phases, and the fold of theme events into themes.

A theme has a stable id and a current name, like a code. It gathers codes (by code id, so a
renamed or merged code shows its current name) and hand-picked passages (a coding id or a span);
a negative case is a passage marked as not fitting, kept and shown beside the support.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..errors import WorkbenchError

#: The phases of a theme, in order; a theme may move back with a reason.
PHASES = ("candidate", "reviewed", "defined", "reported")


class ThemeError(WorkbenchError, ValueError):
    """A theme change that cannot be applied (unknown theme, duplicate name, bad phase, ...)."""


def check_texts(**values: Any) -> None:
    """Raise :class:`ThemeError` unless every value is text.

    >>> check_texts(definition="what it is")
    """
    for key, value in values.items():
        if not isinstance(value, str):
            raise ThemeError(f"{key} must be text, got {type(value).__name__}.")


@dataclass
class Theme:
    """One theme as it stands now (folded from its events).

    >>> Theme(theme_id="t", name="belonging").phase
    'candidate'
    """

    theme_id: str
    name: str
    definition: str = ""
    idea: str = ""  # the central organising idea
    color: str = "#0072b2"
    owner: str = ""
    phase: str = "candidate"
    codes: list[str] = field(default_factory=list)  # code ids, in the order they were gathered
    passages: dict[str, dict] = field(default_factory=dict)  # passage id -> the passage event
    status: str = "active"  # active | merged | discarded
    merged_into: str | None = None
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    names: list[str] = field(default_factory=list)
    memos: list[dict] = field(default_factory=list)


def _add(themes: dict[str, Theme], e: dict) -> None:
    tid = e.get("theme_id")
    if not tid or tid in themes:
        return
    themes[tid] = Theme(theme_id=tid, name=e.get("name", tid), definition=e.get("definition") or "",
                        idea=e.get("idea") or "", color=e.get("color") or "#0072b2",
                        owner=e.get("owner") or e.get("coder", ""), phase=e.get("phase") or PHASES[0],
                        codes=list(dict.fromkeys(e.get("codes") or [])), created_at=e.get("at", ""),
                        created_by=e.get("coder", ""), updated_at=e.get("at", ""), names=[e.get("name", tid)])


def _codes(theme: Theme, e: dict) -> None:
    gone = set(e.get("remove") or [])
    theme.codes = [c for c in dict.fromkeys([*theme.codes, *(e.get("add") or [])]) if c not in gone]


def _merge(themes: dict[str, Theme], e: dict) -> None:
    target = themes.get(e.get("into"))
    if target is None:
        return
    for source in (themes.get(s) for s in e.get("sources", [])):
        if source is None or source is target:
            continue
        target.codes = list(dict.fromkeys([*target.codes, *source.codes]))
        target.passages.update({k: v for k, v in source.passages.items() if k not in target.passages})
        source.status, source.merged_into = "merged", target.theme_id
    target.updated_at = e.get("at", "")


def apply_event(themes: dict[str, Theme], e: dict) -> None:
    """Fold one theme event into *themes* (forgiving: an event that cannot apply is skipped).

    >>> themes = {}
    >>> apply_event(themes, {"event": "add", "theme_id": "t", "name": "belonging", "coder": "ana"})
    >>> apply_event(themes, {"event": "phase", "theme_id": "t", "to": "reviewed"})
    >>> themes["t"].phase
    'reviewed'
    """
    kind = e.get("event")
    if kind == "add":
        return _add(themes, e)
    if kind == "merge":
        return _merge(themes, e)
    theme = themes.get(e.get("theme_id"))
    if theme is None:
        return None
    theme.updated_at = e.get("at", theme.updated_at)
    if kind == "rename":
        theme.name = e.get("to", theme.name)
        theme.names.append(theme.name)
    elif kind == "edit":
        for key, value in (e.get("changes") or {}).items():
            if key in ("definition", "idea", "color") and isinstance(value, str):
                setattr(theme, key, value)
    elif kind == "codes":
        _codes(theme, e)
    elif kind == "passage" and e.get("passage_id"):
        theme.passages[e["passage_id"]] = e
    elif kind == "unpassage":
        theme.passages.pop(e.get("passage_id"), None)
    elif kind == "phase" and e.get("to") in PHASES:
        theme.phase = e["to"]
    elif kind in ("discard", "split") and not e.get("keep"):
        theme.status = "discarded"
    elif kind == "reinstate":
        theme.status, theme.merged_into = "active", None
    elif kind == "memo":
        theme.memos.append(e)
    return None


def fold(records: Iterable[dict]) -> tuple[dict[str, Theme], list[dict]]:
    """Every theme from its change events (ordered by time, then order within a change), and the ordered events.

    >>> themes, events = fold([{"event": "add", "theme_id": "t", "name": "belonging", "at": "1"}])
    >>> themes["t"].name, len(events)
    ('belonging', 1)
    """
    events = sorted(records, key=lambda e: (e.get("at", ""), e.get("seq", 0)))
    themes: dict[str, Theme] = {}
    for event in events:
        apply_event(themes, event)
    return themes, events


def describe(e: dict, names: dict[str, str], code_names: Callable[[Iterable[str]], list[str]]) -> str:
    """One line saying what theme event *e* changed (for the history).

    >>> describe({"event": "phase", "from": "candidate", "to": "reviewed"}, {}, list)
    'candidate -> reviewed'
    """
    kind = e.get("event")
    if kind in ("rename", "phase"):
        return f"{e.get('from')} -> {e.get('to')}"
    if kind == "add":
        codes = ", ".join(code_names(e.get("codes") or []))
        return (e.get("definition") or "") + (f" [codes: {codes}]" if codes else "")
    if kind == "codes":
        parts = [f"+{n}" for n in code_names(e.get("add") or [])] + [f"-{n}" for n in code_names(e.get("remove") or [])]
        return ", ".join(parts)
    if kind in ("passage", "unpassage"):
        where = e.get("coding") or f"{e.get('narrative')} [{e.get('start')}, {e.get('end')})"
        negative = "negative case " if e.get("negative") else ""
        return f"{'' if kind == 'passage' else 'removed '}{negative}{where}"
    if kind == "merge":
        sources = ", ".join(names.get(s, s) for s in e.get("sources", []))
        return f"{sources} -> {names.get(e.get('into'), e.get('into'))}"
    if kind == "split":
        return f"-> {', '.join(names.get(s, s) for s in e.get('into', []))}"
    if kind == "edit":
        return ", ".join(f"{k}={v!r}" for k, v in (e.get("changes") or {}).items())
    if kind == "memo":
        return e.get("text", "")
    return ""
