"""Krippendorff's alpha for *unitizing*: coders cut a continuum into coded segments.

Coding a narrative is rarely "one value per predefined unit": each coder marks
stretches of text ``[start, end)`` (character offsets) and gives each a code.
Krippendorff's unitizing alphas compare such *unitizations* of one continuum of
length ``L`` directly, without first cutting the text into units.

Two generations are implemented (see ``docs/agreement.md`` for when to use which):

* ``method="2004"`` -- Krippendorff (2004), *Content Analysis*, 2nd ed., section 11.6
  (building on Krippendorff 1995, "On the reliability of unitizing contiguous data",
  *Sociological Methodology* 25). One alpha per category, comparing where each coder
  put the units of that category and where they left gaps, with squared distances
  between unit boundaries.
* ``method="2016"`` -- Krippendorff, Mathet, Bouvry & Widloecher (2016), "On the
  reliability of unitizing textual continua: Further developments", *Quality &
  Quantity* 50; Krippendorff (2019), *Content Analysis*, 4th ed., section 12.6. A
  coincidence matrix of *lengths of intersections* between all coders' segments
  (units and gaps) gives a family of four coefficients: u-alpha, binary |u-alpha,
  cu-alpha and, per category k, (k)u-alpha.

Input, shared by both: ``units`` is an iterable of ``(coder, start, end, category)``
(or a DataFrame with columns ``coder, start, end, category``), half-open
``[start, end)`` with integer ``0 <= start < end <= length``. Coders who marked
nothing still count when named in ``coders=``. A coder's overlapping units of the
*same* category are merged into one unit first (touching units stay apart). The 2016
method needs each coder's units to be mutually exclusive (a partition of the
continuum into units and gaps), so a coder's overlapping units of *different*
categories raise :class:`~workbench.agreement.measures.AgreementError`; compute such
overlapping codes separately (one call per code) or use the 2004 method, which treats
each category on its own.

Everything is vectorised over segments with NumPy (sorting, ``searchsorted``,
cumulative sums); the only Python loops are over coders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench._arrays import sorted_unique
from workbench.agreement.measures import AgreementError

__all__ = ["unitized_alpha", "unitized_disagreement_2004"]

METHODS = ("2004", "2016")


class _Units:
    """Validated, merged units as parallel arrays (one entry per unit)."""

    __slots__ = ("length", "coder", "start", "end", "cat", "coders", "categories")

    def __init__(self, length, coder, start, end, cat, coders, categories):
        self.length = length
        self.coder = coder
        self.start = start
        self.end = end
        self.cat = cat
        self.coders = coders
        self.categories = categories

    @property
    def m(self) -> int:
        return len(self.coders)


def _to_frame(units: Any) -> pd.DataFrame:
    cols = ["coder", "start", "end", "category"]
    if isinstance(units, pd.DataFrame):
        if all(c in units.columns for c in cols):
            return units[cols].reset_index(drop=True)
        if units.shape[1] == 4:
            out = units.copy()
            out.columns = cols
            return out.reset_index(drop=True)
        raise AgreementError(f"a units DataFrame needs the columns {', '.join(cols)}")
    rows = list(units) if not isinstance(units, list) else units
    for r in rows[:1]:
        if not isinstance(r, (tuple, list)) or len(r) != 4:
            raise AgreementError(
                "each unit must be a (coder, start, end, category) tuple, got " + repr(r)
            )
    try:
        return pd.DataFrame(rows, columns=cols)
    except (ValueError, TypeError) as exc:
        raise AgreementError(f"units must be (coder, start, end, category) tuples: {exc}") from None


def _prepare(length: Any, units: Any, coders: Sequence | None) -> _Units:
    try:
        L = int(length)
    except (TypeError, ValueError):
        raise AgreementError(f"length must be a positive whole number, got {length!r}") from None
    if L != length or L <= 0:
        raise AgreementError(f"length must be a positive whole number, got {length!r}")
    df = _to_frame(units)
    if df.isna().any().any():
        raise AgreementError("units must not contain missing coders, offsets or categories")
    try:
        start = np.asarray(df["start"], dtype=np.float64)
        end = np.asarray(df["end"], dtype=np.float64)
    except (TypeError, ValueError):
        raise AgreementError("unit start and end must be numbers (character offsets)") from None
    if np.any(start != np.floor(start)) or np.any(end != np.floor(end)):
        raise AgreementError("unit start and end must be whole numbers (character offsets)")
    bad = (start < 0) | (end > L) | (start >= end)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AgreementError(
            f"unit {tuple(df.iloc[i])!r} is empty, reversed or outside [0, {L}); "
            "units are half-open [start, end) with 0 <= start < end <= length"
        )
    if coders is None:
        coder_codes, coder_names = pd.factorize(df["coder"], sort=False)
        coder_names = list(coder_names)
    else:
        coder_names = list(dict.fromkeys(coders))
        coder_codes = pd.Index(coder_names, dtype=object).get_indexer(df["coder"])
        if np.any(coder_codes < 0):
            missing = sorted({str(c) for c in df["coder"][coder_codes < 0]})
            raise AgreementError(f"units by coders not listed in coders=: {', '.join(missing)}")
    if len(coder_names) < 2:
        raise AgreementError(
            f"unitizing agreement needs at least two coders, got {len(coder_names)} "
            "(name coders who marked nothing in coders=[...])"
        )
    cat_codes, cat_names = pd.factorize(df["category"], sort=False)
    names = list(cat_names)
    try:  # report categories in sorted order when they can be sorted
        order = sorted(range(len(names)), key=lambda i: names[i])
    except TypeError:
        order = sorted(range(len(names)), key=lambda i: str(names[i]))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    cat_codes = rank[np.asarray(cat_codes, dtype=np.int64)] if len(order) else cat_codes
    cat_names = [names[i] for i in order]
    coder = np.asarray(coder_codes, dtype=np.int64)
    cat = np.asarray(cat_codes, dtype=np.int64)
    start, end = start.astype(np.int64), end.astype(np.int64)
    coder, start, end, cat = _merge_overlaps(L, coder, start, end, cat)
    return _Units(L, coder, start, end, cat, coder_names, cat_names)


def _merge_overlaps(L, coder, start, end, cat):
    """Merge each coder's overlapping units of one category; return sorted arrays."""
    if len(start) == 0:
        return coder, start, end, cat
    n_cat = int(cat.max()) + 1
    group = coder * n_cat + cat
    order = np.lexsort((end, start, group))
    coder, start, end, cat, group = coder[order], start[order], end[order], cat[order], group[order]
    # shift every (coder, category) group onto its own stretch of the line, so that one
    # running maximum over all units never lets two groups touch
    off = group * (L + 1)
    s, e = start + off, end + off
    run_max = np.maximum.accumulate(e)
    prev = np.concatenate(([-1], run_max[:-1]))
    new = s >= prev  # strictly overlapping units join the current run; touching ones do not
    first = np.flatnonzero(new)
    merged_end = np.maximum.reduceat(e, first) - off[first]
    return coder[first], start[first], merged_end, cat[first]


# ----------------------------------------------------------------------------- 2004


def _overlapping_pairs(u: _Units) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (p, q) of units of one category by different coders that overlap."""
    L = u.length
    s = u.start + u.cat * (L + 1)
    e = u.end + u.cat * (L + 1)
    order = np.argsort(s, kind="stable")
    s_sorted = s[order]
    e_sorted = e[order]
    hi = np.searchsorted(s_sorted, e_sorted, side="left")  # first unit starting at/after end
    counts = hi - np.arange(len(s_sorted)) - 1
    counts = np.maximum(counts, 0)
    total = int(counts.sum())
    p = np.repeat(np.arange(len(s_sorted)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    q = p + 1 + offsets
    p, q = order[p], order[q]
    keep = u.coder[p] != u.coder[q]
    return p[keep], q[keep]


def _alpha_2004(u: _Units) -> tuple[np.ndarray, np.ndarray]:
    """Observed and expected disagreement per category (Krippendorff 2004, 11.6)."""
    L, m, C = float(u.length), u.m, len(u.categories)
    lng = (u.end - u.start).astype(np.float64)
    cat = u.cat

    # observed: overlapping units of two coders contribute (db)^2 + (de)^2; a unit lying
    # wholly in another coder's gap contributes its length^2; each unordered pair of
    # coders counts twice (i, j) and (j, i)
    p, q = _overlapping_pairs(u)
    d = (u.start[p] - u.start[q]).astype(np.float64) ** 2 + (u.end[p] - u.end[q]).astype(
        np.float64
    ) ** 2
    pair_sum = np.bincount(cat[p], weights=d, minlength=C)
    # how many *other* coders overlap each unit
    if len(p):
        key = np.concatenate((p * m + u.coder[q], q * m + u.coder[p]))
        key = sorted_unique(key)
        covered = np.bincount(key // m, minlength=len(lng))
    else:
        covered = np.zeros(len(lng), dtype=np.int64)
    in_gap = (m - 1 - covered) * lng * lng
    gap_sum = np.bincount(cat, weights=in_gap, minlength=C)
    d_o = 2.0 * (pair_sum + gap_sum) / (m * (m - 1) * L * L)

    # expected: every unit against every other unit of its category and every gap
    n_c = np.bincount(cat, minlength=C).astype(np.float64)
    within = (n_c[cat] - 1.0) * (2 * lng**3 - 3 * lng**2 + lng) / 3.0
    gaps, gap_cat, missing = _gaps(u)
    key = gap_cat * (u.length + 2) + gaps  # gaps sorted by (category, length)
    order = np.argsort(key, kind="stable")
    key, gaps = key[order], gaps[order].astype(np.float64)
    csum = np.concatenate(([0.0], np.cumsum(gaps)))
    lo = np.searchsorted(key, cat * (u.length + 2) + (u.end - u.start), side="left")
    hi = np.searchsorted(key, (cat + 1) * (u.length + 2), side="left")
    fitting = (csum[hi] - csum[lo]) - (lng - 1.0) * (hi - lo)  # sum over gaps >= l of (l_h - l + 1)
    fitting += missing[cat] * (L - lng + 1.0)  # coders without this category: one gap of L
    per_unit = within + lng * lng * fitting
    num = np.bincount(cat, weights=per_unit, minlength=C)
    sq = np.bincount(cat, weights=lng * (lng - 1.0), minlength=C)
    d_e = (2.0 / L) * num / (m * L * (m * L - 1.0) - sq)
    return d_o, d_e


def _gaps(u: _Units) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gap lengths (> 0) per category between each coder's units of that category.

    Returns gap lengths, their categories, and per category the number of coders who
    used it not at all (each of whom has one gap of the whole length).
    """
    L, m, C = u.length, u.m, len(u.categories)
    group = u.cat * m + u.coder
    order = np.lexsort((u.start, group))
    g, s, e, c = group[order], u.start[order], u.end[order], u.cat[order]
    first = np.concatenate(([True], g[1:] != g[:-1]))
    last = np.concatenate((g[1:] != g[:-1], [True]))
    lead = s[first]  # before each group's first unit
    between = s[1:][~first[1:]] - e[:-1][~first[1:]]
    trail = L - e[last]
    lengths = np.concatenate((lead, between, trail))
    cats = np.concatenate((c[first], c[1:][~first[1:]], c[last]))
    keep = lengths > 0
    users = np.bincount(c[first], minlength=C)  # coders who used each category
    return lengths[keep], cats[keep], (m - users).astype(np.float64)


# ----------------------------------------------------------------------------- 2016


def _family_2016(u: _Units) -> dict[str, Any]:
    L, m, C = u.length, u.m, len(u.categories)
    # each coder's units must not overlap (a partition into units and gaps)
    order = np.lexsort((u.start, u.coder))
    same = u.coder[order][1:] == u.coder[order][:-1]
    clash = same & (u.start[order][1:] < u.end[order][:-1])
    if clash.any():
        i = order[1:][clash][0]
        raise AgreementError(
            f"coder {u.coders[u.coder[i]]!r} has overlapping units of different categories "
            f"(around offset {int(u.start[i])}); the 2016 unitizing alphas need each "
            "coder's units to be mutually exclusive -- analyse overlapping codes one at a "
            "time, or use method='2004'"
        )
    # elementary intervals between all boundaries; on each, every coder has one value
    bounds = sorted_unique(np.concatenate(([0, L], u.start, u.end)))
    width = np.diff(bounds).astype(np.float64)
    k = len(width)
    value = np.zeros((m, k), dtype=np.int64)  # 0 = gap, 1 + c = category c
    t0 = np.searchsorted(bounds, u.start)
    t1 = np.searchsorted(bounds, u.end)
    # mark every unit's interval range on its coder's row: difference array + cumsum
    mark = np.zeros((m, k + 1), dtype=np.int64)
    np.add.at(mark, (u.coder, t0), u.cat + 1)
    np.add.at(mark, (u.coder, t1), -(u.cat + 1))
    value = np.cumsum(mark, axis=1)[:, :k]

    # observed coincidences of lengths: l_ck = sum_t w_t (n_tc n_tk - [c=k] n_tc) / (m-1)
    V = C + 1
    cols = np.broadcast_to(np.arange(k), (m, k))
    n = np.bincount((cols * V + value).ravel(), minlength=k * V).reshape(k, V).astype(float)
    wn = n * (width / (m - 1.0))[:, None]
    obs = wn.T @ n
    obs[np.diag_indices(V)] -= wn.sum(axis=0)

    # expected: valued units are indivisible (self-pairs l^2), gaps are not (self-pairs l)
    lng = (u.end - u.start).astype(np.float64)
    self_pairs = np.zeros(V)
    self_pairs[1:] = np.bincount(u.cat, weights=lng * lng, minlength=C)
    self_pairs[0] = m * L - lng.sum()
    exp = _expected(obs, self_pairs)

    u_alpha = _alpha_from(obs, exp)
    gap_vs_units = np.array([[0.0, 1.0], [1.0, 0.0]])

    def collapse(a):
        return np.array([[a[0, 0], a[0, 1:].sum()], [a[1:, 0].sum(), a[1:, 1:].sum()]])

    binary = _alpha_from(collapse(obs), collapse(exp), gap_vs_units)

    # cu-alpha: coincidences among valued units only; a unit's self-pairs are the squared
    # lengths of its overlaps with each other coder's units, averaged over those coders
    obs_v = obs[1:, 1:]
    valued = (value > 0) * width[None, :]
    cum = np.concatenate((np.zeros((m, 1)), np.cumsum(valued, axis=1)), axis=1)
    overlap = cum[:, t1] - cum[:, t0]  # coders x units: how much of unit g each coder coded
    overlap[u.coder, np.arange(len(lng))] = 0.0
    self_v = np.bincount(u.cat, weights=(overlap**2).sum(axis=0), minlength=C) / (m - 1.0)
    exp_v = _expected(obs_v, self_v)
    cu_alpha = _alpha_from(obs_v, exp_v)
    per_cat = {}
    row_o, row_e = obs_v.sum(axis=1), exp_v.sum(axis=1)
    for c, name in enumerate(u.categories):  # one entry per category (not per unit)
        do = row_o[c] - obs_v[c, c]
        de = row_e[c] - exp_v[c, c]
        if row_o[c] <= 0 or de <= 0:
            per_cat[name] = float("nan")
        else:
            per_cat[name] = float(1.0 - (row_e[c] / row_o[c]) * do / de)
    return {
        "u_alpha": u_alpha,
        "binary_u_alpha": binary,
        "cu_alpha": cu_alpha,
        "Cu_alpha": per_cat,
    }


def _expected(obs: np.ndarray, self_pairs: np.ndarray) -> np.ndarray:
    """e_ck = l.. (l_c. l_.k - [c=k] S_c) / (l..^2 - sum_c S_c)."""
    total = obs.sum()
    margin = obs.sum(axis=1)
    denom = total * total - self_pairs.sum()
    if total <= 0 or denom <= 0:
        return np.full_like(obs, np.nan)
    return total * (np.outer(margin, margin) - np.diag(self_pairs)) / denom


def _alpha_from(obs: np.ndarray, exp: np.ndarray, delta: np.ndarray | None = None) -> float:
    if delta is None:
        delta = 1.0 - np.eye(len(obs))
    d_o = float(np.sum(obs * delta))
    d_e = float(np.sum(exp * delta))
    if not np.isfinite(d_e) or d_e <= 0:
        return float("nan")
    return 1.0 - d_o / d_e


# ----------------------------------------------------------------------------- API


def unitized_alpha(
    length: int,
    units: Iterable[tuple[Any, int, int, Any]] | pd.DataFrame,
    method: str = "2004",
    coders: Sequence | None = None,
) -> dict[Any, Any]:
    """Krippendorff's alpha for unitized continua (e.g. coded character spans).

    ``units``: ``(coder, start, end, category)`` with half-open ``[start, end)`` inside
    ``[0, length)``; ``coders`` names every coder (needed for coders who marked
    nothing). Overlapping units of one coder and category are merged first.

    ``method="2004"`` (Krippendorff 2004, *Content Analysis* 2nd ed., 11.6) returns
    ``{category: alpha_u}``. For each category, each coder's continuum is a sequence of
    units (of that category) and gaps; with ``m`` coders and length ``L``::

        D_o = sum_i sum_{j != i} sum_g sum_h delta^2(g of i, h of j) / (m (m-1) L^2)

        delta^2 = (b_g - b_h)^2 + (e_g - e_h)^2  if units g and h overlap
                = l_g^2                           if unit g lies in a gap h
                = l_h^2                           if unit h lies in a gap g
                = 0                               otherwise

        D_e = (2/L) sum_g [ (N_c - 1)(2 l_g^3 - 3 l_g^2 + l_g)/3
                            + l_g^2 sum_{gaps h, l_h >= l_g} (l_h - l_g + 1) ]
              / ( mL (mL - 1) - sum_g l_g (l_g - 1) )

        alpha_u = 1 - D_o / D_e

    (b, e, l: beginning, end, length; g runs over the ``N_c`` units of the category by
    all coders, gaps over all coders). ``nan`` where ``D_e = 0``. This reproduces the
    book's example (p. 254: alpha_c = 0.7286) and DKPro Statistics'
    ``KrippendorffAlphaUnitizingAgreement``.

    ``method="2016"`` (Krippendorff, Mathet, Bouvry & Widloecher 2016; Krippendorff
    2019, 12.6) returns ``{"u_alpha", "binary_u_alpha", "cu_alpha", "Cu_alpha"}``.
    Each coder's continuum is a partition into units (value c) and gaps (value
    0). The observed coincidences are lengths of intersections, and the expected
    ones treat units as indivisible and gaps as divisible::

        l_ck = sum_i sum_{j != i} sum_{g of i valued c} sum_{h of j valued k} |g n h| / (m-1)
        e_ck = l.. (l_c. l_.k - [c=k] S_c) / (l..^2 - sum_c S_c),
               S_c = sum of squared lengths of c-units (c != 0), S_0 = total gap length

    * ``u_alpha`` = 1 - sum_{c != k} l_ck / sum_{c != k} e_ck over all values incl. gaps;
    * ``binary_u_alpha`` (|u-alpha): the same after collapsing all categories into one
      "unit" value: agreement on what is relevant at all;
    * ``cu_alpha``: only the coincidences between units (c, k != 0) -- agreement on the
      categories of the stretches that coders both marked. Expected coincidences as
      above on that submatrix, where a unit's self-pairs are the squared lengths of its
      overlaps with each other coder's units, averaged over the other coders;
    * ``Cu_alpha``: for each category k, ``(k)u-alpha = 1 - (e_k. / l_k.) (l_k. - l_kk)
      / (e_k. - e_kk)`` on the cu-submatrix: how reliably k is told apart from the
      other categories where units coincide (``nan`` if k never meets a unit of another
      coder).

    A coefficient is ``nan`` when it is undefined (no variation, e.g. cu-alpha with a
    single category).

    >>> units = [("ann", 0, 10, "A"), ("bob", 0, 10, "A"), ("ann", 20, 30, "B"),
    ...          ("bob", 22, 30, "B")]
    >>> {k: round(v, 3) for k, v in unitized_alpha(40, units).items()}
    {'A': 1.0, 'B': 0.945}
    >>> round(unitized_alpha(40, units, method="2016")["u_alpha"], 3)
    0.923
    """
    method = str(method)
    if method not in METHODS:
        raise AgreementError(f"unknown method {method!r}; use '2004' or '2016'")
    u = _prepare(length, units, coders)
    if method == "2004":
        if len(u.categories) == 0:
            return {}
        d_o, d_e = _alpha_2004(u)
        out = {}
        for c, name in enumerate(u.categories):
            out[name] = float(1.0 - d_o[c] / d_e[c]) if d_e[c] > 0 else float("nan")
        return out
    return _family_2016(u)


def unitized_disagreement_2004(
    length: int,
    units: Iterable[tuple[Any, int, int, Any]] | pd.DataFrame,
    coders: Sequence | None = None,
) -> pd.DataFrame:
    """Observed and expected disagreement per category of the 2004 alpha_u.

    A DataFrame indexed by category with columns ``observed``, ``expected`` and
    ``alpha``; ``DataFrame.attrs["pooled_alpha"]`` holds alpha over all categories,
    ``1 - sum_c D_o^c / sum_c D_e^c`` (0.8591 in Krippendorff's 2004 example, as DKPro
    Statistics' ``calculateAgreement`` reports).

    >>> units = [("ana", 0, 10, "A"), ("ben", 2, 10, "A"), ("ana", 12, 18, "B"), ("ben", 12, 18, "B")]
    >>> unitized_disagreement_2004(20, units).columns.tolist()
    ['observed', 'expected', 'alpha']
    """
    u = _prepare(length, units, coders)
    if len(u.categories) == 0:
        raise AgreementError("no units: nothing to compare")
    d_o, d_e = _alpha_2004(u)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(d_e > 0, 1.0 - d_o / np.where(d_e > 0, d_e, 1.0), np.nan)
    out = pd.DataFrame(
        {"observed": d_o, "expected": d_e, "alpha": alpha},
        index=pd.Index(u.categories, name="category"),
    )
    total_e = float(d_e.sum())
    out.attrs["pooled_alpha"] = float(1.0 - d_o.sum() / total_e) if total_e > 0 else float("nan")
    return out
