"""Speed of every analysis and chart on the scale project (target: <= 1 s each). Prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_analysis.py [--repeat 3] [--path PATH]

Each figure is the median wall time of --repeat runs in one warm process (the project is open
and its codings were read once), with the median CPU time beside it: on a busy shared machine
the wall time also counts waiting for a core, the CPU time does not.
Charts are timed from the call to a finished Vega-Lite spec (``chart.to_dict()``, which
also runs altair's row-limit check); "rows" is the largest dataset in the spec.
autocode writes codings, so it runs on a throw-away copy of the project.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_project import DEFAULT_PATH, build_scale_project  # noqa: E402

import workbench as wb  # noqa: E402

TARGET = 1.0


def timed(fn, repeat: int):
    """Median wall time, median CPU time (this process, all threads) and the last result."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpu), result


def spec_rows(spec: dict) -> int:
    """The largest inline dataset anywhere in a Vega-Lite spec."""
    biggest = 0
    for data in (spec.get("datasets") or {}).values():
        biggest = max(biggest, len(data))
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, []):
            biggest = max(biggest, spec_rows(part))
    if "spec" in spec:
        biggest = max(biggest, spec_rows(spec["spec"]))
    values = (spec.get("data") or {}).get("values")
    if isinstance(values, list):
        biggest = max(biggest, len(values))
    return biggest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--path", default=str(DEFAULT_PATH))
    args = parser.parse_args()

    t = time.perf_counter()
    build_scale_project(args.path)
    print(f"scale project ready in {time.perf_counter() - t:.1f} s (built or reused at {args.path})")
    t = time.perf_counter()
    p = wb.open_project(args.path)
    opened = time.perf_counter() - t
    t = time.perf_counter()
    codings = p.codings()
    first = time.perf_counter() - t
    base, _, _ = timed(p.codings, args.repeat)
    info = (f"{len(p.narratives):,} narratives, {len(codings):,} codings, {len(p.coders)} coders, "
            f"{len(p.codebook)} active codes")
    print(f"{info}\nopen {opened:.2f} s; first p.codings() {first:.2f} s; warm p.codings() {base:.2f} s "
          "(every analysis below calls it once)\n")

    A, C = wb.analysis, wb.charts
    nid = p.narratives["id"][1]
    code = "relational safety"
    analyses = [
        ("segments(code=parent, children)", lambda: A.segments(p, code=code)),
        ("segments(all codings)", lambda: A.segments(p)),
        ("segments(attributes=setting)", lambda: A.segments(p, code="trust", attributes={"setting": "peer group"})),
        ("frequencies(by=None)", lambda: A.frequencies(p, by=None)),
        ("frequencies(by='narrative')", lambda: A.frequencies(p, by="narrative")),
        ("frequencies(by='coder')", lambda: A.frequencies(p, by="coder")),
        ("frequencies(by='setting')", lambda: A.frequencies(p, by="setting")),
        ("cooccurrence(within=0)", lambda: A.cooccurrence(p)),
        ("cooccurrence(within=200)", lambda: A.cooccurrence(p, within=200)),
        ("cooccurrence(pool=True)", lambda: A.cooccurrence(p, pool=True)),
        ("cooccurrence(per_narrative=True)", lambda: A.cooccurrence(p, per_narrative=True)),
        ("matrix(code x setting, count)", lambda: A.matrix(p, rows="code", columns="setting")),
        ("matrix(code x coder, passages)", lambda: A.matrix(p, rows="code", columns="coder", values="passages")),
        ("kwic(r'\\bhope\\b')", lambda: A.kwic(p, r"\bhope\b")),
        ("codebook_timeline", lambda: A.codebook_timeline(p)),
        ("memo_timeline", lambda: A.memo_timeline(p)),
        ("code_use_over_time", lambda: A.code_use_over_time(p)),
        ("code_use_over_time(coder)", lambda: A.code_use_over_time(p, coder="coder01")),
        ("compare_coders(one narrative)", lambda: A.compare_coders(p, nid)),
    ]
    rows = []
    print(f"{'analysis':40} {'wall':>8} {'CPU':>8} {'rows out':>10}")
    for name, fn in analyses:
        seconds, cpu, out = timed(fn, args.repeat)
        rows.append((name, seconds, cpu))
        flag = "" if seconds <= TARGET else "  > 1 s"
        print(f"{name:40} {seconds:7.3f}s {cpu:7.3f}s {len(out):10,}{flag}")

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy"
        shutil.copytree(args.path, copy)
        q = wb.open_project(copy)
        q.codings()
        t, c = time.perf_counter(), time.process_time()
        new = A.autocode(q, r"\bwaiting\W+list\b", "waiting lists", window=20)
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        label = "autocode('waiting list') [on a copy]"
        print(f"{label:40} {seconds:7.3f}s {cpu:7.3f}s {len(new):10,}{'' if seconds <= TARGET else '  > 1 s'}")
        print("  (autocode includes p.codings() re-folding all codings after its write: a core cost,"
              " see bench.py)")
        rows.append(("autocode", seconds, cpu))
        del q

    import altair  # noqa: F401 - import once, outside the timings (about 1-3 s)

    charts = [
        ("frequency_heatmap(by='narrative')", lambda: C.frequency_heatmap(p, by="narrative")),
        ("frequency_heatmap(by='setting')", lambda: C.frequency_heatmap(p, by="setting")),
        ("coder_bars", lambda: C.coder_bars(p)),
        ("cooccurrence_heatmap", lambda: C.cooccurrence_heatmap(p)),
        ("code_network", lambda: C.code_network(p)),
        ("story_strip(one narrative)", lambda: C.story_strip(p, nid)),
        ("codebook_timeline", lambda: C.codebook_timeline(p)),
        ("memo_timeline", lambda: C.memo_timeline(p)),
        ("code_use", lambda: C.code_use(p)),
    ]
    C.code_network(p).to_dict()  # first use imports networkx and scipy
    print(f"\n{'chart (call + to_dict)':40} {'wall':>8} {'CPU':>8} {'rows':>10}")
    for name, fn in charts:
        seconds, cpu, spec = timed(lambda fn=fn: fn().to_dict(), args.repeat)
        rows.append((name, seconds, cpu))
        flag = "" if seconds <= TARGET else "  > 1 s"
        print(f"{name:40} {seconds:7.3f}s {cpu:7.3f}s {spec_rows(spec):10,}{flag}")
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        C.save(C.cooccurrence_heatmap(p), Path(tmp) / "c.png")
        first_png = time.perf_counter() - t
        t = time.perf_counter()
        C.save(C.coder_bars(p), Path(tmp) / "b.svg")
        svg = time.perf_counter() - t
    print(f"\nsave PNG (first, vl-convert) {first_png:.2f} s; save SVG {svg:.2f} s")
    over = [name for name, s, _ in rows if s > TARGET]
    over_cpu = [name for name, _, c in rows if c > TARGET]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:,.0f} MB")
    print(f"wall: {len(rows) - len(over)} of {len(rows)} within {TARGET:.0f} s"
          + (f"; over: {', '.join(over)}" if over else ""))
    print(f"CPU:  {len(rows) - len(over_cpu)} of {len(rows)} within {TARGET:.0f} s"
          + (f"; over: {', '.join(over_cpu)}" if over_cpu else ""))


if __name__ == "__main__":
    main()
