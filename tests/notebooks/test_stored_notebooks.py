"""The notebooks as stored: what nbval compares in ``make test`` must be there, and be compared strictly.

A notebook stored without outputs compares nothing and passes silently, and ``--nbval-lax``
passes even when a value changes; these tests keep both from creeping in, and show that a
changed number in a stored output fails nbval with the project's sanitize file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SANITIZE = Path(__file__).resolve().parent / "sanitize.cfg"
ALL = sorted(NOTEBOOKS.rglob("*.ipynb"))
# the tour, not what running it makes: checkpoints, and the participants' pages a facilitator made
ALL = [p for p in ALL if ".ipynb_checkpoints" not in p.parts
       and not any(part.startswith("participants-") for part in p.relative_to(NOTEBOOKS).parts)]
EXPECTED = ["01_start_here", "02_code_a_story", "03_a_living_codebook", "04_reflexive_memos",
            "05_agreement_and_dialogue", "06_patterns_and_webs", "07_exchange", "08_codes_to_themes",
            "09_giving_stories_back", "workshop/facilitator",
            "workshop/participant"]


def _id(path: Path) -> str:
    return str(path.relative_to(NOTEBOOKS).with_suffix(""))


def test_every_notebook_of_the_tour_is_there() -> None:
    assert [_id(p) for p in ALL] == EXPECTED


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_stored_outputs_are_complete_clean_and_light(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata  # regenerate with --ExecutePreprocessor.store_widget_state=False
    assert path.stat().st_size < 300_000
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert None not in counts and counts == sorted(counts), "run top to bottom, outputs stored"
    assert sum(bool(c.outputs) for c in code) >= len(code) // 2, "most cells show something nbval compares"
    for cell in code:
        assert "NBVAL" not in cell.source.upper().replace("NBVAL_", "NBVAL"), "no nbval markers: compare strictly"
        for output in cell.outputs:
            assert output.output_type != "error", cell.source
            assert not (output.output_type == "stream" and output.name == "stderr"), (cell.source, output.text)
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            assert str(REPO) not in text and "/home/" not in text, "no paths of the machine that ran it"


@pytest.mark.parametrize("path", [p for p in ALL if "workshop" not in p.parts], ids=_id)
def test_each_notebook_works_on_its_own_named_copy_of_the_sample(path: Path) -> None:
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    folder = path.stem.replace("_", "-")  # 02_code_a_story -> ~/narrative-workbench/02-code-a-story
    assert re.search(rf'learner_project\("{folder}"(, fresh=True)?\)', source)
    assert "sample_data" not in source and "open_project(" not in source and "mkdtemp() +" not in source
    text = "".join(o.get("text", "") for c in nbformat.read(path, as_version=4).cells for o in c.get("outputs", []))
    assert f"Your project: ~/narrative-workbench/{folder} (" in text, "the notebook says where the work lives"


def test_no_test_plumbing_beside_the_lessons() -> None:
    """What a learner sees in notebooks/: the lessons and the workshop pair, nothing for pytest."""
    files = subprocess.run(["git", "ls-files", "notebooks"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    assert all(name.endswith(".ipynb") or name == "notebooks/docs" for name in files), files
    assert (NOTEBOOKS / "docs").is_symlink(), "notebooks/docs links to the repository's docs/"


def _nbval(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
                           "--nbval-cell-timeout=300", "-p", "no:cacheprovider", "-q", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600, env=_this_checkout())


def _this_checkout() -> dict[str, str]:
    """The environment with this checkout's workbench first (the kernel imports it from the notebook's folder)."""
    env = dict(os.environ)
    # each run starts as a learner's first: a learner home of its own (another test may have run 01 already)
    env["WORKBENCH_LEARNER_HOME"] = tempfile.mkdtemp(prefix="learner-home-")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


@pytest.mark.slow
def test_a_changed_number_fails_the_check(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / "01_start_here.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "frequencies(p, by=None)" in c.source)
    data = cell.outputs[0]["data"]
    assert "       73" in data["text/plain"]  # mutual responsibility: 73 codings in the sample
    data["text/plain"] = data["text/plain"].replace("       73", "       74", 1)
    data["text/html"] = data["text/html"].replace("<td>73</td>", "<td>74</td>", 1)
    target = tmp_path / "changed.ipynb"
    nbformat.write(nb, target)
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = _nbval(str(target), f"--nbval-sanitize-with={SANITIZE}", cwd=tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "1 failed" in result.stdout and "frequencies(p, by=None)" in result.stdout


@pytest.mark.slow
def test_a_participant_saving_their_page_leaves_the_repository_clean_and_the_check_green(tmp_path: Path) -> None:
    """A page made for a participant, filled in and saved with other outputs, is not the repository's notebook:
    ``git status`` stays clean, and the notebook check runs from a clean copy that does not include it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_notebooks import clean_copy

    from workbench.learning import personal_pages

    before = _git_status()
    folder = NOTEBOOKS / "workshop" / f"participants-test-{tmp_path.name[-8:]}"
    try:
        page = personal_pages(NOTEBOOKS / "workshop" / "participant.ipynb", ["Sam"], folder,
                              {"CODE": "kettle-garden-42"})[0]
        nb = nbformat.read(page, as_version=4)
        assert "CODE = 'kettle-garden-42'" in nb.cells[2].source
        nb.cells[2].source = nb.cells[2].source.replace('NAME = ""', 'NAME = "Sam"')
        nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="something else entirely\n")]
        nb.cells[2].execution_count = 1
        nbformat.write(nb, page)  # the participant saves
        assert _git_status() == before, "a participant's page is not part of the repository"
        copy = clean_copy(tmp_path)
        assert not list(copy.rglob("participants-*")), "the check never runs a participant's page"
        run = subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "check_notebooks.py"),
                              "workshop/participant.ipynb", "--", "-q"], cwd=REPO, capture_output=True, text=True,
                             timeout=600)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                          capture_output=True, text=True).stdout
