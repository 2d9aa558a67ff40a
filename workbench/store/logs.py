"""Append-only JSON-lines logs that many processes write at once, and snapshots of what was read.

Each event is one line. A writer takes the file's OS lock (``filelock``), appends its lines with
a single ``write`` and ``fsync``\\s before returning, so an acknowledged event is on disk. A crash
can leave a torn last line: the next writer first ends it with a newline (so its own lines stay
whole) and readers skip it with a warning. A :class:`LogReader` remembers how far it has read and
picks up only what is new.

A snapshot (in ``.workbench-cache/``, ignored by git) is an Arrow file of what was read from some
logs, with a :func:`log_mark` per log: the offset it covers, the file's inode and its last bytes
before that offset. It is used only while each log still starts with exactly those bytes; the
logs stay the source of truth, and deleting the cache loses nothing.

Each coder writes their own file: :func:`coder_file` and :func:`coder_from_file` are the one rule
between a coder's name and their file's name.
"""

from __future__ import annotations

import json
import mmap
import os
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import filelock

_TAIL = 64  # bytes before a snapshot's offset that must still be there
_MAP_BYTES = 1 << 24  # new bytes of a log past this many are mapped, not read into memory


class TornLineWarning(UserWarning):
    """A log line could not be read (usually the last line of a writer that crashed)."""


def coder_file(coder: str) -> str:
    """The file name of a coder's log: readable for plain names, escaped otherwise.

    >>> coder_file("ana"), coder_file("auto:help")
    ('ana.jsonl', 'auto%3Ahelp.jsonl')
    """
    return quote(coder, safe=" @+,=()[]{}'!~-_") + ".jsonl"


def coder_from_file(path: Path) -> str:
    """The coder whose log *path* is (the inverse of :func:`coder_file`).

    >>> coder_from_file(Path("events/codings/auto%3Ahelp.jsonl"))
    'auto:help'
    """
    return unquote(path.name[: -len(".jsonl")])


def lock_for(path: Path, locks_dir: Path) -> filelock.FileLock:
    """The OS lock guarding *path*; lock files live in the project's ``.locks/`` folder.

    >>> lock_for(Path("proj/events/codings/ana.jsonl").resolve(), Path("proj/.locks").resolve()).lock_file
    '.../proj/.locks/events__codings__ana.jsonl.lock'
    """
    locks_dir.mkdir(parents=True, exist_ok=True)
    name = "__".join(path.relative_to(locks_dir.parent).parts) + ".lock"
    return filelock.FileLock(str(locks_dir / name), timeout=60)


def append_lines(path: Path, lines: str) -> None:
    """Append *lines* (already newline-terminated) to *path* durably; the caller holds the file's lock.

    >>> append_lines(Path("log.jsonl"), '{"a":1}\\n'); Path("log.jsonl").read_text()
    '{"a":1}\\n'
    """
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
    """Replace *path* with *content* so readers see the old or the new file, never half.

    >>> atomic_write(Path("notes.txt"), "hello"); Path("notes.txt").read_text()
    'hello'
    """
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
    """Incremental reader of one log: :meth:`read_new_bytes` returns the lines added since last time.

    >>> reader = LogReader(Path("log.jsonl")); append_lines(reader.path, '{"a":1}\\n')
    >>> reader.read_new_bytes()
    (b'{"a":1}\\n', False)
    """

    path: Path
    offset: int = 0
    inode: int | None = None
    warned_torn_at: int = field(default=-1)

    def reset(self) -> None:
        """Forget what was read: the next read starts at the beginning."""
        self.offset, self.inode, self.warned_torn_at = 0, None, -1

    def read_new_bytes(self) -> tuple[bytes | memoryview, bool]:
        """New complete lines (bytes; a view of the mapped file when many), and whether the file was replaced."""
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
        data, end = _read_from(self.path, self.offset, stat.st_size)
        if end < len(data) and self.offset + end != self.warned_torn_at:
            # An unterminated tail: a writer is mid-append or crashed. Leave it for later.
            self.warned_torn_at = self.offset + end
            if time.time() - stat.st_mtime >= 2.0:  # not a write in flight
                warnings.warn(
                    f"{self.path}: skipping an unfinished last line ({len(data) - end} bytes), "
                    "probably left by a writer that stopped mid-write; earlier events are intact.",
                    TornLineWarning,
                    stacklevel=4,
                )
        self.offset += end
        return data[:end], replaced


def _read_from(path: Path, offset: int, size: int) -> tuple[Any, int]:
    """Bytes ``[offset, size)`` of *path* and the length of their whole lines.

    A big read is mapped (a memoryview of an ``mmap``), not copied: a first read of a large log
    is parsed where it lies.
    """
    with open(path, "rb") as handle:
        if size - offset < _MAP_BYTES:
            handle.seek(offset)
            data = handle.read(size - offset)
            return data, data.rfind(b"\n") + 1
        mapped = mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ)
    last = mapped.rfind(b"\n", offset)
    return memoryview(mapped)[offset:], (last + 1 - offset if last >= 0 else 0)


def parse_lines(data: bytes, source: Path) -> list[dict]:
    """Parse JSON lines, skipping (with a warning) lines that are not whole JSON objects.

    >>> parse_lines(b'{"a":1}\\n\\n{"b":2}\\n', Path("log.jsonl"))
    [{'a': 1}, {'b': 2}]
    """
    records = []
    for number, line in enumerate(bytes(data).splitlines(), 1):
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


def parse_lines_fast(data: bytes, source: Path, schema: Any) -> Any:
    """Parse many JSON lines with pyarrow into an Arrow table of *schema*; ``None`` if any line is bad.

    pyarrow's reader is ~20x faster than ``json.loads`` per line; on a torn or foreign line it
    fails as a whole, and the caller falls back to :func:`parse_lines`.

    >>> import pyarrow as pa
    >>> parse_lines_fast(b'{"a":1}\\n', Path("x"), pa.schema([("a", pa.int64())])).num_rows
    1
    """
    import pyarrow as pa
    import pyarrow.json as pajson

    try:
        return pajson.read_json(
            pa.BufferReader(pa.py_buffer(data)),  # parsed where it lies (a mapped log is not copied)
            read_options=pajson.ReadOptions(block_size=1 << 24),
            parse_options=pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
        )
    except Exception:  # noqa: BLE001 - any parse failure means "use the careful path"
        return None


# ---------------------------------------------------------------------- snapshots
def log_mark(log: Path, offset: int) -> list:
    """What a snapshot remembers of *log* read up to *offset*: ``[offset, inode, hex of the bytes before]``.

    >>> append_lines(Path("log.jsonl"), '{"a":1}\\n'); log_mark(Path("log.jsonl"), 8)[0]
    8
    """
    inode = log.stat().st_ino
    with open(log, "rb") as handle:
        handle.seek(max(0, offset - _TAIL))
        tail = handle.read(min(offset, _TAIL)).hex()
    return [offset, inode, tail]


def mark_holds(log: Path, mark: list) -> bool:
    """True while *log* still starts with the bytes *mark* (a :func:`log_mark`) covers.

    >>> append_lines(Path("log.jsonl"), '{"a":1}\\n'); mark = log_mark(Path("log.jsonl"), 8)
    >>> append_lines(Path("log.jsonl"), '{"b":2}\\n'); mark_holds(Path("log.jsonl"), mark)
    True
    """
    try:
        offset, inode, tail = mark
        stat = log.stat()
        if stat.st_ino != inode or stat.st_size < offset:
            return False
        with open(log, "rb") as handle:
            handle.seek(max(0, offset - _TAIL))
            return handle.read(min(offset, _TAIL)).hex() == tail
    except (OSError, ValueError, TypeError):
        return False


def save_snapshot(target: Path, table: Any, meta: dict[str, Any]) -> None:
    """Write *table* with *meta* (JSON-able) to *target*; silently skipped where the folder is read-only.

    >>> import pyarrow as pa
    >>> save_snapshot(Path("cache/t.arrow"), pa.table({"a": [1]}), {"v": 1}); load_snapshot(Path("cache/t.arrow"))[1]
    {'v': 1}
    """
    import pyarrow as pa

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        table = table.replace_schema_metadata({"workbench": json.dumps(meta)})
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, target)
    except OSError:
        pass


def load_snapshot(target: Path) -> tuple[Any, dict[str, Any]] | None:
    """``(table, meta)`` of a snapshot written by :func:`save_snapshot`, or ``None``.

    The file is read in one go rather than memory-mapped: later merges touch every row, and
    faulting in a mapped file page by page costs many times a single read.

    >>> load_snapshot(Path("no-such.arrow")) is None
    True
    """
    import pyarrow as pa

    try:
        with pa.OSFile(str(target)) as source:
            table = pa.ipc.open_file(source).read_all()
        meta = json.loads((table.schema.metadata or {})[b"workbench"])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    return table.replace_schema_metadata(None), meta
