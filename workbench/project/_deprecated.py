"""Project methods that moved to :mod:`workbench.exchange`: each warns, then forwards (gone after 2027-06-30)."""

from __future__ import annotations

import importlib
import os
import warnings
from pathlib import Path
from typing import Any

_DEPRECATED_AFTER = "2027-06-30"


class DeprecatedExports:
    """The old ``p.export_*`` and ``p.report`` forms, kept until 2027-06-30 so that old notebooks still run."""

    def export_qdpx(self, path: str | os.PathLike, anonymise_coders: bool = False, include_memos: bool = True) -> Path:
        """Deprecated: use ``wb.exchange.export_qdpx(p, path)``; this form goes after 2027-06-30."""
        return _forward("export_qdpx", self, path, anonymise_coders=anonymise_coders, include_memos=include_memos)

    def export_qdc(self, path: str | os.PathLike) -> Path:
        """Deprecated: use ``wb.exchange.export_qdc(p, path)``; this form goes after 2027-06-30."""
        return _forward("export_qdc", self, path)

    def export_csv(self, path: str | os.PathLike, anonymise_coders: bool = False,
                   include_memos: bool = True, table: str = "codings") -> Path:
        """Deprecated: use ``wb.exchange.export_csv(p, path)``; this form goes after 2027-06-30."""
        return _forward("export_csv", self, path, anonymise_coders=anonymise_coders, include_memos=include_memos,
                        table=table)

    def export_xlsx(self, path: str | os.PathLike, anonymise_coders: bool = False, include_memos: bool = True) -> Path:
        """Deprecated: use ``wb.exchange.export_xlsx(p, path)``; this form goes after 2027-06-30."""
        return _forward("export_xlsx", self, path, anonymise_coders=anonymise_coders, include_memos=include_memos)

    def report(self, path: str | os.PathLike, anonymise_coders: bool = False, include_memos: bool = True) -> Path:
        """Deprecated: use ``wb.exchange.write_report(p, path)``; this form goes after 2027-06-30."""
        return _forward("write_report", self, path, anonymise_coders=anonymise_coders, include_memos=include_memos,
                        old="report")


def _forward(name: str, project: Any, *args: Any, old: str | None = None, **kwargs: Any) -> Any:
    """Warn that ``p.<old>(...)`` moved to ``wb.exchange.<name>(p, ...)``, then call it there."""
    warnings.warn(f"p.{old or name}(...) moved to wb.exchange.{name}(p, ...); the old form goes after "
                  f"{_DEPRECATED_AFTER}.", DeprecationWarning, stacklevel=3)
    exchange = importlib.import_module("workbench.exchange")  # a higher layer: no import edge upward
    return getattr(exchange, name)(project, *args, **kwargs)
