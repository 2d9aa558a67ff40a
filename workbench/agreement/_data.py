"""Reliability data as integers: missing values, categories, per-unit counts and coincidences.

The coefficients of :mod:`workbench.agreement.measures` share these steps; nothing here loops
over units in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError


class AgreementError(WorkbenchError, ValueError):
    """Data on which an agreement coefficient cannot be computed (the message says why)."""


# --------------------------------------------------------------------------- input


class _Coded:
    """Reliability data as integer codes: ``codes[i, u]`` indexes ``values``; -1 = missing."""

    __slots__ = ("codes", "values", "sortable")

    def __init__(self, codes: np.ndarray, values: np.ndarray, sortable: bool):
        self.codes = codes
        self.values = values
        self.sortable = sortable


def _as_matrix(data: Any, what: str = "data") -> np.ndarray:
    if isinstance(data, pd.DataFrame):
        arr = data.to_numpy()
    elif isinstance(data, pd.Series):
        raise AgreementError(f"{what} must be two-dimensional (coders x units), got a Series")
    else:
        try:
            arr = np.asarray(data)
        except ValueError as exc:  # ragged nested lists
            raise AgreementError(
                f"{what} must be a rectangular coders x units table "
                f"(every coder a row of the same length; use None for missing values): {exc}"
            ) from None
    if arr.ndim != 2:
        raise AgreementError(
            f"{what} must be two-dimensional (coders x units), got {arr.ndim} dimension(s)"
        )
    if arr.dtype == object and arr.size:
        # np.asarray turns ragged rows of sequences into an object array of lists on
        # some inputs; refuse them rather than treating lists as values.
        first = arr.flat[0]
        if isinstance(first, (list, tuple, np.ndarray)):
            raise AgreementError(f"{what} must be a rectangular coders x units table of values")
    return arr


def _factorize(flat: np.ndarray, categories: Sequence | None) -> tuple[np.ndarray, np.ndarray, bool]:
    """Integer codes (-1 for missing) and the values they index, in sorted order if possible."""
    if categories is not None:
        cats = list(categories)
        if len(set(map(_hashable, cats))) != len(cats):
            raise AgreementError("categories must not repeat a value")
        try:
            codes = np.asarray(pd.Index(cats, dtype=object).get_indexer(flat), dtype=np.int64)
        except (TypeError, ValueError) as exc:
            raise AgreementError(f"cannot match the data to the given categories: {exc}") from None
        present = ~pd.isna(flat)
        codes[~present] = -1
        if np.any(codes[present] < 0):
            bad = pd.unique(flat[present & (codes < 0)])[:5]
            raise AgreementError(
                f"values not among the given categories: {', '.join(map(repr, bad))}"
            )
        return codes, np.asarray(cats, dtype=object), True
    try:
        codes, uniques = pd.factorize(flat, sort=True)
        sortable = True
    except TypeError:  # mixed, unorderable values: fine for nominal data
        codes, uniques = pd.factorize(flat, sort=False)
        sortable = False
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques), sortable


def _hashable(x: Any) -> Any:
    try:
        hash(x)
        return x
    except TypeError:
        return repr(x)


def _coded(data: Any, categories: Sequence | None = None, what: str = "data") -> _Coded:
    arr = _as_matrix(data, what)
    m, n_units = arr.shape
    if m < 2:
        raise AgreementError(
            f"{what} has {m} coder(s); agreement needs at least two "
            "(rows are coders, columns are units)"
        )
    if n_units == 0:
        raise AgreementError(f"{what} has no units")
    codes, values, sortable = _factorize(arr.ravel(), categories)
    return _Coded(codes.reshape(m, n_units), values, sortable)


def _numeric_values(coded: _Coded, level: str) -> np.ndarray:
    try:
        x = np.asarray(coded.values, dtype=np.float64)
    except (TypeError, ValueError):
        raise AgreementError(
            f"the {level} level needs numeric values; got {list(coded.values[:5])!r}"
        ) from None
    if not np.all(np.isfinite(x)):
        raise AgreementError(f"the {level} level needs finite numeric values")
    return x


def _pairable(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns of units coded by two or more coders, and their numbers of values m_u."""
    m_u = (codes >= 0).sum(axis=0)
    keep = m_u >= 2
    if not keep.any():
        raise AgreementError(
            "no pairable values: no unit was coded by two or more coders"
        )
    return codes[:, keep], m_u[keep]


def _unit_value_counts(codes: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse per-unit value counts: arrays (unit, value, count) over present pairs."""
    m, n_units = codes.shape
    width = n_values + 1  # one extra column collects the missing values, then is dropped
    keys = np.where(codes < 0, n_values, codes) + (np.arange(n_units, dtype=np.int64) * width)
    if n_units * width <= (1 << 25):
        counts = np.bincount(keys.ravel(), minlength=n_units * width).reshape(n_units, width)
        unit, value = np.nonzero(counts[:, :n_values])
        cnt = counts[unit, value]
    else:
        nz, cnt = np.unique(keys[codes >= 0], return_counts=True)
        unit, value = nz // width, nz % width
    return unit, value, cnt.astype(np.float64)


def _delta(level: str, values: np.ndarray | None, n_c: np.ndarray) -> np.ndarray:
    """Squared difference function delta^2_ck of Krippendorff (2011) as a V x V array."""
    v = len(n_c)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "ordinal":
        mid = np.cumsum(n_c) - n_c / 2.0  # delta_ck = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2
        return (mid[:, None] - mid[None, :]) ** 2
    x = values
    if level == "interval":
        return (x[:, None] - x[None, :]) ** 2
    # ratio
    s = x[:, None] + x[None, :]
    d = x[:, None] - x[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(s == 0, 0.0, (d / np.where(s == 0, 1.0, s)) ** 2)
    return out


# --------------------------------------------------------------------- Krippendorff
