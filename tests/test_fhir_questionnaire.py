"""Item responses as FHIR ``QuestionnaireResponse`` resources (`medmassage.fhir`).

Each measure with item responses has a QuestionnaireResponse its Observation names
in ``derivedFrom``; ``fhir.resources`` (R4B) validates them with their references
(``fhir_problems`` of ``test_fhir_validation``), and the import reads the responses
back from them, exactly (a yes, a one and a 1.0 stay three different answers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

import medmassage as mm
from factories import unsigned
from medmassage.fhir import FIELDS_URL, Resource, case_export, import_bundle, resource_uuid

pytest.importorskip("fhir.resources", reason="fhir.resources (test-only dependency) is needed")

from test_fhir_validation import fhir_problems

LUMBAR = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"


def _case(*measures: mm.OutcomeMeasure) -> mm.Case:
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    if not measures:
        return case
    first = case.sessions[0]
    session = unsigned(first, outcomes=measures)
    return attrs.evolve(case, sessions=(session, *case.sessions[1:]))


def _entries(bundle: Resource) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(json.dumps(bundle))["entry"]
    return entries


def _first_answers(bundle: Resource, case: mm.Case) -> dict[str, Any]:
    """The QuestionnaireResponse of the first session's first measure."""
    rid = resource_uuid("QuestionnaireResponse", case.sessions[0].id, "0")
    (found,) = [e["resource"] for e in _entries(bundle) if e["resource"]["id"] == rid]
    return dict(found)


def _carried(resource: dict[str, Any]) -> dict[str, object]:
    for extension in resource.get("extension", []):
        if extension["url"] == FIELDS_URL:
            found: dict[str, object] = json.loads(extension["valueString"])
            return found
    return {}


def test_each_measure_with_responses_has_its_questionnaire_response() -> None:
    """The example's measures with answers point at a completed QuestionnaireResponse."""
    case = _case()
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    entries = _entries(bundle)
    by_url = {e["fullUrl"]: e["resource"] for e in entries}
    observations = [
        e["resource"] for e in entries if e["resource"]["resourceType"] == "Observation"
    ]
    measures = [m for s in case.sessions for m in s.outcomes]
    assert len(observations) == len(measures)
    for observation, measure in zip(observations, measures, strict=True):
        if measure.responses is None:
            assert "derivedFrom" not in observation
            continue
        (ref,) = observation["derivedFrom"]
        answers = by_url[ref["reference"]]
        assert answers["resourceType"] == "QuestionnaireResponse"
        assert answers["status"] == "completed"
        assert "responses" not in _carried(observation)  # read from the resource itself
    problems, _ = fhir_problems(bundle)
    assert problems == []
    assert import_bundle(bundle).case == case


def test_answers_keep_their_type_and_missing_items_stay_missing() -> None:
    """A yes, a 1, a 1.0, a label and an unanswered item round-trip as they were."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    taken = case.sessions[0].start
    mixed = mm.OutcomeMeasure(
        instrument="acme.form", taken_at=taken, responses=(True, 1, 1.0, "often", None)
    )
    case = _case(mixed)
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    answers = _first_answers(bundle, case)
    assert answers["item"] == [
        {"linkId": "1", "answer": [{"valueBoolean": True}]},
        {"linkId": "2", "answer": [{"valueInteger": 1}]},
        {"linkId": "3", "answer": [{"valueDecimal": 1.0}]},
        {"linkId": "4", "answer": [{"valueString": "often"}]},
        {"linkId": "5"},
    ]
    problems, _ = fhir_problems(bundle)
    assert problems == []
    result = import_bundle(bundle)
    assert result.case == case
    assert result.case is not None
    back = result.case.sessions[0].outcomes[0].responses
    assert isinstance(back, tuple)
    assert [type(v) for v in back] == [bool, int, float, str, type(None)]


def test_scales_are_group_items() -> None:
    """An instrument of separate scales (BCTQ) has one group item per scale, imported back."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    taken = case.sessions[0].start
    bctq = mm.OutcomeMeasure(
        instrument="bctq", taken_at=taken, responses={"sss": (1, 2, None), "fss": (3,)}
    )
    case = _case(bctq)
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    groups = _first_answers(bundle, case)["item"]
    assert [g["linkId"] for g in groups] == ["sss", "fss"]
    assert [i["linkId"] for i in groups[0]["item"]] == ["sss.1", "sss.2", "sss.3"]
    problems, _ = fhir_problems(bundle)
    assert problems == []
    assert import_bundle(bundle).case == case


def test_a_questionnaire_response_of_no_observation_is_reported() -> None:
    """A QuestionnaireResponse no Observation derives from is reported, not imported."""
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:0e3f4c42-5d52-4ad4-9d6f-1d1e6f0b0a01",
                "resource": {"resourceType": "QuestionnaireResponse", "status": "completed"},
            }
        ],
    }
    result = import_bundle(bundle)
    assert [(p.path, p.code) for p in result.not_mapped] == [
        ("Bundle.entry[0].resource", "reference")
    ]
