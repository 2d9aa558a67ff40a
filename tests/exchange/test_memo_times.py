"""Memos keep their times through a REFI-QDA round trip."""

import workbench as wb


def test_memo_times_survive_export_and_import(sample, tmp_path):
    archive = wb.exchange.export_qdpx(sample, tmp_path / "sample.qdpx")
    back = wb.import_qdpx(archive, into=tmp_path / "back")
    before = sorted(sample.memos()["created_at"].dt.floor("s"))
    after = sorted(back.memos()["created_at"].dt.floor("s"))
    assert before == after
