"""Every analysis against cases counted by hand (see the fixtures in conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import workbench as wb
from workbench import errors
from workbench.analysis import RESTRICTED, AnalysisError

STORY = "We shared tea. I felt heard, and I heard her. Help came slowly; help stayed."

A = wb.analysis


def pairs(frame: pd.DataFrame) -> dict:
    return {(a, b): (c, round(j, 6)) for a, b, c, j in frame[["code_a", "code_b", "count", "jaccard"]].itertuples(
        index=False)}


# ---------------------------------------------------------------------- co-occurrence
def test_cooccurrence_overlap_counts_pairs_per_coder(hand):
    out = A.cooccurrence(hand)
    assert list(out.columns) == ["code_a", "code_b", "count", "jaccard"]
    # ana: A[0,10) x B[5,15) overlap; B[20,30) / C[30,40) only touch; ben: A[0,10) / B[10,20) touch;
    # ben in b: A[0,5) x C[2,4).  Readings: (a,ana), (a,ben), (b,ben).
    # A-B meet only in (a,ana); A is used in 3 readings, B in 2 -> 1/3.  A-C meet in (b,ben); C in 2 -> 1/3.
    assert pairs(out) == {("A", "B"): (1, round(1 / 3, 6)), ("A", "C"): (1, round(1 / 3, 6))}


def test_cooccurrence_within_counts_gaps_up_to_n(hand):
    one = pairs(A.cooccurrence(hand, within=1))
    # touching spans now meet: ben's A/B in a, ana's B[20,30)/C[30,40)
    assert one[("A", "B")] == (2, round(2 / 3, 6))
    assert one[("B", "C")] == (1, round(1 / 3, 6))  # B in (a,ana),(a,ben); C in (a,ana),(b,ben)
    assert one[("A", "C")] == (1, round(1 / 3, 6))
    ten = pairs(A.cooccurrence(hand, within=10))
    assert ten[("A", "B")][0] == 3  # ana's A[0,10) and B[20,30) are 10 characters apart
    assert ten[("B", "C")][0] == 1  # ana's B[5,15) is 15 from C[30,40): too far
    assert pairs(A.cooccurrence(hand, within=9))[("A", "B")][0] == 2


def test_cooccurrence_coder_filter_and_pool(hand):
    assert pairs(A.cooccurrence(hand, coder="ana")) == {("A", "B"): (1, 1.0)}
    assert A.cooccurrence(hand, coder=["ben"])["count"].tolist() == [1]  # A-C in b only
    pooled = pairs(A.cooccurrence(hand, pool=True))
    # across coders in a: ana A x ana B[5,15), ben A x ana B[5,15); readings are narratives
    assert pooled[("A", "B")] == (2, 0.5)  # A in a and b, B in a, they meet in a
    assert pooled[("A", "C")] == (1, 0.5)


def test_cooccurrence_per_narrative(hand):
    out = A.cooccurrence(hand, within=1, per_narrative=True)
    assert list(out.columns) == ["narrative_id", "code_a", "code_b", "count", "jaccard"]
    rows = {(n, a, b): (c, j) for n, a, b, c, j in out.itertuples(index=False)}
    assert rows == {("a", "A", "B"): (2, 1.0), ("a", "B", "C"): (1, 0.5), ("b", "A", "C"): (1, 1.0)}


def test_cooccurrence_codes_filter_and_empty(hand, tmp_path):
    assert set(A.cooccurrence(hand, codes=["A", "C"])["code_b"]) == {"C"}
    empty = A.cooccurrence(wb.create_project(tmp_path / "empty"))
    assert list(empty.columns) == ["code_a", "code_b", "count", "jaccard"] and empty.empty
    with pytest.raises(AnalysisError):
        A.cooccurrence(hand, within=-1)
    with pytest.raises(errors.UnknownCodeError):
        A.cooccurrence(hand, codes=["nope"])


def _naive(frame: pd.DataFrame, within: int, pool: bool) -> dict:
    counts: dict = {}
    rows = list(frame[["narrative_id", "coder", "code", "start", "end"]].itertuples(index=False))
    for x in range(len(rows)):
        for y in range(x + 1, len(rows)):
            r, s = rows[x], rows[y]
            if r.narrative_id != s.narrative_id or r.code == s.code or (not pool and r.coder != s.coder):
                continue
            gap = max(r.start, s.start) - min(r.end, s.end)
            if (gap < 0) if within == 0 else (gap <= within):
                key = tuple(sorted((r.code, s.code)))
                counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cooccurrence_matches_a_pairwise_count_on_random_codings(tmp_path, seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    p = wb.create_project(tmp_path / "r")
    for name in "PQRS":
        p.codebook.add(name)
    for k in range(3):
        p.add_narrative("z" * 300, id=f"n{k}")
    for coder in ("u", "v", "w"):
        starts = rng.integers(0, 280, size=40)
        p.code_many([{"narrative_id": f"n{rng.integers(0, 3)}", "start": int(s),
                      "end": int(min(300, s + rng.integers(1, 40))), "code": "PQRS"[rng.integers(0, 4)]}
                     for s in starts], coder=coder)
    frame = p.codings()
    for within in (0, 1, 7, 50):
        for pool in (False, True):
            got = {(a, b): c for a, b, c in A.cooccurrence(p, within=within, pool=pool)[
                ["code_a", "code_b", "count"]].itertuples(index=False)}
            assert got == _naive(frame, within, pool), (within, pool)


def test_sweep_chunks_cover_every_pair_once():
    import numpy as np

    from workbench.analysis.patterns import _pair_chunks

    rng = np.random.default_rng(0)
    group = np.sort(rng.integers(0, 5, 200))
    start = rng.integers(0, 500, 200)
    order = np.lexsort((start, group))
    group, start = group[order], start[order]
    end = start + rng.integers(1, 60, 200)
    got = set()
    for i, j in _pair_chunks(group, start, end, reach=0, max_pairs=7):  # tiny chunks
        got.update(zip(i.tolist(), j.tolist()))
    want = {(i, j) for i in range(200) for j in range(i + 1, 200)
            if group[i] == group[j] and start[j] < end[i]}
    assert got == want


# ---------------------------------------------------------------------- frequencies and matrix
def test_frequencies_per_code(hand):
    out = A.frequencies(hand, by=None)
    assert out.to_dict("records") == [
        {"code": "parent", "codings": 0, "narratives": 0, "coders": 0},
        {"code": "A", "codings": 3, "narratives": 2, "coders": 2},
        {"code": "B", "codings": 3, "narratives": 1, "coders": 2},
        {"code": "C", "codings": 2, "narratives": 2, "coders": 2},
    ]
    rolled = A.frequencies(hand, by=None, include_children=True).set_index("code")
    assert rolled.loc["parent"].tolist() == [6, 2, 2]
    assert rolled.loc["A"].tolist() == [3, 2, 2]


def test_frequencies_by_coder_attribute_and_narrative(hand):
    by_coder = A.frequencies(hand, by="coder")
    assert {(c, k): n for c, k, n in by_coder[["code", "coder", "codings"]].itertuples(index=False)} == {
        ("A", "ana"): 1, ("A", "ben"): 2, ("B", "ana"): 2, ("B", "ben"): 1, ("C", "ana"): 1, ("C", "ben"): 1}
    assert by_coder.set_index(["code", "coder"]).loc[("A", "ben"), "narratives"] == 2
    by_setting = A.frequencies(hand, by="setting")
    assert {(c, s): n for c, s, n in by_setting[["code", "setting", "codings"]].itertuples(index=False)} == {
        ("A", "group"): 2, ("A", "ward"): 1, ("B", "group"): 3, ("C", "group"): 1, ("C", "ward"): 1}
    by_narrative = A.frequencies(hand, by="narrative")
    assert list(by_narrative.columns) == ["code", "narrative_id", "codings", "narratives", "coders"]
    assert by_narrative["code"].tolist() == ["A", "A", "B", "C", "C"]  # codebook order
    both = A.frequencies(hand, by=["coder", "year"])
    assert both.set_index(["code", "coder", "year"]).loc[("A", "ben", 2024), "codings"] == 1
    with pytest.raises(AnalysisError, match="attributes here: setting, year"):
        A.frequencies(hand, by="colour")
    with pytest.raises(AnalysisError, match="ana, ben"):
        A.frequencies(hand, coder="anna")


def test_matrix_counts_and_narratives(hand):
    m = A.matrix(hand, rows="code", columns="setting")
    assert m.index.tolist() == ["parent", "A", "B", "C"] and m.columns.tolist() == ["group", "ward"]
    assert m.to_numpy().tolist() == [[0, 0], [2, 1], [3, 0], [1, 1]]
    n = A.matrix(hand, rows="coder", columns="code", values="narratives")
    assert n.loc["ben", "A"] == 2 and n.loc["ana", "parent"] == 0
    rolled = A.matrix(hand, rows="code", columns="coder", include_children=True)
    assert rolled.loc["parent"].tolist() == [3, 3]


def test_matrix_passages_never_quote_restricted(hand):
    m = A.matrix(hand, rows="code", columns="coder", values="passages")
    assert m.loc["A", "ana"] == ["x" * 10]
    assert m.loc["A", "ben"] == ["x" * 10, RESTRICTED]  # b is restricted
    assert m.loc["C", "ben"] == [RESTRICTED]
    assert m.loc["parent", "ana"] == []
    with pytest.raises(AnalysisError):
        A.matrix(hand, values="quotes")
    with pytest.raises(AnalysisError):
        A.matrix(hand, rows="coder", columns="coder")


# ---------------------------------------------------------------------- retrieval
def test_segments_with_context(words):
    start = STORY.index("I felt heard")
    assert start == 15
    words.code("tea", 15, 27, "being heard", coder="ana", note="felt heard")
    out = A.segments(words, code="support", context=6)  # the child comes with its parent
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["before"], row["text"], row["after"]) == (" tea. ", "I felt heard", ", and ")
    assert (row["title"], row["code"], row["consent"], row["setting"], row["note"]) == (
        "Tea", "being heard", "given", "group", "felt heard")
    assert A.segments(words, code="support", include_children=False).empty
    at_start = A.segments(words, context=100).iloc[0]
    assert at_start["before"] == STORY[:15] and at_start["after"] == STORY[27:]


def test_segments_never_quote_restricted(words):
    words.code("secret", 17, 21, "help", coder="ana")
    words.code("tea", 46, 50, "help", coder="ana")
    out = A.segments(words, code="help", context=10).set_index("narrative_id")
    assert out.loc["secret", ["before", "text", "after"]].tolist() == [RESTRICTED] * 3
    assert out.loc["secret", "consent"] == "restricted"
    assert out.loc["tea", "text"] == "Help" and out.loc["tea", "before"] == STORY[36:46]
    assert "help was" not in out.to_string()


def test_segments_filters(words):
    words.code("tea", 46, 50, "help", coder="ana")
    words.code("secret", 17, 21, "help", coder="ben")
    assert A.segments(words, attributes={"setting": "ward"})["narrative_id"].tolist() == ["secret"]
    assert A.segments(words, attributes={"setting": ["ward", "group"]}).shape[0] == 2
    assert A.segments(words, coder="ana")["narrative_id"].tolist() == ["tea"]
    assert A.segments(words, narrative="secret")["coder"].tolist() == ["ben"]
    with pytest.raises(errors.UnknownNarrativeError):
        A.segments(words, narrative="nope")
    with pytest.raises(errors.UnknownCodeError):
        A.segments(words, code="helping")
    with pytest.raises(AnalysisError):
        A.segments(words, context=-1)


# ---------------------------------------------------------------------- keyword in context, auto-coding
def test_kwic(words):
    out = A.kwic(words, "help", window=5)
    assert list(out.columns) == ["narrative_id", "title", "start", "end", "before", "match", "after", "consent"]
    assert out[["narrative_id", "start", "end"]].values.tolist() == [["tea", 46, 50], ["tea", 64, 68],
                                                                       ["secret", 17, 21]]
    assert out.iloc[0][["before", "match", "after"]].tolist() == ["her. ", "Help", " came"]
    assert out.iloc[2][["before", "match", "after"]].tolist() == [RESTRICTED] * 3
    assert len(A.kwic(words, "help", case_sensitive=True)) == 2
    assert A.kwic(words, r"\bheard\b", narrative="tea")["start"].tolist() == [22, 35]
    assert A.kwic(words, "x*").empty  # empty matches are not hits
    with pytest.raises(AnalysisError, match="re.escape"):
        A.kwic(words, "help(")


def test_autocode_writes_machine_codings(words):
    new = A.autocode(words, r"heard", "being heard")
    assert new[["narrative_id", "start", "end", "code", "coder"]].values.tolist() == [
        ["tea", 22, 27, "being heard", "auto:heard"], ["tea", 35, 40, "being heard", "auto:heard"]]
    assert "auto:heard" in words.coders and A.human_coders(words) == []
    assert A.autocode(words, r"heard", "being heard").empty  # nothing twice
    merged = A.autocode(words, r"heard", "being heard", window=10)
    assert merged[["start", "end"]].values.tolist() == [[12, 50]]  # [12,37) and [25,50) join
    assert len(words.codings(coder="auto:heard")) == 3


def test_autocode_restricted_and_names(words):
    out = A.autocode(words, "help", "help", case_sensitive=True)
    assert out.set_index("narrative_id").loc["secret", "text"] == RESTRICTED
    assert words.codings(coder="auto:help")["narrative_id"].tolist() == ["secret", "tea"]
    assert A.auto_coder_name(r"\bhelp/ed\b") == "auto:\u29f5bhelp\u2215ed\u29f5b"
    assert len(A.auto_coder_name("a" * 100)) == 64
    coder = A.auto_coder_name(r"\bcame\b")
    A.autocode(words, r"\bcame\b", "help")
    assert words.codings(coder=coder)["text"].tolist() == ["came"]
    with pytest.raises(errors.UnknownCodeError):
        A.autocode(words, "help", "nonexistent")
    with pytest.raises(errors.UnknownCodeError):
        A.autocode(words, "help", "support x")
    assert len(words.codings(coder="auto:help")) == 2  # nothing written by the failures


# ---------------------------------------------------------------------- time and comparison
def test_codebook_timeline(hand):
    hand.codebook.rename("C", "Care", rationale="closer to the narrators' word", coder="ana")
    hand.codebook.retire("B", rationale="folded into A by dialogue", coder="ben")
    out = A.codebook_timeline(hand)
    assert out["event"].tolist() == ["add"] * 4 + ["rename", "retire"]
    assert out.iloc[4]["summary"] == "renamed 'C': C -> Care (why: closer to the narrators' word)"
    assert out.iloc[5][["coder", "code"]].tolist() == ["ben", "B"]
    assert out["at"].is_monotonic_increasing


def test_memo_timeline(hand):
    hand.memo("I read A everywhere.", coder="ana", code="A", kind="reflexive")
    hand.memo("Ben and I disagreed on a.", coder="ana", narrative="a", kind="dialogue", participants=["ana", "ben"])
    hand.memo("Project note", coder="ben", kind="analytic")
    out = A.memo_timeline(hand)
    assert out["about"].tolist() == ["code A", "narrative a", "project"]
    assert A.memo_timeline(hand, coder="ben")["text"].tolist() == ["Project note"]
    assert A.memo_timeline(hand, kind="dialogue")["participants"].iloc[0] == ["ana", "ben"]


def test_code_use_over_time(tmp_path):
    p = wb.create_project(tmp_path / "t")
    p.codebook.add("old")
    p.codebook.add("new")
    p.add_narrative("z" * 50, id="n")
    rows = [{"narrative_id": "n", "start": 0, "end": 5, "code": c, "created_at": t} for c, t in [
        ("old", "2025-01-06 10:00"), ("old", "2025-01-07 10:00"), ("new", "2025-01-08 10:00"),
        ("new", "2025-03-03 09:00"), ("new", "2025-03-04 09:00")]]
    p.code_many(rows, coder="ana")
    weekly = A.code_use_over_time(p, freq="W")
    assert weekly[["period", "code", "codings"]].astype(str).values.tolist() == [
        ["2025-01-06", "old", "2"], ["2025-01-06", "new", "1"], ["2025-03-03", "new", "2"]]
    assert weekly["share"].round(3).tolist() == [0.667, 0.333, 1.0]
    monthly = A.code_use_over_time(p, freq="auto")  # two months of work -> weeks
    assert len(monthly) == 3
    assert A.code_use_over_time(p, freq="M")["period"].astype(str).tolist() == ["2025-01-01", "2025-01-01",
                                                                                "2025-03-01"]
    with pytest.raises(AnalysisError):
        A.code_use_over_time(p, freq="fortnight")


def test_compare_coders(hand):
    out = A.compare_coders(hand, "a")
    assert list(out.columns) == ["start", "end", "text", "code", "ana", "ben", "coders", "n_coders", "share"]
    got = [tuple(r) for r in out[["start", "end", "code", "coders"]].itertuples(index=False)]
    assert got == [(0, 5, "A", "ana, ben"), (5, 10, "A", "ana, ben"), (5, 10, "B", "ana"), (10, 15, "B", "ana, ben"),
                   (15, 20, "B", "ben"), (20, 30, "B", "ana"), (30, 40, "C", "ana")]
    assert out["share"].tolist() == [1.0, 1.0, 0.5, 1.0, 0.5, 0.5, 0.5]
    assert out.iloc[0]["text"] == "x" * 5
    secret = A.compare_coders(hand, "b")
    assert set(secret["text"]) == {RESTRICTED} and secret.columns.tolist()[4:5] == ["ben"]
