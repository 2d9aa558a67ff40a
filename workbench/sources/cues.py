"""Subtitle transcripts: WebVTT (``.vtt``) and SubRip (``.srt``) cues as :class:`~.parts.Part` objects.

A cue's speaker comes from a WebVTT voice tag ``<v Name>`` or a ``Name:`` at the start of a
line; other tags (``<i>``, ``<c.loud>``, inline times) are dropped and entities decoded.
"""

from __future__ import annotations

import html
import re

from ..errors import WorkbenchError
from .parts import Part, seconds, split_label

_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"</?[^>]*>")


def _voices(payload: str) -> list[tuple[str | None, str]]:
    """Split a cue's payload at its voice tags: ``[(speaker or None, text)]``."""
    found = list(_VOICE.finditer(payload))
    if not found:
        return [(None, payload)]
    out = [(None, payload[:found[0].start()])] if payload[:found[0].start()].strip() else []
    for match, following in zip(found, [*found[1:], None]):
        end = following.start() if following else len(payload)
        out.append((match.group(1).strip() or None, payload[match.end():end]))
    return out


def cue_parts(payload_lines: list[str], start: float, end: float, labels: bool) -> list[Part]:
    """The parts of one cue: one per voice or per ``Name:`` line, the first carrying the cue's times.

    >>> [(p.speaker, p.text) for p in cue_parts(["<v Ana>Hi,", "how are you?</v>"], 0.0, 2.0, True)]
    [('Ana', 'Hi, how are you?')]
    """
    parts: list[Part] = []
    for speaker, chunk in _voices("\n".join(payload_lines)):
        lines = [html.unescape(_TAG.sub("", line)).strip() for line in chunk.split("\n")]
        current: list[str] = []
        for line in (line for line in lines if line):
            named, rest = split_label(line) if labels and speaker is None else (None, line)
            if named or (line.startswith(("- ", "– ")) and current):
                if current:
                    parts.append(Part(" ".join(current), speaker))
                speaker, current = named or None, [rest.lstrip("-– ")]
            else:
                current.append(line)
        if current:
            parts.append(Part(" ".join(current), speaker))
    if parts:
        parts[0] = Part(parts[0].text, parts[0].speaker, start=start, end=end if len(parts) == 1 else None)
    return parts


def _blocks(text: str) -> list[list[str]]:
    return [block.split("\n") for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
            if block.strip()]


def _cues(blocks: list[list[str]], name: str) -> list[tuple[float, float, list[str]]]:
    cues = []
    for block in blocks:
        index = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        if index is None:
            continue  # a NOTE, STYLE or REGION block, or a stray line
        match = _TIMING.match(block[index])
        if match is None:
            raise WorkbenchError(f"{name}: the cue timing {block[index]!r} is not 'start --> end'.")
        try:
            cues.append((seconds(match.group(1)), seconds(match.group(2)), block[index + 1:]))
        except WorkbenchError:
            raise WorkbenchError(f"{name}: the cue timing {block[index]!r} has a time that is not hh:mm:ss.mmm.") \
                from None
    return cues


def read_cues(text: str, name: str = "transcript", webvtt: bool = True) -> list[Part]:
    """The parts of a WebVTT (*webvtt*) or SRT file's text, in cue order.

    ``Name:`` prefixes count as speakers when at least two cues have one.

    >>> vtt = "WEBVTT\\n\\n00:00.000 --> 00:02.000\\n<v Ana>Hello.\\n\\n00:02.500 --> 00:04.000\\n<v R07>Hi!"
    >>> [(p.speaker, p.text, p.start) for p in read_cues(vtt)]
    [('Ana', 'Hello.', 0.0), ('R07', 'Hi!', 2.5)]
    """
    text = text.lstrip("\ufeff")
    if webvtt and not text.startswith("WEBVTT"):
        raise WorkbenchError(f"{name} is not a WebVTT file: it must start with 'WEBVTT'.")
    cues = _cues(_blocks(text), name)
    if not cues:
        raise WorkbenchError(f"{name} has no cues ('00:00:01.000 --> 00:00:04.000' lines followed by text).")
    labelled = sum(1 for _, _, lines in cues if lines and split_label(_TAG.sub("", lines[0]))[0])
    parts: list[Part] = []
    for start, end, lines in cues:
        parts.extend(cue_parts(lines, start, end, labels=labelled >= 2))
    return parts
