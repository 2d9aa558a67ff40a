"""The coding widget: read a narrative, select a passage, apply a code, write a memo.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="my-project")     # or wb.open_project("my-project")
>>> w = wb.coding_widget(p, coder="ana")
>>> w.narrative, w.view
('kitchen-table', 'mine')

Everything the widget writes goes through the public :class:`~workbench.Project` API
(``code``, ``uncode``, ``annotate``, ``memo``, ``codebook.add``), so it lands in the coder's
own event files at once. Offsets travel as code points (Python's); the browser converts
them to its UTF-16 units. The front end lives in ``coding.js``/``coding.css`` beside this
file; its stable ``data-wb`` hooks are documented in ``docs/widget.md``.

Other people's work appears without re-running the cell: a daemon thread watches the size
and time stamps of the project's event files (it never touches the Project object) and
nudges the browser, which asks the kernel to ``refresh()``; the Project is only used on the
kernel's main thread. When the nudges stop coming (a front end that drops messages from
threads), the browser falls back to asking every second.
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path
from typing import Any, Iterable

import traitlets as t

from .._files import file_stamp, folder_stamp
from .._time import TIME_FORMAT
from ..errors import WorkbenchError
from ..names import check_coder
from ..project import Project
from ..workshop import blind_round, round_file
from . import _assets, _media, _voices
from ._base import ProjectWidget, cell_text, text_arg

#: What a workshop participant sees when they ask for others' codings before the facilitator's reveal.
LOCKED_MESSAGE = ("This is a blind round: you see only your own codings. "
                  "The facilitator opens the comparison for everyone.")

#: Reflexive prompts offered in the memo panel (pass ``prompts=`` to use your team's own).
# From the closing questions of Mead & MacNeil, "Peer Support: A Systemic Approach": the first in the paper's
# words; the second is marked paraphrased (the paper's exact words could not be checked here: keep the credit).
PROMPTS = [
    "How would you listen to a story told by someone whose grammar you don't understand? (Mead and MacNeil)",
    "How might your status and power, and the system you work in, be keeping things as they are? "
    "(Mead and MacNeil, paraphrased)",
    "What in this story are you quick to name, and what might you be missing?",
    "Whose words are you using for what happened here: the narrator's, or a service's?",
    "Where did this story surprise you, and what had you expected instead?",
    "What would the narrator say about the code you just applied?",
    "What feeling does this passage leave you with, and where in your own life does it come from?",
    "What is left unsaid here, and is it yours to fill in?",
    "If this were your story, what would you want a researcher to notice first?",
]

VIEWS = ("mine", "all", "blind")
_WATCH_INTERVAL = 0.3  # seconds between looks at the event files (a stat() per file)


class CodingWidget(ProjectWidget):
    """A narrative coding surface bound to one project and one coder. Create it with :func:`coding_widget`."""

    _esm = _assets.esm("coding.js")
    _css = _assets.css("coding.css")

    narratives = t.List().tag(sync=True)
    narrative = t.Unicode("").tag(sync=True)
    doc = t.Dict().tag(sync=True)
    codings = t.List().tag(sync=True)
    hidden = t.Int(0).tag(sync=True)
    codebook = t.List().tag(sync=True)
    coders = t.List().tag(sync=True)
    view = t.Unicode("mine").tag(sync=True)
    memos = t.List().tag(sync=True)
    voices = t.List().tag(sync=True)  # the narrator's answers on this story (never a coder's reading)
    prompts = t.List().tag(sync=True)
    #: Why others' codings cannot be shown now (a workshop's blind round), or "" when they can.
    locked = t.Unicode("").tag(sync=True)
    #: The narrative's recording: status ("none", "ok", "missing", "too-large"), name, type, message.
    media = t.Dict().tag(sync=True)
    #: The recording's bytes, sent once per narrative opened (see ``_media.MAX_MEDIA_BYTES``).
    media_data = t.Bytes(b"").tag(sync=True)
    #: A passage to show selected ({narrative, start, end, n}; code points): set by :meth:`show_passage`.
    passage = t.Dict().tag(sync=True)

    def __init__(self, project: Project, coder: str, narrative: str | None = None, view: str = "mine",
                 prompts: Iterable[str] | None = None, **kwargs: Any) -> None:
        self._ready = False
        self._all_rows: list[dict] = []
        self._times: dict[int, float | None] = {}  # seconds at offsets of the open narrative (its codings' ends)
        self._seen_stamp: tuple | None = None
        self._nudged_stamp: tuple | None = None
        self._last_tick = 0.0
        self._wanted = view  # the view asked for; a blind round shows "blind" until the reveal
        self._switching = False
        super().__init__(project, coder, prompts=list(prompts) if prompts is not None else list(PROMPTS), **kwargs)
        self._seen_stamp = _watched_stamp(project.path)
        project.refresh()
        with self.hold_sync():
            self.coders = project.coders
            self._check_view(view)
            self.locked = LOCKED_MESSAGE if blind_round(project.path, coder) else ""
            self.view = self._shown_view()
            self.codebook = self._codebook_items()
            self.narratives = self._narrative_items()
            ids = [item["id"] for item in self.narratives]
            if narrative is not None:
                project.text(narrative)  # raises a helpful error for an unknown or withdrawn id
            self.narrative = narrative if narrative is not None else (ids[0] if ids else "")
            self._load_narrative()
        self._ready = True
        self.on_msg(self._on_msg)
        _WATCHER.add(self)

    # ------------------------------------------------------------------ public
    @property
    def project(self) -> Project:
        """The project this widget codes.

        >>> wb.coding_widget(p, coder="ana").project is p
        True
        """
        return self._project

    def refresh(self) -> "CodingWidget":
        """Pick up what others wrote (codings, codebook changes, memos, narratives) and show it now.

        >>> w = wb.coding_widget(p, coder="ana")
        >>> other = wb.open_project(p.path)          # another coder, e.g. in another notebook
        >>> cid = other.code("kitchen-table", 0, 20, "relational safety", coder="ben", note="first words")
        >>> len(w.refresh().codings) == len(p.codings(coder="ana", narrative="kitchen-table"))
        True
        """
        stamp = _watched_stamp(self._project.path)
        # Taken before refresh(): anything written after it makes the next look differ again.
        self._project.refresh()
        self._seen_stamp = stamp
        with self.hold_sync():
            self.coders = self._project.coders
            self._follow_round()
            self.codebook = self._codebook_items()
            self.narratives = self._narrative_items()
            ids = {item["id"] for item in self.narratives}
            if self.narrative and self.narrative not in ids:
                gone = self.narrative
                self.narrative = next(iter(item["id"] for item in self.narratives), "")
                self._notify_error(f"Narrative {gone!r} is no longer available (its narrator may have "
                                   "withdrawn consent); it was closed.")
            if self.doc.get("id") != self.narrative:
                self._load_narrative()
            else:
                self._load_codings()
                self._load_memos()
        return self

    def show_passage(self, narrative: str, start: int, end: int) -> "CodingWidget":
        """Open *narrative* with ``[start, end)`` selected and scrolled into view (a code's number then codes it).

        >>> w = wb.coding_widget(p, coder="ana").show_passage("night-shift", 30, 39)
        >>> w.narrative, w.passage["start"], w.passage["end"]
        ('night-shift', 30, 39)
        """
        text = self._project.text(narrative)
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise WorkbenchError(f"[{start!r}, {end!r}) is not a passage of {narrative!r} "
                                 f"(0 <= start < end <= {len(text)}).")
        with self.hold_sync():
            self.narrative = narrative
            self.passage = {"narrative": narrative, "start": start, "end": end, "n": int(self.passage.get("n", 0)) + 1}
        return self

    def close(self) -> None:
        """Stop watching the project's files and close the widget.

        >>> w = wb.coding_widget(p, coder="ana")
        >>> w.close()
        """
        _WATCHER.discard(self)
        super().close()

    def __repr__(self) -> str:
        return (f"<CodingWidget coder={self.coder!r} project={self.project_name!r} "
                f"narrative={self.narrative!r} view={self.view!r}>")

    # ------------------------------------------------------------------ state for the browser
    def _narrative_items(self) -> list[dict]:
        p = self._project
        frame = p.narratives
        mine = p.codings(coder=self.coder)
        counts = mine.groupby("narrative_id").size().to_dict() if len(mine) else {}
        memos = p.memos(coder=self.coder)
        memo_counts = memos.groupby("narrative_id").size().to_dict() if len(memos) else {}
        attributes = p.attributes
        items = []
        for row in frame.to_dict("records"):
            attrs = [[name, cell_text(row.get(name))] for name in attributes if cell_text(row.get(name))]
            items.append({"id": str(row["id"]), "title": cell_text(row["title"]),
                          "narrator": cell_text(row["narrator"]), "consent": cell_text(row["consent"]) or "given",
                          "attributes": attrs,
                          "mine": int(counts.get(row["id"], 0)), "memos": int(memo_counts.get(row["id"], 0))})
        return items

    def _codebook_items(self) -> list[dict]:
        frame = self._project.codebook.to_frame()
        rows = frame.to_dict("records")
        names = {r["name"] for r in rows}
        children: dict[str | None, list[dict]] = {}
        for row in rows:
            parent = row["parent"] if cell_text(row["parent"]) in names else None
            children.setdefault(parent, []).append(row)
        ordered: list[dict] = []

        def walk(parent: str | None, level: int) -> None:
            for row in children.get(parent, []):
                ordered.append({"name": str(row["name"]), "description": cell_text(row["description"]),
                                "parent": parent, "color": cell_text(row["color"]), "level": level,
                                "include": cell_text(row["include"]), "exclude": cell_text(row["exclude"])})
                walk(row["name"], level + 1)

        walk(None, 0)
        return ordered

    def _load_narrative(self) -> None:
        nid = self.narrative
        if not nid:
            self.doc, self.codings, self.memos, self.hidden, self._all_rows = {}, [], [], 0, []
            self.media, self.media_data = {"status": "none"}, b""
            return
        item = next((i for i in self.narratives if i["id"] == nid), None) or {}
        self.doc = {"id": nid, "title": item.get("title", nid), "narrator": item.get("narrator", ""),
                    "consent": item.get("consent", "given"), "attributes": item.get("attributes", []),
                    "consent_note": _voices.consent_note(self._project, nid),
                    "text": self._project.text(nid), "turns": _media.turn_items(self._project, nid)}
        self._times = {}
        info, data = _media.media_state(self._project, nid)
        self.media_data = data
        self.media = info
        self._load_codings()
        self._load_memos()

    def _load_codings(self) -> None:
        frame = self._project.codings(narrative=self.narrative) if self.narrative else None
        if frame is None or not len(frame):
            self._all_rows = []
        else:
            at = frame["created_at"].dt.strftime(TIME_FORMAT)
            # pandas 3 stores a missing note as NaN, which JSON cannot carry
            notes = frame["note"].astype(object).where(frame["note"].notna() & (frame["note"] != ""), None).tolist()
            self._all_rows = [
                {"id": str(cid), "start": int(s), "end": int(e), "code": str(code), "coder": str(coder),
                 "at": str(when), "note": note, "mine": coder == self.coder, "t0": self._time(int(s)),
                 "t1": self._time(int(e))}
                for cid, s, e, code, coder, when, note in zip(
                    frame["coding_id"], frame["start"], frame["end"], frame["code"], frame["coder"], at, notes)
            ]
        shown = [r for r in self._all_rows if self._shows(r["coder"])]
        self.codings = shown
        self.hidden = 0 if self.view == "blind" else len(self._all_rows) - len(shown)

    def _load_memos(self) -> None:
        self.voices = [] if self.view == "blind" else _voices.voice_items(self._project, self.narrative)
        if not self.narrative:
            self.memos = []
            return
        frame = self._project.memos(narrative=self.narrative)
        if self.view == "blind":
            frame = frame[frame["coder"] == self.coder]
        self.memos = [
            {"id": str(m["memo_id"]), "coder": str(m["coder"]),
             "at": m["created_at"].strftime(TIME_FORMAT), "kind": cell_text(m["kind"]),
             "title": cell_text(m["title"]), "text": cell_text(m["text"]), "code": cell_text(m["code"]),
             "coding_id": cell_text(m["coding_id"])}
            for m in frame.to_dict("records")
        ]

    def _time(self, offset: int) -> float | None:
        """Seconds into the open narrative's recording at *offset* (None when it has no times); remembered."""
        if not self.doc.get("turns"):
            return None
        if offset not in self._times:
            self._times[offset] = _media.time_span(self._project, self.narrative, offset, offset)[0]
        return self._times[offset]

    def _shown_view(self) -> str:
        """The view asked for, or "blind" while a workshop's blind round keeps the others hidden."""
        return "blind" if self.locked else self._wanted

    def _follow_round(self) -> None:
        """Lock or unlock the others' codings when the facilitator reveals (or closes) the comparison."""
        self.locked = LOCKED_MESSAGE if blind_round(self._project.path, self.coder) else ""
        shown = self._shown_view()
        if shown != self.view:
            self._switching = True
            try:
                self.view = shown
            finally:
                self._switching = False

    def _shows(self, coder: str) -> bool:
        view = self.view
        if view in ("mine", "blind"):
            return coder == self.coder
        if view == "all":
            return True
        return coder == view

    def _check_view(self, view: Any) -> None:
        if not isinstance(view, str) or (view not in VIEWS and view not in self._project.coders):
            known = ", ".join(repr(c) for c in self._project.coders) or "none yet"
            raise WorkbenchError(f"view must be 'mine', 'all', 'blind' or a coder's name (coders: {known}), "
                                 f"not {view!r}.")

    # ------------------------------------------------------------------ changes from the browser
    @t.observe("narrative")
    def _on_narrative(self, change: dict) -> None:
        if not self._ready:
            return
        new = change["new"]
        if new and new not in {item["id"] for item in self.narratives}:
            self._notify_error(f"There is no narrative {new!r} to show.")
            self.narrative = change["old"]
            return
        with self.hold_sync():
            self._load_narrative()

    @t.observe("view")
    def _on_view(self, change: dict) -> None:
        if not self._ready or self._switching:
            return
        try:
            self._check_view(change["new"])
        except WorkbenchError as exc:
            self._notify_error(str(exc))
            self.view = change["old"] if change["old"] != change["new"] else "mine"
            return
        self._wanted = change["new"]
        with self.hold_sync():
            self._follow_round()  # in a blind round, "all" stays "blind" (and opens by itself at the reveal)
            self._load_codings()
            self._load_memos()

    def _do_poll(self, msg: dict) -> dict:
        stamp = _watched_stamp(self._project.path)
        if stamp != self._seen_stamp or msg.get("force"):
            self.refresh()
        return {}

    def _do_code(self, msg: dict) -> dict:
        nid = text_arg(msg, "narrative")
        code = text_arg(msg, "code")
        start, end = msg.get("start"), msg.get("end")
        if nid == self.narrative:
            for row in self._all_rows:
                if (row["mine"] and row["start"] == start and row["end"] == end
                        and row["code"].casefold() == code.casefold()):
                    raise WorkbenchError(f"You have already coded this passage with {row['code']!r}.")
        note = msg.get("note") or None
        cid = self._project.code(nid, start, end, code, coder=self.coder, note=note)
        self.refresh()
        return {"coding_id": cid}

    def _do_uncode(self, msg: dict) -> dict:
        self._project.uncode(text_arg(msg, "id"), coder=self.coder)
        self.refresh()
        return {}

    def _do_annotate(self, msg: dict) -> dict:
        note = msg.get("note")
        if not isinstance(note, str):
            raise WorkbenchError("A note must be text.")
        self._project.annotate(text_arg(msg, "id"), note.strip(), coder=self.coder)
        self.refresh()
        return {}

    def _do_add_code(self, msg: dict) -> dict:
        name = text_arg(msg, "name")
        parent = msg.get("parent") or None
        code_id = self._project.codebook.add(
            name, description=str(msg.get("description") or "").strip(), parent=parent,
            rationale=str(msg.get("rationale") or "").strip(), coder=self.coder)
        self.refresh()
        return {"code_id": code_id, "name": self._project.codebook.to_frame().set_index("code_id").loc[code_id, "name"]}

    def _do_memo(self, msg: dict) -> dict:
        text = msg.get("text")
        if not isinstance(text, str) or not text.strip():
            raise WorkbenchError("Write something in the memo first.")
        kind = msg.get("kind") or "reflexive"
        if kind not in ("reflexive", "analytic"):
            raise WorkbenchError(f"A memo from the coding widget is 'reflexive' or 'analytic', not {kind!r}.")
        tie = msg.get("tie") or "narrative"
        narrative: str | None = self.narrative or None
        code = coding = None
        if not isinstance(tie, str):
            raise WorkbenchError("Choose what the memo is about.")
        if tie.startswith("coding:"):
            coding = tie[len("coding:"):]
        elif tie.startswith("code:"):
            code = tie[len("code:"):]
        elif tie == "project":
            narrative = None
        elif tie != "narrative":
            raise WorkbenchError(f"A memo can be about this narrative, a code or a coding, not {tie!r}.")
        title = msg.get("title")
        title = title.strip() if isinstance(title, str) and title.strip() else None
        memo_id = self._project.memo(text, coder=self.coder, narrative=narrative, code=code, coding=coding,
                                     kind=kind, title=title)
        self.refresh()
        return {"memo_id": memo_id}

    def _notify_error(self, message: str) -> None:
        self.send({"type": "error", "error": message})

    # ------------------------------------------------------------------ watcher thread side
    def _stamp(self) -> tuple:
        return _watched_stamp(self._project.path)


def coding_widget(project: Project, coder: str, narrative: str | None = None, view: str = "mine",
                  prompts: Iterable[str] | None = None) -> CodingWidget:
    """A widget to code *project*'s narratives as *coder* (shown in JupyterLab 4 and Notebook 7).

    *view* is ``"mine"`` (your codings), ``"all"`` (everyone's), ``"blind"`` (only yours, and
    nothing of others' work, for independent coding before comparing) or a coder's name.
    *prompts* replaces the reflexive prompts offered in the memo panel.

    In a workshop's blind round (see :meth:`workbench.workshop.Workshop.reveal`) a participant's
    widget shows only their own work whatever the view, until the facilitator reveals the
    others' readings; then the view asked for opens by itself.

    >>> w = wb.coding_widget(p, coder="ana", view="blind")
    >>> w            # shows it in a notebook; others' new codings appear without re-running the cell
    <CodingWidget coder='ana' project='...' narrative='kitchen-table' view='blind'>
    """
    if not isinstance(project, Project):
        raise WorkbenchError(f"coding_widget() needs a project (wb.open_project(...)), not {type(project).__name__}.")
    check_coder(coder)
    if prompts is not None:
        prompts = [str(p) for p in prompts]
    return CodingWidget(project, coder=coder, narrative=narrative, view=view, prompts=prompts)


# ---------------------------------------------------------------------- helpers
def _watched_stamp(root: Path) -> tuple:
    """Sizes and times of the files other people's work arrives in (cheap: stat() only)."""
    events = root / "events"
    return (folder_stamp(events, ("codings", "codebook", "memos", "narrators"), suffix=".jsonl"),
            file_stamp(events / "withdrawals.jsonl"), file_stamp(root / "narratives.csv"),
            file_stamp(round_file(root)))


class _Watcher:
    """One daemon thread for every live coding widget in this kernel."""

    def __init__(self) -> None:
        self._widgets: "weakref.WeakSet[CodingWidget]" = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, widget: CodingWidget) -> None:
        with self._lock:
            self._widgets.add(widget)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="workbench-coding-watcher", daemon=True)
                self._thread.start()

    def discard(self, widget: CodingWidget) -> None:
        with self._lock:
            self._widgets.discard(widget)

    def _run(self) -> None:
        while True:
            time.sleep(_WATCH_INTERVAL)
            with self._lock:
                widgets = list(self._widgets)
            now = time.monotonic()
            for widget in widgets:
                try:
                    widget._watch_step(now)  # noqa: SLF001 - this module's own watcher, the step's only caller
                except Exception:  # a closed comm or a vanished folder must not stop the others
                    pass


_WATCHER = _Watcher()
