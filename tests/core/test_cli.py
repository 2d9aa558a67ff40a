"""The ``workbench`` command, run as a real process (issue 2)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import workbench as wb

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_init_import_info_codings(tmp_path):
    codebook = tmp_path / "cb.yaml"
    codebook.write_text("codes:\n  - name: hope\n    color: '#1b9e77'\n  - name: fear\n", encoding="utf-8")
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "a.txt").write_text("There was hope in the room.", encoding="utf-8")
    (stories / "b.md").write_text("# Night shift\n\nFear, then laughter.", encoding="utf-8")

    done = run("init", "proj", "--codebook", str(codebook), "--name", "CLI test", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 codes" in done.stdout
    done = run("import", "proj", str(stories), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("added") == 2

    p = wb.open_project(tmp_path / "proj")
    nid = p.narratives.set_index("title").loc["Night shift", "id"]
    fear = p.text(nid).index("Fear")
    p.code(nid, fear, fear + 4, "fear", coder="ana", note="a, \"quoted\" note")

    done = run("info", "proj", cwd=tmp_path)
    assert "narratives: 2" in done.stdout and "codings: 1" in done.stdout and "ana" in done.stdout
    done = run("codings", "proj", "--format", "csv", cwd=tmp_path)
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows[0]["text"] == "Fear" and rows[0]["coder"] == "ana" and rows[0]["note"] == 'a, "quoted" note'
    out = tmp_path / "codings.json"
    assert run("codings", "proj", "--format", "json", "-o", str(out), cwd=tmp_path).returncode == 0
    assert '"Fear"' in out.read_text(encoding="utf-8")


def test_errors_are_one_clear_line_and_exit_2(tmp_path):
    done = run("info", "not-a-project", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("workbench: ") and "workbench.toml" in done.stderr
    assert "Traceback" not in done.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("workbench")
    assert script.exists()
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "init" in done.stdout
