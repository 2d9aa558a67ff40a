"""Every test here works in a throw-away learner home: never a learner's ``~/narrative-workbench``."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _throwaway_learner_home(tmp_path_factory: pytest.TempPathFactory):
    saved = {key: os.environ.get(key) for key in ("WORKBENCH_LEARNER_HOME", "WORKBENCH_WORKSHOPS")}
    os.environ["WORKBENCH_LEARNER_HOME"] = str(tmp_path_factory.mktemp("learner-home"))
    os.environ.pop("WORKBENCH_WORKSHOPS", None)  # a server's live workshops are never a test's
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
