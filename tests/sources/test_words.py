"""Word frequencies (issue 15, item 6): stop words, speakers, codes, consent, and the chart."""

from __future__ import annotations

import pytest

import workbench as wb
from workbench import errors

SRT = """1
00:00:01,000 --> 00:00:04,000
Facilitator: Welcome. Tea is on the table, tea for everyone.

2
00:00:04,500 --> 00:00:08,000
Marisol: The tea helped. Tea and silence, then talking.

3
00:00:08,500 --> 00:00:10,000
Facilitator: Silence is welcome here.
"""


@pytest.fixture
def circle(project, tmp_path):
    (tmp_path / "circle.srt").write_text(SRT, encoding="utf-8")
    return project.import_transcript(tmp_path / "circle.srt")


def counts(frame, *keys):
    return {tuple(row[:-1]): row[-1] for row in frame[[*keys, "word", "count"]].itertuples(index=False, name=None)}


def test_by_speaker_counts_what_each_said_and_never_the_labels(project, circle):
    words = wb.analysis.word_frequencies(project, by="speaker")
    got = counts(words, "speaker")
    assert got[("Facilitator", "tea")] == 2 and got[("Marisol", "tea")] == 2
    assert got[("Marisol", "silence")] == 1 and got[("Facilitator", "silence")] == 1
    assert ("Facilitator", "facilitator") not in got and ("Marisol", "marisol") not in got
    assert ("Facilitator", "the") not in got  # an English stop word
    assert got[("(no speaker)", "gardens")] == 1  # the fixture's story is no transcript
    everyone = counts(wb.analysis.word_frequencies(project))
    assert everyone[("tea",)] == 4 and ("facilitator",) not in everyone


def test_stop_words_english_spanish_own_or_none(project):
    nid = project.add_narrative("Vine al grupo porque nadie me preguntaba nada. El grupo me escuchó.",
                                title="El grupo")
    spanish = counts(wb.analysis.word_frequencies(project, by="narrative", stop_words="es"), "narrative_id")
    assert spanish[(nid, "grupo")] == 2 and (nid, "porque") not in spanish and (nid, "me") not in spanish
    assert counts(wb.analysis.word_frequencies(project, by="narrative", stop_words=None), "narrative_id")[
        (nid, "porque")] == 1
    both = wb.analysis.word_frequencies(project, stop_words=["en", "es"])
    assert not {"porque", "the", "and"} & set(both["word"])
    own = wb.analysis.word_frequencies(project, stop_words=["grupo"])
    assert "grupo" not in set(own["word"]) and "porque" in set(own["word"])
    with pytest.raises(errors.WorkbenchError, match="no stop-word list 'fr'"):
        wb.analysis.word_frequencies(project, stop_words="fr")


def test_within_code_counts_each_coded_word_once(project, circle):
    text = project.text(circle)
    start = text.index("The tea helped")
    project.code(circle, start, start + len("The tea helped"), "reciprocity", coder="ana")
    project.code(circle, start + 4, start + len("The tea helped. Tea"), "reciprocity", coder="ben")  # overlaps
    inside = counts(wb.analysis.word_frequencies(project, within_code="reciprocity"))
    assert inside == {("tea",): 2, ("helped",): 1}
    per_coder = counts(wb.analysis.word_frequencies(project, by="coder", within_code="reciprocity"), "coder")
    assert per_coder == {("ana", "tea"): 1, ("ana", "helped"): 1, ("ben", "tea"): 2, ("ben", "helped"): 1}
    by_code = wb.analysis.word_frequencies(project, by="code", top=1)
    assert by_code[["code", "word"]].values.tolist() == [["reciprocity", "tea"]]


def test_consent_restricted_counted_withdrawn_gone(project):
    kept = project.add_narrative("Quillon quillon harbour.", title="Kept", consent="restricted")
    gone = project.add_narrative("Zephyrine zephyrine zephyrine.", title="Gone")
    project.withdraw(gone, reason="asked")
    words = counts(wb.analysis.word_frequencies(project, by="narrative"), "narrative_id")
    assert words[(kept, "quillon")] == 2
    assert not any(word == "zephyrine" for _, word in words)
    assert "text" not in wb.analysis.word_frequencies(project).columns  # counts, never passages


def test_word_chart_renders_offline(project, circle, tmp_path):
    chart = wb.charts.word_bars(project, by="speaker", top=5)
    spec = chart.to_dict()
    assert spec["title"]["text"] == "The 5 most used words by speaker"
    assert any(t.get("field") == "count" for t in spec["spec"]["encoding"]["tooltip"])
    svg = wb.charts.save(chart, tmp_path / "words.svg").read_text(encoding="utf-8")
    assert "Marisol" in svg and "tea" in svg
    project.code(circle, 0, 20, "reciprocity", coder="ana")
    single = wb.charts.word_bars(project, within_code="reciprocity").to_dict()
    assert single["encoding"]["color"]["value"] == project.codebook.color_map()["reciprocity"]
