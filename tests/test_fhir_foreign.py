"""Importing a FHIR bundle medmassage did not write (`medmassage.fhir.import_bundle`).

``tests/data/foreign_bundle.json`` is written by hand as an EHR would send it:
a Patient (an MRN identifier, a US Core extension, a fax number, a structured
address), a Practitioner with an NPI, a problem-list Condition coded in SNOMED CT
and ICD-10-CM, an encounter diagnosis, a ServiceRequest whose requester is a
reference, a finished Encounter, an Observation coded in LOINC, and resource
types medmassage has no record for (Coverage, MedicationRequest). What maps is
imported; everything else is reported with its FHIR path.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import medmassage as mm
from medmassage.fhir import FIELDS_URL, case_export, import_bundle

DATA = Path(__file__).resolve().parent / "data" / "foreign_bundle.json"
LUMBAR = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"


def _bundle() -> dict[str, object]:
    data: dict[str, object] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def test_the_hand_written_bundle_is_valid_fhir() -> None:
    """The foreign bundle parses in fhir.resources (R4B), so the test input is real FHIR."""
    pytest.importorskip("fhir.resources", reason="fhir.resources (test-only dependency)")
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class("Bundle").model_validate_json(DATA.read_text(encoding="utf-8"))


def test_what_maps_is_imported() -> None:
    """The patient, history, practitioner, session and encounter diagnosis are imported."""
    result = import_bundle(_bundle())
    patient = result.patient
    assert patient is not None
    assert patient.id == "p-88"
    assert patient.birth_date == dt.date(1971, 3, 9)
    assert patient.sex is mm.AdministrativeSex.FEMALE
    assert patient.name == mm.HumanName(family="Sample", given=("Ana", "B."))
    assert patient.contact is not None
    assert patient.contact.phone == "+1 555 0199"
    (condition,) = patient.conditions
    assert condition.icd10cm == "I10"
    assert condition.onset == dt.date(2019, 6, 1)
    (practitioner,) = result.practitioners
    assert (practitioner.id, practitioner.npi, practitioner.name) == (
        "dr-7",
        "1234567893",
        "A. Rivera",
    )
    (session,) = result.sessions
    assert session.patient_id == "p-88"
    assert session.practitioner_id == "dr-7"
    assert session.start == dt.datetime(2026, 1, 12, 14, 0, tzinfo=dt.UTC)
    assert session.duration.minutes == 50
    assert session.status is mm.SessionStatus.COMPLETED
    assert session.outcomes == ()
    (diagnosis,) = result.diagnoses
    assert diagnosis.code == "M54.2"
    assert diagnosis.diagnosed_on == dt.date(2026, 1, 5)
    assert result.case is None  # no CarePlan: no treatment plan, no case
    assert result.plan is None


def test_what_does_not_map_is_reported_with_its_path() -> None:
    """Unknown types, elements, extensions, unused codings and unmappable records, by path."""
    result = import_bundle(_bundle())
    found = {(p.path, p.code) for p in result.not_mapped}
    expected = {
        ("Bundle.entry[0].resource.identifier", "unknown_element"),
        ("Bundle.entry[0].resource.extension[0]", "unknown_extension"),
        ("Bundle.entry[0].resource.telecom[1]", "not_mapped"),
        ("Bundle.entry[0].resource.address[0]", "not_mapped"),
        ("Bundle.entry[2].resource.recorder", "unknown_element"),
        ("Bundle.entry[2].resource.code.coding[0]", "not_mapped"),  # SNOMED CT beside ICD-10-CM
        ("Bundle.entry[3].resource.code.coding[1]", "not_mapped"),
        ("Bundle.entry[4].resource.priority", "unknown_element"),
        ("Bundle.entry[4].resource.requester", "not_mapped"),
        ("Bundle.entry[4].resource", "required"),  # a referral needs the referrer's profession
        ("Bundle.entry[5].resource.type", "unknown_element"),
        ("Bundle.entry[5].resource.serviceProvider", "unknown_element"),
        ("Bundle.entry[6].resource.code", "unknown_code"),  # LOINC: no medmassage instrument
        ("Bundle.entry[6].resource", "type"),
        ("Bundle.entry[7].resource", "unknown_resource"),
        ("Bundle.entry[8].resource", "unknown_resource"),
    }
    assert found == expected
    entries = [int(p.path.split("[")[1].split("]")[0]) for p in result.not_mapped]
    assert entries == sorted(entries)


def test_the_report_never_quotes_patient_values() -> None:
    """No message or path of the report holds the patient's name, MRN, birth date or phone."""
    result = import_bundle(_bundle())
    text = " ".join(f"{p.path} {p.message}" for p in result.not_mapped)
    for secret in ("Sample", "Ana", "MRN-0042", "1971-03-09", "555 0199", "Main St"):
        assert secret not in text


def test_a_segment_that_does_not_map_leaves_the_rest_of_its_session() -> None:
    """A Procedure with an unknown body site and no fields extension is left out, and said so."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    bundle = json.loads(
        json.dumps(case_export(case, include_identity=True, include_notes=True).bundle)
    )
    entries = bundle["entry"]
    index = next(i for i, e in enumerate(entries) if e["resource"]["resourceType"] == "Procedure")
    procedure = entries[index]["resource"]
    procedure["bodySite"] = [{"coding": [{"system": "http://snomed.info/sct", "code": "1"}]}]
    procedure["extension"] = [x for x in procedure["extension"] if x["url"] != FIELDS_URL]
    result = import_bundle(bundle)
    assert result.case is not None
    first = result.case.sessions[0]
    assert len(first.segments) == len(case.sessions[0].segments) - 1
    assert result.case.sessions[1:] == case.sessions[1:]
    assert [p.path for p in result.not_mapped] == [f"Bundle.entry[{index}].resource"]
    assert "region" in result.not_mapped[0].message


def test_a_session_outside_the_plan_is_left_out_of_the_case() -> None:
    """An Encounter moved outside the plan's dates leaves the case without that session."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    bundle = json.loads(
        json.dumps(case_export(case, include_identity=True, include_notes=True).bundle)
    )
    entries = bundle["entry"]
    index = [i for i, e in enumerate(entries) if e["resource"]["resourceType"] == "Encounter"][-1]
    encounter = entries[index]["resource"]
    encounter["period"] = {"start": "2030-01-01T09:00:00Z", "end": "2030-01-01T10:00:00Z"}
    encounter["extension"] = [x for x in encounter["extension"] if x["url"] != FIELDS_URL]
    result = import_bundle(bundle)
    assert result.case is not None
    assert result.case.sessions == case.sessions[:-1]
    assert f"Bundle.entry[{index}].resource" in {p.path for p in result.not_mapped}
