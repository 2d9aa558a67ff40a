"""Speed of the core (the Project) on the scale project. Prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench.py [--codes 200] [--repeat 3] [--only core|targets] [--loops 500,...]
    .venv/bin/python benchmarks/bench.py --codings 10000 --repeat 1 --loops 50     # a quick try
    PYTHONPATH=/other/worktree .venv/bin/python benchmarks/bench.py     # measure another checkout

Measured on throw-away copies of the scale project (1,000 narratives, ~2 million words,
1,000,000 codings by 10 coders; see scale_project.py), so writes never touch the cached one.

The core figures:

- open: ``wb.open_project`` in a fresh process, without and with the snapshot cache
  (``.workbench-cache/`` in the project), plus the first and a warm ``p.codings()`` there,
  and that process's peak memory (max RSS);
- one ``p.code()``: median and 95th percentile latency (each is locked, appended, fsync'ed);
- ``p.code()`` followed by ``p.codings()``: what a widget or analysis pays after each write;
- ``p.code_many()``: codings per second for one 100,000-row batch and for 10 batches of 10,000;
- ``p.refresh()`` when nothing changed.

The targets of issue 11 ("a first frame in half a second"), each in fresh processes (fresh_process.py):

- open + the first ``codings()`` with a snapshot present (<= 0.5 s);
- open + the first chart, ``frequency_heatmap(p, by="setting").to_dict()`` (<= 1 s);
- peak memory after open, ``codings()`` and writing 200,000 more codings (<= 1.5 GB);
- ``codings()`` after 10,000 single ``p.code()`` calls in one process (<= 0.2 s), and after 500 to 4,000.

Timed figures are the best of --repeat runs (the loops run once). Wall times on a shared
machine vary with what else runs: CPU times are printed beside them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fresh_process import copy_project, folder_mb, run_child, workbench_root  # noqa: E402
from scale_project import DEFAULT_CODINGS, ensure_scale_project, scale_path  # noqa: E402

import workbench as wb  # noqa: E402

LOOP_SIZES = (500, 1_000, 2_000, 4_000, 10_000)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def best(runs: list[dict], key: str) -> dict:
    """The run with the smallest *key* (on a shared machine the others waited for a core)."""
    return min(runs, key=lambda r: r[key])


def spread(runs: list[dict], key: str) -> str:
    return ", ".join(f"{r[key]:.2f}" for r in runs)


def core(source: Path, codes: int) -> None:
    """The core figures: fresh-process opens, code() latency, code_many() rate, refresh()."""
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        copy = copy_project(source, Path(tmp) / "copy")
        print(f"copy: {folder_mb(copy):,.0f} MB on disk\n")
        cold = run_child("open", copy, "--warm")  # no snapshot yet: parses every log, then writes snapshots
        warm = run_child("open", copy, "--warm")  # snapshots valid
        print(f"{'open (fresh process)':34} {'open':>8} {'open cpu':>9} {'1st codings()':>14} {'warm codings()':>15}"
              f" {'max RSS':>9}")
        for label, r in (("without snapshot cache", cold), ("with snapshot cache", warm)):
            print(f"{label:34} {r['open_s']:7.2f}s {r['open_cpu_s']:8.2f}s {r['first_codings_s']:13.2f}s "
                  f"{r['warm_codings_s']:14.3f}s {r['peak_mb']:7,.0f}MB")
        print(f"({cold['rows']:,} current codings)\n")
        in_process(copy, codes)


def in_process(copy: Path, codes: int) -> None:
    p = wb.open_project(copy)
    p.codings()
    ids = list(p.narratives["id"])
    names = p.codebook.names
    rng = np.random.default_rng(1)
    lat, cpu = [], []
    for k in range(codes):
        nid = ids[int(rng.integers(0, len(ids)))]
        start = int(rng.integers(0, 1000))
        t, c = time.perf_counter(), time.process_time()
        p.code(nid, start, start + 40, names[k % len(names)], coder="bench")
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(f"p.code() x {codes}: median {statistics.median(lat) * 1000:.1f} ms, "
          f"p95 {pct(lat, 95) * 1000:.1f} ms, max {max(lat) * 1000:.1f} ms "
          f"(CPU median {statistics.median(cpu) * 1000:.1f} ms)")

    after = []
    for k in range(10):
        p.code(ids[k], 0, 10, names[0], coder="bench")
        t = time.perf_counter()
        p.codings()
        after.append(time.perf_counter() - t)
    print(f"p.codings() right after a p.code(): median {statistics.median(after):.3f} s, "
          f"max {max(after):.3f} s")

    rows = [{"narrative_id": ids[int(i)], "start": int(s), "end": int(s) + 30, "code": names[int(c)]}
            for i, s, c in zip(rng.integers(0, len(ids), 100_000), rng.integers(0, 1000, 100_000),
                               rng.integers(0, len(names), 100_000))]
    t, c = time.perf_counter(), time.process_time()
    p.code_many(rows, coder="bench-batch")
    one = time.perf_counter() - t
    one_cpu = time.process_time() - c
    t = time.perf_counter()
    for k in range(10):
        p.code_many(rows[k * 10_000:(k + 1) * 10_000], coder="bench-batches")
    ten = time.perf_counter() - t
    print(f"p.code_many(): {len(rows) / one:,.0f} codings/s in one 100,000-row batch "
          f"({one:.2f} s, CPU {one_cpu:.2f} s); {len(rows) / ten:,.0f} codings/s in 10 batches of 10,000")

    t = time.perf_counter()
    total = len(p.codings())
    print(f"p.codings() after those writes: {time.perf_counter() - t:.2f} s ({total:,} codings)")
    refresh = []
    for _ in range(20):
        t = time.perf_counter()
        p.refresh()
        refresh.append(time.perf_counter() - t)
    print(f"p.refresh() with nothing new: median {statistics.median(refresh) * 1000:.1f} ms")
    print(f"peak memory of this process (max RSS): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB\n")


def targets(source: Path, repeat: int, loops: tuple[int, ...]) -> list[tuple[str, str, str, str]]:
    """Issue 11's speed targets, each in fresh processes; rows of (what, target, figure, detail)."""
    table = []
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        copy = copy_project(source, Path(tmp) / "copy")
        run_child("open", copy)  # the cold open writes the snapshot the user's next opens find
        opens = [run_child("open", copy) for _ in range(repeat)]
        r = best(opens, "open_codings_s")
        print(f"open + first codings(), snapshot present, best of {repeat}: {r['open_codings_s']:.2f} s "
              f"(open {r['open_s']:.2f} s + codings() {r['first_codings_s']:.2f} s; "
              f"CPU {r['open_codings_cpu_s']:.2f} s); import workbench {r['import_s']:.2f} s; "
              f"whole child {r['total_s']:.2f} s; "
              f"all runs {spread(opens, 'open_codings_s')} s")
        print(f"   {r['rows']:,} rows, a {r['frame_type']} with columns {', '.join(r['columns'])}; reading its "
              f"passage column (text) afterwards: {r.get('text_column_s', float('nan')):.3f} s")
        table.append(("open + first `codings()`, fresh process, snapshot present", "<= 0.5 s",
                      f"{r['open_codings_s']:.2f} s", f"CPU {r['open_codings_cpu_s']:.2f} s; "
                      f"whole child incl. interpreter and imports {r['total_s']:.2f} s"))
        charts = [run_child("chart", copy) for _ in range(repeat)]
        r = best(charts, "open_chart_s")
        print(f"open + first chart (frequency_heatmap by setting, to_dict), best of {repeat}: "
              f"{r['open_chart_s']:.2f} s (open {r['open_s']:.2f} s + import altair {r['altair_import_s']:.2f} s "
              f"(if not imported yet) + chart {r['chart_s']:.2f} s; "
              f"CPU {r['open_chart_cpu_s']:.2f} s); import workbench {r['import_s']:.2f} s; "
              f"whole child {r['total_s']:.2f} s; all runs {spread(charts, 'open_chart_s')} s; "
              f"the same chart again in that process {r['chart_again_s']:.2f} s")
        table.append(("open + first chart `frequency_heatmap(by=\"setting\").to_dict()`, fresh process",
                      "<= 1 s", f"{r['open_chart_s']:.2f} s", f"CPU {r['open_chart_cpu_s']:.2f} s; "
                      f"whole child {r['total_s']:.2f} s"))
        for calls in loops:
            r = run_child("loop", copy, str(calls))
            print(f"codings() after {calls:,} single p.code() calls in one process: {r['codings_after_s']:.2f} s "
                  f"(CPU {r['codings_after_cpu_s']:.2f} s); the calls took {r['loop_s']:.1f} s "
                  f"({r['loop_s'] / calls * 1000:.2f} ms each); the codings() after that {r['codings_again_s']:.3f} s")
            table.append((f"`codings()` after {calls:,} single `code()` calls, same process",
                          "<= 0.2 s" if calls == 10_000 else "", f"{r['codings_after_s']:.2f} s",
                          f"CPU {r['codings_after_cpu_s']:.2f} s"))
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        copy = copy_project(source, Path(tmp) / "copy")
        run_child("open", copy)  # snapshot present, as for a user
        r = run_child("memory", copy)
        print(f"peak memory (max RSS of the child): {r['peak_after_read_mb']:,.0f} MB after open + codings(), "
              f"{r['peak_mb']:,.0f} MB after writing {r['rows_after'] - r['rows_before']:,} more codings "
              f"({r['write_s']:.1f} s) and codings() again; RSS at the end {r['rss_mb']:,.0f} MB")
        table.append(("peak memory: open, `codings()`, 200,000 more codings (`code_many`), `codings()`",
                      "<= 1.5 GB", f"{r['peak_mb'] / 1024:.2f} GB",
                      f"{r['peak_after_read_mb'] / 1024:.2f} GB after open + `codings()`"))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codings", type=int, default=DEFAULT_CODINGS,
                        help="size of the scale project (a smaller one for a quick try, e.g. 10000)")
    parser.add_argument("--path", help="where the scale project is (default: scale_project.scale_path(codings))")
    parser.add_argument("--codes", type=int, default=200, help="single p.code() calls to time")
    parser.add_argument("--repeat", type=int, default=3, help="fresh-process runs per target figure (best shown)")
    parser.add_argument("--loops", default=",".join(map(str, LOOP_SIZES)),
                        help="numbers of single p.code() calls before codings(), comma-separated")
    parser.add_argument("--only", choices=("core", "targets"), help="only the core figures, or only the targets")
    args = parser.parse_args()

    t = time.perf_counter()
    source = ensure_scale_project(args.path or scale_path(args.codings), codings=args.codings)
    print(f"scale project ready in {time.perf_counter() - t:.1f} s (built or reused at {source})")
    print(f"measuring the workbench in {workbench_root()}\n")
    if args.only != "targets":
        core(source, args.codes)
    if args.only != "core":
        loops = tuple(int(n) for n in args.loops.split(",") if n)
        table = targets(source, args.repeat, loops)
        print(f"\nissue 11 targets (best of {args.repeat} fresh processes where timed; a shared 2-core machine "
              "makes wall times noisy: compare CPU times too)")
        print("| what | target | measured | detail |\n|---|---|---|---|")
        for row in table:
            print("| " + " | ".join(row) + " |")
    os.sync()


if __name__ == "__main__":
    main()
