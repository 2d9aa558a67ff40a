"""Themes: what a team makes of its codes, folded from theme events like the codebook.

A theme has a stable id and a current name, a definition (what it is and is not), a central
organising idea, the codes it gathers, hand-picked passages (a coding id or a span), negative
cases (passages that do not fit, kept and shown), a phase (``candidate`` -> ``reviewed`` ->
``defined`` -> ``reported``, and back with a reason) and a colour. Every change is an event in
``events/themes/<coder>.jsonl`` with who, when and why; nothing is overwritten.

The package: :mod:`.model` (a theme, the phases, the fold), :mod:`.book` (:class:`Themes`, what
``p.themes`` is, its lookups and frames), :mod:`.changes` (passages, phases, renames, merges, splits).
"""

from __future__ import annotations

from .book import ThemeError, Themes, ThemeWriter
from .model import PHASES, Theme

__all__ = ["Themes", "ThemeWriter", "Theme", "ThemeError", "PHASES"]
