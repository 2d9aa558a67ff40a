"""Write REFI-QDA: a project as ``.qdpx``, the codebook as ``.qdc``, both valid against the 1.0 schemas.

What is written is what the standard says: positions in Unicode code points, half-open
``[start, end)``, into UTF-8 text files without BOM stored as ``sources/<GUID>.txt`` and
named ``internal://<GUID>.txt``; GUIDs in upper case. The XML is streamed with lxml's
incremental writer straight into the zip, so a million codings never sit in memory as a tree.

How workbench things map to REFI-QDA:

=========================  ===============================================================
narrative                  ``TextSource`` (title as name); its id and consent as variables
narrator                   a ``Case`` holding that narrator's sources
attributes                 ``Variable`` + ``VariableValue`` on each source
code (hierarchy, colour)   nested ``Code``; include/exclude/example appended to Description
coding                     ``PlainTextSelection`` (one per passage and coder) with ``Coding``
coder                      ``User`` (``creatingUser`` of selections, codings, notes)
coding note                ``Note`` ("Coding note") referenced from its ``Coding``
memo                       ``Note`` (kind in Description) referenced from what it is about
=========================  ===============================================================

GUIDs are derived from the workbench's ids, so exporting twice gives the same GUIDs.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd

from .._time import SECONDS_FORMAT, TIME_FORMAT, utc_now
from .._version import __version__
from ._refi_sets import theme_sets
from ._refi_voices import narrator_notes
from ._sharing import Sharing, xml_safe

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMAS = Path(__file__).parent / "schemas"
CODING_NOTE = "Coding note"
MEMO_KINDS = {"reflexive": "Reflexive memo", "analytic": "Analytic memo", "dialogue": "Dialogue memo"}
ID_VARIABLE, CONSENT_VARIABLE = "workbench id", "consent"
FIELD_LABELS = (("include", "Include"), ("exclude", "Exclude"), ("example", "Example"))
WITHHELD = ("Text withheld: the narrator's consent is restricted, so this story may be counted "
            "but not quoted. Its codings keep their positions.")


def origin() -> str:
    return f"narrative-workbench {__version__}"


def make_guid(*parts: str) -> str:
    """A stable upper-case GUID for *parts* (the same parts always give the same GUID)."""
    h = hashlib.md5("\x1f".join(parts).encode("utf-8")).hexdigest().upper()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _IdGuids:
    """GUIDs for one kind of thing named by workbench ids: ``make_guid`` made fast for the
    16-hex-digit ids the core gives codings (a per-kind prefix, then the id itself)."""

    def __init__(self, salt: str, kind: str) -> None:
        self.salt, self.kind = salt, kind
        prefix = make_guid(salt, kind).replace("-", "")
        self.head = f"{prefix[:8]}-{prefix[8:12]}-{prefix[12:16]}-"

    def __call__(self, identifier: str) -> str:
        if len(identifier) == 16 and _HEX16.fullmatch(identifier):
            upper = identifier.upper()
            return f"{self.head}{upper[:4]}-{upper[4:]}"
        return make_guid(self.salt, self.kind, identifier)


_HEX16 = re.compile(r"[0-9a-f]{16}")


def code_description(row: Any) -> str:
    """A code's Description: its description, then ``Include:``/``Exclude:``/``Example:`` lines."""
    parts = [str(row.get("description") or "")]
    fields = [f"{label}: {row.get(key)}" for key, label in FIELD_LABELS if row.get(key)]
    if fields:
        parts = [p for p in parts if p] + ["\n".join(fields)]
    return "\n\n".join(parts)


def _clean(value: Any) -> Any:
    """``None`` for pandas' missing values (NaN, NaT, None), the value otherwise."""
    if value is None or isinstance(value, (list, tuple, np.ndarray)):
        return value
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def _now() -> str:
    return utc_now(SECONDS_FORMAT)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _emit(xf, ns: str, node) -> None:
    """Write ``(tag, attrib, children)`` (children: nodes or text) through an lxml ``xmlfile``."""
    tag, attrib, children = node
    with xf.element(_q(ns, tag), {k: xml_safe(v) for k, v in attrib.items() if v is not None}):
        for child in children:
            if isinstance(child, str):
                xf.write(xml_safe(child))
            else:
                _emit(xf, ns, child)


def _atomic_target(path: str | os.PathLike, suffix: str) -> tuple[Path, Path]:
    target = Path(path)
    if target.is_dir():
        from .errors import ExchangeError

        raise ExchangeError(f"{target} is a folder; give a file name ending in {suffix}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target, target.with_name(f".{target.name}.{os.getpid()}.tmp")


# ---------------------------------------------------------------------- codebook
def _code_nodes(frame: pd.DataFrame, guids: dict[str, str], with_noterefs: dict[str, list[str]] | None,
                inactive_note: bool = True) -> list:
    """Nested ``Code`` nodes (parents before children, codebook order)."""
    names = set(frame["name"])
    kids: dict[Any, list] = {}
    for row in frame.to_dict("records"):
        parent = row["parent"] if row["parent"] in names and row["parent"] != row["name"] else None
        kids.setdefault(parent, []).append(row)

    def node(row, seen):
        children: list = []
        description = code_description(row)
        if row["status"] != "active" and inactive_note:
            status = f"(This code is {row['status']} in the workbench.)"
            description = (description + "\n\n" if description else "") + status
        if description:
            children.append(("Description", {}, [description]))
        for note_guid in (with_noterefs or {}).get(row["name"], []):
            children.append(("NoteRef", {"targetGUID": note_guid}, []))
        for kid in kids.get(row["name"], []):
            if kid["name"] not in seen:
                children.append(node(kid, seen | {kid["name"]}))
        return ("Code", {"guid": guids[row["name"]], "name": row["name"],
                         "isCodable": "true" if row["status"] == "active" else "false",
                         "color": row["color"] or None}, children)

    return [node(row, {row["name"]}) for row in kids.get(None, [])]


def _exported_codes(project: "Project", used: Iterable[str] = ()) -> pd.DataFrame:
    """Active codes, plus retired or merged codes that current codings still carry."""
    frame = project.codebook.to_frame(include_inactive=True)
    used = set(used)
    keep = (frame["status"] == "active") | (frame["name"].isin(used) & ~frame["name"].isin(
        frame.loc[frame["status"] == "active", "name"]))
    return frame[keep].drop_duplicates("name").reset_index(drop=True)


def export_qdc(project: "Project", path: str | os.PathLike) -> Path:
    """Write the codebook as a REFI-QDA codebook (``.qdc``): hierarchy, colours, descriptions.

    >>> export_qdc(p, "codebook.qdc")
    PosixPath('codebook.qdc')
    """
    from lxml import etree

    target, tmp = _atomic_target(path, ".qdc")
    frame = _exported_codes(project)
    salt = project.name
    guids = {row.name: make_guid(salt, "code", row.code_id) for row in frame.itertuples()}
    try:
        with open(tmp, "wb") as handle, etree.xmlfile(handle, encoding="utf-8") as xf:
            xf.write_declaration(standalone=True)
            with xf.element(_q(CODEBOOK_NS, "CodeBook"), {"origin": origin()}, nsmap={None: CODEBOOK_NS}):
                if len(frame):
                    _emit(xf, CODEBOOK_NS, ("Codes", {}, _code_nodes(frame, guids, None)))
                else:  # the schema wants at least one code; say so rather than write an invalid file
                    from .errors import ExchangeError

                    raise ExchangeError("The codebook is empty: add codes before exporting it as .qdc.")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


# ---------------------------------------------------------------------- project
def _variable_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "Boolean"
    if pd.api.types.is_integer_dtype(series):
        return "Integer"
    if pd.api.types.is_float_dtype(series):
        return "Float"
    return "Text"


def _variable_value(kind: str, value: Any) -> tuple[str, str] | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and value == ""):
        return None
    if kind == "Boolean":
        return "BooleanValue", "true" if bool(value) else "false"
    if kind == "Integer":
        return "IntegerValue", str(int(value))
    if kind == "Float":
        return "FloatValue", format(Decimal(repr(float(value))), "f")
    return "TextValue", str(value)


def export_qdpx(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
                include_memos: bool = True) -> Path:
    """Write the project as a REFI-QDA project (``.qdpx``) that NVivo, ATLAS.ti, MAXQDA, QualCoder... open.

    Restricted narratives go without their text (their codings keep positions, so they are
    counted); withdrawn ones are absent. ``anonymise_coders=True`` writes "Coder 1", ...
    instead of names; ``include_memos=False`` leaves out memos and coding notes.

    >>> export_qdpx(p, "team.qdpx")
    PosixPath('team.qdpx')
    >>> export_qdpx(p, "to-share.qdpx", anonymise_coders=True, include_memos=False)
    PosixPath('to-share.qdpx')
    """
    from lxml import etree

    target, tmp = _atomic_target(path, ".qdpx")
    share = Sharing(project, anonymise_coders=anonymise_coders, include_memos=include_memos)
    plan = _Plan(project, share)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as zf:
            for nid, name in plan.text_files.items():
                zf.writestr(f"sources/{name}", project.text(nid).encode("utf-8"))
            zf.compresslevel = 1  # the XML is large and repetitive: fast beats small here
            with zf.open("project.qde", "w", force_zip64=True) as raw:
                with etree.xmlfile(raw, encoding="utf-8", buffered=True) as xf:
                    xf.write_declaration(standalone=True)
                    plan.write(xf)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


class _Plan:
    """Everything the streamed ``project.qde`` needs, prepared as columns (not as a tree)."""

    def __init__(self, project: "Project", share: Sharing) -> None:
        self.project, self.share = project, share
        self.salt = project.name
        self.narratives = share.narratives
        codings = share.codings(with_text=False)  # selection names are cut from the story itself
        self.codings = codings
        memos = share.memos()
        self.codes = _exported_codes(project, codings["code"].unique() if len(codings) else ())
        self.code_guid = {row.name: make_guid(self.salt, "code", row.code_id) for row in self.codes.itertuples()}
        users = list(dict.fromkeys([*sorted(codings["coder"].unique().tolist())] + memos["coder"].tolist()))
        self.users = users
        self.user_guid = {u: make_guid("anonymised" if share.anonymise else self.salt, "user", u) for u in users}
        self.text_files = {nid: make_guid(self.salt, "text", nid) + ".txt"
                           for nid in self.narratives["id"] if share.quotable(nid)}
        # memo anchors (a memo on a coding that is not exported falls back to its narrative)
        coding_ids = set(codings["coding_id"]) if len(codings) else set()
        narrative_ids = set(self.narratives["id"])
        self.notes_on_coding: dict[str, list[str]] = {}
        self.notes_on_narrative: dict[str, list[str]] = {}
        self.notes_on_code: dict[str, list[str]] = {}
        self.project_notes: list[str] = []
        self.memo_nodes = []
        for memo in memos.to_dict("records"):
            memo = {k: _clean(v) for k, v in memo.items()}
            guid = make_guid(self.salt, "memo", str(memo["memo_id"]))
            anchored = False
            if memo["coding_id"] and memo["coding_id"] in coding_ids:
                self.notes_on_coding.setdefault(memo["coding_id"], []).append(guid)
                anchored = True
            elif memo["narrative_id"] and memo["narrative_id"] in narrative_ids:
                self.notes_on_narrative.setdefault(memo["narrative_id"], []).append(guid)
                anchored = True
            if memo["code"] and memo["code"] in self.code_guid:
                self.notes_on_code.setdefault(memo["code"], []).append(guid)
                anchored = True
            if not anchored:
                self.project_notes.append(guid)
            description = MEMO_KINDS.get(memo["kind"], "Memo")
            people = memo["participants"]
            if memo["kind"] == "dialogue" and isinstance(people, (list, tuple, np.ndarray)) and len(people):
                description += " with: " + ", ".join(str(x) for x in people)
            created = memo["created_at"]
            self.memo_nodes.append(("Note", {
                "guid": guid, "name": memo["title"] or None, "creatingUser": self.user_guid.get(memo["coder"]),
                "creationDateTime": created.strftime(TIME_FORMAT) if created is not None else None,
            }, [("Description", {}, [description]), ("PlainTextContent", {}, [memo["text"] or ""])]))
        self.memo_nodes += narrator_notes(project, share, lambda i: make_guid(self.salt, "answer", i), coding_ids,
                                          self.notes_on_coding, self.notes_on_narrative)  # narrators' answers

    # ------------------------------------------------------------------ writing
    def write(self, xf) -> None:
        ns = PROJECT_NS
        with xf.element(_q(ns, "Project"), {"name": xml_safe(self.project.name), "origin": origin(),
                                            "creationDateTime": _now()}, nsmap={None: ns}):
            if self.users:
                _emit(xf, ns, ("Users", {}, [("User", {"guid": self.user_guid[u], "name": u}, [])
                                              for u in self.users]))
            if len(self.codes):
                _emit(xf, ns, ("CodeBook", {}, [("Codes", {}, _code_nodes(self.codes, self.code_guid,
                                                                         self.notes_on_code))]))
            variables = self._variables()
            if variables:
                _emit(xf, ns, ("Variables", {}, [("Variable", {"guid": g, "name": n, "typeOfVariable": t}, [])
                                                  for n, (g, t) in variables.items()]))
            cases = self._cases()
            if cases:
                _emit(xf, ns, ("Cases", {}, cases))
            coding_notes: list = []
            if len(self.narratives):
                with xf.element(_q(ns, "Sources")):
                    self._sources(xf, variables, coding_notes)
            notes = coding_notes + self.memo_nodes
            if notes:
                with xf.element(_q(ns, "Notes")):
                    for note in notes:
                        _emit(xf, ns, note)
            sets = theme_sets(self.project, self.share, self.code_guid, make_guid, self.salt)  # themes
            if sets:
                _emit(xf, ns, ("Sets", {}, sets))
            _emit(xf, ns, ("Description", {}, [
                f"Exported by {origin()} on {_now()}. Text positions are Unicode code points from 0, "
                "half-open [start, end). Each selection is one coder's reading of a passage."]))
            for guid in self.project_notes:
                _emit(xf, ns, ("NoteRef", {"targetGUID": guid}, []))

    def _variables(self) -> dict[str, tuple[str, str]]:
        if not len(self.narratives):
            return {}
        out = {ID_VARIABLE: (make_guid(self.salt, "variable", ID_VARIABLE), "Text"),
               CONSENT_VARIABLE: (make_guid(self.salt, "variable", CONSENT_VARIABLE), "Text")}
        for name in self.share.attribute_names():
            out[str(name)] = (make_guid(self.salt, "variable", "attribute", str(name)),
                              _variable_type(self.narratives[name]))
        return out

    def _cases(self) -> list:
        frame = self.narratives
        if not len(frame):
            return []
        cases = []
        for narrator, group in frame[frame["narrator"].astype(str) != ""].groupby("narrator", sort=False):
            cases.append(("Case", {"guid": make_guid(self.salt, "case", str(narrator)), "name": str(narrator)},
                          [("SourceRef", {"targetGUID": make_guid(self.salt, "narrative", nid)}, [])
                           for nid in group["id"]]))
        return cases

    def _sources(self, xf: Any, variables: dict, coding_notes: list) -> None:
        slices = _CodingSlices(self.codings)
        attributes = self.share.attribute_names()
        selections = _SelectionWriter(self, xf, coding_notes)
        for row in self.narratives.to_dict("records"):
            nid = row["id"]
            quotable = self.share.quotable(nid)
            attrib = {"guid": make_guid(self.salt, "narrative", nid), "name": xml_safe(row["title"])}
            if quotable:
                attrib["plainTextPath"] = "internal://" + self.text_files[nid]
            with xf.element(_q(PROJECT_NS, "TextSource"), attrib):
                if not quotable:
                    _emit(xf, PROJECT_NS, ("Description", {}, [WITHHELD]))
                selections.write(slices.of(nid), self.project.text(nid) if quotable else None)
                for guid in self.notes_on_narrative.get(nid, ()):
                    _emit(xf, PROJECT_NS, ("NoteRef", {"targetGUID": guid}, []))
                values = [(ID_VARIABLE, nid), (CONSENT_VARIABLE, row["consent"])]
                values += [(name, row[name]) for name in attributes]
                for name, value in values:
                    guid, kind = variables[str(name)]
                    typed = _variable_value(kind, value)
                    if typed is not None:
                        _emit(xf, PROJECT_NS, ("VariableValue", {}, [("VariableRef", {"targetGUID": guid}, []),
                                                                     (typed[0], {}, [typed[1]])]))


class _CodingSlices:
    """Each narrative's codings as Python lists, one narrative at a time (memory stays flat).

    The frame is sorted by narrative: where each narrative's rows are is found without
    turning a million ids into Python strings at once.
    """

    COLUMNS = ("start", "end", "code", "coder", "coding_id", "note")

    def __init__(self, codings: pd.DataFrame) -> None:
        n = len(codings)
        self.bounds: dict[str, tuple[int, int]] = {}
        self.when = np.array([], dtype="datetime64[us]")
        self.columns = {name: codings[name] for name in self.COLUMNS}
        if not n:
            return
        nid_codes, nid_names = pd.factorize(codings["narrative_id"], sort=False)
        change = np.flatnonzero(np.diff(nid_codes)) + 1
        firsts, lasts = np.r_[0, change].astype(int), np.r_[change, n].astype(int)
        self.bounds = {str(nid_names[nid_codes[a]]): (int(a), int(b)) for a, b in zip(firsts, lasts)}
        self.when = codings["created_at"].dt.tz_convert(None).to_numpy(dtype="datetime64[us]")

    def of(self, nid: str) -> tuple[list, ...]:
        """starts, ends, codes, coders, ids, notes and creation times (text) of one narrative's codings."""
        lo, hi = self.bounds.get(nid, (0, 0))
        lists = tuple(self.columns[k].iloc[lo:hi].tolist() for k in self.COLUMNS)
        return (*lists, np.datetime_as_string(self.when[lo:hi], unit="us").tolist())


class _SelectionWriter:
    """Writes one narrative's codings as selections: codings by one coder on the same passage share one."""

    def __init__(self, plan: "_Plan", xf: Any, coding_notes: list) -> None:
        self.xf, self.coding_notes = xf, coding_notes
        self.tags = tuple(_q(PROJECT_NS, t) for t in ("PlainTextSelection", "Coding", "CodeRef", "NoteRef"))
        self.selection_guid, self.coding_guid, self.note_guid = (
            _IdGuids(plan.salt, k) for k in ("selection", "coding", "note"))
        self.code_guid, self.user_guid, self.on_coding = plan.code_guid, plan.user_guid, plan.notes_on_coding

    def write(self, rows: tuple[list, ...], story: str | None) -> None:
        """*rows* as :meth:`_CodingSlices.of` gives them; *story* is None for a text that is withheld."""
        starts, ends, codes, coders, ids, notes, created = rows
        element, (t_sel, t_cod, t_ref, t_note) = self.xf.element, self.tags
        on_coding = self.on_coding
        count, i = len(starts), 0
        while i < count:
            j = i + 1
            while j < count and starts[j] == starts[i] and ends[j] == ends[i] and coders[j] == coders[i]:
                j += 1
            user = self.user_guid[coders[i]]
            sel = {"guid": self.selection_guid(ids[i]), "startPosition": str(starts[i]),
                   "endPosition": str(ends[i]), "creatingUser": user,
                   "creationDateTime": (created[i] if j == i + 1 else min(created[i:j])) + "Z"}
            if story is not None:
                sel["name"] = xml_safe(" ".join(story[starts[i]:min(ends[i], starts[i] + 80)].split())[:60])
            with element(t_sel, sel):
                for k in range(i, j):
                    with element(t_cod, {"guid": self.coding_guid(ids[k]), "creatingUser": user,
                                         "creationDateTime": created[k] + "Z"}):
                        with element(t_ref, {"targetGUID": self.code_guid[codes[k]]}):
                            pass
                        note = notes[k]
                        if (note is not None and note == note) or ids[k] in on_coding:
                            for guid in self._notes(ids[k], note, user, created[k]):
                                with element(t_note, {"targetGUID": guid}):
                                    pass
            i = j

    def _notes(self, coding_id: str, note: Any, user: str, created: str) -> list[str]:
        """The notes a coding points to: its own coding note (written later, with the other notes), then memos."""
        guids = []
        if note is not None and note == note:
            guid = self.note_guid(coding_id)
            self.coding_notes.append(("Note", {
                "guid": guid, "name": "Note on a coding", "creatingUser": user, "creationDateTime": created + "Z"},
                [("Description", {}, [CODING_NOTE]), ("PlainTextContent", {}, [note])]))
            guids.append(guid)
        guids.extend(self.on_coding.get(coding_id, ()))
        return guids


# ---------------------------------------------------------------------- validation
def validate(path: str | os.PathLike) -> list[str]:
    """Check a ``.qdpx`` or ``.qdc`` against the official REFI-QDA 1.0 schemas; returns the problems.

    >>> validate(export_qdpx(p, "team.qdpx"))
    []
    """
    import xmlschema

    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            name = next(n for n in zf.namelist() if n.lower() == "project.qde")
            data = zf.read(name)
        schema = xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd"))
    else:
        data = path.read_bytes()
        schema = xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))
    import io

    return [str(error.reason or error) + f" (at {error.path})" for error in schema.iter_errors(io.BytesIO(data))]
