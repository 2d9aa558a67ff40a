"""The HTML report works offline and keeps consent; the command line exports and imports for real."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

import workbench as wb

from exchange_helpers import DATA, MARKER, assert_valid


def test_report_is_self_contained_and_offline(team, tmp_path):
    team.set_method("codebook")  # agreement figures are shown under codebook (not by default under reflexive)
    page = wb.exchange.write_report(team, tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # no script at all, and nothing fetched from anywhere: no src=, no <link>, no @import, no url(http...)
    assert "<script" not in page.lower()
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", page, re.IGNORECASE)
    assert "@import" not in page
    for section in ("Overview", "Codebook", "Frequencies", "Co-occurrence", "Agreement between coders",
                    "Selected quotes", "Memos"):
        assert f"<h2>{section}</h2>" in page
    assert page.count("<svg") >= 2  # charts are inline SVG
    assert "mutuality" in page and "#1b9e77" in page  # the codebook with its colours
    assert "nobody was the helper" in page  # a selected quote from a narrative that may be quoted
    assert "alpha" in page  # agreement: ana and ben coded the same narratives


def test_report_never_quotes_restricted_or_withdrawn_stories(team, tmp_path):
    page = wb.exchange.write_report(team, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "We shared power" not in page and "group knows me" not in page
    assert MARKER not in page
    assert "restricted consent" in page


def test_report_for_sharing_outside_the_team(team, tmp_path):
    page = wb.exchange.write_report(team, tmp_path / "share.html", anonymise_coders=True,
                                    include_memos=False).read_text(encoding="utf-8")
    visible = re.sub(r"<[^>]+>", " ", page)
    for name in ("ben", "R. Osei"):
        assert not re.search(rf"\b{re.escape(name)}\b", visible), name
    assert not re.search(r"\bana\b", visible)
    assert "Coder 1" in visible
    assert "<h2>Memos</h2>" not in page and "kitchen from my own group" not in page
    assert "no fixed roles" not in page  # coding notes go with the memos


def test_report_of_an_empty_project(tmp_path):
    p = wb.create_project(tmp_path / "empty")
    page = wb.exchange.write_report(p, tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "Nothing to show yet" in page and "<script" not in page


# ---------------------------------------------------------------------- command line
def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_command_line_exports_and_imports(team, tmp_path):
    project = str(team.path)
    for flag, name in (("--qdpx", "team.qdpx"), ("--qdc", "team.qdc"), ("--csv", "team.csv"), ("--xlsx", "team.xlsx")):
        done = run("export", project, flag, name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / name).exists() and name in done.stdout
    assert_valid(tmp_path / "team.qdpx")
    assert_valid(tmp_path / "team.qdc")
    assert len(pd.read_csv(tmp_path / "team.csv")) == len(team.codings())
    done = run("export", project, "--csv", "anon.csv", "--anonymise-coders", "--no-memos", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(tmp_path / "anon.csv")
    assert set(frame["coder"]) == {"Coder 1", "Coder 2", "Coder 3"} and "note" not in frame
    done = run("report", project, "-o", "report.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "<h2>Codebook</h2>" in (tmp_path / "report.html").read_text(encoding="utf-8")

    done = run("import", "--qdpx", "team.qdpx", "back", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Offsets: codepoints" in done.stdout and "Skipped:" in done.stdout
    assert len(wb.open_project(tmp_path / "back").codings()) == len(team.codings()) - 1  # not the restricted one

    done = run("import", "--qdpx", str(DATA / "qc-1.3.2_demo.qdpx"), "--offsets", "utf16-crlf2", "qc", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Offsets: utf16-crlf2" in done.stdout


def test_command_line_refusal_is_a_clear_message_and_writes_nothing(tmp_path):
    evil = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("project.qde", "<Project/>")
        zf.writestr("../../escape.txt", "x")
    done = run("import", "--qdpx", "evil.qdpx", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "workbench:" in done.stderr and "outside its folder" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
