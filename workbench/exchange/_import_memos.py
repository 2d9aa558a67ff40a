"""Import step 4: notes become memos, attached to what they were about when that came in too."""

from __future__ import annotations

from .._text import decode_bytes
from ._import_names import participants, valid_time
from ._import_plan import ImportPlan
from ._refi_voices import ANSWER_NAME, stance_of_description
from ._safety import SafeArchive
from .refi_write import MEMO_KINDS


def plan_memos(plan: ImportPlan, archive: SafeArchive) -> None:
    """Notes (not already coding notes), comments on selections and descriptions, as memos in ``plan.memos``."""
    anchors: dict[str, list[tuple[str, str | None]]] = {}
    for note, kind, target in plan.parsed.refs:
        anchors.setdefault(note, []).append((kind, target))
    known = set(plan.coders.values())
    for g, info in plan.parsed.notes.items():
        if g in plan.consumed_notes:
            continue
        memo = _note_memo(plan, archive, info, known)
        if memo is not None:
            _anchor(plan, memo, anchors.get(g, []), info["name"] or g)
            plan.memos.append(memo)
    for sguid, nid, coder, description, a, b in plan.selection_memos:
        first = plan.selection_first_coding.get(sguid)
        plan.memos.append(_memo(description.strip(), coder, title=f"Comment on a passage [{a}:{b}]",
                                narrative=None if first else nid, coding=first))
    if plan.ours:
        return  # the workbench writes its own descriptions: nothing of the user's is in them
    for narrative in plan.narratives:
        if narrative.source.description.strip():
            plan.memos.append(_memo(narrative.source.description.strip(), plan.coder(narrative.source.user),
                                    title=f"Description of {narrative.title}", narrative=narrative.id))
    if plan.parsed.description.strip():
        plan.memos.append(_memo(plan.parsed.description.strip(), plan.coder(plan.parsed.creator),
                                title="Project description"))


def _memo(text: str, coder: str, *, title: str, kind: str = "analytic", narrative: str | None = None,
          coding: str | None = None) -> dict:
    return {"text": text, "coder": coder, "kind": kind, "title": title, "participants": None,
            "narrative": narrative, "code": None, "coding": coding}


def _note_text(archive: SafeArchive, info: dict) -> str:
    """A note's text, inline or from its file in the archive."""
    text = info["text"]
    if text is None and info["path"]:
        scheme, sep, rest = info["path"].partition("://")
        member = archive.find(f"sources/{rest.lstrip('/')}", rest.lstrip("/")) if (
            not sep or scheme.lower() == "internal") else None
        text = decode_bytes(archive.read(member), info["path"]) if member is not None else None
    return (text or "").strip()


def _note_memo(plan: ImportPlan, archive: SafeArchive, info: dict, known: set[str]) -> dict | None:
    """The memo a note becomes (its kind read back when the workbench wrote it), or None for an empty note."""
    text = _note_text(archive, info)
    kind, people = "analytic", None
    description = info["description"].strip()
    if plan.ours and description:
        for key, label in MEMO_KINDS.items():
            if description.startswith(label):
                kind = key
        if kind == "dialogue":
            people = participants(description.partition(" with: ")[2], known)
            if not people:
                kind = "analytic"
    elif description:
        text = f"{description}\n\n{text}" if text else description
    if not text:
        plan.skip("note", info["name"], "it has no text")
        return None
    memo = _memo(text, plan.coder(info["user"]), title=info["name"] or None, kind=kind)
    memo["participants"], memo["created_at"] = people, valid_time(info.get("created"))
    if plan.ours and (info["name"] or "").startswith(ANSWER_NAME):  # a narrator's answer comes back as one
        memo["answer"] = stance_of_description(description)
        memo["text"] = "" if text == f"({memo['answer']})" else text
    return memo


def _anchor(plan: ImportPlan, memo: dict, anchors: list[tuple[str, str | None]], name: str) -> None:
    """Attach *memo* to the coding, narrative or code its note was about, if that came in."""
    lost = []
    for anchor, target in anchors:
        if anchor == "coding":
            if target in plan.coding_narrative:
                memo["coding"] = target
            else:
                lost.append("a coding that was not imported")
        elif anchor == "selection":
            first = plan.selection_first_coding.get(target)
            if first:
                memo["coding"] = memo["coding"] or first
            else:
                lost.append("a selection that was not imported")
        elif anchor == "source":
            if target in plan.by_source:
                memo["narrative"] = memo["narrative"] or plan.by_source[target].id
            else:
                lost.append("a source that was not imported")
        elif anchor == "code" and target in plan.code_names:
            memo["code"] = memo["code"] or plan.code_names[target]
    if lost and not (memo["coding"] or memo["narrative"] or memo["code"]):
        plan.report.warnings.append(f"Note {name!r} was about {lost[0]}; it was kept as a project memo.")
    if memo["coding"]:
        memo["narrative"] = None  # a coding memo belongs to the coding's narrative already
