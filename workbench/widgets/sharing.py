"""The Share panel: where this copy of the project stands against its shared repository, and a Sync button.

>>> remote = wb.sync.share(p, "shared.git", coder="ana", progress=False)
>>> panel = wb.widgets.share_panel(p, coder="ana")
>>> panel.status
'origin/main: in sync.'
"""

from __future__ import annotations

from typing import Any

import traitlets as t

from .. import sync as syncing
from ..errors import WorkbenchError
from ..names import check_coder
from ..project import Project
from . import _assets
from ._base import ProjectWidget


class SharePanel(ProjectWidget):
    """A status line (ahead, behind, not yet committed), *Check* and *Sync now*; create it with :func:`share_panel`."""

    _esm = _assets.esm("sharing.js")
    _css = _assets.css("sharing.css")
    _noun = "share panel"

    status = t.Unicode("").tag(sync=True)  # where the project stands, in a sentence
    result = t.Unicode("").tag(sync=True)  # what the last sync did, in a sentence
    shared = t.Bool(False).tag(sync=True)  # False: the project is not shared through git yet
    busy = t.Bool(False).tag(sync=True)

    def __init__(self, project: Project, coder: str, **kwargs: Any) -> None:
        super().__init__(project, coder, **kwargs)
        self.on_msg(self._on_msg)
        self._check(fetch=False)

    def __repr__(self) -> str:
        return f"<SharePanel coder={self.coder!r} project={self.project_name!r} status={self.status!r}>"

    def _check(self, fetch: bool) -> dict:
        try:
            self.status, self.shared = str(syncing.sync_status(self._project, fetch=fetch)), True
        except WorkbenchError as exc:
            self.status, self.shared = str(exc), False
        return {"status": self.status}

    def _do_status(self, _msg: dict) -> dict:
        """Fetch and say where the project stands."""
        return self._check(fetch=True)

    def _do_sync(self, _msg: dict) -> dict:
        """Commit, take in, send: the result's sentence, then the new status."""
        self.busy = True
        try:
            said = str(syncing.sync(self._project, coder=self.coder, progress=False))
        finally:
            self.busy = False
        self._check(fetch=False)
        self.result = said  # after the status: the sentence read out last is what the sync did
        return {"result": self.result, "status": self.status}


def share_panel(project: Project, coder: str) -> SharePanel:
    """The Share panel for *project*, used by *coder* (who signs the commits if git does not know them).

    >>> wb.widgets.share_panel(p, coder="ana").shared
    False
    """
    if not isinstance(project, Project):
        raise WorkbenchError("share_panel needs a Project (wb.open_project(path)).")
    return SharePanel(project, check_coder(coder))
