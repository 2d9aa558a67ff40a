"""The facilitator's view shows what was coded and where readings differ; watching people is off by default."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import workbench as wb
from workbench.workshop import start_workshop
from workbench.workshop._panel import panel_html


@pytest.fixture
def ws(tmp_path: Path):
    ws = start_workshop(tmp_path / "workshops", name="Tuesday", stories=["kitchen-table", "two-chairs"])
    ws.add_example_participants()
    return ws


def test_progress_and_panel_leave_out_activity_and_pair_colours_by_default(ws) -> None:
    assert "last_active" not in ws.progress()
    page = panel_html(ws)
    assert "last active" not in page and "data-wb='pairs'" not in page and "#fcd5d5" not in page
    assert "data-wb='codes-used'" in page and "Codes used: " in page  # what was coded
    assert "Places where readings differ" in page
    used = ws.codes_used()
    assert used["codings"].sum() == len(ws.project.codings()) and used["codings"].is_monotonic_decreasing


def test_the_facilitator_can_turn_them_on_and_is_told_to_say_so(ws) -> None:
    assert "last_active" in ws.progress(show_activity=True)
    page = panel_html(ws, show_activity=True, colour_pairs=True)
    assert "last active (UTC)" in page
    assert page.count("<tr style='background:") == 3  # three pairs, each coloured, with words beside the colour
    assert any(word in page for word in ("(low)", "(tentative)", "(reliable)"))
    signature = inspect.signature(ws.monitor)
    assert signature.parameters["show_activity"].default is False
    assert signature.parameters["colour_pairs"].default is False
    assert "tell the room" in ws.monitor.__doc__
    panel = ws.monitor(every=5, show_activity=True, colour_pairs=True)
    try:
        assert "data-wb='pairs'" in panel.value and "last active" in panel.value
    finally:
        panel.close()
    plain = ws.monitor(every=5)
    try:
        assert "data-wb='pairs'" not in plain.value and "last active" not in plain.value
    finally:
        plain.close()


def test_a_fresh_workshop_has_nobody_to_compare(tmp_path: Path) -> None:
    ws = start_workshop(tmp_path / "w", name="Empty", stories=["kitchen-table"])
    page = panel_html(ws, show_activity=True, colour_pairs=True)
    assert "nobody yet" in page and "nobody to compare yet" in page
    assert wb.workshop.Workshop is type(ws)
