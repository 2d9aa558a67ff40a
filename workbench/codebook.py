"""The living codebook: codes and their history, folded from codebook events.

A code has a stable id (a slug of the name it was born with) and a current name.
Renames, merges, splits and retirements are *events* with a rationale and a coder;
codings refer to code ids, so they follow a rename or merge without being rewritten,
while the history still shows the name a code had when it was applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd
import yaml

from ._text import slugify
from .errors import CodebookError, UnknownCodeError

if TYPE_CHECKING:  # pragma: no cover
    from .project import Project

#: Colour-blind-friendly defaults (Okabe-Ito and Tableau 10), dark enough for underlines on white.
PALETTE = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b",
    "#4e79a7", "#e15759", "#76b7b2", "#59a14f", "#b07aa1", "#9c755f", "#f28e2b",
]
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TEXT_FIELDS = ("description", "include", "exclude", "example")
_MAX_NAME = 120


@dataclass
class Code:
    """One code as it stands now."""

    code_id: str
    name: str
    description: str = ""
    parent: str | None = None  # parent code id
    color: str = PALETTE[0]
    include: str = ""
    exclude: str = ""
    example: str = ""
    status: str = "active"  # active | retired | merged
    merged_into: str | None = None
    created_at: str = ""
    created_by: str = ""
    names: list[str] = field(default_factory=list)  # every name it has had, oldest first


def check_code_name(name: Any) -> str:
    """Return a cleaned code name, or raise :class:`CodebookError` saying what is wrong."""
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(f"A code needs a non-empty name (got {name!r}).")
    clean = " ".join(name.split())
    if len(clean) > _MAX_NAME:
        raise CodebookError(f"Code name {clean[:40]!r}... is longer than {_MAX_NAME} characters; shorten it.")
    return clean


def check_color(color: Any) -> str:
    if not isinstance(color, str) or not _COLOR.match(color):
        raise CodebookError(f"Colour {color!r} is not a hex colour like '#1b9e77'.")
    return color.lower()


class Codebook:
    """The project's current codebook and its history (read through ``p.codebook``).

    >>> p.codebook.add("mutuality", description="Both sides give", parent="reciprocity")
    >>> p.codebook.rename("mutuality", "mutual responsibility", rationale="closer to the paper", coder="ana")
    """

    def __init__(self, project: "Project") -> None:
        self._project = project
        self._codes: dict[str, Code] = {}
        self._events: list[dict] = []

    # ---- folding -------------------------------------------------------------------
    def _apply(self, event: dict) -> None:
        """Fold one event into the state. Events come from disk, so be forgiving: skip what cannot apply."""
        kind = event.get("event")
        codes = self._codes
        cid = event.get("code_id")
        if kind == "add" and cid and cid not in codes:
            codes[cid] = Code(
                code_id=cid,
                name=event.get("name", cid),
                description=event.get("description") or "",
                parent=event.get("parent"),
                color=event.get("color") or PALETTE[len(codes) % len(PALETTE)],
                include=event.get("include") or "",
                exclude=event.get("exclude") or "",
                example=event.get("example") or "",
                created_at=event.get("at", ""),
                created_by=event.get("coder", ""),
                names=[event.get("name", cid)],
            )
        elif kind == "rename" and cid in codes:
            codes[cid].name = event["to"]
            codes[cid].names.append(event["to"])
        elif kind == "edit" and cid in codes:
            for key, value in (event.get("changes") or {}).items():
                if key in (*_TEXT_FIELDS, "color", "parent"):
                    setattr(codes[cid], key, value)
        elif kind == "merge" and event.get("into") in codes:
            for source in event.get("sources", []):
                if source in codes and source != event["into"]:
                    codes[source].status, codes[source].merged_into = "merged", event["into"]
        elif kind in ("retire", "split") and cid in codes and not event.get("keep"):
            codes[cid].status = "retired"
        elif kind == "reinstate" and cid in codes:
            codes[cid].status, codes[cid].merged_into = "active", None
        self._events.append(event)

    def _load(self, events: Iterable[dict]) -> None:
        self._codes, self._events = {}, []
        for event in sorted(events, key=lambda e: (e.get("at", ""), e.get("seq", 0))):
            self._apply(event)

    # ---- lookups -------------------------------------------------------------------
    def _active(self) -> list[Code]:
        return [c for c in self._codes.values() if c.status == "active"]

    def _find(self, name: str, active_only: bool = True) -> Code | None:
        if not isinstance(name, str):
            return None
        name = " ".join(name.split())  # names are stored with single spaces
        pool = self._active() if active_only else list(self._codes.values())
        for code in pool:
            if code.name == name:
                return code
        folded = name.casefold().strip()
        return next((c for c in pool if c.name.casefold() == folded), None)

    def _get(self, name: str) -> Code:
        """The active code called *name*, or a helpful :class:`UnknownCodeError`."""
        code = self._find(name)
        if code is not None:
            return code
        old = self._find(name, active_only=False) or next(
            (c for c in self._codes.values() if name in c.names), None
        )
        if old is not None:
            current = self.resolve(old.code_id)
            if current.code_id != old.code_id:
                raise UnknownCodeError(f"Code {name!r} was merged into {current.name!r}: use {current.name!r}.")
            if old.status == "retired":
                raise UnknownCodeError(f"Code {name!r} was retired; reinstate it or choose another code.")
            raise UnknownCodeError(f"Code {name!r} is now called {old.name!r}.")
        names = ", ".join(repr(c.name) for c in self._active()[:12])
        raise UnknownCodeError(
            f"There is no code {name!r} in the codebook. Add it with p.codebook.add({name!r}, ...) "
            f"or use one of: {names}{', ...' if len(self._active()) > 12 else ''}."
        )

    def _known_name(self, name: str) -> str:
        """*name* as codings carry it now: an active or retired code's current name, else a helpful error."""
        code = self._find(name) or self._find(name, active_only=False)
        if code is not None and code.status != "merged":
            return code.name
        return self._get(name).name  # raises, saying what became of the name

    def resolve(self, code_id: str) -> Code:
        """The code a (possibly merged) code id stands for now."""
        code = self._codes[code_id]
        seen = {code_id}
        while code.status == "merged" and code.merged_into in self._codes and code.merged_into not in seen:
            seen.add(code.merged_into)
            code = self._codes[code.merged_into]
        return code

    def id_of(self, name: str) -> str:
        """The stable id of the active code called *name*."""
        return self._get(name).code_id

    def name_map(self) -> dict[str, str]:
        """``{code_id: current name}`` for every code ever added (merged ids map to the target's name)."""
        return {cid: self.resolve(cid).name for cid in self._codes}

    def color_map(self) -> dict[str, str]:
        """``{current code name: colour}`` for the active codes."""
        return {c.name: c.color for c in self._active()}

    def children(self, name: str, recursive: bool = True) -> list[str]:
        """Names of the active codes below *name*."""
        parent = self._get(name).code_id
        found, frontier = [], [parent]
        while frontier:
            current = frontier.pop()
            kids = [c for c in self._active() if c.parent == current]
            found.extend(k.name for k in kids)
            if recursive:
                frontier.extend(k.code_id for k in kids)
        return found

    @property
    def names(self) -> list[str]:
        """Names of the active codes, in codebook order."""
        return [c.name for c in self._active()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def __len__(self) -> int:
        return len(self._active())

    def __iter__(self):
        return iter(self.names)

    def __repr__(self) -> str:
        return f"<Codebook: {len(self)} codes: {', '.join(self.names[:6])}{', ...' if len(self) > 6 else ''}>"

    # ---- frames --------------------------------------------------------------------
    def to_frame(self, include_inactive: bool = False) -> pd.DataFrame:
        """One row per code: name, description, parent, color, include, exclude, example, status, ...

        >>> p.codebook.to_frame()[["name", "parent", "color"]].head(3)
        """
        codes = list(self._codes.values()) if include_inactive else self._active()
        names = {c.code_id: c.name for c in self._codes.values()}
        rows = [
            {
                "name": c.name,
                "description": c.description,
                "parent": names.get(c.parent) if c.parent else None,
                "color": c.color,
                "include": c.include,
                "exclude": c.exclude,
                "example": c.example,
                "status": c.status,
                "merged_into": names.get(c.merged_into) if c.merged_into else None,
                "code_id": c.code_id,
                "level": self._depth(c),
                "created_at": c.created_at,
                "created_by": c.created_by,
            }
            for c in codes
        ]
        columns = ["name", "description", "parent", "color", "include", "exclude", "example",
                   "status", "merged_into", "code_id", "level", "created_at", "created_by"]
        return pd.DataFrame(rows, columns=columns)

    def _depth(self, code: Code) -> int:
        depth, seen = 0, {code.code_id}
        while code.parent in self._codes and code.parent not in seen:
            seen.add(code.parent)
            code, depth = self._codes[code.parent], depth + 1
        return depth

    def history(self) -> pd.DataFrame:
        """Every codebook change, oldest first: at, coder, event, code, detail, rationale."""
        names: dict[str, str] = {}
        rows = []
        for e in self._events:
            kind, cid = e.get("event"), e.get("code_id")
            if kind == "add":
                names[cid] = e.get("name", cid)
                detail = e.get("description", "")
            elif kind == "rename":
                names[cid] = e.get("to")
                detail = f"{e.get('from')} -> {e.get('to')}"
            elif kind == "merge":
                detail = f"{', '.join(names.get(s, s) for s in e.get('sources', []))} -> {names.get(e.get('into'), e.get('into'))}"
                cid = e.get("into")
            elif kind == "split":
                detail = f"-> {', '.join(names.get(s, s) for s in e.get('into', []))}"
            elif kind == "edit":
                detail = ", ".join(f"{k}={v!r}" for k, v in (e.get("changes") or {}).items())
            else:
                detail = ""
            rows.append({
                "at": pd.Timestamp(e.get("at")) if e.get("at") else pd.NaT,
                "coder": e.get("coder"),
                "event": kind,
                "code": e.get("from") if kind == "rename" else names.get(cid, cid),
                "detail": detail,
                "rationale": e.get("rationale", ""),
            })
        return pd.DataFrame(rows, columns=["at", "coder", "event", "code", "detail", "rationale"])

    def to_yaml(self) -> str:
        """The current codebook as nested YAML (what ``codebook.yaml`` in the folder holds)."""
        def node(code: Code) -> dict:
            out: dict[str, Any] = {"name": code.name}
            for key in _TEXT_FIELDS:
                if getattr(code, key):
                    out[key] = getattr(code, key)
            out["color"] = code.color
            kids = [c for c in self._active() if c.parent == code.code_id]
            if kids:
                out["codes"] = [node(k) for k in kids]
            return out

        active_ids = {c.code_id for c in self._active()}
        roots = [c for c in self._active() if c.parent not in active_ids]
        doc: dict[str, Any] = {
            "name": self._project.name,
            "note": "Generated from events/codebook/ by the workbench: change codes through the workbench, "
                    "not here (edits to this file are overwritten).",
            "codes": [node(c) for c in roots],
        }
        inactive = [c for c in self._codes.values() if c.status != "active"]
        if inactive:
            doc["inactive"] = [
                {"name": c.name, "status": c.status, **({"merged_into": self.resolve(c.code_id).name}
                                                       if c.status == "merged" else {})}
                for c in inactive
            ]
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)

    # ---- changes (each writes one or more events) ----------------------------------
    def add(
        self,
        name: str,
        description: str = "",
        parent: str | None = None,
        color: str | None = None,
        include: str = "",
        exclude: str = "",
        example: str = "",
        rationale: str = "",
        coder: str = "setup",
    ) -> str:
        """Add a code; returns its stable id.

        >>> p.codebook.add("naming the unnamed", parent="community", color="#7570b3",
        ...                rationale="stories kept naming what services had no word for", coder="chipo")
        """
        return self.add_many([{"name": name, "description": description, "parent": parent, "color": color,
                               "include": include, "exclude": exclude, "example": example}],
                             rationale=rationale, coder=coder)[0]

    def add_many(self, codes: Iterable[dict], rationale: str = "", coder: str = "setup") -> list[str]:
        """Add several codes in one codebook change (parents may be earlier codes of the same list).

        Each item has ``name`` and optionally ``description, parent, color, include, exclude, example``.
        All are checked before anything is written. Returns their ids.

        >>> p.codebook.add_many([{"name": "care"}, {"name": "care at night", "parent": "care"}], coder="ana")
        """
        self._project.refresh()
        events: list[dict] = []
        taken: set[str] = set()
        batch_ids: dict[str, str] = {}
        used = {c.color.lower() for c in self._active()}
        for item in codes:
            item = dict(item)
            unknown = set(item) - {"name", "description", "parent", "color", *_TEXT_FIELDS}
            if unknown:
                raise CodebookError(f"Unknown field(s) {sorted(unknown)} for a code; use name, description, "
                                    "parent, color, include, exclude, example.")
            parent = item.pop("parent", None)
            in_batch = batch_ids.get(check_code_name(parent).casefold()) if parent else None
            if not item.get("color"):
                item["color"] = next((c for c in PALETTE if c not in used), PALETTE[len(used) % len(PALETTE)])
            event = self._add_event(**item, parent=None if in_batch else parent, rationale=rationale,
                                    coder=coder, taken=taken)
            if in_batch:
                event["parent"] = in_batch
            taken |= {event["name"].casefold(), event["code_id"]}
            batch_ids[event["name"].casefold()] = event["code_id"]
            used.add(event["color"])
            events.append(event)
        if events:
            self._project._write_codebook_events(events, coder)
        return [e["code_id"] for e in events]

    def _add_event(self, name, description="", parent=None, color=None, include="", exclude="",
                   example="", rationale="", coder="setup", taken: set[str] | None = None) -> dict:
        name = check_code_name(name)
        if self._find(name) is not None or (taken and name.casefold() in taken):
            raise CodebookError(f"The codebook already has a code called {name!r}; choose another name.")
        parent_id = self._get(parent).code_id if parent else None
        color = check_color(color) if color else self._free_color()
        for key, value in (("description", description), ("include", include),
                           ("exclude", exclude), ("example", example), ("rationale", rationale)):
            if not isinstance(value, str):
                raise CodebookError(f"{key} of code {name!r} must be text, got {type(value).__name__}.")
        base = slugify(name, fallback="code")
        code_id, n = base, 2
        while code_id in self._codes or (taken and code_id in taken):
            code_id, n = f"{base}-{n}", n + 1
        return {
            "event": "add", "code_id": code_id, "name": name, "description": description,
            "parent": parent_id, "color": color, "include": include, "exclude": exclude,
            "example": example, "rationale": rationale,
        }

    def _free_color(self) -> str:
        """The first palette colour no active code uses (cycling when all are taken)."""
        used = {c.color.lower() for c in self._active()}
        return next((c for c in PALETTE if c not in used), PALETTE[len(self._codes) % len(PALETTE)])

    def edit(self, name: str, rationale: str = "", coder: str = "setup", **changes: Any) -> None:
        """Change a code's description, include/exclude notes, example, colour or parent."""
        self._project.refresh()
        code = self._get(name)
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            if key in _TEXT_FIELDS:
                if not isinstance(value, str):
                    raise CodebookError(f"{key} must be text.")
                clean[key] = value
            elif key == "color":
                clean[key] = check_color(value)
            elif key == "parent":
                clean[key] = self._get(value).code_id if value else None
                if clean[key] and self._would_cycle(code.code_id, clean[key]):
                    raise CodebookError(f"{value!r} is below {name!r}: a code cannot be its own ancestor.")
            else:
                raise CodebookError(f"Cannot edit {key!r}; editable: {', '.join((*_TEXT_FIELDS, 'color', 'parent'))}. "
                                    "Use rename() to change a name.")
        if not clean:
            raise CodebookError("Nothing to change: pass e.g. description='...'.")
        self._project._write_codebook_events(
            [{"event": "edit", "code_id": code.code_id, "changes": clean, "rationale": rationale}], coder)

    def _would_cycle(self, code_id: str, new_parent: str) -> bool:
        current: str | None = new_parent
        while current:
            if current == code_id:
                return True
            current = self._codes[current].parent if current in self._codes else None
        return False

    def rename(self, name: str, new_name: str, rationale: str = "", coder: str = "setup") -> None:
        """Rename a code; existing codings follow, and history keeps the old name."""
        self._project.refresh()
        code = self._get(name)
        new_name = check_code_name(new_name)
        clash = self._find(new_name)
        if clash is not None and clash.code_id != code.code_id:
            raise CodebookError(f"There is already a code called {new_name!r}; merge() the two codes instead.")
        self._project._write_codebook_events(
            [{"event": "rename", "code_id": code.code_id, "from": code.name, "to": new_name, "rationale": rationale}],
            coder)

    def merge(self, names: list[str] | str, into: str, rationale: str = "", coder: str = "setup") -> None:
        """Merge codes *names* into *into* (an existing code, or a new one created here).

        Codings of the merged codes count as *into* from now on; they are not rewritten.
        """
        self._project.refresh()
        names = [names] if isinstance(names, str) else list(names)
        if not names:
            raise CodebookError("merge() needs at least one code to merge.")
        sources = [self._get(n) for n in names]
        events = []
        target = self._find(check_code_name(into))
        if target is None:
            first = sources[0]
            add = self._add_event(into, description=f"Merged from {', '.join(n for n in names)}.",
                                  parent=self._codes[first.parent].name if first.parent in self._codes
                                  and self._codes[first.parent].status == "active" else None,
                                  color=first.color, rationale=rationale, coder=coder)
            events.append(add)
            target_id = add["code_id"]
        else:
            target_id = target.code_id
        ids = [s.code_id for s in sources if s.code_id != target_id]
        if not ids:
            raise CodebookError(f"Nothing to merge: {names} is just {into!r}.")
        events.append({"event": "merge", "sources": ids, "into": target_id, "rationale": rationale})
        self._project._write_codebook_events(events, coder)

    def split(self, name: str, into: list[str] | dict[str, str], rationale: str = "", coder: str = "setup",
              keep: bool = False) -> list[str]:
        """Split a code into new codes (a list of names, or ``{name: description}``).

        Existing codings stay with the original code (a person decides where each belongs);
        the original is retired unless ``keep=True``.
        """
        self._project.refresh()
        code = self._get(name)
        items = into.items() if isinstance(into, dict) else [(n, "") for n in into]
        if not items:
            raise CodebookError("split() needs the names of the new codes.")
        taken: set[str] = set()
        events = []
        for new_name, description in items:
            add = self._add_event(new_name, description=description,
                                  parent=self._codes[code.parent].name if code.parent in self._codes else None,
                                  rationale=rationale, coder=coder, taken=taken)
            taken.update({add["name"].casefold(), add["code_id"]})
            events.append(add)
        events.append({"event": "split", "code_id": code.code_id, "into": [e["code_id"] for e in events],
                       "keep": keep, "rationale": rationale})
        self._project._write_codebook_events(events, coder)
        return [e["name"] for e in events[:-1]]

    def retire(self, name: str, rationale: str = "", coder: str = "setup") -> None:
        """Retire a code: it is no longer offered, its codings and history stay."""
        self._project.refresh()
        code = self._get(name)
        self._project._write_codebook_events(
            [{"event": "retire", "code_id": code.code_id, "rationale": rationale}], coder)

    def import_qdc(self, path: str, coder: str = "setup", rationale: str = "imported from a REFI-QDA codebook"):
        """Add the codes of a REFI-QDA codebook (``.qdc``) that this codebook lacks; returns a report frame."""
        from .exchange import import_qdc

        return import_qdc(self._project, path, coder=coder, rationale=rationale)

    def reinstate(self, name: str, rationale: str = "", coder: str = "setup") -> None:
        """Bring back a retired or merged code."""
        self._project.refresh()
        code = self._find(name, active_only=False)
        if code is None or code.status == "active":
            raise CodebookError(f"{name!r} is not a retired or merged code.")
        self._project._write_codebook_events(
            [{"event": "reinstate", "code_id": code.code_id, "rationale": rationale}], coder)


def read_codebook_file(path: str | Path) -> list[dict]:
    """Read a codebook YAML file into ``add`` events (nested ``codes:`` or flat with ``parent:``).

    Raises :class:`CodebookError` naming the problem: unreadable YAML, a code without a name,
    duplicate names, an unknown parent, a bad colour.
    """
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CodebookError(f"Codebook file {path} does not exist.") from None
    except UnicodeDecodeError:
        raise CodebookError(f"Codebook file {path} is not UTF-8 text.") from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"Codebook file {path} is not valid YAML: {exc}") from None
    return codebook_events_from_doc(doc, str(path))


def codebook_events_from_doc(doc: Any, source: str = "codebook") -> list[dict]:
    """``add`` events (parents before children) for a parsed codebook document."""
    if isinstance(doc, list):
        doc = {"codes": doc}
    if not isinstance(doc, dict) or not isinstance(doc.get("codes"), list):
        raise CodebookError(f"{source}: expected a mapping with a 'codes:' list of codes.")
    flat: list[tuple[dict, str | None]] = []

    def walk(items: list, parent: str | None, trail: str) -> None:
        for index, item in enumerate(items):
            where = f"{source}: {trail}codes[{index}]"
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict):
                raise CodebookError(f"{where} should be a mapping with at least a name.")
            unknown = set(item) - {"name", "codes", "parent", "color", "colour", *_TEXT_FIELDS}
            if unknown:
                raise CodebookError(f"{where} has unknown field(s) {sorted(unknown)}.")
            try:
                name = check_code_name(item.get("name"))
            except CodebookError as exc:
                raise CodebookError(f"{where}: {exc}") from None
            flat.append((item, item.get("parent", parent)))
            children = item.get("codes") or []
            if not isinstance(children, list):
                raise CodebookError(f"{where}: 'codes' under {name!r} must be a list.")
            walk(children, name, f"{trail}{name} > ")

    walk(doc["codes"], None, "")
    seen: dict[str, str] = {}
    events, ids = [], set()
    for item, _ in flat:
        name = check_code_name(item["name"])
        if name.casefold() in seen:
            raise CodebookError(f"{source}: the code name {name!r} appears twice; code names must be unique.")
        seen[name.casefold()] = name
    by_name: dict[str, str] = {}
    for index, (item, parent) in enumerate(flat):
        name = check_code_name(item["name"])
        if parent is not None and check_code_name(parent).casefold() not in seen:
            raise CodebookError(f"{source}: code {name!r} names parent {parent!r}, which is not in the codebook.")
        code_id, n = slugify(name, fallback="code"), 2
        base = code_id
        while code_id in ids:
            code_id, n = f"{base}-{n}", n + 1
        ids.add(code_id)
        by_name[name.casefold()] = code_id
        color = item.get("color", item.get("colour"))
        try:
            color = check_color(color) if color else PALETTE[index % len(PALETTE)]
        except CodebookError as exc:
            raise CodebookError(f"{source}: code {name!r}: {exc}") from None
        event = {"event": "add", "code_id": code_id, "name": name, "parent": parent, "color": color}
        for key in _TEXT_FIELDS:
            value = item.get(key) or ""
            event[key] = " ".join(str(value).split()) if key != "example" else str(value).strip()
        events.append(event)
    for event in events:  # parents by id, now every name has one
        if event["parent"] is not None:
            event["parent"] = by_name[check_code_name(event["parent"]).casefold()]
    order = {e["code_id"]: i for i, e in enumerate(events)}
    # a flat file may list children before parents: emit parents first
    events.sort(key=lambda e: (_depth_in(events, e), order[e["code_id"]]))
    return events


def _depth_in(events: list[dict], event: dict) -> int:
    by_id = {e["code_id"]: e for e in events}
    depth, seen = 0, set()
    while event["parent"] and event["parent"] in by_id:
        if event["parent"] in seen:
            raise CodebookError(f"The codebook's parents form a cycle through {by_id[event['parent']]['name']!r}.")
        seen.add(event["parent"])
        event, depth = by_id[event["parent"]], depth + 1
    return depth


__all__ = ["Codebook", "Code", "read_codebook_file", "PALETTE"]
