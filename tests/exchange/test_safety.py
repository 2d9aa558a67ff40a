"""A .qdpx is untrusted input: hand-made hostile archives are refused with a clear error, writing nothing."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

import workbench as wb
from workbench.errors import ProjectExistsError, WorkbenchError
from workbench.exchange import _safety
from workbench.exchange.errors import (
    ArchiveBombError,
    InvalidXMLError,
    NotAnArchiveError,
    SelectionError,
    UnsafeArchiveError,
    UnsafeXMLError,
)

TEXT = "We sat at the kitchen table and talked.\n"
SOURCE = "0A1B2C3D-0000-4000-8000-000000000001"


def qde(selection: str = '<PlainTextSelection guid="5A1B2C3D-0000-4000-8000-000000000002" startPosition="10" '
                         'endPosition="13"><Coding guid="6A1B2C3D-0000-4000-8000-000000000003">'
                         '<CodeRef targetGUID="7A1B2C3D-0000-4000-8000-000000000004"/></Coding></PlainTextSelection>',
        prolog: str = '<?xml version="1.0" encoding="utf-8"?>', name: str = "Safe") -> bytes:
    return (f'{prolog}<Project xmlns="urn:QDA-XML:project:1.0" name="{name}" origin="hand-made test">'
            '<CodeBook><Codes><Code guid="7A1B2C3D-0000-4000-8000-000000000004" name="kitchen" isCodable="true"/>'
            f'</Codes></CodeBook><Sources><TextSource guid="{SOURCE}" name="Story" '
            f'plainTextPath="internal://{SOURCE}.txt">{selection}</TextSource></Sources></Project>').encode()


def archive(path: Path, entries: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return path


def good(**overrides) -> dict[str, bytes]:
    entries = {"project.qde": qde(), f"sources/{SOURCE}.txt": TEXT.encode()}
    entries.update(overrides)
    return entries


def refused(tmp_path: Path, path: Path, error: type, match: str | None = None) -> WorkbenchError:
    target = tmp_path / "imported"
    before = set(tmp_path.iterdir())
    with pytest.raises(error, match=match) as caught:
        wb.import_qdpx(path, into=target)
    assert isinstance(caught.value, WorkbenchError)
    assert not target.exists(), "nothing may be written"
    assert set(tmp_path.iterdir()) == before, "no staging folder may be left behind"
    return caught.value


def test_the_well_formed_archive_imports(tmp_path):
    q = wb.import_qdpx(archive(tmp_path / "ok.qdpx", good()), into=tmp_path / "ok")
    assert q.codings().text.tolist() == ["the"]


@pytest.mark.parametrize("name", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt",
                                  "..\\evil.txt", "sources\\..\\..\\evil.txt"])
def test_entries_that_escape_the_folder_are_refused(tmp_path, name):
    path = archive(tmp_path / "slip.qdpx", good(**{name: b"gotcha"}))
    error = refused(tmp_path, path, UnsafeArchiveError, "outside its folder")
    assert repr(name) in str(error)


def test_symbolic_links_are_refused(tmp_path):
    path = archive(tmp_path / "link.qdpx", good(**{"sources/link.txt": b"/etc/passwd"}), symlinks=("sources/link.txt",))
    refused(tmp_path, path, UnsafeArchiveError, "symbolic link")


def test_two_entries_with_one_name_are_refused(tmp_path):
    path = archive(tmp_path / "twice.qdpx", good(**{f"Sources/{SOURCE.lower()}.TXT": b"other text"}))
    refused(tmp_path, path, UnsafeArchiveError, "two entries")


def test_an_archive_bomb_is_refused_by_ratio(tmp_path):
    path = archive(tmp_path / "bomb.qdpx", good(**{"sources/zeros.txt": b"\0" * (40 << 20)}))
    refused(tmp_path, path, ArchiveBombError, "archive bomb")


def test_an_archive_bigger_than_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_safety, "MAX_TOTAL_BYTES", 1000)
    monkeypatch.setattr(_safety.SafeArchive.__init__, "__defaults__", (1000, _safety.MAX_RATIO))
    path = archive(tmp_path / "big.qdpx", good(**{"sources/big.txt": b"x" * 5000}))
    refused(tmp_path, path, ArchiveBombError, "GiB")


@pytest.mark.parametrize("prolog", [
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<?xml version="1.0"?><!DOCTYPE Project SYSTEM "http://example.org/evil.dtd">',
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    '<?xml version="1.0"?><!-- a comment first --><!DOCTYPE Project [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
])
def test_dtds_and_entities_are_refused(tmp_path, prolog):
    path = archive(tmp_path / "dtd.qdpx", good(**{"project.qde": qde(prolog=prolog, name="&d;" if "&c;" in prolog
                                                                    else "Safe")}))
    refused(tmp_path, path, UnsafeXMLError, "DTD")


def test_entities_without_a_dtd_are_invalid_xml(tmp_path):
    path = archive(tmp_path / "entity.qdpx", good(**{"project.qde": qde(name="&xxe;")}))
    refused(tmp_path, path, InvalidXMLError)


@pytest.mark.parametrize("data", [b"<Project", b"not xml at all", b"", b"<Project xmlns='urn:QDA-XML:project:1.0' "
                                  b"name='x'><Sources></Project>"])
def test_broken_xml_is_refused(tmp_path, data):
    refused(tmp_path, archive(tmp_path / "broken.qdpx", good(**{"project.qde": data})), InvalidXMLError)


def test_a_foreign_namespace_or_root_is_refused(tmp_path):
    foreign = qde().replace(b"urn:QDA-XML:project:1.0", b"http://example.org/other")
    refused(tmp_path, archive(tmp_path / "ns.qdpx", good(**{"project.qde": foreign})), InvalidXMLError, "namespace")
    codebook = (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="a" isCodable="true"/>'
                b"</Codes></CodeBook>")
    refused(tmp_path, archive(tmp_path / "cb.qdpx", good(**{"project.qde": codebook})), InvalidXMLError, "import_qdc")


def test_not_a_zip_and_a_damaged_zip_are_refused(tmp_path):
    plain = tmp_path / "plain.qdpx"
    plain.write_bytes(qde())
    refused(tmp_path, plain, NotAnArchiveError, "zip")
    damaged = archive(tmp_path / "damaged.qdpx", good())
    data = bytearray(damaged.read_bytes())
    where = data.find(b"kitchen") if b"kitchen" in data else 60
    data[where:where + 20] = b"\xff" * 20  # corrupt compressed bytes of an entry
    damaged.write_bytes(bytes(data))
    refused(tmp_path, damaged, WorkbenchError)


def test_no_project_qde_is_refused(tmp_path):
    refused(tmp_path, archive(tmp_path / "empty.qdpx", {"readme.txt": b"hello"}), InvalidXMLError, "project.qde")


@pytest.mark.parametrize("start,end,match", [(7, 400, "outside"), (-1, 3, "outside"), (9, 3, "backwards")])
def test_selections_outside_the_text_or_backwards_are_refused(tmp_path, start, end, match):
    selection = (f'<PlainTextSelection guid="5A1B2C3D-0000-4000-8000-000000000002" startPosition="{start}" '
                 f'endPosition="{end}"><Coding guid="6A1B2C3D-0000-4000-8000-000000000003"><CodeRef '
                 'targetGUID="7A1B2C3D-0000-4000-8000-000000000004"/></Coding></PlainTextSelection>')
    path = archive(tmp_path / "outside.qdpx", good(**{"project.qde": qde(selection)}))
    refused(tmp_path, path, SelectionError, match)


def test_positions_that_are_not_numbers_are_refused(tmp_path):
    selection = ('<PlainTextSelection guid="5A1B2C3D-0000-4000-8000-000000000002" startPosition="seven" '
                 'endPosition="10"/>')
    refused(tmp_path, archive(tmp_path / "nan.qdpx", good(**{"project.qde": qde(selection)})), InvalidXMLError,
            "whole number")


def test_a_source_file_that_is_not_utf8_is_refused(tmp_path):
    path = archive(tmp_path / "latin1.qdpx", good(**{f"sources/{SOURCE}.txt": "Café, naïve".encode("latin-1")}))
    refused(tmp_path, path, InvalidXMLError, "UTF-8")


def test_missing_sources_are_reported_or_refused(tmp_path):
    path = archive(tmp_path / "missing.qdpx", {"project.qde": qde()})
    from workbench.exchange.errors import MissingSourceError

    with pytest.raises(MissingSourceError, match="not in the archive"):
        wb.import_qdpx(path, into=tmp_path / "strict", missing_sources="refuse")
    assert not (tmp_path / "strict").exists()
    q = wb.import_qdpx(path, into=tmp_path / "lenient")
    assert len(q.narratives) == 0 and q.codebook.names == ["kitchen"]
    row = q.import_report.skipped.iloc[0]
    assert row["what"] == "text source" and "not in the archive" in row["reason"] and row["codings"] == 1


def test_an_existing_target_is_refused_before_reading(tmp_path):
    path = archive(tmp_path / "ok.qdpx", good())
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ProjectExistsError):
        wb.import_qdpx(path, into=tmp_path / "full")
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]
    (tmp_path / "empty").mkdir()
    assert len(wb.import_qdpx(path, into=tmp_path / "empty").narratives) == 1


def test_an_unknown_offset_policy_is_refused(tmp_path):
    with pytest.raises(WorkbenchError, match="offset policy"):
        wb.import_qdpx(archive(tmp_path / "ok.qdpx", good()), into=tmp_path / "x", offsets="bytes")
    assert not (tmp_path / "x").exists()
