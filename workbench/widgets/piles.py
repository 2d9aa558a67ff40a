"""A workshop participant's pile sort: the deck's excerpts as cards, sorted into piles they name.

>>> ws = wb.workshop.start_workshop("workshops", code="kettle-garden-42", stories=["kitchen-table"])
>>> _ = ws.add_example_participants()
>>> _ = ws.start_elicitation(ws.project.codings(coder="ana")["coding_id"][:4], name="themes-1")
>>> p, me = wb.workshop.join_workshop("kettle-garden-42", name="Sam", root="workshops")
>>> sorter = wb.pile_sort(p, "themes-1", participant=me)
>>> [c["title"] for c in sorter.columns]
['Not sorted yet']

The same card board as the theme board (``theme_board.js``): drag a card onto a pile, or pick
it up with Enter or Space, move with the arrow keys, and place it with Enter. Every move saves
the participant's whole sort to their own file (:meth:`Elicitation.sort`); nobody sees anyone
else's sort. A pile with no cards left is kept on screen until the widget is closed.
"""

from __future__ import annotations

from typing import Any

from ..errors import WorkbenchError
from ..names import check_coder
from ..project import Project
from ..workshop import open_elicitation
from ..workshop.elicitation import Elicitation
from ._cards import CardBoard, card

__all__ = ["PileSort", "pile_sort"]

UNSORTED = ""


class PileSort(CardBoard):
    """One participant's sort of an elicitation round's cards into named piles. Create it with :func:`pile_sort`."""

    _noun = "pile sort"

    def __init__(self, project: Project, elicitation: Elicitation, participant: str, **kwargs: Any) -> None:
        self._round = elicitation
        self._piles: dict[str, list[str]] = elicitation.my_sort(participant)
        super().__init__(project, participant, mode="piles", heading="Piles", **kwargs)
        self.redraw()
        self.start_watching()

    @property
    def piles(self) -> dict[str, list[str]]:
        """The piles as they are now: {pile name: [card, ...]} (empty piles included).

        >>> sorter = _example()
        >>> sorter.piles
        {}
        """
        return {k: list(v) for k, v in self._piles.items()}

    def add_pile(self, name: str) -> "PileSort":
        """Start an empty pile called *name*.

        >>> _example().add_pile("being heard").piles
        {'being heard': []}
        """
        self._new_column(name, "")
        self.redraw()
        return self

    def move(self, card_label: str, to: str) -> "PileSort":
        """Put card *card_label* (E01...) in pile *to* (``""``: back to not sorted) and save the sort.

        >>> sorter = _example().add_pile("being heard")
        >>> sorter.move("E01", "being heard").piles
        {'being heard': ['E01']}
        """
        source = next((k for k, v in self._piles.items() if card_label in v), UNSORTED)
        self._move("excerpt", card_label, source, to)
        self.redraw()
        return self

    def rename_pile(self, name: str, new_name: str) -> "PileSort":
        """Give pile *name* a new name (its cards stay in it) and save the sort.

        >>> _example().add_pile("heard").move("E01", "heard").rename_pile("heard", "being heard").piles
        {'being heard': ['E01']}
        """
        self._rename_column(name, " ".join(str(new_name).split()))
        self.redraw()
        return self

    def __repr__(self) -> str:
        return f"<PileSort {self._round.name!r} participant={self.coder!r} piles={len(self._piles)}>"

    # ------------------------------------------------------------------ CardBoard
    def _watched(self) -> list:
        return [self._round.folder / "deck.json"]

    def _build_columns(self) -> list[dict]:
        cards = self._round.cards()
        placed = {c for members in self._piles.values() for c in members}
        make = {r.card: card("excerpt", r.card, r.text, card=r.card, detail=r.title)
                for r in cards.itertuples(index=False)}
        columns = [{"key": UNSORTED, "title": "Not sorted yet", "kind": "unplaced",
                    "hint": "Read each card and put it with the cards it belongs with, for you.",
                    "cards": [make[c] for c in cards["card"] if c not in placed]}]
        for name, members in self._piles.items():
            columns.append({"key": name, "title": name, "kind": "pile",
                            "cards": [make[c] for c in members if c in make]})
        return columns

    def _move(self, kind: str, key: str, source: str, target: str) -> str:
        if kind != "excerpt":
            raise WorkbenchError(f"A pile sort moves the deck's cards, not {kind!r}.")
        if target and target not in self._piles:
            raise WorkbenchError(f"There is no pile {target!r}; add it first.")
        if key not in set(self._round.cards()["card"]):
            raise WorkbenchError(f"{key!r} is not a card of this deck.")
        for members in self._piles.values():
            if key in members:
                members.remove(key)
        if target:
            self._piles[target].append(key)
        self._round.sort(self.coder, {k: v for k, v in self._piles.items() if v})
        return f"Put {key} in the pile {target!r}." if target else f"Put {key} back with the cards not sorted yet."

    def _rename_column(self, key: str, name: str) -> str:
        if key not in self._piles:
            raise WorkbenchError(f"There is no pile {key!r} to rename.")
        if not name:
            raise WorkbenchError("Give the pile a name: what do its cards have in common for you?")
        if name.casefold() in {k.casefold() for k in self._piles if k != key}:
            raise WorkbenchError(f"You already have a pile called {name!r}.")
        self._piles = {(name if k == key else k): v for k, v in self._piles.items()}
        self._round.sort(self.coder, {k: v for k, v in self._piles.items() if v})
        return f"Renamed the pile {key!r} to {name!r}."

    def _new_column(self, name: str, definition: str) -> str:
        label = " ".join(str(name).split())
        if not label:
            raise WorkbenchError("Give the pile a name: what do its cards have in common for you?")
        if label.casefold() in {k.casefold() for k in self._piles}:
            raise WorkbenchError(f"You already have a pile called {label!r}.")
        self._piles[label] = []
        return f"Added the pile {label!r}. Now put cards in it."


def pile_sort(project: Project, name: str, participant: str) -> PileSort:
    """The card widget in which *participant* sorts the elicitation round *name* of their workshop.

    *project* is the workshop project (``p`` from :func:`~workbench.workshop.join_workshop`).

    >>> sorter = _example()
    >>> sorter
    <PileSort 'themes-1' participant='Sam' piles=0>
    """
    if not isinstance(project, Project):
        raise WorkbenchError("pile_sort() needs the workshop's project (p from join_workshop).")
    check_coder(participant)
    return PileSort(project, open_elicitation(project, name), participant=participant)


def _example() -> PileSort:
    """A pile sort on a fresh workshop round of four cards (for the examples above)."""
    from ..workshop import join_workshop, start_workshop

    ws = start_workshop("workshops", code="example-pile-sort", stories=["kitchen-table"], exist_ok=True,
                        name="Coding workshop")
    ws.add_example_participants()
    if not (ws.folder / "elicitation" / "themes-1").exists():
        ws.start_elicitation(ws.project.codings(coder="ana")["coding_id"][:4], name="themes-1")
    p, me = join_workshop("example-pile-sort", name="Sam", root="workshops")
    return pile_sort(p, "themes-1", participant=me)
