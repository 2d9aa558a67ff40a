"""A private journal: memos a coder keeps for themself, outside the shared project folder.

Reflexive memos may be about a coder's own life. Those marked private are written under the
coder's own data directory, never in the project folder, so they are never shared, synced,
exported or shown to anyone else::

    $WORKBENCH_JOURNAL_HOME (default: $XDG_DATA_HOME/narrative-workbench/journals,
                             i.e. ~/.local/share/narrative-workbench/journals)
      <project id>/<coder>.jsonl      one private memo a line, readable by you alone (mode 600)

The project's id is ``id`` in its ``workbench.toml`` (older projects: one made from their name and
creation time). :meth:`~workbench.project.Project.publish` moves an entry into the shared project
when its writer chooses; :meth:`~workbench.project.Project.delete_memo` removes one for good.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import WorkbenchError
from ..store import logs
from ..store.events import dumps

__all__ = ["JOURNAL_VARIABLE", "Journal", "journal_home"]

#: The environment variable that moves every journal elsewhere (tests and ``make test`` set it).
JOURNAL_VARIABLE = "WORKBENCH_JOURNAL_HOME"


def journal_home() -> Path:
    """The folder holding this user's private journals.

    >>> journal_home().name
    'journals'
    """
    if os.environ.get(JOURNAL_VARIABLE):
        return Path(os.environ[JOURNAL_VARIABLE]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or "~/.local/share"
    return Path(data).expanduser() / "narrative-workbench" / "journals"


class Journal:
    """One coder's private journal for one project.

    >>> journal = Journal("p-1234", Path("project"), "ana")
    >>> journal.write({"event": "memo", "id": "m1", "text": "for me only"})
    >>> [r["text"] for r in journal.records()]
    ['for me only']
    >>> oct(journal.path.stat().st_mode & 0o777)
    '0o600'
    """

    def __init__(self, project_id: str, project_path: Path, coder: str) -> None:
        self.folder = journal_home() / project_id
        self.path = self.folder / logs.coder_file(coder)
        folder, project = self.folder.resolve(), Path(project_path).resolve()
        if folder == project or folder.is_relative_to(project):
            raise WorkbenchError(f"The private journal folder {folder} is inside the project folder {project}, "
                                 f"where others could read it. Set {JOURNAL_VARIABLE} to a folder of your own "
                                 "outside the project.")

    def records(self) -> list[dict]:
        """Every entry, oldest first (none if the journal was never written)."""
        return logs.parse_lines(self.path.read_bytes(), self.path) if self.path.exists() else []

    def _lock(self) -> object:
        return logs.lock_for(self.path, self.folder / ".locks")

    def write(self, record: dict) -> None:
        """Append one entry durably; the journal's folder and file are made readable by you alone."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        with self._lock():  # type: ignore[attr-defined]
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            logs.append_lines(self.path, dumps(record))

    def drop(self, entry_ids: set) -> None:
        """Remove every entry (and edit) whose id is in *entry_ids*, as when their story was withdrawn."""
        with self._lock():  # type: ignore[attr-defined]
            records = self.records()
            kept = [r for r in records if r.get("id") not in entry_ids]
            if len(kept) != len(records):
                logs.atomic_write(self.path, "".join(dumps(r) for r in kept))
                os.chmod(self.path, 0o600)

    def remove(self, entry_id: str) -> dict:
        """Remove entry *entry_id* (and its edits) from the journal; the entry as it was written."""
        with self._lock():  # type: ignore[attr-defined]
            records = self.records()
            found = [r for r in records if r.get("id") == entry_id and r.get("event") == "memo"]
            if not found:
                raise WorkbenchError(f"There is no entry {entry_id!r} in your private journal; see p.journal(coder).")
            logs.atomic_write(self.path, "".join(dumps(r) for r in records if r.get("id") != entry_id))
            os.chmod(self.path, 0o600)
        return found[0]
