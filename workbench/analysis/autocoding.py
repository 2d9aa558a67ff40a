"""Autocoding: a pattern's matches coded by a machine coder of their own (``auto:<pattern>``).

Machine codings never mix with a person's: they belong to a coder named with
:data:`~workbench.names.AUTO_PREFIX`, which :func:`~workbench.names.counted_coders` leaves out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ..consent import mask_restricted
from ..errors import UnknownCodeError
from ..names import AUTO_PREFIX, check_coder
from ..query import AnalysisError, restricted_narratives
from .retrieval import _compile, _hits

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["auto_coder_name", "autocode"]


def auto_coder_name(pattern: str | re.Pattern) -> str:
    """The coder name :func:`autocode` writes under: ``"auto:" + pattern``.

    Slashes and backslashes (not allowed in coder names, which name files) become the look-alikes
    ``∕`` and ``⧵``; control characters are dropped; names longer than 64 characters are cut with ``…``.

    >>> auto_coder_name(r"\\bhelp\\b")
    'auto:⧵bhelp⧵b'
    """
    text = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
    text = text.replace("\\", "\u29f5").replace("/", "\u2215")
    text = "".join(ch for ch in text if ch >= " " and ch != "\x7f").strip()
    name = AUTO_PREFIX + text
    return name if len(name) <= 64 else name[:63] + "\u2026"


def autocode(p: "Project", pattern: str | re.Pattern, code: str, window: int = 0, case_sensitive: bool = False,
             narrative: str | Iterable[str] | None = None, coder: str | None = None) -> pd.DataFrame:
    """Code every match of *pattern* with *code*, as the machine coder ``"auto:<pattern>"``.

    Each coding spans the match widened by *window* characters on both sides (clipped to the
    text); spans that then overlap or touch in one narrative become one coding. Spans the same
    auto coder already coded with *code* are not coded again, so re-running is safe. The
    codings are machine work under their own coder name (see :func:`auto_coder_name`, or pass
    *coder*), never mixed with a person's. Returns the new codings (like ``p.codings()``;
    text of ``"restricted"`` narratives shown as ``"[restricted]"``).

    >>> new = wb.analysis.autocode(p, r"\\bwaiting list", "barriers", window=40)
    >>> sorted(set(new["coder"])), sorted(set(new["code"]))
    (['auto:⧵bwaiting list'], ['barriers'])
    """
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise AnalysisError(f"window must be a whole number of characters >= 0, got {window!r}.")
    regex = _compile(pattern, case_sensitive)
    name = _active_code(p, code)
    coder = coder or auto_coder_name(pattern)
    spans = _widened_spans(p, _hits(p, regex, narrative), window)
    check_coder(coder)
    done = set()
    if coder in p.coders:
        have = p.codings(coder=coder, code=name)
        done = set(zip(have["narrative_id"], have["start"], have["end"]))
    rows = [{"narrative_id": nid, "start": s, "end": e, "code": name,
             "note": f"auto-coded: {regex.pattern!r}, window {window}"}
            for nid, s, e in spans if (nid, s, e) not in done]
    ids = p.code_many(rows, coder=coder, progress=len(rows) > 20_000) if rows else []
    new = p.codings(coder=coder)
    new = new[new["coding_id"].isin(ids)].reset_index(drop=True)
    return mask_restricted(new, restricted_narratives(p), ["text"])


def _active_code(p: "Project", code: str) -> str:
    if not isinstance(code, str) or code not in p.codebook:
        raise UnknownCodeError(
            f"{code!r} is not an active code; autocode needs one of p.codebook.names "
            f"(e.g. {', '.join(repr(n) for n in p.codebook.names[:5])}), or add it first.")
    return next(n for n in p.codebook.names if n == code or n.casefold() == code.casefold())


def _widened_spans(p: "Project", hits: list[tuple[str, int, int]], window: int) -> list[tuple[str, int, int]]:
    """Each hit widened by *window* characters (clipped to its text); overlapping or touching spans joined."""
    spans: list[tuple[str, int, int]] = []
    for nid, s, e in hits:
        length = len(p.text(nid))
        s, e = max(0, s - window), min(length, e + window)
        if spans and spans[-1][0] == nid and s <= spans[-1][2]:
            spans[-1] = (nid, spans[-1][1], max(e, spans[-1][2]))
        else:
            spans.append((nid, s, e))
    return spans
