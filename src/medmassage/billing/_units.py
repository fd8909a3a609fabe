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
from ..modalities import Modality
from ..sessions import Session, SessionStatus
from ..units import Duration
from ._policies import BillingPolicy, _seconds, _seconds_by_code

# -- timed minutes ------------------------------------------------------------------


def timed_units(
    minutes_by_code: Mapping[str, int | Duration], chosen: BillingPolicy
) -> dict[str, int]:
    """Apply the policy object *chosen* (see the public `medmassage.billing.timed_units`)."""
    seconds = _seconds_by_code(minutes_by_code)
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


def cpt_of(
    modality: str,
    mapping: Mapping[str, str | None] | None,
    modalities: Mapping[str, Modality],
) -> str | None:
    """The CPT code of *modality*: *mapping*, the registered modality's own, the default."""
    known = modalities.get(modality)
    return cpt_for_modality(known if known is not None else modality, mapping)


def session_minutes(
    session: Session,
    mapping: Mapping[str, str | None] | None,
    modalities: Mapping[str, Modality],
) -> dict[str, Duration]:
    """Minutes per CPT code (see the public `medmassage.billing.session_minutes`)."""
    _check_session(session)
    seconds: dict[str, int] = {}
    if _completed(session):
        for i, segment in enumerate(session.segments):
            try:
                code = cpt_of(segment.modality, mapping, modalities)
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
    chosen: BillingPolicy,
    mapping: Mapping[str, str | None] | None,
    modalities: Mapping[str, Modality],
) -> dict[str, int]:
    """Units per CPT code of a session (see the public `medmassage.billing.session_units`)."""
    return timed_units(session_minutes(session, mapping, modalities), chosen)


def daily_units(
    sessions: Iterable[Session],
    chosen: BillingPolicy,
    mapping: Mapping[str, str | None] | None,
    modalities: Mapping[str, Modality],
) -> dict[dt.date, dict[str, int]]:
    """Units per CPT code per treatment day (see the public `medmassage.billing.daily_units`)."""
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
        for code, duration in session_minutes(session, mapping, modalities).items():
            day[code] = day.get(code, 0) + round(duration.minutes * 60)
    return {
        day: timed_units({code: _duration(s) for code, s in by_code.items()}, chosen)
        for day, by_code in sorted(seconds.items())
    }
