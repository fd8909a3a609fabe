"""Diagnosing and referring providers as FHIR ``Practitioner`` + ``PractitionerRole``.

Validated by ``fhir.resources`` (R4B) with every reference resolved to an allowed
type (``fhir_problems`` of ``test_fhir_validation``), and read back by
`medmassage.fhir.import_bundle`, from medmassage's bundles and from a foreign one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import medmassage as mm
from medmassage.fhir import (
    FIELDS_URL,
    NOT_LISTED_URL,
    PROVIDER_ROLE_SYSTEM,
    Resource,
    case_export,
    import_bundle,
)

pytest.importorskip("fhir.resources", reason="fhir.resources (test-only dependency) is needed")

from test_fhir_validation import fhir_problems

LUMBAR = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
FOREIGN = Path(__file__).resolve().parent / "data" / "foreign_bundle.json"


def _entries(bundle: Resource) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(json.dumps(bundle))["entry"]
    return entries


def _of(entries: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in entries if e["resource"]["resourceType"] == kind]


def _carried(resource: dict[str, Any]) -> dict[str, Any]:
    for extension in resource.get("extension", []):
        if extension["url"] == FIELDS_URL:
            found: dict[str, Any] = json.loads(extension["valueString"])
            return found
    return {}


def test_the_referring_physician_is_a_practitioner_role() -> None:
    """The example's physician is one Practitioner + PractitionerRole both links point at."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    entries = _entries(bundle)
    urls = {e["fullUrl"]: e["resource"] for e in entries}
    (role,) = _of(entries, "PractitionerRole")
    assert role["code"][0]["coding"][0] == {"system": PROVIDER_ROLE_SYSTEM, "code": "physician"}
    person = urls[role["practitioner"]["reference"]]
    assert person["name"] == [{"text": "Dr. A. Rivera"}]
    assert person["identifier"] == [
        {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}
    ]
    assert {"url": NOT_LISTED_URL, "valueBoolean": True} in person["extension"]
    (request,) = _of(entries, "ServiceRequest")
    assert urls[request["requester"]["reference"]] == role
    assert "referrer" not in _carried(request)  # read from the PractitionerRole
    for condition in _of(entries, "Condition"):
        if "asserter" in condition:
            assert urls[condition["asserter"]["reference"]] == role
            assert "diagnosed_by" not in _carried(condition)
    problems, _ = fhir_problems(bundle)
    assert problems == []
    result = import_bundle(bundle)
    assert result.case == case
    assert result.practitioners == case.practitioners  # the physician is not one of them


def test_a_foreign_referral_with_a_known_role_imports() -> None:
    """A foreign ServiceRequest whose requester is a PractitionerRole of a known profession."""
    bundle = json.loads(FOREIGN.read_text(encoding="utf-8"))
    bundle["entry"].append(
        {
            "fullUrl": "https://ehr.example.org/fhir/PractitionerRole/role-9",
            "resource": {
                "resourceType": "PractitionerRole",
                "id": "role-9",
                "practitioner": {"reference": "Practitioner/dr-7"},
                "code": [{"coding": [{"system": PROVIDER_ROLE_SYSTEM, "code": "physician"}]}],
            },
        }
    )
    (request,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "ServiceRequest"]
    request["resource"]["requester"] = {"reference": "PractitionerRole/role-9"}
    result = import_bundle(bundle)
    (referral,) = result.referrals
    assert referral.referrer == mm.Provider(
        name="A. Rivera", role=mm.ProviderRole.PHYSICIAN, npi="1234567893"
    )
    assert [d.code for d in referral.diagnoses] == ["M54.2"]
    assert result.diagnoses == ()  # the referral holds it
    paths = {p.path for p in result.not_mapped}
    assert "Bundle.entry[4].resource.requester" not in paths
    assert "Bundle.entry[4].resource" not in paths


def test_a_practitioner_role_of_nobody_is_reported() -> None:
    """A PractitionerRole no diagnosis or referral points at is reported."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    bundle = json.loads(
        json.dumps(case_export(case, include_identity=True, include_notes=True).bundle)
    )
    extra = copy.deepcopy(
        next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "PractitionerRole")
    )
    extra["fullUrl"] = "urn:uuid:5b0c7a54-5b1e-4c1f-8d0e-8b8d1f2a9c11"
    extra["resource"]["id"] = "5b0c7a54-5b1e-4c1f-8d0e-8b8d1f2a9c11"
    bundle["entry"].append(extra)
    result = import_bundle(bundle)
    assert result.case == case
    assert [(p.path, p.code) for p in result.not_mapped] == [
        (f"Bundle.entry[{len(bundle['entry']) - 1}].resource", "reference")
    ]
