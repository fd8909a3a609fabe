"""The ``medmassage validate`` command and the CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medmassage.cli import build_parser, main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_example_prints_a_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """``validate`` on the example prints a readable summary and exits 0."""
    example = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
    status, out, err = run(capsys, "validate", str(example))
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"OK {example}"
    assert lines[1] == "patient pt-1001 (age 46, female)"
    assert "  diagnoses: M51.26 (lumbar_spine), M54.42 (lower_limb, left)" in lines
    assert (
        "  referral ref-501: physician, referred 2026-01-05, 2x/week for 4 weeks, "
        "8 visits authorized" in lines
    )
    assert (
        "  plan plan-301 (active): 2x/week for 4 weeks from 2026-01-12 to 2026-02-08, "
        "60 min sessions" in lines
    )
    assert "    - core.trigger_point on left hip: 15 min, Walton grade 3-4" in lines
    assert "    goal g-odi: odi <= 20" in lines
    assert "  sessions: 3 attended of 8 planned" in lines
    assert any(
        line.startswith("    - ses-1 2026-01-12T09:00-06:00 completed: 55 of 60 min treated")
        for line in lines
    )
    # 15 + 15 + 0.25 h + 600 s = 55 minutes per session, 3 sessions
    assert (
        "  minutes by modality: core.myofascial_release 45, core.neuromuscular 45, "
        "core.swedish 30, core.trigger_point 45" in lines
    )
    # too firm; the screening's 'modify'; M54.42 not in the patient's history
    assert "  advisories: 3" in lines
    assert not any("[grade_pressure_mismatch]" in line for line in lines)
    assert any("[screening_modify]" in line and "core.herniated_disc" in line for line in lines)
    assert lines[-1] == "1 valid, 0 invalid"


def test_validate_folder_quiet_and_invalid_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lumbar_text: str
) -> None:
    """``validate`` on a folder reports each file, exiting 1 when one is invalid."""
    (tmp_path / "a.json").write_text(lumbar_text, encoding="utf-8")
    data = json.loads(lumbar_text)
    data["plan"]["sessions_per_week"] = 9
    data["sessions"][1]["segments"][2]["duration"] = {"value": 5, "unit": "kPa"}
    (tmp_path / "b.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "c.json").write_bytes(b"\xff not utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    status, out, _ = run(capsys, "validate", "--quiet", str(tmp_path))
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"OK {tmp_path / 'a.json'}"
    assert lines[1].startswith(f"INVALID {tmp_path / 'b.json'}: invalid Case (2 problems):")
    assert "  plan.sessions_per_week: expected a value between 1 and 7 [range]" in lines
    assert any(
        line.startswith("  sessions[1].segments[2].duration.unit:") and "[dimension]" in line
        for line in lines
    )
    assert (
        f"INVALID {tmp_path / 'c.json'}: expected UTF-8 text; byte 0 is not valid UTF-8 "
        "(line 1, column 1)"
    ) in lines
    assert lines[-1] == "1 valid, 2 invalid"
    assert "patient pt-1001" not in out  # --quiet


def test_missing_file_and_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``validate`` on a missing file or an empty folder exits 2 with a one-line message."""
    status, out, err = run(capsys, "validate", str(tmp_path / "nope.json"))
    assert status == 2  # unreadable, not merely invalid
    assert (
        err
        == f"medmassage: {tmp_path / 'nope.json'}: cannot read file (No such file or directory)\n"
    )
    assert out == "0 valid, 0 invalid, 1 unreadable\n"
    status, out, err = run(capsys, "validate", str(tmp_path))
    assert status == 2
    assert err == "medmassage: no JSON files found\n"


def test_validate_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lumbar_text: str
) -> None:
    """``validate -`` reads the record from standard input."""
    import io

    class Stdin:
        buffer = io.BytesIO(lumbar_text.encode("utf-8"))

    monkeypatch.setattr(sys, "stdin", Stdin)
    status, out, _ = run(capsys, "validate", "-")
    assert status == 0
    assert out.startswith("OK -")


def test_help_version_and_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    """Help and version work, and no command exits 2 listing the commands."""
    status, out, err = run(capsys)
    assert status == 2
    assert "validate" in err
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out.startswith("medmassage 0.")
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    parser = build_parser()
    assert "validate" in parser.format_help()


def test_python_dash_m_runs_the_cli(tmp_path: Path, lumbar_text: str) -> None:
    """``python -m medmassage`` runs the CLI in a subprocess."""
    path = tmp_path / "case.json"
    path.write_text(lumbar_text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "medmassage", "validate", "--quiet", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "1 valid, 0 invalid"


# Regression test (bug found by these tests, since fixed): a case whose plan starts 9999-12-20
# (no sessions, no re-evaluation date)  validates, then summarise()/check() compute
# plan.end_date and the command dies with  a bare OverflowError traceback
def test_far_future_plan_does_not_crash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lumbar_text: str
) -> None:
    """``validate`` on a far-future plan exits 0 or 1 without a traceback."""
    data = json.loads(lumbar_text)
    data["plan"]["start_date"] = "9999-12-20"
    data["plan"]["reevaluation_date"] = None
    for goal in data["plan"]["goals"]:
        goal["target_date"] = None
    data["sessions"] = []
    path = tmp_path / "far.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    status, _out, _ = run(capsys, "validate", str(path))
    assert status in (0, 1)


def test_main_module_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Running ``medmassage.__main__`` in process exits with the CLI status."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["medmassage", "--version"])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("medmassage", run_name="__main__")
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("medmassage ")
