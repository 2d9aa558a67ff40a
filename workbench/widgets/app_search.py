"""Search inside one story or across all of them, and the app's search panel (hits in context, go, code).

>>> hits = find_passages(p, "kitchen")
>>> row = hits.iloc[0]
>>> p.text(row["narrative_id"])[row["start"]:row["end"]].lower()
'kitchen'

Offsets are code points into :meth:`~workbench.Project.text`, exactly what ``p.code`` takes, so a hit
is coded as found; a line break in the text counts as a space between two words. Withdrawn stories
are never searched; restricted ones are (coders may read and code them) and say so.
"""

from __future__ import annotations

import bisect
import weakref
from typing import Any, Callable

import pandas as pd
import traitlets as t

from ..errors import WorkbenchError
from ..project import Project
from . import _assets
from ._base import ProjectWidget, cell_text, text_arg

__all__ = ["find_passages", "SearchPanel"]

COLUMNS = ["narrative_id", "title", "consent", "start", "end", "before", "match", "after"]


_SPACES = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c\u00a0\u2028\u2029"})
_SEPARATOR = "\x00"  # between stories: no phrase can match across it


class _Corpus:
    """Every story's text lower-cased (same offsets), whitespace as plain spaces, in one string."""

    def __init__(self, project: Project, ids: tuple[str, ...]) -> None:
        self.ids = ids
        self.texts = [project.text(nid) for nid in ids]
        self.starts: list[int] = []
        parts, at = [], 0
        for text in self.texts:
            low = text.lower()
            if len(low) != len(text):  # a letter whose lower case is longer (e.g. "İ"): keep offsets exact
                low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
            parts.append(low.translate(_SPACES))
            self.starts.append(at)
            at += len(text) + 1
        self.text = _SEPARATOR.join(parts)


_CORPORA: "weakref.WeakKeyDictionary[Project, _Corpus]" = weakref.WeakKeyDictionary()


def _corpus(project: Project, ids: tuple[str, ...]) -> _Corpus:
    found = _CORPORA.get(project)
    if found is None or found.ids != ids:
        found = _CORPORA[project] = _Corpus(project, ids)
    return found


def find_passages(project: Project, words: str, narrative: str | None = None, context: int = 60,
                  limit: int = 200) -> pd.DataFrame:
    """Where *words* occur (any case, as one phrase, a line break counting as a space); at most *limit* rows.

    In *narrative*, or in every story. Each row: narrative_id, title, consent, start, end (code
    points, for ``p.code``), and the *context* characters before and after the match.
    ``hits.attrs["total"]`` counts every match, also those beyond *limit*. The stories' texts are
    read once per project and kept (lower-cased) for the next search.

    >>> hits = find_passages(p, "warm line", narrative="night-shift", limit=1)
    >>> len(hits), hits.attrs["total"] >= 1
    (1, True)
    """
    if not isinstance(words, str) or not words.strip():
        raise WorkbenchError("Type the words to search for (for example: kitchen).")
    if not isinstance(limit, int) or limit < 1:
        raise WorkbenchError(f"limit must be a positive whole number, not {limit!r}.")
    table = project.narratives.set_index("id")
    corpus = _corpus(project, tuple(table.index))
    needle = " ".join(words.lower().split())
    lo, hi = 0, len(corpus.text)
    if narrative is not None:
        project.text(narrative)  # an unknown or withdrawn id says so
        index = corpus.ids.index(narrative)
        lo, hi = corpus.starts[index], corpus.starts[index] + len(corpus.texts[index])
    total = corpus.text.count(needle, lo, hi)
    rows: list[list[Any]] = []
    at = corpus.text.find(needle, lo, hi)
    while at >= 0 and len(rows) < limit:
        index = bisect.bisect_right(corpus.starts, at) - 1
        nid, text = corpus.ids[index], corpus.texts[index]
        start = at - corpus.starts[index]
        end = start + len(needle)
        rows.append([nid, cell_text(table.at[nid, "title"]), cell_text(table.at[nid, "consent"]), start, end,
                     text[max(0, start - context):start], text[start:end], text[end:end + context]])
        at = corpus.text.find(needle, at + len(needle), hi)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["total"] = total
    return frame


class SearchPanel(ProjectWidget):
    """The Stories tab's search: type, choose this story or all, go to a hit, code it (made by ``wb.app``)."""

    _esm = _assets.esm("app.js")
    _css = _assets.css("app.css")
    _noun = "search"

    panel = t.Unicode("search").tag(sync=True)
    codes = t.List().tag(sync=True)  # [{name, color}]
    narrative = t.Unicode("").tag(sync=True)  # the story open in the coding tool
    hits = t.List().tag(sync=True)
    summary = t.Unicode("").tag(sync=True)

    def __init__(self, project: Project, coder: str, show: Callable[[str, int, int], Any] | None = None,
                 **kwargs: Any) -> None:
        self._show = show
        super().__init__(project, coder, **kwargs)
        self.codes = [{"name": n, "color": c} for n, c in project.codebook.color_map().items()]
        self.on_msg(self._on_msg)

    def __repr__(self) -> str:
        return f"<SearchPanel coder={self.coder!r} hits={len(self.hits)}>"

    def search(self, words: str, everywhere: bool = True) -> pd.DataFrame:
        """Search (every story, or the one open now) and show the hits; returns them.

        >>> panel = SearchPanel(p, "ana")
        >>> len(panel.search("kitchen")) == len(panel.hits)
        True
        """
        hits = find_passages(self._project, words, narrative=None if everywhere or not self.narrative
                             else self.narrative)
        self.hits = [{**{k: cell_text(v) for k, v in row.items()}, "start": int(row["start"]),
                      "end": int(row["end"])} for row in hits.to_dict("records")]
        shown = f" (the first {len(hits)} shown)" if hits.attrs["total"] > len(hits) else ""
        where = "all stories" if everywhere or not self.narrative else "this story"
        self.summary = f"{hits.attrs['total']} found in {where}{shown}."
        return hits

    def _do_search(self, msg: dict) -> dict:
        self.search(text_arg(msg, "words"), everywhere=msg.get("scope") != "story")
        return {"summary": self.summary}

    def _do_go(self, msg: dict) -> dict:
        nid, start, end = text_arg(msg, "narrative"), msg.get("start"), msg.get("end")
        self._project.text(nid)  # an unknown or withdrawn id says so
        if self._show is not None:
            self._show(nid, start, end)
        return {}

    def _do_code(self, msg: dict) -> dict:
        start, end = msg.get("start"), msg.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            raise WorkbenchError("The request lacks the hit's start and end.")
        coding = self._project.code(text_arg(msg, "narrative"), start, end, text_arg(msg, "code"), coder=self.coder)
        return {"coding_id": coding}
