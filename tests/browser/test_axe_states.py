"""Issue 17, item 1: axe-core (WCAG 2.1 A and AA rules) in Chromium on every widget state a test reaches.

One notebook holds every widget (one kernel, one page); each state is reached in turn and axe runs on the
widget's own root element only (JupyterLab's chrome around it is not ours). Every violation is counted by
rule and impact into test-artifacts/axe-counts.json (docs/accessibility.md quotes the counts); the test
fails on any serious or critical one. Also checked: the live status after a key press, a visible focus
ring, ``prefers-reduced-motion`` and the page at 200 % zoom.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter

import pytest
from test_media_player import transcript_project
from test_widget_access import _axe_script

import workbench as wb
from workbench.workshop import join_workshop, start_workshop

from _lab import ARTIFACTS, open_notebook, run_all_cells

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CODING = '[data-wb="coding-widget"]'
_AXE = """async ([selector, tags]) => {
    const root = document.querySelector(selector);
    root.scrollIntoView({block: 'start'});  // Lab skips painting cells out of view: axe would skip their colours
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    const r = await axe.run(root, {runOnly: {type: 'tag', values: tags}});
    const nodes = document.querySelector(selector).querySelectorAll('*').length;
    return {nodes, passes: r.passes.length, contrast: r.passes.concat(r.violations, r.incomplete)
                .some(v => v.id === 'color-contrast'), review: r.incomplete.map(v => v.id),
            violations: r.violations.map(v => ({rule: v.id, impact: v.impact, nodes: v.nodes.length,
                                               where: v.nodes.slice(0, 2).map(n => n.target.join(' '))}))};
}"""


def _axe(page, selector: str, state: str, record: dict) -> list[dict]:
    """Run axe on *selector*; keep its violations under *state* in *record*; return the serious ones."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(_axe_script()))
    result = page.evaluate(_AXE, [selector, TAGS])
    # axe did look at the widget, colours too
    # (axe 4.x finds no text to weigh in the share panel, visible as it is: its colours are checked below)
    assert result["nodes"] > 5 and result["passes"] > 5, (state, result)
    assert result["contrast"] or state == "share panel", (state, result)
    record[state] = result
    found = result["violations"]
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _cells(project: str, empty: str) -> list[str]:
    return [
        f"import workbench as wb\np = wb.open_project({project!r})\ne = wb.open_project({empty!r})",
        "wb.coding_widget(e, coder='ana')",
        "wb.coding_widget(p, coder='ana')",
        "from workbench.widgets.disagreement import disagreement_explorer\ndisagreement_explorer(p, coder='ana')",
        "wb.theme_board(p, coder='ana', passages=None)",
        "wb.widgets.share_panel(p, coder='ana')",
    ]


def test_every_widget_state_has_no_serious_axe_violation(page, lab):
    tag = secrets.token_hex(4)
    sample = wb.sample_project(copy_to=lab.root / f"axe-{tag}")
    wb.create_project(lab.root / f"axe-empty-{tag}")
    name = f"axe-{tag}.ipynb"
    lab.write_notebook(name, _cells(sample.path.name, f"axe-empty-{tag}"))
    page.emulate_media(reduced_motion="reduce")
    open_notebook(page, lab, name)
    run_all_cells(page)
    for hook in ("coding-widget", "disagreement-explorer", "board", "share-panel"):
        page.wait_for_selector(f'[data-wb="{hook}"]', timeout=90_000)
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"coding-widget\"]').length === 2")
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"narrative-item\"]').length > 0")
    page.evaluate("""() => document.querySelectorAll('[data-wb="coding-widget"]')
                      .forEach((w, i) => w.setAttribute('data-axe', 'coding-' + i))""")
    record: dict[str, list] = {}
    serious: dict[str, list] = {}

    def check(state: str, selector: str) -> None:
        bad = _axe(page, selector, state, record)
        if bad:
            serious[state] = bad

    empty, coding = '[data-axe="coding-0"]', '[data-axe="coding-1"]'
    check("coding: empty project", empty)
    check("coding: first view", coding)
    page.locator(coding).locator('[data-wb="narrative-item"]').first.click()
    page.wait_for_function("s => document.querySelector(s + ' [data-wb=\"text\"]').textContent.length > 20",
                           arg=coding, timeout=15_000)
    check("coding: a story open", coding)
    text = page.locator(coding).locator('[data-wb="text"]')
    text.focus()
    page.keyboard.press("1")  # a code with nothing selected: the error
    page.wait_for_selector(f'{coding} [data-wb="error"]:not([hidden])', timeout=10_000)
    check("coding: an error shown", coding)
    text.focus()
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    check("coding: a passage selected", coding)
    page.keyboard.press("1")
    status = page.locator(coding).locator('[data-wb="status"]')
    page.wait_for_function("s => /^Coded “.+” on \\d+ words?\\.$/.test(document.querySelector(s).textContent)",
                           arg=f'{coding} [data-wb="status"]', timeout=15_000)
    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"
    page.locator(coding).locator('[data-wb="highlight"]').first.click()
    check("coding: a coding open", coding)
    page.locator(coding).locator('[data-wb="memo-input"]').fill("Reciprocity shows up before the night shift.")
    page.locator(coding).locator('[data-wb="memo-save"]').click()
    page.wait_for_selector(f'{coding} [data-wb="memo"]', timeout=15_000)
    check("coding: a memo written", coding)
    page.wait_for_selector('[data-wb="dx-text"]', timeout=30_000)
    check("disagreement explorer", '[data-wb="disagreement-explorer"]')
    check("theme board", '[data-wb="board"]')
    check("share panel", '[data-wb="share-panel"]')
    assert min(c[0] for c in _contrasts(page, '[data-wb="share-panel"] :is(h3, p, button:enabled)')) >= 4.5

    # the harness can fail: an unnamed button put into a widget is found
    page.evaluate("""() => document.querySelector('[data-axe="coding-1"]').insertAdjacentHTML('afterbegin',
        '<button id="wb-axe-probe"></button>')""")
    probe = {v["rule"] for v in _axe(page, coding, "probe", {})}
    page.evaluate("() => document.getElementById('wb-axe-probe').remove()")
    assert "button-name" in probe, probe
    # and text contrast measured apart from axe (axe 4.x weighed no text in the share panel): >= 4.5:1 everywhere
    faint = [c for c in _contrasts(page, '.wb-widget *') if c[0] < 4.5]
    assert faint == [], faint[:5]
    # the focus ring shows on a keyboard-focused button; reduced motion leaves no transition running
    page.locator(coding).locator('[data-wb="memo-save"]').focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                         " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[0] != "none" and ring[1] >= 2, ring
    moving = page.evaluate("""() => [...document.querySelectorAll('.wb-widget, .wb-widget *')]
        .filter(e => { const s = getComputedStyle(e); return parseFloat(s.transitionDuration) > 0
                       || s.animationName !== 'none'; }).length""")
    assert moving == 0

    # 200 % zoom: the widget keeps its width inside the page, nothing runs off sideways
    page.evaluate("() => { document.body.style.zoom = '2'; }")
    page.wait_for_timeout(500)
    sideways = page.evaluate("""() => [...document.querySelectorAll('.wb-widget')]
        .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.dataset.wb)""")
    check("coding at 200 % zoom", coding)

    _write_counts("widgets", record)
    assert serious == {}, json.dumps(serious, indent=1)
    assert sideways == [], sideways


def _contrasts(page, selector: str) -> list[list]:
    """[contrast, what, colour, background] of each element showing text of its own, on the first opaque
    background behind it (WCAG's formula; opacity and alpha are not weighed)."""
    return page.evaluate("""(selector) => {
        const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => {
            v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const back = (e) => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
            if (c !== 'transparent' && !c.startsWith('rgba(0, 0, 0, 0)')) return c; } return 'rgb(255, 255, 255)'; };
        const own = (e) => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        return [...document.querySelectorAll(selector)].filter(e => own(e) && e.getClientRects().length).map(e => {
            const [a, b] = [lum(getComputedStyle(e).color), lum(back(e))];
            return [(Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
                    e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 20),
                    getComputedStyle(e).color, back(e)]; });
    }""", selector)


def _write_counts(name: str, record: dict) -> None:
    """Print and keep axe's violations of every state, counted by rule (any impact)."""
    counts = Counter(f"{v['rule']} ({v['impact']})" for found in record.values() for v in found["violations"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-counts-{name}.json").write_text(json.dumps({"by_rule": dict(counts), "states": record},
                                                                   indent=1))
    print(f"axe violations by rule ({name}, {len(record)} states):", dict(counts))


def test_workshop_and_transcript_states_have_no_serious_axe_violation(page, lab):
    """Blind view in a workshop, the pile sort, and a transcript with its player."""
    tag = secrets.token_hex(4)
    code = f"axe-room-{tag}"
    shared = lab.root / f"shared-{tag}"
    ws = start_workshop(shared, name="Axe day", code=code, stories=["kitchen-table"])
    ws.add_example_participants()
    ws.start_elicitation(ws.project.codings(coder="ana")["coding_id"][:4], name="themes-1")
    p, me = join_workshop(code, name="Sam", root=shared)
    p.code("kitchen-table", 0, 30, "relational safety", coder=me)
    warm, nid = transcript_project(lab.root / f"warm-{tag}")
    name = f"axe-room-{tag}.ipynb"
    lab.write_notebook(name, [
        "import workbench as wb\nfrom workbench.workshop import join_workshop\n"
        f"p, me = join_workshop({code!r}, name='Sam', root={shared.name!r})\n"
        f"w = wb.open_project({ws.project.path.relative_to(lab.root).as_posix()!r})\n"
        f"t = wb.open_project({warm.path.name!r})",
        "wb.coding_widget(p, coder=me, view='blind')",
        "wb.pile_sort(w, 'themes-1', participant='Sam')",
        f"wb.coding_widget(t, coder='ana', narrative={nid!r})"])
    open_notebook(page, lab, name)
    run_all_cells(page)
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"coding-widget\"]').length === 2",
                           timeout=90_000)
    page.wait_for_selector('[data-wb="board"]', timeout=60_000)
    page.wait_for_selector('[data-wb="player"]', timeout=60_000)
    page.evaluate("""() => document.querySelectorAll('[data-wb="coding-widget"]')
                      .forEach((w, i) => w.setAttribute('data-axe', 'coding-' + i))""")
    record: dict[str, list] = {}
    serious = {state: _axe(page, selector, state, record) for state, selector in [
        ("coding: blind view in a workshop", '[data-axe="coding-0"]'),
        ("pile sort", '[data-wb="board"]'),
        ("coding: a transcript with the player", '[data-axe="coding-1"]')]}
    _write_counts("workshop", record)
    assert {state: bad for state, bad in serious.items() if bad} == {}
