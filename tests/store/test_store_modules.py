"""The store's own parts: one event definition for every writer and reader, the fold's merge, the fold's snapshot."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import workbench as wb
from workbench.store import events as ev
from workbench.store import logs
from workbench.store.fold import CodingState, folded_schema, in_reading_order, merged


def _columns(rows: int) -> dict:
    return {"event": "coded", "id": [f"id{i}" for i in range(rows)], "coder": "R. Osei", "at": "2026-01-01T00:00:00Z",
            "narrative": [f"n{i % 3}" for i in range(rows)], "start": np.arange(rows), "end": np.arange(rows) + 3,
            "code": "café \"quoted\" {braces}", "code_id": "cafe", "text": [f"t{i}\n✓" for i in range(rows)],
            "note": [None if i % 2 else "a note" for i in range(rows)]}


def test_bulk_lines_equal_single_lines_and_parse_back_to_the_same_table():
    columns = _columns(5)
    bulk = ev.coding_lines(columns, 5)
    def value(v, i):
        return v if isinstance(v, str) else (v.tolist() if hasattr(v, "tolist") else v)[i]

    single = "".join(ev.record_line(ev.coding_event(**{k: value(v, i) for k, v in columns.items()}))
                     for i in range(5))
    assert bulk == single
    parsed = ev.codings_from_bytes(bulk.encode(), Path("x")).to_pylist()
    assert parsed == ev.coding_table(columns, 5).to_pylist()
    assert all(json.loads(line)["coder"] == "R. Osei" for line in bulk.splitlines())


def test_the_schema_is_the_field_list_without_what_the_file_name_gives():
    assert ev.coding_schema().names == [name for name, _ in ev.CODING_FIELDS if name not in ev.FROM_FILE]


def test_unknown_fields_are_refused():
    with pytest.raises(ValueError):
        ev.coding_event(event="coded", colour="red")
    with pytest.raises(ValueError):
        ev.memo_event(mood="good")


def _random_codings(rng: random.Random, count: int, prefix: str) -> pd.DataFrame:
    rows = []
    for i in range(count):
        start = rng.randrange(0, 30)
        rows.append({"coding_id": f"{prefix}{i}", "narrative_id": rng.choice(["a", "b", "c", "d"]),
                     "start": start, "end": start + rng.randrange(1, 4), "code": "x",
                     "coder": rng.choice(["ana", "ben", "chipo"]), "created_at": pd.Timestamp(0, tz="UTC"),
                     "note": None, "text": "t", "_code_id": "x"})
    return pd.DataFrame(rows, columns=["coding_id", "narrative_id", "start", "end", "code", "coder", "created_at",
                                       "note", "text", "_code_id"])


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("splice, rebuild", [(0, 0), (0, 64), (1000, 0)])
def test_merging_new_codings_keeps_reading_order(seed, splice, rebuild, monkeypatch):
    from workbench.store import merge as fold

    monkeypatch.setattr(fold, "_SPLICE_ROWS", splice)  # splice rows, rebuild narratives, or one take
    monkeypatch.setattr(fold, "_REBUILD_NARRATIVES", rebuild)
    rng = random.Random(seed)
    base = in_reading_order(_random_codings(rng, rng.randrange(0, 60), "b"))
    new = in_reading_order(_random_codings(rng, rng.randrange(0, 20), "n"))
    schema = folded_schema()
    result = merged(pa.Table.from_pandas(base, schema=schema, preserve_index=False),
                    pa.Table.from_pandas(new, schema=schema, preserve_index=False)).to_pandas()
    keys = ["narrative_id", "start", "end", "coder"]
    assert result[keys].values.tolist() == in_reading_order(pd.concat([base, new]))[keys].values.tolist()
    assert sorted(result["coding_id"]) == sorted([*base["coding_id"], *new["coding_id"]])


def test_many_single_writes_fold_as_one_table():
    state = CodingState()
    for i in range(300):
        state.add("ana", [ev.coding_event(event="coded", id=f"c{i}", at="2026-01-01T00:00:00Z", narrative="n",
                                          start=i, end=i + 1, code="x", code_id="x", text="t")])
    state.add("ana", [ev.coding_event(event="uncoded", id="c5", at="2026-01-01T00:00:01Z", narrative="n")])
    frame = state.frame(dict, lambda nids: set())
    assert len(frame) == 299 and "c5" not in set(frame["coding_id"])


def test_the_fold_snapshot_is_used_and_stays_right_after_more_writes(tmp_path, monkeypatch):
    from workbench.store import event_logs

    monkeypatch.setattr(event_logs, "_SNAPSHOT_EVENTS", 10)
    p = wb.sample_project(copy_to=tmp_path / "s")
    before = p.codings()
    snapshot = p.path / ".workbench-cache" / "codings.arrow"
    for _ in range(100):  # written in the background
        if snapshot.exists():
            break
        time.sleep(0.05)
    assert snapshot.exists()
    p.code("kitchen-table", 0, 5, "reciprocity", coder="dana")
    p.codebook.rename("reciprocity", "give and take", coder="ana")
    again = wb.open_project(p.path)
    frame = again.codings()
    assert len(frame) == len(before) + 1
    assert "give and take" in set(frame["code"]) and "reciprocity" not in set(frame["code"])
    snapshot.unlink()
    pd.testing.assert_frame_equal(frame, wb.open_project(p.path).codings())


def test_a_snapshot_of_a_rewritten_log_is_not_used(tmp_path, monkeypatch):
    from workbench.store import event_logs

    monkeypatch.setattr(event_logs, "_SNAPSHOT_EVENTS", 10)
    p = wb.sample_project(copy_to=tmp_path / "s")
    p.codings()
    p.withdraw("kitchen-table", reason="asked")
    assert "kitchen-table" not in set(wb.open_project(p.path).codings()["narrative_id"])


def test_marks_see_a_rewritten_log(tmp_path):
    log = tmp_path / "log.jsonl"
    logs.append_lines(log, '{"a":1}\n')
    mark = logs.log_mark(log, 8)
    logs.atomic_write(log, '{"b":2}\n')
    assert not logs.mark_holds(log, mark)


def test_a_big_read_is_mapped_and_reads_the_same(tmp_path, monkeypatch):
    path = tmp_path / "log.jsonl"
    logs.append_lines(path, "".join(f'{{"a":{i}}}\n' for i in range(100)))
    with open(path, "ab") as handle:
        handle.write(b'{"torn":')  # an unfinished last line stays for later
    copied = logs.LogReader(path).read_new_bytes()[0]
    monkeypatch.setattr(logs, "_MAP_BYTES", 1)
    reader = logs.LogReader(path)
    mapped, _ = reader.read_new_bytes()  # (a torn line this fresh is a write in flight: no warning)
    assert isinstance(mapped, memoryview) and bytes(mapped) == bytes(copied) and reader.offset == len(copied)
    assert logs.parse_lines(mapped, path) == logs.parse_lines(copied, path)


def test_successive_splices_reuse_the_last_one_and_keep_reading_order():
    rng = random.Random(3)
    state, everything = CodingState(), []
    for round_ in range(6):
        events = []
        for i in range(rng.randrange(1, 40)):
            start = rng.randrange(0, 20)
            events.append(ev.coding_event(event="coded", id=f"r{round_}-{i}", at="2026-01-01T00:00:00Z",
                                          narrative=rng.choice("abcd"), start=start, end=start + rng.randrange(1, 3),
                                          code="x", code_id="x", text="t"))
        coder = rng.choice(["ana", "ben"])
        state.add(coder, events)
        everything += [{"narrative_id": e["narrative"], "start": e["start"], "end": e["end"], "coder": coder}
                       for e in events]
        frame = state.frame(dict, lambda nids: set())
        keys = ["narrative_id", "start", "end", "coder"]
        assert frame[keys].values.tolist() == in_reading_order(pd.DataFrame(everything))[keys].values.tolist()
