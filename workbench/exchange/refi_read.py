"""Read REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) written by other programs.

The file is untrusted: the archive and the XML are checked (:mod:`._safety`), then the XML
is streamed (``iterparse``; each selection is dropped once read), then everything is
checked and converted *before* anything is written. The new project is built with the
public API in a temporary folder next to the target and moved into place only at the end;
on any error the temporary folder is removed and nothing is left behind.

What maps, and what is reported instead:

* plain-text sources, and PDF sources that carry a text ``Representation`` -> narratives; their
  text selections -> codings, one per ``Coding``, each with its own coder (``creatingUser``) and time;
* codes (hierarchy, colours, descriptions) -> the codebook; names that repeat in
  different branches (allowed elsewhere, not here) get their parent's name added;
* users -> coders; notes -> memos (on a narrative, code or coding) or coding notes;
* variables and cases -> narrative attributes; a case is the narrator; source sets named
  ``"key: value"`` (ATLAS.ti document groups) -> attributes, other source sets -> ``sets``;
* code sets -> themes (the workbench writes each theme as a set of its codes, with its definition,
  central organising idea, phase and owner in the set's description);
* PDF sources without a text representation, picture, audio and video sources and their
  selections, transcripts, links, graphs and note-only sets are **reported** as skipped, with
  counts: never dropped silently.
* texts of any length: they go to the project directly, never through a CSV sheet.

**Missing source files.** A text source whose file is not in the archive is skipped and
reported, with how many selections and codings it takes with it; the rest is imported.
(The ATLAS.ti reference project ships an empty ``Sources/`` folder: its codebook, coders
and memos still come in.) ``missing_sources="refuse"`` refuses such a file instead.
Everything else that cannot be understood — unsafe entries, archive bombs, DTDs, broken
XML, selections outside their text or running backwards — is refused, writing nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import ProjectExistsError, WorkbenchError
from ..names import check_code_name, check_coder
from ._import_codings import plan_codings
from ._import_memos import plan_memos
from ._import_names import plan_codes
from ._import_plan import FALLBACK_CODER, ImportPlan, PlannedNarrative
from ._import_texts import plan_attributes, plan_texts
from ._qde_model import ParsedFile, guid
from ._qde_parse import parse_qde
from ._refi_sets import import_theme_sets
from ._safety import SafeArchive
from .errors import InvalidXMLError
from .import_report import ImportReport
from .offsets import OffsetPolicy, policy_for_origin

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["import_qdpx", "import_qdc", "parse_qde", "read_plan", "ImportReport", "guid", "IMPORT_CODER",
           "FALLBACK_CODER"]

IMPORT_CODER = "import"
_CHUNK = 100_000


def read_plan(path: str | os.PathLike, offsets: Any = None, missing_sources: str = "report") -> ImportPlan:
    """Read, check and convert a ``.qdpx`` without writing anything: the plan an import would carry out.

    >>> plan = read_plan(wb.exchange.export_qdpx(p, "team.qdpx"))
    >>> len(plan.narratives) == len(p.narratives)
    True
    >>> int(plan.report.summary.set_index("what").loc["codings", "skipped"])
    0
    """
    path = Path(path)
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
        if offsets is None:
            policy, why = policy_for_origin(parsed.origin)
        else:
            policy, why = OffsetPolicy.parse(offsets), "chosen by you (offsets=...)"
        plan = ImportPlan(parsed, label, policy, why)
        plan_texts(plan, archive, missing_sources)
        plan_attributes(plan)
        plan_codings(plan)
        plan_memos(plan, archive)
        plan.summarise()
        return plan


def _check_target(into: Path, offsets: Any, missing_sources: str) -> None:
    """Refuse bad arguments and an occupied target before reading anything."""
    if missing_sources not in ("report", "refuse"):
        raise WorkbenchError("missing_sources must be 'report' or 'refuse'.")
    if offsets is not None:
        OffsetPolicy.parse(offsets)
    if (into / "workbench.toml").exists():
        raise ProjectExistsError(f"{into} already holds a project; import into a new folder.")
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise ProjectExistsError(f"{into} exists and is not empty; import into a new folder.")


def import_qdpx(path: str | os.PathLike, into: str | os.PathLike, offsets: Any = None,
                missing_sources: str = "report") -> "Project":
    """Import a REFI-QDA project into a new project folder; see the module docstring for what maps.

    >>> q = import_qdpx(wb.exchange.export_qdpx(p, "team.qdpx"), into="copy")
    >>> len(q.codings()) == len(p.codings())
    True
    """
    from ..project import create_project, open_project

    path, into = Path(path), Path(into)
    _check_target(into, offsets, missing_sources)
    plan = read_plan(path, offsets, missing_sources)
    into.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}.importing-", dir=into.parent))
    try:
        folder = staging / "project"
        name = plan.parsed.name or path.stem
        project = create_project(folder, name=" ".join(name.split()) or path.stem, coder=IMPORT_CODER)
        rationale = f"imported from {path.name}" + (f" ({plan.parsed.origin})" if plan.parsed.origin else "")
        project.codebook.add_many([_code_fields(code) for code in plan.codes], rationale=rationale,
                                  coder=IMPORT_CODER)
        _write_narratives(project, plan.narratives)
        ids = _write_codings(project, plan)
        _write_memos(project, plan, ids)
        import_theme_sets(project, plan.parsed.sets, plan.code_names, IMPORT_CODER, rationale)
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


def _write_codings(project: "Project", plan: ImportPlan) -> dict[str, str]:
    """Every coder's codings in chunks; ``{file key: coding id}`` for the codings memos are about."""
    from tqdm.auto import tqdm

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
    return ids


def _write_memos(project: "Project", plan: ImportPlan, ids: dict[str, str]) -> None:
    for memo in plan.memos:
        if memo.get("answer") and _write_answer(project, memo, ids.get(memo["coding"]) if memo["coding"] else None):
            continue
        project.memo(memo["text"], coder=memo["coder"], narrative=memo["narrative"], code=memo["code"],
                     coding=ids.get(memo["coding"]) if memo["coding"] else None, kind=memo["kind"],
                     title=memo["title"], participants=memo["participants"], created_at=memo.get("created_at"))


def _write_answer(project: "Project", memo: dict, coding: str | None) -> bool:
    """A narrator's answer the workbench exported, recorded again as theirs; False if it cannot be (then a memo)."""
    nid = project.coding(coding)["narrative_id"] if coding else memo["narrative"]
    if not nid:
        return False
    try:
        project.record_response(nid, memo["answer"], about=coding, text=memo["text"], entered_by="imported",
                                via="other")
    except WorkbenchError:
        return False
    return True


def _times(values: pd.Series) -> pd.Series:
    """Another program's ``creationDateTime`` texts as UTC times; unreadable ones become NaT (= now)."""
    text = values.where(values.notna(), None)
    stamps = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    missing = stamps.isna() & text.notna()
    if missing.any():  # other spellings (a space instead of T, no zone...) one by one
        stamps[missing] = pd.to_datetime(text[missing], utc=True, format="mixed", errors="coerce")
    return stamps


def _write_narratives(project: "Project", narratives: list[PlannedNarrative]) -> None:
    """Every narrative in file order, in one batch (one lock, one write of ``narratives.csv``).

    The texts go straight to the project, never through a CSV sheet, so a source of any length
    imports (a sheet's cells stop at 131,072 characters).
    """
    project.add_narratives([{"text": n.text, "title": n.title, "narrator": n.narrator, "attributes": n.attributes,
                             "consent": n.consent, "id": n.id} for n in narratives], progress=len(narratives) > 200)


# ---------------------------------------------------------------------- codebooks
def _parse_codebook_file(path: Path) -> ParsedFile:
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

    >>> result = import_qdc(p, wb.exchange.export_qdc(p, "codebook.qdc"), coder="ana")
    >>> result["status"].unique().tolist()
    ['already in the codebook (left unchanged)']
    """
    check_coder(coder)
    path = Path(path)
    parsed = _parse_codebook_file(path)
    planned, names, renamed_frame = plan_codes(parsed, "narrative-workbench" in parsed.origin.lower())
    renamed = {r["to"]: r["why"] for r in renamed_frame.to_dict("records")}
    project.refresh()
    existing = {n.casefold() for n in project.codebook.names}
    rows, todo = [], []
    for code in planned:
        check_code_name(code["name"])
        note = renamed.get(code["name"], "")
        if not code["codable"]:
            note = (note + "; " if note else "") + "not codable in the source (a folder there)"
        status = "added"
        if code["name"].casefold() in existing:
            status = "already in the codebook (left unchanged)"
        else:
            todo.append(code)
        rows.append({"name": code["name"], "parent": code["parent_name"], "color": code["color"],
                     "status": status, "note": note})
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
