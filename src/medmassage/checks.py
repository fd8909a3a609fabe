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
import enum
from collections.abc import Callable, Mapping

import attrs

from .anatomy import regions_overlap
from .cases import Case
from .diagnosis import Acuity, Diagnosis
from .exceptions import Problem, ValidationError
from .modalities import BUILTIN_MODALITIES, Modality
from .plans import TreatmentPlan, technique_problems
from .sessions import PressureFeedback, Session

__all__ = ["Advisory", "AdvisoryLevel", "check"]


class AdvisoryLevel(enum.Enum):
    """How much attention an advisory needs."""

    INFO = "info"
    WARNING = "warning"


@attrs.frozen(kw_only=True, slots=True)
class Advisory:
    """A named, coded observation about a valid record.

    Attributes:
        code: A stable identifier (``unplanned_technique`` ...).
        path: Where in the record.
        message: What was noticed (never a patient's identifying values).
        level: Info or warning.
    """

    code: str
    path: str
    message: str
    level: AdvisoryLevel = AdvisoryLevel.WARNING

    def __str__(self) -> str:
        return f"{self.level.value}: {self.path or '<root>'}: {self.message} [{self.code}]"


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


def check(
    record: Case | TreatmentPlan | Session | Diagnosis,
    *,
    plan: TreatmentPlan | None = None,
    modalities: Mapping[str, Modality] | None = None,
) -> tuple[Advisory, ...]:
    """Return the advisories for *record*.

    Args:
        record: A case, plan, session or diagnosis.
        plan: For a session, the plan it belongs to (enables plan comparisons).
        modalities: Extra (plugin) modalities by code, e.g. ``registry.modalities``.

    Raises:
        ValidationError: For hard violations only checkable with the modalities
            (a planned pressure outside a plugin modality's range).
    """
    lookup = _lookup(modalities)
    if isinstance(record, Diagnosis):
        on = record.diagnosed_on or dt.date.today()
        return tuple(_diagnosis(record, "", on))
    if isinstance(record, TreatmentPlan):
        return tuple(_plan(record, "", lookup))
    if isinstance(record, Session):
        return tuple(_session(record, "", plan))
    out = _plan(record.plan, "plan.", lookup)
    for i, session in enumerate(record.sessions):
        out.extend(_session(session, f"sessions[{i}].", record.plan))
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
    return tuple(out)
