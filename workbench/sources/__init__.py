"""Sources with structure: transcripts (WebVTT, SRT, oTranscribe and plain text, .docx) and PDFs.

Each reader cuts its file into :class:`Part` objects and :func:`build` turns them into the
narrative's canonical text and the :class:`~workbench.store.structure.Structure` kept beside
it (turns, time anchors, pages). See docs/sources.md.

>>> from workbench.sources import build, read_transcript
>>> _ = Path("call.srt").write_text("1\\n00:00:01,000 --> 00:00:03,000\\nAna: Hello.\\n\\n"
...                                  "2\\n00:00:03,500 --> 00:00:05,000\\nR07: Hi, it's late.\\n")
>>> text, structure = build(read_transcript("call.srt"))
>>> structure.speakers
['Ana', 'R07']
"""

from __future__ import annotations

import os
from pathlib import Path

from .._text import decode_bytes
from ..errors import WorkbenchError
from .cues import read_cues
from .paragraphs import otr_text, read_docx_transcript, read_paragraphs
from .parts import Part, build, rename_speakers
from .pdf import read_pdf

TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".txt", ".md", ".otr", ".docx")

__all__ = ["TRANSCRIPT_SUFFIXES", "Part", "build", "read_pdf", "read_transcript", "rename_speakers"]


def read_transcript(path: str | os.PathLike, speakers: list[str] | None = None) -> list[Part]:
    """The parts of a transcript file, by its extension: ``.vtt``, ``.srt``, ``.otr``, ``.txt``/``.md``, ``.docx``.

    *speakers* names the people whose ``Name:`` opens a turn in a text or .docx transcript
    (by default a short name before a colon counts when at least two lines have one).

    >>> _ = Path("talk.txt").write_text("[00:00:02] Ana: Tell me.\\n[00:00:04] Ben: Well...")
    >>> [p.speaker for p in read_transcript("talk.txt")]
    ['Ana', 'Ben']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TRANSCRIPT_SUFFIXES:
        raise WorkbenchError(f"{path}: a transcript must be one of {', '.join(TRANSCRIPT_SUFFIXES)} "
                             f"(not {suffix or 'a file without extension'}).")
    if not path.is_file():
        raise WorkbenchError(f"{path} does not exist; give the transcript's file.")
    if suffix == ".docx":
        return read_docx_transcript(path)
    text = decode_bytes(path.read_bytes(), str(path))
    if suffix in (".vtt", ".srt"):
        return read_cues(text, str(path), webvtt=suffix == ".vtt")
    if suffix == ".otr":
        text = otr_text(text, str(path))
    return read_paragraphs(text, known=set(speakers) if speakers else None)
