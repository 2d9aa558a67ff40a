"""Helpers for the browser tests: a Jupyter server (Lab or Notebook 7), notebook opening, mouse selection, events."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path(os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Jupyter:
    """A running Jupyter server (JupyterLab, or Notebook 7's own UI): its root folder, URL and token."""

    def __init__(self, root: Path, port: int, token: str, process: subprocess.Popen, log: Path,
                 app: str = "lab") -> None:
        self.root, self.port, self.token, self.process, self.log = root, port, token, process, log
        self.app = app
        self.url = f"http://127.0.0.1:{port}"

    def notebook_url(self, name: str) -> str:
        if self.app == "notebook":
            return f"{self.url}/notebooks/{quote(name)}?token={self.token}"
        # a workspace of its own, so Lab does not reopen the notebooks of earlier tests
        return f"{self.url}/lab/workspaces/ws-{secrets.token_hex(4)}/tree/{quote(name)}?token={self.token}"

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for kernel in self.api("GET", "/api/kernels") or []:
            try:
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
            except OSError:
                pass

    def write_notebook(self, name: str, cells: list[str]) -> Path:
        nb = {
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                       "outputs": [], "source": source} for i, source in enumerate(cells)],
        }
        path = self.root / name
        path.write_text(json.dumps(nb), encoding="utf-8")
        return path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


Lab = Jupyter

# what each app needs beyond the shared arguments: the page's app object on window.jupyterapp
# (the tests drive and inspect it), and no calls out for news or updates
_APP_ARGS = {
    "lab": ["jupyterlab", "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
    "notebook": ["notebook", "--JupyterNotebookApp.expose_app_in_browser=True"],
}
_APP_NAMES = {"lab": "JupyterLab", "notebook": "Jupyter Notebook"}


def start_jupyter(base: Path, app: str = "lab") -> Jupyter:
    """Start *app* ("lab" or "notebook") on 127.0.0.1 (random port and token), throw-away settings under *base*."""
    module, *app_args = _APP_ARGS[app]
    root = base / "root"
    root.mkdir()
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        folder = base / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # or the news popup covers the page
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}', encoding="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    port, token = free_port(), secrets.token_hex(16)
    log = base / f"{app}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--allow-root",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", *app_args],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    server = Jupyter(root, port, token, process, log, app=app)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/api/status?token={token}", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{_APP_NAMES[app]} did not start; its log:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.25)


def start_lab(base: Path) -> Jupyter:
    """Start JupyterLab on 127.0.0.1 (random port and token) with throw-away settings under *base*."""
    return start_jupyter(base, "lab")


def start_notebook(base: Path) -> Jupyter:
    """Start Jupyter Notebook 7 (its own UI, /notebooks/...) like :func:`start_lab`."""
    return start_jupyter(base, "notebook")


def launch_chromium(playwright):
    """Debian's Chromium (never a downloaded one), headless."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


# ---------------------------------------------------------------------- driving the notebook
_KERNEL_IDLE = """name => {
    const w = window.jupyterapp && jupyterapp.shell.currentWidget;
    return w && w.context && w.context.path === name && w.sessionContext && w.sessionContext.session
        && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle';
}"""


def open_notebook(page, server: Jupyter, name: str, timeout: float = 60_000) -> None:
    """Open notebook *name* in *server*'s UI and wait until its kernel is idle (Lab and Notebook 7 alike)."""
    page.goto(server.notebook_url(name))
    page.wait_for_function(_KERNEL_IDLE, arg=name, timeout=timeout)


def run_all_cells(page) -> None:
    page.evaluate("() => jupyterapp.commands.execute('notebook:run-all-cells')")


def widget_notebook(server: Jupyter, project: Path, call: str, imports: str = "", name: str | None = None,
                    prefix: str = "nb", last: str = "print('second cell')") -> str:
    """Write a notebook whose first cell shows ``w = <call>`` on ``p`` (the project); returns its name."""
    name = name or f"{prefix}-{secrets.token_hex(4)}.ipynb"
    rel = os.path.relpath(project, server.root)
    server.write_notebook(name, [f"import workbench as wb\n{imports}p = wb.open_project({rel!r})\nw = {call}\nw",
                                 last])
    return name


def wait_for_coding_widget(page, timeout: float = 60_000):
    page.wait_for_selector('[data-wb="text"]', timeout=timeout)
    page.wait_for_function("() => document.querySelectorAll('[data-wb=\"narrative-item\"]').length > 0")
    return page.locator('[data-wb="coding-widget"]')


def open_widget(page, lab: Jupyter, project: Path, coder: str = "ana", extra: str = "", name: str | None = None,
                timeout: float = 60_000):
    """Write a notebook showing ``wb.coding_widget`` on *project*, open it in Lab, run it, wait for the widget."""
    name = widget_notebook(lab, project, f"wb.coding_widget(p, coder={coder!r}{extra})", name=name)
    open_notebook(page, lab, name, timeout)
    run_all_cells(page)
    return wait_for_coding_widget(page, timeout)


def utf16(text: str, offset: int) -> int:
    """UTF-16 offset of code-point *offset* in *text* (what the browser counts)."""
    return len(text[:offset].encode("utf-16-le")) // 2


TEXT = '[data-wb="text"]'  # the coding widget's narrative; the explorer's is [data-wb="dx-text"]

_MEASURE = """([a, b, selector]) => {
    const box = document.querySelector(selector);
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let node, pos = 0;
    while ((node = walker.nextNode())) { nodes.push([node, pos]); pos += node.length; }
    const at = (u) => { for (const [n, p] of nodes) if (u < p + n.length) return [n, u - p];
                        throw new Error('offset outside the text: ' + u); };
    const rect = (u, w) => {
        const [n, o] = at(u);
        const r = document.createRange();
        r.setStart(n, o);
        r.setEnd(n, Math.min(n.length, o + w));
        return [...r.getClientRects()].filter((q) => q.width > 0)[0] || r.getBoundingClientRect();
    };
    const text = box.textContent;
    // the last character may be a surrogate pair: measure both of its units
    const low = b >= 2 && text.charCodeAt(b - 1) >= 0xDC00 && text.charCodeAt(b - 1) <= 0xDFFF;
    const lastStart = low ? b - 2 : b - 1;
    const f = rect(a, 1), l = rect(lastStart, b - lastStart);
    return {x1: f.left + 1, y1: (f.top + f.bottom) / 2, x2: l.right - 1, y2: (l.top + l.bottom) / 2};
}"""


def select_span(page, text: str, start: int, end: int, box: str = TEXT) -> None:
    """Select code points [start, end) of the narrative shown in *box* by dragging the mouse."""
    span = [utf16(text, start), utf16(text, end), box]
    boxes = page.evaluate(_MEASURE, span)
    scroll_into_view(page, boxes["y1"], boxes["y2"], box)
    boxes = page.evaluate(_MEASURE, span)
    page.mouse.move(boxes["x1"], boxes["y1"])
    page.mouse.down()
    page.mouse.move((boxes["x1"] + boxes["x2"]) / 2, (boxes["y1"] + boxes["y2"]) / 2, steps=3)
    page.mouse.move(boxes["x2"], boxes["y2"], steps=3)
    page.mouse.up()


def click_text(page, text: str, offset: int, box: str = TEXT) -> None:
    """Click on the character at code point *offset* of the narrative shown in *box*."""
    rect = page.evaluate(_MEASURE, [utf16(text, offset), utf16(text, offset + 1), box])
    page.mouse.click((rect["x1"] + rect["x2"]) / 2, rect["y1"])


def scroll_into_view(page, y1: float, y2: float, box: str = TEXT) -> None:
    """Scroll the box around the narrative in *box* so that both points are visible."""
    page.evaluate(
        """([y1, y2, selector]) => {
            const scroller = document.querySelector(selector).closest('.wb-scroll');
            const r = scroller.getBoundingClientRect();
            if (y1 < r.top + 10 || y2 > r.bottom - 10) scroller.scrollTop += y1 - r.top - 40;
            scroller.scrollIntoView({block: 'nearest'});
        }""",
        [y1, y2, box])
    page.wait_for_timeout(50)


def read_events(project: Path, coder: str, kind: str = "codings") -> list[dict]:
    path = project / "events" / kind / (quote(coder, safe=" @+,=()[]{}'!~-_") + ".jsonl")
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wait_for_event(project: Path, coder: str, predicate, kind: str = "codings", timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in read_events(project, coder, kind):
            if predicate(event):
                return event
        time.sleep(0.05)
    raise AssertionError(f"no matching {kind} event for {coder!r} within {timeout}s; "
                         f"events: {read_events(project, coder, kind)[-5:]}")


def shot(page, name: str, locator=None) -> Path:
    """Save what the page shows (scrolled to *locator*'s top) in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if locator is not None:
        locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(path))
    return path


def copy_project(source: Path, lab: Lab, name: str) -> Path:
    target = lab.root / name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".locks", "*.tmp"))
    return target


def run_in_kernel(page, code: str) -> str:
    """Execute *code* in the open notebook's kernel (not in a cell); returns the reply status."""
    return page.evaluate(
        """async (code) => {
            const kernel = jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const reply = await kernel.requestExecute({code, store_history: false}).done;
            return reply.content.status;
        }""",
        code)
