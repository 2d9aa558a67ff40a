"""From the pieces of a source to a canonical text and the structure beside it.

Every reader (WebVTT, SRT, plain-text transcripts, .docx, PDF) cuts its file into :class:`Part`
objects: a piece of speech or a page, with its speaker, times or page number when the file
says them. :func:`build` lays the parts out as plain readable text (one paragraph a turn,
``Name: `` in front, as a reader expects) and records the turns, time anchors and pages as
offsets into that very text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from .._text import canonical_text
from ..errors import WorkbenchError
from ..store.structure import Structure

_STAMP = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
STAMP = re.compile(_STAMP)
_LABEL = re.compile(r"^\s*(?:[-–—]\s*)?(\w[\w.'’\- ]{0,40}?)\s*:\s+(?=\S)")


@dataclass(frozen=True)
class Part:
    """A piece of a source: its text, and when known its speaker, start and end (seconds) and page.

    ``speaker=None`` means "whoever spoke before" (a continuation); ``join`` is what separates it
    from the previous part of the same turn.

    >>> Part("Hello there.", speaker="Ana", start=1.5).speaker
    'Ana'
    """

    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None
    page: int | None = None
    join: str = " "


def seconds(stamp: str) -> float:
    """Seconds in a time stamp ``hh:mm:ss.mmm``, ``mm:ss``, ``hh:mm:ss,mmm`` (SRT) or ``[hh:mm:ss]``.

    >>> seconds("01:02:03.5"), seconds("[02:03]"), seconds("00:00:01,250")
    (3723.5, 123.0, 1.25)
    """
    match = STAMP.search(stamp)
    if match is None:
        raise WorkbenchError(f"{stamp!r} is not a time stamp (hh:mm:ss.mmm).")
    hours, minutes, secs, fraction = match.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
    return value + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def split_label(line: str, known: set[str] | None = None) -> tuple[str | None, str]:
    """``(speaker, rest)`` when *line* starts with ``Name:`` (one to four words), else ``(None, line)``.

    With *known* names, only those count as speakers.

    >>> split_label("R07: I called at night."), split_label("I said: no.")
    (('R07', 'I called at night.'), (None, 'I said: no.'))
    """
    match = _LABEL.match(line)
    if match is None:
        return None, line
    name = match.group(1).strip()
    if known is not None:
        return (name, line[match.end():]) if name in known else (None, line)
    words = name.split()
    if not 1 <= len(words) <= 3 or name.lower() in {"i said", "note", "he said", "she said", "they said"} or \
            not (name[0].isupper() or name[0].isdigit()):
        return None, line
    return name, line[match.end():]


def clean(text: str) -> str:
    """A part's text as it goes into the narrative: canonical, runs of spaces and tabs made one.

    >>> clean("  so   I\\tcalled ")
    'so I called'
    """
    return re.sub(r"[ \t\u00a0]+", " ", canonical_text(text)).strip()


def rename_speakers(parts: Iterable[Part], rename: Callable[[str], str]) -> list[Part]:
    """*parts* with every text and speaker passed through *rename* (pseudonyms), ready to build again.

    >>> rename_speakers([Part("Maria here", speaker="Maria")], lambda s: s.replace("Maria", "Ana"))[0]
    Part(text='Ana here', speaker='Ana', start=None, end=None, page=None, join=' ')
    """
    return [replace(part, text=rename(part.text), speaker=rename(part.speaker) if part.speaker else part.speaker)
            for part in parts]


def build(parts: list[Part], separator: str = "\n\n") -> tuple[str, Structure]:
    """The canonical text of *parts* and its :class:`Structure` (turns, time anchors, pages).

    Consecutive parts of one speaker make one turn; a turn is a paragraph that starts with the
    speaker's name and a colon. Without any speaker, each part is a turn of its own, separated
    by *separator*. Pages (PDF) become paragraphs, and their spans are kept.

    >>> text, structure = build([Part("Hi.", "Ana", 0.0), Part("Hello!", "Ben", 2.5), Part("How are you?", None, 4.0)])
    >>> print(text)
    Ana: Hi.
    <BLANKLINE>
    Ben: Hello! How are you?
    >>> structure.turns, structure.anchors
    ([(0, 8, 'Ana'), (10, 34, 'Ben')], [(0, 0.0), (10, 2.5), (22, 4.0)])
    """
    parts = [replace(part, text=clean(part.text), speaker=clean(part.speaker) if part.speaker else None)
             for part in parts]
    parts = [part for part in parts if part.text]
    if not parts:
        raise WorkbenchError("The source has no text to import (no cue, paragraph or page with words).")
    voiced = any(part.speaker for part in parts)
    pieces: list[str] = []
    turns: list[list] = []
    anchors: list[tuple[int, float]] = []
    pages: list[tuple[int, int, int]] = []
    length, speaker = 0, None

    def add(piece: str) -> int:
        nonlocal length
        pieces.append(piece)
        length += len(piece)
        return length

    for part in parts:
        continues = voiced and turns and (part.speaker is None or part.speaker == speaker)
        if continues:
            add(part.join)
            at = length
        else:
            if turns or pages:
                add(separator if voiced or part.page is not None else part.join.replace(" ", "\n"))
            at = length
            speaker = part.speaker if voiced else None
            if speaker:
                add(f"{speaker}: ")
            turns.append([at, at, speaker or ""])
        if part.start is not None:
            _anchor(anchors, at if continues else turns[-1][0], part.start)
        begin = length
        add(part.text)
        turns[-1][1] = length
        if part.end is not None:
            _anchor(anchors, length, part.end)
        if part.page is not None:
            pages.append((begin, length, part.page))
    text = "".join(pieces)
    if canonical_text(text) != text:  # pragma: no cover - parts are cleaned above
        raise WorkbenchError("The transcript did not come out as canonical text; please report this.")
    kept = [] if pages else [tuple(t) for t in turns]
    return text, Structure(turns=kept, anchors=anchors, pages=pages)


def _anchor(anchors: list[tuple[int, float]], offset: int, at: float) -> None:
    """Add ``(offset, at)``: a time never goes back (overlapping cues), and one offset keeps its first time."""
    if anchors:
        at = max(at, anchors[-1][1])
        if anchors[-1][0] == offset:
            return
    anchors.append((offset, float(at)))
