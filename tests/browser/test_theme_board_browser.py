"""The card boards in a real JupyterLab, in Chromium: the theme board and a workshop's pile sort,
driven with the mouse (drag and drop) and with the keyboard (pick up, arrow keys, place).

Every check of what was written reads the files on disk (events/themes/<coder>.jsonl, the
participant's sort log), not the widget's state.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import workbench as wb
from workbench.workshop import start_workshop

from _lab import open_notebook, run_all_cells, shot, widget_notebook

pytestmark = pytest.mark.browser

CARD = '[data-wb="card"][data-key="{}"]'
COLUMN = '[data-wb="column"][data-column="{}"]'


def _open(page, lab, project: Path, call: str, cards: int, timeout: float = 90_000) -> None:
    name = widget_notebook(lab, project, call, prefix="board", last="print(repr(w))")
    open_notebook(page, lab, name, timeout)
    run_all_cells(page)
    page.wait_for_selector('[data-wb="board"]', timeout=timeout)
    page.wait_for_function("n => document.querySelectorAll('[data-wb=\"card\"]').length >= n", arg=cards,
                           timeout=timeout)


def _until(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not true within {timeout}s: {check.__doc__ or check}")


def _latest_sort(log: Path) -> dict:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return json.loads(lines[-1])["piles"] if lines else {}


def _add_column(page, name: str, keyboard: bool = False) -> None:
    page.fill('[data-wb="new-name"]', name)
    if keyboard:
        page.press('[data-wb="new-name"]', "Enter")
    else:
        page.click('[data-wb="new-add"]')
    page.wait_for_selector(COLUMN.format(name), timeout=15_000)


def _keyboard_move(page, key: str, rights: int) -> None:
    """Focus card *key*, pick it up with Enter, go *rights* columns right, place it with Enter."""
    page.focus(CARD.format(key))
    page.keyboard.press("Enter")
    page.wait_for_selector(CARD.format(key) + '[aria-pressed="true"]')
    for _ in range(rights):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")


def test_a_participant_sorts_cards_into_piles_with_the_mouse_and_the_keyboard(lab, page) -> None:
    ws = start_workshop(lab.root / "shared", name="Theme day", code="theme-day-42", stories=["kitchen-table"])
    ws.add_example_participants()
    el = ws.start_elicitation(ws.project.codings(coder="ana")["coding_id"][:4], name="themes-1")
    _open(page, lab, ws.project.path, 'wb.pile_sort(p, "themes-1", participant="Sam")', cards=4)
    log = el.folder / "sorts" / "Sam.jsonl"

    _add_column(page, "being heard")
    page.drag_and_drop(CARD.format("E01"), COLUMN.format("being heard"))
    _until(lambda: _latest_sort(log).get("being heard") == ["E01"])

    _keyboard_move(page, "E02", rights=1)
    _until(lambda: _latest_sort(log).get("being heard") == ["E01", "E02"])
    # the card keeps the focus in its new pile, so the next move starts from there
    page.wait_for_function("() => document.activeElement.dataset.key === 'E02' && "
                           "document.activeElement.dataset.column === 'being heard'")

    _add_column(page, "rules", keyboard=True)
    _keyboard_move(page, "E03", rights=2)
    _until(lambda: _latest_sort(log) == {"being heard": ["E01", "E02"], "rules": ["E03"]})
    # moved back to "not sorted" with the mouse: the pile keeps its other cards
    page.drag_and_drop(CARD.format("E02"), COLUMN.format(""))
    _until(lambda: _latest_sort(log) == {"being heard": ["E01"], "rules": ["E03"]})
    # a pile renamed: its cards stay in it
    page.click(f'{COLUMN.format("rules")} [data-wb="rename"]')
    page.fill('[data-wb="rename-input"]', "rules and limits")
    page.press('[data-wb="rename-input"]', "Enter")
    _until(lambda: _latest_sort(log) == {"being heard": ["E01"], "rules and limits": ["E03"]})
    page.wait_for_selector(COLUMN.format("rules and limits"))
    assert el.co_assignment().loc["E01", "E01"] == 1
    assert not page.console_errors, page.console_errors


def _theme_events(project: Path, coder: str) -> list[dict]:
    log = project / "events" / "themes" / f"{coder}.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def test_the_theme_board_moves_codes_and_passages_with_the_mouse_and_the_keyboard(lab, page) -> None:
    p = wb.sample_project(copy_to=lab.root / "themes-sample")
    p.themes.add("making room for each other", definition="giving and taking turns", codes=["reciprocity"],
                 coder="ben")
    picked = p.codings(coder="ana", code="relational safety")["coding_id"][:3].tolist()
    _open(page, lab, p.path, f"wb.theme_board(p, coder='ana', passages={picked!r})", cards=15)
    theme = COLUMN.format("making room for each other")
    assert "giving and taking turns" in page.text_content(theme + ' [data-wb="definition"]')
    assert page.text_content(theme + ' [data-wb="phase"]') == "candidate"
    stories = p.codings(code="reciprocity")["narrative_id"].nunique()  # 20 in the sample, all three coders
    assert f"{stories} stories" in page.text_content(theme + ' [data-wb="support"]')
    assert "3 coders" in page.text_content(theme + ' [data-wb="support"]')

    def codes() -> list[str]:
        return wb.open_project(p.path).themes.to_frame().set_index("name").loc["making room for each other", "codes"]

    # the mouse: a code from the unplaced column onto the theme
    page.drag_and_drop(f'{COLUMN.format("")} {CARD.format("community")}', theme)
    _until(lambda: codes() == ["reciprocity", "community"])
    assert any("community" in json.dumps(e) for e in _theme_events(p.path, "ana"))  # written as ana, on disk
    page.wait_for_selector(f"{theme} {CARD.format('community')}")
    # its supporting passages, on demand
    page.click(f'{theme} [data-wb="read-support"]')
    page.wait_for_selector(f'{theme} [data-wb="support-passages"] li')
    assert "reciprocity" in page.text_content(f'{theme} [data-wb="support-passages"]')

    # a new theme, then the keyboard: pick "power dynamics" up, two columns right (pool, the first theme) ...
    _add_column(page, "being believed")
    _keyboard_move(page, "power dynamics", rights=2)
    _until(lambda: "power dynamics" in codes())
    # ... and a passage from the pool into the new theme, two columns right
    _keyboard_move(page, picked[0], rights=2)
    _until(lambda: wb.open_project(p.path).themes.passages("being believed")["coding_id"].tolist() == [picked[0]])
    page.click(f'{COLUMN.format("being believed")} [data-wb="show-passages"]')
    page.wait_for_selector(f'{COLUMN.format("being believed")} [data-wb="passages"] {CARD.format(picked[0])}')

    # a code taken back out to the unplaced column with the keyboard (left, from the first theme)
    page.focus(f"{theme} {CARD.format('community')}")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    _until(lambda: "community" not in codes())
    page.wait_for_selector(f'{COLUMN.format("")} {CARD.format("community")}')

    # someone else changes the themes in another process: the board redraws by itself
    other = wb.open_project(p.path)
    other.themes.add("a theme from elsewhere", codes=["going underground"], coder="chipo")
    page.wait_for_selector(COLUMN.format("a theme from elsewhere"), timeout=20_000)
    shot(page, "theme-board", page.locator('[data-wb="board"]'))
    assert not page.console_errors, page.console_errors
