"""Analysis: every function takes a :class:`~workbench.Project` and returns a pandas DataFrame.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="tmp-sample")
>>> wb.analysis.segments(p, code="reciprocity", context=40)
>>> wb.analysis.frequencies(p, by="setting")
>>> wb.analysis.cooccurrence(p, within=0)

Consent: narratives with consent ``"restricted"`` are counted like any other, but their words
never leave the project through these functions: wherever a frame would show passage or
context text of a restricted narrative it shows :data:`RESTRICTED` instead. Withdrawn
narratives are already gone from the project's frames.

Machine codings (``autocode``) belong to coders named ``auto:<pattern>``; pass
``coder=human_coders(p)`` to leave them out of any analysis.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._arrays import expand_counts, sorted_unique
from .errors import UnknownCodeError, WorkbenchError

if TYPE_CHECKING:  # pragma: no cover
    from .project import Project

#: Shown instead of the words of a narrative whose consent is "restricted".
RESTRICTED = "[restricted]"
#: Prefix of the coder name that :func:`autocode` writes under.
AUTO_PREFIX = "auto:"

_SEGMENT_COLUMNS = ["coding_id", "narrative_id", "title", "code", "coder", "start", "end",
                    "before", "text", "after", "note", "created_at", "consent"]


class AnalysisError(WorkbenchError, ValueError):
    """An analysis was asked something it cannot answer (unknown attribute, bad pattern, ...)."""


# ---------------------------------------------------------------------- shared helpers
def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _code_order(p: "Project", present: Iterable[str] = ()) -> list[str]:
    """Active codes in codebook order, then any other code that still has codings (retired ones)."""
    order = list(p.codebook.names)
    known = set(order)
    return order + sorted({c for c in present if c not in known})


def _all_code_names(p: "Project") -> set[str]:
    return set(p.codebook.to_frame(include_inactive=True)["name"])


def _expand_codes(p: "Project", codes: list[str], include_children: bool) -> list[str]:
    """Check code names (active or not) and add the active codes below them when asked."""
    known = _all_code_names(p)
    out: list[str] = []
    for name in codes:
        if name not in known:
            raise UnknownCodeError(
                f"There is no code {name!r} in the codebook; see p.codebook.names "
                f"(e.g. {', '.join(repr(n) for n in p.codebook.names[:5])}).")
        out.append(name)
        if include_children and name in p.codebook:
            out.extend(p.codebook.children(name))
    return list(dict.fromkeys(out))


def _narrative_column(p: "Project", by: str) -> str:
    """The p.narratives column that *by* names (``"narrative"`` means the id)."""
    if by in ("narrative", "narrative_id", "id"):
        return "id"
    columns = list(p.narratives.columns)
    if by not in columns:
        raise AnalysisError(
            f"{by!r} is neither 'code', 'coder', 'narrative' nor a narrative attribute; "
            f"attributes here: {', '.join(p.attributes) or '(none)'}.")
    return by


def _codings(p: "Project", coder=None, code=None, narrative=None) -> pd.DataFrame:
    """p.codings() with the filters checked: a misspelt coder or narrative is an error, not an empty frame."""
    coders, narratives = _as_list(coder), _as_list(narrative)
    if coders is not None:
        known = set(p.coders)
        unknown = [c for c in coders if c not in known]
        if unknown:
            raise AnalysisError(f"No coder called {', '.join(map(repr, unknown))} has coded or written memos here; "
                                f"coders: {', '.join(sorted(known)) or '(none yet)'}.")
    for nid in narratives or ():
        p.text(nid)  # raises UnknownNarrativeError / ConsentError with a helpful message
    return p.codings(coder=coders, code=code, narrative=narratives)


def _with_dimension(p: "Project", frame: pd.DataFrame, by: str) -> tuple[pd.DataFrame, str]:
    """Add the column that *by* names to a codings frame; returns (frame, column name)."""
    if by in ("code", "coder"):
        return frame, by
    column = _narrative_column(p, by)
    if column == "id":
        return frame, "narrative_id"
    lookup = p.narratives.set_index("id")[column]
    frame = frame.assign(**{column: frame["narrative_id"].map(lookup)})
    return frame, column


def _restricted_ids(p: "Project") -> set[str]:
    n = p.narratives
    return set(n.loc[n["consent"] == "restricted", "id"])


def _mask_restricted(frame: pd.DataFrame, restricted: set[str], columns: Iterable[str],
                     id_column: str = "narrative_id") -> pd.DataFrame:
    """Replace the words of restricted narratives by :data:`RESTRICTED` (Arrow-native, no object round trip)."""
    if not restricted or not len(frame):
        return frame
    hit = frame[id_column].isin(list(restricted)).to_numpy()
    if hit.any():
        frame = frame.assign(**{column: frame[column].mask(hit, RESTRICTED) for column in columns})
    return frame


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


def human_coders(p: "Project") -> list[str]:
    """Every coder except the machine ones (``auto:...``): pass as ``coder=`` to leave machine work out.

    >>> wb.analysis.frequencies(p, by="coder", coder=wb.analysis.human_coders(p))
    """
    return [c for c in p.coders if not c.startswith(AUTO_PREFIX)]


# ---------------------------------------------------------------------- retrieval
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

    >>> wb.analysis.segments(p, code="reciprocity", attributes={"setting": "peer group"}, context=40)
    """
    if not isinstance(context, (int, np.integer)) or context < 0:
        raise AnalysisError(f"context must be a whole number of characters >= 0, got {context!r}.")
    codes = _expand_codes(p, _as_list(code), include_children) if code is not None else None
    narratives = p.narratives
    if attributes:
        keep = pd.Series(True, index=narratives.index)
        for name, wanted in attributes.items():
            column = _narrative_column(p, name)
            values = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
            keep &= narratives[column].isin(values) | narratives[column].astype(str).isin([str(v) for v in values])
        allowed = list(narratives.loc[keep, "id"])
        asked = _as_list(narrative)
        narrative = allowed if asked is None else [n for n in asked if n in set(allowed)]
    frame = _codings(p, coder=coder, code=codes, narrative=narrative)
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


# ---------------------------------------------------------------------- frequencies
def _with_ancestors(p: "Project", frame: pd.DataFrame) -> pd.DataFrame:
    """Each coding once under its own code and once under every active code above it."""
    book = p.codebook.to_frame()
    parent = dict(zip(book["name"], book["parent"]))
    parts = [frame]
    level = frame
    for _ in range(len(parent)):
        mapped = level["code"].map(parent)
        level = level[mapped.notna().to_numpy()].assign(code=mapped.dropna())
        if not len(level):
            break
        parts.append(level)
    return pd.concat(parts, ignore_index=True)


def frequencies(p: "Project", by: str | Iterable[str] | None = "narrative",
                coder: str | Iterable[str] | None = None, include_children: bool = False) -> pd.DataFrame:
    """How often each code is used: codings, distinct narratives and distinct coders.

    *by*: ``None`` (one row per code, every active code listed, zeros included), ``"narrative"``,
    ``"coder"``, any narrative attribute (``"setting"``), or a list of these. Rows are long
    (code, <by...>, codings, narratives, coders), only combinations that occur, codes in codebook
    order. ``include_children=True`` also counts each coding under every code above its own
    (a parent's row then covers its whole branch).

    >>> wb.analysis.frequencies(p, by="setting")
    >>> wb.analysis.frequencies(p, by=None)          # one row per code
    """
    frame = _codings(p, coder=coder)
    dims: list[str] = []
    for item in ([] if by is None else _as_list(by)):
        if item == "code":
            continue
        frame, column = _with_dimension(p, frame, item)
        dims.append(column)
    if include_children:
        frame = _with_ancestors(p, frame)
    keys = ["code", *dims]
    counts = frame.groupby(keys, sort=False, observed=True, dropna=False).agg(
        codings=("coding_id", "size"), narratives=("narrative_id", "nunique"), coders=("coder", "nunique"))
    counts = counts.reset_index()
    order = _code_order(p, counts["code"])
    if not dims:
        counts = counts.set_index("code").reindex(order, fill_value=0).rename_axis("code").reset_index()
    rank = {name: i for i, name in enumerate(order)}
    counts = counts.sort_values(keys, key=lambda s: s.map(rank) if s.name == "code" else s, kind="stable")
    for column in ("codings", "narratives", "coders"):
        counts[column] = counts[column].astype("int64")
    return counts.reset_index(drop=True)


# ---------------------------------------------------------------------- co-occurrence
def _pair_chunks(group: np.ndarray, start: np.ndarray, end: np.ndarray, reach: int, max_pairs: int = 4_000_000):
    """Sort-and-sweep: yield (i, j) index arrays of every pair that meets, in bounded chunks.

    Inputs are sorted by (group, start). Coding j (after i in that order) meets coding i when
    they are in the same group and ``start_j < end_i + reach``. A searchsorted over the sorted
    keys finds, for every i, the first coding out of reach; the pairs between are enumerated
    with vectorised repeat/arange, never by testing all pairs.
    """
    if len(start) < 2:
        return
    stride = int(end.max()) + reach + 1  # keeps groups apart on one number line
    key = group.astype(np.int64) * stride + start
    right = np.searchsorted(key, group.astype(np.int64) * stride + end + reach, side="left")
    yield from _expand(right, max_pairs)


def _group_pairs(group: np.ndarray, max_pairs: int = 4_000_000):
    """Every (i, j), i < j, within runs of equal values of the sorted array *group*."""
    if len(group) < 2:
        return
    yield from _expand(np.searchsorted(group, group, side="right"), max_pairs)


def _expand(right: np.ndarray, max_pairs: int):
    """Yield (i, j) for i < j < right[i], at most about *max_pairs* at a time."""
    for first, offsets in expand_counts(right - np.arange(len(right)) - 1, max_pairs):
        yield first, first + 1 + offsets


def _distinct(keys: np.ndarray, space: int) -> np.ndarray:
    """Sorted distinct values of non-negative *keys* < *space* (a bitmap when small: no hashing, no sort)."""
    if space <= 64_000_000:
        seen = np.zeros(space, dtype=bool)
        seen[keys] = True
        return np.flatnonzero(seen)
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def _tally(keys: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct *keys* and how often each occurs."""
    if space <= 64_000_000:
        counts = np.bincount(keys, minlength=space)
        hit = np.flatnonzero(counts)
        return hit, counts[hit]
    return np.unique(keys, return_counts=True)


def cooccurrence(p: "Project", within: int = 0, coder: str | Iterable[str] | None = None, pool: bool = False,
                 per_narrative: bool = False, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """How often two codes overlap (``within=0``) or come within *within* characters of each other.

    **count** for codes A and B is the number of pairs of codings, one coded A and one coded B,
    in the same narrative and by the same coder, that *meet*: with ``within=0`` their spans share
    at least one character; with ``within=N > 0`` at most N characters lie between them
    (overlapping and touching spans included). ``coder`` keeps only those coders' codings (one
    name or a list); each coder's codings still pair only with their own, unless ``pool=True``,
    which pairs codings of different coders too. Pairs of two codings of the same code are not
    counted.

    **jaccard** is the Jaccard index over *readings*: a reading is one coder's coding of one
    narrative (with ``pool=True``, one narrative). With R_A the readings that use A, R_B those
    that use B, and R_AB those in which some A coding meets some B coding (as above),
    ``jaccard = |R_AB| / |R_A ∪ R_B|``: 1 when the codes meet in every reading that uses either,
    0 when they never meet.

    Returns one row per pair that meets at least once, ``code_a < code_b`` alphabetically:
    columns code_a, code_b, count, jaccard (with ``per_narrative=True`` also narrative_id, first,
    and jaccard over that narrative's readings). Biggest counts first. *codes* restricts the
    analysis to those codes.

    >>> wb.analysis.cooccurrence(p)                   # overlaps, per coder, summed
    >>> wb.analysis.cooccurrence(p, within=200, pool=True)
    """
    if isinstance(within, bool) or not isinstance(within, (int, np.integer)) or within < 0:
        raise AnalysisError(f"within must be a whole number of characters >= 0, got {within!r}.")
    frame = _codings(p, coder=coder, code=_expand_codes(p, list(codes), False) if codes is not None else None)
    columns = ["code_a", "code_b", "count", "jaccard"]
    if per_narrative:
        columns = ["narrative_id", *columns]
    if len(frame) < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else "float64" if c == "jaccard"
                                          else object) for c in columns})
    code_idx, names = pd.factorize(frame["code"], sort=True)
    names = np.asarray(names, dtype=object)
    n_codes = len(names)
    narr_idx, narr_names = pd.factorize(frame["narrative_id"])
    if pool:
        unit = narr_idx.astype(np.int64)
    else:
        coder_idx, _ = pd.factorize(frame["coder"])
        unit = narr_idx.astype(np.int64) * (int(coder_idx.max()) + 1) + coder_idx
    n_units = int(unit.max()) + 1
    start = frame["start"].to_numpy(np.int64)
    end = frame["end"].to_numpy(np.int64)
    order = np.lexsort((start, unit))
    unit, start, end = unit[order], start[order], end[order]
    code_idx = code_idx[order].astype(np.int64)
    unit_narr = narr_idx[order]
    reach = within + 1 if within > 0 else 0  # start_j < end_i + reach, see _pair_chunks

    squared = n_codes * n_codes
    met_keys = []  # (unit, pair) combinations, deduplicated per chunk
    pair_counts = np.zeros(squared, dtype=np.int64)
    narr_pair_keys = []
    for i, j in _pair_chunks(unit, start, end, reach):
        a, b = code_idx[i], code_idx[j]
        keep = a != b
        i, a, b = i[keep], a[keep], b[keep]
        pair = np.minimum(a, b) * n_codes + np.maximum(a, b)
        met_keys.append(_distinct(unit[i] * squared + pair, n_units * squared))
        if per_narrative:
            narr_pair_keys.append(unit_narr[i].astype(np.int64) * squared + pair)
        else:
            pair_counts += np.bincount(pair, minlength=squared)
    met = _distinct(np.concatenate(met_keys), n_units * squared) if met_keys else np.array([], dtype=np.int64)
    used = _distinct(unit * n_codes + code_idx, n_units * n_codes)  # (unit, code) in use, sorted by unit
    used_unit, used_code = used // n_codes, used % n_codes
    # readings that use both codes of a pair (whether or not the codes meet there): R_A ∩ R_B
    shared_keys = []
    for i, j in _group_pairs(used_unit):
        pair = used_code[i] * n_codes + used_code[j]  # used_code ascends within a unit: a < b
        shared_keys.append(used_unit[i] * squared + pair if per_narrative else pair)

    if not per_narrative:
        both = np.bincount(met % squared, minlength=squared)
        readers = np.bincount(used_code, minlength=n_codes)
        shared = np.zeros(squared, dtype=np.int64)
        for keys in shared_keys:
            shared += np.bincount(keys, minlength=squared)
        hit = np.flatnonzero(pair_counts)
        a, b = hit // n_codes, hit % n_codes
        union = readers[a] + readers[b] - shared[hit]
        out = pd.DataFrame({"code_a": names[a], "code_b": names[b], "count": pair_counts[hit],
                            "jaccard": both[hit] / union})
        return out.sort_values(["count", "code_a", "code_b"], ascending=[False, True, True],
                               kind="stable").reset_index(drop=True)

    # per narrative: counts per (narrative, pair); the readings are that narrative's coders
    n_narr = len(narr_names)
    empty = np.array([], dtype=np.int64)
    keys, counts = _tally(np.concatenate(narr_pair_keys), n_narr * squared) if narr_pair_keys else (empty, empty)
    narr_of_unit = np.zeros(n_units, dtype=np.int64)
    narr_of_unit[unit] = unit_narr
    both_keys, both_n = _tally(narr_of_unit[met // squared] * squared + met % squared, n_narr * squared)
    use_keys, use_n = _tally(narr_of_unit[used_unit] * n_codes + used_code, n_narr * n_codes)
    shared_all = np.concatenate(shared_keys) if shared_keys else empty
    shared_keys_n, shared_n = _tally(narr_of_unit[shared_all // squared] * squared + shared_all % squared,
                                     n_narr * squared)
    narr, pair = keys // squared, keys % squared
    a, b = pair // n_codes, pair % n_codes
    both = both_n[np.searchsorted(both_keys, keys)]
    shared = shared_n[np.searchsorted(shared_keys_n, keys)]
    reads_a = use_n[np.searchsorted(use_keys, narr * n_codes + a)]
    reads_b = use_n[np.searchsorted(use_keys, narr * n_codes + b)]
    out = pd.DataFrame({"narrative_id": np.asarray(narr_names, dtype=object)[narr], "code_a": names[a],
                        "code_b": names[b], "count": counts, "jaccard": both / (reads_a + reads_b - shared)})
    return out.sort_values(["narrative_id", "count", "code_a", "code_b"], ascending=[True, False, True, True],
                           kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------- matrix
def matrix(p: "Project", rows: str = "code", columns: str = "setting", values: str = "count",
           coder: str | Iterable[str] | None = None, include_children: bool = False) -> pd.DataFrame:
    """A cross-table of codings: *rows* by *columns*, each ``"code"``, ``"coder"``, ``"narrative"`` or an attribute.

    *values*: ``"count"`` (codings), ``"narratives"`` (distinct narratives) or ``"passages"``
    (each cell a list of the passages' texts; a passage of a ``"restricted"`` narrative appears
    as ``"[restricted]"``, so it is counted but not quoted). A code axis lists every active code in
    codebook order. ``include_children=True`` counts codings under the codes above theirs too.

    >>> wb.analysis.matrix(p, rows="code", columns="setting")
    >>> wb.analysis.matrix(p, rows="code", columns="coder", values="passages")
    """
    if values not in ("count", "narratives", "passages"):
        raise AnalysisError(f"values must be 'count', 'narratives' or 'passages', not {values!r}.")
    if rows == columns:
        raise AnalysisError("rows and columns must differ (e.g. rows='code', columns='setting').")
    frame = _codings(p, coder=coder)
    if values == "passages":
        frame = _mask_restricted(frame, _restricted_ids(p), ["text"])
    frame, row_col = _with_dimension(p, frame, rows)
    frame, col_col = _with_dimension(p, frame, columns)
    if include_children:
        frame = _with_ancestors(p, frame)
    if values == "passages":
        table = _passage_table(frame, row_col, col_col)
    else:
        grouped = frame.groupby([row_col, col_col], sort=True, observed=True)
        if values == "count":
            table = grouped.size().unstack(fill_value=0)
        else:
            table = grouped["narrative_id"].nunique().unstack(fill_value=0)
    for axis, name in ((0, rows), (1, columns)):
        labels = table.index if axis == 0 else table.columns
        if name == "code":
            wanted = _code_order(p, labels)
        elif name in ("narrative", "narrative_id", "id"):
            wanted = [n for n in p.narratives["id"] if n in set(labels)] or list(labels)
        else:
            continue
        table = table.reindex(wanted, axis=axis, fill_value=0 if values != "passages" else None)
    if values == "passages":
        table = table.map(lambda cell: cell if isinstance(cell, list) else [])
    else:
        table = table.astype("int64")
    table.index.name, table.columns.name = row_col, col_col
    return table


def _passage_table(frame: pd.DataFrame, row_col: str, col_col: str) -> pd.DataFrame:
    """Cells of passage lists, built by one sort and split (a groupby-list is several times slower)."""
    rows, row_names = pd.factorize(frame[row_col], sort=True)
    cols, col_names = pd.factorize(frame[col_col], sort=True)
    order = np.lexsort((cols, rows))
    texts = frame["text"].to_numpy(dtype=object)[order]
    keys = rows[order].astype(np.int64) * len(col_names) + cols[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    starts = np.r_[0, cuts] if len(keys) else np.array([], dtype=np.int64)
    cells = np.empty((len(row_names), len(col_names)), dtype=object)
    for key, chunk in zip(keys[starts], np.split(texts, cuts) if len(keys) else []):
        cells[key // len(col_names), key % len(col_names)] = chunk.tolist()
    return pd.DataFrame(cells, index=pd.Index(row_names), columns=pd.Index(col_names))


# ---------------------------------------------------------------------- keyword in context
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


def _hits(p: "Project", regex: re.Pattern, narrative) -> list[tuple[str, int, int]]:
    ids = _as_list(narrative) if narrative is not None else list(p.narratives["id"])
    return [(nid, m.start(), m.end()) for nid in ids for m in regex.finditer(p.text(nid)) if m.end() > m.start()]


def kwic(p: "Project", pattern: str | re.Pattern, window: int = 60, case_sensitive: bool = False,
         narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Keyword in context: every match of the regular expression *pattern*, with *window* characters each side.

    Case-insensitive unless ``case_sensitive=True``; a compiled pattern is used as given.
    Columns: narrative_id, title, start, end, before, match, after, consent. Matches in
    ``"restricted"`` narratives are listed (so they are counted) with before, match and after
    shown as ``"[restricted]"``.

    >>> wb.analysis.kwic(p, r"\\bhelp(ed|ing)?\\b", window=40)
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
    return _mask_restricted(out, _restricted_ids(p), ["before", "match", "after"])


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

    >>> wb.analysis.autocode(p, r"\\bwaiting list", "waiting lists", window=40)
    """
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise AnalysisError(f"window must be a whole number of characters >= 0, got {window!r}.")
    regex = _compile(pattern, case_sensitive)
    name = _active_code(p, code)
    coder = coder or auto_coder_name(pattern)
    spans: list[tuple[str, int, int]] = []
    for nid, s, e in _hits(p, regex, narrative):
        length = len(p.text(nid))
        s, e = max(0, s - window), min(length, e + window)
        if spans and spans[-1][0] == nid and s <= spans[-1][2]:
            spans[-1] = (nid, spans[-1][1], max(e, spans[-1][2]))
        else:
            spans.append((nid, s, e))
    from .project import check_coder

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
    return _mask_restricted(new, _restricted_ids(p), ["text"])


def _active_code(p: "Project", code: str) -> str:
    if not isinstance(code, str) or code not in p.codebook:
        raise UnknownCodeError(
            f"{code!r} is not an active code; autocode needs one of p.codebook.names "
            f"(e.g. {', '.join(repr(n) for n in p.codebook.names[:5])}), or add it first.")
    return next(n for n in p.codebook.names if n == code or n.casefold() == code.casefold())


# ---------------------------------------------------------------------- time
def codebook_timeline(p: "Project") -> pd.DataFrame:
    """The codebook's evolution, oldest first: at, coder, event, code, detail, rationale, summary.

    ``event`` is add, rename, edit, merge, split, retire or reinstate; ``code`` is the name the
    code had at the time; ``summary`` is one readable line.

    >>> wb.analysis.codebook_timeline(p).query("event != 'add'")
    """
    frame = p.codebook.history().copy()
    verbs = {"add": "added", "rename": "renamed", "edit": "edited", "merge": "merged", "split": "split",
             "retire": "retired", "reinstate": "reinstated"}
    summary = []
    for event, code, detail, why in zip(frame["event"], frame["code"], frame["detail"], frame["rationale"]):
        line = f"{verbs.get(event, event)} {code!r}"
        if detail and event in ("rename", "merge", "split", "edit"):
            line += f": {detail}"
        if why:
            line += f" (why: {why})"
        summary.append(line)
    frame["summary"] = summary
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame.sort_values("at", kind="stable").reset_index(drop=True)


def memo_timeline(p: "Project", coder: str | Iterable[str] | None = None, kind: str | None = None) -> pd.DataFrame:
    """Memos, oldest first: at, coder, kind, title, text, about, narrative_id, code, coding_id, participants.

    ``about`` says what a memo is tied to ("narrative n0001", "code trust", "coding ...",
    "project"). Memo texts are the coders' own words and are shown as written.

    >>> wb.analysis.memo_timeline(p, kind="reflexive")
    """
    frame = p.memos(kind=kind)
    wanted = _as_list(coder)
    if wanted is not None:
        frame = frame[frame["coder"].isin(wanted)]
    about = []
    for nid, code, coding in zip(frame["narrative_id"], frame["code"], frame["coding_id"]):
        if isinstance(coding, str):
            about.append(f"coding {coding}")
        elif isinstance(code, str) and isinstance(nid, str):
            about.append(f"code {code} in narrative {nid}")
        elif isinstance(code, str):
            about.append(f"code {code}")
        elif isinstance(nid, str):
            about.append(f"narrative {nid}")
        else:
            about.append("project")
    out = frame.rename(columns={"created_at": "at"}).assign(about=about)
    columns = ["at", "coder", "kind", "title", "text", "about", "narrative_id", "code", "coding_id", "participants"]
    return out[columns].reset_index(drop=True)


def _period_start(times: pd.Series, freq: str) -> pd.Series:
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None)
    if freq == "D":
        return naive.dt.floor("D")
    return naive.dt.to_period(freq).dt.start_time


def code_use_over_time(p: "Project", coder: str | Iterable[str] | None = None, freq: str = "auto",
                       include_children: bool = False) -> pd.DataFrame:
    """How each coder's use of codes changed: codings per period, per coder and code.

    *freq*: ``"D"`` (day), ``"W"`` (week), ``"M"`` (month), ``"Q"``, ``"Y"`` or ``"auto"`` (days for
    up to two weeks of work, weeks up to half a year, months beyond). Columns: period (the
    period's first day, UTC), coder, code, codings, share (of that coder's codings in that period).

    >>> wb.analysis.code_use_over_time(p, coder="ana", freq="W")
    """
    frame = _codings(p, coder=coder)
    if freq not in ("auto", "D", "W", "M", "Q", "Y"):
        raise AnalysisError(f"freq must be 'auto', 'D', 'W', 'M', 'Q' or 'Y', not {freq!r}.")
    if include_children:
        frame = _with_ancestors(p, frame)
    if not len(frame):
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[us]"), "coder": pd.Series(dtype=object),
                             "code": pd.Series(dtype=object), "codings": pd.Series(dtype="int64"),
                             "share": pd.Series(dtype="float64")})
    if freq == "auto":
        span = frame["created_at"].max() - frame["created_at"].min()
        freq = "D" if span <= pd.Timedelta(days=14) else "W" if span <= pd.Timedelta(days=183) else "M"
    frame = frame.assign(period=_period_start(frame["created_at"], freq))
    counts = frame.groupby(["period", "coder", "code"], observed=True).size().rename("codings").reset_index()
    totals = counts.groupby(["period", "coder"])["codings"].transform("sum")
    counts["share"] = counts["codings"] / totals
    counts["codings"] = counts["codings"].astype("int64")
    return counts.sort_values(["coder", "period", "codings"], ascending=[True, True, False],
                              kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------- comparing coders
def compare_coders(p: "Project", nid: str, coders: str | Iterable[str] | None = None,
                   codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Who coded what where in narrative *nid*: the text cut at every coding boundary, one row per piece and code.

    Columns: start, end, text, code, then one True/False column per coder (did they apply this
    code to this piece?), coders (names, comma-separated), n_coders, share (n_coders over the
    coders who coded this narrative at all). Pieces no one coded are left out. In a
    ``"restricted"`` narrative ``text`` is ``"[restricted]"``.

    >>> wb.analysis.compare_coders(p, "kitchen-table").query("share < 1")   # where readings differ
    """
    text = p.text(nid)
    frame = _codings(p, coder=coders, narrative=nid,
                     code=_expand_codes(p, list(codes), False) if codes is not None else None)
    readers = sorted(frame["coder"].unique())
    columns = ["start", "end", "text", "code", *readers, "coders", "n_coders", "share"]
    if not len(frame):
        return pd.DataFrame(columns=columns)
    bounds = sorted_unique(np.concatenate([frame["start"].to_numpy(), frame["end"].to_numpy()]))
    first = np.searchsorted(bounds, frame["start"].to_numpy())
    last = np.searchsorted(bounds, frame["end"].to_numpy())  # piece k is [bounds[k], bounds[k+1])
    counts = last - first
    piece = np.repeat(first, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    long = pd.DataFrame({"piece": piece, "code": np.repeat(frame["code"].to_numpy(dtype=object), counts),
                         "coder": np.repeat(frame["coder"].to_numpy(dtype=object), counts)}).drop_duplicates()
    wide = pd.crosstab([long["piece"], long["code"]], long["coder"]).reindex(columns=readers, fill_value=0) > 0
    wide = wide.reset_index()
    wide.columns.name = None
    rank = {name: i for i, name in enumerate(_code_order(p, wide["code"]))}
    wide = wide.sort_values(["piece", "code"], key=lambda s: s.map(rank) if s.name == "code" else s, kind="stable")
    starts, ends = bounds[wide["piece"].to_numpy()], bounds[wide["piece"].to_numpy() + 1]
    restricted = nid in _restricted_ids(p)
    out = pd.DataFrame({"start": starts.astype("int64"), "end": ends.astype("int64"),
                        "text": [RESTRICTED if restricted else text[s:e] for s, e in zip(starts, ends)],
                        "code": wide["code"].to_numpy()})
    flags = wide[readers].to_numpy()
    for k, name in enumerate(readers):
        out[name] = flags[:, k]
    out["coders"] = [", ".join(r for r, f in zip(readers, row) if f) for row in flags]
    out["n_coders"] = flags.sum(axis=1).astype("int64")
    out["share"] = out["n_coders"] / len(readers)
    return out[columns].reset_index(drop=True)


__all__ = [
    "RESTRICTED", "AUTO_PREFIX", "AnalysisError", "human_coders", "segments", "frequencies", "cooccurrence",
    "matrix", "kwic", "autocode", "auto_coder_name", "codebook_timeline", "memo_timeline",
    "code_use_over_time", "compare_coders",
]
