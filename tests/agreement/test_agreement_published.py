"""Every coefficient against worked examples with published values.

Each case names its source. Values quoted to the precision the source prints, and
compared with a tolerance of half a unit in the last printed digit unless noted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.agreement import (
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)


def table_to_pairs(table, labels):
    """Two coders' values from a contingency table (rows = coder A, cols = coder B)."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [labels[i]] * count
            b += [labels[j]] * count
    return a, b


def pairs_to_data(a, b):
    return [list(a), list(b)]


def raters_to_counts(items, categories):
    return [[item.count(c) for c in categories] for item in items]


# ---------------------------------------------------------------------------------------
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C:
# 4 coders x 12 units, nominal/ordinal/interval/ratio with missing values. The same data
# are irrCAC's `cac.raw4raters` (Gwet 2014), used again below.

K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    "level, expected",
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, expected):
    assert krippendorff_alpha(K2011, level) == pytest.approx(expected, abs=5e-4)


def test_krippendorff_2011_coincidence_matrix():
    # Krippendorff (2011), the coincidence matrix of the example: margins n_c = 9, 13,
    # 10, 5, 3 and n = 40 (unit 12 has a single value and is not pairable);
    # o_11 = 7, o_12 = 4/3, o_33 = 8.
    o = coincidence_matrix(K2011)
    assert o.index.tolist() == [1, 2, 3, 4, 5]
    assert o.sum(axis=1).tolist() == pytest.approx([9, 13, 10, 5, 3])
    assert o.to_numpy()[0, 0] == pytest.approx(7.0)
    assert o.to_numpy()[0, 1] == pytest.approx(4 / 3)
    assert o.to_numpy()[2, 2] == pytest.approx(8.0)
    np.testing.assert_allclose(o.to_numpy(), o.to_numpy().T)


def test_krippendorff_2011_as_dataframe_and_arrays():
    df = pd.DataFrame(K2011, index=["A", "B", "C", "D"])
    arr = np.array(K2011, dtype=float)
    assert krippendorff_alpha(df) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(arr, "interval") == pytest.approx(0.849, abs=5e-4)


# Gwet (2014) / irrCAC README, `cac.raw4raters` (the same 12 units x 4 raters):
# pa 0.8181818, AC1 0.77544 (pe 0.1903212), Fleiss' kappa 0.76117 (pe 0.2387153),
# Krippendorff's alpha 0.74342, Brennan-Prediger 0.77273 (pe = 1/5).


def test_gwet_cac_raw4raters():
    assert percent_agreement(K2011) == pytest.approx(0.8181818, abs=5e-8)
    assert gwet_ac1(K2011) == pytest.approx(0.77544, abs=5e-6)
    assert scott_pi(K2011) == pytest.approx(0.76117, abs=5e-6)
    assert krippendorff_alpha(K2011) == pytest.approx(0.74342, abs=5e-6)
    assert brennan_prediger(K2011) == pytest.approx(0.77273, abs=5e-6)


# Gwet (2014) / irrCAC README, `distrib.6raters` (15 psychiatric patients x 6 raters x
# 5 categories, from Fleiss 1971): AC1 0.4448007, Fleiss 0.4139265, BP 0.4388889,
# pa 0.5511111.

DISTRIB_6RATERS = [
    [0, 0, 0, 6, 0],
    [0, 3, 0, 0, 3],
    [0, 1, 4, 0, 1],
    [0, 0, 0, 0, 6],
    [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2],
    [2, 0, 3, 1, 0],
    [2, 0, 0, 4, 0],
    [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0],
    [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0],
    [1, 0, 0, 5, 0],
    [0, 2, 0, 3, 1],
]


def counts_to_data(counts):
    """coders x units data with the given per-unit category counts (any coder order)."""
    cols = []
    for row in counts:
        col = []
        for c, k in enumerate(row):
            col += [c] * k
        cols.append(col)
    return np.array(cols).T.tolist()


def test_gwet_distrib_6raters():
    data = counts_to_data(DISTRIB_6RATERS)
    assert fleiss_kappa(DISTRIB_6RATERS) == pytest.approx(0.4139265, abs=5e-8)
    assert scott_pi(data) == pytest.approx(0.4139265, abs=5e-8)
    assert gwet_ac1(data) == pytest.approx(0.4448007, abs=5e-8)
    assert brennan_prediger(data) == pytest.approx(0.4388889, abs=5e-8)
    assert percent_agreement(data) == pytest.approx(0.5511111, abs=5e-8)


# Gwet (2014) / irrCAC README, `cont3x3abstractors` (2 raters, 100 subjects):
# Cohen 0.7964094, Scott 0.7962397, AC1 0.8493305, BP 0.835, alpha 0.7972585, pa 0.89.


def test_gwet_cont3x3abstractors():
    a, b = table_to_pairs([[13, 0, 0], [0, 20, 7], [0, 4, 56]], ["Ectopic", "AIU", "NIU"])
    data = pairs_to_data(a, b)
    assert cohen_kappa(a, b) == pytest.approx(0.7964094, abs=5e-8)
    assert scott_pi(data) == pytest.approx(0.7962397, abs=5e-8)
    assert gwet_ac1(data) == pytest.approx(0.8493305, abs=5e-8)
    assert brennan_prediger(data) == pytest.approx(0.835, abs=5e-8)
    assert krippendorff_alpha(data) == pytest.approx(0.7972585, abs=5e-8)
    assert percent_agreement(data) == pytest.approx(0.89, abs=5e-8)


# ---------------------------------------------------------------------------------------
# Fleiss (1971), "Measuring nominal scale agreement among many raters", p. 379: 30
# subjects, 6 psychiatrists, 5 diagnoses. P-bar 0.5556, P_e 0.2201, kappa 0.430.
# (Rater lists as tabulated in DKPro Statistics' Fleiss1971Test.)

FLEISS_1971 = [
    (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
    (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
    (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
    (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
    (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
    (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
    (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
    (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
]


def test_fleiss_1971():
    counts = raters_to_counts([list(r) for r in FLEISS_1971], [1, 2, 3, 4, 5])
    assert fleiss_kappa(counts) == pytest.approx(0.430, abs=5e-4)
    data = np.array(FLEISS_1971).T  # 6 "raters" x 30 subjects
    assert percent_agreement(data) == pytest.approx(0.5556, abs=5e-4)
    assert scott_pi(data) == pytest.approx(0.430, abs=5e-4)
    assert fleiss_kappa(pd.DataFrame(counts)) == pytest.approx(fleiss_kappa(counts))


# ---------------------------------------------------------------------------------------
# Cohen (1960), "A coefficient of agreement for nominal scales".


def test_cohen_1960_example_p45():
    # p. 45: 200 cases, three categories: p_o 0.70, p_c 0.41, kappa 0.492.
    a, b = table_to_pairs([[88, 14, 18], [10, 40, 10], [2, 6, 12]], [1, 2, 3])
    assert cohen_kappa(a, b) == pytest.approx(0.492, abs=5e-4)


def test_cohen_1960_example_p37():
    # p. 37: p_o 0.29, p_c 0.35 -> kappa = (0.29 - 0.35) / 0.65.
    a, b = table_to_pairs([[25, 12, 3], [13, 2, 15], [12, 16, 2]], [1, 2, 3])
    assert cohen_kappa(a, b) == pytest.approx((0.29 - 0.35) / 0.65, abs=5e-4)
    # Gwet (2008) AC1 on the same table, as irrCAC computes it (DKPro fixture): -0.04797.
    assert gwet_ac1(pairs_to_data(a, b)) == pytest.approx(-0.04797, abs=5e-6)
    # and on the p. 45 table: p_a 0.70, p_e 0.2925, AC1 0.5760 (DKPro Gwet2008Test).
    a, b = table_to_pairs([[88, 14, 18], [10, 40, 10], [2, 6, 12]], [1, 2, 3])
    assert gwet_ac1(pairs_to_data(a, b)) == pytest.approx(0.5760, abs=5e-5)


def test_gwet_2008_hand_example():
    # Gwet (2008) paradox illustration as in DKPro Gwet2008Test: 8 yy, 1 nn, 1 yn:
    # p_a 0.9, p_e 0.255, AC1 0.8658; Scott's pi 0.6078.
    a, b = ["y"] * 8 + ["n", "y"], ["y"] * 8 + ["n", "n"]
    data = pairs_to_data(a, b)
    assert gwet_ac1(data) == pytest.approx(0.8658, abs=5e-5)
    assert scott_pi(data) == pytest.approx(0.6078, abs=5e-5)


# ---------------------------------------------------------------------------------------
# Artstein & Poesio (2008), "Inter-coder agreement for computational linguistics",
# Computational Linguistics 34(4).


def test_artstein_poesio_2008_p558():
    # Two coders, STAT/IReq, 100 utterances: A_o 0.7; S 0.4; pi 0.341; kappa 0.348.
    a, b = table_to_pairs([[20, 10], [20, 50]], ["STAT", "IReq"])
    data = pairs_to_data(a, b)
    assert percent_agreement(data) == pytest.approx(0.7)
    assert brennan_prediger(data) == pytest.approx(0.4, abs=5e-4)
    assert scott_pi(data) == pytest.approx(0.341, abs=5e-4)
    assert cohen_kappa(a, b) == pytest.approx(0.348, abs=5e-4)


def test_artstein_poesio_2008_p568():
    # Three categories: A_o 0.88; S 0.82; pi 0.799; kappa 0.801; alpha 0.800 (the paper
    # rounds pi = 0.7995 down; DKPro's ArtsteinPoesio2008Test checks 0.7995 +- 0.001).
    a, b = table_to_pairs(
        [[46, 0, 0], [6, 32, 6], [0, 0, 10]], ["STAT", "IReq", "Chck"]
    )
    data = pairs_to_data(a, b)
    assert percent_agreement(data) == pytest.approx(0.88)
    assert brennan_prediger(data) == pytest.approx(0.82, abs=5e-4)
    assert scott_pi(data) == pytest.approx(0.7995, abs=1e-3)
    assert cohen_kappa(a, b) == pytest.approx(0.801, abs=5e-4)
    # alpha = 1 - 0.12 / 0.6016 = 0.8005, printed as 0.800 (DKPro checks +- 0.001)
    assert krippendorff_alpha(data) == pytest.approx(0.800, abs=1e-3)


# ---------------------------------------------------------------------------------------
# Brennan & Prediger (1981), "Coefficient kappa: some uses, misuses, and alternatives",
# p. 689 and p. 691 (proportions x 100, as in DKPro's BrennanPrediger1981Test).


def test_brennan_prediger_1981():
    a, b = table_to_pairs([[50, 0, 0], [10, 10, 10], [20, 0, 0]], [1, 2, 3])
    assert cohen_kappa(a, b) == pytest.approx(0.27, abs=5e-3)
    assert brennan_prediger(pairs_to_data(a, b)) == pytest.approx(0.40, abs=5e-3)
    a, b = table_to_pairs([[50, 0, 10], [0, 10, 10], [10, 10, 0]], [1, 2, 3])
    assert cohen_kappa(a, b) == pytest.approx(0.29, abs=5e-3)
    assert brennan_prediger(pairs_to_data(a, b)) == pytest.approx(0.40, abs=5e-3)


def test_brennan_prediger_declared_categories():
    # with a 4-category code book of which 3 were used, p_e = 1/4
    a, b = table_to_pairs([[50, 0, 0], [10, 10, 10], [20, 0, 0]], [1, 2, 3])
    assert brennan_prediger(pairs_to_data(a, b), n_categories=4) == pytest.approx(
        (0.6 - 0.25) / 0.75
    )
