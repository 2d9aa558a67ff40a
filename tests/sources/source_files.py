"""Real source files written by the tests: PDFs by hand (a text layer, or none), long stories, transcripts."""

from __future__ import annotations

import zlib
from pathlib import Path

WORDS = ("the night line rang and someone answered who had been there too we talked about the bus the rain "
         "my sister the group on tuesday and what it means to be heard without being fixed").split()


def long_story(chars: int = 2_000_000, line: int = 90) -> str:
    """A story of about *chars* characters: plain sentences in paragraphs of a few lines, all ASCII."""
    out, length, i = [], 0, 0
    while length < chars:
        words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(14)]
        sentence = " ".join(words).capitalize() + f" ({i})."
        out.append(sentence)
        length += len(sentence) + 1
        i += 1
    paragraphs = [" ".join(out[k:k + 6]) for k in range(0, len(out), 6)]
    return "\n\n".join(paragraphs)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[list[str]] | None, blank_pages: int = 0, title: str = "") -> Path:
    """A valid PDF written byte by byte: each page's lines as Helvetica text, or *blank_pages* of drawing only.

    With ``pages=None`` the PDF has no text layer at all (like a scan): each page is a grey box.
    """
    contents = []
    for lines in pages or []:
        body = ["BT", "/F1 10 Tf", "12 TL", "40 800 Td"]
        body += [f"({_escape(text)}) Tj T*" for text in lines]
        body.append("ET")
        contents.append("\n".join(body).encode("latin-1"))
    contents += [b"0.5 g 72 500 300 200 re f"] * blank_pages
    objects: list[bytes] = []
    count = len(contents)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, content in enumerate(contents):
        packed = zlib.compress(content)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {5 + 2 * i} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>".encode())
        objects.append(f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode() + packed
                       + b"\nendstream")
    objects.append(f"<< /Title ({_escape(title)}) /Producer (workbench tests) >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    path.write_bytes(bytes(out))
    return path


def vtt_of(turns: list[tuple[str, str]], step: float = 2.0) -> str:
    """A WebVTT file with one cue a turn, voice tags for the speakers, *step* seconds apart."""
    def stamp(seconds: float) -> str:
        return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"

    cues = [f"{stamp(i * step)} --> {stamp(i * step + step * 0.9)}\n<v {who}>{words}"
            for i, (who, words) in enumerate(turns)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def srt_of(turns: list[tuple[str, str]], step: float = 2.0) -> str:
    """An SRT file with one numbered cue a turn, ``Name:`` prefixes for the speakers."""
    def stamp(seconds: float) -> str:
        return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}," \
               f"{int(round(seconds % 1 * 1000)):03d}"

    cues = [f"{i + 1}\n{stamp(i * step)} --> {stamp(i * step + step * 0.9)}\n{who}: {words}"
            for i, (who, words) in enumerate(turns)]
    return "\n\n".join(cues) + "\n"
