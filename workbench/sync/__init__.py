"""Sharing a project through git: ``share`` it once, ``clone`` it elsewhere, ``sync`` whenever you like.

A project's events are already one append-only log per person, so a merge is a union of logs and
every derived file is rebuilt from the events afterwards. This package drives the ``git`` command
(see :mod:`._git` for why) and plans before it acts:

- :mod:`.layout`   which files go into git, ``.gitattributes``/``.gitignore``, who commits, safe addresses;
- :mod:`.repo`     the repository and its remote: status, stories that clash, stories withdrawn elsewhere;
- :mod:`.resolve`  after git merged: logs without repeated lines, ``narratives.csv`` by story id, purges;
- :mod:`.changes`  what moved, per person, and the sentence a sync ends with;
- :mod:`.run`      :func:`sync`, :func:`share`, :func:`clone`, :func:`sync_status`.

>>> remote = wb.sync.share(p, "shared.git", coder="ana", progress=False)
>>> print(wb.sync.sync_status(p))
origin/main: in sync.
"""

from __future__ import annotations

from .changes import SyncResult, SyncStatus
from .run import clone, share, sync, sync_status

__all__ = ["sync", "share", "clone", "sync_status", "SyncResult", "SyncStatus"]
