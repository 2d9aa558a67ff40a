"""Sources with structure: importing a long transcript, and opening many transcripts with their turns.

    python benchmarks/bench_sources.py [--words 25000] [--transcripts 1000] [--transcript-words 20000]

Prints (asserts nothing):

* the import of a WebVTT transcript of 25,000 words (a two-hour interview) with
  ``p.import_transcript`` into a fresh project: target <= 0.5 s;
* a project of 1,000 transcripts of 20,000 words each, with their turns and time anchors:
  ``wb.open_project`` (texts and structures read and checked) plus ``p.turns(nid)`` for every
  narrative: target <= 2 s (the checked structures come from one cache file; the first open
  after a clone parses every structure file and writes that cache);
* for scale, ``import_narratives`` of a 2 MB plain text and of a 2 MB CSV cell.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_project  # noqa: E402, F401  (puts the measured workbench first: PYTHONPATH's, else this checkout's)

import workbench as wb  # noqa: E402
from workbench.sources import Part, build  # noqa: E402

WORDS = ("the night line rang and someone answered who had been there too we talked about the bus the rain "
         "my sister the group on tuesday and what it means to be heard without being fixed").split()


def _stamp(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"


def transcript_vtt(words: int, per_cue: int = 12) -> str:
    """A WebVTT conversation of about *words* words between two voices, a cue every 4 seconds."""
    cues = []
    for i in range(words // per_cue):
        text = " ".join(WORDS[(i * 5 + k) % len(WORDS)] for k in range(per_cue))
        voice = "R07" if (i // 3) % 2 else "Ana"
        cues.append(f"{_stamp(i * 4)} --> {_stamp(i * 4 + 3.5)}\n<v {voice}>{text}")
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def time_vtt_import(words: int, where: Path) -> None:
    vtt = where / "interview.vtt"
    vtt.write_text(transcript_vtt(words), encoding="utf-8")
    for attempt in range(3):
        p = wb.create_project(where / f"vtt-{attempt}", name="vtt")
        started = time.perf_counter()
        nid = p.import_transcript(vtt, title="A long interview", narrator="R07")
        elapsed = time.perf_counter() - started
        print(f"import_transcript, {words:,}-word VTT ({vtt.stat().st_size / 1e6:.1f} MB, "
              f"{len(p.turns(nid)):,} turns): {elapsed:.3f} s   (target <= 0.5 s)")


def build_many(count: int, words: int, where: Path) -> Path:
    """A project of *count* transcripts (each with turns and anchors), written through the public API."""
    parts = []
    for i in range(words // 12):
        parts.append(Part(" ".join(WORDS[(i * 5 + k) % len(WORDS)] for k in range(12)),
                          speaker="R07" if (i // 3) % 2 else "Ana", start=i * 4.0, end=i * 4 + 3.5))
    text, structure = build(parts)
    p = wb.create_project(where / "many", name="many transcripts")
    p.add_narratives([{"text": text, "title": f"Call {n}", "narrator": f"R{n:04d}",
                       "structure": structure} for n in range(count)], progress=False)
    return p.path


def time_open_and_turns(path: Path, count: int, words: int) -> None:
    for _ in range(3):
        started = time.perf_counter()
        p = wb.open_project(path)
        opened = time.perf_counter() - started
        turns = sum(len(p.turns(nid)) for nid in p.narratives["id"])
        total = time.perf_counter() - started
        print(f"open + turns() of {count:,} transcripts x {words:,} words ({turns:,} turns): {total:.2f} s "
              f"(open {opened:.2f} s)   (target <= 2 s)")


def time_without_cache(path: Path, count: int) -> None:
    """The first open after a git clone: no ``.workbench-cache/``, every structure file parsed and checked."""
    (path / ".workbench-cache" / "structures.npz").unlink(missing_ok=True)
    started = time.perf_counter()
    p = wb.open_project(path)
    turns = sum(len(p.turns(nid)) for nid in p.narratives["id"])
    print(f"the same, first open without the cache (after a clone; it writes the cache): "
          f"{time.perf_counter() - started:.2f} s for {turns:,} turns")


def time_long_imports(where: Path) -> None:
    story = " ".join(WORDS[i % len(WORDS)] for i in range(400_000))[:2_000_000]
    (where / "long.txt").write_text(story, encoding="utf-8")
    (where / "long.csv").write_text('title,text\nlong,"' + story + '"\n', encoding="utf-8")
    for name in ("long.txt", "long.csv"):
        p = wb.create_project(where / f"p-{name}", name=name)
        started = time.perf_counter()
        p.import_narratives(where / name, progress=False)
        print(f"import_narratives, 2 MB {name}: {time.perf_counter() - started:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=25_000)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--transcript-words", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        where = Path(tmp)
        time_vtt_import(args.words, where)
        started = time.perf_counter()
        path = build_many(args.transcripts, args.transcript_words, where)
        print(f"(built {args.transcripts:,} transcripts in {time.perf_counter() - started:.1f} s)")
        time_open_and_turns(path, args.transcripts, args.transcript_words)
        time_without_cache(path, args.transcripts)
        time_long_imports(where)


if __name__ == "__main__":
    main()
