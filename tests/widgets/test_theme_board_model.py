"""The theme board's and the pile sort's kernel side: moves write through the public API, others' changes show."""

from __future__ import annotations

import subprocess
import sys

import pytest

import workbench as wb
from workbench.errors import WorkbenchError
from workbench.widgets._cards import RESTRICTED_TEXT


@pytest.fixture
def board(sample):
    sample.themes.add("making room for each other", definition="turns, not roles", codes=["reciprocity"],
                      coder="ben")
    picked = sample.codings(coder="ana", code="relational safety")["coding_id"][:3].tolist()
    w = wb.theme_board(sample, coder="ana", passages=picked)
    yield w, picked
    w.close()


def _column(w, key):
    return next(c for c in w.columns if c["key"] == key)


def test_columns_show_unplaced_codes_the_pool_and_each_theme_with_its_support(board, sample) -> None:
    w, picked = board
    assert [c["kind"] for c in w.columns] == ["unplaced", "pool", "theme"]
    unplaced = {c["key"] for c in _column(w, "")["cards"]}
    assert "reciprocity" not in unplaced and "relational safety" in unplaced
    assert [c["key"] for c in _column(w, "pool:")["cards"]] == picked
    theme = _column(w, "making room for each other")
    reciprocity = sample.codings(code="reciprocity")
    narrators = sample.narratives.set_index("id").loc[reciprocity["narrative_id"].unique(), "narrator"].nunique()
    assert theme["support"] == {"stories": reciprocity["narrative_id"].nunique(), "narrators": narrators,
                                "coders": 3, "passages": len(reciprocity), "negative_cases": 0}
    assert theme["phase"] == "candidate" and theme["definition"] == "turns, not roles" and theme["owner"] == "ben"


def test_moves_write_through_the_theme_api_as_the_boards_coder(board, sample) -> None:
    w, picked = board
    w.move("code", "community", to="making room for each other")
    w._do_new_column({"name": "being believed", "definition": "taken at one's word"})
    w.move("code", "community", to="being believed", source="making room for each other")
    w.move("passage", picked[0], to="being believed", source="pool:")
    fresh = wb.open_project(sample.path).themes
    frame = fresh.to_frame().set_index("name")
    assert frame.loc["making room for each other", "codes"] == ["reciprocity"]
    assert frame.loc["being believed", "codes"] == ["community"]
    assert frame.loc["being believed", "owner"] == "ana"
    assert fresh.passages("being believed")["coding_id"].tolist() == [picked[0]]
    assert set(fresh.history()["coder"]) == {"ben", "ana"}
    assert (sample.path / "events" / "themes" / "ana.jsonl").is_file()
    w._do_rename_column({"key": "being believed", "name": "being  believed at last"})
    assert "being believed at last" in [c["key"] for c in w.columns]
    assert "being believed at last" in wb.open_project(sample.path).themes.names
    w.move("passage", picked[0], to="", source="being believed at last")
    assert wb.open_project(sample.path).themes.passages("being believed at last").empty
    with pytest.raises(WorkbenchError):
        w.move("code", "no such code", to="being believed")


def test_another_process_changes_the_themes_and_the_board_sees_it(board, sample) -> None:
    w, _ = board
    stamp = w._stamp()
    script = ("import sys, workbench as wb; p = wb.open_project(sys.argv[1]); "
              "p.themes.add('from elsewhere', codes=['community'], coder='chipo')")
    subprocess.run([sys.executable, "-c", script, str(sample.path)], check=True)
    assert w._stamp() != stamp  # what the watcher thread notices
    w._do_poll({})
    assert "from elsewhere" in [c["key"] for c in w.columns]
    assert "community" not in {c["key"] for c in _column(w, "")["cards"]}


def test_a_restricted_story_is_never_quoted_on_a_card(tmp_path) -> None:
    p = wb.create_project(tmp_path / "r", name="R")
    p.codebook.add("reciprocity")
    nid = p.add_narrative("We took turns. Nobody was the helper.\n", title="Tea", narrator="R1", consent="restricted")
    cid = p.code(nid, 0, 14, "reciprocity", coder="ana")
    p.themes.add("turns", codes=["reciprocity"], coder="ana")
    p.themes.add_passages("turns", [cid], coder="ana")
    w = wb.theme_board(p, coder="ana", passages=[cid])
    texts = [card["label"] for col in w.columns for card in col["cards"] + col.get("passages", [])]
    assert RESTRICTED_TEXT in texts and not any("took turns" in t for t in texts)
    read = w.supporting("turns")
    assert read and not any("took turns" in r["text"] for r in read)
    w.close()


def test_the_pile_sort_keeps_each_sort_and_refuses_a_second_pile_of_the_same_name(tmp_path) -> None:
    ws = wb.workshop.start_workshop(tmp_path / "shared", code="kettle-garden-42", stories=["kitchen-table"])
    ws.add_example_participants()
    el = ws.start_elicitation(ws.project.codings(coder="ana")["coding_id"][:3], name="themes-1")
    p, me = wb.workshop.join_workshop("kettle-garden-42", name="Sam", root=tmp_path / "shared")
    sorter = wb.pile_sort(p, "themes-1", participant=me)
    sorter.add_pile("being heard").move("E01", "being heard").move("E02", "being heard")
    with pytest.raises(WorkbenchError, match="already have a pile"):
        sorter.add_pile("Being  heard")
    with pytest.raises(WorkbenchError, match="no pile"):
        sorter.move("E03", "rules")
    assert el.my_sort("Sam") == {"being heard": ["E01", "E02"]}
    again = wb.pile_sort(p, "themes-1", participant=me)  # a kernel restart: the sort comes back
    assert again.piles == {"being heard": ["E01", "E02"]}
    sorter.close()
    again.close()
