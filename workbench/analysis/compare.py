"""Comparing coders: who coded what where in one narrative, piece by piece."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from .._arrays import sorted_unique
from ..consent import RESTRICTED
from ..query import checked_codings, code_order, expand_codes, restricted_narratives

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["compare_coders"]


def compare_coders(p: "Project", nid: str, coders: str | Iterable[str] | None = None,
                   codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Who coded what where in narrative *nid*: the text cut at every coding boundary, one row per piece and code.

    Columns: start, end, text, code, then one True/False column per coder (did they apply this
    code to this piece?), coders (names, comma-separated), n_coders, share (n_coders over the
    coders who coded this narrative at all). Pieces no one coded are left out. In a
    ``"restricted"`` narrative ``text`` is ``"[restricted]"``.

    >>> pieces = wb.analysis.compare_coders(p, "kitchen-table")
    >>> differ = pieces.query("share < 1")   # where readings differ
    >>> pieces.columns.tolist()[:4], len(differ) <= len(pieces)
    (['start', 'end', 'text', 'code'], True)
    """
    text = p.text(nid)
    frame = checked_codings(p, coder=coders, narrative=nid,
                           code=expand_codes(p, list(codes), False) if codes is not None else None)
    readers = sorted(frame["coder"].unique())
    columns = ["start", "end", "text", "code", *readers, "coders", "n_coders", "share"]
    if not len(frame):
        return pd.DataFrame(columns=columns)
    bounds = sorted_unique(np.concatenate([frame["start"].to_numpy(), frame["end"].to_numpy()]))
    first = np.searchsorted(bounds, frame["start"].to_numpy())
    last = np.searchsorted(bounds, frame["end"].to_numpy())  # piece k is [bounds[k], bounds[k+1])
    counts = last - first
    piece = np.repeat(first, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    long = pd.DataFrame({"piece": piece, "code": np.repeat(frame["code"].to_numpy(dtype=object), counts),
                         "coder": np.repeat(frame["coder"].to_numpy(dtype=object), counts)}).drop_duplicates()
    wide = pd.crosstab([long["piece"], long["code"]], long["coder"]).reindex(columns=readers, fill_value=0) > 0
    wide = wide.reset_index()
    wide.columns.name = None
    rank = {name: i for i, name in enumerate(code_order(p, wide["code"]))}
    wide = wide.sort_values(["piece", "code"], key=lambda s: s.map(rank) if s.name == "code" else s, kind="stable")
    starts, ends = bounds[wide["piece"].to_numpy()], bounds[wide["piece"].to_numpy() + 1]
    restricted = nid in restricted_narratives(p)
    out = pd.DataFrame({"start": starts.astype("int64"), "end": ends.astype("int64"),
                        "text": [RESTRICTED if restricted else text[s:e] for s, e in zip(starts, ends)],
                        "code": wide["code"].to_numpy()})
    flags = wide[readers].to_numpy()
    for k, name in enumerate(readers):
        out[name] = flags[:, k]
    out["coders"] = [", ".join(r for r, f in zip(readers, row) if f) for row in flags]
    out["n_coders"] = flags.sum(axis=1).astype("int64")
    out["share"] = out["n_coders"] / len(readers)
    return out[columns].reset_index(drop=True)
