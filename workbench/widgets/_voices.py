"""What the widgets show of a narrator's voice: their answers beside the readings, and why a story is restricted."""

from __future__ import annotations

from typing import Any

#: How a stance reads in a widget.
STANCE_WORDS = {"agree": "agrees", "disagree": "disagrees", "add": "adds", "comment": "says"}


def voice_items(project: Any, nid: str) -> list[dict]:
    """The narrator's answers on story *nid*, for a widget: id, narrator, about, stance, text, code, coder,
    theme, coding_id, start, end (the answered coding's span, or -1), at.

    >>> _ = p.record_response(nid, "agree", entered_by="ana")
    >>> voice_items(p, nid)[0]["stance"]
    'agree'
    """
    if not nid:
        return []
    codings = project.codings(narrative=nid).set_index("coding_id")
    items = []
    for r in project.responses(nid).to_dict("records"):
        found = r["coding_id"] in codings.index
        items.append({
            "id": r["response_id"], "narrator": r["narrator"].removeprefix("narrator:"), "about": r["about"],
            "stance": r["stance"], "says": STANCE_WORDS.get(r["stance"], "says"), "text": r["text"],
            "code": r["code"], "coder": r["coder"], "theme": r["theme"], "coding_id": r["coding_id"],
            "start": int(codings.loc[r["coding_id"], "start"]) if found else -1,
            "end": int(codings.loc[r["coding_id"], "end"]) if found else -1, "at": r["at"]})
    return items


def consent_note(project: Any, nid: str) -> str:
    """Why story *nid* is restricted, as its history says (who asked, when, recorded by whom), or "".

    >>> p.set_consent(nid, "restricted", by="ana", reason="asked not to be quoted")
    >>> consent_note(p, nid).endswith("asked not to be quoted (recorded by ana).")
    True
    """
    if not nid:
        return ""
    history = project.consent_history(nid)
    history = history[history["state"] == "restricted"]
    if not len(history):
        return ""
    last = history.iloc[-1]
    why = f": {last['reason']}" if last["reason"] else ""
    return f"{last['narrator'].removeprefix('narrator:')}, {last['at'][:10]}{why} (recorded by {last['by']})."
