"""A narrator's consent, and what it means for every view of their story.

- ``given``: the story may be read, coded, quoted and exported.
- ``restricted``: counted and coded, never quoted: its words show as :data:`RESTRICTED`.
- ``return requested``: the narrator asked to see how their story was read (history only).
- ``withdrawn``: gone. Its text, codings and memos leave the folder; a one-way tombstone
  (:func:`tombstone_key`) lets writers refuse the story without keeping its id.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

import pandas as pd

CONSENT_VALUES = ("given", "restricted", "withdrawn")
#: A narrator asked to see how their story was read: a step in the consent conversation, not a column value.
RETURN_REQUESTED = "return requested"
#: Every state a narrator's consent history records.
CONSENT_STATES = (*CONSENT_VALUES, RETURN_REQUESTED)
#: Shown instead of the words of a restricted story, in every table, chart, tooltip and export.
RESTRICTED = "[restricted]"


def tombstone_key(narrative_id: str) -> str:
    """A one-way name for a withdrawn narrative.

    >>> len(tombstone_key("kitchen-table"))
    32
    """
    return hashlib.sha256(f"workbench-withdrawn:{narrative_id}".encode("utf-8")).hexdigest()[:32]


def restricted_ids(narratives: pd.DataFrame) -> set[str]:
    """Ids of the restricted narratives in a ``p.narratives`` frame.

    >>> restricted_ids(pd.DataFrame({"id": ["a", "b"], "consent": ["given", "restricted"]}))
    {'b'}
    """
    return set(narratives.loc[narratives["consent"] == "restricted", "id"])


def mask_restricted(frame: pd.DataFrame, restricted: Iterable[Any], columns: Iterable[str],
                    narrative_column: str = "narrative_id") -> pd.DataFrame:
    """*frame* with the words in *columns* replaced by :data:`RESTRICTED` on rows of restricted narratives.

    >>> f = pd.DataFrame({"narrative_id": ["a", "b"], "text": ["x", "y"]})
    >>> mask_restricted(f, {"b"}, ["text"])["text"].tolist()
    ['x', '[restricted]']
    """
    restricted = set(restricted)
    if not restricted or frame.empty:
        return frame
    hit = frame[narrative_column].isin(list(restricted)).to_numpy()  # Arrow strings stay Arrow
    if not hit.any():
        return frame
    return frame.assign(**{c: frame[c].mask(hit, RESTRICTED) for c in columns if c in frame})
