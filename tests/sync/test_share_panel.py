"""The Share panel's model with real git: status, Sync now, and what it says when the project is not shared."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import workbench as wb
from workbench.widgets.sharing import SharePanel, share_panel


def _panel(p: wb.Project) -> SharePanel:
    panel = share_panel(p, coder=p.path.name)
    panel.sent = []
    panel.send = lambda content, buffers=None: panel.sent.append(content)
    return panel


def _ask(panel: SharePanel, kind: str) -> dict:
    panel._on_msg(panel, {"type": kind, "req": f"r{len(panel.sent)}"}, [])
    return [m for m in panel.sent if m.get("type") == "reply"][-1]


def test_the_panel_checks_and_syncs(team):
    a, b, _ = team
    panel_a, panel_b = _panel(a), _panel(b)
    assert panel_a.shared and panel_a.status == "origin/main: in sync."
    b.code("night-shift", 0, 10, "reciprocity", coder="ben")
    reply = _ask(panel_b, "sync")
    assert reply["ok"] and reply["result"].startswith("Nothing new from the others; yours are on the remote")
    assert panel_b.status == "origin/main: in sync." and not panel_b.busy
    assert _ask(panel_a, "status")["status"] == "origin/main: 1 commit to take in."
    assert "1 new coding from ben" in _ask(panel_a, "sync")["result"]
    assert "SharePanel coder='ana'" in repr(panel_a)


def test_a_project_not_shared_says_how(tmp_path):
    p = wb.sample_project(copy_to=tmp_path / "alone")
    panel = _panel(p)
    assert not panel.shared and "workbench share URL" in panel.status
    reply = _ask(panel, "sync")
    assert not reply["ok"] and "not shared through git yet" in reply["error"]


def test_the_front_end_module_parses(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the ES module's syntax is checked in the browser only")
    copy = tmp_path / "sharing.mjs"
    copy.write_text(SharePanel._esm, encoding="utf-8")
    result = subprocess.run([node, "--check", str(copy)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert 'data-wb": "share-sync"' in SharePanel._esm and "aria-live" in SharePanel._esm
    assert Path(wb.widgets.sharing.__file__).with_name("sharing.css").is_file()
