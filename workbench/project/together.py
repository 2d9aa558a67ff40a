"""Working together: how the codebook is governed, and what the team says about its coders.

The part of :class:`~workbench.project.Project` behind ``p.set_governance`` (``workbench.toml``'s
``[governance]``; the proposals themselves are in :mod:`workbench.codebook.proposals`) and
``p.set_coder_attributes`` / ``p.coder_attributes`` (``events/coders/<writer>.jsonl``, see
docs/project-format.md).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..codebook.proposals import check_rule
from ..errors import WorkbenchError
from ..names import check_coder
from ..store.events import coder_event
from ..store.narratives import cell, check_attribute_name

#: Where a coder has no value for an attribute, tables say this (never NaN).
NOT_SET = "(not set)"


def coder_attribute_frame(records: list[dict]) -> pd.DataFrame:
    """Coder-attribute events folded, latest value wins: one row per person (index ``coder``), text cells.

    >>> coder_attribute_frame([{"event": "attributes", "person": "ana", "attributes": {"role": "peer worker"},
    ...                         "at": "t"}])
                role
    coder
    ana    peer worker
    """
    values: dict[str, dict[str, str]] = {}
    for record in sorted((r for r in records if r.get("event") == "attributes"), key=lambda r: r.get("at") or ""):
        person = record.get("person")
        if isinstance(person, str):
            values.setdefault(person, {}).update({k: str(v) for k, v in (record.get("attributes") or {}).items()
                                                  if v is not None})
    frame = pd.DataFrame.from_dict(values, orient="index", dtype=object)
    frame = frame.reindex(sorted(frame.index, key=str.casefold)).fillna(NOT_SET)
    frame.index.name = "coder"
    return frame


class WorkingTogether:
    """The part of :class:`~workbench.project.Project` for governance and coder attributes."""

    _folder: Any

    def set_governance(self, mode: str, stewards: Any = None, endorsements: int | None = None) -> None:
        """How the codebook changes: ``"open"`` (anyone's change applies at once) or ``"proposals"``.

        Under ``"proposals"`` a change made through ``p.codebook`` becomes a proposal with its reason;
        it takes effect when a named steward endorses it (``stewards=["ana"]``) or when
        ``endorsements`` people other than the proposer endorse it, each objection offsetting one
        endorsement. Kept in ``workbench.toml`` (``[governance]``); each proposal keeps the rule
        it was made under. See docs/collaboration.md, "Governing the codebook together".

        >>> p.set_governance("proposals", stewards=["ana"], endorsements=2)
        >>> p.codebook.governance
        {'mode': 'proposals', 'stewards': ['ana'], 'endorsements': 2}
        """
        table = check_rule(mode, stewards=stewards, endorsements=endorsements)
        for person in table.get("stewards", []):
            check_coder(person)
        self._folder.set_governance(table)

    def set_coder_attributes(self, coder: str, by: str | None = None, **attributes: Any) -> None:
        """Describe a coder (``role="peer worker"``, ...), for comparing readings by who reads.

        *by* is who records it (the coder themself unless given). Use the attribute as a dimension
        with the prefix ``coder_``: ``wb.analysis.frequencies(p, by="coder_role")``.

        >>> p.set_coder_attributes("ana", role="peer worker", years="5")
        >>> p.coder_attributes.loc["ana", "role"]
        'peer worker'
        """
        check_coder(coder)
        writer = check_coder(by if by is not None else coder)
        if not attributes:
            raise WorkbenchError("Name at least one attribute, e.g. p.set_coder_attributes('ana', role='peer worker').")
        clean = {check_attribute_name(k): cell(v) for k, v in attributes.items()}
        self._folder.write_coders(writer, [coder_event(coder, clean, writer, self._folder.now())])

    @property
    def coder_attributes(self) -> pd.DataFrame:
        """What the team recorded about its coders: one row per coder (index ``coder``), one column per attribute.

        Empty cells read ``(not set)``.

        >>> p.set_coder_attributes("ben", role="researcher")
        >>> p.coder_attributes
                     role
        coder
        ben    researcher
        """
        self._folder.refresh()
        return coder_attribute_frame(self._folder.coders.records)
