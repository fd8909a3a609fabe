"""Hypothesis strategies that generate valid medmassage objects.

Every strategy here generates only objects that pass validation, and between
them they exercise every field, optional ones included: names and contact
details, free-text notes in arbitrary Unicode, every unit a field accepts
(durations in ``s``/``min``/``h`` and their long names; pressures in kPa, Pa,
mmHg, kgf/cm², N/cm² and psi), any IANA or fixed-offset time zone, and the
amendment trail of signed sessions. Applications use them to property-test
their own code::

    from hypothesis import given
    from medmassage.testing import strategies as mst

    @given(mst.sessions())
    def test_my_export(session):
        ...

Composite objects are consistent with each other: ``sessions(plan)`` falls
inside the plan's dates and belongs to its patient, ``cases()`` returns a
patient, plan, practitioners and chronologically ordered sessions that
`medmassage.Case` accepts.

ICD-10-CM codes are drawn from `ICD10CM_CODES`, a small curated list of real
billable codes of the CMS ICD-10-CM release of April 1, 2026 (the tabular
list bundled with medmassage), so generated diagnoses also pass the code-set check.

Needs the ``testing`` extra (``pip install "medmassage[testing]"``).
"""

from __future__ import annotations

from typing import Final

from . import _base
from ._base import (
    aware_datetimes,
    codings,
    durations,
    free_text,
    icd10cm_codes,
    identifiers,
    keys,
    npis,
    pressures,
    time_zones,
)
from ._care import (
    adverse_reactions,
    cases,
    goals,
    outcome_measures,
    planned_techniques,
    sessions,
    soap_notes,
    technique_segments,
    treatment_plans,
    vital_signs,
)
from ._people import (
    certifications,
    conditions,
    contact_details,
    diagnoses,
    human_names,
    licenses,
    modalities,
    patients,
    practitioners,
    providers,
    referrals,
)

__all__ = [
    "DURATION_UNITS",
    "ICD10CM_CODES",
    "PRESSURE_UNITS",
    "adverse_reactions",
    "aware_datetimes",
    "cases",
    "certifications",
    "codings",
    "conditions",
    "contact_details",
    "diagnoses",
    "durations",
    "free_text",
    "goals",
    "human_names",
    "icd10cm_codes",
    "identifiers",
    "keys",
    "licenses",
    "modalities",
    "npis",
    "outcome_measures",
    "patients",
    "planned_techniques",
    "practitioners",
    "pressures",
    "providers",
    "referrals",
    "sessions",
    "soap_notes",
    "technique_segments",
    "time_zones",
    "treatment_plans",
    "vital_signs",
]

#: Duration units the strategies use, with their factor to minutes.
DURATION_UNITS: Final = _base.DURATION_UNITS

#: Real billable ICD-10-CM codes of the CMS release of April 1, 2026: low back
#: pain, neck pain, sciatica, radiculopathy, carpal tunnel, fibromyalgia, myalgia,
#: TMJ, headache, plantar fasciitis, lymphoedema, tendinitis/bursitis, muscle
#: spasm, aftercare and screening-relevant codes.
ICD10CM_CODES: Final = _base.ICD10CM_CODES

#: Pressure units the strategies use (pint spellings and the clinical shorthand).
PRESSURE_UNITS: Final = _base.PRESSURE_UNITS
