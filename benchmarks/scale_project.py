"""Build (or reuse) the benchmark project: many narratives, many words, many codings, several coders.

Every benchmark script imports :func:`build_scale_project`; the default size is the one the
issues' speed targets speak of (1,000 narratives, ~2 million words, 1,000,000 codings by 10 coders).

    python benchmarks/scale_project.py [PATH] [--codings N]   # build it (about a minute), or say it is there

Other sizes (``--codings``, same 1,000 stories and 2 million words) go to :func:`scale_path`,
e.g. ``.workbench-cache/scale_project_3m`` for 3,000,000 codings (about 1.8 GB, a few minutes);
the default size keeps its own folder, ``.workbench-cache/scale_project``.

The ``workbench`` measured is the one on ``PYTHONPATH`` when that holds one (to measure another
worktree: ``PYTHONPATH=/other/worktree python benchmarks/bench.py``), else this checkout's.

A finished project carries ``.scale_project.json`` with the parameters it was built with; asking
again for the same parameters at the same path reopens it instead of rebuilding. A folder left
half-built by an interrupted run (marked ``.scale_project.building``) is removed and rebuilt; any
other non-empty folder is refused, never deleted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def _workbench_on_pythonpath() -> bool:
    return any((Path(entry) / "workbench" / "__init__.py").is_file()
               for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry)


# This checkout's package unless PYTHONPATH names another (and never the venv's editable install).
if not _workbench_on_pythonpath() and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import workbench as wb  # noqa: E402

DEFAULT_PATH = ROOT / ".workbench-cache" / "scale_project"
DEFAULT_CODINGS = 1_000_000
_DONE = ".scale_project.json"
_BUILDING = ".scale_project.building"

# A two-level codebook shaped like the peer-support principles codebook (names only matter here).
CODEBOOK = {
    "mutuality": ["reciprocity", "shared power", "learning together"],
    "relational safety": ["trust", "being heard", "boundaries"],
    "lived experience": ["disclosure", "survival knowledge", "naming the unnamed"],
    "hope": ["recovery stories", "small wins"],
    "barriers": ["coercion", "stigma", "waiting lists", "money"],
    "community": ["belonging", "peer group", "online spaces"],
    "self-determination": ["choice", "self-advocacy"],
}
SETTINGS = ["peer group", "warm line", "drop-in", "hospital ward", "online forum"]
REGIONS = ["north", "south", "east", "west", "city"]
_VOCAB = (
    "i we you they she he it the a an and but so because then when after before with without "
    "group peer worker support talk listen heard trust safe help shared power choice story "
    "hospital ward waiting list money stigma hope small win day night week month year friend sister "
    "brother mother father home kitchen table garden phone call line forum online coffee walk "
    "felt thought knew said asked told came went stayed left found lost kept gave took learned "
    "nobody everyone somebody something nothing everything together alone again still never always "
    "first last next good bad hard easy slow quick quiet loud warm cold kind angry afraid glad tired"
).split()


def scale_path(codings: int = DEFAULT_CODINGS) -> Path:
    """Where the scale project with *codings* codings lives (the default size keeps DEFAULT_PATH).

    >>> scale_path(3_000_000).name, scale_path(10_000).name, scale_path(1_500_000).name
    ('scale_project_3m', 'scale_project_10k', 'scale_project_1500k')
    """
    if codings == DEFAULT_CODINGS:
        return DEFAULT_PATH
    for unit, size in (("m", 1_000_000), ("k", 1_000)):
        if codings % size == 0:
            return DEFAULT_PATH.with_name(f"scale_project_{codings // size}{unit}")
    return DEFAULT_PATH.with_name(f"scale_project_{codings}")


def build_scale_project(path: str | Path = DEFAULT_PATH, narratives: int = 1000, words: int = 2_000_000,
                        codings: int = DEFAULT_CODINGS, coders: int = 10, seed: int = 0,
                        progress: bool = True) -> "wb.Project":
    """The benchmark project at *path*: built once, then reopened while its parameters match.

    Codings are spread over 12 months (``created_at``) with each coder's code preferences
    drifting over time; 5% of narratives have consent ``"restricted"``; the codebook has
    7 parent codes and 21 children, then a rename, a merge and a retirement with rationales;
    every coder writes a few memos.

    >>> p = build_scale_project()                 # ~1 minute the first time, ~1-2 s afterwards
    """
    path = ensure_scale_project(path, narratives, words, codings, coders, seed, progress)
    return wb.open_project(path)


def ensure_scale_project(path: str | Path = DEFAULT_PATH, narratives: int = 1000, words: int = 2_000_000,
                         codings: int = DEFAULT_CODINGS, coders: int = 10, seed: int = 0,
                         progress: bool = True) -> Path:
    """Build the benchmark project at *path* unless it is there with these parameters; its path.

    Unlike :func:`build_scale_project` it does not open the project afterwards (opening a large
    project in the benchmark's own process would cost time and memory there).
    """
    path = Path(path)
    params = {"narratives": narratives, "words": words, "codings": codings, "coders": coders, "seed": seed,
              "version": 1}
    done = path / _DONE
    if done.is_file():
        try:
            if json.loads(done.read_text(encoding="utf-8")) == params:
                return path
        except ValueError:
            pass
    if path.exists() and any(path.iterdir()):
        if (path / _BUILDING).exists() or done.exists():
            shutil.rmtree(path)
        else:
            raise FileExistsError(f"{path} is not empty and is not a scale project; choose another path.")
    path.mkdir(parents=True, exist_ok=True)
    (path / _BUILDING).write_text(json.dumps(params), encoding="utf-8")
    # create_project wants an empty folder: build in a sibling, then move the files in.
    staging = Path(tempfile.mkdtemp(prefix=".scale-", dir=path.parent)) / "p"
    try:
        project = _build(staging, params, progress)
        for item in staging.iterdir():
            shutil.move(str(item), str(path / item.name))
    finally:
        shutil.rmtree(staging.parent, ignore_errors=True)
    (path / _BUILDING).unlink()
    done.write_text(json.dumps(params), encoding="utf-8")
    del project
    return path


def _say(progress: bool, message: str, started: float) -> None:
    if progress:
        print(f"  [{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


def _build(path: Path, params: dict, progress: bool) -> "wb.Project":
    started = time.perf_counter()
    rng = np.random.default_rng(params["seed"])
    p = wb.create_project(path, name="Scale benchmark")
    for parent, children in CODEBOOK.items():
        p.codebook.add(parent, description=f"Parent code {parent}", coder="setup")
        for child in children:
            p.codebook.add(child, parent=parent, description=f"{child} (under {parent})", coder="setup")
    p.codebook.rename("money", "money worries", rationale="narrators talk about worry, not money", coder="coder01")
    p.codebook.merge(["online spaces"], into="peer group", rationale="the same places in these stories",
                     coder="coder02")
    p.codebook.retire("small wins", rationale="nobody could tell it from recovery stories", coder="coder03")
    codes = p.codebook.names
    _say(progress, f"codebook: {len(codes)} codes", started)

    # ---- narratives: CSV import (one lock, one CSV write) of generated texts
    n, per = params["narratives"], params["words"] // params["narratives"]
    vocab = np.array(_VOCAB)
    word_ids = rng.integers(0, len(vocab), size=n * per)
    texts, spans = [], []
    for index in range(n):
        chunk = vocab[word_ids[index * per:(index + 1) * per]]
        sentences = np.array_split(chunk, max(1, per // 12))
        text = " ".join(" ".join(s).capitalize() + "." for s in sentences if len(s))
        texts.append(text)
    csv_path = path.parent / "narratives.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "narrator", "consent", "setting", "region", "year", "text"])
        for index, text in enumerate(texts):
            writer.writerow([f"n{index:04d}", f"Story {index}", f"R{index % 300:03d}",
                             "restricted" if index % 20 == 7 else "given",
                             SETTINGS[index % len(SETTINGS)], REGIONS[(index // 5) % len(REGIONS)],
                             2019 + index % 6, text])
    p.import_narratives(csv_path, progress=False)
    csv_path.unlink()
    ids = list(p.narratives["id"])
    for nid in ids:  # word boundaries of each canonical text, for realistic spans
        text = p.text(nid)
        chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        space = chars == 32
        starts = np.flatnonzero(~space & np.r_[True, space[:-1]])
        ends = np.flatnonzero(~space & np.r_[space[1:], True]) + 1
        spans.append((starts, ends))
    _say(progress, f"{len(ids)} narratives, {sum(len(s[0]) for s in spans):,} words", started)

    # ---- codings: each coder prefers some codes, and the preferences drift over 12 months
    k = params["coders"]
    per_coder = params["codings"] // k
    t0 = pd.Timestamp("2025-01-06", tz="UTC")
    year_s = 365 * 24 * 3600
    for c in range(k):
        coder = f"coder{c + 1:02d}"
        early = rng.dirichlet(np.full(len(codes), 0.8))
        late = rng.dirichlet(np.full(len(codes), 0.8))
        seconds = np.sort(rng.integers(0, year_s, size=per_coder))
        when = seconds / year_s
        narrative = rng.integers(0, len(ids), size=per_coder)
        n_words = np.array([len(spans[i][0]) for i in range(len(ids))])
        first = (rng.random(per_coder) * (n_words[narrative] - 1)).astype(np.int64)
        length = np.clip(rng.geometric(1 / 25, size=per_coder), 1, 120)
        last = np.minimum(first + length - 1, n_words[narrative] - 1)
        starts = np.fromiter((spans[i][0][w] for i, w in zip(narrative, first)), np.int64, per_coder)
        ends = np.fromiter((spans[i][1][w] for i, w in zip(narrative, last)), np.int64, per_coder)
        # pick each coding's code from a mix of the early and late preferences
        pick_late = rng.random(per_coder) < when
        cum_early, cum_late = np.cumsum(early), np.cumsum(late)
        u = rng.random(per_coder)
        code_index = np.where(pick_late, np.searchsorted(cum_late, u * cum_late[-1]),
                              np.searchsorted(cum_early, u * cum_early[-1]))
        code_index = np.minimum(code_index, len(codes) - 1)
        created = (t0 + pd.to_timedelta(seconds, unit="s")).tz_localize(None)
        rows = pd.DataFrame({
            "narrative_id": np.array(ids, dtype=object)[narrative], "start": starts, "end": ends,
            "code": np.array(codes, dtype=object)[code_index], "created_at": created,
        })
        batch = 100_000
        for offset in range(0, len(rows), batch):
            p.code_many(rows.iloc[offset:offset + batch], coder=coder)
        for m in range(5):
            nid = ids[int(rng.integers(0, len(ids)))]
            p.memo(f"{coder} memo {m}: what I noticed about {codes[(c + m) % len(codes)]} in this story.",
                   coder=coder, narrative=nid, code=codes[(c + m) % len(codes)],
                   kind=("reflexive", "analytic")[m % 2], title=f"Memo {m} by {coder}")
        _say(progress, f"{coder}: {per_coder:,} codings", started)
    p.memo("We talked through coercion vs boundaries.", coder="coder01", kind="dialogue",
           participants=["coder01", "coder02"], code="coercion", title="Coercion dialogue")
    return p


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", help="where to build it (default: scale_path(codings))")
    parser.add_argument("--codings", type=int, default=DEFAULT_CODINGS)
    args = parser.parse_args()
    target = Path(args.path) if args.path else scale_path(args.codings)
    t = time.perf_counter()
    ensure_scale_project(target, codings=args.codings)
    print(f"scale project with {args.codings:,} codings ready at {target} in {time.perf_counter() - t:.1f} s")
