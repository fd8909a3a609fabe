"""The FHIR collection Bundle of a whole case."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..cases import Case
from ..contraindications import Assessment
from ..diagnosis import Diagnosis

if TYPE_CHECKING:
    from ..plugins import Registry
from ..exceptions import Problem, UsageError
from ._common import (
    Resource,
    resource_uuid,
)
from ._outcome import FhirExport, clean_entries, operation_outcome
from ._resources import (
    _exportable_observations,
    adverse_event_resources,
    care_plan_resource,
    condition_resource,
    detected_issue_resources,
    encounter_resource,
    goal_resource,
    patient_resource,
    practitioner_resource,
    procedure_resources,
    service_request_resource,
)

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
            continue  # the same record listed twice (a diagnosis of the plan and the referral)
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
    """Return a FHIR ``collection`` Bundle of a whole *case*: `case_export`'s bundle.

    What could not be exported is listed in the bundle's last entry, an
    ``OperationOutcome``; `case_export` also returns it as problems. The
    arguments are those of `case_export`.
    """
    return case_export(
        case,
        include_identity=include_identity,
        include_notes=include_notes,
        assessment=assessment,
        registry=registry,
    ).bundle


def case_export(
    case: Case,
    *,
    include_identity: bool = False,
    include_notes: bool = False,
    assessment: Assessment | None = None,
    registry: Registry | None = None,
) -> FhirExport:
    """Export a whole *case* as a FHIR ``collection`` Bundle, with what it could not carry.

    Entries, in order: the Patient, the practitioners (those the case lists
    and any it only refers to by id), the history's Conditions, the diagnoses'
    Conditions, the referral's ServiceRequest, the Goals, the CarePlan, then
    per session its Encounter, Procedures, AdverseEvents and Observations, and the DetectedIssues of
    *assessment*. Every ``fullUrl`` is a ``urn:uuid:`` derived from the
    records' ids, so two exports of the same case are equal, and every
    reference in the bundle resolves to an entry.

    One record that cannot be exported does not abort the export: an outcome
    measure that cannot be scored (or names an unknown instrument) and a
    session whose times FHIR cannot carry (with its procedures and measures)
    are left out, and a coding whose code breaks FHIR's ``code`` pattern is
    left out of its resource. Each is a
    problem of the result, with its path, and an issue of the ``OperationOutcome``
    that is then the bundle's last entry.

    Args:
        case: The case.
        include_identity: Export the patient's name, birth date and contact details.
        include_notes: Export free text (condition notes, goal wording, referral
            instructions, plan precautions, outcome notes). SOAP notes and
            adverse-reaction notes are never exported.
        assessment: A screening assessment whose findings become DetectedIssues.
        registry: Where to find modalities and instruments (plugins); by default
            `medmassage.plugins.get_default_registry`.
    """
    if registry is None:
        from ..plugins import get_default_registry

        registry = get_default_registry()
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
        condition_resource(c, patient_id=pid, include_notes=include_notes, index=i)
        for i, c in enumerate(patient.conditions)
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
            g,
            patient_id=pid,
            plan_id=plan.id,
            status=plan.status,
            include_notes=include_notes,
            registry=registry,
        )
        for g in plan.goals
    )
    resources.append(care_plan_resource(plan, include_notes=include_notes, registry=registry))
    problems: list[Problem] = []
    for n, session in enumerate(case.sessions):
        try:
            found = [
                encounter_resource(session),
                *procedure_resources(session, registry=registry),
                *adverse_event_resources(session),
            ]
        except UsageError as exc:  # a time at the end of the calendar FHIR cannot carry
            problems.append(Problem(f"sessions[{n}]", f"not exported: {exc}", "not_expressible"))
            continue
        resources.extend(found)
        resources.extend(
            _exportable_observations(
                session,
                path=f"sessions[{n}]",
                problems=problems,
                registry=registry,
                include_notes=include_notes,
            )
        )
    if assessment is not None:
        resources.extend(detected_issue_resources(assessment, patient_id=pid))
    case_key = (pid, plan.id, *(s.id for s in case.sessions))
    entries = _entries(resources)
    clean_entries(entries, problems)
    if problems:
        entries.extend(_entries([operation_outcome(problems, *case_key)]))
    bundle: Resource = {
        "resourceType": "Bundle",
        "id": resource_uuid("Bundle", *case_key),
        "type": "collection",
        "entry": entries,
    }
    return FhirExport(bundle=bundle, problems=tuple(problems))
