"""Speed of the theme layer on the scale project with 50 themes (target: <= 1 s each). Prints figures.

    .venv/bin/python benchmarks/bench_themes.py [--repeat 3] [--path PATH]

The 50 themes (each gathering 2-4 codes, with 4 hand-picked passages and a negative case) are
written once by the coder ``bench-themes`` into the scale project's ``events/themes/``; a later run
reuses them. Each figure is the median wall time of --repeat runs in one warm process (the project
open, its codings read once), with the median CPU time beside it; the findings document (all 50
themes) is written once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis import timed  # noqa: E402  (median wall and CPU time: one helper for the benchmarks)
from scale_project import DEFAULT_PATH, build_scale_project  # noqa: E402

import workbench as wb  # noqa: E402

TARGET = 1.0
THEMES = 50
CODER = "bench-themes"


def add_themes(p: "wb.Project") -> float:
    """Write the 50 benchmark themes unless they are there; returns the seconds it took."""
    start = time.perf_counter()
    missing = THEMES - len(p.themes.to_frame(owner=CODER))
    if missing <= 0:
        return 0.0
    codes = p.codebook.names
    codings = p.codings()["coding_id"].to_numpy()
    for i in range(THEMES - missing, THEMES):
        gathered = [codes[(i * 3 + k) % len(codes)] for k in range(2 + i % 3)]
        name = p.themes.add(f"theme {i:02d}", definition=f"benchmark theme {i}", codes=gathered, coder=CODER)
        p.themes.add_passages(name, [str(c) for c in codings[i * 997 % len(codings)::len(codings) // 4][:4]],
                              coder=CODER)
        p.themes.add_negative_cases(name, [str(codings[(i * 7919) % len(codings)])], coder=CODER)
    return time.perf_counter() - start


def main() -> None:
    """Build or reopen the scale project, add the themes, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--path", default=str(DEFAULT_PATH))
    args = parser.parse_args()
    p = build_scale_project(args.path)
    t = time.perf_counter()
    codings = len(p.codings())
    first = time.perf_counter() - t
    print(f"scale project: {codings:,} codings, {len(p.narratives):,} narratives (first read {first:.2f} s)")
    print(f"writing the {THEMES} themes: {add_themes(p):.2f} s (0 when they were there)")
    attribute = next(a for a in p.attributes if p.narratives[a].nunique() < 30)
    cases = [
        ("themes.to_frame()", lambda: p.themes.to_frame()),
        ("themes.history()", lambda: p.themes.history()),
        (f"theme_matrix(columns={attribute!r})", lambda: wb.analysis.theme_matrix(p, columns=attribute)),
        ("theme_matrix(columns='coder')", lambda: wb.analysis.theme_matrix(p, columns="coder")),
        ("theme_support()", lambda: wb.analysis.theme_support(p)),
        ("theme_passages(one theme)", lambda: wb.analysis.theme_passages(p, "theme 07")),
    ]
    print(f"{'what':<36} {'wall s':>8} {'cpu s':>8} {'rows':>10}  target <= {TARGET:.0f} s")
    for label, fn in cases:
        wall, cpu, result = timed(fn, args.repeat)
        flag = "" if wall <= TARGET else "  OVER"
        print(f"{label:<36} {wall:8.3f} {cpu:8.3f} {len(result):>10,}{flag}")
    with tempfile.TemporaryDirectory() as scratch:  # a whole document: once is enough
        wall, cpu, path = timed(lambda: wb.exchange.export_findings(p, Path(scratch) / "findings.docx"), 1)
        print(f"{'export_findings(docx), once':<36} {wall:8.3f} {cpu:8.3f} {path.stat().st_size:>10,} bytes")


if __name__ == "__main__":
    main()
