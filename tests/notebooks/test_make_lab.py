"""``make lab`` as a newcomer meets it: the URL the log prints opens notebook 01, with no news dialog,
and the file browser shows the notebooks and the docs (not the test plumbing).

The docs are in the file browser through ``notebooks/docs``, a link to the repository's ``docs/``.

Lab is started from the same file as ``make lab`` (``.lab/jupyter_lab_config.py``), with throw-away
Jupyter settings (so no answer to the news question is remembered from before), and driven by
Debian's Chromium. Skipped without it unless ``WORKBENCH_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from _lab import ARTIFACTS, CHROMIUM, free_port, launch_chromium  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONFIG = REPO / ".lab" / "jupyter_lab_config.py"
URL = re.compile(r"http://127\.0\.0\.1:\d+/\S*\?token=[0-9a-f]+")


def test_make_lab_uses_the_shared_config_and_the_docs_are_beside_the_notebooks() -> None:
    assert (REPO / "notebooks" / "docs" / "care.md").is_file()  # notebook 01 sends the reader there
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "jupyter lab --config=.lab/jupyter_lab_config.py" in makefile
    assert not (REPO / "notebooks" / "conftest.py").exists() and not (REPO / "notebooks" / "sanitize.cfg").exists()


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory: pytest.TempPathFactory):
    """JupyterLab started as ``make lab`` starts it (plus --no-browser and a free port); yields the printed URL."""
    if not CHROMIUM.exists():
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"WORKBENCH_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing: install Chromium to run the browser tests")
    pytest.importorskip("playwright.sync_api")
    base = tmp_path_factory.mktemp("make-lab")
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        (base / name.lower()).mkdir()
        env[name] = str(base / name.lower())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    log = base / "lab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", f"--config={CONFIG}", "--no-browser", "--ip=127.0.0.1",
             f"--port={free_port()}", "--allow-root"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=base)
    try:
        deadline = time.monotonic() + 60
        while not URL.search(log.read_text(errors="replace")):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Lab printed no URL; its log:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)
        yield URL.search(log.read_text(errors="replace")).group(0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_printed_url_opens_notebook_01_without_a_dialog_beside_notebooks_and_docs(make_lab: str) -> None:
    assert "/lab/tree/01_start_here.ipynb?token=" in make_lab

    def body() -> dict:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            try:
                page.goto(make_lab)
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
                page.wait_for_selector(".jp-DirListing-item", timeout=30_000)
                time.sleep(6)  # the news question, when asked, comes a few seconds after the page
                return page.evaluate("""() => ({
                    current: [...document.querySelectorAll('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current')]
                        .map(t => t.innerText.trim()),
                    listing: [...document.querySelectorAll('.jp-DirListing-item .jp-DirListing-itemName')]
                        .map(t => t.innerText.trim()),
                    text: document.body.innerText,
                })""")
            except BaseException:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "FAILED-make-lab.png"))
                raise
            finally:
                chromium.close()

    with ThreadPoolExecutor(max_workers=1) as worker:  # the browser tests keep a Playwright in the main thread
        seen = worker.submit(body).result(timeout=300)
    assert "01_start_here.ipynb" in seen["current"], seen["current"]
    assert "Launcher" not in seen["current"]
    assert "Jupyter news" not in seen["text"] and "get notified" not in seen["text"]
    assert {"01_start_here.ipynb", "workshop", "docs"} <= set(seen["listing"]), seen["listing"]
    assert not {"conftest.py", "sanitize.cfg"} & set(seen["listing"]), seen["listing"]
