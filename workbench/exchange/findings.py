"""The findings document: the themes, each with its definition, the team's analytic narrative, quotes
that read well, and its negative cases; then which stories and which readers support each theme.

:func:`export_findings` writes it as Word (``.docx``), HTML or Markdown, for pasting into papers and
reports. Consent holds as everywhere: withdrawn stories are absent; restricted stories are counted
in every number and never quoted; narrators appear under the names the project holds (pseudonyms
when the stories were imported with them); ``anonymise_coders=True`` names readers "Coder 1", ...
The content is built once (:func:`findings_content`) and drawn by :mod:`._findings_render`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from .._time import utc_now
from ..analysis import theme_matrix, theme_support
from ..errors import WorkbenchError
from ..store.logs import atomic_write
from ..themes import PHASES
from ._findings_render import render_docx, render_html, render_markdown
from ._refi_voices import answer_description
from ._sharing import EXPORTED_AT, Sharing

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

FORMATS = ("docx", "html", "md")
QUOTE_WORDS = 70  # a longer passage is cut at a sentence or word boundary, with an ellipsis


@dataclass
class Quote:
    """One passage as the document quotes it (``text`` is None for a restricted story: counted, not quoted)."""

    text: str | None
    narrator: str
    story: str
    reader: str
    note: str = ""


@dataclass
class ThemeSection:
    """One theme as the document shows it."""

    name: str
    phase: str
    definition: str
    idea: str
    codes: list[str]
    support: str
    narrative: str
    narrative_by: str
    quotes: list[Quote] = field(default_factory=list)
    unquoted: int = 0
    negative: list[Quote] = field(default_factory=list)


@dataclass
class Findings:
    """The whole document: a title, a line about it, the themes, and the support table."""

    title: str
    about: str
    themes: list[ThemeSection]
    table: pd.DataFrame
    #: narrators' answers to the reading (stories with consent given), each "who, story: what. “words”"
    answers: list[str] = field(default_factory=list)


def readable(text: str, words: int = QUOTE_WORDS) -> str:
    """A passage as a quote reads well: whitespace and line breaks collapsed, a long one cut at a sentence
    (or word) boundary with an ellipsis.

    >>> readable("We  sat.\\nThen   we talked and talked", words=4)
    'We sat. Then we …'
    >>> readable("  and we stayed.  ")
    '… and we stayed.'
    """
    flat = " ".join(str(text).split())
    parts = flat.split(" ")
    if len(parts) > words:
        cut = " ".join(parts[:words])
        sentence = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
        flat = (cut[:sentence + 1] if sentence > len(cut) // 2 else cut.rstrip(",;:")) + " …"
    if flat and flat[0].islower():
        flat = "… " + flat
    return flat


def whole_words(text: str, start: int, end: int) -> str:
    """The passage ``text[start:end]`` widened to whole words (a selection that cut a word reads badly).

    >>> whole_words("We waited for her.", 4, 9)
    'waited'
    """
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end].strip()


def _quoted(share: Sharing, row: object) -> str:
    return readable(whole_words(share.project.text(row.narrative_id), int(row.start), int(row.end)))


def _quotes(rows: pd.DataFrame, share: Sharing, titles: dict[str, str], limit: int) -> list[Quote]:
    """Up to *limit* quotes from quotable stories: hand-picked first, one per story before a second from any."""
    quotable = rows[~rows["narrative_id"].isin(share.restricted).to_numpy()]
    ranked = quotable.assign(_picked=(quotable["source"] != "picked").astype(int),
                             _nth=quotable.groupby("narrative_id").cumcount(),
                             _len=(quotable["end"] - quotable["start"] - 220).abs())
    ranked = ranked.sort_values(["_picked", "_nth", "_len"], kind="stable")
    ranked = ranked.drop_duplicates(["narrative_id", "start", "end"]).head(limit)
    return [Quote(_quoted(share, r), r.narrator or "a narrator", titles.get(r.narrative_id, r.narrative_id),
                  str(share.coder(r.coder)), r.note if r.source == "picked" else "")
            for r in ranked.itertuples(index=False)]


def _candidates(p: "Project", frame: pd.DataFrame, share: Sharing) -> pd.DataFrame:
    """What a theme's quotes and negative cases are chosen from: its hand-picked passages and negative cases,
    and up to two codings per quotable story carrying its codes (a million codings stay quick)."""
    codings = p.codings()[["coding_id", "narrative_id", "coder", "code", "start", "end"]]
    quotable = ~codings["narrative_id"].isin(share.restricted).to_numpy()
    passages = {name: p.themes.passages(name) for name in frame["name"]}
    wanted = [c for f in passages.values() for c in f["coding_id"] if isinstance(c, str)]
    by_id = {r.coding_id: r for r in codings[codings["coding_id"].isin(wanted).to_numpy()].itertuples(index=False)}
    stories = set(share.narratives["id"])
    rows = []
    for name, codes in zip(frame["name"], frame["codes"]):
        picked = set()
        for e in passages[name].itertuples(index=False):
            source = "negative case" if e.negative else "picked"
            c = by_id.get(e.coding_id) if isinstance(e.coding_id, str) else None
            if c is not None:
                picked.add(e.coding_id)
                rows.append([name, source, c.narrative_id, c.coder, int(c.start), int(c.end), e.note, e.coder])
            elif not isinstance(e.coding_id, str) and e.narrative_id in stories:
                rows.append([name, source, e.narrative_id, e.coder, int(e.start), int(e.end), e.note, e.coder])
        hit = codings[codings["code"].isin(list(codes)).to_numpy() & quotable]
        hit = hit[~hit["coding_id"].isin(list(picked)).to_numpy()].groupby("narrative_id", sort=False).head(2)
        rows += [[name, "code", r.narrative_id, r.coder, int(r.start), int(r.end), "", ""]
                 for r in hit.itertuples(index=False)]
    found = pd.DataFrame(rows, columns=["theme", "source", "narrative_id", "coder", "start", "end", "note",
                                        "picked_by"])
    narrators = dict(zip(share.narratives["id"], share.narratives["narrator"].fillna("").astype(str)))
    return found.assign(narrator=found["narrative_id"].map(narrators).fillna(""))


def _negative(rows: pd.DataFrame, share: Sharing, titles: dict[str, str]) -> list[Quote]:
    found = []
    for r in rows.itertuples(index=False):
        hidden = r.narrative_id in share.restricted
        found.append(Quote(None if hidden else _quoted(share, r), r.narrator or "a narrator",
                           titles.get(r.narrative_id, r.narrative_id), str(share.coder(r.picked_by or r.coder)),
                           "" if hidden else r.note))
    return found


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _support_line(row: pd.Series) -> str:
    """One sentence on what supports a theme."""
    return (f"Supported by {_count(row['passages'], 'passage', 'passages')} from "
            f"{_count(row['stories'], 'story', 'stories')} told by {_count(row['narrators'], 'narrator', 'narrators')}"
            f", read by {_count(row['coders'], 'reader', 'readers')}.")


def findings_content(p: "Project", themes: Iterable[str] | None = None, quotes: int = 4,
                     anonymise_coders: bool = False) -> Findings:
    """The findings of *p* (its active themes, most advanced phase first, or *themes* in the order given).

    >>> _ = p.themes.add("making room for each other", definition="giving and taking turns",
    ...                  codes=["reciprocity"], coder="ana")
    >>> doc = findings_content(p)
    >>> doc.themes[0].name, len(doc.themes[0].quotes) <= 4
    ('making room for each other', True)
    """
    share = Sharing(p, anonymise_coders=anonymise_coders)
    frame = p.themes.to_frame()
    if themes is not None:
        names = [p.themes.lookup(t).name for t in themes]
        frame = frame.set_index("name").loc[names].reset_index()
    else:
        frame = frame.assign(_p=frame["phase"].map(lambda ph: -PHASES.index(ph))).sort_values("_p", kind="stable")
    if frame.empty:
        raise WorkbenchError("There are no themes to report yet: add one with p.themes.add(name, codes=[...], "
                             "coder=...).")
    support = theme_support(p).set_index("theme")
    per_story = theme_matrix(p, columns="narrative", value="passages").reindex(frame["name"], fill_value=0)
    hidden = [c for c in per_story.columns if c in share.restricted]
    found = _candidates(p, frame, share)
    titles = dict(zip(share.narratives["id"], share.narratives["title"].fillna("").astype(str)))
    memos = p.themes.memos()
    sections = []
    for row in frame.itertuples(index=False):
        rows = found[found["theme"] == row.name]
        memo = memos[memos["theme"] == row.name].tail(1)
        sections.append(ThemeSection(
            row.name, row.phase, row.definition, row.idea, list(row.codes), _support_line(support.loc[row.name]),
            memo["text"].iloc[0] if len(memo) else "",
            f"{share.coder(memo['coder'].iloc[0])}, {str(memo['at'].iloc[0])[:10]}" if len(memo) else "",
            _quotes(rows[rows["source"] != "negative case"], share, titles, quotes),
            int(per_story.loc[row.name, hidden].sum()) if hidden else 0,
            _negative(rows[rows["source"] == "negative case"], share, titles)))
    readers = theme_matrix(p, columns="coder").reindex(frame["name"], fill_value=0)
    return Findings(f"Findings: {p.name}", _about(p, share, len(sections)), sections,
                    _table(per_story, readers, support, share, titles), narrator_answers(p, share, titles))


def narrator_answers(p: "Project", share: Sharing, titles: dict[str, str]) -> list[str]:
    """The narrators' answers the document shows: stories with consent given quoted, restricted ones counted.

    >>> narrator_answers(p, Sharing(p), {})
    []
    """
    answers = p.responses()
    lines, hidden = [], 0
    for row in answers.to_dict("records"):
        if not share.quotable(row["narrative_id"]):
            hidden += 1
            continue
        said = f" \u201c{row['text']}\u201d" if row["text"] else ""
        what = answer_description(row, str(share.coder(row["coder"]))).removeprefix("Narrator's answer: ")
        lines.append(f"{row['narrator'].removeprefix('narrator:')}, {titles.get(row['narrative_id'], '')}: "
                     f"{what}.{said}")
    if hidden:
        lines.append(f"{_count(hidden, 'answer', 'answers')} from narrators with restricted consent: counted, "
                     "not quoted.")
    return lines


def _about(p: "Project", share: Sharing, themes: int) -> str:
    stories = _count(len(share.narratives), "story", "stories")
    text = (f"{_count(themes, 'theme', 'themes')} from {stories}, written {utc_now(EXPORTED_AT)} "
            f"(method: {p.method}). Quotes are the narrators' words; narrators are named as the project names "
            "them (pseudonyms where the stories were imported with them).")
    if share.restricted:
        n = len(share.restricted)
        text += (f" {_count(n, 'story', 'stories')} with restricted consent {'is' if n == 1 else 'are'} counted in "
                 "every number and never quoted.")
    return text


def _table(per_story: pd.DataFrame, readers: pd.DataFrame, support: pd.DataFrame, share: Sharing,
           titles: dict[str, str]) -> pd.DataFrame:
    """Which stories and which readers support each theme (negative cases not counted)."""
    rows = []
    for name in per_story.index:
        stories = sorted((titles.get(n, n) for n in per_story.columns[per_story.loc[name].to_numpy() > 0]),
                         key=str.casefold)
        people = sorted({str(share.coder(c)) for c in readers.columns[readers.loc[name].to_numpy() > 0]},
                        key=str.casefold)
        rows.append([name, int(support.loc[name, "stories"]), "; ".join(stories), ", ".join(people)])
    return pd.DataFrame(rows, columns=["theme", "stories", "which stories", "readers"])


def export_findings(p: "Project", path: str | os.PathLike, format: str | None = None,
                    themes: Iterable[str] | None = None, quotes: int = 4, anonymise_coders: bool = False) -> Path:
    """Write the findings document as ``docx``, ``html`` or ``md`` (by default from the file's ending).

    >>> _ = p.themes.add("making room for each other", codes=["reciprocity"], coder="ana")
    >>> wb.exchange.export_findings(p, "findings.md")
    PosixPath('findings.md')
    """
    target = Path(path)
    kind = format or target.suffix.lstrip(".").lower()
    if kind not in FORMATS:
        raise WorkbenchError(f"format must be one of {', '.join(FORMATS)} (or a path ending in one), "
                             f"not {kind!r}.")
    if not isinstance(quotes, int) or quotes < 0:
        raise WorkbenchError(f"quotes is how many quotes per theme (0 or more), not {quotes!r}.")
    if target.is_dir():
        raise WorkbenchError(f"{target} is a folder; give a file name such as findings.{kind}.")
    doc = findings_content(p, themes=themes, quotes=quotes, anonymise_coders=anonymise_coders)
    content = {"docx": render_docx, "html": render_html, "md": render_markdown}[kind](doc)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, content)
    return target


