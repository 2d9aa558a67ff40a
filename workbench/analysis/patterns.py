"""Co-occurrence: which codes meet in the text, counted over pairs of codings and readings.

Everything runs on integer arrays (a sort-and-sweep over positions): no Python loop over
codings, so a million codings take about a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np
import pandas as pd

from .._arrays import expand_counts
from ..query import AnalysisError, checked_codings, expand_codes

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["cooccurrence"]


_Pairs = Iterator[tuple[np.ndarray, np.ndarray]]


def _pair_chunks(group: np.ndarray, start: np.ndarray, end: np.ndarray, reach: int,
                max_pairs: int = 4_000_000) -> _Pairs:
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


def _group_pairs(group: np.ndarray, max_pairs: int = 4_000_000) -> _Pairs:
    """Every (i, j), i < j, within runs of equal values of the sorted array *group*."""
    if len(group) < 2:
        return
    yield from _expand(np.searchsorted(group, group, side="right"), max_pairs)


def _expand(right: np.ndarray, max_pairs: int) -> _Pairs:
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

    >>> pairs = wb.analysis.cooccurrence(p)                   # overlaps, per coder, summed
    >>> pairs.columns.tolist()
    ['code_a', 'code_b', 'count', 'jaccard']
    >>> near = wb.analysis.cooccurrence(p, within=200, pool=True)
    >>> bool((near["code_a"] < near["code_b"]).all())
    True
    """
    if isinstance(within, bool) or not isinstance(within, (int, np.integer)) or within < 0:
        raise AnalysisError(f"within must be a whole number of characters >= 0, got {within!r}.")
    frame = checked_codings(p, coder=coder, code=expand_codes(p, list(codes), False) if codes is not None else None)
    columns = ["code_a", "code_b", "count", "jaccard"]
    if per_narrative:
        columns = ["narrative_id", *columns]
    if len(frame) < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else "float64" if c == "jaccard"
                                          else object) for c in columns})
    readings = _Readings(frame, pool)
    reach = within + 1 if within > 0 else 0  # start_j < end_i + reach, see _pair_chunks
    met, pair_keys = _meetings(readings, reach, per_narrative)
    used = _distinct(readings.unit * readings.n_codes + readings.code, readings.n_units * readings.n_codes)
    if per_narrative:
        return _per_narrative(readings, met, pair_keys, used)
    return _summed(readings, met, pair_keys, used)


class _Readings:
    """Codings as integer arrays sorted by (reading, start): a reading is one coder's coding of one narrative."""

    def __init__(self, frame: pd.DataFrame, pool: bool) -> None:
        code, names = pd.factorize(frame["code"], sort=True)
        self.names = np.asarray(names, dtype=object)
        self.n_codes = len(names)
        narrative, narrative_names = pd.factorize(frame["narrative_id"])
        self.narrative_names = np.asarray(narrative_names, dtype=object)
        if pool:
            unit = narrative.astype(np.int64)
        else:
            coder, _ = pd.factorize(frame["coder"])
            unit = narrative.astype(np.int64) * (int(coder.max()) + 1) + coder
        self.n_units = int(unit.max()) + 1
        start, end = frame["start"].to_numpy(np.int64), frame["end"].to_numpy(np.int64)
        order = np.lexsort((start, unit))
        self.unit, self.start, self.end = unit[order], start[order], end[order]
        self.code = code[order].astype(np.int64)
        self.narrative = narrative[order]
        self.squared = self.n_codes * self.n_codes


def _meetings(r: _Readings, reach: int, per_narrative: bool) -> tuple[np.ndarray, list[np.ndarray] | np.ndarray]:
    """The (reading, pair) keys where two codes meet, and the pairs of codings that meet.

    The second value is the pair counts summed over readings, or with *per_narrative* the
    (narrative, pair) key of every meeting pair of codings.
    """
    met_keys = []  # (unit, pair) combinations, deduplicated per chunk
    pair_counts = np.zeros(r.squared, dtype=np.int64)
    narr_pair_keys = []
    for i, j in _pair_chunks(r.unit, r.start, r.end, reach):
        a, b = r.code[i], r.code[j]
        keep = a != b
        i, a, b = i[keep], a[keep], b[keep]
        pair = np.minimum(a, b) * r.n_codes + np.maximum(a, b)
        met_keys.append(_distinct(r.unit[i] * r.squared + pair, r.n_units * r.squared))
        if per_narrative:
            narr_pair_keys.append(r.narrative[i].astype(np.int64) * r.squared + pair)
        else:
            pair_counts += np.bincount(pair, minlength=r.squared)
    met = _distinct(np.concatenate(met_keys), r.n_units * r.squared) if met_keys else np.array([], dtype=np.int64)
    return met, (narr_pair_keys if per_narrative else pair_counts)


def _shared(r: _Readings, used: np.ndarray, per_narrative: bool) -> list[np.ndarray]:
    """Keys of the readings that use both codes of a pair (whether or not they meet there): R_A ∩ R_B."""
    used_unit, used_code = used // r.n_codes, used % r.n_codes
    keys = []
    for i, j in _group_pairs(used_unit):
        pair = used_code[i] * r.n_codes + used_code[j]  # used_code ascends within a unit: a < b
        keys.append(used_unit[i] * r.squared + pair if per_narrative else pair)
    return keys


def _summed(r: _Readings, met: np.ndarray, pair_counts: np.ndarray, used: np.ndarray) -> pd.DataFrame:
    """One row per pair of codes, counts summed over readings, Jaccard over all readings."""
    both = np.bincount(met % r.squared, minlength=r.squared)
    readers = np.bincount(used % r.n_codes, minlength=r.n_codes)
    shared = np.zeros(r.squared, dtype=np.int64)
    for keys in _shared(r, used, False):
        shared += np.bincount(keys, minlength=r.squared)
    hit = np.flatnonzero(pair_counts)
    a, b = hit // r.n_codes, hit % r.n_codes
    union = readers[a] + readers[b] - shared[hit]
    out = pd.DataFrame({"code_a": r.names[a], "code_b": r.names[b], "count": pair_counts[hit],
                        "jaccard": both[hit] / union})
    return out.sort_values(["count", "code_a", "code_b"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


def _per_narrative(r: _Readings, met: np.ndarray, narr_pair_keys: list[np.ndarray], used: np.ndarray) -> pd.DataFrame:
    """Counts per (narrative, pair); the readings behind Jaccard are that narrative's coders."""
    n_narr, squared, n_codes = len(r.narrative_names), r.squared, r.n_codes
    empty = np.array([], dtype=np.int64)
    keys, counts = _tally(np.concatenate(narr_pair_keys), n_narr * squared) if narr_pair_keys else (empty, empty)
    narr_of_unit = np.zeros(r.n_units, dtype=np.int64)
    narr_of_unit[r.unit] = r.narrative
    used_unit, used_code = used // n_codes, used % n_codes
    both_keys, both_n = _tally(narr_of_unit[met // squared] * squared + met % squared, n_narr * squared)
    use_keys, use_n = _tally(narr_of_unit[used_unit] * n_codes + used_code, n_narr * n_codes)
    shared_keys = _shared(r, used, True)
    shared_all = np.concatenate(shared_keys) if shared_keys else empty
    shared_keys_n, shared_n = _tally(narr_of_unit[shared_all // squared] * squared + shared_all % squared,
                                     n_narr * squared)
    narr, pair = keys // squared, keys % squared
    a, b = pair // n_codes, pair % n_codes
    both = both_n[np.searchsorted(both_keys, keys)]
    shared = shared_n[np.searchsorted(shared_keys_n, keys)]
    reads_a = use_n[np.searchsorted(use_keys, narr * n_codes + a)]
    reads_b = use_n[np.searchsorted(use_keys, narr * n_codes + b)]
    out = pd.DataFrame({"narrative_id": r.narrative_names[narr], "code_a": r.names[a],
                        "code_b": r.names[b], "count": counts, "jaccard": both / (reads_a + reads_b - shared)})
    return out.sort_values(["narrative_id", "count", "code_a", "code_b"], ascending=[True, False, True, True],
                           kind="stable").reset_index(drop=True)
