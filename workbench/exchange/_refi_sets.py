"""Themes in REFI-QDA projects: each theme a ``Set`` of its codes (``MemberCode``), its definition, central
organising idea, phase and owner in the set's ``Description``; code sets read back as themes.

Hand-picked passages, negative cases and theme memos do not travel: a REFI-QDA set holds codes,
sources and notes, not passages (docs/themes.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..errors import WorkbenchError
from ..names import check_coder
from ..themes import PHASES
from ._sharing import Sharing, xml_safe

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

_IDEA, _PHASE, _OWNER = "Central organising idea: ", "Theme phase: ", "Theme owner: "
_FOOTER = "(A theme from the narrative workbench: its codes are this set's member codes.)"


def theme_description(definition: str, idea: str, phase: str, owner: str) -> str:
    """The ``Description`` of a theme's set: its definition, then one line each for idea, phase and owner.

    >>> print(theme_description("What it is.", "help goes both ways", "reviewed", "ana"))
    What it is.
    Central organising idea: help goes both ways
    Theme phase: reviewed
    Theme owner: ana
    (A theme from the narrative workbench: its codes are this set's member codes.)
    """
    lines = [definition.strip()] if definition.strip() else []
    if idea.strip():
        lines.append(_IDEA + " ".join(idea.split()))
    lines += [_PHASE + phase, _OWNER + owner, _FOOTER]
    return "\n".join(lines)


def read_theme_description(text: str) -> dict[str, str]:
    """definition, idea, phase and owner from a set's ``Description`` (another program's is all definition).

    >>> read_theme_description(theme_description("What it is.", "both ways", "defined", "group:tue"))
    {'definition': 'What it is.', 'idea': 'both ways', 'phase': 'defined', 'owner': 'group:tue'}
    >>> read_theme_description("Codes about home")["definition"]
    'Codes about home'
    """
    found = {"definition": [], "idea": "", "phase": "", "owner": ""}
    for line in (text or "").strip().splitlines():
        for key, prefix in (("idea", _IDEA), ("phase", _PHASE), ("owner", _OWNER)):
            if line.startswith(prefix):
                found[key] = line[len(prefix):].strip()
                break
        else:
            if line.strip() != _FOOTER:
                found["definition"].append(line)
    found["definition"] = "\n".join(found["definition"]).strip()
    return found


def theme_sets(project: "Project", share: Sharing, code_guid: dict[str, str],
               make_guid: Callable[..., str], salt: str) -> list:
    """The ``Set`` nodes of the project's active themes (only codes the file carries become members)."""
    nodes = []
    for row in project.themes.to_frame().itertuples(index=False):
        members = [("MemberCode", {"targetGUID": code_guid[c]}, []) for c in row.codes if c in code_guid]
        description = theme_description(row.definition, row.idea, row.phase, str(share.coder(row.owner)))
        nodes.append(("Set", {"guid": make_guid(salt, "theme", row.theme_id), "name": xml_safe(row.name)},
                      [("Description", {}, [xml_safe(description)]), *members]))
    return nodes


def import_theme_sets(project: "Project", sets: list[dict], code_names: dict[str, str], coder: str,
                      rationale: str) -> int:
    """Add a theme for every set with member codes (name made unique, phase and owner kept when they fit)."""
    made = 0
    for item in sets:
        codes = [code_names[g] for g in item.get("codes", []) if g in code_names]
        if not codes:
            continue
        about = read_theme_description(item.get("description", ""))
        name = _free_name(project, item.get("name") or "Set")
        owner = _owner(about["owner"], coder)
        project.themes.add(name, definition=about["definition"], idea=about["idea"], codes=codes, coder=coder,
                           owner=owner, rationale=rationale)
        if about["phase"] in PHASES and about["phase"] != PHASES[0]:
            project.themes.set_phase(name, about["phase"], coder=coder, rationale=rationale)
        made += 1
    return made


def _owner(name: str, fallback: str) -> str:
    try:
        return check_coder(name) if name else fallback
    except WorkbenchError:
        return fallback


def _free_name(project: "Project", name: Any) -> str:
    base = " ".join(str(name).split())[:110] or "Set"
    candidate, n = base, 2
    while candidate in project.themes:
        candidate, n = f"{base} ({n})", n + 1
    return candidate
