"""Codings as spreadsheets: CSV for pandas, R and friends; XLSX for people.

One row per coding, with who coded it, the passage, and the narrative's attributes, so a
spreadsheet alone answers "who read what where". Taguette's CSV drops the coder; here
every export carries it (or a neutral label with ``anonymise_coders=True``).

CSV cells are written as they are (a passage that starts with ``=`` stays text in pandas,
but a spreadsheet program may read it as a formula: prefer the XLSX export for people).
XLSX cells are always text, never formulas. Excel holds at most 32,767 characters a cell: a longer
passage is cut, says so at its end and in the About sheet, and the export warns; CSV keeps it whole.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import WorkbenchError
from ._sharing import EXPORTED_AT, Sharing, passage_note

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

TABLES = ("codings", "codebook", "memos", "narratives")
_XLSX_MAX = 32_000  # Excel holds 32,767 characters a cell: room for the mark below
_CUT_MARK = " [... {n} more characters cut: an Excel cell holds at most 32,767; see the CSV export]"


def _iso(series: pd.Series) -> pd.Series:
    """UTC timestamps as ``2025-01-06T09:30:00.000000Z`` text (fast, vectorised)."""
    if not len(series):
        return series.astype(object)
    values = series.dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    text = np.datetime_as_string(values, unit="us").astype(object)
    return pd.Series(np.where(pd.isna(values), None, text + "Z"), index=series.index, dtype=object)


def codings_table(share: Sharing) -> pd.DataFrame:
    """One row per coding: narrative, its attributes, code, parent code, coder, time, span, passage (and note)."""
    codings = share.codings()
    narratives = share.narratives.rename(columns={"id": "narrative_id"})
    attributes = share.attribute_names()
    parents = share.project.codebook.to_frame(include_inactive=True).drop_duplicates("name").set_index("name")["parent"]
    frame = codings.merge(narratives, on="narrative_id", how="left", sort=False)
    frame["parent_code"] = frame["code"].map(parents)
    frame["created_at"] = _iso(frame["created_at"])
    columns = ["narrative_id", "title", "narrator", "consent", *attributes, "coding_id", "code", "parent_code",
               "coder", "created_at", "start", "end", "text"]
    if share.include_memos:
        columns.append("note")
    return frame[columns]


def codebook_table(share: Sharing) -> pd.DataFrame:
    frame = share.codebook()
    columns = ["name", "parent", "level", "color", "description", "include", "exclude", "example", "status",
               "created_at", "created_by"]
    return frame[columns]


def memos_table(share: Sharing) -> pd.DataFrame:
    if not share.include_memos:
        raise WorkbenchError("Memos were left out of this export (include_memos=False); there is no memo table.")
    frame = share.memos()
    frame = frame.assign(created_at=_iso(frame["created_at"]),
                         participants=frame["participants"].map(
                             lambda p: "; ".join(map(str, p)) if isinstance(p, (list, tuple, np.ndarray)) else ""))
    return frame[["memo_id", "coder", "created_at", "kind", "title", "text", "narrative_id", "code", "coding_id",
                  "participants"]]


def narratives_table(share: Sharing) -> pd.DataFrame:
    frame = share.narratives.copy()
    codings = share.project.codings()
    counts = codings.groupby("narrative_id").size() if len(codings) else pd.Series(dtype="int64")
    frame["codings"] = frame["id"].map(counts).fillna(0).astype("int64")
    frame["words"] = [len(share.project.text(n).split()) for n in frame["id"]]
    return frame


def _table(share: Sharing, table: str) -> pd.DataFrame:
    if table not in TABLES:
        raise WorkbenchError(f"table must be one of {', '.join(TABLES)}, not {table!r}.")
    return {"codings": codings_table, "codebook": codebook_table, "memos": memos_table,
            "narratives": narratives_table}[table](share)


def _target(path: str | os.PathLike) -> Path:
    target = Path(path)
    if target.is_dir():
        raise WorkbenchError(f"{target} is a folder; give a file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def export_csv(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
               include_memos: bool = True, table: str = "codings") -> Path:
    """Write one table as UTF-8 CSV: ``"codings"`` (default), ``"codebook"``, ``"memos"`` or ``"narratives"``.

    >>> export_csv(p, "codings.csv")
    PosixPath('codings.csv')
    >>> shared = pd.read_csv(export_csv(p, "codings-to-share.csv", anonymise_coders=True, include_memos=False))
    >>> sorted(shared["coder"].unique())
    ['Coder 1', 'Coder 2', 'Coder 3']
    """
    share = Sharing(project, anonymise_coders=anonymise_coders, include_memos=include_memos)
    frame = _table(share, table)
    target = _target(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        _write_csv(frame, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV through Arrow's writer (several times faster than pandas'); pandas for odd columns."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (ImportError, TypeError, ValueError, NotImplementedError):  # e.g. a column mixing numbers and text
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        return
    pacsv.write_csv(table, str(path), pacsv.WriteOptions(quoting_style="needed"))


def export_xlsx(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
                include_memos: bool = True) -> Path:
    """Write an Excel workbook: Codings, Codebook, Narratives, Memos (unless left out) and About.

    >>> list(pd.read_excel(export_xlsx(p, "codings.xlsx"), sheet_name=None))
    ['Codings', 'Codebook', 'Narratives', 'Memos', 'About']
    """
    from openpyxl import Workbook

    share = Sharing(project, anonymise_coders=anonymise_coders, include_memos=include_memos)
    sheets = [("Codings", codings_table(share)), ("Codebook", codebook_table(share)),
              ("Narratives", narratives_table(share))]
    if include_memos:
        sheets.append(("Memos", memos_table(share)))
    book = Workbook(write_only=True)
    cut = {title: _write_sheet(book, title, frame) for title, frame in sheets}
    about = book.create_sheet("About")
    for line in (("project", project.name), ("exported", pd.Timestamp.now(tz="UTC").strftime(EXPORTED_AT)),
                 ("offsets", "start and end are character positions (Unicode code points), start included, "
                             "end excluded"),
                 ("consent", passage_note(share) or "all narratives may be quoted")):
        about.append(list(line))
    if sum(cut.values()):
        note = _cut_note(cut)
        warnings.warn(f"{Path(path).name}: {note}", UserWarning, stacklevel=2)
        about.append(["cut cells", note])
    target = _target(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        book.save(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _cut_note(cut: dict[str, int]) -> str:
    where = ", ".join(f"{n} in {title}" for title, n in cut.items() if n)
    return (f"{sum(cut.values())} cell(s) held more than Excel's 32,767 characters a cell ({where}); each was cut "
            f"and ends with '{_CUT_MARK.format(n='N')}'. The CSV export and qdpx keep them whole.")


def _write_sheet(book: Any, title: str, frame: pd.DataFrame) -> int:
    """One table as a sheet of a write-only workbook: a bold, frozen header, then the rows; returns cells cut."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in frame.columns:
        head = WriteOnlyCell(sheet, value=str(name))
        head.font = bold
        header.append(head)
    sheet.append(header)
    cut = 0
    for row in frame.itertuples(index=False, name=None):
        cells = [_cell(v, sheet, WriteOnlyCell, ILLEGAL_CHARACTERS_RE) for v in row]
        cut += sum(1 for v in row if isinstance(v, str) and len(v) > _XLSX_MAX)
        sheet.append(cells)
    return cut


def _cell(value: Any, sheet: Any, text_cell: Any, illegal: re.Pattern) -> Any:
    """A value Excel shows as it is: numbers as numbers, text cut to fit, never run as a formula."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (np.integer,)):
        value = int(value)
    elif isinstance(value, (np.floating,)):
        value = float(value)
    if isinstance(value, str):
        value = illegal.sub("\ufffd", value)
        if len(value) > _XLSX_MAX:
            value = value[:_XLSX_MAX] + _CUT_MARK.format(n=f"{len(value) - _XLSX_MAX:,}")
        if value.startswith(("=", "+", "-", "@")):
            text = text_cell(sheet, value=value)
            text.data_type = "s"  # text, never a formula
            return text
    return value
