"""Retrieval: coded segments with their context, and keyword in context.

Both list every hit of a ``"restricted"`` narrative (so it is counted) with its words shown
as :data:`~workbench.consent.RESTRICTED`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..consent import RESTRICTED, mask_restricted
from ..query import AnalysisError, as_list, checked_codings, expand_codes, narrative_column, restricted_narratives

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["kwic", "segments"]


def _slices(texts: list[str], which: np.ndarray, lo: np.ndarray, hi: np.ndarray,
            hidden: np.ndarray | None = None) -> pd.Series:
    """``texts[which[i]][lo[i]:hi[i]]`` for every i (code-point offsets), :data:`RESTRICTED` where *hidden*.

    A million Python slices and their conversion to Arrow cost over a second; instead, build an
    Arrow ``string_view`` array whose views point into one UTF-8 buffer holding every text
    (a view is 16 bytes: the length, then either the bytes inline when <= 12, or a 4-byte
    prefix, buffer index and byte offset), then cast it to a regular string column.
    """
    import pyarrow as pa
    from numpy.lib.stride_tricks import sliding_window_view

    joined = "".join(texts)
    data = joined.encode("utf-8")
    n = len(lo)
    if n == 0 or len(data) >= 2**31 - 64:
        out = [texts[k][a:b] for k, a, b in zip(which.tolist(), lo.tolist(), hi.tolist())]
        series = pd.Series(out, dtype="str")
        return series.mask(hidden, RESTRICTED) if hidden is not None and n else series
    base = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=base[1:])
    first, last = base[which] + lo, base[which] + hi
    if len(data) == len(joined):  # ASCII: code points are bytes
        b0, b1 = first, last
    else:
        points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        byte_at = np.zeros(len(points) + 1, dtype=np.int64)
        np.cumsum(1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000), out=byte_at[1:])
        b0, b1 = byte_at[first], byte_at[last]
    if hidden is not None and hidden.any():
        marker = len(data)
        data += RESTRICTED.encode("utf-8")
        b0, b1 = np.where(hidden, marker, b0), np.where(hidden, len(data), b1)
    length = (b1 - b0).astype(np.int32)
    buffer = np.frombuffer(data + bytes(12), dtype=np.uint8)
    views = np.zeros((n, 16), dtype=np.uint8)
    views[:, 4:16] = sliding_window_view(buffer, 12)[b0]
    short = np.flatnonzero(length < 12)
    if len(short):  # inline strings are zero-padded
        views[short, 4:16] *= np.arange(12, dtype=np.int32)[None, :] < length[short, None]
    words = views.view(np.int32)
    words[:, 0] = length
    long = length > 12
    words[long, 2] = 0
    words[long, 3] = b0[long]
    array = pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(views), pa.py_buffer(data)])
    return pd.Series(array.cast(pa.large_string()).to_pandas(
        types_mapper=lambda t: pd.StringDtype("pyarrow", na_value=np.nan)))


def _narratives_with(p: "Project", attributes: Mapping[str, Any], narrative: Any) -> list[str]:
    """The narratives (of those asked for, if any) whose attributes match, e.g. ``{"year": [2023, 2024]}``."""
    narratives = p.narratives
    keep = pd.Series(True, index=narratives.index)
    for name, wanted in attributes.items():
        column = narrative_column(p, name)
        values = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
        keep &= narratives[column].isin(values) | narratives[column].astype(str).isin([str(v) for v in values])
    allowed = list(narratives.loc[keep, "id"])
    asked = as_list(narrative)
    return allowed if asked is None else [n for n in asked if n in set(allowed)]


def segments(p: "Project", code: str | Iterable[str] | None = None, coder: str | Iterable[str] | None = None,
             narrative: str | Iterable[str] | None = None, include_children: bool = True, context: int = 80,
             attributes: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Coded segments with their passage and *context* characters either side: code retrieval.

    Filters: *code* (with the codes below it unless ``include_children=False``), *coder*,
    *narrative* (one value or a list each) and *attributes*, e.g. ``{"setting": "peer group"}``
    or ``{"year": [2023, 2024]}``.

    Columns: coding_id, narrative_id, title, code, coder, start, end, before, text, after, note,
    created_at, consent, then the narrative attributes. For narratives with consent
    ``"restricted"``, ``before``, ``text`` and ``after`` hold ``"[restricted]"``: the segment is
    listed and counted, never quoted.

    >>> found = wb.analysis.segments(p, code="reciprocity", attributes={"setting": "peer group"}, context=40)
    >>> sorted(found["setting"].unique()), len(found) > 0
    (['peer group'], True)
    """
    if not isinstance(context, (int, np.integer)) or context < 0:
        raise AnalysisError(f"context must be a whole number of characters >= 0, got {context!r}.")
    codes = expand_codes(p, as_list(code), include_children) if code is not None else None
    narratives = p.narratives
    if attributes:
        narrative = _narratives_with(p, attributes, narrative)
    frame = checked_codings(p, coder=coder, code=codes, narrative=narrative)
    # Work per narrative through integer codes: a million Python slices is the floor here, so
    # everything around them stays in Arrow/numpy (no per-row pandas maps or object columns).
    codes_, uniq = pd.factorize(frame["narrative_id"])
    meta = narratives.set_index("id").reindex(uniq)
    texts = [p.text(nid) for nid in uniq]
    restricted = (meta["consent"] == "restricted").to_numpy()
    hidden = restricted[codes_] if len(uniq) else np.zeros(0, dtype=bool)
    context = int(context)
    starts, ends = frame["start"].to_numpy(np.int64), frame["end"].to_numpy(np.int64)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    which = codes_.astype(np.int64)
    before = _slices(texts, which, np.maximum(starts - context, 0), starts, hidden)
    after = _slices(texts, which, ends, np.minimum(ends + context, lengths[which] if len(which) else ends), hidden)
    index = pd.RangeIndex(len(frame))

    def take(column: str) -> pd.Series:
        return meta[column].take(codes_).set_axis(index) if len(frame) else pd.Series([], dtype=object)

    text = frame["text"]
    if hidden.any():
        text = text.mask(hidden, RESTRICTED)
    out = pd.DataFrame({
        "coding_id": frame["coding_id"], "narrative_id": frame["narrative_id"], "title": take("title"),
        "code": frame["code"], "coder": frame["coder"], "start": frame["start"], "end": frame["end"],
        "before": before.set_axis(index), "text": text, "after": after.set_axis(index), "note": frame["note"],
        "created_at": frame["created_at"], "consent": take("consent"),
    }, index=index)
    for name in p.attributes:
        out[name] = take(name)
    return out


def _compile(pattern: str | re.Pattern, case_sensitive: bool) -> re.Pattern:
    if isinstance(pattern, re.Pattern):
        return pattern
    if not isinstance(pattern, str) or not pattern:
        raise AnalysisError(f"pattern must be a non-empty regular expression, got {pattern!r}.")
    try:
        return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise AnalysisError(
            f"{pattern!r} is not a valid regular expression ({exc}). To search for the text as written, "
            f"use re.escape({pattern!r}).") from None


def _hits(p: "Project", regex: re.Pattern, narrative: Any) -> list[tuple[str, int, int]]:
    ids = as_list(narrative) if narrative is not None else list(p.narratives["id"])
    return [(nid, m.start(), m.end()) for nid in ids for m in regex.finditer(p.text(nid)) if m.end() > m.start()]


def kwic(p: "Project", pattern: str | re.Pattern, window: int = 60, case_sensitive: bool = False,
         narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Keyword in context: every match of the regular expression *pattern*, with *window* characters each side.

    Case-insensitive unless ``case_sensitive=True``; a compiled pattern is used as given.
    Columns: narrative_id, title, start, end, before, match, after, consent. Matches in
    ``"restricted"`` narratives are listed (so they are counted) with before, match and after
    shown as ``"[restricted]"``.

    >>> hits = wb.analysis.kwic(p, r"\\bhelp(ed|ing)?\\b", window=40)
    >>> list(hits.columns)
    ['narrative_id', 'title', 'start', 'end', 'before', 'match', 'after', 'consent']
    """
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise AnalysisError(f"window must be a whole number of characters >= 0, got {window!r}.")
    regex = _compile(pattern, case_sensitive)
    hits = _hits(p, regex, narrative)
    meta = p.narratives.set_index("id")
    texts = {nid: p.text(nid) for nid in {h[0] for h in hits}}
    rows = []
    for nid, s, e in hits:
        text = texts[nid]
        rows.append((nid, s, e, text[max(0, s - window):s], text[s:e], text[e:e + window]))
    out = pd.DataFrame(rows, columns=["narrative_id", "start", "end", "before", "match", "after"])
    out.insert(1, "title", out["narrative_id"].map(meta["title"]))
    out["consent"] = out["narrative_id"].map(meta["consent"])
    out[["start", "end"]] = out[["start", "end"]].astype("int64")
    return mask_restricted(out, restricted_narratives(p), ["before", "match", "after"])
