"""Narrators' answers in REFI-QDA projects: each answer a ``Note`` anchored where it belongs.

An answer about one coding hangs on that coding's selection (or on its story when the coding is not
exported), one about a theme or the whole story on the story. The note's name says whose answer it is
(``narrator:<pseudonym>``), its description what it answers; the narrator is not a ``User`` (users
are coders). A restricted story's answers are counted, their words withheld.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ._sharing import RESTRICTED_MEMO, Sharing, xml_safe

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

_STANCE = {"agree": "agrees with", "disagree": "disagrees with", "add": "adds to", "comment": "comments on"}
_DESCRIPTION = "Narrator's answer: "
#: How the name of an answer's note begins ("Answer from narrator:R01"): an import reads such notes back as answers.
ANSWER_NAME = "Answer from narrator:"


def stance_of_description(description: str) -> str:
    """The stance an answer's note description names (``comment`` when it names none).

    >>> stance_of_description("Narrator's answer: disagrees with ana's reading 'reciprocity'")
    'disagree'
    """
    said = description.removeprefix(_DESCRIPTION)
    return next((stance for stance, words in _STANCE.items() if said.startswith(words)), "comment")


def answer_description(row: dict, reader: str) -> str:
    """What an answer answers, in one line.

    >>> answer_description({"stance": "disagree", "about": "coding", "code": "reciprocity"}, "ana")
    "Narrator's answer: disagrees with ana's reading 'reciprocity'"
    """
    stance = _STANCE.get(row.get("stance", ""), "comments on")
    if row.get("about") == "coding":
        what = f"{reader}'s reading {row.get('code')!r}"
    elif row.get("about") == "theme":
        what = f"the theme {row.get('theme')!r}"
    else:
        what = "how the story was read"
    return f"{_DESCRIPTION}{stance} {what}"


def narrator_notes(project: "Project", share: Sharing, guid: Callable[[str], str], coding_ids: set,
                   on_coding: dict[str, list[str]], on_narrative: dict[str, list[str]]) -> list[Any]:
    """``Note`` nodes for every narrator's answer, their anchors added to *on_coding* / *on_narrative*.

    >>> from workbench.exchange._sharing import Sharing
    >>> narrator_notes(p, Sharing(p), lambda i: i, set(), {}, {})
    []
    """
    nodes = []
    for row in project.responses().to_dict("records"):
        note = guid(row["response_id"])
        if row["about"] == "coding" and row["coding_id"] in coding_ids:
            on_coding.setdefault(row["coding_id"], []).append(note)
        else:
            on_narrative.setdefault(row["narrative_id"], []).append(note)
        text = row["text"] if share.quotable(row["narrative_id"]) else RESTRICTED_MEMO
        nodes.append(("Note", {"guid": note, "name": xml_safe(f"Answer from {row['narrator']}"),
                               "creationDateTime": row["at"] or None},
                      [("Description", {}, [xml_safe(answer_description(row, str(share.coder(row["coder"]))))]),
                       ("PlainTextContent", {}, [xml_safe(text or f"({row['stance']})")])]))
    return nodes
