"""Build the sample project ``sample_data/peer_stories/`` from its sources.

The sources (``peer_stories_source/``) are original fiction written for this project: the
narratives, the three fictional coders' codings (as quotes, so they read without offsets),
their memos and the team's codebook changes. This script replays them through the public
API with a deterministic clock, so the sample folder is exactly what a team would have made.

    python sample_data/build_sample.py
"""

from __future__ import annotations

import csv
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import workbench as wb

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "peer_stories_source"
TARGET = HERE / "peer_stories"
CODEBOOK = HERE.parent / "codebooks" / "peer_support_principles.yaml"


def rows(name: str) -> list[dict]:
    with open(SOURCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Clock:
    """Working sessions spread over spring 2026: each call moves on by 20-150 seconds."""

    def __init__(self, start: datetime, seed: int = 7) -> None:
        self.now, self.random = start, random.Random(seed)

    def __call__(self) -> str:
        self.now += timedelta(seconds=self.random.randint(20, 150))
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def next_session(self, days: int = 1) -> None:
        self.now = (self.now + timedelta(days=days)).replace(hour=10, minute=0, second=0)


def main() -> None:
    if TARGET.exists():
        shutil.rmtree(TARGET)
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    p = wb.create_project(TARGET, name="Peer stories (sample)", coder="facilitator")
    p.set_method("codebook")  # three readers of one shared codebook: the notebooks show their agreement
    p._now = clock  # deterministic history; the public API does the rest
    # the codebook enters through the same events create_project(codebook=...) writes, on our clock
    p._write_codebook_events(wb.codebook.read_codebook_file(CODEBOOK), "facilitator")

    for row in rows("narratives.csv"):
        text = (SOURCE / "narratives" / f"{row['id']}.txt").read_text(encoding="utf-8")
        p.add_narrative(text, id=row["id"], title=row["title"], narrator=row["narrator"],
                        attributes={"setting": row["setting"], "role": row["role"], "year": int(row["year"])})

    coders = sorted(path.stem for path in (SOURCE / "codings").glob("*.csv"))
    codings = {coder: rows(f"codings/{coder}.csv") for coder in coders}
    changes = rows("codebook_changes.csv")
    memos = rows("memos.csv")
    current = {}  # original code name -> name after the team's changes
    ids = list(p.narratives["id"])
    halves = [ids[: len(ids) // 2], ids[len(ids) // 2:]]
    for half_index, half in enumerate(halves):
        for coder in coders:
            clock.next_session()
            batch = []
            for row in codings[coder]:
                if row["narrative_id"] not in half:
                    continue
                text = p.text(row["narrative_id"])
                start = text.index(row["quote"])
                batch.append({"narrative_id": row["narrative_id"], "start": start, "end": start + len(row["quote"]),
                              "code": current.get(row["code"], row["code"]), "note": row.get("note") or None})
            for item in batch:  # one by one, as a coder works
                p.code(item["narrative_id"], item["start"], item["end"], item["code"], coder=coder, note=item["note"])
            for memo in memos[half_index::2]:
                if memo["coder"] == coder:
                    p.memo(memo["text"], coder=coder, narrative=memo["narrative_id"] or None,
                           code=current.get(memo["code"], memo["code"]) or None, kind=memo["kind"])
        if half_index == 0:  # the team meets and changes the codebook half-way
            clock.next_session(days=3)
            for change in changes:
                action, code = change["action"], change["code"]
                if action == "add":
                    p.codebook.add(code, description=change["description"], parent=change["parent"] or None,
                                   rationale=change["rationale"], coder=change["coder"])
                elif action == "rename":
                    p.codebook.rename(current.get(code, code), change["new_name"], rationale=change["rationale"],
                                      coder=change["coder"])
                    current[code] = change["new_name"]
                elif action == "retire":
                    p.codebook.retire(current.get(code, code), rationale=change["rationale"], coder=change["coder"])
                else:
                    raise SystemExit(f"unknown codebook change {action!r}")
    shutil.rmtree(TARGET / ".locks", ignore_errors=True)
    info = wb.open_project(TARGET).info()
    print({k: v for k, v in info.items() if k != "path"})


if __name__ == "__main__":
    main()
