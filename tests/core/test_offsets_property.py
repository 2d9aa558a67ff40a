"""Property tests: offsets are code points into canonical text, for any Unicode (issue 2)."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench._text import canonical_text, codepoint_to_utf16, utf16_to_codepoint

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200).filter(
    lambda t: canonical_text(t).strip())


@given(text=texts)
def test_canonical_text_is_idempotent_and_clean(text):
    once = canonical_text(text)
    assert canonical_text(once) == once
    assert "\r" not in once and not once.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", once)


@given(text=texts)
def test_utf16_round_trip(text):
    for offset in range(len(text) + 1):
        units = codepoint_to_utf16(text, offset)
        assert units == len(text[:offset].encode("utf-16-le")) // 2
        assert utf16_to_codepoint(text, units) == offset


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, data=st.data())
def test_a_coding_quotes_exactly_its_span(project, text, data):
    nid = project.add_narrative(text, title="prop")
    stored = project.text(nid)
    start = data.draw(st.integers(0, len(stored) - 1))
    end = data.draw(st.integers(start + 1, len(stored)))
    cid = project.code(nid, start, end, "reciprocity", coder="prop")
    row = wb.open_project(project.path).codings(coder="prop").set_index("coding_id").loc[cid]
    assert (row["start"], row["end"], row["text"]) == (start, end, stored[start:end])
