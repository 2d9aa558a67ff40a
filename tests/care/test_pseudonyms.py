"""Pseudonym mappings: real CSV files, checked strictly, applied the same way everywhere (issue 8)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench.care import (
    PseudonymError,
    apply_pseudonyms,
    find_identifiers,
    load_pseudonyms,
    write_pseudonym_template,
)


def mapping_file(folder: Path, content: str | bytes, name: str = "names.csv") -> Path:
    """A private mapping file, as the docs tell people to keep it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    path.chmod(0o600)
    return path


@pytest.fixture
def private(tmp_path: Path) -> Path:
    return tmp_path / "private"


# ---------------------------------------------------------------------- reading the file
def test_reads_the_documented_format(private):
    path = mapping_file(private, (
        "real,pseudonym,kind,same_person,note\n"
        "# people\n"
        "Maria Lopez,Ana Ruiz,person,,\n"
        "  Maria ,  Ana ,person,,first name alone\n"
        "\n"
        "Mike,Sam,person,yes,he goes by both\n"
        "Michael,Sam,person,Yes,\n"
        '"St Mary\'s Hospital, Leeds",the city hospital,organisation,,\n'
    ))
    assert load_pseudonyms(path) == {"Maria Lopez": "Ana Ruiz", "Maria": "Ana", "Mike": "Sam", "Michael": "Sam",
                                     "St Mary's Hospital, Leeds": "the city hospital"}


@pytest.mark.parametrize("content", [
    "\ufeffreal;pseudonym\nMaria;Ana\n",            # Excel in many European locales: BOM and semicolons
    "Real\tPseudonym\r\nMaria\tAna\r\n",            # tab separated, Windows line ends, capitalised header
    "pseudonym,real\nAna,Maria\n",                  # columns in any order
])
def test_spreadsheet_variants(private, content):
    assert load_pseudonyms(mapping_file(private, content)) == {"Maria": "Ana"}


def test_utf16_from_excel_unicode_text_and_nfc(private):
    decomposed = unicodedata.normalize("NFD", "José")
    path = mapping_file(private, f"real,pseudonym\n{decomposed},Tomás\n".encode("utf-16"))
    mapping = load_pseudonyms(path)
    assert mapping == {"José": "Tomás"}
    assert apply_pseudonyms("Then José called.", mapping) == "Then Tomás called."


@pytest.mark.parametrize("content, message", [
    ("real,pseudonym\n,Ana\n", r"line 2: the real cell is empty"),
    ("real,pseudonym\nMaria,\n", r"line 2: 'Maria' has no pseudonym.*delete the row"),
    ("real,pseudonym\nMaria,   \n", r"'Maria' has no pseudonym"),
    ("real,pseudonym\nMaria,Ana\nTom,Ben\nMaria,Eva\n", r"'Maria' \(line 4\) appears twice.*'Ana' and 'Eva'"),
    ("real,pseudonym\nMaria,Ana\nMARIA,EVA\n", r"same name written differently"),
    ("real,pseudonym\nMaria,Ana\nMarta,Ana\n", r"'Maria' \(line 2\), 'Marta' \(line 3\).*same_person"),
    ("real,pseudonym,same_person\nMike,Sam,yes\nMichael,Sam,\n", r"same_person"),
    ("real,pseudonym,same_person\nMike,Sam,perhaps\n", r"same_person is 'perhaps'"),
    ("real,pseudonym\nMaria,Ana\nAna,Eva\n", r"pseudonym 'Ana' contains 'Ana', a real name replaced on line 3"),
    ("real,pseudonym\nMaria Lopez,Ana Ruiz\nRuiz,Diaz\n", r"contains 'Ruiz'"),
    ("real,pseudonym\nMaria,maria\n", r"mapped to itself"),
    ("real,pseudonym\nMaria,Ana,extra\n", r"line 2 has 3 cells"),
    ("real,pseudonym,nickname\nMaria,Ana,Mia\n", r"unknown column\(s\) \['nickname'\]"),
    ("name,alias\nMaria,Ana\n", r"header row naming the columns real and pseudonym"),
    ("real,pseudonym\n", r"no names"),
    ("", r"header row"),
    ('real,pseudonym\n"Maria\nLopez",Ana\n', r"spans several lines"),
])
def test_bad_mappings_are_refused_with_the_line_and_the_fix(private, content, message):
    with pytest.raises(PseudonymError, match=message):
        load_pseudonyms(mapping_file(private, content))


def test_duplicate_rows_that_agree_are_fine(private):
    path = mapping_file(private, "real,pseudonym\nMaria,Ana\nMaria,Ana\nMARIA,ANA\n")
    assert load_pseudonyms(path) == {"Maria": "Ana", "MARIA": "ANA"}


def test_not_utf8(private):
    path = mapping_file(private, "real,pseudonym\nJosé,Tomás\n".encode("latin-1"))
    with pytest.raises(PseudonymError, match="not UTF-8.*Save it as UTF-8"):
        load_pseudonyms(path)
    assert isinstance(PseudonymError("x"), wb.WorkbenchError)


def test_missing_file(private):
    with pytest.raises(PseudonymError, match="no pseudonym mapping file"):
        load_pseudonyms(private / "nope.csv")


def test_a_pseudonym_that_already_names_someone_in_the_stories(private):
    path = mapping_file(private, "real,pseudonym\nMaria Lopez,Sam Reed\nMaria,Sam\nLopez,Reed\n")
    stories = {"s1": "Maria Lopez came.", "s2": "I phoned Sam about it."}
    with pytest.raises(PseudonymError, match=r"'Sam' \(line 3\) in text 's2'.*\[Sam\]"):
        load_pseudonyms(path, texts=stories)
    # a plain list, and a single text, work too; a lower-case word is not the name
    assert load_pseudonyms(path, texts=["Maria Lopez came.", "I sam no one."])
    assert load_pseudonyms(path, texts="Maria Lopez came.")


def test_a_pseudonym_inside_a_real_name_is_no_clash(private):
    # "Ana" occurs in the stories only inside "Ana Maria", which is itself replaced
    path = mapping_file(private, "real,pseudonym\nAna Maria,Lucia\nTom,Ana\n")
    assert load_pseudonyms(path, texts=["Ana Maria and Tom spoke."]) == {"Ana Maria": "Lucia", "Tom": "Ana"}


def test_the_mapping_must_live_outside_the_project(tmp_path):
    project = wb.create_project(tmp_path / "proj")
    inside = mapping_file(project.path / "private", "real,pseudonym\nMaria,Ana\n")
    with pytest.raises(PseudonymError, match="inside the project folder.*outside the project"):
        load_pseudonyms(inside, project_path=project.path)
    # a symlink from outside that points into the project is still inside
    link = tmp_path / "looks-outside.csv"
    link.symlink_to(inside)
    with pytest.raises(PseudonymError, match="inside the project folder"):
        load_pseudonyms(link, project_path=project.path)
    # a relative path is resolved too
    cwd = os.getcwd()
    os.chdir(project.path)
    try:
        with pytest.raises(PseudonymError, match="inside the project folder"):
            load_pseudonyms("private/names.csv", project_path=".")
    finally:
        os.chdir(cwd)
    outside = mapping_file(tmp_path / "private", "real,pseudonym\nMaria,Ana\n")
    assert load_pseudonyms(outside, project_path=project.path) == {"Maria": "Ana"}


def test_a_mapping_readable_by_everyone_is_flagged(private):
    path = mapping_file(private, "real,pseudonym\nMaria,Ana\n")
    path.chmod(0o644)
    with pytest.warns(UserWarning, match="chmod 600"):
        load_pseudonyms(path)
    path.chmod(0o600)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_pseudonyms(path)


# ---------------------------------------------------------------------- applying it
MAPPING = {
    "Maria Lopez": "Ana Ruiz", "Maria": "Ana", "Lopez": "Ruiz", "Will": "Sam", "de Souza": "da Costa",
    "O'Neill": "Byrne", "maria.lopez@example.org": "[email]", "07700 900123": "[phone]", "@peerjo": "@peer1",
    "St Mary's Hospital": "the city hospital",
}


@pytest.mark.parametrize("before, after", [
    ("Maria Lopez met Maria and Mrs Lopez.", "Ana Ruiz met Ana and Mrs Ruiz."),        # longest first
    ("MARIA LOPEZ! Maria's sister.", "ANA RUIZ! Ana's sister."),                     # capitals kept
    ("maria lopez typed her name.", "ana ruiz typed her name."),                     # several words: any case
    ("Mariana and Samaria, Marias.", "Mariana and Samaria, Marias."),                # whole words only
    ("I will ask Will. WILL!", "I will ask Sam. SAM!"),                               # a lower-case word stays
    ("De Souza came. Then de Souza left.", "Da Costa came. Then da Costa left."),    # capital first letter
    ("O’Neill and O'Neill.", "Byrne and Byrne."),                                     # either apostrophe
    ("Maria\nLopez was there.", "Ana Ruiz was there."),                               # across a line break
    ("Maria\n\nLopez", "Ana\n\nRuiz"),                                                # not across paragraphs
    ("Mail MARIA.Lopez@Example.org now.", "Mail [email] now."),                       # emails: any case
    ("Ring 07700900123 or (07700) 900-123.", "Ring [phone] or [phone]."),             # phones: any spacing
    ("Ask @peerjo, not me@peerjo.org.", "Ask @peer1, not me@peerjo.org."),
    ("At St Mary's Hospital.", "At the city hospital."),
    ("Maria-José", "Ana-José"),                                                        # parts of compounds too
])
def test_apply(before, after):
    assert apply_pseudonyms(before, MAPPING) == after


def test_no_cascade_and_the_same_everywhere():
    chain = {"Ann": "Beth", "Beth": "Cara"}  # load_pseudonyms refuses this; apply still never re-replaces
    assert apply_pseudonyms("Ann met Beth.", chain) == "Beth met Cara."
    stories = [f"Story {i}: Maria Lopez and Maria, then Lopez." for i in range(30)]
    results = {apply_pseudonyms(s, MAPPING).split(": ", 1)[1] for s in stories}
    assert results == {"Ana Ruiz and Ana, then Ruiz."}


def test_apply_normalises_to_nfc_so_accents_always_match():
    mapping = {"José": "Tomás"}
    decomposed = unicodedata.normalize("NFD", "José came")
    assert apply_pseudonyms(decomposed, mapping) == "Tomás came"
    assert apply_pseudonyms("", mapping) == "" and apply_pseudonyms("Maria", {}) == "Maria"


def test_apply_refuses_bad_input():
    with pytest.raises(PseudonymError):
        apply_pseudonyms(b"Maria", MAPPING)
    with pytest.raises(PseudonymError):
        apply_pseudonyms("Maria", {"Maria": ""})
    with pytest.raises(PseudonymError):
        apply_pseudonyms("Maria", [("Maria", "Ana")])


NAMES = ["Maria", "Lopez", "Maria Lopez", "Kemi", "Ade", "Kemi Ade", "Jo", "O'Neill"]
PSEUDONYMS = dict(zip(NAMES, ["Ana", "Ruiz", "Ana Ruiz", "Lina", "Oke", "Lina Oke", "Bo", "Byrne"]))
FILLER = ["and", "the", "Mariana", "Joan", "saw", ",", ".", "\n", "'s", "-", "Kemistry", "joke"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(NAMES + FILLER), max_size=40), st.sampled_from([" ", "", "  "]))
def test_property_no_real_name_survives_and_a_second_pass_changes_nothing(words, sep):
    text = sep.join(words)
    once = apply_pseudonyms(text, PSEUDONYMS)
    for name in NAMES:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", once), (text, once)
    assert apply_pseudonyms(once, PSEUDONYMS) == once


# ---------------------------------------------------------------------- the review workflow
def test_template_from_candidates_round_trip(tmp_path, private):
    project = wb.create_project(tmp_path / "proj")
    project.add_narrative("Later Grace Obi rang me. Grace was kind.", title="A call from Grace", narrator="R2",
                          attributes={"town": "Leeds"})
    candidates = find_identifiers(project)
    with pytest.raises(PseudonymError, match="inside the project folder"):
        write_pseudonym_template(candidates, project.path / "names.csv")
    private.mkdir()
    path = write_pseudonym_template(candidates, private / "names.csv")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(PseudonymError, match="already exists"):
        write_pseudonym_template(candidates, path)
    with pytest.raises(PseudonymError, match="has no pseudonym"):  # nothing is replaced without a decision
        load_pseudonyms(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "real,pseudonym,kind,same_person,note"
    assert lines[1].startswith("Grace,,name,,found 2 time(s) in 1 narrative(s)")  # most frequent first
    # the person decides: a pseudonym for each name to replace, other rows deleted
    filled = [line.replace("Grace Obi,,", "Grace Obi,Lena Ward,").replace("Grace,,", "Grace,Lena,")
              for line in lines if line.startswith(("real,", "Grace"))]
    assert any(line.startswith("Leeds,,name") for line in lines)  # attribute values are reviewed too
    path.write_text("\n".join(filled) + "\n", encoding="utf-8")
    assert load_pseudonyms(path, project_path=project.path) == {"Grace Obi": "Lena Ward", "Grace": "Lena"}


# ---------------------------------------------------------------------- at import, through the project
def folder_bytes(folder: Path) -> dict:
    return {f.relative_to(folder): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file() and ".locks" not in f.parts}


def test_import_with_pseudonyms_leaves_no_real_name_in_the_project(tmp_path, private):
    sources = tmp_path / "interviews"
    sources.mkdir()
    (sources / "Talking with Maria Lopez.txt").write_text(
        "Maria Lopez: I met Kemi at St Mary's Hospital.\nKemi rang 07700 900123 later.\n", encoding="utf-8")
    (sources / "group.csv").write_text("title,narrator,text\nA day with Kemi,Maria,Kemi and Maria laughed.\n",
                                       encoding="utf-8")
    path = mapping_file(private, "real,pseudonym,kind\nMaria Lopez,Ana Ruiz,person\nMaria,Ana,person\n"
                                 "Kemi,Lina,person\nSt Mary's Hospital,the hospital,organisation\n"
                                 "07700 900123,[phone],phone\n")
    project = wb.create_project(tmp_path / "proj")
    report = project.import_narratives(sources, pseudonyms=path, progress=False)
    assert list(report["status"]) == ["added", "added"]
    blob = b"".join((project.path / f).read_bytes() for f in folder_bytes(project.path))
    for real in ("Maria", "Lopez", "Kemi", "Mary", "07700", "900123"):
        assert real.encode() not in blob, real
    texts = [project.text(nid) for nid in project.narratives["id"]]
    assert "Ana Ruiz: I met Lina at the hospital.\nLina rang [phone] later.\n" in texts
    assert set(project.narratives["title"]) == {"Talking with Ana Ruiz", "A day with Lina"}
    assert "Ana" in set(project.narratives["narrator"])
    assert str(path).encode() not in blob and b"names.csv" not in blob


@pytest.mark.parametrize("where, content, message", [
    ("inside", "real,pseudonym\nMaria,Ana\n", "inside the project folder"),
    ("outside", "real,pseudonym\nMaria,Sam\n", "already appear in the stories"),
    ("outside", "real,pseudonym\nMaria,Ana\nKemi,Ana\n", "same_person"),
])
def test_a_refused_mapping_writes_nothing(tmp_path, where, content, message):
    sources = tmp_path / "interviews"
    sources.mkdir()
    (sources / "one.txt").write_text("Maria told Sam about Kemi.", encoding="utf-8")
    project = wb.create_project(tmp_path / "proj")
    folder = project.path / "private" if where == "inside" else tmp_path / "private"
    path = mapping_file(folder, content)
    before = folder_bytes(project.path)
    with pytest.raises(PseudonymError, match=message):
        project.import_narratives(sources, pseudonyms=path, progress=False)
    assert folder_bytes(project.path) == before
    assert project.refresh().narratives.empty
