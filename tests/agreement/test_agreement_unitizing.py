"""Unitizing alphas: published examples, hand-computed cases, naive re-computations."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.agreement import (
    AgreementError,
    krippendorff_alpha,
    unitized_alpha,
    unitized_disagreement_2004,
)

# ---------------------------------------------------------------------------------------
# Krippendorff (2004), Content Analysis 2nd ed., section 11.6, p. 254: a continuum from
# 150 to 450 (length 300), two observers i and j, categories c and k. Observed and
# expected disagreement for c: 0.0144 and 0.0532, alpha_c = 0.7286; for k: 0 and 0.0490,
# alpha_k = 1. Offsets here are relative to the start of the continuum (150).
# (The same example and values are in DKPro Statistics' unitizing Krippendorff2004Test.)

K2004 = [
    ("i", 225, 295, "c"), ("i", 370, 400, "c"),
    ("j", 220, 300, "c"), ("j", 355, 375, "c"), ("j", 400, 420, "c"),
    ("i", 180, 240, "k"), ("i", 300, 350, "k"),
    ("j", 180, 240, "k"), ("j", 300, 350, "k"),
]
K2004 = [(coder, s - 150, e - 150, cat) for coder, s, e, cat in K2004]


def test_krippendorff_2004_example():
    table = unitized_disagreement_2004(300, K2004)
    assert table.loc["c", "observed"] == pytest.approx(0.0144, abs=5e-5)
    assert table.loc["c", "expected"] == pytest.approx(0.0532, abs=5e-5)
    assert table.loc["k", "observed"] == 0.0
    assert table.loc["k", "expected"] == pytest.approx(0.0490, abs=5e-5)
    alphas = unitized_alpha(300, K2004)
    assert alphas["c"] == pytest.approx(0.7286, abs=5e-5)
    assert alphas["k"] == pytest.approx(1.0)
    # alpha over both categories, 1 - sum D_o / sum D_e: 0.8591 with the rounded
    # disagreements of the book (DKPro checks +- 0.0005); 0.8587 unrounded
    assert table.attrs["pooled_alpha"] == pytest.approx(0.8591, abs=5e-4)


def test_dkpro_unitizing_example():
    # DKPro Statistics UnitizingAgreementTest: L = 10, r0: -11111111-, r1: --1-1-1---
    # D_o 0.9100, D_e 0.5351, alpha -0.7003 (truncated; DKPro's tolerance 1e-4)
    units = [(0, 1, 9, "A"), (1, 2, 3, "A"), (1, 4, 5, "A"), (1, 6, 7, "A")]
    table = unitized_disagreement_2004(10, units)
    assert table.loc["A", "observed"] == pytest.approx(0.9100, abs=1e-4)
    assert table.loc["A", "expected"] == pytest.approx(0.5351, abs=1e-4)
    assert unitized_alpha(10, units)["A"] == pytest.approx(-0.7003, abs=1e-4)


def test_dkpro_single_unit_among_three_coders():
    # DKPro UnitizingAgreementTest.testSingleAnnotationUnit: one unit by one of three
    # coders on a continuum of 20 -> D_o = D_e, alpha = 0
    assert unitized_alpha(20, [(0, 0, 1, "X")], coders=[0, 1, 2])["X"] == pytest.approx(0.0)


def krippendorff_1995(stretch):
    """Krippendorff (1995), Sociological Methodology 25, p. 57: four pairs of observers
    (A-D) on a continuum of 24, optionally stretched (as in DKPro's Krippendorff1995Test).
    """
    rows = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"),
        (4, 1, 1, "B"), (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"),
        (0, 2, 1, "C"), (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]
    units = []
    for offset, length, coder, cat in rows:
        s = int(offset * stretch)
        units.append((coder, s, s + int(length * stretch), cat))
    return int(24 * stretch), units


def test_krippendorff_1995_example():
    # observed disagreements do not depend on the stretch: A 0.03125, B 2.26736,
    # C 0.02777, D 0.38715. Expected disagreements and alphas at a fine resolution
    # (stretch 50000) are the 1995 paper's, which DKPro notes are slightly off
    # (D_e tolerance 0.005, alpha tolerance 0.02, as in DKPro's Krippendorff1995Test).
    for stretch in (1, 50_000):
        length, units = krippendorff_1995(stretch)
        table = unitized_disagreement_2004(length, units)
        assert table["observed"].tolist() == pytest.approx(
            [0.03125, 2.26736, 0.02777, 0.38715], abs=1e-5
        )
    assert table["expected"].tolist() == pytest.approx(
        [0.06990, 1.17731, 0.08642, 0.41445], abs=5e-3
    )
    assert table["alpha"].tolist() == pytest.approx([0.553, -0.926, 0.679, 0.066], abs=0.02)


def test_2004_hand_computed():
    # L = 10; A: c[0,4); B: c[0,2).  D_o = 2 (0^2 + 2^2) / (2 * 1 * 100) = 0.04.
    # D_e = (2/10) [ (2-1)(2*64-48+4)/3 + 16 ((6-4+1) + (8-4+1))
    #               + (2-1)(16-12+2)/3 + 4 ((6-2+1) + (8-2+1)) ] / (20*19 - 12 - 2)
    #     = 0.2 * 206 / 366
    table = unitized_disagreement_2004(10, [("A", 0, 4, "c"), ("B", 0, 2, "c")])
    assert table.loc["c", "observed"] == pytest.approx(0.04)
    assert table.loc["c", "expected"] == pytest.approx(0.2 * 206 / 366)


def test_2016_hand_computed():
    # L = 10; A: c[0,4) + gap[4,10); B: c[0,2) + gap[2,10); m - 1 = 1.
    # l = [[l_00, l_0c], [l_c0, l_cc]] = [[12, 2], [2, 4]], l.. = 20 = mL.
    # S_c = 4^2 + 2^2 = 20, S_0 = 6 + 8 = 14 (gaps are divisible).
    # e_0c = 20 * 14 * 6 / (400 - 34) -> u-alpha = 1 - 4 / (2 e_0c) = 0.564286
    out = unitized_alpha(10, [("A", 0, 4, "c"), ("B", 0, 2, "c")], method="2016")
    e_0c = 20 * 14 * 6 / 366
    assert out["u_alpha"] == pytest.approx(1 - 4 / (2 * e_0c))
    assert out["binary_u_alpha"] == pytest.approx(out["u_alpha"])  # one category
    assert math.isnan(out["cu_alpha"])  # a single category has no coding variation
    assert math.isnan(out["Cu_alpha"]["c"])


def test_2016_cu_alpha_hand_computed():
    # L = 10, two coders who agree on the stretches but not on one category:
    # A: c[0,5) k[5,10);  B: c[0,5) c[5,10).  Valued coincidences (m-1 = 1):
    # l*_cc = 5 + 5 + 5 + 5 = 10 ... counted over ordered pairs: (A,B): c-c 5, k-c 5;
    # (B,A): c-c 5, c-k 5 -> l* = [[10, 5], [5, 0]] (c, k), l*.. = 20.
    # self-pairs: every unit is fully overlapped by the other coder's units:
    # S*_c = 5^2 (A) + 5^2 + 5^2 (B) = 75, S*_k = 25, sum 100.
    # e*_ck = 20 * 15 * 5 / (400 - 100) = 5, e*_cc = 20 (225 - 75) / 300 = 10,
    # e*_kk = 20 (25 - 25) / 300 = 0 -> cu-alpha = 1 - 10 / 10 = 0.
    out = unitized_alpha(
        10, [("A", 0, 5, "c"), ("A", 5, 10, "k"), ("B", 0, 5, "c"), ("B", 5, 10, "c")],
        method="2016",
    )
    assert out["cu_alpha"] == pytest.approx(0.0)
    assert math.isnan(out["binary_u_alpha"])  # no gaps anywhere: nothing to tell apart
    assert out["Cu_alpha"]["c"] == pytest.approx(1 - (15 / 15) * 5 / 5)


# ---------------------------------------------------------------------------------------
# naive re-computations, straight from the formulas, position by position


def naive_2004(length, units, coders):
    m = len(coders)
    out = {}
    for cat in sorted({u[3] for u in units}):
        segs = {}
        for c in coders:
            us = sorted((s, e) for cc, s, e, k in units if cc == c and k == cat)
            seq, pos = [], 0
            for s, e in us:
                if s > pos:
                    seq.append((pos, s, False))
                seq.append((s, e, True))
                pos = e
            if pos < length:
                seq.append((pos, length, False))
            segs[c] = seq
        obs = 0.0
        for ci in coders:
            for cj in coders:
                if ci == cj:
                    continue
                for bg, eg, wg in segs[ci]:
                    for bh, eh, wh in segs[cj]:
                        lg, lh = eg - bg, eh - bh
                        if wg and wh and -lg < bg - bh < lh:
                            obs += (bg - bh) ** 2 + (eg - eh) ** 2
                        elif wg and not wh and lh - lg >= bg - bh >= 0:
                            obs += lg**2
                        elif wh and not wg and lg - lh >= bh - bg >= 0:
                            obs += lh**2
        d_o = obs / (m * (m - 1) * length**2)
        unit_lengths = [e - s for c in coders for s, e, w in segs[c] if w]
        gap_lengths = [e - s for c in coders for s, e, w in segs[c] if not w]
        n_c = len(unit_lengths)
        num = 0.0
        for lg in unit_lengths:
            num += (n_c - 1) * (2 * lg**3 - 3 * lg**2 + lg) / 3
            num += lg**2 * sum(lh - lg + 1 for lh in gap_lengths if lh >= lg)
        den = m * length * (m * length - 1) - sum(lg * (lg - 1) for lg in unit_lengths)
        d_e = 2 / length * num / den
        out[cat] = 1 - d_o / d_e if d_e > 0 else float("nan")
    return out


def naive_2016(length, units, coders):
    m = len(coders)
    cats = sorted({u[3] for u in units})
    vals = [None] + cats
    idx = {v: i for i, v in enumerate(vals)}
    V = len(vals)
    val = {c: [None] * length for c in coders}
    uid = {c: [None] * length for c in coders}
    for n, (c, s, e, k) in enumerate(units):
        for p in range(s, e):
            val[c][p] = k
            uid[c][p] = n
    obs = np.zeros((V, V))
    for p in range(length):
        for ci in coders:
            for cj in coders:
                if ci != cj:
                    obs[idx[val[ci][p]], idx[val[cj][p]]] += 1 / (m - 1)
    self_pairs = np.zeros(V)
    for c, s, e, k in units:
        self_pairs[idx[k]] += (e - s) ** 2
    self_pairs[0] = m * length - sum(e - s for _, s, e, _ in units)

    def expected(o, sp):
        tot = o.sum()
        mar = o.sum(axis=1)
        den = tot**2 - sp.sum()
        if tot <= 0 or den <= 0:
            return np.full_like(o, np.nan)
        return tot * (np.outer(mar, mar) - np.diag(sp)) / den

    def alpha(o, e):
        do = o.sum() - np.trace(o)
        de = e.sum() - np.trace(e)
        return 1 - do / de if np.isfinite(de) and de > 0 else float("nan")

    exp = expected(obs, self_pairs)
    res = {"u_alpha": alpha(obs, exp)}
    def col(a):
        return np.array([[a[0, 0], a[0, 1:].sum()], [a[1:, 0].sum(), a[1:, 1:].sum()]])

    res["binary_u_alpha"] = alpha(col(obs), col(exp))
    ov = obs[1:, 1:]
    sp = np.zeros(V - 1)
    for c, s, e, k in units:
        for cj in coders:
            if cj != c:
                inter = sum(1 for p in range(s, e) if val[cj][p] is not None)
                sp[idx[k] - 1] += inter**2 / (m - 1)
    ev = expected(ov, sp)
    res["cu_alpha"] = alpha(ov, ev)
    res["Cu_alpha"] = {}
    for i, k in enumerate(cats):
        lo, eo = ov[i].sum(), ev[i].sum()
        de = eo - ev[i, i]
        ok = lo > 0 and np.isfinite(de) and de > 0
        res["Cu_alpha"][k] = 1 - (eo / lo) * (lo - ov[i, i]) / de if ok else float("nan")
    return res


@st.composite
def unitizations(draw, exclusive=False, max_coders=4, max_len=40):
    length = draw(st.integers(5, max_len))
    m = draw(st.integers(2, max_coders))
    cats = ["a", "b", "c"]
    units = []
    for c in range(m):
        pos = 0
        while pos < length:
            gap = draw(st.integers(0, 6))
            s = pos + gap
            if s >= length or draw(st.booleans()) and draw(st.booleans()):
                break
            e = min(length, s + draw(st.integers(1, 8)))
            units.append((c, s, e, draw(st.sampled_from(cats))))
            # exclusive: next unit starts after this one; otherwise same-category
            # overlaps are merged by the library, so keep categories apart here too
            pos = e
    return length, units, list(range(m))


def close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


@settings(max_examples=150, deadline=None)
@given(unitizations())
def test_2004_matches_naive(case):
    length, units, coders = case
    assume(units)
    assert close(unitized_alpha(length, units, "2004", coders=coders), naive_2004(length, units, coders))


@settings(max_examples=150, deadline=None)
@given(unitizations())
def test_2016_matches_naive(case):
    length, units, coders = case
    assume(units)
    assert close(unitized_alpha(length, units, "2016", coders=coders), naive_2016(length, units, coders))


# ------------------------------------------------------------------------- properties


@settings(max_examples=100, deadline=None)
@given(unitizations(), st.integers(2, 5))
def test_identical_unitizations_give_one(case, m):
    length, units, _ = case
    one = [u for u in units if u[0] == 0]
    assume(one)
    same = [(c, s, e, k) for c in range(m) for _, s, e, k in one]
    for a in unitized_alpha(length, same, "2004").values():
        assert math.isnan(a) or a == pytest.approx(1.0)
    out = unitized_alpha(length, same, "2016")
    # 1 wherever defined (nan only without variation, e.g. one category and no gaps)
    for key in ("u_alpha", "binary_u_alpha", "cu_alpha"):
        assert math.isnan(out[key]) or out[key] == pytest.approx(1.0)
    covered = sum(e - s for _, s, e, _ in one)
    if covered < length:  # gaps and units both present: u-alpha is defined
        assert out["u_alpha"] == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(unitizations(), st.randoms(use_true_random=False))
def test_coder_names_and_order_do_not_matter(case, rnd):
    length, units, coders = case
    assume(units)
    names = [f"coder-{c}" for c in coders]
    rnd.shuffle(names)
    renamed = [(names[c], s, e, k) for c, s, e, k in units]
    rnd.shuffle(renamed)
    for method in ("2004", "2016"):
        assert close(
            unitized_alpha(length, units, method, coders=coders),
            unitized_alpha(length, renamed, method, coders=sorted(names)),
        )


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.data())
def test_2016_u_alpha_on_unit_length_segments_is_nominal_alpha(m, data):
    # With every unit one position long, units and gaps are both single positions, and
    # u-alpha is Krippendorff's nominal alpha over positions (values: gap or category).
    length = data.draw(st.integers(3, 30))
    grid = data.draw(
        st.lists(
            st.lists(st.sampled_from([None, "a", "b"]), min_size=length, max_size=length),
            min_size=m,
            max_size=m,
        )
    )
    units = [(c, p, p + 1, v) for c, row in enumerate(grid) for p, v in enumerate(row) if v]
    assume(units)
    positions = [[v or "-" for v in row] for row in grid]
    expected = krippendorff_alpha(positions)
    out = unitized_alpha(length, units, "2016", coders=list(range(m)))
    assert close(out["u_alpha"], expected)
    binary = [["unit" if v else "-" for v in row] for row in grid]
    assert close(out["binary_u_alpha"], krippendorff_alpha(binary))


def test_overlaps_of_one_coder_and_category_are_merged():
    merged = [("A", 0, 10, "x"), ("B", 2, 12, "x")]
    split = [("A", 0, 6, "x"), ("A", 4, 10, "x"), ("B", 2, 12, "x")]
    for method in ("2004", "2016"):
        assert close(unitized_alpha(20, merged, method), unitized_alpha(20, split, method))
    touching = [("A", 0, 5, "x"), ("A", 5, 10, "x"), ("B", 2, 12, "x")]
    assert unitized_alpha(20, touching)["x"] != pytest.approx(unitized_alpha(20, merged)["x"])


def test_2016_refuses_overlapping_categories_of_one_coder():
    units = [("A", 0, 10, "x"), ("A", 5, 15, "y"), ("B", 0, 10, "x")]
    with pytest.raises(AgreementError, match="mutually exclusive"):
        unitized_alpha(20, units, "2016")
    assert set(unitized_alpha(20, units, "2004")) == {"x", "y"}  # fine per category


def test_dataframe_input_and_coders_without_units():
    df = pd.DataFrame(K2004, columns=["coder", "start", "end", "category"])
    assert close(unitized_alpha(300, df), unitized_alpha(300, K2004))
    with_silent = unitized_alpha(300, K2004, coders=["i", "j", "nobody"])
    assert with_silent["c"] < unitized_alpha(300, K2004)["c"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: unitized_alpha(10, [("A", 0, 5, "x")]), "at least two coders"),
        (lambda: unitized_alpha(10, [("A", 0, 11, "x"), ("B", 0, 5, "x")]), "outside"),
        (lambda: unitized_alpha(10, [("A", 5, 5, "x"), ("B", 0, 5, "x")]), "empty"),
        (lambda: unitized_alpha(10, [("A", 0.5, 5, "x"), ("B", 0, 5, "x")]), "whole"),
        (lambda: unitized_alpha(0, [("A", 0, 5, "x"), ("B", 0, 5, "x")]), "length"),
        (lambda: unitized_alpha(10, [("A", 0, 5)]), "coder, start, end, category"),
        (lambda: unitized_alpha(10, [("A", 0, 5, "x")], method="1995"), "unknown method"),
        (lambda: unitized_alpha(10, [("A", 0, 5, "x"), ("C", 0, 5, "x")], coders=["A", "B"]), "not listed"),
    ],
)
def test_unitizing_bad_input(call, message):
    with pytest.raises(AgreementError, match=message):
        call()


def test_a_long_document_is_fast():
    rng = np.random.default_rng(0)
    length, units = 100_000, []
    for coder in range(3):  # ~2500 units per coder, 8 codes
        starts = np.arange(0, length - 40, 40) + rng.integers(0, 10, (length - 40) // 40)
        for s in starts:
            units.append((coder, int(s), int(s + rng.integers(5, 30)), f"code{rng.integers(8)}"))
    t = time.perf_counter()
    unitized_alpha(length, units, "2004")
    unitized_alpha(length, units, "2016")
    elapsed = time.perf_counter() - t
    assert len(units) > 3000
    assert elapsed < 2.0, elapsed  # typically ~0.1 s; generous for slow CI machines
