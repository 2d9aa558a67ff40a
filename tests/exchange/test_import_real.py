"""Importing what other programs really write: the three real example files, and files built to
show each deviation found in real exports of NVivo, ATLAS.ti, MAXQDA and Taguette."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import workbench as wb
from workbench.exchange.errors import MissingSourceError, SelectionError

from exchange_helpers import DATA, make_qdpx, utf16_crlf2


# ---------------------------------------------------------------------- the real files
def test_qc_demo_imports_completely(tmp_path):
    q = wb.import_qdpx(DATA / "qc-1.3.2_demo.qdpx", into=tmp_path / "qc")
    report = q.import_report
    assert report.policy == "codepoints" and "qc" in report.policy_reason
    scores = report.policy_scores.set_index("policy")["on_word_boundaries"]
    assert scores["codepoints"] == 1.0 and scores["codepoints-crlf2"] < 0.5
    assert sorted(q.narratives["title"]) == ["admin-1", "board_2017"]
    codings = q.codings()
    assert len(codings) == 205 and set(codings["coder"]) == {"cp"}
    assert codings["text"].str.endswith("\n").all()  # qc codes whole lines, newline included (half-open)
    first = codings[codings["narrative_id"] == "board-2017"].iloc[0]
    assert first["text"].startswith("This district goal is engage every student")
    frame = q.codebook.to_frame()
    assert len(frame) == 262
    parents = dict(zip(frame["name"], frame["parent"]))
    assert parents["competencies"] == "rq1_definition"
    assert parents["programming (competencies)"] == "competencies"
    assert parents["programming (cs_as_programming)"] == "cs_as_programming"
    renamed = report.renamed
    assert (renamed["from"] == "programming").sum() == 2 and "several branches" in renamed["why"].iloc[0]
    assert not report.warnings and not len(report.skipped)
    summary = report.summary.set_index("what")
    assert summary.loc["codings", "imported"] == 205 and summary.loc["codings", "skipped"] == 0


def test_atlas_reference_project_imports_what_is_there_and_reports_the_rest(tmp_path):
    q = wb.import_qdpx(DATA / "atlasti-8.4-mac_standard-project.qdpx", into=tmp_path / "atlas")
    report = q.import_report
    assert report.policy == "codepoints-crlf1" and "ATLAS.ti" in report.policy_reason
    # its Sources/ folder is empty: every text source is reported, with what it takes along
    skipped = report.skipped
    text = skipped[skipped["what"] == "text source"]
    assert len(text) == 6 and text["reason"].str.contains("not in the archive").all()
    assert text.set_index("name").loc["Simon.docx", "codings"] == 3
    kinds = set(skipped["what"])
    assert {"PDF source", "picture source", "audio source", "video source", "set"} <= kinds
    pdf = skipped[skipped["name"].str.startswith("Pay de Lim")].iloc[0]
    assert pdf["selections"] == 6 and pdf["codings"] == 6
    assert any("missing from the archive" in w for w in report.warnings)
    summary = report.summary.set_index("what")
    assert summary.loc["links", "skipped"] == 1 and summary.loc["graphs", "skipped"] == 1
    # the rest came in: codebook with colours and descriptions, coders, memos
    frame = q.codebook.to_frame().set_index("name")
    assert len(frame) == 14 and frame.loc["Coke", "color"] == "#966450"
    assert frame.loc["Coke::diet Coke", "description"] == "non sucré" and '"rushed"' in frame.index
    memos = q.memos().set_index("title")
    assert memos.loc["Research Plan", "coder"] == "Friedrich Markgraf"
    assert memos.loc["Research Plan", "text"].startswith("day to day log about this amazing project")
    assert "dynamic team" in memos.loc["Research Plan", "text"]
    assert "ATLAS.ti standard project" in repr(q)
    text_report = str(report)
    assert "Skipped:" in text_report and "codepoints-crlf1" in text_report


def test_atlas_reference_project_can_be_refused_instead(tmp_path):
    with pytest.raises(MissingSourceError, match="6 text source file"):
        wb.import_qdpx(DATA / "atlasti-8.4-mac_standard-project.qdpx", into=tmp_path / "strict",
                       missing_sources="refuse")
    assert list(tmp_path.iterdir()) == []


def test_atlas9_codebook_in_the_0_4_namespace(tmp_path):
    p = wb.create_project(tmp_path / "p")
    p.codebook.add("code2", description="ours already")
    report = wb.exchange.import_qdc(p, DATA / "atlasti-9.0.19-win_codebook-ns-0-4.qdc", coder="ana")
    status = report.set_index("name")["status"]
    assert status["code2"].startswith("already in the codebook")
    assert status["code1.1"] == "added" and status["code:3.1"] == "added"
    assert status["codeGroup1::codeGroup1.2"].startswith("skipped")
    assert "not codable" in report.set_index("name").loc["code3", "note"]
    frame = p.codebook.to_frame().set_index("name")
    assert frame.loc["code1.1", "parent"] == "code1" and frame.loc["code:3.1", "parent"] == "code3"
    assert frame.loc["code2", "description"] == "ours already"
    assert any("0:4" in w for w in report.attrs["warnings"])


# ---------------------------------------------------------------------- deviations of real exports
NVIVO_TEXT = "\ufeffInterviewer: How was it?\r\nR07: The peer group \U0001F600 felt like home.\r\nWe cooked.\r\n"


def nvivo_like(tmp_path, policy_positions: bool = True):
    """NVivo: Project.qde, Sources/, {GUID} paths in lower case with braces, UTF-16 units, CRLF as two."""
    body = NVIVO_TEXT.lstrip("\ufeff")
    spans = []
    for phrase in ("The peer group", "felt like home", "We cooked"):
        start = body.index(phrase)
        spans.append((utf16_crlf2(body, start), utf16_crlf2(body, start + len(phrase))))
    file_guid = "{9f2c0a1e-7b7d-4c55-9a55-1f0e5e8b7c01}"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="NVivo study" origin="NVivo 14.23.1 (Windows)">
 <Users><User guid="{{A1B2C3D4-0000-4000-8000-00000000000A}}" name="Grace"/></Users>
 <CodeBook><Codes>
  <Code guid="C0000000-0000-4000-8000-000000000001" name="Belonging" isCodable="true" color="#F0A">
   <Code guid="C0000000-0000-4000-8000-000000000002" name="Home" isCodable="true"/></Code>
  <Code guid="C0000000-0000-4000-8000-000000000003" name="Food" isCodable="true"/>
 </Codes></CodeBook>
 <Variables><Variable guid="V0000000-0000-4000-8000-000000000001" name="Age" typeOfVariable="Integer"/></Variables>
 <Cases><Case guid="CA000000-0000-4000-8000-000000000001" name="R07">
   <VariableValue><VariableRef targetGUID="V0000000-0000-4000-8000-000000000001"/><IntegerValue>34</IntegerValue></VariableValue>
   <SourceRef targetGUID="{{5e5e5e5e-0000-4000-8000-000000000001}}"/></Case></Cases>
 <Sources>
  <TextSource guid="5E5E5E5E-0000-4000-8000-000000000001" name="Interview R07.docx" plainTextPath="internal://{file_guid}.txt">
   <PlainTextSelection guid="51000000-0000-4000-8000-000000000001" startPosition="{spans[0][0]}" endPosition="{spans[0][1]}" creatingUser="a1b2c3d4-0000-4000-8000-00000000000a" creationDateTime="2024-03-01T10:00:00Z">
    <Coding guid="CD000000-0000-4000-8000-000000000001" creatingUser="A1B2C3D4-0000-4000-8000-00000000000A"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/>
     <NoteRef targetGUID="N0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>
   <PlainTextSelection guid="51000000-0000-4000-8000-000000000002" startPosition="{spans[1][0]}" endPosition="{spans[1][1]}" creatingUser="A1B2C3D4-0000-4000-8000-00000000000A">
    <Coding guid="CD000000-0000-4000-8000-000000000002"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>
   <PlainTextSelection guid="51000000-0000-4000-8000-000000000003" startPosition="{spans[2][0]}" endPosition="{spans[2][1]}" creatingUser="A1B2C3D4-0000-4000-8000-00000000000A">
    <Coding guid="CD000000-0000-4000-8000-000000000003"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000003"/></Coding></PlainTextSelection>
   <NoteRef targetGUID="N0000000-0000-4000-8000-000000000002"/>
  </TextSource>
 </Sources>
 <Notes>
  <Note guid="N0000000-0000-4000-8000-000000000001" name="Annotation" creatingUser="A1B2C3D4-0000-4000-8000-00000000000A"><PlainTextContent>she laughs here</PlainTextContent></Note>
  <Note guid="N0000000-0000-4000-8000-000000000002" name="Memo R07" creatingUser="A1B2C3D4-0000-4000-8000-00000000000A"><PlainTextContent>Home comes up again and again.</PlainTextContent></Note>
 </Notes>
</Project>""".replace("V0000000", "B0000000").replace("N0000000", "E0000000").replace("CA000000", "CA000001")
    files = {f"Sources/{file_guid.strip('{}').upper()}.TXT": NVIVO_TEXT.encode("utf-8")}
    return make_qdpx(tmp_path / "nvivo.qdpx", qde, files, qde_name="Project.qde")


def test_nvivo_export_with_utf16_positions_crlf_braces_and_case(tmp_path):
    q = wb.import_qdpx(nvivo_like(tmp_path), into=tmp_path / "nvivo")
    report = q.import_report
    assert report.policy == "utf16-crlf2" and not report.warnings
    assert report.policy_scores.set_index("policy").loc["utf16-crlf2", "on_word_boundaries"] == 1.0
    codings = q.codings().sort_values("start")
    assert codings["text"].tolist() == ["The peer group", "felt like home", "We cooked"]
    assert codings["coder"].unique().tolist() == ["Grace"]
    assert codings["note"].iloc[0] == "she laughs here"  # a note on one coding by its coder: a coding note
    assert codings["created_at"].iloc[0] == pd.Timestamp("2024-03-01T10:00:00Z")
    nid = q.narratives.id[0]
    assert q.text(nid) == NVIVO_TEXT.lstrip("\ufeff").replace("\r\n", "\n")
    row = q.narratives.iloc[0]
    assert row["title"] == "Interview R07" and row["narrator"] == "R07" and row["Age"] == 34
    frame = q.codebook.to_frame().set_index("name")
    assert frame.loc["Belonging", "color"] == "#ff00aa" and frame.loc["Home", "parent"] == "Belonging"
    memo = q.memos().iloc[0]
    assert memo["narrative_id"] == nid and memo["title"] == "Memo R07" and memo["coder"] == "Grace"


def test_a_wrong_policy_is_caught_by_the_guard(tmp_path):
    path = nvivo_like(tmp_path)
    # counted as code points, the last selection would end past the text: refused, with the fitting policy named
    with pytest.raises(SelectionError, match="offsets='utf16(-crlf2)?'"):
        wb.import_qdpx(path, into=tmp_path / "wrong", offsets="codepoints-crlf1")
    assert not (tmp_path / "wrong").exists()
    # a policy that stays inside the text but cuts words: imported, with a warning that names a better one
    q = wb.import_qdpx(path, into=tmp_path / "shifted", offsets="codepoints-crlf2")
    assert any(re.search(r"offsets='utf16(-crlf2)?'", w) for w in q.import_report.warnings)


def test_atlas_style_crlf_counted_once(tmp_path):
    text = "Line one here\r\nLine two has the words\r\nLine three\r\n"
    canonical = text.replace("\r\n", "\n")
    start = canonical.index("the words")
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="A" origin="ATLAS.ti Windows 23.1.0">
<CodeBook><Codes><Code guid="C0000000-0000-4000-8000-000000000001" name="words" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="5E5E5E5E-0000-4000-8000-000000000001" name="Doc" plainTextPath="internal://AB.txt">
<PlainTextSelection guid="51000000-0000-4000-8000-000000000001" startPosition="{start}" endPosition="{start + 9}">
<Coding guid="CD000000-0000-4000-8000-000000000001"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    q = wb.import_qdpx(make_qdpx(tmp_path / "a.qdpx", qde, {"sources/AB.txt": text.encode()}), into=tmp_path / "a")
    assert q.codings()["text"].tolist() == ["the words"]
    assert q.import_report.policy == "codepoints-crlf1"
    assert any("did not say who" in w for w in q.import_report.warnings)
    assert q.codings()["coder"].tolist() == ["imported"]


def test_maxqda_style_plain_paths_variables_and_sets(tmp_path):
    text = "I went to the drop-in.\nThey listened.\n"
    start = text.index("They listened")
    qde = f"""<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="M" origin="MAXQDA 2022">
<Users><User guid="AAAAAAAA-0000-4000-8000-000000000001" name="Kim/Lee"/></Users>
<CodeBook><Codes><Code guid="C0000000-0000-4000-8000-000000000001" name="listening" isCodable="true" color="#00ff00"/></Codes></CodeBook>
<Variables><Variable guid="B0000000-0000-4000-8000-000000000001" name="setting" typeOfVariable="Text"/>
<Variable guid="B0000000-0000-4000-8000-000000000002" name="title" typeOfVariable="Text"/></Variables>
<Sources><TextSource guid="5E5E5E5E-0000-4000-8000-000000000001" name="Drop-in story" plainTextPath="drop in.txt">
<Description>Transcribed by Kim</Description>
<PlainTextSelection guid="51000000-0000-4000-8000-000000000001" startPosition="{start}" endPosition="{start + 13}" creatingUser="AAAAAAAA-0000-4000-8000-000000000001">
<Coding guid="CD000000-0000-4000-8000-000000000001" creatingUser="AAAAAAAA-0000-4000-8000-000000000001"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
</PlainTextSelection>
<VariableValue><VariableRef targetGUID="B0000000-0000-4000-8000-000000000001"/><TextValue>drop-in
centre</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="B0000000-0000-4000-8000-000000000002"/><TextValue>Dr.</TextValue></VariableValue>
</TextSource></Sources>
<Sets><Set guid="5E700000-0000-4000-8000-000000000001" name="region: north"><MemberSource targetGUID="5E5E5E5E-0000-4000-8000-000000000001"/></Set>
<Set guid="5E700000-0000-4000-8000-000000000002" name="Pilot"><MemberSource targetGUID="5E5E5E5E-0000-4000-8000-000000000001"/></Set></Sets>
</Project>"""
    q = wb.import_qdpx(make_qdpx(tmp_path / "m.qdpx", qde, {"sources/drop in.txt": text.encode()}), into=tmp_path / "m")
    row = q.narratives.iloc[0]
    assert row["setting"] == "drop-in centre" and row["title (variable)"] == "Dr."
    assert row["region"] == "north" and row["sets"] == "Pilot"
    coding = q.codings().iloc[0]
    assert coding["text"] == "They listened" and coding["coder"] == "Kim-Lee"
    memo = q.memos().iloc[0]
    assert memo["narrative_id"] == row["id"] and memo["text"] == "Transcribed by Kim"


def test_taguette_style_empty_sets_lower_case_guids_and_inline_text(tmp_path):
    qde = """<?xml version='1.0' encoding='utf-8'?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="Taguette 1.4.1" name="Taguette project">
<Users><User guid="8f0e0cd0-6a9d-4a36-9d3f-8c6b1e3a0001" name="admin"/></Users>
<CodeBook><Codes><Code guid="0d9e3c36-4d1c-4e6f-a6c7-6a1b3c4d0001" name="hope" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="3b2d1c0e-1111-4222-8333-944455566601" name="story.txt">
<PlainTextContent>Hope came back slowly.</PlainTextContent>
<PlainTextSelection guid="{3b2d1c0e-1111-4222-8333-944455566602}" startPosition="0" endPosition="4" creatingUser="8F0E0CD0-6A9D-4A36-9D3F-8C6B1E3A0001">
<Coding guid="3b2d1c0e-1111-4222-8333-944455566603" creatingUser="8f0e0cd0-6a9d-4a36-9d3f-8c6b1e3a0001"><CodeRef targetGUID="0D9E3C36-4D1C-4E6F-A6C7-6A1B3C4D0001"/></Coding>
</PlainTextSelection></TextSource></Sources><Sets/></Project>"""
    q = wb.import_qdpx(make_qdpx(tmp_path / "t.qdpx", qde, {}), into=tmp_path / "t")
    assert q.codings()[["text", "coder", "code"]].values.tolist() == [["Hope", "admin", "hope"]]
    assert any("empty <Sets/>" in w for w in q.import_report.warnings)


def test_non_text_selections_are_counted_never_dropped_silently(tmp_path):
    qde = """<Project xmlns="urn:QDA-XML:project:1.0" name="mixed" origin="QualCoder 3.5">
<CodeBook><Codes><Code guid="C0000000-0000-4000-8000-000000000001" name="seen" isCodable="true"/></Codes></CodeBook>
<Sources>
<PictureSource guid="5E5E5E5E-0000-4000-8000-000000000002" name="photo.jpg" path="internal://P.jpg">
<PictureSelection guid="51000000-0000-4000-8000-000000000009" firstX="1" firstY="1" secondX="5" secondY="5">
<Coding guid="CD000000-0000-4000-8000-000000000009"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
</PictureSelection></PictureSource>
<AudioSource guid="5E5E5E5E-0000-4000-8000-000000000003" name="talk.m4a" path="relative:///talk.m4a">
<AudioSelection guid="51000000-0000-4000-8000-000000000008" begin="0" end="1000">
<Coding guid="CD000000-0000-4000-8000-000000000008"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
<Coding guid="CD000000-0000-4000-8000-000000000007"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
</AudioSelection></AudioSource>
<TextSource guid="5E5E5E5E-0000-4000-8000-000000000004" name="far away" plainTextPath="absolute:///C:/data/far.txt"/>
</Sources></Project>"""
    q = wb.import_qdpx(make_qdpx(tmp_path / "x.qdpx", qde, {"sources/P.jpg": b"\xff\xd8\xff"}), into=tmp_path / "x")
    skipped = q.import_report.skipped.set_index("name")
    assert skipped.loc["photo.jpg", "codings"] == 1 and skipped.loc["talk.m4a", "codings"] == 2
    assert "external file" in skipped.loc["far away", "reason"]
    summary = q.import_report.summary.set_index("what")
    assert summary.loc["codings", "in_file"] == 3 and summary.loc["codings", "skipped"] == 3


def test_the_report_shows_in_a_notebook(tmp_path):
    q = wb.import_qdpx(DATA / "qc-1.3.2_demo.qdpx", into=tmp_path / "qc")
    html = q.import_report._repr_html_()
    assert "<table" in html and "codepoints" in html
    assert list(q.import_report.to_frame().columns) == ["what", "in_file", "imported", "skipped", "note"]


def test_sources_without_a_folder_and_a_bom_before_the_xml(tmp_path):
    qde = ("\ufeff<?xml version='1.0' encoding='utf-8'?>"
           '<Project xmlns="urn:QDA-XML:project:1.0" name="flat" origin="some tool">'
           '<CodeBook><Codes><Code guid="C0000000-0000-4000-8000-000000000001" name="x" isCodable="true"/>'
           '</Codes></CodeBook><Sources><TextSource guid="5E5E5E5E-0000-4000-8000-000000000001" '
           'plainTextPath="internal://AA11BB22-0000-4000-8000-000000000001.txt"><PlainTextSelection '
           'guid="51000000-0000-4000-8000-000000000001" startPosition="0" endPosition="5"><Coding '
           'guid="CD000000-0000-4000-8000-000000000001"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/>'
           "</Coding></PlainTextSelection></TextSource></Sources></Project>")
    files = {"aa11bb22-0000-4000-8000-000000000001.txt": "\ufeffHello world".encode("utf-8")}
    q = wb.import_qdpx(make_qdpx(tmp_path / "flat.qdpx", qde.encode("utf-8"), files), into=tmp_path / "flat")
    assert q.codings()["text"].tolist() == ["Hello"]
    assert q.narratives["title"].tolist() == ["Source 1"]  # no name, and a file name that is only a GUID


def test_the_codebook_of_a_qdpx_can_be_imported_into_a_project(tmp_path):
    p = wb.create_project(tmp_path / "p")
    report = wb.exchange.import_qdc(p, DATA / "atlasti-8.4-mac_standard-project.qdpx", coder="ana")
    assert (report["status"] == "added").sum() == 14
    assert p.codebook.color_map()["Coke"] == "#966450"
