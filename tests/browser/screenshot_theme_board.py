"""Make the docs' pictures of themes: the theme board at work and the theme map (docs/images/).

    python tests/browser/screenshot_theme_board.py [--out docs/images]

A copy of the sample project with three candidate themes from the three coders' readings, one of
them reviewed, a hand-picked passage and a negative case. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import workbench as wb  # noqa: E402

from _lab import REPO, launch_chromium, open_notebook, run_all_cells, start_lab, widget_notebook  # noqa: E402


def themed_sample(path: Path) -> tuple[wb.Project, list[str]]:
    """The sample with three candidate themes and a few of chipo's passages offered to place."""
    p = wb.sample_project(copy_to=path)
    p.themes.add("making room for each other", coder="ana", codes=["reciprocity", "mutual responsibility"],
                 definition="Help that keeps a place for both people: turns, not roles.")
    p.themes.add("the pull back to services", coder="ben",
                 codes=["pull of the known", "acculturation into services", "funding-driven practice"],
                 definition="What draws peer work back into the shape of a service.")
    p.themes.add("stories that hold us", coder="chipo", codes=["telling and re-telling stories"],
                 definition="Telling one's story again, to someone who has been there.")
    p.themes.set_phase("making room for each other", "reviewed", coder="ana", rationale="read against all stories")
    offered = p.codings(coder="chipo", code="relational safety")["coding_id"].head(4).tolist()
    p.themes.add_passages("making room for each other", offered[:1], coder="ana")
    against = p.codings(coder="ana", code="power dynamics")["coding_id"].iloc[0]
    p.themes.add_negative_cases("making room for each other", [against], coder="ben",
                                note="here one person keeps the upper hand")
    return p, offered[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "images"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="wb-shot-") as tmp:
        lab = start_lab(Path(tmp))
        try:
            p, offered = themed_sample(lab.root / "peer_stories")
            wb.charts.save(wb.charts.theme_map(p), out / "theme-map.png")
            name = widget_notebook(lab, p.path, f"wb.theme_board(p, coder='ana', passages={offered!r})",
                                   prefix="shot-board")
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1500, "height": 1000}, device_scale_factor=1)
                open_notebook(page, lab, name, timeout=90_000)
                run_all_cells(page)
                page.wait_for_selector('[data-wb="board"] [data-wb="card"]', timeout=90_000)
                page.evaluate("() => jupyterapp.commands.execute('application:toggle-left-area')")
                page.wait_for_timeout(400)
                theme = '[data-wb="column"][data-column="making room for each other"]'
                page.click(f'{theme} [data-wb="show-passages"]')
                page.focus('[data-wb="column"][data-column=""] [data-wb="card"][data-key="relational safety"]')
                page.keyboard.press("Enter")  # picked up with the keyboard, on its way to a theme
                page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(300)
                box = page.locator('[data-wb="board"]').bounding_box()
                clip = {"x": box["x"] - 4, "y": box["y"] - 4, "width": min(1500 - box["x"], box["width"] + 8),
                        "height": min(1000 - box["y"], box["height"] + 8, 820)}
                page.screenshot(path=str(out / "theme-board.png"), clip=clip)
                browser.close()
        finally:
            lab.shutdown_kernels()
            lab.stop()
    for picture in ("theme-board.png", "theme-map.png"):
        print(f"wrote {out / picture} ({(out / picture).stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
