"""Themes in REFI-QDA projects (issue 12, item 7): each theme a Set of its codes with its definition in the
Description, valid against the official schema, and back as themes on import."""

from __future__ import annotations

import zipfile

from lxml import etree

import workbench as wb
from workbench.exchange.refi_write import validate

NS = {"q": "urn:QDA-XML:project:1.0"}


def _themed(sample):
    themes = sample.themes
    themes.add("making room for each other", definition="Help goes both ways.\nNot charity.",
               codes=["reciprocity", "relational safety"], idea="no fixed helper", coder="ana",
               owner="group:tuesday")
    themes.set_phase("making room for each other", "defined", coder="ana", rationale="named")
    themes.add("speaking & <naming>", codes=["community"], coder="ben")
    sample.codebook.rename("reciprocity", "give and take", coder="ana")  # the theme follows
    themes.add("set aside", codes=["community"], coder="ben")
    themes.discard("set aside", coder="ben", rationale="thin")  # not exported: not an active theme
    return sample


def test_qdpx_with_themes_validates_and_round_trips(sample, tmp_path):
    p = _themed(sample)
    path = wb.exchange.export_qdpx(p, tmp_path / "themes.qdpx")
    assert validate(path) == []
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    sets = root.findall("q:Sets/q:Set", NS)
    assert [s.get("name") for s in sets] == ["making room for each other", "speaking & <naming>"]
    codes = {c.get("guid"): c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    members = [codes[m.get("targetGUID")] for m in sets[0].findall("q:MemberCode", NS)]
    assert members == ["give and take", "relational safety"]
    description = sets[0].find("q:Description", NS).text
    assert description.startswith("Help goes both ways.\nNot charity.\nCentral organising idea: no fixed helper")
    back = wb.import_qdpx(path, into=tmp_path / "back")
    frame = back.themes.to_frame().set_index("name")
    assert list(frame.index) == ["making room for each other", "speaking & <naming>"]
    row = frame.loc["making room for each other"]
    assert row["codes"] == ["give and take", "relational safety"]
    assert (row["definition"], row["idea"], row["phase"], row["owner"]) == (
        "Help goes both ways.\nNot charity.", "no fixed helper", "defined", "group:tuesday")
    summary = back.import_report.summary.set_index("what")
    assert summary.loc["sets", ["in_file", "imported", "skipped"]].tolist() == [2, 2, 0]
    # support is computed afresh from the imported codings, and matches
    before = wb.analysis.theme_support(p).set_index("theme")[["stories", "passages"]]
    after = wb.analysis.theme_support(back).set_index("theme")[["stories", "passages"]]
    assert before.equals(after)


def test_anonymised_owner_and_another_programs_code_set(sample, tmp_path):
    p = _themed(sample)
    path = wb.exchange.export_qdpx(p, tmp_path / "anon.qdpx", anonymise_coders=True)
    assert validate(path) == []
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert "group:tuesday" not in qde and "Theme owner: Coder " in qde
    # a set as another program writes it: a name, member codes, a plain description
    qde = qde.replace("(A theme from the narrative workbench: its codes are this set's member codes.)", "")
    qde = qde.replace("Theme phase: defined", "")
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != "project.qde"}
    other = tmp_path / "other.qdpx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("project.qde", qde)
        for name, data in files.items():
            zf.writestr(name, data)
    back = wb.import_qdpx(other, into=tmp_path / "other")
    row = back.themes.to_frame().set_index("name").loc["making room for each other"]
    assert row["phase"] == "candidate" and row["owner"].startswith("Coder ")
