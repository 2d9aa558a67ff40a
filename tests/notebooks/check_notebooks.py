"""Check the notebooks' stored outputs with nbval (``make test``), from a clean copy, never in place.

    python tests/notebooks/check_notebooks.py [notebook ...] [-- pytest options]

The notebooks are copied into a throw-away folder first, without the participants' own pages
(``notebooks/workshop/participants-*``, made by the facilitator notebook) and Lab's checkpoints, and
run there with a throw-away learner home (``WORKBENCH_LEARNER_HOME``) and no shared workshop folder
(``WORKBENCH_WORKSHOPS`` unset): a test run never writes into the repository, a learner's folder, a
live workshop or a participant's page. Names (``01_start_here.ipynb``, ``workshop/participant.ipynb``)
check only those notebooks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SANITIZE = Path(__file__).resolve().parent / "sanitize.cfg"
NBVAL_OPTIONS = ["--nbval", "--nbval-current-env", f"--nbval-sanitize-with={SANITIZE}", "--nbval-cell-timeout=300"]
# what is never copied: the participants' pages (someone's work), Lab's checkpoints, caches, the docs link
SKIP = shutil.ignore_patterns("participants-*", ".ipynb_checkpoints", "__pycache__", "*.pyc", "docs")


def clean_copy(target: Path) -> Path:
    """The notebooks folder copied to *target*/notebooks, without participants' pages or checkpoints."""
    return Path(shutil.copytree(NOTEBOOKS, target / "notebooks", ignore=SKIP))


def check(names: list[str], pytest_args: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="workbench-notebooks-") as scratch:
        copy = clean_copy(Path(scratch))
        env = {key: value for key, value in os.environ.items() if key != "WORKBENCH_WORKSHOPS"}
        env["WORKBENCH_LEARNER_HOME"] = str(Path(scratch) / "home")
        env["WORKBENCH_JOURNAL_HOME"] = str(Path(scratch) / "journals")  # private journals, never the real home
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
        targets = [str(copy / name) for name in names] or [str(copy)]
        command = [sys.executable, "-m", "pytest", *targets, "-c", str(REPO / "pyproject.toml"),
                   *NBVAL_OPTIONS, "-p", "no:cacheprovider", *pytest_args]
        return subprocess.run(command, cwd=REPO, env=env, check=False).returncode


if __name__ == "__main__":
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else len(args)
    sys.exit(check(args[:split], args[split + 1:]))
