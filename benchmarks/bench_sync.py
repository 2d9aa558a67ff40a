"""Sync of two clones that each added 50,000 codings (issue 14's target: <= 5 s), with real git.

    python benchmarks/bench_sync.py [--codings 50000]

Makes, in a temporary folder, a bare remote and two clones of the sample project; ana codes
N passages in one clone and ben N in the other (``code_many``, one batch each). Then it times,
each in this process: ana's sync (commit + push), ben's sync (fetch, a real merge of the logs,
rebuild of the derived files, push) and ana's second sync (fast-forward), and checks that both
folders end with the same codings, none lost or twice. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_project  # noqa: E402, F401  (puts the measured workbench first: PYTHONPATH's, else this checkout's)

import workbench as wb  # noqa: E402


def _rows(p: wb.Project, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    nids = p.narratives.id.to_numpy()
    lengths = np.array([len(p.text(nid)) for nid in nids])
    pick = rng.integers(0, len(nids), n)
    starts = (rng.random(n) * (lengths[pick] - 40)).astype(int)
    codes = np.array(p.codebook.names)[rng.integers(0, len(p.codebook.names), n)]
    return pd.DataFrame({"narrative_id": nids[pick], "start": starts, "end": starts + 10 + rng.integers(0, 30, n),
                         "code": codes})


def _timed(what: str, p: wb.Project, coder: str) -> float:
    started = time.perf_counter()
    result = wb.sync.sync(p, coder=coder, progress=False)
    seconds = time.perf_counter() - started
    print(f"{what:<44} {seconds:6.2f} s   {result}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        a = wb.sample_project(copy_to=root / "ana")
        wb.sync.share(a, str(root / "shared.git"), coder="ana", progress=False)
        b = wb.sync.clone(str(root / "shared.git"), root / "ben", progress=False)
        a.code_many(_rows(a, args.codings, 1), coder="ana")
        b.code_many(_rows(b, args.codings, 2), coder="ben")
        print(f"two clones, each with {args.codings:,} new codings; git {_git_version()}")
        first = _timed("ana: sync (commit, push)", a, "ana")
        merging = _timed("ben: sync (fetch, merge, rebuild, push)", b, "ben")
        forward = _timed("ana: sync again (fast-forward)", a, "ana")
        same = set(a.refresh().codings()["coding_id"]) == set(b.refresh().codings()["coding_id"])
        unique = a.codings()["coding_id"].is_unique
        print(f"both clones hold the same {len(a.codings()):,} codings: {same}; none twice: {unique}")
        print(f"target: each sync <= 5 s; slowest {max(first, merging, forward):.2f} s")


def _git_version() -> str:
    return subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.split()[-1]


if __name__ == "__main__":
    main()
