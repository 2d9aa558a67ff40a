"""``p.sync()``: a forward to :func:`workbench.sync.sync`, which lives in a higher layer (it drives git)."""

from __future__ import annotations

import importlib
from typing import Any


class Sharing:
    """The sharing commands a :class:`~workbench.project.Project` offers; the work is done by :mod:`workbench.sync`."""

    def sync(self, coder: str | None = None, push: bool = True, progress: bool = True) -> Any:
        """Commit your new events, take in the others', send yours: ``wb.sync.sync(p)`` (see there).

        >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
        >>> print(p.sync(coder="ana", progress=False))
        Nothing new from the others; the remote has all of yours.
        """
        syncing = importlib.import_module("workbench.sync")  # a higher layer: no import edge upward
        return syncing.sync(self, coder=coder, push=push, progress=progress)
