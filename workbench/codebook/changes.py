"""The changes people make to a codebook: add, edit, rename, merge, split, retire, reinstate.

Each change is checked against the codebook as it stands, then handed to :meth:`_commit`: in an
``open`` project it is written at once as codebook events; under ``proposals`` (see
:mod:`.proposals` and docs/collaboration.md, "Governing the codebook together") it becomes a
:class:`~.proposals.Proposal` that takes effect when the project's rule is met.
"""

from __future__ import annotations

import importlib
import re
import secrets
import warnings
from typing import Any, Iterable

import pandas as pd

from .._text import slugify
from ..errors import CodebookError
from ..names import check_code_name
from .codes import _TEXT_FIELDS, PALETTE, Code, CodebookWriter, check_color
from .proposals import summarize


class CodebookChanges:
    """The part of :class:`~.book.Codebook` that changes it (each change writes one or more events)."""

    _writer: CodebookWriter
    _codes: dict[str, Code]

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
    ) -> Any:
        """Add a code; returns its stable id (under proposals, the :class:`~.proposals.Proposal`).

        >>> p.codebook.add("speaking plainly", parent="community", color="#7570b3",
        ...                rationale="stories kept naming what services had no word for", coder="chipo")
        'speaking-plainly'
        """
        added = self.add_many([{"name": name, "description": description, "parent": parent, "color": color,
                                "include": include, "exclude": exclude, "example": example}],
                              rationale=rationale, coder=coder)
        return added[0] if isinstance(added, list) else added

    def add_many(self, codes: Iterable[dict], rationale: str = "", coder: str = "setup") -> Any:
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
            proposal = self._commit(events, coder, rationale)
            if proposal is not None:
                return proposal
        return [e["code_id"] for e in events]

    def _add_event(self, name, description="", parent=None, color=None, include="", exclude="",
                   example="", rationale="", coder="setup", taken: set[str] | None = None) -> dict:
        name = check_code_name(name)
        if self._find(name) is not None or (taken and name.casefold() in taken):
            raise CodebookError(f"The codebook already has a code called {name!r}; choose another name.")
        parent_id = self.lookup(parent).code_id if parent else None
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

    def edit(self, name: str, rationale: str = "", coder: str = "setup", **changes: Any) -> Any:
        """Change a code's description, include/exclude notes, example, colour or parent (None, or the Proposal).

        >>> p.codebook.edit("barriers", description="What stands in the way", rationale="wider", coder="ana")
        """
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
        return self._commit([{"event": "edit", "code_id": code.code_id, "changes": clean, "rationale": rationale}],
                            coder, rationale)

    def _would_cycle(self, code_id: str, new_parent: str) -> bool:
        current: str | None = new_parent
        while current:
            if current == code_id:
                return True
            current = self._codes[current].parent if current in self._codes else None
        return False

    def rename(self, name: str, new_name: str, rationale: str = "", coder: str = "setup") -> Any:
        """Rename a code; existing codings follow, and history keeps the old name (None, or the Proposal).

        Other codes' descriptions and rules that name it are updated too, each as an ``edit`` event
        whose reason says it follows the rename.

        >>> p.codebook.rename("pull of the known", "pull back", rationale="shorter", coder="ana")
        """
        self._writer.refresh()
        code = self.lookup(name)
        new_name = check_code_name(new_name)
        clash = self._find(new_name)
        if clash is not None and clash.code_id != code.code_id:
            raise CodebookError(f"There is already a code called {new_name!r}; merge() the two codes instead.")
        events = [{"event": "rename", "code_id": code.code_id, "from": code.name, "to": new_name,
                   "rationale": rationale}]
        return self._commit(events + self._follow_rename(code, new_name), coder, rationale)

    def merge(self, names: list[str] | str, into: str, rationale: str = "", coder: str = "setup") -> Any:
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
        return self._commit(events, coder, rationale)

    def split(self, name: str, into: list[str] | dict[str, str], rationale: str = "", coder: str = "setup",
              keep: bool = False) -> Any:
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
        proposal = self._commit(events, coder, rationale)
        return proposal if proposal is not None else [e["name"] for e in events[:-1]]

    def retire(self, name: str, rationale: str = "", coder: str = "setup") -> Any:
        """Retire a code: it is no longer offered, its codings and history stay."""
        self._writer.refresh()
        code = self.lookup(name)
        return self._commit([{"event": "retire", "code_id": code.code_id, "rationale": rationale}], coder, rationale)

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

    def reinstate(self, name: str, rationale: str = "", coder: str = "setup") -> Any:
        """Bring back a retired or merged code."""
        self._writer.refresh()
        code = self._find(name, active_only=False)
        if code is None or code.status == "active":
            raise CodebookError(f"{name!r} is not a retired or merged code.")
        return self._commit([{"event": "reinstate", "code_id": code.code_id, "rationale": rationale}],
                            coder, rationale)


    # ---- how a change is made: at once, or proposed ------------------------------------
    def _commit(self, events: list[dict], coder: str, rationale: str) -> Any:
        """Write *events* as one change (open project), or propose them (None, or the Proposal)."""
        governance = self.governance  # type: ignore[attr-defined]
        if governance.get("mode") != "proposals":
            self._writer.write(events, coder)
            return None
        if not isinstance(rationale, str) or not rationale.strip():
            raise CodebookError("This project's codebook changes by proposal: give the reason for the change, "
                                "rationale='...', so that others can answer it.")
        proposal_id = secrets.token_hex(6)
        rule = {k: v for k, v in governance.items() if k in ("stewards", "endorsements")}
        names = {cid: code.name for cid, code in self._codes.items()}
        self._writer.write([{"event": "propose", "proposal_id": proposal_id, "summary": summarize(events, names),
                             "changes": events, "rule": rule, "rationale": rationale.strip()}], coder)
        return self.proposal(proposal_id)  # type: ignore[attr-defined]

    def _follow_rename(self, code: Code, new_name: str) -> list[dict]:
        """Edits of the other codes whose texts name *code* (by any name it has had), to name it *new_name*."""
        names = sorted({code.name, *code.names}, key=len, reverse=True)
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, names))})(?!\w)", re.IGNORECASE)
        edits = []
        for other in self._codes.values():
            if other.code_id == code.code_id or other.status != "active":
                continue
            changes = {key: pattern.sub(new_name, getattr(other, key)) for key in _TEXT_FIELDS
                       if pattern.search(getattr(other, key) or "")}
            if changes:
                edits.append({"event": "edit", "code_id": other.code_id, "changes": changes,
                              "rationale": f"follows the rename of {code.name} to {new_name}"})
        return edits
