"""In a real Jupyter kernel, charts show offline by default: the workbench's widget, Vega bundled (no CDN)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = Path(__file__).resolve().parents[2]
PROJECT = ("p = wb.create_project('proj')\np.codebook.add('hope')\n"
           "nid = p.add_narrative('We kept hoping together.', title='Hope')\n"
           "p.code(nid, 8, 14, 'hope', coder='ana')\n")


def _run(cells: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # the kernel imports this checkout's workbench, not whichever one is installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return nb


def _bundled_esm(nb) -> str:
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return next(model["state"]["_esm"] for model in state.values() if model["state"].get("_esm"))


@pytest.mark.slow
def test_kernel_gets_the_interactive_offline_renderer(tmp_path, monkeypatch):
    nb = _run(["import workbench as wb\nwb.charts.use_offline_renderer()", PROJECT + "wb.charts.coder_bars(p)"],
              tmp_path, monkeypatch)
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == "'workbench'"
    shown = nb.cells[1].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown  # an interactive chart, tooltips work
    esm = _bundled_esm(nb)
    assert len(esm) > 100_000 and "cdn.jsdelivr" not in esm and "https://" not in esm[:2000]


@pytest.mark.slow
def test_charts_show_offline_without_a_setup_call(tmp_path, monkeypatch):
    nb = _run(["import workbench as wb\n" + PROJECT + "wb.charts.coder_bars(p)",
               "import altair as alt\nalt.renderers.active"], tmp_path, monkeypatch)
    shown = nb.cells[0].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown
    assert shown["text/plain"] == "<chart: Who used which codes: codings per coder>"
    assert nb.cells[1].outputs[0]["data"]["text/plain"] == "'workbench'"
    esm = _bundled_esm(nb)
    assert "cdn.jsdelivr" not in esm and "esm.sh" not in esm and "wb-chart-" in esm


@pytest.mark.slow
def test_a_renderer_the_user_chose_is_kept(tmp_path, monkeypatch):
    nb = _run(["import altair as alt\nimport workbench as wb\nalt.renderers.enable('svg')\n" + PROJECT
               + "chart = wb.charts.coder_bars(p)\nalt.renderers.active"], tmp_path, monkeypatch)
    assert nb.cells[0].outputs[-1]["data"]["text/plain"] == "'svg'"
