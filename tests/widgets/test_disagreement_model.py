"""The disagreement explorer's model without a browser: messages in, Project calls and state out."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import workbench as wb
from workbench.agreement.dialogue import disagreements
from workbench.errors import CoderNameError, UnknownCodeError, UnknownNarrativeError, WorkbenchError
from workbench.widgets.disagreement import DisagreementExplorer, disagreement_explorer

WIDGETS = Path(__file__).resolve().parents[2] / "workbench" / "widgets"
STORY = "I felt 😀 joy when we met. Later I made tea for someone new, and nobody asked why.\n"
SECOND = "Nobody asked about my diagnosis. We talked about gardens.\n"


@pytest.fixture
def proj(tmp_path: Path) -> wb.Project:
    p = wb.create_project(tmp_path / "proj", name="Explorer project")
    p.codebook.add("hope", color="#E69F00")
    p.codebook.add("reciprocity", color="#0072B2")
    p.codebook.add("relational safety", color="#009E73")
    p.add_narrative(STORY, title="Tea", narrator="R01", id="tea")
    p.add_narrative(SECOND, title="Gardens", narrator="R02", id="gardens")
    p.add_narrative("Nobody coded this one yet.\n", title="Unread", id="unread")
    p.code("tea", 0, 12, "hope", "ana")
    p.code("tea", 7, 12, "hope", "ben")
    p.code("tea", 27, 57, "reciprocity", "ana")
    p.code("tea", 27, 57, "hope", "ben")
    p.code("gardens", 0, 32, "relational safety", "ben")
    p.code("gardens", 33, 57, "hope", "ana")
    return p


class Sent(list):
    def last_reply(self) -> dict:
        return [m for m in self if m.get("type") == "reply"][-1]


@pytest.fixture
def widget(proj, monkeypatch):
    w = disagreement_explorer(proj, coder="sam")
    sent = Sent()
    monkeypatch.setattr(w, "send", lambda content, buffers=None: sent.append(content))
    w.sent = sent
    yield w
    w.close()


def send(w: DisagreementExplorer, **content) -> dict:
    content.setdefault("req", f"r{len(w.sent)}")
    w._on_msg(w, content, [])
    return w.sent.last_reply()


def test_opens_at_the_first_disagreement_with_lanes_and_a_stable_repr(widget, proj):
    expected = disagreements(proj)
    assert widget.total == len(expected) == 5
    assert widget.position == 0 and widget.doc["id"] == "tea" and widget.doc["text"] == STORY
    assert [lane["coder"] for lane in widget.lanes] == ["ana", "ben"]
    assert [item["index"] for item in widget.items] == list(expected.index[expected["narrative_id"] == "tea"])
    first = widget.items[0]
    assert (first["start"], first["end"], first["with"], first["without"], first["kind"]) == (
        0, 7, ["ana"], ["ben"], "boundaries differ")
    assert widget.people == ["ana", "ben", "sam"] and widget.compared == ["ana", "ben"]
    assert [n["count"] for n in widget.narratives] == [3, 2, 0]
    text = repr(widget)
    assert text == ("<DisagreementExplorer coder='sam' project='Explorer project' code='all codes' "
                    "narrative='tea' disagreements=5 position=0>")
    assert not re.search(r"0x[0-9a-f]+", text)


def test_stepping_wraps_and_crosses_narratives(widget):
    seen = []
    for _ in range(widget.total):
        reply = send(widget, type="step", by=1)
        assert reply["ok"]
        seen.append((widget.position, widget.doc["id"]))
    assert seen[-1] == (0, "tea")  # wrapped round
    assert ("gardens" in {nid for _, nid in seen})
    assert send(widget, type="step", by=-1)["position"] == widget.total - 1
    assert widget.doc["id"] == "gardens" and widget.current["narrative_id"] == "gardens"
    assert send(widget, type="go", index=2)["ok"] and widget.position == 2
    reply = send(widget, type="go", index=99)
    assert not reply["ok"] and "no disagreement number" in reply["error"]
    reply = send(widget, type="go", index="1")
    assert not reply["ok"]
    assert widget.next().previous().position == 2


def test_show_filter_and_unknown_requests(widget):
    assert send(widget, type="show", narrative="unread")["ok"]
    assert widget.doc["id"] == "unread" and widget.position == -1 and widget.items == [] and widget.lanes == []
    assert send(widget, type="show", narrative="gardens")["ok"]
    assert widget.current["narrative_id"] == "gardens"
    assert not send(widget, type="show", narrative="nope")["ok"]
    assert send(widget, type="filter", code="hope")["ok"]
    assert widget.code == "hope" and set(widget.disagreements["code"]) == {"hope"}
    assert widget.doc["id"] == "gardens"  # stays on the narrative shown
    assert all(span["code"] == "hope" for lane in widget.lanes for span in lane["spans"])
    reply = send(widget, type="filter", code="hop")
    assert not reply["ok"] and "no code 'hop'" in reply["error"] and widget.code == "hope"
    assert send(widget, type="filter", code="")["ok"] and widget.code == ""
    reply = send(widget, type="explode")
    assert not reply["ok"] and "does not understand" in reply["error"]


def test_dialogue_memo_from_the_browser_names_participants(widget, proj):
    send(widget, type="go", index=2)
    row = widget.current
    reply = send(widget, type="memo", text="  We heard it differently and that is fine. ",
                 participants=["ana", "ben", "sam", "Jo (facilitator)"], title="")
    assert reply["ok"]
    memo = wb.open_project(proj.path).memos(kind="dialogue").iloc[-1]
    assert memo["memo_id"] == reply["memo_id"] and memo["coder"] == "sam"
    assert memo["participants"] == sorted(["ana", "ben", "sam", "Jo (facilitator)"])
    assert (memo["narrative_id"], memo["code"]) == (row["narrative_id"], row["code"])
    assert memo["text"] == "We heard it differently and that is fine."
    assert widget.memos[-1]["participants"] == memo["participants"]
    for bad in ({"text": "", "participants": ["ana"]}, {"text": "x", "participants": []},
                {"text": "x", "participants": "ana"}, {"text": "x", "participants": ["a/b"]}):
        assert not send(widget, type="memo", **bad)["ok"]
    assert len(wb.open_project(proj.path).memos(kind="dialogue")) == 1


def test_group_reading_from_the_browser_keeps_everyone_elses(widget, proj):
    before = proj.codings().drop(columns=["created_at"])
    row = widget.current
    reply = send(widget, type="group", group="group:tuesday", start=int(row["passage_start"]),
                 end=int(row["passage_end"]), code="hope", note=" agreed ")
    assert reply["ok"] and reply["group"] == "group:tuesday"
    fresh = wb.open_project(proj.path)
    group = fresh.codings(coder="group:tuesday")
    assert group[["narrative_id", "start", "end", "code", "note"]].values.tolist() == [
        ["tea", 0, 12, "hope", "agreed"]]
    assert fresh.codings(coder=["ana", "ben"]).drop(columns=["created_at"]).equals(before)
    assert [lane["coder"] for lane in widget.lanes] == ["ana", "ben", "group:tuesday"]
    assert widget.lanes[-1]["group"] is True and widget.groups == ["group:tuesday"]
    assert widget.total == 5  # group readings are not compared unless named
    assert widget.position == 0  # still on the same stretch
    for bad in ({"group": "tuesday"}, {"group": "group:"}, {"group": "group:x", "start": "0"},
                {"group": "group:x", "code": "nope"}, {"group": "group:x", "end": 999}):
        message = {"group": "group:x", "start": 0, "end": 12, "code": "hope", **bad}
        assert not send(widget, type="group", **message)["ok"]
    assert set(wb.open_project(proj.path).codings()["coder"]) == {"ana", "ben", "group:tuesday"}


def test_refresh_picks_up_other_processes_work(widget, proj):
    other = wb.open_project(proj.path)
    other.code("unread", 0, 6, "hope", "cleo")
    other.code("unread", 0, 14, "hope", "ana")
    assert send(widget, type="refresh")["ok"]
    assert widget.compared == ["ana", "ben", "cleo"]
    counts = {n["id"]: n["count"] for n in widget.narratives}
    assert counts["unread"] == 1
    assert widget.doc["id"] == "tea" and widget.position == 0


def test_scope_code_and_coders_arguments(proj):
    w = disagreement_explorer(proj, narrative="gardens", code="hope", coders=["ana", "ben"], coder="ana")
    try:
        assert [n["id"] for n in w.narratives] == ["gardens"]
        assert w.code == "hope" and w.total == 1 and w.current["coders_with"] == ("ana",)
    finally:
        w.close()
    with pytest.raises(CoderNameError, match="Say who is using"):
        disagreement_explorer(proj)
    with pytest.raises(CoderNameError, match="is a group"):
        disagreement_explorer(proj, coder="group:tuesday")
    with pytest.raises(UnknownCodeError):
        disagreement_explorer(proj, code="nope", coder="ana")
    with pytest.raises(UnknownNarrativeError):
        disagreement_explorer(proj, narrative="nope", coder="ana")
    with pytest.raises(WorkbenchError, match="needs a project"):
        disagreement_explorer("proj", coder="ana")


def test_one_coder_only_shows_a_notice_instead_of_failing(tmp_path):
    p = wb.create_project(tmp_path / "solo")
    p.codebook.add("hope")
    p.add_narrative("Only one reader so far.\n", id="solo")
    p.code("solo", 0, 4, "hope", "ana")
    w = disagreement_explorer(p, coder="ana")
    try:
        assert w.total == 0 and w.position == -1 and "at least two coders" in w.notice
        assert w.doc["id"] == "solo" and [lane["coder"] for lane in w.lanes] == ["ana"]
        w.send = lambda content, buffers=None: setattr(w, "last", content)
        w._on_msg(w, {"type": "step", "by": 1, "req": "1"}, [])
        assert w.last["ok"] is False and "at least two coders" in w.last["error"]
    finally:
        w.close()


def test_front_end_files_ship_without_a_build_step(tmp_path):
    module = DisagreementExplorer._esm
    assert "export default { render }" in module and "from \"./shared.js\"" not in module
    assert "function h(" in module  # shared.js inlined
    assert ".wb-dx" in DisagreementExplorer._css
    # nothing a person wrote reaches the page as HTML
    source = (WIDGETS / "disagreement.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", source)
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the ES module's syntax is checked in the browser tests only")
    copy = tmp_path / "disagreement.mjs"
    copy.write_text(module, encoding="utf-8")
    result = subprocess.run([node, "--check", str(copy)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
