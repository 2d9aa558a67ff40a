"""Exchange with the QDA world: REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``),
spreadsheets (CSV, XLSX) and a self-contained HTML report.

>>> wb.exchange.export_qdpx(p, "team.qdpx")          # for NVivo, ATLAS.ti, MAXQDA, QualCoder...
PosixPath('team.qdpx')
>>> q = wb.import_qdpx("team.qdpx", into="copy")    # a .qdpx from any of them
>>> print(q.import_report)                          # what came in, what was skipped and why
Imported team.qdpx ...
>>> added = wb.exchange.import_qdc(q, wb.exchange.export_qdc(p, "codebook.qdc"))
>>> sheets = [wb.exchange.export_csv(p, "codings.csv"), wb.exchange.export_xlsx(p, "codings.xlsx")]
>>> wb.exchange.write_report(p, "report.html")
PosixPath('report.html')

Every export takes ``anonymise_coders=False`` (coder names become "Coder 1", "Coder 2", ...)
and ``include_memos=True`` (``False`` drops memos and coding notes), and respects consent:
restricted narratives are counted but never quoted, withdrawn ones are absent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project


def export_qdpx(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
                include_memos: bool = True) -> Path:
    """Write *project* as a REFI-QDA project (``.qdpx``), valid against the official schema.

    >>> wb.exchange.export_qdpx(p, "team.qdpx")
    PosixPath('team.qdpx')
    """
    from .refi_write import export_qdpx as _export

    return _export(project, path, anonymise_coders=anonymise_coders, include_memos=include_memos)


def export_qdc(project: "Project", path: str | os.PathLike) -> Path:
    """Write the codebook of *project* as a REFI-QDA codebook (``.qdc``).

    >>> wb.exchange.export_qdc(p, "codebook.qdc")
    PosixPath('codebook.qdc')
    """
    from .refi_write import export_qdc as _export

    return _export(project, path)


def import_qdpx(path: str | os.PathLike, into: str | os.PathLike, offsets: Any = None,
                missing_sources: str = "report") -> "Project":
    """Import a ``.qdpx`` from another program into a new project folder *into*.

    ``offsets`` names how the file counts characters (``"codepoints"``, ``"utf16-crlf2"``, ...;
    default: chosen from the program that wrote it). Text sources whose file is missing from
    the archive are skipped and reported (``missing_sources="refuse"`` refuses the file instead).
    The returned project carries ``.import_report``.

    >>> q = wb.import_qdpx(wb.exchange.export_qdpx(p, "team.qdpx"), into="copy")
    >>> print(q.import_report)
    Imported team.qdpx (written by narrative-workbench ...)
    ...
    >>> len(q.codings()) == len(p.codings())
    True
    """
    from .refi_read import import_qdpx as _import

    return _import(path, into, offsets=offsets, missing_sources=missing_sources)


def import_qdc(project: "Project", path: str | os.PathLike, coder: str = "setup",
               rationale: str = "imported from a REFI-QDA codebook") -> "pd.DataFrame":
    """Add the codes of a REFI-QDA codebook that *project* lacks; returns one row per code and set.

    >>> wb.exchange.export_qdc(p, "codebook.qdc")
    PosixPath('codebook.qdc')
    >>> fresh = wb.create_project("fresh", coder="ana")
    >>> added = wb.exchange.import_qdc(fresh, "codebook.qdc", coder="ana")
    >>> added["status"].value_counts().to_dict()
    {'added': 17}
    """
    from .refi_read import import_qdc as _import

    return _import(project, path, coder=coder, rationale=rationale)


def export_csv(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
               include_memos: bool = True, table: str = "codings") -> Path:
    """Codings as CSV, one row per coding with coder, passage text and narrative attributes.

    ``table="codebook"``, ``"memos"`` or ``"narratives"`` writes that table instead.

    >>> wb.exchange.export_csv(p, "codings.csv")
    PosixPath('codings.csv')
    >>> wb.exchange.export_csv(p, "codebook.csv", table="codebook")
    PosixPath('codebook.csv')
    """
    from .spreadsheets import export_csv as _export

    return _export(project, path, anonymise_coders=anonymise_coders, include_memos=include_memos, table=table)


def export_xlsx(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
                include_memos: bool = True) -> Path:
    """An Excel workbook: codings, codebook, narratives and (unless left out) memos.

    >>> wb.exchange.export_xlsx(p, "codings.xlsx")
    PosixPath('codings.xlsx')
    """
    from .spreadsheets import export_xlsx as _export

    return _export(project, path, anonymise_coders=anonymise_coders, include_memos=include_memos)


def write_report(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
                 include_memos: bool = True, agreement: bool | None = None) -> Path:
    """A self-contained HTML report (codebook, frequencies, co-occurrence, agreement, quotes), viewable offline.

    Agreement figures follow the project's method unless *agreement* says (not shown under ``reflexive``).

    >>> wb.exchange.write_report(p, "report.html")
    PosixPath('report.html')
    """
    from .report import write_report as _write

    return _write(project, path, anonymise_coders=anonymise_coders, include_memos=include_memos,
                  agreement=agreement)


def export_findings(project: "Project", path: str | os.PathLike, format: str | None = None,
                    themes: Iterable[str] | None = None, quotes: int = 4, anonymise_coders: bool = False) -> Path:
    """The findings document (``docx``, ``html`` or ``md``): each theme with its definition, the team's theme memo,
    quotes (restricted stories counted, never quoted) and negative cases; then who and what supports each theme.

    >>> _ = p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    >>> wb.exchange.export_findings(p, "findings.docx")
    PosixPath('findings.docx')
    """
    from .findings import export_findings as _export

    return _export(project, path, format=format, themes=themes, quotes=quotes, anonymise_coders=anonymise_coders)


def story_return(project: "Project", narrative: str, path: str | os.PathLike, format: str = "html",
                 language: str = "en", coders: str = "team", roles: dict[str, str] | None = None,
                 by: str = "setup") -> Path:
    """Give a story back to its narrator (``html``, ``docx`` or ``pdf``): their own words, the passages the team
    coded in plain words, the themes it supports, and questions inviting an answer. Only this story; no memos;
    readers named as *coders* says (``"team"``, ``"names"``, or ``"roles"`` from *roles*). Refused for a
    withdrawn story. Recorded in the narrator's history (``p.consent_overview()``).

    >>> wb.exchange.story_return(p, "kitchen-table", "kitchen-table.html")
    PosixPath('kitchen-table.html')
    """
    from .story_returns import story_return as _write

    return _write(project, narrative, path, format=format, language=language, coders=coders, roles=roles, by=by)


def import_story_return(project: "Project", path: str | os.PathLike, entered_by: str = "setup") -> "pd.DataFrame":
    """Record the narrator's answers from a returned story: the filled-in ``.docx`` or the HTML form's ``.json``.

    >>> path = wb.exchange.story_return(p, "kitchen-table", "kitchen-table.docx", format="docx")
    >>> wb.exchange.import_story_return(p, path, entered_by="ana")["status"].tolist()
    []
    """
    from .return_answers import import_story_return as _import

    return _import(project, path, entered_by=entered_by)


__all__ = ["story_return", "import_story_return",
           "export_qdpx", "export_qdc", "import_qdpx", "import_qdc", "export_csv", "export_xlsx", "write_report",
           "export_findings"]
