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
``medmassage.billing_policies``, loaded by the one plugin registry
(`medmassage.plugins`): every function here that takes a policy *name* looks it
up in ``registry`` (default: `medmassage.plugins.get_default_registry`), and a
modality's CPT code comes from the registry's modality (a plugin modality that
declares ``cpt_code="97140"`` is billed under it).

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

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

# Plan-of-care compliance moved to medmassage.plan_of_care; importable from here
# as before, but no longer part of this module's API (not in __all__). Its
# Certification, renamed PlanCertification, is served by __getattr__ below.
from ..plan_of_care import MEDICARE_PLAN_OF_CARE as MEDICARE_PLAN_OF_CARE
from ..plan_of_care import ComplianceFinding as ComplianceFinding
from ..plan_of_care import PlanOfCarePolicy as PlanOfCarePolicy
from ..plan_of_care import PlanOfCareStatus as PlanOfCareStatus
from ..plan_of_care import plan_of_care_status as plan_of_care_status
from . import _bill, _edits, _policies, _units
from ._bill import SessionBill
from ._edits import CodingEdit, diagnosis_edits
from ._policies import (
    BillingPolicy,
    CmsEightMinuteRule,
    PerCodeMidpointRule,
    check_policy,
    total_units_for_minutes,
)

if TYPE_CHECKING:
    from ..modalities import Modality

    # What type checkers see of the deprecated name that __getattr__ serves.
    from ..plan_of_care import PlanCertification
    from ..plugins import Registry
    from ..sessions import Session
    from ..units import Duration

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
    "SessionBill",
    "bill_session",
    "coding_edits",
    "daily_units",
    "diagnosis_edits",
    "get_billing_policy",
    "session_minutes",
    "session_units",
    "timed_units",
    "total_units_for_minutes",
]


_REMOVED: Final = {
    "discover_billing_policies": "medmassage.plugins.discover()",
    "load_billing_policies": "medmassage.plugins.get_default_registry().billing_policies "
    "(failures: .failures)",
    "PolicyDiscovery": "medmassage.plugins.PluginInfo",
    "PolicyEntryPoint": "medmassage.plugins.PluginInfo",
    "PolicyLoadReport": "medmassage.plugins.Registry",
}


def _registry(registry: Registry | None) -> Registry:
    if registry is None:
        from ..plugins import get_default_registry

        return get_default_registry()
    return registry


def _modalities(registry: Registry | None) -> Mapping[str, Modality]:
    return _registry(registry).modalities


def get_billing_policy(
    policy: str | BillingPolicy = "cms", *, registry: Registry | None = None
) -> BillingPolicy:
    """Return a billing policy by name, or check a policy object.

    A name is looked up in *registry* (default: the default registry, which holds
    ``cms``, ``per_code`` and every installed billing-policy plugin); an object is
    checked against the `BillingPolicy` protocol and returned.

    >>> get_billing_policy("per_code").name
    'per_code'

    Raises:
        UnknownCodeError: If no policy has that name (the hint lists the names
            available).
        PluginError: If the named plugin failed to load (the message names
            ``distribution[entry-point]``), or the object is not a valid policy.
    """
    if not isinstance(policy, str):
        return check_policy(policy)
    return _registry(registry).billing_policy(policy)


def timed_units(
    minutes_by_code: Mapping[str, int | Duration],
    policy: str | BillingPolicy = "cms",
    *,
    registry: Registry | None = None,
) -> dict[str, int]:
    """Return the units to bill for each timed CPT code.

    Args:
        minutes_by_code: Minutes of each timed CPT code, as whole minutes (an
            `int`) or a `Duration` (counted to the second).
        policy: A policy name (``"cms"``, ``"per_code"``, a plugin's name) or a
            policy object.
        registry: Where to look a policy name up (default: the default registry).

    Returns:
        Units per code, in the input's order, with every input code present
        (0 when a code is not billed).

    Raises:
        ValidationError: If a key is not a CPT code, is an untimed code (97010,
            97161-97163), or a value is not non-negative minutes.
        UnknownCodeError: If no policy has that name.
        PluginError: If a plugin policy failed to load or returns a malformed result.
    """
    return _units.timed_units(minutes_by_code, get_billing_policy(policy, registry=registry))


def session_minutes(
    session: Session,
    mapping: Mapping[str, str | None] | None = None,
    *,
    registry: Registry | None = None,
) -> dict[str, Duration]:
    """Return the minutes of each CPT code in a session, from its technique segments.

    Each segment's modality is mapped to its CPT code (`medmassage.cpt.cpt_for_modality`:
    *mapping*, then the code the registered modality declares, then the default
    mapping); segments mapped to ``None`` are not timed-code time. A session that
    did not take place has no minutes.

    Raises:
        UnknownCodeError: If a segment's modality has no CPT code.
    """
    return _units.session_minutes(session, mapping, _modalities(registry))


def session_units(
    session: Session,
    policy: str | BillingPolicy = "cms",
    mapping: Mapping[str, str | None] | None = None,
    *,
    registry: Registry | None = None,
) -> dict[str, int]:
    """Return the units per CPT code for a session (`session_minutes` then `timed_units`).

    CMS counts minutes per day: for a patient seen more than once on a day, use
    `daily_units`.

    >>> import datetime as dt
    >>> from medmassage.anatomy import BodyRegion
    >>> from medmassage.sessions import Session, TechniqueSegment
    >>> from medmassage.units import Duration
    >>> s = Session(
    ...     id="s1", patient_id="p1", practitioner_id="t1",
    ...     start=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc), duration=Duration(60, "min"),
    ...     segments=(
    ...         TechniqueSegment(modality="core.myofascial_release", region=BodyRegion.NECK,
    ...                          duration=Duration(35, "min")),
    ...         TechniqueSegment(modality="core.swedish", region=BodyRegion.THORACIC_SPINE,
    ...                          duration=Duration(7, "min")),
    ...     ),
    ... )
    >>> session_units(s)
    {'97140': 2, '97124': 1}

    Raises:
        UnknownCodeError: If a modality has no CPT code or the policy is unknown.
    """
    reg = _registry(registry)
    chosen = get_billing_policy(policy, registry=reg)
    return _units.session_units(session, chosen, mapping, reg.modalities)


def daily_units(
    sessions: Iterable[Session],
    policy: str | BillingPolicy = "cms",
    mapping: Mapping[str, str | None] | None = None,
    *,
    registry: Registry | None = None,
) -> dict[dt.date, dict[str, int]]:
    """Return the units per CPT code for each treatment day of one patient.

    CMS counts timed minutes per day, not per visit: "when more than one service
    represented by 15 minute timed codes is performed in a single day, the total
    number of minutes of service determines the number of timed units billed"
    (Medicare Claims Processing Manual ch. 5 s. 20.2 C). So a patient seen twice
    on one day for 10 minutes of 97140 each time bills one unit, not two: pool
    the day's sessions with this function rather than adding `session_units`.
    The day is the session's start date in its own time zone.

    Raises:
        ValidationError: If the sessions belong to more than one patient (path
            ``sessions[i].patient_id``).
        UnknownCodeError: If a modality has no CPT code or the policy is unknown.
    """
    reg = _registry(registry)
    chosen = get_billing_policy(policy, registry=reg)
    return _units.daily_units(sessions, chosen, mapping, reg.modalities)


def coding_edits(
    session: Session,
    *,
    mapping: Mapping[str, str | None] | None = None,
    claimed: Mapping[str, int | Duration] | None = None,
    registry: Registry | None = None,
) -> tuple[CodingEdit, ...]:
    """Review the coding of a session and return the edits found (warnings).

    Checks:

    * ``massage_and_manual_therapy_same_region``: 97124 and 97140 both coded for
      the same region (and side) in one session (expert consensus of coding
      sources: the official NCCI pair file was not checked; see
      `CodingEdit.evidence_level`).
    * ``minutes_counted_twice``: the *claimed* minutes of timed codes add up to
      more than the documented treatment minutes, so some minutes are claimed
      under two codes; or a code is claimed for more minutes than documented.
    * ``minutes_exceed_session``: the claimed (or documented) timed minutes
      exceed the session's length.

    Args:
        session: The session.
        mapping: Modality-to-CPT overrides (`medmassage.cpt.cpt_for_modality`).
        claimed: Minutes per CPT code as they are to be claimed, if they differ
            from what the segments document.
        registry: Where modalities' CPT codes come from (default: the default registry).
    """
    return _edits.coding_edits(session, mapping, claimed, _modalities(registry))


def bill_session(
    session: Session,
    *,
    policy: str | BillingPolicy = "cms",
    mapping: Mapping[str, str | None] | None = None,
    diagnoses: Iterable[object] = (),
    registry: Registry | None = None,
) -> SessionBill:
    """Work out a session's units per CPT code and review its coding.

    Args:
        session: The session.
        policy: The billing policy (name or object).
        mapping: Modality-to-CPT overrides.
        diagnoses: Diagnoses to be claimed with it, checked by `diagnosis_edits`.
        registry: Where the policy and the modalities' CPT codes come from
            (default: the default registry).

    Raises:
        UnknownCodeError: If a modality has no CPT code or the policy is unknown.
        PluginError: If a plugin policy fails.
    """
    reg = _registry(registry)
    chosen = get_billing_policy(policy, registry=reg)
    return _bill.bill_session(session, chosen, mapping, diagnoses, reg.modalities)


def __getattr__(name: str) -> object:
    """Serve the deprecated ``Certification``: `medmassage.plan_of_care.PlanCertification`."""
    replacement = _REMOVED.get(name)
    if replacement is not None:
        raise AttributeError(
            f"medmassage.billing.{name} was removed: billing policies are a group of the one "
            f"plugin registry; use {replacement}"
        )
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
