"""Random data with missing values against independent implementations (test-only).

The oracles -- the ``krippendorff`` package (GPL, never imported by the workbench),
scikit-learn's ``cohen_kappa_score`` and statsmodels' ``fleiss_kappa`` -- are imported
with ``pytest.importorskip`` so the suite still runs where they are absent.
"""

from __future__ import annotations

import numpy as np
import pytest

import workbench.agreement.measures as measures
from workbench.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

LEVELS = ["nominal", "ordinal", "interval", "ratio"]


def random_reliability(seed, m=None, n=None, v=None, missing=None):
    rng = np.random.default_rng(seed)
    m = m or int(rng.integers(2, 7))
    n = n or int(rng.integers(5, 60))
    v = v or int(rng.integers(2, 8))
    missing = rng.uniform(0, 0.4) if missing is None else missing
    truth = rng.integers(1, v + 1, n)
    noisy = rng.integers(1, v + 1, (m, n))
    data = np.where(rng.random((m, n)) < rng.uniform(0.2, 0.9), truth, noisy).astype(float)
    data[rng.random((m, n)) < missing] = np.nan
    return data


def has_variation(data):
    keep = (~np.isnan(data)).sum(axis=0) >= 2
    vals = data[:, keep]
    vals = vals[~np.isnan(vals)]
    return len(np.unique(vals)) >= 2


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", range(25))
def test_alpha_matches_krippendorff_package(level, seed):
    krippendorff = pytest.importorskip("krippendorff")
    data = random_reliability(seed)
    if not has_variation(data):
        pytest.skip("no variation in this draw")
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
@pytest.mark.parametrize("seed", range(10))
def test_closed_forms_match_coincidence_matrix(level, seed, monkeypatch):
    """The no-V x V path used for many distinct values gives the same alpha."""
    data = random_reliability(100 + seed, v=12)
    if not has_variation(data):
        pytest.skip("no variation in this draw")
    dense = krippendorff_alpha(data, level)
    monkeypatch.setattr(measures, "_DENSE_MAX_VALUES", 1)
    assert krippendorff_alpha(data, level) == pytest.approx(dense, rel=1e-9, abs=1e-12)


def test_closed_forms_match_package_on_continuous_values(monkeypatch):
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    truth = rng.normal(size=150)
    data = np.round(truth + rng.normal(scale=0.5, size=(3, 150)), 1)
    data[rng.random(data.shape) < 0.2] = np.nan
    # (the package holds a units x values x values array: keep both small here)
    monkeypatch.setattr(measures, "_DENSE_MAX_VALUES", 1)
    for level in ("interval", "ordinal", "nominal"):
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert krippendorff_alpha(data, level) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_more_distinct_values_than_the_dense_limit(monkeypatch):
    rng = np.random.default_rng(8)
    truth = rng.normal(size=800)
    data = truth + rng.normal(scale=0.5, size=(3, 800))  # ~2200 distinct values > 2048
    data[rng.random(data.shape) < 0.1] = np.nan
    closed = krippendorff_alpha(data, "interval")
    assert 0.5 < closed < 0.9
    monkeypatch.setattr(measures, "_RATIO_MAX_VALUES", 1000)
    with pytest.raises(measures.AgreementError, match="ratio"):
        krippendorff_alpha(np.abs(data), "ratio")
    monkeypatch.setattr(measures, "_DENSE_MAX_VALUES", 3_000)
    assert krippendorff_alpha(data, "interval") == pytest.approx(closed, rel=1e-9)


def test_chunked_coincidences_match(monkeypatch):
    data = random_reliability(3, m=5, n=500, v=6)
    whole = krippendorff_alpha(data, "ordinal")
    monkeypatch.setattr(measures, "_CHUNK_CELLS", 17)  # a handful of units per chunk
    assert krippendorff_alpha(data, "ordinal") == pytest.approx(whole, rel=1e-12)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@pytest.mark.parametrize("seed", range(20))
def test_cohen_kappa_matches_sklearn(weights, seed):
    metrics = pytest.importorskip("sklearn.metrics")
    data = random_reliability(200 + seed, m=2, missing=0.15)
    both = ~np.isnan(data).any(axis=0)
    a, b = data[0, both].astype(int), data[1, both].astype(int)
    expected = metrics.cohen_kappa_score(a, b, weights=weights)
    got = cohen_kappa(data[0], data[1], weights=weights)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_fleiss_kappa_matches_statsmodels(seed):
    irr = pytest.importorskip("statsmodels.stats.inter_rater")
    data = random_reliability(300 + seed, missing=0.0)
    table, _ = irr.aggregate_raters(data.T.astype(int))
    expected = irr.fleiss_kappa(table, method="fleiss")
    assert fleiss_kappa(table) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # on complete data, the coders x units form is the same coefficient
    assert scott_pi(data) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_gwet_family_matches_direct_formulas(seed):
    """Gwet (2014) definitions written out unit by unit (the library is vectorised)."""
    data = random_reliability(400 + seed)
    cats = np.unique(data[~np.isnan(data)])
    q = len(cats)
    pa_terms, pi_rows = [], []
    for u in range(data.shape[1]):
        col = data[:, u][~np.isnan(data[:, u])]
        r = len(col)
        if r == 0:
            continue
        r_k = np.array([(col == c).sum() for c in cats], dtype=float)
        pi_rows.append(r_k / r)
        if r >= 2:
            pa_terms.append(np.sum(r_k * (r_k - 1)) / (r * (r - 1)))
    pa = np.mean(pa_terms)
    pi = np.mean(pi_rows, axis=0)
    assert percent_agreement(data) == pytest.approx(pa)
    if q >= 2:
        pe1 = np.sum(pi * (1 - pi)) / (q - 1)
        assert gwet_ac1(data) == pytest.approx((pa - pe1) / (1 - pe1))
        pe = np.sum(pi**2)
        assert scott_pi(data) == pytest.approx((pa - pe) / (1 - pe))


@pytest.mark.parametrize("level", LEVELS)
def test_einsum_and_blas_coincidences_agree(level, monkeypatch):
    data = random_reliability(5, m=6, n=300, v=7)
    small = krippendorff_alpha(data, level)
    monkeypatch.setattr(measures, "_EINSUM_MAX_VALUES", 0)  # force the BLAS product
    assert krippendorff_alpha(data, level) == pytest.approx(small, rel=1e-12)
