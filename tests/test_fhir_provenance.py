"""Signatures and amendments as FHIR ``Provenance`` resources (`medmassage.fhir`).

Validated by ``fhir.resources`` (R4B) with every reference resolved to an allowed
type (``fhir_problems`` of ``test_fhir_validation``), and read back by
`medmassage.fhir.import_bundle`.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Any

import attrs
import pytest

import medmassage as mm
from factories import unsigned
from medmassage.fhir import FIELDS_URL, TIME_ZONE_URL, Resource, case_export, import_bundle

pytest.importorskip("fhir.resources", reason="fhir.resources (test-only dependency) is needed")

from test_fhir_validation import fhir_problems

LUMBAR = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


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


def _amended_case() -> mm.Case:
    """The example with its first session re-signed in Paris time by a locum, then amended."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    first = case.sessions[0]
    fresh = unsigned(first, segments=first.segments)
    signed = fresh.sign("pr-locum", dt.datetime(2026, 1, 12, 18, 5, tzinfo=PARIS))
    amended = signed.amend(
        by="pr-locum",
        at=dt.datetime(2026, 1, 13, 9, 0, tzinfo=PARIS),
        reason="segment minutes corrected",
        outcomes=first.outcomes,
    )
    return attrs.evolve(case, sessions=(amended, *case.sessions[1:]))


def test_each_signature_is_a_provenance_of_its_encounter() -> None:
    """The example's three signed sessions: three Provenances, read back as the signatures."""
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    entries = _entries(bundle)
    urls = {e["fullUrl"]: e["resource"] for e in entries}
    provenances = _of(entries, "Provenance")
    assert len(provenances) == sum(s.signed for s in case.sessions) == 3
    for provenance, session in zip(provenances, case.sessions, strict=True):
        assert session.signature is not None
        encounter = urls[provenance["target"][0]["reference"]]
        assert encounter["identifier"][0]["value"] == session.id
        assert "signature" not in _carried(encounter)  # read from the Provenance
        (signature,) = provenance["signature"]
        assert urls[signature["who"]["reference"]]["id"] == session.signature.by
        assert dt.datetime.fromisoformat(signature["when"]) == session.signature.at
    problems, _ = fhir_problems(bundle)
    assert problems == []
    assert import_bundle(bundle).case == case


def test_an_amendment_is_an_update_and_round_trips_with_notes() -> None:
    """An amendment is an UPDATE Provenance; the signer is a resolvable Practitioner."""
    case = _amended_case()
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    entries = _entries(bundle)
    provenances = _of(entries, "Provenance")
    updates = [p for p in provenances if "activity" in p]
    (update,) = updates
    assert update["activity"]["coding"][0]["code"] == "UPDATE"
    assert update["reason"] == [{"text": "segment minutes corrected"}]
    signature = next(p for p in provenances if "signature" in p)
    assert {"url": TIME_ZONE_URL, "valueCode": "Europe/Paris"} in signature["_recorded"][
        "extension"
    ]
    ids = {r["id"] for r in _of(entries, "Practitioner")}
    assert "pr-locum" in ids
    problems, _ = fhir_problems(bundle)
    assert problems == []
    result = import_bundle(bundle)
    assert result.case == case
    assert result.case is not None
    back = result.case.sessions[0].signature
    assert back is not None
    assert back.at.tzinfo == PARIS
    assert result.practitioners == case.practitioners  # the locum is only referred to


def test_without_notes_an_amendment_is_reported_not_imported() -> None:
    """The default export has no amendment reason nor original: the import says so."""
    case = _amended_case()
    bundle = case_export(case, include_identity=True).bundle
    entries = _entries(bundle)
    (update,) = [p for p in _of(entries, "Provenance") if "activity" in p]
    assert "reason" not in update
    result = import_bundle(bundle)
    index = next(i for i, e in enumerate(entries) if e["resource"] == update)
    assert (f"Bundle.entry[{index}].resource", "not_mapped") in {
        (p.path, p.code) for p in result.not_mapped
    }
    assert "segment minutes corrected" not in json.dumps(bundle)
