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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IntegrityError
from . import logs

STRUCTURE_FORMAT = 1
SUFFIX = ".structure.json"


@dataclass(frozen=True)
class Structure:
    """Turns ``(start, end, speaker)``, anchors ``(offset, seconds)`` and pages ``(start, end, page)`` of one text.

    >>> Structure(turns=[(0, 9, "Ana")], anchors=[(0, 1.5)]).speakers
    ['Ana']
    """

    turns: list = field(default_factory=list)
    anchors: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    source: str = ""

    @property
    def speakers(self) -> list[str]:
        """The distinct speakers, in order of first turn."""
        return list(dict.fromkeys(t[2] for t in self.turns if t[2]))

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
    """Write *structure* and copy *media* beside narrative *nid* (called under the narratives' lock)."""
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
    """Delete narrative *nid*'s structure and media files (a withdrawal); nothing if it had none.

    >>> remove_files(Path("."), "no-such-story")
    """
    structure_path(root, nid).unlink(missing_ok=True)
    while (found := media_file(root, nid)) is not None:
        found.unlink()


def _checked_rows(rows: Any, width: int, path: Path, what: str) -> list:
    if not isinstance(rows, list) or any(not isinstance(r, list) or len(r) != width for r in rows):
        raise IntegrityError(f"{path}: {what} must be a list of [{width} values] rows.")
    return rows


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
    turns = _checked_rows(data.get("turns", []), 3, path, "turns")
    anchors = _checked_rows(data.get("anchors", []), 2, path, "anchors")
    pages = _checked_rows(data.get("pages", []), 3, path, "pages")
    for what, rows in (("turns", turns), ("pages", pages)):
        if rows:
            spans = np.asarray([r[:2] for r in rows], dtype=np.int64)
            if (spans[:, 0] < 0).any() or (spans[:, 1] > length).any() or (spans[:, 0] >= spans[:, 1]).any() \
                    or (spans[1:, 0] < spans[:-1, 1]).any():
                raise IntegrityError(f"{path}: its {what} do not fit the text (each must be a non-empty span of "
                                     f"0..{length}, in order, not overlapping). Restore the file.")
    if anchors:
        points = np.asarray(anchors, dtype=np.float64)
        if (points[:, 0] < 0).any() or (points[:, 0] > length).any() or (np.diff(points[:, 0]) < 0).any() \
                or (points[:, 1] < 0).any() or (np.diff(points[:, 1]) < 0).any():
            raise IntegrityError(f"{path}: its time anchors do not fit the text (offsets in 0..{length} in order, "
                                 "times never going back). Restore the file.")
    return Structure(turns=[(int(a), int(b), str(s)) for a, b, s in turns],
                     anchors=[(int(a), float(t)) for a, t in anchors],
                     pages=[(int(a), int(b), int(n)) for a, b, n in pages], source=str(data.get("source", "")))


class StructureStore:
    """The structures of a project's narratives, read and checked when the narratives are."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: dict[str, Structure] = {}
        self._hashes: dict[str, str] = {}

    def load(self, hashes: dict[str, str], texts: dict[str, str]) -> None:
        """Read (or keep) the structure of every narrative in *texts* that has one, checked against its text."""
        folder = self.root / "narratives"
        names = {entry.name[:-len(SUFFIX)] for entry in os.scandir(folder)
                 if entry.name.endswith(SUFFIX)} if folder.is_dir() else set()
        items = {}
        for nid in names & texts.keys():
            sha = hashes[nid]
            if nid in self.items and self._hashes.get(nid) == sha:
                items[nid] = self.items[nid]
                continue
            path = structure_path(self.root, nid)
            try:
                data = json.loads(path.read_bytes())
            except (ValueError, UnicodeDecodeError) as exc:
                raise IntegrityError(f"{path} is not readable JSON ({exc}). Restore it "
                                     "(e.g. `git checkout -- narratives/`).") from None
            if not isinstance(data, dict):
                raise IntegrityError(f"{path} is not a structure file (a JSON object). Restore it.")
            items[nid] = check_structure(data, path, sha, len(texts[nid]))
        self.items = items
        self._hashes = {nid: hashes[nid] for nid in items}
