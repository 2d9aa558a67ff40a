"""Offset policies: how other programs count characters, converted exactly into canonical code points."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.exchange.offsets import ALL_POLICIES, OffsetPolicy, SourceText, boundary_scores, policy_for_origin

RAW = "\ufeffFirst line\r\nSecond \U0001F600 line\r\nCafe\u0301 third\r\n"
CANONICAL = "First line\nSecond \U0001F600 line\nCafé third\n"


def positions(raw: str, phrase: str, policy: str) -> tuple[int, int]:
    """Where *phrase* lies in *raw* (BOM already stripped) when counted under *policy*."""
    body = raw.lstrip("\ufeff")
    start = body.index(phrase)
    end = start + len(phrase)

    def count(prefix: str) -> int:
        unit, _, crlf = policy.partition("-")
        if crlf:
            prefix = prefix.replace("\r\n", "\n").replace("\n", "\n" * int(crlf[-1]))
        return len(prefix.encode("utf-16-le")) // 2 if unit == "utf16" else len(prefix)

    return count(body[:start]), count(body[:end])


@pytest.mark.parametrize("policy", [p.name for p in ALL_POLICIES])
@pytest.mark.parametrize("phrase", ["First", "Second \U0001F600 line", "line\r\nCafe", "third"])
def test_every_policy_converts_exactly(policy, phrase):
    text = SourceText(RAW)
    assert text.canonical == CANONICAL
    start, end = positions(RAW, phrase, policy)
    cs, ce, inside = text.to_canonical(OffsetPolicy.parse(policy), [start], [end])
    wanted = phrase.replace("\r\n", "\n").replace("Cafe", "Café" if "third" in phrase else "Cafe")
    if phrase == "line\r\nCafe":  # the decomposed e + accent composes into one character: the end rounds up
        wanted = "line\nCafé"
    assert inside.all() and CANONICAL[cs[0]:ce[0]] == wanted


def test_positions_inside_a_unit_round_outwards():
    text = SourceText("a\U0001F600b\r\nc")
    policy = OffsetPolicy.parse("utf16")
    # 2 is between the two halves of the emoji; 5 is between CR and LF
    cs, ce, _ = text.to_canonical(policy, [2, 5], [2, 5])
    assert cs.tolist() == [1, 3] and ce.tolist() == [2, 4]
    assert text.exact(policy, [1, 2, 3, 4, 5, 6]).tolist() == [True, False, True, True, False, True]


def test_outside_is_flagged_not_clipped_silently():
    text = SourceText("short")
    cs, ce, inside = text.to_canonical(OffsetPolicy(), [0, 2, -1], [5, 9, 2])
    assert inside.tolist() == [True, False, False]


def test_policy_names_and_origins():
    assert OffsetPolicy.parse("UTF-16 CRLF2".replace(" ", "-")).name == "utf16-crlf2"
    assert OffsetPolicy.parse("nvivo").name == "utf16-crlf2"
    with pytest.raises(WorkbenchError, match="codepoints"):
        OffsetPolicy.parse("bytes")
    assert policy_for_origin("NVivo 14.23.1 (Windows)")[0].name == "utf16-crlf2"
    assert policy_for_origin("ATLAS.ti 8.4.0 573 , macOS")[0].name == "codepoints-crlf1"
    assert policy_for_origin("MAXQDA 2022 (Release 22.4.1)")[0].name == "codepoints-crlf1"
    assert policy_for_origin("QualCoder 3.5")[0].name == "codepoints"
    assert policy_for_origin("narrative-workbench 0.1.0")[0].name == "codepoints"
    policy, why = policy_for_origin(None)
    assert policy.name == "codepoints" and "standard" in why


def test_boundary_scores_prefer_the_right_policy():
    raw = "One two three\r\nfour five six\r\nseven eight nine\r\n" * 20
    words = ["two", "five", "eight", "nine"]
    starts, ends = [], []
    offset = 0
    for _ in range(20):
        for word in words:
            s, e = positions(raw[offset:], word, "utf16-crlf2")
            base = len(raw[:offset].encode("utf-16-le")) // 2
            starts.append(base + s)
            ends.append(base + e)
        offset += len("One two three\r\nfour five six\r\nseven eight nine\r\n")
    scores = {r["policy"]: r for r in boundary_scores([(SourceText(raw), np.array(starts), np.array(ends))])}
    assert scores["utf16-crlf2"]["on_word_boundaries"] == 1.0
    assert scores["codepoints-crlf1"]["on_word_boundaries"] < 0.6
