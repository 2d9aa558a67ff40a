"""The app as a page: `workbench app PROJECT --coder NAME --port N`, started from the checkout as documented,
loaded in Chromium: no code on the page, and a coding made in it lands on disk."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import workbench as wb

from _lab import ARTIFACTS, free_port, select_span, wait_for_event

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(tmp_path):
    if importlib.util.find_spec("voila") is None:
        pytest.skip("voila is missing: pip install -e '.[app]'")
    project = wb.sample_project(copy_to=tmp_path / "project")
    port = free_port()
    log = tmp_path / "voila.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "app", str(project.path), "--coder", "ben",
                                    "--port", str(port)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", log.read_text())
        if found and "Voil" in log.read_text():
            url = found.group()
            break
        time.sleep(0.3)
    try:
        assert url, f"the page never started: {log.read_text()[-2000:]}"
        yield project, url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_the_page_shows_no_code_and_a_coding_lands_on_disk(page, served):
    project, url = served
    page.goto(url)
    page.wait_for_selector('[data-wb="text"]', timeout=90_000)
    page.wait_for_selector('[data-wb="tab"][data-tab="stories"][aria-selected="true"]')
    html = page.content()
    assert "wb.app(" not in html and "open_project" not in html and "WB_PROJECT" not in html
    assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-page.png"))
    text = project.text("kitchen-table")
    start = text.index("kitchen")
    select_span(page, text, start, start + len("kitchen"))
    page.keyboard.press("1")
    event = wait_for_event(project.path, "ben", lambda e: e.get("start") == start, timeout=30)
    assert event["end"] == start + len("kitchen") and event["narrative"] == "kitchen-table"
    page.locator('[data-wb="tab"][data-tab="patterns"]').click()  # the charts draw in the page too (offline)
    page.wait_for_selector(".wb-app-patterns .vega-embed svg", timeout=60_000)
