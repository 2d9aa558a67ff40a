"""Transcripts written as paragraphs: plain text and oTranscribe (``[hh:mm:ss]`` stamps, ``Name:`` turns), .docx.

A line that starts with ``Name:`` (or, in a .docx, with the speaker's name in bold) opens a
turn; a line without one carries on the turn before. Time stamps in brackets (``[00:12:05]``,
``(12:05)``) anywhere, or ``00:12:05`` at the start of a line, become time anchors and leave
the text, which stays readable.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from ..errors import WorkbenchError
from .parts import _STAMP, Part, seconds, split_label

_BRACKETED = re.compile(r"[\[(#]" + _STAMP + r"[\])#]")
_BARE = re.compile(r"\s*(\w[\w.'’\- ]{0,40}?)\s*:\s*")
_LEADING = re.compile(r"^\s*(?:[\[(#]" + _STAMP + r"[\])#]|(\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?)(?=\s))\s*")


def _leading_stamp(line: str) -> tuple[float | None, str]:
    match = _LEADING.match(line)
    if match is None:
        return None, line
    return seconds(match.group(0)), line[match.end():]


def _labelled(line: str) -> bool:
    rest = _leading_stamp(line)[1]
    return bool(split_label(rest)[0] or (_BARE.fullmatch(rest) and split_label(f"{rest} x")[0]))


def _line_parts(line: str, known: set[str] | None, labels: bool) -> tuple[bool, list[Part]]:
    """Whether *line* opens a turn or a timed piece, and its parts (split at inline stamps)."""
    start, rest = _leading_stamp(line)
    speaker, rest = split_label(rest, known) if labels else (None, rest)
    if speaker is not None and start is None:
        start, rest = _leading_stamp(rest)
    found = list(_BRACKETED.finditer(rest))
    cuts = [0, *[m.start() for m in found], len(rest)]
    ends = [m.end() for m in found]
    parts = [Part(rest[:cuts[1]].strip(), speaker, start=start)]
    parts += [Part(rest[begin:end].strip(), None, start=seconds(m.group(0)))
              for m, begin, end in zip(found, ends, cuts[2:])]
    return (speaker is not None or start is not None), parts


def read_paragraphs(text: str, known: set[str] | None = None) -> list[Part]:
    """The parts of a transcript written as lines and paragraphs.

    ``Name:`` counts as a speaker when at least two lines start with one (or, with *known*,
    when the name is one of those).

    >>> parts = read_paragraphs("[00:00:05] Ana: How was the night?\\n"
    ...                         "[00:00:09] R07: Long. [00:00:12] Quiet, then not.")
    >>> [(p.speaker, p.text, p.start) for p in parts]
    [('Ana', 'How was the night?', 5.0), ('R07', 'Long.', 9.0), (None, 'Quiet, then not.', 12.0)]
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    labels = known is not None or sum(1 for line in lines if _labelled(line)) >= 2
    parts: list[Part] = []
    pending: float | None = None
    new_paragraph = True
    for line in lines:
        if not line.strip():
            new_paragraph = True
            continue
        stamp, rest = _leading_stamp(line)
        bare = _BARE.fullmatch(rest)
        if bare and (bare.group(1) in known if known is not None else labels and split_label(f"{rest} x")[0]):
            parts.append(Part("", bare.group(1).strip()))  # a speaker named on a line of their own
            pending = stamp if stamp is not None else pending
            continue
        opens, found = _line_parts(line, known, labels)
        if not found[0].text.strip() and len(found) == 1:
            pending = found[0].start if found[0].start is not None else pending  # a stamp on its own line
            continue
        first = found[0]
        if pending is not None and first.start is None:
            first, pending = Part(first.text, first.speaker, start=pending), None
        if opens or new_paragraph or not parts:
            parts.append(Part(first.text, first.speaker, start=first.start,
                              join="\n\n" if new_paragraph else "\n"))
        else:
            last = parts[-1]
            parts[-1] = Part(f"{last.text}\n{first.text}", last.speaker, start=last.start, join=last.join)
        parts.extend(found[1:])
        new_paragraph = False
    return _carry_bare_speakers(parts)


def _carry_bare_speakers(parts: list[Part]) -> list[Part]:
    """A speaker named on a line of their own speaks the next part."""
    out: list[Part] = []
    carry: str | None = None
    for part in parts:
        if not part.text:
            carry = part.speaker
            continue
        if carry and part.speaker is None:
            part = Part(part.text, carry, start=part.start, join=part.join)
        carry = None
        out.append(part)
    return out


def otr_text(data: str, name: str = "transcript.otr") -> str:
    """The text of an oTranscribe ``.otr`` file (JSON with HTML), its time stamps written ``[hh:mm:ss.s]``.

    >>> otr_text('{"text": "<p><span class=\\\\"timestamp\\\\" data-timestamp=\\\\"65.2\\\\">1:05</span>'
    ...          ' Ana: yes</p>"}')
    '[00:01:05.2] Ana: yes'
    """
    try:
        content = json.loads(data)["text"]
    except (ValueError, KeyError, TypeError):
        raise WorkbenchError(f"{name} is not an oTranscribe file (JSON with a 'text' field).") from None

    def stamp(match: re.Match) -> str:
        value = float(match.group(1))
        return f"[{int(value // 3600):02d}:{int(value % 3600 // 60):02d}:{value % 60:04.1f}]"

    content = re.sub(r"<span[^>]*data-timestamp=\"([\d.]+)\"[^>]*>.*?</span>", stamp, content)
    content = re.sub(r"<br\s*/?>|</p>|</div>", "\n", content)
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()


def read_docx_transcript(path: Path) -> list[Part]:
    """The parts of a .docx transcript: a speaker in bold at a paragraph's start, or ``Name:``.

    A paragraph that is only a short bold name names the speaker of the paragraphs after it.

    >>> import docx
    >>> document = docx.Document()
    >>> paragraph = document.add_paragraph(); paragraph.add_run("Ana:").bold = True; _ = paragraph.add_run(" Hello.")
    >>> document.save("talk.docx")
    >>> [(p.speaker, p.text) for p in read_docx_transcript(Path("talk.docx"))]
    [('Ana', 'Hello.')]
    """
    try:
        import docx
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        raise WorkbenchError(f"{path} is not a readable .docx file ({exc}).") from None
    lines, bold_names = [], set()
    for paragraph in document.paragraphs:
        bold = ""
        for run in paragraph.runs:
            if not run.bold or not run.text:
                break
            bold += run.text
        name = bold.strip().rstrip(":").strip()
        rest = paragraph.text[len(bold):].lstrip(" :\t") if bold else paragraph.text
        if name and 1 <= len(name.split()) <= 4 and not _BRACKETED.fullmatch(name):
            bold_names.add(name)
            lines.append(f"{name}: {rest}" if rest.strip() else f"{name}:")
        else:
            lines.append(paragraph.text)
        lines.append("")
    text = "\n".join(lines)
    return read_paragraphs(text, known=bold_names or None)
