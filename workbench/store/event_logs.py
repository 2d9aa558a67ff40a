"""One object per kind of event log: ``events/<kind>/<coder>.jsonl``, one file per coder.

Each object reads its folder incrementally, appends under each file's lock, and decides itself
what to do with lines another process appended meanwhile (it takes them in as it takes any new
lines): :class:`RecordLog` keeps memos or codebook changes as dicts, :class:`CodingLog` parses
coding events into Arrow tables and feeds them to a :class:`~.fold.CodingState`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from . import events as ev
from . import logs
from .fold import CodingState, WithdrawnAmong, folded_schema, story_codes
from .passages import Passages

_SNAPSHOT_EVENTS = 50_000  # a fold of this many events read from the logs is worth a snapshot


class EventLog:
    """The logs of one kind (``events/<kind>/``): incremental reads and locked appends."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root, self.kind = root, kind
        self.folder = root / "events" / kind
        self._readers: dict[Path, logs.LogReader] = {}

    def path_of(self, coder: str) -> Path:
        """The log *coder* writes."""
        return self.folder / logs.coder_file(coder)

    def paths(self) -> list[Path]:
        """Every coder's log, sorted by file name."""
        return sorted(self.folder.glob("*.jsonl"))

    def lock(self, path: Path) -> Any:
        """The OS lock guarding *path*."""
        return logs.lock_for(path, self.root / ".locks")

    def _reader(self, path: Path) -> logs.LogReader:
        if path not in self._readers:
            self._readers[path] = logs.LogReader(path)
        return self._readers[path]

    def reset(self) -> None:
        """Forget what was read: the next :meth:`read_new` reads every log from the start."""
        self._readers = {}

    def read_new(self) -> bool | None:
        """Take in what was appended since the last look: True if anything, None if a log was rewritten."""
        changed = False
        for path in self.paths():
            data, replaced = self._reader(path).read_new_bytes()
            if replaced:
                return None
            if data:
                self.take(path, data)
                changed = True
        return changed

    def take(self, path: Path, data: bytes) -> None:
        """Take in whole lines *data* read from *path* (each kind knows what they are)."""
        raise NotImplementedError

    def append(self, coder: str, lines: str, guard: Callable[[], None] | None = None) -> bool:
        """Append *lines* to *coder*'s log under its lock, after *guard* (which may refuse by raising).

        Lines others appended since the last look are taken in first. False when the log was
        rewritten meanwhile (a withdrawal): the caller then reads everything afresh.
        """
        path = self.path_of(coder)
        path.parent.mkdir(parents=True, exist_ok=True)
        reader = self._reader(path)
        with self.lock(path):
            if guard is not None:
                guard()
            others, replaced = reader.read_new_bytes()
            logs.append_lines(path, lines)
            reader.offset = path.stat().st_size
        if replaced:
            return False
        if others:
            self.take(path, others)
        return True

    def rewrite(self, keep: Callable[[list[dict]], list[dict] | None]) -> None:
        """Rewrite each log under its lock as *keep* returns its records (None: leave the log as it is)."""
        for path in self.paths():
            with self.lock(path):
                kept = keep(logs.parse_lines(path.read_bytes(), path))
                if kept is not None:
                    logs.atomic_write(path, "".join(ev.dumps(r) for r in kept))


class RecordLog(EventLog):
    """Logs of small events kept as dicts (memos, codebook changes); ``coder`` from the file's name."""

    def __init__(self, root: Path, kind: str) -> None:
        super().__init__(root, kind)
        self.records: list[dict] = []

    def reset(self) -> None:
        """Forget what was read (and the records)."""
        super().reset()
        self.records = []

    def take(self, path: Path, data: bytes) -> None:
        """Parse the lines; the file a record sits in says who wrote it, whatever the line claims."""
        coder = logs.coder_from_file(path)
        for record in logs.parse_lines(data, path):
            record["coder"] = coder
            self.records.append(record)

    def write(self, coder: str, records: list[dict], guard: Callable[[], None] | None = None) -> bool:
        """Append *records* as *coder*'s and keep them; False if the log was rewritten meanwhile."""
        if not self.append(coder, "".join(ev.record_line(r) for r in records), guard):
            return False
        self.records.extend(records)
        return True


class CodingLog(EventLog):
    """The coding logs, feeding a :class:`CodingState`; the fold is snapshotted for the next open.

    Given the stories' *texts*, passages are cut from them rather than read from the logs.
    """

    def __init__(self, root: Path, texts: Callable[[], Mapping[str, str]] | None = None) -> None:
        super().__init__(root, "codings")
        self.state = CodingState(Passages(texts) if texts is not None else None)
        self._snapshot = root / ".workbench-cache" / "codings.arrow"
        self._fresh = True  # the first fold of this process may be worth a snapshot

    def reset(self) -> None:
        """Forget what was read and folded."""
        super().reset()
        self.state.reset()
        self._fresh = True

    def take(self, path: Path, data: bytes) -> None:
        """Parse coding events (pyarrow for bulk; without passages the fold can cut) and hand them to the fold."""
        table = ev.codings_from_bytes(data, path, self._cuttable if self.state.passages is not None else None)
        if table is not None:
            self.state.add(logs.coder_from_file(path), table)

    def _cuttable(self, events: Any) -> bool:
        """True if the passage of every ``coded`` event in *events* can be cut from its story."""
        import pyarrow.compute as pc

        coded = pc.equal(events["event"], "coded").fill_null(False).to_numpy(zero_copy_only=False)
        nids, codes = story_codes(pc.dictionary_encode(events["narrative"].combine_chunks()))
        starts, ends = events["start"].to_numpy(), events["end"].to_numpy()
        return bool((self.state.passages.fits(nids, codes, starts, ends) | ~coded).all())

    def write(self, coder: str, records: list[dict], guard: Callable[[], None] | None = None,
              lines: str | None = None, table: Any = None) -> bool:
        """Append *records* (or their ready *lines* and *table*) as *coder*'s; False if a log was rewritten."""
        if not self.append(coder, lines if lines is not None else "".join(ev.record_line(r) for r in records), guard):
            return False
        self.state.add(coder, table if table is not None else records)
        return True

    def resume(self, withdrawn: int) -> None:
        """Start from the snapshot of the fold when every log still starts with what it covers."""
        loaded = logs.load_snapshot(self._snapshot)
        if loaded is None:
            return
        table, meta = loaded
        marks, paths = meta.get("logs", {}), self.paths()
        marked = [p for p in paths if p.name in marks]
        if not table.schema.equals(folded_schema()) or meta.get("withdrawn") != withdrawn \
                or len(marked) != len(marks) or not all(logs.mark_holds(p, marks[p.name]) for p in marked):
            return  # another version's snapshot, or a log was rewritten or removed: fold everything afresh
        for path in marked:  # logs begun since the snapshot are read from their start
            reader = self._reader(path)
            reader.offset, reader.inode = marks[path.name][0], marks[path.name][1]
        self.state.adopt(table, meta.get("names"))

    def current(self, names: Callable[[], dict[str, str]], withdrawn_among: WithdrawnAmong,
                withdrawn: int) -> pd.DataFrame:
        """The current codings as a pandas frame; a big first fold is snapshotted for the next open."""
        table = self.state.table(names, withdrawn_among)
        if self._fresh and self.state.folded_events >= _SNAPSHOT_EVENTS:
            self._save_snapshot(table, names(), withdrawn)
        self._fresh = False
        return self.state.frame(names, withdrawn_among)

    def _save_snapshot(self, table: Any, names: dict[str, str], withdrawn: int) -> None:
        try:
            marks = {path.name: logs.log_mark(path, reader.offset) for path, reader in self._readers.items()
                     if path.exists()}
        except OSError:
            return
        # written beside the user's work: the frame is theirs now, the file is there by the next open
        # (not a daemon: the interpreter waits for it at exit, so no half-written snapshot is left)
        threading.Thread(target=logs.save_snapshot, args=(self._snapshot, table, {
            "logs": marks, "names": names, "withdrawn": withdrawn}), name="workbench-snapshot").start()

    def all_events(self) -> pd.DataFrame:
        """Every coding event on disk now (all coders, in log order), with ``coder`` from the file's name."""
        state = CodingState()
        for path in self.paths():
            table = ev.codings_from_bytes(path.read_bytes(), path)
            if table is not None:
                state.add(logs.coder_from_file(path), table)
        return state.events().to_pandas()
