"""The narrator's answers and the reason for restricted consent, shown in the coding widget and the disagreement
explorer in a real JupyterLab (Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb

from _lab import open_notebook, open_widget, run_all_cells, run_in_kernel, widget_notebook

pytestmark = pytest.mark.browser

NID = "kitchen-table"
ANSWER = "That night was company, not help."


@pytest.fixture
def answered(lab, request) -> Path:
    path = lab.root / f"voices-{request.node.name[:30]}"
    p = wb.sample_project(copy_to=path)
    cid = p.codings(narrative=NID, coder="ben")["coding_id"].iloc[0]
    p.record_response(NID, "disagree", about=cid, text=ANSWER, entered_by="ana")
    p.set_consent(NID, "restricted", by="ana", reason="asked not to be quoted at the May meeting")
    return path


def test_coding_widget_shows_the_narrators_answers_and_the_reminder(page, lab, answered) -> None:
    open_widget(page, lab, answered, extra=f", narrative={NID!r}")
    page.wait_for_selector('[data-wb="voice"]', timeout=30_000)
    voice = page.locator('[data-wb="voice"]').first
    assert "R01 disagrees" in voice.inner_text() and "ben's reading" in voice.inner_text()
    assert ANSWER in voice.inner_text()
    consent = page.locator(".wb-consent").first.inner_text()
    assert "never quoted" in consent and "asked not to be quoted at the May meeting" in consent
    assert page.locator('[data-wb="voices"]').get_attribute("aria-label") == "The narrator's answers"
    status = run_in_kernel(page, f"wb.open_project(p.path).record_response({NID!r}, 'add', text='You missed the cat.', "
                                 "entered_by='ben')")
    assert status == "ok"
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"voice\"]').length === 2", timeout=20_000)


def test_disagreement_explorer_shows_the_narrators_answers(page, lab, answered) -> None:
    rel = answered.relative_to(lab.root)
    name = widget_notebook(lab, answered, f"wb.disagreement_explorer(p, narrative={NID!r}, coder='ana')",
                           prefix="dxv", last="print(len(w.voices))")
    open_notebook(page, lab, name)
    run_all_cells(page)
    page.wait_for_selector('[data-wb="dx-voice"]', timeout=60_000)
    assert ANSWER in page.locator('[data-wb="dx-voice"]').first.inner_text()
    assert rel.name.startswith("voices-")
