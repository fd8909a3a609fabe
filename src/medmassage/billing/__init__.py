"""Billing: timed-code units and coding edits.

Timed CPT codes (97124 massage, 97140 manual therapy, ...) are billed in
15-minute units. How minutes become units is a payer's rule, so it is a
*billing policy*: an object with a ``name``, an ``api_version`` and a
``units(minutes_by_code)`` method. Two are built in:

* ``cms``: the CMS "8-minute rule" (Medicare Claims Processing Manual, IOM
  100-04, ch. 5 s. 20.2 C, in force since transmittal AB-00-14, 2000-04-01);
* ``per_code``: the CPT mid-point rule applied to each code on its own, as many
  commercial payers do.

Others come from plugins through the entry-point group
``medmassage.billing_policies`` (`discover_billing_policies`).

>>> timed_units({"97112": 24, "97110": 23})
{'97112': 2, '97110': 1}
>>> timed_units({"97112": 10, "97110": 10}, policy="per_code")
{'97112': 1, '97110': 1}

Coding edits (`coding_edits`, `diagnosis_edits`) are warnings for a person to
review, never blocks. `bill_session` gives a session's units and edits together.

Plan-of-care compliance (certification, progress reports, a referral's limits)
is `medmassage.plan_of_care`; its names are still importable from here.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Final

# Plan-of-care compliance moved to medmassage.plan_of_care; importable from here
# as before, but no longer part of this module's API (not in __all__). Its
# Certification, renamed PlanCertification, is served by __getattr__ below.
from ..plan_of_care import MEDICARE_PLAN_OF_CARE as MEDICARE_PLAN_OF_CARE
from ..plan_of_care import ComplianceFinding as ComplianceFinding
from ..plan_of_care import PlanOfCarePolicy as PlanOfCarePolicy
from ..plan_of_care import PlanOfCareStatus as PlanOfCareStatus
from ..plan_of_care import plan_of_care_status as plan_of_care_status
from . import _policies
from ._bill import SessionBill, bill_session
from ._discovery import (
    PolicyDiscovery,
    PolicyEntryPoint,
    PolicyLoadReport,
    discover_billing_policies,
    get_billing_policy,
    load_billing_policies,
)
from ._edits import CodingEdit, coding_edits, diagnosis_edits
from ._policies import (
    BillingPolicy,
    CmsEightMinuteRule,
    PerCodeMidpointRule,
    total_units_for_minutes,
)
from ._units import daily_units, session_minutes, session_units, timed_units

if TYPE_CHECKING:
    # What type checkers see of the deprecated name that __getattr__ serves.
    from ..plan_of_care import PlanCertification

    Certification = PlanCertification

# Constants are bound here, not imported, so that the API reference documents
# them (autodoc reads ``#:`` comments from this module's source).

#: The entry-point group billing-policy plugins register under.
BILLING_POLICY_GROUP: Final = _policies.BILLING_POLICY_GROUP
#: The billing-policy API version this medmassage supports.
BILLING_POLICY_API_VERSION: Final = _policies.BILLING_POLICY_API_VERSION
#: The CMS 8-minute rule (policy ``cms``).
CMS_8_MINUTE_RULE: Final = _policies.CMS_8_MINUTE_RULE
#: The per-code mid-point rule (policy ``per_code``).
PER_CODE_MIDPOINT: Final = _policies.PER_CODE_MIDPOINT

__all__ = [
    "BILLING_POLICY_API_VERSION",
    "BILLING_POLICY_GROUP",
    "CMS_8_MINUTE_RULE",
    "PER_CODE_MIDPOINT",
    "BillingPolicy",
    "CmsEightMinuteRule",
    "CodingEdit",
    "PerCodeMidpointRule",
    "PolicyDiscovery",
    "PolicyEntryPoint",
    "PolicyLoadReport",
    "SessionBill",
    "bill_session",
    "coding_edits",
    "daily_units",
    "diagnosis_edits",
    "discover_billing_policies",
    "get_billing_policy",
    "load_billing_policies",
    "session_minutes",
    "session_units",
    "timed_units",
    "total_units_for_minutes",
]


def __getattr__(name: str) -> object:
    """Serve the deprecated ``Certification``: `medmassage.plan_of_care.PlanCertification`."""
    if name == "Certification":
        from ..plan_of_care import PlanCertification

        warnings.warn(
            "medmassage.billing.Certification is deprecated: use "
            "medmassage.plan_of_care.PlanCertification (a plan of care's certification; "
            "medmassage.Certification is a practitioner's)",
            DeprecationWarning,
            stacklevel=2,
        )
        return PlanCertification
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
