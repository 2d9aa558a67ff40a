"""A workshop's blind round stays blind: a participant's coding widget shows no other coder until the reveal."""

from __future__ import annotations

import workbench as wb
from workbench.widgets import coding
from workbench.workshop import join_workshop, round_file, start_workshop


def _workshop(tmp_path):
    ws = start_workshop(tmp_path / "shared", name="Tuesday", code="kettle-garden-42", stories=["kitchen-table"])
    ws.add_example_participants()
    p, me = join_workshop("kettle-garden-42", name="Sam", root=tmp_path / "shared")
    return ws, p, me


def test_the_widget_asks_the_workshop_for_the_round(tmp_path):
    """One rule for the round: the widget calls the workshop's own, and watches the file the reveal writes."""
    assert coding.blind_round is wb.workshop.blind_round and coding.round_file is round_file
    ws, p, me = _workshop(tmp_path)
    ws.reveal()
    assert round_file(p.path).is_file()


def test_run_all_asking_for_everyone_shows_only_me_until_the_reveal(tmp_path):
    ws, p, me = _workshop(tmp_path)
    p.code("kitchen-table", 0, 20, "relational safety", coder=me)
    w = wb.coding_widget(p, coder=me, view="all")  # the participant notebook's last cell
    assert w.view == "blind" and w.locked
    assert {c["coder"] for c in w.codings} == {me}
    assert w.hidden == 0 and {m["coder"] for m in w.memos} <= {me}
    assert "facilitator opens the comparison" in w.locked
    ws.reveal()
    w.refresh()
    assert w.view == "all" and not w.locked
    assert {c["coder"] for c in w.codings} >= {me, "ana", "ben", "chipo"}
    ws.reveal(False)
    w.refresh()
    assert w.view == "blind" and {c["coder"] for c in w.codings} == {me}
    w.close()


def test_the_view_menu_cannot_open_the_others_during_the_blind_round(tmp_path):
    ws, p, me = _workshop(tmp_path)
    w = wb.coding_widget(p, coder=me)
    for asked in ("all", "mine", "ana"):
        w.view = asked  # what the browser's menu sets
        assert w.view == "blind", asked
        assert not [c for c in w.codings if c["coder"] != me]
    ws.reveal()
    w.refresh()
    assert w.view == "ana" and {c["coder"] for c in w.codings} == {"ana"}  # the last view asked for
    w.close()


def test_the_facilitator_and_a_plain_project_are_not_locked(tmp_path):
    ws, p, me = _workshop(tmp_path)
    w = wb.coding_widget(p, coder=ws.facilitator, view="all")
    assert w.view == "all" and not w.locked
    w.close()
    plain = wb.sample_project(copy_to=tmp_path / "plain")
    w = wb.coding_widget(plain, coder="ana", view="all")
    assert w.view == "all" and not w.locked and len({c["coder"] for c in w.codings}) > 1
    w.close()


def test_the_reveal_changes_what_the_watcher_looks_at(tmp_path):
    from workbench.widgets.coding import _watched_stamp

    ws, p, _ = _workshop(tmp_path)
    before = _watched_stamp(p.path)
    ws.reveal()
    assert _watched_stamp(p.path) != before


def test_the_reveal_button_toggles_the_round(tmp_path):
    ws, _, _ = _workshop(tmp_path)
    button = ws.reveal_button()
    button.click()
    assert ws.revealed and button.description.startswith("Back to blind")
    button.click()
    assert not ws.revealed
