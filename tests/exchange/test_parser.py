"""The streaming parser on its own: state kept per file, codes in document order, nothing written by a plan."""

from __future__ import annotations

import io

import pytest

import workbench as wb
from workbench.exchange.errors import InvalidXMLError
from workbench.exchange.refi_read import parse_qde, read_plan

NS = 'xmlns="urn:QDA-XML:project:1.0"'


def parse(body: str, root: str = "Project"):
    return parse_qde(io.BytesIO(f"<{root} {NS}>{body}</{root}>".encode()), "test.qde")


def test_codes_come_parents_first_in_file_order():
    parsed = parse('<CodeBook><Codes><Code guid="a" name="A"><Code guid="a1" name="A1"/><Code guid="a2" name="A2"/>'
                   '</Code><Code guid="b" name="B"/></Codes></CodeBook>')
    assert [(c["name"], c["parent"]) for c in parsed.codes] == [("A", None), ("A1", "A"), ("A2", "A"), ("B", None)]


def test_each_file_gets_its_own_stand_in_guids():
    body = '<CodeBook><Codes><Code name="no guid"/></Codes></CodeBook>'
    first, second = parse(body), parse(body)
    assert first.codes[0]["guid"] == second.codes[0]["guid"] == "missing-guid-1"
    assert first.deviations == second.deviations == ["a code ('no guid') has no guid"]


def test_selections_and_codings_are_columns_of_their_source():
    parsed = parse('<Users><User guid="u" name="ana"/></Users><Sources><TextSource guid="s" name="S">'
                   '<PlainTextSelection guid="x" startPosition="0" endPosition="4" creatingUser="u">'
                   '<Coding guid="c1"><CodeRef targetGUID="k"/></Coding><Coding guid="c2" creatingUser="v">'
                   '<CodeRef targetGUID="k2"/></Coding></PlainTextSelection></TextSource></Sources>')
    (source,) = parsed.sources
    assert (source.sel_start, source.sel_end) == ([0], [4])
    assert source.cod_code == ["K", "K2"] and source.cod_user == ["U", "V"] and source.cod_sel == [0, 0]


def test_a_codebook_is_refused_where_a_project_is_expected():
    with pytest.raises(InvalidXMLError, match="import_qdc"):
        parse("<Codes/>", root="CodeBook")


def test_a_plan_reads_and_converts_without_writing(tmp_path):
    p = wb.sample_project(copy_to=tmp_path / "sample")
    archive = wb.exchange.export_qdpx(p, tmp_path / "sample.qdpx")
    before = sorted(tmp_path.iterdir())
    plan = read_plan(archive)
    assert sorted(tmp_path.iterdir()) == before
    assert sum(len(rows) for rows in plan.rows.values()) == len(p.codings())
    assert {n.id for n in plan.narratives} == set(p.narratives["id"])
