"""Any length, everywhere (issue 15, item 4): a 2 MB story through every importer and exporter."""

from __future__ import annotations

import csv
import warnings
import zipfile

import pandas as pd
import pytest
from source_files import long_story, srt_of, vtt_of, write_pdf

import workbench as wb

TWO_MB = 2_000_000


@pytest.fixture(scope="module")
def story() -> str:
    return long_story(TWO_MB)


def _turns(story: str) -> list[tuple[str, str]]:
    paragraphs = story.split("\n\n")
    return [("R07" if i % 2 else "Ana", paragraph) for i, paragraph in enumerate(paragraphs)]


@pytest.mark.parametrize("kind", ["txt", "md", "docx", "csv", "vtt", "srt", "pdf"])
def test_a_2mb_story_imports_from_every_format(kind, story, project, tmp_path):
    path = tmp_path / f"long.{kind}"
    if kind in ("txt", "md"):
        path.write_text(story, encoding="utf-8")
    elif kind == "docx":
        import docx

        document = docx.Document()
        for paragraph in story.split("\n\n"):
            document.add_paragraph(paragraph)
        document.save(path)
    elif kind == "csv":
        pd.DataFrame({"title": ["long"], "narrator": ["R07"], "text": [story]}).to_csv(path, index=False)
    elif kind == "vtt":
        path.write_text(vtt_of(_turns(story)), encoding="utf-8")
    elif kind == "srt":
        path.write_text(srt_of(_turns(story)), encoding="utf-8")
    else:
        lines = [line for paragraph in story.split("\n\n") for line in _wrapped(paragraph)]
        write_pdf(path, [lines[i:i + 2000] for i in range(0, len(lines), 2000)])
    report = project.import_narratives(path, progress=False)
    assert report["status"].tolist() == ["added"], report
    text = project.text(report["id"][0])
    assert len(text) >= TWO_MB * 0.99
    words = story.split()
    got = text.split()
    if kind in ("vtt", "srt"):
        got = [w for w in got if w not in ("Ana:", "R07:")]
    assert got == words


def _wrapped(paragraph: str, width: int = 100) -> list[str]:
    lines, line = [], []
    for word in paragraph.split():
        if sum(len(w) + 1 for w in line) + len(word) > width:
            lines.append(" ".join(line))
            line = []
        line.append(word)
    return lines + [" ".join(line)] if line else lines


def test_csv_module_limit_lifted_for_import_narratives(story, project, tmp_path):
    sheet = tmp_path / "sheet.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["title", "text"], ["one", story], ["two", story[:500_000]]])
    report = project.import_narratives(sheet, progress=False)
    assert report["status"].tolist() == ["added", "added"]


def test_a_2mb_story_codes_and_leaves_through_every_exporter(story, project, tmp_path):
    nid = project.add_narrative(story, title="The long night", narrator="R07")
    end = len(story)
    project.code(nid, end - 5000, end - 10, "reciprocity", coder="ana", note="near the end")
    project.code(nid, 0, 40_000, "barriers", coder="ben")  # longer than an Excel cell
    (tmp_path / "call.vtt").write_text(vtt_of(_turns(story[:200_000])), encoding="utf-8")
    project.import_transcript(tmp_path / "call.vtt", title="A long call")

    codings = pd.read_csv(wb.exchange.export_csv(project, tmp_path / "codings.csv"))
    long_row = codings.set_index("coder").loc["ben"]
    assert long_row["text"] == story[:40_000]

    with pytest.warns(UserWarning, match="32,767 characters"):
        xlsx = wb.exchange.export_xlsx(project, tmp_path / "codings.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    cut = sheets["Codings"].set_index("coder").loc["ben", "text"]
    assert len(cut) <= 32_767 and cut.startswith(story[:1000]) and "8,000 more characters cut" in cut
    about = dict(pd.read_excel(xlsx, sheet_name="About", header=None).itertuples(index=False, name=None))
    assert about["cut cells"].startswith("1 cell(s) held more than Excel's 32,767 characters")

    qdpx = wb.exchange.export_qdpx(project, tmp_path / "long.qdpx")
    back = wb.import_qdpx(qdpx, into=tmp_path / "back")
    texts = {back.narratives.set_index("title").loc[t, "id"]: t for t in ("The long night", "A long call")}
    long_id = next(i for i, t in texts.items() if t == "The long night")
    assert back.text(long_id) == project.text(nid)
    assert sorted(back.codings(narrative=long_id)["text"].str.len()) == [4990, 40_000]

    report = wb.exchange.write_report(project, tmp_path / "report.html")
    assert "The long night" in report.read_text(encoding="utf-8")


def test_refi_import_of_nvivo_sized_sources(tmp_path):
    """The issue's case: two sources of ~650 KB in one qdpx (no CSV sheet on the way any more)."""
    texts = [long_story(650_000 + 20_000 * i) for i in range(2)]
    sources = "".join(
        f'<TextSource guid="{i}0000000-0000-0000-0000-000000000000" name="Interview {i}" '
        f'plainTextPath="internal://s{i}.txt"><PlainTextSelection guid="{i}1000000-0000-0000-0000-000000000000" '
        f'startPosition="100" endPosition="200"><Coding guid="{i}2000000-0000-0000-0000-000000000000">'
        '<CodeRef targetGUID="c0000000-0000-0000-0000-000000000000"/></Coding></PlainTextSelection></TextSource>'
        for i in range(2))
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="big">'
           '<CodeBook><Codes><Code guid="c0000000-0000-0000-0000-000000000000" name="trust" isCodable="true"/>'
           f'</Codes></CodeBook><Sources>{sources}</Sources></Project>')
    archive = tmp_path / "big.qdpx"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for i, text in enumerate(texts):
            zf.writestr(f"sources/s{i}.txt", text.encode("utf-8"))
    default = csv.field_size_limit(131_072)  # as in a fresh Python: the import must not meet it at all
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = wb.import_qdpx(archive, into=tmp_path / "q")
    finally:
        csv.field_size_limit(default)
    assert sorted(len(q.text(n)) for n in q.narratives["id"]) == sorted(len(t) for t in texts)
    assert len(q.codings()) == 2
