"""Participatory theme elicitation: people sort excerpts into piles of their own, then the group reads the piles.

The paper-and-cards exercise of participatory research, in a shared folder. The facilitator
picks 20 to 40 passages (codings) into a *deck*; each participant sorts the cards into piles of
their own and names each pile, on their own (blind: nobody sees another's sort); then the
facilitator shows the group what the sorts share:

- :meth:`Elicitation.co_assignment`: for every two cards, how many people put them together;
- :meth:`Elicitation.clusters`: groups of cards that people tended to put together;
- :meth:`Elicitation.divergence`: how far each person's sort is from everyone else's (a reading
  of its own, not a mistake);
- :meth:`Elicitation.pile_names`: the names people gave the piles each cluster drew on.

The group then records the candidate themes it agrees on (:meth:`Elicitation.record_theme`),
which land in the project's theme layer as a group's theme, with where they came from.

>>> ws = wb.workshop.start_workshop("workshops", code="kettle-garden-42", stories=["kitchen-table", "two-chairs"])
>>> names = ws.add_example_participants()
>>> picked = ws.project.codings(coder="ana")["coding_id"][:6]
>>> el = ws.start_elicitation(picked, name="themes-1")
>>> el.cards()["card"].tolist()
['E01', 'E02', 'E03', 'E04', 'E05', 'E06']
>>> el.sort("ana", {"being heard": ["E01", "E02", "E03"], "rules": ["E04", "E05", "E06"]})
>>> el.sort("ben", {"listening": ["E01", "E02"], "structure": ["E03", "E04", "E05", "E06"]})
>>> el.co_assignment().loc["E01", ["E01", "E02", "E03", "E04"]].tolist()
[2, 2, 1, 0]

Files: ``<workshop>/elicitation/<round>/deck.json`` (written once) and
``<workshop>/elicitation/<round>/sorts/<participant>.jsonl`` (each participant's own log; a new
sort is appended, the latest counts, nothing is overwritten).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..errors import WorkbenchError
from ..names import check_coder
from ..project import Project
from . import _deck
from ._folder import WorkshopError

__all__ = ["Elicitation", "open_elicitation", "pick_excerpts"]


class Elicitation:
    """One elicitation round of a workshop: its deck of excerpts and everyone's sorts.

    The facilitator starts it with :meth:`Workshop.start_elicitation`; participants open it with
    :func:`open_elicitation` (from their workshop project) and sort with :meth:`sort` or the
    card widget :func:`workbench.widgets.pile_sort`.
    """

    def __init__(self, folder: str | Path, project: Project) -> None:
        self.folder = Path(folder)
        self.name = self.folder.name
        self.project = project
        self._deck = _deck.read_deck(self.folder)

    def __repr__(self) -> str:
        return f"<Elicitation {self.name!r}: {len(self._deck['cards'])} cards, {len(self.sorts())} sorts>"

    # ------------------------------------------------------------------ the deck and the sorts
    def cards(self, text: bool = True) -> pd.DataFrame:
        """The deck: card (E01...), coding_id, narrative_id, title, start, end and (with *text*) the passage.

        >>> el = _example(p)
        >>> list(el.cards().columns)
        ['card', 'coding_id', 'narrative_id', 'title', 'start', 'end', 'text']
        """
        frame = pd.DataFrame(self._deck["cards"])
        return frame if text else frame.drop(columns=["text"])

    def sort(self, participant: str, piles: dict[str, Iterable[str]]) -> None:
        """Record *participant*'s sort: ``{pile name: [card, ...]}``; cards left out stay unsorted.

        Sorting again appends a new sort to the participant's own file; the latest counts.

        >>> el = _example(p)
        >>> el.sort("sam", {"being heard": ["E01", "E02"]})
        >>> el.sorts()["sam"]
        {'being heard': ['E01', 'E02']}
        """
        check_coder(participant)
        tidy = _deck.check_sort({k: list(v) for k, v in piles.items()} if isinstance(piles, dict) else piles,
                                set(self.cards()["card"]))
        _deck.append_sort(self.folder, participant, tidy)

    def my_sort(self, participant: str) -> dict[str, list[str]]:
        """*participant*'s latest sort (empty before they sorted): all a participant may see in a blind round.

        >>> _example(p).my_sort("nobody")
        {}
        """
        return {k: list(v) for k, v in _deck.latest_sorts(self.folder).get(participant, {}).get("piles", {}).items()}

    def sorts(self) -> dict[str, dict[str, list[str]]]:
        """Everyone's latest sort, by participant (for the facilitator, after the round).

        >>> _example(p).sorts()
        {}
        """
        return {name: s["piles"] for name, s in _deck.latest_sorts(self.folder).items()}

    # ------------------------------------------------------------------ what the sorts share
    def co_assignment(self) -> pd.DataFrame:
        """Cards by cards: how many people put the two cards in the same pile (the diagonal: who placed the card).

        >>> el = _example(p)
        >>> el.sort("ana", {"a": ["E01", "E02"], "b": ["E03"]})
        >>> el.co_assignment().loc["E01"].tolist()
        [1, 1, 0, 0]
        """
        cards = self.cards()["card"].tolist()
        index = {c: i for i, c in enumerate(cards)}
        matrix = np.zeros((len(cards), len(cards)), dtype="int64")
        for piles in self.sorts().values():
            for members in piles.values():
                at = [index[m] for m in members if m in index]
                matrix[np.ix_(at, at)] += 1
        return pd.DataFrame(matrix, index=pd.Index(cards, name="card"), columns=cards)

    def clusters(self, together: float = 0.5) -> pd.DataFrame:
        """Groups of cards that people tended to put together: average-linkage clustering of the co-assignment.

        Two groups join while, on average, at least a share *together* of the people who placed
        both cards put them in one pile (0.5: half of them). One row per card: card, cluster
        (1 = the largest), and the card's passage; a card nobody shares a pile with is a cluster of its own.

        >>> el = _example(p)
        >>> el.sort("ana", {"a": ["E01", "E02"], "b": ["E03", "E04"]})
        >>> el.sort("ben", {"a": ["E01", "E02", "E03"], "b": ["E04"]})
        >>> el.sort("cy", {"a": ["E01", "E02"], "b": ["E03", "E04"]})
        >>> el.clusters().set_index("card")["cluster"].to_dict()
        {'E01': 1, 'E02': 1, 'E03': 2, 'E04': 2}
        """
        if not 0 < together <= 1:
            raise WorkshopError(f"together is a share of people between 0 and 1, got {together!r}.")
        cards = self.cards()
        co = self.co_assignment().to_numpy().astype(float)
        placed = np.minimum.outer(np.diag(co), np.diag(co))
        share = np.divide(co, placed, out=np.zeros_like(co), where=placed > 0)
        labels = _average_linkage(1.0 - share, 1.0 - together)
        sizes = pd.Series(labels).value_counts()
        order = sorted(sizes.index, key=lambda lab: (-sizes[lab], list(labels).index(lab)))
        renumber = {lab: n for n, lab in enumerate(order, start=1)}
        return pd.DataFrame({"card": cards["card"], "cluster": [renumber[lab] for lab in labels],
                             "text": cards["text"]})

    def divergence(self) -> pd.DataFrame:
        """How far each person's sort is from the others': for every pair of cards they placed, the gap
        between their together (1) or apart (0) and the share of the others who put the pair together.

        0 means they sorted like everyone else; a high value is a different reading, worth hearing.
        Columns: participant, piles, cards (placed), divergence (0 to 1, two decimals).

        >>> el = _example(p)
        >>> el.sort("ana", {"a": ["E01", "E02"]})
        >>> el.sort("ben", {"a": ["E01", "E02"]})
        >>> el.sort("cy", {"a": ["E01"], "b": ["E02"]})
        >>> el.divergence().set_index("participant")["divergence"].to_dict()
        {'ana': 0.5, 'ben': 0.5, 'cy': 1.0}
        """
        sorts = self.sorts()
        where = {name: {c: pile for pile, members in piles.items() for c in members} for name, piles in sorts.items()}
        rows = []
        for name, mine in where.items():
            gaps = []
            for a, b in itertools.combinations(sorted(mine), 2):
                others = [w for other, w in where.items() if other != name and a in w and b in w]
                if others:
                    share = sum(w[a] == w[b] for w in others) / len(others)
                    gaps.append(abs(float(mine[a] == mine[b]) - share))
            rows.append({"participant": name, "piles": len(sorts[name]), "cards": len(mine),
                         "divergence": round(float(np.mean(gaps)), 2) if gaps else 0.0})
        return pd.DataFrame(rows, columns=["participant", "piles", "cards", "divergence"])

    def pile_names(self, together: float = 0.5) -> pd.DataFrame:
        """The names people gave the piles each cluster drew on: one row per cluster.

        A pile counts for the cluster holding most of its cards. Columns: cluster, cards (its
        cards), names (each name once, most used first) and piles (``name (person)`` for each pile).

        >>> el = _example(p)
        >>> el.sort("ana", {"being heard": ["E01", "E02"], "rules": ["E03", "E04"]})
        >>> el.sort("ben", {"Being heard": ["E01", "E02"], "limits": ["E03", "E04"]})
        >>> el.pile_names()[["cluster", "names"]].values.tolist()
        [[1, 'being heard'], [2, 'rules; limits']]
        """
        clusters = self.clusters(together).set_index("card")["cluster"]
        named: dict[int, list[tuple[str, str]]] = {int(c): [] for c in sorted(clusters.unique())}
        for person, piles in self.sorts().items():
            for pile, members in piles.items():
                counts = clusters.reindex(members).dropna().astype(int).value_counts()
                if len(counts):
                    named[int(counts.index[counts == counts.max()].min())].append((pile, person))
        rows = []
        for cluster, piles in named.items():
            tally: dict[str, int] = {}
            first: dict[str, str] = {}
            for pile, _ in piles:
                key = pile.casefold()
                tally[key] = tally.get(key, 0) + 1
                first.setdefault(key, pile)
            names = sorted(tally, key=lambda k: -tally[k])
            rows.append({"cluster": cluster, "cards": ", ".join(clusters.index[clusters == cluster]),
                         "names": "; ".join(first[k] for k in names),
                         "piles": "; ".join(f"{pile} ({who})" for pile, who in piles)})
        return pd.DataFrame(rows, columns=["cluster", "cards", "names", "piles"])

    def chart(self, together: float = 0.5) -> Any:
        """The co-assignment as a picture for the group: cards in cluster order, each square how many put the
        two cards in one pile; hover for the two passages.

        >>> el = _example(p)
        >>> el.sort("ana", {"a": ["E01", "E02"], "b": ["E03", "E04"]})
        >>> el.chart().to_dict()["title"]["text"]
        'Which excerpts people put together'
        """
        from ..charts import pile_sort_heatmap  # altair loads only for the picture

        clusters = self.clusters(together).set_index("card")["cluster"]
        return pile_sort_heatmap(self.co_assignment(), clusters, self.cards().set_index("card")["text"],
                                 sorts=len(self.sorts()))

    # ------------------------------------------------------------------ into the theme layer
    def record_theme(self, name: str, cards: Iterable[str] | int, definition: str = "",
                     coder: str | None = None, together: float = 0.5) -> str:
        """Record a candidate theme the group agreed on, from *cards* (or a cluster's number), as a group's theme.

        The theme is written to the project's theme layer under *coder* (default
        ``group:<workshop code>``) with the cards' passages, and an analytic memo records its
        provenance: the round, the cards, the pile names they drew and who sorted. Returns the memo id.
        """
        coder = coder or f"group:{self.folder.parent.parent.name}"
        chosen = self._cards_of(cards, together)
        themes = getattr(self.project, "themes", None)
        if themes is None:
            raise WorkbenchError("This project has no theme layer yet (p.themes); update the workbench.")
        deck = self.cards().set_index("card")
        names = self._names_for(chosen)
        provenance = (f"Candidate theme from the workshop's elicitation round {self.name!r}: cards "
                      f"{', '.join(chosen)}, sorted by {', '.join(self.sorts()) or 'nobody yet'}; "
                      f"the piles they drew were named {names or '(no names)'}.")
        themes.add(name, definition=definition or provenance, codes=[], coder=coder)
        themes.add_passages(name, deck.loc[chosen, "coding_id"].tolist(), coder=coder)
        return self.project.memo(provenance, coder=coder, kind="analytic", title=f"Where the theme “{name}” came from")

    def _cards_of(self, cards: Iterable[str] | int, together: float) -> list[str]:
        """The card labels of a cluster number or a list of cards, checked against the deck."""
        known = self.cards()["card"].tolist()
        if isinstance(cards, (int, np.integer)) and not isinstance(cards, bool):
            frame = self.clusters(together)
            chosen = frame.loc[frame["cluster"] == int(cards), "card"].tolist()
            if not chosen:
                raise WorkshopError(f"There is no cluster {cards}; see el.clusters() for their numbers.")
            return chosen
        chosen = [str(c) for c in cards]
        unknown = [c for c in chosen if c not in known]
        if unknown or not chosen:
            raise WorkshopError(f"Name the theme's cards from the deck (E01...), not {unknown or chosen}.")
        return chosen

    def _names_for(self, chosen: list[str]) -> str:
        """The pile names under which people put most of *chosen*."""
        names = []
        for person, piles in self.sorts().items():
            for pile, members in piles.items():
                if len(set(members) & set(chosen)) * 2 > len(members):
                    names.append(f"“{pile}” ({person})")
        return ", ".join(names)


def open_elicitation(project: Project, name: str) -> Elicitation:
    """Open round *name* of the workshop whose project *project* is (a participant's ``p`` from join_workshop).

    >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
    >>> _ = ws.add_example_participants()
    >>> _ = ws.start_elicitation(ws.project.codings()["coding_id"][:3], name="themes-1")
    >>> p, me = wb.workshop.join_workshop(ws.code, name="Sam", root="workshops")
    >>> open_elicitation(p, "themes-1")
    <Elicitation 'themes-1': 3 cards, 0 sorts>
    """
    if not isinstance(project, Project):
        raise WorkshopError("open_elicitation() needs the workshop's project (p from join_workshop).")
    return Elicitation(_deck.round_folder(Path(project.path).parent, name), project)


def dealt_rounds(project: Project) -> list[str]:
    """The elicitation rounds the facilitator has dealt in the workshop whose project *project* is, by name.

    A participant's page asks this before opening the cards, so that running the cell before
    the deal says "not yet" instead of failing.

    >>> ws = wb.workshop.start_workshop("workshops", stories=["kitchen-table"])
    >>> _ = ws.add_example_participants()
    >>> dealt_rounds(ws.project)
    []
    >>> _ = ws.start_elicitation(ws.project.codings()["coding_id"][:3], name="themes-1")
    >>> dealt_rounds(ws.project)
    ['themes-1']
    """
    if not isinstance(project, Project):
        raise WorkshopError("dealt_rounds() needs the workshop's project (p from join_workshop).")
    folder = Path(project.path).parent / _deck.FOLDER
    return sorted(d.name for d in folder.glob("*") if (d / "deck.json").exists()) if folder.is_dir() else []


def pick_excerpts(project: Project, n: int = 30, code: str | Iterable[str] | None = None,
                  coder: str | None = None, seed: int = 0) -> pd.DataFrame:
    """About *n* codings spread over the stories (and *code*s), to deal as a deck; restricted stories left out.

    Each story gives its turn in rotation, so no story fills the deck; passages overlapping one
    already picked are left out (two readers' cuts of one passage would be the same card twice);
    the same *seed* picks the same.

    >>> picked = pick_excerpts(p, n=20)
    >>> len(picked), picked["narrative_id"].nunique() > 10
    (20, True)
    """
    from ..query import check_codes

    if not isinstance(n, int) or not 2 <= n <= 80:
        raise WorkshopError(f"n is the number of excerpts, between 2 and 80 (20 to 40 work well), got {n!r}.")
    rows = project.codings(coder=coder) if coder else project.codings()
    if code is not None:
        wanted = {code} if isinstance(code, str) else set(code)
        check_codes(project, list(wanted))
        rows = rows[rows["code"].isin(wanted)]
    from ..consent import restricted_ids

    rows = rows[~rows["narrative_id"].isin(restricted_ids(project.narratives))]
    rows = rows.sample(frac=1.0, random_state=seed)
    kept, taken = [], {}  # passages that overlap one already dealt would be the same card twice
    for i, nid, start, end in zip(rows.index, rows["narrative_id"], rows["start"], rows["end"]):
        spans = taken.setdefault(nid, [])
        if all(end <= a or start >= b for a, b in spans):
            spans.append((start, end))
            kept.append(i)
    rows = rows.loc[kept]
    rows = rows.assign(_turn=rows.groupby("narrative_id").cumcount()).sort_values(["_turn", "narrative_id"])
    return rows.head(n).drop(columns="_turn").reset_index(drop=True)


def _average_linkage(distance: np.ndarray, cut: float) -> list[int]:
    """Cluster labels from average linkage on *distance*, joining groups closer than *cut* (scipy)."""
    n = len(distance)
    if n < 2:
        return [0] * n
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    condensed = squareform(np.clip(distance, 0.0, 1.0), checks=False)
    tree = linkage(condensed, method="average")
    return [int(x) for x in fcluster(tree, t=cut + 1e-9, criterion="distance")]


def _example(project: Project) -> Elicitation:
    """A round of four of ana's codings of *project*, in ``example-workshop/`` (for the examples above)."""
    folder = _deck.round_folder(Path("example-workshop"), "example")
    if not (folder / "deck.json").exists():
        deck = _deck.build_deck(project, project.codings(coder="ana")["coding_id"][:4])
        _deck.write_deck(folder, deck, by="facilitator", about="an example")
    return Elicitation(folder, project)
