"""The app's Patterns and Share panels: charts chosen from menus (with their table and a save
button), and exports handed to the browser as downloads.

>>> patterns = PatternsPanel(p, "ana")
>>> patterns.choose("frequency", by="setting").title
'...'
>>> kind, data = ExportPanel(p, "ana").export("csv")
>>> kind, len(data) > 100
('codings.csv', True)

Nothing here writes to the project: charts come from ``wb.charts``, files from ``wb.exchange``.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets
import traitlets as t

from .. import charts, exchange
from ..errors import WorkbenchError
from ..project import Project
from . import _assets
from ._base import ProjectWidget, cell_text

__all__ = ["PatternsPanel", "ExportPanel", "CHARTS", "EXPORTS"]

#: The charts offered in the Patterns tab: key -> (label, whether it takes a "by" dimension).
CHARTS = {
    "frequency": ("Codes by story, coder or attribute", True),
    "coders": ("Who used which codes", False),
    "cooccurrence": ("Codes that overlap", False),
    "network": ("The web of codes", False),
}
#: What the Share tab exports: key -> file name.
EXPORTS = {"qdpx": "project.qdpx", "qdc": "codebook.qdc", "csv": "codings.csv", "xlsx": "codings.xlsx",
           "report": "report.html"}
_TABLE_ROWS = 200


def _download(name: str, data: bytes, mime: str) -> dict:
    return {"download": {"name": name, "mime": mime, "base64": base64.b64encode(data).decode("ascii")}}


class PatternsPanel(ProjectWidget):
    """Menus for a chart (which, by what), the chart, its table, Save PNG / SVG. Made by :func:`~workbench.app`."""

    _esm = _assets.esm("app.js")
    _css = _assets.css("app.css")
    _noun = "patterns panel"

    panel = t.Unicode("patterns").tag(sync=True)
    choices = t.List().tag(sync=True)  # [{key, label, by}]
    dimensions = t.List().tag(sync=True)  # narrative, coder, the attributes
    kind = t.Unicode("frequency").tag(sync=True)
    by = t.Unicode("coder").tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    table = t.Dict().tag(sync=True)  # {columns: [...], rows: [[...]], total: n}

    def __init__(self, project: Project, coder: str, **kwargs: Any) -> None:
        self._chart: Any = None
        super().__init__(project, coder, **kwargs)
        self.output = ipywidgets.Output(layout={"min_height": "120px"})
        self.choices = [{"key": k, "label": label, "by": by} for k, (label, by) in CHARTS.items()]
        self.dimensions = ["coder", "narrative", *project.attributes,
                           *(f"coder_{c}" for c in project.coder_attributes.columns)]
        self.on_msg(self._on_msg)

    def __repr__(self) -> str:
        return f"<PatternsPanel kind={self.kind!r} by={self.by!r}>"

    def choose(self, kind: str, by: str | None = None) -> "PatternsPanel":
        """Draw chart *kind* (a key of :data:`CHARTS`), *by* a dimension where it takes one.

        >>> PatternsPanel(p, "ana").choose("coders").table["columns"][:1]
        ['...']
        """
        if kind not in CHARTS:
            raise WorkbenchError(f"Unknown chart {kind!r}; choose one of {', '.join(CHARTS)}.")
        by = by or self.by
        if CHARTS[kind][1] and by not in self.dimensions:
            raise WorkbenchError(f"Cannot draw by {by!r}; choose one of {', '.join(self.dimensions)}.")
        draw = {"frequency": lambda: charts.frequency_heatmap(self._project, by=by),
                "coders": lambda: charts.coder_bars(self._project),
                "cooccurrence": lambda: charts.cooccurrence_heatmap(self._project),
                "network": lambda: charts.code_network(self._project)}[kind]
        self._chart = draw()
        spec = self._chart.to_dict()
        data = next(iter(spec.get("datasets", {}).values()), [])
        columns = [c for c in (data[0] if data else {}) if not str(c).startswith("_")]
        title = spec.get("title", "")
        with self.hold_sync():
            self.kind, self.by = kind, by
            self.title = title.get("text", "") if isinstance(title, dict) else cell_text(title)
            self.title = " ".join(self.title) if isinstance(self.title, list) else self.title
            self.table = {"columns": columns, "total": len(data),
                          "rows": [[cell_text(row.get(c)) for c in columns] for row in data[:_TABLE_ROWS]]}
        self.output.outputs = ()
        self.output.append_display_data(self._chart)  # no print outside a kernel, no message context needed
        return self

    def picture(self, fmt: str) -> bytes:
        """The chart shown now as ``"png"`` or ``"svg"`` bytes (drawn offline by vl-convert).

        >>> PatternsPanel(p, "ana").choose("coders").picture("svg")[:4]
        b'<svg'
        """
        if fmt not in ("png", "svg"):
            raise WorkbenchError(f"Save as 'png' or 'svg', not {fmt!r}.")
        if self._chart is None:
            raise WorkbenchError("Choose a chart first.")
        with tempfile.TemporaryDirectory() as folder:
            return charts.save(self._chart, Path(folder) / f"chart.{fmt}").read_bytes()

    def _do_choose(self, msg: dict) -> dict:
        self.choose(str(msg.get("kind") or self.kind), str(msg.get("by") or self.by))
        return {}

    def _do_save(self, msg: dict) -> dict:
        fmt = str(msg.get("format"))
        data = self.picture(fmt)
        return _download(f"{self.kind}-{self.by}.{fmt}" if CHARTS[self.kind][1] else f"{self.kind}.{fmt}", data,
                         "image/png" if fmt == "png" else "image/svg+xml")


class ExportPanel(ProjectWidget):
    """Export buttons (REFI-QDA project and codebook, CSV, Excel, HTML report), each a download."""

    _esm = _assets.esm("app.js")
    _css = _assets.css("app.css")
    _noun = "export panel"

    panel = t.Unicode("export").tag(sync=True)
    kinds = t.List(list(EXPORTS)).tag(sync=True)

    def __init__(self, project: Project, coder: str, **kwargs: Any) -> None:
        super().__init__(project, coder, **kwargs)
        self.on_msg(self._on_msg)

    def __repr__(self) -> str:
        return f"<ExportPanel project={self.project_name!r}>"

    def export(self, kind: str, anonymise_coders: bool = False, include_memos: bool = True) -> tuple[str, bytes]:
        """The file *kind* (a key of :data:`EXPORTS`) as (file name, bytes); consent is respected as in every export.

        >>> ExportPanel(p, "ana").export("qdc")[0]
        'codebook.qdc'
        """
        if kind not in EXPORTS:
            raise WorkbenchError(f"Unknown export {kind!r}; choose one of {', '.join(EXPORTS)}.")
        name = EXPORTS[kind]
        options = {"anonymise_coders": bool(anonymise_coders), "include_memos": bool(include_memos)}
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / name
            if kind == "qdc":
                exchange.export_qdc(self._project, target)
            else:
                writer = {"qdpx": exchange.export_qdpx, "csv": exchange.export_csv, "xlsx": exchange.export_xlsx,
                          "report": exchange.write_report}[kind]
                writer(self._project, target, **options)
            return name, target.read_bytes()

    def _do_export(self, msg: dict) -> dict:
        name, data = self.export(str(msg.get("kind")), anonymise_coders=msg.get("anonymise") is True,
                                 include_memos=msg.get("memos") is not False)
        return _download(name, data, "application/octet-stream")
