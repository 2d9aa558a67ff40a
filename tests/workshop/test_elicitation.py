"""Participatory theme elicitation: three participants sort a deck in their own processes; the facilitator reads it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.workshop import open_elicitation, pick_excerpts, start_workshop

# A participant's notebook: join with the code and a name, open the round, sort, and show only their own sort.
PARTICIPANT = r"""
import json, sys
from workbench.workshop import join_workshop, open_elicitation
code, name, root, piles = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
p, me = join_workshop(code, name=name, root=root)
el = open_elicitation(p, "themes-1")
el.sort(me, piles)
print(json.dumps(el.my_sort(me)))
"""

# Hand-made sorts of six cards: ana and ben agree, chipo splits the first pile and joins E04 to it.
SORTS = {
    "ana": {"being heard": ["E01", "E02", "E03"], "rules and limits": ["E04", "E05", "E06"]},
    "ben": {"Being heard": ["E01", "E02", "E03"], "boundaries": ["E04", "E05", "E06"]},
    "chipo": {"listening": ["E01", "E02"], "trust": ["E03", "E04"], "rules": ["E05", "E06"]},
}


@pytest.fixture
def ws(tmp_path: Path):
    ws = start_workshop(tmp_path / "shared", name="Theme day", code="kettle-garden-42",
                        stories=["kitchen-table", "two-chairs"])
    ws.add_example_participants()
    return ws


def _deal(ws):
    return ws.start_elicitation(ws.project.codings(coder="ana")["coding_id"][:6], name="themes-1")


def test_three_participants_sort_in_their_own_processes_and_the_matrix_is_as_counted_by_hand(ws) -> None:
    el = _deal(ws)
    runs = [subprocess.Popen([sys.executable, "-c", PARTICIPANT, ws.code, name, str(ws.root), json.dumps(piles)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name, piles in SORTS.items()]
    for run, (name, piles) in zip(runs, SORTS.items()):
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert json.loads(out) == piles  # a participant sees their own sort, nobody else's
    files = sorted(f.name for f in (el.folder / "sorts").iterdir())
    assert files == ["ana.jsonl", "ben.jsonl", "chipo.jsonl"]

    co = ws.elicitation("themes-1").co_assignment()
    # counted by hand from SORTS: pairs inside "being heard" by ana and ben, E01-E02 by chipo too ...
    expected = {("E01", "E02"): 3, ("E01", "E03"): 2, ("E02", "E03"): 2, ("E03", "E04"): 1,
                ("E04", "E05"): 2, ("E04", "E06"): 2, ("E05", "E06"): 3, ("E01", "E04"): 0, ("E02", "E06"): 0}
    for (a, b), n in expected.items():
        assert co.loc[a, b] == co.loc[b, a] == n, (a, b)
    assert co.to_numpy().diagonal().tolist() == [3] * 6

    clusters = el.clusters().set_index("card")["cluster"].to_dict()
    assert clusters == {"E01": 1, "E02": 1, "E03": 1, "E04": 2, "E05": 2, "E06": 2}
    names = el.pile_names().set_index("cluster")
    # "trust" holds one card of each cluster: a tie goes to the first cluster
    assert names.loc[1, "names"] == "being heard; listening; trust"
    assert "trust (chipo)" in names.loc[1, "piles"] and "Being heard (ben)" in names.loc[1, "piles"]
    assert set(names.loc[2, "names"].split("; ")) == {"rules and limits", "boundaries", "rules"}

    div = el.divergence().set_index("participant")["divergence"]
    # ana: of 15 pairs, the others' share differs by .5 on E01-E03, E02-E03, E04-E05, E04-E06 and E03-E04
    assert div["ana"] == round(5 * 0.5 / 15, 2) == div["ben"]
    assert div["chipo"] == round(5 / 15, 2)
    assert div["chipo"] > div["ana"]


def test_a_participant_sorts_again_and_the_latest_counts_nothing_overwritten(ws) -> None:
    el = _deal(ws)
    el.sort("sam", {"first try": ["E01", "E02"]})
    el.sort("sam", {"second try": ["E01"], "other": ["E02"]})
    assert el.my_sort("sam") == {"second try": ["E01"], "other": ["E02"]}
    assert len((el.folder / "sorts" / "sam.jsonl").read_text().splitlines()) == 2
    assert el.co_assignment().loc["E01", "E02"] == 0


@pytest.mark.parametrize("piles, message", [
    ({"a": ["E01"], "b": ["E01"]}, "more than one pile"),
    ({"a": ["E99"]}, "not cards"),
    ({"  ": ["E01"]}, "needs a name"),
    (["E01"], "dict of piles"),
])
def test_bad_sorts_are_refused_and_nothing_is_written(ws, piles, message) -> None:
    el = _deal(ws)
    with pytest.raises(WorkbenchError, match=message):
        el.sort("sam", piles)
    assert not (el.folder / "sorts" / "sam.jsonl").exists()


def test_the_deck_is_written_once_and_keeps_restricted_stories_out(ws) -> None:
    _deal(ws)
    with pytest.raises(WorkbenchError, match="already has a deck"):
        _deal(ws)
    deck = pick_excerpts(ws.project, n=10)
    assert len(deck) == 10 and deck["narrative_id"].nunique() == 2
    with pytest.raises(WorkbenchError, match="No current coding"):
        ws.start_elicitation(["nope", "nada"], name="themes-2")
    with pytest.raises(WorkbenchError, match="no elicitation round"):
        open_elicitation(ws.project, "themes-9")


def test_the_group_records_a_candidate_theme_with_its_provenance(ws) -> None:
    el = _deal(ws)
    for name, piles in SORTS.items():
        el.sort(name, piles)
    memo_id = el.record_theme("being heard", cards=1, definition="Listening that asks nothing back.")
    p = ws.project
    p.refresh()
    theme = p.themes.to_frame().set_index("name").loc["being heard"]
    assert theme["owner"] == "group:kettle-garden-42" and theme["phase"] == "candidate"
    assert theme["definition"] == "Listening that asks nothing back."
    cards = el.cards().set_index("card")
    picked = sorted(p.themes.passages("being heard")["coding_id"])
    assert picked == sorted(cards.loc[["E01", "E02", "E03"], "coding_id"])
    memo = p.memos(coder="group:kettle-garden-42").set_index("memo_id").loc[memo_id]
    assert "themes-1" in memo["text"] and "E01, E02, E03" in memo["text"] and "ana, ben, chipo" in memo["text"]
    assert "“being heard” (ana)" in memo["text"] and "“listening” (chipo)" in memo["text"]
    with pytest.raises(WorkbenchError, match="no cluster"):
        el.record_theme("nothing", cards=9)


def test_the_picture_for_the_group_carries_the_matrix(ws) -> None:
    el = _deal(ws)
    for name, piles in SORTS.items():
        el.sort(name, piles)
    spec = el.chart().to_dict()
    rows = next(iter(spec["datasets"].values()))
    co = el.co_assignment()
    assert len(rows) == 36 and all(r["together"] == co.loc[r["a"], r["b"]] for r in rows)
    assert spec["encoding"]["x"]["sort"] == ["E01", "E02", "E03", "E04", "E05", "E06"]  # cluster order
    assert "3 sorts" in spec["title"]["subtitle"]
