"""Make docs/care.md's picture of a story return (docs/images/story-return.png): the HTML return of one sample
story, as its narrator sees it in a browser.

    python tests/browser/screenshot_story_return.py [--out docs/images]

Uses a copy of the sample project, gives two codes a plain description and a theme, writes the return,
and photographs it in Debian's Chromium (/usr/bin/chromium) through Playwright.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import workbench as wb  # noqa: E402

from _lab import REPO, launch_chromium  # noqa: E402

PLAIN = {
    "reciprocity": "You and the other person each gave something, and each took something.",
    "relational safety": "You felt safe enough with someone to be yourself, without being judged.",
    "not problem-centred": "People met you as a person, not as a problem to solve.",
    "acculturation into services": "You knew the way services work so well that you expected it, even here.",
    "community resources": "Help that came from people and places around you, not from a service.",
}


def make_return(base: Path) -> Path:
    p = wb.sample_project(copy_to=base / "sample")
    for code, plain in PLAIN.items():
        if code in p.codebook:
            p.codebook.edit(code, plain=plain, coder="ana", rationale="for story returns")
    p.themes.add("making room for each other", definition="Help goes both ways, and nobody stays the helper.",
                 codes=["reciprocity", "mutual responsibility"], coder="ana")
    return wb.exchange.story_return(p, "kitchen-table", base / "kitchen-table.html", coders="names")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    out = parser.parse_args().out
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = make_return(Path(tmp))
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 900, "height": 1000}, device_scale_factor=1)
            page.goto(page_file.as_uri())
            page.locator('[data-wb="reading"]').nth(0).get_by_label("Not really").check()
            page.locator('[data-wb="reading"]').nth(0).locator('[data-wb="text"]').fill(
                "It wasn't a technique. She just didn't know either, and said so.")
            top = page.locator("h2").nth(1).bounding_box()["y"] - 40
            page.evaluate(f"window.scrollTo(0, {top})")
            page.wait_for_timeout(200)
            page.screenshot(path=str(out / "story-return.png"))
            browser.close()
    print(f"wrote {out / 'story-return.png'} ({(out / 'story-return.png').stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
