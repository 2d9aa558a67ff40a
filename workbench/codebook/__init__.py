"""The living codebook: codes and their history, folded from codebook events.

A code has a stable id (a slug of the name it was born with) and a current name.
Renames, merges, splits and retirements are *events* with a rationale and a coder;
codings refer to code ids, so they follow a rename or merge without being rewritten,
while the history still shows the name a code had when it was applied.

The package: :mod:`.codes` (a code, the palette, what a codebook writes through),
:mod:`.book` (:class:`Codebook`, the fold of codebook events and the changes people make),
:mod:`.files` (codebook YAML files read into ``add`` events).
"""

from __future__ import annotations

from ..names import check_code_name
from .book import Codebook
from .codes import PALETTE, Code, CodebookWriter, check_color, plain_words
from .files import codebook_events_from_doc, read_codebook_file

__all__ = ["Codebook", "CodebookWriter", "Code", "read_codebook_file", "codebook_events_from_doc",
           "check_code_name", "check_color", "plain_words", "PALETTE"]
