# How `make lab` starts JupyterLab (the browser test of tests/notebooks starts it the same way):
#   jupyter lab --config=.lab/jupyter_lab_config.py
# The file browser opens in notebooks/, where a learner finds the lessons, the workshop pair and docs/
# (a link to the repository's docs, so `docs/care.md` in a notebook's text is where it says); the test
# plumbing lives under tests/. The URL the log prints opens the first notebook, not the Launcher.
from pathlib import Path

c = get_config()  # noqa: F821 (Jupyter's config loader provides it)

HERE = Path(__file__).resolve().parent
c.ServerApp.root_dir = str(HERE.parent / "notebooks")
c.LabApp.default_url = "/lab/tree/01_start_here.ipynb"
# news_url=None alone still asks "get notified about official Jupyter news?": the setting below answers it
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.app_settings_dir = str(HERE / "settings")
