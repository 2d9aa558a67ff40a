"""Exchange speed: CSV export of 13,000 codings; .qdpx export and import of the scale project.

    python benchmarks/bench_exchange.py                 # the issue's sizes (builds the scale project once)
    python benchmarks/bench_exchange.py --quick         # 1/10 of the scale project, for a quick look
    python benchmarks/bench_exchange.py --scale-path DIR --codings 1000000 --narratives 1000

Prints (asserts nothing) wall time and peak resident memory of each step. Every step runs in
a fresh process (``ru_maxrss`` of that process is its peak), so one step's memory never
counts against another. Targets from issue 6: CSV of 13,000 codings <= 0.2 s; export and
import of 1,000 narratives / 1,000,000 codings <= 30 s each, <= 2 GB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import scale_project  # noqa: E402, F401  (puts the measured workbench first: PYTHONPATH's, else this checkout's)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _step(kind: str, args: dict, queue) -> None:
    os.environ["TQDM_DISABLE"] = "1"  # progress bars would garble the figures
    import workbench as wb

    try:
        if kind == "csv":
            t = time.perf_counter()
            p = wb.open_project(args["project"])
            opened = time.perf_counter() - t
            t = time.perf_counter()
            wb.exchange.export_csv(p, args["out"])
            cold = time.perf_counter() - t
            t = time.perf_counter()
            wb.exchange.export_csv(p, args["out"])
            warm = time.perf_counter() - t
            result = {"open_s": opened, "first_s": cold, "again_s": warm, "codings": len(p.codings())}
        elif kind == "export":
            t = time.perf_counter()
            p = wb.open_project(args["project"])
            opened = time.perf_counter() - t
            t = time.perf_counter()
            out = wb.exchange.export_qdpx(p, args["out"])
            result = {"open_s": opened, "export_s": time.perf_counter() - t, "mb_on_disk": out.stat().st_size / 2**20,
                      "codings": len(p.codings())}
        elif kind == "import":
            t = time.perf_counter()
            q = wb.import_qdpx(args["qdpx"], into=args["into"])
            seconds, peak = time.perf_counter() - t, _peak_mb()
            summary = q.import_report.summary.set_index("what")
            result = {"import_s": seconds, "codings": int(summary.loc["codings", "imported"]),
                      "narratives": len(q.narratives), "policy": q.import_report.policy, "import_peak_rss_mb": peak}
            t = time.perf_counter()
            result["then_codings_s"] = (len(q.codings()), time.perf_counter() - t)[1]
        elif kind == "validate":
            import zipfile

            from lxml import etree

            schema = etree.XMLSchema(etree.parse(str(ROOT / "workbench" / "exchange" / "schemas" / "Project.xsd")))
            t = time.perf_counter()
            with zipfile.ZipFile(args["qdpx"]) as zf, zf.open("project.qde") as raw:
                for _, element in etree.iterparse(raw, schema=schema, events=("end",)):
                    if element.getparent() is not None and element.getparent().getparent() is not None:
                        element.clear()
            result = {"validate_s": time.perf_counter() - t, "valid": True}
        else:  # pragma: no cover
            raise ValueError(kind)
        result["peak_rss_mb"] = _peak_mb()
        queue.put(result)
    except Exception as exc:  # noqa: BLE001 - report, never hide
        queue.put({"error": f"{type(exc).__name__}: {exc}", "peak_rss_mb": _peak_mb()})


def measure(kind: str, **args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_step, args=(kind, args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _fmt(result: dict) -> str:
    return ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the scale project")
    parser.add_argument("--scale-path", type=Path, default=None)
    parser.add_argument("--narratives", type=int, default=1000)
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the exported .qdpx and imported project")
    options = parser.parse_args()
    from scale_project import DEFAULT_PATH, build_scale_project

    work = Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    try:
        # ---- CSV of 13,000 codings (a project shaped like the scale project, 13,000 codings)
        small = work / "csv-project"
        t = time.perf_counter()
        build_scale_project(small, narratives=100, words=200_000, codings=13_000, coders=3, progress=False)
        print(f"built the 13,000-coding project in {time.perf_counter() - t:.1f} s")
        csv = measure("csv", project=str(small), out=str(work / "codings.csv"))
        print(f"CSV export, 13,000 codings (target <= 0.2 s): {_fmt(csv)}")

        # ---- the scale project
        narratives, codings = options.narratives, options.codings
        if options.quick:
            narratives, codings = narratives // 10, codings // 10
        path = options.scale_path or (DEFAULT_PATH if (narratives, codings) == (1000, 1_000_000)
                                      else ROOT / ".workbench-cache" / f"scale_{narratives}_{codings}")
        t = time.perf_counter()
        build_scale_project(path, narratives=narratives, words=2000 * narratives, codings=codings)
        took = time.perf_counter() - t
        print(f"scale project ready ({narratives:,} narratives, {codings:,} codings) in {took:.1f} s")
        qdpx = work / "scale.qdpx"
        export = measure("export", project=str(path), out=str(qdpx))
        print(f".qdpx export (target <= 30 s, <= 2 GB): {_fmt(export)}")
        if "error" not in export:
            check = measure("validate", qdpx=str(qdpx))
            print(f"schema check of the export (lxml, streamed): {_fmt(check)}")
            imported = measure("import", qdpx=str(qdpx), into=str(work / "imported"))
            print(f".qdpx import (target <= 30 s, <= 2 GB): {_fmt(imported)}")
        print(json.dumps({"csv": csv, "export": export, "import": imported if "error" not in export else None}))
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
