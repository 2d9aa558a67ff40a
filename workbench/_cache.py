"""A snapshot of each parsed coding log, so a large project opens in a fraction of a second.

``.workbench-cache/`` (ignored by git) holds, per log, the events parsed so far as an Arrow
file, with the byte offset they cover and the last bytes before it. The snapshot is used only
when the log still starts with exactly those bytes (same file, long enough, same tail); otherwise
the log is parsed afresh. The logs stay the source of truth: deleting the cache loses nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

_TAIL = 64


def _cache_file(cache_dir: Path, log: Path) -> Path:
    return cache_dir / f"{log.parent.name}__{log.name}.arrow"


def load(cache_dir: Path, log: Path):
    """``(table, offset, inode)`` from a valid snapshot of *log*, or ``None``."""
    import pyarrow as pa

    path = _cache_file(cache_dir, log)
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
        meta = table.schema.metadata or {}
        offset, inode = int(meta[b"offset"]), int(meta[b"inode"])
        stat = log.stat()
        if stat.st_ino != inode or stat.st_size < offset:
            return None
        with open(log, "rb") as handle:
            handle.seek(max(0, offset - _TAIL))
            if handle.read(min(offset, _TAIL)).hex().encode() != meta[b"tail"]:
                return None
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    return table.replace_schema_metadata(None), offset, inode


def save(cache_dir: Path, log: Path, table, offset: int) -> None:
    """Write a snapshot of *log* up to *offset*; silently skipped where the folder is read-only."""
    import pyarrow as pa

    try:
        stat = log.stat()
        with open(log, "rb") as handle:
            handle.seek(max(0, offset - _TAIL))
            tail = handle.read(min(offset, _TAIL)).hex()
        cache_dir.mkdir(exist_ok=True)
        target = _cache_file(cache_dir, log)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        meta = {"offset": str(offset), "inode": str(stat.st_ino), "tail": tail}
        table = table.replace_schema_metadata(meta)
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, target)
    except OSError:
        pass
