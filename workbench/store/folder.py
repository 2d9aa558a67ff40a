"""The project folder as one object: its parts, reading what others wrote, and every write.

::

    workbench.toml                  name, format version, created
    narratives.csv                  id, title, narrator, consent, sha256, attributes...
    narratives/<id>.txt             canonical UTF-8 text of each story (immutable)
    codebook.yaml                   the current codebook, regenerated from its events
    events/codebook/<coder>.jsonl   codebook changes, with who, when and why
    events/codings/<coder>.jsonl    coded / uncoded / noted events of one coder
    events/memos/<coder>.jsonl      memos of one coder
    events/themes/<coder>.jsonl     theme changes (codes and passages gathered, phases), with who, when and why
    events/withdrawals.jsonl        tombstones of withdrawn stories

Every coder writes only their own files, so a project shared through git merges without
conflicts, and many people can code one project on a shared server at once.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tomllib
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .._files import file_stamp, toml_string
from .._time import SECONDS_FORMAT, MonotonicClock, utc_now
from ..errors import NotAProjectError
from ..methods import NEW_PROJECT_METHOD, UNNAMED_METHOD
from . import logs
from .event_logs import CodingLog, EventLog, RecordLog
from .events import dumps
from .narratives import CSV_CORE, NarrativeStore, write_narratives_csv
from .withdrawal import Withdrawals, scrub_quotes, without_story

FORMAT_VERSION = 1
_GITIGNORE = ".locks/\n.workbench-cache/\n.*.tmp\n"
_GITATTRIBUTES = (
    "# Each line of an event log is independent: a union merge never loses an event.\n"
    "events/**/*.jsonl merge=union\n"
)


def create_folder(target: Path, name: str) -> None:
    """Lay out an empty project folder at *target* (which exists and is empty).

    >>> Path("new").mkdir(); create_folder(Path("new"), "Peer stories")
    >>> sorted(p.name for p in Path("new").iterdir())
    ['.gitattributes', '.gitignore', 'events', 'narratives', 'narratives.csv', 'workbench.toml']
    """
    (target / "workbench.toml").write_text(
        f"# A narrative workbench project: see docs/project-format.md\n"
        f"name = {toml_string(name)}\nformat_version = {FORMAT_VERSION}\ncreated = \"{utc_now(SECONDS_FORMAT)}\"\n"
        f"id = \"{secrets.token_hex(8)}\"  # keys what is kept outside the folder (a private journal)\n"
        f"method = \"{NEW_PROJECT_METHOD}\"  # reflexive, codebook or coding-reliability: see docs/themes.md\n",
        encoding="utf-8")
    (target / "narratives").mkdir()
    for sub in ("codebook", "codings", "memos", "themes"):
        (target / "events" / sub).mkdir(parents=True)
    write_narratives_csv(target / "narratives.csv", pd.DataFrame(columns=CSV_CORE))
    (target / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    (target / ".gitattributes").write_text(_GITATTRIBUTES, encoding="utf-8")


def toml_value(value: Any) -> str:
    """A text, a whole number or a list of texts as TOML.

    >>> toml_value(["ana", "ben"]), toml_value(2)
    ('["ana", "ben"]', '2')
    """
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value) if isinstance(value, int) else toml_string(str(value))


def _read_meta(path: Path) -> dict[str, Any]:
    meta_file = path / "workbench.toml"
    if not meta_file.is_file():
        hint = " (it does not exist)" if not path.exists() else ""
        raise NotAProjectError(
            f"{path}{hint} is not a workbench project: it has no workbench.toml. "
            "Create one with wb.create_project(path) or `workbench init PATH`."
        )
    try:
        meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NotAProjectError(f"{meta_file} is not valid TOML: {exc}") from None
    version = meta.get("format_version", 1)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise NotAProjectError(
            f"{meta_file} has format version {version!r}; this workbench reads up to {FORMAT_VERSION}. "
            "Upgrade narrative-workbench."
        )
    return meta


def purge_story_events(root: Path, nid: str, quoted: set[tuple[str, ...]]) -> None:
    """Rewrite every event log of the folder at *root* without story *nid* (its tombstone already written).

    Codings, memos and theme passages anchored to it go; codebook and theme texts quoting it
    (*quoted*: its word runs, :func:`workbench.store.withdrawal.word_runs`) are blanked. The one
    rule for a withdrawal made here and for one that arrives from another machine by sync.

    >>> purge_story_events(p.path, "no-such-story", set())
    """
    EventLog(root, "codings").rewrite(lambda records: without_story(records, nid))
    memos = EventLog(root, "memos")
    anchored = frozenset(r.get("id") for path in memos.paths() for r in logs.parse_lines(path.read_bytes(), path)
                         if r.get("event") == "memo" and r.get("narrative") == nid)
    memos.rewrite(lambda records: without_story(records, nid, anchored))
    EventLog(root, "codebook").rewrite(lambda records: scrub_quotes(records, quoted))
    EventLog(root, "themes").rewrite(lambda records: _theme_records_without(records, nid, quoted))


def words_of_deleted(records: list[dict]) -> bool:
    """Whether memo *records* still hold words of a memo that has a tombstone.

    >>> words_of_deleted([{"event": "memo", "id": "m1", "text": "x"}, {"event": "deleted", "id": "m1"}])
    True
    """
    deleted = {r.get("id") for r in records if r.get("event") == "deleted"}
    return bool(deleted) and any(r.get("id") in deleted and r.get("event") in ("memo", "edit") for r in records)


def purge_deleted_memos(root: Path) -> None:
    """Rewrite the memo logs at *root* without the words of every memo that has a tombstone.

    >>> purge_deleted_memos(p.path)
    """
    log = EventLog(root, "memos")
    deleted = {r.get("id") for path in log.paths() for r in logs.parse_lines(path.read_bytes(), path)
               if r.get("event") == "deleted"}
    if deleted:
        def keep(records: list[dict]) -> list[dict] | None:
            kept = [r for r in records if not (r.get("id") in deleted and r.get("event") in ("memo", "edit"))]
            return kept if len(kept) != len(records) else None

        log.rewrite(keep)


def _theme_records_without(records: list[dict], nid: str, quoted: set[tuple[str, ...]]) -> list[dict] | None:
    """Theme *records* without the story's passages and with texts quoting it blanked, or None if untouched."""
    kept = without_story(records, nid)
    scrubbed = scrub_quotes(kept if kept is not None else records, quoted)
    return scrubbed if scrubbed is not None else kept


class ProjectFolder:
    """An open project folder: narratives, tombstones and the three kinds of event log.

    *on_codebook* is called with every codebook change record whenever they change (read or
    written), so the owner's codebook always matches the folder.

    >>> folder = ProjectFolder(p.path, on_codebook=lambda records: None)
    >>> len(folder.narratives.texts) > 0
    True
    """

    def __init__(self, path: str | os.PathLike, on_codebook: Callable[[list[dict]], None]) -> None:
        self.path = Path(path).resolve()
        self.meta = _read_meta(self.path)
        self._meta_stamp = file_stamp(self.path / "workbench.toml")
        self._on_codebook = on_codebook
        self.clock = MonotonicClock()
        self.narratives = NarrativeStore(self.path)
        self.withdrawals = Withdrawals(self.path)
        self.codebook = RecordLog(self.path, "codebook")
        self.memos = RecordLog(self.path, "memos")
        self.codings = CodingLog(self.path)
        self.themes = RecordLog(self.path, "themes")
        self.coders = RecordLog(self.path, "coders")
        self.narratives.load(force=True)
        self.withdrawals.load()
        self.reload()

    @property
    def name(self) -> str:
        """The project's name (from ``workbench.toml``)."""
        return str(self.meta.get("name", self.path.name))

    @property
    def method(self) -> str:
        """The analytic approach ``workbench.toml`` names (``codebook`` for a project made before methods)."""
        return str(self.meta.get("method", UNNAMED_METHOD))

    def set_method(self, method: str) -> None:
        """Name the analytic approach in ``workbench.toml`` (its other lines are kept as they are)."""
        meta_file = self.path / "workbench.toml"
        lines = meta_file.read_text(encoding="utf-8").splitlines()
        line = f"method = {toml_string(method)}"
        top = next((i for i, text in enumerate(lines) if text.lstrip().startswith("[")), len(lines))
        found = [i for i, text in enumerate(lines[:top]) if text.split("=")[0].strip() == "method"]
        if found:
            lines[found[0]] = line
        else:
            lines.insert(top, line)  # a top-level key goes before the first [table]
        logs.atomic_write(meta_file, "\n".join(lines) + "\n")
        self.meta = _read_meta(self.path)

    @property
    def governance(self) -> dict:
        """The ``[governance]`` table of ``workbench.toml`` (empty: the codebook is open), as the file says now."""
        stamp = file_stamp(self.path / "workbench.toml")
        if stamp != self._meta_stamp:  # another process may have changed the rule: a stat() tells
            self.meta, self._meta_stamp = _read_meta(self.path), stamp
        table = self.meta.get("governance")
        return dict(table) if isinstance(table, dict) else {}

    def set_governance(self, table: dict) -> None:
        """Write the ``[governance]`` table of ``workbench.toml`` (its other lines are kept as they are)."""
        meta_file = self.path / "workbench.toml"
        lines, kept, inside = meta_file.read_text(encoding="utf-8").splitlines(), [], False
        for text in lines:
            if text.strip().startswith("["):
                inside = text.split("#")[0].strip() == "[governance]"
            if not inside:
                kept.append(text)
        while kept and not kept[-1].strip():
            kept.pop()
        kept += ["", "[governance]  # who changes the codebook, and how: see docs/collaboration.md"]
        kept += [f"{key} = {toml_value(value)}" for key, value in table.items()]
        logs.atomic_write(meta_file, "\n".join(kept) + "\n")
        self.meta = _read_meta(self.path)

    @property
    def project_id(self) -> str:
        """The project's stable id: ``id`` in ``workbench.toml``, or (older projects) one made from its name and
        creation time, the same in every copy and clone."""
        if isinstance(self.meta.get("id"), str) and self.meta["id"]:
            return self.meta["id"]
        seed = f"{self.meta.get('name', '')}\n{self.meta.get('created', '')}"
        return "p-" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]

    def now(self) -> str:
        """UTC time as log text, strictly increasing within this process."""
        return self.clock.now()

    # ---- reading ---------------------------------------------------------------------
    def reload(self) -> None:
        """Read every log afresh (resuming from the fold's snapshot where it still holds)."""
        for log in (self.codebook, self.memos, self.codings, self.themes, self.coders):
            log.reset()
        self.codebook.read_new()
        self.memos.read_new()
        if words_of_deleted(self.memos.records):  # a deleted memo's words came back (a git merge): remove them
            try:
                purge_deleted_memos(self.path)
            except OSError:  # a read-only copy still opens; the words are hidden, and go when it is writable
                pass
            self.memos.reset()
            self.memos.read_new()
        self.themes.read_new()
        self.coders.read_new()
        self._on_codebook(self.codebook.records)
        self.codings.resume(len(self.withdrawals.keys))
        self.codings.read_new()

    def refresh(self) -> None:
        """Take in what other processes wrote since the last look; cheap when nothing changed."""
        self.narratives.load()
        if self.withdrawals.load():
            return self.reload()
        codebook, memos, themes = self.codebook.read_new(), self.memos.read_new(), self.themes.read_new()
        if codebook is None or memos is None or themes is None or self.coders.read_new() is None:
            return self.reload()  # a log was rewritten (a withdrawal): read everything afresh
        if codebook:
            self._codebook_changed()
        if self.codings.read_new() is None:
            return self.reload()
        return None

    def _codebook_changed(self) -> None:
        self._on_codebook(self.codebook.records)
        self.codings.state.names_stale = True

    def codings_frame(self, names: Callable[[], dict[str, str]]) -> pd.DataFrame:
        """The current codings in reading order (the fold of every event read), as ``p.codings()`` shows them."""
        return self.codings.current(names, self.withdrawals.among, len(self.withdrawals.keys))

    # ---- writing ---------------------------------------------------------------------
    def write_codings(self, coder: str, records: list[dict], narratives: list[str],
                      lines: str | None = None, table: Any = None) -> None:
        """Append coding events of *coder* (refused if any of *narratives* was withdrawn meanwhile)."""
        if not self.codings.write(coder, records, lambda: self.withdrawals.refuse(narratives), lines, table):
            self.reload()

    def write_memo(self, coder: str, memo: dict) -> None:
        """Append *memo* to *coder*'s memo log (refused if its narrative was withdrawn meanwhile)."""
        if not self.memos.write(coder, [memo], lambda: self.withdrawals.refuse([memo.get("narrative")])):
            self.reload()

    def delete_memo(self, coder: str, memo_id: str, tombstone: dict) -> None:
        """Remove the words of *coder*'s memo *memo_id* (and of its edits) from their log, leaving *tombstone*."""
        log = self.memos
        path = log.path_of(coder)
        with log.lock(path):
            records = logs.parse_lines(path.read_bytes(), path) if path.exists() else []
            kept = [r for r in records if not (r.get("id") == memo_id and r.get("event") in ("memo", "edit"))]
            logs.atomic_write(path, "".join(dumps(r) for r in [*kept, tombstone]))
        self.reload()

    def write_coders(self, coder: str, records: list[dict]) -> None:
        """Append coder-attribute *records*, written by *coder*, to ``events/coders/<coder>.jsonl``."""
        if not self.coders.write(coder, records):
            self.reload()

    def write_codebook(self, coder: str, records: list[dict]) -> None:
        """Append codebook change *records* to *coder*'s codebook log."""
        if not self.codebook.write(coder, records):
            self.reload()
        else:
            self._codebook_changed()

    def write_themes(self, coder: str, records: list[dict]) -> None:
        """Append theme change *records* to *coder*'s theme log (refused if a passage's story was withdrawn)."""
        nids = [r.get("narrative") for r in records if r.get("narrative")]
        if not self.themes.write(coder, records, lambda: self.withdrawals.refuse(nids)):
            self.reload()

    def sync_codebook_yaml(self, wanted: str) -> None:
        """Rewrite ``codebook.yaml`` when it no longer shows *wanted* (e.g. after a git pull)."""
        path = self.path / "codebook.yaml"
        try:
            if path.read_text(encoding="utf-8") == wanted:
                return
        except (FileNotFoundError, UnicodeDecodeError):
            pass
        try:
            logs.atomic_write(path, wanted)
        except OSError:  # a read-only copy of a project still opens
            pass

    def withdraw(self, nid: str, by: str, reason: str, quoted: set[tuple[str, ...]]) -> None:
        """Withdraw *nid*: tombstone first, then purge every log, codebook quotes, the text and its row."""
        self.withdrawals.record(nid, self.now(), by, reason)
        purge_story_events(self.path, nid, quoted)
        self.narratives.remove(nid)
        self.reload()
