"""Tests of the FHIR R4 exporter (`medmassage.fhir`).

Required elements are checked against the HL7 FHIR R4 resource definitions
(https://hl7.org/fhir/R4/): Observation.status+code, Procedure.status+subject,
Condition.subject, CarePlan.status+intent+subject, ServiceRequest.status+
intent+subject, Goal.lifecycleStatus+description+subject, DetectedIssue.status,
Bundle.type.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import medmassage as mm
from medmassage.contraindications import Assessment
from medmassage.exceptions import UsageError
from medmassage.fhir import (
    Resource,
    case_bundle,
    condition_resource,
    detected_issue_resources,
    measurement_quantity,
    observation_resources,
    patient_resource,
    procedure_resources,
)
from medmassage.screening import screen
from medmassage.units import Angle, Length, Pressure

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
UTC = dt.UTC

REQUIRED: dict[str, tuple[str, ...]] = {
    "Patient": (),
    "Practitioner": (),
    "PractitionerRole": ("practitioner",),
    "Condition": ("subject",),
    "ServiceRequest": ("status", "intent", "subject"),
    "Goal": ("lifecycleStatus", "description", "subject"),
    "CarePlan": ("status", "intent", "subject"),
    "Procedure": ("status", "subject"),
    "Encounter": ("status", "class"),
    "AdverseEvent": ("actuality", "subject"),
    "Observation": ("status", "code"),
    "QuestionnaireResponse": ("status",),
    "Provenance": ("target", "recorded", "agent"),
    "DetectedIssue": ("status",),
}


@pytest.fixture(scope="module")
def case() -> mm.Case:
    return mm.from_json(mm.Case, EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def assessment(case: mm.Case) -> Assessment:
    return screen(case.patient, case.plan, on=dt.date(2026, 1, 12))


@pytest.fixture(scope="module")
def bundle(case: mm.Case, assessment: Assessment) -> Resource:
    return case_bundle(case, assessment=assessment)


def _resources(bundle: Resource) -> list[dict[str, object]]:
    entries = bundle["entry"]
    assert isinstance(entries, list)
    return [e["resource"] for e in entries]


def _of_type(bundle: Resource, kind: str) -> list[dict[str, object]]:
    return [r for r in _resources(bundle) if r["resourceType"] == kind]


def _references(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def test_bundle_is_a_collection_of_the_expected_resources(bundle: Resource) -> None:
    """The export is a FHIR collection Bundle holding the expected resource types."""
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    counts: dict[str, int] = {}
    for r in _resources(bundle):
        kind = str(r["resourceType"])
        counts[kind] = counts.get(kind, 0) + 1
    # 2 history conditions + 2 diagnoses; 3 sessions x 4 segments; 7 outcome measures.
    assert counts == {
        "Patient": 1,
        "Practitioner": 2,  # the therapist; the diagnosing and referring physician
        "PractitionerRole": 1,
        "Condition": 4,
        "ServiceRequest": 1,
        "Goal": 2,
        "CarePlan": 1,
        "Encounter": 3,
        "AdverseEvent": 1,
        "Procedure": 12,
        "Observation": 7,
        "QuestionnaireResponse": 5,  # the measures with item responses
        "Provenance": 3,  # the three signatures
        # herniated disc, nut-oil allergy, fall risk, hypertension, NSAID (issue 11 rules)
        "DetectedIssue": 5,
    }


def test_every_resource_has_its_required_elements(bundle: Resource) -> None:
    """Every exported resource has an id and its required elements."""
    for r in _resources(bundle):
        for name in REQUIRED[str(r["resourceType"])]:
            assert r.get(name), (r["resourceType"], name)
        assert r["id"]


def test_full_urls_are_unique_uuids_and_references_resolve(bundle: Resource) -> None:
    """Bundle full URLs are unique UUIDs and every reference resolves inside the bundle."""
    entries = bundle["entry"]
    assert isinstance(entries, list)
    urls = [e["fullUrl"] for e in entries]
    assert len(urls) == len(set(urls))
    assert all(u.startswith("urn:uuid:") and len(u) == 45 for u in urls)
    refs = list(_references(bundle))
    assert refs  # subject, addresses, goal, basedOn, performer ...
    assert set(refs) <= set(urls)


def test_output_is_deterministic_and_json_round_trips(
    case: mm.Case, assessment: Assessment
) -> None:
    """Exporting twice gives identical output that round-trips through JSON."""
    first = case_bundle(case, assessment=assessment)
    second = case_bundle(case, assessment=assessment)
    assert first == second
    text = json.dumps(first, sort_keys=True)
    assert text == json.dumps(second, sort_keys=True)
    assert json.loads(text) == first


def test_privacy_defaults_leave_out_identity_and_notes(case: mm.Case, bundle: Resource) -> None:
    """By default the export leaves out identity, birth date and free-text notes."""
    text = json.dumps(bundle)
    referral = case.plan.referral
    assert referral is not None
    assert referral.instructions
    note = case.sessions[0].note
    assert note is not None
    assert note.subjective
    secrets = [
        "Example",  # family name
        "Maria",
        "1979-05-14",
        "maria@example.org",
        "555 0100",
        referral.instructions,
        note.subjective,
        *(g.description for g in case.plan.goals if g.description),
        *(r.note for s in case.sessions for r in s.adverse_reactions if r.note),
    ]
    for secret in secrets:
        assert secret not in text
    patient = _of_type(bundle, "Patient")[0]
    assert set(patient) == {"resourceType", "id", "gender", "extension"}  # history: FIELDS_URL
    assert "note" not in _of_type(bundle, "ServiceRequest")[0]


def test_identity_and_notes_only_when_asked(case: mm.Case) -> None:
    """Identity and notes are exported only when asked for."""
    full = case_bundle(case, include_identity=True, include_notes=True)
    patient = _of_type(full, "Patient")[0]
    assert patient["birthDate"] == "1979-05-14"
    assert patient["name"] == [{"family": "Example", "given": ["Maria"]}]
    assert {"system": "email", "value": "maria@example.org"} in patient["telecom"]  # type: ignore[operator]
    assert "note" in _of_type(full, "ServiceRequest")[0]
    goals = _of_type(full, "Goal")
    assert goals[0]["description"] == {"text": "Sit through a workday with minimal back pain"}
    # SOAP notes only in the fields extension, with include_notes (see the default test).
    assert "Low back pain 7/10" in json.dumps(full)


def test_patient_resource_default_is_id_and_gender(case: mm.Case) -> None:
    """The default Patient resource holds only the id and gender."""
    assert patient_resource(case.patient) == {
        "resourceType": "Patient",
        "id": "pt-1001",
        "gender": "female",
    }


def test_condition_from_diagnosis_has_icd10cm_and_lateral_body_site(case: mm.Case) -> None:
    """A Condition carries the ICD-10-CM coding and a SNOMED CT body site with laterality."""
    sciatica = case.plan.diagnoses[1]
    r = condition_resource(sciatica, patient_id="pt-1001")
    assert r["code"] == {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "code": "M54.42",
                "display": "Lumbago with sciatica, left side",
            }
        ]
    }
    site = r["bodySite"][0]  # type: ignore[index]
    codes = [c["code"] for c in site["coding"]]
    # Lower limb 61685007; left 7771000; Laterality attribute 272741003 (SNOMED CT).
    assert codes == ["61685007", "61685007:272741003=7771000"]
    assert r["category"][0]["coding"][0]["code"] == "encounter-diagnosis"  # type: ignore[index]
    assert r["recordedDate"] == "2025-12-01"


def test_condition_resource_rejects_other_objects() -> None:
    """condition_resource refuses objects that are not a Diagnosis."""
    with pytest.raises(UsageError, match="Diagnosis"):
        condition_resource("M54.42", patient_id="pt-1")  # type: ignore[arg-type]


def test_procedures_follow_each_other_from_the_session_start(case: mm.Case) -> None:
    """Procedure periods follow each other from the session start."""
    procedures = procedure_resources(case.sessions[0])
    periods = [p["performedPeriod"] for p in procedures]
    assert periods[0] == {"start": "2026-01-12T09:00:00-06:00", "end": "2026-01-12T09:15:00-06:00"}
    # The third segment is "0.25 h" and the fourth "600 s" in the example file.
    assert periods[2] == {"start": "2026-01-12T09:30:00-06:00", "end": "2026-01-12T09:45:00-06:00"}
    assert periods[3] == {"start": "2026-01-12T09:45:00-06:00", "end": "2026-01-12T09:55:00-06:00"}
    swedish = procedures[3]["code"]["coding"]  # type: ignore[index]
    assert {"system": "http://www.ama-assn.org/go/cpt", "code": "97124"} in swedish


def _session(*outcomes: mm.OutcomeMeasure) -> mm.Session:
    return mm.Session(
        id="ses-x",
        patient_id="pt-1",
        practitioner_id="pr-1",
        start=dt.datetime(2026, 1, 12, 9, 0, tzinfo=UTC),
        duration=mm.Duration(60, "min"),
        outcomes=outcomes,
    )


def test_kgf_per_cm2_is_exported_as_kpa() -> None:
    # 1 kgf/cm2 = 9.80665 N / 1e-4 m2 = 98066.5 Pa = 98.0665 kPa (standard gravity, CGPM 1901).
    """Pressure in kgf/cm2 is exported in kPa, including its components."""
    measure = mm.OutcomeMeasure(
        instrument="ppt",
        taken_at=dt.datetime(2026, 1, 12, 9, 5, tzinfo=UTC),
        measurements=(Pressure(1, "kgf/cm**2"),),
        region=mm.BodyRegion.HIP,
        laterality=mm.Laterality.LEFT,
    )
    (obs,) = observation_resources(_session(measure))
    expected = {
        "value": 98.0665,
        "unit": "kPa",
        "system": "http://unitsofmeasure.org",
        "code": "kPa",
    }
    assert obs["valueQuantity"] == expected
    components = obs["component"]
    assert isinstance(components, list)
    assert [c["code"]["text"] for c in components] == ["trial 1"]
    assert [c["valueQuantity"] for c in components] == [expected]
    assert obs["category"][0]["coding"][0]["code"] == "exam"  # type: ignore[index]


def test_other_measurement_units_map_to_ucum() -> None:
    """Other measurement units map to their UCUM codes."""
    assert measurement_quantity(Pressure(30, "mmHg"))["code"] == "mm[Hg]"
    assert measurement_quantity(Pressure(4, "kPa"))["value"] == 4
    assert measurement_quantity(Angle(45, "deg")) == {
        "value": 45.0,
        "unit": "deg",
        "system": "http://unitsofmeasure.org",
        "code": "deg",
    }
    assert measurement_quantity(Length(325, "mm"))["value"] == 32.5
    assert measurement_quantity(Length(325, "mm"))["code"] == "cm"


def test_scored_instrument_uses_a_local_code_and_no_loinc() -> None:
    # ODI 2.1a: total of ten sections (0-5 each) / 50 x 100 (Fairbank & Pynsent 2000,
    # Spine 25:2940): 16 / 50 = 32 %.
    """A scored instrument is exported with a local code, not a LOINC code."""
    measure = mm.OutcomeMeasure(
        instrument="odi",
        taken_at=dt.datetime(2026, 1, 12, 9, 0, tzinfo=UTC),
        responses=(3, 2, 1, 2, 1, 2, 1, 1, 2, 1),
    )
    (obs,) = observation_resources(_session(measure))
    assert obs["status"] == "final"
    assert obs["effectiveDateTime"] == "2026-01-12T09:00:00+00:00"
    assert obs["valueQuantity"] == {
        "value": 32.0,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    codings = obs["code"]["coding"]  # type: ignore[index]
    assert [c["system"] for c in codings] == ["https://medmassage.dev/instruments"]
    assert codings[0]["code"] == "odi"
    assert "loinc" not in json.dumps(obs)


def test_detected_issues_map_severity(case: mm.Case, assessment: Assessment) -> None:
    """Screening findings become DetectedIssues with mapped severities."""
    issues = detected_issue_resources(assessment, patient_id=case.patient.id)
    by_rule = {i["code"]["text"]: i for i in issues}  # type: ignore[index]
    # docs/concepts/fhir.md: absolute -> high, local/relative -> moderate, information -> low.
    assert by_rule["core.herniated_disc"]["severity"] == "moderate"
    assert by_rule["core.hypertension"]["severity"] == "low"
    for issue in issues:
        assert issue["status"] == "final"
        assert issue["mitigation"]
    herniated = by_rule["core.herniated_disc"]
    where = "patient.conditions[0], plan.diagnoses[0], plan.referral.diagnoses[0]"
    assert herniated["evidence"] == [{"code": [{"text": f"ICD-10-CM M51.26 ({where})"}]}]


def test_a_session_that_did_not_take_place_has_no_procedures() -> None:
    """A session that did not take place exports no procedures."""
    cancelled = mm.Session(
        id="ses-c",
        patient_id="pt-1",
        practitioner_id="pr-1",
        start=dt.datetime(2026, 1, 12, 9, 0, tzinfo=UTC),
        duration=mm.Duration(60, "min"),
        status=mm.SessionStatus.CANCELLED,
    )
    assert procedure_resources(cancelled) == []


def test_condition_note_only_with_include_notes() -> None:
    """A condition note is exported only with include_notes."""
    condition = mm.Condition(
        code=mm.Coding(system="http://hl7.org/fhir/sid/icd-10-cm", code="I10"),
        note="private remark",
    )
    assert "note" not in condition_resource(condition, patient_id="pt-1")
    shown = condition_resource(condition, patient_id="pt-1", include_notes=True)
    assert shown["note"] == [{"text": "private remark"}]
    assert shown["category"] == [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                    "code": "problem-list-item",
                }
            ]
        }
    ]
