"""``medmassage fhir export`` and ``medmassage fhir import`` (and the older ``fhir FILE``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import medmassage as mm
from medmassage.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "lumbar_disc_herniation.json"
FOREIGN = Path(__file__).parent / "data" / "foreign_bundle.json"


def _export(tmp_path: Path, *flags: str) -> Path:
    out = tmp_path / "bundle.json"
    assert main(["fhir", "export", str(EXAMPLE), "--no-screening", *flags, "-o", str(out)]) == 0
    return out


def test_export_and_the_older_spelling_write_the_same_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``fhir export FILE`` writes what ``fhir FILE`` (kept as an alias) writes."""
    assert main(["fhir", "export", str(EXAMPLE)]) == 0
    new = capsys.readouterr().out
    assert main(["fhir", str(EXAMPLE)]) == 0
    old = capsys.readouterr().out
    assert new == old
    assert json.loads(new)["resourceType"] == "Bundle"


def test_import_writes_the_case_back_equal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export with identity and notes imports to a case file equal to the original, exit 0."""
    bundle = _export(tmp_path, "--include-identity", "--include-notes")
    out = tmp_path / "case.json"
    assert main(["fhir", "import", str(bundle), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "not imported" not in err
    assert f"wrote {out}" in err
    original = mm.from_json(mm.Case, EXAMPLE.read_text(encoding="utf-8"))
    assert mm.from_json(mm.Case, out.read_text(encoding="utf-8")) == original
    assert main(["validate", str(out)]) == 0


def test_import_to_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without -o the case JSON goes to standard output."""
    bundle = _export(tmp_path, "--include-identity", "--include-notes")
    capsys.readouterr()
    assert main(["fhir", "import", str(bundle)]) == 0
    case = mm.from_json(mm.Case, capsys.readouterr().out)
    assert case.patient.id == "pt-1001"


def test_a_foreign_bundle_reports_and_exits_1_without_a_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bundle with no CarePlan: every element not imported is on stderr, nothing written, 1."""
    out = tmp_path / "case.json"
    assert main(["fhir", "import", str(FOREIGN), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert not out.exists()
    assert f"not imported: {FOREIGN}: Bundle.entry[7].resource: resource type not mapped" in (
        captured.err
    )
    assert "no case could be built; nothing written" in captured.err
    assert "Sample" not in captured.err  # the patient's family name


def test_the_report_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints one JSON object: whether a case was built and each path and code."""
    assert main(["fhir", "import", str(FOREIGN), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().err)
    assert report["case"] is False
    codes = {(i["path"], i["code"]) for i in report["not_mapped"]}
    assert ("Bundle.entry[6].resource.code", "unknown_code") in codes
    assert ("Bundle.entry[0].resource.extension[0]", "unknown_extension") in codes


def test_import_refuses_what_is_not_a_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Case document, a Patient resource and malformed FHIR exit 2 with a one-line reason."""
    assert main(["fhir", "import", str(EXAMPLE)]) == 2
    assert "this looks like a Case document; `fhir` needs a FHIR Bundle" in capsys.readouterr().err
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"resourceType": "Patient", "id": "p"}), encoding="utf-8")
    assert main(["fhir", "import", str(patient)]) == 2
    assert "Bundle.resourceType: expected 'Bundle'" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"resourceType": "Bundle", "entry": {}}), encoding="utf-8")
    assert main(["fhir", "import", str(broken)]) == 2
    assert "Bundle.entry: expected an array" in capsys.readouterr().err


def test_options_of_the_other_action_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Export options on import (and --format on export) exit 2 naming the option."""
    assert main(["fhir", "import", str(FOREIGN), "--include-notes"]) == 2
    assert "--include-notes is an option of 'fhir export'" in capsys.readouterr().err
    assert main(["fhir", "export", str(EXAMPLE), "--format", "json"]) == 2
    assert "--format is an option of 'fhir import'" in capsys.readouterr().err
    assert main(["fhir", "import"]) == 2
    assert "fhir import: expected FILE" in capsys.readouterr().err
    assert main(["fhir", "reimport", str(EXAMPLE)]) == 2
    assert "expected 'export' or 'import' before FILE" in capsys.readouterr().err


def test_import_output_must_be_json_and_not_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o case.xml is refused before reading; writing over the bundle is refused."""
    bundle = _export(tmp_path, "--include-identity", "--include-notes")
    assert main(["fhir", "import", str(bundle), "-o", str(tmp_path / "case.xml")]) == 2
    assert "the case is medmassage JSON (.json)" in capsys.readouterr().err
    assert main(["fhir", "import", str(bundle), "-o", str(bundle)]) == 2
    assert "is the input file" in capsys.readouterr().err


def test_options_may_come_before_the_file(tmp_path: Path) -> None:
    """``fhir export -o OUT FILE`` (options first, as the how-to has it) is ``FILE -o OUT``.

    argparse's plain parsing ends a command's positionals at its first option, so
    the FILE after ``-o OUT`` was refused as an unrecognized argument.
    """
    case = str(Path(__file__).parent.parent / "examples" / "lumbar_disc_herniation.json")
    first, last = tmp_path / "first.json", tmp_path / "last.json"
    assert main(["fhir", "export", "-o", str(first), case]) == 0
    assert main(["fhir", "export", case, "-o", str(last)]) == 0
    assert first.read_text(encoding="utf-8") == last.read_text(encoding="utf-8")
    assert main(["validate", case, "--quiet", case]) == 0
