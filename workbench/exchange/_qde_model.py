"""What a parsed ``project.qde`` holds, and the small XML helpers the parser reads it with.

Selections and codings are kept as columns of plain lists (a million of them stay small);
everything else as dicts keyed by GUID.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidXMLError

KNOWN_NAMESPACES = {"urn:QDA-XML:project:1.0", "urn:QDA-XML:codebook:1.0"}
NON_TEXT = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
SOURCE_TAGS = ("TextSource", *NON_TEXT)
SELECTION_TAGS = {"PlainTextSelection", "PictureSelection", "PDFSelection", "AudioSelection", "VideoSelection",
                  "TranscriptSelection"}
VALUE_TAGS = {"TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"}
#: containers the schema wants at least one child in (``None``: any child)
NEEDS_CHILD = {"Users": "User", "Codes": "Code", "Variables": "Variable", "Cases": "Case", "Sources": None,
               "Notes": "Note", "Links": "Link", "Sets": "Set", "Graphs": "Graph"}
#: the only elements whose end the parser looks at (lxml skips the rest in C)
WATCHED = sorted({"Project", "CodeBook", "User", "Code", "Variable", "Case", "Note", "Set", "Link", "Graph",
                  "Transcript", "Representation", "Description", "PlainTextContent", "NoteRef",
                  *SOURCE_TAGS, *SELECTION_TAGS, *NEEDS_CHILD})


@dataclass
class ParsedSource:
    """One source of the file; its text selections and their codings as columns."""

    guid: str
    name: str
    kind: str  # TextSource, PDFSource, ...
    path: str | None = None
    inline: str | None = None
    user: str | None = None
    created: str | None = None
    description: str = ""
    values: dict = field(default_factory=dict)
    noterefs: list = field(default_factory=list)
    sel_start: list = field(default_factory=list)
    sel_end: list = field(default_factory=list)
    sel_info: dict = field(default_factory=dict)  # index -> (key, user, description, notes), when noted
    cod_sel: list = field(default_factory=list)  # the selection each coding is on
    cod_code: list = field(default_factory=list)  # code GUID
    cod_user: list = field(default_factory=list)  # user GUID (the coding's, else the selection's)
    cod_created: list = field(default_factory=list)  # creationDateTime text
    cod_info: dict = field(default_factory=dict)  # coding index -> (key, notes), when noted or anchored to
    skipped_selections: int = 0
    skipped_codings: int = 0
    transcripts: int = 0
    representation: bool = False  # a PDFSource whose text Representation was read: a text source after all


@dataclass
class ParsedFile:
    """Everything read from one ``project.qde`` or ``.qdc``, before any checking or converting."""

    root: str = ""
    namespace: str = ""
    origin: str = ""
    name: str = ""
    creator: str | None = None
    description: str = ""
    users: dict = field(default_factory=dict)
    codes: list = field(default_factory=list)  # dicts: guid, name, parent, color, description, codable, noterefs
    variables: dict = field(default_factory=dict)  # guid -> (name, type)
    cases: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)
    refs: list = field(default_factory=list)  # (note guid, anchor kind, anchor guid)
    sets: list = field(default_factory=list)
    links: int = 0
    graphs: int = 0
    deviations: list = field(default_factory=list)
    unknown: dict = field(default_factory=dict)


# ---------------------------------------------------------------------- names and GUIDs
_LOCAL: dict[str, str] = {}
_REPEATED: dict[str, str | None] = {}


def local(tag: Any) -> str:
    """``{urn:...}Code`` -> ``Code`` (cached: a file has few distinct tags and millions of elements)."""
    try:
        return _LOCAL[tag]
    except KeyError:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if isinstance(tag, str) and len(_LOCAL) < 4096:
            _LOCAL[tag] = name
        return name


def namespace_of(tag: str) -> str:
    """``{urn:x}Code`` -> ``urn:x``; ``""`` without a namespace."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def guid(value: Any) -> str | None:
    """A GUID as a lookup key: no braces, upper case (``{ab-..}`` and ``AB-..`` are the same)."""
    if value is None:
        return None
    if len(value) == 36:
        return value.upper()
    text = str(value).strip().strip("{}").strip().upper()
    return text or None


def guid_cached(value: Any) -> str | None:
    """:func:`guid` for values that repeat a lot (users, codes): looked up, not recomputed."""
    try:
        return _REPEATED[value]
    except KeyError:
        result = guid(value)
        if len(_REPEATED) > 100_000:
            _REPEATED.clear()
        _REPEATED[value] = result
        return result
    except TypeError:  # pragma: no cover - unhashable never comes from lxml
        return guid(value)


def whole_number(value: Any, what: str, source: str) -> int:
    """A position attribute as an int; a clear refusal naming the file when it is not one."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidXMLError(f"{source}: {what} is {value!r}, not a whole number; nothing was imported.") from None


# ---------------------------------------------------------------------- elements
def text_of(element: Any, tag: str) -> str | None:
    """The text of *element*'s first child named *tag* (``""`` if empty), or None without one."""
    for child in element:
        if local(child.tag) == tag:
            return child.text or ""
    return None


def children(element: Any, tag: str) -> list:
    """*element*'s children named *tag*."""
    return [c for c in element if local(c.tag) == tag]


def note_ref(element: Any) -> str | None:
    """The note GUID a ``NoteRef`` points to."""
    return guid(element.get("targetGUID"))


def value_of(element: Any) -> tuple[str | None, str | None]:
    """``(variable guid, value as text)`` of a ``VariableValue``."""
    ref, value = None, None
    for child in element:
        name = local(child.tag)
        if name == "VariableRef":
            ref = guid(child.get("targetGUID"))
        elif name in VALUE_TAGS:
            value = (child.text or "").strip()
            if name == "BooleanValue":
                value = "true" if value.lower() in ("true", "1") else "false"
    return ref, value


def drop(element: Any) -> None:
    """Free a processed element and the siblings before it (what keeps iterparse's memory flat)."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def source_element(element: Any) -> Any:
    """The top-level source element (child of ``Sources``) that *element* sits in, or None."""
    node = element.getparent()
    while node is not None:
        parent = node.getparent()
        if parent is None:
            return None
        if local(parent.tag) == "Sources":
            return node
        node = parent
    return None
