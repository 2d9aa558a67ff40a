"""In a real Jupyter kernel, use_offline_renderer() picks the interactive renderer with Vega bundled (no CDN)."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.mark.slow
def test_kernel_gets_the_interactive_offline_renderer(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import workbench as wb\nwb.charts.use_offline_renderer()"),
        nbformat.v4.new_code_cell(
            "p = wb.create_project('proj')\np.codebook.add('hope')\n"
            "nid = p.add_narrative('We kept hoping together.', title='Hope')\n"
            "p.code(nid, 8, 14, 'hope', coder='ana')\nwb.charts.coder_bars(p)"),
    ]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == "'jupyter'"
    shown = nb.cells[1].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown  # an interactive chart, tooltips work
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    esm = next(model["state"]["_esm"] for model in state.values() if model["state"].get("_esm"))
    assert len(esm) > 100_000 and "cdn.jsdelivr" not in esm and "https://" not in esm[:2000]
