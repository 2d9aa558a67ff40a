"""Tables for people: a frame or a record shown as readable text, not as programmer output.

pandas shows missing values as ``NaN``, right-aligns text, cuts long text with "..." and ends a
Series with ``Name: ..., dtype: ...``. :func:`table` shows the same data as a person reads it:
empty cells for missing values, text left-aligned and wrapped in full, numbers right-aligned, no
dtype footer, and a single record (a Series, e.g. one code of the codebook) as a two-column table.

>>> from workbench.display import table
>>> table(p.codebook.to_frame()[["name", "parent"]].head(2))
name                         parent
principles of peer support
not problem-centred          principles of peer support
"""

from __future__ import annotations

import html
import numbers
from typing import Any

import pandas as pd

__all__ = ["Table", "table"]

_STYLE = ("border-collapse:collapse;margin:0.4em 0;font-size:0.95em;max-width:60em")
_CELL = "padding:0.25em 0.8em 0.25em 0;vertical-align:top;border-bottom:1px solid #ddd;"
_TEXT = _CELL + "text-align:left;white-space:pre-wrap;overflow-wrap:break-word;"
_NUMBER = _CELL + "text-align:right;white-space:nowrap;"
_HEAD = "padding:0.25em 0.8em 0.25em 0;text-align:left;vertical-align:bottom;border-bottom:2px solid #999;"


def _cell_text(value: Any) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_cell_text(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(value)
    if isinstance(value, numbers.Real):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class Table:
    """A table shown to a person: HTML in a notebook, aligned plain text elsewhere.

    Make one with :func:`table`. ``rows`` holds the cells as text; ``header`` the column names
    (``None`` for a record's two columns of fields and values).

    >>> shown = Table(["name", "count"], [["tea", "3"]], [False, True])
    >>> shown
    name  count
    tea       3
    >>> "text-align:left" in shown._repr_html_() and "dtype" not in repr(shown)
    True
    """

    def __init__(self, header: list[str] | None, rows: list[list[str]], numeric: list[bool], caption: str = "") -> None:
        self.header, self.rows, self.numeric, self.caption = header, rows, numeric, caption

    def __repr__(self) -> str:
        header = self.header or ["" for _ in self.numeric]
        widths = [max([len(h), *(len(line) for row in self.rows for line in row[i].splitlines() or [""])])
                  for i, h in enumerate(header)]
        lines = [self.caption] if self.caption else []
        for row in [header, *self.rows] if self.header else self.rows:
            cells = [c.rjust(w) if num and row is not self.header else c.ljust(w)
                     for c, w, num in zip(row, widths, self.numeric)]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f'<th style="{_HEAD}">{html.escape(h)}</th>' for h in self.header or [])
        body = "".join(
            "<tr>" + "".join(f'<td style="{_NUMBER if num else _TEXT}">{html.escape(c)}</td>'
                             for c, num in zip(row, self.numeric)) + "</tr>"
            for row in self.rows)
        caption = f'<caption style="text-align:left;font-weight:bold">{html.escape(self.caption)}</caption>' \
            if self.caption else ""
        return (f'<table class="wb-table" style="{_STYLE}">{caption}'
                f"{f'<thead><tr>{head}</tr></thead>' if head else ''}<tbody>{body}</tbody></table>")


def table(data: pd.DataFrame | pd.Series, index: bool | None = None) -> Table:
    """Show *data* for people: no ``NaN``, whole text left-aligned and wrapped, no dtype footer.

    Parameters
    ----------
    data : DataFrame or Series
        A frame (one row per line) or one record (a Series: shown as a two-column table of its
        fields and values, titled with its name).
    index : bool, optional
        Show the frame's index as the first column. Default: only when it is not 0, 1, 2, ...

    Returns
    -------
    Table
        Shown as an HTML table in a notebook, as aligned text in a console.

    >>> table(pd.DataFrame({"code": ["tea", "kettle"], "parent": [None, "tea"], "share": [0.25, np.nan]}))
    code    parent  share
    tea              0.25
    kettle  tea
    >>> book = p.codebook.to_frame().set_index("name")
    >>> table(book.loc["reciprocity", ["parent", "description"]])
    reciprocity
    parent       principles of peer support
    description  Help flows both ways and the roles of helper and helped are not fixed. Each person gives...
    """
    if isinstance(data, pd.Series):
        rows = [[_cell_text(k), _cell_text(v)] for k, v in data.items()]
        caption = "" if data.name is None else _cell_text(data.name)
        return Table(None, rows, [False, _is_number_column(data)], caption=caption)
    frame = data
    if index is None:
        index = not isinstance(frame.index, pd.RangeIndex)
    if index:
        frame = frame.reset_index()
    header = [_cell_text(c) for c in frame.columns]
    rows = [[_cell_text(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    numeric = [_is_number_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return Table(header, rows, numeric)


def _is_number_column(column: pd.Series) -> bool:
    values = column.dropna()
    return len(values) > 0 and all(_is_number(v) for v in values)
