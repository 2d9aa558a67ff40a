"""The workshop pair, run as in a real session: the facilitator starts it, three participants join and
code at the same time (each notebook in its own kernel), and the facilitator's notebook sums it up.

Parameters are injected as papermill does: a cell after the one tagged ``parameters`` sets them;
the participants' quotes and memos replace the cells tagged ``my-quotes`` and ``my-memo``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workbench.workshop import open_workshop

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks" / "workshop"

RUN = """
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, path)
"""

PARTICIPANTS = {
    "Ana B.": {"quotes": [("two-chairs", "the room held it", "relational safety"),
                          ("tuesday-caller", "I did ask her some of those questions, gently", "mutual responsibility")],
               "memo": "I trust rooms more than people; I code safety where a group holds something."},
    "Ben": {"quotes": [("two-chairs", "We both said it to the room, not to each other, and the room held it.",
                        "relational safety"),
                       ("tuesday-caller", "I did ask her some of those questions, gently", "pull of the known"),
                       ("tuesday-caller", "I'm letting her give something", "reciprocity")],
            "memo": ""},
    "Chipo": {"quotes": [("tuesday-caller", "I'm letting her give something", "reciprocity")], "memo": ""},
}


def _prepare(name: str, target: Path, parameters: dict, cells: dict[str, str] | None = None) -> Path:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in nb.cells]
    at = next(i for i, t in enumerate(tags) if "parameters" in t)
    injected = "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(injected, metadata={"tags": ["injected-parameters"]}))
    for tag, source in (cells or {}).items():
        cell = next(c for c in nb.cells if tag in c.metadata.get("tags", []))
        cell.source = source
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, target)
    return target


def _start(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUN, str(path), str(path.parent)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(run: subprocess.Popen, path: Path) -> nbformat.NotebookNode:
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err[-3000:]
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (cell.source, output.get("evalue"))
            assert not (output.output_type == "stream" and output.name == "stderr"), (cell.source, output.text)
    return nb


def _text(nb: nbformat.NotebookNode, tag: str) -> str:
    cell = next(c for c in nb.cells if tag in c.metadata.get("tags", []))
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def _all_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(_text_of(c) for c in nb.cells if c.cell_type == "code")


def _text_of(cell) -> str:
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_three_participants_then_the_facilitator(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    facilitator = {"ROOT": str(root), "CODE": "test-workshop", "NAME": "Test workshop",
                   "STORIES": ["two-chairs", "tuesday-caller"], "FACILITATOR": "Rosa"}

    # 1. The facilitator starts the workshop (nobody has joined: every cell must still run), and makes each
    #    participant a page of their own beside the facilitator's notebook, with the code and folder filled in.
    shutil.copy(NOTEBOOKS / "participant.ipynb", tmp_path / "participant.ipynb")
    first = tmp_path / "facilitator-start.ipynb"
    nb = _finish(_start(_prepare("facilitator.ipynb", first, facilitator)), first)
    pages = sorted((tmp_path / "participants-test-workshop").glob("*.ipynb"))
    assert [page.name for page in pages] == [f"participant-{n}.ipynb" for n in range(1, 9)]
    parameters = nbformat.read(pages[0], as_version=4).cells[2].source
    assert "CODE = 'test-workshop'" in parameters and f"ROOT = {str(root)!r}" in parameters
    text = _all_text(nb)
    assert "Session code: test-workshop" in text and str(root.resolve()) in text
    assert "No differences yet" in text and "Practice run" not in text

    # 2. Three participants join with the code as they typed it and code at the same time.
    runs = []
    for name, work in PARTICIPANTS.items():
        path = tmp_path / f"participant-{name.split()[0].lower()}.ipynb"
        cells = {"my-quotes": f"my_quotes = {json.dumps(work['quotes'])}\n"
                              "for story, words, code in my_quotes:\n"
                              "    code_quote(p, story, words, code, coder=me)\n"
                              "print(f'{len(my_quotes)} passage(s) coded by quoting.')",
                 "my-memo": f"my_memo = {work['memo']!r}\n"
                            "if my_memo.strip():\n"
                            "    p.memo(my_memo.strip(), coder=me, kind='reflexive')\n"
                            "print(f'You have written {len(p.memos(coder=me))} memo(s).')"}
        _prepare("participant.ipynb", path, {"CODE": "Test Workshop", "NAME": name, "ROOT": str(root)}, cells)
        runs.append((_start(path), path, name))
    for run, path, name in runs:
        text = _all_text(_finish(run, path))
        assert f"Welcome, {name}. You have joined “Test workshop”: 2 stories" in text
        assert f"{len(PARTICIPANTS[name]['quotes'])} passage(s) coded by quoting." in text

    # 3. The facilitator's notebook, run again, reopens the workshop and sums it up.
    second = tmp_path / "facilitator-close.ipynb"
    nb = _finish(_start(_prepare("facilitator.ipynb", second, facilitator)), second)
    ws = open_workshop("test-workshop", root=root)
    expected = ws.summary()
    shown = {}
    for line in _text(nb, "summary").splitlines():
        keys = [key for key in expected.index if line.startswith(key)]
        if keys:
            key = max(keys, key=len)  # "stories coded by two or more", not "stories"
            shown[key] = line[len(key):].strip()
    assert shown == {key: str(value) for key, value in expected.items()}
    assert expected["participants"] == 3 and expected["names"] == "Ana B., Ben, Chipo"
    assert expected["codings"] == 6 and expected["memos"] == 1 and expected["stories coded by two or more"] == 2
    assert expected["places where readings differ"] > 0
    assert expected["agreement (alpha, paragraphs)"] is not None
    text = _all_text(nb)
    assert "Practice run" not in text and "ana" not in ws.participants  # no stand-ins in a real session
    for name in PARTICIPANTS:
        assert name in text  # in the progress tables
    assert (ws.folder / "workshop-report.html").is_file()
    progress = ws.progress()
    assert progress["codings"].to_dict() == {"Ana B.": 2, "Ben": 3, "Chipo": 1}
