"""What a command may ask of a project: spans that fit a text, whole-number offsets, notes, a story to add.

Each check returns the clean value or raises a :class:`~workbench.errors.WorkbenchError`
saying what is wrong and how to fix it, before anything is written.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._text import canonical_text, decode_bytes
from ..errors import ConsentError, SpanError, WorkbenchError

_RESERVED = ("id", "title", "narrator", "consent", "sha256")


def check_span(text: str, nid: str, start: Any, end: Any) -> tuple[int, int]:
    """``(start, end)`` as ints if ``[start, end)`` is a non-empty span of *text*, else a :class:`SpanError`.

    >>> check_span("hello", "n", 0, 4.0)
    (0, 4)
    >>> check_span("hello", "n", 3, 3)
    Traceback (most recent call last):
    ...
    workbench.errors.SpanError: The span [3, 3) of narrative 'n' is empty. ...
    """
    for label, value in (("start", start), ("end", end)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            if isinstance(value, (float, np.floating)) and float(value).is_integer():
                continue
            raise SpanError(f"{label} must be a whole number (a character offset), got {value!r}.")
    start, end = int(start), int(end)
    if not 0 <= start < end <= len(text):
        problem = ("is empty" if start == end else "is reversed" if start > end
                   else f"lies outside the text (0..{len(text)})")
        raise SpanError(
            f"The span [{start}, {end}) of narrative {nid!r} {problem}. Offsets are character "
            f"positions in p.text({nid!r}), start inclusive, end exclusive."
        )
    return start, end


def offsets(column: pd.Series, label: str) -> np.ndarray:
    """Whole-number offsets as int64, or a :class:`SpanError` naming the first bad value.

    >>> offsets(pd.Series([0, 4.0]), "start")
    array([0, 4])
    """
    values = column.to_numpy(dtype=object)
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(numbers) | (numbers % 1 != 0) | np.array([isinstance(v, (bool, np.bool_)) for v in values])
    if bad.any():
        raise SpanError(f"{label} must be a whole number (a character offset), got {values[np.argmax(bad)]!r}.")
    return numbers.astype("int64")


def batch_notes(frame: pd.DataFrame) -> list:
    """The ``note`` column of a batch of codings: text or ``None`` (empty and missing are ``None``).

    >>> batch_notes(pd.DataFrame({"note": ["x", "", None]}))
    ['x', None, None]
    """
    if "note" not in frame:
        return [None] * len(frame)
    notes = [None if n is None or n == "" or (not isinstance(n, str) and pd.isna(n)) else n
             for n in frame["note"].to_numpy(dtype=object)]
    if any(n is not None and not isinstance(n, str) for n in notes):
        raise WorkbenchError("notes must be text (or empty).")
    return notes


def checked_narrative(item: dict) -> dict:
    """A story to add, checked and canonical: text, title, narrator, consent, attributes, id (or None).

    >>> checked_narrative({"text": "We met\\r\\nweekly."})["title"]
    'We met'
    """
    text = item["text"]
    if isinstance(text, bytes):
        text = decode_bytes(text, item.get("title") or "narrative")
    if not isinstance(text, str):
        raise WorkbenchError(f"A narrative's text must be a string, got {type(text).__name__}.")
    text = canonical_text(text)
    if not text.strip():
        raise WorkbenchError(f"Narrative {item.get('title') or item.get('id')!r} has no text.")
    consent = item.get("consent") or "given"
    if consent not in ("given", "restricted"):
        raise ConsentError(f"consent must be 'given' or 'restricted' when adding (got {consent!r}).")
    attributes = {str(k): v for k, v in dict(item.get("attributes") or {}).items()}
    for key, value in attributes.items():
        if key in _RESERVED or not key.strip():
            raise WorkbenchError(f"{key!r} cannot be an attribute name (it is reserved or empty).")
        if isinstance(value, (dict, list, tuple, set)):
            raise WorkbenchError(f"Attribute {key!r} must be a single value, not {type(value).__name__}.")
    if item.get("structure") is not None and text != item["text"]:
        raise WorkbenchError(f"Narrative {item.get('title')!r}: its structure was built on a text that is not "
                             "canonical; build it on canonical text (workbench.sources does).")
    return {"id": item.get("id"), "title": str(item.get("title") or text.strip().splitlines()[0][:60]),
            "narrator": str(item.get("narrator") or ""), "consent": consent, "text": text,
            "attributes": attributes, "structure": item.get("structure"), "media": item.get("media")}
