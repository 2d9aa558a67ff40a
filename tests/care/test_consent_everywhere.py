"""Consent reaches every output (issue 8): a withdrawn story leaves no byte anywhere, a restricted one
is counted but never quoted — in the project folder, every export format, the report and chart tooltips."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import workbench as wb

WITHDRAWN = "Vellamorrow Quay"
RESTRICTED = "Tamsinbrook lantern"


def every_byte(path: Path) -> bytes:
    """The bytes of a file or folder, with zip archives (qdpx, xlsx) opened up."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    chunks = []
    for file in files:
        data = file.read_bytes()
        chunks.append(data)
        if zipfile.is_zipfile(file):
            with zipfile.ZipFile(file) as archive:
                chunks.extend(archive.read(name) for name in archive.namelist())
    return b"".join(chunks)


@pytest.fixture
def consenting(sample: wb.Project) -> tuple[wb.Project, str, str]:
    p = sample
    gone = p.add_narrative(f"I used to walk to {WITHDRAWN} after group. The water there listened.",
                           title="The quay", attributes={"setting": "peer group", "role": "participant", "year": 2024})
    kept = p.add_narrative(f"She brought a {RESTRICTED} to the warm line office and we all laughed.",
                           title="The lantern", attributes={"setting": "warm line", "role": "peer worker",
                                                            "year": 2025})
    code = p.codebook.names[1]
    for nid, phrase in ((gone, WITHDRAWN), (kept, RESTRICTED)):
        start = p.text(nid).index(phrase)
        for coder in ("ana", "ben"):
            cid = p.code(nid, start, start + len(phrase), code, coder=coder, note=f"note on {phrase}")
        p.memo(f"Memo about {phrase}", coder="ana", narrative=nid)
        p.memo(f"Coding memo about {phrase}", coder="ben", coding=cid, kind="analytic")
    p.set_consent(kept, "restricted")
    p.withdraw(gone, reason="the narrator asked")
    return p, gone, kept


def test_withdrawn_and_restricted_in_every_export(consenting, tmp_path):
    p, gone, kept = consenting
    outputs = [
        wb.exchange.export_qdpx(p, tmp_path / "all.qdpx"),
        wb.exchange.export_qdpx(p, tmp_path / "shared.qdpx", anonymise_coders=True, include_memos=False),
        wb.exchange.export_qdc(p, tmp_path / "codebook.qdc"),
        wb.exchange.export_csv(p, tmp_path / "codings.csv"),
        wb.exchange.export_csv(p, tmp_path / "memos.csv", table="memos"),
        wb.exchange.export_xlsx(p, tmp_path / "codings.xlsx"),
        wb.exchange.write_report(p, tmp_path / "report.html"),
    ]
    for output in [p.path, *outputs]:
        blob = every_byte(Path(output))
        assert WITHDRAWN.encode() not in blob, output
        assert b"The water there listened" not in blob, output
    for output in outputs:
        blob = every_byte(Path(output))
        assert RESTRICTED.encode() not in blob, output  # counted, never quoted
    # restricted codings are still counted
    assert (p.codings()["narrative_id"] == kept).sum() == 2
    assert gone not in set(p.codings()["narrative_id"])


def test_restricted_text_never_reaches_chart_tooltips(consenting):
    p, _, kept = consenting
    specs = [wb.charts.story_strip(p, kept).to_dict(), wb.charts.frequency_heatmap(p, by="narrative").to_dict()]
    for spec in specs:
        assert RESTRICTED not in json.dumps(spec, ensure_ascii=False)


def test_shared_export_drops_coder_names_and_memos(consenting, tmp_path):
    p, _, _ = consenting
    blob = every_byte(Path(wb.exchange.export_qdpx(p, tmp_path / "shared.qdpx", anonymise_coders=True,
                                                   include_memos=False)))
    for coder in ("ana", "ben", "chipo"):
        assert f'name="{coder}"'.encode() not in blob
    assert b"Memo about" not in blob and b"note on" not in blob
    csv_blob = every_byte(Path(wb.exchange.export_csv(p, tmp_path / "shared.csv", anonymise_coders=True,
                                                      include_memos=False)))
    assert b"chipo" not in csv_blob and b"Coder 1" in csv_blob
