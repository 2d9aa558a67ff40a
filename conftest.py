"""Doctests: every docstring example in ``workbench/`` runs in ``make test``.

Each example runs in a fresh temporary folder, with these names ready, so examples read
the way a notebook does:

- ``wb``: the workbench; ``pd``, ``np``: pandas and numpy;
- ``p``: a fresh copy of the sample project (made only for examples that use it);
- ``nid``: a narrative id of the sample (``"kitchen-table"``), ``cid``: one of ana's coding ids.
"""

from __future__ import annotations

import re

import pytest
from _pytest.doctest import DoctestItem

_USES_PROJECT = re.compile(r"\b(p|cid)\b")


@pytest.fixture(autouse=True)
def _doctest_world(request, doctest_namespace, tmp_path, monkeypatch):
    if not isinstance(request.node, DoctestItem):
        yield
        return
    import numpy as np
    import pandas as pd

    import workbench as wb

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_JOURNAL_HOME", str(tmp_path / "home" / "journals"))  # private journals
    doctest_namespace.update(wb=wb, pd=pd, np=np, nid="kitchen-table")
    source = "".join(example.source for example in request.node.dtest.examples)
    if _USES_PROJECT.search(source):
        p = wb.sample_project(copy_to=tmp_path / "sample")
        doctest_namespace.update(p=p, cid=str(p.codings(coder="ana")["coding_id"].iloc[0]))
    yield
