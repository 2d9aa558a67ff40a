"""Narrators as partners: their consent as a conversation with history, stories given back, and their answers.

Everything a narrator says about their story is an event in their own log,
``events/narrators/narrator:<pseudonym>.jsonl`` (see docs/care.md): a consent change (who recorded
it, when, why), a story return (when, in which form), and each answer to how the story was read
(about one coding, one theme, or the whole story). Answers are a distinct voice: recorded under
``narrator:<pseudonym>``, never counted as a coder's reading (:func:`workbench.names.counted_coders`).
"""

from __future__ import annotations

import secrets
from typing import Any

import pandas as pd

from ..consent import CONSENT_VALUES, RETURN_REQUESTED
from ..errors import ConsentError, WorkbenchError
from ..names import check_coder, narrator_voice

#: How a narrator answered a reading: agreed, disagreed, added something, or only said something.
STANCES = ("agree", "disagree", "add", "comment")
#: How an answer reached the project.
VIAS = ("conversation", "docx", "html form", "email", "letter", "other")
RESPONSE_COLUMNS = ["response_id", "narrative_id", "narrator", "about", "coding_id", "code", "coder", "theme",
                    "stance", "text", "entered_by", "via", "at"]
HISTORY_COLUMNS = ["at", "narrative_id", "narrator", "state", "by", "reason"]
OVERVIEW_COLUMNS = ["narrative_id", "title", "narrator", "consent", "return_requested", "returned", "answers",
                    "last_change"]


def _one_line(text: Any, what: str) -> str:
    if not isinstance(text, str):
        raise WorkbenchError(f"{what} must be text, not {type(text).__name__}.")
    return text.strip()


class NarratorVoices:
    """The part of :class:`~workbench.project.Project` that keeps narrators' consent history, returns and answers."""

    _folder: Any
    codebook: Any
    narratives: pd.DataFrame

    def _check_narrative(self, nid: Any) -> None:  # pragma: no cover - Project's
        raise NotImplementedError

    def codings(self, *args: Any, **kwargs: Any) -> pd.DataFrame:  # pragma: no cover - Project's
        """The current codings (Project's)."""
        raise NotImplementedError

    def narrator_of(self, nid: str) -> str:
        """The voice a story's narrator answers in: ``narrator:<pseudonym>`` (the story id when no narrator is named).

        >>> p.narrator_of("kitchen-table").startswith("narrator:")
        True
        """
        self._check_narrative(nid)
        row = self._folder.narratives.frame.set_index("id").loc[nid]
        return narrator_voice(str(row.get("narrator") or "").strip() or nid)

    def was_withdrawn(self, nid: str) -> bool:
        """True if story *nid* was withdrawn (its tombstone matches; nothing else of it is kept).

        >>> p.was_withdrawn("kitchen-table")
        False
        """
        return bool(self._folder.withdrawals.among([nid]))

    def _write_voice(self, nid: str, record: dict) -> None:
        voice = self.narrator_of(nid)
        self._folder.write_narrator(voice, [{**record, "coder": voice, "narrative": nid, "at": self._folder.now()}])

    def _record_consent(self, nid: str, state: str, by: str, reason: str) -> None:
        """Add a consent change to the narrator's history (the column itself is :meth:`set_consent`'s)."""
        check_coder(by)
        reason = _one_line(reason, "reason")
        if "\n" in reason:
            raise ConsentError("reason must be one line of text (and should not quote the story).")
        self._write_voice(nid, {"event": "consent", "state": state, "by": by, "reason": reason})

    def request_return(self, nid: str, by: str = "setup", reason: str = "") -> None:
        """Record that the narrator asked to see how their story was read ("return requested").

        >>> p.request_return("kitchen-table", by="ana", reason="asked at the Tuesday group")
        >>> bool(p.consent_overview().set_index("narrative_id").loc["kitchen-table", "return_requested"])
        True
        """
        self._check_narrative(nid)
        self._record_consent(nid, RETURN_REQUESTED, by, reason)

    def record_return(self, nid: str, how: str = "html", by: str = "setup") -> None:
        """Record that the narrator was given their story back (:func:`workbench.exchange.story_return` does it).

        >>> p.record_return("kitchen-table", how="printed", by="ana")
        """
        self._check_narrative(nid)
        check_coder(by)
        self._write_voice(nid, {"event": "returned", "how": _one_line(how, "how"), "by": by})

    def record_response(self, nid: str, stance: str, about: str | None = None, text: str = "",
                        entered_by: str = "setup", via: str = "conversation") -> str:
        """Record the narrator's answer to how their story was read; returns the answer's id.

        *stance* is ``agree``, ``disagree``, ``add`` (something the reading missed) or ``comment``
        (free text only); *about* is a coding id of this story, a theme, or None for the whole story;
        *entered_by* is who wrote it down, *via* how it came (``conversation``, ``docx``, ``html form``...).
        The answer is the narrator's (``narrator:<pseudonym>``), never a coder's reading.

        >>> rid = p.record_response(nid, "disagree", about=p.codings(narrative=nid)["coding_id"][0],
        ...                         text="It was not help, it was company.", entered_by="ana")
        >>> p.responses(nid)[["narrator", "about", "stance"]].iloc[0].tolist()[1:]
        ['coding', 'disagree']
        """
        self._check_narrative(nid)
        check_coder(entered_by)
        if stance not in STANCES:
            raise WorkbenchError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}.")
        if via not in VIAS:
            raise WorkbenchError(f"via must be one of {', '.join(VIAS)}, not {via!r}.")
        text = _one_line(text, "text")
        if stance in ("add", "comment") and not text:
            raise WorkbenchError(f"An answer {stance!r} needs the narrator's words: text='...'.")
        record = {"event": "response", "id": secrets.token_hex(8), "stance": stance, "text": text,
                  "entered_by": entered_by, "via": via, **self._about(nid, about)}
        self._write_voice(nid, record)
        return record["id"]

    def _about(self, nid: str, about: str | None) -> dict:
        if about is None or about == "":
            return {"about": "story"}
        if not isinstance(about, str):
            raise WorkbenchError(f"about is a coding id, a theme or None (the whole story), not {about!r}.")
        codings = self.codings(narrative=nid)
        if about in set(codings["coding_id"]):
            row = codings.set_index("coding_id").loc[about]
            return {"about": "coding", "coding": about, "code_id": self.codebook.id_of(row["code"]),
                    "code": row["code"], "reading_of": row["coder"]}
        if about in set(self.codings()["coding_id"]):
            raise WorkbenchError(f"Coding {about!r} is a reading of another story, not of {nid!r}: a narrator "
                                 "answers only for their own story.")
        try:
            theme = self.themes.lookup(about)  # type: ignore[attr-defined]
        except WorkbenchError:
            raise WorkbenchError(f"{about!r} is neither a coding of story {nid!r} nor a theme: pass a coding id "
                                 "(p.codings(narrative=...)['coding_id']), a theme's name, or None.") from None
        return {"about": "theme", "theme_id": theme.theme_id, "theme": theme.name}

    def _theme_name(self, record: dict) -> str:
        if not record.get("theme_id"):
            return ""
        try:
            return self.themes.lookup(record["theme_id"]).name  # type: ignore[attr-defined]
        except WorkbenchError:  # merged or discarded since: the name it had when answered
            return str(record.get("theme") or "")

    def _voice_records(self, kind: str, nid: str | None = None) -> list[dict]:
        self.refresh()  # type: ignore[attr-defined]
        alive = set(self._folder.narratives.frame["id"])
        return [r for r in self._folder.narrators.records
                if r.get("event") == kind and r.get("narrative") in alive
                and (nid is None or r.get("narrative") == nid)]

    def responses(self, nid: str | None = None) -> pd.DataFrame:
        """Narrators' answers, oldest first: response_id, narrative_id, narrator, about (coding, theme or story),
        coding_id, code, coder (whose reading it answers), theme, stance, text, entered_by, via, at.

        >>> p.responses().columns.tolist()[:4]
        ['response_id', 'narrative_id', 'narrator', 'about']
        """
        names = self.codebook.name_map()
        rows = [{
            "response_id": r.get("id", ""), "narrative_id": r["narrative"], "narrator": r.get("coder", ""),
            "about": r.get("about", "story"), "coding_id": r.get("coding") or "",
            "code": names.get(r.get("code_id"), r.get("code") or "") if r.get("code_id") else (r.get("code") or ""),
            "coder": r.get("reading_of") or "", "theme": self._theme_name(r),
            "stance": r.get("stance", "comment"), "text": r.get("text") or "", "entered_by": r.get("entered_by", ""),
            "via": r.get("via", ""), "at": r.get("at", ""),
        } for r in self._voice_records("response", nid)]
        frame = pd.DataFrame(rows, columns=RESPONSE_COLUMNS).astype(str)
        return frame.sort_values("at", kind="stable").reset_index(drop=True)

    def consent_history(self, nid: str | None = None) -> pd.DataFrame:
        """Every consent change recorded, oldest first: at, narrative_id, narrator, state, by, reason.

        A withdrawn story has no history here: it is gone (``p.withdrawals()`` keeps when and why, not whose).

        >>> p.set_consent("kitchen-table", "restricted", by="ana", reason="asked not to be quoted")
        >>> p.consent_history("kitchen-table")[["state", "by"]].iloc[-1].tolist()
        ['restricted', 'ana']
        """
        rows = [{"at": r.get("at", ""), "narrative_id": r["narrative"], "narrator": r.get("coder", ""),
                 "state": r.get("state", ""), "by": r.get("by", ""), "reason": r.get("reason", "")}
                for r in self._voice_records("consent", nid)]
        return pd.DataFrame(rows, columns=HISTORY_COLUMNS).astype(str).sort_values("at", kind="stable") \
            .reset_index(drop=True)

    def consent_overview(self) -> pd.DataFrame:
        """One row per story: who has had their story back, who answered, who is restricted.

        Columns: narrative_id, title, narrator, consent, return_requested (asked and not yet given back),
        returned (when last given back, or ""), answers (how many), last_change (the last consent change, or "").

        >>> p.consent_overview().columns.tolist()[:4]
        ['narrative_id', 'title', 'narrator', 'consent']
        """
        stories = self.narratives
        returned: dict[str, str] = {}
        for r in self._voice_records("returned"):
            returned[r["narrative"]] = max(returned.get(r["narrative"], ""), r.get("at", ""))
        asked: dict[str, str] = {}
        changed: dict[str, str] = {}
        for r in self._voice_records("consent"):
            changed[r["narrative"]] = f"{r.get('state', '')} ({str(r.get('at', ''))[:10]}, {r.get('by', '')})"
            if r.get("state") == RETURN_REQUESTED:
                asked[r["narrative"]] = max(asked.get(r["narrative"], ""), r.get("at", ""))
        answers = pd.Series([r["narrative"] for r in self._voice_records("response")], dtype=object).value_counts()
        frame = pd.DataFrame({
            "narrative_id": stories["id"].astype(str), "title": stories["title"].astype(str),
            "narrator": stories["narrator"].fillna("").astype(str), "consent": stories["consent"].astype(str)})
        frame["return_requested"] = [bool(asked.get(n)) and asked[n] > returned.get(n, "")
                                     for n in frame["narrative_id"]]
        frame["returned"] = [returned.get(n, "")[:10] for n in frame["narrative_id"]]
        frame["answers"] = [int(answers.get(n, 0)) for n in frame["narrative_id"]]
        frame["last_change"] = [changed.get(n, "") for n in frame["narrative_id"]]
        return frame[OVERVIEW_COLUMNS].reset_index(drop=True)


__all__ = ["NarratorVoices", "STANCES", "VIAS", "CONSENT_VALUES"]
