"""A very long narrative in the coding widget and the disagreement explorer, in Chromium (issue 15, item 5).

The text comes in blocks the browser lays out only near the view; these tests select across a
block boundary with the mouse and check the offsets written to disk, and check that highlights
far from the view are drawn when the reader gets there.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import workbench as wb

from _lab import open_notebook, open_widget, run_all_cells, select_span, utf16, wait_for_event, widget_notebook

pytestmark = pytest.mark.browser

WORDS = ("she listened for a long time then made tea and nobody asked me to explain anything I was tired "
         "of services the group met on Tuesdays my sister came too it felt like being a person again").split()


def _long_text(words: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    paras, count = [], 0
    while count < words:
        n = rng.randint(40, 120)
        para = " ".join(rng.choice(WORDS) for _ in range(n))
        if rng.random() < 0.3:
            para += " 😀 still"  # astral characters: code points and UTF-16 units differ from here on
        paras.append(para[0].upper() + para[1:] + ".")
        count += n
    return "\n\n".join(paras) + "\n"


def _project(path: Path, words: int = 40_000) -> tuple[wb.Project, str]:
    p = wb.create_project(path, name="Long story")
    for name in ("reciprocity", "hope", "safety"):
        p.codebook.add(name)
    text = _long_text(words)
    p.add_narrative(text, title="A long story", narrator="R01", id="long")
    return p, text


def _settled(page, box: str) -> None:
    """Wait until the widget has measured every block of text (in idle time after the first render)."""
    page.wait_for_function("box => [...document.querySelectorAll(box + ' .wb-chunk')]"
                           ".every(b => b.style.containIntrinsicBlockSize)", arg=box, timeout=30_000)


def _boundary(page, box: str, k: int) -> int:
    """UTF-16 start of the k-th block of text shown in *box*."""
    return page.evaluate("([box, k]) => Number(document.querySelectorAll(box + ' .wb-chunk')[k].dataset.start)",
                         [box, k])


def _span_across(text: str, boundary16: int) -> tuple[int, int]:
    """Code points [a, b) of about 60 characters on both sides of a block boundary (given in UTF-16 units)."""
    cp = next(i for i in range(len(text) + 1) if utf16(text, i) >= boundary16)
    a = max(0, cp - 70)
    while text[a].isspace() or not text[a - 1].isspace():
        a += 1
    b = cp + 50
    while text[b - 1].isspace() or text[b - 1] in ".,":
        b -= 1
    assert a < cp < b
    return a, b


def test_long_narrative_selection_across_blocks_lands_exactly_and_far_highlights_draw(page, lab):
    project = lab.root / "long-coding"
    p, text = _project(project)
    far = p.code("long", len(text) - 200, len(text) - 150, "hope", coder="ana")  # near the end, far from the view
    open_widget(page, lab, project, extra=", narrative='long'", timeout=120_000)
    page.wait_for_function("() => performance.getEntriesByName('wb-first-render').length > 0", timeout=60_000)
    blocks = page.evaluate("() => document.querySelectorAll('[data-wb=\"text\"] .wb-chunk').length")
    assert blocks > 20
    # the whole story is in the page (find in page, screen readers), but the far highlight is not drawn yet
    assert page.evaluate("() => document.querySelector('[data-wb=\"text\"]').textContent.length") == len(
        text.encode("utf-16-le")) // 2
    assert page.locator(f'[data-wb="highlight"][data-coding-id="{far}"]').count() == 0
    _settled(page, '[data-wb="text"]')

    for k in (3, 11):
        a, b = _span_across(text, _boundary(page, '[data-wb="text"]', k))
        select_span(page, text, a, b)
        page.wait_for_function("() => document.querySelector('[data-wb=\"selection-info\"]').textContent"
                               ".startsWith('Selected')")
        page.keyboard.press("1")
        event = wait_for_event(project, "ana", lambda e, a=a, b=b: e["event"] == "coded" and e["start"] == a)
        assert (event["start"], event["end"], event["code"]) == (a, b, "reciprocity")
        page.wait_for_selector(f'[data-wb="highlight"][data-coding-id="{event["id"]}"]', timeout=10_000)

    # "]" steps from the selection to its coding, then to the next one: the far one; the text scrolls and it is drawn
    page.focus('[data-wb="text"]')
    page.keyboard.press("]")
    page.keyboard.press("]")
    page.wait_for_selector(f'[data-wb="highlight"][data-coding-id="{far}"]', timeout=10_000)
    page.wait_for_function("id => document.querySelector('[data-wb=\"detail-code\"]').textContent.includes('hope')",
                           arg=far)


def test_long_narrative_in_the_explorer_selection_across_blocks(page, lab):
    project = lab.root / "long-dx"
    p, text = _project(project, words=30_000)
    spans = [(1000, 1100), (len(text) // 2, len(text) // 2 + 90), (len(text) - 300, len(text) - 200)]
    for a, b in spans:
        p.code("long", a, b, "reciprocity", coder="ana")
        p.code("long", a + 10, b, "reciprocity", coder="ben")
    name = widget_notebook(lab, project, 'disagreement_explorer(p, narrative="long", code="reciprocity", coder="ana")',
                           prefix="dx", imports="from workbench.widgets.disagreement import disagreement_explorer\n")
    open_notebook(page, lab, name, 120_000)
    run_all_cells(page)
    page.wait_for_selector('[data-wb="dx-mark"]', timeout=60_000)
    box = '[data-wb="dx-text"]'
    assert page.evaluate("() => document.querySelectorAll('[data-wb=\"dx-text\"] .wb-chunk').length") > 10
    # only the marks near the view are drawn; the one at the end comes when the reader scrolls there
    drawn = page.evaluate("() => [...document.querySelectorAll('[data-wb=\"dx-mark\"]')].map(e => e.dataset.index)")
    assert len(set(drawn)) < len(spans)
    page.evaluate("() => { const s = document.querySelector('.wb-dx .wb-scroll'); s.scrollTop = s.scrollHeight; }")
    page.wait_for_function("before => [...document.querySelectorAll('[data-wb=\"dx-mark\"]')]"
                           ".some(e => !before.includes(e.dataset.index))", arg=drawn, timeout=10_000)

    _settled(page, box)
    a, b = _span_across(text, _boundary(page, box, 5))
    select_span(page, text, a, b, box=box)
    page.wait_for_function("want => document.querySelector('[data-wb=\"dx-status\"]').textContent"
                           ".includes(want)", arg=f"Selected characters {a}–{b}", timeout=10_000)
