"""A transcript with its recording in the coding widget, in Chromium (issue 15, item 2).

The recording is a few seconds of WAV written here with the stdlib ``wave`` module; the
transcript a WebVTT file with voice tags. Clicking a coded passage moves the player to the
passage's time; the turn being played is outlined and named; a missing file is a notice.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

import workbench as wb

from _lab import click_text, open_notebook, open_widget, run_all_cells, wait_for_coding_widget, widget_notebook

pytestmark = pytest.mark.browser

VTT = """WEBVTT

00:00.000 --> 00:02.000
<v Ana>How was the night on the warm line?

00:02.500 --> 00:05.000
<v R07>Long. Then someone called back to say she had slept.

00:05.200 --> 00:07.500
<v Ana>What did that do for you?
"""


def write_wav(path: Path, seconds: float = 8.0, rate: int = 8000) -> Path:
    """A quiet sine tone of *seconds*, 16-bit mono."""
    frames = b"".join(struct.pack("<h", int(2000 * math.sin(2 * math.pi * 330 * i / rate)))
                      for i in range(int(seconds * rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def transcript_project(path: Path, media: bool = True) -> tuple[wb.Project, str]:
    p = wb.create_project(path, name="Warm line")
    for name in ("being believed", "hope"):
        p.codebook.add(name)
    (path.parent / f"{path.name}-night.vtt").write_text(VTT, encoding="utf-8")
    wav = write_wav(path.parent / f"{path.name}-night.wav") if media else None
    nid = p.import_transcript(path.parent / f"{path.name}-night.vtt", title="Warm line, night 7", narrator="R07",
                              media=wav, id="night-7")
    return p, nid


def _player(page, expr: str):
    return page.evaluate(f"() => {{ const a = document.querySelector('[data-wb=\"player\"]'); return {expr}; }}")


def test_clicking_a_coded_passage_plays_from_its_time_and_the_turn_is_shown(page, lab):
    project = lab.root / "warm-line"
    p, nid = transcript_project(project)
    text = p.text(nid)
    start = text.index("someone called back")
    end = start + len("someone called back")
    p.code(nid, start, end, "hope", coder="ana")
    expected = p.time_at(nid, start)
    assert 2.5 < expected < 5.0

    open_widget(page, lab, project, extra=f", narrative={nid!r}")
    page.wait_for_selector('[data-wb="player"]')
    page.wait_for_function("() => document.querySelector('[data-wb=\"player\"]').readyState >= 1", timeout=20_000)
    named = "a.getAttribute('aria-label').startsWith('Recording of this story')"
    assert _player(page, f"[a.tagName, a.controls, {named}]") == ["AUDIO", True, True]
    assert abs(_player(page, "a.duration") - 8.0) < 0.1
    assert _player(page, "a.currentTime") == 0

    click_text(page, text, start + 3)
    page.wait_for_function("t => document.querySelector('[data-wb=\"player\"]').currentTime >= t - 0.05",
                           arg=expected, timeout=10_000)
    now = _player(page, "a.currentTime")
    assert expected - 0.05 <= now < expected + 2.0, now
    # the coding's details name its time span, and the turn being played is outlined and named
    span = page.text_content('[data-wb="detail-time-span"]')
    assert span.startswith(f"0:0{int(expected)}"), span
    page.wait_for_selector('[data-wb="current-turn"][data-turn="1"]')
    assert "R07" in page.text_content('[data-wb="now-playing"]')
    # speakers are in the text as a reader expects them
    assert page.text_content('[data-wb="text"]').startswith("Ana: How was the night")

    # the details' play button (keyboard reachable) goes back to the coding's time
    _player(page, "(a.pause(), a.currentTime = 0.2, 0)")
    page.click('[data-wb="detail-play"]')
    page.wait_for_function("t => document.querySelector('[data-wb=\"player\"]').currentTime >= t - 0.05",
                           arg=expected, timeout=10_000)
    # as the recording moves on, the outline and the words follow to the next turn
    _player(page, "(a.currentTime = 5.6, 0)")
    page.wait_for_selector('[data-wb="current-turn"][data-turn="2"]', timeout=10_000)
    assert page.text_content('[data-wb="now-playing"]').startswith("Now playing: turn 3, Ana")
    assert not [e for e in page.console_errors if "media" in e.lower() or "blob" in e.lower()]


def test_a_missing_recording_is_a_notice_not_a_broken_widget(page, lab):
    project = lab.root / "warm-line-missing"
    p, nid = transcript_project(project)
    p.media_path(nid).unlink()  # lost in a copy, say
    open_widget(page, lab, project, extra=f", narrative={nid!r}")
    notice = page.wait_for_selector('[data-wb="media-notice"]')
    assert "No recording found" in notice.text_content()
    assert page.locator('[data-wb="player"]').count() == 0
    # the story can still be read and coded
    assert page.text_content('[data-wb="text"]').startswith("Ana: How was the night")
    assert page.locator('[data-wb="code-button"]').count() == 2


def test_a_recording_over_the_limit_is_not_sent_and_says_why(page, lab):
    project = lab.root / "warm-line-large"
    transcript_project(project)
    # the limit is 150 MB; lowered here so that the 128 KB test recording is "too large"
    name = widget_notebook(lab, project, "wb.coding_widget(p, coder='ana', narrative='night-7')",
                           imports="import workbench.widgets._media as media\nmedia.MAX_MEDIA_BYTES = 10_000\n")
    open_notebook(page, lab, name)
    run_all_cells(page)
    wait_for_coding_widget(page)
    notice = page.wait_for_selector('[data-wb="media-notice"]').text_content()
    assert "more than the 0.01 MB the widget plays" in notice and "compressed copy" in notice, notice
    assert page.locator('[data-wb="player"]').count() == 0
    assert page.text_content('[data-wb="text"]').startswith("Ana: How was the night")
