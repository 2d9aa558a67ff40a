"""Intercoder agreement coefficients for coded units (plain data in, one float out).

Every function takes plain data -- nested lists, NumPy arrays or pandas DataFrames --
and returns a float. Reliability data are laid out **coders x units** (one row per
coder, one column per unit; the layout of Krippendorff's papers and of the
``krippendorff`` package). ``None``, ``NaN`` and ``pd.NA`` mark a missing value: the
coder did not code that unit.

All coefficients are computed from per-unit value counts ``n_uc`` (how many coders
gave value ``c`` to unit ``u``) with NumPy; nothing loops over units in Python.

Conventions shared by every function here:

* Bad input raises :class:`AgreementError` (a :class:`workbench.errors.WorkbenchError`):
  fewer than two coders, no unit coded by two or more coders, an unknown level or
  weighting, ragged rows, non-numeric values where distances are needed.
* A coefficient that is *undefined* for the data -- every pairable value is the same,
  so that there is no variation and expected disagreement is 0 -- is returned as
  ``nan`` rather than raised, so that tables of many codes can show "undefined" next
  to defined values. Percent agreement is always defined.

The multi-coder "kappa-like" coefficients (:func:`percent_agreement`,
:func:`scott_pi`, :func:`brennan_prediger`, :func:`gwet_ac1`) all share the
definitions of Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., chapter 2,
for ratings with missing values. With ``r_u`` the number of ratings of unit ``u``,
``r_uc`` the number equal to ``c``, ``q`` the number of categories::

    p_a  = mean over units with r_u >= 2 of  sum_c r_uc (r_uc - 1) / (r_u (r_u - 1))
    pi_c = mean over units with r_u >= 1 of  r_uc / r_u
    coefficient = (p_a - p_e) / (1 - p_e)

with ``p_e = sum_c pi_c**2`` (Scott/Fleiss), ``1/q`` (Brennan-Prediger) or
``sum_c pi_c (1 - pi_c) / (q - 1)`` (Gwet's AC1). Percent agreement is thus the
*per-unit* pairwise agreement averaged over units (not pooled over all pairs): a unit
coded by 10 coders weighs as much as a unit coded by 2, as in Gwet's handbook and in
Fleiss (1971).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.agreement._data import (
    AgreementError,
    _as_matrix,
    _coded,
    _delta,
    _numeric_values,
    _pairable,
    _unit_value_counts,
)

__all__ = [
    "AgreementError",
    "brennan_prediger",
    "cohen_kappa",
    "coincidence_matrix",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio")

# Above this many distinct values the V x V coincidence matrix is not built: nominal,
# ordinal and interval alpha switch to closed forms computed per unit (no V x V array),
# ratio alpha refuses (its distance has no such closed form).
_DENSE_MAX_VALUES = 2048
_RATIO_MAX_VALUES = 5000
# Units x values cells of the per-unit count matrix held at once (float64: 32 MB).
_CHUNK_CELLS = 1 << 22
# Up to this many values N^T D N is summed by einsum's loop rather than BLAS.
_EINSUM_MAX_VALUES = 64


def _coincidences(codes: np.ndarray, m_u: np.ndarray, n_values: int) -> np.ndarray:
    """Krippendorff's coincidence matrix o_ck from pairable units.

    ``o_ck = sum_u (n_uc n_uk - [c == k] n_uc) / (m_u - 1)``, i.e. ``N^T D N - diag(N^T D 1)``
    with ``N`` the units x values count matrix and ``D = diag(1 / (m_u - 1))``. ``N`` is
    built in chunks of units so that it never holds more than ``_CHUNK_CELLS`` cells.
    """
    n_units = codes.shape[1]
    by_unit = np.ascontiguousarray(codes.T)  # units x coders, so chunks are contiguous
    w = 1.0 / (m_u - 1.0)
    width = n_values + 1  # an extra column collects the missing values, then is dropped
    o = np.zeros((n_values, n_values))
    self_pairs = np.zeros(n_values)
    step = max(1, _CHUNK_CELLS // width)
    for lo in range(0, n_units, step):  # chunks of units, not single units
        sub = by_unit[lo : lo + step]
        k = len(sub)
        keys = np.where(sub < 0, n_values, sub) + (np.arange(k, dtype=np.int64) * width)[:, None]
        counts = np.bincount(keys.ravel(), minlength=k * width).reshape(k, width)
        n = counts[:, :n_values].astype(np.float64)
        wn = n * w[lo : lo + k, None]
        if n_values <= _EINSUM_MAX_VALUES:
            # a plain C loop: as fast as BLAS for few values, and unlike multi-threaded
            # BLAS not slowed down many times over when the other cores are busy
            o += np.einsum("ui,uj->ij", wn, n)
        else:
            o += wn.T @ n
        self_pairs += wn.sum(axis=0)
    o[np.diag_indices(n_values)] -= self_pairs
    return o


def coincidence_matrix(data: Any, categories: Sequence | None = None) -> pd.DataFrame:
    """Krippendorff's coincidence matrix of reliability data (coders x units).

    ``o_ck = sum_u (number of c-k pairs in unit u) / (m_u - 1)`` over units with
    ``m_u >= 2`` values; rows and columns are the values in sorted order (or in the
    order of ``categories``). Its margins ``n_c`` are the numbers of pairable values.

    >>> coincidence_matrix([[1, 2, 1], [1, 2, 2]]).to_numpy().tolist()
    [[2.0, 1.0], [1.0, 2.0]]
    """
    coded = _coded(data, categories)
    codes, m_u = _pairable(coded.codes)
    o = _coincidences(codes, m_u, len(coded.values))
    idx = pd.Index(coded.values, name="value")
    return pd.DataFrame(o, index=idx, columns=idx.rename("value"))


def krippendorff_alpha(
    data: Any, level: str = "nominal", categories: Sequence | None = None
) -> float:
    """Krippendorff's alpha for reliability data with missing values.

    ``data`` is coders x units (rows = coders); ``None``/``NaN`` = not coded. Following
    Krippendorff (2011), "Computing Krippendorff's alpha-reliability", from the
    coincidence matrix ``o_ck = sum_u (n_uc n_uk - [c=k] n_uc) / (m_u - 1)`` over
    units with ``m_u >= 2`` values, its margins ``n_c`` and ``n = sum_c n_c``::

        alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o_ck delta2_ck
                                           / sum_ck n_c n_k delta2_ck

    with the squared difference ``delta2_ck`` of the level of measurement:

    * nominal:  0 if c == k else 1
    * ordinal:  (sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2   (values in sorted order)
    * interval: (c - k) ** 2
    * ratio:    ((c - k) / (c + k)) ** 2                       (non-negative values)

    Units coded by fewer than two coders are not pairable and are ignored. The
    coincidence matrix is built as ``N^T D N`` from the units x values count matrix
    (in chunks), so memory grows with units x values, never units x values x values.
    With more than 2048 distinct values nominal/ordinal/interval alpha use the
    equivalent closed forms per unit instead (ordinal: interval alpha on mid-ranks).

    ``categories`` optionally fixes the order of the values (for ordinal data coded as
    labels such as ``["low", "mid", "high"]``); any other value is an error.

    Returns ``nan`` when all pairable values are equal (``D_e = 0``).

    >>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4], [None, 2, 3, 3]]), 3)
    0.756
    """
    if level not in LEVELS:
        raise AgreementError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    coded = _coded(data, categories)
    if level == "ordinal" and not coded.sortable:
        raise AgreementError(
            "ordinal alpha needs values that can be ordered; pass categories=[...] in order"
        )
    x = _numeric_values(coded, level) if level in ("interval", "ratio") else None
    if level == "ratio" and np.any(x < 0):
        raise AgreementError("the ratio level needs non-negative values")
    codes, m_u = _pairable(coded.codes)
    n_values = len(coded.values)

    if n_values <= _DENSE_MAX_VALUES or level == "ratio":
        if level == "ratio" and n_values > _RATIO_MAX_VALUES:
            raise AgreementError(
                f"ratio alpha with {n_values} distinct values needs a {n_values}^2 "
                "matrix; round or bin the values first"
            )
        o = _coincidences(codes, m_u, n_values)
        n_c = o.sum(axis=1)
        n = n_c.sum()
        delta = _delta(level, x, n_c)
        observed = float(np.sum(o * delta))
        expected = float(n_c @ delta @ n_c)
    else:
        observed, expected, n = _alpha_closed_form(codes, m_u, n_values, level, x)
    if expected <= 0.0:
        return float("nan")
    return float(1.0 - (n - 1.0) * observed / expected)


def _alpha_closed_form(
    codes: np.ndarray, m_u: np.ndarray, n_values: int, level: str, x: np.ndarray | None
) -> tuple[float, float, float]:
    """``sum o delta``, ``sum n_c n_k delta`` and ``n`` without a V x V matrix."""
    w = 1.0 / (m_u - 1.0)
    valid = codes >= 0
    n_c = np.bincount(codes[valid], minlength=n_values).astype(np.float64)
    n = float(n_c.sum())
    if level == "nominal":
        unit, _, cnt = _unit_value_counts(codes, n_values)
        same = np.bincount(unit, weights=cnt * cnt, minlength=codes.shape[1])
        observed = float(np.sum(w * (m_u.astype(np.float64) ** 2 - same)))
        expected = float(n * n - np.sum(n_c * n_c))
        return observed, expected, n
    if level == "ordinal":
        x = np.cumsum(n_c) - n_c / 2.0
    # interval form: sum_{i != j} (x_i - x_j)^2 = 2 (m S2 - S1^2); centre to limit cancellation
    x = x - float(n_c @ x) / n
    xv = np.where(valid, x[np.where(valid, codes, 0)], 0.0)
    s1 = xv.sum(axis=0)
    s2 = (xv * xv).sum(axis=0)
    observed = float(np.sum(w * 2.0 * (m_u * s2 - s1 * s1)))
    expected = float(2.0 * (n * float(n_c @ (x * x)) - float(n_c @ x) ** 2))
    return observed, expected, n


# ------------------------------------------------------------------------ two coders


def cohen_kappa(
    a: Any, b: Any, weights: str | None = None, categories: Sequence | None = None
) -> float:
    """Cohen's kappa for two coders, optionally weighted (Cohen 1960; 1968).

    ``a`` and ``b`` are the two coders' values for the same units; a unit where either
    value is missing (``None``/``NaN``) is dropped. With the q x q table of observed
    proportions ``p_ij``, expected proportions ``e_ij = p_i. p_.j`` and disagreement
    weights ``w_ij``::

        kappa = 1 - sum_ij w_ij p_ij / sum_ij w_ij e_ij

    ``weights=None`` gives ``w_ij = [i != j]`` (plain kappa = (p_o - p_e) / (1 - p_e)),
    ``"linear"`` gives ``|i - j|`` and ``"quadratic"`` gives ``(i - j)^2``, where i, j
    are the *positions* of the categories in sorted order (or in ``categories``), as in
    scikit-learn's ``cohen_kappa_score``. Returns ``nan`` if both coders used one and
    the same category throughout (expected disagreement 0).

    >>> round(cohen_kappa(["y", "y", "n", "n"], ["y", "n", "n", "n"]), 3)
    0.5
    """
    if weights not in (None, "linear", "quadratic"):
        raise AgreementError(
            f"unknown weights {weights!r}; use None, 'linear' or 'quadratic'"
        )
    a_arr = np.asarray(a, dtype=object) if not isinstance(a, np.ndarray) else a
    b_arr = np.asarray(b, dtype=object) if not isinstance(b, np.ndarray) else b
    if a_arr.ndim != 1 or b_arr.ndim != 1:
        raise AgreementError("cohen_kappa takes two one-dimensional sequences of values")
    if len(a_arr) != len(b_arr):
        raise AgreementError(
            f"the two coders rated different numbers of units ({len(a_arr)} and {len(b_arr)})"
        )
    coded = _coded(
        np.vstack([a_arr.astype(object), b_arr.astype(object)]), categories, what="a and b"
    )
    if weights is not None and not coded.sortable:
        raise AgreementError("weighted kappa needs ordered categories; pass categories=[...]")
    both = (coded.codes >= 0).all(axis=0)
    if not both.any():
        raise AgreementError("no pairable values: no unit was coded by both coders")
    ca, cb = coded.codes[0, both], coded.codes[1, both]
    q = len(coded.values)
    table = np.bincount(ca * q + cb, minlength=q * q).reshape(q, q).astype(np.float64)
    table /= table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    pos = np.arange(q, dtype=np.float64)
    if weights is None:
        w = 1.0 - np.eye(q)
    elif weights == "linear":
        w = np.abs(pos[:, None] - pos[None, :])
    else:
        w = (pos[:, None] - pos[None, :]) ** 2
    de = float(np.sum(w * expected))
    if de <= 0.0:
        return float("nan")
    return float(1.0 - np.sum(w * table) / de)


# ------------------------------------------------------------------ many coders, Gwet


class _Ratings:
    """Per-unit category counts in Gwet's notation (units with at least one rating)."""

    __slots__ = ("p_a", "pi", "q_observed")

    def __init__(self, data: Any, categories: Sequence | None):
        coded = _coded(data, categories)
        codes = coded.codes
        r_u = (codes >= 0).sum(axis=0)
        rated = r_u >= 1
        if not (r_u >= 2).any():
            raise AgreementError(
                "no pairable values: no unit was coded by two or more coders"
            )
        codes, r_u = codes[:, rated], r_u[rated].astype(np.float64)
        q = len(coded.values)
        unit, value, cnt = _unit_value_counts(codes, q)
        two = r_u >= 2
        agree = np.bincount(unit, weights=cnt * (cnt - 1.0), minlength=len(r_u))
        self.p_a = float(np.mean(agree[two] / (r_u[two] * (r_u[two] - 1.0))))
        self.pi = np.bincount(value, weights=cnt / r_u[unit], minlength=q) / len(r_u)
        self.q_observed = int(np.count_nonzero(np.bincount(value, minlength=q)))


def _chance_corrected(p_a: float, p_e: float) -> float:
    if not np.isfinite(p_e) or p_e >= 1.0:
        return float("nan")
    return float((p_a - p_e) / (1.0 - p_e))


def percent_agreement(data: Any) -> float:
    """Pairwise percent agreement among any number of coders, missing values allowed.

    For each unit ``u`` coded by ``r_u >= 2`` coders, the share of agreeing pairs of
    coders, ``sum_c r_uc (r_uc - 1) / (r_u (r_u - 1))``; then the mean over those units
    (Gwet 2014, chapter 2; Fleiss 1971's ``P-bar``). Units coded by fewer than two
    coders do not count. Between 0 and 1.

    >>> round(percent_agreement([["a", "a", "b"], ["a", "b", "b"], ["a", None, "b"]]), 4)
    0.6667
    """
    return _Ratings(data, None).p_a


def scott_pi(data: Any, categories: Sequence | None = None) -> float:
    """Scott's pi, generalised to many coders by Fleiss (1971), with missing values.

    ``pi = (p_a - p_e) / (1 - p_e)`` with ``p_a`` the :func:`percent_agreement` and
    ``p_e = sum_c pi_c^2``, where ``pi_c`` is the share of unit ``u``'s ratings equal to
    ``c``, averaged over the units rated at least once (Gwet 2014, "Fleiss' generalized
    kappa"). For two coders and complete data this is Scott's (1955) pi; for complete
    data with equal numbers of coders it equals :func:`fleiss_kappa` of the count
    table. Returns ``nan`` when all ratings are equal.

    >>> round(scott_pi([["y", "y", "n", "n"], ["y", "n", "n", "n"]]), 3)
    0.467
    """
    r = _Ratings(data, categories)
    return _chance_corrected(r.p_a, float(np.sum(r.pi**2)))


def brennan_prediger(data: Any, n_categories: int | None = None) -> float:
    """Brennan & Prediger's (1981) kappa_n (Bennett et al.'s S for two coders).

    ``(p_a - 1/q) / (1 - 1/q)``, with ``p_a`` the :func:`percent_agreement` and ``q``
    the number of categories the coders could choose from: by default the number of
    distinct values observed in ``data``; pass ``n_categories`` when the code book had
    more. Returns ``nan`` when ``q = 1``.

    >>> brennan_prediger([["a", "a", "b", "c"], ["a", "b", "b", "c"]])
    0.625
    """
    r = _Ratings(data, None)
    q = r.q_observed if n_categories is None else int(n_categories)
    if n_categories is not None and q < r.q_observed:
        raise AgreementError(
            f"n_categories={q} but the data use {r.q_observed} distinct values"
        )
    if q < 2:
        return float("nan")
    return _chance_corrected(r.p_a, 1.0 / q)


def gwet_ac1(data: Any, categories: Sequence | None = None) -> float:
    """Gwet's (2008) first-order agreement coefficient AC1, many coders, missing values.

    ``AC1 = (p_a - p_e) / (1 - p_e)`` with ``p_a`` the :func:`percent_agreement` and
    ``p_e = sum_c pi_c (1 - pi_c) / (q - 1)`` (Gwet 2008; Gwet 2014, chapter 2, for
    missing ratings; ``pi_c`` as in :func:`scott_pi`). ``q`` is the number of categories: those in
    ``categories`` if given (unobserved ones count), else the distinct observed values.
    Returns ``nan`` when ``q = 1``.

    >>> round(gwet_ac1([["y"] * 9 + ["y"], ["y"] * 8 + ["n", "n"]]), 4)
    0.7561
    """
    r = _Ratings(data, categories)
    q = len(r.pi) if categories is not None else r.q_observed
    if q < 2:
        return float("nan")
    p_e = float(np.sum(r.pi * (1.0 - r.pi)) / (q - 1))
    return _chance_corrected(r.p_a, p_e)


def fleiss_kappa(counts: Any) -> float:
    """Fleiss' (1971) kappa from a units x categories table of rating counts.

    ``counts[u, c]`` is how many raters put unit ``u`` in category ``c``. Fleiss'
    kappa assumes every unit was rated by the same number ``n >= 2`` of raters, so
    unequal row totals raise :class:`AgreementError` (for unequal numbers use
    :func:`scott_pi` or :func:`krippendorff_alpha` on the coders x units data). With
    ``N`` units::

        P_u = (sum_c n_uc^2 - n) / (n (n - 1)),   P-bar = mean_u P_u
        p_c = sum_u n_uc / (N n),                 P_e = sum_c p_c^2
        kappa = (P-bar - P_e) / (1 - P_e)

    Returns ``nan`` when every rating falls in one category.

    >>> round(fleiss_kappa([[2, 0], [1, 1], [0, 2], [0, 2]]), 3)
    0.467
    """
    arr = _as_matrix(counts, "counts")
    try:
        n_uc = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError):
        raise AgreementError("counts must be numbers of raters per unit and category") from None
    if n_uc.shape[0] == 0 or n_uc.shape[1] == 0:
        raise AgreementError("counts is empty")
    if np.any(~np.isfinite(n_uc)) or np.any(n_uc < 0) or np.any(n_uc != np.round(n_uc)):
        raise AgreementError("counts must be non-negative whole numbers of raters")
    totals = n_uc.sum(axis=1)
    n = totals[0]
    if np.any(totals != n):
        raise AgreementError(
            "Fleiss' kappa needs the same number of raters for every unit; row totals "
            f"range from {int(totals.min())} to {int(totals.max())} (use scott_pi or "
            "krippendorff_alpha on the coders x units data instead)"
        )
    if n < 2:
        raise AgreementError(f"Fleiss' kappa needs at least two raters per unit, got {int(n)}")
    p_u = (np.sum(n_uc * n_uc, axis=1) - n) / (n * (n - 1.0))
    p_c = n_uc.sum(axis=0) / (n_uc.shape[0] * n)
    return _chance_corrected(float(p_u.mean()), float(np.sum(p_c * p_c)))
