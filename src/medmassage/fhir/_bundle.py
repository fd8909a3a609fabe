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
from ..plans import TreatmentPlan
from ..serialization import get_converter
from ._answers import questionnaire_response_resource
from ._carry import add_fields
from ._common import NOT_LISTED_URL, Resource, resource_uuid
from ._issues import detected_issue_resources, flag_resources
from ._outcome import FhirExport, clean_entries, operation_outcome
from ._provenance import provenance_resources
from ._read import resolver
from ._resources import (
    _exportable_observations,
    _referral_only,
    adverse_event_resources,
    care_plan_resource,
    condition_resource,
    encounter_resource,
    goal_resource,
    patient_resource,
    practitioner_resource,
    procedure_resources,
    provider_resources,
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
            continue  # one record listed twice (a diagnosis of the plan and the referral)
        seen.add(full)
        out.append({"fullUrl": full, "resource": resource})
    return out


def _diagnoses(plan: TreatmentPlan) -> list[tuple[Diagnosis, str | None]]:
    """Each diagnosis of the plan and its referral once, with the referral's id if its own.

    A referral's diagnosis equal to the plan's of the same code is the same
    Condition; one that differs from it is exported as a Condition of its own.
    """
    out: list[tuple[Diagnosis, str | None]] = [(d, None) for d in plan.diagnoses]
    codes = {d.code for d in plan.diagnoses}
    referral = plan.referral
    if referral is not None:
        own = _referral_only(referral, plan.diagnoses)
        for i, d in enumerate(referral.diagnoses):
            if i in own:
                out.append((d, referral.id))
            elif d.code not in codes:
                codes.add(d.code)
                out.append((d, None))
    return out


def _add_fields(
    entries: Sequence[dict[str, object]],
    sources: Sequence[object],
    include_identity: bool,
    include_notes: bool,
) -> None:
    """Give each entry's resource the `FIELDS_URL` extension its record (*sources*) needs."""
    unstructure = get_converter().unstructure
    pairs: list[tuple[str, Resource]] = []
    for entry in entries:
        resource = entry["resource"]
        assert isinstance(resource, dict)
        pairs.append((str(entry["fullUrl"]), resource))
    resolve = resolver(pairs)
    for (_, resource), record in zip(pairs, sources, strict=True):
        if record is not None:
            add_fields(
                resource,
                record,
                unstructure(record),
                resolve,
                include_identity=include_identity,
                include_notes=include_notes,
            )


def case_bundle(
    case: Case,
    *,
    include_identity: bool = False,
    include_notes: bool = False,
    assessment: Assessment | None = None,
    registry: Registry | None = None,
    transaction: bool = False,
) -> Resource:
    """Return a FHIR Bundle of a whole *case*: `case_export`'s bundle.

    What could not be exported is listed in a ``collection`` bundle's last
    entry, an ``OperationOutcome``; `case_export` also returns it as problems.
    The arguments are those of `case_export`.
    """
    return case_export(
        case,
        include_identity=include_identity,
        include_notes=include_notes,
        assessment=assessment,
        registry=registry,
        transaction=transaction,
    ).bundle


def case_export(
    case: Case,
    *,
    include_identity: bool = False,
    include_notes: bool = False,
    assessment: Assessment | None = None,
    registry: Registry | None = None,
    transaction: bool = False,
) -> FhirExport:
    """Export a whole *case* as a FHIR Bundle, with what it could not carry.

    Entries, in order: the Patient, the practitioners (those the case lists
    and any it only refers to by id), each diagnosing and referring provider's
    Practitioner and PractitionerRole, the history's Conditions, the patient's
    risk flags as Flags, the diagnoses'
    Conditions, the referral's ServiceRequest, the Goals, the CarePlan, then
    per session its Encounter, Procedures, AdverseEvents, Provenances (signature,
    amendments) and Observations (each
    after the QuestionnaireResponse of its item responses), and the DetectedIssues of
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
        transaction: Write a ``transaction`` Bundle, for a FHIR server to store:
            each entry has a ``request`` ``PUT {type}/{id}`` (ids are derived from
            the records, so sending it again updates rather than duplicates), and
            references stay ``urn:uuid:`` references to the entries' ``fullUrl``,
            which the server resolves. The problems are not an entry of a
            transaction (a server would store them as a record): they are only in
            the result.

    .. versionadded:: 0.2.0
    """
    if registry is None:
        from ..plugins import get_default_registry

        registry = get_default_registry()
    patient, plan = case.patient, case.plan
    pid = patient.id
    records: dict[int, object] = {}

    def add(resource: Resource, record: object) -> Resource:
        records[id(resource)] = record
        return resource

    resources: list[Resource] = [
        add(patient_resource(patient, include_identity=include_identity), patient)
    ]
    listed = {p.id: p for p in case.practitioners}
    ids = [p.id for p in case.practitioners]
    signers = [
        by
        for s in case.sessions
        for by in (
            *((s.signature.by,) if s.signature is not None else ()),
            *(a.by for a in s.amendments),
        )
    ]
    for other in (plan.practitioner_id, *(s.practitioner_id for s in case.sessions), *signers):
        if other not in ids:
            ids.append(other)
    for practitioner_id in ids:
        known = listed.get(practitioner_id)
        resources.append(
            add(practitioner_resource(known), known)
            if known is not None
            else {
                "resourceType": "Practitioner",
                "id": practitioner_id,
                "extension": [{"url": NOT_LISTED_URL, "valueBoolean": True}],
            }
        )
    providers = [
        p
        for p in (
            *(d.diagnosed_by for d, _ in _diagnoses(plan)),
            plan.referral.referrer if plan.referral is not None else None,
        )
        if p is not None
    ]
    resources.extend(r for p in providers for r in provider_resources(p))
    resources.extend(
        add(condition_resource(c, patient_id=pid, include_notes=include_notes, index=i), c)
        for i, c in enumerate(patient.conditions)
    )
    resources.extend(flag_resources(patient))
    resources.extend(
        add(condition_resource(d, patient_id=pid, index=own), d) for d, own in _diagnoses(plan)
    )
    referral = plan.referral
    if referral is not None:
        resources.append(
            add(
                service_request_resource(
                    referral,
                    patient_id=pid,
                    include_notes=include_notes,
                    plan_diagnoses=plan.diagnoses,
                ),
                referral,
            )
        )
    resources.extend(
        add(
            goal_resource(
                g,
                patient_id=pid,
                plan_id=plan.id,
                status=plan.status,
                include_notes=include_notes,
                registry=registry,
            ),
            g,
        )
        for g in plan.goals
    )
    resources.append(
        add(care_plan_resource(plan, include_notes=include_notes, registry=registry), plan)
    )
    problems: list[Problem] = []
    for n, session in enumerate(case.sessions):
        try:
            found = [add(encounter_resource(session), session)]
            procedures = procedure_resources(session, registry=registry)
            found.extend(add(r, s) for r, s in zip(procedures, session.segments, strict=False))
            events = adverse_event_resources(session)
            found.extend(add(r, a) for r, a in zip(events, session.adverse_reactions, strict=True))
            found.extend(provenance_resources(session, include_notes=include_notes))
        except UsageError as exc:  # a time at the end of the calendar FHIR cannot carry
            problems.append(Problem(f"sessions[{n}]", f"not exported: {exc}", "not_expressible"))
            continue
        resources.extend(found)
        observations = _exportable_observations(
            session,
            path=f"sessions[{n}]",
            problems=problems,
            registry=registry,
            include_notes=include_notes,
        )
        by_id = {
            resource_uuid("Observation", session.id, str(i)): (i, m)
            for i, m in enumerate(session.outcomes)
        }
        for observation in observations:
            i, measure = by_id[str(observation["id"])]
            answers = questionnaire_response_resource(session, i, measure)
            if answers is not None:
                resources.append(answers)
            resources.append(add(observation, measure))
    if assessment is not None:
        resources.extend(detected_issue_resources(assessment, patient_id=pid))
    case_key = (pid, plan.id, *(s.id for s in case.sessions))
    entries = _entries(resources)
    sources = [records.get(id(e["resource"])) for e in entries]
    clean_entries(entries, problems)
    _add_fields(entries, sources, include_identity, include_notes)
    if transaction:
        for entry in entries:
            resource = entry["resource"]
            assert isinstance(resource, dict)
            url = f"{resource['resourceType']}/{resource['id']}"
            entry["request"] = {"method": "PUT", "url": url}
    elif problems:
        entries.extend(_entries([operation_outcome(problems, *case_key)]))
    bundle: Resource = {
        "resourceType": "Bundle",
        "id": resource_uuid("Bundle", *case_key),
        "type": "transaction" if transaction else "collection",
        "entry": entries,
    }
    return FhirExport(bundle=bundle, problems=tuple(problems))
