"""Agreement on the coded spans themselves: Krippendorff's unitizing alphas over a project.

The plain-data coefficients are in :mod:`workbench.agreement.unitizing`; this module lays a
project's narratives end to end and hands them over.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.agreement.corpus import select_coders, select_codes
from workbench.agreement.measures import AgreementError
from workbench.agreement.unitizing import _prepare, unitized_alpha, unitized_disagreement_2004

if TYPE_CHECKING:  # pragma: no cover
    from workbench.project import Project

__all__ = ["span_agreement"]


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

    >>> spans = wb.agreement.span_agreement(p, coders=["ana", "ben"])
    >>> spans.columns.tolist()
    ['n_spans', 'alpha_u_2004', 'u_alpha_2016', 'cu_alpha_2016', 'binary_u_alpha_2016']
    """
    frame = p.codings()
    coder_list = select_coders(frame, coders)
    if len(coder_list) < 2:
        raise AgreementError(f"agreement needs at least two coders, got {coder_list or 'none'}")
    frame = frame[frame["coder"].isin(coder_list)]
    code_list = select_codes(p, frame, codes)
    common, skipped = _coded_by_all(p, frame, coder_list)
    offsets, pos = {}, 0
    for n in common:
        offsets[n] = pos
        pos += len(p.text(n))
    length = pos
    frame = frame[frame["narrative_id"].isin(offsets) & frame["code"].isin(code_list)]
    off = frame["narrative_id"].map(offsets).to_numpy(np.int64)
    units = pd.DataFrame({"coder": frame["coder"].to_numpy(), "start": frame["start"].to_numpy(np.int64) + off,
                          "end": frame["end"].to_numpy(np.int64) + off, "category": frame["code"].to_numpy()})
    rows, pooled_2004 = _per_code(length, units, code_list, coder_list)
    family, overlapping = _family(length, units, coder_list)
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


def _coded_by_all(p: "Project", frame: pd.DataFrame, coders: list[str]) -> tuple[list[str], list[str]]:
    """The narratives every coder coded (in project order), and those some coded but not all."""
    nids = p.narratives["id"].tolist()
    by_coder = frame.groupby("coder")["narrative_id"].agg(set)
    common = [n for n in nids if all(n in by_coder.get(c, set()) for c in coders)]
    coded = set(frame["narrative_id"])
    skipped = [n for n in nids if n not in common and n in coded]
    if not common:
        raise AgreementError(
            "no narrative was coded by every one of the coders "
            f"({', '.join(coders)}); span agreement compares complete codings"
        )
    return common, skipped


def _per_code(length: int, units: pd.DataFrame, codes: list[str],
              coders: list[str]) -> tuple[dict[str, dict[str, Any]], float]:
    """Per code: spans, the 2004 alpha_u and the code's own 2016 u-alpha; and the pooled 2004 alpha."""
    rows: dict[str, dict[str, Any]] = {c: {"n_spans": 0} for c in codes}
    if len(units):
        table = unitized_disagreement_2004(length, units, coders=coders)
        pooled_2004 = table.attrs["pooled_alpha"]
    else:
        table, pooled_2004 = pd.DataFrame(columns=["alpha"]), float("nan")
    for code in codes:
        mine = units[units["category"] == code]
        rows[code]["alpha_u_2004"] = float(table.loc[code, "alpha"]) if code in table.index else float("nan")
        if len(mine):
            rows[code]["u_alpha_2016"] = unitized_alpha(length, mine, method="2016", coders=coders)["u_alpha"]
            rows[code]["n_spans"] = len(_prepare(length, mine, coders).start)
        else:
            rows[code]["u_alpha_2016"] = float("nan")
    return rows, pooled_2004


def _family(length: int, units: pd.DataFrame, coders: list[str]) -> tuple[dict[str, Any], bool]:
    """The 2016 family over all codes, and whether some coder gave overlapping spans different codes."""
    family = {"u_alpha": float("nan"), "binary_u_alpha": float("nan"), "cu_alpha": float("nan"), "Cu_alpha": {}}
    if not len(units):
        return family, False
    try:
        return unitized_alpha(length, units, method="2016", coders=coders), False
    except AgreementError:
        return family, True
