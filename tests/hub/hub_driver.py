"""Drive the workshop JupyterHub of deploy/jupyterhub/ as participants would: for the test and the load test.

Everything runs on 127.0.0.1: the hub from the documented config, logins through its login form
(name + session code), servers started and kernels run through the hub's REST API and the kernel
websocket, as a notebook does. :class:`Hub` is a context manager that stops the hub, and with it the
proxy and every server, on the way out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import requests
import websocket

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
CHP_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "narrative-workbench" / "chp"


class HubUnavailable(Exception):
    """JupyterHub or configurable-http-proxy is missing and could not be installed (the reason says which)."""


def proxy_command() -> str:
    """configurable-http-proxy: on PATH, in the cache, or installed there now with npm."""
    found = shutil.which("configurable-http-proxy")
    cached = CHP_CACHE / "node_modules" / ".bin" / "configurable-http-proxy"
    if found or cached.exists():
        return found or str(cached)
    if not (shutil.which("npm") and shutil.which("node")):
        raise HubUnavailable("configurable-http-proxy is not installed and npm/node are missing "
                             "(apt-get install nodejs npm)")
    CHP_CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--prefix", str(CHP_CACHE), "--no-audit", "--no-fund",
                           f"configurable-http-proxy@{proxy_major()}"], capture_output=True, text=True, timeout=600)
    if done.returncode or not cached.exists():
        raise HubUnavailable(f"npm could not install configurable-http-proxy: {done.stderr.strip()[-500:]}")
    return str(cached)


def proxy_major() -> int:
    """The proxy's major version for this node: 5 needs node >= 20; Debian 12's node 18 runs 4."""
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=60).stdout
    major = re.match(r"v(\d+)", version.strip())
    return 5 if major and int(major.group(1)) >= 20 else 4


def hub_command() -> str:
    """The jupyterhub command beside this Python (the test extras install it)."""
    command = Path(sys.executable).parent / "jupyterhub"
    if not command.exists():
        raise HubUnavailable(f"jupyterhub is not installed in {sys.prefix} (pip install -e '.[test]')")
    return str(command)


def free_port_block(count: int = 3) -> int:
    """A first port such that it and the next *count* - 1 ports are free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError("no block of free ports on 127.0.0.1")


class Hub:
    """The documented workshop hub, started in *state*: ``with Hub(...) as hub: ...``."""

    def __init__(self, state: Path, code: str = "test-workshop-1", name: str = "Hub workshop",
                 stories: str = "kitchen-table,two-chairs", start_timeout: float = 90) -> None:
        self.state, self.code, self.start_timeout = state, code, start_timeout
        self.port = free_port_block()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = uuid.uuid4().hex
        self.root = state / "workshops"
        self.env = {**os.environ, "WORKSHOP_CODE": code, "WORKSHOP_NAME": name, "WORKSHOP_STORIES": stories,
                    "WORKBENCH_HUB_DIR": str(state), "WORKBENCH_HUB_PORT": str(self.port),
                    "WORKBENCH_CHP": proxy_command(), "WORKBENCH_HUB_SERVICE_TOKEN": self.token,
                    "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
        self.command = [hub_command(), "-f", str(CONFIG)]
        self.process: subprocess.Popen | None = None
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {self.token}"

    def __enter__(self) -> "Hub":
        self.state.mkdir(parents=True, exist_ok=True)
        self.log = open(self.state / "hub.log", "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(self.command, cwd=self.state, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_up()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_up(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.process.returncode}):\n{self.log_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not answer within {self.start_timeout} s:\n{self.log_text()[-3000:]}")

    def log_text(self) -> str:
        """What the hub wrote so far."""
        return (self.state / "hub.log").read_text(errors="replace")

    def __exit__(self, *exc: Any) -> None:
        """Stop the hub: SIGTERM makes it stop the proxy and every server; then make sure they are gone."""
        servers = self._server_pids()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        for pid in servers:  # anything the hub could not stop in time (each server leads its own session)
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.api.close()
        self.log.close()

    def _server_pids(self) -> list[int]:
        try:
            users = self.api.get(f"{self.url}/hub/api/users", timeout=10).json()
        except (requests.RequestException, ValueError):
            return []
        return [int(s["state"]["pid"]) for u in users for s in (u.get("servers") or {}).values()
                if (s.get("state") or {}).get("pid")]

    def login(self, name: str, password: str | None = None) -> requests.Response:
        """Log in through the hub's login form, as a person does (password: the session code)."""
        with requests.Session() as browser:
            browser.get(f"{self.url}/hub/login", timeout=30)
            form = {"username": name, "password": password if password is not None else self.code,
                    "_xsrf": browser.cookies.get("_xsrf", "")}
            return browser.post(f"{self.url}/hub/login?next=", data=form, allow_redirects=False, timeout=60)

    def start_server(self, name: str) -> None:
        """Ask the hub to start *name*'s server (it may answer before the server is ready)."""
        answer = self.api.post(f"{self.url}/hub/api/users/{name}/server", timeout=120)
        if answer.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"starting {name}'s server: {answer.status_code} {answer.text[:300]}")

    def ready(self, name: str) -> bool:
        """True once *name*'s server answers."""
        user = self.api.get(f"{self.url}/hub/api/users/{name}", timeout=30).json()
        server = (user.get("servers") or {}).get("")
        return bool(server and server.get("ready"))

    def wait_ready(self, names: list[str], timeout: float) -> float:
        """Wait until every server in *names* is ready; the seconds it took."""
        start, waiting = time.monotonic(), set(names)
        while waiting:
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"servers not ready after {timeout} s: {sorted(waiting)}\n{self.log_text()[-3000:]}")
            waiting = {n for n in waiting if not self.ready(n)}
            time.sleep(0.5)
        return time.monotonic() - start

    def contents(self, name: str, path: str) -> dict:
        """A file of *name*'s home folder through their server's contents API."""
        answer = self.api.get(f"{self.url}/user/{name}/api/contents/{path}", timeout=60)
        answer.raise_for_status()
        return answer.json()

    def kernel(self, name: str) -> "Kernel":
        """A new kernel in *name*'s server, connected through the proxy."""
        answer = self.api.post(f"{self.url}/user/{name}/api/kernels", json={"name": "python3"}, timeout=120)
        answer.raise_for_status()
        return Kernel(self, name, answer.json()["id"])

    def hub_pid(self) -> int:
        """The hub's process id."""
        return self.process.pid


class Kernel:
    """A kernel of a user's server, driven over its websocket like a notebook front end."""

    def __init__(self, hub: Hub, user: str, kernel_id: str) -> None:
        url = f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel_id}/channels"
        self.socket = websocket.create_connection(url, header=[f"Authorization: token {hub.token}"], timeout=300)
        self.session = uuid.uuid4().hex

    def run(self, code: str, timeout: float = 300) -> str:
        """Execute *code*; its printed output. RuntimeError with the traceback if it failed."""
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "session": self.session, "username": "", "msg_type": "execute_request",
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        output, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer to {code[:60]!r} within {timeout} s")
            msg = json.loads(self.socket.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                output.append(content["text"])
            elif kind == "error":
                error = "\n".join(re.sub(r"\x1b\[[0-9;]*m", "", line) for line in content["traceback"])
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        if error:
            raise RuntimeError(error)
        return "".join(output)

    def close(self) -> None:
        """Close the websocket (the hub's stop ends the kernel)."""
        self.socket.close()


def code_cells(notebook: dict, count: int) -> list[str]:
    """The sources of the first *count* code cells of a notebook from the contents API."""
    cells = [c for c in notebook["content"]["cells"] if c["cell_type"] == "code"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells[:count]]
