"""The ``medmassage demo`` command: the whole course of care on the bundled cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from medmassage._commands.demo import bundled_cases
from medmassage.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STEPS = ("1. validate:", "2. screen plan", "3. outcomes", "4. billing", "5. files:")
CASES = ("acute_dvt_deferred", "lumbar_disc_herniation", "postmastectomy_lymphedema")


def _sections(out: str) -> dict[str, str]:
    """Split the demo's output into the text of each case (by its ``== NAME.json ==`` header)."""
    parts: dict[str, str] = {}
    current = None
    for line in out.splitlines():
        if line.startswith("== ") and line.endswith(".json =="):
            current = line[3:-8]
            parts[current] = ""
        elif line == "summary:":
            current = None
        elif current is not None:
            parts[current] += line + "\n"
    return parts


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """Run the demo once on the bundled cases; return its status, output and OUTDIR."""
    import contextlib
    import io

    outdir = tmp_path_factory.mktemp("demo") / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["demo", "-o", str(outdir)])
    return status, buffer.getvalue(), outdir


def _case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_every_step_of_every_case_is_shown(demo: tuple[int, str, Path]) -> None:
    """Exit 0; each bundled case shows the five steps in order, and the summary names it."""
    status, out, _ = demo
    assert status == 0
    sections = _sections(out)
    assert sorted(sections) == sorted(CASES)
    for name, text in sections.items():
        positions = [text.find(step) for step in STEPS]
        assert -1 not in positions, (name, positions)
        assert positions == sorted(positions), name
    summary = out.split("\nsummary:\n", 1)[1]
    assert all(name in summary for name in CASES)


def test_files_are_written_and_parse(demo: tuple[int, str, Path]) -> None:
    """Each case has an HTML report with its records and a FHIR Bundle; the output says where."""
    _, out, outdir = demo
    for name in CASES:
        data = _case(name)
        report = outdir / f"{name}.report.html"
        bundle_path = outdir / f"{name}.fhir.json"
        assert str(report) in out
        assert str(bundle_path) in out
        html = report.read_text(encoding="utf-8")
        assert html.lstrip().lower().startswith("<!doctype html")
        assert data["patient"]["id"] in html
        assert data["plan"]["id"] in html
        bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
        assert bundle["resourceType"] == "Bundle"
        assert bundle["type"] == "collection"
        kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
        assert kinds.count("Patient") == 1
        assert "CarePlan" in kinds
        assert f"FHIR R4 bundle ({len(kinds)} resources)" in _sections(out)[name]
    assert not list(outdir.glob(".*.tmp"))  # atomic writes leave no temporary file


def test_dvt_case_is_deferred_and_not_billed(demo: tuple[int, str, Path]) -> None:
    """The acute DVT found at intake defers treatment; nothing is billed; the files say so."""
    _, out, outdir = demo
    text = _sections(out)["acute_dvt_deferred"]
    assert ": DEFER\n" in text
    assert "core.acute_dvt: defer" in text
    assert "ICD-10-CM I82.432" in text  # the evidence: acute thrombosis, left popliteal vein
    billing = text.split("4. billing", 1)[1].split("5. files:", 1)[0]
    assert "NOT BILLED" in billing
    assert "CPT" not in billing
    assert "total: 0 units" in billing
    summary = out.split("\nsummary:\n", 1)[1]
    line = next(x for x in summary.splitlines() if "acute_dvt_deferred" in x)
    assert "DEFERRED: do not treat (core.acute_dvt)" in line
    assert "not billed" in line
    bundle = json.loads((outdir / "acute_dvt_deferred.fhir.json").read_text(encoding="utf-8"))
    issues = [
        e["resource"]["code"]["coding"][0]["code"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DetectedIssue"
    ]
    assert "core.acute_dvt" in issues
    html = (outdir / "acute_dvt_deferred.report.html").read_text(encoding="utf-8")
    assert "core.acute_dvt" in html


def test_mld_case_is_modified_scored_and_billed(demo: tuple[int, str, Path]) -> None:
    """Lymphoedema modifies the MLD plan; QuickDASH change is judged against its MCID; 97140.

    QuickDASH score = ((sum of n responses / n) - 1) x 25 (Beaton et al., J Bone Joint Surg
    Am 2005;87:1038; IWH scoring), MCID 15.91 (Franchignoni et al., JOSPT 2014;44:30).
    CMS 8-minute rule (Medicare Claims Processing Manual ch. 5 s. 20.2): 38 to 52 timed
    minutes are 3 units.
    """
    _, out, _ = demo
    text = _sections(out)["postmastectomy_lymphedema"]
    data = _case("postmastectomy_lymphedema")
    assert ": MODIFY\n" in text
    assert "core.lymphedema: limit_pressure" in text
    sessions = data["sessions"]
    for s in sessions:
        assert f"session {s['id']} on {s['start'][:10]}: MODIFY, 0 violation(s)" in text
    answers = [
        m["responses"] for s in sessions for m in s["outcomes"] if m["instrument"] == "quickdash"
    ]
    first, last = ((sum(a) / len(a) - 1) * 25 for a in (answers[0], answers[-1]))
    assert abs(first - last) >= 15.91
    assert f"{first:.1f} points -> {last:.1f} points" in text
    assert "MCID 15.91 points: reached" in text
    minutes = [sum(seg["duration"]["value"] for seg in s["segments"]) for s in sessions]
    assert all(38 <= m <= 52 for m in minutes)
    assert text.count("97140         45      3") == len(sessions)
    assert f"total: {3 * len(sessions)} units" in text


def test_output_names_no_patient(demo: tuple[int, str, Path]) -> None:
    """The printed summary and the default files carry ids, never names or birth dates."""
    _, out, outdir = demo
    for name in CASES:
        patient = _case(name)["patient"]
        secrets = [patient["name"]["family"], *patient["name"]["given"], patient["birth_date"]]
        files = [p.read_text(encoding="utf-8") for p in outdir.glob(f"{name}.*")]
        for secret in secrets:
            assert secret not in out
            assert all(secret not in f for f in files)


def test_bundled_cases_are_the_examples() -> None:
    """The cases shipped in the package are byte for byte the examples/ files."""
    shipped = {Path(p).name: Path(p).read_bytes() for p in bundled_cases()}
    assert sorted(shipped) == [f"{name}.json" for name in CASES]
    for name, data in shipped.items():
        assert (EXAMPLES / name).read_bytes() == data, name


def test_demo_of_a_folder_reports_an_invalid_case_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lumbar_text: str
) -> None:
    """An invalid case is listed as INVALID and makes the status 1; the others still run."""
    (tmp_path / "good.json").write_text(lumbar_text, encoding="utf-8")
    data = json.loads(lumbar_text)
    data["plan"]["sessions_per_week"] = 9
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["demo", str(tmp_path), "-o", str(tmp_path / "out")]) == 1
    sections = _sections(capsys.readouterr().out)
    assert "INVALID" in sections["bad"]
    assert "plan.sessions_per_week" in sections["bad"]
    assert all(step in sections["good"] for step in STEPS)
    assert (tmp_path / "out" / "good.report.html").is_file()
    assert not (tmp_path / "out" / "bad.report.html").exists()


def test_a_session_screened_defer_is_not_billed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Had the DVT patient been treated anyway, that session is flagged and not billed (exit 1)."""
    data = _case("acute_dvt_deferred")
    session = data["sessions"][0]
    session.pop("signature", None)
    session["status"] = "completed"
    session["segments"] = [
        {
            "modality": "core.swedish",
            "region": "lower_leg",
            "laterality": "left",
            "duration": {"value": 20, "unit": "min"},
            "grade": 3,
        }
    ]
    (tmp_path / "treated.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["demo", str(tmp_path), "-o", str(tmp_path / "out")]) == 1
    text = _sections(capsys.readouterr().out)["treated"]
    assert "session ses-301 on 2026-03-16: DEFER" in text
    assert "NOT BILLED (its screening is defer)" in text
    assert "total: 0 units" in text
    assert "97124" not in text


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without cases, or an OUTDIR that is a file, is refused with status 2."""
    assert main(["demo", str(tmp_path)]) == 2
    assert "no JSON files found" in capsys.readouterr().err
    (tmp_path / "case.json").write_text((EXAMPLES / "lumbar_disc_herniation.json").read_text())
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["demo", str(tmp_path), "-o", str(blocker)]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["demo", str(tmp_path / "case.json")]) == 2
    assert "expected a folder" in capsys.readouterr().err


def test_output_named_like_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``demo -o report.pdf`` is refused (status 2), not made into a folder named report.pdf."""
    target = tmp_path / "report.pdf"
    assert main(["demo", "-o", str(target)]) == 2
    assert "give a folder name" in capsys.readouterr().err
    assert not target.exists()


def test_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    """``demo --help`` lists 0 (a deferral is a correct outcome), 1, 2 and 74."""
    with pytest.raises(SystemExit) as info:
        main(["demo", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "exit status:" in text
    for code in ("0 ", "1 ", "2 ", "74 "):
        assert f"\n  {code}" in text
    assert "deferred case is a correct outcome" in text


def test_default_outdir_from_any_folder_and_rerun(tmp_path: Path) -> None:
    """Without arguments, run from a folder with no checkout: ./medmassage-demo/; reruns work."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "medmassage", "demo"]
    for _ in range(2):
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in (tmp_path / "medmassage-demo").iterdir())
    assert files == sorted(f"{n}.{kind}" for n in CASES for kind in ("fhir.json", "report.html"))
    assert "3 bundled cases" in done.stdout


def test_an_indeterminate_screening_is_not_billed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule that fails makes every screening indeterminate: exit 1, nothing billed."""

    import medmassage.plugins
    from factories import FailingRule
    from medmassage.testing.plugins import registry_from

    registry = registry_from(rules=[FailingRule()])
    monkeypatch.setattr(medmassage.plugins, "get_default_registry", lambda: registry)
    (tmp_path / "case.json").write_text((EXAMPLES / "lumbar_disc_herniation.json").read_text())
    assert main(["demo", str(tmp_path), "-o", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    text = _sections(out)["case"]
    assert "INDETERMINATE" in text
    assert text.count("NOT BILLED (its screening is indeterminate)") == 3
    assert "total: 0 units" in text
    assert "INDETERMINATE screening: do not rely on it; not billed" in out.split("summary:")[1]
