"""The notebooks as a person meets them: opened in a real JupyterLab (as ``make lab`` does, with the
notebooks folder as Lab's root), run from the top in Chromium, with their charts and widgets drawn.

nbval (``make test``) checks the computed values; this checks what nbval cannot see: that the
offline charts render in the page (no CDN), that the widgets appear, and that nothing errors.
Needs Debian's chromium; skipped without it unless ``WORKBENCH_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from _lab import ARTIFACTS, CHROMIUM, launch_chromium, start_lab  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN_ALL_AND_WAIT = """
async () => {
  const panel = jupyterapp.shell.currentWidget;
  await jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
  await jupyterapp.commands.execute('notebook:run-all-cells');
}
"""
DONE = """
() => {
  const panel = jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = panel.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && !cell.executionCount) return false;
  }
  return true;
}
"""
PROBLEMS = """
() => {
  const panel = jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells, found = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') found.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream' && out.name === 'stderr') found.push(`cell ${i} stderr: ${out.text}`);
    }
  }
  return found;
}
"""


def _require_browser() -> None:
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing: install Chromium to run the browser tests"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing: pip install -e '.[test]'"
    if missing:
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"WORKBENCH_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(missing)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    _require_browser()
    server = start_lab(tmp_path_factory.mktemp("notebooks-lab"))
    shutil.copytree(REPO / "notebooks", server.root, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def driver(lab):
    """Playwright in a thread of its own: the browser tests elsewhere keep a sync Playwright (and its
    event loop) running in the main thread for the whole session, and a second one cannot start there."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notebooks-playwright")

    def start():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        return playwright, launch_chromium(playwright)

    playwright, chromium = worker.submit(start).result()
    yield worker, chromium
    worker.submit(lambda: (chromium.close(), playwright.stop())).result()
    worker.shutdown()


def _in_browser(driver, lab, test) -> None:
    """Run *test(page)* on a fresh page, in Playwright's thread."""
    worker, chromium = driver

    def body():
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
        try:
            test(page)
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"FAILED-notebooks-{test.__name__}.png"))
            raise
        finally:
            context.close()

    try:
        worker.submit(body).result(timeout=600)
    finally:
        lab.shutdown_kernels()


def _run(page, lab, name: str) -> None:
    page.goto(lab.notebook_url(name))
    page.wait_for_function(
        "name => { const w = window.jupyterapp && jupyterapp.shell.currentWidget;"
        " return w && w.context && w.context.path === name && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'; }",
        arg=name, timeout=90_000)
    page.evaluate(RUN_ALL_AND_WAIT)
    page.wait_for_function(DONE, timeout=240_000, polling=500)
    assert page.evaluate(PROBLEMS) == []


def _charts_drawn(page, at_least: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= n", arg=at_least,
        timeout=60_000)
    body = page.locator("body").inner_text()
    assert "Error loading script" not in body and "Error displaying widget" not in body


def test_start_here_runs_and_draws_its_chart_offline(driver, lab) -> None:
    def start_here(page):
        _run(page, lab, "01_start_here.ipynb")
        _charts_drawn(page, 1)
        assert not [e for e in page.console_errors if "cdn" in e.lower() or "jsdelivr" in e.lower()]

    _in_browser(driver, lab, start_here)


def test_code_a_story_shows_the_coding_tool(driver, lab) -> None:
    def code_a_story(page):
        _run(page, lab, "02_code_a_story.ipynb")
        page.wait_for_selector('[data-wb="coding-widget"] [data-wb="text"]', timeout=60_000)
        assert page.locator('[data-wb="coding-widget"]').count() == 2  # blind, then everyone's

    _in_browser(driver, lab, code_a_story)


def test_facilitator_notebook_shows_the_live_panel_and_the_explorer(driver, lab) -> None:
    def facilitator(page):
        _run(page, lab, "workshop/facilitator.ipynb")
        page.wait_for_selector('[data-wb="disagreement-explorer"] [data-wb="dx-text"]', timeout=60_000)
        page.locator("text=Places where readings differ").first.wait_for(timeout=30_000)
        _charts_drawn(page, 1)
        ARTIFACTS.mkdir(exist_ok=True)
        for name, starts in (("workshop-progress", "ws.progress()"), ("workshop-differences", "differences = ")):
            _scroll_to_cell(page, starts)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    _in_browser(driver, lab, facilitator)


def _scroll_to_cell(page, starts: str) -> None:
    """Bring the code cell whose source starts with *starts* to the top (Lab renders long notebooks lazily)."""
    page.evaluate("""async (starts) => {
        jupyterapp.shell.collapseLeft();
        const notebook = jupyterapp.shell.currentWidget.content;
        const cells = notebook.model.cells;
        for (let i = 0; i < cells.length; i++) {
            if (cells.get(i).type === 'code' && cells.get(i).sharedModel.getSource().startsWith(starts)) {
                notebook.activeCellIndex = i;
                await notebook.scrollToItem(i, 'start');
                return;
            }
        }
        throw new Error('no cell starts with ' + starts);
    }""", starts)
    page.wait_for_timeout(800)
