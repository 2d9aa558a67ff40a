"""How opening grows with the number of codings (10k to 3M, same 1,000 stories). Prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_scaling.py [--sizes 10000,100000,1000000,3000000] [--repeat 3]
    PYTHONPATH=/other/worktree .venv/bin/python benchmarks/bench_scaling.py     # measure another checkout

For each size, the scale project (scale_project.py; built once per size under .workbench-cache/,
the 3M one takes about 1 GB and a minute or two) is copied without its snapshots, then opened in
fresh processes (fresh_process.py), alternately:

- without a snapshot: ``.workbench-cache/`` deleted first, so every log is parsed (that open
  writes the snapshot again);
- with the snapshot the open before wrote.

Each figure is ``wb.open_project`` plus the first ``p.codings()``, the best of --repeat runs, with
its CPU time. Memory per coding is the child's peak RSS after open + ``codings()`` with a snapshot,
less its RSS right after ``import workbench``, divided by the number of codings; the growth lines
also give the marginal figure (extra peak RSS per extra coding from one size to the next), which
leaves out what does not grow with the codings (the texts, the narratives table).
"snapshot" is whatever the measured code keeps in ``.workbench-cache/`` (its size is printed; a
small project may keep none).

Targets (issue 11): growth no worse than linear; at 3M codings open + first ``codings()``
<= 1.5 s from the snapshot and <= 6 s without one. Wall times on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh_process import copy_project, drop_snapshots, folder_mb, run_child, workbench_root  # noqa: E402
from scale_project import ensure_scale_project, scale_path  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000, 3_000_000)
TARGETS_3M = {"cold": 6.0, "warm": 1.5}


def measure(source: Path, repeat: int) -> dict:
    """Best cold and warm open + first codings() for one size, with the runs behind them."""
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        copy = copy_project(source, Path(tmp) / "copy")
        cold, warm = [], []
        for _ in range(repeat):
            drop_snapshots(copy)
            cold.append(run_child("open", copy))
            warm.append(run_child("open", copy))
        cache = copy / ".workbench-cache"
        snapshot_mb = folder_mb(cache) if cache.is_dir() else 0.0
        return {"mb": folder_mb(copy) - snapshot_mb, "snapshot_mb": snapshot_mb, "cold": cold, "warm": warm}


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["open_codings_s"])


def report(sizes: list[int], results: dict[int, dict], repeat: int) -> None:
    print(f"\nopen + first codings() in a fresh process, best of {repeat} (wall / CPU seconds)")
    print(f"{'codings':>10} {'on disk':>8} | {'no snapshot':>12} {'open':>6} {'codings':>8} {'CPU':>6} | "
          f"{'snapshot':>9} {'open':>6} {'codings':>8} {'CPU':>6} {'cache':>7} | {'peak RSS':>9} {'B/coding':>9}")
    for n in sizes:
        res = results[n]
        c, w = best(res["cold"]), best(res["warm"])
        per = (w["peak_mb"] - w["rss_after_import_mb"]) * 2**20 / max(w["rows"], 1)
        print(f"{w['rows']:>10,} {res['mb']:6,.0f}MB | {c['open_codings_s']:11.2f}s {c['open_s']:5.2f}s "
              f"{c['first_codings_s']:7.2f}s {c['open_codings_cpu_s']:5.2f}s | {w['open_codings_s']:8.2f}s "
              f"{w['open_s']:5.2f}s {w['first_codings_s']:7.2f}s {w['open_codings_cpu_s']:5.2f}s "
              f"{res['snapshot_mb']:5,.0f}MB | "
              f"{w['peak_mb']:7,.0f}MB {per:8,.0f}B")
    print("\ngrowth from one size to the next (time ratio / size ratio; 1.0 = linear, above 1 = faster than linear)")
    for small, large in zip(sizes, sizes[1:]):
        factor = large / small
        parts = []
        for kind in ("cold", "warm"):
            lo, hi = best(results[small][kind]), best(results[large][kind])
            ratio = hi["open_codings_s"] / lo["open_codings_s"]
            cpu = hi["open_codings_cpu_s"] / lo["open_codings_cpu_s"]
            parts.append(f"{'no snapshot' if kind == 'cold' else 'snapshot'} x{ratio:.1f} ({ratio / factor:.2f}; "
                         f"CPU x{cpu:.1f}, {cpu / factor:.2f})")
        lo, hi = best(results[small]["warm"]), best(results[large]["warm"])
        marginal = (hi["peak_mb"] - lo["peak_mb"]) * 2**20 / max(hi["rows"] - lo["rows"], 1)
        parts.append(f"peak RSS x{hi['peak_mb'] / lo['peak_mb']:.1f}, {marginal:,.0f} B per extra coding")
        print(f"  {small:>9,} -> {large:>9,} (x{factor:g}): " + "; ".join(parts))
    if 3_000_000 in results:
        print("\n| what | target | measured |\n|---|---|---|")
        for kind, label in (("warm", "from the snapshot"), ("cold", "without a snapshot")):
            r = best(results[3_000_000][kind])
            print(f"| 3M codings: open + first `codings()` {label}, fresh process | <= {TARGETS_3M[kind]:g} s | "
                  f"{r['open_codings_s']:.2f} s (CPU {r['open_codings_cpu_s']:.2f} s) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="numbers of codings, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="cold and warm runs per size (best shown)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n]

    print(f"measuring the workbench in {workbench_root()}")
    results = {}
    for n in sizes:
        t = time.perf_counter()
        source = ensure_scale_project(scale_path(n), codings=n)
        print(f"{n:,} codings: project ready in {time.perf_counter() - t:.1f} s at {source}", flush=True)
        t = time.perf_counter()
        results[n] = measure(source, args.repeat)
        runs = ", ".join(f"{c['open_codings_s']:.2f}/{w['open_codings_s']:.2f}"
                         for c, w in zip(results[n]["cold"], results[n]["warm"]))
        print(f"  measured in {time.perf_counter() - t:.0f} s; runs (no snapshot/snapshot): {runs} s", flush=True)
    report(sizes, results, args.repeat)
    odd = {r["frame_type"] for res in results.values() for r in res["warm"] + res["cold"]} - {"DataFrame"}
    if odd:
        print(f"\nnote: codings() returned {', '.join(sorted(odd))}, not a DataFrame")


if __name__ == "__main__":
    main()
