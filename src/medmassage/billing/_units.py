"""Units: timed minutes per CPT code into units, for minutes, a session or a day.

`timed_units` applies a billing policy (a name or an object) to minutes per
code; `session_minutes` derives those minutes from a session's technique
segments; `session_units` and `daily_units` bill a session or a patient's day.
Public names are documented in `medmassage.billing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..cpt import cpt_for_modality
from ..exceptions import PluginValidationError, Problem, ValidationError
from ..sessions import Session, SessionStatus
from ..units import Duration
from ._discovery import get_billing_policy
from ._policies import BillingPolicy, _seconds, _seconds_by_code

# -- timed minutes ------------------------------------------------------------------


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
