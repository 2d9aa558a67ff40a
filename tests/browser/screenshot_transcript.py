"""Make the docs' picture of a transcript with its player in the coding widget (docs/images/transcript-player.png).

    python tests/browser/screenshot_transcript.py [--out docs/images/transcript-player.png]

A short warm-line call (original fiction) as WebVTT with voice tags, and a generated tone as its
recording (the stdlib ``wave`` module); one coded passage is clicked so the player stands at its
time and the turn is outlined. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from test_media_player import write_wav  # noqa: E402

import workbench as wb  # noqa: E402

from _lab import REPO, click_text, launch_chromium, open_widget, start_lab  # noqa: E402

CALL = [  # (start, end, speaker, words)
    ("00:00.000", "00:04.000", "Ana", "Warm line, this is Ana. Take your time."),
    ("00:04.500", "00:11.000", "R07", "It's the third night I can't sleep. I didn't know who else would pick up at "
                                      "this hour."),
    ("00:11.500", "00:15.000", "Ana", "I'm glad you rang. What are the nights like?"),
    ("00:15.500", "00:26.000", "R07", "Long. The flat is quiet and my head isn't. Last week someone from the group "
                                      "called back the next day just to ask if I'd slept, and I had, a bit."),
    ("00:26.500", "00:31.000", "Ana", "What did it do for you, that call the next day?"),
    ("00:31.500", "00:40.000", "R07", "It meant somebody was holding the thread when I couldn't. I wasn't a case, "
                                      "I was someone they'd remembered."),
]
CODINGS = [("R07", "someone from the group called back the next day", "reciprocity"),
           ("R07", "somebody was holding the thread when I couldn't", "relational safety"),
           ("R07", "I wasn't a case", "beyond the medical frame")]


def transcript(path: Path) -> wb.Project:
    p = wb.create_project(path, codebook=REPO / "codebooks" / "peer_support_principles.yaml", name="Warm line")
    vtt = path.parent / "warm-line-night-3.vtt"
    vtt.write_text("WEBVTT\n\n" + "\n".join(f"{a} --> {b}\n<v {who}>{words}\n" for a, b, who, words in CALL),
                   encoding="utf-8")
    wav = write_wav(path.parent / "warm-line-night-3.wav", seconds=41.0)
    nid = p.import_transcript(vtt, title="Warm line, night 3", narrator="R07", media=wav, id="night-3")
    text = p.text(nid)
    for _, quote, code in CODINGS:
        start = text.index(quote)
        p.code(nid, start, start + len(quote), code, coder="ana")
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "images" / "transcript-player.png"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="wb-shot-") as tmp:
        lab = start_lab(Path(tmp))
        try:
            project = lab.root / "warm-line"
            p = transcript(project)
            text = p.text("night-3")
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
                open_widget(page, lab, project, extra=", narrative='night-3'")
                page.evaluate("() => jupyterapp.commands.execute('application:toggle-left-area')")
                page.wait_for_function("() => document.querySelector('[data-wb=\"player\"]').readyState >= 1")
                click_text(page, text, text.index(CODINGS[0][1]) + 5)
                page.wait_for_selector('[data-wb="current-turn"]')
                page.evaluate("() => document.querySelector('[data-wb=\"player\"]').pause()")
                page.wait_for_timeout(400)
                cell = page.locator(".jp-Cell").first.bounding_box()
                widget = page.locator('[data-wb="coding-widget"]').bounding_box()
                top = max(0, cell["y"] - 4)
                clip = {"x": max(0, cell["x"] - 4), "y": top, "width": min(1280, widget["x"] + widget["width"] + 8)
                        - max(0, cell["x"] - 4), "height": min(900 - top, widget["y"] + 640 - top)}
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.out, clip=clip)
                browser.close()
        finally:
            lab.shutdown_kernels()
            lab.stop()
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
