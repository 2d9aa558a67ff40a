"""The structure kept beside a narrative's text: turns, time anchors, pages, and its media file.

``narratives/<id>.structure.json`` holds what a transcript or a PDF had beyond its plain text:
who speaks where (turns: start and end offsets, speaker), when (time anchors: an offset and
the seconds at it) and on which page. Offsets point into the canonical text, as codings do;
the file names the SHA-256 of the text it describes, so it is checked on open like the text.
A narrative's audio or video is kept as ``media/<id>.<ext>``. Like the text, both are immutable
and both leave the folder when the narrator withdraws the story.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import IntegrityError
from . import logs

STRUCTURE_FORMAT = 1
SUFFIX = ".structure.json"


def _ints(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


class Structure:
    """Turns ``(start, end, speaker)``, anchors ``(offset, seconds)`` and pages ``(start, end, page)`` of one text.

    Kept as arrays (a long transcript has thousands of anchors); ``turns``, ``anchors`` and
    ``pages`` give them back as rows.

    >>> Structure(turns=[(0, 9, "Ana")], anchors=[(0, 1.5)]).speakers
    ['Ana']
    """

    __slots__ = ("turn_start", "turn_end", "speaker", "anchor_offset", "anchor_seconds", "page_start", "page_end",
                 "page_number", "source")

    def __init__(self, turns: Any = (), anchors: Any = (), pages: Any = (), source: str = "") -> None:
        turns, anchors, pages = list(turns), list(anchors), list(pages)
        self.turn_start = _ints([t[0] for t in turns])
        self.turn_end = _ints([t[1] for t in turns])
        self.speaker = np.asarray([str(t[2]) for t in turns], dtype=object).reshape(-1)
        self.anchor_offset = _ints([a[0] for a in anchors])
        self.anchor_seconds = np.asarray([a[1] for a in anchors], dtype=np.float64).reshape(-1)
        self.page_start = _ints([q[0] for q in pages])
        self.page_end = _ints([q[1] for q in pages])
        self.page_number = _ints([q[2] for q in pages])
        self.source = source

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], source: str = "") -> "Structure":
        """A structure from its arrays as they are (already checked), without copying.

        >>> Structure.from_arrays(Structure(turns=[(0, 9, "Ana")]).arrays()).turns
        [(0, 9, 'Ana')]
        """
        item = cls.__new__(cls)
        for name in cls.__slots__[:-1]:
            setattr(item, name, arrays[name])
        item.source = source
        return item

    def arrays(self) -> dict[str, np.ndarray]:
        """The structure's arrays by name."""
        return {name: getattr(self, name) for name in self.__slots__[:-1]}

    @property
    def turns(self) -> list[tuple[int, int, str]]:
        """The turns as ``(start, end, speaker)`` rows."""
        return list(zip(self.turn_start.tolist(), self.turn_end.tolist(), self.speaker.tolist()))

    @property
    def anchors(self) -> list[tuple[int, float]]:
        """The time anchors as ``(offset, seconds)`` rows."""
        return list(zip(self.anchor_offset.tolist(), self.anchor_seconds.tolist()))

    @property
    def pages(self) -> list[tuple[int, int, int]]:
        """The pages as ``(start, end, page)`` rows."""
        return list(zip(self.page_start.tolist(), self.page_end.tolist(), self.page_number.tolist()))

    @property
    def speakers(self) -> list[str]:
        """The distinct speakers, in order of first turn."""
        return list(dict.fromkeys(s for s in self.speaker.tolist() if s))

    def __repr__(self) -> str:
        return (f"<Structure: {len(self.turn_start)} turns, {len(self.anchor_offset)} time anchors, "
                f"{len(self.page_start)} pages>")

    def to_json(self, text_sha256: str) -> str:
        """The file's content: one turn, anchor or page a line, so that it reads and diffs well.

        >>> print(Structure(turns=[(0, 9, "Ana")]).to_json("abc"))  # doctest: +ELLIPSIS
        {"format": 1, "text_sha256": "abc", "source": "",
         "turns": [
          [0, 9, "Ana"]],
         "anchors": [],
         "pages": []}
        """
        def rows(items: list) -> str:
            if not items:
                return "[]"
            return "[\n  " + ",\n  ".join(json.dumps(list(item), ensure_ascii=False) for item in items) + "]"

        head = json.dumps({"format": STRUCTURE_FORMAT, "text_sha256": text_sha256, "source": self.source},
                          ensure_ascii=False)[:-1]
        return (f"{head},\n \"turns\": {rows(self.turns)},\n \"anchors\": {rows(self.anchors)},\n"
                f" \"pages\": {rows(self.pages)}}}")


def _cache_path(root: Path) -> Path:
    return root / ".workbench-cache" / "structures.npz"


def structure_path(root: Path, nid: str) -> Path:
    """Where narrative *nid*'s structure lives in the project folder *root*.

    >>> structure_path(Path("proj"), "call-07").as_posix()
    'proj/narratives/call-07.structure.json'
    """
    return root / "narratives" / f"{nid}{SUFFIX}"


def media_file(root: Path, nid: str) -> Path | None:
    """Narrative *nid*'s media file under ``media/``, or None when it has none (or it is missing).

    >>> media_file(Path("."), "no-such-story") is None
    True
    """
    folder = root / "media"
    if not folder.is_dir():
        return None
    found = sorted(folder.glob(f"{nid}.*"))
    return found[0] if found else None


def write_files(root: Path, nid: str, structure: Structure | None, sha: str, media: str | os.PathLike | None) -> None:
    """Write *structure* and copy *media* beside narrative *nid* (called under the narratives' lock).

    >>> Path("narratives").mkdir()
    >>> write_files(Path("."), "call", Structure(turns=[(0, 3, "Ana")]), "abc", None)
    >>> structure_path(Path("."), "call").is_file()
    True
    """
    if structure is not None:
        logs.atomic_write(structure_path(root, nid), structure.to_json(sha))
    if media is not None:
        source = Path(media)
        target = root / "media" / f"{nid}{source.suffix.lower()}"
        target.parent.mkdir(exist_ok=True)
        partial = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(source, partial)
        os.replace(partial, target)


def remove_files(root: Path, nid: str) -> None:
    """Delete narrative *nid*'s structure and media files and the structure cache (a withdrawal).

    >>> remove_files(Path("."), "no-such-story")
    """
    structure_path(root, nid).unlink(missing_ok=True)
    while (found := media_file(root, nid)) is not None:
        found.unlink()
    _cache_path(root).unlink(missing_ok=True)  # it holds the story's turns and speakers too


def _table(rows: Any, width: int, path: Path, what: str) -> np.ndarray:
    """*rows* (a list of lists of *width* values) as a 2-D object array, or an :class:`IntegrityError`."""
    if not isinstance(rows, list):
        raise IntegrityError(f"{path}: {what} must be a list of [{width} values] rows.")
    try:
        table = np.array(rows, dtype=object)
    except ValueError:
        table = np.empty(0)
    if (table.ndim != 2 or table.shape[1] != width) and len(rows):
        raise IntegrityError(f"{path}: {what} must be a list of [{width} values] rows.")
    return table.reshape(-1, width)


def _column(table: np.ndarray, index: int, dtype: Any, path: Path) -> np.ndarray:
    try:
        values = table[:, index].astype(dtype)
    except (TypeError, ValueError):
        values = None
    if values is None or (dtype is np.int64 and not np.array_equal(values, table[:, index].astype(np.float64))):
        raise IntegrityError(f"{path}: its offsets and times must be numbers (offsets whole). Restore the file.")
    return values


def _check_arrays(arrays: dict[str, np.ndarray], path: Path, length: int) -> None:
    """Raise :class:`IntegrityError` unless turns and pages are in-text ordered spans and anchors never go back."""
    for what, start, end in (("turns", "turn_start", "turn_end"), ("pages", "page_start", "page_end")):
        a, b = arrays[start], arrays[end]
        if len(a) and ((a < 0).any() or (b > length).any() or (a >= b).any() or (a[1:] < b[:-1]).any()):
            raise IntegrityError(f"{path}: its {what} do not fit the text (each must be a non-empty span of "
                                 f"0..{length}, in order, not overlapping). Restore the file.")
    offsets, seconds = arrays["anchor_offset"], arrays["anchor_seconds"]
    if len(offsets) and ((offsets < 0).any() or (offsets > length).any() or (np.diff(offsets) < 0).any()
                         or (seconds < 0).any() or (np.diff(seconds) < 0).any() or np.isnan(seconds).any()):
        raise IntegrityError(f"{path}: its time anchors do not fit the text (offsets in 0..{length} in order, "
                             "times never going back). Restore the file.")


def check_structure(data: dict, path: Path, sha: str, length: int) -> Structure:
    """The :class:`Structure` in *data* (a parsed file) if it fits the text, else an :class:`IntegrityError`.

    Turns and pages must lie in the text, in order, without overlap; anchors in order of
    offset, with times that never go back.

    >>> check_structure({"text_sha256": "s", "turns": [[0, 4, "A"]], "anchors": [[0, 2.0]]}, Path("x"), "s", 4).turns
    [(0, 4, 'A')]
    """
    if data.get("text_sha256") != sha:
        raise IntegrityError(f"{path} describes another text than narratives.csv lists (its text_sha256 differs). "
                             "Restore it (e.g. `git checkout -- narratives/`).")
    turns = _table(data.get("turns", []), 3, path, "turns")
    anchors = _table(data.get("anchors", []), 2, path, "anchors")
    pages = _table(data.get("pages", []), 3, path, "pages")
    speakers = turns[:, 2]
    if not all(isinstance(name, str) for name in speakers.tolist()):
        raise IntegrityError(f"{path}: every turn's speaker must be text. Restore the file.")
    structure = Structure.from_arrays({
        "turn_start": _column(turns, 0, np.int64, path), "turn_end": _column(turns, 1, np.int64, path),
        "speaker": speakers, "anchor_offset": _column(anchors, 0, np.int64, path),
        "anchor_seconds": _column(anchors, 1, np.float64, path), "page_start": _column(pages, 0, np.int64, path),
        "page_end": _column(pages, 1, np.int64, path), "page_number": _column(pages, 2, np.int64, path),
    }, source=str(data.get("source", "")))
    _check_arrays(structure.arrays(), path, length)
    return structure


_ARRAYS = Structure.__slots__[:-1]
_CACHE_VERSION = 1
_CACHE_FROM = 50  # below this many structures, parsing them all is quicker than a cache file


def read_cache(path: Path) -> dict[str, tuple[tuple, Structure]]:
    """``{nid: (key, structure)}`` from a cache written by :func:`write_cache`; empty if absent or unusable.

    >>> read_cache(Path("no-cache.npz"))
    {}
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            if header.get("version") != _CACHE_VERSION:
                return {}
            arrays = {name: data[name] for name in _ARRAYS if name != "speaker"}
            codes = data["speaker_code"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return {}
    vocabulary = np.asarray(header["speakers"] or [""], dtype=object)
    arrays["speaker"] = vocabulary[codes]
    counts = np.asarray(header["counts"], dtype=np.int64).reshape(-1, 3)
    cuts = {kind: np.cumsum(counts[:, i])[:-1] for i, kind in enumerate(("turn", "anchor", "page"))}
    pieces = {name: np.split(values, cuts[name.split("_")[0] if name != "speaker" else "turn"])
              for name, values in arrays.items()}
    out = {}
    for i, (nid, sha, size, mtime, source) in enumerate(header["items"]):
        structure = Structure.from_arrays({name: pieces[name][i] for name in _ARRAYS}, source=source)
        out[nid] = ((sha, size, mtime), structure)
    return out


def write_cache(path: Path, entries: dict[str, tuple[tuple, Structure]]) -> None:
    """Write every checked structure in one file, so that the next open reads one file instead of thousands.

    >>> write_cache(Path("cache.npz"), {"call": (("sha", 10, 1), Structure(turns=[(0, 3, "Ana")]))})
    >>> read_cache(Path("cache.npz"))["call"][1].turns
    [(0, 3, 'Ana')]
    """
    nids = list(entries)
    structures = [entries[n][1] for n in nids]
    arrays = {name: np.concatenate([getattr(s, name) for s in structures]) if structures else np.empty(0)
              for name in _ARRAYS if name != "speaker"}
    codes, vocabulary = pd.factorize(pd.Series(np.concatenate([s.speaker for s in structures]), dtype=object))
    header = {"version": _CACHE_VERSION, "speakers": [str(v) for v in vocabulary],
              "items": [[n, *entries[n][0], entries[n][1].source] for n in nids],
              "counts": [[len(s.turn_start), len(s.anchor_offset), len(s.page_start)] for s in structures]}
    path.parent.mkdir(exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(partial, "wb") as handle:
            np.savez(handle, header=np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
                     speaker_code=codes.astype(np.int32), **arrays)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _parse(path: Path, sha: str, length: int) -> Structure:
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"{path} is not readable JSON ({exc}). Restore it "
                             "(e.g. `git checkout -- narratives/`).") from None
    if not isinstance(data, dict):
        raise IntegrityError(f"{path} is not a structure file (a JSON object). Restore it.")
    return check_structure(data, path, sha, length)


class StructureStore:
    """The structures of a project's narratives, read and checked when the narratives are.

    A file is read again only when it changed (its size or time) or its text did; with many
    transcripts, the checked structures are also kept in ``.workbench-cache/structures.npz``
    (ignored by git), so that opening the project reads one file, not thousands.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: dict[str, Structure] = {}
        self._keys: dict[str, tuple] = {}

    def load(self, hashes: dict[str, str], texts: dict[str, str]) -> None:
        """Read (or keep) the structure of every narrative in *texts* that has one, checked against its text."""
        folder = self.root / "narratives"
        stamps = {}
        if folder.is_dir():
            for entry in os.scandir(folder):
                nid = entry.name[:-len(SUFFIX)]
                if entry.name.endswith(SUFFIX) and nid in texts:
                    info = entry.stat()
                    stamps[nid] = (hashes[nid], info.st_size, info.st_mtime_ns)
        items, cache, fresh = {}, None, False
        for nid, key in stamps.items():
            if self._keys.get(nid) == key:
                items[nid] = self.items[nid]
                continue
            if cache is None:
                cache = read_cache(_cache_path(self.root)) if len(stamps) >= _CACHE_FROM else {}
            path = structure_path(self.root, nid)
            hit = cache.get(nid)
            if hit is not None and list(hit[0]) == list(key):
                _check_arrays(hit[1].arrays(), path, len(texts[nid]))
                items[nid] = hit[1]
            else:
                items[nid], fresh = _parse(path, key[0], len(texts[nid])), True
        self.items, self._keys = items, stamps
        if fresh and len(items) >= _CACHE_FROM:
            try:
                write_cache(_cache_path(self.root), {nid: (stamps[nid], items[nid]) for nid in items})
            except OSError:  # a read-only copy of a project still opens
                pass
