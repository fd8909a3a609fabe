"""Billing policies: how a payer turns timed minutes into units.

The `BillingPolicy` protocol, the CMS 8-minute rule and the per-code mid-point
rule, and the CMS table of units for a total of minutes. Public names are
documented in `medmassage.billing`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Final, Protocol, runtime_checkable

import attrs

from ..cpt import CPT_CODES, check_cpt_format
from ..evidence import EvidenceLevel
from ..exceptions import (
    PluginIncompatibleError,
    PluginValidationError,
    Problem,
    ValidationError,
)
from ..units import Duration

#: The entry-point group billing-policy plugins register under.
BILLING_POLICY_GROUP: Final = "medmassage.billing_policies"
#: The billing-policy API version this medmassage supports.
BILLING_POLICY_API_VERSION: Final = 1

_CMS_SOURCE: Final = (
    "Medicare Claims Processing Manual (IOM 100-04) ch. 5 s. 20.2 C, 'Counting Minutes "
    "for Timed Codes in 15 Minute Units'"
)

# -- minutes -------------------------------------------------------------------------


def _seconds(value: object, path: str, *, floats: bool = False) -> int:
    """Whole seconds from int minutes or a `Duration` (rounded to the nearest second).

    Float minutes are accepted only where *floats* is set (what policies receive).
    """
    if isinstance(value, Duration):
        seconds = value.minutes * 60
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value * 60
    elif floats and isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError([Problem(path, "expected finite minutes", "finite")])
        seconds = value * 60
    else:
        raise ValidationError(
            [Problem(path, "expected whole minutes (an int) or a Duration", "type")]
        )
    if seconds < 0:
        raise ValidationError([Problem(path, "expected minutes of at least 0", "range")])
    if seconds > 24 * 3600:
        raise ValidationError([Problem(path, "expected at most 24 hours", "range")])
    return round(seconds)


# Keys a message may repeat: short code-like strings only (never free text).
_KEY_SHOWN: Final = re.compile(r"^[0-9A-Za-z.\-_]{1,12}$")


def _seconds_by_code(
    minutes_by_code: Mapping[str, object], *, floats: bool = False
) -> dict[str, int]:
    if not isinstance(minutes_by_code, Mapping):
        raise ValidationError(
            [Problem("", "expected a mapping of CPT code to minutes", "type")], "timed minutes"
        )
    problems: list[Problem] = []
    out: dict[str, int] = {}
    for key, minutes in minutes_by_code.items():
        code: object = key
        where = f"[{code!r}]" if isinstance(code, str) and _KEY_SHOWN.match(code) else "[<key>]"
        try:
            code = check_cpt_format(code, where)
            known = CPT_CODES.get(code)
            if known is not None and not known.timed:
                raise ValidationError(
                    [Problem(where, "is an untimed code; bill it as one unit", "untimed_code")]
                )
            out[code] = _seconds(minutes, where, floats=floats)
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems, "timed minutes")
    return out


def total_units_for_minutes(minutes: int | Duration) -> int:
    """The units the CMS table gives for a total of timed minutes.

    0 below 8 minutes, then one unit per 15 minutes with the boundaries at
    8, 23, 38, 53 ... minutes (``units = (T + 7) // 15`` for T >= 8): the chart in
    the Medicare Claims Processing Manual ch. 5 s. 20.2 C.

    >>> [total_units_for_minutes(m) for m in (7, 8, 22, 23, 37, 38)]
    [0, 1, 1, 2, 2, 3]

    Raises:
        ValidationError: If *minutes* is not whole minutes or a `Duration` >= 0.
    """
    return _table_units(_seconds(minutes, "minutes"))


def _table_units(seconds: int) -> int:
    return 0 if seconds < 8 * 60 else (seconds + 7 * 60) // 900


# -- policies ------------------------------------------------------------------------


@runtime_checkable
class BillingPolicy(Protocol):
    """How a payer turns timed minutes into units.

    A plugin policy is any object with these members, registered under the
    entry-point group ``medmassage.billing_policies`` with its ``name`` as the
    entry point's name.
    """

    @property
    def name(self) -> str:
        """The policy's key (``cms``, ``per_code``, or a plugin's name)."""

    @property
    def api_version(self) -> int:
        """The billing-policy API version targeted (`BILLING_POLICY_API_VERSION`)."""

    def units(self, minutes_by_code: Mapping[str, float]) -> dict[str, int]:
        """Return the units for each CPT code given its minutes.

        *minutes_by_code* holds timed minutes (floats, exact to the second) of
        timed CPT codes. The result has the same keys; 0 means not billed.
        """


@attrs.frozen(kw_only=True, slots=True)
class CmsEightMinuteRule:
    """The CMS 8-minute rule for timed codes (Medicare; policy ``cms``).

    Source: Medicare Claims Processing Manual (IOM 100-04) ch. 5 s. 20.2 C,
    examples 1-5.

    1. The total timed minutes of the day decide the total units
       (`total_units_for_minutes`: 8-22 minutes 1 unit, 23-37 2 units, ...).
    2. Each code first gets one unit per full 15 minutes of its own. So a code
       done 15 minutes or more always gets at least one unit, 30 or more at
       least two, and no code gets more than its minutes round up to
       (``units <= ceil(minutes / 15)``).
    3. The units left over go, one each, to the codes with the most minutes
       left over after their full 15-minute blocks (a code done 7 minutes can
       win over the 3 minutes left of a 33-minute code, CMS example 3).

    Ties (CMS: "either code") are broken deterministically: more leftover
    minutes first, then more total minutes of the code (CMS: "assigning more
    timed units to the service that took the most time"), then the lower code
    in string order. The result does not depend on the order of the input.
    Minutes are counted to the second.
    """

    name: str = "cms"
    api_version: int = BILLING_POLICY_API_VERSION
    description: str = "CMS 8-minute rule: units from the total timed minutes"
    source: str = _CMS_SOURCE
    #: CMS's own manual, with its worked examples.
    evidence_level: EvidenceLevel = EvidenceLevel.GUIDELINE
    evidence_reason: str = "the Medicare Claims Processing Manual's rule and worked examples"

    def units(self, minutes_by_code: Mapping[str, float]) -> dict[str, int]:
        """Return the units per code under the CMS rule (see the class docstring).

        Raises:
            ValidationError: If a key is not a timed CPT code or a value is not
                non-negative minutes.
        """
        seconds = _seconds_by_code(minutes_by_code, floats=True)
        total = _table_units(sum(seconds.values()))
        result = {code: s // 900 for code, s in seconds.items()}
        remaining = total - sum(result.values())
        leftovers = sorted(
            (code for code, s in seconds.items() if s % 900),
            key=lambda code: (-(seconds[code] % 900), -seconds[code], code),
        )
        # remaining <= len(leftovers): the leftovers sum to L < 15 * len(leftovers)
        # and remaining = (L + 7) // 15.
        for code in leftovers[:remaining]:
            result[code] += 1
        return result


@attrs.frozen(kw_only=True, slots=True)
class PerCodeMidpointRule:
    """The CPT mid-point rule applied to each code separately (policy ``per_code``).

    Each code's own minutes are rounded: the first unit from 8 minutes (past the
    mid-point of 15), the second from 23, then one more per 15 minutes; minutes
    of different codes are never pooled. So two codes of 7 minutes bill nothing
    and two of 10 minutes bill a unit each.

    Sources: CPT's general rule "a unit of time is attained when the mid-point
    is passed" (quoted at ptcompliancegroup.com/blog/medicare-vs-ama-billing-
    guidelines); per-code application as commercial payers use it
    (mihamainc.com 8-minute-rule white paper; prompthealth.com/blog/ama-rule;
    therapycomply.com 2023-01-11). The primary text is the AMA's *CPT
    Professional* (time rule of the introduction); the per-code reading comes
    from coding consultants, so its evidence level is expert consensus. Payers
    differ: check the payer's contract.
    """

    name: str = "per_code"
    api_version: int = BILLING_POLICY_API_VERSION
    description: str = "CPT mid-point rule applied to each code's own minutes"
    source: str = (
        "AMA, CPT Professional, time rule ('a unit of time is attained when the mid-point "
        "is passed'); applied per code as commercial payers do (coding consultants: "
        "ptcompliancegroup.com, mihamainc.com, prompthealth.com)"
    )
    #: The per-code reading of the CPT time rule comes from coding consultants.
    evidence_level: EvidenceLevel = EvidenceLevel.EXPERT_CONSENSUS
    evidence_reason: str = (
        "the CPT time rule is the AMA's; applying it per code is coding consultants' "
        "reading of commercial payers' practice, and payers differ"
    )

    def units(self, minutes_by_code: Mapping[str, float]) -> dict[str, int]:
        """Return each code's units from its own minutes.

        Raises:
            ValidationError: If a key is not a timed CPT code or a value is not
                non-negative minutes.
        """
        seconds = _seconds_by_code(minutes_by_code, floats=True)
        return {code: _table_units(s) for code, s in seconds.items()}


#: The CMS 8-minute rule (policy ``cms``).
CMS_8_MINUTE_RULE: Final = CmsEightMinuteRule()
#: The per-code mid-point rule (policy ``per_code``).
PER_CODE_MIDPOINT: Final = PerCodeMidpointRule()

_BUILTIN: Final[Mapping[str, BillingPolicy]] = {
    CMS_8_MINUTE_RULE.name: CMS_8_MINUTE_RULE,
    PER_CODE_MIDPOINT.name: PER_CODE_MIDPOINT,
}


def check_policy(obj: object, where: str = "billing policy object") -> BillingPolicy:
    """Check that *obj* is a usable billing policy (name, api_version, units) and return it.

    Raises:
        PluginIncompatibleError: If its ``api_version`` is missing or unsupported.
        PluginValidationError: If it lacks a non-empty ``name`` or ``units``.
    """
    version = getattr(obj, "api_version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise PluginIncompatibleError(f"{where}: the policy declares no integer api_version")
    if version != BILLING_POLICY_API_VERSION:
        raise PluginIncompatibleError(
            f"{where}: api_version {version} is not supported "
            f"(this medmassage supports {BILLING_POLICY_API_VERSION})"
        )
    if not isinstance(obj, BillingPolicy) or not callable(getattr(obj, "units", None)):
        raise PluginValidationError(
            f"{where}: expected an object with name, api_version and units(minutes_by_code)"
        )
    name: object = obj.name
    if not isinstance(name, str) or not name:
        raise PluginValidationError(f"{where}: expected a non-empty string name")
    return obj
