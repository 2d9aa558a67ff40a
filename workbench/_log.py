"""Append-only JSON-lines logs that many processes write at once.

Each event is one line. A writer takes the file's OS lock (``filelock``), appends its
lines with a single ``write`` and ``fsync``\\s before returning, so an acknowledged event
is on disk. A crash can leave a torn last line: the next writer first ends it with a
newline (so its own lines stay whole) and readers skip it with a warning.
Readers remember how far they have read and pick up only what is new.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import filelock


class TornLineWarning(UserWarning):
    """A log line could not be read (usually the last line of a writer that crashed)."""


def dumps(record: dict) -> str:
    """One event as one compact JSON line (non-ASCII kept readable)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def lock_for(path: Path, locks_dir: Path) -> filelock.FileLock:
    """The OS lock guarding *path*; lock files live in the project's ``.locks/`` folder."""
    locks_dir.mkdir(exist_ok=True)
    name = "__".join(path.relative_to(locks_dir.parent).parts) + ".lock"
    return filelock.FileLock(str(locks_dir / name), timeout=60)


def append_lines(path: Path, lines: str) -> None:
    """Append *lines* (already newline-terminated) to *path* durably; the caller holds the file's lock."""
    data = lines.encode("utf-8")
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # end a torn line left by a crashed writer
        _write_durably(fd, data)
    finally:
        os.close(fd)


def _write_durably(fd: int, data: bytes) -> None:
    """Write all of *data* (``write`` may take less) and ``fsync``: on disk when this returns."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def atomic_write(path: Path, content: str | bytes) -> None:
    """Replace *path* with *content* so readers see the old or the new file, never half."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        _write_durably(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


@dataclass
class LogReader:
    """Incremental reader of one log: :meth:`read_new` returns the events added since last time."""

    path: Path
    offset: int = 0
    inode: int | None = None
    warned_torn_at: int = field(default=-1)

    def reset(self) -> None:
        self.offset, self.inode, self.warned_torn_at = 0, None, -1

    def read_new_bytes(self) -> tuple[bytes, bool]:
        """New complete lines as bytes, and whether the file was replaced (read from scratch)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            replaced = self.offset > 0
            self.reset()
            return b"", replaced
        replaced = False
        if (self.inode is not None and stat.st_ino != self.inode) or stat.st_size < self.offset:
            self.reset()  # rewritten (e.g. a withdrawal removed events): start over
            replaced = True
        self.inode = stat.st_ino
        if stat.st_size == self.offset:
            return b"", replaced
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read(stat.st_size - self.offset)
        end = data.rfind(b"\n") + 1
        if end < len(data) and self.offset + end != self.warned_torn_at:
            # An unterminated tail: a writer is mid-append or crashed. Leave it for later.
            self.warned_torn_at = self.offset + end
            if not _tail_may_be_in_flight(self.path, stat.st_mtime):
                warnings.warn(
                    f"{self.path}: skipping an unfinished last line ({len(data) - end} bytes), "
                    "probably left by a writer that stopped mid-write; earlier events are intact.",
                    TornLineWarning,
                    stacklevel=4,
                )
        self.offset += end
        return data[:end], replaced


def _tail_may_be_in_flight(path: Path, mtime: float) -> bool:
    import time

    return time.time() - mtime < 2.0


def parse_lines(data: bytes, source: Path) -> list[dict]:
    """Parse JSON lines, skipping (with a warning) lines that are not whole JSON objects."""
    records = []
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            warnings.warn(
                f"{source}: skipping unreadable line {number} of the new part "
                f"({line[:60]!r}...), probably torn by a crashed writer.",
                TornLineWarning,
                stacklevel=4,
            )
            continue
        records.append(record)
    return records


def parse_lines_fast(data: bytes, source: Path, schema) -> "object | None":
    """Parse many JSON lines with pyarrow into an Arrow table; ``None`` if any line is bad.

    pyarrow's reader is ~20x faster than ``json.loads`` per line; on a torn or foreign
    line it fails as a whole, and the caller falls back to :func:`parse_lines`.
    """
    try:
        import pyarrow.json as pajson
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    try:
        return pajson.read_json(
            io.BytesIO(data),
            read_options=pajson.ReadOptions(block_size=1 << 24),
            parse_options=pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
        )
    except Exception:  # noqa: BLE001 - any parse failure means "use the careful path"
        return None
