"""Read REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) written by other programs.

The file is untrusted: the archive and the XML are checked (:mod:`._safety`), then the XML
is streamed (``iterparse``; each selection is dropped once read), then everything is
checked and converted *before* anything is written. The new project is built with the
public API in a temporary folder next to the target and moved into place only at the end;
on any error the temporary folder is removed and nothing is left behind.

What maps, and what is reported instead:

* plain-text sources -> narratives; their text selections -> codings, one per ``Coding``,
  each with its own coder (``creatingUser``) and time;
* codes (hierarchy, colours, descriptions) -> the codebook; names that repeat in
  different branches (allowed elsewhere, not here) get their parent's name added;
* users -> coders; notes -> memos (on a narrative, code or coding) or coding notes;
* variables and cases -> narrative attributes; a case is the narrator; source sets named
  ``"key: value"`` (ATLAS.ti document groups) -> attributes, other source sets -> ``sets``;
* PDF, picture, audio and video sources and their selections, transcripts, links, graphs
  and code sets are **reported** as skipped, with counts: never dropped silently.

**Missing source files.** A text source whose file is not in the archive is skipped and
reported, with how many selections and codings it takes with it; the rest is imported.
(The ATLAS.ti reference project ships an empty ``Sources/`` folder: its codebook, coders
and memos still come in.) ``missing_sources="refuse"`` refuses such a file instead.
Everything else that cannot be understood — unsafe entries, archive bombs, DTDs, broken
XML, selections outside their text or running backwards — is refused, writing nothing.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._text import decode_bytes, sha256_text, slugify
from ..errors import CodebookError, ProjectExistsError, WorkbenchError
from ._safety import SafeArchive, SafeXML
from .errors import InvalidXMLError, MissingSourceError, SelectionError
from .offsets import OffsetPolicy, SourceText, boundary_scores, policy_for_origin
from .refi_write import CODING_NOTE, CONSENT_VARIABLE, FIELD_LABELS, ID_VARIABLE, MEMO_KINDS

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

KNOWN_NAMESPACES = {"urn:QDA-XML:project:1.0", "urn:QDA-XML:codebook:1.0"}
IMPORT_CODER = "import"
FALLBACK_CODER = "imported"
_NON_TEXT = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
_SELECTION_TAGS = {"PlainTextSelection", "PictureSelection", "PDFSelection", "AudioSelection", "VideoSelection",
                   "TranscriptSelection"}
_VALUE_TAGS = {"TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"}
_NEEDS_CHILD = {"Users": "User", "Codes": "Code", "Variables": "Variable", "Cases": "Case", "Sources": None,
                "Notes": "Note", "Links": "Link", "Sets": "Set", "Graphs": "Graph"}
_RESERVED = {"id", "title", "narrator", "consent", "sha256"}
_DOC_SUFFIX = re.compile(r"\.(txt|docx?|rtf|odt|md|pdf|html?)$", re.IGNORECASE)
_CHUNK = 100_000


_LOCAL: dict[str, str] = {}


def _local(tag: Any) -> str:
    """``{urn:...}Code`` -> ``Code`` (cached: a file has few distinct tags and millions of elements)."""
    try:
        return _LOCAL[tag]
    except KeyError:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if isinstance(tag, str) and len(_LOCAL) < 4096:
            _LOCAL[tag] = name
        return name


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def guid(value: Any) -> str | None:
    """A GUID as a lookup key: no braces, upper case (``{ab-..}`` and ``AB-..`` are the same)."""
    if value is None:
        return None
    if len(value) == 36:
        return value.upper()
    text = str(value).strip().strip("{}").strip().upper()
    return text or None


def _int(value: Any, what: str, source: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidXMLError(f"{source}: {what} is {value!r}, not a whole number; nothing was imported.") from None


# ---------------------------------------------------------------------- parsed model
@dataclass
class _Source:
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
    # text selections and their codings, as columns (a million of them stay small):
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


@dataclass
class _Parsed:
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


def _text_of(element, tag: str) -> str | None:
    for child in element:
        if _local(child.tag) == tag:
            return child.text or ""
    return None


def _children(element, tag: str):
    return [c for c in element if _local(c.tag) == tag]


def _value_of(element) -> tuple[str | None, str | None]:
    """``(variable guid, value as text)`` of a ``VariableValue``."""
    ref, value = None, None
    for child in element:
        name = _local(child.tag)
        if name == "VariableRef":
            ref = guid(child.get("targetGUID"))
        elif name in _VALUE_TAGS:
            value = (child.text or "").strip()
            if name == "BooleanValue":
                value = "true" if value.lower() in ("true", "1") else "false"
    return ref, value


def _drop(element) -> None:
    """Free a processed element and the siblings before it (what keeps iterparse's memory flat)."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


_SOURCE_TAGS = ("TextSource", *_NON_TEXT)
_CONTAINERS = tuple(_NEEDS_CHILD)
#: the only elements whose end the parser looks at (lxml skips the rest in C)
_WATCHED = sorted({"Project", "CodeBook", "User", "Code", "Variable", "Case", "Note", "Set", "Link", "Graph",
                   "Transcript", "Description", "PlainTextContent", "NoteRef",
                   *_SOURCE_TAGS, *_SELECTION_TAGS, *_CONTAINERS})


def _owner(element):
    """The top-level source element (child of ``Sources``) that *element* sits in, or None."""
    node = element.getparent()
    while node is not None:
        parent = node.getparent()
        if parent is None:
            return None
        if _local(parent.tag) == "Sources":
            return node
        node = parent
    return None


def parse_qde(stream, source: str, expect: str = "Project") -> _Parsed:
    """Stream one ``project.qde`` (or ``.qdc``) into a :class:`_Parsed` model.

    Only end events of the elements that matter are seen (lxml filters the rest), and each
    selection, note, case... is freed once read, so memory stays flat however many there are.
    """
    model = _Parsed()
    current: _Source | None = None
    current_key = None  # the source element itself
    code_kids: dict[str | None, list[dict]] = {}
    counter = [0]
    first = True

    def synthetic(element, what: str) -> str:
        counter[0] += 1
        key = f"missing-guid-{counter[0]}"
        element.set("guid", key)
        model.deviations.append(f"{what} ({element.get('name')!r}) has no guid")
        return key

    def source_of(owner) -> _Source:
        nonlocal current, current_key
        if owner is current_key:  # lxml keeps one proxy per element while we hold it: a cheap identity
            return current
        if current is not None:  # pragma: no cover - sources end in order; defensive
            model.sources.append(current)
        kind = _local(owner.tag)
        g = guid(owner.get("guid")) or synthetic(owner, "a source")
        current = _Source(guid=g, name=owner.get("name") or "", kind=kind,
                          path=owner.get("plainTextPath") if kind == "TextSource" else owner.get("path"),
                          user=guid(owner.get("creatingUser")), created=owner.get("creationDateTime"))
        current_key = owner
        if kind not in _SOURCE_TAGS:
            model.unknown[kind] = model.unknown.get(kind, 0) + 1
        return current

    reader = SafeXML(stream, source, events=("end",), tag=[f"{{*}}{t}" for t in _WATCHED])
    with reader as events:
        for _, element in events:
            if first:
                first = False
                root = element.getroottree().getroot()
                _root(model, root, _local(root.tag), source, expect)
            name = _local(element.tag)
            if name == "PlainTextSelection" or name in _SELECTION_TAGS:
                owner = _owner(element)
                if owner is None:
                    _drop(element)
                    continue
                src = source_of(owner)
                if name == "PlainTextSelection" and src.kind == "TextSource" and element.getparent() is owner:
                    _selection(element, source, src, model)
                else:
                    src.skipped_selections += 1
                    src.skipped_codings += sum(1 for c in element if _local(c.tag) == "Coding")
                    if name == "PlainTextSelection" and src.kind == "TextSource":
                        model.deviations.append(
                            f"a text selection nested deeper than usual in {src.name!r} was skipped")
                _drop(element)
                continue
            parent = element.getparent()
            pname = _local(parent.tag) if parent is not None else ""
            if name in ("Coding", "NoteRef", "Description", "PlainTextContent", "VariableValue"):
                grand = parent.getparent() if parent is not None else None
                if grand is not None and _local(grand.tag) == "Sources":  # a child of a source
                    src = source_of(parent)
                    if name == "Description":
                        src.description = element.text or ""
                    elif name == "PlainTextContent":
                        src.inline = element.text or ""
                    elif name == "NoteRef":
                        note = guid(element.get("targetGUID"))
                        if note:
                            model.refs.append((note, "source", src.guid))
                            src.noterefs.append(note)
                    elif name == "Coding":
                        src.skipped_codings += 1  # a coding of a whole source: no passage to hold
                    else:
                        ref, text = _value_of(element)
                        if ref and text is not None:
                            src.values[ref] = text
                elif parent is not None and parent.getparent() is None:  # directly under the root
                    if name == "NoteRef":
                        note = guid(element.get("targetGUID"))
                        if note:
                            model.refs.append((note, "project", None))
                    elif name == "Description":
                        model.description = element.text or ""
                continue
            if name in _SOURCE_TAGS and pname == "Sources":
                src = source_of(element)
                for child in element:  # what follows the selections is still here (not watched: fewer events)
                    cname = _local(child.tag)
                    if cname == "Coding":
                        src.skipped_codings += 1  # a coding of a whole source: no passage to hold
                    elif cname == "VariableValue":
                        ref, text = _value_of(child)
                        if ref and text is not None:
                            src.values[ref] = text
                model.sources.append(src)
                current, current_key = None, None
                _drop(element)
            elif name == "Transcript":
                owner = _owner(element)
                if owner is not None:
                    source_of(owner).transcripts += 1
                _drop(element)
            elif name == "Code":
                g = guid(element.get("guid")) or synthetic(element, "a code")
                parent_guid = None
                if pname == "Code":
                    parent_guid = guid(parent.get("guid")) or synthetic(parent, "a code")
                notes = []
                description = ""
                for child in element:
                    cname = _local(child.tag)
                    if cname == "Description":
                        description = child.text or ""
                    elif cname == "NoteRef":
                        note = guid(child.get("targetGUID"))
                        if note:
                            model.refs.append((note, "code", g))
                            notes.append(note)
                code_kids.setdefault(parent_guid, []).append({
                    "guid": g, "name": element.get("name") or "", "color": element.get("color"), "parent": parent_guid,
                    "codable": (element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                    "description": description, "noterefs": notes})
                for child in list(element):
                    if _local(child.tag) != "Code":
                        element.remove(child)
            elif name == "User" and pname == "Users":
                g = guid(element.get("guid"))
                if g:
                    model.users[g] = element.get("name") or ""
                _drop(element)
            elif name == "Variable" and pname == "Variables":
                g = guid(element.get("guid"))
                if g:
                    model.variables[g] = (element.get("name") or "", element.get("typeOfVariable") or "Text")
                _drop(element)
            elif name == "Case" and pname == "Cases":
                values, sources, selections = {}, [], 0
                g = guid(element.get("guid"))
                for child in element:
                    cname = _local(child.tag)
                    if cname == "VariableValue":
                        ref, text = _value_of(child)
                        if ref and text is not None:
                            values[ref] = text
                    elif cname == "SourceRef":
                        sources.append(guid(child.get("targetGUID")))
                    elif cname == "SelectionRef":
                        selections += 1
                    elif cname == "NoteRef" and guid(child.get("targetGUID")):
                        model.refs.append((guid(child.get("targetGUID")), "case", g))
                model.cases.append({"guid": g, "name": element.get("name") or "", "values": values, "sources": sources,
                                    "selections": selections})
                _drop(element)
            elif name == "Note" and pname == "Notes":
                g = guid(element.get("guid"))
                if g:
                    model.notes[g] = {
                        "name": element.get("name") or "", "user": guid(element.get("creatingUser")),
                        "created": element.get("creationDateTime"),
                        "description": _text_of(element, "Description") or "",
                        "text": _text_of(element, "PlainTextContent"), "path": element.get("plainTextPath"),
                    }
                _drop(element)
            elif name == "Set" and pname == "Sets":
                def members(tag):
                    return [guid(m.get("targetGUID") or m.get("guid")) for m in _children(element, tag)]
                model.sets.append({"guid": guid(element.get("guid")), "name": element.get("name") or "",
                                   "codes": members("MemberCode"), "sources": members("MemberSource"),
                                   "notes": members("MemberNote")})
                _drop(element)
            elif name == "Link" and pname == "Links":
                model.links += 1
                _drop(element)
            elif name == "Graph" and pname == "Graphs":
                model.graphs += 1
                _drop(element)
            elif name in _NEEDS_CHILD and (parent is not None and (parent.getparent() is None or name == "Codes")):
                wanted = _NEEDS_CHILD.get(name)
                if wanted and len(element) == 0:
                    model.deviations.append(f"an empty <{name}/> (the schema wants at least one {wanted}); accepted")
    if current is not None:  # a source of a kind this parser does not watch
        model.sources.append(current)
    if not reader.seen:
        raise InvalidXMLError(f"{source} holds no XML element; nothing was imported.")
    # codes in document order, parents before children (their end events came the other way round)
    stack = list(reversed(code_kids.get(None, [])))
    seen: set[str] = set()
    while stack:
        code = stack.pop()
        if code["guid"] in seen:
            continue
        seen.add(code["guid"])
        model.codes.append(code)
        stack.extend(reversed(code_kids.get(code["guid"], [])))
    return model


def _root(model: _Parsed, element, name: str, source: str, expect: str) -> None:
    namespace = _ns(element.tag)
    if name != expect:
        hint = ("a codebook: import it with p.codebook.import_qdc(...)" if name == "CodeBook"
                else "a project: import it with wb.import_qdpx(...)" if name == "Project"
                else "not a REFI-QDA file")
        raise InvalidXMLError(f"{source} has root element <{name}>, not <{expect}>: it is {hint}.")
    if namespace not in KNOWN_NAMESPACES:
        if namespace.startswith("urn:QDA-XML:"):
            model.deviations.append(f"namespace {namespace!r} instead of the 1.0 namespace (accepted: same elements)")
        elif not namespace:
            model.deviations.append("no XML namespace on the root element (accepted)")
        else:
            raise InvalidXMLError(
                f"{source}: namespace {namespace!r} is not a REFI-QDA namespace; nothing was imported.")
    model.root, model.namespace = name, namespace
    model.origin = element.get("origin") or ""
    model.name = element.get("name") or ""
    model.creator = guid(element.get("creatingUserGUID"))


_REPEATED: dict[str, str | None] = {}


def _guid_cached(value: Any) -> str | None:
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


def _selection(element, source: str, src: _Source, model: _Parsed) -> None:
    """Append one text selection and its codings to *src*'s columns."""
    index = len(src.sel_start)
    src.sel_start.append(_int(element.get("startPosition"), "a startPosition", source))
    src.sel_end.append(_int(element.get("endPosition"), "an endPosition", source))
    user = _guid_cached(element.get("creatingUser"))
    created = element.get("creationDateTime")
    description, notes, first, first_guid = "", [], None, None
    refs = model.refs
    for child in element:
        name = _local(child.tag)
        if name == "Coding":
            code, cnotes = None, None
            for part in child:
                part_name = _local(part.tag)
                if part_name == "CodeRef":
                    if code is None:
                        code = _guid_cached(part.get("targetGUID"))
                elif part_name == "NoteRef":
                    note = guid(part.get("targetGUID"))
                    if note:
                        cnotes = (cnotes or []) + [note]
            k = len(src.cod_code)
            src.cod_sel.append(index)
            src.cod_code.append(code)
            src.cod_user.append(_guid_cached(child.get("creatingUser")) or user)
            src.cod_created.append(child.get("creationDateTime") or created)
            if first is None:
                first, first_guid = k, child.get("guid")
            if cnotes:
                key = guid(child.get("guid")) or f"coding:{src.guid}:{k}"
                refs.extend((note, "coding", key) for note in cnotes)
                src.cod_info[k] = (key, cnotes)
        elif name == "NoteRef":
            note = guid(child.get("targetGUID"))
            if note:
                notes.append(note)
        elif name == "Description":
            description = child.text or ""
    if notes or description.strip():
        key = guid(element.get("guid")) or f"selection:{src.guid}:{index}"
        refs.extend((note, "selection", key) for note in notes)
        src.sel_info[index] = (key, user, description, notes)
        if first is not None and first not in src.cod_info:
            src.cod_info[first] = (guid(first_guid) or f"coding:{src.guid}:{first}", [])


# ---------------------------------------------------------------------- report
class ImportReport:
    """What an import brought in, what it skipped and why, and how positions were counted.

    ``summary`` (DataFrame: what, in_file, imported, skipped, note), ``skipped`` (DataFrame:
    what, name, reason, selections, codings), ``warnings`` (list of text), ``policy`` and
    ``policy_scores`` (DataFrame: policy, on_word_boundaries, scored_selections, outside_text).

    >>> print(q.import_report)
    """

    def __init__(self, source: str, origin: str, policy: str, policy_reason: str) -> None:
        self.source, self.origin, self.policy, self.policy_reason = source, origin, policy, policy_reason
        self.summary = pd.DataFrame(columns=["what", "in_file", "imported", "skipped", "note"])
        self.skipped = pd.DataFrame(columns=["what", "name", "reason", "selections", "codings"])
        self.renamed = pd.DataFrame(columns=["what", "from", "to", "why"])
        self.warnings: list[str] = []
        self.policy_scores = pd.DataFrame(columns=["policy", "on_word_boundaries", "scored_selections", "outside_text"])

    def to_frame(self) -> pd.DataFrame:
        """The summary table."""
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
        import html

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


# ---------------------------------------------------------------------- names
def _coder_names(users: dict[str, str]) -> dict[str, str]:
    from ..project import check_coder

    out, taken = {}, set()
    for g, raw in users.items():
        name = unicodedata.normalize("NFC", re.sub(r"[\x00-\x1f\x7f/\\]", "-", raw or "")).strip().lstrip(". ")
        name = name[:64].strip() or f"user {g[:8].lower()}"
        try:
            check_coder(name)
        except WorkbenchError:
            name = f"user {g[:8].lower()}"
        base, n = name, 2
        while name.casefold() in taken:
            suffix = f" ({n})"
            name, n = base[:64 - len(suffix)] + suffix, n + 1
        taken.add(name.casefold())
        out[g] = name
    return out


def _color(value: Any) -> str | None:
    text = (value or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        return text.lower()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", text):
        return "#" + "".join(c * 2 for c in text[1:]).lower()
    return None


def _split_fields(description: str) -> dict[str, str]:
    """Undo :func:`refi_write.code_description`: ``Include:``/``Exclude:``/``Example:`` lines -> fields."""
    labels = "|".join(label for _, label in FIELD_LABELS)
    match = re.search(rf"(?:^|\n\n)((?:{labels}): .*)\Z", description, re.DOTALL)
    if not match:
        return {"description": description}
    out = {"description": description[: match.start()]}
    block = match.group(1)
    pieces = re.split(rf"(?:^|\n)({labels}): ", block)
    for label, value in zip(pieces[1::2], pieces[2::2]):
        key = next(k for k, lab in FIELD_LABELS if lab == label)
        out[key] = value
    return out


def _plan_codes(parsed: _Parsed, report: ImportReport, ours: bool) -> tuple[list[dict], dict[str, str]]:
    """Codes in parent-first order with unique, valid names; ``{guid: name}``."""
    from ..codebook import check_code_name

    by_guid = {c["guid"]: c for c in parsed.codes}
    counts: dict[str, int] = {}
    for code in parsed.codes:
        try:
            clean = check_code_name(code["name"])
        except CodebookError:
            clean = f"code {code['guid'][:8].lower()}"
        counts[clean.casefold()] = counts.get(clean.casefold(), 0) + 1
        code["clean"] = clean
    names: dict[str, str] = {}
    taken: set[str] = set()
    planned = []
    renames = []
    for code in parsed.codes:
        name = code["clean"]
        why = None
        if name != (code["name"] or "").strip():
            why = "empty or unusable name" if not (code["name"] or "").strip() else "spaces tidied"
        if len(name) > 120:
            name, why = name[:117].rstrip() + "...", "longer than 120 characters"
        if counts[name.casefold()] > 1:
            parent = by_guid.get(code["parent"])
            if parent is not None:
                name = f"{name} ({parent['clean']})"
                why = "the same name appears in several branches; the workbench needs unique names"
        base, n = name, 2
        while name.casefold() in taken:
            name, n = f"{base} ({n})", n + 1
            why = why or "the same name appears more than once"
        taken.add(name.casefold())
        names[code["guid"]] = name
        if why and name != code["name"]:
            renames.append({"what": "code", "from": code["name"], "to": name, "why": why})
        fields = _split_fields(code["description"]) if ours else {"description": code["description"]}
        if ours and "(This code is" in fields.get("description", ""):
            fields["description"] = re.sub(r"\n*\(This code is \w+ in the workbench\.\)\Z", "", fields["description"])
        planned.append({"guid": code["guid"], "name": name, "parent": code["parent"], "color": _color(code["color"]),
                        "codable": code["codable"], **fields})
    if renames:
        report.renamed = pd.concat([report.renamed, pd.DataFrame(renames)], ignore_index=True)
    for entry in planned:
        entry["parent_name"] = names.get(entry["parent"]) if entry["parent"] in names else None
    return planned, names


def _title(source: _Source, index: int) -> str:
    """The source's name, else its file's name (unless that is just a GUID), without a document suffix."""
    name = source.name
    if not name.strip():
        base = (source.path or "").replace("\\", "/").rsplit("/", 1)[-1]
        name = "" if re.fullmatch(r"\{?[0-9A-Fa-f-]{36}\}?(\.\w+)?", base) else base
    title = " ".join(name.split())
    title = _DOC_SUFFIX.sub("", title).strip() or title
    return title or f"Source {index + 1}"


# ---------------------------------------------------------------------- the import plan
@dataclass
class _Narrative:
    source: _Source
    id: str
    title: str
    text: str
    narrator: str = ""
    consent: str = "given"
    attributes: dict = field(default_factory=dict)


class _Plan:
    """Everything checked and converted, ready to be written through the public API."""

    def __init__(self, parsed: _Parsed, archive: SafeArchive, label: str, offsets: Any,
                 missing_sources: str) -> None:
        self.parsed, self.label = parsed, label
        self.ours = "narrative-workbench" in parsed.origin.lower()
        if offsets is None:
            self.policy, why = policy_for_origin(parsed.origin)
        else:
            self.policy, why = OffsetPolicy.parse(offsets), "chosen by you (offsets=...)"
        self.report = ImportReport(label, parsed.origin, self.policy.name, why)
        self.report.warnings += [f"Deviation from the standard: {d}." for d in dict.fromkeys(parsed.deviations)]
        for tag, count in parsed.unknown.items():
            self.report.warnings.append(f"{count} <{tag}> source element(s) of an unknown kind were skipped.")
        self.skipped: list[dict] = []
        self.coders = _coder_names(parsed.users)
        self.codes, self.code_names = _plan_codes(parsed, self.report, self.ours)
        self.fallback = self.coders.get(parsed.creator) if parsed.creator else None
        self.fallback_used = 0
        self.selection_memos: list[tuple] = []
        self._texts(archive, missing_sources)
        self._attributes()
        self._codings()
        self._memos(archive)
        self._summary()

    # ---- users
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

    # ---- sources and texts
    def _texts(self, archive: SafeArchive, missing_sources: str) -> None:
        self.narratives: list[_Narrative] = []
        self.by_source: dict[str, _Narrative] = {}
        taken: set[str] = set()
        missing = []
        for index, source in enumerate(self.parsed.sources):
            if source.kind != "TextSource":
                kind = _NON_TEXT.get(source.kind, source.kind)
                reason = f"{kind} source: the workbench holds plain text only"
                if source.transcripts:
                    reason += f" ({source.transcripts} transcript(s) not imported)"
                self._skip(f"{kind} source", source.name, reason, source.skipped_selections, source.skipped_codings)
                continue
            raw, why = self._read_text(archive, source)
            if raw is None:
                if why.startswith("missing"):
                    missing.append(source.name or source.guid)
                self._skip("text source", source.name, why, len(source.sel_start),
                           len(source.cod_code) + source.skipped_codings)
                continue
            text = SourceText(raw)
            if not text.canonical.strip():
                self._skip("text source", source.name, "its text is empty", len(source.sel_start),
                           len(source.cod_code))
                continue
            title = _title(source, index)
            nid = None
            values = {self.parsed.variables.get(k, ("", ""))[0]: v for k, v in source.values.items()}
            wanted = values.get(ID_VARIABLE) if self.ours else None
            if wanted and re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", wanted) and wanted not in taken:
                nid = wanted
            if nid is None:
                base = slugify(title, fallback="story")
                nid, n = base, 2
                while nid in taken:
                    nid, n = f"{base}-{n}", n + 1
            taken.add(nid)
            narrative = _Narrative(source=source, id=nid, title=title, text=text.canonical)
            narrative.source_text = text  # type: ignore[attr-defined]
            if source.skipped_selections:
                self._skip("text selections", source.name, "nested inside another element", source.skipped_selections,
                           source.skipped_codings)
            self.narratives.append(narrative)
            self.by_source[source.guid] = narrative
        if missing and missing_sources == "refuse":
            raise MissingSourceError(
                f"{self.label}: {len(missing)} text source file(s) are not in the archive "
                f"({', '.join(repr(m) for m in missing[:5])}{', ...' if len(missing) > 5 else ''}). "
                "Nothing was imported. Import anyway with missing_sources='report' to get the rest."
            )
        if missing:
            self.report.warnings.append(
                f"{len(missing)} text source file(s) are missing from the archive; they and their codings were "
                "skipped (see Skipped). Ask for a fresh export that includes the sources to get them too.")

    def _read_text(self, archive: SafeArchive, source: _Source) -> tuple[str | None, str]:
        if source.inline is not None and not source.path:
            return source.inline, ""
        path = (source.path or "").strip()
        if not path:
            return None, "no text: neither plainTextPath nor PlainTextContent" + (
                " (restricted consent in the exporting project: text withheld)" if "withheld" in source.description
                else "")
        scheme, sep, rest = path.partition("://")
        if not sep:
            scheme, rest = "internal", path
        if scheme.lower() != "internal":
            return None, f"external file ({path}): only files inside the archive are read"
        rest = rest.lstrip("/")
        base = rest.replace("\\", "/").rsplit("/", 1)[-1]
        info = archive.find(f"sources/{rest}", rest, f"sources/{base}")
        if info is None:
            return None, f"missing: {path} is not in the archive"
        data = archive.read(info)
        try:
            return decode_bytes(data, f"{self.label}: {info.filename}"), ""
        except WorkbenchError as exc:
            raise InvalidXMLError(f"{exc} Nothing was imported.") from None

    def _skip(self, what: str, name: str, reason: str, selections: int = 0, codings: int = 0) -> None:
        self.skipped.append({"what": what, "name": name, "reason": reason, "selections": int(selections),
                             "codings": int(codings)})

    # ---- attributes
    def _attributes(self) -> None:
        variables = self.parsed.variables

        def put(narrative: _Narrative, key: str, value: str, origin: str) -> None:
            key = " ".join(str(key).split()) or "variable"
            if key.lower() in _RESERVED:
                key = f"{key} (variable)"
            value = " ".join(str(value).split())
            old = narrative.attributes.get(key)
            if old is not None and old != value:
                self.report.warnings.append(
                    f"{narrative.title!r}: {key!r} is {old!r} on the source and {value!r} from {origin}; kept {old!r}.")
                return
            narrative.attributes[key] = value

        for narrative in self.narratives:
            for ref, value in narrative.source.values.items():
                name = variables.get(ref, (None,))[0]
                if name is None:
                    self.report.warnings.append(f"{narrative.title!r} has a value for an undeclared variable; skipped.")
                    continue
                if name == ID_VARIABLE and self.ours:
                    continue
                if name == CONSENT_VARIABLE and value in ("given", "restricted"):
                    narrative.consent = value
                    continue
                put(narrative, name, value, "its variables")
        for case in self.parsed.cases:
            for sguid in case["sources"]:
                narrative = self.by_source.get(sguid)
                if narrative is None:
                    continue
                if case["name"]:
                    narrative.narrator = (narrative.narrator + "; " if narrative.narrator else "") + case["name"]
                for ref, value in case["values"].items():
                    name = variables.get(ref, (f"case variable {ref[:8]}",))[0]
                    put(narrative, name, value, f"case {case['name']!r}")
        # declared variables nobody has a value for still become (empty) attributes
        present = {k for n in self.narratives for k in n.attributes}
        for name, _ in variables.values():
            key = " ".join(str(name).split()) or "variable"
            if key.lower() in _RESERVED:
                key = f"{key} (variable)"
            if self.ours and name in (ID_VARIABLE, CONSENT_VARIABLE):
                continue
            if key not in present:
                present.add(key)
                for narrative in self.narratives:
                    narrative.attributes.setdefault(key, "")
        other_sets = 0
        for group in self.parsed.sets:
            members = [self.by_source[g] for g in group["sources"] if g in self.by_source]
            key, sep, value = group["name"].partition(":")
            for narrative in members:
                if sep and key.strip() and value.strip():
                    put(narrative, key.strip(), value.strip(), f"set {group['name']!r}")
                else:
                    old = narrative.attributes.get("sets")
                    narrative.attributes["sets"] = f"{old}; {group['name']}" if old else group["name"]
            if group["codes"] or group["notes"] or (not members and group["sources"]):
                other_sets += 1
                self._skip("set", group["name"], "code or note sets (groups) have no place in the workbench"
                           if group["codes"] or group["notes"] else "its sources were not imported")

    # ---- codings
    def _coding_note(self, refs: list[str], coder: str, anchors: dict[str, int]) -> str | None:
        """A note that belongs to exactly one coding, written by its coder, is that coding's note."""
        note = None
        for ref in refs:
            info = self.parsed.notes.get(ref)
            if info is None or anchors.get(ref, 0) != 1:
                continue
            if self.ours and info["description"] != CODING_NOTE:
                continue
            if info["user"] and self.coders.get(info["user"]) != coder:
                continue
            body = info["text"] or ""
            if not self.ours and info["description"]:
                body = f"{info['description']}\n\n{body}" if body else info["description"]
            note = body if note is None else f"{note}\n\n{body}"
            self.consumed_notes.add(ref)
        return note

    def _codings(self) -> None:
        anchors: dict[str, int] = {}
        for note, _, _ in self.parsed.refs:
            anchors[note] = anchors.get(note, 0) + 1
        self.consumed_notes: set[str] = set()
        self.rows: dict[str, pd.DataFrame] = {}
        self.selection_first_coding: dict[str, str] = {}
        self.selections_used = 0
        self.coding_narrative: dict[str, str] = {}
        items, per_narrative = [], []
        for narrative in self.narratives:
            src = narrative.source
            if not len(src.sel_start):
                continue
            starts = np.array(src.sel_start, dtype=np.int64)
            ends = np.array(src.sel_end, dtype=np.int64)
            backwards = np.flatnonzero(starts > ends)
            if len(backwards):
                b = int(backwards[0])
                raise SelectionError(
                    f"{self.label}: a selection in {narrative.title!r} runs backwards (start {starts[b]} > end "
                    f"{ends[b]}); the file is damaged. Nothing was imported.")
            items.append((narrative.source_text, starts, ends))  # type: ignore[attr-defined]
            per_narrative.append((narrative, starts, ends))
        if items:
            scores = pd.DataFrame(boundary_scores(items))
            self.report.policy_scores = scores
            chosen = scores.set_index("policy").loc[self.policy.name]
            best = scores.sort_values(["outside_text", "on_word_boundaries"], ascending=[True, False]).iloc[0]
            # the workbench's own files count code points: nothing to guess, so no warning
            certain = self.ours and self.policy.name == "codepoints"
            if (not certain and chosen.on_word_boundaries < 0.75
                    and best.on_word_boundaries - chosen.on_word_boundaries >= 0.1):
                self.report.warnings.append(
                    f"Only {chosen.on_word_boundaries:.0%} of selection ends fall on word boundaries when counting "
                    f"as {self.policy.name!r}; {best.policy!r} gives {best.on_word_boundaries:.0%}. If passages look "
                    f"shifted, import again with offsets={best.policy!r}.")
        parts = []
        names = self.code_names
        for narrative, starts, ends in per_narrative:
            source_text: SourceText = narrative.source_text  # type: ignore[attr-defined]
            cs, ce, inside = source_text.to_canonical(self.policy, starts, ends)
            if not inside.all():
                bad = int(np.flatnonzero(~inside)[0])
                fitting = _policies_fitting(source_text, starts, ends)
                ranked = sorted(boundary_scores([(source_text, starts, ends)], fitting),
                                key=lambda r: -r["on_word_boundaries"]) if fitting else []
                fits = [r["policy"] for r in ranked]
                hint = (f" Counting as {fits[0]!r} keeps every selection inside: import again with "
                        f"offsets={fits[0]!r}." if fits else " No way of counting fits: the file is damaged.")
                raise SelectionError(
                    f"{self.label}: {int((~inside).sum())} selection(s) of {narrative.title!r} lie outside its text "
                    f"(e.g. [{starts[bad]}, {ends[bad]}) in a text of {len(source_text.raw)} characters, counted as "
                    f"{self.policy.name!r}).{hint} Nothing was imported.")
            parts.append(self._narrative_codings(narrative, cs, ce, names, anchors))
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if len(frame):
            for coder, group in frame.groupby("coder", sort=False):
                self.rows[str(coder)] = group.drop(columns="coder").reset_index(drop=True)
        if self.fallback_used:
            self.report.warnings.append(
                f"{self.fallback_used} coding(s) or note(s) did not say who made them; they were given to "
                f"{self.fallback or FALLBACK_CODER!r}.")

    def _narrative_codings(self, narrative: _Narrative, cs: np.ndarray, ce: np.ndarray, names: dict[str, str],
                           anchors: dict[str, int]) -> pd.DataFrame:
        """One narrative's codings as a frame (key, narrative_id, start, end, code, coder, created_at, note)."""
        src = narrative.source
        n_sel, n_cod = len(cs), len(src.cod_code)
        at = np.array(src.cod_sel, dtype=np.int64) if n_cod else np.empty(0, dtype=np.int64)
        empty_sel = cs >= ce
        codes = pd.Series(src.cod_code, dtype=object).map(names)
        known = codes.notna().to_numpy()
        empty = empty_sel[at]
        keep = known & ~empty
        if (~known & ~empty).any():
            self._skip("codings", narrative.title, "their code is not in the codebook", 0, int((~known & ~empty).sum()))
        if empty_sel.any():
            self._skip("text selections", narrative.title, "empty once positions were converted",
                       int(empty_sel.sum()), int(empty.sum()))
        who = {u: self.coder(u, count=False) for u in set(src.cod_user)}
        coders = np.array([who[u] for u in src.cod_user], dtype=object)
        unnamed = np.fromiter((u is None for u in src.cod_user), dtype=bool, count=n_cod)
        self.fallback_used += int((unnamed & keep).sum())
        keys = np.full(n_cod, None, dtype=object)
        notes = np.full(n_cod, None, dtype=object)
        for k, (key, refs) in src.cod_info.items():
            keys[k] = key
            if refs and keep[k]:
                notes[k] = self._coding_note(refs, coders[k], anchors)
            if keep[k]:
                self.coding_narrative[key] = narrative.id
        has_coding = np.zeros(n_sel, dtype=bool)
        has_coding[at[keep]] = True
        first_of: dict[int, int] = {}
        for k in src.cod_info:
            if keep[k]:
                first_of.setdefault(src.cod_sel[k], k)
        for index, (key, user, description, _) in src.sel_info.items():
            first = first_of.get(index)
            if first is not None:
                self.selection_first_coding[key] = keys[first]
            if description.strip() and not empty_sel[index]:
                self.selection_memos.append((key, narrative.id, self.coder(user), description,
                                             int(cs[index]), int(ce[index])))
        noted = np.zeros(n_sel, dtype=bool)
        noted[list(src.sel_info)] = True
        self.selections_used += int((has_coding | (noted & ~empty_sel)).sum())
        bare = ~has_coding & ~noted & ~empty_sel & (np.bincount(at, minlength=n_sel) == 0)
        if bare.any():
            self._skip("text selections", narrative.title, "no coding and no note on them", int(bare.sum()))
        frame = pd.DataFrame({"key": keys, "narrative_id": narrative.id, "start": cs[at], "end": ce[at],
                              "code": codes.to_numpy(dtype=object), "coder": coders,
                              "created_at": pd.Series(src.cod_created, dtype=object).to_numpy(), "note": notes})
        return frame[keep]

    # ---- memos
    def _memos(self, archive: SafeArchive) -> None:
        anchors: dict[str, list[tuple[str, str | None]]] = {}
        for note, kind, target in self.parsed.refs:
            anchors.setdefault(note, []).append((kind, target))
        self.memos: list[dict] = []
        known = set(self.coders.values())
        for g, info in self.parsed.notes.items():
            if g in self.consumed_notes:
                continue
            text = info["text"]
            if text is None and info["path"]:
                scheme, sep, rest = info["path"].partition("://")
                member = archive.find(f"sources/{rest.lstrip('/')}", rest.lstrip("/")) if (
                    not sep or scheme.lower() == "internal") else None
                text = decode_bytes(archive.read(member), info["path"]) if member is not None else None
            text = (text or "").strip()
            kind, participants = "analytic", None
            description = info["description"].strip()
            if self.ours and description:
                for key, label in MEMO_KINDS.items():
                    if description.startswith(label):
                        kind = key
                if kind == "dialogue":
                    participants = _participants(description.partition(" with: ")[2], known)
                    if not participants:
                        kind = "analytic"
            elif description:
                text = f"{description}\n\n{text}" if text else description
            if not text:
                self._skip("note", info["name"], "it has no text")
                continue
            memo = {"text": text, "coder": self.coder(info["user"]), "kind": kind, "title": info["name"] or None,
                    "participants": participants, "narrative": None, "code": None, "coding": None,
                    "created_at": _valid_time(info.get("created"))}
            lost = []
            for anchor, target in anchors.get(g, []):
                if anchor == "coding":
                    if target in self.coding_narrative:
                        memo["coding"] = target
                    else:
                        lost.append("a coding that was not imported")
                elif anchor == "selection":
                    first = self.selection_first_coding.get(target)
                    if first:
                        memo["coding"] = memo["coding"] or first
                    else:
                        lost.append("a selection that was not imported")
                elif anchor == "source":
                    if target in self.by_source:
                        memo["narrative"] = memo["narrative"] or self.by_source[target].id
                    else:
                        lost.append("a source that was not imported")
                elif anchor == "code" and target in self.code_names:
                    memo["code"] = memo["code"] or self.code_names[target]
            if lost and not (memo["coding"] or memo["narrative"] or memo["code"]):
                self.report.warnings.append(
                    f"Note {info['name'] or g!r} was about {lost[0]}; it was kept as a project memo.")
            if memo["coding"]:
                memo["narrative"] = None  # a coding memo belongs to the coding's narrative already
            self.memos.append(memo)
        for sguid, nid, coder, description, a, b in self.selection_memos:
            first = self.selection_first_coding.get(sguid)
            self.memos.append({"text": description.strip(), "coder": coder, "kind": "analytic",
                               "title": f"Comment on a passage [{a}:{b}]", "participants": None,
                               "narrative": None if first else nid, "code": None, "coding": first})
        for narrative in self.narratives:
            if narrative.source.description.strip() and not self.ours:
                self.memos.append({"text": narrative.source.description.strip(),
                                   "coder": self.coder(narrative.source.user),
                                   "kind": "analytic", "title": f"Description of {narrative.title}",
                                   "participants": None, "narrative": narrative.id, "code": None, "coding": None})
        if self.parsed.description.strip() and not self.ours:
            self.memos.append({"text": self.parsed.description.strip(), "coder": self.coder(self.parsed.creator),
                               "kind": "analytic", "title": "Project description", "participants": None,
                               "narrative": None, "code": None, "coding": None})

    def release(self) -> None:
        """Drop the parsed columns and rows (the report stays)."""
        self.rows = {}
        self.narratives, self.by_source = [], {}
        self.parsed.sources = []

    # ---- summary
    def _summary(self) -> None:
        p = self.parsed
        text_sources = [s for s in p.sources if s.kind == "TextSource"]
        other = [s for s in p.sources if s.kind != "TextSource"]
        selections = sum(len(s.sel_start) for s in text_sources)
        codings_in = sum(len(s.cod_code) for s in text_sources) + sum(s.skipped_codings for s in p.sources)
        codings_ok = sum(len(r) for r in self.rows.values())
        notes_total = len(p.notes) + len(self.selection_memos)
        rows = [
            ("text sources", len(text_sources), len(self.narratives), len(text_sources) - len(self.narratives),
             "as narratives"),
            ("other sources", len(other), 0, len(other), "PDF, picture, audio, video: not held by the workbench"),
            ("codes", len(p.codes), len(self.codes), 0, "hierarchy and colours kept"),
            ("users", len(p.users), len(p.users), 0, "as coders"),
            ("text selections", selections, self.selections_used, selections - self.selections_used,
             "each coding on a selection becomes a coding of its own"),
            ("codings", codings_in, codings_ok, codings_in - codings_ok, "with their coder and time"),
            ("notes", notes_total, len(self.memos) + len(self.consumed_notes),
             notes_total - len(self.memos) - len(self.consumed_notes),
             f"{len(self.consumed_notes)} as coding notes, the rest as memos"),
            ("variables", len(p.variables), len(p.variables), 0, "as narrative attributes"),
            ("cases", len(p.cases), len(p.cases), 0, "case name as narrator, case variables as attributes"),
            ("sets", len(p.sets), sum(1 for s in p.sets if not s["codes"] and not s["notes"]),
             sum(1 for s in p.sets if s["codes"] or s["notes"]), "source sets as attributes"),
            ("links", p.links, 0, p.links, "not held by the workbench"),
            ("graphs", p.graphs, 0, p.graphs, "not held by the workbench"),
        ]
        frame = pd.DataFrame(rows, columns=["what", "in_file", "imported", "skipped", "note"])
        for column in ("in_file", "imported", "skipped"):
            frame[column] = frame[column].astype("Int64")
        self.report.summary = frame[frame["in_file"] > 0].reset_index(drop=True)
        if self.skipped:
            self.report.skipped = pd.DataFrame(self.skipped,
                                               columns=["what", "name", "reason", "selections", "codings"])


def _participants(text: str, known: set[str]) -> list[str]:
    """Split ``"ana, R. Osei, ben"`` into known coder names (names may hold commas)."""
    found, rest = [], text.strip()
    while rest:
        match = next((k for k in sorted(known, key=len, reverse=True)
                      if rest == k or rest.startswith(k + ", ")), None)
        if match is None:
            head, _, rest = rest.partition(", ")
            match = head.strip()
            if not match:
                continue
        else:
            rest = rest[len(match) + 2:] if rest != match else ""
        found.append(match)
    from ..project import check_coder

    good = []
    for name in found:
        try:
            good.append(check_coder(name))
        except WorkbenchError:
            pass
    return good


def _policies_fitting(text: SourceText, starts: np.ndarray, ends: np.ndarray) -> list[OffsetPolicy]:
    from .offsets import ALL_POLICIES

    return [p for p in ALL_POLICIES if text.to_canonical(p, starts, ends)[2].all()]


# ---------------------------------------------------------------------- entry points
def _read_project(path: Path, offsets: Any, missing_sources: str) -> _Plan:
    label = path.name
    with SafeArchive(path) as archive:
        info = archive.find("project.qde")
        if info is None:
            found = archive.top_level(".qde")
            if len(found) != 1:
                raise InvalidXMLError(
                    f"{label} holds no project.qde{' (it holds several .qde files)' if found else ''}: it is not a "
                    "REFI-QDA project export. Nothing was imported.")
            info = found[0]
        with archive.open(info) as stream:
            parsed = parse_qde(stream, f"{label}: {info.filename}")
        return _Plan(parsed, archive, label, offsets, missing_sources)


def import_qdpx(path: str | os.PathLike, into: str | os.PathLike, offsets: Any = None,
                missing_sources: str = "report") -> "Project":
    """Import a REFI-QDA project into a new project folder; see the module docstring for what maps.

    >>> q = import_qdpx("from-nvivo.qdpx", into="from-nvivo")
    >>> print(q.import_report)
    """
    from tqdm.auto import tqdm

    from ..project import create_project, open_project

    path, into = Path(path), Path(into)
    if missing_sources not in ("report", "refuse"):
        raise WorkbenchError("missing_sources must be 'report' or 'refuse'.")
    if offsets is not None:
        OffsetPolicy.parse(offsets)
    if (into / "workbench.toml").exists():
        raise ProjectExistsError(f"{into} already holds a project; import into a new folder.")
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise ProjectExistsError(f"{into} exists and is not empty; import into a new folder.")
    plan = _read_project(path, offsets, missing_sources)
    into.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}.importing-", dir=into.parent))
    try:
        folder = staging / "project"
        name = plan.parsed.name or path.stem
        project = create_project(folder, name=" ".join(name.split()) or path.stem, coder=IMPORT_CODER)
        rationale = f"imported from {path.name}" + (f" ({plan.parsed.origin})" if plan.parsed.origin else "")
        project.codebook.add_many([_code_fields(code) for code in plan.codes], rationale=rationale,
                                  coder=IMPORT_CODER)
        _write_narratives(project, plan.narratives, staging)
        total = sum(len(r) for r in plan.rows.values())
        bar = tqdm(total=total, desc="Importing codings", leave=False,
                   disable=total < 20_000 or bool(os.environ.get("TQDM_DISABLE")))
        wanted = {m["coding"] for m in plan.memos if m["coding"]}
        ids: dict[str, str] = {}
        columns = ["narrative_id", "start", "end", "code", "created_at", "note"]
        for coder, rows in plan.rows.items():
            for offset in range(0, len(rows), _CHUNK):
                chunk = rows.iloc[offset:offset + _CHUNK]
                made = project.code_many(chunk[columns].assign(created_at=_times(chunk["created_at"])), coder=coder)
                if wanted:
                    for key, cid in zip(chunk["key"].tolist(), made):
                        if key in wanted:
                            ids[key] = cid
                bar.update(len(chunk))
        bar.close()
        for memo in plan.memos:
            project.memo(memo["text"], coder=memo["coder"], narrative=memo["narrative"], code=memo["code"],
                         coding=ids.get(memo["coding"]) if memo["coding"] else None, kind=memo["kind"],
                         title=memo["title"], participants=memo["participants"],
                         created_at=memo.get("created_at"))
        del project
        plan.release()  # the parsed file is no longer needed: free it before the new project opens
        if into.exists():
            into.rmdir()
        os.replace(folder, into)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result = open_project(into)
    result.import_report = plan.report
    return result


def _times(values: pd.Series) -> pd.Series:
    """Another program's ``creationDateTime`` texts as UTC times; unreadable ones become NaT (= now)."""
    text = values.where(values.notna(), None)
    stamps = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    missing = stamps.isna() & text.notna()
    if missing.any():  # other spellings (a space instead of T, no zone...) one by one
        stamps[missing] = pd.to_datetime(text[missing], utc=True, format="mixed", errors="coerce")
    return stamps


def _write_narratives(project: "Project", narratives: list[_Narrative], staging: Path) -> None:
    """Narratives in file order: runs of new texts in one batch each (one lock, one CSV write); a text
    already seen (two sources with the same words) on its own, since a batch import would skip it."""
    batch: list[_Narrative] = []
    seen: set[str] = set()

    def flush() -> None:
        if not batch:
            return
        columns = list(dict.fromkeys(k for n in batch for k in n.attributes))
        sheet = staging / "narratives-to-import.csv"
        with open(sheet, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "title", "narrator", "consent", *columns, "__text__"])
            for n in batch:
                writer.writerow([n.id, n.title, n.narrator, n.consent, *[n.attributes.get(c, "") for c in columns],
                                 n.text])
        project.import_narratives(sheet, text_column="__text__", progress=False)
        sheet.unlink()
        batch.clear()

    for narrative in narratives:
        sha = sha256_text(narrative.text)
        if sha in seen:
            flush()
            project.add_narrative(narrative.text, title=narrative.title, narrator=narrative.narrator,
                                  attributes=narrative.attributes, consent=narrative.consent, id=narrative.id)
        else:
            seen.add(sha)
            batch.append(narrative)
    flush()


def _parse_codebook_file(path: Path) -> _Parsed:
    import zipfile

    if zipfile.is_zipfile(path):
        with SafeArchive(path) as archive:
            info = archive.find("project.qde") or next(iter(archive.top_level(".qde")), None)
            if info is None:
                raise InvalidXMLError(f"{path.name} is a zip without project.qde; expected a .qdc codebook.")
            with archive.open(info) as stream:
                return parse_qde(stream, f"{path.name}: {info.filename}", expect="Project")
    try:
        stream = open(path, "rb")
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist.") from None
    with stream:
        return parse_qde(stream, path.name, expect="CodeBook")


def import_qdc(project: "Project", path: str | os.PathLike, coder: str = "setup",
               rationale: str = "imported from a REFI-QDA codebook") -> pd.DataFrame:
    """Add the codes of a REFI-QDA codebook (``.qdc``, or the codebook of a ``.qdpx``) that are missing.

    Codes already in the codebook (same name, any case) are left as they are. Returns one row
    per code and set: name, parent, color, status, note.

    >>> p.codebook.import_qdc("codebook.qdc", coder="ana")
    """
    from ..codebook import check_code_name
    from ..project import check_coder

    check_coder(coder)
    path = Path(path)
    parsed = _parse_codebook_file(path)
    report = ImportReport(path.name, parsed.origin, "-", "codebooks have no positions")
    ours = "narrative-workbench" in parsed.origin.lower()
    planned, names = _plan_codes(parsed, report, ours)
    renamed = {r["to"]: r["why"] for r in report.renamed.to_dict("records")}
    project.refresh()
    existing = {n.casefold() for n in project.codebook.names}
    rows, todo = [], []
    for code in planned:
        check_code_name(code["name"])
        note = renamed.get(code["name"], "")
        if not code["codable"]:
            note = (note + "; " if note else "") + "not codable in the source (a folder there)"
        if code["name"].casefold() in existing:
            rows.append({"name": code["name"], "parent": code["parent_name"], "color": code["color"],
                         "status": "already in the codebook (left unchanged)", "note": note})
            continue
        todo.append(code)
        rows.append({"name": code["name"], "parent": code["parent_name"], "color": code["color"],
                     "status": "added", "note": note})
    for group in parsed.sets:
        members = [names.get(g, g) for g in group["codes"] if g]
        rows.append({"name": group["name"], "parent": None, "color": None,
                     "status": "skipped: the workbench has no code groups",
                     "note": f"members: {', '.join(members)}" if members else ""})
    full_rationale = rationale + f" ({path.name}{', ' + parsed.origin if parsed.origin else ''})"
    project.codebook.add_many([_code_fields(code) for code in todo], rationale=full_rationale, coder=coder)
    frame = pd.DataFrame(rows, columns=["name", "parent", "color", "status", "note"])
    frame.attrs["warnings"] = [f"Deviation from the standard: {d}." for d in dict.fromkeys(parsed.deviations)]
    return frame


def _code_fields(code: dict) -> dict:
    """The fields of a parsed REFI code that ``Codebook.add_many`` takes."""
    return {"name": code["name"], "description": code.get("description", ""), "parent": code["parent_name"],
            "color": code["color"], "include": code.get("include", ""), "exclude": code.get("exclude", ""),
            "example": code.get("example", "")}


def _valid_time(value: str | None) -> str | None:
    """A REFI ``creationDateTime`` the workbench can keep, or None (then the import time is used)."""
    if not value:
        return None
    try:
        pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    return value
