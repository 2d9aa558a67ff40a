"""The :class:`Project`: the commands people use, checked, then handed to the store to write."""

from __future__ import annotations

import os
import secrets
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .._text import canonical_text, sha256_text
from ..codebook import Codebook, CodebookWriter
from ..consent import CONSENT_VALUES
from ..errors import ConsentError, SpanError, UnknownCodingError, UnknownNarrativeError, WorkbenchError
from ..names import check_coder
from ..store import ProjectFolder
from ..store.events import codebook_events, coding_event, coding_lines, coding_table
from ..store.narratives import CSV_CORE, cell, check_attribute_name
from ..store.withdrawal import word_runs
from ._deprecated import DeprecatedExports
from ._sharing import Sharing
from .checks import batch_notes, check_span, checked_narrative, offsets
from .journaling import MemoCare
from .memos import history_frame, memos_frame, new_memo
from .sources import SourceCommands, apply_pseudonym_file, finish_parts
from .theming import ThemesAndMethod
from .together import WorkingTogether


class Project(DeprecatedExports, SourceCommands, ThemesAndMethod, Sharing, MemoCare, WorkingTogether):
    """An open project. Create one with :func:`create_project`, :func:`open_project` or :func:`sample_project`.

    >>> p = wb.open_project(p.path)
    >>> cid = p.code(nid, 0, 40, "reciprocity", coder="ana")
    >>> len(p.codings(coder="ana")) > 0
    True
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.codebook = Codebook(CodebookWriter(refresh=self.refresh, write=self._write_codebook_events,
                                                project_name=lambda: self.name, project=self,
                                                governance=lambda: self._folder.governance))
        self._folder = ProjectFolder(path, on_codebook=self.codebook.load_events)
        self.path = self._folder.path
        self._folder.sync_codebook_yaml(self.codebook.to_yaml())

    @property
    def name(self) -> str:
        """The project's name (from ``workbench.toml``).

        >>> p.name
        'Peer stories (sample)'
        """
        return self._folder.name

    def __repr__(self) -> str:
        return (f"<Project {self.name!r} at {self.path}: {len(self._folder.narratives.frame)} narratives, "
                f"{len(self.codebook)} codes>")

    def refresh(self) -> Project:
        """Pick up what other people (processes) wrote since the last look; cheap when nothing changed.

        >>> len(p.refresh().codings()) > 0
        True
        """
        self._folder.refresh()
        return self

    # ------------------------------------------------------------------ narratives
    @property
    def narratives(self) -> pd.DataFrame:
        """One row per narrative: id, title, narrator, consent, then attributes.

        >>> p.narratives[["id", "title", "setting"]].shape[1]
        3
        """
        return self._folder.narratives.public_frame()

    @property
    def attributes(self) -> list[str]:
        """Names of the narrative attributes (columns after id, title, narrator, consent).

        >>> "setting" in p.attributes
        True
        """
        return [c for c in self._folder.narratives.frame.columns if c not in CSV_CORE]

    def text(self, nid: str) -> str:
        """The canonical text of narrative *nid* (NFC, ``\\n`` line ends, no BOM).

        >>> len(p.text("kitchen-table")) > 60
        True
        """
        self._check_narrative(nid)
        return self._folder.narratives.texts[nid]

    def _check_narrative(self, nid: Any) -> None:
        if self._folder.withdrawals.among([nid]):
            raise ConsentError(f"Narrative {nid!r} was withdrawn by its narrator; it can no longer be used.")
        texts = self._folder.narratives.texts
        if nid not in texts:
            self._folder.narratives.load()
            texts = self._folder.narratives.texts
            if nid not in texts:
                known = ", ".join(list(texts)[:8])
                raise UnknownNarrativeError(
                    f"There is no narrative {nid!r} in this project. Known ids include: {known}"
                    f"{', ...' if len(texts) > 8 else ''}. See p.narratives."
                )

    def add_narrative(self, text: str, title: str | None = None, narrator: str = "",
                      attributes: Mapping[str, Any] | None = None, consent: str = "given",
                      id: str | None = None) -> str:
        """Add a story and return its id. The text is stored canonical: NFC, ``\\n`` line ends, no BOM.

        The text is immutable afterwards (codings point into it). The id is a slug of the title
        unless given.

        >>> p.add_narrative("When I first walked in...", title="First walk-in", narrator="R07",
        ...                 attributes={"setting": "peer group", "year": 2024})
        'first-walk-in'
        """
        return self._add_narratives([dict(text=text, title=title, narrator=narrator,
                                          attributes=attributes or {}, consent=consent, id=id)])[0]

    def add_narratives(self, items: Iterable[Mapping[str, Any]], progress: bool = False) -> list[str]:
        """Add many stories at once (dicts with the arguments of :meth:`add_narrative`): all or nothing, one lock.

        No text passes through a file on the way, so a story may be of any length. An item may carry
        the ``structure`` that :func:`workbench.sources.build` made with its text, and a ``media`` file.

        >>> p.add_narratives([{"text": "We met weekly.", "title": "Weekly"}, {"text": "Then monthly."}])
        ['weekly', 'then-monthly']
        """
        return self._add_narratives([dict(item) for item in items], progress=progress)

    def _add_narratives(self, items: list[dict], progress: bool = False) -> list[str]:
        """Check every item first, then write them all under one lock (all or nothing)."""
        prepared = [checked_narrative(item) for item in items]
        withdrawn = self._folder.withdrawals
        return self._folder.narratives.add(prepared, taken_elsewhere=lambda nid: bool(withdrawn.among([nid])),
                                           progress=lambda rows: _progress(rows, "Adding narratives", progress))

    def import_narratives(self, source: str | os.PathLike | Iterable[str | os.PathLike],
                          text_column: str = "text", pseudonyms: str | os.PathLike | None = None,
                          progress: bool = True, encoding: str | None = None) -> pd.DataFrame:
        """Import stories from a folder or files: ``.txt``, ``.md``, ``.docx``, ``.csv`` with a text column, ``.pdf``,
        ``.vtt`` and ``.srt`` (PDF pages and subtitle turns and times are kept: see :meth:`pages`, :meth:`turns`).

        Text is canonicalised (NFC, ``\\n`` line ends, no BOM). With ``pseudonyms`` (a CSV of
        ``real,pseudonym`` kept *outside* the project folder), names are replaced in every text,
        title and narrator before anything is written (see docs/care.md). A file whose text is
        already in the project is skipped. Everything is checked before anything is written.
        Returns one row per story: file, id, title, status.

        >>> from pathlib import Path
        >>> _ = Path("interviews").mkdir(); _ = Path("interviews/first.txt").write_text("We met weekly.")
        >>> p.import_narratives("interviews/", progress=False)[["id", "status"]]
              id status
        0  first  added
        """
        from ..importers import read_sources

        items, skipped = read_sources(source, text_column=text_column, encoding=encoding)
        if pseudonyms is not None:
            apply_pseudonym_file(items, pseudonyms, self.path)
        finish_parts(items)
        known = self._folder.narratives.ids_by_hash()
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
        """Set narrative attributes (e.g. ``setting="warm line"``); the text never changes.

        >>> p.set_attributes("kitchen-table", setting="warm line")
        """
        self._check_narrative(nid)
        self._folder.narratives.update(nid, {check_attribute_name(k): cell(v) for k, v in attributes.items()})

    def set_consent(self, nid: str, consent: str) -> None:
        """Record the narrator's consent: ``"given"``, ``"restricted"`` (counted, never quoted) or ``"withdrawn"``.

        ``"withdrawn"`` is the same as :meth:`withdraw`.

        >>> p.set_consent("kitchen-table", "restricted")
        """
        if consent not in CONSENT_VALUES:
            raise ConsentError(f"consent must be one of {CONSENT_VALUES}, not {consent!r}.")
        if consent == "withdrawn":
            self.withdraw(nid, reason="consent set to withdrawn")
            return
        self._check_narrative(nid)
        self._folder.narratives.update(nid, {"consent": consent})

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

        >>> len(p.code_many([{"narrative_id": nid, "start": 0, "end": 12, "code": "reciprocity"}], coder="ana"))
        1
        """
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
        starts, ends = self._checked_spans(frame, nids, coder)
        names = frame["code"].to_numpy(dtype=object)
        entries = {name: self._lookup_code(name) for name in pd.unique(names)}
        ids = [token[i:i + 16] for token in [secrets.token_hex(8 * len(frame))] for i in range(0, 16 * len(frame), 16)]
        texts = self._folder.narratives.texts
        columns = {
            "event": "coded", "id": ids, "coder": coder, "at": self._batch_times(frame), "narrative": nids,
            "start": starts, "end": ends, "code": [entries[c].name for c in names],
            "code_id": [entries[c].code_id for c in names],
            "text": [texts[n][a:b] for n, a, b in zip(nids, starts.tolist(), ends.tolist())],
            "note": batch_notes(frame),
        }
        self._folder.write_codings(coder, [], narratives=list(pd.unique(nids)),
                                   lines=coding_lines(columns, len(ids)), table=coding_table(columns, len(ids)))
        return ids

    def _checked_spans(self, frame: pd.DataFrame, nids: np.ndarray, coder: str) -> tuple[np.ndarray, np.ndarray]:
        starts, ends = offsets(frame["start"], "start"), offsets(frame["end"], "end")
        lengths = pd.Series(nids).map({nid: len(text) for nid, text in self._folder.narratives.texts.items()})
        bad = np.flatnonzero(~((starts >= 0) & (starts < ends) & (ends <= lengths.to_numpy())))
        if len(bad):
            row = int(bad[0])  # the single-coding check words the problem best
            self._coding_event(nids[row], int(starts[row]), int(ends[row]), "", coder, None, check_name=False)
            raise SpanError(f"Row {row}: span [{starts[row]}, {ends[row]}) does not fit narrative {nids[row]!r}.")
        return starts, ends

    def _batch_times(self, frame: pd.DataFrame) -> Any:
        """One time for the batch, or each row's own ``created_at`` where an importer kept one."""
        if "created_at" not in frame or not frame["created_at"].notna().any():
            return self._folder.now()
        stamps = pd.to_datetime(frame["created_at"], utc=True, format="mixed").dt.tz_convert(None)
        text = np.char.add(np.datetime_as_string(stamps.to_numpy(dtype="datetime64[us]"), unit="us"), "Z")
        return np.where(stamps.isna().to_numpy(), self._folder.now(), text).tolist()

    def _lookup_code(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise WorkbenchError(f"code must be a code name (text), got {name!r}.")
        try:
            return self.codebook.lookup(name)
        except WorkbenchError:
            self.refresh()  # someone may just have added it
            return self.codebook.lookup(name)

    def _coding_event(self, nid: Any, start: Any, end: Any, code: Any, coder: str, note: Any,
                      check_name: bool = True) -> dict:
        if check_name:
            check_coder(coder)
        self._check_narrative(nid)
        text = self._folder.narratives.texts[nid]
        start, end = check_span(text, nid, start, end)
        entry = self._lookup_code(code)
        if note is not None and not isinstance(note, str):
            raise WorkbenchError(f"note must be text, got {type(note).__name__}.")
        return coding_event(event="coded", id=secrets.token_hex(8), coder=coder, at=self._folder.now(),
                            narrative=nid, start=start, end=end, code=entry.name, code_id=entry.code_id,
                            text=text[start:end], note=note or None)

    def _write_codings(self, events: list[dict], coder: str) -> list[str]:
        self._folder.write_codings(coder, events, narratives=[e["narrative"] for e in events])
        return [e["id"] for e in events if e["event"] == "coded"]

    def _own_coding(self, coding_id: str, coder: str, what: str) -> pd.Series:
        check_coder(coder)
        row = self._coding_row(coding_id)
        if row["coder"] != coder:
            raise UnknownCodingError(f"Coding {coding_id!r} belongs to {row['coder']!r}; {what}")
        return row

    def uncode(self, coding_id: str, coder: str) -> None:
        """Remove one of *coder*'s own codings (an ``uncoded`` event; the history keeps it).

        >>> p.uncode(cid, coder="ana")
        """
        row = self._own_coding(coding_id, coder, f"{coder!r} can only remove their own codings. "
                               "Talk it through, or record your own reading.")
        self._write_codings([coding_event(event="uncoded", id=coding_id, coder=coder, at=self._folder.now(),
                                          narrative=row["narrative_id"])], coder)

    def annotate(self, coding_id: str, note: str, coder: str) -> None:
        """Set (or replace, keeping history) the note on one of *coder*'s own codings.

        >>> p.annotate(cid, "both sides learn", coder="ana")
        """
        if not isinstance(note, str):
            raise WorkbenchError("note must be text.")
        row = self._own_coding(coding_id, coder, "notes are the coder's own.")
        self._write_codings([coding_event(event="noted", id=coding_id, coder=coder, at=self._folder.now(),
                                          narrative=row["narrative_id"], note=note)], coder)

    def _coding_row(self, coding_id: str) -> pd.Series:
        for attempt in range(2):
            current = self._folder.codings_frame(self.codebook.name_map)
            hit = np.flatnonzero(current["coding_id"].to_numpy() == coding_id)
            if len(hit):
                return current.iloc[hit[0]]
            if attempt == 0:
                self.refresh()
        raise UnknownCodingError(f"There is no current coding {coding_id!r} (removed, or never made).")

    # ------------------------------------------------------------------ reading
    def codings(self, coder: str | Iterable[str] | None = None, code: str | Iterable[str] | None = None,
                narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Current codings as a DataFrame: coding_id, narrative_id, start, end, code, coder, created_at, note, text.

        Rows are ordered by narrative, start, end and coder. Filters take one value or a list;
        ``code`` uses current names (codings of merged codes count as their target).

        >>> list(p.codings(coder="ana", code="reciprocity").columns)
        ['coding_id', 'narrative_id', 'start', 'end', 'code', 'coder', 'created_at', 'note', 'text']
        """
        filters = [(c, w) for c, w in (("coder", coder), ("code", code), ("narrative_id", narrative)) if w is not None]
        frame = self._folder.codings_frame(self.codebook.name_map)
        if not filters:
            return frame
        for column, wanted in filters:
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            if column == "code":  # an old or mistyped name says so instead of matching nothing
                values = [self.codebook.known_name(v) for v in values]
            frame = frame[frame[column].isin(values).to_numpy()]
        return frame.reset_index(drop=True)  # the fold keeps reading order

    @property
    def coders(self) -> list[str]:
        """Everyone who has coded or written a memo, sorted.

        >>> p.coders[:2]
        ['ana', 'ben']
        """
        names = set(self._folder.codings_frame(self.codebook.name_map)["coder"].unique())
        names |= {m["coder"] for m in self._folder.memos.records}
        return sorted(names)

    def memo(self, text: str, coder: str, narrative: str | None = None, code: str | None = None,
             coding: str | None = None, kind: str = "reflexive", title: str | None = None,
             participants: Iterable[str] | None = None, created_at: Any = None, private: bool = False) -> str:
        """Write a memo (``kind`` ``"reflexive"``, ``"analytic"`` or ``"dialogue"``); returns its id.

        Tie it to a narrative, a code or a coding, or to nothing (a project memo). A dialogue
        memo names who took part. ``created_at`` is for importers that keep another tool's times.
        ``private=True`` keeps it in your private journal, outside the project folder (:meth:`journal`).

        >>> mid = p.memo("I noticed I name coercion quickly; I worked in those services.", coder="ana",
        ...              narrative="kitchen-table", kind="reflexive")
        """
        check_coder(coder)
        if narrative is not None:
            self._check_narrative(narrative)
        code_id = self.codebook.id_of(code) if code is not None else None
        if coding is not None:
            narrative = narrative or self._coding_row(coding)["narrative_id"]
        event = new_memo(text, coder, kind, at=self._folder.now(), created_at=created_at, participants=participants,
                         title=title, narrative=narrative, code_id=code_id, coding=coding,
                         code=self.codebook.resolve(code_id).name if code_id else None)
        if private:
            return self._write_private(event, coder)
        self._folder.write_memo(coder, event)
        return event["id"]

    def memos(self, coder: str | None = None, narrative: str | None = None, code: str | None = None,
              kind: str | None = None) -> pd.DataFrame:
        """Memos as a DataFrame: memo_id, coder, created_at, kind, title, text, narrative_id, code, coding_id,
        participants.

        >>> len(p.memos(coder="ana")) >= 0
        True
        """
        return memos_frame(self._folder.memos.records, self.codebook.name_map(), self._folder.withdrawals.among,
                           coder=coder, narrative_id=narrative, code=code, kind=kind)

    def _write_codebook_events(self, events: list[dict], coder: str) -> None:
        check_coder(coder)
        self._folder.write_codebook(coder, codebook_events(events, coder, self._folder.now()))
        self._folder.sync_codebook_yaml(self.codebook.to_yaml())

    def history(self) -> pd.DataFrame:
        """Everything that happened, oldest first: at, coder, kind, event, narrative_id, code, coding_id, detail.

        Codings show the code's name *as it was applied*; later renames do not rewrite the past.

        >>> p.history()["kind"].unique().tolist()
        ['codebook', 'coding', 'memo']
        """
        return history_frame(self._folder.codings.all_events(), self.codebook.history(), self.memos(),
                             self._folder.withdrawals.among)

    # ------------------------------------------------------------------ withdrawal
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
        self._folder.withdraw(nid, by, reason, word_runs(self._folder.narratives.texts[nid]))
        self._folder.sync_codebook_yaml(self.codebook.to_yaml())

    def withdrawals(self) -> pd.DataFrame:
        """The withdrawal tombstones: at, by, reason (no content, no narrative id).

        >>> list(p.withdrawals().columns)
        ['at', 'by', 'reason']
        """
        return pd.DataFrame([{"at": r.get("at"), "by": r.get("by"), "reason": r.get("reason")}
                             for r in self._folder.withdrawals.records()], columns=["at", "by", "reason"])

    def info(self) -> dict[str, Any]:
        """Counts for a quick look: narratives, words, codes, codings, coders, memos.

        >>> p.info()["narratives"]
        25
        """
        return {
            "name": self.name, "path": str(self.path), "narratives": int(len(self.narratives)),
            "words": int(sum(len(t.split()) for t in self._folder.narratives.texts.values())),
            "codes": len(self.codebook), "codings": int(len(self.codings())), "coders": self.coders,
            "memos": int(len(self.memos())), "withdrawn": len(self._folder.withdrawals.keys),
        }


def _progress(items: Iterable, description: str, enabled: bool) -> Iterable:
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=description, leave=False)
