"""A real JupyterLab driven by Debian's Chromium through Playwright (the PyPI package).

One Lab server per test session (127.0.0.1, a random port and token, throw-away config
dirs); each test opens its own notebook, so each gets a fresh kernel and project copy.

Without /usr/bin/chromium these tests skip (``apt-get install chromium``), unless
``WORKBENCH_REQUIRE_BROWSER=1`` (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os

import pytest

from _lab import ARTIFACTS, CHROMIUM, launch_chromium, start_lab


def _require_browser() -> None:
    required = os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1"
    missing = None
    if not CHROMIUM.exists():
        missing = (f"{CHROMIUM} is missing: install Chromium to run the browser tests "
                   "(Debian/Ubuntu: `sudo apt-get install chromium fonts-noto-color-emoji`)")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing: pip install -e '.[test]' (never `playwright install`)"
    if missing:
        if required:
            pytest.fail(f"WORKBENCH_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(missing)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory):
    _require_browser()
    try:
        server = start_lab(tmp_path_factory.mktemp("lab"))
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser, lab, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
    page = context.new_page()
    page.dialogs = []  # any alert()/confirm() an injection probe might raise

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=False)
        except Exception:
            pass
    context.close()
    lab.shutdown_kernels()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


