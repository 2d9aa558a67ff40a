"""The report an import hands back: what came in, what was skipped and why, how positions were counted."""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["ImportReport"]


class ImportReport:
    """What an import brought in, what it skipped and why, and how positions were counted.

    ``summary`` (DataFrame: what, in_file, imported, skipped, note), ``skipped`` (DataFrame:
    what, name, reason, selections, codings), ``warnings`` (list of text), ``policy`` and
    ``policy_scores`` (DataFrame: policy, on_word_boundaries, scored_selections, outside_text).

    >>> q = wb.import_qdpx(wb.exchange.export_qdpx(p, "team.qdpx"), into="copy")
    >>> print(q.import_report)
    Imported team.qdpx (written by narrative-workbench ...)
    Offsets: codepoints - ...
    ...
    >>> int(q.import_report.summary.set_index("what").loc["codings", "skipped"])
    0
    """

    def __init__(self, source: str, origin: str, policy: str, policy_reason: str) -> None:
        self.source, self.origin, self.policy, self.policy_reason = source, origin, policy, policy_reason
        self.summary = pd.DataFrame(columns=["what", "in_file", "imported", "skipped", "note"])
        self.skipped = pd.DataFrame(columns=["what", "name", "reason", "selections", "codings"])
        self.renamed = pd.DataFrame(columns=["what", "from", "to", "why"])
        self.warnings: list[str] = []
        self.policy_scores = pd.DataFrame(columns=["policy", "on_word_boundaries", "scored_selections", "outside_text"])

    def to_frame(self) -> pd.DataFrame:
        """The summary table (a copy).

        >>> ImportReport("empty.qdpx", "", "codepoints", "chosen by you").to_frame().columns.tolist()
        ['what', 'in_file', 'imported', 'skipped', 'note']
        """
        return self.summary.copy()

    def __str__(self) -> str:
        lines = [f"Imported {self.source} (written by {self.origin or 'an unnamed program'})",
                 f"Offsets: {self.policy} - {self.policy_reason}"]
        if len(self.policy_scores):
            shares = ", ".join(f"{r.policy} {r.on_word_boundaries:.0%}" for r in self.policy_scores.itertuples()
                               if r.on_word_boundaries == r.on_word_boundaries)
            if shares:
                lines.append(f"Selection ends on word boundaries: {shares}")
        lines.append("")
        lines.append(self.summary.to_string(index=False) if len(self.summary) else "(nothing in the file)")
        if len(self.skipped):
            lines += ["", "Skipped:", self.skipped.to_string(index=False)]
        if len(self.renamed):
            lines += ["", "Renamed:", self.renamed.to_string(index=False)]
        if self.warnings:
            lines += ["", "Warnings:"] + [f"- {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        parts = [f"<p><b>Imported</b> {html.escape(self.source)} (written by {html.escape(self.origin or '?')})<br>"
                 f"<b>Offsets:</b> {html.escape(self.policy)} &mdash; {html.escape(self.policy_reason)}</p>",
                 self.summary.to_html(index=False)]
        if len(self.skipped):
            parts += ["<p><b>Skipped</b></p>", self.skipped.to_html(index=False)]
        if len(self.renamed):
            parts += ["<p><b>Renamed</b></p>", self.renamed.to_html(index=False)]
        if self.warnings:
            parts.append("<ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings) + "</ul>")
        return "".join(parts)
