"""The rules the project folder keeps (issue 2): canonical text, offsets, append-only events, errors."""

from __future__ import annotations

import json
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest

import workbench as wb
from workbench import errors


def read_events(p: wb.Project, coder: str) -> list[dict]:
    path = p.path / "events" / "codings" / f"{coder}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_text_is_stored_canonical(project):
    nid = project.add_narrative("\ufeffCafe\u0301\r\nline two\rline three", title="Canon")
    text = project.text(nid)
    assert text == "Café\nline two\nline three"
    assert unicodedata.is_normalized("NFC", text)
    raw = (project.path / "narratives" / f"{nid}.txt").read_bytes()
    assert raw == text.encode("utf-8")  # no BOM, no CR
    assert not raw.startswith(b"\xef\xbb\xbf")


def test_offsets_are_code_points_with_emoji_and_combining_marks(project):
    nid = project.add_narrative("I felt 😀 joy, then e\u0301 and 👩🏽‍🤝‍👩🏻 together.", title="Unicode")
    text = project.text(nid)
    start = text.index("joy")
    assert start == 9  # the emoji is one code point (two UTF-16 units)
    cid = project.code(nid, start, start + 3, "reciprocity", coder="ana")
    row = project.codings().set_index("coding_id").loc[cid]
    assert row["text"] == "joy" and (row["start"], row["end"]) == (9, 12)
    family = text.index("👩")
    project.code(nid, family, family + 7, "barriers", coder="ana")
    assert read_events(project, "ana")[-1]["text"] == "👩🏽‍🤝‍👩🏻"


def test_each_coding_event_quotes_its_passage(project):
    nid = project.narratives.id[0]
    text = project.text(nid)
    start = text.index("Nobody asked")
    project.code(nid, start, start + 12, "reciprocity", coder="ana", note="the group did not ask")
    event = read_events(project, "ana")[0]
    assert event["event"] == "coded" and event["text"] == "Nobody asked"
    assert event["narrative"] == nid and event["coder"] == "ana" and event["code"] == "reciprocity"
    assert text[event["start"]:event["end"]] == event["text"]


def test_codings_frame_columns_and_filters(project):
    nid = project.narratives.id[0]
    project.code(nid, 0, 4, "reciprocity", coder="ana")
    project.code(nid, 5, 9, "barriers", coder="ben")
    frame = project.codings()
    assert list(frame.columns) == ["coding_id", "narrative_id", "start", "end", "code", "coder", "created_at",
                                   "note", "text"]
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert list(project.codings(coder="ben")["code"]) == ["barriers"]
    assert list(project.codings(code=["reciprocity", "barriers"])["coder"]) == ["ana", "ben"]
    assert len(project.codings(narrative="nope")) == 0


def test_uncode_is_an_event_and_history_keeps_everything(project):
    nid = project.narratives.id[0]
    cid = project.code(nid, 0, 4, "reciprocity", coder="ana")
    project.annotate(cid, "second thoughts", coder="ana")
    project.uncode(cid, coder="ana")
    assert project.codings().empty
    kinds = [e["event"] for e in read_events(project, "ana")]
    assert kinds == ["coded", "noted", "uncoded"]
    history = project.history()
    coding_history = history[history["kind"] == "coding"]
    assert list(coding_history["event"]) == ["coded", "noted", "uncoded"]
    assert set(coding_history["code"]) == {"reciprocity"}


def test_only_the_coder_can_remove_or_annotate_their_coding(project):
    nid = project.narratives.id[0]
    cid = project.code(nid, 0, 4, "reciprocity", coder="ana")
    with pytest.raises(errors.UnknownCodingError, match="belongs to 'ana'"):
        project.uncode(cid, coder="ben")
    with pytest.raises(errors.UnknownCodingError):
        project.annotate(cid, "mine now", coder="ben")
    assert len(project.codings()) == 1
    assert not (project.path / "events" / "codings" / "ben.jsonl").exists()


def test_an_uncoded_event_forged_in_another_coders_file_is_ignored(project):
    nid = project.narratives.id[0]
    cid = project.code(nid, 0, 4, "reciprocity", coder="ana")
    forged = project.path / "events" / "codings" / "ben.jsonl"
    forged.write_text(json.dumps({"event": "uncoded", "id": cid, "coder": "ana"}) + "\n", encoding="utf-8")
    assert len(wb.open_project(project.path).codings()) == 1


def test_rename_and_merge_follow_codings_without_rewriting(project):
    nid = project.narratives.id[0]
    project.code(nid, 0, 4, "reciprocity", coder="ana")
    project.code(nid, 5, 9, "relational safety", coder="ana")
    before = (project.path / "events" / "codings" / "ana.jsonl").read_bytes()
    project.codebook.rename("reciprocity", "full reciprocity", rationale="the paper's words", coder="ana")
    project.codebook.merge(["full reciprocity", "relational safety"], into="mutuality",
                           rationale="we could not tell them apart", coder="ben")
    assert (project.path / "events" / "codings" / "ana.jsonl").read_bytes() == before
    assert set(project.codings()["code"]) == {"mutuality"}
    reopened = wb.open_project(project.path)
    assert set(reopened.codings()["code"]) == {"mutuality"}
    assert set(reopened.history().query("kind == 'coding'")["code"]) == {"reciprocity", "relational safety"}
    cb = reopened.codebook.history()
    assert list(cb["event"][-3:]) == ["rename", "add", "merge"]
    assert cb["rationale"].iloc[-1] == "we could not tell them apart"
    assert "mutuality" in reopened.codebook and "reciprocity" not in reopened.codebook
    with pytest.raises(errors.UnknownCodeError, match="merged into 'mutuality'"):
        reopened.code(nid, 0, 3, "relational safety", coder="ana")


def test_codebook_split_retire_edit_and_yaml(project):
    new = project.codebook.split("barriers", ["pull back to the known", "going underground"],
                                 rationale="two different movements", coder="chipo")
    assert new == ["pull back to the known", "going underground"]
    assert "barriers" not in project.codebook
    project.codebook.retire("going underground", rationale="never used", coder="chipo")
    project.codebook.edit("reciprocity", description="nobody is only the helper", coder="ana", rationale="clearer")
    frame = project.codebook.to_frame(include_inactive=True).set_index("name")
    assert frame.loc["barriers", "status"] == "retired"
    assert frame.loc["going underground", "status"] == "retired"
    assert frame.loc["reciprocity", "description"] == "nobody is only the helper"
    assert frame.loc["reciprocity", "parent"] == "principles"
    shown = (project.path / "codebook.yaml").read_text(encoding="utf-8")
    assert "nobody is only the helper" in shown and "pull back to the known" in shown


@pytest.mark.parametrize(
    "start,end,message",
    [(5, 5, "empty"), (9, 4, "reversed"), (-1, 3, "outside"), (0, 10_000, "outside"), (1.5, 3, "whole number")],
)
def test_bad_spans_are_refused_and_nothing_is_written(project, start, end, message):
    nid = project.narratives.id[0]
    with pytest.raises(errors.SpanError, match=message):
        project.code(nid, start, end, "reciprocity", coder="ana")
    assert not (project.path / "events" / "codings" / "ana.jsonl").exists()


def test_unknown_things_and_bad_names_are_refused(project):
    nid = project.narratives.id[0]
    with pytest.raises(errors.UnknownCodeError, match="no code 'kindness'"):
        project.code(nid, 0, 3, "kindness", coder="ana")
    with pytest.raises(errors.UnknownNarrativeError, match="no narrative 'nope'"):
        project.code("nope", 0, 3, "reciprocity", coder="ana")
    with pytest.raises(errors.UnknownCodingError):
        project.uncode("0123456789abcdef", coder="ana")
    for bad in ["", "../etc", "a/b", ".hidden", " ana", "x" * 65, "tab\tname"]:
        with pytest.raises(errors.CoderNameError):
            project.code(nid, 0, 3, "reciprocity", coder=bad)
    with pytest.raises(errors.CodebookError, match="already has a code"):
        project.codebook.add("Reciprocity")
    assert not any((project.path / "events" / "codings").iterdir())


def test_odd_but_valid_coder_names_get_safe_files(project):
    nid = project.narratives.id[0]
    project.code(nid, 0, 3, "reciprocity", coder="auto:\\bgroup\\b")
    project.code(nid, 0, 3, "reciprocity", coder="group:tuesday")
    files = sorted(p.name for p in (project.path / "events" / "codings").iterdir())
    assert all("/" not in f and "\\" not in f for f in files)
    assert set(wb.open_project(project.path).codings()["coder"]) == {"auto:\\bgroup\\b", "group:tuesday"}


def test_narrative_text_is_immutable(project):
    nid = project.narratives.id[0]
    path = project.path / "narratives" / f"{nid}.txt"
    path.write_text(project.text(nid).replace("gardens", "kitchens"), encoding="utf-8")
    with pytest.raises(errors.IntegrityError, match=f"{nid}.txt"):
        wb.open_project(project.path)


def test_non_utf8_input_is_refused(project, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Ich habe geträumt".encode("latin-1"))
    with pytest.raises(errors.EncodingError, match="not UTF-8"):
        project.import_narratives(bad, progress=False)
    assert len(project.narratives) == 1


def test_malformed_and_duplicate_codebooks_are_refused(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("codes: [name: a\n  - b", encoding="utf-8")
    with pytest.raises(errors.CodebookError, match="not valid YAML"):
        wb.create_project(tmp_path / "p1", codebook=broken)
    twice = tmp_path / "twice.yaml"
    twice.write_text("codes:\n  - name: care\n  - name: Care\n", encoding="utf-8")
    with pytest.raises(errors.CodebookError, match="appears twice"):
        wb.create_project(tmp_path / "p2", codebook=twice)
    assert not (tmp_path / "p1").exists() and not (tmp_path / "p2").exists()


def test_not_a_project(tmp_path):
    with pytest.raises(errors.NotAProjectError, match="workbench.toml"):
        wb.open_project(tmp_path)
    with pytest.raises(errors.ProjectExistsError):
        (tmp_path / "x").mkdir()
        (tmp_path / "x" / "notes.txt").write_text("mine")
        wb.create_project(tmp_path / "x")


def test_shipped_codebooks_load(tmp_path):
    for name in ("peer_support_principles.yaml", "starter.yaml"):
        p = wb.create_project(tmp_path / name, codebook=Path(wb.project.data_path("codebooks")) / name)
        frame = p.codebook.to_frame()
        assert len(frame) >= 6
        assert frame["description"].str.len().min() > 0


def test_paper_codebook_has_every_principle_barrier_and_community_code(tmp_path):
    path = wb.project.data_path("codebooks") / "peer_support_principles.yaml"
    p = wb.create_project(tmp_path / "paper", codebook=path)
    leaves = p.codebook.to_frame().query("level > 0")
    assert len(leaves) == 13
    assert (leaves["include"].str.len() > 0).all() and (leaves["exclude"].str.len() > 0).all()
    assert (leaves["example"].str.len() > 0).all()
    assert leaves["color"].is_unique


def test_code_many_writes_one_batch_and_checks_all_rows_first(project):
    nid = project.narratives.id[0]
    rows = pd.DataFrame({"narrative_id": [nid] * 3, "start": [0, 5, 10], "end": [4, 9, 14],
                         "code": ["reciprocity", "barriers", "reciprocity"], "note": [None, "hm", None]})
    ids = project.code_many(rows, coder="ana")
    assert len(ids) == 3 and len(project.codings(coder="ana")) == 3
    bad = rows.assign(end=[4, 9, 10_000])
    with pytest.raises(errors.SpanError):
        project.code_many(bad, coder="ana")
    assert len(read_events(project, "ana")) == 3


def test_memos_are_per_coder_and_tied(project):
    nid = project.narratives.id[0]
    cid = project.code(nid, 0, 4, "reciprocity", coder="ana")
    project.memo("I name diagnosis quickly: I worked in services.", coder="ana", narrative=nid)
    project.memo("This coding is about not being asked.", coder="ana", coding=cid, kind="analytic")
    project.memo("We read it differently and that's fine.", coder="ben", kind="dialogue",
                 participants=["ana", "ben"])
    memos = project.memos()
    assert list(memos["kind"]) == ["reflexive", "analytic", "dialogue"]
    assert memos.loc[1, "narrative_id"] == nid and memos.loc[1, "coding_id"] == cid
    assert memos.loc[2, "participants"] == ["ana", "ben"]
    assert (project.path / "events" / "memos" / "ben.jsonl").exists()
    with pytest.raises(errors.WorkbenchError, match="names who took part"):
        project.memo("x", coder="ben", kind="dialogue")


def test_refresh_picks_up_other_writers(project):
    other = wb.open_project(project.path)
    nid = project.narratives.id[0]
    other.code(nid, 0, 4, "reciprocity", coder="ben")
    other.codebook.add("community", coder="ben", rationale="needed it")
    other.add_narrative("A second story about the warm line.", title="Warm line")
    assert len(project.codings()) == 0
    project.refresh()
    assert len(project.codings()) == 1 and "community" in project.codebook and len(project.narratives) == 2


def test_a_torn_last_line_is_skipped_with_a_warning(project):
    nid = project.narratives.id[0]
    project.code(nid, 0, 4, "reciprocity", coder="ana")
    log = project.path / "events" / "codings" / "ana.jsonl"
    with open(log, "ab") as handle:
        handle.write(b'{"event":"coded","id":"torn","nar')
    import os
    import time

    os.utime(log, (time.time() - 60, time.time() - 60))
    with pytest.warns(wb.store.logs.TornLineWarning, match="unfinished last line"):
        reopened = wb.open_project(project.path)
    assert len(reopened.codings()) == 1
    reopened.code(nid, 5, 9, "barriers", coder="ana")  # the writer ends the torn line first
    with pytest.warns(wb.store.logs.TornLineWarning, match="unreadable line"):
        again = wb.open_project(project.path)
    assert sorted(again.codings()["code"]) == ["barriers", "reciprocity"]


def test_import_txt_md_docx_csv(project, tmp_path):
    import docx

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_bytes("\ufeffA story with CRLF\r\nand more\r\n".encode("utf-8"))
    (folder / "two.md").write_text("# The Warm Line\n\nSomeone answered at 3am.", encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("First paragraph of a docx story.")
    document.add_paragraph("Second paragraph.")
    document.core_properties.title = "Docx story"
    document.save(folder / "three.docx")
    pd.DataFrame({"title": ["Row one", "Row two"], "text": ["csv story one", "csv story two"],
                  "setting": ["warm line", "respite"], "narrator": ["R10", "R11"]}).to_csv(
        folder / "four.csv", index=False)
    (folder / "ignore.odt").write_bytes(b"PK\x03\x04")  # .pdf is read now (issue 15); .odt is not
    report = project.import_narratives(folder, progress=False)
    assert sorted(report["status"].str[:7]) == ["added"] * 5 + ["skipped"]
    frame = project.narratives.set_index("title")
    assert frame.loc["Row two", "setting"] == "respite" and frame.loc["Row two", "narrator"] == "R11"
    nid = frame.loc["Docx story", "id"]
    assert project.text(nid) == "First paragraph of a docx story.\n\nSecond paragraph."
    assert project.text(frame.loc["one", "id"]) == "A story with CRLF\nand more\n"
    assert "The Warm Line" in frame.index
    again = project.import_narratives(folder, progress=False)
    assert (again["status"].str.startswith("skipped")).all()


def test_loading_has_no_warnings(project):
    nid = project.narratives.id[0]
    project.code(nid, 0, 4, "reciprocity", coder="ana")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wb.open_project(project.path).codings()


def test_new_codes_get_a_colour_nobody_uses(project):
    project.codebook.add("fresh")
    colours = project.codebook.to_frame()["color"]
    assert colours.is_unique and (colours == colours.str.lower()).all()


def test_sample_project_is_a_fresh_copy(tmp_path):
    original = wb.project.data_path("peer_stories")
    before = sorted((p.relative_to(original), p.stat().st_mtime_ns) for p in original.rglob("*") if p.is_file())
    p = wb.sample_project(copy_to=tmp_path / "mine")
    info = p.info()
    assert info["narratives"] >= 24 and info["coders"] == ["ana", "ben", "chipo"] and info["memos"] >= 10
    assert len(p.codebook.history().query("event == 'rename'")) >= 1
    p.code(p.narratives.id[0], 0, 10, p.codebook.names[1], coder="visitor")
    after = sorted((q.relative_to(original), q.stat().st_mtime_ns) for q in original.rglob("*") if q.is_file())
    assert before == after
    words = [len(p.text(n).split()) for n in p.narratives.id]
    assert min(words) >= 200 and max(words) <= 700
    with pytest.raises(errors.ProjectExistsError):
        wb.sample_project(copy_to=tmp_path / "mine")


def test_every_paper_code_is_used_by_the_sample_coders(sample):
    used = sample.codings().groupby("code")["coder"].nunique()
    leaves = sample.codebook.to_frame().query("level > 0 and name != 'naming the unnamed'")["name"]
    assert (used.reindex(leaves).fillna(0) >= 2).all()


def test_add_many_is_one_change_with_parents_from_the_same_list(project):
    ids = project.codebook.add_many([{"name": "care"}, {"name": "care  at night", "parent": "care"}],
                                    rationale="night shifts", coder="ana")
    assert ids == ["care", "care-at-night"]
    frame = project.codebook.to_frame().set_index("name")
    assert frame.loc["care at night", "parent"] == "care"
    assert frame["color"].is_unique
    history = project.codebook.history()
    assert list(history["rationale"][-2:]) == ["night shifts", "night shifts"]
    nid = project.narratives.id[0]
    project.code(nid, 0, 4, "care  at  night", coder="ana")  # spacing as typed still finds the code
    with pytest.raises(errors.CodebookError, match="already has"):
        project.codebook.add_many([{"name": "fresh"}, {"name": "Fresh"}])
    assert "fresh" not in project.codebook


def test_memo_keeps_an_imported_time(project):
    project.memo("from another tool", coder="ana", created_at="2021-05-04T10:30:00Z")
    assert str(project.memos()["created_at"][0]) == "2021-05-04 10:30:00+00:00"
    with pytest.raises(errors.WorkbenchError, match="not a date"):
        project.memo("bad time", coder="ana", created_at="yesterday-ish")


def test_filtering_codings_by_an_old_name_says_what_became_of_it(project):
    nid = project.narratives.id[0]
    project.code(nid, 0, 4, "reciprocity", coder="ana")
    project.codebook.rename("reciprocity", "full reciprocity", coder="ana")
    with pytest.raises(errors.UnknownCodeError, match="now called 'full reciprocity'"):
        project.codings(code="reciprocity")
    with pytest.raises(errors.UnknownCodeError, match="no code 'kindness'"):
        project.codings(code=["full reciprocity", "kindness"])
    assert len(project.codings(code="Full  Reciprocity")) == 1
    project.codebook.retire("full reciprocity", coder="ana")
    assert len(project.codings(code="full reciprocity")) == 1  # retired codes keep their codings
