"""The theme board: codes and passages as cards, moved into candidate themes by mouse or keyboard.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="my-project")
>>> _ = p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
>>> board = wb.theme_board(p, coder="ana")
>>> [c["title"] for c in board.columns][:2]
['Codes not in a theme', 'making room for each other']

Each theme is a column: its name, phase, definition, its support (how many stories,
narrators and coders its codes' codings and its hand-picked passages come from), its code
cards, and its passages on demand. The first column holds the codes no theme gathers yet
("what did we leave out?"); with ``passages=`` a column of passages to place comes next.
Drag a card onto a theme, or with the keyboard: Enter or Space picks a card up, arrow keys
move between cards and columns, Enter places it, Escape puts it back.

Everything is written through the public theme API (``p.themes.add``, ``add_codes``,
``remove_codes``, ``add_passages``, ``remove_passages``) under the board's coder, so it lands
in their own ``events/themes/<coder>.jsonl`` at once; boards open elsewhere redraw by
themselves. The front end is ``theme_board.js`` and ``theme_board.css`` beside this file; its
``data-wb`` hooks are listed in docs/themes.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .. import analysis
from ..consent import restricted_ids
from ..errors import WorkbenchError
from ..names import check_coder
from ..project import Project
from ._base import cell_text
from ._cards import RESTRICTED_TEXT, CardBoard, card

__all__ = ["ThemeBoard", "theme_board"]

UNPLACED = ""  # the column key of the codes no theme holds
POOL = "pool:"  # the column key of the passages offered to place
_QUOTE = 160  # characters of a passage shown on its card


class ThemeBoard(CardBoard):
    """Themes as columns of code and passage cards, for one coder. Create it with :func:`theme_board`."""

    _noun = "theme board"

    def __init__(self, project: Project, coder: str, passages: Iterable[str] | pd.DataFrame | None = None,
                 **kwargs: Any) -> None:
        ids = list(passages["coding_id"]) if isinstance(passages, pd.DataFrame) else list(passages or [])
        self._pool_ids = list(dict.fromkeys(str(i) for i in ids))
        super().__init__(project, coder, mode="themes", heading="Themes", **kwargs)
        self.redraw()  # reads what is on disk now
        self.start_watching()

    @property
    def project(self) -> Project:
        """The project whose themes are on the board.

        >>> wb.theme_board(p, coder="ana").project is p
        True
        """
        return self._project

    def refresh(self) -> "ThemeBoard":
        """Pick up what others wrote (themes, codes, codings) and redraw.

        >>> board = wb.theme_board(p, coder="ana")
        >>> other = wb.open_project(p.path)
        >>> _ = other.themes.add("belonging", codes=["community"], coder="ben")
        >>> "belonging" in [c["title"] for c in board.refresh().columns]
        True
        """
        self.redraw()  # refreshes the project first
        return self

    def move(self, kind: str, key: str, to: str, source: str = UNPLACED) -> str:
        """Move a card as the browser does: a ``"code"`` (by name) or ``"passage"`` (coding id) from
        column *source* (a theme, or ``""``) to theme *to* (or ``""``: out of its theme). Returns what was done.

        >>> _ = p.themes.add("belonging", coder="ana")
        >>> board = wb.theme_board(p, coder="ana")
        >>> board.move("code", "community", to="belonging")
        "Put the code 'community' in the theme 'belonging'."
        >>> p.themes.to_frame().set_index("name").loc["belonging", "codes"]
        ['community']
        """
        said = self._move(kind, key, source, to)
        self.refresh()
        return said

    def supporting(self, theme: str, limit: int = 30) -> list[dict]:
        """The first *limit* passages that support *theme* (coded with its codes, or picked), as the board shows
        them on demand: story, coder, code, source and the words (masked for a restricted story).

        >>> _ = p.themes.add("belonging", codes=["community resources"], coder="ana")
        >>> board = wb.theme_board(p, coder="ana")
        >>> sorted(board.supporting("belonging", limit=2)[0])
        ['code', 'coder', 'source', 'story', 'text']
        """
        found = analysis.theme_passages(self._project, theme, negative=True)
        titles = self._project.narratives.set_index("id")["title"].to_dict()
        order = found.assign(_neg=found["source"] == "negative case").sort_values("_neg", kind="stable")
        return [{"story": titles.get(r.narrative_id, r.narrative_id), "coder": r.coder, "code": r.code,
                 "source": r.source, "text": _short(str(r.text))}
                for r in order.head(max(0, int(limit))).itertuples(index=False)]

    def _do_supporting(self, msg: dict) -> dict:
        theme = msg.get("theme")
        if not isinstance(theme, str) or not theme:
            raise WorkbenchError("Say which theme's passages to show.")
        total = int(analysis.theme_support(self._project).set_index("theme").loc[theme, "passages"]) \
            if theme in self._project.themes else 0
        return {"passages": self.supporting(theme), "total": total}

    def __repr__(self) -> str:
        themes = sum(1 for column in self.columns if column["kind"] == "theme")
        return f"<ThemeBoard coder={self.coder!r} project={self.project_name!r} themes={themes}>"

    # ------------------------------------------------------------------ CardBoard
    def _watched(self) -> list[Path]:
        events = Path(self._project.path) / "events"
        return [events / "themes", events / "codebook", events / "codings", events / "withdrawals.jsonl"]

    def _build_columns(self) -> list[dict]:
        self._project.refresh()
        p = self._project
        themes = p.themes.to_frame()
        book = p.codebook.to_frame()
        book = book[book["status"] == "active"]
        colors = p.codebook.color_map()  # every code's colour, assigned ones included
        codings = p.codings()
        counts = codings["code"].value_counts().to_dict()
        placed = {c for codes in themes["codes"] for c in codes}
        unplaced = [card("code", n, n, color=colors.get(n), count=int(counts.get(n, 0)))
                    for n in book["name"] if n not in placed]
        columns = [{"key": UNPLACED, "title": "Codes not in a theme", "kind": "unplaced", "cards": unplaced,
                    "hint": "What did we leave out? Codes no theme gathers yet."}]
        empty = pd.DataFrame(columns=["passage_id", "coding_id", "narrative_id", "start", "end", "negative", "coder"])
        picked = {t.name: p.themes.passages(t.name) if t.passages + t.negative_cases else empty  # read once
                  for t in themes.itertuples(index=False)}
        quotes = self._quotes(codings, picked)
        if self._pool_ids:
            pool = [self._passage_card(cid, quotes) for cid in self._pool_ids if cid in quotes]
            columns.append({"key": POOL, "title": "Passages to place", "kind": "pool", "cards": pool,
                            "hint": "Passages you chose to sort; each can go to any theme."})
        support = _support(p)
        for row in themes.itertuples(index=False):
            cards = [card("code", n, n, color=colors.get(n), count=int(counts.get(n, 0))) for n in row.codes]
            hand = [self._passage_card(str(r.coding_id), quotes, passage_id=str(r.passage_id),
                                       negative=bool(r.negative), span=(r.narrative_id, r.start, r.end))
                    for r in picked[row.name].itertuples(index=False)]
            columns.append({"key": row.name, "title": row.name, "kind": "theme", "color": row.color,
                            "phase": row.phase, "definition": row.definition, "idea": row.idea,
                            "owner": row.owner, "support": support.get(row.name, _NO_SUPPORT),
                            "cards": cards, "passages": hand})
        return columns

    def _quotes(self, codings: pd.DataFrame, picked: dict[str, pd.DataFrame]) -> dict[str, dict]:
        """Coding id -> story, coder, code and the passage (masked for restricted stories)."""
        wanted = set(self._pool_ids)
        for frame in picked.values():
            wanted |= {str(c) for c in frame["coding_id"].dropna()}
        rows = codings[codings["coding_id"].isin(list(wanted))]
        hidden = restricted_ids(self._project.narratives)
        titles = self._project.narratives.set_index("id")["title"].to_dict()
        return {str(r.coding_id): {"story": titles.get(r.narrative_id, r.narrative_id), "coder": r.coder,
                                   "code": r.code, "narrative": r.narrative_id,
                                   "text": RESTRICTED_TEXT if r.narrative_id in hidden else _short(str(r.text))}
                for r in rows.itertuples(index=False)}

    def _passage_card(self, cid: str, quotes: dict[str, dict], passage_id: str | None = None,
                      negative: bool = False, span: tuple | None = None) -> dict:
        q = quotes.get(cid)
        if q is None:  # a span picked by hand, or a coding since removed
            nid, start, end = span or ("", 0, 0)
            label = f"{cell_text(nid)} {cell_text(start)}–{cell_text(end)}"
            return card("passage", passage_id or cid, label, passage_id=passage_id, negative=negative or None)
        return card("passage", cid, q["text"], detail=f"{q['story']} · {q['coder']} · {q['code']}",
                    passage_id=passage_id, negative=negative or None)

    def _move(self, kind: str, key: str, source: str, target: str) -> str:
        themes, me = self._project.themes, self.coder
        if target == POOL or (target == UNPLACED and kind == "passage" and source in ("", POOL)):
            return ""
        if kind == "code":
            if target:
                themes.add_codes(target, [key], coder=me, rationale="placed on the theme board")
            if source and source != POOL:
                themes.remove_codes(source, [key], coder=me, rationale=f"moved on the theme board to {target!r}"
                                    if target else "taken out on the theme board")
            return (f"Put the code {key!r} in the theme {target!r}." if target
                    else f"Took the code {key!r} out of the theme {source!r}.")
        if kind == "passage":
            if target:
                themes.add_passages(target, [key], coder=me)
            if source and source != POOL:
                themes.remove_passages(source, [key], coder=me, rationale="moved on the theme board")
            return (f"Put the passage in the theme {target!r}." if target
                    else f"Took the passage out of the theme {source!r}.")
        raise WorkbenchError(f"The theme board moves codes and passages, not {kind!r}.")

    def _rename_column(self, key: str, name: str) -> str:
        self._project.themes.rename(key, name, coder=self.coder, rationale="renamed on the theme board")
        return f"Renamed the theme {key!r} to {name!r}."

    def _new_column(self, name: str, definition: str) -> str:
        self._project.themes.add(name, definition=definition, coder=self.coder)
        return f"Added the candidate theme {name!r}."


_NO_SUPPORT = {"stories": 0, "narrators": 0, "coders": 0, "passages": 0, "negative_cases": 0}


def _support(project: Project) -> dict[str, dict]:
    """Per theme: how many stories, narrators and coders support it (:func:`workbench.analysis.theme_support`)."""
    frame = analysis.theme_support(project)
    return {r.theme: {"stories": int(r.stories), "narrators": int(r.narrators), "coders": int(r.coders),
                      "passages": int(r.passages), "negative_cases": int(r.negative_cases)}
            for r in frame.itertuples(index=False)}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1].rstrip() + "…"


def theme_board(project: Project, coder: str, passages: Iterable[str] | pd.DataFrame | None = None) -> ThemeBoard:
    """A board to build themes from codes (and *passages*, coding ids or a frame of codings) as *coder*.

    >>> board = wb.theme_board(p, coder="ana", passages=p.codings(code="reciprocity", coder="ana").head(5))
    >>> [c["title"] for c in board.columns]
    ['Codes not in a theme', 'Passages to place']
    """
    if not isinstance(project, Project):
        raise WorkbenchError(f"theme_board() needs a project (wb.open_project(...)), not {type(project).__name__}.")
    check_coder(coder)
    return ThemeBoard(project, coder=coder, passages=passages)
