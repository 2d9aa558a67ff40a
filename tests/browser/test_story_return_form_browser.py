"""A narrator answers in the HTML story return, offline in Chromium; the saved answers import into the project."""

from __future__ import annotations

import json
from pathlib import Path

import workbench as wb

NID = "kitchen-table"


def test_html_form_in_chromium_saves_answers_that_import(browser, tmp_path: Path) -> None:
    p = wb.sample_project(copy_to=tmp_path / "sample")
    path = wb.exchange.story_return(p, NID, tmp_path / "back.html")
    content = wb.exchange.story_returns.return_content(p, NID)
    context = browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        assert page.locator('[data-wb="reading"]').count() == len(content.readings)
        assert page.locator('mark[data-wb="passage"]').count() >= 1
        assert page.get_by_text("Is this what you meant?").first.is_visible()
        first = page.locator('[data-wb="reading"]').nth(0)
        first.get_by_label("Not really").check()
        first.locator('[data-wb="text"]').fill("That night was about company, not help.")
        page.locator('[data-key="story"] textarea').fill("You missed the cat.")
        with page.expect_download() as download:
            page.locator('[data-wb="save"]').click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    finally:
        context.close()
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["narrative"] == NID and len(data["answers"]) == 2
    report = wb.exchange.import_story_return(p, saved, entered_by="ben")
    assert report["status"].tolist() == ["recorded", "recorded"]
    answers = p.responses(NID)
    assert answers["stance"].tolist() == ["disagree", "add"] and set(answers["via"]) == {"html form"}
    assert answers["coding_id"].iloc[0] == content.readings[0].coding_ids[0]
