"""A real JupyterLab (and Notebook 7) driven by Debian's Chromium through Playwright (the PyPI package).

One Lab server per test session, and one Notebook 7 server for the tests that ask for it (127.0.0.1,
a random port and token, throw-away config dirs); each test opens its own notebook, so each gets a
fresh kernel and project copy.

Without /usr/bin/chromium these tests skip (``apt-get install chromium``), unless
``WORKBENCH_REQUIRE_BROWSER=1`` (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from _lab import ARTIFACTS, CHROMIUM, launch_chromium, start_jupyter


def _require_browser(app: str = "lab") -> None:
    required = os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1"
    missing = None
    if app == "notebook" and importlib.util.find_spec("notebook") is None:
        missing = "the notebook package (Notebook 7) is missing: pip install -e '.[test]'"
    elif not CHROMIUM.exists():
        missing = (f"{CHROMIUM} is missing: install Chromium to run the browser tests "
                   "(Debian/Ubuntu: `sudo apt-get install chromium fonts-noto-color-emoji`)")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = ("the playwright package is missing: pip install -e '.[test]' "
                       "(the browser itself comes from Debian's chromium, never from a download)")
    if missing:
        if required:
            pytest.fail(f"WORKBENCH_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(missing)


_SERVERS: list = []  # the Jupyter servers started in this session (their kernels go after each test)


def _serve(tmp_path_factory: pytest.TempPathFactory, app: str):
    """Start *app* for the session; yield it; stop it."""
    _require_browser(app)
    try:
        server = start_jupyter(tmp_path_factory.mktemp(app), app)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    _SERVERS.append(server)
    yield server
    _SERVERS.remove(server)
    server.stop()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory):
    yield from _serve(tmp_path_factory, "lab")


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory: pytest.TempPathFactory):
    """Jupyter Notebook 7 (its own UI, not Lab) on the same terms as ``lab``."""
    yield from _serve(tmp_path_factory, "notebook")


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser, request):
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
    for server in _SERVERS:
        server.shutdown_kernels()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


