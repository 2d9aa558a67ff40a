"""Governance, journal and coder attributes at a team's scale: figures printed, nothing asserted.

A project under proposals with 300 codes and 2,000 proposals (6,000 endorsements and objections,
the codebook logs of 20 people; each proposal objected to once, then endorsed
twice, so pending under a rule of two endorsements): open, one more endorsement that puts a change into effect,
``proposals()``; 5,000 private memos in one journal; ``frequencies(by="coder_role")`` on the sample.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_governance.py
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from pathlib import Path

import workbench as wb

PEOPLE = [f"coder{i:02d}" for i in range(20)]


def _timed(what: str, action):
    start = time.perf_counter()
    value = action()
    print(f"{what}: {(time.perf_counter() - start) * 1000:.0f} ms")
    return value


def _write_logs(p: wb.Project, codes: int, proposals: int) -> str:
    """Codebook logs written directly (as 20 people's logs would hold them); the id of one pending proposal."""
    at = "2026-12-01T10:00:00.000000Z"
    lines: dict[str, list[str]] = {person: [] for person in PEOPLE}
    lines["setup"] = [json.dumps({"event": "add", "code_id": f"code-{i}", "name": f"code {i}", "coder": "setup",
                                  "at": at, "seq": i}) + "\n" for i in range(codes)]
    pending = ""
    for n in range(proposals):
        who, pid = PEOPLE[n % 20], secrets.token_hex(6)
        stamp = f"2026-12-02T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000000Z"
        change = {"event": "edit", "code_id": f"code-{n % codes}", "changes": {"description": f"take {n}"},
                  "rationale": "clearer"}
        lines[who].append(json.dumps({"event": "propose", "proposal_id": pid, "summary": f"edit code {n % codes}",
                                      "changes": [change], "rule": {"endorsements": 2}, "rationale": "clearer",
                                      "coder": who, "at": stamp, "seq": 0}) + "\n")
        for k, voice in enumerate(("object", "endorse", "endorse")):
            other = PEOPLE[(n + k + 1) % 20]
            lines[other].append(json.dumps({"event": voice, "proposal_id": pid, "text": "because", "coder": other,
                                            "at": stamp.replace(".000000", f".00000{k + 1}"), "seq": 0}) + "\n")
        pending = pid
    for person, chunk in lines.items():
        with open(p.path / "events" / "codebook" / f"{person}.jsonl", "a", encoding="utf-8") as log:
            log.writelines(chunk)
    return pending


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-governance-"))
    os.environ.setdefault("WORKBENCH_JOURNAL_HOME", str(scratch / "journals"))
    p = wb.create_project(scratch / "proj", name="Governed")
    p.set_governance("proposals", endorsements=2)
    pending = _write_logs(p, codes=300, proposals=2000)
    p = _timed("open, 300 codes + 2,000 proposals (8,300 codebook events)", lambda: wb.open_project(p.path))
    _timed("proposals() (all 2,000)", lambda: p.codebook.proposals(status=None))
    status = _timed("one endorsement that puts a change into effect", lambda: p.codebook.endorse(
        pending, "coder10", "yes").status)
    print(f"  -> {status}")
    for i in range(50):
        p.memo(f"private thought {i}", coder="ana", private=True)
    journal = p._journal("ana")  # noqa: SLF001 - the benchmark fills one journal quickly
    for i in range(4950):
        journal.write({"event": "memo", "id": secrets.token_hex(8), "coder": "ana", "at": "2026-12-03T00:00:00Z",
                       "kind": "reflexive", "text": f"private thought {i}"})
    _timed("journal('ana') with 5,000 private memos", lambda: p.journal("ana"))
    sample = wb.sample_project(copy_to=scratch / "sample")
    for name, role in (("ana", "peer worker"), ("ben", "peer worker"), ("chipo", "researcher")):
        sample.set_coder_attributes(name, role=role)
    _timed("frequencies(sample, by='coder_role')", lambda: wb.analysis.frequencies(sample, by="coder_role"))
    _timed("agreement_by(sample, by='coder_role', unit='paragraph')",
           lambda: wb.agreement.agreement_by(sample, by="coder_role", unit="paragraph"))


if __name__ == "__main__":
    main()
