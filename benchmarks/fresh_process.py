"""One measurement in a fresh Python process, its figures read back as JSON (used by bench.py and bench_scaling.py).

A user's first look at a project is a fresh process: nothing imported, nothing cached in memory,
only what the project folder holds (the logs and, after one open, the snapshot cache in
``.workbench-cache/``). :func:`run_child` runs this file as a script with one task:

- ``open PATH [--warm]``: ``wb.open_project`` and the first ``p.codings()`` (and a second one with --warm);
- ``chart PATH``: ``wb.open_project`` and ``wb.charts.frequency_heatmap(p, by="setting").to_dict()``
  (then the same chart again, for its cost without the first ``codings()`` and imports);
- ``memory PATH``: open, ``codings()``, then 200,000 codings written with ``code_many`` (one batch of
  100,000 and 10 of 10,000, as bench.py's core figures do), then ``codings()`` again;
- ``loop PATH N``: open, ``codings()`` once (as a script would), N single ``p.code()`` calls, then
  the next ``codings()``: what a script or an importer that codes in a loop waits for.

The child uses only the public API. Its clock starts before ``import workbench``; the parent also
times the whole child (interpreter start to exit). The child imports the same ``workbench`` as the
parent (:func:`workbench_root` is put first on its PYTHONPATH), so
``PYTHONPATH=/other/worktree python benchmarks/bench.py`` measures that worktree throughout.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

MB = 2**20


def workbench_root() -> Path:
    """The folder holding the ``workbench`` package this process imports."""
    spec = find_spec("workbench")
    if spec is None or spec.origin is None:
        raise SystemExit("workbench is not importable: run from a checkout or set PYTHONPATH to one.")
    return Path(spec.origin).resolve().parent.parent


def run_child(task: str, path: Path, *args: str) -> dict:
    """Run *task* on the project at *path* in a fresh process; its figures plus ``total_s`` (the whole child)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(workbench_root()), env.get("PYTHONPATH", "")]))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), task, str(path), *args],
                         capture_output=True, text=True, env=env)
    total = time.perf_counter() - started
    if out.returncode:
        raise RuntimeError(f"child {task} {path} {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["total_s"] = total
    return result


def copy_project(source: Path, target: Path) -> Path:
    """A copy of the project's own files (logs, texts, codebook), without snapshots or locks."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".workbench-cache", ".locks"))
    return target


def drop_snapshots(path: Path) -> None:
    """Delete the project's snapshot cache, so the next open parses every log."""
    shutil.rmtree(path / ".workbench-cache", ignore_errors=True)


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / MB


# ---- the child side -------------------------------------------------------------------------------

def _rss_mb() -> float:
    """Resident memory now (psutil when installed; else the peak so far, which is an upper bound)."""
    try:
        import psutil
    except ImportError:
        return _peak_mb()
    return psutil.Process().memory_info().rss / MB


def _peak_mb() -> float:
    """Peak resident memory of this process so far.

    VmHWM, not ``ru_maxrss``: on Linux a child's ``ru_maxrss`` starts at its parent's peak (it is
    kept across fork and exec), so a big parent would show through in the child's figure.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


class _Clock:
    """Wall and CPU time (all threads of this process) since the last lap."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.wall0, self.cpu0 = self.wall, self.cpu

    def lap(self, name: str, into: dict) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        into[f"{name}_s"], into[f"{name}_cpu_s"] = wall - self.wall, cpu - self.cpu
        self.wall, self.cpu = wall, cpu

    def total(self, name: str, into: dict) -> None:
        into[f"{name}_s"], into[f"{name}_cpu_s"] = self.wall - self.wall0, self.cpu - self.cpu0


def _open(wb, path: str, warm: bool) -> dict:
    result: dict = {}
    clock = _Clock()
    p = wb.open_project(path)
    clock.lap("open", result)
    frame = p.codings()
    clock.lap("first_codings", result)
    clock.total("open_codings", result)
    result.update(rows=len(frame), frame_type=type(frame).__name__, columns=[str(c) for c in frame.columns],
                  rss_mb=_rss_mb(), peak_mb=_peak_mb())
    if "text" in frame.columns:  # a passage column built lazily would pay here; a plain one costs nothing
        t = time.perf_counter()
        frame["text"].to_numpy()
        result["text_column_s"] = time.perf_counter() - t
    if warm:
        t = time.perf_counter()
        p.codings()
        result["warm_codings_s"] = time.perf_counter() - t
    return result


def _chart(wb, path: str) -> dict:
    result: dict = {}
    clock = _Clock()
    p = wb.open_project(path)
    clock.lap("open", result)
    from workbench.charts import _base  # altair as the charts load it (timed apart: what the first chart waits for)

    _base.load_altair()

    clock.lap("altair_import", result)
    spec = wb.charts.frequency_heatmap(p, by="setting").to_dict()
    clock.lap("chart", result)
    clock.total("open_chart", result)  # open + altair import + chart
    wb.charts.frequency_heatmap(p, by="setting").to_dict()  # again: the chart's own cost, without first-use costs
    clock.lap("chart_again", result)
    result.update(spec_keys=len(spec), peak_mb=_peak_mb())
    return result


def _random_rows(p, count: int, seed: int = 1) -> list[dict]:
    import numpy as np

    ids, codes = list(p.narratives["id"]), p.codebook.names
    rng = np.random.default_rng(seed)
    return [{"narrative_id": ids[int(i)], "start": int(s), "end": int(s) + 30, "code": codes[int(c)]}
            for i, s, c in zip(rng.integers(0, len(ids), count), rng.integers(0, 1000, count),
                               rng.integers(0, len(codes), count))]


def _memory(wb, path: str) -> dict:
    p = wb.open_project(path)
    rows_before = len(p.codings())
    after_read, rss_read = _peak_mb(), _rss_mb()
    rows = _random_rows(p, 100_000)
    t = time.perf_counter()
    p.code_many(rows, coder="bench-batch")
    for k in range(10):
        p.code_many(rows[k * 10_000:(k + 1) * 10_000], coder="bench-batches")
    written = time.perf_counter() - t
    rows_after = len(p.codings())
    return {"rows_before": rows_before, "rows_after": rows_after, "write_s": written,
            "peak_after_read_mb": after_read, "rss_after_read_mb": rss_read,
            "peak_mb": _peak_mb(), "rss_mb": _rss_mb()}


def _loop(wb, path: str, calls: int) -> dict:
    p = wb.open_project(path)
    p.codings()
    rows = _random_rows(p, calls, seed=calls)
    t = time.perf_counter()
    for row in rows:
        p.code(row["narrative_id"], row["start"], row["end"], row["code"], coder=f"loop{calls}")
    looped = time.perf_counter() - t
    result = {"calls": calls, "loop_s": looped}
    clock = _Clock()
    result["rows"] = len(p.codings())
    clock.lap("codings_after", result)
    p.codings()
    clock.lap("codings_again", result)
    result["peak_mb"] = _peak_mb()
    return result


def _child_main(argv: list[str]) -> None:
    clock, base = _Clock(), {}
    import workbench as wb

    clock.lap("import", base)
    task, path, rest = argv[0], argv[1], argv[2:]
    base.update(rss_after_import_mb=_rss_mb(), workbench=wb.__file__)
    if task == "open":
        result = _open(wb, path, warm="--warm" in rest)
    elif task == "chart":
        result = _chart(wb, path)
    elif task == "memory":
        result = _memory(wb, path)
    elif task == "loop":
        result = _loop(wb, path, int(rest[0]))
    else:
        raise SystemExit(f"unknown task {task!r}")
    clock.lap("rest", {})
    clock.total("child", result)
    print(json.dumps({**base, **result}))


if __name__ == "__main__":
    _child_main(sys.argv[1:])
