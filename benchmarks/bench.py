"""Speed of the core (the Project) on the scale project. Prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench.py [--path PATH] [--codes 200]

Measured on a throw-away copy of the scale project (1,000 narratives, ~2 million words,
1,000,000 codings by 10 coders; see scale_project.py), so writes never touch the cached one:

- open: ``wb.open_project`` in a fresh process, without and with the snapshot cache
  (``.workbench-cache/`` in the project), plus the first and a warm ``p.codings()`` there,
  and that process's peak memory (max RSS);
- one ``p.code()``: median and 95th percentile latency (each is locked, appended, fsync'ed);
- ``p.code()`` followed by ``p.codings()``: what a widget or analysis pays after each write;
- ``p.code_many()``: codings per second for one 100,000-row batch and for 10 batches of 10,000;
- ``p.refresh()`` when nothing changed.

Wall times on a shared machine vary: CPU times are printed beside the wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale_project import DEFAULT_PATH, build_scale_project  # noqa: E402

import workbench as wb  # noqa: E402

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter(); c0 = time.process_time()
import workbench as wb
t = time.perf_counter(); c = time.process_time()
p = wb.open_project(sys.argv[1])
opened, opened_cpu = time.perf_counter() - t, time.process_time() - c
t = time.perf_counter(); frame = p.codings(); first = time.perf_counter() - t
t = time.perf_counter(); p.codings(); warm = time.perf_counter() - t
print(json.dumps({"open": opened, "open_cpu": opened_cpu, "first_codings": first, "warm_codings": warm,
                  "rows": len(frame), "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default=str(DEFAULT_PATH))
    parser.add_argument("--codes", type=int, default=200, help="single p.code() calls to time")
    args = parser.parse_args()

    t = time.perf_counter()
    build_scale_project(args.path)
    print(f"scale project ready in {time.perf_counter() - t:.1f} s (built or reused at {args.path})")
    with tempfile.TemporaryDirectory(dir=Path(args.path).parent) as tmp:
        copy = Path(tmp) / "copy"
        shutil.copytree(args.path, copy, ignore=shutil.ignore_patterns(".workbench-cache", ".locks"))
        size = sum(f.stat().st_size for f in copy.rglob("*") if f.is_file()) / 2**20
        print(f"copy: {size:,.0f} MB on disk\n")

        cold = child(copy)  # no snapshot yet: parses every log, then writes snapshots
        warm = child(copy)  # snapshots valid
        print(f"{'open (fresh process)':34} {'open':>8} {'open cpu':>9} {'1st codings()':>14} {'warm codings()':>15}"
              f" {'max RSS':>9}")
        for label, r in (("without snapshot cache", cold), ("with snapshot cache", warm)):
            print(f"{label:34} {r['open']:7.2f}s {r['open_cpu']:8.2f}s {r['first_codings']:13.2f}s "
                  f"{r['warm_codings']:14.3f}s {r['max_rss_mb']:7,.0f}MB")
        print(f"({cold['rows']:,} current codings)\n")

        p = wb.open_project(copy)
        p.codings()
        ids = list(p.narratives["id"])
        codes = p.codebook.names
        rng = np.random.default_rng(1)
        lat, cpu = [], []
        for k in range(args.codes):
            nid = ids[int(rng.integers(0, len(ids)))]
            start = int(rng.integers(0, 1000))
            t, c = time.perf_counter(), time.process_time()
            p.code(nid, start, start + 40, codes[k % len(codes)], coder="bench")
            lat.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(f"p.code() x {args.codes}: median {statistics.median(lat) * 1000:.1f} ms, "
              f"p95 {pct(lat, 95) * 1000:.1f} ms, max {max(lat) * 1000:.1f} ms "
              f"(CPU median {statistics.median(cpu) * 1000:.1f} ms)")

        after = []
        for k in range(10):
            p.code(ids[k], 0, 10, codes[0], coder="bench")
            t = time.perf_counter()
            p.codings()
            after.append(time.perf_counter() - t)
        print(f"p.codings() right after a p.code(): median {statistics.median(after):.3f} s, "
              f"max {max(after):.3f} s  (the fold is rebuilt after each write)")

        rows = [{"narrative_id": ids[int(i)], "start": int(s), "end": int(s) + 30, "code": codes[int(c)]}
                for i, s, c in zip(rng.integers(0, len(ids), 100_000), rng.integers(0, 1000, 100_000),
                                   rng.integers(0, len(codes), 100_000))]
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
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
        del p
    os.sync()


if __name__ == "__main__":
    main()
