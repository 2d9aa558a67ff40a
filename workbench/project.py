"""A research project: a folder of plain files, read into a :class:`Project`.

The folder is the single source of truth (see ``docs/project-format.md``)::

    workbench.toml               name, format version, created
    narratives.csv               id, title, narrator, consent, sha256, attributes...
    narratives/<id>.txt          canonical UTF-8 text of each story (immutable)
    codebook.yaml                the current codebook, regenerated from its events
    events/codebook/<coder>.jsonl   codebook changes, with who, when and why
    events/codings/<coder>.jsonl    coded / uncoded / noted events of one coder
    events/memos/<coder>.jsonl      memos of one coder

Every coder writes only their own files, so a project shared through git merges without
conflicts, and 30 people can code one project on a shared server at once. Nothing is
overwritten: the current state is the fold of all events.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import secrets
import shutil
import tempfile
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import _cache, _log
from ._text import canonical_text, decode_bytes, sha256_text, slugify
from .codebook import Codebook, read_codebook_file
from .errors import (
    CoderNameError,
    ConsentError,
    IntegrityError,
    NotAProjectError,
    ProjectExistsError,
    SpanError,
    UnknownCodingError,
    UnknownNarrativeError,
    WorkbenchError,
)

FORMAT_VERSION = 1
CONSENT_VALUES = ("given", "restricted", "withdrawn")
CODING_COLUMNS = ["coding_id", "narrative_id", "start", "end", "code", "coder", "created_at", "note", "text"]
NARRATIVE_CORE = ["id", "title", "narrator", "consent"]
_CSV_CORE = [*NARRATIVE_CORE, "sha256"]
_CODER = re.compile(r"^[^\s./\x00-\x1f\x7f][^/\x00-\x1f\x7f]{0,63}$")
_NARRATIVE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_SNAPSHOT_AFTER = 8 << 20  # bytes of a log parsed at open before a snapshot is worth writing
_CODING_FIELDS = ["event", "id", "coder", "at", "narrative", "start", "end", "code", "code_id", "text", "note"]


def _coding_schema():
    import pyarrow as pa

    return pa.schema([
        ("event", pa.string()), ("id", pa.string()), ("at", pa.string()), ("narrative", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("code", pa.string()), ("code_id", pa.string()), ("text", pa.string()), ("note", pa.string()),
    ])


def check_coder(coder: Any) -> str:
    """Return *coder* if it can name a coder (and their files), else raise :class:`CoderNameError`."""
    if not isinstance(coder, str) or not _CODER.match(coder) or coder != coder.strip():
        raise CoderNameError(
            f"{coder!r} cannot be a coder name: use 1-64 characters, no '/' or control characters, "
            "not starting with a dot or a space (e.g. 'ana', 'R. Osei', 'group:tuesday')."
        )
    return coder


def _coder_file(coder: str) -> str:
    """File name for a coder's log: readable for plain names, escaped otherwise (``auto:x`` -> ``auto%3Ax``)."""
    from urllib.parse import quote

    return quote(coder, safe=" @+,=()[]{}'!~-_") + ".jsonl"


def _coder_from_file(path: Path) -> str:
    from urllib.parse import unquote

    return unquote(path.name[: -len(".jsonl")])


class Project:
    """An open project. Create one with :func:`create_project`, :func:`open_project` or :func:`sample_project`.

    >>> p = wb.open_project("my-project")
    >>> nid = p.narratives.id[0]
    >>> cid = p.code(nid, 0, 40, "reciprocity", coder="ana")
    >>> p.codings(coder="ana").head()
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path).resolve()
        meta_file = self.path / "workbench.toml"
        if not meta_file.is_file():
            hint = " (it does not exist)" if not self.path.exists() else ""
            raise NotAProjectError(
                f"{self.path}{hint} is not a workbench project: it has no workbench.toml. "
                "Create one with wb.create_project(path) or `workbench init PATH`."
            )
        try:
            self._meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise NotAProjectError(f"{meta_file} is not valid TOML: {exc}") from None
        version = self._meta.get("format_version", 1)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise NotAProjectError(
                f"{meta_file} has format version {version!r}; this workbench reads up to {FORMAT_VERSION}. "
                "Upgrade narrative-workbench."
            )
        self.codebook = Codebook(self)
        self._last_at = ""
        self._texts: dict[str, str] = {}
        self._texts_hash: dict[str, str] = {}
        self._narratives = pd.DataFrame(columns=NARRATIVE_CORE)
        self._narratives_stamp: tuple | None = None
        self._readers: dict[Path, _log.LogReader] = {}
        self._coding_tables: dict[Path, list] = {}  # per log: Arrow tables of parsed events
        self._coding_pending: list[tuple[Path, dict]] = []  # our own recent writes
        self._coding_frame: pd.DataFrame | None = None  # all events, as one frame
        self._codings_cache: pd.DataFrame | None = None  # folded codings, arrival order
        self._sorted_cache: pd.DataFrame | None = None  # the same in reading order
        self._names_stale = False  # codebook changed: code names need a remap
        self._memo_events: list[dict] = []
        self._codebook_events: list[dict] = []
        self._withdrawn: set[str] = set()
        self._withdraw_stamp: tuple | None = None
        self._load()

    # ------------------------------------------------------------------ paths & time
    @property
    def name(self) -> str:
        """The project's name (from ``workbench.toml``)."""
        return str(self._meta.get("name", self.path.name))

    def _dir(self, *parts: str) -> Path:
        return self.path.joinpath(*parts)

    def _lock(self, path: Path):
        return _log.lock_for(path, self._dir(".locks"))

    def _now(self) -> str:
        """UTC time as ISO text, strictly increasing within this process (orders same-instant events)."""
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if now <= self._last_at:
            last = datetime.strptime(self._last_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
            now = (last + pd.Timedelta(microseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self._last_at = now
        return now

    def __repr__(self) -> str:
        return (f"<Project {self.name!r} at {self.path}: {len(self._narratives)} narratives, "
                f"{len(self.codebook)} codes>")

    # ------------------------------------------------------------------ loading
    def _load(self) -> None:
        self._load_narratives(force=True)
        self._load_withdrawals()
        for reader in self._readers.values():
            reader.reset()
        self._clear_events()
        self.refresh(_first=True)
        self._sync_codebook_yaml()

    def _clear_events(self) -> None:
        self._coding_tables, self._coding_pending = {}, []
        self._coding_frame, self._codings_cache, self._sorted_cache = None, None, None
        self._memo_events, self._codebook_events = [], []

    def refresh(self, _first: bool = False) -> "Project":
        """Pick up what other people (processes) wrote since the last look; cheap when nothing changed.

        >>> p.refresh().codings()
        """
        self._load_narratives()
        if self._load_withdrawals():
            return self._reload_events()
        codebook_changed = self._read_small_logs("codebook", self._codebook_events)
        memos_changed = self._read_small_logs("memos", self._memo_events)
        if codebook_changed is None or memos_changed is None:
            return self._reload_events()  # a log was rewritten (a withdrawal): read everything afresh
        if codebook_changed:
            self.codebook._load(self._codebook_events)
            self._names_stale = True
        cache_dir = self._dir(".workbench-cache")
        for path in sorted(self._dir("events", "codings").glob("*.jsonl")):
            reader = self._reader(path)
            snapshot = _cache.load(cache_dir, path) if _first else None
            if snapshot is not None:
                table, reader.offset, reader.inode = snapshot
                self._coding_tables[path] = [table]
            covered = reader.offset
            data, replaced = reader.read_new_bytes()
            if replaced:
                return self._reload_events()
            if data:
                self._take_coding_bytes(data, path)
                if _first and reader.offset - covered > _SNAPSHOT_AFTER:
                    import pyarrow as pa

                    parsed = [t for p, t in self._coding_pending if p == path]
                    _cache.save(cache_dir, path, pa.concat_tables(self._coding_tables.get(path, []) + parsed)
                                .combine_chunks(), reader.offset)
        return self

    def _read_small_logs(self, folder: str, sink: list[dict]) -> bool | None:
        """Append the new events of ``events/<folder>/*.jsonl`` to *sink*: True if any, None if a log was replaced."""
        changed = False
        for path in sorted(self._dir("events", folder).glob("*.jsonl")):
            data, replaced = self._reader(path).read_new_bytes()
            if replaced:
                return None
            if data:
                sink.extend(self._stamp(_log.parse_lines(data, path), path))
                changed = True
        return changed

    def _reload_events(self) -> "Project":
        self._readers = {}
        self._clear_events()
        return self.refresh(_first=True)

    def _reader(self, path: Path) -> _log.LogReader:
        if path not in self._readers:
            self._readers[path] = _log.LogReader(path)
        return self._readers[path]

    @staticmethod
    def _stamp(records: list[dict], path: Path) -> list[dict]:
        """The file a record sits in says who wrote it; that wins over the line's own claim."""
        coder = _coder_from_file(path)
        for record in records:
            record["coder"] = coder
        return records

    def _take_coding_bytes(self, data: bytes, path: Path) -> None:
        """Parse coding events read from *path* (pyarrow for bulk, the careful parser otherwise).

        They wait as pending events, folded into the current codings on the next read.
        """
        table = _log.parse_lines_fast(data, path, _coding_schema()) if len(data) > 1 << 16 else None
        if table is None:
            import pyarrow as pa

            records = _log.parse_lines(data, path)
            if not records:
                return
            table = pa.Table.from_pylist(records, schema=_coding_schema())
        self._coding_pending.append((path, table))

    def _load_narratives(self, force: bool = False) -> None:
        csv_path = self._dir("narratives.csv")
        try:
            stat = csv_path.stat()
        except FileNotFoundError:
            raise NotAProjectError(f"{self.path} has no narratives.csv; is it a workbench project?") from None
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if not force and stamp == self._narratives_stamp:
            return
        frame = _read_narratives_csv(csv_path)
        texts = {}
        for row in frame.itertuples(index=False):
            if row.consent == "withdrawn" and row.sha256 == "":
                continue  # the text was removed on withdrawal
            if row.id in self._texts and self._texts_hash.get(row.id) == row.sha256:
                texts[row.id] = self._texts[row.id]
                continue
            texts[row.id] = self._read_text(row.id, row.sha256)
        self._texts = texts
        self._texts_hash = dict(zip(frame["id"], frame["sha256"]))
        self._narratives = frame
        self._narratives_stamp = stamp

    def _read_text(self, nid: str, sha: str) -> str:
        path = self._dir("narratives", f"{nid}.txt")
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

    def _load_withdrawals(self) -> bool:
        """Read the withdrawal tombstones; True when they changed since the last look."""
        path = self._dir("events", "withdrawals.jsonl")
        try:
            stat = path.stat()
            stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if stamp == self._withdraw_stamp:
            return False
        self._withdraw_stamp = stamp
        records = _log.parse_lines(path.read_bytes(), path) if stamp else []
        self._withdrawn = {r["key"] for r in records if r.get("key")}
        return True

    def _sync_codebook_yaml(self) -> None:
        """Regenerate ``codebook.yaml`` when it no longer shows the codebook (e.g. after a git pull)."""
        path = self._dir("codebook.yaml")
        wanted = self.codebook.to_yaml()
        try:
            if path.read_text(encoding="utf-8") == wanted:
                return
        except (FileNotFoundError, UnicodeDecodeError):
            pass
        try:
            _log.atomic_write(path, wanted)
        except OSError:  # a read-only copy of a project still opens
            pass

    # ------------------------------------------------------------------ narratives
    @property
    def narratives(self) -> pd.DataFrame:
        """One row per narrative: id, title, narrator, consent, then attributes.

        >>> p.narratives[["id", "title", "setting"]]
        """
        frame = self._narratives.drop(columns=["sha256"])
        frame = frame[frame["consent"] != "withdrawn"].reset_index(drop=True)
        for column in frame.columns[len(NARRATIVE_CORE):]:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if len(frame) and numbers.notna().all() and (frame[column] != "").all():
                frame[column] = numbers.astype("int64") if (numbers % 1 == 0).all() else numbers
        return frame

    @property
    def attributes(self) -> list[str]:
        """Names of the narrative attributes (columns after id, title, narrator, consent)."""
        return [c for c in self._narratives.columns if c not in _CSV_CORE]

    def text(self, nid: str) -> str:
        """The canonical text of narrative *nid* (NFC, ``\\n`` line ends, no BOM).

        >>> p.text("kitchen-table")[:60]
        """
        self._check_narrative(nid)
        return self._texts[nid]

    def _check_narrative(self, nid: Any) -> None:
        if isinstance(nid, str) and _tombstone_key(nid) in self._withdrawn:
            raise ConsentError(f"Narrative {nid!r} was withdrawn by its narrator; it can no longer be used.")
        if nid not in self._texts:
            self._load_narratives()
            if nid not in self._texts:
                known = ", ".join(list(self._texts)[:8])
                raise UnknownNarrativeError(
                    f"There is no narrative {nid!r} in this project. Known ids include: {known}"
                    f"{', ...' if len(self._texts) > 8 else ''}. See p.narratives."
                )

    def add_narrative(
        self,
        text: str,
        title: str | None = None,
        narrator: str = "",
        attributes: Mapping[str, Any] | None = None,
        consent: str = "given",
        id: str | None = None,
    ) -> str:
        """Add a story and return its id. The text is stored canonical: NFC, ``\\n`` line ends, no BOM.

        The text is immutable afterwards (codings point into it). The id is a slug of the title
        unless given.

        >>> nid = p.add_narrative("When I first walked in...", title="First walk-in", narrator="R07",
        ...                       attributes={"setting": "peer group", "year": 2024})
        """
        return self._add_narratives([dict(text=text, title=title, narrator=narrator,
                                          attributes=attributes or {}, consent=consent, id=id)])[0]

    def _add_narratives(self, items: list[dict], progress: bool = False) -> list[str]:
        """Validate every item first, then write them all under one lock (all or nothing)."""
        prepared = []
        for item in items:
            text = item["text"]
            if isinstance(text, bytes):
                text = decode_bytes(text, item.get("title") or "narrative")
            if not isinstance(text, str):
                raise WorkbenchError(f"A narrative's text must be a string, got {type(text).__name__}.")
            text = canonical_text(text)
            if not text.strip():
                raise WorkbenchError(f"Narrative {item.get('title') or item.get('id')!r} has no text.")
            consent = item.get("consent") or "given"
            if consent not in ("given", "restricted"):
                raise ConsentError(f"consent must be 'given' or 'restricted' when adding (got {consent!r}).")
            attributes = {str(k): v for k, v in dict(item.get("attributes") or {}).items()}
            for key, value in attributes.items():
                if key in _CSV_CORE or not key.strip():
                    raise WorkbenchError(f"{key!r} cannot be an attribute name (it is reserved or empty).")
                if isinstance(value, (dict, list, tuple, set)):
                    raise WorkbenchError(f"Attribute {key!r} must be a single value, not {type(value).__name__}.")
            title = str(item.get("title") or text.strip().splitlines()[0][:60])
            prepared.append((item.get("id"), title, str(item.get("narrator") or ""), consent, text, attributes))

        csv_path = self._dir("narratives.csv")
        with self._lock(csv_path):
            frame = _read_narratives_csv(csv_path)
            taken = set(frame["id"])
            rows, ids = [], []
            for wanted_id, title, narrator, consent, text, attributes in prepared:
                if wanted_id is not None:
                    if not isinstance(wanted_id, str) or not _NARRATIVE_ID.match(wanted_id):
                        raise WorkbenchError(
                            f"Narrative id {wanted_id!r} is not usable: lower-case letters, digits, '-' and '_'.")
                    if wanted_id in taken or _tombstone_key(wanted_id) in self._withdrawn:
                        raise WorkbenchError(f"There is already a narrative with id {wanted_id!r}.")
                    nid = wanted_id
                else:
                    base = slugify(title, fallback="story")
                    nid, n = base, 2
                    while nid in taken or _tombstone_key(nid) in self._withdrawn:
                        nid, n = f"{base}-{n}", n + 1
                taken.add(nid)
                ids.append(nid)
                rows.append({"id": nid, "title": title, "narrator": narrator, "consent": consent,
                             "sha256": sha256_text(text), **{k: _cell(v) for k, v in attributes.items()},
                             "_text": text})
            folder = self._dir("narratives")
            folder.mkdir(exist_ok=True)
            for row in _progress(rows, "Adding narratives", progress):
                _log.atomic_write(folder / f"{row['id']}.txt", row.pop("_text"))
            new = pd.DataFrame(rows).fillna("")
            frame = pd.concat([frame, new], ignore_index=True).fillna("")
            _write_narratives_csv(csv_path, frame)
        self._load_narratives()
        return ids

    def import_narratives(self, source: str | os.PathLike | Iterable[str | os.PathLike],
                          text_column: str = "text", pseudonyms: str | os.PathLike | None = None,
                          progress: bool = True, encoding: str | None = None) -> pd.DataFrame:
        """Import stories from a folder or files: ``.txt``, ``.md``, ``.docx``, and ``.csv`` with a text column.

        Text is canonicalised (NFC, ``\\n`` line ends, no BOM). With ``pseudonyms`` (a CSV of
        ``real,pseudonym`` kept *outside* the project folder), names are replaced in every text,
        title and narrator before anything is written (see docs/care.md). A file whose text is
        already in the project is skipped. Everything is checked before anything is written.
        Returns one row per story: file, id, title, status.

        >>> p.import_narratives("interviews/", pseudonyms="../private/names.csv")
        """
        from .importers import read_sources

        items, skipped = read_sources(source, text_column=text_column, encoding=encoding)
        if pseudonyms is not None:
            from .care import apply_pseudonyms, load_pseudonyms

            seen = [str(v) for item in items for v in (item["text"], item.get("title"), item.get("narrator"),
                                                         *(item.get("attributes") or {}).values()) if v]
            mapping = load_pseudonyms(pseudonyms, texts=seen, project_path=self.path)
            for item in items:
                for key in ("text", "title", "narrator"):
                    if item.get(key):
                        item[key] = apply_pseudonyms(item[key], mapping)
                item["attributes"] = {k: apply_pseudonyms(v, mapping) if isinstance(v, str) and v else v
                                      for k, v in (item.get("attributes") or {}).items()}
        known = dict(zip(self._narratives["sha256"], self._narratives["id"]))
        fresh, report = [], []
        for item in items:
            sha = sha256_text(canonical_text(item["text"]))
            if sha in known:
                report.append({"file": item["file"], "id": known[sha], "title": item.get("title"),
                               "status": "skipped: same text already in the project"})
                continue
            known[sha] = "(this import)"
            fresh.append(item)
        ids = self._add_narratives([{k: v for k, v in item.items() if k != "file"} for item in fresh],
                                   progress=progress) if fresh else []
        for item, nid in zip(fresh, ids):
            report.append({"file": item["file"], "id": nid, "title": item.get("title"), "status": "added"})
        report.extend(skipped)
        return pd.DataFrame(report, columns=["file", "id", "title", "status"])

    def set_attributes(self, nid: str, **attributes: Any) -> None:
        """Set narrative attributes (e.g. ``setting="warm line"``); the text never changes."""
        self._update_narrative_row(nid, {k: _cell(v) for k, v in attributes.items()}, check_keys=True)

    def set_consent(self, nid: str, consent: str) -> None:
        """Record the narrator's consent: ``"given"``, ``"restricted"`` (counted, never quoted) or ``"withdrawn"``.

        ``"withdrawn"`` is the same as :meth:`withdraw`.
        """
        if consent not in CONSENT_VALUES:
            raise ConsentError(f"consent must be one of {CONSENT_VALUES}, not {consent!r}.")
        if consent == "withdrawn":
            self.withdraw(nid, reason="consent set to withdrawn")
            return
        self._check_narrative(nid)
        self._update_narrative_row(nid, {"consent": consent})

    def _update_narrative_row(self, nid: str, changes: dict, check_keys: bool = False) -> None:
        self._check_narrative(nid)
        if check_keys:
            for key in changes:
                if key in _CSV_CORE or not key.strip():
                    raise WorkbenchError(f"{key!r} cannot be set as an attribute.")
        csv_path = self._dir("narratives.csv")
        with self._lock(csv_path):
            frame = _read_narratives_csv(csv_path)
            for key, value in changes.items():
                if key not in frame.columns:
                    frame[key] = ""
                frame.loc[frame["id"] == nid, key] = value
            _write_narratives_csv(csv_path, frame)
        self._load_narratives()

    # ------------------------------------------------------------------ coding
    def code(self, nid: str, start: int, end: int, code: str, coder: str, note: str | None = None) -> str:
        """Code the passage ``[start, end)`` of narrative *nid* with *code*, as *coder*; returns the coding id.

        Offsets are code points into :meth:`text`. The event is on disk when this returns.

        >>> cid = p.code("kitchen-table", 120, 187, "reciprocity", coder="ana", note="both learn")
        """
        return self._write_codings([self._coding_event(nid, start, end, code, coder, note)], coder)[0]

    def code_many(self, rows: pd.DataFrame | Iterable[Mapping[str, Any]], coder: str,
                  progress: bool = False) -> list[str]:
        """Write many codings for one coder at once: one lock and one fsync for the batch.

        *rows* has ``narrative_id, start, end, code`` and optionally ``note`` (and ``created_at``
        for importers that keep another tool's times). All rows are checked before any is written.

        >>> p.code_many([{"narrative_id": nid, "start": 0, "end": 12, "code": "reciprocity"}], coder="ana")
        """
        from json.encoder import encode_basestring as quote

        check_coder(coder)
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        if frame.empty:
            return []
        missing = {"narrative_id", "start", "end", "code"} - set(frame.columns)
        if missing:
            raise WorkbenchError(f"code_many() rows lack column(s) {sorted(missing)}.")
        nids = frame["narrative_id"].to_numpy(dtype=object)
        for nid in pd.unique(nids):
            self._check_narrative(nid)
        starts, ends = _offsets(frame["start"], "start"), _offsets(frame["end"], "end")
        lengths = pd.Series(nids).map({nid: len(text) for nid, text in self._texts.items()}).to_numpy()
        bad = np.flatnonzero(~((starts >= 0) & (starts < ends) & (ends <= lengths)))
        if len(bad):
            row = int(bad[0])  # the single-coding check words the problem best
            self._coding_event(nids[row], int(starts[row]), int(ends[row]), "", coder, None, check_name=False)
            raise SpanError(f"Row {row}: span [{starts[row]}, {ends[row]}) does not fit narrative {nids[row]!r}.")
        names = frame["code"].to_numpy(dtype=object)
        entries = {}
        for name in pd.unique(names):
            if not isinstance(name, str):
                raise WorkbenchError(f"code must be a code name (text), got {name!r}.")
            try:
                entries[name] = self.codebook._get(name)
            except WorkbenchError:
                self.refresh()
                entries[name] = self.codebook._get(name)
        notes = frame["note"].to_numpy(dtype=object) if "note" in frame else np.full(len(frame), None, dtype=object)
        notes = [None if _none_if_nan(n) is None or n == "" else n for n in notes]
        if any(n is not None and not isinstance(n, str) for n in notes):
            raise WorkbenchError("notes must be text (or empty).")
        if "created_at" in frame and frame["created_at"].notna().any():
            stamps = pd.to_datetime(frame["created_at"], utc=True, format="mixed").dt.tz_convert(None)
            text = np.char.add(np.datetime_as_string(stamps.to_numpy(dtype="datetime64[us]"), unit="us"), "Z")
            times = np.where(stamps.isna().to_numpy(), self._now(), text).tolist()
        else:
            times = [self._now()] * len(frame)
        ids = [token[i:i + 16] for token in [secrets.token_hex(8 * len(frame))] for i in range(0, 16 * len(frame), 16)]
        texts = self._texts
        passages = [texts[n][a:b] for n, a, b in zip(nids, starts.tolist(), ends.tolist())]
        who = quote(coder)
        quoted = {n: quote(n) for n in pd.unique(nids)}
        code_json = {name: (quote(e.name), quote(e.code_id)) for name, e in entries.items()}
        lines = "".join(
            f'{{"event":"coded","id":"{i}","coder":{who},"at":"{t}","narrative":{quoted[n]},"start":{a},'
            f'"end":{b},"code":{code_json[c][0]},"code_id":{code_json[c][1]},"text":{quote(x)},'
            f'"note":{"null" if m is None else quote(m)}}}\n'
            for i, t, n, a, b, c, x, m in zip(ids, times, nids, starts.tolist(), ends.tolist(), names, passages, notes))
        path = self._dir("events", "codings", _coder_file(coder))
        self._append(path, [{"narrative": n} for n in quoted], guard=self._refuse_withdrawn, lines=lines)
        import pyarrow as pa

        table = pa.table({"event": pa.array(["coded"] * len(ids)), "id": ids, "at": times,
                          "narrative": pa.array(nids.tolist(), pa.string()), "start": starts, "end": ends,
                          "code": [entries[c].name for c in names], "code_id": [entries[c].code_id for c in names],
                          "text": passages, "note": pa.array(notes, pa.string())}).select(_coding_schema().names)
        self._coding_pending.append((path, table))
        return ids

    def _coding_event(self, nid: Any, start: Any, end: Any, code: Any, coder: str, note: Any,
                      check_name: bool = True) -> dict:
        if check_name:
            check_coder(coder)
        self._check_narrative(nid)
        text = self._texts[nid]
        for label, value in (("start", start), ("end", end)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                if isinstance(value, (float, np.floating)) and float(value).is_integer():
                    continue
                raise SpanError(f"{label} must be a whole number (a character offset), got {value!r}.")
        start, end = int(start), int(end)
        if not 0 <= start < end <= len(text):
            problem = ("is empty" if start == end else "is reversed" if start > end
                       else f"lies outside the text (0..{len(text)})")
            raise SpanError(
                f"The span [{start}, {end}) of narrative {nid!r} {problem}. Offsets are character "
                f"positions in p.text({nid!r}), start inclusive, end exclusive."
            )
        if not isinstance(code, str):
            raise WorkbenchError(f"code must be a code name (text), got {code!r}.")
        try:
            entry = self.codebook._get(code)
        except WorkbenchError:
            self.refresh()  # someone may just have added it
            entry = self.codebook._get(code)
        if note is not None and not isinstance(note, str):
            raise WorkbenchError(f"note must be text, got {type(note).__name__}.")
        return {"event": "coded", "id": secrets.token_hex(8), "coder": coder, "at": self._now(),
                "narrative": nid, "start": start, "end": end, "code": entry.name, "code_id": entry.code_id,
                "text": text[start:end], "note": note or None}

    def _write_codings(self, events: list[dict], coder: str) -> list[str]:
        if not events:
            return []
        path = self._dir("events", "codings", _coder_file(coder))
        self._append(path, events, guard=self._refuse_withdrawn)
        import pyarrow as pa

        self._coding_pending.append((path, pa.Table.from_pylist(events, schema=_coding_schema())))
        return [e["id"] for e in events if e["event"] == "coded"]

    def _refuse_withdrawn(self, events: list[dict]) -> None:
        """Checked under the log's lock: a withdrawal another process made wins over our stale view."""
        self._load_withdrawals()
        hit = self._withdrawn_among({e.get("narrative") for e in events})
        if hit:
            raise ConsentError(f"Narrative(s) {sorted(hit)} were withdrawn by their narrator; nothing was written.")

    def _append(self, path: Path, events: list[dict], guard=None, lines: str | None = None) -> None:
        """Append *events* (or their ready *lines*) to *path* under its lock; take in what others appended meanwhile."""
        path.parent.mkdir(parents=True, exist_ok=True)
        reader = self._reader(path)
        if lines is None:
            lines = "".join(_log.dumps({k: v for k, v in e.items() if v is not None or k == "note"}) for e in events)
        with self._lock(path):
            if guard is not None:
                guard(events)
            others, replaced = reader.read_new_bytes()
            _log.append_lines(path, lines)
            reader.offset = path.stat().st_size
        if replaced:
            self._reload_events()
            return
        if others:
            if path.parent.name == "codings":
                self._take_coding_bytes(others, path)
            elif path.parent.name == "memos":
                self._memo_events.extend(self._stamp(_log.parse_lines(others, path), path))
            else:
                self._codebook_events.extend(self._stamp(_log.parse_lines(others, path), path))

    def uncode(self, coding_id: str, coder: str) -> None:
        """Remove one of *coder*'s own codings (an ``uncoded`` event; the history keeps it).

        >>> p.uncode(cid, coder="ana")
        """
        check_coder(coder)
        row = self._coding_row(coding_id)
        if row["coder"] != coder:
            raise UnknownCodingError(
                f"Coding {coding_id!r} belongs to {row['coder']!r}; {coder!r} can only remove their own codings. "
                "Talk it through, or record your own reading.")
        self._write_codings([{"event": "uncoded", "id": coding_id, "coder": coder, "at": self._now(),
                              "narrative": row["narrative_id"]}], coder)

    def annotate(self, coding_id: str, note: str, coder: str) -> None:
        """Set (or replace, keeping history) the note on one of *coder*'s own codings."""
        check_coder(coder)
        if not isinstance(note, str):
            raise WorkbenchError("note must be text.")
        row = self._coding_row(coding_id)
        if row["coder"] != coder:
            raise UnknownCodingError(f"Coding {coding_id!r} belongs to {row['coder']!r}; notes are the coder's own.")
        self._write_codings([{"event": "noted", "id": coding_id, "coder": coder, "at": self._now(),
                              "narrative": row["narrative_id"], "note": note}], coder)

    def _coding_row(self, coding_id: str) -> pd.Series:
        for attempt in range(2):
            current = self._current_codings()
            hit = np.flatnonzero(current["coding_id"].to_numpy() == coding_id)
            if len(hit):
                return current.iloc[hit[0]]
            if attempt == 0:
                self.refresh()
        raise UnknownCodingError(f"There is no current coding {coding_id!r} (removed, or never made).")

    # ------------------------------------------------------------------ reading codings
    # State: every parsed event lives in Arrow tables per log (``_coding_tables``); events not yet
    # folded wait in ``_coding_pending``. The fold (``_codings_cache``, arrival order) is rebuilt
    # only when needed (first use, withdrawal); new events are applied to it incrementally, so a
    # click in a widget on a project of a million codings costs milliseconds, not a rebuild.

    def _coding_events(self) -> pd.DataFrame:
        """Every coding event ever written (all coders), one row each; ``coder`` from the file's name."""
        import pyarrow as pa

        if self._codings_cache is not None:
            self._current_codings()  # fold pending events into the codings before they are absorbed
        self._absorb_pending()
        if self._coding_frame is None:
            parts = [(path, table) for path, tables in self._coding_tables.items() for table in tables]
            if not parts:
                return pd.DataFrame({c: pd.Series(dtype=object) for c in _CODING_FIELDS})
            # one contiguous chunk per column: filtering many small chunks is what makes pyarrow slow
            frame = pa.concat_tables([t for _, t in parts]).combine_chunks().to_pandas()
            names = np.array([_coder_from_file(p) for p, _ in parts], dtype=object)
            frame["coder"] = np.repeat(names, [len(t) for _, t in parts])
            self._coding_frame = frame
        return self._coding_frame

    def _absorb_pending(self) -> pd.DataFrame | None:
        """Move pending events into the tables; return them as one frame (None if there were none)."""
        if not self._coding_pending:
            return None
        pending, self._coding_pending = self._coding_pending, []
        frames = []
        for path, table in pending:
            self._coding_tables.setdefault(path, []).append(table)
            frame = table.to_pandas()
            frame["coder"] = _coder_from_file(path)
            frames.append(frame)
        new = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if self._coding_frame is not None:
            self._coding_frame = pd.concat([self._coding_frame, new], ignore_index=True)
        return new

    def _current_codings(self) -> pd.DataFrame:
        """The fold: coded events minus those uncoded by their own coder, with the latest note."""
        if self._codings_cache is None:
            self._codings_cache = self._fold(self._coding_events())
            # a full fold comes in reading order already
            self._sorted_cache, self._names_stale = self._codings_cache.drop(columns="_code_id"), False
        elif self._coding_pending:
            new = self._absorb_pending()
            self._codings_cache = self._fold(new, base=self._codings_cache)
            self._sorted_cache = None
        if self._names_stale:
            cache = self._codings_cache
            self._codings_cache = cache.assign(code=_renamed(cache["_code_id"], cache["code"], self.codebook.name_map()))
            self._names_stale, self._sorted_cache = False, None
        return self._codings_cache

    def _fold(self, events: pd.DataFrame, base: pd.DataFrame | None = None) -> pd.DataFrame:
        """Fold *events* (onto the folded *base*, if given) into current codings.

        A full fold (no *base*) returns reading order with a single take of the big columns;
        an incremental one appends to *base*.
        """
        is_coded = events["event"].to_numpy() == "coded"
        keep = is_coded.copy()
        if self._withdrawn:
            keep &= ~events["narrative"].isin(self._withdrawn_among(events["narrative"].unique())).to_numpy()
        gone, notes = set(), {}
        if not is_coded.all():
            others = events[~is_coded]
            wanted = others["id"].unique()
            touched = np.flatnonzero(is_coded & events["id"].isin(wanted).to_numpy())
            owner = dict(zip(events["id"].iloc[touched], events["coder"].iloc[touched]))
            if base is not None:
                hit = base[base["coding_id"].isin(wanted)]
                owner.update(zip(hit["coding_id"], hit["coder"]))
            for event, cid, coder, text in zip(others["event"], others["id"], others["coder"], others["note"]):
                if owner.get(cid) != coder:
                    continue  # only a coding's own coder can remove it or change its note
                if event == "uncoded":
                    gone.add(cid)
                elif event == "noted":
                    notes[cid] = text
            if gone:
                keep &= ~events["id"].isin(gone).to_numpy()
        rows = np.flatnonzero(keep)
        if base is None and len(rows) > 1:
            narrative = pd.factorize(events["narrative"], sort=True)[0][rows]
            coder = pd.factorize(events["coder"], sort=True)[0][rows]
            rows = rows[np.lexsort((coder, events["end"].to_numpy()[rows], events["start"].to_numpy()[rows], narrative))]
        coded = events.take(rows) if len(rows) != len(events) or base is None else events
        frame = pd.DataFrame({
            "coding_id": coded["id"].astype(str),
            "narrative_id": coded["narrative"].astype(str),
            "start": coded["start"].astype("int64"),
            "end": coded["end"].astype("int64"),
            "code": _renamed(coded["code_id"], coded["code"], self.codebook.name_map()),
            "coder": coded["coder"].astype(str),
            "created_at": pd.to_datetime(coded["at"], format="ISO8601", utc=True),
            "note": coded["note"].astype(object).where(coded["note"].notna(), None),
            "text": coded["text"].astype(str),
            "_code_id": coded["code_id"].astype(str),
        }).reset_index(drop=True)
        if base is not None:
            if gone:
                base = base[~base["coding_id"].isin(gone)]
            frame = pd.concat([base, frame], ignore_index=True) if len(frame) else base.reset_index(drop=True)
        if notes:
            hit = frame["coding_id"].isin(notes.keys())
            frame = frame.assign(note=frame["note"].where(~hit, frame["coding_id"].map(notes)))
        return frame

    def codings(self, coder: str | Iterable[str] | None = None, code: str | Iterable[str] | None = None,
                narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Current codings as a DataFrame: coding_id, narrative_id, start, end, code, coder, created_at, note, text.

        Rows are ordered by narrative, start, end and coder. Filters take one value or a list;
        ``code`` uses current names (codings of merged codes count as their target).

        >>> p.codings(coder="ana", code="reciprocity")
        """
        frame = self._current_codings()
        filters = [(c, w) for c, w in (("coder", coder), ("code", code), ("narrative_id", narrative)) if w is not None]
        if not filters:
            if self._sorted_cache is None:
                self._sorted_cache = _in_reading_order(frame).drop(columns="_code_id")
            return self._sorted_cache
        for column, wanted in filters:
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            if column == "code":  # an old or mistyped name says so instead of matching nothing
                values = [self.codebook._known_name(v) for v in values]
            frame = frame[frame[column].isin(values)]
        return _in_reading_order(frame).drop(columns="_code_id")

    @property
    def coders(self) -> list[str]:
        """Everyone who has coded or written a memo, sorted."""
        names = set(self._current_codings()["coder"].unique())
        names |= {m["coder"] for m in self._memo_events}
        return sorted(names)

    # ------------------------------------------------------------------ memos
    def memo(self, text: str, coder: str, narrative: str | None = None, code: str | None = None,
             coding: str | None = None, kind: str = "reflexive", title: str | None = None,
             participants: Iterable[str] | None = None, created_at: Any = None) -> str:
        """Write a memo (``kind`` ``"reflexive"``, ``"analytic"`` or ``"dialogue"``); returns its id.

        Tie it to a narrative, a code or a coding, or to nothing (a project memo). A dialogue
        memo names who took part. ``created_at`` is for importers that keep another tool's times.

        >>> p.memo("I noticed I name coercion quickly; I worked in those services.", coder="ana",
        ...        narrative="kitchen-table", kind="reflexive")
        """
        check_coder(coder)
        if not isinstance(text, str) or not text.strip():
            raise WorkbenchError("A memo needs some text.")
        if kind not in ("reflexive", "analytic", "dialogue"):
            raise WorkbenchError(f"kind must be 'reflexive', 'analytic' or 'dialogue', not {kind!r}.")
        if narrative is not None:
            self._check_narrative(narrative)
        code_id = self.codebook.id_of(code) if code is not None else None
        if coding is not None:
            row = self._coding_row(coding)
            narrative = narrative or row["narrative_id"]
        people = sorted({check_coder(p) for p in participants}) if participants else None
        if kind == "dialogue" and not people:
            raise WorkbenchError("A dialogue memo names who took part: participants=['ana', 'ben'].")
        at = self._now() if created_at is None else _utc_text(created_at)
        event = {"event": "memo", "id": secrets.token_hex(8), "coder": coder, "at": at,
                 "kind": kind, "title": title, "text": text.strip(), "narrative": narrative,
                 "code": self.codebook.resolve(code_id).name if code_id else None, "code_id": code_id,
                 "coding": coding, "participants": people}
        path = self._dir("events", "memos", _coder_file(coder))
        self._append(path, [event], guard=self._refuse_withdrawn)
        self._memo_events.append(event)
        return event["id"]

    def memos(self, coder: str | None = None, narrative: str | None = None, code: str | None = None,
              kind: str | None = None) -> pd.DataFrame:
        """Memos as a DataFrame: memo_id, coder, created_at, kind, title, text, narrative_id, code, coding_id, participants."""
        names = self.codebook.name_map()
        rows = [
            {"memo_id": m.get("id"), "coder": m.get("coder"), "created_at": m.get("at"), "kind": m.get("kind"),
             "title": m.get("title"), "text": m.get("text"), "narrative_id": m.get("narrative"),
             "code": names.get(m.get("code_id"), m.get("code")) if m.get("code_id") else m.get("code"),
             "coding_id": m.get("coding"), "participants": m.get("participants")}
            for m in self._memo_events
            if m.get("event") == "memo" and not self._withdrawn_among([m.get("narrative")])
        ]
        columns = ["memo_id", "coder", "created_at", "kind", "title", "text", "narrative_id", "code",
                   "coding_id", "participants"]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)  # optional fields stay None, not NaN
        for column in ("memo_id", "coder", "kind", "text"):
            frame[column] = frame[column].astype("str")
        frame["created_at"] = pd.to_datetime(frame["created_at"], format="ISO8601", utc=True)
        for column, wanted in (("coder", coder), ("narrative_id", narrative), ("code", code), ("kind", kind)):
            if wanted is not None:
                frame = frame[frame[column] == wanted]
        return frame.sort_values("created_at", kind="stable").reset_index(drop=True)

    # ------------------------------------------------------------------ codebook plumbing
    def _write_codebook_events(self, events: list[dict], coder: str) -> None:
        check_coder(coder)
        at = self._now()
        for seq, event in enumerate(events):
            event.update(coder=coder, at=at, seq=seq)
        path = self._dir("events", "codebook", _coder_file(coder))
        self._append(path, events)
        self._codebook_events.extend(events)
        self.codebook._load(self._codebook_events)
        self._names_stale = True
        self._sync_codebook_yaml()

    # ------------------------------------------------------------------ history
    def history(self) -> pd.DataFrame:
        """Everything that happened, oldest first: at, coder, kind, event, narrative_id, code, coding_id, detail.

        Codings show the code's name *as it was applied*; later renames do not rewrite the past.
        """
        events = self._coding_events()
        if self._withdrawn:
            events = events[~events["narrative"].isin(self._withdrawn_among(events["narrative"].unique()))]
        coding_rows = pd.DataFrame({
            "at": events["at"], "coder": events["coder"], "kind": "coding", "event": events["event"],
            "narrative_id": events["narrative"], "code": events["code"], "coding_id": events["id"],
            "detail": events["text"].where(events["event"] == "coded", events["note"]),
        })
        if len(coding_rows):  # uncoded/noted events name the code through their coding
            first = events[events["event"] == "coded"].drop_duplicates("id").set_index("id")
            coding_rows["code"] = coding_rows["code"].fillna(coding_rows["coding_id"].map(first["code"]))
            coding_rows["narrative_id"] = coding_rows["narrative_id"].fillna(
                coding_rows["coding_id"].map(first["narrative"]))
        cb = self.codebook.history()
        codebook_rows = pd.DataFrame({
            "at": cb["at"].map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if pd.notna(t) else None),
            "coder": cb["coder"], "kind": "codebook", "event": cb["event"], "narrative_id": None,
            "code": cb["code"], "coding_id": None,
            "detail": (cb["detail"] + " | " + cb["rationale"]).str.strip(" |"),
        })
        memo = self.memos()
        memo_rows = pd.DataFrame({
            "at": memo["created_at"].map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")),
            "coder": memo["coder"], "kind": "memo", "event": memo["kind"],
            "narrative_id": memo["narrative_id"], "code": memo["code"], "coding_id": memo["coding_id"],
            "detail": memo["text"],
        })
        parts = [f for f in (coding_rows, codebook_rows, memo_rows) if len(f)]
        if not parts:
            return pd.DataFrame(columns=["at", "coder", "kind", "event", "narrative_id", "code", "coding_id", "detail"])
        frame = pd.concat(parts, ignore_index=True)
        frame["at"] = pd.to_datetime(frame["at"], format="ISO8601", utc=True)
        return frame.sort_values("at", kind="stable").reset_index(drop=True)

    # ------------------------------------------------------------------ withdrawal
    def _withdrawn_among(self, nids: Iterable[Any]) -> set:
        """Those of *nids* whose narratives were withdrawn."""
        if not self._withdrawn:
            return set()
        return {n for n in nids if isinstance(n, str) and _tombstone_key(n) in self._withdrawn}

    def withdraw(self, nid: str, reason: str = "", by: str = "setup") -> None:
        """Withdraw a narrative at its narrator's request: its text, codings, notes and memos leave the folder.

        Every event anchored to the story is removed from the event logs (the one exception to
        append-only), its text file and its row in ``narratives.csv`` are deleted, and a tombstone
        in ``events/withdrawals.jsonl`` records when and why, without content (the narrative is
        named only by a one-way hash of its id). Other processes that still hold the story have
        their later writes for it refused. Copies exported earlier are beyond reach: see docs/care.md.

        >>> p.withdraw("kitchen-table", reason="narrator asked on 3 May")
        """
        check_coder(by)
        if not isinstance(reason, str) or "\n" in reason:
            raise WorkbenchError("reason must be one line of text (and should not quote the story).")
        self._check_narrative(nid)
        quoted = self._passages_of(nid)
        key = _tombstone_key(nid)
        tombstones = self._dir("events", "withdrawals.jsonl")
        # 1. the tombstone first: from now on every writer (checking under its log's lock) refuses this story
        with self._lock(tombstones):
            _log.append_lines(tombstones, _log.dumps({"event": "withdrawn", "key": key, "at": self._now(),
                                                      "by": by, "reason": reason}))
        # 2. then purge each log under its own lock, so no append can slip in between
        for folder in ("codings", "memos"):
            for path in sorted(self._dir("events", folder).glob("*.jsonl")):
                with self._lock(path):
                    records = _log.parse_lines(path.read_bytes(), path)
                    removed_codings = {r.get("id") for r in records
                                       if r.get("narrative") == nid and r.get("event") == "coded"}
                    kept = [r for r in records if r.get("narrative") != nid and r.get("coding") not in removed_codings]
                    if len(kept) != len(records):
                        _log.atomic_write(path, "".join(_log.dumps(r) for r in kept))
        # 3. codebook fields (examples, rationales) that quote the story
        for path in sorted(self._dir("events", "codebook").glob("*.jsonl")):
            with self._lock(path):
                records = _log.parse_lines(path.read_bytes(), path)
                if _scrub_quotes(records, quoted):
                    _log.atomic_write(path, "".join(_log.dumps(r) for r in records))
        # 4. the text and its row
        csv_path = self._dir("narratives.csv")
        with self._lock(csv_path):
            frame = _read_narratives_csv(csv_path)
            _write_narratives_csv(csv_path, frame[frame["id"] != nid])
            self._dir("narratives", f"{nid}.txt").unlink(missing_ok=True)
        self._texts.pop(nid, None)
        self._load_narratives(force=True)
        self._load_withdrawals()
        self._reload_events()
        self._sync_codebook_yaml()

    def _passages_of(self, nid: str) -> set[tuple[str, ...]]:
        """Every run of four words of a story (lower-cased): enough to tell that a text quotes it."""
        return _word_runs(self._texts[nid])

    def withdrawals(self) -> pd.DataFrame:
        """The withdrawal tombstones: at, by, reason (no content, no narrative id)."""
        path = self._dir("events", "withdrawals.jsonl")
        records = _log.parse_lines(path.read_bytes(), path) if path.exists() else []
        return pd.DataFrame([{"at": r.get("at"), "by": r.get("by"), "reason": r.get("reason")} for r in records],
                            columns=["at", "by", "reason"])

    # ------------------------------------------------------------------ exchange (workbench.exchange)
    def export_qdpx(self, path: str | os.PathLike, anonymise_coders: bool = False,
                    include_memos: bool = True) -> Path:
        """Export the project as a REFI-QDA project (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA, QualCoder...

        >>> p.export_qdpx("team.qdpx")
        """
        from .exchange import export_qdpx

        return export_qdpx(self, path, anonymise_coders=anonymise_coders, include_memos=include_memos)

    def export_qdc(self, path: str | os.PathLike) -> Path:
        """Export the codebook as a REFI-QDA codebook (``.qdc``)."""
        from .exchange import export_qdc

        return export_qdc(self, path)

    def export_csv(self, path: str | os.PathLike, anonymise_coders: bool = False,
                   include_memos: bool = True, table: str = "codings") -> Path:
        """Codings as CSV: one row per coding with coder, passage and narrative attributes.

        ``table="codebook"``, ``"memos"`` or ``"narratives"`` writes that table instead.
        """
        from .exchange import export_csv

        return export_csv(self, path, anonymise_coders=anonymise_coders, include_memos=include_memos, table=table)

    def export_xlsx(self, path: str | os.PathLike, anonymise_coders: bool = False,
                    include_memos: bool = True) -> Path:
        """Codings, codebook (and memos) as an Excel workbook."""
        from .exchange import export_xlsx

        return export_xlsx(self, path, anonymise_coders=anonymise_coders, include_memos=include_memos)

    def report(self, path: str | os.PathLike, anonymise_coders: bool = False, include_memos: bool = True) -> Path:
        """A self-contained HTML report (codebook, frequencies, co-occurrence, agreement, quotes), viewable offline."""
        from .exchange import write_report

        return write_report(self, path, anonymise_coders=anonymise_coders, include_memos=include_memos)

    def info(self) -> dict[str, Any]:
        """Counts for a quick look: narratives, words, codes, codings, coders, memos."""
        codings = self._current_codings()
        return {
            "name": self.name,
            "path": str(self.path),
            "narratives": int(len(self.narratives)),
            "words": int(sum(len(t.split()) for t in self._texts.values())),
            "codes": len(self.codebook),
            "codings": int(len(codings)),
            "coders": self.coders,
            "memos": int(len(self.memos())),
            "withdrawn": len(self._withdrawn),
        }


def _word_runs(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def _scrub_quotes(records: list[dict], story_runs: set[tuple[str, ...]]) -> bool:
    """Blank codebook texts that quote a withdrawn story (share a run of four words); True if any changed."""
    changed = False
    for record in records:
        for holder in (record, record.get("changes") or {}):
            for key in ("description", "include", "exclude", "example", "rationale"):
                value = holder.get(key)
                if isinstance(value, str) and _word_runs(value) & story_runs:
                    holder[key] = "[removed: it quoted a withdrawn story]"
                    changed = True
    return changed


def _tombstone_key(nid: str) -> str:
    """A one-way name for a withdrawn narrative: lets writers refuse it without keeping its id."""
    return hashlib.sha256(f"workbench-withdrawn:{nid}".encode("utf-8")).hexdigest()[:32]


def _renamed(code_ids: pd.Series, applied: pd.Series, names: dict[str, str]) -> pd.Series:
    """Current code names for *code_ids* (the name as applied where a code is unknown); fast on many rows."""
    codes, uniques = pd.factorize(code_ids)
    current = np.array([names.get(u) for u in uniques] + [None], dtype=object)[codes]
    missing = pd.isna(current)
    if missing.any():
        current[missing] = applied.to_numpy(dtype=object)[missing]
    return pd.Series(current, index=code_ids.index, dtype="str")


def _utc_text(value: Any) -> str:
    """A time (text or datetime; naive means UTC) as the ISO text the logs use."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise WorkbenchError(f"{value!r} is not a date and time.") from None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _in_reading_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Codings ordered by narrative, start, end, coder (a lexsort on integer keys: fast on a million rows)."""
    if len(frame) < 2:
        return frame.reset_index(drop=True)
    narrative = pd.factorize(frame["narrative_id"], sort=True)[0]
    coder = pd.factorize(frame["coder"], sort=True)[0]
    order = np.lexsort((coder, frame["end"].to_numpy(), frame["start"].to_numpy(), narrative))
    return frame.take(order).reset_index(drop=True)


def _offsets(column: pd.Series, label: str) -> np.ndarray:
    """Whole-number offsets as int64, or a :class:`SpanError` naming the first bad value."""
    values = column.to_numpy(dtype=object)
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(numbers) | (numbers % 1 != 0) | np.array([isinstance(v, (bool, np.bool_)) for v in values])
    if bad.any():
        raise SpanError(f"{label} must be a whole number (a character offset), got {values[np.argmax(bad)]!r}.")
    return numbers.astype("int64")


def _none_if_nan(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        raise WorkbenchError("Attribute values must be one line of text.")
    return str(value)


def _progress(items, description: str, enabled: bool):
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=description, leave=False)


def _read_narratives_csv(path: Path) -> pd.DataFrame:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise IntegrityError(f"{path} is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or _CSV_CORE
    missing = [c for c in _CSV_CORE if c not in fields]
    if missing:
        raise IntegrityError(f"{path} lacks the column(s) {missing}; expected {', '.join(_CSV_CORE)}, attributes...")
    rows = list(reader)
    columns = [*_CSV_CORE, *[f for f in fields if f not in _CSV_CORE]]
    return pd.DataFrame(rows, columns=columns, dtype=object).fillna("")


def _write_narratives_csv(path: Path, frame: pd.DataFrame) -> None:
    columns = [*_CSV_CORE, *[c for c in frame.columns if c not in _CSV_CORE]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(frame[columns].astype(str).itertuples(index=False, name=None))
    _log.atomic_write(path, buffer.getvalue())


# ---------------------------------------------------------------------- entry points
_PROJECT_GITIGNORE = ".locks/\n.workbench-cache/\n.*.tmp\n"
_PROJECT_GITATTRIBUTES = (
    "# Each line of an event log is independent: a union merge never loses an event.\n"
    "events/**/*.jsonl merge=union\n"
)


def create_project(path: str | os.PathLike, codebook: str | os.PathLike | None = None,
                   name: str | None = None, coder: str = "setup") -> Project:
    """Create a new, empty project folder (optionally seeded with a codebook YAML file).

    >>> p = wb.create_project("my-project", codebook="codebooks/peer_support_principles.yaml",
    ...                       name="Peer stories")
    """
    target = Path(path)
    if (target / "workbench.toml").exists():
        raise ProjectExistsError(f"{target} already holds a project; open it with wb.open_project({str(target)!r}).")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ProjectExistsError(f"{target} exists and is not empty; choose a new folder for the project.")
    check_coder(coder)
    events = read_codebook_file(codebook) if codebook is not None else []
    name = name or target.name
    if not isinstance(name, str) or "\n" in name:
        raise WorkbenchError("The project name must be one line of text.")
    target.mkdir(parents=True, exist_ok=True)
    try:
        created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        (target / "workbench.toml").write_text(
            f"# A narrative workbench project: see docs/project-format.md\n"
            f"name = {_toml_string(name)}\nformat_version = {FORMAT_VERSION}\ncreated = \"{created}\"\n",
            encoding="utf-8")
        (target / "narratives").mkdir()
        for sub in ("codebook", "codings", "memos"):
            (target / "events" / sub).mkdir(parents=True)
        _write_narratives_csv(target / "narratives.csv", pd.DataFrame(columns=_CSV_CORE))
        (target / ".gitignore").write_text(_PROJECT_GITIGNORE, encoding="utf-8")
        (target / ".gitattributes").write_text(_PROJECT_GITATTRIBUTES, encoding="utf-8")
        project = Project(target)
        if events:
            project._write_codebook_events(events, coder)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return project


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def open_project(path: str | os.PathLike) -> Project:
    """Open an existing project folder.

    >>> p = wb.open_project("my-project")
    """
    return Project(path)


def data_path(name: str) -> Path:
    """A folder shipped with the workbench: ``"codebooks"`` or ``"peer_stories"`` (the sample project).

    Installed wheels carry them in ``workbench/_data/``; a checkout has them at the top level.
    """
    checkout = {"codebooks": "codebooks", "peer_stories": "sample_data/peer_stories"}[name]
    for candidate in (Path(__file__).parent / "_data" / name, Path(__file__).resolve().parent.parent / checkout):
        if candidate.exists():
            return candidate
    raise WorkbenchError(f"The workbench's {name} folder is missing from this installation; reinstall it.")


def sample_project(copy_to: str | os.PathLike | None = None) -> Project:
    """A fresh copy of the sample project (24 peer stories, 3 coders), never the original.

    >>> p = wb.sample_project(copy_to="tmp-sample")
    """
    source = data_path("peer_stories")
    target = Path(copy_to) if copy_to is not None else Path(tempfile.mkdtemp(prefix="workbench-sample-")) / "peer_stories"
    if target.exists() and any(target.iterdir()):
        raise ProjectExistsError(f"{target} exists and is not empty; sample_project() copies into a new folder.")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".locks", "*.tmp"))
    return Project(target)
