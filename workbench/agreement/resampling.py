"""Bootstrap intervals for agreement: units resampled, every replicate from per-unit statistics at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.agreement.corpus import MEASURES, _presence
from workbench.agreement.measures import AgreementError

if TYPE_CHECKING:  # pragma: no cover
    from workbench.project import Project

__all__ = ["bootstrap"]


def _unit_stats(data: np.ndarray) -> np.ndarray:
    """Per-unit sufficient statistics of a coders x units 0/1 table (NaN = missing).

    Columns: rated (r >= 1), pairable (r >= 2), share of 1s among ratings (rated units),
    pairwise agreement (pairable), alpha's k0 k1 / (r - 1), k0, k1 (pairable), and for
    two coders the 2x2 cells 00, 01, 10, 11 (units coded by both).
    """
    present = ~np.isnan(data)
    r = present.sum(axis=0).astype(np.float64)
    k1 = np.nansum(data, axis=0)
    k0 = r - k1
    rated = r >= 1
    pair = r >= 2
    safe = np.where(pair, r * (r - 1), 1.0)
    stats = [
        rated.astype(float),
        pair.astype(float),
        np.where(rated, k1 / np.where(rated, r, 1.0), 0.0),
        np.where(pair, (k0 * (k0 - 1) + k1 * (k1 - 1)) / safe, 0.0),
        np.where(pair, k0 * k1 / np.where(pair, r - 1, 1.0), 0.0),
        np.where(pair, k0, 0.0),
        np.where(pair, k1, 0.0),
    ]
    if len(data) == 2:
        both = present.all(axis=0)
        a, b = np.nan_to_num(data[0]), np.nan_to_num(data[1])
        for x, y in ((0, 0), (0, 1), (1, 0), (1, 1)):
            stats.append((both & (a == x) & (b == y)).astype(float))
    return np.column_stack(stats)


def _from_stats(s: np.ndarray, measure: str) -> np.ndarray:
    """Coefficient per bootstrap replicate from weighted sums of unit statistics (B x S)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rated, pair, share1, agree, o01, n0, n1 = (s[:, i] for i in range(7))
        p_a = agree / pair
        pi1 = share1 / rated
        pi0 = 1.0 - pi1
        if measure == "percent":
            return p_a
        if measure in ("scott_pi", "fleiss_kappa"):
            pe = pi0**2 + pi1**2
        elif measure == "gwet_ac1":
            pe = 2.0 * pi0 * pi1
        elif measure == "brennan_prediger":
            pe = np.full_like(p_a, 0.5)
        elif measure == "krippendorff_alpha":
            n = n0 + n1
            out = 1.0 - (n - 1.0) * o01 / (n0 * n1)
            return np.where(n0 * n1 > 0, out, np.nan)
        elif measure == "cohen_kappa":
            if s.shape[1] < 11:
                return np.full(len(s), np.nan)
            c00, c01, c10, c11 = (s[:, 7 + i] for i in range(4))
            tot = c00 + c01 + c10 + c11
            po = (c00 + c11) / tot
            a1, b1 = (c10 + c11) / tot, (c01 + c11) / tot
            pe = a1 * b1 + (1 - a1) * (1 - b1)
            return np.where(pe < 1, (po - pe) / (1 - pe), np.nan)
        else:  # pragma: no cover - checked by the caller
            raise AgreementError(f"unknown measure {measure!r}")
        return np.where(pe < 1, (p_a - pe) / (1 - pe), np.nan)




def bootstrap(
    p: "Project",
    measure: str = "krippendorff_alpha",
    n: int = 1000,
    seed: int = 0,
    unit: str = "narrative",
    codes: Iterable[str] | str | None = None,
    coders: Iterable[str] | str | None = None,
    min_overlap: int = 1,
    level: float = 0.95,
    alpha_min: float = 0.667,
) -> pd.DataFrame:
    """Bootstrap confidence intervals for a :func:`unit_agreement` coefficient.

    Resamples units with replacement ``n`` times (Krippendorff's and Gwet's advice: the
    units are the sample) and recomputes ``measure`` -- one of ``percent``,
    ``cohen_kappa``, ``scott_pi``, ``fleiss_kappa`` (computed as Scott/Fleiss on the
    resample), ``brennan_prediger``, ``gwet_ac1``, ``krippendorff_alpha`` -- per code
    and overall. All replicates are computed at once from per-unit sufficient
    statistics (a replicates x units weight matrix in chunks), so 1000 replicates cost
    about as much as a few dozen direct computations.

    Returns per code: ``estimate`` (on the data), ``mean`` and ``se`` of the
    replicates, the percentile interval ``ci_low``/``ci_high`` at ``level``, and
    ``p_below`` -- the share of replicates below ``alpha_min`` (Krippendorff's
    probability of failing to reach the smallest acceptable reliability, 0.667 by
    default). Replicates where the coefficient is undefined are left out.

    >>> ci = wb.agreement.bootstrap(p, n=200, unit="paragraph")
    >>> ci.columns.tolist()
    ['estimate', 'mean', 'se', 'ci_low', 'ci_high', 'p_below', 'n_valid']
    """
    if measure not in MEASURES:
        raise AgreementError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    if int(n) < 1:
        raise AgreementError("n must be at least 1")
    if not 0 < level < 1:
        raise AgreementError("level must be between 0 and 1")
    pres = _presence(p, unit, codes, coders, min_overlap)
    if measure == "cohen_kappa" and len(pres.coders) != 2:
        raise AgreementError(f"Cohen's kappa needs exactly two coders, got {len(pres.coders)}")
    tables = [(code, pres.data(k)) for k, code in enumerate(pres.codes)]
    tables.append(("overall", pres.pooled()))
    draws = _draws(np.random.default_rng(seed), int(n), tables[0][1].shape[1])
    rows = []
    for code, data in tables:
        stats = _unit_stats(data)
        point = float(_from_stats(stats.sum(axis=0, keepdims=True), measure)[0])
        # "overall" resamples the same units across all codes
        reps = [_from_stats((np.tile(w, (1, len(pres.codes))) if code == "overall" else w) @ stats, measure)
                for w in draws]
        rep = np.concatenate(reps)
        rows.append({"code": code, "estimate": point, **_summary(rep[np.isfinite(rep)], level, alpha_min)})
    out = pd.DataFrame(rows).set_index("code")
    out.attrs.update(measure=measure, n=int(n), seed=seed, unit=unit, level=level, alpha_min=alpha_min)
    return out


def _draws(rng: np.random.Generator, n: int, n_units: int) -> list[np.ndarray]:
    """*n* resamples of the units as weights (how often each unit is drawn), in chunks of bounded size."""
    draws = []
    step = max(1, (1 << 22) // max(n_units, 1))
    remaining = n
    while remaining > 0:
        b = min(step, remaining)
        idx = rng.integers(0, n_units, (b, n_units)) + (np.arange(b) * n_units)[:, None]
        draws.append(np.bincount(idx.ravel(), minlength=b * n_units).reshape(b, n_units).astype(float))
        remaining -= b
    return draws


def _summary(rep: np.ndarray, level: float, alpha_min: float) -> dict[str, float]:
    """Mean, standard error, percentile interval and P(below alpha_min) of the defined replicates."""
    q = (1 - level) / 2
    if not len(rep):
        nan = float("nan")
        return {"mean": nan, "se": nan, "ci_low": nan, "ci_high": nan, "p_below": nan, "n_valid": 0}
    return {
        "mean": float(rep.mean()),
        "se": float(rep.std(ddof=1)) if len(rep) > 1 else float("nan"),
        "ci_low": float(np.quantile(rep, q)),
        "ci_high": float(np.quantile(rep, 1 - q)),
        "p_below": float(np.mean(rep < alpha_min)),
        "n_valid": int(len(rep)),
    }
