"""Speed of the dialogue tools on the scale project. Prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_dialogue.py [--repeat 2] [--path PATH]

Times ``disagreements()`` for the whole corpus, one code and one narrative; opening the
disagreement explorer on one code (its kernel side: the model, without a browser); and the
three agreement charts up to a finished Vega-Lite spec, with the largest dataset in it.
Each figure is the median wall time of --repeat runs in one warm process, with the median CPU
time beside it (on a busy machine the wall time also counts waiting for a core).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis import spec_rows, timed  # noqa: E402
from scale_project import DEFAULT_PATH, build_scale_project  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--path", default=str(DEFAULT_PATH))
    args = parser.parse_args()

    from workbench import charts
    from workbench.agreement.dialogue import disagreements
    from workbench.widgets.disagreement import disagreement_explorer

    p = build_scale_project(args.path)
    p.codings()
    info = p.info()
    print(f"scale project: {info['narratives']:,} narratives, {info['codings']:,} codings, "
          f"{len(info['coders'])} coders, {info['codes']} codes")
    code = p.codebook.names[0]
    nid = p.narratives["id"].iloc[0]

    def explorer():
        w = disagreement_explorer(p, code=code, coder="bench")
        w.close()
        return w

    cases = [
        ("disagreements(), every code", lambda: disagreements(p)),
        (f"disagreements(code={code!r})", lambda: disagreements(p, code=code)),
        (f"disagreements(narrative={nid!r})", lambda: disagreements(p, narrative=nid)),
        (f"explorer model, code={code!r}", explorer),
        ("agreement_chart(p) to spec", lambda: charts.agreement_chart(p).to_dict()),
        (f"coder_pair_heatmap(code={code!r}) to spec", lambda: charts.coder_pair_heatmap(p, code=code).to_dict()),
        (f"disagreement_map(code={code!r}) to spec", lambda: charts.disagreement_map(p, code=code).to_dict()),
        (f"disagreement_map(by='position', code={code!r}) to spec",
         lambda: charts.disagreement_map(p, by="position", code=code).to_dict()),
    ]
    print(f"{'what':58} {'wall s':>8} {'cpu s':>8}  result")
    for label, fn in cases:
        wall, cpu, result = timed(fn, args.repeat)
        if isinstance(result, dict):
            what = f"{spec_rows(result):,} rows in the spec"
        elif hasattr(result, "total"):
            what = f"{result.total:,} disagreements to step through"
        else:
            what = f"{len(result):,} stretches"
        print(f"{label:58} {wall:8.2f} {cpu:8.2f}  {what}", flush=True)


if __name__ == "__main__":
    main()
