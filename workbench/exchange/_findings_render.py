"""Drawing the findings document (:class:`~workbench.exchange.findings.Findings`) as Markdown, HTML or Word."""

from __future__ import annotations

import html
import io
from typing import Any

import pandas as pd

_CSS = ("body{font-family:Georgia,serif;max-width:46em;margin:2em auto;line-height:1.5;color:#222;padding:0 1em}"
        "h1,h2,h3{font-family:system-ui,sans-serif}blockquote{margin:1em 0;padding:.2em 1em;"
        "border-left:4px solid #0072b2;background:#f6f8fa}blockquote p{margin:.3em 0}.by{font-size:.9em;color:#555}"
        ".muted{color:#555;font-size:.95em}table{border-collapse:collapse;font-size:.9em}"
        "td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}")


_ANSWERS = "What narrators said about our reading"


def _by(quote: Any, marked: bool = False) -> str:
    """Who told it, in which story, and who read (or marked) it."""
    role = "marked by" if marked else "read by"
    note = f": {quote.note}" if quote.note else ""
    return f"{quote.narrator}, {quote.story} ({role} {quote.reader}{note})"


def _lines(section: Any) -> list[tuple[str, str]]:
    """The paragraphs of one theme as (kind, text): kinds label, text, narrative, by, muted."""
    out = [("label", f"Phase: {section.phase}. Codes: {', '.join(section.codes) or 'none yet'}. {section.support}")]
    if section.definition:
        out.append(("text", f"Definition: {section.definition}"))
    if section.idea:
        out.append(("text", f"Central organising idea: {section.idea}"))
    if section.narrative:
        out += [("narrative", section.narrative), ("by", f"Theme memo: {section.narrative_by}")]
    else:
        out.append(("muted", "No analytic narrative yet: write one with p.themes.write_memo(...)."))
    return out


def _unquoted(section: Any) -> str:
    n = section.unquoted
    return (f"{n} further passage{'s come' if n != 1 else ' comes'} from stories with restricted consent: "
            "counted, not quoted.")


def _negative_text(quote: Any) -> tuple[str | None, str]:
    by = _by(quote, marked=True)
    return quote.text, by if quote.text else f"A passage from a story with restricted consent (not quoted), " \
                                             f"marked by {quote.reader}."


def render_markdown(doc: Any) -> str:
    """The document as Markdown (quotes as block quotes).

    >>> from workbench.exchange.findings import Findings
    >>> render_markdown(Findings("Findings", "About.", [], pd.DataFrame(columns=["theme"])))[:11]
    '# Findings\\n'
    """
    out = [f"# {doc.title}", "", doc.about, ""]
    for section in doc.themes:
        out += [f"## {section.name}", ""]
        for kind, text in _lines(section):
            out += [f"*{text}*" if kind in ("by", "muted") else text, ""]
        if section.quotes:
            out += ["### What people said", ""]
        for quote in section.quotes:
            out += [f"> “{quote.text}”", ">", f"> — {_by(quote)}", ""]
        if section.unquoted:
            out += [f"*{_unquoted(section)}*", ""]
        if section.negative:
            out += ["### Negative cases (passages that do not fit)", ""]
        for quote in section.negative:
            text, by = _negative_text(quote)
            out += ([f"> “{text}”", ">", f"> — {by}", ""] if text else [f"- {by}", ""])
    if doc.answers:
        out += [f"## {_ANSWERS}", "", *[f"- {line}" for line in doc.answers], ""]
    out += ["## Which stories and which readers support each theme", "", _markdown_table(doc.table), ""]
    return "\n".join(out)


def _markdown_table(table: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")
    rows = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    rows += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(rows)


def render_html(doc: Any) -> str:
    """The document as one self-contained HTML page (no script, nothing fetched).

    >>> from workbench.exchange.findings import Findings
    >>> "<h1>Findings</h1>" in render_html(Findings("Findings", "About.", [], pd.DataFrame(columns=["theme"])))
    True
    """
    e = html.escape
    out = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(doc.title)}</title>'
           f"<style>{_CSS}</style></head><body><h1>{e(doc.title)}</h1><p class=\"muted\">{e(doc.about)}</p>"]
    for section in doc.themes:
        out.append(f"<section><h2>{e(section.name)}</h2>")
        for kind, text in _lines(section):
            out.append(f'<p class="{kind}">{e(text)}</p>')
        if section.quotes:
            out.append("<h3>What people said</h3>")
        for quote in section.quotes:
            out.append(f'<blockquote><p>“{e(quote.text)}”</p><p class="by">— {e(_by(quote))}</p></blockquote>')
        if section.unquoted:
            out.append(f'<p class="muted">{e(_unquoted(section))}</p>')
        if section.negative:
            out.append("<h3>Negative cases (passages that do not fit)</h3>")
        for quote in section.negative:
            text, by = _negative_text(quote)
            out.append(f'<blockquote><p>“{e(text)}”</p><p class="by">— {e(by)}</p></blockquote>' if text
                       else f'<p class="muted">{e(by)}</p>')
        out.append("</section>")
    if doc.answers:
        out.append(f"<section><h2>{_ANSWERS}</h2><ul>" + "".join(f"<li>{e(a)}</li>" for a in doc.answers)
                   + "</ul></section>")
    out.append("<section><h2>Which stories and which readers support each theme</h2><table><thead><tr>"
               + "".join(f"<th>{e(c)}</th>" for c in doc.table.columns) + "</tr></thead><tbody>"
               + "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>"
                         for row in doc.table.itertuples(index=False)) + "</tbody></table></section></body></html>")
    return "".join(out)


def render_docx(doc: Any) -> bytes:
    """The document as a Word file (headings, quotes in the Quote style, a table), as bytes.

    >>> from workbench.exchange.findings import Findings
    >>> render_docx(Findings("Findings", "About.", [], pd.DataFrame(columns=["theme"])))[:2]
    b'PK'
    """
    from docx import Document

    word = Document()
    word.core_properties.title = doc.title
    word.add_heading(doc.title, level=0)
    word.add_paragraph(doc.about)
    for section in doc.themes:
        word.add_heading(section.name, level=1)
        for kind, text in _lines(section):
            paragraph = word.add_paragraph()
            paragraph.add_run(text).italic = kind in ("by", "muted")
        if section.quotes:
            word.add_heading("What people said", level=2)
        for quote in section.quotes:
            word.add_paragraph(f"“{quote.text}”", style="Quote")
            word.add_paragraph().add_run(f"— {_by(quote)}").italic = True
        if section.unquoted:
            word.add_paragraph().add_run(_unquoted(section)).italic = True
        if section.negative:
            word.add_heading("Negative cases (passages that do not fit)", level=2)
        for quote in section.negative:
            text, by = _negative_text(quote)
            if text:
                word.add_paragraph(f"“{text}”", style="Quote")
            word.add_paragraph().add_run(f"— {by}" if text else by).italic = True
    if doc.answers:
        word.add_heading(_ANSWERS, level=1)
        for line in doc.answers:
            word.add_paragraph(line, style="List Bullet")
    word.add_heading("Which stories and which readers support each theme", level=1)
    table = word.add_table(rows=1, cols=len(doc.table.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, doc.table.columns):
        cell.text = str(name)
    for row in doc.table.itertuples(index=False):
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
