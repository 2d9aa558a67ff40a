"""Exports: .qdpx and .qdc valid against the official schemas; consent, anonymising and memos respected."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
from lxml import etree

import workbench as wb
from workbench.errors import WorkbenchError

from exchange_helpers import KITCHEN, MARKER, PRIVATE, assert_valid, qde_of, span

NS = {"q": "urn:QDA-XML:project:1.0"}
GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def test_qdpx_is_valid_and_says_what_the_standard_says(team, tmp_path):
    out = wb.exchange.export_qdpx(team, tmp_path / "team.qdpx")
    assert_valid(out)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "project.qde" in names
        sources = [n for n in names if n.startswith("sources/")]
        root = etree.fromstring(zf.read("project.qde"))
        texts = {n: zf.read(n) for n in sources}
    assert root.get("origin").startswith("narrative-workbench")
    for element in root.iter():
        for attribute in ("guid", "targetGUID", "creatingUser"):
            if element.get(attribute):
                assert GUID.match(element.get(attribute)), element.get(attribute)
    text_sources = root.findall(".//q:TextSource", NS)
    # withdrawn: absent; restricted: present without text; the others: internal://<GUID>.txt
    assert sorted(s.get("name") for s in text_sources) == ["Kitchen table", "On the ward", "Private"]
    kitchen = next(s for s in text_sources if s.get("name") == "Kitchen table")
    path = kitchen.get("plainTextPath")
    assert re.fullmatch(r"internal://[0-9A-F-]{36}\.txt", path)
    data = texts["sources/" + path[len("internal://"):]]
    assert not data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8") == KITCHEN
    # positions: code points, half-open (the passage after the emoji)
    start, end = span(KITCHEN, "She made tea, I made toast")
    selection = next(s for s in kitchen.findall("q:PlainTextSelection", NS)
                     if s.get("startPosition") == str(start))
    assert int(selection.get("endPosition")) == end
    assert KITCHEN[start:end] == "She made tea, I made toast"
    private = next(s for s in text_sources if s.get("name") == "Private")
    assert private.get("plainTextPath") is None and private.find("q:PlainTextContent", NS) is None
    assert private.findall("q:PlainTextSelection", NS), "restricted codings are counted (positions kept)"
    assert all(s.get("name") is None for s in private.findall("q:PlainTextSelection", NS))
    assert len(texts) == 2


def test_every_coding_keeps_its_coder_and_time(team, tmp_path):
    out = wb.exchange.export_qdpx(team, tmp_path / "team.qdpx")
    root = etree.fromstring(qde_of(out).encode())
    users = {u.get("guid"): u.get("name") for u in root.findall(".//q:User", NS)}
    assert sorted(users.values()) == ["R. Osei", "ana", "ben"]
    codings = root.findall(".//q:Coding", NS)
    assert len(codings) == len(team.codings())
    assert all(users[c.get("creatingUser")] for c in codings)
    assert all(c.get("creationDateTime").endswith("Z") for c in codings)


def test_nothing_of_a_withdrawn_or_restricted_story_is_quoted(team, tmp_path):
    outputs = [wb.exchange.export_qdpx(team, tmp_path / "a.qdpx"), wb.exchange.export_csv(team, tmp_path / "a.csv"),
               wb.exchange.export_xlsx(team, tmp_path / "a.xlsx"), wb.exchange.write_report(team, tmp_path / "a.html"),
               wb.exchange.export_qdc(team, tmp_path / "a.qdc")]
    restricted_passage = "We shared power"
    for out in outputs:
        blobs = [out.read_bytes()]
        if zipfile.is_zipfile(out):
            with zipfile.ZipFile(out) as zf:
                blobs = [zf.read(n) for n in zf.namelist()]
        for blob in blobs:
            assert MARKER.encode() not in blob, out
            assert PRIVATE.encode() not in blob, out
            if out.suffix in (".qdpx", ".csv", ".html"):
                assert restricted_passage.encode() not in blob, out


def test_anonymised_export_has_no_coder_names(team, tmp_path):
    out = wb.exchange.export_qdpx(team, tmp_path / "anon.qdpx", anonymise_coders=True)
    assert_valid(out)
    qde = qde_of(out)
    for name in ("ana", "ben", "R. Osei"):
        assert f'"{name}"' not in qde and f"{name}," not in qde
    users = re.findall(r'<User guid="[^"]+" name="([^"]+)"', qde)
    assert sorted(users) == ["Coder 1", "Coder 2", "Coder 3"]
    assert "Dialogue memo with: Coder" in qde  # participants relabelled the same way
    frame = pd.read_csv(wb.exchange.export_csv(team, tmp_path / "anon.csv", anonymise_coders=True))
    assert set(frame["coder"]) == {"Coder 1", "Coder 2", "Coder 3"}
    # consistent within one export: the same person has the same label in codings and memos
    q = wb.import_qdpx(out, into=tmp_path / "anon-import")
    labels = dict(zip(team.coders, ["Coder 1", "Coder 2", "Coder 3"]))
    ours = team.codings().assign(coder=lambda f: f["coder"].map(labels))
    ours = ours[ours["narrative_id"] != "private"]  # restricted: exported without text, so not importable
    assert sorted(map(tuple, ours[["start", "end", "code", "coder"]].to_numpy())) == \
        sorted(map(tuple, q.codings()[["start", "end", "code", "coder"]].to_numpy()))
    assert set(q.memos()["coder"]) <= set(labels.values())


def test_without_memos_there_are_no_notes_at_all(team, tmp_path):
    out = wb.exchange.export_qdpx(team, tmp_path / "bare.qdpx", include_memos=False)
    assert_valid(out)
    qde = qde_of(out)
    assert "<Notes>" not in qde and "NoteRef" not in qde
    assert "no fixed roles" not in qde and "kitchen from my own group" not in qde
    frame = pd.read_csv(wb.exchange.export_csv(team, tmp_path / "bare.csv", include_memos=False))
    assert "note" not in frame.columns
    sheets = pd.read_excel(wb.exchange.export_xlsx(team, tmp_path / "bare.xlsx", include_memos=False), sheet_name=None)
    assert "Memos" not in sheets and "note" not in sheets["Codings"].columns
    with pytest.raises(WorkbenchError, match="left out"):
        wb.exchange.export_csv(team, tmp_path / "m.csv", include_memos=False, table="memos")


def test_qdc_is_valid_with_hierarchy_colours_and_descriptions(team, tmp_path):
    out = wb.exchange.export_qdc(team, tmp_path / "codebook.qdc")
    assert_valid(out)
    root = etree.parse(str(out)).getroot()
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    mutuality = root.find("c:Codes/c:Code[@name='mutuality']", ns)
    assert mutuality.get("color") == "#1b9e77"
    assert [c.get("name") for c in mutuality.findall("c:Code", ns)] == ["reciprocity", "shared power"]
    description = mutuality.find("c:Description", ns).text
    assert description.startswith("Both sides give.\nAnd both take.") and "Include: giving back" in description


def test_empty_projects_export_valid_files(tmp_path):
    p = wb.create_project(tmp_path / "empty")
    assert_valid(wb.exchange.export_qdpx(p, tmp_path / "empty.qdpx"))
    with pytest.raises(WorkbenchError, match="empty"):
        wb.exchange.export_qdc(p, tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()
    p.codebook.add("hope")
    p.add_narrative("Some text with no codings.", title="Quiet")
    assert_valid(wb.exchange.export_qdpx(p, tmp_path / "quiet.qdpx"))
    assert_valid(wb.exchange.export_qdc(p, tmp_path / "one.qdc"))
    assert list(pd.read_csv(wb.exchange.export_csv(p, tmp_path / "none.csv")).columns)[:4] == ["narrative_id", "title",
                                                                                  "narrator", "consent"]


def test_xml_cannot_hold_control_characters_so_they_are_replaced(tmp_path):
    p = wb.create_project(tmp_path / "odd")
    p.codebook.add("odd", description="bell \x07 here")
    nid = p.add_narrative("A form\x0cfeed in the text.", title="Form feed")
    p.code(nid, 0, 6, "odd", coder="ana", note="tab\tand \x0b vertical tab")
    out = wb.exchange.export_qdpx(p, tmp_path / "odd.qdpx")
    assert_valid(out)
    q = wb.import_qdpx(out, into=tmp_path / "odd-back")
    assert q.text(q.narratives.id[0]) == p.text(nid)  # the text file is bytes, untouched
    assert q.codings().note[0] == "tab\tand \ufffd vertical tab"


def test_csv_has_one_row_per_coding_with_coder_passage_and_attributes(team, tmp_path):
    frame = pd.read_csv(wb.exchange.export_csv(team, tmp_path / "codings.csv"), keep_default_na=False)
    assert len(frame) == len(team.codings())
    assert {"coder", "text", "setting", "year", "code", "parent_code", "start", "end", "note"} <= set(frame.columns)
    row = frame[(frame["coder"] == "ben") & (frame["code"] == "mutuality")].iloc[0]
    assert row["text"] == "She made tea, I made toast" and row["setting"] == "peer group"
    assert row["parent_code"] == "" and row["note"] == "after the emoji"
    assert set(frame.loc[frame["consent"] == "restricted", "text"]) == {""}
    assert frame.loc[frame["code"] == "reciprocity", "parent_code"].eq("mutuality").all()


def test_xlsx_has_codings_codebook_narratives_memos_and_no_formulas(tmp_path):
    from openpyxl import load_workbook

    p = wb.create_project(tmp_path / "x")
    p.codebook.add("hope")
    nid = p.add_narrative("=HYPERLINK(\"http://example.org\") was what they typed.", title="Formula")
    p.code(nid, 0, 10, "hope", coder="ana", note="+1 to this")
    p.memo("memo", coder="ana")
    book = load_workbook(wb.exchange.export_xlsx(p, tmp_path / "x.xlsx"))
    assert book.sheetnames == ["Codings", "Codebook", "Narratives", "Memos", "About"]
    sheet = book["Codings"]
    header = [c.value for c in sheet[1]]
    text = sheet.cell(row=2, column=header.index("text") + 1)
    assert text.data_type == "s" and text.value == "=HYPERLINK"
    assert sheet.cell(row=2, column=header.index("note") + 1).value == "+1 to this"


def test_csv_with_a_column_mixing_numbers_and_text(tmp_path):
    p = wb.create_project(tmp_path / "mixed")
    p.codebook.add("hope")
    a = p.add_narrative("First story here.", title="One", attributes={"age": 34})
    b = p.add_narrative("Second story here.", title="Two", attributes={"age": "unknown"})
    p.code(a, 0, 5, "hope", coder="ana")
    p.code(b, 0, 6, "hope", coder="ana", note='with "quotes", commas\nand a newline')
    frame = pd.read_csv(wb.exchange.export_csv(p, tmp_path / "mixed.csv"), keep_default_na=False, dtype=str)
    assert frame["age"].tolist() == ["34", "unknown"]
    assert frame["note"].tolist() == ["", 'with "quotes", commas\nand a newline']
