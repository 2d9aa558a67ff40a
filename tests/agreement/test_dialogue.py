"""Disagreement as dialogue: where coders differ (by hand and against a character-by-character
recount), group readings beside individual ones, dialogue memos, and the agreement charts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench import charts
from workbench.agreement import dialogue
from workbench.agreement.dialogue import DISAGREEMENT_COLUMNS, disagreements, record_group_reading
from workbench.agreement.measures import AgreementError
from workbench.errors import CoderNameError, UnknownCodeError, UnknownNarrativeError, WorkbenchError

TEXT = "0123456789" * 5  # 50 characters: offsets are easy to read


def _project(path: Path, texts: dict[str, str] | None = None, codes=("hope", "reciprocity", "safety")) -> wb.Project:
    p = wb.create_project(path, name="Dialogue test")
    colors = ["#E69F00", "#0072B2", "#009E73", "#CC79A7"]
    for name, color in zip(codes, colors):
        p.codebook.add(name, color=color)
    for nid, text in (texts or {"a": TEXT}).items():
        p.add_narrative(text, title=f"Story {nid}", id=nid)
    return p


def _rows(d: pd.DataFrame) -> list[tuple]:
    return [(r.narrative_id, r.code, r.start, r.end, r.coders_with, r.coders_without, r.kind, r.other_codes,
             r.passage_start, r.passage_end) for r in d.itertuples()]


# ---------------------------------------------------------------------- hand-computed cases
def test_two_coders_boundaries_different_codes_and_only_some(tmp_path):
    p = _project(tmp_path / "p")
    p.code("a", 0, 10, "hope", "ana")
    p.code("a", 3, 12, "hope", "ben")          # same passage, cut differently: [0,3) ana only, [10,12) ben only
    p.code("a", 20, 30, "hope", "ana")
    p.code("a", 20, 30, "reciprocity", "ben")  # the same words, read as different codes
    p.code("a", 40, 45, "safety", "ana")       # only ana
    p.code("a", 0, 2, "safety", "ben")         # only ben; ana gave those characters "hope"
    d = disagreements(p)
    assert list(d.columns) == DISAGREEMENT_COLUMNS
    assert _rows(d) == [
        ("a", "hope", 0, 3, ("ana",), ("ben",), "boundaries differ", ("ben: safety",), 0, 12),
        ("a", "safety", 0, 2, ("ben",), ("ana",), "different codes", ("ana: hope",), 0, 2),
        ("a", "hope", 10, 12, ("ben",), ("ana",), "boundaries differ", (), 0, 12),
        ("a", "hope", 20, 30, ("ana",), ("ben",), "different codes", ("ben: reciprocity",), 20, 30),
        ("a", "reciprocity", 20, 30, ("ben",), ("ana",), "different codes", ("ana: hope",), 20, 30),
        ("a", "safety", 40, 45, ("ana",), ("ben",), "only some coded", (), 40, 45),
    ]
    assert d["text"].tolist() == [TEXT[s:e] for s, e in zip(d["start"], d["end"])]
    assert d.attrs["coders"] == ["ana", "ben"] and d.attrs["codes"] == ["hope", "reciprocity", "safety"]


def test_three_coders_and_a_coder_who_has_not_read_the_story(tmp_path):
    p = _project(tmp_path / "p", {"a": TEXT, "b": TEXT})
    p.code("a", 0, 10, "hope", "ana")
    p.code("a", 5, 15, "hope", "ben")
    p.code("a", 30, 35, "safety", "cleo")  # cleo read story a, but never saw hope in it
    p.code("b", 0, 10, "hope", "dan")      # dan has not coded story a: missing there, not disagreeing
    p.code("b", 0, 10, "hope", "ana")
    d = disagreements(p, code="hope")
    assert _rows(d) == [
        ("a", "hope", 0, 5, ("ana",), ("ben", "cleo"), "only some coded", (), 0, 15),
        ("a", "hope", 5, 10, ("ana", "ben"), ("cleo",), "only some coded", (), 0, 15),
        ("a", "hope", 10, 15, ("ben",), ("ana", "cleo"), "only some coded", (), 0, 15),
    ]
    # story b: ana and dan agree exactly; cleo and ben have not coded it
    assert not (d["narrative_id"] == "b").any()
    # the same stretch is "boundaries differ" when only ana and ben are compared
    two = disagreements(p, code="hope", coders=["ana", "ben"])
    assert set(two["kind"]) == {"boundaries differ"} and len(two) == 2


def test_a_coders_own_overlapping_and_touching_codings_count_once(tmp_path):
    p = _project(tmp_path / "p")
    p.code("a", 0, 10, "hope", "ana")
    p.code("a", 5, 20, "hope", "ana")     # overlaps her own coding
    p.code("a", 20, 25, "hope", "ana")    # touches it
    p.code("a", 0, 25, "hope", "ben")
    assert disagreements(p).empty
    p.code("a", 0, 25, "hope", "ben")     # a duplicate changes nothing either
    assert disagreements(p).empty


def test_emoji_offsets_are_code_points_and_restricted_stories_are_not_quoted(tmp_path):
    story = "I felt 😀 joy when we met, 👩🏽‍🤝‍👩🏻 together."
    p = _project(tmp_path / "p", {"given": story, "quiet": story})
    p.set_consent("quiet", "restricted")
    for nid in ("given", "quiet"):
        p.code(nid, 7, 12, "hope", "ana")      # "😀 joy"
        p.code(nid, 9, 12, "hope", "ben")      # "joy"
    d = disagreements(p)
    assert _rows(d) == [("given", "hope", 7, 9, ("ana",), ("ben",), "boundaries differ", (), 7, 12),
                        ("quiet", "hope", 7, 9, ("ana",), ("ben",), "boundaries differ", (), 7, 12)]
    assert d["text"].tolist() == ["😀 ", "[restricted]"]


def test_filters_defaults_and_refusals(tmp_path):
    p = _project(tmp_path / "p", {"a": TEXT, "b": TEXT})
    for nid in ("a", "b"):
        p.code(nid, 0, 10, "hope", "ana")
        p.code(nid, 0, 5, "hope", "ben")
        p.code(nid, 20, 30, "safety", "ben")
    p.code("a", 0, 10, "hope", "auto:hope")
    p.code("a", 0, 7, "hope", "group:tuesday")
    assert dialogue.default_coders(p) == ["ana", "ben"]
    d = disagreements(p)
    assert set(d["narrative_id"]) == {"a", "b"} and set(d["code"]) == {"hope", "safety"}
    assert disagreements(p, narrative="b")["narrative_id"].unique().tolist() == ["b"]
    assert disagreements(p, code="safety")["code"].unique().tolist() == ["safety"]
    assert disagreements(p, narrative=["a"], code=["hope"]).shape[0] == 1
    # machine and group coders take part only when named
    named = disagreements(p, narrative="a", code="hope", coders=["ana", "ben", "group:tuesday"])
    assert _rows(named)[:2] == [
        ("a", "hope", 5, 7, ("ana", "group:tuesday"), ("ben",), "boundaries differ", (), 0, 10),
        ("a", "hope", 7, 10, ("ana",), ("ben", "group:tuesday"), "boundaries differ", (), 0, 10)]
    with pytest.raises(UnknownCodeError, match="no code 'hop'"):
        disagreements(p, code="hop")
    with pytest.raises(UnknownNarrativeError):
        disagreements(p, narrative="nope")
    with pytest.raises(AgreementError, match="at least two coders"):
        disagreements(p, coders=["ana"])
    empty = disagreements(p, code="reciprocity")
    assert empty.empty and list(empty.columns) == DISAGREEMENT_COLUMNS
    assert empty["start"].dtype == "int64"


def test_renamed_and_merged_codes_are_followed(tmp_path):
    p = _project(tmp_path / "p")
    p.code("a", 0, 10, "hope", "ana")
    p.code("a", 0, 10, "safety", "ben")
    p.codebook.rename("hope", "looking forward", rationale="the group's words")
    assert disagreements(p)["code"].tolist() == ["looking forward", "safety"]
    p.codebook.merge("safety", into="looking forward", rationale="one idea")
    assert disagreements(p).empty  # both codings now carry the same code


def test_more_than_sixty_two_coders(tmp_path):
    p = _project(tmp_path / "p", {"long": "x" * 200})
    names = [f"c{k:03d}" for k in range(70)]
    for k, name in enumerate(names):
        p.code("long", k, k + 100, "hope", name)
    d = disagreements(p)
    first = d.iloc[0]
    assert (first["start"], first["end"]) == (0, 1) and first["coders_with"] == ("c000",)
    assert first["coders_without"] == tuple(names[1:])
    middle = d[(d["start"] <= 65) & (d["end"] > 65)].iloc[0]
    assert middle["coders_with"] == tuple(names[:66])
    assert len(d) == 138  # every piece but [69, 100), which all 70 cover


def test_long_codings_of_other_codes_are_found(tmp_path):
    text = "word " * 1200
    p = _project(tmp_path / "p", {"long": text})
    p.code("long", 0, 6000, "reciprocity", "ben")      # one long coding of the whole story
    p.code("long", 10, 14, "safety", "ben")
    p.code("long", 5000, 5050, "hope", "ana")
    p.code("long", 12, 20, "reciprocity", "ana")
    d = disagreements(p, code="hope")
    assert _rows(d) == [("long", "hope", 5000, 5050, ("ana",), ("ben",), "different codes",
                         ("ben: reciprocity",), 5000, 5050)]


# ---------------------------------------------------------------------- against a recount
def _naive(p: wb.Project, coders: list[str]) -> list[tuple]:
    """Character by character: who covers each character with each code; runs of the same set."""
    frame = p.codings(coder=coders)
    out = []
    for nid in p.narratives["id"]:
        n = len(p.text(nid))
        mine = frame[frame["narrative_id"] == nid]
        present = sorted(set(mine["coder"]))
        cover = {}
        for r in mine.itertuples():
            cover.setdefault(r.code, {c: np.zeros(n, bool) for c in present})[r.coder][r.start:r.end] = True
        for code in [c for c in p.codebook.names if c in cover]:
            sets = [tuple(c for c in present if cover[code][c][i]) for i in range(n)]
            i = 0
            while i < n:
                j = i
                while j < n and sets[j] == sets[i]:
                    j += 1
                have = sets[i]
                if have and len(have) < len(present):
                    lo, hi = i, j  # the passage: the unbroken covered run around [i, j)
                    while lo > 0 and sets[lo - 1]:
                        lo -= 1
                    while hi < n and sets[hi]:
                        hi += 1
                    without = tuple(c for c in present if c not in have)
                    away = [c for c in without if not cover[code][c][lo:hi].any()]
                    other = sorted({(c, o) for c in without for o in cover if o != code and cover[o][c][i:j].any()})
                    gave = {c for c, _ in other}
                    kind = ("boundaries differ" if not away else
                            "different codes" if all(c in gave for c in away) else "only some coded")
                    out.append((nid, code, i, j, have, without, kind, tuple(f"{c}: {o}" for c, o in other), lo, hi))
                i = j
    rank = {c: k for k, c in enumerate(p.codebook.names)}
    order = {n: k for k, n in enumerate(p.narratives["id"])}
    return sorted(out, key=lambda r: (order[r[0]], r[2], rank[r[1]], r[3]))


spans = st.lists(st.tuples(st.sampled_from(["x", "y"]), st.integers(0, 38), st.integers(1, 12),
                           st.sampled_from(["hope", "reciprocity", "safety"]),
                           st.sampled_from(["ana", "ben", "cleo", "dan"])), min_size=1, max_size=18)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(codings=spans)
def test_matches_a_character_by_character_recount(tmp_path_factory, codings):
    p = _project(tmp_path_factory.mktemp("prop") / "p", {"x": TEXT[:40], "y": TEXT[:30]})
    rows = [{"narrative_id": n, "start": min(s, 29 if n == "y" else 39),
             "end": min(min(s, 29 if n == "y" else 39) + length, 30 if n == "y" else 40), "code": code, "coder": who}
            for n, s, length, code, who in codings]
    for who in sorted({r["coder"] for r in rows}):
        p.code_many([r for r in rows if r["coder"] == who], coder=who)
    coders = sorted({r["coder"] for r in rows})
    if len(coders) < 2:
        with pytest.raises(AgreementError):
            disagreements(p)
        return
    assert _rows(disagreements(p)) == _naive(p, coders)


# ---------------------------------------------------------------------- group readings and dialogue memos
def _disputed(tmp_path: Path) -> wb.Project:
    p = _project(tmp_path / "p")
    p.code("a", 0, 10, "hope", "ana", note="ana's reading")
    p.code("a", 3, 12, "hope", "ben")
    p.code("a", 20, 30, "reciprocity", "ben")
    return p


def test_group_reading_stands_beside_individual_codings(tmp_path):
    p = _disputed(tmp_path)
    individual = p.codings().drop(columns=["created_at"])
    files = {f.name: f.read_bytes() for f in (p.path / "events" / "codings").glob("*.jsonl")}
    d = disagreements(p)
    ids = record_group_reading(p, "group:tuesday", d.iloc[[0]], note="we agreed it starts at 0")
    again = record_group_reading(p, "group:tuesday", [{"narrative_id": "a", "start": 0, "end": 3, "code": "hope"},
                                                      {"narrative_id": "a", "start": 0, "end": 12, "code": "hope"}])
    assert again[0] == ids[0] and again[1] not in ids  # the same passage is not coded twice
    group = p.codings(coder="group:tuesday")
    assert sorted(zip(group["start"], group["end"])) == [(0, 3), (0, 12)]
    # nobody's own codings or files changed; both readings remain in analysis
    assert p.codings(coder=["ana", "ben"]).drop(columns=["created_at"]).equals(individual)
    for name, data in files.items():
        assert (p.path / "events" / "codings" / name).read_bytes() == data
    reopened = wb.open_project(p.path)
    assert set(reopened.codings()["coder"]) == {"ana", "ben", "group:tuesday"}
    assert (p.path / "events" / "codings" / "group%3Atuesday.jsonl").exists()
    assert disagreements(reopened).equals(d)  # the default comparison leaves group readings out
    with_group = wb.agreement.unit_agreement(reopened, coders=["ana", "ben", "group:tuesday"])
    assert with_group.attrs["coders"] == ["ana", "ben", "group:tuesday"]


@pytest.mark.parametrize("name", ["tuesday", "group:", "group: ", "Group:tuesday", None, "group:a/b"])
def test_group_names_must_start_with_group_and_nothing_is_written(tmp_path, name):
    p = _disputed(tmp_path)
    before = sorted(f.name for f in (p.path / "events" / "codings").iterdir())
    with pytest.raises(CoderNameError):
        record_group_reading(p, name, [{"narrative_id": "a", "start": 0, "end": 3, "code": "hope"}])
    assert sorted(f.name for f in (p.path / "events" / "codings").iterdir()) == before


def test_group_reading_refuses_bad_rows_before_writing(tmp_path):
    p = _disputed(tmp_path)
    with pytest.raises(AgreementError, match="narrative_id, start, end, code"):
        record_group_reading(p, "group:x", [{"narrative_id": "a", "start": 0, "end": 3}])
    with pytest.raises(WorkbenchError):
        record_group_reading(p, "group:x", [{"narrative_id": "a", "start": 0, "end": 3, "code": "hope"},
                                            {"narrative_id": "a", "start": 5, "end": 99, "code": "hope"}])
    assert p.codings(coder="group:x").empty
    assert record_group_reading(p, "group:x", []) == []


def test_dialogue_memo_names_who_took_part(tmp_path):
    from workbench.widgets.disagreement import disagreement_explorer

    p = _disputed(tmp_path)
    w = disagreement_explorer(p, coder="sam")
    try:
        row = w.current
        memo_id = w.memo("Ana heard hope from the first word; Ben from the third.", participants=["ana", "ben", "sam"])
        with pytest.raises(WorkbenchError, match="names who took part"):
            w.memo("nobody was there", participants=[])
    finally:
        w.close()
    memo = wb.open_project(p.path).memos(kind="dialogue").set_index("memo_id").loc[memo_id]
    assert memo["participants"] == ["ana", "ben", "sam"]
    assert (memo["coder"], memo["narrative_id"], memo["code"]) == ("sam", row["narrative_id"], row["code"])
    assert memo["title"] == f"On “{row['code']}”, characters {row['start']}–{row['end']}"
    line = json.loads((p.path / "events" / "memos" / "sam.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert line["kind"] == "dialogue" and line["participants"] == ["ana", "ben", "sam"]


# ---------------------------------------------------------------------- charts
def _charted(tmp_path: Path) -> wb.Project:
    p = _project(tmp_path / "p", {"a": TEXT, "b": TEXT, "c": "Quiet words nobody may quote here."})
    p.set_attributes("a", setting="peer group")
    p.set_attributes("b", setting="warm line")
    p.set_attributes("c", setting="warm line")
    p.set_consent("c", "restricted")
    for coder, shift in (("ana", 0), ("ben", 3), ("cleo", 6)):
        p.code("a", shift, 10 + shift, "hope", coder)
        p.code("b", 20, 30, "reciprocity" if coder != "cleo" else "safety", coder)
        p.code("c", 0, 11 + shift, "safety", coder)
    p.code("b", 0, 5, "hope", "ana")
    return p


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _datasets(spec: dict) -> list[list[dict]]:
    return list((spec.get("datasets") or {}).values())


def test_agreement_chart_has_reference_lines_tooltips_and_codebook_colours(tmp_path):
    p = _charted(tmp_path)
    spec = charts.agreement_chart(p).to_dict()  # altair validates against the Vega-Lite schema
    rows = [r for data in _datasets(spec) for r in data]
    assert {r.get("at") for r in rows if "at" in r} == {0.667, 0.8}
    bars = [r for r in rows if "value" in r]
    table = wb.agreement.unit_agreement(p)
    assert {r["code"]: r["value"] for r in bars} == pytest.approx(
        table["krippendorff_alpha"].dropna().to_dict())
    colors = {r["code"]: r["color"] for r in bars}
    assert all(colors[c] == p.codebook.color_map()[c] for c in colors if c != "overall")
    assert "Krippendorff's alpha per code" in _json(spec["title"])
    assert any("tooltip" in layer.get("encoding", {}) for layer in spec["layer"])
    boot = charts.agreement_chart(wb.agreement.bootstrap(p, n=200, seed=1), project=p).to_dict()
    assert "bootstrap intervals" in _json(boot["title"])
    assert any(r.get("ci_low") is not None for data in _datasets(boot) for r in data)
    with pytest.raises(WorkbenchError, match="no column"):
        charts.agreement_chart(wb.agreement.unit_agreement(p), measure="nonsense")


def test_pairwise_agreement_equals_unit_agreement_for_each_pair(tmp_path):
    p = _charted(tmp_path)
    for code in (None, "hope"):
        pairs = charts.pairwise_agreement(p, code=code, unit="narrative")
        for a, b in (("ana", "ben"), ("ana", "cleo"), ("ben", "cleo")):
            row = pairs[(pairs["coder_a"] == a) & (pairs["coder_b"] == b)].iloc[0]
            mirror = pairs[(pairs["coder_a"] == b) & (pairs["coder_b"] == a)].iloc[0]
            direct = wb.agreement.unit_agreement(p, unit="narrative", coders=[a, b]).loc[code or "overall"]
            assert row["value"] == pytest.approx(direct["krippendorff_alpha"], nan_ok=True)
            assert row["percent"] == pytest.approx(direct["percent"])
            assert row["n_units"] == direct["n_units"] and mirror["value"] == pytest.approx(row["value"], nan_ok=True)
    spec = charts.coder_pair_heatmap(p, code="hope").to_dict()
    assert "on “hope”" in _json(spec["title"])


def test_disagreement_map_aggregates_and_never_quotes(tmp_path):
    p = _charted(tmp_path)
    d = disagreements(p)
    for by in ("narrative", "position", "setting"):
        spec = charts.disagreement_map(p, by=by).to_dict()
        text = _json(spec)
        assert "Quiet words" not in text and "nobody may quote" not in text
        rows = [r for data in _datasets(spec) for r in data]
        assert 0 < len(rows) <= 100
        if by == "narrative":
            got = {(r["column"], r["code"]): (r["characters"], r["stretches"]) for r in rows}
            want = d.assign(chars=d["end"] - d["start"]).groupby(["narrative_id", "code"]).agg(
                chars=("chars", "sum"), n=("chars", "size"))
            assert got == {k: (int(v.chars), int(v.n)) for k, v in want.iterrows()}
            shares = {(r["column"], r["code"]): r["share"] for r in rows}
            assert shares[("a", "hope")] == pytest.approx(12 / 50)
        if by == "position":
            total = sum(r["characters"] for r in rows)
            assert abs(total - int((d["end"] - d["start"]).sum())) <= len(rows)  # rounded per cell
    with pytest.raises(WorkbenchError, match="attribute"):
        charts.disagreement_map(p, by="region")
    quiet = _project(tmp_path / "q")
    quiet.code("a", 0, 5, "hope", "ana")
    quiet.code("a", 0, 5, "hope", "ben")
    with pytest.raises(WorkbenchError, match="no disagreements"):
        charts.disagreement_map(quiet)


def test_charts_render_to_png_offline(tmp_path):
    p = _charted(tmp_path)
    chart = charts.agreement_chart(p) & charts.coder_pair_heatmap(p) & charts.disagreement_map(p)
    target = tmp_path / "dialogue.png"
    chart.save(str(target))
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
