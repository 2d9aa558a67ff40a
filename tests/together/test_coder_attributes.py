"""Coder attributes: recorded as events, shown as a frame, used as a dimension (``coder_role``) everywhere."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import workbench as wb
from workbench.errors import WorkbenchError
from workbench.query import AnalysisError

ROLES = {"ana": "peer worker", "ben": "peer worker", "chipo": "researcher"}


@pytest.fixture
def roles(sample: wb.Project) -> wb.Project:
    for name, role in ROLES.items():
        sample.set_coder_attributes(name, role=role, by="facilitator")
    sample.set_coder_attributes("ana", years="6")  # ana says this herself
    return sample


def test_attributes_are_events_and_a_frame_without_gaps(roles: wb.Project) -> None:
    frame = wb.open_project(roles.path).coder_attributes
    assert frame.index.tolist() == ["ana", "ben", "chipo"]
    assert frame["role"].to_dict() == ROLES
    assert frame["years"].tolist() == ["6", "(not set)", "(not set)"]
    assert not frame.isna().any().any()
    lines = (roles.path / "events" / "coders" / "facilitator.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["person"] for line in lines] == ["ana", "ben", "chipo"]
    assert (roles.path / "events" / "coders" / "ana.jsonl").exists()
    roles.set_coder_attributes("chipo", role="family member", by="chipo")  # the latest word counts
    assert roles.coder_attributes.loc["chipo", "role"] == "family member"
    with pytest.raises(WorkbenchError, match="at least one attribute"):
        roles.set_coder_attributes("ana")


def test_frequencies_and_matrix_by_coder_role(roles: wb.Project) -> None:
    counts = wb.analysis.frequencies(roles, by="coder_role")
    codings = roles.codings()
    expected = codings.assign(coder_role=codings["coder"].map(ROLES)).groupby(["code", "coder_role"]).size()
    got = counts.set_index(["code", "coder_role"])["codings"]
    assert got.loc[expected.index].tolist() == expected.tolist()
    table = wb.analysis.matrix(roles, rows="code", columns="coder_role")
    assert list(table.columns) == ["peer worker", "researcher"]
    assert int(table.to_numpy().sum()) == len(codings)
    with pytest.raises(AnalysisError, match="No coder attribute 'age'"):
        wb.analysis.frequencies(roles, by="coder_age")


def test_agreement_within_and_across_roles(roles: wb.Project) -> None:
    table = wb.agreement.agreement_by(roles, by="coder_role", unit="paragraph")
    assert table["group"].tolist() == ["peer worker", "researcher", "peer worker | researcher"]
    within = wb.agreement.unit_agreement(roles, unit="paragraph", coders=["ana", "ben"]).loc["overall"]
    assert table.loc[0, "value"] == pytest.approx(within["krippendorff_alpha"])
    assert pd.isna(table.loc[1, "value"])  # one researcher: nobody to agree with
    pairs = wb.agreement.pairwise_agreement(roles, unit="paragraph")
    cross = pairs[pairs["coder_a"].isin(["ana", "ben"]) & (pairs["coder_b"] == "chipo")]["value"].mean()
    assert table.loc[2, "value"] == pytest.approx(cross)


def test_charts_take_the_coder_role(roles: wb.Project) -> None:
    chart = wb.charts.frequency_heatmap(roles, by="coder_role")
    spec = chart.to_dict()
    assert "coder_role" in json.dumps(spec)
