"""The Workshop: its code, its shared project, and views of what the participants did."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from ..project import Project, open_project
from . import _views
from ._folder import META, ROOT_VARIABLE, WorkshopError, joined
from ._rehearsal import rehearse
from ._round import is_revealed, write_round


class Workshop:
    """A workshop: its code, its shared project, and views of what the participants did.

    Create one with :func:`start_workshop`, or open an existing one with :func:`open_workshop`.

    >>> ws = wb.workshop.start_workshop("workshops", name="Tuesday workshop", code="kettle-garden-42",
    ...                                 stories=["kitchen-table", "two-chairs"])
    >>> ws.add_example_participants()
    ['ana', 'ben', 'chipo']
    >>> ws.code, ws.name, ws.participants
    ('kettle-garden-42', 'Tuesday workshop', ['ana', 'ben', 'chipo'])
    """

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder).resolve()
        meta_file = self.folder / META
        try:
            meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise WorkshopError(f"{self.folder} is not a workshop folder (it has no {META}).") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise WorkshopError(f"{meta_file} is damaged ({exc}); it was written by start_workshop().") from None
        self.code: str = str(meta.get("code", self.folder.name))
        self.name: str = str(meta.get("name", self.code))
        self.facilitator: str = str(meta.get("facilitator", "facilitator"))
        self.started: str = str(meta.get("started", ""))
        self.project: Project = open_project(self.folder / "project")

    @property
    def root(self) -> Path:
        """The shared folder that holds this workshop (participants join with it and the code)."""
        return self.folder.parent

    @property
    def participants(self) -> list[str]:
        """Everyone who joined, sorted by name."""
        return joined(self.folder)

    def __repr__(self) -> str:
        n = len(self.participants)
        return (f"<Workshop {self.name!r} code={self.code!r}: {n} participant{'s' if n != 1 else ''}, "
                f"{len(self.project.narratives)} stories>")

    def invitation(self) -> str:
        """What to tell participants: the code, the shared folder, and what they type in their notebook.

        >>> ws = wb.workshop.start_workshop("workshops", name="Tuesday workshop", code="kettle-garden-42")
        >>> print(ws.invitation())
        Workshop: Tuesday workshop
        Session code: kettle-garden-42
        <BLANKLINE>
        Open notebooks/workshop/participant.ipynb and fill in the first cell:
            CODE = 'kettle-garden-42'
            NAME = 'your name'   # as the group will see it; use the same one if you rejoin
            ROOT = '.../workshops'
        Then run the notebook from the top (menu Run > Run All Cells).
        """
        preset = os.environ.get(ROOT_VARIABLE, "").strip()
        root_line = (f"ROOT = None   # the server already points to {str(self.root)!r}"
                     if preset and Path(preset).expanduser().resolve() == self.root else f"ROOT = {str(self.root)!r}")
        return (
            f"Workshop: {self.name}\n"
            f"Session code: {self.code}\n\n"
            "Open notebooks/workshop/participant.ipynb and fill in the first cell:\n"
            f"    CODE = {self.code!r}\n"
            "    NAME = 'your name'   # as the group will see it; use the same one if you rejoin\n"
            f"    {root_line}\n"
            "Then run the notebook from the top (menu Run > Run All Cells)."
        )

    # ------------------------------------------------------------------ the blind round
    @property
    def revealed(self) -> bool:
        """Whether participants may see each other's codings (False during the blind round, the start)."""
        return is_revealed(self.folder)

    def reveal(self, everyone: bool = True) -> bool:
        """Open the comparison for everyone: participants' coding widgets may then show all coders.

        A workshop starts with a blind round: each participant's coding widget shows only their
        own codings and memos, whatever view they (or a Run All) ask for. This records in the
        workshop folder that the round is over; open widgets switch within a second or so, to the
        view their notebook asked for. ``reveal(False)`` makes the round blind again.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
        >>> ws.revealed
        False
        >>> ws.reveal()
        True
        >>> ws.reveal(False)
        False
        """
        write_round(self.folder, bool(everyone), by=self.facilitator)
        return self.revealed

    def reveal_button(self) -> Any:
        """A button for the facilitator's notebook that opens (or closes again) the comparison for everyone.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
        >>> button = ws.reveal_button()
        >>> button.description
        'Reveal: show everyone all codings'
        """
        import ipywidgets  # loads only for the facilitator's button

        button = ipywidgets.Button(layout=ipywidgets.Layout(width="auto"))

        def label() -> None:
            button.description = ("Back to blind: hide the others' codings" if self.revealed
                                  else "Reveal: show everyone all codings")
            button.button_style = "" if self.revealed else "primary"

        def toggle(_: Any) -> None:
            self.reveal(not self.revealed)
            label()

        label()
        button.on_click(toggle)
        return button

    # ------------------------------------------------------------------ what happened
    def _people(self) -> list[str]:
        return _views.taking_part(self.project, self.participants)

    def progress(self, by: str = "participant", show_activity: bool = False) -> pd.DataFrame:
        """What was coded, by whom and where. Re-run it to see the latest (it reads the shared folder).

        ``by="participant"``: one row per person (everyone who joined, and anyone else who coded),
        with codings, stories (how many they coded), codes (distinct codes used) and memos.
        ``by="story"``: one row per story, one column per person, each cell the number of codings.

        When each person last did something is left out: a room that sees its minutes watched
        codes for the watcher. ``show_activity=True`` adds ``last_active`` (UTC time of their latest
        coding or memo); if you turn it on, tell the room first.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table", "two-chairs"])
        >>> ws.add_example_participants()
        ['ana', 'ben', 'chipo']
        >>> ws.progress()[["codings", "stories", "codes", "memos"]]
                     codings  stories  codes  memos
        participant
        ana               15        2      8      0
        ben               13        2      8      0
        chipo             17        2      9      0
        >>> ws.progress(by="story")
                           ana  ben  chipo
        story
        The kitchen table    7    7      7
        Two chairs           8    6     10
        """
        self.project.refresh()
        frame = _views.progress(self.project, self._people(), by=by)
        return frame if show_activity or by != "participant" else frame.drop(columns="last_active")

    def codes_used(self) -> pd.DataFrame:
        """What was coded: each code used so far, with its codings, stories and people, most used first.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
        >>> _ = ws.add_example_participants()
        >>> ws.codes_used().columns.tolist()
        ['codings', 'stories', 'people']
        """
        self.project.refresh()
        return _views.codes_used(self.project, self._people())

    def pair_agreement(self) -> pd.DataFrame:
        """Each two people's agreement over paragraphs, all codes pooled (Krippendorff's alpha): coder_a, coder_b,
        value. Shown in the live panel only with ``monitor(colour_pairs=True)``.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
        >>> _ = ws.add_example_participants()
        >>> ws.pair_agreement()[["coder_a", "coder_b"]].values.tolist()
        [['ana', 'ben'], ['ana', 'chipo'], ['ben', 'chipo']]
        """
        self.project.refresh()
        return _views.pair_agreement(self.project, self._people())

    def differences(self, code: str | Iterable[str] | None = None,
                    narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Where readings differ, story by story and code by code: the places to talk about.

        Built on :func:`workbench.agreement.dialogue.disagreements` over the people who coded
        (participants, not group readings). One row per story and code, most disputed first:
        narrative_id, title, code, stretches (pieces of text where some applied the code and
        others did not), characters (their length), kinds (see
        :data:`~workbench.agreement.dialogue.KINDS`), and an example to read aloud: the longest
        such stretch (``"[restricted]"`` in a restricted story), with who applied the code there
        (example_with) and who did not (example_without). Empty until two people have coded the
        same story.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table", "two-chairs"])
        >>> len(ws.differences())            # nobody has coded yet
        0
        >>> names = ws.add_example_participants()
        >>> places = ws.differences()
        >>> list(places.columns[:4])
        ['narrative_id', 'title', 'code', 'stretches']
        >>> explorer = wb.disagreement_explorer(ws.project, narrative=places.narrative_id[0], coder="facilitator")
        """
        self.project.refresh()
        return _views.differences(self.project, self._people(), code=code, narrative=narrative)

    def summary(self) -> pd.Series:
        """The workshop in a few numbers: who took part, how much was coded, how far readings differ.

        ``agreement`` is Krippendorff's alpha over paragraphs, all codes pooled
        (:func:`workbench.agreement.unit_agreement`), rounded to two decimals; it is missing until
        two people coded the same story. It says how alike the readings are, not which is right.
        Under the ``reflexive`` method (see :mod:`workbench.methods`) it is not shown, and says why.

        >>> ws = wb.workshop.start_workshop("workshops", name="Tuesday", stories=["kitchen-table", "two-chairs"])
        >>> ws.add_example_participants()
        ['ana', 'ben', 'chipo']
        >>> ws.summary()[["participants", "stories coded by two or more", "codings"]]
        participants                     3
        stories coded by two or more     2
        codings                         45
        Name: Tuesday, dtype: object
        """
        places = self.differences()  # refreshes the project
        about = {"workshop": self.name, "code": self.code}
        return _views.summary(self.project, self._people(), about, self.participants, places)

    def add_example_participants(self) -> list[str]:
        """Rehearse: let the sample project's three coders (ana, ben, chipo) join and code these stories.

        For a practice run before the real workshop: their codings and memos on this workshop's
        stories are copied in (under their own names), so the progress, differences and dialogue
        steps have something to show. Only for workshops of sample stories; safe to call twice.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
        >>> ws.add_example_participants()
        ['ana', 'ben', 'chipo']
        """
        return rehearse(self.project, self.folder, self.facilitator)

    # ------------------------------------------------------------------ theme elicitation
    def start_elicitation(self, excerpts: Iterable[str] | pd.DataFrame, name: str = "themes-1",
                          exist_ok: bool = False) -> Any:
        """Deal a deck of excerpts (coding ids, or a frame with coding_id) for participants to sort into piles.

        See :mod:`workbench.workshop.elicitation`; :func:`~workbench.workshop.elicitation.pick_excerpts`
        picks 20 to 40 spread over the stories. The deck is written once (``exist_ok=True`` opens
        the round *name* when it was dealt before, e.g. after a restart); participants open the
        round with ``open_elicitation(p, name)``.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
        >>> _ = ws.add_example_participants()
        >>> ws.start_elicitation(ws.project.codings()["coding_id"][:5], name="themes-1")
        <Elicitation 'themes-1': 5 cards, 0 sorts>
        """
        from . import _deck
        from .elicitation import Elicitation

        self.project.refresh()
        folder = _deck.round_folder(self.folder, name)
        if exist_ok and (folder / "deck.json").exists():
            return Elicitation(folder, self.project)
        deck = _deck.build_deck(self.project, excerpts)
        _deck.write_deck(folder, deck, by=self.facilitator, about=self.name)
        return Elicitation(folder, self.project)

    def elicitation(self, name: str = "themes-1") -> Any:
        """The elicitation round *name* of this workshop, with everyone's sorts so far.

        >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
        >>> _ = ws.add_example_participants()
        >>> _ = ws.start_elicitation(ws.project.codings()["coding_id"][:5])
        >>> ws.elicitation().sorts()
        {}
        """
        from . import _deck
        from .elicitation import Elicitation

        return Elicitation(_deck.round_folder(self.folder, name), self.project)

    def monitor(self, every: float = 2.0, show_activity: bool = False, colour_pairs: bool = False) -> Any:
        """A small live panel: what was coded (by whom, which codes), and the places where readings differ.

        It looks at the shared folder every *every* seconds (cheaply: it only recomputes when
        files changed), in the background, with its own copy of the project. Close it with
        ``.close()``.

        Two things are off by default, because they turn a shared reading into a performance
        dashboard: when each person last did something (``show_activity=True``) and each pair of
        coders' agreement coloured red, amber and green (``colour_pairs=True``). If you turn either
        on, **tell the room** that you see it, and why.

        >>> ws = wb.workshop.start_workshop("workshops", name="Tuesday", stories=["kitchen-table"])
        >>> panel = ws.monitor(every=5)
        >>> panel
        <WorkshopMonitor of 'Tuesday', every 5 s>
        >>> panel.close()
        """
        if not isinstance(every, (int, float)) or every < 1:
            raise WorkshopError(f"every must be a number of seconds >= 1, got {every!r}.")
        from ._panel import WorkshopMonitor  # ipywidgets loads only for the panel

        return WorkshopMonitor(self.folder, float(every), opener=Workshop,
                               options={"show_activity": bool(show_activity), "colour_pairs": bool(colour_pairs)})
