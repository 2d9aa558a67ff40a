"""Analysis: every function takes a :class:`~workbench.Project` and returns a pandas DataFrame.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="tmp-sample")
>>> found = wb.analysis.segments(p, code="reciprocity", context=40)
>>> counts = wb.analysis.frequencies(p, by="setting")
>>> pairs = wb.analysis.cooccurrence(p, within=0)

The modules, one question each: :mod:`~workbench.analysis.retrieval` (segments, keyword in
context), :mod:`~workbench.analysis.counts` (frequencies, cross-tables),
:mod:`~workbench.analysis.patterns` (co-occurrence), :mod:`~workbench.analysis.compare`
(coders side by side), :mod:`~workbench.analysis.timelines` (change over time),
:mod:`~workbench.analysis.autocoding` (machine coding), :mod:`~workbench.analysis.words` (word
frequencies), :mod:`~workbench.analysis.themes` (what supports each theme) and
:mod:`~workbench.analysis.voices` (how narrators answered the reading, a voice of its own). They select codings
through :mod:`workbench.query`, as charts and widgets do.

Consent: narratives with consent ``"restricted"`` are counted like any other, but their words
never leave the project through these functions: wherever a frame would show passage or
context text of a restricted narrative it shows :data:`RESTRICTED` instead. Withdrawn
narratives are already gone from the project's frames.

Machine codings (``autocode``) belong to coders named ``auto:<pattern>``; pass
``coder=human_coders(p)`` to leave them out of any analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..consent import RESTRICTED
from ..names import AUTO_PREFIX, counted_coders
from ..query import AnalysisError
from .autocoding import auto_coder_name, autocode
from .compare import compare_coders
from .counts import frequencies, matrix
from .patterns import cooccurrence
from .retrieval import kwic, segments
from .themes import theme_matrix, theme_passages, theme_support
from .timelines import code_use_over_time, codebook_timeline, memo_timeline
from .voices import narrator_answers, narrator_words
from .words import stop_words, word_frequencies

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project


def human_coders(p: "Project") -> list[str]:
    """Every coder except the machine ones (``auto:...``): pass as ``coder=`` to leave machine work out.

    A group's negotiated reading (``group:...``) is people's work, so it stays.

    >>> wb.analysis.human_coders(p)
    ['ana', 'ben', 'chipo']
    >>> per_coder = wb.analysis.frequencies(p, by="coder", coder=wb.analysis.human_coders(p))
    """
    return counted_coders(p.coders, groups=True)


__all__ = [
    "RESTRICTED", "AUTO_PREFIX", "AnalysisError", "human_coders", "segments", "frequencies", "cooccurrence",
    "matrix", "kwic", "autocode", "auto_coder_name", "codebook_timeline", "memo_timeline",
    "code_use_over_time", "compare_coders", "word_frequencies", "stop_words", "theme_passages", "theme_support",
    "theme_matrix", "narrator_answers", "narrator_words",
]
