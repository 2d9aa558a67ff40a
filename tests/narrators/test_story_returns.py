"""Story returns: the narrator's own story and how it was read, given back; opened and searched as written."""

from __future__ import annotations

import html
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest

import workbench as wb
from workbench.errors import WorkbenchError
from workbench.store.withdrawal import word_runs

CHROMIUM = Path(os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium"))
MEMO_MARKER = "zanzibar-memo-marker"
NOTE_MARKER = "quokka-note-marker"
NID = "kitchen-table"


def visible_text(page: str) -> str:
    """The words a reader sees in an HTML return (tags, script and style out)."""
    page = re.sub(r"<(script|style|sup)[^>]*>.*?</\1>", "", page, flags=re.S)  # sup: the reading numbers
    page = re.sub(r"<(br|/p|/h\d|/li|/section|/legend|/label|/fieldset|/span)\b[^>]*>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([para.text for para in document.paragraphs] + cells)


def foreign_runs(p: wb.Project, nid: str, shown: str) -> set:
    """Four-word runs of *shown* that come from another story and not from this one or the return's own words."""
    own = word_runs(p.text(nid))
    for words in wb.exchange.story_returns.WORDS.values():
        for phrase in words.values():
            own |= word_runs(phrase)
    others = set()
    for other in p.narratives["id"]:
        if other != nid:
            others |= word_runs(p.text(other))
    return (word_runs(shown) & others) - own


@pytest.fixture
def sample(tmp_path: Path) -> wb.Project:
    p = wb.sample_project(copy_to=tmp_path / "sample")
    first = p.codings(narrative=NID)["coding_id"].iloc[0]
    p.memo(f"I wonder about {MEMO_MARKER} here.", coder="ana", narrative=NID)
    p.annotate(first, f"a note with {NOTE_MARKER}", coder=p.coding(first)["coder"])
    return p


def test_html_return_holds_this_story_only_and_no_memos(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    path = wb.exchange.story_return(p, NID, tmp_path / "back.html")
    shown = visible_text(path.read_text(encoding="utf-8"))
    flat = " ".join(shown.split())
    for paragraph in p.text(NID).split("\n\n"):  # every word of the story is there, in order
        assert " ".join(paragraph.split()) in flat
    assert not foreign_runs(p, NID, shown)
    assert MEMO_MARKER not in path.read_text(encoding="utf-8")
    assert NOTE_MARKER not in path.read_text(encoding="utf-8")
    others = set(p.narratives["narrator"]) - {p.narratives.set_index("id").loc[NID, "narrator"]}
    assert not {w for w in re.findall(r"\w+", shown)} & others  # no other narrator named
    assert "Is this what you meant?" in shown and "What did we miss?" in shown
    words = set(re.findall(r"\w+", shown))
    assert not words & {"ana", "ben", "chipo"}  # the team, by default
    named = visible_text(wb.exchange.story_return(p, NID, tmp_path / "named.html", coders="names").read_text())
    assert {"ana", "ben", "chipo"} <= set(re.findall(r"\w+", named))
    roles = visible_text(wb.exchange.story_return(p, NID, tmp_path / "roles.html", coders="roles",
                                                  roles={"ana": "a peer worker"}).read_text())
    assert "a peer worker" in roles and "ana" not in set(re.findall(r"\w+", roles))


def test_plain_description_shown_with_fallback(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    codes = p.codings(narrative=NID)["code"].unique()
    p.codebook.edit(codes[0], plain="You and the other person each gave something.", coder="ana",
                    rationale="for story returns")
    content = wb.exchange.story_returns.return_content(p, NID)
    by_code = {r.code: r.plain for r in content.readings}
    assert by_code[codes[0]] == "You and the other person each gave something."
    assert by_code[codes[1]] == p.codebook.to_frame().set_index("name").loc[codes[1], "description"]
    assert "plain" not in p.codebook.to_frame().set_index("name").loc[codes[1], "plain"]  # old codes: empty


def test_a_team_text_quoting_another_story_is_left_out(sample: wb.Project) -> None:
    p = sample
    other = next(n for n in p.narratives["id"] if n != NID)
    quote = " ".join(p.text(other).split()[:12])
    code = p.codings(narrative=NID)["code"].iloc[0]
    p.codebook.edit(code, plain=f"Like when someone said {quote}", coder="ana")
    content = wb.exchange.story_returns.return_content(p, NID)
    assert all(quote not in r.plain for r in content.readings)


def test_withdrawn_story_is_refused_and_nothing_written(sample: wb.Project, tmp_path: Path) -> None:
    sample.withdraw(NID, reason="narrator asked", by="ana")
    for form in ("html", "docx"):
        with pytest.raises(WorkbenchError, match="withdrawn"):
            wb.exchange.story_return(sample, NID, tmp_path / f"gone.{form}", format=form)
        assert not (tmp_path / f"gone.{form}").exists()
    with pytest.raises(WorkbenchError, match="not in this project"):
        wb.exchange.story_return(sample, "never-was", tmp_path / "x.html")


def test_restricted_story_is_returned_to_its_own_narrator_only(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    other = next(n for n in p.narratives["id"] if n != NID)
    p.set_consent(NID, "restricted", by="ana", reason="asked not to be quoted")
    p.set_consent(other, "restricted", by="ana", reason="asked not to be quoted")
    own = visible_text(wb.exchange.story_return(p, NID, tmp_path / "own.html").read_text(encoding="utf-8"))
    assert "alone" in own and " ".join(p.text(NID).split("\n\n")[0].split()) in " ".join(own.split())
    assert not foreign_runs(p, NID, own)
    third = next(n for n in p.narratives["id"] if n not in (NID, other))
    given = visible_text(wb.exchange.story_return(p, third, tmp_path / "third.html").read_text(encoding="utf-8"))
    assert not word_runs(given) & (word_runs(p.text(NID)) - word_runs(p.text(third)))
    assert "alone" not in given


def test_docx_return_filled_in_and_imported_back(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    path = wb.exchange.story_return(p, NID, tmp_path / "back.docx", format="docx", by="ana")
    text = docx_text(path)
    assert MEMO_MARKER not in text and NOTE_MARKER not in text and not foreign_runs(p, NID, text)
    document = docx.Document(str(path))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "ref")
    rows = table.rows[1:]
    assert len(rows) == len(wb.exchange.story_returns.return_content(p, NID).readings) + 1
    rows[0].cells[2].text = "Yes"
    rows[1].cells[2].text = "Not really"
    rows[1].cells[3].text = "It was not help. We were just two people up late."
    rows[-1].cells[3].text = "You missed my sister, she was there too."
    filled = tmp_path / "answered.docx"
    document.save(str(filled))
    report = wb.exchange.import_story_return(p, filled, entered_by="ana")
    assert report["status"].tolist() == ["recorded"] * 3
    answers = p.responses(NID)
    assert answers["stance"].tolist() == ["agree", "disagree", "add"]
    assert answers["about"].tolist() == ["coding", "coding", "story"]
    assert set(answers["narrator"]) == {"narrator:R01"} and set(answers["via"]) == {"docx"}
    assert answers["text"].iloc[1] == "It was not help. We were just two people up late."
    again = wb.exchange.import_story_return(p, filled, entered_by="ana")
    assert again["status"].tolist() == ["already recorded"] * 3 and len(p.responses(NID)) == 3
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    with pytest.raises(WorkbenchError, match="not a story return"):
        wb.exchange.import_story_return(p, plain)


def test_pdf_return(sample: wb.Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(WorkbenchError, match="needs Chromium"):
        wb.exchange.story_return(sample, NID, tmp_path / "back.pdf", format="pdf")
    assert not (tmp_path / "back.pdf").exists()
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: the PDF itself is not tested")
    monkeypatch.setenv("WORKBENCH_CHROMIUM", str(CHROMIUM))
    path = wb.exchange.story_return(sample, NID, tmp_path / "back.pdf", format="pdf")
    assert path.read_bytes()[:5] == b"%PDF-" and path.stat().st_size > 5000


def test_return_is_in_the_overview(sample: wb.Project, tmp_path: Path) -> None:
    wb.exchange.story_return(sample, NID, tmp_path / "back.html", by="ana")
    row = sample.consent_overview().set_index("narrative_id").loc[NID]
    assert row["returned"] != "" and not row["return_requested"]
    assert zipfile.is_zipfile(wb.exchange.story_return(sample, NID, tmp_path / "b.docx", format="docx"))


def test_a_return_in_spanish(sample: wb.Project, tmp_path: Path) -> None:
    p = sample
    page = wb.exchange.story_return(p, NID, tmp_path / "vuelta.html", language="es").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "¿Es esto lo que querías decir?" in html.unescape(page)
    path = wb.exchange.story_return(p, NID, tmp_path / "vuelta.docx", format="docx", language="es")
    document = docx.Document(str(path))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "ref")
    table.rows[1].cells[2].text = "Sí"
    table.rows[2].cells[2].text = "No del todo"
    document.save(str(path))
    report = wb.exchange.import_story_return(p, path, entered_by="ana")
    assert report["stance"].tolist() == ["agree", "disagree"]
    with pytest.raises(WorkbenchError, match="language must be one of"):
        wb.exchange.story_return(p, NID, tmp_path / "x.html", language="xx")
    assert not (tmp_path / "x.html").exists()
