"""wb.app on the kernel side: tabs made when opened, search with exact offsets, panels writing through the API."""

from __future__ import annotations

import re

import pytest

import workbench as wb
from workbench.widgets.app_search import find_passages
from workbench.widgets.application import TABS


@pytest.fixture
def p(tmp_path):
    return wb.sample_project(copy_to=tmp_path / "sample")


def test_tabs_are_made_when_first_opened(p):
    app = wb.app(p, coder="ana")
    assert app.tab == "stories" and set(app._panels) == {"stories", "search"}
    for tab in TABS:
        assert app.select(tab).tab == tab and app.stack.selected_index == list(TABS).index(tab)
    assert {type(app.panel(t)).__name__ for t in TABS} >= {"CodingWidget", "CodebookEditor", "JournalPanel",
                                                           "PeoplePanel", "PatternsPanel", "ExportPanel"}
    with pytest.raises(wb.WorkbenchError, match="no tab 'settings'"):
        app.select("settings")


def test_search_offsets_match_a_plain_regex_and_cross_line_breaks(p):
    for words in ("the", "warm line", "Kitchen"):
        hits = find_passages(p, words, limit=10_000)
        expected = [(nid, m.start(), m.end()) for nid in p.narratives["id"]
                    for m in re.finditer(re.escape(words), p.text(nid), re.IGNORECASE)]
        assert [(r.narrative_id, r.start, r.end) for r in hits.itertuples()] == expected
        assert hits.attrs["total"] == len(expected)
        assert all(p.text(r.narrative_id)[r.start:r.end].lower() == words.lower() for r in hits.itertuples())
    nid = p.add_narrative("İstanbul was far. The warm\nline rang at night.", title="far")
    hit = find_passages(p, "warm line", narrative=nid)
    assert p.text(nid)[hit.start[0]:hit.end[0]] == "warm\nline"


def test_withdrawn_stories_are_never_searched(p):
    assert "kitchen-table" in set(find_passages(p, "kitchen")["narrative_id"])
    p.withdraw("kitchen-table", reason="asked")
    assert "kitchen-table" not in set(find_passages(p, "kitchen")["narrative_id"])


def test_a_hit_coded_from_the_search_panel_lands_with_its_offsets(p):
    app = wb.app(p, coder="ana")
    hit = app.search.search("warm line").iloc[0]
    made = app.search._do_code({"narrative": hit.narrative_id, "start": int(hit.start), "end": int(hit.end),
                                "code": "reciprocity"})["coding_id"]
    row = p.refresh().codings(coder="ana").set_index("coding_id").loc[made]
    assert (row["narrative_id"], row["start"], row["end"], row["code"]) == (hit.narrative_id, hit.start, hit.end,
                                                                            "reciprocity")
    app.search._do_go({"narrative": "night-shift"})
    assert app.panel("stories").narrative == "night-shift"


def test_codebook_changes_need_a_reason_and_write_nothing_without_one(p):
    editor = wb.app(p, coder="ana").panel("codebook")
    before = len(p.codebook.history())
    with pytest.raises(wb.WorkbenchError, match="Say why"):
        editor.change("rename", "reciprocity", reason="  ", to="give and take")
    assert len(p.refresh().codebook.history()) == before
    editor.change("split", "barriers", reason="two different things", into="rules, money")
    assert {"rules", "money"} <= set(p.codebook.names)


def test_a_tab_opened_again_shows_what_changed_meanwhile(p):
    app = wb.app(p, coder="ana", tab="codebook")
    app.select("stories")
    other = wb.open_project(p.path)
    other.codebook.add("waiting", rationale="many stories wait", coder="ben")
    assert "waiting" not in {c["name"] for c in app.panel("codebook").codes}
    assert "waiting" in {c["name"] for c in app.select("codebook").panel("codebook").codes}
    assert "waiting" in {c["name"] for c in app.select("stories").search.codes}


def test_search_in_this_story_only(p):
    app = wb.app(p, coder="ana")
    app.panel("stories").narrative = "night-shift"
    hits = app.search.search("the", everywhere=False)
    assert set(hits["narrative_id"]) == {"night-shift"} and app.search.summary.endswith("in this story.")
    assert len(app.search.search("the", everywhere=True)["narrative_id"].unique()) > 1


def test_the_app_command_refuses_a_missing_project_or_a_bad_coder_and_starts_nothing(p, tmp_path, capsys):
    from workbench.cli import main
    from workbench.widgets.app_page import PAGE, page_command

    assert main(["app", str(tmp_path / "nothing-here"), "--coder", "ana"]) == 2
    assert "is not a workbench project" in capsys.readouterr().err
    assert main(["app", str(p.path), "--coder", " "]) == 2
    command = page_command(p.path, port=9999, token="t")
    assert command[3] == str(PAGE) and "--port=9999" in command and "--Voila.ip=127.0.0.1" in command
    assert "import workbench as wb" in PAGE.read_text() and "WB_PROJECT" in PAGE.read_text()
