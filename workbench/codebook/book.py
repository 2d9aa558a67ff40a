"""The :class:`Codebook`: codes folded from codebook events, lookups, views, and the changes people make."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import pandas as pd
import yaml

from ..errors import CodebookError, UnknownCodeError
from ..store.events import PROPOSAL_KINDS
from .changes import CodebookChanges
from .codes import _TEXT_FIELDS, PALETTE, Code, CodebookWriter
from .proposals import Proposal, ProposalFold


class Codebook(CodebookChanges):
    """The project's current codebook and its history (read through ``p.codebook``).

    >>> code_id = p.codebook.add("mutuality", description="Both sides give", parent="reciprocity")
    >>> p.codebook.rename("mutuality", "mutual giving", rationale="closer to the paper", coder="ana")
    """

    def __init__(self, writer: CodebookWriter) -> None:
        self._writer = writer
        self._codes: dict[str, Code] = {}
        self._events: list[dict] = []
        self._proposals = ProposalFold()

    # ---- folding -------------------------------------------------------------------
    def _apply(self, event: dict) -> None:
        """Fold one event into the state. Events come from disk, so be forgiving: skip what cannot apply."""
        kind = event.get("event")
        codes = self._codes
        cid = event.get("code_id")
        if kind in PROPOSAL_KINDS:
            self._events.append(event)
            for change in self._proposals.take(event, self._misfit):
                self._apply(change)
            return
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

    def load_events(self, events: Iterable[dict]) -> None:
        """Rebuild the codebook from all its change events, in one total order on every machine.

        Ordered by time, then coder, then order within a change: two coders' changes made at the
        same instant on two machines fold the same way wherever the logs were merged.
        """
        self._codes, self._events, self._proposals = {}, [], ProposalFold()
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
                sources = ", ".join(names.get(s, s) for s in e.get("sources", []))
                detail = f"{sources} -> {names.get(e.get('into'), e.get('into'))}"
                cid = e.get("into")
            elif kind == "split":
                detail = f"-> {', '.join(names.get(s, s) for s in e.get('into', []))}"
            elif kind == "edit":
                detail = ", ".join(f"{k}={v!r}" for k, v in (e.get("changes") or {}).items())
            elif kind in PROPOSAL_KINDS:
                proposal = self._proposals.items.get(e.get("proposal_id"))
                first = next((c for c in proposal.changes if c.get("event") != "add"),
                             proposal.changes[0] if proposal.changes else {}) if proposal else {}
                cid = first.get("code_id") or first.get("into") or first.get("name")
                detail = f"proposal {e.get('proposal_id')}: {proposal.summary if proposal else ''}"
                if kind != "propose":
                    detail += f" | {e.get('text') or ''}".rstrip(" |")
            else:
                detail = ""
            if e.get("proposal"):
                detail += f" (proposal {e['proposal']}, put into effect by {e.get('applied_by')})"
            rows.append({
                "at": pd.Timestamp(e.get("at")) if e.get("at") else pd.NaT,
                "coder": e.get("coder"),
                "event": kind,
                "code": e.get("from") if kind == "rename" else names.get(cid, cid),
                "detail": detail,
                "rationale": e.get("rationale", "") or "",
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

    # ---- governance: proposals and the voices about them ------------------------------
    @property
    def governance(self) -> dict:
        """How codebook changes are made here: ``{"mode": "open"}`` or proposals with their rule.

        >>> p.codebook.governance
        {'mode': 'open'}
        """
        found = self._writer.governance() if self._writer.governance is not None else None
        return dict(found) if found else {"mode": "open"}

    def proposals(self, status: str | None = "pending") -> pd.DataFrame:
        """Proposed changes, oldest first: the pending ones, or those of a *status* (None: all).

        Columns: proposal_id, summary, proposed_by, proposed_at, rationale, status, endorsed_by,
        objected_by, rule, applied_at.

        >>> p.set_governance("proposals", endorsements=1)
        >>> proposal = p.codebook.rename("barriers", "obstacles", rationale="plainer", coder="ana")
        >>> p.codebook.proposals()[["summary", "proposed_by", "status"]]
                       summary proposed_by   status
        0  rename barriers -> obstacles         ana  pending
        """
        self._writer.refresh()
        return self._proposals.frame(status)

    def proposal(self, proposal_id: str) -> Proposal:
        """One proposal by its id, with everyone's words (``endorsements``, ``objections``: person -> text).

        >>> p.set_governance("proposals", stewards=["ana"])
        >>> pid = p.codebook.retire("power dynamics", rationale="too vague", coder="ben").proposal_id
        >>> p.codebook.proposal(pid).status
        'pending'
        """
        self._writer.refresh()
        if proposal_id not in self._proposals.items:
            raise CodebookError(f"There is no proposal {proposal_id!r}; see p.codebook.proposals(status=None).")
        return self._proposals.items[proposal_id]

    def endorse(self, proposal_id: str, coder: str, text: str) -> Proposal:
        """Endorse a pending proposal, in your own words; it takes effect if that meets the project's rule.

        >>> p.set_governance("proposals", endorsements=1)
        >>> pid = p.codebook.rename("barriers", "obstacles", rationale="plainer", coder="ana").proposal_id
        >>> p.codebook.endorse(pid, "ben", "yes: it is the word people use").status
        'applied'
        >>> "obstacles" in p.codebook
        True
        """
        return self._voice("endorse", proposal_id, coder, text)

    def object(self, proposal_id: str, coder: str, text: str) -> Proposal:
        """Object to a pending proposal, saying why; under ``endorsements`` each objection offsets one endorsement.

        >>> p.set_governance("proposals", endorsements=1)
        >>> pid = p.codebook.retire("power dynamics", rationale="too vague", coder="ana").proposal_id
        >>> p.codebook.object(pid, "ben", "the stories need it, keep it").objections
        {'ben': 'the stories need it, keep it'}
        """
        return self._voice("object", proposal_id, coder, text)

    def withdraw_proposal(self, proposal_id: str, coder: str, text: str = "") -> Proposal:
        """Withdraw your own pending proposal (the proposal and what people said stay in the history).

        >>> p.set_governance("proposals", endorsements=2)
        >>> pid = p.codebook.retire("power dynamics", rationale="too vague", coder="ana").proposal_id
        >>> p.codebook.withdraw_proposal(pid, "ana", "Ben convinced me").status
        'withdrawn'
        """
        proposal = self.proposal(proposal_id)
        if proposal.proposed_by != coder:
            raise CodebookError(f"Only {proposal.proposed_by!r}, who proposed it, can withdraw proposal "
                                f"{proposal_id!r}; object to it instead.")
        return self._voice("withdraw", proposal_id, coder, text, need_words=False)

    def _voice(self, kind: str, proposal_id: str, coder: str, text: str, need_words: bool = True) -> Proposal:
        proposal = self.proposal(proposal_id)
        if proposal.status != "pending":
            raise CodebookError(f"Proposal {proposal_id!r} is {proposal.status}; only a pending one can be answered.")
        if not isinstance(text, str) or (need_words and not text.strip()):
            raise CodebookError(f"Say in your own words why you {kind}: text='...'.")
        self._writer.write([{"event": kind, "proposal_id": proposal_id, "text": text.strip()}], coder)
        return self._proposals.items[proposal_id]

    def _misfit(self, changes: list[dict]) -> str:
        """Why *changes* no longer apply to the codebook as it stands ("" when they do)."""
        born = {c.get("code_id") for c in changes if c.get("event") == "add"}
        for change in changes:
            kind, cid = change.get("event"), change.get("code_id")
            if kind == "add" and (cid in self._codes or self._find(change.get("name", ""))):
                return f"a code {change.get('name')!r} exists already"
            ids = [cid] if kind != "merge" else [*change.get("sources", []), change.get("into")]
            if kind != "add" and any(i not in self._codes and i not in born for i in ids if i):
                return "a code it changes is no longer there"
            if kind == "rename":
                clash = self._find(change.get("to", ""))
                if clash is not None and clash.code_id != cid:
                    return f"a code {change.get('to')!r} exists already"
        return ""
