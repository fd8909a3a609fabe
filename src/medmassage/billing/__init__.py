"""Billing: timed-code units, coding edits and plan-of-care compliance.

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
review, never blocks. `plan_of_care_status` checks a plan of care against
Medicare's certification and progress-report rules and a referral's limits.
"""

from __future__ import annotations

from typing import Final

from . import _billing
from ._billing import (
    BillingPolicy,
    Certification,
    CmsEightMinuteRule,
    CodingEdit,
    ComplianceFinding,
    PerCodeMidpointRule,
    PlanOfCarePolicy,
    PlanOfCareStatus,
    PolicyDiscovery,
    PolicyEntryPoint,
    PolicyLoadReport,
    SessionBill,
    bill_session,
    coding_edits,
    daily_units,
    diagnosis_edits,
    discover_billing_policies,
    get_billing_policy,
    load_billing_policies,
    plan_of_care_status,
    session_minutes,
    session_units,
    timed_units,
    total_units_for_minutes,
)

# Constants are bound here, not imported, so that the API reference documents
# them (autodoc reads ``#:`` comments from this module's source).

#: The entry-point group billing-policy plugins register under.
BILLING_POLICY_GROUP: Final = _billing.BILLING_POLICY_GROUP
#: The billing-policy API version this medmassage supports.
BILLING_POLICY_API_VERSION: Final = _billing.BILLING_POLICY_API_VERSION
#: The CMS 8-minute rule (policy ``cms``).
CMS_8_MINUTE_RULE: Final = _billing.CMS_8_MINUTE_RULE
#: The per-code mid-point rule (policy ``per_code``).
PER_CODE_MIDPOINT: Final = _billing.PER_CODE_MIDPOINT
#: Medicare Part B outpatient therapy rules (Benefit Policy Manual ch. 15 s. 220):
#: certification within 30 days of the first treatment (s. 220.1.3), valid for
#: the plan's duration or 90 calendar days, whichever is less (s. 220.1.3),
#: a progress report at least once every 10 treatment days (s. 220.3 D).
MEDICARE_PLAN_OF_CARE: Final = _billing.MEDICARE_PLAN_OF_CARE

__all__ = [
    "BILLING_POLICY_API_VERSION",
    "BILLING_POLICY_GROUP",
    "CMS_8_MINUTE_RULE",
    "MEDICARE_PLAN_OF_CARE",
    "PER_CODE_MIDPOINT",
    "BillingPolicy",
    "Certification",
    "CmsEightMinuteRule",
    "CodingEdit",
    "ComplianceFinding",
    "PerCodeMidpointRule",
    "PlanOfCarePolicy",
    "PlanOfCareStatus",
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
    "plan_of_care_status",
    "session_minutes",
    "session_units",
    "timed_units",
    "total_units_for_minutes",
]
