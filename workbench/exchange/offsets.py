"""How other programs count characters, and how to turn their positions into ours.

The REFI-QDA standard (1.5, section 10.2) counts a text selection in Unicode code points
from 0, and its examples are half-open ``[start, end)``: that is what the workbench
writes. Real exports differ: NVivo counts UTF-16 code units and a line break as two,
ATLAS.ti is reported to count a CRLF line break as one, MAXQDA is reported to drift by
one per line ending. An **offset policy** names one way of counting:

==================  =========================================================
``codepoints``      code points of the file as stored (the standard; CRLF is 2)
``codepoints-crlf1`` code points, every line break counted as 1
``codepoints-crlf2`` code points, every line break counted as 2
``utf16``           UTF-16 code units of the file as stored
``utf16-crlf1``     UTF-16 code units, every line break counted as 1
``utf16-crlf2``     UTF-16 code units, every line break counted as 2 (NVivo)
==================  =========================================================

The importer picks a policy from the file's ``origin``; :func:`boundary_scores` checks
it by how many selections start and end on word boundaries under each policy.

>>> policy = OffsetPolicy.parse("utf16-crlf2")
>>> SourceText("a\\r\\n\\U0001F600 b").to_canonical(policy, [3], [7])
(array([2]), array([5]), array([ True]))
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .._text import canonical_text
from ..errors import WorkbenchError

POLICIES = ("codepoints", "codepoints-crlf1", "codepoints-crlf2", "utf16", "utf16-crlf1", "utf16-crlf2")

#: (substring of the ``origin`` attribute, lower case) -> (policy, why)
ORIGIN_POLICIES = [
    ("narrative-workbench", "codepoints", "written by the workbench: code points, as the standard says"),
    ("nvivo", "utf16-crlf2", "NVivo counts UTF-16 code units and a line break as two"),
    ("atlas.ti", "codepoints-crlf1", "ATLAS.ti is reported to count a CRLF line break as one"),
    ("atlasti", "codepoints-crlf1", "ATLAS.ti is reported to count a CRLF line break as one"),
    ("maxqda", "codepoints-crlf1", "MAXQDA is reported to drift by one per line ending"),
    ("qualcoder", "codepoints", "QualCoder counts code points, as the standard says"),
    ("taguette", "codepoints", "Taguette counts code points, as the standard says"),
    ("qc ", "codepoints", "the qc tool counts code points, as the standard says"),
]


@dataclass(frozen=True)
class OffsetPolicy:
    """A way of counting characters: ``unit`` is ``"codepoints"`` or ``"utf16"``; ``line_break`` is
    ``None`` (as stored: CRLF is 2, LF is 1), ``1`` or ``2`` (every line break counts that much)."""

    unit: str = "codepoints"
    line_break: int | None = None

    @property
    def name(self) -> str:
        return self.unit + (f"-crlf{self.line_break}" if self.line_break else "")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def parse(cls, value: "str | OffsetPolicy") -> "OffsetPolicy":
        if isinstance(value, OffsetPolicy):
            return value
        name = str(value).strip().lower().replace("_", "-").replace("utf-16", "utf16")
        name = {"code-points": "codepoints", "standard": "codepoints", "nvivo": "utf16-crlf2",
                "crlf1": "codepoints-crlf1", "crlf2": "codepoints-crlf2"}.get(name, name)
        if name not in POLICIES:
            raise WorkbenchError(
                f"Unknown offset policy {value!r}: use one of {', '.join(POLICIES)} "
                "('codepoints' is the REFI-QDA standard; 'utf16-crlf2' is how NVivo counts)."
            )
        unit, _, rest = name.partition("-")
        return cls(unit, int(rest[-1]) if rest else None)


ALL_POLICIES = tuple(OffsetPolicy.parse(p) for p in POLICIES)


def policy_for_origin(origin: str | None) -> tuple[OffsetPolicy, str]:
    """The policy a file's ``origin`` attribute suggests, and why.

    >>> policy_for_origin("NVivo 14.23.0")[0].name
    'utf16-crlf2'
    """
    text = (origin or "").lower() + " "
    for needle, policy, why in ORIGIN_POLICIES:
        if needle in text:
            return OffsetPolicy.parse(policy), why
    if not origin:
        return OffsetPolicy(), "the file does not say which program wrote it: using the standard (code points)"
    return OffsetPolicy(), f"{origin!r} is not a program with known deviations: using the standard (code points)"


class SourceText:
    """One source's text as stored in the archive, and the workbench's canonical form of it.

    :meth:`to_canonical` converts positions counted under a policy in the stored text into
    code-point offsets in the canonical text (NFC, ``\\n`` line ends, no BOM).
    """

    def __init__(self, raw: str) -> None:
        if raw.startswith("\ufeff"):
            raw = raw[1:]
        self.raw = raw
        self.canonical = canonical_text(raw)
        self._frames: dict[OffsetPolicy, np.ndarray] = {}
        self._nfc_maps: tuple[np.ndarray, np.ndarray] | None = None
        self.simple = "\r" not in raw and "\n" not in raw and raw.isascii()

    def _frame(self, policy: OffsetPolicy) -> np.ndarray:
        """``frame[i]``: the position (under *policy*) where newline-normalised character ``i`` starts."""
        if policy in self._frames:
            return self._frames[policy]
        cps = np.frombuffer(self.raw.encode("utf-32-le"), dtype=np.uint32)
        is_cr = cps == 13
        next_lf = np.zeros_like(is_cr)
        next_lf[:-1] = cps[1:] == 10
        cr_of_crlf = is_cr & next_lf
        keep = ~cr_of_crlf
        kept = cps[keep]
        width = np.ones(len(kept), dtype=np.int64)
        if policy.unit == "utf16":
            width += kept > 0xFFFF
        is_break = (kept == 10) | (kept == 13)
        if policy.line_break is None:
            # a kept LF that followed a dropped CR was a CRLF: 2 as stored
            was_crlf = np.zeros(len(cps), dtype=bool)
            was_crlf[1:] = cr_of_crlf[:-1]
            width[is_break] = np.where(was_crlf[keep][is_break], 2, 1)
        else:
            width[is_break] = policy.line_break
        frame = np.zeros(len(kept) + 1, dtype=np.int64)
        np.cumsum(width, out=frame[1:])
        self._frames[policy] = frame
        return frame

    def _nfc(self) -> tuple[np.ndarray, np.ndarray]:
        """Maps from newline-normalised positions to canonical ones (start rounds down, end up)."""
        if self._nfc_maps is not None:
            return self._nfc_maps
        text = self.raw.replace("\r\n", "\n").replace("\r", "\n")
        if unicodedata.is_normalized("NFC", text):
            ident = np.arange(len(text) + 1, dtype=np.int64)
            self._nfc_maps = (ident, ident)
            return self._nfc_maps
        # Split where normalisation cannot reach across (before a starter), merging pieces that compose.
        pieces: list[str] = []
        for char in text:
            if pieces and unicodedata.combining(char) == 0:
                joined = pieces[-1] + char
                if unicodedata.normalize("NFC", joined) != unicodedata.normalize("NFC", pieces[-1]) + char:
                    pieces[-1] = joined
                    continue
                pieces.append(char)
            elif pieces:
                pieces[-1] += char
            else:
                pieces.append(char)
        starts = np.zeros(len(text) + 1, dtype=np.int64)
        ends = np.zeros(len(text) + 1, dtype=np.int64)
        at_raw = at_canon = 0
        for piece in pieces:
            normal = unicodedata.normalize("NFC", piece)
            if normal == piece:
                span = np.arange(len(piece), dtype=np.int64)
                starts[at_raw:at_raw + len(piece)] = at_canon + span
                ends[at_raw:at_raw + len(piece)] = at_canon + span
            else:
                starts[at_raw:at_raw + len(piece)] = at_canon
                ends[at_raw] = at_canon
                ends[at_raw + 1:at_raw + len(piece)] = at_canon + len(normal)
            at_raw += len(piece)
            at_canon += len(normal)
        starts[at_raw] = ends[at_raw] = at_canon
        self._nfc_maps = (starts, ends)
        return self._nfc_maps

    def to_canonical(self, policy: OffsetPolicy, starts: Sequence[int], ends: Sequence[int]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Canonical ``(starts, ends, inside)``; ``inside`` is False where a position lies outside the text.

        A position that falls inside one counted unit (between the halves of a surrogate pair,
        or of a CRLF counted as two) rounds outwards: starts down, ends up.
        """
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        if self.simple:
            inside = (starts >= 0) & (ends <= len(self.raw)) & (starts <= ends)
            return starts.copy(), ends.copy(), inside
        frame = self._frame(policy)
        total = frame[-1]
        inside = (starts >= 0) & (ends <= total) & (starts <= ends)
        s = np.clip(starts, 0, total)
        e = np.clip(ends, 0, total)
        si = np.searchsorted(frame, s, side="left")
        si = np.where(frame[si] == s, si, si - 1)
        ei = np.searchsorted(frame, e, side="left")
        map_start, map_end = self._nfc()
        return map_start[si], map_end[ei], inside

    def exact(self, policy: OffsetPolicy, positions: Sequence[int]) -> np.ndarray:
        """True where a position falls between counted units (not inside a surrogate pair or CRLF)."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.simple:
            return np.ones(len(positions), dtype=bool)
        frame = self._frame(policy)
        index = np.searchsorted(frame, np.clip(positions, 0, frame[-1]), side="left")
        return frame[np.minimum(index, len(frame) - 1)] == positions


def on_boundary(text: str, position: int) -> bool:
    """True when *position* does not cut through a word (letters and digits on both sides)."""
    if position <= 0 or position >= len(text):
        return True
    return not (text[position - 1].isalnum() and text[position].isalnum())


def boundary_scores(items: Sequence[tuple[SourceText, Sequence[int], Sequence[int]]],
                    policies: Sequence[OffsetPolicy] = ALL_POLICIES, limit: int = 4000) -> "list[dict]":
    """For each policy: the share of selection ends on word boundaries, and how many fall outside.

    *items* are ``(source, starts, ends)`` in the file's counting. At most *limit* selections
    (spread evenly) are scored; a position inside a CRLF or surrogate pair counts as a miss.
    """
    total = sum(len(s) for _, s, _ in items)
    step = max(1, total // limit) if total else 1
    rows = []
    for policy in policies:
        hits = checked = outside = 0
        seen = 0
        for source, starts, ends in items:
            starts = np.asarray(starts, dtype=np.int64)
            ends = np.asarray(ends, dtype=np.int64)
            pick = np.arange((-seen) % step, len(starts), step)
            seen += len(starts)
            if not len(pick):
                continue
            s, e = starts[pick], ends[pick]
            cs, ce, inside = source.to_canonical(policy, s, e)
            exact_s, exact_e = source.exact(policy, s), source.exact(policy, e)
            text = source.canonical
            outside += int((~inside).sum())
            for a, b, ok, xa, xb in zip(cs.tolist(), ce.tolist(), inside.tolist(), exact_s.tolist(), exact_e.tolist()):
                checked += 2
                if ok:
                    hits += (xa and on_boundary(text, a)) + (xb and on_boundary(text, b))
        rows.append({"policy": policy.name, "on_word_boundaries": hits / checked if checked else float("nan"),
                     "scored_selections": checked // 2, "outside_text": outside})
    return rows
