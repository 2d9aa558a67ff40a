"""Speed of story returns (issue 16): one return on the sample project, and on a project of --stories stories.

    .venv/bin/python benchmarks/bench_story_return.py [--stories 1000] [--repeat 3]

The large project is built in a temporary folder from the sample's stories, each repeated with its
sentences in another order (about 2,000 words a story), and the returned story carries the sample's
three coders' codings. The first return reads every story once (no team text in a return may quote
another story) and remembers which stories each text quotes, so giving every story back reads the
corpus once. Prints the median wall time of --repeat runs in one warm process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import workbench as wb


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def big_project(base: Path, stories: int) -> wb.Project:
    sample = wb.sample_project(copy_to=base / "sample")
    p = wb.create_project(base / "big", name="Many stories", codebook=sample.path / "codebook.yaml")
    texts = [sample.text(n) for n in sample.narratives["id"]]
    rng = random.Random(16)
    items = [{"text": sample.text("kitchen-table"), "id": "kitchen-table", "title": "The kitchen table",
              "narrator": "R01"}]
    for i in range(stories - 1):
        sentences = " ".join(texts[i % len(texts)] for _ in range(4)).split(". ")
        rng.shuffle(sentences)
        items.append({"text": ". ".join(sentences), "id": f"story-{i:04d}", "title": f"Story {i}", "narrator": f"N{i}"})
    p.add_narratives(items)
    rows = sample.codings(narrative="kitchen-table")
    for coder, mine in rows.groupby("coder"):
        p.code_many(mine[["narrative_id", "start", "end", "code", "note"]], coder=coder)
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        sample = wb.sample_project(copy_to=base / "s")
        for form in ("html", "docx"):
            took = timed(lambda form=form: wb.exchange.story_return(sample, "kitchen-table", base / f"r.{form}",
                                                                     format=form), args.repeat)
            print(f"sample (25 stories): story_return {form}: {took:.3f} s")
        took = timed(lambda: wb.exchange.import_story_return(sample, base / "r.docx"), args.repeat)
        print(f"sample: import_story_return (docx, nothing filled in): {took:.3f} s")
        start = time.perf_counter()
        p = big_project(base, args.stories)
        words = sum(len(p.text(n).split()) for n in p.narratives["id"])
        print(f"built {args.stories} stories ({words:,} words) in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        wb.exchange.story_return(p, "kitchen-table", base / "first.html")
        print(f"{args.stories} stories: the first story_return html (reads the corpus once): "
              f"{time.perf_counter() - start:.3f} s")
        for form in ("html", "docx"):
            took = timed(lambda form=form: wb.exchange.story_return(p, "kitchen-table", base / f"b.{form}",
                                                                     format=form), args.repeat)
            print(f"{args.stories} stories: story_return {form}, again: {took:.3f} s")


if __name__ == "__main__":
    main()
