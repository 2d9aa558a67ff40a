"""The disagreement explorer: where coders read a story differently, and a place to talk it through.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="my-project")
>>> wb.disagreement_explorer(p, code="reciprocity", coder="ana")
<DisagreementExplorer coder='ana' project='Peer stories (sample)' code='reciprocity' ...>

For a narrative (or every narrative) and a code (or every code), each coder's codings sit in
a lane of their own beside the text; the stretches where they differ
(:func:`workbench.agreement.dialogue.disagreements`) are marked in the text, and the
explorer steps from one to the next (buttons, or ``]`` / ``[``). On a disagreement, a team
can write a *dialogue memo* that names who took part, and record the reading it negotiated
as a group coder (``group:tuesday``): everyone's individual codings stay as they are.

Everything is written through the public Project API (``p.memo(kind="dialogue", ...)``,
``p.code(..., coder="group:...")``). The front end is ``disagreement.js`` and
``disagreement.css`` beside this file; its stable ``data-wb`` hooks are documented in
``docs/dialogue.md``.
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd
import traitlets as t

from ..agreement.dialogue import default_coders, disagreements, empty_disagreements, record_group_reading
from ..agreement.measures import AgreementError
from ..errors import CoderNameError, WorkbenchError
from ..names import check_coder, counted_coders, is_group
from ..project import Project
from ..query import check_codes
from . import _assets, _voices
from ._base import UTC_FORMAT, ProjectWidget, cell_text, text_arg

__all__ = ["DisagreementExplorer", "disagreement_explorer"]


class DisagreementExplorer(ProjectWidget):
    """Coders' readings side by side, their differences one by one. Create it with :func:`disagreement_explorer`."""

    _esm = _assets.esm("disagreement.js")
    _css = _assets.css("disagreement.css")
    _noun = "explorer"

    narratives = t.List().tag(sync=True)  # [{id, title, consent, count}]
    codes = t.List().tag(sync=True)  # [{name, color}]: the codebook, for the filter and group readings
    code = t.Unicode("").tag(sync=True)  # "" = every code
    compared = t.List().tag(sync=True)  # the coders compared
    doc = t.Dict().tag(sync=True)  # {id, title, narrator, consent, text}
    lanes = t.List().tag(sync=True)  # [{coder, group, spans: [{id, start, end, code, note}]}]
    items = t.List().tag(sync=True)  # this narrative's disagreements
    total = t.Int(0).tag(sync=True)
    position = t.Int(-1).tag(sync=True)  # index of the current disagreement among all of them
    memos = t.List().tag(sync=True)  # dialogue memos on this narrative
    people = t.List().tag(sync=True)  # names offered as participants
    groups = t.List().tag(sync=True)  # group coder names already used
    notice = t.Unicode("").tag(sync=True)  # why there is nothing to compare, when there is not
    voices = t.List().tag(sync=True)  # the narrator's answers on this story, beside the readings

    def __init__(self, project: Project, coder: str, narrative: str | Iterable[str] | None = None,
                 code: str | None = None, coders: Iterable[str] | None = None, **kwargs: Any) -> None:
        self._scope = [narrative] if isinstance(narrative, str) else (list(narrative) if narrative else None)
        self._coders = list(coders) if coders is not None else None
        self._frame = empty_disagreements()
        if code is not None:
            check_codes(project, [code])
        super().__init__(project, coder, **kwargs)
        with self.hold_sync():
            self.code = code or ""
            self._reload(keep_narrative=self._scope[0] if self._scope else None)
        self.on_msg(self._on_msg)

    # ------------------------------------------------------------------ public
    @property
    def project(self) -> Project:
        """The project being explored.

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> w.project is p
        True
        """
        return self._project

    @property
    def disagreements(self) -> pd.DataFrame:
        """Every disagreement the explorer steps through (see :func:`~workbench.agreement.dialogue.disagreements`).

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> len(w.disagreements) == w.total
        True
        """
        return self._frame.copy()

    @property
    def current(self) -> pd.Series | None:
        """The disagreement shown now (a row of :attr:`disagreements`), or None.

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> w.go(0).current["code"]
        'reciprocity'
        """
        return self._frame.iloc[self.position] if 0 <= self.position < len(self._frame) else None

    def go(self, index: int) -> "DisagreementExplorer":
        """Show disagreement number *index* (0-based) of :attr:`disagreements`.

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> w.go(2).position
        2
        """
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self._frame):
            raise WorkbenchError(f"There is no disagreement number {index!r}: there are {len(self._frame)} "
                                 "(numbered from 0).")
        with self.hold_sync():
            self.position = index
            nid = str(self._frame.iloc[index]["narrative_id"])
            if self.doc.get("id") != nid:
                self._load_narrative(nid)
        return self

    def next(self) -> "DisagreementExplorer":
        """Step to the next disagreement (after the last one, back to the first).

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> w.go(0).next().position
        1
        """
        if len(self._frame):
            self.go((self.position + 1) % len(self._frame))
        return self

    def previous(self) -> "DisagreementExplorer":
        """Step to the previous disagreement (before the first one, to the last).

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> w.go(0).previous().position == w.total - 1
        True
        """
        if len(self._frame):
            self.go((self.position - 1) % len(self._frame))
        return self

    def show(self, narrative: str) -> "DisagreementExplorer":
        """Show *narrative*, at its first disagreement if it has one.

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> w.show("night-shift").doc["id"]
        'night-shift'
        """
        if narrative not in {item["id"] for item in self.narratives}:
            raise WorkbenchError(f"Narrative {narrative!r} is not among the narratives explored here.")
        hits = [int(i) for i in (self._frame.index[self._frame["narrative_id"] == narrative])]
        with self.hold_sync():
            if hits:
                self.go(hits[0])
            else:
                self.position = -1
                self._load_narrative(narrative)
        return self

    def memo(self, text: str, participants: Iterable[str], title: str | None = None) -> str:
        """Write a dialogue memo on the current disagreement (its narrative and code), naming who took part.

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> memo_id = w.go(0).memo("We read the ending differently.", participants=["ana", "ben"])
        >>> p.memos(kind="dialogue")["participants"].iloc[-1]
        ['ana', 'ben']
        """
        row = self.current
        nid = str(row["narrative_id"]) if row is not None else self.doc.get("id")
        if not nid:
            raise WorkbenchError("There is no narrative shown to write a dialogue memo about.")
        code = str(row["code"]) if row is not None else (self.code or None)
        people = [str(x).strip() for x in participants if str(x).strip()]
        if not people:
            raise WorkbenchError("A dialogue memo names who took part: tick or type at least one name.")
        if title is None and row is not None:
            title = f"On “{code}”, characters {row['start']}–{row['end']}"
        memo_id = self._project.memo(text, coder=self.coder, narrative=nid, code=code, kind="dialogue",
                                     title=title, participants=people)
        self.refresh()
        return memo_id

    def record_group_reading(self, group: str, start: int | None = None, end: int | None = None,
                             code: str | None = None, note: str | None = None) -> str:
        """Code ``[start, end)`` of the shown narrative (default: the current stretch) with *code* as *group*.

        *group* must start with ``"group:"``; nobody's individual codings change.

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> coding_id = w.go(0).record_group_reading("group:tuesday")
        >>> p.codings(coder="group:tuesday")["coding_id"].tolist() == [coding_id]
        True
        """
        row = self.current
        nid = self.doc.get("id")
        if not nid:
            raise WorkbenchError("There is no narrative shown to record a group reading on.")
        if start is None or end is None:
            if row is None:
                raise WorkbenchError("Choose the passage the group agreed on (no disagreement is selected).")
            start, end = int(row["start"]), int(row["end"])
        code = code or (str(row["code"]) if row is not None else None)
        if not code:
            raise WorkbenchError("Choose the code of the group's reading.")
        ids = record_group_reading(self._project, group, [{"narrative_id": nid, "start": start, "end": end,
                                                           "code": code, "note": note or None}])
        self.refresh()
        return ids[0]

    def refresh(self) -> "DisagreementExplorer":
        """Pick up what was written since (codings, memos, codebook changes) and recompute the disagreements.

        >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
        >>> w.refresh().total == len(w.disagreements)
        True
        """
        self._project.refresh()
        with self.hold_sync():
            self._reload(keep_narrative=self.doc.get("id") or None)
        return self

    def __repr__(self) -> str:
        where = self.doc.get("id") or "-"
        return (f"<DisagreementExplorer coder={self.coder!r} project={self.project_name!r} "
                f"code={self.code or 'all codes'!r} narrative={where!r} disagreements={self.total} "
                f"position={self.position}>")

    # ------------------------------------------------------------------ state for the browser
    def _reload(self, keep_narrative: str | None) -> None:
        """Recompute everything; stay on the narrative (and stretch) shown, when it is still there."""
        p = self._project
        old = self.current
        self._frame, notice = _disagreements_or_empty(p, self._scope, self.code or None, self._coders)
        self.notice = notice
        self.compared = list(self._frame.attrs.get("coders") or [])
        self.total = len(self._frame)
        self.codes = [{"name": name, "color": color} for name, color in p.codebook.color_map().items()]
        counts = self._frame.groupby("narrative_id").size().to_dict() if len(self._frame) else {}
        frame = p.narratives
        if self._scope is not None:
            frame = frame[frame["id"].isin(self._scope)]
        self.narratives = [{"id": str(r["id"]), "title": cell_text(r["title"]) or str(r["id"]),
                            "consent": cell_text(r["consent"]) or "given", "count": int(counts.get(r["id"], 0))}
                           for r in frame.to_dict("records")]
        ids = [item["id"] for item in self.narratives]
        people = set(counted_coders(p.coders)) | {self.coder}
        self.people = sorted(people, key=str.casefold)
        self.groups = sorted(c for c in p.coders if is_group(c))
        position = -1
        if old is not None:
            same = self._frame[(self._frame["narrative_id"] == old["narrative_id"])
                               & (self._frame["code"] == old["code"]) & (self._frame["end"] > old["start"])]
            if len(same):
                position = int(same.index[0])
        if position < 0 and keep_narrative in ids:
            hits = self._frame.index[self._frame["narrative_id"] == keep_narrative]
            position = int(hits[0]) if len(hits) else -1
        if position < 0 and keep_narrative is None and len(self._frame):
            position = 0
        self.position = position
        if position >= 0:
            nid = str(self._frame.iloc[position]["narrative_id"])
        else:
            nid = keep_narrative if keep_narrative in ids else (ids[0] if ids else "")
        self._load_narrative(nid)

    def _load_narrative(self, nid: str) -> None:
        p = self._project
        if not nid:
            self.doc, self.lanes, self.items, self.memos, self.voices = {}, [], [], [], []
            return
        item = next((i for i in self.narratives if i["id"] == nid), {})
        row = p.narratives.set_index("id").loc[nid]
        self.doc = {"id": nid, "title": item.get("title", nid), "narrator": cell_text(row.get("narrator")),
                    "consent": item.get("consent", "given"), "text": p.text(nid)}
        codings = p.codings(narrative=nid)
        # a lane for each compared coder who read this story (coded it at all), then group readings
        readers = set(codings["coder"])
        if self.code:
            codings = codings[codings["code"] == self.code]
        order = [c for c in self.compared if c in readers]
        groups = sorted(c for c in set(codings["coder"]) if is_group(c) and c not in order)
        lanes = []
        for name in order + groups:
            mine = codings[codings["coder"] == name]
            lanes.append({"coder": name, "group": is_group(name), "spans": [
                {"id": str(cid), "start": int(s), "end": int(e), "code": str(code), "note": cell_text(note)}
                for cid, s, e, code, note in zip(mine["coding_id"], mine["start"], mine["end"], mine["code"],
                                                 mine["note"])]})
        self.lanes = lanes
        here = self._frame[self._frame["narrative_id"] == nid]
        self.items = [
            {"index": int(i), "start": int(r["start"]), "end": int(r["end"]), "code": str(r["code"]),
             "with": list(r["coders_with"]), "without": list(r["coders_without"]), "kind": str(r["kind"]),
             "others": list(r["other_codes"]), "passage_start": int(r["passage_start"]),
             "passage_end": int(r["passage_end"])}
            for i, r in here.iterrows()
        ]
        self.voices = _voices.voice_items(p, nid)
        memos = p.memos(narrative=nid, kind="dialogue")
        self.memos = [
            {"id": str(m["memo_id"]), "coder": str(m["coder"]), "at": m["created_at"].strftime(UTC_FORMAT),
             "title": cell_text(m["title"]), "text": cell_text(m["text"]), "code": cell_text(m["code"]),
             "participants": [str(x) for x in (m["participants"] if isinstance(m["participants"], list) else [])]}
            for m in memos.to_dict("records")
        ]

    # ------------------------------------------------------------------ messages from the browser
    def _do_go(self, msg: dict) -> dict:
        index = msg.get("index")
        self.go(index if isinstance(index, int) else -1)
        return {}

    def _do_step(self, msg: dict) -> dict:
        if not len(self._frame):
            raise WorkbenchError(self.notice or "There are no disagreements to step through.")
        self.previous() if msg.get("by") == -1 else self.next()
        return {"position": self.position}

    def _do_show(self, msg: dict) -> dict:
        self.show(text_arg(msg, "narrative"))
        return {}

    def _do_filter(self, msg: dict) -> dict:
        code = msg.get("code") or ""
        if not isinstance(code, str):
            raise WorkbenchError("Choose a code from the list.")
        if code:
            check_codes(self._project, [code])
        with self.hold_sync():
            self.code = code
            self._reload(keep_narrative=self.doc.get("id") or None)
        return {}

    def _do_refresh(self, msg: dict) -> dict:
        self.refresh()
        return {}

    def _do_memo(self, msg: dict) -> dict:
        text = msg.get("text")
        if not isinstance(text, str) or not text.strip():
            raise WorkbenchError("Write what was said first.")
        participants = msg.get("participants")
        if not isinstance(participants, list) or not all(isinstance(x, str) for x in participants):
            raise WorkbenchError("Name who took part.")
        title = msg.get("title")
        title = title.strip() if isinstance(title, str) and title.strip() else None
        return {"memo_id": self.memo(text, participants, title=title)}

    def _do_group(self, msg: dict) -> dict:
        group = text_arg(msg, "group").strip()
        start, end = msg.get("start"), msg.get("end")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise WorkbenchError("Choose the passage the group agreed on.")
        note = msg.get("note")
        cid = self.record_group_reading(group, start, end, code=text_arg(msg, "code"),
                                        note=note.strip() if isinstance(note, str) and note.strip() else None)
        return {"coding_id": cid, "group": group}


def _disagreements_or_empty(p: Project, narrative, code, coders) -> tuple[pd.DataFrame, str]:
    """The disagreements, or an empty frame and a sentence saying why there is nothing to compare."""
    try:
        frame = disagreements(p, narrative=narrative, code=code, coders=coders)
    except AgreementError as exc:
        frame = empty_disagreements()
        frame.attrs["coders"] = list(coders) if coders is not None else default_coders(p)
        return frame, str(exc)
    if not len(frame):
        who = ", ".join(frame.attrs.get("coders") or [])
        return frame, f"No disagreements: {who} read these stories alike{' with this code' if code else ''}."
    return frame, ""


def disagreement_explorer(p: Project, narrative: str | Iterable[str] | None = None, code: str | None = None,
                          coders: Iterable[str] | None = None, coder: str | None = None) -> DisagreementExplorer:
    """A widget to step through where *coders* read differently, and to talk it through as *coder*.

    *narrative*: one narrative id (or a list; default every narrative). *code*: one code (default
    every code; the widget can switch). *coders*: whom to compare (default everyone who coded,
    except ``auto:`` and ``group:`` coders). *coder*: the person using the explorer -- dialogue
    memos and group readings are written in their name (the memo names everyone who took part).

    >>> w = wb.disagreement_explorer(p, code="reciprocity", coder="ana")
    >>> w.next()
    <DisagreementExplorer coder='ana' ... position=1>
    >>> w.current[["coders_with", "coders_without"]].tolist()
    [('ana', 'ben'), ('chipo',)]
    """
    if not isinstance(p, Project):
        raise WorkbenchError(
            f"disagreement_explorer() needs a project (wb.open_project(...)), not {type(p).__name__}.")
    if coder is None:
        raise CoderNameError("Say who is using the explorer: disagreement_explorer(p, coder='ana'). "
                             "Dialogue memos and group readings are written in that name.")
    check_coder(coder)
    if is_group(coder):
        raise CoderNameError(f"{coder!r} is a group; open the explorer as a person and record the group's reading "
                             "from it.")
    if narrative is not None:
        for nid in [narrative] if isinstance(narrative, str) else list(narrative):
            p.text(nid)
    return DisagreementExplorer(p, coder=coder, narrative=narrative, code=code, coders=coders)
