"""The coding widget in Jupyter Notebook 7's own UI (the ``/notebooks/...`` page, not Lab), in Chromium.

The docs promise the widget works in JupyterLab 4 and Notebook 7; the other browser tests use
Lab. Here a person opens a notebook in Notebook 7, runs it from the Run menu, selects a passage
with the mouse and presses a code's number; the check is what landed in the project's files.
"""

from __future__ import annotations

import pytest

import workbench as wb

from _lab import open_notebook, select_span, shot, wait_for_coding_widget, wait_for_event, widget_notebook
from _probe import SCRIPTS, build_probe_project

pytestmark = pytest.mark.browser

CELLS = """() => {
    const cells = jupyterapp.shell.currentWidget.content.model.cells;
    return Array.from({length: cells.length}, (_, i) => cells.get(i).type);
}"""


def test_code_a_passage_in_notebook_7(page, notebook7):
    project = notebook7.root / "probe-nb7"
    build_probe_project(project)
    outside = []  # nothing may be fetched from anywhere but the server (offline, no CDN)
    page.on("request", lambda r: outside.append(r.url)
            if r.url.startswith(("http:", "https:")) and not r.url.startswith(notebook7.url) else None)

    name = widget_notebook(notebook7, project, "wb.coding_widget(p, coder='ana', narrative='scripts')", prefix="nb7")
    open_notebook(page, notebook7, name)
    assert page.evaluate("() => jupyterapp.name") == "Jupyter Notebook"
    assert page.url.startswith(f"{notebook7.url}/notebooks/{name}")
    assert page.evaluate(CELLS) == ["code", "code"]

    # Run ▸ Run All Cells, from Notebook's menu bar
    page.click('.lm-MenuBar-itemLabel:text-is("Run")')
    page.click('.lm-Menu-itemLabel:text-is("Run All Cells")')
    widget = wait_for_coding_widget(page)
    assert page.eval_on_selector('[data-wb="text"]', "e => e.textContent") == SCRIPTS

    # code points, not UTF-16 units: the span starts at an emoji
    start = SCRIPTS.index("😀 joy")
    end = SCRIPTS.index(" at the kitchen")
    select_span(page, SCRIPTS, start, end)
    page.wait_for_function("() => document.querySelector('[data-wb=\"selection-info\"]').textContent.includes('joy')")
    names = page.eval_on_selector_all('[data-wb="code-button"]', "els => els.map(e => e.dataset.code)")
    page.keyboard.press(str(names.index("reciprocity") + 1))

    coded = wait_for_event(project, "ana", lambda e: e["event"] == "coded")
    assert (coded["narrative"], coded["start"], coded["end"], coded["code"]) == ("scripts", start, end, "reciprocity")
    assert coded["text"] == "😀 joy when we met"
    page.wait_for_selector('[data-wb="highlight"][data-code="reciprocity"]', timeout=10_000)
    mine = wb.open_project(project).codings(coder="ana")
    assert mine[["narrative_id", "start", "end", "code", "text"]].values.tolist() == [
        ["scripts", start, end, "reciprocity", "😀 joy when we met"]]
    # the number key went to the widget, not to Notebook's shortcuts (which would make a heading cell)
    assert page.evaluate(CELLS) == ["code", "code"]
    assert page.locator('[data-wb="error"]:not([hidden])').count() == 0
    assert outside == []
    shot(page, "notebook7-coding-widget", widget)
