"""The ``medmassage fhir`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medmassage.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "lumbar_disc_herniation.json"


def test_exports_the_example_case_as_a_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    """The example case becomes a collection Bundle with its findings and no identity."""
    assert main(["fhir", str(EXAMPLE)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1
    assert kinds.count("Procedure") == 12  # 3 sessions x 4 technique segments
    assert "DetectedIssue" in kinds  # the herniated-disc finding
    text = json.dumps(bundle)
    assert "Example" not in text  # the patient's family name
    assert "1979-05-14" not in text  # birth date


def test_identity_only_on_request(tmp_path: Path) -> None:
    """--include-identity adds the name; -o writes the file."""
    out = tmp_path / "bundle.json"
    assert main(["fhir", str(EXAMPLE), "--include-identity", "--no-screening", "-o", str(out)]) == 0
    bundle = json.loads(out.read_text())
    patient = bundle["entry"][0]["resource"]
    assert patient["birthDate"] == "1979-05-14"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert "DetectedIssue" not in kinds


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Unreadable files, invalid JSON and bad dates are reported, exit status 2."""
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main(["fhir", str(bad)]) == 2
    assert main(["fhir", str(tmp_path / "missing.json")]) == 2
    assert main(["fhir", str(EXAMPLE), "--on", "yesterday"]) == 2
    assert "expected a date" in capsys.readouterr().err


def test_output_must_be_json_and_not_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o bundle.xml is refused (the bundle is JSON), as is writing over the input."""
    assert main(["fhir", str(EXAMPLE), "-o", str(tmp_path / "bundle.xml")]) == 2
    assert "cannot write .xml files; the bundle is FHIR JSON (.json)" in capsys.readouterr().err
    assert not (tmp_path / "bundle.xml").exists()
    case = tmp_path / "case.json"
    case.write_bytes(EXAMPLE.read_bytes())
    assert main(["fhir", str(case), "-o", str(case)]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert case.read_bytes() == EXAMPLE.read_bytes()
