"""Counting codings: how often each code is used, and cross-tables of codings by any two dimensions.

A dimension is ``"code"``, ``"coder"``, ``"narrative"``, ``"speaker"`` (whose turn of a transcript) or a
narrative attribute (``"setting"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ..consent import mask_restricted
from ..query import (
    AnalysisError,
    as_list,
    checked_codings,
    code_order,
    restricted_narratives,
    with_ancestors,
    with_dimension,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["frequencies", "matrix"]


def frequencies(p: "Project", by: str | Iterable[str] | None = "narrative",
                coder: str | Iterable[str] | None = None, include_children: bool = False) -> pd.DataFrame:
    """How often each code is used: codings, distinct narratives and distinct coders.

    *by*: ``None`` (one row per code, every active code listed, zeros included), ``"narrative"``,
    ``"coder"``, any narrative attribute (``"setting"``), or a list of these. Rows are long
    (code, <by...>, codings, narratives, coders), only combinations that occur, codes in codebook
    order. ``include_children=True`` also counts each coding under every code above its own
    (a parent's row then covers its whole branch).

    >>> wb.analysis.frequencies(p, by="setting").columns.tolist()
    ['code', 'setting', 'codings', 'narratives', 'coders']
    >>> per_code = wb.analysis.frequencies(p, by=None)          # one row per code
    >>> len(per_code) == len(p.codebook.names)
    True
    """
    frame = checked_codings(p, coder=coder)
    dims: list[str] = []
    for item in ([] if by is None else as_list(by)):
        if item == "code":
            continue
        frame, column = with_dimension(p, frame, item)
        dims.append(column)
    if include_children:
        frame = with_ancestors(p, frame)
    keys = ["code", *dims]
    counts = frame.groupby(keys, sort=False, observed=True, dropna=False).agg(
        codings=("coding_id", "size"), narratives=("narrative_id", "nunique"), coders=("coder", "nunique"))
    counts = counts.reset_index()
    order = code_order(p, counts["code"])
    if not dims:
        counts = counts.set_index("code").reindex(order, fill_value=0).rename_axis("code").reset_index()
    rank = {name: i for i, name in enumerate(order)}
    counts = counts.sort_values(keys, key=lambda s: s.map(rank) if s.name == "code" else s, kind="stable")
    for column in ("codings", "narratives", "coders"):
        counts[column] = counts[column].astype("int64")
    return counts.reset_index(drop=True)


def matrix(p: "Project", rows: str = "code", columns: str = "setting", values: str = "count",
           coder: str | Iterable[str] | None = None, include_children: bool = False) -> pd.DataFrame:
    """A cross-table of codings: *rows* by *columns*, each ``"code"``, ``"coder"``, ``"narrative"`` or an attribute.

    *values*: ``"count"`` (codings), ``"narratives"`` (distinct narratives) or ``"passages"``
    (each cell a list of the passages' texts; a passage of a ``"restricted"`` narrative appears
    as ``"[restricted]"``, so it is counted but not quoted). A code axis lists every active code in
    codebook order. ``include_children=True`` counts codings under the codes above theirs too.

    >>> table = wb.analysis.matrix(p, rows="code", columns="setting")
    >>> table.index[0], table.columns.name
    ('principles of peer support', 'setting')
    >>> quotes = wb.analysis.matrix(p, rows="code", columns="coder", values="passages")
    >>> isinstance(quotes.loc["reciprocity", "ana"], list)
    True
    """
    if values not in ("count", "narratives", "passages"):
        raise AnalysisError(f"values must be 'count', 'narratives' or 'passages', not {values!r}.")
    if rows == columns:
        raise AnalysisError("rows and columns must differ (e.g. rows='code', columns='setting').")
    frame = checked_codings(p, coder=coder)
    if values == "passages":
        frame = mask_restricted(frame, restricted_narratives(p), ["text"])
    frame, row_col = with_dimension(p, frame, rows)
    frame, col_col = with_dimension(p, frame, columns)
    if include_children:
        frame = with_ancestors(p, frame)
    if values == "passages":
        table = _passage_table(frame, row_col, col_col)
    else:
        grouped = frame.groupby([row_col, col_col], sort=True, observed=True)
        if values == "count":
            table = grouped.size().unstack(fill_value=0)
        else:
            table = grouped["narrative_id"].nunique().unstack(fill_value=0)
    for axis, name in ((0, rows), (1, columns)):
        labels = table.index if axis == 0 else table.columns
        if name == "code":
            wanted = code_order(p, labels)
        elif name in ("narrative", "narrative_id", "id"):
            wanted = [n for n in p.narratives["id"] if n in set(labels)] or list(labels)
        else:
            continue
        table = table.reindex(wanted, axis=axis, fill_value=0 if values != "passages" else None)
    if values == "passages":
        table = table.map(lambda cell: cell if isinstance(cell, list) else [])
    else:
        table = table.astype("int64")
    table.index.name, table.columns.name = row_col, col_col
    return table


def _passage_table(frame: pd.DataFrame, row_col: str, col_col: str) -> pd.DataFrame:
    """Cells of passage lists, built by one sort and split (a groupby-list is several times slower)."""
    rows, row_names = pd.factorize(frame[row_col], sort=True)
    cols, col_names = pd.factorize(frame[col_col], sort=True)
    order = np.lexsort((cols, rows))
    texts = frame["text"].to_numpy(dtype=object)[order]
    keys = rows[order].astype(np.int64) * len(col_names) + cols[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    starts = np.r_[0, cuts] if len(keys) else np.array([], dtype=np.int64)
    cells = np.empty((len(row_names), len(col_names)), dtype=object)
    for key, chunk in zip(keys[starts], np.split(texts, cuts) if len(keys) else []):
        cells[key // len(col_names), key % len(col_names)] = chunk.tolist()
    return pd.DataFrame(cells, index=pd.Index(row_names), columns=pd.Index(col_names))
