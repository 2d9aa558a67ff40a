"""Time and peak memory of Krippendorff's alpha on a large reliability study.

    python benchmarks/bench_agreement.py [--coders 20] [--units 200000] [--values 50]
                                         [--missing 0.1] [--no-oracle]

Prints (asserts nothing) wall time and peak traced memory (tracemalloc, which sees
NumPy's buffers) of ``workbench.agreement.krippendorff_alpha`` at all four levels, then
of the ``krippendorff`` package (GPL; benchmark-only, never a workbench dependency) on
the same nominal data, and the ratio. Each measurement runs in a fresh process so that
one's memory does not count against the other.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_project  # noqa: E402, F401  (puts the measured workbench first: PYTHONPATH's, else this checkout's)


def make_data(coders: int, units: int, values: int, missing: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, values, units)
    noise = rng.integers(0, values, (coders, units))
    data = np.where(rng.random((coders, units)) < 0.7, truth, noise).astype(np.float64)
    data[rng.random((coders, units)) < missing] = np.nan
    return data


def _measure(which: str, level: str, shape: tuple, queue) -> None:
    data = make_data(*shape)
    if which == "workbench":
        from workbench.agreement import krippendorff_alpha

        def run():
            return krippendorff_alpha(data, level)
    else:
        import krippendorff

        def run():
            return krippendorff.alpha(reliability_data=data, level_of_measurement=level)

    try:
        rss_before = _rss()
        tracemalloc.start()
        t = time.perf_counter()
        value = run()
        elapsed = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        queue.put(
            {"value": float(value), "seconds": elapsed, "peak_mb": peak / 2**20,
             "rss_growth_mb": (_rss() - rss_before) / 2**20 if rss_before else None}
        )
    except MemoryError:
        queue.put({"error": "MemoryError"})


def _rss() -> int | None:
    try:
        import psutil

        return psutil.Process().memory_info().rss
    except ImportError:
        return None


def measure(which: str, level: str, shape: tuple) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_measure, args=(which, level, shape, q))
    p.start()
    p.join()
    if p.exitcode != 0:
        return {"error": f"process exited with {p.exitcode} (killed: out of memory?)"}
    return q.get()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coders", type=int, default=20)
    ap.add_argument("--units", type=int, default=200_000)
    ap.add_argument("--values", type=int, default=50)
    ap.add_argument("--missing", type=float, default=0.1)
    ap.add_argument("--no-oracle", action="store_true", help="skip the krippendorff package")
    args = ap.parse_args()
    shape = (args.coders, args.units, args.values, args.missing)
    print(
        f"Krippendorff's alpha: {args.coders} coders x {args.units:,} units, "
        f"{args.values} values, {args.missing:.0%} missing"
    )
    ours = {}
    for level in ("nominal", "ordinal", "interval", "ratio"):
        r = measure("workbench", level, shape)
        ours[level] = r
        print(
            f"  workbench  {level:8s}  alpha={r['value']:.6f}  {r['seconds']:6.2f} s  "
            f"peak {r['peak_mb']:7.1f} MB"
        )
    if args.no_oracle:
        return
    try:
        import krippendorff  # noqa: F401
    except ImportError:
        print("  krippendorff package not installed: no comparison")
        return
    r = measure("krippendorff", "nominal", shape)
    if "error" in r:
        print(f"  krippendorff nominal: {r['error']}")
        return
    w = ours["nominal"]
    print(
        f"  krippendorff nominal  alpha={r['value']:.6f}  {r['seconds']:6.2f} s  "
        f"peak {r['peak_mb']:7.1f} MB"
    )
    print(
        f"  ratio krippendorff/workbench: time {r['seconds'] / w['seconds']:.1f}x, "
        f"peak memory {r['peak_mb'] / w['peak_mb']:.1f}x; "
        f"|difference in alpha| = {abs(r['value'] - w['value']):.2e}"
    )
    print(json.dumps({"workbench": ours, "krippendorff_nominal": r}, indent=None))


if __name__ == "__main__":
    main()
