"""Agreement on the scale project (1,000 narratives, 1,000,000 codings, 10 coders). Prints figures.

    .venv/bin/python benchmarks/bench_agreement_project.py

Targets (issue 5): every code's unit-based measures <= 5 s; span-based alpha <= 10 s.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale_project import build_scale_project  # noqa: E402

import workbench as wb  # noqa: E402


def timed(label: str, call) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    print(f"{label:<52} {time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU")
    return result


def main() -> None:
    p = build_scale_project()
    timed("p.codings() (fold, once)", p.codings)
    frame = timed("unit_agreement(unit='narrative'), all codes", lambda: wb.agreement.unit_agreement(p))
    timed("unit_agreement(unit='paragraph'), all codes", lambda: wb.agreement.unit_agreement(p, unit="paragraph"))
    spans = timed("span_agreement(), all codes", lambda: wb.agreement.span_agreement(p))
    timed("bootstrap(krippendorff_alpha, n=1000)", lambda: wb.agreement.bootstrap(p, n=1000, seed=0))
    print(f"{len(frame)} rows of unit measures, {len(spans)} rows of span measures")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
