"""The :class:`Codebook`: codes folded from codebook events, lookups, views, and the changes people make."""

from __future__ import annotations

import importlib
import warnings
from typing import Any, Iterable, Iterator

import pandas as pd
import yaml

from .._text import slugify
from ..errors import CodebookError, UnknownCodeError
from ..names import check_code_name
from .codes import _TEXT_FIELDS, PALETTE, Code, CodebookWriter, check_color


class Codebook:
    """The project's current codebook and its history (read through ``p.codebook``).

    >>> code_id = p.codebook.add("mutuality", description="Both sides give", parent="reciprocity")
    >>> p.codebook.rename("mutuality", "mutual giving", rationale="closer to the paper", coder="ana")
    """

    def __init__(self, writer: CodebookWriter) -> None:
        self._writer = writer
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
                plain=event.get("plain") or "",
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

    def load_events(self, events: Iterable[dict]) -> None:
        """Rebuild the codebook from all its change events, in one total order on every machine.

        Ordered by time, then coder, then order within a change: two coders' changes made at the
        same instant on two machines fold the same way wherever the logs were merged.
        """
        self._codes, self._events = {}, []
        for event in sorted(events, key=lambda e: (e.get("at") or "", e.get("coder") or "", e.get("seq") or 0)):
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

    def lookup(self, name: str) -> Code:
        """The active code called *name*, or an :class:`UnknownCodeError` saying what became of it.

        >>> p.codebook.lookup("reciprocity").code_id
        'reciprocity'
        """
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

    def known_name(self, name: str) -> str:
        """*name* as codings carry it now: an active or retired code's current name, else a helpful error.

        >>> p.codebook.known_name("Reciprocity")
        'reciprocity'
        """
        code = self._find(name) or self._find(name, active_only=False)
        if code is not None and code.status != "merged":
            return code.name
        return self.lookup(name).name  # raises, saying what became of the name

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
        return self.lookup(name).code_id

    def name_map(self) -> dict[str, str]:
        """``{code_id: current name}`` for every code ever added (merged ids map to the target's name)."""
        return {cid: self.resolve(cid).name for cid in self._codes}

    def color_map(self) -> dict[str, str]:
        """``{current code name: colour}`` for the active codes."""
        return {c.name: c.color for c in self._active()}

    def children(self, name: str, recursive: bool = True) -> list[str]:
        """Names of the active codes below *name*."""
        parent = self.lookup(name).code_id
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

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __repr__(self) -> str:
        return f"<Codebook: {len(self)} codes: {', '.join(self.names[:6])}{', ...' if len(self) > 6 else ''}>"

    # ---- frames --------------------------------------------------------------------
    def to_frame(self, include_inactive: bool = False) -> pd.DataFrame:
        """One row per code: name, description, parent, color, include, exclude, example, status, ...

        >>> list(p.codebook.to_frame().columns[:3])
        ['name', 'description', 'parent']
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
                "plain": c.plain,
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
                   "status", "merged_into", "code_id", "level", "created_at", "created_by", "plain"]
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
                sources = ", ".join(names.get(s, s) for s in e.get("sources", []))
                detail = f"{sources} -> {names.get(e.get('into'), e.get('into'))}"
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
            "name": self._writer.project_name(),
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

        >>> p.codebook.add("speaking plainly", parent="community", color="#7570b3",
        ...                rationale="stories kept naming what services had no word for", coder="chipo")
        'speaking-plainly'
        """
        return self.add_many([{"name": name, "description": description, "parent": parent, "color": color,
                               "include": include, "exclude": exclude, "example": example}],
                             rationale=rationale, coder=coder)[0]

    def add_many(self, codes: Iterable[dict], rationale: str = "", coder: str = "setup") -> list[str]:
        """Add several codes in one codebook change (parents may be earlier codes of the same list).

        Each item has ``name`` and optionally ``description, parent, color, include, exclude, example``.
        All are checked before anything is written. Returns their ids.

        >>> p.codebook.add_many([{"name": "care"}, {"name": "care at night", "parent": "care"}], coder="ana")
        ['care', 'care-at-night']
        """
        self._writer.refresh()
        events: list[dict] = []
        taken: set[str] = set()
        batch_ids: dict[str, str] = {}
        used = {c.color.lower() for c in self._active()}
        for item in codes:
            item = dict(item)
            unknown = set(item) - {"name", "description", "parent", "color", *_TEXT_FIELDS}
            if unknown:
                raise CodebookError(f"Unknown field(s) {sorted(unknown)} for a code; use name, description, "
                                    "parent, color, include, exclude, example, plain.")
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
            self._writer.write(events, coder)
        return [e["code_id"] for e in events]

    def _add_event(self, name, description="", parent=None, color=None, include="", exclude="",
                   example="", rationale="", coder="setup", taken: set[str] | None = None, plain="") -> dict:
        name = check_code_name(name)
        if self._find(name) is not None or (taken and name.casefold() in taken):
            raise CodebookError(f"The codebook already has a code called {name!r}; choose another name.")
        parent_id = self.lookup(parent).code_id if parent else None
        color = check_color(color) if color else self._free_color()
        for key, value in (("description", description), ("include", include),
                           ("exclude", exclude), ("example", example),
                           ("rationale", rationale), ("plain", plain)):
            if not isinstance(value, str):
                raise CodebookError(f"{key} of code {name!r} must be text, got {type(value).__name__}.")
        base = slugify(name, fallback="code")
        code_id, n = base, 2
        while code_id in self._codes or (taken and code_id in taken):
            code_id, n = f"{base}-{n}", n + 1
        return {
            "event": "add", "code_id": code_id, "name": name, "description": description,
            "parent": parent_id, "color": color, "include": include, "exclude": exclude,
            "example": example, "rationale": rationale, **({"plain": plain} if plain else {}),
        }

    def _free_color(self) -> str:
        """The first palette colour no active code uses (cycling when all are taken)."""
        used = {c.color.lower() for c in self._active()}
        return next((c for c in PALETTE if c not in used), PALETTE[len(self._codes) % len(PALETTE)])

    def edit(self, name: str, rationale: str = "", coder: str = "setup", **changes: Any) -> None:
        """Change a code's description, include/exclude notes, example, colour or parent."""
        self._writer.refresh()
        code = self.lookup(name)
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            if key in _TEXT_FIELDS:
                if not isinstance(value, str):
                    raise CodebookError(f"{key} must be text.")
                clean[key] = value
            elif key == "color":
                clean[key] = check_color(value)
            elif key == "parent":
                clean[key] = self.lookup(value).code_id if value else None
                if clean[key] and self._would_cycle(code.code_id, clean[key]):
                    raise CodebookError(f"{value!r} is below {name!r}: a code cannot be its own ancestor.")
            else:
                raise CodebookError(f"Cannot edit {key!r}; editable: {', '.join((*_TEXT_FIELDS, 'color', 'parent'))}. "
                                    "Use rename() to change a name.")
        if not clean:
            raise CodebookError("Nothing to change: pass e.g. description='...'.")
        self._writer.write(
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
        self._writer.refresh()
        code = self.lookup(name)
        new_name = check_code_name(new_name)
        clash = self._find(new_name)
        if clash is not None and clash.code_id != code.code_id:
            raise CodebookError(f"There is already a code called {new_name!r}; merge() the two codes instead.")
        self._writer.write(
            [{"event": "rename", "code_id": code.code_id, "from": code.name, "to": new_name, "rationale": rationale}],
            coder)

    def merge(self, names: list[str] | str, into: str, rationale: str = "", coder: str = "setup") -> None:
        """Merge codes *names* into *into* (an existing code, or a new one created here).

        Codings of the merged codes count as *into* from now on; they are not rewritten.
        """
        self._writer.refresh()
        names = [names] if isinstance(names, str) else list(names)
        if not names:
            raise CodebookError("merge() needs at least one code to merge.")
        sources = [self.lookup(n) for n in names]
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
        self._writer.write(events, coder)

    def split(self, name: str, into: list[str] | dict[str, str], rationale: str = "", coder: str = "setup",
              keep: bool = False) -> list[str]:
        """Split a code into new codes (a list of names, or ``{name: description}``).

        Existing codings stay with the original code (a person decides where each belongs);
        the original is retired unless ``keep=True``.
        """
        self._writer.refresh()
        code = self.lookup(name)
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
        self._writer.write(events, coder)
        return [e["name"] for e in events[:-1]]

    def retire(self, name: str, rationale: str = "", coder: str = "setup") -> None:
        """Retire a code: it is no longer offered, its codings and history stay."""
        self._writer.refresh()
        code = self.lookup(name)
        self._writer.write(
            [{"event": "retire", "code_id": code.code_id, "rationale": rationale}], coder)

    def add_events(self, events: list[dict], coder: str = "setup") -> None:
        """Write ready ``add`` events (from :func:`~workbench.codebook.read_codebook_file`) as one change.

        >>> p.codebook.add_events([{"event": "add", "code_id": "dusk", "name": "dusk"}], coder="ana")
        """
        self._writer.write(list(events), coder)

    def import_qdc(self, path: str, coder: str = "setup",
                   rationale: str = "imported from a REFI-QDA codebook") -> pd.DataFrame:
        """Deprecated: use ``wb.exchange.import_qdc(p, path)`` (this form goes after 2027-06-30).

        Adds the codes of a REFI-QDA codebook (``.qdc``) that this codebook lacks; returns a report frame.
        """
        warnings.warn("p.codebook.import_qdc(path) moved to wb.exchange.import_qdc(p, path); "
                      "the old form goes after 2027-06-30.", DeprecationWarning, stacklevel=2)
        exchange = importlib.import_module("workbench.exchange")  # a higher layer: no import edge upward
        return exchange.import_qdc(self._writer.project, path, coder=coder, rationale=rationale)

    def reinstate(self, name: str, rationale: str = "", coder: str = "setup") -> None:
        """Bring back a retired or merged code."""
        self._writer.refresh()
        code = self._find(name, active_only=False)
        if code is None or code.status == "active":
            raise CodebookError(f"{name!r} is not a retired or merged code.")
        self._writer.write(
            [{"event": "reinstate", "code_id": code.code_id, "rationale": rationale}], coder)

