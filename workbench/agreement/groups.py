"""Agreement by who reads: within and across groups of coders that share an attribute (``coder_role``, ...).

"Whose pattern is this?" asks whether peer workers read alike, researchers read alike, and how
far the two groups' readings sit apart. Coders are grouped by an attribute the team recorded with
``p.set_coder_attributes``; within a group the figure is :func:`~.corpus.unit_agreement`'s for its
coders together, across two groups the mean of their cross pairs (:func:`~.corpus.pairwise_agreement`).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pandas as pd

from ..names import counted_coders
from .corpus import pairwise_agreement, unit_agreement
from .measures import AgreementError

if TYPE_CHECKING:
    from ..project import Project

GROUP_COLUMNS = ["group", "coders", "pairs", "value", "n_units"]


def agreement_by(p: "Project", by: str = "coder_role", code: str | None = None, unit: str = "narrative",
                 measure: str = "krippendorff_alpha") -> pd.DataFrame:
    """Agreement within each group of coders sharing an attribute, and across each two groups.

    *by* is ``coder_<attribute>`` (or the attribute's bare name). One row per group (``group`` is the
    value, e.g. ``peer worker``) and per two groups (``peer worker | researcher``): ``coders`` in it,
    ``pairs`` of coders compared, ``value`` (of *measure*, for *code* or all codes pooled; missing
    where fewer than two coders or no shared units) and ``n_units``.

    >>> for name, role in [("ana", "peer worker"), ("ben", "peer worker"), ("chipo", "researcher")]:
    ...     p.set_coder_attributes(name, role=role)
    >>> wb.agreement.agreement_by(p, by="coder_role", unit="paragraph")[["group", "coders", "pairs"]]
                          group      coders  pairs
    0               peer worker    ana, ben      1
    1                researcher       chipo      0
    2  peer worker | researcher  ana, ben | chipo      2
    """
    name = by.removeprefix("coder_")
    attributes = p.coder_attributes
    if name not in attributes.columns:
        raise AgreementError(f"No coder attribute {name!r}; recorded: {', '.join(attributes.columns) or '(none)'}. "
                             "Record one with p.set_coder_attributes('ana', role='peer worker').")
    coders = counted_coders(p.codings()["coder"].unique())
    groups: dict[str, list[str]] = {}
    for coder in sorted(coders, key=str.casefold):
        value = attributes[name].get(coder, "(not set)")
        groups.setdefault(str(value), []).append(coder)
    pairs = pairwise_agreement(p, code=code, unit=unit, measure=measure, coders=coders) if len(coders) >= 2 \
        else pd.DataFrame(columns=["coder_a", "coder_b", "value", "n_units"])
    rows = []
    for group, members in groups.items():
        value, n_units = float("nan"), 0
        if len(members) >= 2:
            table = unit_agreement(p, unit=unit, codes=code, coders=members)
            row = table.loc[code if code is not None else "overall"]
            value, n_units = float(row[measure]), int(row["n_units"])
        rows.append({"group": group, "coders": ", ".join(members), "pairs": len(members) * (len(members) - 1) // 2,
                     "value": value, "n_units": n_units})
    for (first, a), (second, b) in itertools.combinations(groups.items(), 2):
        cross = pairs[pairs["coder_a"].isin(a) & pairs["coder_b"].isin(b)]
        rows.append({"group": f"{first} | {second}", "coders": f"{', '.join(a)} | {', '.join(b)}",
                     "pairs": len(a) * len(b), "value": float(cross["value"].mean()) if len(cross) else float("nan"),
                     "n_units": int(cross["n_units"].sum()) if len(cross) else 0})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)
