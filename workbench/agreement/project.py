"""Agreement among a project's coders: per code, over units of text or over spans.

These functions read a :class:`workbench.project.Project` (``p.codings()``,
``p.narratives``, ``p.text()``) and hand plain arrays to the coefficients of
:mod:`workbench.agreement.measures` and :mod:`workbench.agreement.unitizing`.

* :func:`unit_agreement` cuts every narrative into units (whole narratives,
  paragraphs or sentences) and asks, for each code, which coders applied it to which
  unit: a coders x units table of 1 (applied) / 0 (not applied) / missing (the coder
  did not code that narrative at all). Every coefficient is computed on that table.
* :func:`span_agreement` compares the coded spans themselves with Krippendorff's
  unitizing alphas.
* :func:`bootstrap` resamples units to give confidence intervals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.agreement.measures import (
    AgreementError,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from workbench.agreement.unitizing import _prepare, unitized_alpha, unitized_disagreement_2004

if TYPE_CHECKING:  # pragma: no cover
    from workbench.project import Project

__all__ = ["bootstrap", "span_agreement", "text_units", "unit_agreement"]

UNITS = ("narrative", "paragraph", "sentence")
MEASURES = (
    "percent",
    "cohen_kappa",
    "scott_pi",
    "fleiss_kappa",
    "brennan_prediger",
    "gwet_ac1",
    "krippendorff_alpha",
)
AUTO_PREFIX = "auto:"  # machine coders (autocode) are left out unless named
GROUP_PREFIX = "group:"  # a group's negotiated reading is not one more independent coder: left out unless named

_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*\n\s*")
_LINE = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+")


# ------------------------------------------------------------------------- text units


def text_units(text: str, unit: str = "paragraph") -> np.ndarray:
    """Half-open ``[start, end)`` character spans of the units of *text*, as a k x 2 array.

    * ``"narrative"``: the whole text (trimmed of surrounding white space).
    * ``"paragraph"``: stretches between blank lines; a text without any blank line is
      cut at its line breaks instead (one paragraph per line).
    * ``"sentence"``: paragraphs cut after ``.``, ``!``, ``?`` or ``...`` (with any
      closing quotes or brackets) followed by white space.

    Units never include surrounding white space; empty units are dropped.

    >>> text_units("One. Two!\\n\\nThree", "sentence").tolist()
    [[0, 4], [5, 9], [11, 16]]
    """
    if unit not in UNITS:
        raise AgreementError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    if unit == "narrative":
        pieces = [(0, len(text))]
    else:
        splitter = _BLANK_LINE if _BLANK_LINE.search(text) else _LINE
        pieces = _split(text, [(0, len(text))], splitter)
        if unit == "sentence":
            pieces = _split(text, pieces, _SENTENCE_END)
    out = []
    for s, e in pieces:
        chunk = text[s:e]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((s + lead, s + lead + len(stripped)))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def _split(text: str, spans: list[tuple[int, int]], pattern: re.Pattern) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        pos = s
        for match in pattern.finditer(text, s, e):
            out.append((pos, match.end()))
            pos = match.end()
        out.append((pos, e))
    return out


# -------------------------------------------------------------------- presence tables


class _Presence:
    """codes x coders x units table: 1 applied, 0 not applied, -1 narrative not coded."""

    def __init__(self, values, codes, coders, units):
        self.values = values  # int8, K x m x U
        self.codes = codes
        self.coders = coders
        self.units = units  # DataFrame: narrative_id, start, end

    def data(self, k: int) -> np.ndarray:
        v = self.values[k].astype(np.float64)
        v[v < 0] = np.nan
        return v

    def pooled(self) -> np.ndarray:
        v = np.concatenate(list(self.values), axis=1).astype(np.float64)
        v[v < 0] = np.nan
        return v


def _select_coders(frame: pd.DataFrame, coders: Iterable[str] | str | None) -> list[str]:
    if coders is None:
        return sorted(c for c in frame["coder"].unique() if not str(c).startswith((AUTO_PREFIX, GROUP_PREFIX)))
    chosen = [coders] if isinstance(coders, str) else list(dict.fromkeys(coders))
    return chosen


def _select_codes(p: "Project", frame: pd.DataFrame, codes: Iterable[str] | str | None) -> list[str]:
    if codes is not None:
        return [codes] if isinstance(codes, str) else list(dict.fromkeys(codes))
    used = set(frame["code"].unique())
    try:
        order = [c for c in p.codebook.names if c in used]
    except AttributeError:  # pragma: no cover - codebook without names
        order = []
    return order + sorted(used - set(order))


def _merged(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of intervals (overlapping or touching ones joined), sorted."""
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    run = np.maximum.accumulate(e)
    new = np.concatenate(([True], s[1:] > run[:-1]))
    first = np.flatnonzero(new)
    return s[first], np.maximum.reduceat(e, first)


def _covered(s: np.ndarray, e: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Length of the union of disjoint sorted intervals [s, e) lying before each point."""
    lengths = e - s
    before = np.concatenate(([0], np.cumsum(lengths)))
    idx = np.searchsorted(s, points, side="right") - 1
    inside = np.clip(points - s[np.maximum(idx, 0)], 0, lengths[np.maximum(idx, 0)])
    return np.where(idx >= 0, before[np.maximum(idx, 0)] + inside, 0)


def _presence(p: "Project", unit: str, codes, coders, min_overlap: int) -> _Presence:
    if unit not in UNITS:
        raise AgreementError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    if int(min_overlap) < 1:
        raise AgreementError("min_overlap must be at least 1 character")
    frame = p.codings()
    coder_list = _select_coders(frame, coders)
    if len(coder_list) < 2:
        raise AgreementError(
            f"agreement needs at least two coders; this project has {coder_list or 'none'} "
            "(machine coders 'auto:...' and group readings 'group:...' count only when named in coders=)"
        )
    frame = frame[frame["coder"].isin(coder_list)]
    code_list = _select_codes(p, frame, codes)
    if not code_list:
        raise AgreementError("no codes to compare: the coders have not coded anything")

    # the continuum: narratives one after another, each unit a [start, end) on it
    nids = [n for n in p.narratives["id"].tolist()]
    texts = {n: p.text(n) for n in nids}
    offsets, pos = {}, 0
    spans, owners = [], []
    for n in nids:
        offsets[n] = pos
        u = text_units(texts[n], unit)
        spans.append(u + pos)
        owners.append(np.full(len(u), len(owners), dtype=np.int64))
        pos += len(texts[n]) + 1
    span = np.concatenate(spans) if spans else np.zeros((0, 2), dtype=np.int64)
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    nid_index = {n: i for i, n in enumerate(nids)}

    frame = frame[frame["narrative_id"].isin(nid_index)]
    gstart = frame["start"].to_numpy(np.int64) + frame["narrative_id"].map(offsets).to_numpy(np.int64)
    gend = frame["end"].to_numpy(np.int64) + frame["narrative_id"].map(offsets).to_numpy(np.int64)
    coder_idx = pd.Index(coder_list).get_indexer(frame["coder"])
    code_idx = pd.Index(code_list).get_indexer(frame["code"])
    narr_idx = frame["narrative_id"].map(nid_index).to_numpy(np.int64)

    K, m, U = len(code_list), len(coder_list), len(span)
    values = np.zeros((K, m, U), dtype=np.int8)
    for i in range(m):  # loops over coders and codes, never over units or codings
        mine = coder_idx == i
        coded_narratives = np.zeros(len(nids), dtype=bool)
        coded_narratives[narr_idx[mine]] = True
        missing = ~coded_narratives[owner]
        for k in np.unique(code_idx[mine & (code_idx >= 0)]):
            sel = mine & (code_idx == k)
            s, e = _merged(gstart[sel], gend[sel])
            overlap = _covered(s, e, span[:, 1]) - _covered(s, e, span[:, 0])
            values[k, i] = overlap >= min_overlap
        values[:, i, missing] = -1
    units = pd.DataFrame(
        {
            "narrative_id": [nids[o] for o in owner],
            "start": span[:, 0] - np.array([offsets[nids[o]] for o in owner], dtype=np.int64)
            if U else np.zeros(0, dtype=np.int64),
            "end": span[:, 1] - np.array([offsets[nids[o]] for o in owner], dtype=np.int64)
            if U else np.zeros(0, dtype=np.int64),
        }
    )
    pairable = ((values[0] >= 0).sum(axis=0) >= 2) if K else np.zeros(U, dtype=bool)
    if not pairable.any():
        raise AgreementError(
            "no narrative was coded by two or more of the coders "
            f"({', '.join(coder_list)}); agreement needs shared material"
        )
    # only units coded by two or more coders carry information about agreement; keeping
    # single-coded units would let them shift the category shares of pi, kappa and AC1
    return _Presence(values[:, :, pairable], code_list, coder_list,
                     units[pairable].reset_index(drop=True))


# --------------------------------------------------------------- coefficients per code


def _coefficients(data: np.ndarray) -> dict[str, float]:
    """All coefficients for one coders x units 0/1 table with NaN for missing."""
    present = ~np.isnan(data)
    r = present.sum(axis=0)
    pairable = r >= 2
    out: dict[str, Any] = {"n_units": int(pairable.sum())}
    out["percent"] = percent_agreement(data)
    out["cohen_kappa"] = (
        cohen_kappa(data[0], data[1], categories=[0.0, 1.0]) if len(data) == 2 else float("nan")
    )
    out["scott_pi"] = scott_pi(data, categories=[0.0, 1.0])
    rated = r[pairable]
    if len(rated) and np.all(rated == rated[0]):
        ones = np.nansum(data[:, pairable], axis=0)
        out["fleiss_kappa"] = fleiss_kappa(np.column_stack([rated - ones, ones]))
    else:
        out["fleiss_kappa"] = float("nan")  # unequal numbers of coders per unit
    out["brennan_prediger"] = brennan_prediger(data, n_categories=2)
    out["gwet_ac1"] = gwet_ac1(data, categories=[0.0, 1.0])
    out["krippendorff_alpha"] = krippendorff_alpha(data, "nominal", categories=[0.0, 1.0])
    coded = pairable & (np.nansum(data, axis=0) >= 1)
    out["n_coded_units"] = int(coded.sum())
    out["percent_coded"] = percent_agreement(data[:, coded]) if coded.any() else float("nan")
    return out


def unit_agreement(
    p: "Project",
    unit: str = "narrative",
    codes: Iterable[str] | str | None = None,
    coders: Iterable[str] | str | None = None,
    min_overlap: int = 1,
) -> pd.DataFrame:
    """Agreement per code on units of text: did the coders apply the code to the same units?

    Every narrative is cut into units (:func:`text_units`: whole narratives,
    paragraphs or sentences). A coder *applied* a code to a unit when their codings
    with that code -- their own overlapping codings merged first -- cover at least
    ``min_overlap`` characters of it. A coder who has no coding at all in a narrative
    did not code it: their values for its units are missing, not "absent". That gives,
    per code, a coders x units table of 1 / 0 / missing, on which every coefficient of
    :mod:`workbench.agreement.measures` is computed (two categories: applied or not).
    Only units coded by two or more coders enter (units of narratives that a single
    coder coded say nothing about agreement), so Scott's pi equals Fleiss' kappa
    whenever every unit has the same number of coders.

    Returns one row per code and a final ``"overall"`` row (every code-unit decision
    pooled), with columns:

    ``n_units`` (units coded by two or more coders), ``percent`` (pairwise percent
    agreement), ``cohen_kappa`` (only with exactly two coders), ``scott_pi``,
    ``fleiss_kappa`` (only when every unit has the same number of coders),
    ``brennan_prediger`` (chance 1/2), ``gwet_ac1``, ``krippendorff_alpha`` (nominal),
    ``n_coded_units`` and ``percent_coded`` (percent agreement on the units that at
    least one coder coded with the code -- agreement where the code is in play, not
    inflated by the many units nobody coded).

    Coders default to everyone who coded, except machine coders (``auto:...``) and group
    readings (``group:...``), which are not independent readings. Codes
    default to the codes they used, in codebook order. A coefficient is ``nan`` where
    it is undefined (e.g. nobody ever applied the code).

    >>> wb.agreement.unit_agreement(p, unit="paragraph", coders=["ana", "ben"])
    """
    pres = _presence(p, unit, codes, coders, min_overlap)
    rows = []
    for k, code in enumerate(pres.codes):
        rows.append({"code": code, **_coefficients(pres.data(k))})
    rows.append({"code": "overall", **_coefficients(pres.pooled())})
    out = pd.DataFrame(rows).set_index("code")
    out.attrs.update(unit=unit, coders=list(pres.coders), min_overlap=int(min_overlap))
    return out


# ---------------------------------------------------------------------------- spans


def span_agreement(
    p: "Project",
    codes: Iterable[str] | str | None = None,
    coders: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Agreement on the coded spans themselves (Krippendorff's unitizing alphas).

    The narratives that *every* selected coder coded (at least one coding each) are
    laid end to end as one continuum; narratives not coded by all of them are left out
    (listed in ``attrs["skipped"]``), since unitizing alphas compare complete
    unitizations. Per code:

    * ``alpha_u_2004`` -- Krippendorff's (2004) alpha_u for that code;
    * ``u_alpha_2016`` -- the 2016 u-alpha of that code alone (spans vs. gaps);
    * ``cu_alpha_2016`` -- the code's (k)u-alpha within the 2016 family over all codes,
      when each coder's codes never overlap (else ``nan``);
    * ``n_spans`` -- the number of (merged) spans with the code.

    The ``"overall"`` row has the 2004 alpha pooled over codes (1 - sum D_o / sum D_e),
    the 2016 u-alpha over all codes, |u-alpha (``binary_u_alpha_2016``: agreement on
    what is coded at all) and cu-alpha -- the last three ``nan`` when some coder gave
    overlapping spans different codes (``attrs["overlapping_codes"]`` is then True).
    See ``docs/agreement.md`` for what separates the 2004 and 2016 numbers.
    """
    frame = p.codings()
    coder_list = _select_coders(frame, coders)
    if len(coder_list) < 2:
        raise AgreementError(f"agreement needs at least two coders, got {coder_list or 'none'}")
    frame = frame[frame["coder"].isin(coder_list)]
    code_list = _select_codes(p, frame, codes)
    nids = p.narratives["id"].tolist()
    by_coder = frame.groupby("coder")["narrative_id"].agg(set)
    common = [n for n in nids if all(n in by_coder.get(c, set()) for c in coder_list)]
    skipped = [n for n in nids if n not in common and n in set(frame["narrative_id"])]
    if not common:
        raise AgreementError(
            "no narrative was coded by every one of the coders "
            f"({', '.join(coder_list)}); span agreement compares complete codings"
        )
    offsets, pos = {}, 0
    for n in common:
        offsets[n] = pos
        pos += len(p.text(n))
    length = pos
    frame = frame[frame["narrative_id"].isin(offsets) & frame["code"].isin(code_list)]
    off = frame["narrative_id"].map(offsets).to_numpy(np.int64)
    units = pd.DataFrame(
        {
            "coder": frame["coder"].to_numpy(),
            "start": frame["start"].to_numpy(np.int64) + off,
            "end": frame["end"].to_numpy(np.int64) + off,
            "category": frame["code"].to_numpy(),
        }
    )
    rows = {c: {"n_spans": 0} for c in code_list}
    if len(units):
        table = unitized_disagreement_2004(length, units, coders=coder_list)
        pooled_2004 = table.attrs["pooled_alpha"]
    else:
        table, pooled_2004 = pd.DataFrame(columns=["alpha"]), float("nan")
    for code in code_list:
        mine = units[units["category"] == code]
        rows[code]["alpha_u_2004"] = float(table.loc[code, "alpha"]) if code in table.index else float("nan")
        if len(mine):
            one = unitized_alpha(length, mine, method="2016", coders=coder_list)
            rows[code]["u_alpha_2016"] = one["u_alpha"]
            rows[code]["n_spans"] = len(_prepare(length, mine, coder_list).start)
        else:
            rows[code]["u_alpha_2016"] = float("nan")
    overlapping = False
    family = {"u_alpha": float("nan"), "binary_u_alpha": float("nan"), "cu_alpha": float("nan"), "Cu_alpha": {}}
    if len(units):
        try:
            family = unitized_alpha(length, units, method="2016", coders=coder_list)
        except AgreementError:
            overlapping = True
    for code in code_list:
        rows[code]["cu_alpha_2016"] = family["Cu_alpha"].get(code, float("nan"))
    overall = {
        "n_spans": sum(r["n_spans"] for r in rows.values()),
        "alpha_u_2004": pooled_2004,
        "u_alpha_2016": family["u_alpha"],
        "cu_alpha_2016": family["cu_alpha"],
        "binary_u_alpha_2016": family["binary_u_alpha"],
    }
    out = pd.DataFrame.from_dict({**rows, "overall": overall}, orient="index")
    out.index.name = "code"
    out = out[["n_spans", "alpha_u_2004", "u_alpha_2016", "cu_alpha_2016", "binary_u_alpha_2016"]]
    out.attrs.update(
        coders=list(coder_list), narratives=common, skipped=skipped, length=length,
        overlapping_codes=overlapping,
    )
    return out


# -------------------------------------------------------------------------- bootstrap


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
    rng = np.random.default_rng(seed)
    n_units = tables[0][1].shape[1]
    # resample units; "overall" resamples the same units across all codes
    draws = []
    step = max(1, (1 << 22) // max(n_units, 1))
    remaining = int(n)
    while remaining > 0:
        b = min(step, remaining)
        idx = rng.integers(0, n_units, (b, n_units)) + (np.arange(b) * n_units)[:, None]
        draws.append(np.bincount(idx.ravel(), minlength=b * n_units).reshape(b, n_units).astype(float))
        remaining -= b
    rows = []
    q = (1 - level) / 2
    for code, data in tables:
        stats = _unit_stats(data)
        point = float(_from_stats(stats.sum(axis=0, keepdims=True), measure)[0])
        reps = []
        for w in draws:
            if code == "overall":
                w = np.tile(w, (1, len(pres.codes)))
            reps.append(_from_stats(w @ stats, measure))
        rep = np.concatenate(reps)
        rep = rep[np.isfinite(rep)]
        rows.append(
            {
                "code": code,
                "estimate": point,
                "mean": float(rep.mean()) if len(rep) else float("nan"),
                "se": float(rep.std(ddof=1)) if len(rep) > 1 else float("nan"),
                "ci_low": float(np.quantile(rep, q)) if len(rep) else float("nan"),
                "ci_high": float(np.quantile(rep, 1 - q)) if len(rep) else float("nan"),
                "p_below": float(np.mean(rep < alpha_min)) if len(rep) else float("nan"),
                "n_valid": int(len(rep)),
            }
        )
    out = pd.DataFrame(rows).set_index("code")
    out.attrs.update(measure=measure, n=int(n), seed=seed, unit=unit, level=level, alpha_min=alpha_min)
    return out
