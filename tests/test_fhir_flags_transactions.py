"""FHIR ``Flag`` resources for risk flags and ``transaction`` Bundles (`medmassage.fhir`).

Each is validated by ``fhir.resources`` (R4B) with every reference resolved to an
allowed type (``fhir_problems`` of ``test_fhir_validation``), and imported back
equal by `medmassage.fhir.import_bundle`.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import medmassage as mm
from factories import unsigned
from medmassage.cli import main
from medmassage.fhir import FIELDS_URL, RISK_FLAG_SYSTEM, Resource, case_export, import_bundle
from medmassage.testing import strategies as mst

pytest.importorskip("fhir.resources", reason="fhir.resources (test-only dependency) is needed")

from test_fhir_validation import fhir_problems

LUMBAR = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
FLAGS = frozenset({mm.RiskFlag.FALL_RISK, mm.RiskFlag.FRAGILE_SKIN})


def _case(flags: frozenset[mm.RiskFlag] = frozenset()) -> mm.Case:
    case = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    return attrs.evolve(case, patient=attrs.evolve(case.patient, flags=flags))


def _resources(bundle: Resource, kind: str) -> list[dict[str, object]]:
    entries = json.loads(json.dumps(bundle))["entry"]
    return [e["resource"] for e in entries if e["resource"]["resourceType"] == kind]


def test_risk_flags_are_flags_that_validate_and_round_trip() -> None:
    """Each risk flag is an active clinical Flag on the patient; valid FHIR; imported back."""
    case = _case(flags=FLAGS)
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    flags = _resources(bundle, "Flag")
    codes = sorted(f["code"]["coding"][0]["code"] for f in flags)  # type: ignore[index]
    assert codes == ["fall_risk", "fragile_skin"]
    assert {f["status"] for f in flags} == {"active"}
    (patient,) = _resources(bundle, "Patient")
    carried = [x for x in patient["extension"] if x["url"] == FIELDS_URL]  # type: ignore[attr-defined]
    assert "flags" not in json.loads(carried[0]["valueString"])  # the Flags carry them
    problems, _ = fhir_problems(bundle)
    assert problems == []
    result = import_bundle(bundle)
    assert result.case == case
    assert result.complete


def test_a_flag_medmassage_cannot_map_is_reported() -> None:
    """An inactive flag and a flag of another code system are reported, not imported."""
    case = _case(flags=FLAGS)
    bundle = json.loads(
        json.dumps(case_export(case, include_identity=True, include_notes=True).bundle)
    )
    entries = bundle["entry"]
    at = [i for i, e in enumerate(entries) if e["resource"]["resourceType"] == "Flag"]
    entries[at[0]]["resource"]["status"] = "inactive"
    entries[at[1]]["resource"]["code"] = {"coding": [{"system": "urn:x", "code": "vip"}]}
    result = import_bundle(bundle)
    assert result.case is not None
    assert result.case.patient.flags == frozenset()
    assert {(p.path, p.code) for p in result.not_mapped} == {
        (f"Bundle.entry[{at[0]}].resource.status", "not_mapped"),
        (f"Bundle.entry[{at[1]}].resource.code", "unknown_code"),
    }


def test_a_transaction_bundle_puts_every_entry_and_round_trips() -> None:
    """type transaction: every entry a PUT of its type and id; valid FHIR; imported back."""
    case = _case(flags=FLAGS)
    result = case_export(case, include_identity=True, include_notes=True, transaction=True)
    bundle = result.bundle
    assert bundle["type"] == "transaction"
    entries = json.loads(json.dumps(bundle))["entry"]
    for entry in entries:
        resource = entry["resource"]
        assert entry["request"] == {
            "method": "PUT",
            "url": f"{resource['resourceType']}/{resource['id']}",
        }
        assert entry["fullUrl"].startswith("urn:uuid:")
    problems, _ = fhir_problems(bundle)
    assert problems == []
    assert import_bundle(bundle).case == case


def test_a_transaction_keeps_its_problems_out_of_the_entries() -> None:
    """An unscorable measure is a problem of the result, never an OperationOutcome to store."""
    case = _case()
    first = case.sessions[0]
    bad = mm.OutcomeMeasure(instrument="odi", taken_at=first.start, responses=(9,) * 10)
    session = unsigned(first, outcomes=(bad,))
    case = attrs.evolve(case, sessions=(session, *case.sessions[1:]))
    result = case_export(case, include_identity=True, include_notes=True, transaction=True)
    assert [p.code for p in result.problems] == ["unscorable"]
    assert _resources(result.bundle, "OperationOutcome") == []
    imported = import_bundle(result.bundle)
    assert imported.case == case
    assert imported.complete


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mst.cases())
def test_generated_cases_round_trip_through_a_transaction(case: mm.Case) -> None:
    """Any generated case, as a transaction bundle, validates and imports back equal."""
    bundle = case_export(case, include_identity=True, include_notes=True, transaction=True).bundle
    problems, _ = fhir_problems(bundle)
    assert problems == []
    result = import_bundle(json.dumps(bundle))
    assert result.case == case
    assert result.complete


def test_cli_exports_a_transaction(tmp_path: Path) -> None:
    """``fhir export --transaction`` writes a transaction bundle that ``fhir import`` reads."""
    out = tmp_path / "tx.json"
    args = ["fhir", "export", str(LUMBAR), "--transaction", "--include-identity"]
    assert main([*args, "--include-notes", "--no-screening", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "transaction"
    back = tmp_path / "case.json"
    assert main(["fhir", "import", str(out), "-o", str(back)]) == 0
    original = mm.from_json(mm.Case, LUMBAR.read_text(encoding="utf-8"))
    assert mm.from_json(mm.Case, back.read_text(encoding="utf-8")) == original


def test_the_risk_flag_system_names_every_flag() -> None:
    """Every RiskFlag value is a code of RISK_FLAG_SYSTEM in the export."""
    case = _case(flags=frozenset(mm.RiskFlag))
    flags = _resources(case_export(case).bundle, "Flag")
    systems = {f["code"]["coding"][0]["system"] for f in flags}  # type: ignore[index]
    assert systems == {RISK_FLAG_SYSTEM}
    assert len(flags) == len(mm.RiskFlag)
