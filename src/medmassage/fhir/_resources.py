"""The FHIR resources of single records (Patient, Condition, CarePlan, Procedure ...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .._validation import after
from ..diagnosis import Diagnosis, Provider, Referral
from ..exceptions import MedmassageError, Problem, ScoringError, UnknownCodeError, UsageError
from ..instruments import InstrumentSource, Score, get_instrument
from ..outcomes import OutcomeMeasure
from ..patient import Condition, Patient
from ..plans import Goal, PlannedTechnique, PlanStatus, TreatmentPlan
from ..practitioners import Practitioner
from ..sessions import Session, SessionStatus, TechniqueSegment
from ..units import Duration

if TYPE_CHECKING:
    from ..modalities import Modality
    from ..plugins import Registry
from ._common import (
    _ACT_CODE,
    _ACTIVITY_STATUS,
    _AE_OUTCOME,
    _AE_SEVERITY,
    _CATEGORY,
    _CLINICAL,
    _GOAL_STATUS,
    _NPI,
    _OBS_CATEGORY,
    _PLAN_STATUS,
    _UCUM,
    BODY_SITE_URL,
    DISCOMFORT_URL,
    DURATION_URL,
    FEEDBACK_URL,
    INSTRUMENT_SYSTEM,
    NOT_LISTED_URL,
    PRESSURE_URL,
    PROFESSION_SYSTEM,
    PROVIDER_ROLE_SYSTEM,
    REACTION_SYSTEM,
    SESSION_STATUS_URL,
    WALTON_GRADE_URL,
    Resource,
    _body_site,
    _coding,
    _modalities,
    _modality_concept,
    _patient_ref,
    _provider_ref,
    _put_datetime,
    _quantity,
    _ref,
    _round,
    measurement_quantity,
    provider_key,
    resource_uuid,
)

# -- resources -----------------------------------------------------------------------


def patient_resource(patient: Patient, *, include_identity: bool = False) -> Resource:
    """Return the FHIR ``Patient`` resource of *patient*.

    By default only the opaque id and the administrative gender are exported:
    the birth date, name and contact details (``telecom``, ``address``) are
    protected and exported only with *include_identity*.
    """
    out: Resource = {
        "resourceType": "Patient",
        "id": patient.id,
        "gender": patient.sex.value,
    }
    if include_identity:
        out["birthDate"] = patient.birth_date.isoformat()
        if patient.name is not None:
            out["name"] = [{"family": patient.name.family, "given": list(patient.name.given)}]
        contact = patient.contact
        if contact is not None:
            telecom = [
                {"system": system, "value": value}
                for system, value in (("phone", contact.phone), ("email", contact.email))
                if value is not None
            ]
            if telecom:
                out["telecom"] = telecom
            if contact.address is not None:
                out["address"] = [{"text": contact.address}]
    return out


def practitioner_resource(practitioner: Practitioner) -> Resource:
    """Return the FHIR ``Practitioner`` resource of a treating *practitioner*.

    The NPI is an ``identifier`` (system ``http://hl7.org/fhir/sid/us-npi``);
    each licence a ``qualification`` whose ``identifier`` is the licence number
    (assigned by its jurisdiction), ``code`` the profession in
    `PROFESSION_SYSTEM` and ``period.end`` the expiry date.
    """
    out: Resource = {"resourceType": "Practitioner", "id": practitioner.id}
    if practitioner.npi is not None:
        out["identifier"] = [{"system": _NPI, "value": practitioner.npi}]
    if practitioner.name is not None:
        out["name"] = [{"text": practitioner.name}]
    if practitioner.licenses:
        out["qualification"] = [
            {
                "identifier": [{"value": lic.number, "assigner": {"display": lic.jurisdiction}}],
                "code": {
                    "coding": [_coding(PROFESSION_SYSTEM, lic.profession)],
                    "text": lic.profession,
                },
                "period": {"end": lic.expires_on.isoformat()},
            }
            for lic in practitioner.licenses
        ]
    return out


def provider_resources(provider: Provider) -> list[Resource]:
    """Return the ``Practitioner`` and ``PractitionerRole`` of a diagnosing or referring provider.

    The Practitioner carries the name (``name.text``) and the NPI; it is not
    one of the case's treating practitioners (`NOT_LISTED_URL`). The
    PractitionerRole names it in ``practitioner`` and the profession in
    ``code`` (`PROVIDER_ROLE_SYSTEM`). A diagnosis's ``asserter`` and a
    referral's ``requester`` point at the PractitionerRole. Both ids are
    derived from the name, profession and NPI, so one provider is one pair.
    """
    key = provider_key(provider)
    pid = resource_uuid("Practitioner", "provider", *key)
    person: Resource = {
        "resourceType": "Practitioner",
        "id": pid,
        "extension": [{"url": NOT_LISTED_URL, "valueBoolean": True}],
        "name": [{"text": provider.name}],
    }
    if provider.npi is not None:
        person["identifier"] = [{"system": _NPI, "value": provider.npi}]
    role: Resource = {
        "resourceType": "PractitionerRole",
        "id": resource_uuid("PractitionerRole", *key),
        "practitioner": _ref("Practitioner", pid),
        "code": [
            {
                "coding": [_coding(PROVIDER_ROLE_SYSTEM, provider.role.value)],
                "text": provider.role.value.replace("_", " "),
            }
        ],
    }
    return [person, role]


def _condition_key(
    item: Diagnosis | Condition, patient_id: str, index: int | str | None = None
) -> tuple[str, ...]:
    if isinstance(item, Diagnosis):
        key = (patient_id, "encounter-diagnosis", item.coding.system, item.coding.code)
        # A referral's diagnosis that differs from the plan's of the same code is its own
        # resource (`case_export` passes the referral's id as *index*).
        return key if index is None else (*key, "referral", str(index))
    key = (patient_id, "problem-list-item", item.code.system, item.code.code)
    return key if index is None else (*key, str(index))


def condition_resource(
    diagnosis_or_condition: Diagnosis | Condition,
    *,
    patient_id: str,
    include_notes: bool = False,
    index: int | str | None = None,
) -> Resource:
    """Return the FHIR ``Condition`` of a diagnosis or of a condition in the history.

    A `Diagnosis` becomes an ``encounter-diagnosis`` (active, coded in
    ICD-10-CM, ``recordedDate`` = the diagnosis date, ``asserter`` = the
    diagnosing provider by NPI); a patient `Condition` becomes a
    ``problem-list-item`` with its clinical status. The body site is the
    region's SNOMED CT concept with its side. A condition's free-text note is
    exported only with *include_notes*. Acuity has no core element and is not
    exported.

    The id is derived from the patient and the code; a history condition's
    *index* (its position in ``Patient.conditions``, as `case_bundle` passes it)
    is part of its id, so two episodes of one code (a resolved one and a
    current one) are two resources. For a diagnosis, *index* is the id of the
    referral it belongs to when the plan has a different diagnosis of the same
    code (`case_bundle` then exports both).
    """
    item = diagnosis_or_condition
    if isinstance(item, Diagnosis):
        coding, status, category = item.coding, "active", "encounter-diagnosis"
    elif isinstance(item, Condition):
        coding, status, category = item.code, item.status.value, "problem-list-item"
    else:
        raise UsageError("condition_resource: expected a Diagnosis or a patient Condition")
    out: Resource = {
        "resourceType": "Condition",
        "id": resource_uuid("Condition", *_condition_key(item, patient_id, index)),
        "clinicalStatus": {"coding": [_coding(_CLINICAL, status)]},
        "category": [{"coding": [_coding(_CATEGORY, category)]}],
        "code": {"coding": [_coding(coding.system, coding.code, coding.display)]},
        "subject": _patient_ref(patient_id),
    }
    if item.region is not None:
        out["bodySite"] = [_body_site(item.region, item.laterality)]
    if item.onset is not None:
        out["onsetDateTime"] = item.onset.isoformat()
    if isinstance(item, Diagnosis):
        if item.diagnosed_on is not None:
            out["recordedDate"] = item.diagnosed_on.isoformat()
        if item.diagnosed_by is not None:
            out["asserter"] = _provider_ref(item.diagnosed_by)
    elif include_notes and item.note is not None:
        out["note"] = [{"text": item.note}]
    return out


def _condition_ref(
    item: Diagnosis | Condition, patient_id: str, index: str | None = None
) -> dict[str, object]:
    return _ref("Condition", *_condition_key(item, patient_id, index))


def _referral_only(referral: Referral, plan_diagnoses: Sequence[Diagnosis]) -> set[int]:
    """Positions of the referral's diagnoses that differ from the plan's of the same code."""
    return {
        i
        for i, d in enumerate(referral.diagnoses)
        if any(p.code == d.code and p != d for p in plan_diagnoses)
    }


def service_request_resource(
    referral: Referral,
    *,
    patient_id: str,
    include_notes: bool = False,
    plan_diagnoses: Sequence[Diagnosis] = (),
) -> Resource:
    """Return the FHIR ``ServiceRequest`` of a *referral* for medical massage.

    The status is ``active`` and the intent ``order``; ``reasonReference``
    points at the diagnoses' ``Condition`` resources; the prescribed frequency
    and course length are an ``occurrenceTiming`` (bounded by the expiry date
    when there is one); visits authorized are the ``quantityQuantity``. The
    instructions are free text, exported only with *include_notes*. A diagnosis
    that differs from the one of the same code in *plan_diagnoses* (the plan's)
    points at its own Condition (see `condition_resource`).
    """
    own = _referral_only(referral, plan_diagnoses)
    out: Resource = {
        "resourceType": "ServiceRequest",
        "id": resource_uuid("ServiceRequest", referral.id),
        "identifier": [{"system": "https://medmassage.dev/referrals", "value": referral.id}],
        "status": "active",
        "intent": "order",
        "code": {"text": "Medical massage"},
        "subject": _patient_ref(patient_id),
        "authoredOn": referral.referred_on.isoformat(),
        "requester": _provider_ref(referral.referrer),
        "reasonReference": [
            _condition_ref(d, patient_id, referral.id if i in own else None)
            for i, d in enumerate(referral.diagnoses)
        ],
    }
    repeat: dict[str, object] = {}
    if referral.frequency_per_week is not None:
        repeat.update(frequency=referral.frequency_per_week, period=1, periodUnit="wk")
    if referral.expires_on is not None:
        repeat["boundsPeriod"] = {
            "start": referral.referred_on.isoformat(),
            "end": referral.expires_on.isoformat(),
        }
    elif referral.duration_weeks is not None:
        repeat["boundsDuration"] = {
            "value": referral.duration_weeks,
            "unit": "wk",
            "system": _UCUM,
            "code": "wk",
        }
    if repeat:
        out["occurrenceTiming"] = {"repeat": repeat}
    if referral.visits_authorized is not None:
        out["quantityQuantity"] = {
            "value": referral.visits_authorized,
            "unit": "visits",
            "system": _UCUM,
            "code": "{visits}",  # a UCUM annotation: a count of visits
        }
    if include_notes and referral.instructions is not None:
        out["note"] = [{"text": referral.instructions}]
    return out


def goal_resource(
    goal: Goal,
    *,
    patient_id: str,
    plan_id: str = "",
    status: PlanStatus = PlanStatus.ACTIVE,
    include_notes: bool = False,
    registry: InstrumentSource | None = None,
) -> Resource:
    """Return the FHIR ``Goal`` of a plan's *goal*.

    ``target.measure`` is the instrument in `INSTRUMENT_SYSTEM`;
    ``target.detailQuantity`` the target with its comparator (``<=`` or
    ``>=``) in the instrument's unit, in UCUM (``%`` for the ODI, ``{score}``
    for points); an instrument *registry* does not know gets no unit. The
    required ``description`` is generated from the target; the goal's own
    free-text wording replaces it only with *include_notes*.

    Args:
        goal: The goal.
        patient_id: The patient's id.
        plan_id: The plan's id (goal ids are unique within a plan).
        status: The plan's status, mapped to ``lifecycleStatus``.
        include_notes: Export the free-text description.
        registry: Where to find the instrument (default: the default registry).
    """
    generated = f"{goal.instrument} {goal.comparator.value} {goal.target:g}"
    text = goal.description if include_notes and goal.description else generated
    target: dict[str, object] = {
        "measure": {"coding": [_coding(INSTRUMENT_SYSTEM, goal.instrument)]},
        "detailQuantity": {"value": goal.target, "comparator": goal.comparator.value},
    }
    try:
        unit = get_instrument(goal.instrument, registry).unit
    except UnknownCodeError:
        unit = None
    if unit is not None:
        target["detailQuantity"] = {
            **_quantity(goal.target, unit),
            "comparator": goal.comparator.value,
        }
    if goal.target_date is not None:
        target["dueDate"] = goal.target_date.isoformat()
    return {
        "resourceType": "Goal",
        "id": resource_uuid("Goal", plan_id, goal.id),
        "lifecycleStatus": _GOAL_STATUS[status],
        "description": {"text": text},
        "subject": _patient_ref(patient_id),
        "target": [target],
    }


def _activity(
    technique: PlannedTechnique, plan: TreatmentPlan, modalities: Mapping[str, Modality]
) -> dict[str, object]:
    side = f" ({technique.laterality.value})" if technique.laterality else ""
    description = (
        f"{technique.modality}, {technique.region.display}{side}, "
        f"{technique.duration.minutes:g} min, Walton grade "
        f"{int(technique.min_grade)}-{int(technique.max_grade)}"
    )
    return {
        "detail": {
            "kind": "ServiceRequest",
            "code": _modality_concept(technique.modality, modalities),
            "status": _ACTIVITY_STATUS[plan.status],
            "scheduledTiming": {
                "repeat": {
                    "frequency": plan.sessions_per_week,
                    "period": 1,
                    "periodUnit": "wk",
                    "duration": technique.duration.minutes,
                    "durationUnit": "min",
                }
            },
            "description": description,
        }
    }


def care_plan_resource(
    plan: TreatmentPlan, *, include_notes: bool = False, registry: Registry | None = None
) -> Resource:
    """Return the FHIR ``CarePlan`` of a treatment *plan*.

    Intent ``plan``; ``addresses`` the diagnoses' ``Condition`` resources;
    ``supportingInfo`` the referral's ``ServiceRequest`` (R4 allows only a
    CarePlan in ``basedOn``); one ``activity`` per planned
    technique (code = the modality, plus its CPT code when known; the region,
    side, minutes and Walton grades in a generated description, since R4's
    activity detail has no body site); ``goal`` references the `goal_resource`
    of each goal. Precautions are free text, exported only with *include_notes*.
    Modality names (and a plugin modality's declared CPT code) come from
    *registry* (default: `medmassage.plugins.get_default_registry`).
    """
    modalities = _modalities(registry)
    out: Resource = {
        "resourceType": "CarePlan",
        "id": resource_uuid("CarePlan", plan.id),
        "identifier": [{"system": "https://medmassage.dev/plans", "value": plan.id}],
        "status": _PLAN_STATUS[plan.status],
        "intent": "plan",
        "subject": _patient_ref(plan.patient_id),
        "period": {"start": plan.start_date.isoformat(), "end": plan.end_date.isoformat()},
        "author": _ref("Practitioner", plan.practitioner_id),
        "addresses": [_condition_ref(d, plan.patient_id) for d in plan.diagnoses],
        "activity": [_activity(t, plan, modalities) for t in plan.techniques],
    }
    if plan.referral is not None:
        # R4's CarePlan.basedOn may only point at another CarePlan; the referral
        # that authorizes the plan is supporting information.
        out["supportingInfo"] = [_ref("ServiceRequest", plan.referral.id)]
    if plan.goals:
        out["goal"] = [_ref("Goal", plan.id, g.id) for g in plan.goals]
    if include_notes and plan.precautions:
        out["note"] = [{"text": text} for text in plan.precautions]
    return out


def _procedure(
    session: Session,
    index: int,
    segment: TechniqueSegment,
    start: dt.datetime,
    modalities: Mapping[str, Modality],
) -> Resource:
    end = after(start, dt.timedelta(minutes=segment.duration.minutes))
    period: dict[str, object] = {}
    _put_datetime(period, "start", start, "start")
    _put_datetime(period, "end", end, "start")
    out: Resource = {
        "resourceType": "Procedure",
        "id": resource_uuid("Procedure", session.id, str(index)),
        "status": "completed",
        "code": _modality_concept(segment.modality, modalities),
        "subject": _patient_ref(session.patient_id),
        "encounter": _ref("Encounter", session.id),
        "performedPeriod": period,
        "performer": [{"actor": _ref("Practitioner", session.practitioner_id)}],
        "bodySite": [_body_site(segment.region, segment.laterality)],
    }
    extensions: list[dict[str, object]] = [
        {"url": DURATION_URL, "valueDuration": _duration(segment.duration)}
    ]
    if segment.grade is not None:
        extensions.append({"url": WALTON_GRADE_URL, "valueInteger": int(segment.grade)})
    if segment.pressure is not None:
        extensions.append(
            {"url": PRESSURE_URL, "valueQuantity": measurement_quantity(segment.pressure)}
        )
    if segment.feedback is not None:
        extensions.append({"url": FEEDBACK_URL, "valueCode": segment.feedback.value})
    if segment.discomfort is not None:
        extensions.append({"url": DISCOMFORT_URL, "valueInteger": segment.discomfort})
    out["extension"] = extensions
    if session.plan_id is not None:
        out["basedOn"] = [_ref("CarePlan", session.plan_id)]
    return out


def _duration(duration: Duration) -> dict[str, object]:
    """A UCUM ``Duration``: in its own unit when UCUM has it (min, h, s), else in minutes."""
    if duration.unit in ("min", "h", "s") and type(duration.value) in (int, float):
        unit = duration.unit
        return {"value": duration.value, "unit": unit, "system": _UCUM, "code": unit}
    return _minutes(duration.minutes)


def _minutes(minutes: float) -> dict[str, object]:
    return {"value": _round(minutes), "unit": "min", "system": _UCUM, "code": "min"}


_ENCOUNTER_STATUS: Final = {
    SessionStatus.COMPLETED: "finished",
    SessionStatus.CANCELLED: "cancelled",
    SessionStatus.NO_SHOW: "cancelled",  # R4 has no no-show: kept in SESSION_STATUS_URL
}


def encounter_resource(session: Session) -> Resource:
    """Return the FHIR ``Encounter`` of a *session*.

    ``status`` ``finished`` for a completed session and ``cancelled`` for a
    cancelled or missed one (R4's Encounter has no no-show status: the
    session's own status is kept in the `SESSION_STATUS_URL` extension);
    ``class`` ambulatory (``AMB`` in HL7 v3 ActCode); ``period`` the session's
    start and end (its duration of real time, added in UTC); ``participant``
    the treating practitioner. The session's Procedures and Observations refer
    to it in ``encounter``.

    Raises:
        UsageError: If a time cannot be written as a FHIR dateTime.
    """
    period: dict[str, object] = {}
    _put_datetime(period, "start", session.start, "start")
    _put_datetime(period, "end", session.end, "start")
    return {
        "resourceType": "Encounter",
        "id": resource_uuid("Encounter", session.id),
        "extension": [{"url": SESSION_STATUS_URL, "valueCode": session.status.value}],
        "identifier": [{"system": "https://medmassage.dev/sessions", "value": session.id}],
        "status": _ENCOUNTER_STATUS[session.status],
        "class": _coding(_ACT_CODE, "AMB", "ambulatory"),
        "subject": _patient_ref(session.patient_id),
        "participant": [{"individual": _ref("Practitioner", session.practitioner_id)}],
        "period": period,
    }


def adverse_event_resources(session: Session) -> list[Resource]:
    """Return one FHIR ``AdverseEvent`` per adverse reaction of *session*.

    ``actuality`` ``actual``; ``event`` the reaction's kind in `REACTION_SYSTEM`;
    ``severity`` mild, moderate or severe (``adverse-event-severity``);
    ``outcome`` ``resolved`` or ``ongoing`` (``adverse-event-outcome``);
    ``date`` the onset, else the session's start; ``encounter`` the session's
    Encounter; the body region and side in the `BODY_SITE_URL` extension (R4's
    AdverseEvent has no body site). The reaction's note is free text and is
    never exported (R4's AdverseEvent has no note).

    Raises:
        UsageError: If a time cannot be written as a FHIR dateTime.
    """
    out: list[Resource] = []
    for i, reaction in enumerate(session.adverse_reactions):
        resource: Resource = {
            "resourceType": "AdverseEvent",
            "id": resource_uuid("AdverseEvent", session.id, str(i)),
            "actuality": "actual",
            "event": {
                "coding": [_coding(REACTION_SYSTEM, reaction.kind.value)],
                "text": reaction.kind.value.replace("_", " "),
            },
            "subject": _patient_ref(session.patient_id),
            "encounter": _ref("Encounter", session.id),
            "severity": {"coding": [_coding(_AE_SEVERITY, reaction.severity.value)]},
            "outcome": {
                "coding": [_coding(_AE_OUTCOME, "resolved" if reaction.resolved else "ongoing")]
            },
        }
        _put_datetime(
            resource,
            "date",
            reaction.onset if reaction.onset is not None else session.start,
            f"adverse_reactions[{i}].onset",
        )
        if reaction.region is not None:
            resource["extension"] = [
                {
                    "url": BODY_SITE_URL,
                    "valueCodeableConcept": _body_site(reaction.region, reaction.laterality),
                }
            ]
        out.append(resource)
    return out


def procedure_resources(session: Session, *, registry: Registry | None = None) -> list[Resource]:
    """Return one FHIR ``Procedure`` per technique segment of a completed *session*.

    Segments are taken to follow each other from the session's start, so each
    ``performedPeriod`` starts where the previous segment ended (medmassage
    records durations, not clock times, of segments). The code is the modality
    (with its CPT code as a second coding when known); the body site is the
    region with its side. The segment's minutes, Walton grade, measured pressure
    (UCUM, by `measurement_quantity`), the patient's pressure feedback and
    discomfort rating are extensions under `EXTENSION_BASE` (`DURATION_URL`,
    `WALTON_GRADE_URL`, `PRESSURE_URL`, `FEEDBACK_URL`, `DISCOMFORT_URL`). A
    session that did not take place has no procedures. Modality names come from
    *registry* (default: the default registry).

    Raises:
        UsageError: If the session's start is not time-zone-aware.
    """
    if session.status is not SessionStatus.COMPLETED:
        return []
    modalities = _modalities(registry)
    out: list[Resource] = []
    elapsed = 0.0
    for i, segment in enumerate(session.segments):
        # Elapsed time from the session's start (`after` adds it in UTC), never
        # wall-clock arithmetic: a 15-minute segment lasts 15 minutes across a
        # daylight-saving change.
        start = after(session.start, dt.timedelta(minutes=elapsed))
        out.append(_procedure(session, i, segment, start, modalities))
        elapsed += segment.duration.minutes
    return out


def _score(measure: OutcomeMeasure, registry: InstrumentSource | None) -> Score:
    return get_instrument(measure.instrument, registry).score_measure(measure)


def observation_resources(
    session: Session,
    *,
    registry: InstrumentSource | None = None,
    include_notes: bool = False,
) -> list[Resource]:
    """Return one FHIR ``Observation`` per outcome measure of *session*.

    ``code`` is the instrument in `INSTRUMENT_SYSTEM` (no LOINC code is
    emitted); ``valueQuantity`` the score computed by the instrument, in UCUM;
    ``component`` one per subscale (coded ``instrument.subscale`` in
    `INSTRUMENT_SYSTEM`), or one per trial for physical measurements (coded as
    the instrument, each trial converted by `measurement_quantity`). Category ``exam`` for
    physical measurements, ``survey`` otherwise. `case_bundle` exports the
    measures it can and reports the others; this function raises on the first.

    Args:
        session: The session.
        registry: Where to find instruments (default: the default registry,
            `medmassage.plugins.get_default_registry`, plugins included).
        include_notes: Export each measure's free-text note.

    Raises:
        UnknownCodeError: If an instrument is unknown.
        ScoringError: If a measure cannot be scored.
        UsageError: If a time is not time-zone-aware.
    """
    return [
        _observation(session, i, measure, registry, include_notes)
        for i, measure in enumerate(session.outcomes)
    ]


#: Why a record could not be exported: the problem code of each error.
_NOT_EXPORTED: Final = {
    UnknownCodeError: "unknown_code",
    ScoringError: "unscorable",
    UsageError: "not_expressible",
}


def _exportable_observations(
    session: Session,
    *,
    path: str,
    problems: list[Problem],
    registry: InstrumentSource | None = None,
    include_notes: bool = False,
) -> list[Resource]:
    """The Observations of the measures of *session*, scored where they can be.

    A measure that cannot be scored (unknown instrument, unscorable responses) is
    exported without a value, with ``dataAbsentReason`` ``error`` (FHIR
    ``data-absent-reason``), and added to *problems* under ``{path}.outcomes[i]``;
    a measure whose time FHIR cannot carry is left out and added to *problems*.
    """
    out: list[Resource] = []
    for i, measure in enumerate(session.outcomes):
        try:
            out.append(_observation(session, i, measure, registry, include_notes))
            continue
        except UsageError as exc:
            message = f"outcome measure not exported: {exc}"
            problems.append(Problem(f"{path}.outcomes[{i}]", message, "not_expressible"))
            continue
        except MedmassageError as exc:
            code = next(
                (c for kind, c in _NOT_EXPORTED.items() if isinstance(exc, kind)), "not_exported"
            )
            message = f"outcome measure exported without a score: {exc}"
        try:
            out.append(_observation(session, i, measure, registry, include_notes, scored=False))
        except UsageError as exc:
            message = f"outcome measure not exported: {exc}"
            code = "not_expressible"
        problems.append(Problem(f"{path}.outcomes[{i}]", message, code))
    return out


_DATA_ABSENT: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


def _observation(
    session: Session,
    i: int,
    measure: OutcomeMeasure,
    registry: InstrumentSource | None,
    include_notes: bool,
    *,
    scored: bool = True,
) -> Resource:
    score = _score(measure, registry) if scored else None
    code = {"coding": [_coding(INSTRUMENT_SYSTEM, measure.instrument)], "text": measure.instrument}
    if score is not None:
        instrument = get_instrument(measure.instrument, registry)
        code = {
            "coding": [_coding(INSTRUMENT_SYSTEM, instrument.code, instrument.name)],
            "text": instrument.name,
        }
    category = "exam" if measure.measurements else "survey"
    resource: Resource = {
        "resourceType": "Observation",
        "id": resource_uuid("Observation", session.id, str(i)),
        "status": "final",
        "category": [{"coding": [_coding(_OBS_CATEGORY, category)]}],
        "code": code,
        "subject": _patient_ref(session.patient_id),
        "encounter": _ref("Encounter", session.id),
    }
    if measure.responses is not None:
        resource["derivedFrom"] = [_ref("QuestionnaireResponse", session.id, str(i))]
    if score is not None:
        resource["valueQuantity"] = _quantity(score.value, score.unit)
    else:
        resource["dataAbsentReason"] = {
            "coding": [_coding(_DATA_ABSENT, "error")],
            "text": "could not be scored",
        }
    _put_datetime(resource, "effectiveDateTime", measure.taken_at, f"outcomes[{i}].taken_at")
    # A subscale is coded ``instrument.subscale``; each trial of a physical
    # measurement observes what the instrument does, and has its code.
    components: list[dict[str, object]] = []
    if score is not None:
        components.extend(
            {
                "code": {
                    "coding": [_coding(INSTRUMENT_SYSTEM, f"{measure.instrument}.{name}")],
                    "text": name,
                },
                "valueQuantity": _quantity(value, score.unit),
            }
            for name, value in score.subscales.items()
        )
    trial_code = code["coding"]
    components.extend(
        {
            "code": {"coding": trial_code, "text": f"trial {n}"},
            "valueQuantity": measurement_quantity(m),
        }
        for n, m in enumerate(measure.measurements, 1)
    )
    if components:
        resource["component"] = components
    if measure.region is not None:
        resource["bodySite"] = _body_site(measure.region, measure.laterality)
    if measure.movement is not None:
        resource["method"] = {"text": measure.movement}
    if include_notes and measure.note is not None:
        resource["note"] = [{"text": measure.note}]
    return resource
