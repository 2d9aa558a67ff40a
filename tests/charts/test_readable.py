"""Charts that are easy to read: only used codes in legends, few colours, one time format."""

from __future__ import annotations

import re

import pytest

import workbench as wb
from workbench.charts import ChartError

C = wb.charts


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> wb.Project:
    return wb.sample_project(copy_to=tmp_path_factory.mktemp("readable") / "sample")


def test_coder_bars_show_only_used_codes_in_a_few_group_colours(sample):
    used = set(sample.codings()["code"])
    unused = set(sample.codebook.names) - used
    assert unused  # the sample has codes nobody used (the groups themselves, "naming the unnamed")
    grouped = C.coder_bars(sample).to_dict()
    color = grouped["encoding"]["color"]
    assert color["field"] == "group" and color["legend"]["title"] == "Code group"
    assert color["scale"]["domain"] == ["principles of peer support", "barriers", "community"]
    rows = next(iter(grouped["datasets"].values()))
    assert {r["code"] for r in rows} == used and all(r["codings"] > 0 for r in rows)
    assert "code" in {t["field"] for t in grouped["encoding"]["tooltip"]}  # each segment still says its code
    by_code = C.coder_bars(sample, color_by="code").to_dict()["encoding"]["color"]
    assert set(by_code["scale"]["domain"]) == used  # the legend lists only used codes
    with pytest.raises(ChartError):
        C.coder_bars(sample, color_by="shade")


def test_code_use_labels_every_period_in_one_format(sample):
    spec = C.code_use(sample, freq="W").to_dict()
    rows = next(iter(spec["datasets"].values()))
    labels = {r["when"] for r in rows}
    assert labels == {"2 Mar", "9 Mar"} and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", x) for x in labels)
    assert spec["spec"]["encoding"]["x"]["title"] == "Week starting"
    assert "color" in spec["spec"]["encoding"] and spec["spec"]["encoding"]["color"]["field"] == "share"
    assert {r["code"] for r in rows} == set(sample.codings()["code"])
    daily = next(iter(C.code_use(sample, freq="D").to_dict()["datasets"].values()))
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", r["when"]) for r in daily)
    monthly = next(iter(C.code_use(sample, freq="M").to_dict()["datasets"].values()))
    assert {r["when"] for r in monthly} == {"Mar 2026"}
