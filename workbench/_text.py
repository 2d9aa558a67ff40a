"""Canonical text and offsets.

The workbench stores every narrative as *canonical* text: Unicode NFC, line endings
``\\n``, no byte-order mark. Offsets everywhere are Python string indices (code points)
into that text, half-open ``[start, end)``. Browsers count UTF-16 code units; the
helpers here convert at that boundary.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .errors import EncodingError

_BOM = "\ufeff"


def canonical_text(text: str) -> str:
    """Return *text* as the workbench stores it: NFC, ``\\n`` line ends, no BOM.

    >>> canonical_text("\\ufeffCafe\\u0301\\r\\nok\\r")
    'Café\\nok\\n'
    """
    if text.startswith(_BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, source: str = "input") -> str:
    """Decode file bytes as UTF-8 (a UTF-8 BOM is allowed), or UTF-16 when it has a BOM.

    Anything else is refused: guessing an encoding silently corrupts a story.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"{source} starts like UTF-16 but does not decode: {exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{source} is not UTF-8 text (byte {exc.start} is {data[exc.start:exc.start + 1]!r}). "
            "Save it as UTF-8 (in most editors: 'Save as' > encoding UTF-8) and import it again."
        ) from None


def sha256_text(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 bytes of *text*."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def slugify(value: str, fallback: str = "item", max_length: int = 40) -> str:
    """A short, file-name-safe, lower-case slug: ``"The Kitchen Table!" -> "the-kitchen-table"``."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-")[:max_length].strip("-")
    return slug or fallback


def utf16_offsets(text: str) -> list[int]:
    """Prefix table: ``table[i]`` is the UTF-16 offset of code point ``i`` (len+1 entries)."""
    table = [0] * (len(text) + 1)
    position = 0
    for index, char in enumerate(text):
        table[index] = position
        position += 2 if ord(char) > 0xFFFF else 1
    table[len(text)] = position
    return table


def codepoint_to_utf16(text: str, offset: int) -> int:
    """UTF-16 code-unit offset of code-point *offset* in *text*.

    >>> codepoint_to_utf16("I felt \\U0001F600 joy", 9)
    10
    """
    return offset + sum(1 for char in text[:offset] if ord(char) > 0xFFFF)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Code-point offset of UTF-16 *offset*; an offset inside a surrogate pair rounds down."""
    units = 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > offset:
            return index
        units += width
    return len(text)
