"""Agreement over a project's corpus: its narratives cut into units of text, and per code, per pair.

These functions read a :class:`workbench.project.Project` (``p.codings()``,
``p.narratives``, ``p.text()``) and hand plain arrays to the coefficients of
:mod:`workbench.agreement.measures`.

* :func:`text_units` cuts a text into units (the whole narrative, paragraphs or sentences).
* :func:`unit_agreement` asks, for each code, which coders applied it to which unit: a
  coders x units table of 1 (applied) / 0 (not applied) / missing (the coder did not code
  that narrative at all). Every coefficient is computed on that table.
* :func:`pairwise_agreement` gives the same numbers for every pair of coders.

Spans are compared in :mod:`workbench.agreement.spans`; intervals come from
:mod:`workbench.agreement.resampling`.
"""

from __future__ import annotations

import itertools
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
from workbench.names import counted_coders

if TYPE_CHECKING:  # pragma: no cover
    from workbench.project import Project

__all__ = ["MEASURES", "UNITS", "pairwise_agreement", "text_units", "unit_agreement"]

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


def select_coders(frame: pd.DataFrame, coders: Iterable[str] | str | None) -> list[str]:
    """The coders to compare: those named, or everyone in *frame* whose reading counts.

    By default machine coders (``auto:...``) and group readings (``group:...``) are left out
    (:func:`~workbench.names.counted_coders`): they are not independent readings.

    >>> select_coders(p.codings(), None)
    ['ana', 'ben', 'chipo']
    """
    if coders is None:
        return counted_coders(frame["coder"].unique())
    return [coders] if isinstance(coders, str) else list(dict.fromkeys(coders))


def select_codes(p: "Project", frame: pd.DataFrame, codes: Iterable[str] | str | None) -> list[str]:
    """The codes to compare: those named, or the codes used in *frame*, in codebook order.

    >>> select_codes(p, p.codings(), "reciprocity")
    ['reciprocity']
    """
    if codes is not None:
        return [codes] if isinstance(codes, str) else list(dict.fromkeys(codes))
    used = set(frame["code"].unique())
    order = [c for c in p.codebook.names if c in used]
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


def _continuum(p: "Project", unit: str) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray]:
    """The narratives one after another on one line: their ids, offsets, and each unit's [start, end) and owner."""
    nids = p.narratives["id"].tolist()
    offsets, pos = {}, 0
    spans, owners = [], []
    for n in nids:  # one step per narrative, never per coding
        text = p.text(n)
        offsets[n] = pos
        u = text_units(text, unit)
        spans.append(u + pos)
        owners.append(np.full(len(u), len(owners), dtype=np.int64))
        pos += len(text) + 1
    span = np.concatenate(spans) if spans else np.zeros((0, 2), dtype=np.int64)
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    return nids, offsets, span, owner


def _checked_selection(p: "Project", unit: str, codes: Any, coders: Any,
                       min_overlap: int) -> tuple[pd.DataFrame, list[str], list[str]]:
    if unit not in UNITS:
        raise AgreementError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    if int(min_overlap) < 1:
        raise AgreementError("min_overlap must be at least 1 character")
    frame = p.codings()
    coder_list = select_coders(frame, coders)
    if len(coder_list) < 2:
        raise AgreementError(
            f"agreement needs at least two coders; this project has {coder_list or 'none'} "
            "(machine coders 'auto:...' and group readings 'group:...' count only when named in coders=)"
        )
    frame = frame[frame["coder"].isin(coder_list)]
    code_list = select_codes(p, frame, codes)
    if not code_list:
        raise AgreementError("no codes to compare: the coders have not coded anything")
    return frame, code_list, coder_list


def _presence(p: "Project", unit: str, codes: Any, coders: Any, min_overlap: int) -> _Presence:
    frame, code_list, coder_list = _checked_selection(p, unit, codes, coders, min_overlap)
    nids, offsets, span, owner = _continuum(p, unit)
    nid_index = {n: i for i, n in enumerate(nids)}
    frame = frame[frame["narrative_id"].isin(nid_index)]
    shift = frame["narrative_id"].map(offsets).to_numpy(np.int64)
    gstart = frame["start"].to_numpy(np.int64) + shift
    gend = frame["end"].to_numpy(np.int64) + shift
    coder_idx = pd.Index(coder_list).get_indexer(frame["coder"])
    code_idx = pd.Index(code_list).get_indexer(frame["code"])
    narr_idx = frame["narrative_id"].map(nid_index).to_numpy(np.int64)

    K, m, U = len(code_list), len(coder_list), len(span)
    values = np.zeros((K, m, U), dtype=np.int8)
    for i in range(m):  # loops over coders and codes, never over units or codings
        mine = coder_idx == i
        coded_narratives = np.zeros(len(nids), dtype=bool)
        coded_narratives[narr_idx[mine]] = True
        for k in np.unique(code_idx[mine & (code_idx >= 0)]):
            sel = mine & (code_idx == k)
            s, e = _merged(gstart[sel], gend[sel])
            values[k, i] = _covered(s, e, span[:, 1]) - _covered(s, e, span[:, 0]) >= min_overlap
        values[:, i, ~coded_narratives[owner]] = -1
    start_of = np.array([offsets[n] for n in nids], dtype=np.int64)[owner] if U else np.zeros(0, dtype=np.int64)
    units = pd.DataFrame({"narrative_id": np.asarray(nids, dtype=object)[owner] if U else [],
                          "start": span[:, 0] - start_of, "end": span[:, 1] - start_of})
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

    >>> table = wb.agreement.unit_agreement(p, unit="paragraph", coders=["ana", "ben"])
    >>> table.index[-1], table.attrs["coders"]
    ('overall', ['ana', 'ben'])
    """
    pres = _presence(p, unit, codes, coders, min_overlap)
    rows = []
    for k, code in enumerate(pres.codes):
        rows.append({"code": code, **_coefficients(pres.data(k))})
    rows.append({"code": "overall", **_coefficients(pres.pooled())})
    out = pd.DataFrame(rows).set_index("code")
    out.attrs.update(unit=unit, coders=list(pres.coders), min_overlap=int(min_overlap))
    return out


def pairwise_agreement(
    p: "Project",
    code: str | None = None,
    unit: str = "narrative",
    measure: str = "krippendorff_alpha",
    coders: Iterable[str] | None = None,
    min_overlap: int = 1,
) -> pd.DataFrame:
    """Agreement of every pair of coders: coder_a, coder_b, value, n_units, percent (both orders).

    Each pair's numbers are those of :func:`unit_agreement` with ``coders=[a, b]`` (for
    *code*, or the ``overall`` row pooling the codes either of them used), computed from one
    presence table for all coders. *coders* defaults to everyone except ``auto:`` and
    ``group:`` coders (name a group to see how its negotiated reading sits with each person).
    Pairs that never coded the same narrative have no value.

    >>> pairs = wb.agreement.pairwise_agreement(p, code="reciprocity")
    >>> pairs.columns.tolist(), len(pairs)
    (['coder_a', 'coder_b', 'value', 'n_units', 'percent'], 6)
    """
    if measure not in MEASURES:
        raise AgreementError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}.")
    coder_list = counted_coders(p.codings()["coder"].unique()) if coders is None else (
        [coders] if isinstance(coders, str) else list(coders))
    if len(coder_list) < 2:
        raise AgreementError(f"pairs need at least two coders, got {coder_list or 'none'}.")
    # one presence table for all coders, then pair slices (m^2/2 calls of unit_agreement would rebuild it)
    pres = _presence(p, unit, None if code is None else [code], coder_list, min_overlap)
    used = p.codings(coder=pres.coders).groupby("coder")["code"].agg(set).to_dict()
    rows = [_pair_row(pres, i, j, code, used, measure)
            for i, j in itertools.combinations(range(len(pres.coders)), 2)]
    out = pd.DataFrame(rows, columns=["coder_a", "coder_b", "value", "n_units", "percent"])
    mirror = out.rename(columns={"coder_a": "coder_b", "coder_b": "coder_a"})
    out = pd.concat([out, mirror[out.columns]], ignore_index=True)
    out.attrs.update(measure=measure, unit=unit, code=code, coders=list(pres.coders))
    return out


def _pair_row(pres: _Presence, i: int, j: int, code: str | None, used: dict[str, set], measure: str) -> dict:
    """One pair's agreement from the shared presence table: their units, the codes either of them used."""
    a, b = pres.coders[i], pres.coders[j]
    if code is not None:
        ks = [0]
    else:
        theirs = used.get(a, set()) | used.get(b, set())
        ks = [k for k, c in enumerate(pres.codes) if c in theirs]
    stacked = np.concatenate([pres.values[k][[i, j]] for k in ks], axis=1) if ks else np.zeros((2, 0))
    data = stacked[:, (stacked >= 0).all(axis=0)].astype(np.float64)
    if not data.shape[1]:
        return {"coder_a": a, "coder_b": b, "value": float("nan"), "n_units": 0, "percent": float("nan")}
    stats = _coefficients(data)
    return {"coder_a": a, "coder_b": b, "value": stats[measure], "n_units": stats["n_units"],
            "percent": stats["percent"]}
