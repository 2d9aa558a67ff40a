"""Agreement on a real project folder: units of text, spans, bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest

import workbench as wb
from workbench.agreement import (
    AgreementError,
    bootstrap,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
    span_agreement,
    text_units,
    unit_agreement,
    unitized_alpha,
)

T1 = "One two three. Four five six!\n\nSeven eight nine. Ten.\n\nEleven twelve."
#     0            14 15           29  31              48 49  53  55           69
T2 = "Alpha beta. Gamma delta.\n\nEpsilon zeta eta."
#     0          11 12         24  26               43


@pytest.fixture
def coded(tmp_path):
    p = wb.create_project(tmp_path / "agreement-project")
    for code in ("a", "b", "c"):
        p.codebook.add(code)
    n1 = p.add_narrative(T1, title="one")
    n2 = p.add_narrative(T2, title="two")
    p.code(n1, 0, 14, "a", coder="ana")
    p.code(n1, 0, 10, "a", coder="ben")
    p.code(n1, 31, 48, "b", coder="ana")
    p.code(n1, 31, 40, "c", coder="ben")
    p.code(n2, 0, 11, "a", coder="ana")  # ben never coded narrative two
    p.code(n1, 60, 66, "c", coder="cy")
    return p, n1, n2


def test_text_units():
    assert text_units(T1, "narrative").tolist() == [[0, 69]]
    assert text_units(T1, "paragraph").tolist() == [[0, 29], [31, 53], [55, 69]]
    assert text_units(T1, "sentence").tolist() == [[0, 14], [15, 29], [31, 48], [49, 53], [55, 69]]
    # no blank line: one paragraph per line; surrounding white space is never a unit
    assert text_units("  first line\nsecond\n", "paragraph").tolist() == [[2, 12], [13, 19]]
    assert text_units('He said "no." Then left.', "sentence").tolist() == [[0, 13], [14, 24]]
    assert text_units("   ", "sentence").shape == (0, 2)
    with pytest.raises(AgreementError, match="unknown unit"):
        text_units(T1, "page")


def test_unit_agreement_by_hand(coded):
    p, _, _ = coded
    table = unit_agreement(p, unit="paragraph", coders=["ana", "ben"])
    # paragraphs of narrative one (ben never coded narrative two, so its units are
    # missing for ben and, with a single coder, not pairable):
    #   a: ana 1 0 0, ben 1 0 0;  b: ana 0 1 0, ben 0 0 0;  c: ana 0 0 0, ben 0 1 0
    a = [[1, 0, 0], [1, 0, 0]]
    b = [[0, 1, 0], [0, 0, 0]]
    c = [[0, 0, 0], [0, 1, 0]]
    assert table.loc["a", "n_units"] == 3
    assert table.loc["a", "krippendorff_alpha"] == pytest.approx(1.0)
    assert table.loc["b", "krippendorff_alpha"] == pytest.approx(krippendorff_alpha(b))
    assert table.loc["c", "cohen_kappa"] == pytest.approx(cohen_kappa(*c))
    pooled = [a[0] + b[0] + c[0], a[1] + b[1] + c[1]]
    assert table.loc["overall", "krippendorff_alpha"] == pytest.approx(krippendorff_alpha(pooled))
    assert table.loc["overall", "percent"] == pytest.approx(percent_agreement(pooled))
    assert table.loc["b", "n_coded_units"] == 1 and table.loc["b", "percent_coded"] == 0.0
    assert table.loc["a", "scott_pi"] == pytest.approx(table.loc["a", "fleiss_kappa"])
    assert list(table.index) == ["a", "b", "c", "overall"]
    assert table.attrs["coders"] == ["ana", "ben"]


def test_three_coders_and_missing_narratives(coded):
    p, _, _ = coded
    table = unit_agreement(p, unit="sentence")
    assert table.attrs["coders"] == ["ana", "ben", "cy"]
    assert math.isnan(table.loc["a", "cohen_kappa"])  # only with exactly two coders
    # sentences of narrative one are coded by all three; narrative two only by ana
    assert table.loc["a", "n_units"] == 5
    a = [[1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    assert table.loc["a", "krippendorff_alpha"] == pytest.approx(krippendorff_alpha(a))


def test_min_overlap_and_own_overlaps_merged(tmp_path):
    p = wb.create_project(tmp_path / "overlap")
    p.codebook.add("x")
    nid = p.add_narrative("aaaa bbbb cccc.\n\ndddd eeee.", title="t")
    p.code(nid, 0, 3, "x", coder="ana")
    p.code(nid, 2, 6, "x", coder="ana")  # with the first: 6 characters of paragraph one
    p.code(nid, 0, 4, "x", coder="ben")
    p.code(nid, 17, 18, "x", coder="ben")  # one character of paragraph two
    loose = unit_agreement(p, unit="paragraph")
    strict = unit_agreement(p, unit="paragraph", min_overlap=5)
    assert loose.loc["x", "percent"] == pytest.approx(0.5)  # agree on one, not the other
    assert strict.loc["x", "percent"] == pytest.approx(0.5)  # ana 6 >= 5 but ben 4 < 5
    assert unit_agreement(p, unit="paragraph", min_overlap=4).loc["x", "percent"] == 1.0


def test_machine_coders_left_out_unless_named(coded):
    p, n1, _ = coded
    p.code(n1, 0, 5, "a", coder="auto:one")
    assert "auto:one" not in unit_agreement(p).attrs["coders"]
    assert "auto:one" in unit_agreement(p, coders=["ana", "auto:one"]).attrs["coders"]


def test_unit_agreement_refuses(coded, tmp_path):
    p, _, _ = coded
    with pytest.raises(AgreementError, match="at least two coders"):
        unit_agreement(p, coders=["ana"])
    with pytest.raises(AgreementError, match="unknown unit"):
        unit_agreement(p, unit="chapter")
    with pytest.raises(AgreementError, match="min_overlap"):
        unit_agreement(p, min_overlap=0)
    q = wb.create_project(tmp_path / "apart")
    q.codebook.add("x")
    a = q.add_narrative("first story", title="a")
    b = q.add_narrative("second story", title="b")
    q.code(a, 0, 5, "x", coder="ana")
    q.code(b, 0, 5, "x", coder="ben")
    with pytest.raises(AgreementError, match="no narrative was coded by two"):
        unit_agreement(q)


def test_span_agreement_is_unitized_alpha_on_the_shared_narratives(coded):
    p, n1, _ = coded
    table = span_agreement(p, coders=["ana", "ben"])
    assert table.attrs["narratives"] == [n1] and table.attrs["skipped"] == ["two"]
    units = [(c, s, e, k) for c, s, e, k in
             [("ana", 0, 14, "a"), ("ben", 0, 10, "a"), ("ana", 31, 48, "b"), ("ben", 31, 40, "c")]]
    direct = unitized_alpha(len(T1), units, coders=["ana", "ben"])
    for code in "abc":
        assert table.loc[code, "alpha_u_2004"] == pytest.approx(direct[code])
    only_a = [u for u in units if u[3] == "a"]
    assert table.loc["a", "u_alpha_2016"] == pytest.approx(
        unitized_alpha(len(T1), only_a, "2016", coders=["ana", "ben"])["u_alpha"]
    )
    family = unitized_alpha(len(T1), units, "2016", coders=["ana", "ben"])
    assert table.loc["overall", "u_alpha_2016"] == pytest.approx(family["u_alpha"])
    assert table.loc["overall", "binary_u_alpha_2016"] == pytest.approx(family["binary_u_alpha"])
    assert not table.attrs["overlapping_codes"]


def test_span_agreement_with_overlapping_codes(coded):
    p, n1, _ = coded
    p.code(n1, 5, 20, "c", coder="ana")  # overlaps ana's "a"
    table = span_agreement(p, coders=["ana", "ben"])
    assert table.attrs["overlapping_codes"]
    assert math.isnan(table.loc["overall", "u_alpha_2016"])
    assert not math.isnan(table.loc["a", "alpha_u_2004"])


@pytest.mark.parametrize(
    "measure",
    ["percent", "cohen_kappa", "scott_pi", "brennan_prediger", "gwet_ac1", "krippendorff_alpha"],
)
def test_bootstrap_estimate_is_the_unit_agreement_value(coded, measure):
    p, _, _ = coded
    table = unit_agreement(p, unit="sentence", coders=["ana", "ben"])
    boot = bootstrap(p, measure=measure, n=300, seed=1, unit="sentence", coders=["ana", "ben"])
    for code in table.index:
        expected = table.loc[code, measure]
        got = boot.loc[code, "estimate"]
        assert (math.isnan(expected) and math.isnan(got)) or got == pytest.approx(expected)


def test_bootstrap_replicates_are_resamples(coded):
    """Each replicate equals the measure computed on the resampled units directly."""
    p, _, _ = coded
    boot1 = bootstrap(p, n=50, seed=3, unit="sentence")
    boot2 = bootstrap(p, n=50, seed=3, unit="sentence")
    assert boot1.equals(boot2)  # reproducible with a seed
    row = boot1.loc["overall"]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert 0 <= row["p_below"] <= 1 and row["n_valid"] <= 50


def test_bootstrap_matches_direct_resampling():
    from workbench.agreement.resampling import _from_stats, _unit_stats

    rng = np.random.default_rng(0)
    data = (rng.random((3, 40)) < 0.4).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    stats = _unit_stats(data)
    for _ in range(20):
        idx = rng.integers(0, 40, 40)
        w = np.bincount(idx, minlength=40).astype(float)[None, :]
        sample = data[:, idx]
        got = _from_stats(w @ stats, "krippendorff_alpha")[0]
        try:
            want = krippendorff_alpha(sample)
        except AgreementError:
            continue
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)
        assert _from_stats(w @ stats, "percent")[0] == pytest.approx(percent_agreement(sample))


def test_bootstrap_refuses(coded):
    p, _, _ = coded
    with pytest.raises(AgreementError, match="unknown measure"):
        bootstrap(p, measure="kappa")
    with pytest.raises(AgreementError, match="exactly two coders"):
        bootstrap(p, measure="cohen_kappa")
    with pytest.raises(AgreementError, match="n must be"):
        bootstrap(p, n=0)
