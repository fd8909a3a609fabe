"""Softer clinical checks that do not block a record: named, coded advisories.

Construction of a model raises on hard violations. `check` looks further, at
what is allowed but worth a clinician's attention (a session technique the plan
did not call for, a patient saying the pressure was too firm, an expired
licence), and returns `Advisory` objects. Cross-record rules that *are* hard,
such as a plugin modality's pressure range, raise `ValidationError` from here,
since they can only be checked once the modality is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .advisories import Advisory, AdvisoryLevel
from .anatomy import regions_overlap
from .cases import Case
from .diagnosis import Acuity, Diagnosis
from .exceptions import Problem, ValidationError
from .modalities import BUILTIN_MODALITIES, Modality, PressureGrade
from .plans import TreatmentPlan, technique_problems
from .sessions import PressureFeedback, Session, SessionStatus
from .units import Pressure

if TYPE_CHECKING:
    from .plugins import Registry

__all__ = ["Advisory", "AdvisoryLevel", "check"]


ModalityLookup = Callable[[str], Modality | None]


def _lookup(modalities: Mapping[str, Modality] | None) -> ModalityLookup:
    table = dict(BUILTIN_MODALITIES)
    if modalities is not None:
        table.update(modalities)
    return table.get


def _diagnosis(d: Diagnosis, path: str, on: dt.date) -> list[Advisory]:
    out: list[Advisory] = []
    if d.onset is not None and d.acuity is not None:
        weeks = (on - d.onset).days / 7
        expected = Acuity.ACUTE if weeks < 6 else Acuity.SUBACUTE if weeks <= 12 else Acuity.CHRONIC
        if expected is not d.acuity:
            out.append(
                Advisory(
                    code="acuity_onset",
                    path=f"{path}.acuity" if path else "acuity",
                    message=f"onset {weeks:.0f} weeks earlier suggests {expected.value}, "
                    f"not {d.acuity.value} (<6 weeks acute, 6-12 subacute, >12 chronic)",
                )
            )
    return out


def _plan(plan: TreatmentPlan, path: str, lookup: ModalityLookup) -> list[Advisory]:
    out: list[Advisory] = []
    hard: list[Problem] = []
    for i, d in enumerate(plan.diagnoses):
        out.extend(_diagnosis(d, f"{path}diagnoses[{i}]", plan.start_date))
    for i, t in enumerate(plan.techniques):
        modality = lookup(t.modality)
        if modality is None:
            out.append(
                Advisory(
                    code="unknown_modality",
                    path=f"{path}techniques[{i}].modality",
                    message="modality is not registered: its pressure range was not checked",
                )
            )
        elif not t.modality.startswith("core."):
            hard.extend(
                p.prefixed(f"{path}techniques[{i}]") for p in technique_problems(t, modality)
            )
    if hard:
        raise ValidationError(hard, "TreatmentPlan")
    referral = plan.referral
    if referral is not None:
        if referral.frequency_per_week and referral.frequency_per_week != plan.sessions_per_week:
            out.append(
                Advisory(
                    code="frequency_differs",
                    path=f"{path}sessions_per_week",
                    message="differs from the referral's prescribed frequency",
                )
            )
        if referral.duration_weeks and plan.duration_weeks > referral.duration_weeks:
            out.append(
                Advisory(
                    code="duration_exceeds_referral",
                    path=f"{path}duration_weeks",
                    message="longer than the referral's prescribed duration",
                )
            )
        if referral.expires_on is not None and referral.expires_on < plan.end_date:
            out.append(
                Advisory(
                    code="referral_expires",
                    path=f"{path}referral.expires_on",
                    message="the referral expires before the plan ends",
                )
            )
        if (
            referral.visits_authorized is not None
            and referral.visits_authorized < plan.planned_sessions
        ):
            out.append(
                Advisory(
                    code="visits_exceed_authorization",
                    path=f"{path}sessions_per_week",
                    message="the plan calls for more sessions than the referral authorizes",
                )
            )
        referred = {d.code for d in referral.diagnoses}
        for i, d in enumerate(plan.diagnoses):
            if d.code not in referred:
                out.append(
                    Advisory(
                        code="diagnosis_not_referred",
                        path=f"{path}diagnoses[{i}]",
                        message="diagnosis is not among the referral's diagnoses",
                    )
                )
    return out


def _history(case: Case) -> list[Advisory]:
    """The plan's and the referral's diagnoses the patient's history does not list."""
    recorded = {(c.code.system, c.code.code) for c in case.patient.conditions}
    plan = case.plan
    groups = [("plan.diagnoses", plan.diagnoses)]
    if plan.referral is not None:
        groups.append(("plan.referral.diagnoses", plan.referral.diagnoses))
    out: list[Advisory] = []
    for prefix, diagnoses in groups:
        for i, d in enumerate(diagnoses):
            key = (d.coding.system, d.coding.code)
            if key not in recorded:
                recorded.add(key)  # one note per code: the plan's copy, else the referral's
                out.append(
                    Advisory(
                        code="diagnosis_not_in_history",
                        path=f"{prefix}[{i}]",
                        message="not in the patient's history (patient.conditions): "
                        "screening takes the diagnosis as an active condition",
                        level=AdvisoryLevel.INFO,
                    )
                )
    return out


def _grade_bounds() -> Mapping[PressureGrade, Pressure]:
    from .contraindications import default_policy

    return default_policy().grade_pressure_bounds


def _session(session: Session, path: str, plan: TreatmentPlan | None) -> list[Advisory]:
    out: list[Advisory] = []
    for i, seg in enumerate(session.segments):
        where = f"{path}segments[{i}]"
        if seg.feedback is PressureFeedback.TOO_FIRM:
            out.append(
                Advisory(
                    code="pressure_too_firm",
                    path=f"{where}.feedback",
                    message="the patient reported the pressure as too firm",
                )
            )
        grade = seg.grade
        bound = _grade_bounds().get(grade) if grade is not None else None
        if (
            grade is not None
            and bound is not None
            and seg.pressure is not None
            and (seg.pressure > bound)
        ):
            out.append(
                Advisory(
                    code="grade_pressure_mismatch",
                    path=f"{where}.pressure",
                    message=f"the measured pressure {seg.pressure} is above the {bound} a "
                    f"Walton grade {int(grade)} segment can have (the policy's "
                    "grade_pressure_bounds, a convention): the grade or the measurement is wrong",
                )
            )
        if seg.discomfort is not None and seg.discomfort > 8:
            out.append(
                Advisory(
                    code="discomfort_high",
                    path=f"{where}.discomfort",
                    message="discomfort above 8/10 exceeds the 'tolerable' 7-8 (Travell & Simons)",
                )
            )
        if plan is not None:
            planned = [
                t
                for t in plan.techniques
                if t.modality == seg.modality
                and regions_overlap(t.region, t.laterality, seg.region, seg.laterality)
            ]
            if not planned:
                out.append(
                    Advisory(
                        code="unplanned_technique",
                        path=where,
                        message="this modality and region are not in the treatment plan",
                    )
                )
            elif seg.grade is not None and all(seg.grade > t.max_grade for t in planned):
                out.append(
                    Advisory(
                        code="grade_above_plan",
                        path=f"{where}.grade",
                        message="pressure grade above the plan's range for this technique",
                    )
                )
    if session.signature is None and session.status.value == "completed":
        out.append(
            Advisory(
                code="unsigned",
                path=f"{path}signature",
                message="the session note is not signed",
                level=AdvisoryLevel.INFO,
            )
        )
    return out


def _measures(session: Session, path: str, registry: Registry) -> list[Advisory]:
    """Outcome measures of known instruments that cannot be scored (error), unknown ones."""
    from .exceptions import MedmassageError

    out: list[Advisory] = []
    for j, measure in enumerate(session.outcomes):
        where = f"{path}outcomes[{j}]"
        instrument = registry.instruments.get(measure.instrument)
        if instrument is None:
            out.append(
                Advisory(
                    code="unknown_instrument",
                    path=f"{where}.instrument",
                    message="no registered instrument has this code: the measure is not scored",
                )
            )
            continue
        try:
            instrument.score_measure(measure)
        except MedmassageError as exc:
            out.append(
                Advisory(
                    code="unscorable_measure",
                    path=where,
                    message=f"{instrument.name} cannot be scored: {_reason(exc)}",
                    level=AdvisoryLevel.ERROR,
                )
            )
    return out


def _reason(exc: BaseException) -> str:
    from .exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(f"{p.path or '<root>'}: {p.message}" for p in exc.problems)
    return str(exc)


def _goals(plan: TreatmentPlan, path: str, registry: Registry) -> list[Advisory]:
    return [
        Advisory(
            code="unknown_goal_instrument",
            path=f"{path}goals[{i}].instrument",
            message="no registered instrument has this code: the goal cannot be tracked",
        )
        for i, goal in enumerate(plan.goals)
        if goal.instrument not in registry.instruments
    ]


def _screening(case: Case, registry: Registry) -> list[Advisory]:
    """Screen the plan and each completed session; say what the clinician must know."""
    from .contraindications import ScreeningStatus
    from .screening import screen

    out: list[Advisory] = []
    plan_result = screen(case, registry=registry)  # the one date rule: the latest session
    results = [("plan", plan_result)]
    for i, session in enumerate(case.sessions):
        if session.status is SessionStatus.COMPLETED:
            results.append((f"sessions[{i}]", screen(case, session=session, registry=registry)))
    for path, result in results:
        out.extend(
            Advisory(
                code=a.code,
                path=f"{path}.{a.path}" if path != "plan" else a.path,
                message=a.message,
                level=a.level,
            )
            for a in result.advisories
        )
        rules = ", ".join(dict.fromkeys(f.rule_id for f in result.findings)) or "none"
        if result.status is ScreeningStatus.INDETERMINATE:
            failed = ", ".join(f.rule_id for f in result.failures)
            out.append(
                Advisory(
                    code="screening_indeterminate",
                    path=path,
                    message=f"contraindication screening could not be completed (failed: "
                    f"{failed}): do not rely on it",
                    level=AdvisoryLevel.ERROR,
                )
            )
        elif result.status is ScreeningStatus.DEFER and (path == "plan" or result.violations):
            out.append(
                Advisory(
                    code="screening_defer",
                    path=path,
                    message=f"contraindication screening defers treatment (rules: {rules})",
                )
            )
        elif result.status is ScreeningStatus.DEFER and plan_result.status is not result.status:
            out.append(
                Advisory(
                    code="screening_defer",
                    path=path,
                    message=f"contraindication screening defers this session (rules: {rules})",
                )
            )
        elif result.status is ScreeningStatus.MODIFY and path == "plan":
            out.append(
                Advisory(
                    code="screening_modify",
                    path=path,
                    message=f"treatment must be modified as screening finds (rules: {rules})",
                    level=AdvisoryLevel.INFO,
                )
            )
        if path == "plan":
            out.extend(
                Advisory(
                    code="plan_conflict",
                    path=f"plan.techniques[{c.technique}]",
                    message=f"{c.message} ({c.rule_id})",
                )
                for c in result.plan_conflicts
            )
        out.extend(
            Advisory(
                code="session_violation",
                path=f"{path}.segments[{v.segment}]",
                message=f"{v.message} ({v.rule_id})",
                level=AdvisoryLevel.ERROR,
            )
            for v in result.violations
        )
    return out


def check(
    record: Case | TreatmentPlan | Session | Diagnosis,
    *,
    plan: TreatmentPlan | None = None,
    modalities: Mapping[str, Modality] | None = None,
    registry: Registry | None = None,
    on: dt.date | None = None,
    screening: bool = True,
) -> tuple[Advisory, ...]:
    """Return the advisories for *record*.

    For a case, each diagnosis of the plan or its referral that the patient's
    history does not list is noted (``diagnosis_not_in_history``, info):
    screening takes it as an active condition, so the history need not repeat it.
    It also includes contraindication screening of the plan and of each
    completed session (`medmassage.screen`): a deferral, a plan technique that a
    finding rules out and a session segment that breaks a finding are reported,
    and a screening that could not be completed is an error. Outcome measures of a
    registered instrument that cannot be scored are errors; measures and goals
    naming no registered instrument are warnings.

    Args:
        record: A case, plan, session or diagnosis.
        plan: For a session, the plan it belongs to (enables plan comparisons).
        modalities: Extra modalities by code (in addition to the registry's).
        registry: The registry whose modalities and instruments to use; defaults
            to `medmassage.plugins.get_default_registry`.
        on: For a diagnosis, the date its acuity is judged on (default: its
            ``diagnosed_on``; without either, acuity is not judged).
        screening: For a case, whether to run contraindication screening.

    Raises:
        ValidationError: For hard violations only checkable with the modalities
            (a planned pressure outside a plugin modality's range).
    """
    from .plugins import get_default_registry

    if registry is None:
        registry = get_default_registry()
    lookup = _lookup({**registry.modalities, **(modalities or {})})
    if isinstance(record, Diagnosis):
        day = on or record.diagnosed_on
        return tuple(_diagnosis(record, "", day)) if day is not None else ()
    if isinstance(record, TreatmentPlan):
        return tuple(_plan(record, "", lookup) + _goals(record, "", registry))
    if isinstance(record, Session):
        return tuple(_session(record, "", plan) + _measures(record, "", registry))
    out = _plan(record.plan, "plan.", lookup)
    out.extend(_history(record))
    out.extend(_goals(record.plan, "plan.", registry))
    for i, session in enumerate(record.sessions):
        out.extend(_session(session, f"sessions[{i}].", record.plan))
        out.extend(_measures(session, f"sessions[{i}].", registry))
        practitioner = record.practitioner(session.practitioner_id)
        day = session.start.date()
        if practitioner is None:
            continue
        if practitioner.licenses and not practitioner.licensed_on(day):
            out.append(
                Advisory(
                    code="license_expired",
                    path=f"sessions[{i}].practitioner_id",
                    message="the treating practitioner had no licence in force on the session date",
                )
            )
        for j, seg in enumerate(session.segments):
            modality = lookup(seg.modality)
            if modality is None:
                continue
            for cert in sorted(modality.required_certifications):
                if not practitioner.certified_for(cert, day):
                    out.append(
                        Advisory(
                            code="certification_missing",
                            path=f"sessions[{i}].segments[{j}].modality",
                            message=f"{modality.name} requires certification {cert!r}",
                        )
                    )
    attended = sum(1 for s in record.sessions if s.status.value == "completed")
    if attended > record.plan.planned_sessions:
        out.append(
            Advisory(
                code="sessions_exceed_plan",
                path="sessions",
                message="more sessions attended than the plan calls for",
            )
        )
    if screening:
        out.extend(_screening(record, registry))
    return tuple(out)
