"""Speed of the app (``wb.app``): first render on the sample project and on 1,000 stories; search across
2 million words. Prints figures, asserts nothing.

    python benchmarks/bench_app.py [--runs 3] [--no-browser]

Targets from issue 13: first render <= 700 ms on the sample project and <= 1.5 s on a 1,000-story project;
search across 2 million words <= 300 ms.

- kernel: ``wb.app(p, coder)`` built (the tab bar and the Stories tab: the other tabs are made when opened).
- browser: in a real JupyterLab in Debian's Chromium, with the kernel warm (workbench imported, project
  open), from Shift+Enter on the cell ``wb.app(p, coder="ana")`` to the tab bar and the story's text painted.
- search: :func:`workbench.widgets.app_search.find_passages` across every story of the scale project
  (1,000 stories, about 2 million words), for a rare phrase, a common word and a word that is not there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import scale_project  # noqa: E402  (puts the measured workbench first: PYTHONPATH's, else this checkout's)

sys.path.insert(1, str(REPO / "tests" / "browser"))

import workbench as wb  # noqa: E402
from workbench.widgets.app_search import find_passages  # noqa: E402

SCALE_CODINGS = 10_000


def _ms(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _line(label: str, times: list[float]) -> str:
    return (f"  {label}: median {statistics.median(times):.0f} ms "
            f"(min {min(times):.0f}, max {max(times):.0f}, n={len(times)})")


def kernel_side(projects: dict[str, wb.Project], runs: int) -> None:
    for name, p in projects.items():
        wb.app(p, coder="ana")  # imports and caches once
        print(_line(f"kernel, {name}: wb.app(p) built", _ms(lambda p=p: wb.app(p, coder="ana"), runs)))


def search(p: wb.Project, runs: int) -> None:
    words = sum(len(p.text(n).split()) for n in p.narratives["id"])
    print(f"  search across {len(p.narratives)} stories, {words:,} words:")
    print(_line("  first search (reads and lower-cases every story once)", _ms(lambda: find_passages(p, "kitchen"), 1)))
    for query in ("kitchen table", "the", "zyzzyva"):
        found = find_passages(p, query)
        print(_line(f"  {query!r} ({found.attrs['total']:,} found, {len(found)} listed)",
                    _ms(lambda query=query: find_passages(p, query), runs)))


_RENDERED = """() => {
    const bar = [...document.querySelectorAll('[data-wb="tab"][aria-selected="true"]')].find(b => !b.__old);
    const text = [...document.querySelectorAll('[data-wb="text"]')].find(t => !t.__old);
    return !!(bar && text && text.textContent.length > 20);
}"""


def browser_side(projects: dict[str, wb.Project], runs: int) -> None:
    from _lab import CHROMIUM, launch_chromium, open_notebook, run_all_cells, start_lab

    if not CHROMIUM.exists():
        print(f"(browser figures skipped: {CHROMIUM} is missing)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as base:
        lab = start_lab(Path(base))
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                for name, p in projects.items():
                    notebook = f"bench-{name.split()[0]}.ipynb"
                    lab.write_notebook(notebook, [f"import workbench as wb\np = wb.open_project({str(p.path)!r})\n"
                                                  "wb.app(p, coder='ana');", "wb.app(p, coder='ana')"])
                    open_notebook(page, lab, notebook, timeout=120_000)
                    run_all_cells(page)
                    page.wait_for_function(_RENDERED, timeout=120_000)
                    times = []
                    for _ in range(runs):
                        page.evaluate("() => document.querySelectorAll('[data-wb]').forEach(e => { e.__old = true; })")
                        page.locator(".jp-Cell").nth(1).locator(".jp-InputArea-editor").click()
                        start = page.evaluate("() => performance.now()")
                        page.keyboard.press("Shift+Enter")
                        page.wait_for_function(_RENDERED, timeout=60_000, polling="raf")
                        times.append(page.evaluate("() => performance.now()") - start)
                    print(_line(f"browser, {name}: Shift+Enter to tabs and story painted", times))
                    lab.shutdown_kernels()
                browser.close()
        finally:
            lab.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sample = wb.sample_project(copy_to=Path(folder) / "sample")
        scale = scale_project.build_scale_project(scale_project.scale_path(SCALE_CODINGS), codings=SCALE_CODINGS)
        projects = {"sample project (25 stories)": sample,
                    f"1,000 stories ({SCALE_CODINGS:,} codings)": scale}
        print("wb.app, first render (targets: <= 700 ms sample, <= 1.5 s on 1,000 stories)")
        kernel_side(projects, args.runs)
        if not args.no_browser:
            browser_side(projects, args.runs)
        print("search (target: <= 300 ms across 2 million words)")
        search(scale, args.runs)


if __name__ == "__main__":
    main()
