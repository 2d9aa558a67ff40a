"""wb.app in Chromium with the governance and journal APIs: a private memo written in the Journal tab is absent
from the project folder and every export downloaded from the Share tab (byte search, zip members too); a shared
memo deleted in the app leaves no words in the folder; a rename proposed in the Codebook tab takes effect when
a second user, in a process of their own, endorses it."""

from __future__ import annotations

import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import workbench as wb

from _lab import open_notebook, run_all_cells, wait_for_coding_widget, widget_notebook

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


def _open_app(page, lab, name: str, tmp_path: Path, setup=None):
    project = wb.sample_project(copy_to=lab.root / f"{name}-{secrets.token_hex(4)}")
    if setup:
        setup(project)
    home = tmp_path / "journals"
    notebook = widget_notebook(lab, project.path, 'wb.app(p, coder="ana")', prefix=name,
                               imports=f"import os\nos.environ['WORKBENCH_JOURNAL_HOME'] = {str(home)!r}\n")
    open_notebook(page, lab, notebook)
    run_all_cells(page)
    wait_for_coding_widget(page)
    return project, home


def _tab(page, key: str) -> None:
    page.locator(f'[data-wb="tab"][data-tab="{key}"]').click()
    page.wait_for_selector(f'[data-wb="tab"][data-tab="{key}"][aria-selected="true"]')


def _holding(folder: Path, words: bytes) -> list[str]:
    return [str(f) for f in folder.rglob("*") if f.is_file() and words in f.read_bytes()]


def _bytes_of(path: Path) -> list[bytes]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name) for name in archive.namelist()]
    return [path.read_bytes()]


def test_private_memo_stays_out_of_folder_and_exports_and_a_deleted_memo_leaves_no_words(page, lab, tmp_path):
    project, home = _open_app(page, lab, "app-journal", tmp_path)
    _tab(page, "journal")
    private = f"my brother's year {secrets.token_hex(6)}"
    page.locator('[data-wb="journal-text"]').fill(private)
    assert page.locator('[data-wb="journal-private"]').is_checked()
    page.locator('[data-wb="journal-save"]').click()
    page.wait_for_selector(f'[data-wb="journal-memo"][data-private="true"]:has-text("{private}")', timeout=30_000)
    assert any(private.encode() in f.read_bytes() for f in home.rglob("*") if f.is_file())  # kept, elsewhere
    assert _holding(project.path, private.encode()) == []

    _tab(page, "share")
    for kind in ("qdpx", "csv", "xlsx", "report"):
        with page.expect_download(timeout=60_000) as info:
            page.locator(f'[data-wb="export"][data-kind="{kind}"]').click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.stat().st_size > 0
        assert not any(private.encode() in part for part in _bytes_of(saved)), kind

    _tab(page, "journal")
    shared = f"too close to home {secrets.token_hex(6)}"
    page.locator('[data-wb="journal-text"]').fill(shared)
    page.locator('[data-wb="journal-private"]').uncheck()
    page.locator('[data-wb="journal-save"]').click()
    item = page.locator(f'[data-wb="journal-memo"][data-private="false"]:has-text("{shared}")')
    item.wait_for(timeout=30_000)
    assert _holding(project.path, shared.encode())
    delete = item.locator('[data-wb="journal-delete"]')
    delete.click()
    delete.click()  # "Delete for good?"
    item.wait_for(state="detached", timeout=30_000)
    assert _holding(project.path, shared.encode()) == []


def test_a_rename_proposed_in_the_app_takes_effect_when_a_second_user_endorses_it(page, lab, tmp_path):
    project, _ = _open_app(page, lab, "app-proposal", tmp_path,
                           setup=lambda p: p.set_governance("proposals", endorsements=1))
    _tab(page, "codebook")
    page.locator('[data-wb="cb-code"][data-code="reciprocity"]').click()
    page.locator('[data-wb="cb-new-name"]').fill("give and take")
    page.locator('[data-wb="cb-reason"]').fill("the words people in the group use")
    page.locator('[data-wb="cb-rename"]').click()
    proposal = page.locator('[data-wb="proposal"]')
    proposal.wait_for(timeout=30_000)
    assert "reciprocity" in proposal.inner_text() and "reciprocity" in project.refresh().codebook
    pid = proposal.get_attribute("data-proposal")
    ben = subprocess.run([sys.executable, "-c", "import sys, workbench as wb; p = wb.open_project(sys.argv[1]); "
                          "print(p.codebook.endorse(sys.argv[2], 'ben', 'yes, plainer').status)",
                          str(project.path), pid], capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin",
                              "WORKBENCH_JOURNAL_HOME": str(tmp_path / "ben")})
    assert ben.stdout.strip() == "applied", ben.stderr
    page.locator('.wb-app-codebook [data-wb="app-reload"]').click()
    page.wait_for_selector('[data-wb="cb-code"][data-code="give and take"]', timeout=30_000)
    assert page.locator('[data-wb="proposal"]').count() == 0
    assert "the words people in the group use" in page.locator('[data-wb="cb-history"]').inner_text()
