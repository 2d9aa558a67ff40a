"""Intercoder agreement: coefficients for coded units and for unitized text.

Plain-data functions (lists, arrays, DataFrames in; floats out). See
``docs/agreement.md`` for which coefficient answers which question.
"""

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
from workbench.agreement.project import bootstrap, span_agreement, text_units, unit_agreement
from workbench.agreement.unitizing import unitized_alpha, unitized_disagreement_2004
from workbench.agreement.dialogue import disagreements, record_group_reading

__all__ = [
    "AgreementError",
    "bootstrap",
    "brennan_prediger",
    "cohen_kappa",
    "coincidence_matrix",
    "disagreements",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "record_group_reading",
    "scott_pi",
    "span_agreement",
    "text_units",
    "unit_agreement",
    "unitized_alpha",
    "unitized_disagreement_2004",
]
