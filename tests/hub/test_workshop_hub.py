"""The documented workshop JupyterHub (deploy/jupyterhub/), started for real with three participants.

Each participant logs in through the hub's login form with a name and the session code; their
server runs the workbench, opens the workshop page made for them, and a kernel in that server runs
the page's join cells and codes passages, as a notebook would. The facilitator's live panel, in
this process, must show every coding. Skipped only if JupyterHub or configurable-http-proxy
cannot be installed (the fixture installs the proxy with npm into a cache folder when missing).
"""

from __future__ import annotations

import os
import stat
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workbench.workshop import open_workshop

from hub_driver import CONFIG, Hub, HubUnavailable, code_cells, hub_command, proxy_command

pytestmark = pytest.mark.slow
PEOPLE = ["ana", "ben", "chipo"]
CODE = "hub-test-42"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Hub:
    try:
        hub_command(), proxy_command()
    except HubUnavailable as why:
        pytest.skip(f"the workshop hub cannot run here: {why}")
    with Hub(tmp_path_factory.mktemp("hub"), code=CODE) as running:
        yield running


def test_the_hub_sets_up_the_group_folder_and_the_workshop(hub: Hub) -> None:
    mode = hub.root.stat().st_mode
    assert stat.S_IMODE(mode) == 0o2770, oct(mode)
    ws = open_workshop(CODE, root=hub.root)
    assert ws.name == "Hub workshop" and len(ws.project.narratives) == 2
    for path in (hub.root / CODE).rglob("*"):
        assert not path.stat().st_mode & 0o007, f"{path} is open to others"


def test_a_name_and_the_session_code_log_in_and_nothing_else_does(hub: Hub) -> None:
    assert hub.login("someone", "not-the-code").status_code == 403
    assert hub.login("facilitator").status_code == 403  # the facilitator's name needs its own password
    assert hub.login("facilitator", (hub.state / "facilitator-password").read_text().strip()).status_code == 302
    for name in PEOPLE:
        answer = hub.login(name)
        assert answer.status_code == 302, (name, answer.status_code, answer.text[:300])


def _participant(hub: Hub, name: str) -> list[str]:
    page = hub.contents(name, "workshop.ipynb")
    parameters, join = code_cells(page, 2)
    assert f"CODE = {CODE!r}" in parameters and f"NAME = {name!r}" in parameters
    kernel = hub.kernel(name)
    try:
        kernel.run(parameters)
        assert f"Welcome, {name}." in kernel.run(join)
        facts = kernel.run("import os; print(oct(os.umask(0o007)), os.environ['WORKBENCH_WORKSHOPS'])").split()
        assert facts == ["0o7", str(hub.root.resolve())]
        ids = []
        for start in (0, 50, 100):
            ids.append(kernel.run(f"print(p.code('kitchen-table', {start}, {start + 30}, "
                                  "p.codebook.names[1], coder=me))").strip())
        return ids
    finally:
        kernel.close()


def test_participants_codings_reach_the_facilitators_panel(hub: Hub) -> None:
    with ThreadPoolExecutor(len(PEOPLE) + 1) as pool:
        list(pool.map(hub.start_server, [*PEOPLE, "facilitator"]))
    hub.wait_ready([*PEOPLE, "facilitator"], timeout=240)
    settings, start = code_cells(hub.contents("facilitator", "workshop.ipynb"), 2)
    assert f"CODE = {CODE!r}" in settings and "NAME = 'Hub workshop'" in settings
    assert hub.contents("facilitator", "participant.ipynb")["type"] == "notebook"
    kernel = hub.kernel("facilitator")  # the facilitator's page reopens the hub's workshop and says so
    try:
        kernel.run(settings)
        invitation = kernel.run(start)
    finally:
        kernel.close()
    assert f"Session code: {CODE}" in invitation and "ROOT = None   # the server already points to" in invitation
    ws = open_workshop(CODE, root=hub.root)
    panel = ws.monitor(every=1)
    try:
        with ThreadPoolExecutor(len(PEOPLE)) as pool:
            written = dict(zip(PEOPLE, pool.map(lambda n: _participant(hub, n), PEOPLE)))
        deadline = time.monotonic() + 30
        while not all(f"<td>{n}</td><td>3</td>" in panel.value for n in PEOPLE) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert all(f"<td>{n}</td><td>3</td>" in panel.value for n in PEOPLE), panel.value
    finally:
        panel.close()
    ws.project.refresh()
    codings = ws.project.codings()
    for name in PEOPLE:
        mine = codings[codings["coder"] == name]
        assert sorted(mine["coding_id"]) == sorted(written[name])
    for log in (hub.root / CODE / "project" / "events").rglob("*.jsonl"):
        assert stat.S_IMODE(log.stat().st_mode) & 0o077 == 0o060, f"{log}: {oct(log.stat().st_mode)}"


def test_stopping_the_hub_stops_the_proxy_and_every_server(hub: Hub) -> None:
    users = hub.api.get(f"{hub.url}/hub/api/users", timeout=30).json()
    pids = [u["servers"][""]["state"]["pid"] for u in users if u["servers"]]
    proxy = int((hub.state / "proxy.pid").read_text())
    assert len(pids) == len(PEOPLE) + 1
    hub.__exit__(None, None, None)  # what the facilitator's Ctrl+C does: SIGTERM to the hub
    time.sleep(0.5)
    for pid in [*pids, proxy]:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_the_hub_refuses_to_start_without_a_session_code(tmp_path: Path) -> None:
    try:
        command = hub_command()
    except HubUnavailable as why:
        pytest.skip(f"the workshop hub cannot run here: {why}")
    env = {**os.environ, "WORKSHOP_CODE": "", "WORKBENCH_HUB_DIR": str(tmp_path / "state")}
    done = subprocess.run([command, "-f", str(CONFIG)], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0 and "set WORKSHOP_CODE to the session code" in done.stderr + done.stdout
    assert not (tmp_path / "state" / "workshops").exists()
