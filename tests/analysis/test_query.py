"""The shared, checked questions of workbench.query, on the hand-counted project of conftest.py."""

from __future__ import annotations

import warnings

import pytest

import workbench as wb
from workbench import errors, query
from workbench.names import counted_coders


def test_as_list_keeps_order_and_drops_repeats_only_when_asked():
    assert query.as_list(None) is None
    assert query.as_list("A") == ["A"]
    assert query.as_list(("B", "A", "B")) == ["B", "A", "B"]
    assert query.as_list(("B", "A", "B"), unique=True) == ["B", "A"]


def test_code_order_lists_active_codes_then_others_sorted(hand):
    assert query.code_order(hand) == ["parent", "A", "B", "C"]
    assert query.code_order(hand, ["zeta", "C", "alpha"]) == ["parent", "A", "B", "C", "alpha", "zeta"]


def test_expand_codes_checks_names_and_adds_children(hand):
    assert query.expand_codes(hand, ["parent"]) == ["parent"]
    assert query.expand_codes(hand, ["parent", "A"], include_children=True) == ["parent", "A", "B"]
    with pytest.raises(errors.UnknownCodeError, match="no code 'nope'"):
        query.expand_codes(hand, ["nope"])


def test_check_codes_names_what_is_wrong(hand):
    query.check_codes(hand, ["A", "C"])
    with pytest.raises(errors.UnknownCodeError):
        query.check_codes(hand, ["nope"])
    with pytest.raises(errors.UnknownCodeError, match="text"):
        query.check_codes(hand, [3])


def test_checked_codings_refuses_misspelt_filters(hand):
    assert len(query.checked_codings(hand, coder="ben", narrative="a")) == 2
    with pytest.raises(query.AnalysisError, match="No coder called 'bne'"):
        query.checked_codings(hand, coder="bne")
    with pytest.raises(errors.UnknownNarrativeError):
        query.checked_codings(hand, narrative="zz")
    assert query.AnalysisError is wb.analysis.AnalysisError


def test_with_dimension_and_narrative_column(hand):
    frame, column = query.with_dimension(hand, hand.codings(), "setting")
    assert column == "setting"
    assert set(frame.loc[frame["narrative_id"] == "b", "setting"]) == {"ward"}
    assert query.with_dimension(hand, hand.codings(), "narrative")[1] == "narrative_id"
    assert query.narrative_column(hand, "id") == "id"
    with pytest.raises(query.AnalysisError, match="attributes here"):
        query.narrative_column(hand, "colour")


def test_with_ancestors_counts_each_coding_under_its_parents(hand):
    frame = hand.codings()
    grown = query.with_ancestors(hand, frame)
    under_parent = int((frame["code"].isin(["A", "B"])).sum())
    assert int((grown["code"] == "parent").sum()) == under_parent
    assert len(grown) == len(frame) + under_parent


def test_restricted_narratives(hand):
    assert query.restricted_narratives(hand) == {"b"}


def test_human_coders_keep_groups_and_leave_machines_out(hand):
    hand.code("a", 0, 5, "A", coder="group:tue")
    wb.analysis.autocode(hand, "x+", "C")
    assert wb.analysis.human_coders(hand) == counted_coders(hand.coders, groups=True) == ["ana", "ben", "group:tue"]
    assert wb.agreement.dialogue.default_coders(hand) == ["ana", "ben"]


def test_agreement_charts_moved_to_charts_with_a_warning():
    with pytest.warns(DeprecationWarning, match="moved to wb.charts"):
        old = wb.agreement.charts
    assert old is wb.charts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from workbench.agreement import charts
    assert charts.agreement_chart is wb.charts.agreement_chart
    assert wb.charts.pairwise_agreement is wb.agreement.pairwise_agreement
    with pytest.raises(AttributeError):
        wb.agreement.no_such_name  # noqa: B018


def test_old_public_names_still_resolve():
    from workbench.consent import RESTRICTED

    assert wb.analysis.RESTRICTED == RESTRICTED == "[restricted]"
    assert wb.analysis.AUTO_PREFIX == "auto:"
    assert wb.agreement.dialogue.GROUP_PREFIX == "group:"
    assert wb.charts.MAX_ROWS == 4500
