"""The Share panel in Chromium, in a real JupyterLab, with real git: keyboard only, read out, in sync."""

from __future__ import annotations

import secrets

import pytest

import workbench as wb

from _lab import open_notebook, run_all_cells, widget_notebook

pytestmark = pytest.mark.browser
PANEL = '[data-wb="share-panel"]'


def test_sync_now_from_the_keyboard_takes_in_a_colleagues_coding(page, lab):
    tag = secrets.token_hex(4)
    remote = lab.root / f"shared-{tag}.git"
    ana = wb.sample_project(copy_to=lab.root / f"ana-{tag}")
    wb.sync.share(ana, str(remote), coder="ana", progress=False)
    ben = wb.sync.clone(str(remote), lab.root / f"ben-{tag}", progress=False)
    ben.code("night-shift", 0, 12, "reciprocity", coder="ben")
    ben.sync(coder="ben", progress=False)

    name = widget_notebook(lab, ana.path, 'wb.widgets.share_panel(p, coder="ana")', prefix="share")
    open_notebook(page, lab, name)
    run_all_cells(page)
    panel = page.locator(PANEL)
    panel.wait_for(timeout=60_000)
    status = panel.locator('[data-wb="share-status"]')
    assert status.get_attribute("role") == "status" and status.inner_text() == "origin/main: in sync."

    panel.locator('[data-wb="share-check"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_function("""() => document.querySelector('[data-wb="share-status"]').textContent
                              .includes('1 commit to take in')""", timeout=30_000)
    assert page.evaluate("() => document.activeElement.dataset.wb") == "share-check"  # the focus stayed
    page.keyboard.press("Tab")  # to Sync now
    assert page.evaluate("() => document.activeElement.dataset.wb") == "share-sync"
    page.keyboard.press("Enter")
    page.wait_for_function("""() => document.querySelector('[data-wb="share-result"]').textContent
                              .includes('1 new coding from ben')""", timeout=60_000)
    page.wait_for_function("""() => document.querySelector('[data-wb="share-status"]').textContent
                              === 'origin/main: in sync.'""", timeout=10_000)
    assert set(ana.refresh().codings()["coding_id"]) == set(ben.codings()["coding_id"])
