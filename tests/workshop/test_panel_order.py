"""The facilitator's live panel lists the places where readings differ largest count first."""

from __future__ import annotations

import re

import pandas as pd

from workbench.workshop._panel import panel_html


class _Workshop:
    name, code = "Tuesday", "oak-fern-12"

    def progress(self) -> pd.DataFrame:
        return pd.DataFrame({"codings": [3], "stories": [1], "memos": [0]}, index=["Ana"])

    def differences(self) -> pd.DataFrame:
        # as Workshop.differences gives them: most characters first, which is not most places first
        return pd.DataFrame({"title": ["Kettle", "Bus", "Tea", "Bus", "Door", "Attic"],
                             "code": ["hope", "reciprocity", "hope", "barriers", "hope", "hope"],
                             "stretches": [7, 6, 6, 3, 7, 1], "characters": [900, 800, 700, 600, 500, 400]})


def test_the_panel_lists_differences_largest_count_first_then_by_title() -> None:
    page = panel_html(_Workshop())
    listed = re.findall(r"<li>([^:]+): <b>([^<]+)</b> \((\d+) place", page)
    assert [(t, c, int(n)) for t, c, n in listed] == [
        ("Door", "hope", 7), ("Kettle", "hope", 7), ("Bus", "reciprocity", 6), ("Tea", "hope", 6),
        ("Bus", "barriers", 3)]
    assert "Places where readings differ: <b>30</b>" in page and "most places first" in page
