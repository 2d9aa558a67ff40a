"""Import steps 1 and 2: text sources become narratives; variables, cases and source sets their attributes.

A PDF source that carries a text ``Representation`` is read as a text source (its text and the
codings of its text selections); other PDF, picture, audio and video sources are skipped and reported.
"""

from __future__ import annotations

import re

from .._text import decode_bytes, slugify
from ..errors import WorkbenchError
from ._import_names import title_of
from ._import_plan import ImportPlan, PlannedNarrative
from ._qde_model import NON_TEXT, ParsedSource
from ._safety import SafeArchive
from .errors import InvalidXMLError, MissingSourceError
from .offsets import SourceText
from .refi_write import CONSENT_VARIABLE, ID_VARIABLE

_RESERVED = {"id", "title", "narrator", "consent", "sha256"}
_OWN_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


# ---------------------------------------------------------------------- texts
def plan_texts(plan: ImportPlan, archive: SafeArchive, missing_sources: str) -> None:
    """Read every text source's text; skip (and report) the rest; refuse missing files if asked to."""
    taken: set[str] = set()
    missing = []
    for index, source in enumerate(plan.parsed.sources):
        if source.kind != "TextSource" and not source.representation:
            _skip_other_source(plan, source)
            continue
        pdf = source.kind != "TextSource"
        raw, why = read_text(plan, archive, source)
        if raw is None:
            if why.startswith("missing") and not pdf:
                missing.append(source.name or source.guid)
            plan.skip("PDF source" if pdf else "text source", source.name,
                      f"its text representation: {why}" if pdf else why,
                      len(source.sel_start) + (source.skipped_selections if pdf else 0),
                      len(source.cod_code) + source.skipped_codings)
            continue
        text = SourceText(raw)
        if not text.canonical.strip():
            plan.skip("text source", source.name, "its text is empty", len(source.sel_start), len(source.cod_code))
            continue
        narrative = _narrative(plan, source, text, title_of(source, index), taken)
        if source.skipped_selections:
            plan.skip("PDF selections" if pdf else "text selections", source.name,
                      "regions of a PDF page (its text representation was read)" if pdf
                      else "nested inside another element", source.skipped_selections, source.skipped_codings)
        plan.narratives.append(narrative)
        plan.by_source[source.guid] = narrative
    _report_missing(plan, missing, missing_sources)


def _skip_other_source(plan: ImportPlan, source: ParsedSource) -> None:
    kind = NON_TEXT.get(source.kind, source.kind)
    reason = f"{kind} source: the workbench holds plain text only"
    if source.transcripts:
        reason += f" ({source.transcripts} transcript(s) not imported)"
    plan.skip(f"{kind} source", source.name, reason, source.skipped_selections, source.skipped_codings)


def _narrative(plan: ImportPlan, source: ParsedSource, text: SourceText, title: str,
               taken: set[str]) -> PlannedNarrative:
    """The narrative a source becomes: its own id back when the workbench wrote the file, else one from its title."""
    nid = None
    if plan.ours:
        values = {plan.parsed.variables.get(k, ("", ""))[0]: v for k, v in source.values.items()}
        wanted = values.get(ID_VARIABLE)
        if wanted and _OWN_ID.fullmatch(wanted) and wanted not in taken:
            nid = wanted
    if nid is None:
        base = slugify(title, fallback="story")
        nid, n = base, 2
        while nid in taken:
            nid, n = f"{base}-{n}", n + 1
    taken.add(nid)
    return PlannedNarrative(source=source, id=nid, title=title, text=text.canonical, source_text=text)


def _report_missing(plan: ImportPlan, missing: list[str], missing_sources: str) -> None:
    if missing and missing_sources == "refuse":
        raise MissingSourceError(
            f"{plan.label}: {len(missing)} text source file(s) are not in the archive "
            f"({', '.join(repr(m) for m in missing[:5])}{', ...' if len(missing) > 5 else ''}). "
            "Nothing was imported. Import anyway with missing_sources='report' to get the rest."
        )
    if missing:
        plan.report.warnings.append(
            f"{len(missing)} text source file(s) are missing from the archive; they and their codings were "
            "skipped (see Skipped). Ask for a fresh export that includes the sources to get them too.")


def read_text(plan: ImportPlan, archive: SafeArchive, source: ParsedSource) -> tuple[str | None, str]:
    """``(text, "")``, or ``(None, why not)`` for a source whose text cannot be read from the archive."""
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
        return decode_bytes(data, f"{plan.label}: {info.filename}"), ""
    except WorkbenchError as exc:
        raise InvalidXMLError(f"{exc} Nothing was imported.") from None


# ---------------------------------------------------------------------- attributes
def _attribute_key(name: str) -> str:
    key = " ".join(str(name).split()) or "variable"
    return f"{key} (variable)" if key.lower() in _RESERVED else key


def _put(plan: ImportPlan, narrative: PlannedNarrative, key: str, value: str, origin: str) -> None:
    """Set one attribute; a second, different value for it is reported and the first kept."""
    key, value = _attribute_key(key), " ".join(str(value).split())
    old = narrative.attributes.get(key)
    if old is not None and old != value:
        plan.report.warnings.append(
            f"{narrative.title!r}: {key!r} is {old!r} on the source and {value!r} from {origin}; kept {old!r}.")
        return
    narrative.attributes[key] = value


def plan_attributes(plan: ImportPlan) -> None:
    """Source variables, then cases, then declared-but-unused variables, then source sets."""
    for narrative in plan.narratives:
        _source_values(plan, narrative)
    for case in plan.parsed.cases:
        _case_values(plan, case)
    _declared_variables(plan)
    for group in plan.parsed.sets:
        _source_set(plan, group)


def _source_values(plan: ImportPlan, narrative: PlannedNarrative) -> None:
    variables = plan.parsed.variables
    for ref, value in narrative.source.values.items():
        name = variables.get(ref, (None,))[0]
        if name is None:
            plan.report.warnings.append(f"{narrative.title!r} has a value for an undeclared variable; skipped.")
            continue
        if name == ID_VARIABLE and plan.ours:
            continue
        if name == CONSENT_VARIABLE and value in ("given", "restricted"):
            narrative.consent = value
            continue
        _put(plan, narrative, name, value, "its variables")


def _case_values(plan: ImportPlan, case: dict) -> None:
    """A case is the narrator: its name joins the narrator, its values the attributes."""
    for sguid in case["sources"]:
        narrative = plan.by_source.get(sguid)
        if narrative is None:
            continue
        if case["name"]:
            narrative.narrator = (narrative.narrator + "; " if narrative.narrator else "") + case["name"]
        for ref, value in case["values"].items():
            name = plan.parsed.variables.get(ref, (f"case variable {ref[:8]}",))[0]
            _put(plan, narrative, name, value, f"case {case['name']!r}")


def _declared_variables(plan: ImportPlan) -> None:
    """Declared variables nobody has a value for still become (empty) attributes."""
    present = {k for n in plan.narratives for k in n.attributes}
    for name, _ in plan.parsed.variables.values():
        key = _attribute_key(name)
        if plan.ours and name in (ID_VARIABLE, CONSENT_VARIABLE):
            continue
        if key not in present:
            present.add(key)
            for narrative in plan.narratives:
                narrative.attributes.setdefault(key, "")


def _source_set(plan: ImportPlan, group: dict) -> None:
    """A source set named ``key: value`` is an attribute; other source sets are listed in ``sets``."""
    members = [plan.by_source[g] for g in group["sources"] if g in plan.by_source]
    key, sep, value = group["name"].partition(":")
    for narrative in members:
        if sep and key.strip() and value.strip():
            _put(plan, narrative, key.strip(), value.strip(), f"set {group['name']!r}")
        else:
            old = narrative.attributes.get("sets")
            narrative.attributes["sets"] = f"{old}; {group['name']}" if old else group["name"]
    if group["codes"] or group["notes"] or (not members and group["sources"]):
        plan.skip("set", group["name"], "code or note sets (groups) have no place in the workbench"
                  if group["codes"] or group["notes"] else "its sources were not imported")
