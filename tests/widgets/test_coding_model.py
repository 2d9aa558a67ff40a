"""The coding widget's model without a browser: messages in, Project calls and state out."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import workbench as wb
from workbench.errors import CoderNameError, UnknownNarrativeError, WorkbenchError
from workbench.widgets import PROMPTS, CodingWidget, coding_widget
from workbench.widgets.coding import _WATCHER

HERE = Path(__file__).resolve().parent
WIDGETS = HERE.parents[1] / "workbench" / "widgets"
STORY = "I felt 😀 joy when we met.\n\nПривет, друзья. Later I made tea for someone new.\n"
SECOND = "Nobody asked about my diagnosis. We talked about gardens.\n"


@pytest.fixture
def proj(tmp_path: Path) -> wb.Project:
    p = wb.create_project(tmp_path / "proj", name="Widget project")
    p.codebook.add("hope", description="Looking forward")
    p.codebook.add("reciprocity", description="Both sides give")
    p.codebook.add("relational safety", parent="reciprocity")
    p.codebook.add("barriers")
    p.add_narrative(STORY, title="Tea", narrator="R01", id="tea", attributes={"setting": "peer group", "year": 2024})
    p.add_narrative(SECOND, title="Gardens", narrator="R02", id="gardens",
                    attributes={"setting": "drop-in", "year": 2025})
    p.code("gardens", 0, 13, "relational safety", coder="ben", note="felt safe")
    p.memo("ben's first thoughts", coder="ben", narrative="gardens")
    return p


class Sent(list):
    """Messages the widget sent to the browser."""

    def replies(self) -> list[dict]:
        return [m for m in self if m.get("type") == "reply"]

    def last_reply(self) -> dict:
        return self.replies()[-1]


@pytest.fixture
def widget(proj, monkeypatch):
    w = coding_widget(proj, coder="ana")
    _WATCHER.discard(w)  # deterministic: the thread's heartbeats would interleave; one test adds it back
    sent = Sent()
    monkeypatch.setattr(w, "send", lambda content, buffers=None: sent.append(content))
    w.sent = sent
    yield w
    w.close()


def send(w: CodingWidget, **content) -> dict:
    """Deliver a message as the browser would; return the widget's reply."""
    content.setdefault("req", f"r{len(w.sent)}")
    w._handle_custom_msg(content, [])
    return w.sent.last_reply()


def sync_state(w: CodingWidget) -> dict:
    names = ["coder", "project_name", "narratives", "narrative", "doc", "codings", "hidden", "codebook", "coders",
             "view", "memos", "prompts"]
    return {name: getattr(w, name) for name in names}


# ---------------------------------------------------------------------- what the browser is given
def test_initial_state_lists_narratives_codebook_in_tree_order_and_progress(widget, proj):
    assert [n["id"] for n in widget.narratives] == ["tea", "gardens"]
    tea = widget.narratives[0]
    assert (tea["title"], tea["narrator"], tea["mine"]) == ("Tea", "R01", 0)
    assert ["setting", "peer group"] in tea["attributes"] and ["year", "2024"] in tea["attributes"]
    assert [(c["name"], c["level"]) for c in widget.codebook] == [
        ("hope", 0), ("reciprocity", 0), ("relational safety", 1), ("barriers", 0)]
    assert widget.narrative == "tea" and widget.doc["text"] == proj.text("tea")
    assert widget.codings == [] and widget.view == "mine"
    assert widget.coders == ["ben"]
    assert widget.prompts == PROMPTS
    for question in ("How would you listen to a story told by someone whose grammar you don't understand?",
                     "How might your status and power",
                     "What in this story are you quick to name, and what might you be missing?"):
        assert any(prompt.startswith(question) for prompt in widget.prompts)
    assert sum("(Mead and MacNeil" in prompt for prompt in widget.prompts) == 2  # the paper's questions, credited


def test_state_is_strict_json_even_with_missing_values(widget):
    widget.narrative = "gardens"  # ben's memo has no title (NaN in pandas 3), ben's coding a note
    widget.view = "all"
    json.dumps(sync_state(widget), allow_nan=False)
    assert widget.memos[0]["title"] == ""


def test_repr_names_coder_project_narrative_and_view(widget):
    assert repr(widget) == "<CodingWidget coder='ana' project='Widget project' narrative='tea' view='mine'>"
    bundle = widget._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert bundle["text/plain"] == repr(widget) and not re.search(r"0x[0-9a-f]+", bundle["text/plain"])


def test_bad_arguments_are_refused_with_workbench_errors(proj, tmp_path):
    with pytest.raises(CoderNameError):
        coding_widget(proj, coder="a/b")
    with pytest.raises(WorkbenchError, match="view must be"):
        coding_widget(proj, coder="ana", view="everyone")
    with pytest.raises(UnknownNarrativeError):
        coding_widget(proj, coder="ana", narrative="nope")
    with pytest.raises(WorkbenchError, match="needs a project"):
        coding_widget(str(tmp_path), coder="ana")


def test_custom_prompts_replace_the_defaults(proj):
    w = coding_widget(proj, coder="ana", prompts=["Whose story is this?"])
    assert w.prompts == ["Whose story is this?"]
    w.close()


# ---------------------------------------------------------------------- messages -> Project calls
def test_code_message_writes_through_project_and_updates_state(widget, proj):
    start = STORY.index("joy")
    reply = send(widget, type="code", narrative="tea", start=start, end=start + 3, code="hope")
    assert reply["ok"] and reply["coding_id"]
    fresh = wb.open_project(proj.path)  # what is on disk, read by someone else
    row = fresh.codings(coder="ana").iloc[0]
    assert (row.coding_id, row.narrative_id, row.start, row.end, row.code, row.text) == (
        reply["coding_id"], "tea", start, start + 3, "hope", "joy")
    assert [c["id"] for c in widget.codings] == [reply["coding_id"]]
    assert widget.codings[0]["mine"] is True and widget.codings[0]["start"] == start
    assert widget.narratives[0]["mine"] == 1


def test_the_same_passage_and_code_twice_is_refused(widget, proj):
    send(widget, type="code", narrative="tea", start=0, end=6, code="hope")
    reply = send(widget, type="code", narrative="tea", start=0, end=6, code="Hope")
    assert not reply["ok"] and "already coded" in reply["error"]
    assert len(wb.open_project(proj.path).codings(coder="ana")) == 1


@pytest.mark.parametrize("start,end,needle", [(10, 4, "reversed"), (0, 10_000, "outside"), (3, 3, "empty"),
                                              ("3", 5, "whole number")])
def test_bad_spans_come_back_as_visible_errors_and_write_nothing(widget, proj, start, end, needle):
    reply = send(widget, type="code", narrative="tea", start=start, end=end, code="hope")
    assert not reply["ok"] and needle in reply["error"]
    assert len(wb.open_project(proj.path).codings(coder="ana")) == 0


def test_unknown_code_unknown_request_and_unexpected_failures_are_reported(widget, monkeypatch):
    reply = send(widget, type="code", narrative="tea", start=0, end=5, code="no such code")
    assert not reply["ok"] and "no code 'no such code'" in reply["error"]
    reply = send(widget, type="launch_rockets")
    assert not reply["ok"] and "does not understand" in reply["error"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(widget.project, "code", broken)
    reply = send(widget, type="code", narrative="tea", start=0, end=5, code="hope")
    assert not reply["ok"] and "Unexpected error (RuntimeError: disk on fire)" in reply["error"]


def test_uncode_own_coding_but_not_someone_elses(widget, proj):
    cid = send(widget, type="code", narrative="tea", start=0, end=6, code="hope")["coding_id"]
    assert send(widget, type="uncode", id=cid)["ok"]
    assert widget.codings == []
    history = wb.open_project(proj.path).history()
    assert history[history.coding_id == cid].event.tolist() == ["coded", "uncoded"]
    bens = proj.codings(coder="ben").coding_id.iloc[0]
    reply = send(widget, type="uncode", id=bens)
    assert not reply["ok"] and "belongs to 'ben'" in reply["error"]
    assert len(wb.open_project(proj.path).codings(coder="ben")) == 1


def test_annotate_sets_the_note_of_own_coding(widget, proj):
    cid = send(widget, type="code", narrative="tea", start=0, end=6, code="hope")["coding_id"]
    assert send(widget, type="annotate", id=cid, note="  my reading  ")["ok"]
    assert widget.codings[0]["note"] == "my reading"
    assert wb.open_project(proj.path).codings(coder="ana").note.iloc[0] == "my reading"
    assert not send(widget, type="annotate", id=cid, note=None)["ok"]


def test_add_code_records_a_codebook_event_with_parent_and_rationale(widget, proj):
    reply = send(widget, type="add_code", name="naming the unnamed", description="words for it",
                 parent="hope", rationale="came up three times")
    assert reply["ok"] and reply["name"] == "naming the unnamed"
    entry = next(c for c in widget.codebook if c["name"] == "naming the unnamed")
    assert (entry["parent"], entry["level"], entry["description"]) == ("hope", 1, "words for it")
    history = wb.open_project(proj.path).codebook.history()
    last = history.iloc[-1]
    assert (last.coder, last.event, last.code, last.rationale) == ("ana", "add", "naming the unnamed",
                                                                   "came up three times")
    reply = send(widget, type="add_code", name="HOPE")
    assert not reply["ok"] and "already has a code" in reply["error"]
    assert not send(widget, type="add_code", name="")["ok"]


def test_memos_tied_to_narrative_code_or_coding(widget, proj):
    cid = send(widget, type="code", narrative="tea", start=0, end=6, code="hope")["coding_id"]
    assert send(widget, type="memo", text="I name hope fast.", kind="reflexive", tie="narrative",
                title="What am I quick to name?")["ok"]
    assert send(widget, type="memo", text="Hope and tea", kind="analytic", tie="code:hope")["ok"]
    assert send(widget, type="memo", text="This one moved me", tie=f"coding:{cid}")["ok"]
    memos = wb.open_project(proj.path).memos(coder="ana")
    assert memos[["kind", "narrative_id", "code", "coding_id"]].fillna("").values.tolist() == [
        ["reflexive", "tea", "", ""], ["analytic", "tea", "hope", ""], ["reflexive", "tea", "", cid]]
    assert memos.title.iloc[0] == "What am I quick to name?"
    assert [m["text"] for m in widget.memos] == ["I name hope fast.", "Hope and tea", "This one moved me"]
    assert widget.narratives[0]["memos"] == 3
    assert not send(widget, type="memo", text="   ")["ok"]
    assert not send(widget, type="memo", text="x", kind="dialogue")["ok"]
    assert not send(widget, type="memo", text="x", tie="elsewhere")["ok"]


# ---------------------------------------------------------------------- views and narratives
def test_views_mine_all_blind_and_one_coder(widget):
    widget.narrative = "gardens"
    assert widget.codings == [] and widget.hidden == 1
    assert [m["coder"] for m in widget.memos] == ["ben"]
    widget.view = "all"
    assert [c["coder"] for c in widget.codings] == ["ben"] and widget.hidden == 0
    assert widget.codings[0]["note"] == "felt safe" and widget.codings[0]["mine"] is False
    widget.view = "ben"
    assert [c["coder"] for c in widget.codings] == ["ben"]
    widget.view = "blind"
    assert widget.codings == [] and widget.hidden == 0 and widget.memos == []


def test_an_unknown_view_or_narrative_from_the_browser_is_refused_visibly(widget):
    widget.view = "nobody"
    assert widget.view == "mine"
    errors = [m["error"] for m in widget.sent if m["type"] == "error"]
    assert len(errors) == 1 and "view must be" in errors[0]
    widget.narrative = "missing"
    assert widget.narrative == "tea"
    errors = [m["error"] for m in widget.sent if m["type"] == "error"]
    assert len(errors) == 2 and "no narrative 'missing'" in errors[1]


def test_switching_narrative_sends_its_text_codings_and_memos(widget, proj):
    widget.view = "all"
    widget.narrative = "gardens"
    assert widget.doc["id"] == "gardens" and widget.doc["text"] == SECOND
    assert widget.doc["attributes"] == [["setting", "drop-in"], ["year", "2025"]]
    assert len(widget.codings) == 1 and len(widget.memos) == 1


# ---------------------------------------------------------------------- others' work arrives
def test_poll_picks_up_another_writers_codings_codebook_and_memos(widget, proj):
    other = wb.open_project(proj.path)  # a second writer on the same folder
    other.code("tea", 0, 6, "reciprocity", coder="chipo")
    other.codebook.add("belonging", coder="chipo", rationale="heard twice")
    other.memo("chipo was here", coder="chipo", narrative="tea")
    widget.view = "all"
    assert [c["coder"] for c in widget.codings] == []  # not yet looked
    assert send(widget, type="poll")["ok"]
    assert [c["coder"] for c in widget.codings] == ["chipo"]
    assert "belonging" in [c["name"] for c in widget.codebook]
    assert [m["text"] for m in widget.memos] == ["chipo was here"]
    assert "chipo" in widget.coders


def test_a_withdrawn_narrative_is_closed_with_a_message(widget, proj):
    wb.open_project(proj.path).withdraw("tea", reason="narrator asked")
    send(widget, type="poll")
    assert widget.narrative == "gardens" and [n["id"] for n in widget.narratives] == ["gardens"]
    assert any(m.get("type") == "error" and "'tea' is no longer available" in m["error"] for m in widget.sent)


def test_watcher_nudges_the_browser_once_per_change_and_not_for_own_writes(widget, proj):
    now = time.monotonic()
    widget._watch_step(now)
    assert [m["type"] for m in widget.sent] in ([], ["tick"])
    widget.sent.clear()
    send(widget, type="code", narrative="tea", start=0, end=6, code="hope")  # our own write
    widget.sent.clear()
    widget._watch_step(now + 0.1)
    assert [m["type"] for m in widget.sent] == []
    wb.open_project(proj.path).code("tea", 0, 6, "hope", coder="chipo")
    widget._watch_step(now + 0.2)
    widget._watch_step(now + 0.3)
    assert [m["type"] for m in widget.sent] == ["changed"]  # once, not on every look
    send(widget, type="poll")
    widget.sent.clear()
    widget._watch_step(now + 4)
    assert [m["type"] for m in widget.sent] == ["tick"]  # heartbeat: the browser need not poll itself


def test_the_watcher_thread_notices_another_process_within_a_second(widget, proj):
    _WATCHER.add(widget)
    widget.sent.clear()
    script = "import sys, workbench as wb\nwb.open_project(sys.argv[1]).code('tea', 0, 6, 'hope', coder='dee')\n"
    subprocess.run([sys.executable, "-c", script, str(proj.path)], check=True, timeout=60)
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and not any(m["type"] == "changed" for m in widget.sent):
        time.sleep(0.05)
    assert any(m["type"] == "changed" for m in widget.sent)


# ---------------------------------------------------------------------- the front-end files
def test_front_end_is_plain_es_modules_with_shared_helpers_inlined():
    esm = CodingWidget._esm if isinstance(CodingWidget._esm, str) else str(CodingWidget._esm)
    assert "export default" in esm and 'from "./shared.js"' not in esm
    assert "export class OffsetMap" in esm  # shared.js travels with the module
    assert (WIDGETS / "coding.css").exists() and ".wb-coding" in str(CodingWidget._css)


@pytest.mark.parametrize("name", ["coding.js", "shared.js"])
def test_front_end_never_parses_strings_as_html(name):
    source = (WIDGETS / name).read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "createContextualFragment", "srcdoc"):
        assert sink not in source, f"{name} uses {sink}"
