"""A narrator's answers coming back: from the Word return they filled in, or the file the HTML return saved.

:func:`import_story_return` reads either and records each answer with
:meth:`~workbench.project.Project.record_response`, as the narrator's (``narrator:<pseudonym>``),
entered by the person who imports it. An answer already recorded is not recorded twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import WorkbenchError
from ._story_files import read_docx_answers

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

_AGREE = {"yes", "y", "agree", "agreed", "x", "\u2713", "\u2714", "true", "si", "s\u00ed"}
_DISAGREE = {"no", "n", "not really", "disagree", "disagreed", "wrong", "false", "no del todo"}
_ADD = {"something to add", "add", "more", "missed", "quiero añadir algo", "añadir"}
REPORT_COLUMNS = ["about", "stance", "text", "status", "response_id"]


def stance_of(written: str, text: str, whole_story: bool = False) -> str | None:
    """The stance a narrator's few words in the answer column mean (None: they left it blank).

    >>> stance_of("Yes", ""), stance_of("not really", "x"), stance_of("", "more to say"), stance_of("", "")
    ('agree', 'disagree', 'comment', None)
    >>> stance_of("Sí", ""), stance_of("No del todo", "")
    ('agree', 'disagree')
    """
    said = " ".join(written.casefold().strip(" .!").split())
    if said in _AGREE:
        return "agree"
    if said in _DISAGREE:
        return "disagree"
    if said in _ADD or (whole_story and text):
        return "add"
    if said or text:
        return "comment"
    return None


def _read_json(path: Path) -> tuple[str, list[dict]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WorkbenchError(f"{path} is not the answers file a story return saves ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("workbench") != "story-return-answers" or not doc.get("narrative"):
        raise WorkbenchError(f"{path} is not the answers file a story return saves (it should say "
                             "\"workbench\": \"story-return-answers\").")
    answers = [a for a in doc.get("answers") or [] if isinstance(a, dict)]
    return str(doc["narrative"]), [{"about": a.get("about") or "", "stance": a.get("stance") or "",
                                    "text": str(a.get("text") or "")} for a in answers]


def import_story_return(p: "Project", path: str | os.PathLike, entered_by: str = "setup") -> pd.DataFrame:
    """Record the answers in a returned story (the filled-in ``.docx``, or the ``.json`` the HTML form saved).

    Returns one row per answer found: about, stance, text, status (``recorded``, ``already recorded``,
    or why it was skipped) and response_id.

    >>> path = wb.exchange.story_return(p, "kitchen-table", "kitchen-table.docx", format="docx")
    >>> wb.exchange.import_story_return(p, path, entered_by="ana").columns.tolist()
    ['about', 'stance', 'text', 'status', 'response_id']
    """
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"{path} does not exist: give the returned .docx or the saved answers .json.")
    nid, answers = read_docx_answers(path) if path.suffix.lower() == ".docx" else _read_json(path)
    if nid not in set(p.narratives["id"]):
        raise WorkbenchError(f"{path} answers story {nid!r}, which is not in this project (or was withdrawn).")
    via = "docx" if path.suffix.lower() == ".docx" else "html form"
    known = p.responses(nid)
    seen = set(zip(known["coding_id"], known["stance"], known["text"]))  # coding_id is "" for themes and story
    codings = set(p.codings(narrative=nid)["coding_id"])
    rows = []
    for answer in answers:
        about, text = answer["about"], answer["text"]
        stance = answer["stance"] if answer["stance"] in ("agree", "disagree", "add", "comment") \
            else stance_of(answer["stance"], text, whole_story=not about)
        row = {"about": about, "stance": stance or "", "text": text, "status": "", "response_id": ""}
        if stance is None:
            continue
        if (about if about in codings else "", stance, text) in seen:
            row["status"] = "already recorded"
        else:
            try:
                row["response_id"] = p.record_response(nid, stance, about=about or None, text=text,
                                                       entered_by=entered_by, via=via)
                row["status"] = "recorded"
            except WorkbenchError as exc:
                row["status"] = f"skipped: {exc}"
        rows.append(row)
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)
