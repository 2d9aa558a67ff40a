"""Code a passage by quoting its words: the keyboard's way to select text."""

from __future__ import annotations

import re

from ..errors import WorkbenchError
from ..project import Project
from ._folder import shorten


def code_quote(p: Project, narrative: str, words: str, code: str, coder: str, note: str | None = None,
               occurrence: int | None = None) -> str:
    """Code a passage by quoting it: the keyboard's way to do what selecting with the mouse does.

    *words* must appear in the story (capitals and line breaks may differ). If they appear more
    than once, quote more words or say which with ``occurrence=1, 2, ...``. Returns the coding id.

    >>> cid = code_quote(p, "kitchen-table", "Nobody asked me any of them.", "not problem-centred", coder="Sam")
    >>> p.codings(coder="Sam")[["code", "text"]]
                      code                          text
    0  not problem-centred  Nobody asked me any of them.
    """
    text = p.text(narrative)
    if not isinstance(words, str) or not words.strip():
        raise WorkbenchError("Quote the words to code, e.g. 'Nobody asked me any of them.'")
    found = _places(text, words)
    quoted = shorten(words.strip(), 60)
    if not found:
        raise WorkbenchError(f"{quoted!r} is not in the story {narrative!r}; copy the words "
                             "exactly from the story (capitals and line breaks may differ).")
    if occurrence is None:
        if len(found) > 1:
            raise WorkbenchError(f"{quoted!r} appears {len(found)} times in {narrative!r}: quote "
                                 "more words, or say which one with occurrence=1, 2, ...")
        occurrence = 1
    if not isinstance(occurrence, int) or not 1 <= occurrence <= len(found):
        raise WorkbenchError(f"occurrence must be a whole number from 1 to {len(found)}, got {occurrence!r}.")
    start, end = found[occurrence - 1]
    return p.code(narrative, start, end, code, coder=coder, note=note)


def _places(text: str, words: str) -> list[tuple[int, int]]:
    """Where *words* stand in *text*, any capitals and any run of spaces or line breaks between them."""
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
