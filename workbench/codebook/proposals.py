"""A codebook people govern together: proposals, endorsements, objections, and the rule that applies them.

A project whose ``workbench.toml`` says ``[governance] mode = "proposals"`` does not change its
codebook when one person renames or merges a code: the change becomes a *proposal* with a reason
(a ``propose`` event holding the very codebook events the change would write). Others answer in
their own words (``endorse`` or ``object`` events, in their own codebook logs). It takes effect
when the rule it was proposed under is met:

- ``stewards``: one of the named stewards endorses it;
- ``endorsements``: that many people other than the proposer endorse it, counting each objection
  against one endorsement (a person's latest word counts).

Taking effect is part of the fold, not a separate write: every machine that has the same events
applies the same proposal at the same event, so two people endorsing at once never apply it twice
nor leave it waiting. The changes applied carry the proposal's id (``proposal``) and who met the
rule (``applied_by``); the proposer can ``withdraw`` it while it is pending.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import CodebookError

MODES = ("open", "proposals")
PROPOSAL_COLUMNS = ["proposal_id", "summary", "proposed_by", "proposed_at", "rationale", "status",
                    "endorsed_by", "objected_by", "rule", "applied_at"]


@dataclass
class Proposal:
    """One proposed codebook change and what people said about it (read it through ``p.codebook.proposal``)."""

    proposal_id: str
    proposed_by: str
    proposed_at: str
    summary: str
    rationale: str
    changes: list[dict]
    rule: dict
    status: str = "pending"  # pending | applied | withdrawn | could not apply: ...
    endorsements: dict[str, str] = field(default_factory=dict)  # person -> their words
    objections: dict[str, str] = field(default_factory=dict)
    applied_at: str | None = None
    applied_by: str | None = None

    def __repr__(self) -> str:
        return (f"<Proposal {self.proposal_id} by {self.proposed_by}: {self.summary} ({self.status}; "
                f"{len(self.endorsements)} endorse, {len(self.objections)} object)>")

    def met(self) -> bool:
        """Whether the rule it was proposed under is met now.

        >>> Proposal("x", "ana", "t", "s", "", [], {"endorsements": 1}, endorsements={"ben": "yes"}).met()
        True
        """
        voices = set(self.endorsements) - {self.proposed_by}
        if set(self.rule.get("stewards") or []) & set(self.endorsements):
            return True
        needed = self.rule.get("endorsements")
        against = set(self.objections) - {self.proposed_by}
        return bool(needed) and len(voices) - len(against) >= int(needed)


def check_rule(mode: Any, stewards: Any = None, endorsements: Any = None) -> dict:
    """The governance table ``workbench.toml`` keeps, checked: mode, and for proposals its rule.

    >>> check_rule("proposals", stewards=["ana"])
    {'mode': 'proposals', 'stewards': ['ana']}
    >>> check_rule("open")
    {'mode': 'open'}
    """
    if mode not in MODES:
        raise CodebookError(f"governance must be 'open' or 'proposals', not {mode!r}.")
    if mode == "open":
        return {"mode": "open"}
    table: dict[str, Any] = {"mode": mode}
    if stewards is not None:
        people = [stewards] if isinstance(stewards, str) else list(stewards)
        if not people or not all(isinstance(s, str) and s.strip() for s in people):
            raise CodebookError("stewards must be one or more coder names, e.g. stewards=['ana'].")
        table["stewards"] = sorted({s.strip() for s in people})
    if endorsements is not None:
        if isinstance(endorsements, bool) or not isinstance(endorsements, int) or endorsements < 1:
            raise CodebookError(f"endorsements must be a whole number of people, 1 or more, not {endorsements!r}.")
        table["endorsements"] = endorsements
    if len(table) == 1:
        raise CodebookError("Under proposals, name the rule that applies a change: stewards=['ana'] (a steward "
                            "endorses it) or endorsements=2 (that many others endorse it), or both.")
    return table


class ProposalFold:
    """The proposals as folded from codebook events, in the codebook's own order."""

    def __init__(self) -> None:
        self.items: dict[str, Proposal] = {}
        self._early: dict[str, list[dict]] = {}  # voices stamped before their proposal (another machine's clock)

    def take(self, event: dict, fits: Any) -> list[dict]:
        """Fold one governance event; the codebook changes it puts into effect (usually none).

        *fits* tells whether changes still apply to the codebook as it stands (a reason if not).
        """
        kind, pid = event.get("event"), event.get("proposal_id")
        if kind == "propose" and pid and pid not in self.items:
            self.items[pid] = Proposal(
                proposal_id=pid, proposed_by=event.get("coder", ""), proposed_at=event.get("at", ""),
                summary=event.get("summary") or "", rationale=event.get("rationale") or "",
                changes=list(event.get("changes") or []), rule=dict(event.get("rule") or {}))
            applied: list[dict] = []
            for early in self._early.pop(pid, []):
                applied += self.take(early, fits)
            return applied
        proposal = self.items.get(pid)
        if proposal is None and pid and kind != "propose":
            self._early.setdefault(pid, []).append(event)
        if proposal is None or proposal.status != "pending":
            return []
        person, words = event.get("coder", ""), event.get("text") or ""
        if kind == "withdraw" and person == proposal.proposed_by:
            proposal.status = "withdrawn"
        elif kind in ("endorse", "object"):
            mine, other = ((proposal.endorsements, proposal.objections) if kind == "endorse"
                           else (proposal.objections, proposal.endorsements))
            other.pop(person, None)  # a person's latest word counts
            mine[person] = words
            if proposal.met():
                return self._apply(proposal, event, fits)
        return []

    @staticmethod
    def _apply(proposal: Proposal, event: dict, fits: Any) -> list[dict]:
        problem = fits(proposal.changes)
        if problem:
            proposal.status = f"could not apply: {problem}"
            return []
        proposal.status, proposal.applied_at, proposal.applied_by = "applied", event.get("at"), event.get("coder")
        changes = copy.deepcopy(proposal.changes)
        for seq, change in enumerate(changes):
            change.update(coder=proposal.proposed_by, at=event.get("at"), seq=seq,
                          proposal=proposal.proposal_id, applied_by=event.get("coder"))
        return changes

    def frame(self, status: str | None = "pending") -> pd.DataFrame:
        """The proposals as a frame, oldest first (``status=None``: all of them)."""
        rows = [{
            "proposal_id": p.proposal_id, "summary": p.summary, "proposed_by": p.proposed_by,
            "proposed_at": pd.Timestamp(p.proposed_at) if p.proposed_at else pd.NaT, "rationale": p.rationale,
            "status": p.status, "endorsed_by": ", ".join(sorted(p.endorsements)),
            "objected_by": ", ".join(sorted(p.objections)), "rule": describe_rule(p.rule),
            "applied_at": p.applied_at or "",
        } for p in self.items.values() if status is None or p.status == status]
        return pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)


def describe_rule(rule: dict) -> str:
    """A rule in words.

    >>> describe_rule({"stewards": ["ana"], "endorsements": 2})
    'a steward (ana) endorses, or 2 others endorse (less one for each objection)'
    """
    parts = []
    if rule.get("stewards"):
        parts.append(f"a steward ({', '.join(rule['stewards'])}) endorses")
    if rule.get("endorsements"):
        parts.append(f"{rule['endorsements']} others endorse (less one for each objection)")
    return ", or ".join(parts) or "no rule"


def summarize(changes: list[dict], names: dict[str, str]) -> str:
    """What a list of codebook events would do, in a few words (code names as they stand).

    >>> summarize([{"event": "rename", "code_id": "x", "from": "hope", "to": "hoping"}], {})
    'rename hope -> hoping'
    """
    first = next((c for c in changes if c.get("event") != "add"), changes[0] if changes else {})
    kind = first.get("event", "")
    name = names.get(first.get("code_id"), first.get("code_id") or first.get("name") or "")
    if kind == "rename":
        return f"rename {first.get('from')} -> {first.get('to')}"
    if kind == "merge":
        born = {c.get("code_id"): c.get("name") for c in changes if c.get("event") == "add"}
        into = first.get("into")
        return (f"merge {', '.join(names.get(s, s) for s in first.get('sources', []))} into "
                f"{names.get(into, born.get(into, into))}")
    if kind == "split":
        return f"split {name} into {', '.join(c.get('name', '') for c in changes if c.get('event') == 'add')}"
    if kind == "add":
        return f"add {', '.join(c.get('name', '') for c in changes)}"
    if kind == "edit":
        return f"edit {name}: {', '.join(first.get('changes') or {})}"
    return f"{kind} {name}".strip()
