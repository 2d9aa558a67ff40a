"""Speed of the theme board: prints figures, asserts nothing.

    python benchmarks/bench_theme_board.py

A project of 40 stories and 60 codes (3 coders, 1,200 codings), 12 themes gathering 36 of the
codes, and a board offering 200 passages to place. Target from issue 12: the board's first render
<= 500 ms (view created -> every card painted, the "wb-first-render" measure of theme_board.js).

Measured in a real JupyterLab in Debian's Chromium (as the browser tests do). Without
/usr/bin/chromium only the kernel-side figures are printed.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import scale_project  # noqa: E402, F401  (puts the measured workbench first: PYTHONPATH's, else this checkout's)

sys.path.insert(1, str(REPO / "tests" / "browser"))

import workbench as wb  # noqa: E402

WORDS = ("we talked about the group and how nobody asked me to explain anything I was tired of services that "
         "told me what I needed she listened for a long time then made tea my sister came too later").split()
CODES, PASSAGES, THEMES = 60, 200, 12


def build(path: Path, seed: int = 7) -> wb.Project:
    """40 stories, 60 codes, 1,200 codings by three coders, 12 themes of three codes each."""
    rng = random.Random(seed)
    p = wb.create_project(path, name="Board benchmark")
    for i in range(CODES):
        p.codebook.add(f"code {i:02d}")
    ids = []
    for s in range(40):
        text = " ".join(rng.choice(WORDS) for _ in range(300)) + ".\n"
        ids.append(p.add_narrative(text, title=f"Story {s}", narrator=f"R{s % 30:02d}", id=f"s{s:02d}",
                                   attributes={"setting": rng.choice(["group", "phone", "walk"])}))
    for coder in ("ana", "ben", "chipo"):
        rows = []
        for _ in range(400):
            nid = rng.choice(ids)
            a = rng.randrange(0, 1200)
            rows.append({"narrative_id": nid, "start": a, "end": a + rng.randint(20, 200),
                         "code": f"code {rng.randrange(CODES):02d}"})
        p.code_many(rows, coder=coder)
    for t in range(THEMES):
        p.themes.add(f"theme {t:02d}", definition="what it is and what it is not",
                     codes=[f"code {3 * t + k:02d}" for k in range(3)], coder="ana")
    return p


def _pool(p: wb.Project) -> list[str]:
    return p.codings()["coding_id"].sample(PASSAGES, random_state=1).tolist()


def kernel_side(path: Path) -> dict:
    p = build(path)
    pool = _pool(p)
    times = []
    for _ in range(5):
        fresh = wb.open_project(path)
        t = time.perf_counter()
        w = wb.theme_board(fresh, coder="ana", passages=pool)
        times.append((time.perf_counter() - t) * 1000)
        payload = len(json.dumps(w.columns))
        cards = sum(len(c["cards"]) for c in w.columns)
        w.close()
    w = wb.theme_board(p, coder="ana", passages=pool)
    w.send = lambda content, buffers=None: None
    moves = []
    for k in range(10):
        t = time.perf_counter()
        w.move("code", f"code {40 + k:02d}", to=f"theme {k:02d}")
        moves.append((time.perf_counter() - t) * 1000)
    w.close()
    return {"create_ms": times, "payload_kb": payload / 1024, "cards": cards, "move_ms": moves}


def browser_side(base: Path) -> list[dict] | None:
    from _lab import CHROMIUM, launch_chromium, open_notebook, run_all_cells, start_lab, widget_notebook

    if not CHROMIUM.exists():
        print(f"(browser figures skipped: {CHROMIUM} is missing; apt-get install chromium)")
        return None
    from playwright.sync_api import sync_playwright

    lab = start_lab(base)
    try:
        project = lab.root / "board"
        p = build(project)
        pool = _pool(p)
        firsts = []
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for _ in range(3):  # a fresh page and kernel each time
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                name = widget_notebook(lab, project, f"wb.theme_board(p, coder='ana', passages={pool!r})",
                                       prefix="bench-board")
                open_notebook(page, lab, name, timeout=120_000)
                run_all_cells(page)
                page.wait_for_function("() => performance.getEntriesByName('wb-first-render').length > 0",
                                       timeout=120_000)
                firsts += page.evaluate("() => performance.getEntriesByName('wb-first-render').map(m => "
                                        "({ms: m.duration, cards: m.detail.cards}))")
                page.close()
                lab.shutdown_kernels()
            browser.close()
        return firsts
    finally:
        lab.shutdown_kernels()
        lab.stop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-board-") as tmp:
        tmp = Path(tmp)
        k = kernel_side(tmp / "kernel")
        print(f"Theme board: {CODES} codes, {PASSAGES} passages to place, {THEMES} themes, 1,200 codings")
        print(f"  kernel: theme_board(...) created (project read, columns built): median "
              f"{statistics.median(k['create_ms']):.0f} ms, max {max(k['create_ms']):.0f} ms; "
              f"{k['cards']} cards, {k['payload_kb']:.0f} KB sent")
        print(f"  kernel: one move (a code into a theme, written, columns rebuilt): median "
              f"{statistics.median(k['move_ms']):.0f} ms, max {max(k['move_ms']):.0f} ms")
        (tmp / "lab").mkdir()
        firsts = browser_side(tmp / "lab")
        if firsts:
            ms = [f["ms"] for f in firsts]
            print(f"  browser: first render (view created -> {firsts[-1]['cards']} cards painted): median "
                  f"{statistics.median(ms):.0f} ms, max {max(ms):.0f} ms   [target <= 500 ms]")


if __name__ == "__main__":
    main()
