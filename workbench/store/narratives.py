"""The stories on disk: ``narratives/<id>.txt`` (immutable canonical text) and ``narratives.csv``.

``narratives.csv`` holds one row per story: id, title, narrator, consent, the SHA-256 of its
text, then attributes. A text whose hash no longer matches is refused (:class:`IntegrityError`):
codings point into it by offset, so it must never change. Rows are added and changed under the
file's lock and written atomically, so many writers never lose each other's stories.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from .._files import file_stamp
from .._text import decode_bytes, sha256_text, slugify
from ..errors import IntegrityError, NotAProjectError, WorkbenchError
from . import logs
from .structure import StructureStore, remove_files, write_files

NARRATIVE_CORE = ["id", "title", "narrator", "consent"]
CSV_CORE = [*NARRATIVE_CORE, "sha256"]
_NARRATIVE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def read_narratives_csv(path: Path) -> pd.DataFrame:
    """``narratives.csv`` as a frame of text cells, core columns first; :class:`IntegrityError` if unusable.

    >>> write_narratives_csv(Path("narratives.csv"), pd.DataFrame(columns=CSV_CORE))
    >>> list(read_narratives_csv(Path("narratives.csv")).columns)
    ['id', 'title', 'narrator', 'consent', 'sha256']
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise IntegrityError(f"{path} is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or CSV_CORE
    missing = [c for c in CSV_CORE if c not in fields]
    if missing:
        raise IntegrityError(f"{path} lacks the column(s) {missing}; expected {', '.join(CSV_CORE)}, attributes...")
    rows = list(reader)
    columns = [*CSV_CORE, *[f for f in fields if f not in CSV_CORE]]
    return pd.DataFrame(rows, columns=columns, dtype=object).fillna("")


def write_narratives_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write *frame* as ``narratives.csv`` (core columns first), atomically.

    >>> write_narratives_csv(Path("narratives.csv"), pd.DataFrame(columns=CSV_CORE))
    >>> Path("narratives.csv").read_text()
    'id,title,narrator,consent,sha256\\n'
    """
    columns = [*CSV_CORE, *[c for c in frame.columns if c not in CSV_CORE]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(frame[columns].astype(str).itertuples(index=False, name=None))
    logs.atomic_write(path, buffer.getvalue())


def cell(value: Any) -> str:
    """An attribute value as its ``narratives.csv`` cell (one line of text; empty for none).

    >>> cell(2024), cell(None)
    ('2024', '')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        raise WorkbenchError("Attribute values must be one line of text.")
    return str(value)


def check_attribute_name(key: str) -> str:
    """*key* if it can name an attribute (not a core column, not empty), else a :class:`WorkbenchError`.

    >>> check_attribute_name("setting")
    'setting'
    """
    if key in CSV_CORE or not key.strip():
        raise WorkbenchError(f"{key!r} cannot be an attribute name (it is reserved or empty).")
    return key


class NarrativeStore:
    """The narratives of a project folder: their rows and their verified texts."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.csv = root / "narratives.csv"
        self.texts: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        self.frame = pd.DataFrame(columns=CSV_CORE)
        self._stamp: tuple | None = None
        self.structures = StructureStore(root)

    def lock(self) -> Any:
        """The lock guarding ``narratives.csv`` (and the text files added with it)."""
        return logs.lock_for(self.csv, self.root / ".locks")

    def load(self, force: bool = False) -> None:
        """Read ``narratives.csv`` and the texts again if the file changed (cheap when it did not)."""
        stamp = file_stamp(self.csv)
        if stamp is None:
            raise NotAProjectError(f"{self.root} has no narratives.csv; is it a workbench project?")
        if not force and stamp == self._stamp:
            return
        frame = read_narratives_csv(self.csv)
        texts = {}
        for row in frame.itertuples(index=False):
            if row.consent == "withdrawn" and row.sha256 == "":
                continue  # the text was removed on withdrawal
            if row.id in self.texts and self._hashes.get(row.id) == row.sha256:
                texts[row.id] = self.texts[row.id]
            else:
                texts[row.id] = self._read_text(row.id, row.sha256)
        hashes = dict(zip(frame["id"], frame["sha256"]))
        self.structures.load(hashes, texts)
        self.texts, self._hashes = texts, hashes
        self.frame, self._stamp = frame, stamp

    def _read_text(self, nid: str, sha: str) -> str:
        path = self.root / "narratives" / f"{nid}.txt"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise IntegrityError(
                f"{path} is missing, but narratives.csv lists narrative {nid!r}. "
                "Restore the file (e.g. `git checkout -- narratives/`)."
            ) from None
        text = decode_bytes(data, str(path))
        if sha256_text(text) != sha:
            raise IntegrityError(
                f"{path} has changed since it was added (its SHA-256 no longer matches narratives.csv). "
                "A narrative's text is immutable because codings point into it: restore the original "
                "(e.g. `git checkout -- narratives/`), or add the new version as a new narrative."
            )
        return text

    def ids_by_hash(self) -> dict[str, str]:
        """``{sha256 of a text: narrative id}``: tells an import which stories are already here."""
        return dict(zip(self.frame["sha256"], self.frame["id"]))

    def add(self, items: list[dict], taken_elsewhere: Callable[[str], bool],
            progress: Callable[[Iterable], Iterable] = iter) -> list[str]:
        """Write checked stories (``id`` or None, title, narrator, consent, text, attributes) under one lock.

        An id is the item's own (if free) or a slug of its title made unique; *taken_elsewhere*
        says which ids are spoken for beyond the file (withdrawn ones). Returns the ids.
        """
        with self.lock():
            frame = read_narratives_csv(self.csv)
            taken = set(frame["id"])
            rows, ids = [], []
            for item in items:
                nid = self._free_id(item.get("id"), item["title"], taken, taken_elsewhere)
                taken.add(nid)
                ids.append(nid)
                rows.append({"id": nid, "title": item["title"], "narrator": item["narrator"],
                             "consent": item["consent"], "sha256": sha256_text(item["text"]),
                             **{k: cell(v) for k, v in item["attributes"].items()}, "_text": item["text"],
                             "_beside": (item.get("structure"), item.get("media"))})
            folder = self.root / "narratives"
            folder.mkdir(exist_ok=True)
            for row in progress(rows):
                structure, media = row.pop("_beside")
                if structure is not None or media is not None:
                    write_files(self.root, row["id"], structure, row["sha256"], media)
                logs.atomic_write(folder / f"{row['id']}.txt", row.pop("_text"))
            new = pd.DataFrame(rows).fillna("")
            write_narratives_csv(self.csv, pd.concat([frame, new], ignore_index=True).fillna(""))
        self.load()
        return ids

    @staticmethod
    def _free_id(wanted: Any, title: str, taken: set, taken_elsewhere: Callable[[str], bool]) -> str:
        if wanted is not None:
            if not isinstance(wanted, str) or not _NARRATIVE_ID.match(wanted):
                raise WorkbenchError(
                    f"Narrative id {wanted!r} is not usable: lower-case letters, digits, '-' and '_'.")
            if wanted in taken or taken_elsewhere(wanted):
                raise WorkbenchError(f"There is already a narrative with id {wanted!r}.")
            return wanted
        base = slugify(title, fallback="story")
        nid, n = base, 2
        while nid in taken or taken_elsewhere(nid):
            nid, n = f"{base}-{n}", n + 1
        return nid

    def update(self, nid: str, changes: dict[str, str]) -> None:
        """Set cells of narrative *nid*'s row (new columns are added empty for the others)."""
        with self.lock():
            frame = read_narratives_csv(self.csv)
            for key, value in changes.items():
                if key not in frame.columns:
                    frame[key] = ""
                frame.loc[frame["id"] == nid, key] = value
            write_narratives_csv(self.csv, frame)
        self.load()

    def remove(self, nid: str) -> None:
        """Delete narrative *nid*'s row and text file (a withdrawal)."""
        with self.lock():
            frame = read_narratives_csv(self.csv)
            write_narratives_csv(self.csv, frame[frame["id"] != nid])
            (self.root / "narratives" / f"{nid}.txt").unlink(missing_ok=True)
            remove_files(self.root, nid)
        self.texts.pop(nid, None)
        self.load(force=True)

    def public_frame(self) -> pd.DataFrame:
        """The narratives as ``p.narratives`` shows them: no hashes, no withdrawn rows, numbers as numbers."""
        frame = self.frame.drop(columns=["sha256"])
        frame = frame[frame["consent"] != "withdrawn"].reset_index(drop=True)
        for column in frame.columns[len(NARRATIVE_CORE):]:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if len(frame) and numbers.notna().all() and (frame[column] != "").all():
                frame[column] = numbers.astype("int64") if (numbers % 1 == 0).all() else numbers
        return frame
