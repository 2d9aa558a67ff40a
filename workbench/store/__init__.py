"""The project folder on disk: everything that reads or writes its files, and nothing above it.

The store knows files, bytes, locks and Arrow tables; it does not know what a good span or a
good code name is (that is :mod:`workbench.project`). Read it in this order:

- :mod:`.events`       the one definition of each event kind: fields, Arrow schema, JSON lines;
- :mod:`.logs`         locked durable appends, incremental readers, torn lines, snapshots;
- :mod:`.event_logs`   one reader/writer object per kind of log (codings, memos, codebook);
- :mod:`.fold`         coding events folded into the current codings, in reading order;
- :mod:`.narratives`   texts, ``narratives.csv`` and their integrity;
- :mod:`.withdrawal`   tombstones, and purging a withdrawn story from every log;
- :mod:`.folder`       :class:`ProjectFolder`, the whole folder as one object for the Project.
"""

from __future__ import annotations

from .folder import FORMAT_VERSION, ProjectFolder, create_folder

__all__ = ["FORMAT_VERSION", "ProjectFolder", "create_folder"]
