"""A story return: a narrator's own story given back with how the team read it, inviting their answer.

:func:`story_return` writes it as HTML (with a form that saves the answers as a small file, no
server), Word (a table with an empty answer cell for each reading, read back by
:func:`workbench.exchange.import_story_return`) or PDF (the HTML printed by Chromium). It holds only
this narrator's words: no other story, no memos or coders' notes; the codes in plain words
(the codebook's ``plain`` field, or its description), and a team text that quotes another story
is left out. Coders are named as the project chooses: ``"team"``, ``"names"`` or ``"roles"``.
A withdrawn story is refused; a restricted story is returned to its own narrator (their words).
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from ..analysis import theme_passages
from ..codebook import plain_words
from ..errors import WorkbenchError
from ..names import is_group, is_machine, is_narrator
from ..store.logs import atomic_write
from ..store.withdrawal import word_runs

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

FORMATS = ("html", "docx", "pdf")
_WORD = re.compile(r"\w+")  # words as word_runs counts them
CODERS = ("team", "names", "roles")
#: The words of a return, per language (add a language by adding its dict).
WORDS: dict[str, dict[str, str]] = {"en": {
    "title": "Your story, as we read it",
    "intro": ("Thank you for sharing your story. Below is your story in your own words, with the passages "
              "we noticed marked. For each, we say in plain words what we saw there. You know your story best: "
              "tell us where we read it well, where we got it wrong, and what we missed."),
    "restricted": ("You asked that your words are not quoted in anything we publish. This copy is for you "
                   "alone: it holds only your own story."),
    "story": "Your story", "noticed": "What we noticed", "themes": "Where your story fits what we are learning",
    "meant": "Is this what you meant?", "agree": "Yes", "disagree": "Not really", "add": "Something to add",
    "your_words": "Your words (if you like)", "missed": "What did we miss?",
    "missed_q": "Is there anything we missed, or anything you would like to say about how we read your story?",
    "read_by": "Read by", "save": "Save my answers",
    "save_note": ("Your answers are saved as a small file on this computer. Send it back to us, or bring it "
                  "along; nothing is sent anywhere by this page."),
    "team": "the team", "group": "a group of us together", "reader": "a reader from the team",
    "docx_note": ("Write your answers in the table: in the middle column Yes, Not really or Something to add, "
                  "and anything you want to say in the last column."),
    "ref": "ref",
}, "es": {
    "title": "Tu historia, tal como la leímos",
    "intro": ("Gracias por compartir tu historia. Aquí está con tus propias palabras, con los pasajes que nos "
              "llamaron la atención marcados. Para cada uno decimos, con palabras sencillas, lo que vimos en él. "
              "Tú conoces tu historia mejor que nadie: dinos dónde la leímos bien, dónde nos equivocamos y qué "
              "se nos escapó."),
    "restricted": ("Pediste que tus palabras no se citen en nada de lo que publiquemos. Esta copia es solo para "
                   "ti: contiene únicamente tu propia historia."),
    "story": "Tu historia", "noticed": "Lo que notamos",
    "themes": "Dónde encaja tu historia en lo que estamos aprendiendo",
    "meant": "¿Es esto lo que querías decir?", "agree": "Sí", "disagree": "No del todo",
    "add": "Quiero añadir algo", "your_words": "Tus palabras (si quieres)", "missed": "¿Qué se nos escapó?",
    "missed_q": "¿Se nos escapó algo, o hay algo que quieras decir sobre cómo leímos tu historia?",
    "read_by": "Lo leyó", "save": "Guardar mis respuestas",
    "save_note": ("Tus respuestas se guardan como un pequeño archivo en este ordenador. Envíanoslo o tráelo; "
                  "esta página no envía nada a ninguna parte."),
    "team": "el equipo", "group": "varios de nosotros juntos", "reader": "una persona del equipo",
    "docx_note": ("Escribe tus respuestas en la tabla: en la columna del medio Sí, No del todo o Quiero añadir "
                  "algo, y lo que quieras decir en la última."),
    "ref": "ref",
}}


@dataclass
class Reading:
    """One passage and code as the team read it: its coding ids, the words, the code in plain words, who."""

    ref: str
    coding_ids: list[str]
    start: int
    end: int
    code: str
    plain: str
    readers: list[str]


@dataclass
class ReturnContent:
    """What a story return shows (built once, drawn as HTML or Word)."""

    narrative: str
    title: str
    text: str
    restricted: bool
    readings: list[Reading]
    themes: list[dict] = field(default_factory=list)  # theme_id, name, definition, refs
    words: dict[str, str] = field(default_factory=dict)
    language: str = "en"


def _reader_name(coder: str, coders: str, roles: Mapping[str, str] | None, words: dict[str, str]) -> str:
    if coders == "team":
        return words["team"]
    if is_group(coder):
        return words["group"]
    if coders == "roles":
        return str((roles or {}).get(coder) or words["reader"])
    return coder


def quoted_stories(texts: Iterable[str], stories: Mapping[str, str], size: int = 4) -> dict[str, set[str]]:
    """For each of *texts* (the team's words), the ids of *stories* (id -> text) it shares a run of *size* words with.

    One pass over the stories, building a run only where a word could start one of the texts' runs.

    >>> quoted_stories(["we sat at the table", "something else here now"], {"a": "Then we sat at the table."})
    {'we sat at the table': {'a'}, 'something else here now': set()}
    """
    runs = {t: word_runs(t, size) for t in dict.fromkeys(texts) if t}
    wanted: set[tuple[str, ...]] = set().union(*runs.values()) if runs else set()
    where: dict[tuple[str, ...], set[str]] = {}
    firsts = {r[0] for r in wanted}
    for sid, story in stories.items() if wanted else ():
        words = _WORD.findall(story.casefold())
        for i in range(len(words) - size + 1):
            if words[i] in firsts and (run := tuple(words[i:i + size])) in wanted:
                where.setdefault(run, set()).add(sid)
    return {t: set().union(*(where.get(run, set()) for run in r)) for t, r in runs.items()}


_QUOTED: dict[tuple, dict[str, set[str]]] = {}  # (project folder, its stories) -> team text -> stories it quotes


def _quoting_others(p: "Project", nid: str, texts: list[str]) -> set[str]:
    """Those of *texts* that quote a story other than *nid*; remembered per project and set of stories, so that
    giving every story back reads the corpus once."""
    ids = tuple(sorted(p.narratives["id"]))
    known = _QUOTED.setdefault((str(p.path), ids), {})
    if len(_QUOTED) > 4:
        _QUOTED.pop(next(iter(_QUOTED)))
    missing = [t for t in dict.fromkeys(texts) if t and t not in known]
    if missing:
        known.update(quoted_stories(missing, {i: p.text(i) for i in ids}))
    return {t for t in texts if t and known[t] - {nid}}


def return_content(p: "Project", nid: str, language: str = "en", coders: str = "team",
                   roles: Mapping[str, str] | None = None) -> ReturnContent:
    """What the return of story *nid* holds: its text, the team's readings in plain words, its themes.

    >>> content = return_content(p, "kitchen-table")
    >>> content.text == p.text("kitchen-table"), content.readings[0].readers
    (True, ['the team'])
    """
    if language not in WORDS:
        raise WorkbenchError(f"language must be one of {', '.join(WORDS)}, not {language!r}.")
    if coders not in CODERS:
        raise WorkbenchError(f"coders must be one of {', '.join(CODERS)} (how readers are named), not {coders!r}.")
    ids = set(p.narratives["id"])
    if nid not in ids:
        why = "was withdrawn by its narrator: it is gone, and nothing of it can be given back" if p.was_withdrawn(nid) \
            else "is not in this project"
        raise WorkbenchError(f"Story {nid!r} {why}. Choose a story from p.narratives['id'].")
    words = WORDS[language]
    row = p.narratives.set_index("id").loc[nid]
    codings = p.codings(narrative=nid)
    codings = codings[[not (is_machine(c) or is_narrator(c)) for c in codings["coder"]]]
    readings: list[Reading] = []
    for (start, end, code), group in codings.groupby(["start", "end", "code"], sort=True):
        plain = plain_words(p.codebook.lookup(code)) if code in p.codebook else str(code)
        readers = sorted({_reader_name(c, coders, roles, words) for c in group["coder"]})
        readings.append(Reading("", list(group["coding_id"]), int(start), int(end), str(code), plain, readers))
    readings.sort(key=lambda r: (r.start, r.end, r.code))
    for number, reading in enumerate(readings, 1):
        reading.ref = str(number)
    themes = _themes_of(p, nid, readings)
    # the team's words in the return: left out where they quote another story (4 words or more)
    quoted = _quoting_others(p, nid, [r.plain for r in readings] + [t["definition"] for t in themes])
    for reading in readings:
        reading.plain = reading.code if reading.plain in quoted else reading.plain
    for theme in themes:
        theme["definition"] = "" if theme["definition"] in quoted else theme["definition"]
    return ReturnContent(nid, str(row["title"]), p.text(nid), row["consent"] == "restricted", readings,
                         themes, words, language)


def _themes_of(p: "Project", nid: str, readings: list[Reading]) -> list[dict]:
    if not len(p.themes):
        return []
    found = theme_passages(p, negative=False)
    found = found[found["narrative_id"] == nid]
    refs = {cid: r.ref for r in readings for cid in r.coding_ids}
    out = []
    for name, rows in found.groupby("theme", sort=False):
        theme = p.themes.lookup(str(name))
        out.append({"theme_id": theme.theme_id, "name": theme.name, "definition": theme.definition,
                    "refs": sorted({refs[c] for c in rows["coding_id"] if c in refs}, key=int)})
    return out


def marked_story_html(content: ReturnContent) -> str:
    """The story's text as HTML paragraphs, each noticed passage marked with its reference(s).

    >>> "<mark" in marked_story_html(return_content(p, "kitchen-table"))
    True
    """
    text = content.text
    cuts = sorted({0, len(text), *[r.start for r in content.readings], *[r.end for r in content.readings]})
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        piece = html.escape(text[a:b]).replace("\n\n", "</p><p>").replace("\n", "<br>")
        refs = [r.ref for r in content.readings if r.start <= a and b <= r.end]
        if refs:
            label = ", ".join(refs)
            parts.append(f'<mark data-wb="passage" data-refs="{label}" title="{label}">{piece}</mark>')
        else:
            parts.append(piece)
        ending = [r.ref for r in content.readings if r.end == b]
        if ending:
            parts.append(f'<sup class="ref">{", ".join(ending)}</sup>')
    return "<p>" + "".join(parts) + "</p>"


_CSS = ("body{font-family:Georgia,serif;max-width:44em;margin:2em auto;line-height:1.6;color:#222;padding:0 1em}"
        "h1,h2,h3{font-family:system-ui,sans-serif}mark{background:#fff3b0}sup.ref{font-size:.7em;margin:0 .15em}"
        ".reading{border-left:4px solid #0072b2;padding:.3em 1em;margin:1.2em 0;background:#f6f8fa}"
        ".ref{font-family:system-ui,sans-serif;font-weight:bold;color:#0072b2}.by{color:#555;font-size:.9em}"
        "fieldset{border:none;padding:0;margin:.5em 0}fieldset label{margin-right:1.2em}"
        ".words{display:block;margin-top:.4em}textarea{width:100%;min-height:3em;font:inherit}"
        ".note{background:#fdf1e6;border-left:4px solid #d55e00;padding:.5em 1em}"
        "button{font:inherit;padding:.4em 1em}@media print{button,.save{display:none}}")


def _question(key: str, words: dict[str, str], about: str) -> str:
    choices = "".join(
        f'<label><input type="radio" name="stance-{key}" value="{v}" data-wb="stance"> {html.escape(words[v])}</label> '
        for v in ("agree", "disagree", "add"))
    return (f'<fieldset data-wb="answer" data-key="{key}" data-about="{html.escape(about)}">'
            f'<legend>{html.escape(words["meant"])}</legend>{choices}'
            f'<label class="words">{html.escape(words["your_words"])}<br><textarea name="text-{key}" data-wb="text">'
            f'</textarea></label></fieldset>')


_SAVE_JS = """
document.querySelector('[data-wb="save"]').addEventListener('click', () => {
  const answers = [...document.querySelectorAll('[data-wb="answer"]')].map((f) => ({
    about: f.dataset.about || null,
    stance: (f.querySelector('[data-wb="stance"]:checked') || {}).value || null,
    text: f.querySelector('[data-wb="text"]').value.trim()}))
    .filter((a) => a.stance || a.text);
  const head = JSON.parse(document.getElementById('wb-return').textContent);
  const blob = new Blob([JSON.stringify({...head, answers}, null, 1)], {type: 'application/json'});
  const link = Object.assign(document.createElement('a'),
    {href: URL.createObjectURL(blob), download: 'answers-' + head.narrative + '.json'});
  document.body.append(link); link.click(); link.remove();
});
"""


def render_html(content: ReturnContent) -> str:
    """The return as one self-contained HTML page (works offline), with a form that saves the answers as a file.

    >>> "What did we miss?" in render_html(return_content(p, "kitchen-table"))
    True
    """
    w, esc = content.words, html.escape
    body = [f"<h1>{esc(w['title'])}</h1>", f"<p>{esc(w['intro'])}</p>"]
    if content.restricted:
        body.append(f'<p class="note" data-wb="restricted-note">{esc(w["restricted"])}</p>')
    body += [f"<h2>{esc(w['story'])}: {esc(content.title)}</h2>",
             f'<div data-wb="story">{marked_story_html(content)}</div>', f"<h2>{esc(w['noticed'])}</h2>"]
    for r in content.readings:
        quote = esc(" ".join(content.text[r.start:r.end].split()))
        body.append(f'<section class="reading" data-wb="reading" id="reading-{r.ref}">'
                    f'<p><span class="ref">{r.ref}</span> '
                    f'&ldquo;{quote}&rdquo;</p><p>{esc(r.plain)}</p>'
                    f'<p class="by">{esc(w["read_by"])}: {esc(", ".join(r.readers))}</p>'
                    f'{_question(r.ref, w, r.coding_ids[0])}</section>')
    if content.themes:
        body.append(f"<h2>{esc(w['themes'])}</h2>")
        for t in content.themes:
            refs = f' <span class="by">({", ".join(t["refs"])})</span>' if t["refs"] else ""
            body.append(f'<section class="reading" data-wb="theme"><p><strong>{esc(t["name"])}</strong>{refs}</p>'
                        f'<p>{esc(t["definition"])}</p>{_question(t["theme_id"], w, t["theme_id"])}</section>')
    body.append(f'<h2>{esc(w["missed"])}</h2><fieldset data-wb="answer" data-key="story" data-about="">'
                f'<label>{esc(w["missed_q"])}<br><textarea data-wb="text"></textarea></label>'
                f'<input type="hidden" data-wb="stance" value="add"></fieldset>')
    head = json.dumps({"workbench": "story-return-answers", "format": 1, "narrative": content.narrative}) \
        .replace("<", "\\u003c")  # raw text inside <script>: no tag can end it
    body.append(f'<p class="save"><button type="button" data-wb="save">{esc(w["save"])}</button> '
                f'{esc(w["save_note"])}</p><script type="application/json" id="wb-return">{head}</script>'
                f"<script>{_SAVE_JS}</script>")
    return (f'<!DOCTYPE html><html lang="{content.language}"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>{esc(w["title"])}: {esc(content.title)}</title>'
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>")


def story_return(p: "Project", narrative: str, path: str | os.PathLike, format: str = "html", language: str = "en",
                 coders: str = "team", roles: Mapping[str, str] | None = None, by: str = "setup") -> Path:
    """Write the return of story *narrative* for its narrator (``html``, ``docx`` or ``pdf``); records it as given back.

    >>> wb.exchange.story_return(p, "kitchen-table", "kitchen-table.html")
    PosixPath('kitchen-table.html')
    """
    if format not in FORMATS:
        raise WorkbenchError(f"format must be one of {', '.join(FORMATS)}, not {format!r}.")
    content = return_content(p, narrative, language=language, coders=coders, roles=roles)
    path = Path(path)
    if format == "html":
        atomic_write(path, render_html(content))
    else:
        from ._story_files import write_docx, write_pdf

        (write_docx if format == "docx" else write_pdf)(content, path, render_html(content))
    p.record_return(narrative, how=format, by=by)
    return path
