"""The disagreement explorer in a real JupyterLab, in Chromium: step through differences, talk, record a group reading.

Every check of what was written reads the project's own files (events/memos/<coder>.jsonl,
events/codings/<coder>.jsonl), not the widget's state.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb
from workbench.agreement.dialogue import disagreements

from _lab import (
    ARTIFACTS,
    open_notebook,
    read_events,
    run_all_cells,
    select_span,
    shot,
    wait_for_event,
    widget_notebook,
)
from _probe import KITCHEN, XSS_CODE, XSS_CODER, XSS_NOTE, XSS_TEXT, XSS_TITLE

pytestmark = pytest.mark.browser

PHONE = "She rang every Tuesday 😀 and I listened. One day she asked how I was, and I told her.\n"
DX_TEXT = '[data-wb="dx-text"]'


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def build_team_project(path: Path) -> wb.Project:
    """Two narratives; ana and ben read them differently (boundaries, different codes, only one coded)."""
    p = wb.create_project(path, name="Dialogue project")
    p.codebook.add("relational safety", color="#009E73")
    p.codebook.add("reciprocity", color="#0072B2")
    p.codebook.add("hope", color="#E69F00")
    p.add_narrative(KITCHEN, title="Kitchen table", narrator="R02", id="kitchen")
    p.add_narrative(PHONE, title="Tuesday caller", narrator="R05", id="phone")
    a, b = _span(KITCHEN, "Nobody asked. We talked about gardens")
    p.code("kitchen", a, b, "relational safety", coder="ana")
    a, b = _span(KITCHEN, "Nobody asked.")
    p.code("kitchen", a, b, "relational safety", coder="ben")
    a, b = _span(KITCHEN, "Later I was the one making tea for someone new")
    p.code("kitchen", a, b, "reciprocity", coder="ana")
    p.code("kitchen", a, b, "hope", coder="ben")
    a, b = _span(PHONE, "One day she asked how I was, and I told her.")
    p.code("phone", a, b, "reciprocity", coder="ana", note="both give")
    a, b = _span(PHONE, "She rang every Tuesday 😀")
    p.code("phone", a, b, "hope", coder="ben")
    return p


def open_explorer(page, lab, project: Path, call: str, timeout: float = 60_000):
    """Write a notebook showing *call* (an expression using ``p``), run it in Lab, wait for the explorer."""
    name = widget_notebook(lab, project, call, prefix="dx", last="print(repr(w))",
                           imports="from workbench.widgets.disagreement import disagreement_explorer\n")
    open_notebook(page, lab, name, timeout)
    run_all_cells(page)
    page.wait_for_selector('[data-wb="dx-text"]', timeout=timeout)
    page.wait_for_function("() => document.querySelector('[data-wb=\"dx-text\"]').textContent.length > 0",
                           timeout=timeout)
    return page.locator('[data-wb="disagreement-explorer"]')


def _position(page) -> str:
    return page.text_content('[data-wb="dx-position"]')


def _wait_position(page, k: int, total: int) -> None:
    page.wait_for_function(
        "want => document.querySelector('[data-wb=\"dx-position\"]').textContent === want",
        arg=f"Disagreement {k} of {total}", timeout=10_000)


def test_step_through_disagreements_write_dialogue_memo_and_group_reading(page, lab):
    project = lab.root / "team-dialogue"
    p = build_team_project(project)
    expected = disagreements(p)
    total = len(expected)
    assert total >= 5
    before = {c: read_events(project, c) for c in ("ana", "ben")}

    widget = open_explorer(page, lab, project, 'disagreement_explorer(p, coder="ana")')
    assert page.text_content('[data-wb="dx-text"]') == KITCHEN
    assert page.eval_on_selector_all('[data-wb="dx-lane-head"]', "els => els.map(e => e.textContent)") == ["ana", "ben"]
    _wait_position(page, 1, total)
    marks = page.eval_on_selector_all('[data-wb="dx-mark"]', "els => [...new Set(els.map(e => e.dataset.index))]")
    assert sorted(int(i) for i in marks) == list(expected.index[expected["narrative_id"] == "kitchen"])
    assert page.locator('[data-wb="dx-mark"][data-current="true"]').count() >= 1
    first = expected.iloc[0]
    assert page.text_content('[data-wb="dx-passage"]') == KITCHEN[first["start"]:first["end"]]
    assert page.text_content('[data-wb="dx-kind"]') == first["kind"]

    # a click on a marked stretch opens it; then keys and the button step: the detail follows
    # the frame disagreements() returns
    page.eval_on_selector('[data-wb="dx-text"]', "e => e.scrollIntoView({block: 'center'})")
    box = page.eval_on_selector('[data-wb="dx-mark"][data-index="1"]', "e => e.getBoundingClientRect().toJSON()")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _wait_position(page, 2, total)
    page.keyboard.press("[")
    _wait_position(page, 1, total)
    page.keyboard.press("]")
    _wait_position(page, 2, total)
    page.click('[data-wb="dx-next"]')
    _wait_position(page, 3, total)
    row = expected.iloc[2]
    assert page.text_content('[data-wb="dx-with"]') == ", ".join(row["coders_with"])
    assert page.text_content('[data-wb="dx-without"]') == ", ".join(row["coders_without"])
    assert page.text_content('[data-wb="dx-kind"]') == row["kind"]
    assert page.text_content('[data-wb="dx-detail-code"]') == row["code"]

    # a dialogue memo naming who took part: the ticked coders of this stretch, the user, and a guest
    ticked = page.eval_on_selector_all('[data-wb="dx-participant"]',
                                       "els => els.filter(e => e.checked).map(e => e.value)")
    assert sorted(ticked) == ["ana", "ben"]
    page.fill('[data-wb="dx-participant-extra"]', "Sam (facilitator)")
    page.fill('[data-wb="dx-memo-text"]', "Ana heard reciprocity, Ben heard hope; both stay.")
    page.click('[data-wb="dx-memo-save"]')
    memo = wait_for_event(project, "ana", lambda e: e.get("kind") == "dialogue", kind="memos")
    assert memo["participants"] == sorted(["ana", "ben", "Sam (facilitator)"])
    assert (memo["narrative"], memo["code"]) == (row["narrative_id"], row["code"])
    assert memo["text"] == "Ana heard reciprocity, Ben heard hope; both stay."
    page.wait_for_selector('[data-wb="dx-memo"]:has-text("Ana heard reciprocity")')

    # the group's negotiated reading, recorded under its own name over the whole stretch
    page.fill('[data-wb="dx-group-name"]', "group:tuesday")
    assert page.eval_on_selector('[data-wb="dx-group-extent"]', "e => e.value") == "stretch"
    assert page.eval_on_selector('[data-wb="dx-group-code"]', "e => e.value") == row["code"]
    page.fill('[data-wb="dx-group-note"]', "we agreed: both")
    page.click('[data-wb="dx-group-save"]')
    coded = wait_for_event(project, "group:tuesday", lambda e: e["event"] == "coded")
    assert (coded["narrative"], coded["start"], coded["end"], coded["code"], coded["note"]) == (
        row["narrative_id"], int(row["start"]), int(row["end"]), row["code"], "we agreed: both")
    page.wait_for_selector('[data-wb="dx-lane-head"][data-coder="group:tuesday"]')
    # nobody's own codings were touched
    assert {c: read_events(project, c) for c in ("ana", "ben")} == before
    reopened = wb.open_project(project)
    assert set(reopened.codings()["coder"]) == {"ana", "ben", "group:tuesday"}
    assert len(reopened.codings(coder=["ana", "ben"])) == len(p.codings())

    # or over text the group selects itself, with the code it chose
    a, b = _span(KITCHEN, "making tea for someone new")
    select_span(page, KITCHEN, a, b, box=DX_TEXT)
    page.wait_for_function("() => document.querySelector('[data-wb=\"dx-group-extent\"]').value === 'selection'")
    assert f"({a}–{b})" in page.eval_on_selector('[data-wb="dx-group-extent"]', "e => e.selectedOptions[0].textContent")
    page.select_option('[data-wb="dx-group-code"]', "reciprocity")
    page.fill('[data-wb="dx-group-name"]', "group:tuesday")
    page.click('[data-wb="dx-group-save"]')
    chosen = wait_for_event(project, "group:tuesday", lambda e: e["event"] == "coded" and e["code"] == "reciprocity")
    assert (chosen["narrative"], chosen["start"], chosen["end"]) == ("kitchen", a, b)
    assert chosen["text"] == "making tea for someone new"
    page.wait_for_function(
        "() => document.querySelectorAll('[data-wb=\"dx-lane-span\"][data-coder=\"group:tuesday\"]').length === 2")
    shot(page, "disagreement-explorer", widget)
    page.set_viewport_size({"width": 1300, "height": 1500})  # room for the whole widget
    page.wait_for_timeout(300)
    widget.screenshot(path=str(ARTIFACTS / "disagreement-explorer-widget.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})

    # a group name without the prefix is refused visibly, and nothing is written
    page.fill('[data-wb="dx-group-name"]', "tuesday")
    page.click('[data-wb="dx-group-save"]')
    page.wait_for_selector('[data-wb="dx-error"]:not([hidden])')
    assert "group:" in page.text_content('[data-wb="dx-error-text"]')
    assert not (project / "events" / "codings" / "tuesday.jsonl").exists()

    # the code filter narrows the steps, and the narrative picker jumps
    page.select_option('[data-wb="dx-code"]', "hope")
    hope = disagreements(p, code="hope")
    page.wait_for_function("n => document.querySelector('[data-wb=\"dx-position\"]').textContent.endsWith(' of ' + n)",
                           arg=str(len(hope)), timeout=10_000)
    page.select_option('[data-wb="dx-narrative"]', "phone")
    page.wait_for_function("t => document.querySelector('[data-wb=\"dx-text\"]').textContent === t", arg=PHONE)
    assert page.text_content('[data-wb="dx-passage"]') == "She rang every Tuesday 😀"  # code points, emoji intact
    assert page.dialogs == []


def test_names_and_texts_that_look_like_html_show_literally(page, lab):
    project = lab.root / "dx-probe"
    p = wb.create_project(project, name="<i>Probe</i>")
    p.codebook.add("hope", color="#E69F00")
    p.codebook.add(XSS_CODE, description=XSS_NOTE, color="#CC79A7")
    p.add_narrative(XSS_TEXT, title=XSS_TITLE, narrator=XSS_CODER, id="probe")
    p.code("probe", 0, 31, XSS_CODE, coder=XSS_CODER, note=XSS_NOTE)
    p.code("probe", 0, 20, XSS_CODE, coder="ana")
    p.code("probe", 40, 50, "hope", coder="ana")
    p.memo(XSS_NOTE, coder="ana", narrative="probe", code=XSS_CODE, kind="dialogue", participants=["ana", XSS_CODER])

    open_explorer(page, lab, project, f'disagreement_explorer(p, coder="ana", code={XSS_CODE!r})')
    assert page.text_content('[data-wb="dx-text"]') == XSS_TEXT
    assert page.text_content('[data-wb="dx-title"]') == XSS_TITLE
    heads = page.eval_on_selector_all('[data-wb="dx-lane-head"]', "els => els.map(e => e.textContent)")
    assert XSS_CODER in heads
    options = page.eval_on_selector_all('[data-wb="dx-code"] option', "els => els.map(e => e.textContent)")
    assert XSS_CODE in options
    assert page.text_content('[data-wb="dx-detail-code"]') == XSS_CODE
    assert XSS_CODER in page.text_content('[data-wb="dx-with"]')
    page.wait_for_selector('[data-wb="dx-memo"]')
    assert page.text_content('[data-wb="dx-memo"] .wb-memo-text') == XSS_NOTE
    # typed input stays text too
    page.fill('[data-wb="dx-memo-text"]', "<img src=x onerror=window.__xss=9>")
    page.click('[data-wb="dx-memo-save"]')
    page.wait_for_selector('[data-wb="dx-memo"]:has-text("<img src=x onerror=window.__xss=9>")')
    root = '[data-wb="disagreement-explorer"]'
    assert page.locator(f"{root} img, {root} script, {root} iframe, {root} b, {root} i").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert page.dialogs == []
    shot(page, "disagreement-injection-probes", page.locator(root))
