"""Small file helpers every layer may use: change stamps and TOML strings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable


def file_stamp(path: str | os.PathLike) -> tuple[int, int, int] | None:
    """``(inode, size, mtime_ns)`` of *path*, or ``None`` when it does not exist: equal stamps mean unchanged.

    >>> file_stamp("no-such-file") is None
    True
    """
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def folder_stamp(root: Path, folders: Iterable[str], suffix: str = "") -> tuple:
    """Names, sizes and times of the files in *folders* under *root* (stat only: cheap to poll).

    >>> folder_stamp(Path("."), ["no-such-folder"])
    ()
    """
    items = []
    for sub in folders:
        try:
            with os.scandir(root / sub) as entries:
                for entry in entries:
                    if not entry.name.endswith(suffix):
                        continue
                    try:
                        stat = entry.stat()
                    except FileNotFoundError:
                        continue
                    items.append((sub, entry.name, stat.st_size, stat.st_mtime_ns))
        except (FileNotFoundError, NotADirectoryError):
            continue
    items.sort()
    return tuple(items)


def toml_string(value: str) -> str:
    """*value* as a TOML basic string.

    >>> toml_string('say "hi"')
    '"say \\\\"hi\\\\""'
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " or ch == "\t" else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'
