"""Make the README's picture of the app: ``workbench app`` (the Voila page) on a copy of the sample project.

    python tests/browser/screenshot_app.py [--out docs/images]

Writes app.png (the Stories tab, with a search) and app-codebook.png (the Codebook tab with a code chosen).
Needs /usr/bin/chromium and voila (pip install -e '.[app]').
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import workbench as wb  # noqa: E402

from _lab import REPO, free_port, launch_chromium  # noqa: E402


def serve(project: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """Start ``workbench app`` for ana on *project*; the process and the page's address."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "app", str(project), "--coder", "ana",
                                "--port", str(free_port())], cwd=REPO, env=env, stdout=log.open("w"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", log.read_text())
        if found and "Voil" in log.read_text():
            return process, found.group()
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError(f"the app page did not start: {log.read_text()[-1500:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "images"))
    out = Path(parser.parse_args().out)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        project = wb.sample_project(copy_to=Path(folder) / "sample").path
        process, url = serve(project, Path(folder) / "voila.log")
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1360, "height": 980})
                page.goto(url)
                page.wait_for_selector('[data-wb="text"]', timeout=90_000)
                page.locator('[data-wb="search-input"]').fill("warm line")
                page.keyboard.press("Enter")
                page.wait_for_selector('[data-wb="search-hit"]')
                page.evaluate("() => { window.scrollTo(0, 0); document.scrollingElement.scrollTop = 0; }")
                page.screenshot(path=str(out / "app.png"))
                page.locator('[data-wb="tab"][data-tab="codebook"]').click()
                page.locator('[data-wb="cb-code"][data-code="reciprocity"]').wait_for(timeout=30_000)
                page.locator('[data-wb="cb-code"][data-code="reciprocity"]').click()
                page.screenshot(path=str(out / "app-codebook.png"))
                browser.close()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(20)
    print(f"wrote {out / 'app.png'} and {out / 'app-codebook.png'}")


if __name__ == "__main__":
    main()
