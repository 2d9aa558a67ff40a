"""Intercoder agreement: coefficients for coded units and for unitized text, and where readings differ.

Plain-data coefficients (lists, arrays, DataFrames in; floats out) are in
:mod:`~workbench.agreement.measures` and :mod:`~workbench.agreement.unitizing`; a project's
corpus is compared in :mod:`~workbench.agreement.corpus` (units of text, per code and per pair),
:mod:`~workbench.agreement.spans` (the spans themselves) and
:mod:`~workbench.agreement.resampling` (bootstrap intervals); :mod:`~workbench.agreement.dialogue`
finds the places where readings differ. Pictures of all of these are in ``wb.charts``.
See ``docs/agreement.md`` for which coefficient answers which question.

>>> table = wb.agreement.unit_agreement(p, unit="paragraph")
>>> table.index[-1]
'overall'
"""

import importlib
import warnings
from typing import Any

from workbench.agreement.corpus import pairwise_agreement, text_units, unit_agreement
from workbench.agreement.dialogue import disagreements, record_group_reading
from workbench.agreement.groups import agreement_by
from workbench.agreement.measures import (
    AgreementError,
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from workbench.agreement.resampling import bootstrap
from workbench.agreement.spans import span_agreement
from workbench.agreement.unitizing import unitized_alpha, unitized_disagreement_2004

__all__ = [
    "AgreementError",
    "agreement_by",
    "bootstrap",
    "brennan_prediger",
    "cohen_kappa",
    "coincidence_matrix",
    "disagreements",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "pairwise_agreement",
    "percent_agreement",
    "record_group_reading",
    "scott_pi",
    "span_agreement",
    "text_units",
    "unit_agreement",
    "unitized_alpha",
    "unitized_disagreement_2004",
]

# The agreement charts moved up to the charts layer. Agreement sits below charts, so it forwards
# to them only on request (importlib, never an import statement) and says where they live now.
_MOVED = {"charts": "workbench.charts"}


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module 'workbench.agreement' has no attribute {name!r}")
    warnings.warn(f"wb.agreement.{name} moved to wb.charts (e.g. wb.charts.agreement_chart); "
                  "the old name goes after 2027-06-30.", DeprecationWarning, stacklevel=2)
    return importlib.import_module(_MOVED[name])
