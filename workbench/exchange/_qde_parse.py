"""Stream one ``project.qde`` (or ``.qdc``) into a :class:`~._qde_model.ParsedFile`.

Only end events of the elements that matter are seen (lxml filters the rest), and each
selection, note, case... is freed once read, so memory stays flat however many there are.
The parser's state (the source being read, the codes seen so far) lives on a
:class:`QdeParser`; each kind of element has a small method of its own.
"""

from __future__ import annotations

from typing import IO, Any, Callable

from ._qde_model import (
    KNOWN_NAMESPACES,
    NEEDS_CHILD,
    SELECTION_TAGS,
    SOURCE_TAGS,
    WATCHED,
    ParsedFile,
    ParsedSource,
    children,
    drop,
    guid,
    guid_cached,
    local,
    namespace_of,
    note_ref,
    source_element,
    text_of,
    value_of,
    whole_number,
)
from ._safety import SafeXML
from .errors import InvalidXMLError

#: children of a source that the parser sees as elements of their own (the rest it reads at the source's end)
_SOURCE_CHILDREN = ("Coding", "NoteRef", "Description", "PlainTextContent", "VariableValue")


def parse_qde(stream: IO[bytes], source: str, expect: str = "Project") -> ParsedFile:
    """Stream one ``project.qde`` (or ``.qdc``, with ``expect="CodeBook"``) into a parsed model.

    >>> import io
    >>> xml = b'<Project xmlns="urn:QDA-XML:project:1.0"><Users><User guid="u1" name="ana"/></Users></Project>'
    >>> parse_qde(io.BytesIO(xml), "tiny.qde").users
    {'U1': 'ana'}
    """
    return QdeParser(source, expect).parse(stream)


class QdeParser:
    """One pass over one file: the model being filled, and the source whose selections are being read."""

    def __init__(self, source: str, expect: str = "Project") -> None:
        self.source, self.expect = source, expect
        self.model = ParsedFile()
        self.current: ParsedSource | None = None
        self.current_element: Any = None  # the element of the source being read
        self.code_kids: dict[str | None, list[dict]] = {}
        self.missing_guids = 0
        # element name -> (the parent it must sit in, or None for any; what to do at its end)
        self.handlers: dict[str, tuple[str | None, Callable[[Any, Any], None]]] = {
            **{tag: ("Sources", self._source_end) for tag in SOURCE_TAGS},
            "Transcript": (None, self._transcript), "Representation": ("PDFSource", self._representation),
            "Code": (None, self._code), "User": ("Users", self._user),
            "Variable": ("Variables", self._variable), "Case": ("Cases", self._case), "Note": ("Notes", self._note),
            "Set": ("Sets", self._set), "Link": ("Links", self._link), "Graph": ("Graphs", self._graph),
        }

    def parse(self, stream: IO[bytes]) -> ParsedFile:
        """Read *stream* to its end and return the model."""
        reader = SafeXML(stream, self.source, events=("end",), tag=[f"{{*}}{t}" for t in WATCHED])
        first = True
        with reader as events:
            for _, element in events:
                if first:
                    first = False
                    self._check_root(element.getroottree().getroot())
                name = local(element.tag)
                if name in SELECTION_TAGS:
                    self._selection_end(element, name)
                else:
                    self._element_end(element, name)
        if self.current is not None:  # a source of a kind this parser does not watch
            self.model.sources.append(self.current)
        if not reader.seen:
            raise InvalidXMLError(f"{self.source} holds no XML element; nothing was imported.")
        self._codes_in_document_order()
        return self.model

    # ---- the root and the dispatch
    def _check_root(self, element: Any) -> None:
        model, name, namespace = self.model, local(element.tag), namespace_of(element.tag)
        if name != self.expect:
            hint = ("a codebook: import it with wb.exchange.import_qdc(...)" if name == "CodeBook"
                    else "a project: import it with wb.import_qdpx(...)" if name == "Project"
                    else "not a REFI-QDA file")
            raise InvalidXMLError(f"{self.source} has root element <{name}>, not <{self.expect}>: it is {hint}.")
        if namespace not in KNOWN_NAMESPACES:
            if namespace.startswith("urn:QDA-XML:"):
                model.deviations.append(
                    f"namespace {namespace!r} instead of the 1.0 namespace (accepted: same elements)")
            elif not namespace:
                model.deviations.append("no XML namespace on the root element (accepted)")
            else:
                raise InvalidXMLError(
                    f"{self.source}: namespace {namespace!r} is not a REFI-QDA namespace; nothing was imported.")
        model.root, model.namespace = name, namespace
        model.origin = element.get("origin") or ""
        model.name = element.get("name") or ""
        model.creator = guid(element.get("creatingUserGUID"))

    def _element_end(self, element: Any, name: str) -> None:
        parent = element.getparent()
        if name in _SOURCE_CHILDREN:
            grand = parent.getparent() if parent is not None else None
            if grand is not None and local(grand.tag) == "Sources":
                self._source_child(self._source_of(parent), element, name)
            elif parent is not None and parent.getparent() is None:
                self._root_child(element, name)
            return  # elsewhere (in a code, a note...) its owner reads it at its own end
        pname = local(parent.tag) if parent is not None else ""
        handler = self.handlers.get(name)
        if handler is not None and handler[0] in (None, pname):
            handler[1](element, parent)
        elif name in NEEDS_CHILD and parent is not None and (parent.getparent() is None or name == "Codes"):
            wanted = NEEDS_CHILD[name]
            if wanted and len(element) == 0:
                self.model.deviations.append(f"an empty <{name}/> (the schema wants at least one {wanted}); accepted")

    def _synthetic_guid(self, element: Any, what: str) -> str:
        """A stand-in GUID for an element that lacks one (set on the element, so its children find it)."""
        self.missing_guids += 1
        key = f"missing-guid-{self.missing_guids}"
        element.set("guid", key)
        self.model.deviations.append(f"{what} ({element.get('name')!r}) has no guid")
        return key

    # ---- sources
    def _source_of(self, element: Any) -> ParsedSource:
        """The source being read, started when its first watched child ends."""
        if element is self.current_element:  # lxml keeps one proxy per element while we hold it: a cheap identity
            return self.current
        if self.current is not None:  # pragma: no cover - sources end in order; defensive
            self.model.sources.append(self.current)
        kind = local(element.tag)
        self.current = ParsedSource(
            guid=guid(element.get("guid")) or self._synthetic_guid(element, "a source"), name=element.get("name") or "",
            kind=kind, path=element.get("plainTextPath") if kind == "TextSource" else element.get("path"),
            user=guid(element.get("creatingUser")), created=element.get("creationDateTime"))
        self.current_element = element
        if kind not in SOURCE_TAGS:
            self.model.unknown[kind] = self.model.unknown.get(kind, 0) + 1
        return self.current

    def _selection_end(self, element: Any, name: str) -> None:
        owner = source_element(element)
        if owner is not None:
            src = self._source_of(owner)
            parent = element.getparent()
            in_text = parent is owner or (local(parent.tag) == "Representation" and parent.getparent() is owner)
            text_selection = name == "PlainTextSelection" and src.kind in ("TextSource", "PDFSource")
            if text_selection and in_text and (src.kind == "TextSource" or parent is not owner):
                read_selection(element, self.source, src, self.model)
            else:
                src.skipped_selections += 1
                src.skipped_codings += sum(1 for c in element if local(c.tag) == "Coding")
                if text_selection:
                    self.model.deviations.append(
                        f"a text selection nested deeper than usual in {src.name!r} was skipped")
        drop(element)

    def _source_child(self, src: ParsedSource, element: Any, name: str) -> None:
        if name == "Description":
            src.description = element.text or ""
        elif name == "PlainTextContent":
            src.inline = element.text or ""
        elif name == "NoteRef":
            note = note_ref(element)
            if note:
                self.model.refs.append((note, "source", src.guid))
                src.noterefs.append(note)
        elif name == "Coding":
            src.skipped_codings += 1  # a coding of a whole source: no passage to hold
        else:
            ref, text = value_of(element)
            if ref and text is not None:
                src.values[ref] = text

    def _root_child(self, element: Any, name: str) -> None:
        if name == "NoteRef":
            note = note_ref(element)
            if note:
                self.model.refs.append((note, "project", None))
        elif name == "Description":
            self.model.description = element.text or ""

    def _source_end(self, element: Any, parent: Any) -> None:
        src = self._source_of(element)
        for child in element:  # what follows the selections is still here (not watched: fewer events)
            cname = local(child.tag)
            if cname == "Coding":
                src.skipped_codings += 1  # a coding of a whole source: no passage to hold
            elif cname == "VariableValue":
                ref, text = value_of(child)
                if ref and text is not None:
                    src.values[ref] = text
        self.model.sources.append(src)
        self.current, self.current_element = None, None
        drop(element)

    def _representation(self, element: Any, parent: Any) -> None:
        """A PDF's text representation: its text (a file or inline) and selections make the PDF a text source."""
        owner = source_element(element)
        if owner is None or owner is not parent:
            return
        src = self._source_of(owner)
        inline = next((child.text or "" for child in element if local(child.tag) == "PlainTextContent"), None)
        src.path, src.inline, src.representation = element.get("plainTextPath"), inline, True

    def _transcript(self, element: Any, parent: Any) -> None:
        owner = source_element(element)
        if owner is not None:
            self._source_of(owner).transcripts += 1
        drop(element)

    # ---- codebook, users, variables, cases, notes, sets
    def _code(self, element: Any, parent: Any) -> None:
        g = guid(element.get("guid")) or self._synthetic_guid(element, "a code")
        parent_guid = None
        if local(parent.tag) == "Code":
            parent_guid = guid(parent.get("guid")) or self._synthetic_guid(parent, "a code")
        notes, description = [], ""
        for child in element:
            cname = local(child.tag)
            if cname == "Description":
                description = child.text or ""
            elif cname == "NoteRef":
                note = note_ref(child)
                if note:
                    self.model.refs.append((note, "code", g))
                    notes.append(note)
        self.code_kids.setdefault(parent_guid, []).append({
            "guid": g, "name": element.get("name") or "", "color": element.get("color"), "parent": parent_guid,
            "codable": (element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
            "description": description, "noterefs": notes})
        for child in list(element):  # keep the child codes: their parent is read again when they end
            if local(child.tag) != "Code":
                element.remove(child)

    def _codes_in_document_order(self) -> None:
        """Codes parents first, in file order (their end events came the other way round)."""
        stack = list(reversed(self.code_kids.get(None, [])))
        seen: set[str] = set()
        while stack:
            code = stack.pop()
            if code["guid"] in seen:
                continue
            seen.add(code["guid"])
            self.model.codes.append(code)
            stack.extend(reversed(self.code_kids.get(code["guid"], [])))

    def _user(self, element: Any, parent: Any) -> None:
        g = guid(element.get("guid"))
        if g:
            self.model.users[g] = element.get("name") or ""
        drop(element)

    def _variable(self, element: Any, parent: Any) -> None:
        g = guid(element.get("guid"))
        if g:
            self.model.variables[g] = (element.get("name") or "", element.get("typeOfVariable") or "Text")
        drop(element)

    def _case(self, element: Any, parent: Any) -> None:
        values, sources, selections = {}, [], 0
        g = guid(element.get("guid"))
        for child in element:
            cname = local(child.tag)
            if cname == "VariableValue":
                ref, text = value_of(child)
                if ref and text is not None:
                    values[ref] = text
            elif cname == "SourceRef":
                sources.append(guid(child.get("targetGUID")))
            elif cname == "SelectionRef":
                selections += 1
            elif cname == "NoteRef" and note_ref(child):
                self.model.refs.append((note_ref(child), "case", g))
        self.model.cases.append({"guid": g, "name": element.get("name") or "", "values": values, "sources": sources,
                                 "selections": selections})
        drop(element)

    def _note(self, element: Any, parent: Any) -> None:
        g = guid(element.get("guid"))
        if g:
            self.model.notes[g] = {
                "name": element.get("name") or "", "user": guid(element.get("creatingUser")),
                "created": element.get("creationDateTime"), "description": text_of(element, "Description") or "",
                "text": text_of(element, "PlainTextContent"), "path": element.get("plainTextPath"),
            }
        drop(element)

    def _set(self, element: Any, parent: Any) -> None:
        def members(tag: str) -> list:
            return [guid(m.get("targetGUID") or m.get("guid")) for m in children(element, tag)]

        self.model.sets.append({"guid": guid(element.get("guid")), "name": element.get("name") or "",
                                "description": text_of(element, "Description") or "",
                                "codes": members("MemberCode"), "sources": members("MemberSource"),
                                "notes": members("MemberNote")})
        drop(element)

    def _link(self, element: Any, parent: Any) -> None:
        self.model.links += 1
        drop(element)

    def _graph(self, element: Any, parent: Any) -> None:
        self.model.graphs += 1
        drop(element)


def read_selection(element: Any, source: str, src: ParsedSource, model: ParsedFile) -> None:
    """Append one text selection and its codings to *src*'s columns (the hot path: kept flat)."""
    index = len(src.sel_start)
    src.sel_start.append(whole_number(element.get("startPosition"), "a startPosition", source))
    src.sel_end.append(whole_number(element.get("endPosition"), "an endPosition", source))
    user = guid_cached(element.get("creatingUser"))
    created = element.get("creationDateTime")
    description, notes, first, first_guid = "", [], None, None
    refs = model.refs
    for child in element:
        name = local(child.tag)
        if name == "Coding":
            code, cnotes = None, None
            for part in child:
                part_name = local(part.tag)
                if part_name == "CodeRef":
                    if code is None:
                        code = guid_cached(part.get("targetGUID"))
                elif part_name == "NoteRef":
                    note = note_ref(part)
                    if note:
                        cnotes = (cnotes or []) + [note]
            k = len(src.cod_code)
            src.cod_sel.append(index)
            src.cod_code.append(code)
            src.cod_user.append(guid_cached(child.get("creatingUser")) or user)
            src.cod_created.append(child.get("creationDateTime") or created)
            if first is None:
                first, first_guid = k, child.get("guid")
            if cnotes:
                key = guid(child.get("guid")) or f"coding:{src.guid}:{k}"
                refs.extend((note, "coding", key) for note in cnotes)
                src.cod_info[k] = (key, cnotes)
        elif name == "NoteRef":
            note = note_ref(child)
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
