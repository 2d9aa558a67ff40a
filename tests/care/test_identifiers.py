"""find_identifiers lists candidates for a person to review and never changes a story (issue 8)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import workbench as wb
from workbench.care import IDENTIFIER_COLUMNS, find_identifiers

STORY_A = (
    "When I first came to the group, Maria Lopez met me at the door. Maria's sister works at "
    "St Mary's Hospital in Leeds.\n"
    "I was born on 3 May 1984, so my DOB: 03/05/1984. Call me on +44 7700 900123 or 07700 900123, "
    "or (555) 123-4567.\n"
    "Email maria.lopez@example.org or see https://example.org/maria. Online I'm @peerjo. "
    "I live at 14 Hyde Park Road, Leeds LS6 2QT."
)
STORY_B = (
    "Maria said it was fine. Dr. Okafor came in March. Nobody asked. The Samaritans helped. I was SO angry. "
    "Then Zoë Łukasz-Nowak called from the University of Leeds. Sometimes we met in June, or with June herself. "
    "Visit mind.org.uk for more. I was born in 1979."
)
STORY_C = "Yesterday was hard. Maria came. We talked about gardens and my Mum. On 2024-05-03 it rained."


def found(frame, kind=None) -> set[str]:
    rows = frame if kind is None else frame[frame["kind"] == kind]
    return set(rows["text"])


@pytest.fixture
def candidates():
    return find_identifiers({"a": STORY_A, "b": STORY_B, "c": STORY_C})


def test_columns_and_offsets_point_at_the_text(candidates):
    assert list(candidates.columns) == IDENTIFIER_COLUMNS
    texts = {"a": STORY_A, "b": STORY_B, "c": STORY_C}
    for row in candidates.itertuples():
        assert texts[row.narrative_id][row.start:row.end] == row.text
        assert f"[{row.text}]" in row.context
    assert set(candidates["field"]) == {"text"}


def test_names_people_places_organisations(candidates):
    names = found(candidates, "name")
    assert {"Maria Lopez", "Maria", "Leeds", "Dr. Okafor", "Samaritans", "Zoë Łukasz-Nowak", "June"} <= names
    assert {"St Mary's Hospital", "University of Leeds"} <= found(candidates, "organisation")
    # ordinary capitals are not names: sentence starts, "I", shouting, family roles, months after "in"
    for word in ("When", "I", "The", "Nobody", "SO", "Then", "Sometimes", "Yesterday", "Mum", "March", "We"):
        assert word not in found(candidates), word


def test_sentence_start_counts_only_when_the_word_recurs_capitalised():
    one_off = find_identifiers(["Gardens were my refuge. I loved them."])
    assert found(one_off) == set()
    # "Kemi" only ever starts a sentence, but recurs capitalised: a name
    recurring = find_identifiers(["Kemi came early. Kemi made tea.", "Kemi left."])
    assert found(recurring) == {"Kemi"}
    assert recurring["count"].tolist() == [3, 3, 3]
    # at a sentence start but also seen mid-sentence elsewhere in the corpus
    mid = find_identifiers(["Tunde listened.", "I phoned Tunde later."])
    assert len(mid) == 2


def test_possessive_is_cut_and_counts_span_the_corpus(candidates):
    maria = candidates[candidates["text"] == "Maria"]
    assert set(maria["narrative_id"]) == {"a", "b", "c"}
    assert (maria["count"] == 3).all()


def test_contact_details_dates_and_addresses(candidates):
    assert found(candidates, "email") == {"maria.lopez@example.org"}
    assert found(candidates, "url") == {"https://example.org/maria", "mind.org.uk"}
    assert found(candidates, "handle") == {"@peerjo"}
    assert found(candidates, "phone") == {"+44 7700 900123", "07700 900123", "(555) 123-4567"}
    assert found(candidates, "date_of_birth") == {"3 May 1984", "03/05/1984", "1979"}
    assert found(candidates, "date") == {"2024-05-03"}
    assert found(candidates, "address") == {"14 Hyde Park Road"}
    assert found(candidates, "postcode") == {"LS6 2QT"}
    # an email is one candidate, not also a name and a link
    assert "maria" not in found(candidates) and "example.org" not in found(candidates)


@pytest.mark.parametrize("text, kind, expected", [
    ("Ring 020 7946 0958 any time.", "phone", "020 7946 0958"),
    ("Her number was 555-123-4567 then.", "phone", "555-123-4567"),
    ("Try +1 (555) 123 4567 instead.", "phone", "+1 (555) 123 4567"),
    ("My NI number is QQ 12 34 56 C.", "id_number", "QQ 12 34 56 C"),
    ("We met on March 3rd, 2019 at the hub.", "date", "March 3rd, 2019"),
    ("Date of birth 12.07.1990, she said.", "date_of_birth", "12.07.1990"),
    ("It was her birthday, the 9th of June.", "date_of_birth", "9th of June"),
    ("Flat 2, 7 Elm Grove was cold.", "address", "Flat 2, 7 Elm Grove"),
    ("I moved to Mill Lane after that.", "address", "Mill Lane"),
    ("Find me at www.peer-hub.net/ana.", "url", "www.peer-hub.net/ana"),
    ("She lived near Sacramento, CA 94110 then.", "postcode", "CA 94110"),
])
def test_formats(text, kind, expected):
    frame = find_identifiers(text)
    assert expected in found(frame, kind), frame[["kind", "text"]].to_dict("records")


def test_numbers_that_are_not_identifiers():
    frame = find_identifiers("Between 1990-1995 I went 3 times a week; it cost £12,000 and took 45 minutes.")
    assert frame.empty, frame[["kind", "text"]]


def test_every_input_form(tmp_path):
    one = find_identifiers("I met Kofi Annan there.")
    assert one["narrative_id"].tolist() == [0] and found(one) == {"Kofi Annan"}
    listed = find_identifiers(["Nothing here.", "I met Kofi there."])
    assert listed["narrative_id"].tolist() == [1]
    empty = find_identifiers([])
    assert empty.empty and list(empty.columns) == IDENTIFIER_COLUMNS
    with pytest.raises(wb.WorkbenchError, match="dict"):
        find_identifiers(42)
    with pytest.raises(wb.WorkbenchError, match="not text"):
        find_identifiers({"x": 3})


def test_a_folder_of_stories_before_import(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "interview with Priya Shah.txt").write_text("I met Tom Baker at the drop-in.\r\n", encoding="utf-8")
    (folder / "more.csv").write_text("title,narrator,text\nA day,Jo Brand,I phoned 07700 900555.\n",
                                     encoding="utf-8")
    for source in (folder, str(folder)):
        frame = find_identifiers(source)
        assert {"Tom Baker", "Priya Shah", "Jo Brand", "07700 900555"} <= found(frame)
        assert set(frame["field"]) == {"text", "title", "narrator"}
        titled = frame[frame["text"] == "Priya Shah"].iloc[0]
        assert titled["field"] == "title" and titled["narrative_id"].endswith("interview with Priya Shah.txt")


def test_a_project_is_read_but_never_changed(tmp_path):
    p = wb.create_project(tmp_path / "proj")
    nid = p.add_narrative("Later Grace Obi rang me on 07700 900321.", title="Call from Grace", narrator="Bea",
                          attributes={"keyworker": "Tom Hale", "setting": "peer group"})
    p.add_narrative("Nobody else.", title="Quiet", consent="restricted")
    gone = p.add_narrative("Hidden Person Name was here.", title="Gone")
    p.withdraw(gone, reason="asked")

    def snapshot():
        return {f.relative_to(p.path): hashlib.sha256(f.read_bytes()).hexdigest()
                for f in sorted(p.path.rglob("*")) if f.is_file() and ".locks" not in f.parts}

    before = snapshot()
    frame = wb.find_identifiers(p)
    assert snapshot() == before
    assert {"Grace Obi", "07700 900321", "Grace"} <= found(frame)
    assert set(frame["narrative_id"]) == {nid}
    assert "Hidden Person Name" not in found(frame)  # withdrawn stories are gone everywhere
    assert Path(frame.attrs["project_path"]) == p.path
    by_field = frame.groupby("field")["text"].agg(set).to_dict()
    assert by_field == {"text": {"Grace Obi", "07700 900321"}, "title": {"Grace"}, "narrator": {"Bea"},
                        "keyworker": {"Tom Hale"}}
    title_row = frame[frame["field"] == "title"].iloc[0]
    assert "Call from Grace"[title_row.start:title_row.end] == "Grace"
