"""What every export shares: consent, neutral coder labels, leaving memos out.

* Withdrawn narratives are already gone from ``p.narratives``, ``p.codings()`` and ``p.memos()``.
* Restricted narratives are counted but never quoted: their passage text is blanked here,
  and exporters leave out their source text.
* ``anonymise_coders=True`` replaces every coder name (codings, memos, memo participants,
  codebook authors) with "Coder 1", "Coder 2", ... consistently within one export.
* ``include_memos=False`` drops memos *and* coding notes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd

from ..consent import RESTRICTED, restricted_ids

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

#: What stands in an export for a note or memo about a story whose consent is "restricted".
RESTRICTED_NOTE = RESTRICTED
RESTRICTED_MEMO = "[restricted: this memo is about a story that may be counted but not quoted]"
#: When an export was written, for the people reading it (the logs use :data:`workbench._time.TIME_FORMAT`).
EXPORTED_AT = "%Y-%m-%d %H:%M UTC"
# XML 1.0 cannot carry these characters at all; replace them rather than fail an export.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: Any) -> str:
    """*value* as text XML can hold (impossible control characters become U+FFFD)."""
    text = "" if value is None else str(value)
    return _XML_INVALID.sub("\ufffd", text) if _XML_INVALID.search(text) else text


class Sharing:
    """The view of a project one export may show.

    >>> share = Sharing(p, anonymise_coders=True, include_memos=False)
    >>> sorted(share.codings()["coder"].unique())
    ['Coder 1', 'Coder 2', 'Coder 3']
    """

    def __init__(self, project: "Project", anonymise_coders: bool = False, include_memos: bool = True) -> None:
        self.project = project
        self.anonymise = bool(anonymise_coders)
        self.include_memos = bool(include_memos)
        self.narratives = project.narratives
        self.restricted: set[str] = restricted_ids(self.narratives) if len(self.narratives) else set()
        self._labels: dict[str, str] = {}
        if self.anonymise:
            for name in sorted(project.coders):
                self.coder(name)

    def coder(self, name: Any) -> Any:
        """The name to show for *name* (itself, or its neutral label)."""
        if not self.anonymise or name is None or (isinstance(name, float) and np.isnan(name)):
            return name
        if name not in self._labels:
            self._labels[name] = f"Coder {len(self._labels) + 1}"
        return self._labels[name]

    def coders(self, names: Iterable[Any]) -> list:
        return [self.coder(n) for n in names]

    def quotable(self, nid: str) -> bool:
        return nid not in self.restricted

    def codings(self, with_text: bool = True) -> pd.DataFrame:
        """``p.codings()`` as this export may show it: coders relabelled, restricted text blanked,
        notes dropped without memos. Sorted by narrative, start, end, coder."""
        frame = self.project.codings()
        if not with_text:
            frame = frame.drop(columns="text")
        if self.anonymise and len(frame):
            frame = frame.assign(coder=frame["coder"].map(self.coder))
        if self.restricted and len(frame):
            hidden = frame["narrative_id"].isin(self.restricted).to_numpy()
            if hidden.any():  # notes often quote the passage: they stay in the team too
                notes = frame["note"].to_numpy(dtype=object)
                frame = frame.assign(note=np.where(hidden & pd.notna(notes), RESTRICTED_NOTE, notes))
                if with_text:
                    frame = frame.assign(text=np.where(hidden, "", frame["text"].to_numpy(dtype=object)))
        if not self.include_memos:
            frame = frame.assign(note=None)
        return frame

    def memos(self) -> pd.DataFrame:
        """``p.memos()`` (coders and participants relabelled), or an empty frame without memos."""
        frame = self.project.memos()
        if not self.include_memos:
            return frame.iloc[0:0]
        if self.restricted and len(frame):
            about = frame["narrative_id"].isin(self.restricted) | frame["coding_id"].isin(self._restricted_codings())
            if about.any():  # counted and dated, but a memo about such a story may quote it
                frame = frame.assign(text=frame["text"].where(~about, RESTRICTED_MEMO),
                                     title=frame["title"].where(~about | frame["title"].isna(), RESTRICTED_NOTE))
        if self.anonymise and len(frame):
            frame = frame.assign(
                coder=frame["coder"].map(self.coder),
                participants=frame["participants"].map(
                    lambda people: self.coders(people) if isinstance(people, (list, tuple, np.ndarray)) else people),
            )
        return frame

    def _restricted_codings(self) -> set:
        codings = self.project.codings(narrative=sorted(self.restricted))
        return set(codings["coding_id"])

    def codebook(self, include_inactive: bool = False) -> pd.DataFrame:
        frame = self.project.codebook.to_frame(include_inactive=include_inactive)
        if self.anonymise and len(frame):
            frame = frame.assign(created_by=frame["created_by"].map(self.coder))
        return frame

    def attribute_names(self) -> list[str]:
        core = ("id", "title", "narrator", "consent")
        return [c for c in self.narratives.columns if c not in core]


def passage_note(share: Sharing) -> str:
    """One sentence on what this export leaves out, for reports and sheet headers."""
    parts = []
    if share.restricted:
        parts.append(f"{len(share.restricted)} narrative(s) with restricted consent are counted but never quoted")
    if share.anonymise:
        parts.append("coder names are replaced by neutral labels")
    if not share.include_memos:
        parts.append("memos and coding notes are left out")
    return "; ".join(parts)
