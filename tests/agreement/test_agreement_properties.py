"""Properties every coefficient must have, and how bad input is refused."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.agreement import (
    AgreementError,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from workbench.errors import WorkbenchError

LEVELS = ["nominal", "ordinal", "interval", "ratio"]
MULTI = [percent_agreement, scott_pi, brennan_prediger, gwet_ac1]


@st.composite
def reliability(draw, min_coders=2, max_coders=5, max_units=25, max_value=5, missing=True):
    m = draw(st.integers(min_coders, max_coders))
    n = draw(st.integers(2, max_units))
    cells = st.one_of(st.none(), st.integers(1, max_value)) if missing else st.integers(1, max_value)
    rows = draw(st.lists(st.lists(cells, min_size=n, max_size=n), min_size=m, max_size=m))
    return rows


def pairable(rows):
    arr = np.array(rows, dtype=float)
    return ((~np.isnan(arr)).sum(axis=0) >= 2).any()


def variation(rows):
    arr = np.array(rows, dtype=float)
    keep = (~np.isnan(arr)).sum(axis=0) >= 2
    vals = arr[:, keep]
    return len(np.unique(vals[~np.isnan(vals)])) >= 2


def same(a, b, tol=1e-9):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(a))


# ------------------------------------------------------------------------ perfect agreement


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=30), st.integers(2, 6), st.data())
def test_perfect_agreement_gives_one(truth, m, data):
    assume(len(set(truth)) >= 2)
    rows = [list(truth) for _ in range(m)]
    # knock out values but keep at least two per unit
    for u in range(len(truth)):
        drop = data.draw(st.sets(st.integers(0, m - 1), max_size=m - 2))
        for i in drop:
            rows[i][u] = None
    for level in LEVELS:
        assert krippendorff_alpha(rows, level) == pytest.approx(1.0)
    for f in MULTI:
        assert f(rows) == pytest.approx(1.0)
    assert cohen_kappa(truth, truth) == pytest.approx(1.0)
    counts = [[sum(1 for _ in range(m) if t == c) for c in range(1, 6)] for t in truth]
    assert fleiss_kappa(counts) == pytest.approx(1.0)


# ------------------------------------------------------------------------- invariances


@settings(max_examples=80, deadline=None)
@given(reliability(), st.randoms(use_true_random=False))
def test_permuting_coders_and_units_changes_nothing(rows, rnd):
    assume(pairable(rows))
    arr = np.array(rows, dtype=object)
    coders = list(range(arr.shape[0]))
    units = list(range(arr.shape[1]))
    rnd.shuffle(coders)
    rnd.shuffle(units)
    perm = arr[coders][:, units].tolist()
    for level in LEVELS:
        assert same(krippendorff_alpha(rows, level), krippendorff_alpha(perm, level))
    for f in MULTI:
        assert same(f(rows), f(perm))


@settings(max_examples=60, deadline=None)
@given(reliability())
def test_nominal_coefficients_ignore_labels(rows):
    assume(pairable(rows))
    names = {1: "e", 2: "a", 3: "x", 4: "b", 5: "q"}
    relabelled = [[None if v is None else names[v] for v in row] for row in rows]
    assert same(krippendorff_alpha(rows), krippendorff_alpha(relabelled))
    for f in MULTI:
        assert same(f(rows), f(relabelled))


@settings(max_examples=60, deadline=None)
@given(reliability(), st.floats(0.1, 50), st.floats(-100, 100))
def test_metric_invariances(rows, scale, shift):
    assume(pairable(rows) and variation(rows))
    arr = np.array(rows, dtype=float)
    # interval: affine; ordinal: any increasing map; ratio: scaling
    assert same(krippendorff_alpha(arr, "interval"), krippendorff_alpha(scale * arr + shift, "interval"), 1e-7)
    assert same(krippendorff_alpha(arr, "ordinal"), krippendorff_alpha(np.exp(arr) + shift, "ordinal"), 1e-7)
    assert same(krippendorff_alpha(arr, "ratio"), krippendorff_alpha(scale * arr, "ratio"), 1e-7)


@settings(max_examples=60, deadline=None)
@given(reliability(max_coders=5))
def test_unpairable_units_and_silent_coders_change_nothing(rows):
    assume(pairable(rows))
    m = len(rows)
    extra = [row + [None, 3 if i == 0 else None] for i, row in enumerate(rows)]
    extra.append([None] * len(extra[0]))  # a coder who coded nothing
    for level in LEVELS:
        assert same(krippendorff_alpha(rows, level), krippendorff_alpha(extra, level))
    assert same(percent_agreement(rows), percent_agreement(extra))
    assert len(extra) == m + 1


@settings(max_examples=60, deadline=None)
@given(reliability(min_coders=2, max_coders=2, missing=False))
def test_two_coders_alpha_scott_relation(rows):
    assume(variation(rows))
    # complete data, two coders: 1 - alpha = (1 - pi) (2N - 1) / (2N)   (Krippendorff 2004)
    n = 2 * len(rows[0])
    pi = scott_pi(rows)
    assert krippendorff_alpha(rows) == pytest.approx(1 - (1 - pi) * (n - 1) / n)
    assert same(cohen_kappa(rows[0], rows[1]), cohen_kappa(rows[1], rows[0]))


@settings(max_examples=60, deadline=None)
@given(reliability())
def test_ranges(rows):
    assume(pairable(rows))
    assert 0.0 <= percent_agreement(rows) <= 1.0
    for level in LEVELS:
        a = krippendorff_alpha(rows, level)
        assert math.isnan(a) or a <= 1.0 + 1e-12
    for f in (scott_pi, brennan_prediger, gwet_ac1):
        v = f(rows)
        assert math.isnan(v) or v <= 1.0 + 1e-12


# ------------------------------------------------------------------- undefined and errors


def test_no_variation_is_nan_not_an_error():
    rows = [[1, 1, 1], [1, 1, None]]
    for level in LEVELS:
        assert math.isnan(krippendorff_alpha(rows, level))
    assert math.isnan(scott_pi(rows))
    assert math.isnan(gwet_ac1(rows))
    assert math.isnan(brennan_prediger(rows))
    assert percent_agreement(rows) == 1.0
    assert math.isnan(cohen_kappa([1, 1], [1, 1]))
    assert math.isnan(fleiss_kappa([[3, 0], [3, 0]]))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: krippendorff_alpha([[1, 2, 3]]), "at least two"),
        (lambda: krippendorff_alpha([[1, None], [None, 2]]), "no pairable"),
        (lambda: krippendorff_alpha([[1, 2], [1, 2]], level="circular"), "unknown level"),
        (lambda: krippendorff_alpha([[1, 2], [1]]), "rectangular"),
        (lambda: krippendorff_alpha([1, 2, 3]), "two-dimensional"),
        (lambda: krippendorff_alpha([["a", "b"], ["a", "c"]], "interval"), "numeric"),
        (lambda: krippendorff_alpha([[-1, 2], [1, 2]], "ratio"), "non-negative"),
        (lambda: krippendorff_alpha([[1, 2], [1, 3]], categories=[1, 2]), "not among"),
        (lambda: krippendorff_alpha(np.empty((2, 0))), "no units"),
        (lambda: percent_agreement([[1, None], [None, 2]]), "no pairable"),
        (lambda: gwet_ac1([[1, 2, 3]]), "at least two"),
        (lambda: cohen_kappa([1, 2], [1, 2, 3]), "different numbers"),
        (lambda: cohen_kappa([1, None], [None, 2]), "no pairable"),
        (lambda: cohen_kappa([1, 2], [1, 2], weights="cubic"), "unknown weights"),
        (lambda: fleiss_kappa([[2, 1], [1, 1]]), "same number of raters"),
        (lambda: fleiss_kappa([[1, 0], [0, 1]]), "at least two raters"),
        (lambda: fleiss_kappa([[1.5, 0.5]]), "whole numbers"),
        (lambda: brennan_prediger([[1, 2], [1, 3]], n_categories=2), "distinct values"),
    ],
)
def test_bad_input_raises_agreement_error(call, message):
    with pytest.raises(AgreementError, match=message) as info:
        call()
    assert isinstance(info.value, WorkbenchError)


def test_ordinal_labels_with_explicit_order():
    rows = [["low", "mid", "high", "high"], ["low", "high", "high", "mid"]]
    order = ["low", "mid", "high"]
    numeric = [[order.index(v) for v in row] for row in rows]
    assert krippendorff_alpha(rows, "ordinal", categories=order) == pytest.approx(
        krippendorff_alpha(numeric, "ordinal")
    )
    # the explicit order matters for ordinal alpha (alphabetical would be high<low<mid)
    assert krippendorff_alpha(rows, "ordinal") != pytest.approx(
        krippendorff_alpha(numeric, "ordinal")
    )


def test_missing_markers_and_containers():
    base = [[1, 2, 3, 1], [1, 2, 2, None]]
    variants = [
        [[1, 2, 3, 1], [1, 2, 2, float("nan")]],
        np.array([[1, 2, 3, 1], [1, 2, 2, np.nan]]),
        pd.DataFrame([[1, 2, 3, 1], [1, 2, 2, pd.NA]]),
        pd.DataFrame({"u1": [1, 1], "u2": [2, 2], "u3": [3, 2], "u4": [1, None]}),
    ]
    for v in variants:
        assert krippendorff_alpha(v) == pytest.approx(krippendorff_alpha(base))
        assert gwet_ac1(v) == pytest.approx(gwet_ac1(base))


def test_weighted_kappa_uses_category_positions():
    a = [1, 2, 3, 3, 1]
    b = [1, 3, 3, 2, 2]
    # declaring an unused middle category changes the linear distances
    assert cohen_kappa(a, b, "linear") != pytest.approx(
        cohen_kappa(a, b, "linear", categories=[1, 2, 2.5, 3])
    )
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa(b, a))


def test_docstring_examples_run():
    import doctest

    import workbench.agreement.measures as measures
    import workbench.agreement.unitizing as unitizing
    from workbench.agreement.corpus import text_units

    for module in (measures, unitizing):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0
    finder = doctest.DocTestFinder()
    for test in finder.find(text_units):
        assert doctest.DocTestRunner().run(test).failed == 0
