"""The billing engine in one module (split into private modules next).

The public face is `medmassage.billing`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Final, Protocol, runtime_checkable

import attrs

from ..anatomy import BodyRegion, Laterality
from ..cpt import CPT_CODES, check_cpt_format, cpt_for_modality
from ..exceptions import (
    PluginConflictError,
    PluginError,
    PluginIncompatibleError,
    PluginLoadError,
    PluginValidationError,
    Problem,
    UnknownCodeError,
    ValidationError,
)
from ..sessions import Session, SessionStatus
from ..units import Duration

#: The entry-point group billing-policy plugins register under.
BILLING_POLICY_GROUP: Final = "medmassage.billing_policies"
#: The billing-policy API version this medmassage supports.
BILLING_POLICY_API_VERSION: Final = 1

_CMS_SOURCE: Final = (
    "Medicare Claims Processing Manual (IOM 100-04) ch. 5 s. 20.2 C, 'Counting Minutes "
    "for Timed Codes in 15 Minute Units' (clinical.md section 4)"
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
    examples 1-5; clinical.md section 4.

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
    therapycomply.com 2023-01-11); clinical.md section 4. Payers differ: check
    the payer's contract.
    """

    name: str = "per_code"
    api_version: int = BILLING_POLICY_API_VERSION
    description: str = "CPT mid-point rule applied to each code's own minutes"
    source: str = (
        "CPT mid-point rule, per code (clinical.md section 4: ptcompliancegroup.com, "
        "mihamainc.com, prompthealth.com)"
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


# -- plugin discovery ----------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class PolicyEntryPoint:
    """A billing policy advertised by an installed distribution (not yet imported).

    Attributes:
        name: The entry point's name, the policy's key.
        value: The entry point's target (``package.module:object``).
        distribution: The name of the distribution that declares it.
    """

    name: str
    value: str
    distribution: str

    @property
    def display(self) -> str:
        """``distribution[name]``, the way failures name an entry point."""
        return f"{self.distribution}[{self.name}]"

    def load(self) -> BillingPolicy:
        """Import the object and check it is a usable billing policy.

        Raises:
            PluginLoadError: If importing it fails.
            PluginValidationError: If it is not a `BillingPolicy` or its ``name``
                differs from the entry point's.
            PluginIncompatibleError: If its ``api_version`` is missing or unsupported.
        """
        from importlib.metadata import EntryPoint

        where = f"{self.display} in group {BILLING_POLICY_GROUP}"
        try:
            obj = EntryPoint(self.name, self.value, BILLING_POLICY_GROUP).load()
        except Exception as exc:  # any import-time error of third-party code
            raise PluginLoadError(
                f"{where}: cannot import {self.value}: {type(exc).__name__}: {exc}"
            ) from exc
        return _check_policy(obj, where, expected_name=self.name)


def _check_policy(obj: object, where: str, expected_name: str | None = None) -> BillingPolicy:
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
    if expected_name is not None and obj.name != expected_name:
        raise PluginValidationError(
            f"{where}: the policy is named {obj.name!r}, its entry point {expected_name!r}"
        )
    return obj


@attrs.frozen(kw_only=True, slots=True)
class PolicyDiscovery:
    """What `discover_billing_policies` found in installed metadata.

    Attributes:
        entry_points: Usable entry points by policy name (conflicts excluded).
        failed: Names that cannot be used, each with the reason: a name claimed
            by two distributions, or a plugin claiming a built-in name. Each
            error names ``distribution[entry-point]``.
    """

    entry_points: Mapping[str, PolicyEntryPoint]
    failed: Mapping[str, PluginError] = attrs.field(factory=dict)

    @property
    def failures(self) -> tuple[PluginError, ...]:
        """Every discovery failure, in name order."""
        return tuple(self.failed[name] for name in sorted(self.failed))


@attrs.frozen(kw_only=True, slots=True)
class PolicyLoadReport:
    """Every billing policy available, loaded, as `load_billing_policies` returns it.

    Attributes:
        policies: Policies by name, built-ins included.
        sources: The distribution that supplied each plugin policy.
        failures: Discovery and load failures, each naming
            ``distribution[entry-point]``.
    """

    policies: Mapping[str, BillingPolicy]
    sources: Mapping[str, str]
    failures: tuple[PluginError, ...] = ()

    def raise_for_failures(self) -> None:
        """Raise the failures together as an `ExceptionGroup`, if there are any."""
        if self.failures:
            raise ExceptionGroup("billing policy plugins failed", list(self.failures))


_discovery_lock = threading.Lock()
_discovery: PolicyDiscovery | None = None
_loaded: dict[PolicyEntryPoint, BillingPolicy] = {}


def discover_billing_policies(
    *, prefer: Mapping[str, str] | None = None, refresh: bool = False
) -> PolicyDiscovery:
    """Find billing-policy plugins from installed metadata, without importing them.

    Two distributions offering the same name is a conflict, reported in
    ``failures`` and leaving the name unusable, unless *prefer* says which
    distribution to use for that name: never "last one wins". Built-in names
    (``cms``, ``per_code``) cannot be replaced. The result without *prefer* is
    cached; *refresh* scans again (after installing a plugin at run time).

    Args:
        prefer: Policy name to the distribution to take it from.
        refresh: Ignore the cached result.
    """
    global _discovery
    if prefer is None and not refresh and _discovery is not None:
        return _discovery
    from importlib.metadata import entry_points

    found: dict[str, list[PolicyEntryPoint]] = {}
    for ep in entry_points(group=BILLING_POLICY_GROUP):
        dist = ep.dist.name if ep.dist is not None else "<unknown distribution>"
        found.setdefault(ep.name, []).append(
            PolicyEntryPoint(name=ep.name, value=ep.value, distribution=dist)
        )
    usable: dict[str, PolicyEntryPoint] = {}
    failures: dict[str, PluginError] = {}
    for name in sorted(found):
        candidates = found[name]
        names = ", ".join(c.display for c in candidates)
        if name in _BUILTIN:
            failures[name] = PluginConflictError(
                f"{names} in group {BILLING_POLICY_GROUP}: {name!r} is a built-in "
                "policy and cannot be replaced; register it under another name"
            )
            continue
        wanted = (prefer or {}).get(name)
        if wanted is not None:
            candidates = [c for c in candidates if c.distribution == wanted]
            if not candidates:
                failures[name] = PluginConflictError(
                    f"{names} in group {BILLING_POLICY_GROUP}: the preferred "
                    f"distribution {wanted!r} does not provide {name!r}"
                )
                continue
        if len(candidates) > 1:
            failures[name] = PluginConflictError(
                f"{names} in group {BILLING_POLICY_GROUP}: several distributions "
                f"provide the billing policy {name!r}; choose one with prefer="
                f"{{{name!r}: <distribution>}}"
            )
            continue
        usable[name] = candidates[0]
    result = PolicyDiscovery(entry_points=usable, failed=failures)
    if prefer is None:
        with _discovery_lock:
            _discovery = result
    return result


def get_billing_policy(
    policy: str | BillingPolicy = "cms", *, prefer: Mapping[str, str] | None = None
) -> BillingPolicy:
    """Return a billing policy by name, or check a policy object.

    Built-in names need no discovery. Other names are looked up among the
    installed plugins (`discover_billing_policies`) and imported on first use;
    loaded policies are cached.

    Raises:
        UnknownCodeError: If no policy has that name (the hint lists the names
            available).
        PluginError: If the named plugin conflicts, cannot be imported, or is not
            a valid policy (the message names ``distribution[entry-point]``).
    """
    if not isinstance(policy, str):
        return _check_policy(policy, "billing policy object")
    builtin = _BUILTIN.get(policy)
    if builtin is not None:
        return builtin
    discovery = discover_billing_policies(prefer=prefer)
    entry = discovery.entry_points.get(policy)
    if entry is None:
        failure = discovery.failed.get(policy)
        if failure is not None:
            raise failure
        available = sorted({*_BUILTIN, *discovery.entry_points})
        shown = policy if len(policy) <= 60 and policy.isprintable() else "<name>"
        raise UnknownCodeError(
            "billing policy", shown, f"available policies: {', '.join(available)}"
        )
    cached = _loaded.get(entry)
    if cached is None:
        cached = entry.load()
        with _discovery_lock:
            _loaded[entry] = cached
    return cached


def load_billing_policies(*, prefer: Mapping[str, str] | None = None) -> PolicyLoadReport:
    """Load every available billing policy, collecting failures instead of raising.

    For listing what is installed (``medmassage plugins``) and for applications
    that want to fail at start-up rather than at the first claim
    (``load_billing_policies().raise_for_failures()``).
    """
    discovery = discover_billing_policies(prefer=prefer)
    policies: dict[str, BillingPolicy] = dict(_BUILTIN)
    sources: dict[str, str] = {}
    failures = list(discovery.failures)
    for name, entry in sorted(discovery.entry_points.items()):
        try:
            policies[name] = get_billing_policy(name, prefer=prefer)
        except PluginError as exc:
            failures.append(exc)
        else:
            sources[name] = entry.distribution
    return PolicyLoadReport(policies=policies, sources=sources, failures=tuple(failures))


def timed_units(
    minutes_by_code: Mapping[str, int | Duration], policy: str | BillingPolicy = "cms"
) -> dict[str, int]:
    """Return the units to bill for each timed CPT code.

    Args:
        minutes_by_code: Minutes of each timed CPT code, as whole minutes (an
            `int`) or a `Duration` (counted to the second).
        policy: A policy name (``"cms"``, ``"per_code"``, a plugin's name) or a
            policy object.

    Returns:
        Units per code, in the input's order, with every input code present
        (0 when a code is not billed).

    Raises:
        ValidationError: If a key is not a CPT code, is an untimed code (97010,
            97161-97163), or a value is not non-negative minutes.
        UnknownCodeError: If no policy has that name.
        PluginError: If a plugin policy fails to load or returns a malformed result.
    """
    seconds = _seconds_by_code(minutes_by_code)
    chosen = get_billing_policy(policy)
    minutes = {code: s / 60 for code, s in seconds.items()}
    result: object = chosen.units(minutes)
    if (
        not isinstance(result, dict)
        or set(result) != set(minutes)
        or not all(
            isinstance(u, int) and not isinstance(u, bool) and u >= 0 for u in result.values()
        )
    ):
        raise PluginValidationError(
            f"billing policy {chosen.name!r} returned a malformed result: expected a "
            "non-negative int of units for each code given"
        )
    return {code: result[code] for code in minutes}


# -- sessions ------------------------------------------------------------------------


def _completed(session: Session) -> bool:
    return session.status is SessionStatus.COMPLETED


def _check_session_at(session: object, path: str) -> None:
    if not isinstance(session, Session):
        raise ValidationError([Problem(path, "expected a Session", "type")])


def _check_session(session: object) -> None:
    if not isinstance(session, Session):
        raise ValidationError([Problem("session", "expected a Session", "type")])


def session_minutes(
    session: Session, mapping: Mapping[str, str | None] | None = None
) -> dict[str, Duration]:
    """Return the minutes of each CPT code in a session, from its technique segments.

    Each segment's modality is mapped to its CPT code (`medmassage.cpt.cpt_for_modality`:
    *mapping*, then the default mapping); segments mapped to ``None`` are not
    timed-code time. A session that did not take place has no minutes.

    Raises:
        UnknownCodeError: If a segment's modality has no CPT code.
    """
    _check_session(session)
    seconds: dict[str, int] = {}
    if _completed(session):
        for i, segment in enumerate(session.segments):
            try:
                code = cpt_for_modality(segment.modality, mapping)
            except ValidationError as exc:
                raise exc.prefixed(f"segments[{i}]") from None
            if code is not None:
                seconds[code] = seconds.get(code, 0) + _seconds(
                    segment.duration, f"segments[{i}].duration"
                )
    return {code: _duration(s) for code, s in seconds.items()}


def _duration(seconds: int) -> Duration:
    return Duration(seconds // 60 if seconds % 60 == 0 else seconds / 60, "min")


def session_units(
    session: Session,
    policy: str | BillingPolicy = "cms",
    mapping: Mapping[str, str | None] | None = None,
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
    minutes = session_minutes(session, mapping)
    return timed_units(minutes, policy)


def daily_units(
    sessions: Iterable[Session],
    policy: str | BillingPolicy = "cms",
    mapping: Mapping[str, str | None] | None = None,
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
    chosen = get_billing_policy(policy)
    seconds: dict[dt.date, dict[str, int]] = {}
    patient: str | None = None
    for i, session in enumerate(sessions):
        _check_session_at(session, f"sessions[{i}]")
        if patient is None:
            patient = session.patient_id
        elif session.patient_id != patient:
            raise ValidationError(
                [Problem(f"sessions[{i}].patient_id", "expected one patient's sessions", "patient")]
            )
        day = seconds.setdefault(session.start.date(), {})
        for code, duration in session_minutes(session, mapping).items():
            day[code] = day.get(code, 0) + round(duration.minutes * 60)
    return {
        day: timed_units({code: _duration(s) for code, s in by_code.items()}, chosen)
        for day, by_code in sorted(seconds.items())
    }


# -- coding edits --------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class CodingEdit:
    """A coding problem to review before a claim is sent (a warning, not a block).

    Attributes:
        code: A stable identifier of the edit (``massage_and_manual_therapy_same_region``,
            ``minutes_counted_twice``, ``minutes_exceed_session``, ...).
        message: What was found and what to do. No patient data.
        source: The rule's citation.
        cpt_codes: The CPT codes involved.
        path: Where in the input (``segments[2]``), if one place.
        confirmed: ``False`` when the rule rests on an UNCONFIRMED source.
    """

    code: str
    message: str
    source: str
    cpt_codes: tuple[str, ...] = ()
    path: str = ""
    confirmed: bool = True

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        flag = " (UNCONFIRMED)" if not self.confirmed else ""
        return f"{self.code}{where}: {self.message}{flag}"


_PAIR_SOURCE: Final = (
    "clinical.md 3.3: secondary sources say 97124 and 97140 are not billed together for "
    "the same session (codingahead.com CPT 97124; massagetoday.com/articles/12049); "
    "UNCONFIRMED: whether an official NCCI procedure-to-procedure pair exists, its column "
    "order and modifier indicator - check the current quarterly PTP file"
)
_SAME_MINUTES_SOURCE: Final = (
    "NCCI Policy Manual ch. 11 s. P (no two physical-medicine services for the same "
    "15-minute period, except supervised modalities 97010-97028); Medicare Claims "
    "Processing Manual ch. 5 s. 20.2 (only direct treatment time counts)"
)


def coding_edits(
    session: Session,
    *,
    mapping: Mapping[str, str | None] | None = None,
    claimed: Mapping[str, int | Duration] | None = None,
) -> tuple[CodingEdit, ...]:
    """Review the coding of a session and return the edits found (warnings).

    Checks:

    * ``massage_and_manual_therapy_same_region``: 97124 and 97140 both coded for
      the same region (and side) in one session (UNCONFIRMED as an official
      NCCI edit; see `CodingEdit.confirmed`).
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
    """
    documented = {
        code: round(d.minutes * 60) for code, d in session_minutes(session, mapping).items()
    }
    edits: list[CodingEdit] = []
    regions: dict[tuple[BodyRegion, Laterality | None], dict[str, int]] = {}
    if _completed(session):
        for i, segment in enumerate(session.segments):
            code = cpt_for_modality(segment.modality, mapping)
            if code in ("97124", "97140"):
                regions.setdefault((segment.region, segment.laterality), {}).setdefault(code, i)
    for (region, laterality), codes in regions.items():
        if len(codes) == 2:
            side = f" ({laterality.value})" if laterality is not None else ""
            edits.append(
                CodingEdit(
                    code="massage_and_manual_therapy_same_region",
                    message=(
                        f"97124 (massage) and 97140 (manual therapy) are both coded for "
                        f"{region.value}{side} in this session; bill one, or document "
                        "separate regions or time blocks and a 59/XS modifier if the "
                        "payer allows it"
                    ),
                    source=_PAIR_SOURCE,
                    cpt_codes=("97124", "97140"),
                    path=f"segments[{codes['97140']}]",
                    confirmed=False,
                )
            )
    session_seconds = round(session.duration.minutes * 60)
    if claimed is not None:
        claimed_seconds = _seconds_by_code(claimed)
        total = sum(claimed_seconds.values())
        documented_total = sum(documented.values())
        over = sorted(c for c, s in claimed_seconds.items() if s > documented.get(c, 0))
        if total > documented_total or over:
            detail = (
                f"{_fmt(total)} timed minutes are claimed but {_fmt(documented_total)} "
                "are documented"
                if total > documented_total
                else f"{', '.join(over)} claimed for more minutes than documented"
            )
            edits.append(
                CodingEdit(
                    code="minutes_counted_twice",
                    message=f"{detail}; each minute of treatment counts under one code only",
                    source=_SAME_MINUTES_SOURCE,
                    cpt_codes=tuple(over) or tuple(sorted(claimed_seconds)),
                )
            )
    else:
        total = sum(documented.values())
        claimed_seconds = documented
    if total > session_seconds:
        edits.append(
            CodingEdit(
                code="minutes_exceed_session",
                message=(
                    f"{_fmt(total)} timed minutes exceed the session's "
                    f"{_fmt(session_seconds)} minutes"
                ),
                source=_SAME_MINUTES_SOURCE,
                cpt_codes=tuple(sorted(claimed_seconds)),
            )
        )
    return tuple(edits)


def _fmt(seconds: int) -> str:
    return f"{seconds / 60:g}"


def diagnosis_edits(diagnoses: Iterable[object]) -> tuple[CodingEdit, ...]:
    """Check diagnosis codes for a claim: billable, and present in the current release.

    *diagnoses* may hold `medmassage.Diagnosis` objects, `medmassage.codes.Coding`
    objects or code strings. A non-billable header (such as ``M54.5`` since the
    October 1, 2021 release) is reported with the billable codes to use instead;
    a code missing from the release (a historic record validated by format
    only) is reported too.

    Raises:
        ValidationError: If an item is not a diagnosis, coding or ICD-10-CM code
            in form (path ``diagnoses[i]``).
    """
    from ..codes import ICD10CM, is_icd10cm_format, lookup_icd10cm

    edits: list[CodingEdit] = []
    for i, item in enumerate(diagnoses):
        code = getattr(item, "code", item)
        system = getattr(item, "system", ICD10CM)
        if not isinstance(code, str) or not is_icd10cm_format(code) or system != ICD10CM:
            raise ValidationError(
                [Problem(f"diagnoses[{i}]", "expected an ICD-10-CM code or Diagnosis", "type")]
            )
        try:
            record = lookup_icd10cm(code)
        except UnknownCodeError as exc:
            edits.append(
                CodingEdit(
                    code="diagnosis_not_in_release",
                    message=f"{exc}; code the diagnosis with a current code",
                    source="CMS ICD-10-CM code set (the release bundled in simple-icd-10-cm)",
                    path=f"diagnoses[{i}]",
                )
            )
            continue
        if not record.billable:
            children = record.billable_descendants
            shown = ", ".join(children[:12]) + (" ..." if len(children) > 12 else "")
            edits.append(
                CodingEdit(
                    code="diagnosis_not_billable",
                    message=(
                        f"{record.code} ({record.description}) is a header, not billable; "
                        f"use one of its billable codes: {shown}"
                    ),
                    source=(
                        "ICD-10-CM Official Guidelines for Coding and Reporting, section "
                        "I.B.2 (report codes at their highest number of characters); CMS "
                        "ICD-10-CM tabular list"
                    ),
                    path=f"diagnoses[{i}]",
                )
            )
    return tuple(edits)


@attrs.frozen(kw_only=True, slots=True)
class SessionBill:
    """The billing view of one session: minutes, units and edits.

    Attributes:
        session_id: The session's id.
        policy: The name of the billing policy used.
        minutes: Timed minutes per CPT code, from the segments.
        units: Units per CPT code.
        edits: Coding edits (warnings) to review.
    """

    session_id: str
    policy: str
    minutes: Mapping[str, Duration]
    units: Mapping[str, int]
    edits: tuple[CodingEdit, ...] = ()

    @property
    def total_units(self) -> int:
        """The units of all codes."""
        return sum(self.units.values())

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary (what ``medmassage billing --json`` prints)."""
        return {
            "session_id": self.session_id,
            "policy": self.policy,
            "codes": [
                {
                    "cpt": code,
                    "minutes": self.minutes[code].minutes,
                    "units": self.units[code],
                }
                for code in self.units
            ],
            "total_units": self.total_units,
            "edits": [
                {
                    "code": e.code,
                    "message": e.message,
                    "source": e.source,
                    "cpt_codes": list(e.cpt_codes),
                    "path": e.path,
                    "confirmed": e.confirmed,
                }
                for e in self.edits
            ],
        }


def bill_session(
    session: Session,
    *,
    policy: str | BillingPolicy = "cms",
    mapping: Mapping[str, str | None] | None = None,
    diagnoses: Iterable[object] = (),
) -> SessionBill:
    """Work out a session's units per CPT code and review its coding.

    Args:
        session: The session.
        policy: The billing policy (name or object).
        mapping: Modality-to-CPT overrides.
        diagnoses: Diagnoses to be claimed with it, checked by `diagnosis_edits`.

    Raises:
        UnknownCodeError: If a modality has no CPT code or the policy is unknown.
        PluginError: If a plugin policy fails.
    """
    chosen = get_billing_policy(policy)
    minutes = session_minutes(session, mapping)
    units = timed_units(minutes, chosen)
    edits = coding_edits(session, mapping=mapping) + diagnosis_edits(diagnoses)
    return SessionBill(
        session_id=session.id, policy=chosen.name, minutes=minutes, units=units, edits=edits
    )
