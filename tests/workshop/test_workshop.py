"""The workshop API: a facilitator starts a shared project with a session code, participants join it.

Real folders, real separate processes for the participants (as on a shared server), and numbers
checked against hand counts and against the public agreement functions.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import workbench as wb
from workbench.errors import CoderNameError, WorkbenchError
from workbench.workshop import (
    GENERATED_CODE,
    ROOT_VARIABLE,
    Workshop,
    WorkshopError,
    code_quote,
    join_workshop,
    open_workshop,
    start_workshop,
)

REPO = Path(__file__).resolve().parents[2]
STORIES = ["kitchen-table", "two-chairs"]


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "shared"


@pytest.fixture
def ws(root: Path) -> Workshop:
    return start_workshop(root, name="Tuesday workshop", stories=STORIES)


# ---------------------------------------------------------------------- starting
def test_start_makes_a_shared_project_of_sample_stories_with_a_spoken_code(root: Path) -> None:
    sample = REPO / "sample_data" / "peer_stories"
    before = _tree_digest(sample)
    ws = start_workshop(root, name="Tuesday workshop", stories=STORIES, facilitator="Rosa")
    assert GENERATED_CODE.fullmatch(ws.code)
    assert ws.folder == (root / ws.code).resolve() and ws.root == root.resolve()
    assert (ws.folder / "workshop.toml").is_file() and (ws.folder / "joined").is_dir()
    assert ws.name == "Tuesday workshop" and ws.facilitator == "Rosa" and ws.participants == []
    p = ws.project
    assert list(p.narratives["id"]) == STORIES
    original = wb.sample_project(copy_to=root.parent / "sample-copy")
    assert p.text("two-chairs") == original.text("two-chairs")
    assert p.narratives.set_index("id").loc["two-chairs", "setting"] == "peer group"
    assert p.codebook.names == original.codebook.names
    assert set(p.codebook.history()["coder"]) == {"Rosa"}
    assert len(p.codings()) == 0 and len(p.memos()) == 0  # the participants' own work only
    assert _tree_digest(sample) == before  # the shipped sample is never touched
    assert not [d for d in root.iterdir() if d.name.startswith(".")]  # no half-built leftovers
    text = ws.invitation()
    assert ws.code in text and str(ws.root) in text and "participant.ipynb" in text
    assert repr(ws) == f"<Workshop 'Tuesday workshop' code='{ws.code}': 0 participants, 2 stories>"


def test_codes_are_unique_under_one_root(root: Path) -> None:
    codes = {start_workshop(root, name=f"w{i}", stories=["boots"]).code for i in range(4)}
    assert len(codes) == 4 and all(GENERATED_CODE.fullmatch(c) for c in codes)


def test_start_from_a_folder_of_your_own_stories_uses_the_principles_codebook(root: Path, tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "first.txt").write_text("We met at the allotment and talked about beans.", encoding="utf-8")
    (own / "second.txt").write_text("Nobody asked me for my diagnosis that day.", encoding="utf-8")
    ws = start_workshop(root, name="Own stories", stories=own)
    assert len(ws.project.narratives) == 2
    expected = wb.create_project(tmp_path / "ref", codebook=REPO / "codebooks" / "peer_support_principles.yaml")
    assert ws.project.codebook.names == expected.codebook.names


def test_start_from_a_project_keeps_attributes_and_consent(root: Path, tmp_path: Path) -> None:
    source = wb.create_project(tmp_path / "source", name="Source")
    source.codebook.add("hope", description="looking forward")
    source.add_narrative("A story told in a kitchen.", title="Kitchen", narrator="R1",
                         attributes={"setting": "home"}, id="kitchen")
    source.add_narrative("A story that may be counted, never quoted.", title="Quiet", narrator="R2",
                         attributes={"setting": "group"}, consent="restricted", id="quiet")
    ws = start_workshop(root, name="From a project", stories=source)
    frame = ws.project.narratives.set_index("id")
    assert list(frame.index) == ["kitchen", "quiet"]
    assert frame.loc["quiet", "consent"] == "restricted" and frame.loc["kitchen", "setting"] == "home"
    assert ws.project.codebook.names == ["hope"]


def test_a_chosen_code_is_normalised_refused_twice_and_reopened_on_request(root: Path) -> None:
    ws = start_workshop(root, name="Tuesday", stories=["boots"], code="  Tuesday Group ")
    assert ws.code == "tuesday-group" and ws.folder.name == "tuesday-group"
    with pytest.raises(WorkshopError, match="already exists.*exist_ok=True"):
        start_workshop(root, name="Tuesday", stories=["boots"], code="tuesday-group")
    again = start_workshop(root, name="Tuesday", stories=["boots"], code="tuesday-group", exist_ok=True)
    assert again.folder == ws.folder
    with pytest.raises(WorkshopError, match="belongs to another workshop, 'Tuesday'"):
        start_workshop(root, name="Friday", code="tuesday-group", exist_ok=True)


@pytest.mark.parametrize("kwargs, message", [
    ({"code": "no/slash"}, "cannot be a session code"),
    ({"code": "ab"}, "cannot be a session code"),
    ({"stories": ["kitchen-table", "not-a-story"]}, "not-a-story.*Choose from: kitchen-table"),
    ({"stories": []}, "empty list"),
    ({"stories": ["boots", "boots"]}, "names a story twice"),
    ({"stories": 42}, "not int"),
    ({"name": "two\nlines"}, "name of one line"),
    ({"codebook": "missing.yaml"}, "does not exist"),
])
def test_bad_starts_are_refused_and_leave_nothing_behind(root: Path, kwargs: dict, message: str) -> None:
    arguments = {"name": "W", "stories": ["boots"], **kwargs}
    with pytest.raises(WorkbenchError, match=message):
        start_workshop(root, **arguments)
    assert not root.exists() or list(root.iterdir()) == []


def test_the_root_can_come_from_the_environment(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ROOT_VARIABLE, raising=False)
    with pytest.raises(WorkshopError, match=ROOT_VARIABLE):
        start_workshop(name="W", stories=["boots"])
    monkeypatch.setenv(ROOT_VARIABLE, str(root))
    ws = start_workshop(name="W", stories=["boots"])
    assert ws.root == root.resolve()
    assert "ROOT = None" in ws.invitation()  # participants need only the code
    p, me = join_workshop(ws.code, "Sam")
    assert me == "Sam" and p.path == ws.project.path


# ---------------------------------------------------------------------- joining
def test_join_with_the_code_as_typed_and_rejoin_with_the_same_name(ws: Workshop, root: Path) -> None:
    typed = ws.code.upper().replace("-", " ")
    p, me = join_workshop(f"  {typed} ", "  Sam   Lee ", root=root)
    assert me == "Sam Lee" and p.path == ws.project.path and p is not ws.project
    assert ws.participants == ["Sam Lee"]
    assert (ws.folder / "joined" / "Sam Lee.toml").is_file()
    p.code("two-chairs", 0, 10, "reciprocity", coder=me)
    again, me_again = join_workshop(ws.code, "Sam Lee", root=root)  # after a break: still theirs
    assert me_again == "Sam Lee" and len(again.codings(coder=me_again)) == 1
    assert ws.participants == ["Sam Lee"]


@pytest.mark.parametrize("name, error, message", [
    ("", CoderNameError, "Type your name"),
    ("   ", CoderNameError, "Type your name"),
    ("a/b", CoderNameError, "cannot be a coder name"),
    (".hidden", CoderNameError, "cannot be a coder name"),
    ("group:tables", CoderNameError, "kept for group readings"),
    ("AUTO:x", CoderNameError, "kept for group readings"),
    ("Facilitator", CoderNameError, "facilitator's name"),
    ("sam", CoderNameError, "'Sam' has already joined. If that is you, join as 'Sam' exactly"),
])
def test_bad_names_are_refused_with_a_reason(ws: Workshop, root: Path, name: str, error: type,
                                             message: str) -> None:
    join_workshop(ws.code, "Sam", root=root)
    with pytest.raises(error, match=message):
        join_workshop(ws.code, name, root=root)
    assert ws.participants == ["Sam"]


def test_a_wrong_code_says_so_and_suggests_a_near_one(ws: Workshop, root: Path) -> None:
    near = ws.code[:-2] + ("00" if not ws.code.endswith("00") else "11")
    with pytest.raises(WorkshopError, match=f"no workshop with the code '{near}'.*Did you mean '{ws.code}'"):
        join_workshop(near, "Sam", root=root)
    with pytest.raises(WorkshopError, match="Check the code with your facilitator"):
        join_workshop("something-else-entirely", "Sam", root=root)
    with pytest.raises(WorkshopError, match="Type the session code"):
        join_workshop("  ", "Sam", root=root)
    with pytest.raises(WorkshopError, match="no workshop"):
        open_workshop(ws.code, root=root.parent / "elsewhere")
    assert ws.participants == []


# ---------------------------------------------------------------------- what the facilitator sees
PARTICIPANT = textwrap.dedent("""
    import sys
    from workbench.workshop import code_quote, join_workshop
    code, name, root = sys.argv[1:4]
    p, me = join_workshop(code, name, root=root)
    for line in sys.argv[4:]:
        story, words, tag = line.split("|")
        code_quote(p, story, words, tag, coder=me)
    if name == "Ben":
        p.memo("I read the form as the service speaking.", coder=me, narrative="kitchen-table")
""")

QUOTES = {
    "Ana": ["kitchen-table|Nobody asked me any of them.|not problem-centred",
            "kitchen-table|She didn't reach for a form.|relational safety"],
    "Ben": ["kitchen-table|Nobody asked me any of them. A woman called Dot|not problem-centred",
            "kitchen-table|She didn't reach for a form.|pull of the known",
            "two-chairs|the room held it|relational safety"],
    "Chipo": [],
}


def _participants_code(ws: Workshop) -> None:
    """Three participants, each in a process of their own, join and code at the same time."""
    runs = [subprocess.Popen([sys.executable, "-c", PARTICIPANT, ws.code, name, str(ws.root), *quotes],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name, quotes in QUOTES.items()]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err


def test_progress_differences_and_summary_of_participants_in_other_processes(ws: Workshop) -> None:
    _participants_code(ws)
    assert ws.participants == ["Ana", "Ben", "Chipo"]

    progress = ws.progress()
    assert list(progress.index) == ["Ana", "Ben", "Chipo"]
    assert progress[["codings", "stories", "codes", "memos"]].to_dict("index") == {
        "Ana": {"codings": 2, "stories": 1, "codes": 2, "memos": 0},
        "Ben": {"codings": 3, "stories": 2, "codes": 3, "memos": 1},
        "Chipo": {"codings": 0, "stories": 0, "codes": 0, "memos": 0},
    }
    assert "last_active" not in progress  # off unless the facilitator turns it on (and tells the room)
    progress = ws.progress(show_activity=True)
    assert progress.loc["Chipo", "last_active"] is pd.NaT or pd.isna(progress.loc["Chipo", "last_active"])
    assert progress.loc["Ben", "last_active"] >= progress.loc["Ben", "last_active"].normalize()

    where = ws.progress(by="story")
    assert where.to_dict("index") == {"The kitchen table": {"Ana": 2, "Ben": 2, "Chipo": 0},
                                      "Two chairs": {"Ana": 0, "Ben": 1, "Chipo": 0}}

    d = ws.differences()
    text = ws.project.text("kitchen-table")
    dot = " A woman called Dot"
    rows = {r.code: r for r in d.itertuples()}
    assert set(rows) == {"not problem-centred", "relational safety", "pull of the known"}
    assert d["narrative_id"].eq("kitchen-table").all()  # only Ben coded two-chairs: nothing to compare
    boundary = rows["not problem-centred"]
    assert (boundary.stretches, boundary.characters, boundary.kinds) == (1, len(dot), "boundaries differ")
    assert text.count(dot) == 1 and boundary.example == dot.strip()
    assert (boundary.example_with, boundary.example_without) == ("Ben", "Ana")
    form = "She didn't reach for a form."
    assert (rows["relational safety"].characters, rows["relational safety"].example_with) == (len(form), "Ana")
    assert (rows["pull of the known"].example_with, rows["pull of the known"].example_without) == ("Ben", "Ana")
    assert rows["pull of the known"].kinds == "different codes"
    assert list(d["characters"]) == sorted(d["characters"], reverse=True)

    summary = ws.summary()
    expected_alpha = wb.agreement.unit_agreement(ws.project, unit="paragraph", coders=["Ana", "Ben"]).loc[
        "overall", "krippendorff_alpha"]
    assert summary.to_dict() == {
        "workshop": "Tuesday workshop", "code": ws.code, "participants": 3, "names": "Ana, Ben, Chipo",
        "stories": 2, "stories coded": 2, "stories coded by two or more": 1, "codings": 5, "memos": 1,
        "places where readings differ": 3, "agreement (alpha, paragraphs)": round(float(expected_alpha), 2),
    }


def test_views_are_empty_not_errors_before_anyone_codes(ws: Workshop, root: Path) -> None:
    join_workshop(ws.code, "Sam", root=root)
    assert ws.progress().loc["Sam", "codings"] == 0
    assert ws.differences().empty and list(ws.differences().columns)[:3] == ["narrative_id", "title", "code"]
    summary = ws.summary()
    assert summary["participants"] == 1 and summary["agreement (alpha, paragraphs)"] is None
    with pytest.raises(WorkshopError, match="by must be"):
        ws.progress(by="coder")


def test_group_readings_and_machine_coders_are_not_participants(ws: Workshop, root: Path) -> None:
    p, me = join_workshop(ws.code, "Sam", root=root)
    code_quote(p, "two-chairs", "the room held it", "relational safety", coder=me)
    p.code("two-chairs", 0, 5, "reciprocity", coder="group:tables")
    wb.analysis.autocode(p, r"\bchairs\b", "reciprocity")
    assert list(ws.progress().index) == ["Sam"]
    assert ws.summary()["codings"] == 1


def test_a_restricted_story_is_counted_never_quoted(root: Path, tmp_path: Path) -> None:
    source = wb.create_project(tmp_path / "source", name="Source")
    source.codebook.add("hope")
    source.add_narrative("Nobody asked me. I felt hope that week.", title="Quiet", consent="restricted", id="quiet")
    ws = start_workshop(root, name="W", stories=source)
    for name, words in (("Ana", "Nobody asked me."), ("Ben", "Nobody asked me. I felt hope")):
        p, me = join_workshop(ws.code, name, root=root)
        code_quote(p, "quiet", words, "hope", coder=me)
    d = ws.differences()
    assert len(d) == 1 and d.loc[0, "example"] == "[restricted]" and d.loc[0, "characters"] == len(" I felt hope")


def test_example_participants_rehearse_with_the_sample_coders(ws: Workshop) -> None:
    assert ws.add_example_participants() == ["ana", "ben", "chipo"]
    sample = wb.sample_project(copy_to=ws.root.parent / "sample-copy")
    expected = sample.codings(narrative=STORIES).groupby("coder").size().to_dict()
    assert ws.progress()["codings"].to_dict() == expected
    assert ws.add_example_participants() == ["ana", "ben", "chipo"]  # twice: nothing doubled
    assert ws.progress()["codings"].to_dict() == expected
    assert len(ws.differences()) > 0


def test_example_participants_need_sample_stories(root: Path, tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "a.txt").write_text("A story of our own.", encoding="utf-8")
    ws = start_workshop(root, name="Own", stories=own)
    with pytest.raises(WorkshopError, match="sample stories"):
        ws.add_example_participants()
    assert ws.participants == []


# ---------------------------------------------------------------------- coding by quoting
def test_code_quote_finds_the_words_across_capitals_and_line_breaks(ws: Workshop, root: Path) -> None:
    p, me = join_workshop(ws.code, "Sam", root=root)
    text = p.text("kitchen-table")
    cid = code_quote(p, "kitchen-table", "i had my answers ready.   nobody asked", "not problem-centred", coder=me,
                     note="the questions never came")
    row = p.codings(coder=me).set_index("coding_id").loc[cid]
    assert text[row["start"]:row["end"]] == "I had my answers ready.\n\nNobody asked"
    assert row["note"] == "the questions never came"
    towels = "where the towels were"
    assert text.count(towels) == 2
    with pytest.raises(WorkbenchError, match="appears 2 times.*occurrence="):
        code_quote(p, "kitchen-table", towels, "reciprocity", coder=me)
    second = code_quote(p, "kitchen-table", towels, "reciprocity", coder=me, occurrence=2)
    start = p.codings(coder=me).set_index("coding_id").loc[second, "start"]
    assert start == text.index(towels, text.index(towels) + 1)
    with pytest.raises(WorkbenchError, match="is not in the story"):
        code_quote(p, "kitchen-table", "words that are not there", "reciprocity", coder=me)
    with pytest.raises(WorkbenchError, match="occurrence must be"):
        code_quote(p, "kitchen-table", towels, "reciprocity", coder=me, occurrence=3)
    with pytest.raises(WorkbenchError, match="Quote the words"):
        code_quote(p, "kitchen-table", "  ", "reciprocity", coder=me)
    assert len(p.codings(coder=me)) == 2


# ---------------------------------------------------------------------- the live panel
def test_the_live_panel_shows_new_work_from_another_process(ws: Workshop) -> None:
    panel = ws.monitor(every=1)
    try:
        assert "nobody yet" in panel.value and ws.code in panel.value
        assert repr(panel) == "<WorkshopMonitor of 'Tuesday workshop', every 1 s>"
        _participants_code(ws)
        # the panel may show a moment when only some had joined: wait for all (generously: a loaded machine is slow)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (
                "readings differ: <b>3</b>" in panel.value and all(n in panel.value for n in ("Ana", "Ben", "Chipo"))):
            time.sleep(0.2)
        assert "Ana" in panel.value and "Ben" in panel.value and "Chipo" in panel.value
        assert "Places where readings differ: <b>3</b>" in panel.value
    finally:
        panel.close()
    with pytest.raises(WorkshopError, match="every must be"):
        ws.monitor(every=0)


# ---------------------------------------------------------------------- permissions
@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_workshop_files_follow_the_umask_for_a_team_folder(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import os, sys
        os.umask(0o007)
        from workbench.workshop import join_workshop, start_workshop
        ws = start_workshop(sys.argv[1], name="Team", stories=["boots"], code="team")
        join_workshop("team", "Sam", root=sys.argv[1])
    """)
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "shared")], check=True)
    folder = tmp_path / "shared" / "team"
    for path in [folder, folder / "joined", folder / "project", folder / "project" / "events" / "codings"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o770, path
    for path in [folder / "workshop.toml", folder / "joined" / "Sam.toml"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o660, path
