"""The import plan: everything checked and converted, ready to be written through the public API.

:class:`ImportPlan` holds the state; the steps that fill it live in ``_import_texts``,
``_import_codings`` and ``_import_memos`` and run in that order (see ``refi_read.read_plan``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ._import_names import coder_names, plan_codes
from ._qde_model import ParsedFile, ParsedSource
from .import_report import ImportReport
from .offsets import OffsetPolicy, SourceText

FALLBACK_CODER = "imported"
SKIPPED_COLUMNS = ["what", "name", "reason", "selections", "codings"]


@dataclass
class PlannedNarrative:
    """A text source that becomes a narrative."""

    source: ParsedSource
    id: str
    title: str
    text: str
    source_text: SourceText
    narrator: str = ""
    consent: str = "given"
    attributes: dict = field(default_factory=dict)


class ImportPlan:
    """The state of one import between reading the file and writing the project."""

    def __init__(self, parsed: ParsedFile, label: str, policy: OffsetPolicy, policy_reason: str) -> None:
        self.parsed, self.label, self.policy = parsed, label, policy
        self.ours = "narrative-workbench" in parsed.origin.lower()
        self.report = ImportReport(label, parsed.origin, policy.name, policy_reason)
        self.report.warnings += [f"Deviation from the standard: {d}." for d in dict.fromkeys(parsed.deviations)]
        for tag, count in parsed.unknown.items():
            self.report.warnings.append(f"{count} <{tag}> source element(s) of an unknown kind were skipped.")
        self.skipped: list[dict] = []
        self.coders = coder_names(parsed.users)
        self.codes, self.code_names, renamed = plan_codes(parsed, self.ours)
        if len(renamed):
            self.report.renamed = renamed
        self.fallback = self.coders.get(parsed.creator) if parsed.creator else None
        self.fallback_used = 0
        # filled by the steps:
        self.narratives: list[PlannedNarrative] = []
        self.by_source: dict[str, PlannedNarrative] = {}
        self.rows: dict[str, pd.DataFrame] = {}  # coder -> their codings
        self.consumed_notes: set[str] = set()  # notes that became coding notes
        self.selection_first_coding: dict[str, str] = {}
        self.selection_memos: list[tuple] = []
        self.selections_used = 0
        self.coding_narrative: dict[str, str] = {}
        self.memos: list[dict] = []

    def coder(self, user: str | None, count: bool = True) -> str:
        """The coder name for a user GUID; who did it when the file does not say (counted for the report)."""
        if user and user in self.coders:
            return self.coders[user]
        if user:  # a GUID with no <User>: still one person
            name = f"user {user[:8].lower()}"
            self.coders[user] = name
            return name
        self.fallback_used += count
        return self.fallback or FALLBACK_CODER

    def skip(self, what: str, name: str, reason: str, selections: int = 0, codings: int = 0) -> None:
        """Record something left out, for the report's Skipped table."""
        self.skipped.append({"what": what, "name": name, "reason": reason, "selections": int(selections),
                             "codings": int(codings)})

    def release(self) -> None:
        """Drop the parsed columns and rows (the report stays)."""
        self.rows = {}
        self.narratives, self.by_source = [], {}
        self.parsed.sources = []

    def summarise(self) -> None:
        """Fill the report's summary (what, in_file, imported, skipped, note) and Skipped tables."""
        p = self.parsed
        text_sources = [s for s in p.sources if s.kind == "TextSource" or s.representation]
        other = [s for s in p.sources if s.kind != "TextSource" and not s.representation]
        selections = sum(len(s.sel_start) for s in text_sources)
        codings_in = sum(len(s.cod_code) for s in text_sources) + sum(s.skipped_codings for s in p.sources)
        codings_ok = sum(len(r) for r in self.rows.values())
        notes_total = len(p.notes) + len(self.selection_memos)
        notes_ok = len(self.memos) + len(self.consumed_notes)
        note_sets = sum(1 for s in p.sets if s["notes"] and not s["codes"])
        rows = [
            ("text sources", len(text_sources), len(self.narratives), len(text_sources) - len(self.narratives),
             "as narratives" + (f" ({pdfs} from PDFs' text)" if (pdfs := sum(s.representation for s in p.sources))
                                else "")),
            ("other sources", len(other), 0, len(other), "PDF without text, picture, audio, video: not held"),
            ("codes", len(p.codes), len(self.codes), 0, "hierarchy and colours kept"),
            ("users", len(p.users), len(p.users), 0, "as coders"),
            ("text selections", selections, self.selections_used, selections - self.selections_used,
             "each coding on a selection becomes a coding of its own"),
            ("codings", codings_in, codings_ok, codings_in - codings_ok, "with their coder and time"),
            ("notes", notes_total, notes_ok, notes_total - notes_ok,
             f"{len(self.consumed_notes)} as coding notes, the rest as memos"),
            ("variables", len(p.variables), len(p.variables), 0, "as narrative attributes"),
            ("cases", len(p.cases), len(p.cases), 0, "case name as narrator, case variables as attributes"),
            ("sets", len(p.sets), len(p.sets) - note_sets, note_sets,
             "code sets as themes, source sets as attributes"),
            ("links", p.links, 0, p.links, "not held by the workbench"),
            ("graphs", p.graphs, 0, p.graphs, "not held by the workbench"),
        ]
        frame = pd.DataFrame(rows, columns=["what", "in_file", "imported", "skipped", "note"])
        for column in ("in_file", "imported", "skipped"):
            frame[column] = frame[column].astype("Int64")
        self.report.summary = frame[frame["in_file"] > 0].reset_index(drop=True)
        if self.skipped:
            self.report.skipped = pd.DataFrame(self.skipped, columns=SKIPPED_COLUMNS)
