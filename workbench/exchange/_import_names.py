"""Names another program wrote, made into names the workbench accepts: coders, codes, titles.

Every rename is recorded for the import report; nothing is renamed silently.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from ..errors import CodebookError, WorkbenchError
from ..names import MAX_CODE_NAME, check_code_name, check_coder
from ._qde_model import ParsedFile, ParsedSource
from .refi_write import FIELD_LABELS

_DOC_SUFFIX = re.compile(r"\.(txt|docx?|rtf|odt|md|pdf|html?)$", re.IGNORECASE)
_MAX_CODER = 64  # what check_coder allows


def coder_names(users: dict[str, str]) -> dict[str, str]:
    """``{user guid: coder name}``: valid names, unique in any case; an unusable name becomes ``user <guid>``."""
    out, taken = {}, set()
    for g, raw in users.items():
        name = unicodedata.normalize("NFC", re.sub(r"[\x00-\x1f\x7f/\\]", "-", raw or "")).strip().lstrip(". ")
        name = name[:_MAX_CODER].strip() or f"user {g[:8].lower()}"
        try:
            check_coder(name)
        except WorkbenchError:
            name = f"user {g[:8].lower()}"
        base, n = name, 2
        while name.casefold() in taken:
            suffix = f" ({n})"
            name, n = base[:_MAX_CODER - len(suffix)] + suffix, n + 1
        taken.add(name.casefold())
        out[g] = name
    return out


def colour(value: Any) -> str | None:
    """``#RRGGBB`` in lower case from ``#rrggbb`` or ``#rgb``; None for anything else."""
    text = (value or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        return text.lower()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", text):
        return "#" + "".join(c * 2 for c in text[1:]).lower()
    return None


def split_fields(description: str) -> dict[str, str]:
    """Undo :func:`refi_write.code_description`: ``Include:``/``Exclude:``/``Example:`` lines -> fields."""
    labels = "|".join(label for _, label in FIELD_LABELS)
    match = re.search(rf"(?:^|\n\n)((?:{labels}): .*)\Z", description, re.DOTALL)
    if not match:
        return {"description": description}
    out = {"description": description[: match.start()]}
    pieces = re.split(rf"(?:^|\n)({labels}): ", match.group(1))
    for label, value in zip(pieces[1::2], pieces[2::2]):
        key = next(k for k, lab in FIELD_LABELS if lab == label)
        out[key] = value
    return out


def _clean_code_names(codes: list[dict]) -> dict[str, int]:
    """Give each code a valid ``clean`` name; how often each clean name (any case) occurs."""
    counts: dict[str, int] = {}
    for code in codes:
        try:
            clean = check_code_name(code["name"])
        except CodebookError:
            clean = f"code {code['guid'][:8].lower()}"
        counts[clean.casefold()] = counts.get(clean.casefold(), 0) + 1
        code["clean"] = clean
    return counts


def _unique_code_name(code: dict, by_guid: dict[str, dict], counts: dict[str, int],
                      taken: set[str]) -> tuple[str, str | None]:
    """The name this code gets, and why it differs from the file's (None: it does not)."""
    name, why = code["clean"], None
    if name != (code["name"] or "").strip():
        why = "empty or unusable name" if not (code["name"] or "").strip() else "spaces tidied"
    if len(name) > MAX_CODE_NAME:
        name, why = name[:MAX_CODE_NAME - 3].rstrip() + "...", f"longer than {MAX_CODE_NAME} characters"
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
    return name, why


def _code_fields(code: dict, ours: bool) -> dict[str, str]:
    """Description, include, exclude, example: split again when the workbench wrote the file."""
    if not ours:
        return {"description": code["description"]}
    fields = split_fields(code["description"])
    if "(This code is" in fields.get("description", ""):
        fields["description"] = re.sub(r"\n*\(This code is \w+ in the workbench\.\)\Z", "", fields["description"])
    return fields


def plan_codes(parsed: ParsedFile, ours: bool) -> tuple[list[dict], dict[str, str], pd.DataFrame]:
    """Codes in parent-first order with unique, valid names; ``{guid: name}``; the renames (what, from, to, why)."""
    by_guid = {c["guid"]: c for c in parsed.codes}
    counts = _clean_code_names(parsed.codes)
    names: dict[str, str] = {}
    taken: set[str] = set()
    planned, renames = [], []
    for code in parsed.codes:
        name, why = _unique_code_name(code, by_guid, counts, taken)
        names[code["guid"]] = name
        if why and name != code["name"]:
            renames.append({"what": "code", "from": code["name"], "to": name, "why": why})
        planned.append({"guid": code["guid"], "name": name, "parent": code["parent"], "color": colour(code["color"]),
                        "codable": code["codable"], **_code_fields(code, ours)})
    for entry in planned:
        entry["parent_name"] = names.get(entry["parent"]) if entry["parent"] in names else None
    return planned, names, pd.DataFrame(renames, columns=["what", "from", "to", "why"])


def title_of(source: ParsedSource, index: int) -> str:
    """The source's name, else its file's name (unless that is just a GUID), without a document suffix."""
    name = source.name
    if not name.strip():
        base = (source.path or "").replace("\\", "/").rsplit("/", 1)[-1]
        name = "" if re.fullmatch(r"\{?[0-9A-Fa-f-]{36}\}?(\.\w+)?", base) else base
    title = " ".join(name.split())
    title = _DOC_SUFFIX.sub("", title).strip() or title
    return title or f"Source {index + 1}"


def participants(text: str, known: set[str]) -> list[str]:
    """Split ``"ana, R. Osei, ben"`` into valid coder names, known names first (names may hold commas)."""
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
    good = []
    for name in found:
        try:
            good.append(check_coder(name))
        except WorkbenchError:
            pass
    return good


def valid_time(value: str | None) -> str | None:
    """A REFI ``creationDateTime`` the workbench can keep, or None (then the import time is used)."""
    if not value:
        return None
    try:
        pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    return value
