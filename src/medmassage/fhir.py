"""Export medmassage records as HL7 FHIR R4 JSON resources (an adapter, not the core).

The models know nothing of FHIR: this module maps them to plain, JSON-ready
dictionaries following the correspondence documented in ``docs/concepts/fhir.md``
(HL7 FHIR R4, https://hl7.org/fhir/R4/). Nothing here is checked by a FHIR
validator; validate the output before relying on it.

Choices made where the specification leaves them open:

- Identifiers: the Patient keeps its own id; every other resource gets a UUID
  (version 5) derived from the ids of the records it comes from, so the same
  input always gives the same output. References are ``urn:uuid:`` references,
  which resolve to the ``fullUrl`` of an entry in `case_bundle`.
- Body sites: ``bodySite`` carries the region's SNOMED CT concept and, for a
  side, a second coding with the post-coordinated SNOMED CT expression
  ``region:272741003=side`` (272741003 is the SNOMED CT *Laterality*
  attribute; SNOMED CT Compositional Grammar, SNOMED International, whose
  worked example is ``76505004 |thumb structure| : 272741003 |laterality| =
  7771000 |left|``), plus a text such as ``"Hip, left"``. Receivers that do not
  accept expressions still get the region's own concept in the first coding.
- Instruments and modalities have no standard code here: they use the local
  systems `INSTRUMENT_SYSTEM` and `MODALITY_SYSTEM`. No LOINC code is emitted
  (none is confirmed for the instruments' exact versions: UNCONFIRMED), and
  the CPT code of a modality is added as a second coding when one is known.
- Units are UCUM (https://ucum.org/ucum): ``kPa``, ``mm[Hg]``, ``deg``, ``cm``,
  ``%``, ``mm`` and ``{score}`` for points; pressures in other units
  (kgf/cm², psi, N/cm²) are converted to kPa.
- Privacy: names, birth date and contact details are exported only with
  ``include_identity=True``; free text (condition notes, goal descriptions,
  referral instructions, plan precautions, outcome notes) only with
  ``include_notes=True``. SOAP notes and adverse reactions are never exported.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, TypeAlias

from ._validation import after
from .anatomy import BodyRegion, Laterality
from .cases import Case
from .codes import CPT, SNOMED_CT
from .contraindications import Assessment, Finding, Severity
from .diagnosis import Diagnosis, Provider, Referral
from .exceptions import UnknownCodeError, UsageError
from .instruments import InstrumentSource, Score, get_instrument
from .outcomes import OutcomeMeasure
from .patient import Condition, Patient
from .plans import Goal, PlannedTechnique, PlanStatus, TreatmentPlan
from .practitioners import Practitioner
from .sessions import Session, SessionStatus, TechniqueSegment
from .units import Angle, Length, Pressure

if TYPE_CHECKING:
    from .modalities import Modality
    from .plugins import Registry

__all__ = [
    "ACTION_SYSTEM",
    "INSTRUMENT_SYSTEM",
    "MODALITY_SYSTEM",
    "RULE_SYSTEM",
    "SCREENING_SYSTEM",
    "SEVERITY_MAP",
    "Resource",
    "care_plan_resource",
    "case_bundle",
    "condition_resource",
    "detected_issue_resources",
    "goal_resource",
    "measurement_quantity",
    "observation_resources",
    "patient_resource",
    "practitioner_resource",
    "procedure_resources",
    "resource_uuid",
    "service_request_resource",
]

#: A FHIR resource as a JSON-ready dictionary.
Resource: TypeAlias = dict[str, object]

#: Local code system of medmassage's outcome instrument codes (``odi``, ``ppt`` ...).
INSTRUMENT_SYSTEM: Final = "https://medmassage.dev/instruments"
#: Local code system of medmassage's modality keys (``core.swedish`` ...).
MODALITY_SYSTEM: Final = "https://medmassage.dev/modalities"
#: Local code system of screening rule ids.
RULE_SYSTEM: Final = "https://medmassage.dev/rules"
#: Local code system of screening actions (``defer``, ``limit_pressure`` ...).
ACTION_SYSTEM: Final = "https://medmassage.dev/actions"
#: The code system of screening statuses (``indeterminate``).
SCREENING_SYSTEM: Final = "https://medmassage.dev/screening-status"

_UCUM: Final = "http://unitsofmeasure.org"
_NPI: Final = "http://hl7.org/fhir/sid/us-npi"
_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_OBS_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
_LATERALITY_ATTRIBUTE: Final = "272741003"  # SNOMED CT |Laterality (attribute)|
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "https://medmassage.dev/fhir")

#: `Finding.severity` to ``DetectedIssue.severity`` (FHIR ``detectedissue-severity``),
#: as documented in ``docs/concepts/fhir.md``: absolute findings stop treatment
#: (high); local and relative ones modify it (moderate); information changes
#: nothing (low).
SEVERITY_MAP: Final = {
    Severity.ABSOLUTE: "high",
    Severity.LOCAL: "moderate",
    Severity.RELATIVE: "moderate",
    Severity.INFORMATION: "low",
}

_PLAN_STATUS: Final = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.ACTIVE: "active",
    PlanStatus.ON_HOLD: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.REVOKED: "revoked",
}
_ACTIVITY_STATUS: Final = {
    PlanStatus.DRAFT: "not-started",
    PlanStatus.ACTIVE: "in-progress",
    PlanStatus.ON_HOLD: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.REVOKED: "cancelled",
}
_GOAL_STATUS: Final = {
    PlanStatus.DRAFT: "proposed",
    PlanStatus.ACTIVE: "active",
    PlanStatus.ON_HOLD: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.REVOKED: "cancelled",
}
# Score units (medmassage spelling) to UCUM codes.
_SCORE_UNITS: Final = {
    "points": "{score}",
    "%": "%",
    "mm": "mm",
    "cm": "cm",
    "kPa": "kPa",
    "mmHg": "mm[Hg]",
    "deg": "deg",
    "degree": "deg",
}


# -- helpers -------------------------------------------------------------------------


def resource_uuid(resource_type: str, *parts: str) -> str:
    """Return the deterministic UUID (version 5) of a resource derived from *parts*.

    Args:
        resource_type: The FHIR resource type (``"Procedure"``).
        parts: The ids that identify the record (a session id and an index ...).
    """
    return str(uuid.uuid5(_NAMESPACE, "/".join((resource_type, *parts))))


def _ref(resource_type: str, *parts: str) -> dict[str, object]:
    return {"reference": "urn:uuid:" + resource_uuid(resource_type, *parts)}


def _patient_ref(patient_id: str) -> dict[str, object]:
    return _ref("Patient", patient_id)


def _datetime(value: dt.datetime, path: str) -> str:
    if value.utcoffset() is None:
        raise UsageError(f"{path}: expected a time-zone-aware datetime for a FHIR dateTime")
    return value.isoformat()


def _coding(system: str, code: str, display: str | None = None) -> dict[str, object]:
    out: dict[str, object] = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _body_site(region: BodyRegion, laterality: Laterality | None) -> dict[str, object]:
    codings = [_coding(SNOMED_CT, region.snomed, region.display)]
    text = region.display
    if laterality is not None:
        codings.append(
            _coding(SNOMED_CT, f"{region.snomed}:{_LATERALITY_ATTRIBUTE}={laterality.snomed}")
        )
        text = f"{region.display}, {laterality.value}"
    return {"coding": codings, "text": text}


def _round(value: float) -> float:
    return round(value, 6)


def _quantity(value: float, unit: str) -> dict[str, object]:
    ucum = _SCORE_UNITS.get(unit)
    out: dict[str, object] = {"value": _round(value), "unit": unit}
    if ucum is not None:
        out["system"] = _UCUM
        out["code"] = ucum
    return out


def measurement_quantity(measure: Pressure | Angle | Length) -> dict[str, object]:
    """Return a UCUM ``Quantity`` for a physical measurement.

    Pressures stay in kPa or mmHg (``mm[Hg]``); any other pressure unit
    (kgf/cm², psi, N/cm²) is converted to kPa. Angles are in degrees, lengths
    in centimetres.

    >>> measurement_quantity(Pressure(1, "kgf/cm**2"))["value"]
    98.0665
    """
    if isinstance(measure, Pressure):
        if measure.unit in ("mmHg", "mm_Hg", "millimeter_Hg"):
            return {"value": measure.value, "unit": "mmHg", "system": _UCUM, "code": "mm[Hg]"}
        return {"value": _round(measure.kpa), "unit": "kPa", "system": _UCUM, "code": "kPa"}
    if isinstance(measure, Angle):
        return {"value": _round(measure.degrees), "unit": "deg", "system": _UCUM, "code": "deg"}
    return {"value": _round(measure.cm), "unit": "cm", "system": _UCUM, "code": "cm"}


def _modalities(registry: Registry | None) -> Mapping[str, Modality]:
    if registry is None:
        from .plugins import get_default_registry

        registry = get_default_registry()
    return registry.modalities


def _modality_concept(modality: str, modalities: Mapping[str, Modality]) -> dict[str, object]:
    from .cpt import cpt_for_modality

    known = modalities.get(modality)
    codings = [_coding(MODALITY_SYSTEM, modality, known.name if known else None)]
    try:
        cpt = cpt_for_modality(known if known is not None else modality)
    except UnknownCodeError:
        cpt = None
    if cpt is not None:
        codings.append(_coding(CPT, cpt))
    return {"coding": codings, "text": known.name if known else modality}


def _provider_ref(provider: Provider) -> dict[str, object]:
    out: dict[str, object] = {"display": provider.name}
    if provider.npi is not None:
        out["identifier"] = {"system": _NPI, "value": provider.npi}
    return out


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
    """Return the FHIR ``Practitioner`` resource of a treating *practitioner*."""
    out: Resource = {"resourceType": "Practitioner", "id": practitioner.id}
    if practitioner.npi is not None:
        out["identifier"] = [{"system": _NPI, "value": practitioner.npi}]
    if practitioner.name is not None:
        out["name"] = [{"text": practitioner.name}]
    return out


def _condition_key(item: Diagnosis | Condition, patient_id: str) -> tuple[str, ...]:
    if isinstance(item, Diagnosis):
        return (patient_id, "encounter-diagnosis", item.coding.system, item.coding.code)
    return (patient_id, "problem-list-item", item.code.system, item.code.code)


def condition_resource(
    diagnosis_or_condition: Diagnosis | Condition,
    *,
    patient_id: str,
    include_notes: bool = False,
) -> Resource:
    """Return the FHIR ``Condition`` of a diagnosis or of a condition in the history.

    A `Diagnosis` becomes an ``encounter-diagnosis`` (active, coded in
    ICD-10-CM, ``recordedDate`` = the diagnosis date, ``asserter`` = the
    diagnosing provider by NPI); a patient `Condition` becomes a
    ``problem-list-item`` with its clinical status. The body site is the
    region's SNOMED CT concept with its side. A condition's free-text note is
    exported only with *include_notes*. Acuity has no core element and is not
    exported.
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
        "id": resource_uuid("Condition", *_condition_key(item, patient_id)),
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


def _condition_ref(item: Diagnosis | Condition, patient_id: str) -> dict[str, object]:
    return _ref("Condition", *_condition_key(item, patient_id))


def service_request_resource(
    referral: Referral, *, patient_id: str, include_notes: bool = False
) -> Resource:
    """Return the FHIR ``ServiceRequest`` of a *referral* for medical massage.

    The status is ``active`` and the intent ``order``; ``reasonReference``
    points at the diagnoses' ``Condition`` resources; the prescribed frequency
    and course length are an ``occurrenceTiming`` (bounded by the expiry date
    when there is one); visits authorized are the ``quantityQuantity``. The
    instructions are free text, exported only with *include_notes*.
    """
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
        "reasonReference": [_condition_ref(d, patient_id) for d in referral.diagnoses],
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
        out["quantityQuantity"] = {"value": referral.visits_authorized, "unit": "visits"}
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
) -> Resource:
    """Return the FHIR ``Goal`` of a plan's *goal*.

    ``target.measure`` is the instrument in `INSTRUMENT_SYSTEM`;
    ``target.detailQuantity`` the target with its comparator (``<=`` or
    ``>=``). The required ``description`` is generated from the target; the
    goal's own free-text wording replaces it only with *include_notes*.

    Args:
        goal: The goal.
        patient_id: The patient's id.
        plan_id: The plan's id (goal ids are unique within a plan).
        status: The plan's status, mapped to ``lifecycleStatus``.
        include_notes: Export the free-text description.
    """
    generated = f"{goal.instrument} {goal.comparator.value} {goal.target:g}"
    text = goal.description if include_notes and goal.description else generated
    target: dict[str, object] = {
        "measure": {"coding": [_coding(INSTRUMENT_SYSTEM, goal.instrument)]},
        "detailQuantity": {"value": goal.target, "comparator": goal.comparator.value},
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
    ``basedOn`` the referral's ``ServiceRequest``; one ``activity`` per planned
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
        out["basedOn"] = [_ref("ServiceRequest", plan.referral.id)]
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
    out: Resource = {
        "resourceType": "Procedure",
        "id": resource_uuid("Procedure", session.id, str(index)),
        "status": "completed",
        "code": _modality_concept(segment.modality, modalities),
        "subject": _patient_ref(session.patient_id),
        "performedPeriod": {
            "start": _datetime(start, "session.start"),
            "end": _datetime(end, "session.start"),
        },
        "performer": [{"actor": _ref("Practitioner", session.practitioner_id)}],
        "bodySite": [_body_site(segment.region, segment.laterality)],
    }
    if session.plan_id is not None:
        out["basedOn"] = [_ref("CarePlan", session.plan_id)]
    return out


def procedure_resources(session: Session, *, registry: Registry | None = None) -> list[Resource]:
    """Return one FHIR ``Procedure`` per technique segment of a completed *session*.

    Segments are taken to follow each other from the session's start, so each
    ``performedPeriod`` starts where the previous segment ended (medmassage
    records durations, not clock times, of segments). The code is the modality
    (with its CPT code as a second coding when known); the body site is the
    region with its side. Walton grade, measured pressure and feedback need
    extensions and are not exported. A session that did not take place has no
    procedures. Modality names come from *registry* (default: the default registry).

    Raises:
        UsageError: If the session's start is not time-zone-aware.
    """
    if session.status is not SessionStatus.COMPLETED:
        return []
    modalities = _modalities(registry)
    out: list[Resource] = []
    start = session.start
    for i, segment in enumerate(session.segments):
        out.append(_procedure(session, i, segment, start, modalities))
        start = after(start, dt.timedelta(minutes=segment.duration.minutes))
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
    ``component`` one per subscale, or one per trial for physical measurements
    (each trial converted by `measurement_quantity`). Category ``exam`` for
    physical measurements, ``survey`` otherwise.

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
    out: list[Resource] = []
    for i, measure in enumerate(session.outcomes):
        instrument = get_instrument(measure.instrument, registry)
        score = _score(measure, registry)
        category = "exam" if measure.measurements else "survey"
        resource: Resource = {
            "resourceType": "Observation",
            "id": resource_uuid("Observation", session.id, str(i)),
            "status": "final",
            "category": [{"coding": [_coding(_OBS_CATEGORY, category)]}],
            "code": {
                "coding": [_coding(INSTRUMENT_SYSTEM, instrument.code, instrument.name)],
                "text": instrument.name,
            },
            "subject": _patient_ref(session.patient_id),
            "effectiveDateTime": _datetime(measure.taken_at, f"outcomes[{i}].taken_at"),
            "valueQuantity": _quantity(score.value, score.unit),
        }
        components: list[dict[str, object]] = [
            {"code": {"text": name}, "valueQuantity": _quantity(value, score.unit)}
            for name, value in score.subscales.items()
        ]
        components.extend(
            {"code": {"text": f"trial {n}"}, "valueQuantity": measurement_quantity(m)}
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
        out.append(resource)
    return out


def _detected_issue(finding: Finding, index: int, on: dt.date, patient_id: str) -> Resource:
    out: Resource = {
        "resourceType": "DetectedIssue",
        "id": resource_uuid("DetectedIssue", patient_id, on.isoformat(), str(index)),
        "status": "final",
        "code": {"coding": [_coding(RULE_SYSTEM, finding.rule_id)], "text": finding.rule_id},
        "severity": SEVERITY_MAP[finding.severity],
        "patient": _patient_ref(patient_id),
        "identifiedDateTime": on.isoformat(),
        "detail": f"{finding.rationale} Source: {finding.source}",
        "mitigation": [{"action": {"coding": [_coding(ACTION_SYSTEM, finding.action.value)]}}],
    }
    if finding.evidence:
        out["evidence"] = [{"code": [{"text": e}]} for e in finding.evidence]
    return out


def _indeterminate_issue(assessment: Assessment, patient_id: str) -> Resource:
    failed = [f"{f.rule_id}: {f.cause}" for f in assessment.failures]
    return {
        "resourceType": "DetectedIssue",
        "id": resource_uuid("DetectedIssue", patient_id, assessment.on.isoformat(), "status"),
        "status": "final",
        "code": {
            "coding": [_coding(SCREENING_SYSTEM, "indeterminate")],
            "text": "Contraindication screening indeterminate",
        },
        "severity": "high",
        "patient": _patient_ref(patient_id),
        "identifiedDateTime": assessment.on.isoformat(),
        "detail": "Contraindication screening could not be completed; its findings are "
        "incomplete and must not be read as clear. " + "; ".join(failed),
        "evidence": [
            {"code": [{"text": f"rule {f.rule_id} ({f.stage})"}]} for f in assessment.failures
        ],
        "mitigation": [{"action": {"coding": [_coding(ACTION_SYSTEM, "defer")]}}],
    }


def detected_issue_resources(assessment: Assessment, *, patient_id: str) -> list[Resource]:
    """Return the FHIR ``DetectedIssue`` resources of a screening *assessment*.

    One per finding: ``severity`` follows `SEVERITY_MAP`; ``code`` is the rule
    id, ``detail`` the rationale and its source, ``evidence`` the triggering
    codes, ``mitigation`` the action. Findings hold generic clinical text only
    (never the patient's own notes), so they are always exported.

    An *indeterminate* screening (a rule failed or could not be loaded) comes
    first as its own ``DetectedIssue`` (code ``indeterminate`` in
    `SCREENING_SYSTEM`, severity ``high``, each failed rule as evidence), so a
    receiving system cannot mistake the incomplete findings for a clear result.
    """
    out: list[Resource] = []
    if assessment.failures:
        out.append(_indeterminate_issue(assessment, patient_id))
    out.extend(
        _detected_issue(f, i, assessment.on, patient_id) for i, f in enumerate(assessment.findings)
    )
    return out


# -- bundle --------------------------------------------------------------------------


def _entries(resources: Iterable[Resource]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for resource in resources:
        rid = str(resource["id"])
        full = (
            "urn:uuid:" + resource_uuid(str(resource["resourceType"]), rid)
            if resource["resourceType"] in ("Patient", "Practitioner")
            else "urn:uuid:" + rid
        )
        if full in seen:
            continue  # the same record listed twice (a code repeated in the history)
        seen.add(full)
        out.append({"fullUrl": full, "resource": resource})
    return out


def _unique_diagnoses(groups: Sequence[Iterable[Diagnosis]]) -> list[Diagnosis]:
    out: dict[str, Diagnosis] = {}
    for group in groups:
        for d in group:
            out.setdefault(d.code, d)
    return list(out.values())


def case_bundle(
    case: Case,
    *,
    include_identity: bool = False,
    include_notes: bool = False,
    assessment: Assessment | None = None,
    registry: Registry | None = None,
) -> Resource:
    """Return a FHIR ``collection`` Bundle of a whole *case*.

    Entries, in order: the Patient, the practitioners (those the case lists
    and any it only refers to by id), the history's Conditions, the diagnoses'
    Conditions, the referral's ServiceRequest, the Goals, the CarePlan, then
    per session its Procedures and Observations, and the DetectedIssues of
    *assessment*. Every ``fullUrl`` is a ``urn:uuid:`` derived from the
    records' ids, so two exports of the same case are equal, and every
    reference in the bundle resolves to an entry.

    Args:
        case: The case.
        include_identity: Export the patient's name, birth date and contact details.
        include_notes: Export free text (condition notes, goal wording, referral
            instructions, plan precautions, outcome notes). SOAP notes and
            adverse reactions are never exported.
        assessment: A screening assessment whose findings become DetectedIssues.
        registry: Where to find modalities and instruments (plugins); by default
            `medmassage.plugins.get_default_registry`.
    """
    patient, plan = case.patient, case.plan
    pid = patient.id
    resources: list[Resource] = [patient_resource(patient, include_identity=include_identity)]
    listed = {p.id: p for p in case.practitioners}
    ids = [p.id for p in case.practitioners]
    for other in (plan.practitioner_id, *(s.practitioner_id for s in case.sessions)):
        if other not in ids:
            ids.append(other)
    for practitioner_id in ids:
        known = listed.get(practitioner_id)
        resources.append(
            practitioner_resource(known)
            if known is not None
            else {"resourceType": "Practitioner", "id": practitioner_id}
        )
    resources.extend(
        condition_resource(c, patient_id=pid, include_notes=include_notes)
        for c in patient.conditions
    )
    referral = plan.referral
    diagnoses = _unique_diagnoses([plan.diagnoses, referral.diagnoses if referral else ()])
    resources.extend(condition_resource(d, patient_id=pid) for d in diagnoses)
    if referral is not None:
        resources.append(
            service_request_resource(referral, patient_id=pid, include_notes=include_notes)
        )
    resources.extend(
        goal_resource(
            g, patient_id=pid, plan_id=plan.id, status=plan.status, include_notes=include_notes
        )
        for g in plan.goals
    )
    if registry is None:
        from .plugins import get_default_registry

        registry = get_default_registry()
    resources.append(care_plan_resource(plan, include_notes=include_notes, registry=registry))
    for session in case.sessions:
        resources.extend(procedure_resources(session, registry=registry))
        resources.extend(
            observation_resources(session, registry=registry, include_notes=include_notes)
        )
    if assessment is not None:
        resources.extend(detected_issue_resources(assessment, patient_id=pid))
    case_key = (pid, plan.id, *(s.id for s in case.sessions))
    return {
        "resourceType": "Bundle",
        "id": resource_uuid("Bundle", *case_key),
        "type": "collection",
        "entry": _entries(resources),
    }
