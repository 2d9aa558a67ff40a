"""Make the README's screenshot of the coding widget at work (docs/images/coding-widget.png).

    python tests/browser/screenshot.py [--out docs/images/coding-widget.png]

Uses a copy of the sample project when ``sample_data/peer_stories`` has been built; until then a
small demo built from the sample's source stories and codebook. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import workbench as wb  # noqa: E402

from _lab import REPO, launch_chromium, open_widget, start_lab  # noqa: E402

SOURCE = REPO / "sample_data" / "peer_stories_source"
DEMO_CODINGS = [  # (coder, quote, code, note)
    ("ana", "Nobody asked me any of them.", "not problem-oriented", "The absence of the interview is the care."),
    ("ben", "Nobody asked me any of them. A woman called Dot, who turned out to be one of the peer staff, showed me "
            "the room", "relational safety", None),
    ("ana", "On my second night we talked for an hour about whether you can grow tomatoes on a balcony facing north.",
     "not problem-oriented", None),
    ("chipo", "I did not mention the voices once, and nobody steered me towards them.", "beyond the medical frame",
     None),
    ("ana", "She didn't reach for a form.", "relational safety", None),
    ("ben", "She told me that some nights she still feels like that herself.", "mutual responsibility", None),
    ("ana", "It meant she wasn't standing on a higher step looking down at me.", "power dynamics",
     "Power named by its absence."),
    ("chipo", "It meant she wasn't standing on a higher step looking down at me.", "mutual responsibility", None),
    ("ana", "By the end of the week I was the one making the tea.", "reciprocity", None),
    ("ben", "By the end of the week I was the one making the tea. A new guest came in, shaking, and I showed her "
            "where the towels were.", "reciprocity", None),
]


def demo_project(path: Path) -> wb.Project:
    p = wb.create_project(path, codebook=REPO / "codebooks" / "peer_support_principles.yaml", name="Peer stories")
    with open(SOURCE / "narratives.csv", encoding="utf-8", newline="") as handle:
        for row in list(csv.DictReader(handle))[:6]:
            text = (SOURCE / "narratives" / f"{row['id']}.txt").read_text(encoding="utf-8")
            p.add_narrative(text, id=row["id"], title=row["title"], narrator=row["narrator"],
                            attributes={"setting": row["setting"], "role": row["role"], "year": int(row["year"])})
    text = p.text("kitchen-table")
    for coder, quote, code, note in DEMO_CODINGS:
        start = text.index(quote)
        p.code("kitchen-table", start, start + len(quote), code, coder=coder, note=note)
    p.code("night-shift", 0, 40, "relational safety", coder="ana")
    p.memo("I was quick to read Dot's 'I don't know either' as a technique. It reads to me now as honesty; "
           "I worked in places where not knowing was not allowed.", coder="ana", narrative="kitchen-table")
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "images" / "coding-widget.png"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="wb-shot-") as tmp:
        lab = start_lab(Path(tmp))
        try:
            project = lab.root / "peer_stories"
            if (REPO / "sample_data" / "peer_stories" / "workbench.toml").exists():
                p = wb.sample_project(copy_to=project)
                coder = p.coders[0]
                nid = p.narratives.id.iloc[0]
            else:
                p = demo_project(project)
                coder, nid = "ana", "kitchen-table"
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
                open_widget(page, lab, project, coder=coder, extra=f", narrative={nid!r}, view='all'")
                page.evaluate("() => jupyterapp.commands.execute('application:toggle-left-area')")
                page.wait_for_timeout(400)
                first = page.locator('[data-wb="highlight"][data-coder="%s"]' % coder).first
                first.click()
                page.wait_for_timeout(300)
                cell = page.locator(".jp-Cell").first.bounding_box()
                widget = page.locator('[data-wb="coding-widget"]').bounding_box()
                top = max(0, cell["y"] - 4)
                clip = {"x": max(0, cell["x"] - 4), "y": top, "width": min(1280, widget["x"] + widget["width"] + 8)
                        - max(0, cell["x"] - 4), "height": min(1000 - top, widget["y"] + 760 - top)}
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.out, clip=clip)
                browser.close()
        finally:
            lab.shutdown_kernels()
            lab.stop()
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
