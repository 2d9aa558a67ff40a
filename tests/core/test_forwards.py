"""The export methods moved to wb.exchange: the old forms warn, naming the new form and the date, and still work."""

from __future__ import annotations

import pytest

import workbench as wb


@pytest.fixture()
def sample(tmp_path):
    return wb.sample_project(copy_to=tmp_path / "sample")


@pytest.mark.parametrize("method, new, suffix", [
    ("export_qdpx", "export_qdpx", ".qdpx"), ("export_qdc", "export_qdc", ".qdc"),
    ("export_csv", "export_csv", ".csv"), ("export_xlsx", "export_xlsx", ".xlsx"),
    ("report", "write_report", ".html"),
])
def test_export_methods_warn_and_forward(sample, tmp_path, method, new, suffix):
    with pytest.warns(DeprecationWarning, match=rf"wb\.exchange\.{new}\(p, \.\.\.\).*2027-06-30"):
        out = getattr(sample, method)(tmp_path / f"out{suffix}")
    assert out.exists() and out.stat().st_size > 0


def test_codebook_import_qdc_warns_and_forwards(sample, tmp_path):
    qdc = wb.exchange.export_qdc(sample, tmp_path / "codebook.qdc")
    fresh = wb.create_project(tmp_path / "fresh")
    with pytest.warns(DeprecationWarning, match=r"wb\.exchange\.import_qdc\(p, path\).*2027-06-30"):
        report = fresh.codebook.import_qdc(qdc, coder="ana")
    assert len(report) == len(sample.codebook) and set(sample.codebook.names) <= set(fresh.codebook.names)
