"""Codebook YAML files (nested ``codes:`` or flat with ``parent:``) read into ``add`` events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .._text import slugify
from ..errors import CodebookError
from ..names import check_code_name
from .codes import _TEXT_FIELDS, PALETTE, check_color


def read_codebook_file(path: str | Path) -> list[dict]:
    """Read a codebook YAML file into ``add`` events (nested ``codes:`` or flat with ``parent:``).

    Raises :class:`CodebookError` naming the problem: unreadable YAML, a code without a name,
    duplicate names, an unknown parent, a bad colour.
    """
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CodebookError(f"Codebook file {path} does not exist.") from None
    except UnicodeDecodeError:
        raise CodebookError(f"Codebook file {path} is not UTF-8 text.") from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"Codebook file {path} is not valid YAML: {exc}") from None
    return codebook_events_from_doc(doc, str(path))


def codebook_events_from_doc(doc: Any, source: str = "codebook") -> list[dict]:
    """``add`` events (parents before children) for a parsed codebook document."""
    if isinstance(doc, list):
        doc = {"codes": doc}
    if not isinstance(doc, dict) or not isinstance(doc.get("codes"), list):
        raise CodebookError(f"{source}: expected a mapping with a 'codes:' list of codes.")
    flat: list[tuple[dict, str | None]] = []

    def walk(items: list, parent: str | None, trail: str) -> None:
        for index, item in enumerate(items):
            where = f"{source}: {trail}codes[{index}]"
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict):
                raise CodebookError(f"{where} should be a mapping with at least a name.")
            unknown = set(item) - {"name", "codes", "parent", "color", "colour", *_TEXT_FIELDS}
            if unknown:
                raise CodebookError(f"{where} has unknown field(s) {sorted(unknown)}.")
            try:
                name = check_code_name(item.get("name"))
            except CodebookError as exc:
                raise CodebookError(f"{where}: {exc}") from None
            flat.append((item, item.get("parent", parent)))
            children = item.get("codes") or []
            if not isinstance(children, list):
                raise CodebookError(f"{where}: 'codes' under {name!r} must be a list.")
            walk(children, name, f"{trail}{name} > ")

    walk(doc["codes"], None, "")
    seen: dict[str, str] = {}
    events, ids = [], set()
    for item, _ in flat:
        name = check_code_name(item["name"])
        if name.casefold() in seen:
            raise CodebookError(f"{source}: the code name {name!r} appears twice; code names must be unique.")
        seen[name.casefold()] = name
    by_name: dict[str, str] = {}
    for index, (item, parent) in enumerate(flat):
        name = check_code_name(item["name"])
        if parent is not None and check_code_name(parent).casefold() not in seen:
            raise CodebookError(f"{source}: code {name!r} names parent {parent!r}, which is not in the codebook.")
        code_id, n = slugify(name, fallback="code"), 2
        base = code_id
        while code_id in ids:
            code_id, n = f"{base}-{n}", n + 1
        ids.add(code_id)
        by_name[name.casefold()] = code_id
        color = item.get("color", item.get("colour"))
        try:
            color = check_color(color) if color else PALETTE[index % len(PALETTE)]
        except CodebookError as exc:
            raise CodebookError(f"{source}: code {name!r}: {exc}") from None
        event = {"event": "add", "code_id": code_id, "name": name, "parent": parent, "color": color}
        for key in _TEXT_FIELDS:
            value = item.get(key) or ""
            if key == "plain" and not value:
                continue  # an optional field: codebooks without it read as before
            event[key] = " ".join(str(value).split()) if key != "example" else str(value).strip()
        events.append(event)
    for event in events:  # parents by id, now every name has one
        if event["parent"] is not None:
            event["parent"] = by_name[check_code_name(event["parent"]).casefold()]
    order = {e["code_id"]: i for i, e in enumerate(events)}
    # a flat file may list children before parents: emit parents first
    events.sort(key=lambda e: (_depth_in(events, e), order[e["code_id"]]))
    return events


def _depth_in(events: list[dict], event: dict) -> int:
    by_id = {e["code_id"]: e for e in events}
    depth, seen = 0, set()
    while event["parent"] and event["parent"] in by_id:
        if event["parent"] in seen:
            raise CodebookError(f"The codebook's parents form a cycle through {by_id[event['parent']]['name']!r}.")
        seen.add(event["parent"])
        event, depth = by_id[event["parent"]], depth + 1
    return depth

