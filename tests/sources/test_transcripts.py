"""Transcripts as narratives with structure (issue 15, item 1): real files made here, read, kept, checked."""

from __future__ import annotations

import json
import struct
import wave
from pathlib import Path

import pytest

import workbench as wb
from workbench import errors

VTT = """WEBVTT
Kind: captions

NOTE made for the test

STYLE
::cue { color: white }

1
00:00:00.000 --> 00:00:03.200 align:start
<v Ana>How was the night,
on the line?</v>

2
00:00:03.500 --> 00:00:06.000
<v.peer R07>Long. Someone called &amp; stayed.

3
00:00:06.000 --> 00:00:09.000
<v R07><i>Then</i> we both breathed.

4
00:01:02.500 --> 00:01:05.000
<v Ana>Go on.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Facilitator: Who wants to start?

2
00:00:04,500 --> 00:00:08,250
Marisol: I will. The first time
I came I said nothing.

3
00:00:08,500 --> 00:00:10,000
Marisol: Nobody pushed me.

4
00:00:10,500 --> 00:00:12,000
Facilitator: Thank you.
"""

OTRANSCRIBE = """[00:00:02] Interviewer: What happened after the call?

[00:00:07] R12: I went to the group the next week.
I did not know anyone. [00:00:15] Someone made tea.

[00:00:20] Interviewer: And then?
[00:00:22] R12: Then I stayed.
"""


def write_wav(path: Path, seconds: float = 2.0, rate: int = 8000) -> Path:
    """A real, playable WAV: a quiet 440 Hz square wave."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(struct.pack("<h", 3000 if (i // (rate // 880)) % 2 else -3000)
                          for i in range(int(seconds * rate)))
        out.writeframes(frames)
    return path


def test_vtt_voice_tags_turns_times_and_media(project, tmp_path):
    (tmp_path / "call-07.vtt").write_text(VTT, encoding="utf-8")
    audio = write_wav(tmp_path / "call-07.wav")
    nid = project.import_transcript(tmp_path / "call-07.vtt", title="Warm line, night 7", narrator="R07",
                                    media=audio)
    text = project.text(nid)
    assert text == ("Ana: How was the night, on the line?\n\n"
                    "R07: Long. Someone called & stayed. Then we both breathed.\n\nAna: Go on.")
    turns = project.turns(nid)
    assert turns["speaker"].tolist() == ["Ana", "R07", "Ana"]
    assert [text[a:b] for a, b in zip(turns["start"], turns["end"])] == text.split("\n\n")
    assert turns["time_start"].tolist() == [0.0, 3.5, 62.5]
    assert turns["time_end"].tolist() == [3.2, 9.0, 65.0]
    then = text.index("Then")
    assert project.time_at(nid, then) == pytest.approx(6.0)
    media = project.media_path(nid)
    assert media == project.path / "media" / f"{nid}.wav" and media.read_bytes() == audio.read_bytes()
    on_disk = json.loads((project.path / "narratives" / f"{nid}.structure.json").read_text(encoding="utf-8"))
    assert on_disk["source"] == "call-07.vtt" and on_disk["turns"][1] == [turns["start"][1], turns["end"][1], "R07"]
    reopened = wb.open_project(project.path)
    assert reopened.turns(nid).equals(turns)


def test_srt_name_prefixes_merge_a_speakers_cues(project, tmp_path):
    (tmp_path / "circle.srt").write_text(SRT, encoding="utf-8")
    nid = project.import_transcript(tmp_path / "circle.srt", narrator="story circle 3")
    assert project.text(nid).split("\n\n") == [
        "Facilitator: Who wants to start?",
        "Marisol: I will. The first time I came I said nothing. Nobody pushed me.",
        "Facilitator: Thank you."]
    turns = project.turns(nid)
    assert turns["time_start"].tolist() == [1.0, 4.5, 10.5]
    assert project.narratives.set_index("id").loc[nid, "title"] == "circle"


def test_otranscribe_text_and_otr_file(project, tmp_path):
    (tmp_path / "interview-12.txt").write_text(OTRANSCRIBE, encoding="utf-8")
    nid = project.import_transcript(tmp_path / "interview-12.txt")
    text = project.text(nid)
    assert "[00:" not in text and text.startswith("Interviewer: What happened after the call?\n\nR12: I went")
    assert "I did not know anyone. Someone made tea." in text
    turns = project.turns(nid)
    assert turns["speaker"].tolist() == ["Interviewer", "R12", "Interviewer", "R12"]
    assert turns["time_start"].tolist() == [2.0, 7.0, 20.0, 22.0]
    assert project.time_at(nid, text.index("Someone made tea")) == pytest.approx(15.0)
    html = ('<p><span class="timestamp" data-timestamp="3.0">0:03</span> Ana: Tell me about Tuesday.</p>'
            '<p><span class="timestamp" data-timestamp="9.5">0:09</span> Ben: It rained &amp; we met.</p>')
    (tmp_path / "tuesday.otr").write_text(json.dumps({"text": html, "media": "tuesday.mp3"}), encoding="utf-8")
    other = project.import_transcript(tmp_path / "tuesday.otr")
    assert project.text(other) == "Ana: Tell me about Tuesday.\n\nBen: It rained & we met."
    assert project.turns(other)["time_start"].tolist() == [3.0, 9.5]


def test_docx_transcript_bold_speakers_and_colons(project, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for speaker, words in (("Interviewer", "[00:00:04] What brought you in?"),
                           ("Dani", "A friend did. [00:00:09] She waited outside."),
                           ("Interviewer", "And inside?")):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{speaker}:").bold = True
        paragraph.add_run(f" {words}")
    document.add_paragraph("I kept my coat on the whole time.")  # Dani goes on
    bare = document.add_paragraph()
    bare.add_run("INTERVIEWER").bold = True
    document.add_paragraph("Did that change?")
    document.save(tmp_path / "dani.docx")
    nid = project.import_transcript(tmp_path / "dani.docx", narrator="Dani")
    turns = project.turns(nid)
    assert turns["speaker"].tolist() == ["Interviewer", "Dani", "Interviewer", "INTERVIEWER"]
    assert turns["time_start"][0] == 4.0 and turns["time_end"][0] < turns["time_start"][1] + 5
    text = project.text(nid)
    assert "Dani: A friend did. She waited outside." in text and "[00:" not in text
    assert "And inside?\n\nI kept my coat on" in text
    assert text.endswith("INTERVIEWER: Did that change?")

    colons = docx.Document()
    for line in ("Ana: Where were you?", "Ben: At home.", "Ana: Alone?"):
        colons.add_paragraph(line)
    colons.save(tmp_path / "colons.docx")
    assert project.turns(project.import_transcript(tmp_path / "colons.docx"))["speaker"].tolist() == \
        ["Ana", "Ben", "Ana"]


def test_speaker_dimension_in_frequencies_and_matrix(project, tmp_path):
    (tmp_path / "circle.srt").write_text(SRT, encoding="utf-8")
    nid = project.import_transcript(tmp_path / "circle.srt")
    text = project.text(nid)
    start = text.index("The first time")
    project.code(nid, start, start + 20, "reciprocity", coder="ana")
    project.code(nid, text.index("Who wants"), text.index("Who wants") + 9, "reciprocity", coder="ben")
    project.code(project.narratives.id[0], 0, 10, "barriers", coder="ana")
    counts = wb.analysis.frequencies(project, by="speaker")
    assert set(zip(counts["code"], counts["speaker"], counts["codings"])) == {
        ("reciprocity", "Marisol", 1), ("reciprocity", "Facilitator", 1), ("barriers", "(no speaker)", 1)}
    table = wb.analysis.matrix(project, rows="code", columns="speaker")
    assert table.loc["reciprocity", "Marisol"] == 1 and table.loc["barriers", "(no speaker)"] == 1
    assert sorted(project.with_speakers(project.codings(coder="ana"))["speaker"]) == ["(no speaker)", "Marisol"]


def test_speakers_are_pseudonymised_with_the_narrators_map(project, tmp_path):
    (tmp_path / "circle.srt").write_text(SRT, encoding="utf-8")
    private = tmp_path / "private"
    private.mkdir()
    mapping = private / "names.csv"
    mapping.write_text("real,pseudonym\nMarisol,Lucía\n", encoding="utf-8")
    mapping.chmod(0o600)
    nid = project.import_transcript(tmp_path / "circle.srt", narrator="Marisol", pseudonyms=mapping)
    assert "Marisol" not in project.text(nid) and "Lucía: I will." in project.text(nid)
    assert "Lucía" in project.turns(nid)["speaker"].tolist()
    assert project.narratives.set_index("id").loc[nid, "narrator"] == "Lucía"
    assert b"Marisol" not in (project.path / "narratives" / f"{nid}.structure.json").read_bytes()
    (tmp_path / "again.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\n<v Marisol>I came back.\n\n"
                                        "00:02.000 --> 00:03.000\n<v Facilitator>Welcome, Marisol.\n",
                                        encoding="utf-8")
    report = project.import_narratives(tmp_path / "again.vtt", pseudonyms=mapping, progress=False)
    again = report["id"][0]
    assert project.turns(again)["speaker"].tolist() == ["Lucía", "Facilitator"]
    assert project.text(again) == "Lucía: I came back.\n\nFacilitator: Welcome, Lucía."


def test_structure_is_checked_on_open(project, tmp_path):
    (tmp_path / "call.vtt").write_text(VTT, encoding="utf-8")
    nid = project.import_transcript(tmp_path / "call.vtt")
    path = project.path / "narratives" / f"{nid}.structure.json"
    good = path.read_text(encoding="utf-8")
    data = json.loads(good)
    data["turns"][0][1] = 10_000
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(errors.IntegrityError, match="turns do not fit"):
        wb.open_project(project.path)
    data = json.loads(good)
    data["text_sha256"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(errors.IntegrityError, match="another text"):
        wb.open_project(project.path)
    data = json.loads(good)
    data["anchors"][2][1] = 0.5
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(errors.IntegrityError, match="time anchors"):
        wb.open_project(project.path)
    for bad, message in ((lambda d: d["turns"][0].__setitem__(2, 7), "speaker must be text"),
                         (lambda d: d["anchors"][1].__setitem__(0, 2.5), "offsets whole"),
                         (lambda d: d["turns"].append([1, 2]), r"list of \[3 values\] rows")):
        data = json.loads(good)
        bad(data)
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(errors.IntegrityError, match=message):
            wb.open_project(project.path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(errors.IntegrityError, match="not readable JSON"):
        wb.open_project(project.path)
    path.write_text(good, encoding="utf-8")
    assert len(wb.open_project(project.path).turns(nid)) == 3


def test_withdrawal_purges_structure_and_media(project, tmp_path):
    (tmp_path / "call.vtt").write_text(VTT, encoding="utf-8")
    nid = project.import_transcript(tmp_path / "call.vtt", media=write_wav(tmp_path / "call.wav"))
    assert project.media_path(nid) is not None
    project.withdraw(nid, reason="narrator asked")
    assert not list((project.path / "media").iterdir())
    assert not (project.path / "narratives" / f"{nid}.structure.json").exists()
    blob = b"".join(p.read_bytes() for p in project.path.rglob("*") if p.is_file())
    assert b"breathed" not in blob and b"RIFF" not in blob


def test_bad_transcripts_say_what_is_wrong_and_write_nothing(project, tmp_path):
    before = sorted(p.name for p in project.path.rglob("*"))
    (tmp_path / "bad.vtt").write_text("00:00.000 --> 00:01.000\nhello\n", encoding="utf-8")
    with pytest.raises(errors.WorkbenchError, match="must start with 'WEBVTT'"):
        project.import_transcript(tmp_path / "bad.vtt")
    (tmp_path / "empty.srt").write_text("just words\n", encoding="utf-8")
    with pytest.raises(errors.WorkbenchError, match="no cues"):
        project.import_transcript(tmp_path / "empty.srt")
    (tmp_path / "ok.srt").write_text(SRT, encoding="utf-8")
    with pytest.raises(errors.WorkbenchError, match="audio or video"):
        project.import_transcript(tmp_path / "ok.srt", media=tmp_path / "notes.pdf")
    with pytest.raises(errors.WorkbenchError, match="does not exist"):
        project.import_transcript(tmp_path / "ok.srt", media=tmp_path / "missing.mp3")
    assert sorted(p.name for p in project.path.rglob("*")) == before


def test_import_narratives_reads_vtt_and_srt_with_their_structure(project, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "call.vtt").write_text(VTT, encoding="utf-8")
    (folder / "circle.srt").write_text(SRT, encoding="utf-8")
    report = project.import_narratives(folder, progress=False)
    assert report["status"].tolist() == ["added", "added"]
    for nid in report["id"]:
        assert len(project.turns(nid)) == 3
    assert project.turns(project.narratives.id[0]).empty


def test_many_structures_are_cached_and_still_checked(project):
    from workbench.sources import Part, build

    text, structure = build([Part("Hello there.", "Ana", 0.0, 1.0), Part("Hi.", "R07", 1.5, 2.0)])
    ids = project.add_narratives([{"text": text, "title": f"Call {n}", "structure": structure} for n in range(60)])
    cache = project.path / ".workbench-cache" / "structures.npz"
    assert cache.is_file()
    reopened = wb.open_project(project.path)
    assert reopened.turns(ids[59]).equals(project.turns(ids[59]))
    assert reopened.turns(ids[0])["speaker"].tolist() == ["Ana", "R07"]
    path = project.path / "narratives" / f"{ids[3]}.structure.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["turns"][1][1] = 999
    path.write_text(json.dumps(data), encoding="utf-8")  # a changed file is read again, whatever the cache says
    with pytest.raises(errors.IntegrityError, match="turns do not fit"):
        wb.open_project(project.path)
    path.write_text(structure.to_json(data["text_sha256"]), encoding="utf-8")
    cache.write_bytes(b"not a cache")  # an unusable cache is ignored (and written again)
    assert len(wb.open_project(project.path).turns(ids[3])) == 2
    assert cache.read_bytes().startswith(b"PK")
    project.withdraw(ids[3], reason="asked")  # the cache held its turns: it goes too
    assert not cache.exists()
    assert len(wb.open_project(project.path).narratives) == 60
    assert cache.exists() and f'"{ids[3]}"'.encode() not in cache.read_bytes()


def test_speaker_names_on_lines_of_their_own(project, tmp_path):
    (tmp_path / "names-above.txt").write_text(
        "[00:00:01] INTERVIEWER:\nHow did it start?\n\n[00:00:05] MARIA:\nWith a phone call.\nI almost hung up.\n\n"
        "INTERVIEWER: Why?\n", encoding="utf-8")
    nid = project.import_transcript(tmp_path / "names-above.txt")
    assert project.text(nid) == ("INTERVIEWER: How did it start?\n\nMARIA: With a phone call.\nI almost hung up."
                                 "\n\nINTERVIEWER: Why?")
    turns = project.turns(nid)
    assert turns["speaker"].tolist() == ["INTERVIEWER", "MARIA", "INTERVIEWER"]
    assert turns["time_start"].tolist()[:2] == [1.0, 5.0]
