"""The analytic approach a project names, and what it means for showing agreement between coders.

``workbench.toml`` names one of :data:`METHODS` (``p.method``, ``p.set_method``):

- ``reflexive``: reflexive thematic analysis (Braun and Clarke). Coders' readings differ because
  people bring different knowledge; that difference is material for dialogue, not error, so
  agreement figures are not shown by default (:data:`WHY_NO_AGREEMENT` says why wherever they would be).
  The default for a new project.
- ``codebook``: a shared codebook applied by several people (framework, template analysis);
  agreement is shown as a prompt for discussion.
- ``coding-reliability``: agreement is a quality check, reported with thresholds (:func:`reliability`).

A project made before methods names none and counts as ``codebook`` (it keeps showing what it showed).
"""

from __future__ import annotations

import math
from typing import Any

METHODS = ("reflexive", "codebook", "coding-reliability")
NEW_PROJECT_METHOD = "reflexive"
UNNAMED_METHOD = "codebook"
#: Krippendorff's (2004) conventions: rely on alpha >= 0.800, draw tentative conclusions from >= 0.667.
THRESHOLDS = (0.800, 0.667)
WHY_NO_AGREEMENT = (
    "Agreement figures are not shown: this project follows reflexive thematic analysis (method = \"reflexive\" "
    "in workbench.toml), which does not use inter-rater reliability as a quality check. Readings differ because "
    "people bring different knowledge, and where they differ is material for dialogue (the disagreement "
    "explorer shows it). To show the figures anyway, ask for them (agreement=True), or name another method "
    "with p.set_method(\"codebook\")."
)


def shows_agreement(method: str, asked: bool | None = None) -> bool:
    """Whether agreement figures are shown: as *asked* (True/False), else by *method* (not under ``reflexive``).

    >>> shows_agreement("reflexive"), shows_agreement("reflexive", asked=True), shows_agreement("codebook")
    (False, True, True)
    """
    return bool(asked) if asked is not None else method != "reflexive"


def reliability(alpha: Any) -> str:
    """How a coding-reliability study reads *alpha* against :data:`THRESHOLDS`.

    >>> reliability(0.82), reliability(0.7), reliability(0.4)
    ('reliable (>= 0.800)', 'tentative (0.667 to 0.800)', 'below 0.667: not reliable')
    """
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        return "not computed"
    if math.isnan(value):
        return "not computed"
    high, low = THRESHOLDS
    if value >= high:
        return f"reliable (>= {high:.3f})"
    if value >= low:
        return f"tentative ({low:.3f} to {high:.3f})"
    return f"below {low:.3f}: not reliable"
