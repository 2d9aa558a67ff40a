"""The coding widget for everyone: blind rounds stay blind, every coder named, narrow windows, the keyboard, axe.

Issue 18, items 3, 6, 7, 10 and 11, checked in Chromium in a real JupyterLab.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import workbench as wb
from workbench.workshop import join_workshop, start_workshop

from _lab import open_notebook, open_widget, run_all_cells, wait_for_coding_widget, widget_notebook

pytestmark = pytest.mark.browser

AXE_CACHE = Path(os.environ.get("WB_AXE_CACHE", Path.home() / ".cache" / "workbench-axe"))
WIDGET = '[data-wb="coding-widget"]'


@pytest.fixture
def sample(lab) -> Path:
    path = lab.root / f"sample-{secrets.token_hex(4)}"
    wb.sample_project(copy_to=path)
    return path


def _axe_script() -> Path:
    """axe-core from the npm registry, installed once into a cache folder (skip if npm is missing or offline)."""
    script = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("axe-core needs npm")
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(AXE_CACHE), "axe-core"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not script.exists():
            pytest.skip(f"could not install axe-core: {done.stderr[-300:]}")
    return script


def serious_axe_findings(page, selector: str) -> list[str]:
    """axe's serious and critical violations (and undecided serious ones) inside *selector*, as readable lines."""
    page.add_script_tag(path=str(_axe_script()))
    result = page.evaluate("""async (selector) => {
        const r = await axe.run(document.querySelector(selector), {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        const pick = (list) => list.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
        return pick(r.violations).concat(pick(r.incomplete.filter(v => v.id === 'scrollable-region-focusable')));
    }""", selector)
    return result


def _resize(page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(500)


def _left_area(page, open_it: bool) -> None:
    collapsed = page.evaluate("() => jupyterapp.shell.leftCollapsed")
    if collapsed == open_it:
        page.evaluate("() => jupyterapp.commands.execute('application:toggle-left-area')")
        page.wait_for_timeout(400)


# ---------------------------------------------------------------------- item 3: blind rounds
def test_run_all_in_a_blind_round_shows_no_other_coder_until_the_facilitators_reveal(page, lab):
    shared = lab.root / "shared"
    ws = start_workshop(shared, name="Tuesday", code="kettle-garden-42", stories=["kitchen-table"])
    ws.add_example_participants()
    p, me = join_workshop("kettle-garden-42", name="Sam", root=shared)
    p.code("kitchen-table", 0, 30, "relational safety", coder=me)
    name = "participant-blind.ipynb"
    lab.write_notebook(name, [  # the participant notebook's shape: join, blind coding, then the "all" cell
        "import workbench as wb\nfrom workbench.workshop import join_workshop\n"
        "p, me = join_workshop('kettle-garden-42', name='Sam', root='shared')",
        "wb.coding_widget(p, coder=me, view='blind')",
        "wb.coding_widget(p, coder=me, view='all')"])
    open_notebook(page, lab, name)
    run_all_cells(page)
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"coding-widget\"]').length === 2",
                           timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"highlight\"]').length === 2")
    coders = page.eval_on_selector_all('[data-wb="highlight"]', "els => els.map(e => e.dataset.coder)")
    assert set(coders) == {"Sam"}
    last = page.locator(WIDGET).nth(1)
    assert last.locator('[data-wb="view"]').input_value() == "blind"
    assert "facilitator opens the comparison" in last.locator('[data-wb="view-note"]').text_content()
    assert last.locator('[data-wb="view"] option[value="all"]').get_attribute("disabled") is not None
    # forcing the menu from the page changes nothing: the kernel refuses
    last.locator('[data-wb="view"]').evaluate("s => { s.value = 'all'; s.dispatchEvent(new Event('change')); }")
    page.wait_for_timeout(1500)
    assert set(page.eval_on_selector_all('[data-wb="highlight"]', "els => els.map(e => e.dataset.coder)")) == {"Sam"}
    assert "Sam" not in [c for c in ("ana", "ben", "chipo") if c in last.text_content()]
    assert serious_axe_findings(page, WIDGET) == []
    ws.reveal()  # the facilitator opens the comparison: the "all" widget follows by itself
    page.wait_for_function("""() => {
        const w = document.querySelectorAll('[data-wb="coding-widget"]')[1];
        return w.querySelector('[data-wb="view"]').value === 'all'
            && w.querySelectorAll('[data-wb="highlight"][data-coder="ana"]').length > 0; }""", timeout=15_000)
    first = page.locator(WIDGET).first
    assert first.locator('[data-wb="highlight"][data-coder="ana"]').count() == 0  # "blind" stays what it asked


# ---------------------------------------------------------------------- item 6: every coder named
def test_the_all_coders_view_names_every_coder_of_stacked_codings(page, lab, sample):
    open_widget(page, lab, sample, coder="ana", extra=", narrative='kitchen-table', view='all'")
    page.wait_for_selector('[data-wb="highlight"][data-coder="ben"]')
    labels = page.eval_on_selector_all('[data-wb="highlight"]', """els => els.map(e => {
        const who = e.querySelector('[data-wb="highlight-coder"]');
        return {coder: e.dataset.coder, shown: who ? who.textContent : null,
                cut: who ? who.scrollWidth > who.clientWidth + 1 : true,
                top: parseFloat(e.style.top)}; })""")
    assert len({label["coder"] for label in labels}) >= 3
    for label in labels:
        assert label["shown"] == label["coder"] and not label["cut"], label
    tops = sorted(label["top"] for label in labels)
    assert any(b - a < 20 for a, b in zip(tops, tops[1:]))  # some labels do stack: the case that hid the names
    assert serious_axe_findings(page, WIDGET) == []


# ---------------------------------------------------------------------- item 7: narrow windows
_LAYOUT = """() => {
    const root = document.querySelector('[data-wb="coding-widget"]');
    const list = root.querySelector('.wb-navlist');
    const codes = root.querySelector('[data-wb="code-list"]');
    const kind = root.querySelector('[data-wb="memo-kind"]').getBoundingClientRect();
    const panel = root.querySelector('[data-wb="memo-panel"]').getBoundingClientRect();
    return {
        sideways: root.scrollWidth > root.clientWidth + 1,
        listSideways: list.scrollWidth > list.clientWidth + 1,
        cutTitles: [...root.querySelectorAll('.wb-ntitle')].filter(t => t.scrollWidth > t.clientWidth + 1
            || t.getBoundingClientRect().width < 40).map(t => t.textContent),
        items: root.querySelectorAll('[data-wb="narrative-item"]').length,
        codesScroll: codes.scrollHeight > codes.clientHeight + 1,
        codes: codes.querySelectorAll('[data-wb="code-button"]').length,
        hiddenCodes: [...codes.querySelectorAll('[data-wb="code-button"]')]
            .filter(b => b.getBoundingClientRect().width < 20
                || b.getBoundingClientRect().right > root.getBoundingClientRect().right + 1)
            .map(b => b.dataset.code),
        kindCut: kind.right > panel.right + 1 || kind.width < 60,
    };
}"""


@pytest.mark.parametrize("size, left_open, scale", [((1024, 900), True, 1), ((1400, 1000), True, 1),
                                                     ((700, 500), False, 2)],
                         ids=["1024px", "1400px-file-browser", "200pct-zoom"])
def test_the_widget_holds_in_narrow_windows(browser, lab, sample, size, left_open, scale):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale)
    page = context.new_page()
    try:
        open_widget(page, lab, sample, coder="ana", extra=", view='all'")
        _left_area(page, left_open)
        page.wait_for_timeout(500)
        state = page.evaluate(_LAYOUT)
        p = wb.open_project(sample)
        assert state["items"] == len(p.narratives)
        assert state["codes"] == len(p.codebook.to_frame())
        assert not state["sideways"] and not state["listSideways"], state
        assert state["cutTitles"] == [], state
        assert not state["codesScroll"] and state["hiddenCodes"] == [], state
        assert not state["kindCut"], state
        assert serious_axe_findings(page, WIDGET) == []
    finally:
        context.close()
        lab.shutdown_kernels()


# ---------------------------------------------------------------------- item 11: the keyboard
def test_the_keyboard_reaches_the_text_in_at_most_five_tabs(page, lab, sample):
    open_widget(page, lab, sample, coder="ana")
    page.evaluate("""() => {  // a focusable point just above the widget: "the widget's top"
        const root = document.querySelector('[data-wb="coding-widget"]');
        const before = document.createElement('button');
        before.id = 'wb-before'; before.textContent = 'before';
        root.parentElement.insertBefore(before, root);
        before.focus(); }""")
    presses = 0
    while presses < 5 and not page.evaluate("() => document.activeElement.matches('[data-wb=\"text\"]')"):
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("() => document.activeElement.matches('[data-wb=\"skip-to-text\"]')"):
            skip = page.locator('[data-wb="skip-to-text"]')
            box = skip.bounding_box()
            assert box and box["height"] > 10 and skip.evaluate("e => getComputedStyle(e).opacity") == "1"
            page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.matches('[data-wb=\"text\"]')"), presses
    assert presses <= 5
    # and from there the keyboard codes: Shift+arrows select, a number applies
    page.keyboard.press("Shift+ArrowRight")
    assert serious_axe_findings(page, WIDGET) == []


def test_the_disagreement_explorer_has_no_serious_axe_finding(page, lab, sample):
    name = widget_notebook(lab, sample, 'disagreement_explorer(p, coder="ana")',
                           imports="from workbench.widgets.disagreement import disagreement_explorer\n")
    open_notebook(page, lab, name)
    run_all_cells(page)
    page.wait_for_selector('[data-wb="dx-text"]', timeout=60_000)
    assert page.get_attribute('[data-wb="dx-text"]', "role")
    assert serious_axe_findings(page, '[data-wb="dx-text"]') == []
    root = page.eval_on_selector('[data-wb="dx-text"]', "e => e.closest('.wb-widget') ? 1 : 0")
    if root:
        page.eval_on_selector('[data-wb="dx-text"]', "e => e.closest('.wb-widget').setAttribute('data-axe', '1')")
        assert serious_axe_findings(page, '[data-axe="1"]') == []


# ---------------------------------------------------------------------- item 10: the console
def test_reloading_a_notebook_with_widgets_logs_no_widget_model_error(page, lab, sample):
    """Our front end adds no console error on reload. (With a *new* kernel, ipywidgets' own renderer logs
    "widget model not found" for every saved widget output: the model died with the old kernel; see
    docs/widget.md, "How it works".)"""
    name = widget_notebook(lab, sample, "wb.coding_widget(p, coder='ana')")
    open_notebook(page, lab, name)
    run_all_cells(page)
    wait_for_coding_widget(page)
    page.evaluate("() => jupyterapp.commands.execute('docmanager:save')")
    time.sleep(2)
    page.console_errors.clear()
    page.reload()
    open_notebook(page, lab, name)
    time.sleep(4)
    assert not [e for e in page.console_errors if "widget model not found" in e.lower()], page.console_errors
