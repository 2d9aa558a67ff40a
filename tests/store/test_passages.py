"""Passages cut from the stories instead of read from the logs: the same text, whatever the story holds."""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pandas as pd

import workbench as wb
from workbench.store import logs
from workbench.store.passages import Passages


def _random_texts(rng: random.Random) -> dict[str, str]:
    alphabet = "ab cdé✓😀xyz\n\"\\"  # ASCII, two-, three- and four-byte characters, JSON escapes
    texts = {f"n{i}": "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for i in range(20)}
    texts["plain"] = "plain text " * 50
    return texts


def test_cut_equals_python_slicing_and_leaves_what_cannot_be_cut_empty():
    rng = random.Random(7)
    texts = _random_texts(rng)
    cut = Passages(lambda: texts)
    nids = [*texts, "no-such-story", None]
    codes, starts, ends, wanted = [], [], [], []
    for _ in range(3000):
        code = rng.randrange(len(nids))
        size = len(texts.get(nids[code]) or "")
        start = rng.randint(-1, size + 1)
        end = rng.randint(start - 1, size + 2)
        codes.append(code)
        starts.append(start)
        ends.append(end)
        known = nids[code] in texts and 0 <= start <= end <= size
        wanted.append(texts[nids[code]][start:end] if known else None)
    array, ok = cut.cut(nids, np.array(codes), np.array(starts), np.array(ends))
    array.validate(full=True)
    assert array.to_pylist() == wanted
    assert ok.tolist() == [w is not None for w in wanted]
    texts["later"] = "später ✓"  # a story added afterwards is read in on the next cut
    assert cut.cut(["later"], np.array([0]), np.array([1]), np.array([8]))[0].to_pylist() == ["päter ✓"]


def _bulk_project(tmp_path) -> wb.Project:
    """The sample with a log big enough for the bulk reader (over 64 KB), passages with non-ASCII text."""
    p = wb.sample_project(copy_to=tmp_path / "s")
    note = p.add_narrative("Ça va? 😀 Oui, ça va. " * 200, title="Café ✓ notes", narrator="R")
    rng = np.random.default_rng(3)
    rows = []
    for nid in [*p.narratives["id"], note]:
        size = len(p.text(nid))
        starts = rng.integers(0, size - 40, 200)
        rows += [{"narrative_id": nid, "start": int(s), "end": int(s) + int(w), "code": "reciprocity"}
                 for s, w in zip(starts, rng.integers(1, 40, 200))]
    p.code_many(rows, coder="bulk")
    return p


def test_a_bulk_log_read_without_its_passages_gives_the_same_codings(tmp_path):
    p = _bulk_project(tmp_path)
    assert (p.path / "events" / "codings" / "bulk.jsonl").stat().st_size > 1 << 16
    written = p.codings()
    shutil.rmtree(p.path / ".workbench-cache", ignore_errors=True)
    again = wb.open_project(p.path).codings()
    pd.testing.assert_frame_equal(again, written)
    expected = [p.text(n)[s:e] for n, s, e in zip(again["narrative_id"], again["start"], again["end"])]
    assert again["text"].tolist() == expected
    events = wb.open_project(p.path).history()
    coded = events[(events["kind"] == "coding") & (events["event"] == "coded")]
    assert coded["detail"].notna().all()  # the history still shows each passage as written


def test_a_passage_no_story_holds_is_read_from_the_log(tmp_path):
    p = _bulk_project(tmp_path)
    log = p.path / "events" / "codings" / "bulk.jsonl"
    ghost = {"event": "coded", "id": "ghost1", "coder": "bulk", "at": "2026-01-01T00:00:00.000000Z",
             "narrative": "not-here", "start": 0, "end": 5, "code": "reciprocity", "code_id": "reciprocity",
             "text": "boo!!", "note": None}
    logs.append_lines(log, json.dumps(ghost) + "\n")
    shutil.rmtree(p.path / ".workbench-cache", ignore_errors=True)
    frame = wb.open_project(p.path).codings()
    assert frame.set_index("coding_id").loc["ghost1", "text"] == "boo!!"
    known = frame[frame["narrative_id"] != "not-here"]
    assert known["text"].tolist() == [p.text(n)[s:e] for n, s, e in
                                      zip(known["narrative_id"], known["start"], known["end"])]
