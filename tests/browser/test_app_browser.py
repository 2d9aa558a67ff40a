"""wb.app in Chromium, in a real JupyterLab: every tab opens by keyboard; a rename through the codebook
editor lands as an event with its reason; a search hit coded from the list lands with exact offsets;
attributes edited in the People tab reach p.narratives."""

from __future__ import annotations

import secrets

import pytest

import workbench as wb

from _lab import open_notebook, run_all_cells, wait_for_coding_widget, wait_for_event, widget_notebook

pytestmark = pytest.mark.browser
TABS = ["stories", "codebook", "journal", "people", "compare", "patterns", "themes", "share"]
SHOWN = {"stories": '[data-wb="search-input"]', "codebook": '[data-wb="cb-tree"]',
         "journal": '[data-wb="journal-text"]',
         "people": '[data-wb="people-table"]', "compare": '[data-wb="explorer"], [data-wb="dx-text"], .wb-dx',
         "patterns": '[data-wb="chart-kind"]', "themes": '[data-wb="theme-board"], .wb-board',
         "share": '[data-wb="share-panel"]'}


def _open_app(page, lab, name: str):
    project = wb.sample_project(copy_to=lab.root / f"{name}-{secrets.token_hex(4)}")
    notebook = widget_notebook(lab, project.path, 'wb.app(p, coder="ana")', prefix=name)
    open_notebook(page, lab, notebook)
    run_all_cells(page)
    wait_for_coding_widget(page)
    page.wait_for_selector('[data-wb="tab"][data-tab="stories"][aria-selected="true"]', timeout=60_000)
    return project


def _tab(page, key: str) -> None:
    page.locator(f'[data-wb="tab"][data-tab="{key}"]').click()
    page.wait_for_selector(f'[data-wb="tab"][data-tab="{key}"][aria-selected="true"]')


def test_every_tab_opens_by_keyboard(page, lab):
    _open_app(page, lab, "app-keys")
    page.locator('[data-wb="tab"][data-tab="stories"]').focus()
    for key in TABS[1:]:
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f'[data-wb="tab"][data-tab="{key}"][aria-selected="true"]', timeout=30_000)
        assert page.evaluate("() => document.activeElement.dataset.tab") == key
        if key in ("codebook", "journal", "people", "patterns", "share"):
            page.wait_for_selector(SHOWN[key], state="visible", timeout=60_000)
    page.keyboard.press("Home")
    page.wait_for_selector('[data-wb="tab"][data-tab="stories"][aria-selected="true"]')
    page.wait_for_selector(SHOWN["stories"], state="visible")
    assert page.locator('[data-wb="tab"][aria-selected="true"]').count() == 1


def test_rename_through_the_codebook_editor_lands_with_its_reason(page, lab):
    project = _open_app(page, lab, "app-rename")
    _tab(page, "codebook")
    page.locator('[data-wb="cb-code"][data-code="reciprocity"]').focus()
    page.keyboard.press("Enter")
    page.locator('[data-wb="cb-new-name"]').fill("give and take")
    page.locator('[data-wb="cb-reason"]').fill("the group's own words for it")
    page.locator('[data-wb="cb-rename"]').click()
    event = wait_for_event(project.path, "ana", lambda e: e.get("to") == "give and take", kind="codebook", timeout=30)
    assert (event["from"], event["to"], event["rationale"]) == ("reciprocity", "give and take",
                                                               "the group's own words for it")
    page.wait_for_selector('[data-wb="cb-code"][data-code="give and take"]', timeout=30_000)
    assert "the group's own words for it" in page.locator('[data-wb="cb-history"]').inner_text()


def test_a_search_hit_coded_from_the_list_lands_with_exact_offsets(page, lab):
    project = _open_app(page, lab, "app-search")
    page.locator('[data-wb="search-input"]').fill("warm line")
    page.keyboard.press("Enter")
    hit = page.locator('[data-wb="search-hit"]').first
    hit.wait_for(timeout=30_000)
    nid, start, end = hit.get_attribute("data-narrative"), int(hit.get_attribute("data-start")), \
        int(hit.get_attribute("data-end"))
    page.locator('[data-wb="search-code"]').select_option("reciprocity")
    hit.locator('[data-wb="search-code-hit"]').click()
    event = wait_for_event(project.path, "ana", lambda e: e.get("narrative") == nid and e.get("start") == start,
                           timeout=30)
    assert (event["end"], project.refresh().text(nid)[start:end].lower()) == (end, "warm line")
    # pick a hit in another story than the one open, and go there
    other = page.locator(f'[data-wb="search-hit"]:not([data-narrative="{nid}"])').first
    target = other.get_attribute("data-narrative")
    other.locator('[data-wb="search-open"]').click()
    page.wait_for_selector(f'[data-wb="narrative-item"][aria-current="true"][data-narrative-id="{target}"]',
                           timeout=30_000)
    a, b = int(other.get_attribute("data-start")), int(other.get_attribute("data-end"))
    wanted = project.text(target)[a:b]
    page.wait_for_function(f"""() => document.querySelector('[data-wb="selection-info"]').textContent
                               .includes({wanted!r})""", timeout=30_000)
    page.keyboard.press("5")  # the passage is selected: a code's number codes it
    event = wait_for_event(project.path, "ana", lambda e: e.get("narrative") == target and e.get("start") == a,
                           timeout=30)
    assert event["end"] == b


def test_attributes_edited_in_the_app_reach_p_narratives(page, lab):
    project = _open_app(page, lab, "app-people")
    _tab(page, "people")
    cell = page.locator('[data-wb="attr-cell"][data-narrative="kitchen-table"][data-attr="setting"]')
    cell.fill("a kitchen")
    cell.press("Enter")
    page.locator('[data-wb="people-new-column"]').fill("age group")
    page.locator('[data-wb="people-add-column"]').click()
    new = page.locator('[data-wb="attr-cell"][data-narrative="night-shift"][data-attr="age group"]')
    new.wait_for(timeout=30_000)
    new.fill("30s")
    new.press("Enter")
    page.wait_for_function("""() => document.querySelector('[data-wb="people-table"]') &&
        [...document.querySelectorAll('[data-wb="attr-cell"][data-attr="age group"]')]
          .some((i) => i.value === '30s')""", timeout=30_000)
    deadline = __import__("time").monotonic() + 20
    while __import__("time").monotonic() < deadline:
        table = project.refresh().narratives.set_index("id")
        if "age group" in table and table.at["night-shift", "age group"] == "30s":
            break
        __import__("time").sleep(0.3)
    assert table.at["kitchen-table", "setting"] == "a kitchen"
    assert table.at["night-shift", "age group"] == "30s"
    assert page.locator('[data-wb="consent"]').first.inner_text() in ("given", "restricted")


def test_a_chart_chosen_from_the_menus_shows_its_table_and_saves_as_svg_and_png(page, lab, tmp_path):
    _open_app(page, lab, "app-patterns")
    _tab(page, "patterns")
    page.locator('[data-wb="chart-by"]').wait_for(timeout=60_000)
    page.locator('[data-wb="chart-by"]').select_option("setting")
    page.wait_for_function("""() => document.querySelector('[data-wb="chart-title"]').textContent
                              .toLowerCase().includes('setting')""", timeout=60_000)
    assert "setting" in page.locator('[data-wb="chart-table"] thead').text_content()  # in a closed <details>
    page.wait_for_selector(".wb-app-patterns svg .marks, .wb-app-patterns svg.marks, .wb-app-patterns .vega-embed svg",
                           timeout=60_000)  # the chart itself, drawn offline
    for fmt, start in (("svg", b"<svg"), ("png", b"\x89PNG")):
        with page.expect_download(timeout=60_000) as info:
            page.locator(f'[data-wb="chart-save-{fmt}"]').click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == f"frequency-setting.{fmt}" and saved.read_bytes().startswith(start)


def test_dragging_a_code_onto_another_re_parents_it_with_the_reason(page, lab):
    project = _open_app(page, lab, "app-drag")
    _tab(page, "codebook")
    page.locator('[data-wb="cb-reason"]').fill("it is about the group, not the pair")
    page.locator('[data-wb="cb-code"][data-code="reciprocity"]').drag_to(
        page.locator('[data-wb="cb-code"][data-code="community"]'))
    event = wait_for_event(project.path, "ana", lambda e: e.get("event") == "edit"
                           and e.get("code_id") == "reciprocity", kind="codebook", timeout=30)
    assert event["changes"] == {"parent": "community"} and event["rationale"] == "it is about the group, not the pair"
