"""Make the docs' screenshot of the disagreement explorer (docs/images/disagreement-explorer.png).

    python tests/browser/screenshot_disagreement.py [--out docs/images/disagreement-explorer.png]

Opens the explorer on a copy of the sample project (``sample_data/peer_stories``; build it first)
in JupyterLab in Chromium, at the sample's "Tuesday caller" story. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from test_disagreement_browser import open_explorer  # noqa: E402

from _lab import REPO, copy_project, launch_chromium, start_lab  # noqa: E402

SAMPLE = REPO / "sample_data" / "peer_stories"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "images" / "disagreement-explorer.png"))
    parser.add_argument("--narrative", default="tuesday-caller")
    args = parser.parse_args()
    if not (SAMPLE / "workbench.toml").exists():
        sys.exit(f"{SAMPLE} has not been built yet (python sample_data/build_sample.py).")
    from playwright.sync_api import sync_playwright

    lab = start_lab(Path(tempfile.mkdtemp(prefix="dx-shot-")))
    try:
        project = copy_project(SAMPLE, lab, "peer-stories")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1500, "height": 1700})
            widget = open_explorer(page, lab, project,
                                   f'disagreement_explorer(p, narrative={args.narrative!r}, coder="chipo")')
            page.wait_for_timeout(1500)  # fonts and layout settle
            widget.screenshot(path=args.out)
            browser.close()
    finally:
        lab.stop()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
