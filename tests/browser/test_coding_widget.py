"""The coding widget in a real JupyterLab, in Chromium: what a coder does, checked in the project's files."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

import workbench as wb

from _lab import REPO, click_text, open_widget, read_events, run_in_kernel, select_span, shot, wait_for_event
from _probe import (
    KITCHEN,
    SCRIPTS,
    XSS_ATTR,
    XSS_CODE,
    XSS_CODER,
    XSS_MEMO,
    XSS_NOTE,
    XSS_TEXT,
    XSS_TITLE,
    build_probe_project,
)

pytestmark = pytest.mark.browser

SAMPLE = REPO / "sample_data" / "peer_stories" / "workbench.toml"


@pytest.fixture
def probe(lab, request) -> Path:
    path = lab.root / f"probe-{request.node.name[:40]}"
    build_probe_project(path)
    return path


@pytest.fixture
def team_project(lab, request) -> Path:
    """A copy of the sample project when it exists, else the probe project."""
    path = lab.root / f"team-{request.node.name[:40]}"
    if SAMPLE.exists():
        wb.sample_project(copy_to=path)
    else:
        build_probe_project(path)
    return path


def _open_narrative(page, nid: str, text: str) -> None:
    page.click(f'[data-wb="narrative-item"][data-narrative-id="{nid}"]')
    page.wait_for_function(
        "t => document.querySelector('[data-wb=\"text\"]').textContent === t", arg=text, timeout=10_000)


def _phrase(text: str, after: int = 0, length: int = 40) -> tuple[int, int]:
    """A span of about *length* code points starting at a word, ending on a non-space."""
    start = after
    while start < len(text) and text[start].isspace():
        start += 1
    end = min(len(text), start + length)
    while end > start + 1 and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        end -= 1
    return start, end


def _contrast_on_white(css_rgb: str) -> float:
    r, g, b = (int(v) for v in css_rgb[css_rgb.index("(") + 1:css_rgb.index(")")].split(",")[:3])
    lum = [((c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4) for c in (r, g, b)]
    y = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2]
    return 1.05 / (y + 0.05)


def _code_number(page, code: str) -> int:
    names = page.eval_on_selector_all('[data-wb="code-button"]', "els => els.map(e => e.dataset.code)")
    return names.index(code) + 1


def test_mouse_selection_then_click_and_number_key_land_with_exact_offsets(page, lab, team_project):
    coder = "dee"  # a coder joining the team: the sample already has ana, ben and chipo
    open_widget(page, lab, team_project, coder=coder)
    p = wb.open_project(team_project)
    nid = p.narratives.id.iloc[0]
    text = p.text(nid)
    _open_narrative(page, nid, text)
    # the text element holds exactly the narrative, in order
    assert page.eval_on_selector('[data-wb="text"]', "e => e.textContent") == text
    codes = p.codebook.names

    start, end = _phrase(text, 0, 40)
    select_span(page, text, start, end)
    page.wait_for_function(
        "() => document.querySelector('[data-wb=\"selection-info\"]').textContent.startsWith('Selected')")
    page.click(f'[data-wb="code-button"][data-code="{codes[0]}"]')
    clicked = wait_for_event(team_project, coder, lambda e: e["event"] == "coded" and e["code"] == codes[0])
    assert (clicked["start"], clicked["end"], clicked["coder"]) == (start, end, coder)
    assert clicked["text"] == text[start:end] and clicked["narrative"] == nid
    page.wait_for_selector(f'[data-wb="highlight"][data-coding-id="{clicked["id"]}"][data-coder="{coder}"]')

    start2, end2 = _phrase(text, end + 5, 25)
    select_span(page, text, start2, end2)
    page.keyboard.press(str(_code_number(page, codes[1])))
    keyed = wait_for_event(team_project, coder, lambda e: e["event"] == "coded" and e["code"] == codes[1])
    assert (keyed["start"], keyed["end"], keyed["coder"]) == (start2, end2, coder)
    page.wait_for_selector(f'[data-wb="highlight"][data-coding-id="{keyed["id"]}"]')
    # clicking on coded words (not only on the margin label) opens the coding's details
    click_text(page, text, (start2 + end2) // 2)
    page.wait_for_selector('[data-wb="coding-details"]:not([hidden])')
    assert page.locator('[data-wb="detail-code"]').text_content() == codes[1]
    assert page.locator('[data-wb="detail-passage"]').text_content() == f"“{' '.join(text[start2:end2].split())}”"
    # marks are seen on white: underline, stripe and swatch colours have at least 3:1 contrast
    colours = page.eval_on_selector_all(
        '.wb-hl-stripe, .wb-code .wb-swatch', "els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert colours and min(_contrast_on_white(c) for c in colours) >= 3
    assert p.refresh().codings(coder=coder)[["start", "end"]].values.tolist() == [[start, end], [start2, end2]]
    shot(page, "coding-click-and-key", page.locator('[data-wb="coding-widget"]'))

    # remove one's own coding from its details
    page.click(f'[data-wb="highlight"][data-coding-id="{clicked["id"]}"]')
    details = page.locator('[data-wb="coding-details"]')
    assert details.locator('[data-wb="detail-coder"]').text_content() == coder
    details.locator('[data-wb="remove"]').click()
    wait_for_event(team_project, coder, lambda e: e["event"] == "uncoded" and e["id"] == clicked["id"])
    page.wait_for_selector(f'[data-wb="highlight"][data-coding-id="{clicked["id"]}"]', state="detached")
    assert p.refresh().codings(coder=coder).coding_id.tolist() == [keyed["id"]]


def test_emoji_and_non_latin_offsets_are_code_points_on_disk(page, lab, probe):
    open_widget(page, lab, probe, extra=", narrative='scripts'")
    page.wait_for_function("t => document.querySelector('[data-wb=\"text\"]').textContent === t", arg=SCRIPTS)
    spans = [
        ("joy when we met", "hope"),  # right after an emoji (a surrogate pair in the browser)
        ("私たちは一緒に歩いた", "reciprocity"),  # Japanese
        ("Привет, друзья", "hope"),  # Cyrillic
        ("walk home was quiet", "relational safety"),  # after a ZWJ emoji sequence (7 code points)
        ("😀 joy", "reciprocity"),  # starting on the emoji itself
        ("growing", "relational safety"),
    ]
    for phrase, code in spans:
        start = SCRIPTS.index(phrase)
        end = start + len(phrase)
        select_span(page, SCRIPTS, start, end)
        page.keyboard.press(str(_code_number(page, code)))
        event = wait_for_event(probe, "ana", lambda e, s=start, c=code: e["event"] == "coded" and e["start"] == s
                               and e["code"] == c)
        assert (event["start"], event["end"], event["text"]) == (start, end, phrase)
        page.wait_for_selector(f'[data-wb="highlight"][data-coding-id="{event["id"]}"]')
    # the highlights' underlines sit under the right words: the first one under "joy when we met"
    p = wb.open_project(probe)
    assert sorted(p.codings(coder="ana").text) == sorted(phrase for phrase, _ in spans)
    shot(page, "coding-emoji-non-latin", page.locator('[data-wb="coding-widget"]'))


def test_views_blind_mode_and_others_work_appearing_within_two_seconds(page, lab, probe):
    open_widget(page, lab, probe, extra=", narrative='kitchen'")
    highlights = page.locator('[data-wb="highlight"]')
    assert highlights.count() == 0  # "mine": ana has not coded yet
    assert "2 codings by other coders" in page.locator('[data-wb="view-note"]').text_content()

    page.select_option('[data-wb="view"]', "all")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-wb=\"highlight\"][data-coder=\"ben\"]').length === 2")
    assert page.locator('[data-wb="memo"]').count() == 1  # ben's memo

    start = KITCHEN.index("gardens")
    select_span(page, KITCHEN, start, start + len("gardens"))
    page.click('[data-wb="code-button"][data-code="hope"]')
    page.wait_for_selector('[data-wb="highlight"][data-coder="ana"]')

    page.select_option('[data-wb="view"]', "blind")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-wb=\"highlight\"][data-coder=\"ben\"]').length === 0")
    assert highlights.count() == 1 and page.locator('[data-wb="highlight"][data-coder="ana"]').count() == 1
    assert page.locator('[data-wb="memo"]').count() == 0  # ben's memo is hidden too
    assert "2 codings" not in page.locator('[data-wb="coding-widget"]').text_content()
    shot(page, "coding-blind", page.locator('[data-wb="coding-widget"]'))

    page.select_option('[data-wb="view"]', "ben")
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"highlight\"]').length === 2"
                           " && document.querySelectorAll('[data-wb=\"highlight\"][data-coder=\"ana\"]').length === 0")

    # another process codes and changes the codebook: both show up without re-running the cell
    page.select_option('[data-wb="view"]', "all")
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"highlight\"]').length === 3")
    script = (
        "import sys, workbench as wb\n"
        "p = wb.open_project(sys.argv[1])\n"
        "p.code('kitchen', 0, 24, 'hope', coder='chipo', note='from another process')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(probe)], check=True, timeout=60)
    written = time.monotonic()
    page.wait_for_selector('[data-wb="highlight"][data-coder="chipo"]', timeout=2_000)
    appeared = time.monotonic() - written
    subprocess.run([sys.executable, "-c",
                    "import sys, workbench as wb\n"
                    "wb.open_project(sys.argv[1]).codebook.add(\n"
                    "    'belonging', rationale='heard it twice', coder='chipo')\n",
                    str(probe)], check=True, timeout=60)
    written = time.monotonic()
    page.wait_for_selector('[data-wb="code-button"][data-code="belonging"]', timeout=2_000)
    print(f"others' coding shown {appeared:.2f}s after it was on disk; "
          f"new code shown {time.monotonic() - written:.2f}s after")
    # the new coder is offered as a view
    assert "chipo" in page.eval_on_selector_all('[data-wb="view"] option', "os => os.map(o => o.value)")
    # others' codings cannot be removed by ana
    page.click('[data-wb="highlight"][data-coder="chipo"]')
    details = page.locator('[data-wb="coding-details"]')
    assert details.locator('[data-wb="detail-note"]').text_content() == "Note: from another process"
    assert details.locator('[data-wb="remove"]').count() == 0


def test_injection_probes_show_literally_and_run_nothing(page, lab, probe):
    open_widget(page, lab, probe, extra=", narrative='probe', view='all'")
    page.wait_for_function("t => document.querySelector('[data-wb=\"text\"]').textContent === t", arg=XSS_TEXT)
    root = page.locator('[data-wb="coding-widget"]')
    assert page.locator('[data-wb="narrative-title"]').text_content() == XSS_TITLE
    assert XSS_ATTR in root.text_content()
    assert page.locator('[data-wb="code-button"]').filter(has_text=XSS_CODE).count() == 1
    highlight = page.locator('[data-wb="highlight"]').first
    assert highlight.get_attribute("data-code") == XSS_CODE
    assert highlight.get_attribute("data-coder") == XSS_CODER
    highlight.click()
    assert page.locator('[data-wb="detail-note"]').text_content() == f"Note: {XSS_NOTE}"
    assert page.locator('[data-wb="memo"]').filter(has_text=XSS_MEMO).count() == 1

    # and what ana types: a code, a note and a memo that look like HTML
    page.click('[data-wb="new-code"] summary')
    page.fill('[data-wb="new-code-name"]', "<svg onload=window.__xss=10>")
    page.fill('[data-wb="new-code-description"]', "<img src=x onerror=window.__xss=11>")
    page.click('[data-wb="new-code-save"]')
    page.wait_for_selector('[data-wb="code-button"][data-code="<svg onload=window.__xss=10>"]')
    start = XSS_TEXT.index("<b>bold</b>")
    select_span(page, XSS_TEXT, start, start + len("<b>bold</b>"))
    page.click('[data-wb="code-button"][data-code="<svg onload=window.__xss=10>"]')
    event = wait_for_event(probe, "ana", lambda e: e["event"] == "coded")
    assert event["text"] == "<b>bold</b>"
    page.click(f'[data-wb="highlight"][data-coding-id="{event["id"]}"]')
    page.fill('[data-wb="note-input"]', "<img src=x onerror=window.__xss=12>")
    page.click('[data-wb="note-save"]')
    wait_for_event(probe, "ana", lambda e: e["event"] == "noted")
    page.fill('[data-wb="memo-input"]', "<script>window.__xss=13</script>")
    page.click('[data-wb="memo-save"]')
    page.wait_for_selector('[data-wb="memo"]:has-text("<script>window.__xss=13</script>")')
    page.wait_for_timeout(300)  # give any injected handler time to fire

    assert page.evaluate("() => window.__xss") is None
    assert page.dialogs == []
    assert root.locator("img, script, svg, iframe, b").count() == 0
    shot(page, "coding-injection-probes", root)


def test_keyboard_only_coding_and_notebook_shortcuts_stay_out(page, lab, probe):
    open_widget(page, lab, probe, extra=", narrative='kitchen'")
    cells = "() => jupyterapp.shell.currentWidget.content.widgets.map(c => c.model.type).join(',')"
    assert page.evaluate(cells) == "code,code"
    text_box = page.locator('[data-wb="text"]')
    text_box.focus()
    page.keyboard.press("Control+Home")
    for _ in range(len("When I first")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.type("recip")  # type-to-filter moves to the filter box
    assert page.evaluate("() => document.activeElement.dataset.wb") == "code-filter"
    assert page.locator('[data-wb="code-button"]').first.get_attribute("data-code") == "reciprocity"
    page.keyboard.press("Enter")
    event = wait_for_event(probe, "ana", lambda e: e["event"] == "coded")
    assert (event["start"], event["end"], event["code"]) == (0, len("When I first"), "reciprocity")
    assert page.evaluate("() => document.activeElement.dataset.wb") == "text"

    # keys that are notebook shortcuts in command mode do nothing to the notebook here
    page.keyboard.press("Escape")
    for key in ["1", "a", "b", "m", "d", "d", "x"]:
        text_box.focus()
        page.keyboard.press(key)
    assert page.evaluate(cells) == "code,code"
    # a number key without a selection says what to do, visibly
    text_box.focus()
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    error = page.locator('[data-wb="error"]')
    error.wait_for(state="visible")
    assert "Select a passage" in error.text_content()
    # [ and ] step through codings and open their details
    text_box.focus()
    page.keyboard.press("]")
    page.wait_for_selector('[data-wb="coding-details"]:not([hidden])')
    # Ctrl+S still saves the notebook from inside the widget
    assert page.evaluate("() => jupyterapp.shell.currentWidget.context.model.dirty")
    text_box.focus()
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !jupyterapp.shell.currentWidget.context.model.dirty", timeout=10_000)


def test_errors_from_python_are_shown_in_the_widget(page, lab, probe):
    open_widget(page, lab, probe, extra=", narrative='kitchen'")
    run_in_kernel(page, "w._on_msg(w, {'type': 'code', 'req': 'x', 'narrative': 'kitchen', "
                        "'start': 40, 'end': 10, 'code': 'hope'}, [])")
    error = page.locator('[data-wb="error"]')
    error.wait_for(state="visible")
    assert "is reversed" in error.text_content()
    assert read_events(probe, "ana") == []
    shot(page, "coding-error", page.locator('[data-wb="coding-widget"]'))


def test_new_code_and_memo_in_a_narrow_column(page, lab, probe):
    page.set_viewport_size({"width": 760, "height": 1000})
    open_widget(page, lab, probe, extra=", narrative='kitchen'")
    widget = page.locator('[data-wb="coding-widget"]')
    width = widget.bounding_box()["width"]
    assert width < 440  # Lab's file browser takes the rest
    assert page.evaluate("() => document.querySelector('.wb-coding').scrollWidth") <= width  # no sideways overflow
    codes = page.locator('[data-wb="code-list"]').bounding_box()
    text = page.locator('[data-wb="text"]').bounding_box()
    assert codes["y"] < text["y"] and text["width"] > 200  # codes above the text, the text still readable

    page.click('[data-wb="new-code"] summary')
    page.fill('[data-wb="new-code-name"]', "naming the unnamed")
    page.fill('[data-wb="new-code-description"]', "Words for what services had no word for")
    page.select_option('[data-wb="new-code-parent"]', "hope")
    page.fill('[data-wb="new-code-rationale"]', "came up in three stories")
    page.click('[data-wb="new-code-save"]')
    page.wait_for_selector('[data-wb="code-button"][data-code="naming the unnamed"]')
    added = wait_for_event(probe, "ana", lambda e: e["event"] == "add", kind="codebook")
    assert (added["name"], added["parent"], added["rationale"]) == ("naming the unnamed", "hope",
                                                                     "came up in three stories")

    prompt = page.locator('[data-wb="prompt"]').text_content()
    page.click('[data-wb="prompt-use"]')
    page.fill('[data-wb="memo-input"]', "I recognise the relief; I was there once.")
    page.select_option('[data-wb="memo-tie"]', "code:naming the unnamed")
    page.click('[data-wb="memo-save"]')
    memo = wait_for_event(probe, "ana", lambda e: e["event"] == "memo", kind="memos")
    assert (memo["kind"], memo["title"], memo["narrative"], memo["code"]) == (
        "reflexive", prompt, "kitchen", "naming the unnamed")
    page.wait_for_selector('[data-wb="memo"]:has-text("I recognise the relief")')
    shot(page, "coding-narrow", widget)
