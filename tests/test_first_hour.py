"""The first hour, from the user's side: ``medmassage demo`` names every step of every case.

The demo is run as the README's first line runs it, from an empty folder with no
arguments. Its printed output is parsed, and each thing it claims (the advisories, the
screening of the plan and of each session, the scores and their change against the
MCID, the goals, the units billed, the files written) is compared with what the public
API gives for the same case, so no figure the code computes is written down here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import medmassage as mm
from medmassage._commands.demo import bundled_cases
from medmassage.sessions import SessionStatus

CASES = {Path(p).stem: mm.from_json(mm.Case, Path(p).read_bytes()) for p in bundled_cases()}

#: The numbered steps each case goes through, in order.
STEPS = ("validate", "screen", "outcomes", "billing", "files")

_STEP = re.compile(r"^  ([1-5])\. (\w+)")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """``medmassage demo`` in an empty folder: its status, its output and the folder."""
    folder = tmp_path_factory.mktemp("first-hour")
    package_parent = str(Path(mm.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": package_parent, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "medmassage", "demo"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stderr == ""
    return done.returncode, done.stdout, folder


def _section(out: str, name: str) -> str:
    """The text printed for the case file *name*, up to the next case or the summary."""
    text = out.split(f"\n== {name}.json ==\n", 1)[1]
    return re.split(r"\n== .+\.json ==\n|\nsummary:\n", text, maxsplit=1)[0]


def _steps(section: str) -> dict[str, list[str]]:
    """The lines of each numbered step of a case, by the step's name."""
    steps: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in section.splitlines():
        match = _STEP.match(line)
        if match:
            current = steps.setdefault(match.group(2), [])
        if current is not None:
            current.append(line)
    return steps


def _summary(out: str) -> dict[str, str]:
    """The summary's outcome line of each case, by case name."""
    lines = out.split("\nsummary:\n", 1)[1].splitlines()
    return dict(line.strip().split(None, 1) for line in lines if line.strip())


def test_the_demo_runs_every_bundled_case_and_exits_0(run: tuple[int, str, Path]) -> None:
    """From an empty folder, the demo runs each bundled case (the lumbar, MLD and DVT cases)."""
    status, out, folder = run
    assert status == 0
    assert re.findall(r"^== (.+)\.json ==$", out, re.M) == sorted(CASES)
    assert set(_summary(out)) == set(CASES)
    assert {"lumbar_disc_herniation", "postmastectomy_lymphedema", "acute_dvt_deferred"} <= set(
        CASES
    )
    assert (folder / "medmassage-demo").is_dir()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_names_the_five_steps_in_order(run: tuple[int, str, Path], name: str) -> None:
    """validate, screen, outcomes, billing, files: each step once, numbered, in order."""
    section = _section(run[1], name)
    found = [m.groups() for m in map(_STEP.match, section.splitlines()) if m]
    assert found == [(str(n), step) for n, step in enumerate(STEPS, start=1)]
    case = CASES[name]
    header = section.splitlines()[0]
    assert header == (
        f"  patient {case.patient.id}, plan {case.plan.id}, {len(case.sessions)} session(s)"
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_prints_what_check_finds(run: tuple[int, str, Path], name: str) -> None:
    """The count and every advisory printed are those of ``mm.check`` on the case."""
    lines = _steps(_section(run[1], name))["validate"]
    advisories = mm.check(CASES[name])
    match = re.fullmatch(r"  1\. validate: (\w+).*, (\d+) advis(ory|ories)", lines[0])
    assert match is not None, lines[0]
    errors = [a for a in advisories if a.level is mm.AdvisoryLevel.ERROR]
    assert match.group(1) == ("ERRORS" if errors else "OK")
    assert int(match.group(2)) == len(advisories)
    assert (match.group(3) == "ory") == (len(advisories) == 1)
    assert [line.removeprefix("       - ") for line in lines[1:]] == [str(a) for a in advisories]


_FINDING = re.compile(r"^       (ABSOLUTE|RELATIVE|LOCAL|INFORMATION)\s+(\S+): (\w+) \(")


@pytest.mark.parametrize("name", sorted(CASES))
def test_screen_prints_the_plan_and_each_session_as_screen_finds(
    run: tuple[int, str, Path], name: str
) -> None:
    """The plan's status, date and findings, and each session's status and violations."""
    case = CASES[name]
    lines = _steps(_section(run[1], name))["screen"]
    plan = mm.screen(case)
    head = f"     screening patient {case.patient.id}, plan {case.plan.id} on {plan.on}: "
    assert lines[1] == head + plan.status.value.upper()
    findings = [m.groups() for m in map(_FINDING.match, lines) if m]
    assert findings == [
        (f.severity.value.upper(), f.rule_id, f.action.value) for f in plan.findings
    ]
    text = "\n".join(lines)
    for f in plan.findings:
        assert f.rationale in text
        assert f.source in text
    for conflict in plan.plan_conflicts:
        assert str(conflict) in text
    sessions = {m[0]: m[1:] for m in re.findall(r"^     session (\S+) on (\S+): (.+)$", text, re.M)}
    assert set(sessions) == {s.id for s in case.sessions}
    for s in case.sessions:
        day, said = sessions[s.id]
        if s.status is not SessionStatus.COMPLETED:
            assert (day, said) == (
                str(s.start.date()),
                f"{s.status.value}, not screened (no treatment)",
            )
            continue
        result = mm.screen(case, session=s)
        assert day == str(result.on)
        assert said == f"{result.status.value.upper()}, {len(result.violations)} violation(s)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_outcomes_print_each_score_and_its_change_against_the_mcid(
    run: tuple[int, str, Path], name: str
) -> None:
    """Each tracked instrument's first and latest score and MCID verdict, and each goal's state."""
    case = CASES[name]
    lines = _steps(_section(run[1], name))["outcomes"]
    progress = mm.track(case.plan, case.sessions)
    assert lines[0] == f"  3. outcomes as of {progress.as_of}:"
    scores = [line for line in lines if line.startswith("     - ")]
    assert len(scores) == len(progress.series)
    for series, line in zip(progress.series, scores, strict=True):
        fmt = series.instrument.format_value
        assert line.startswith(
            f"     - {series.label}: {fmt(series.baseline.value)} -> {fmt(series.latest.value)}: "
        )
        change = series.change
        assert change is not None  # every bundled measure was taken twice or more
        if change.mcid is None:
            assert "; no MCID published;" in line
            continue
        verdict = re.search(r"; MCID [^;]*: (reached|not reached|worsened beyond MCID);", line)
        assert verdict is not None, line
        expected = (
            "reached"
            if change.mcid_reached
            else "worsened beyond MCID"
            if change.worsened_beyond_mcid
            else "not reached"
        )
        assert verdict.group(1) == expected
        assert f"trend {series.trend.label}" in line
    goals = lines[lines.index("     goals:") + 1 :] if progress.goals else []
    assert len(goals) == len(progress.goals)
    for status, line in zip(progress.goals, goals, strict=True):
        assert line.startswith(f"       {status.goal.id}: ")
        state = line.rsplit(": ", 1)[1]
        if status.met is None:
            assert "measured" in state
            assert state.startswith("not")
        elif status.met:
            assert state.startswith("met")
        else:
            assert state.startswith("not")
            assert "measured" not in state


def _billable(case: mm.Case) -> list[mm.Session]:
    """The sessions the demo bills: those that took place and were screened clear or modify."""
    return [
        s
        for s in case.sessions
        if s.status is SessionStatus.COMPLETED
        and mm.screen(case, session=s).status.value in ("clear", "modify")
    ]


@pytest.mark.parametrize("name", sorted(CASES))
def test_billing_prints_the_units_bill_session_gives(run: tuple[int, str, Path], name: str) -> None:
    """Each billed session's minutes and units per CPT code, why others are unbilled, the total."""
    case = CASES[name]
    lines = _steps(_section(run[1], name))["billing"]
    text = "\n".join(lines)
    diagnoses = [d.code for d in case.plan.diagnoses]
    billable = _billable(case)
    total = 0
    for s in case.sessions:
        block = text.split(f"     session {s.id}:", 1)[1].split("\n     session ", 1)[0]
        if s not in billable:
            assert block.startswith(" NOT BILLED (")
            continue
        bill = mm.bill_session(s, policy="cms", diagnoses=diagnoses)
        rows = {
            code: (int(minutes), int(units))
            for code, minutes, units in re.findall(r"^       (\w+)\s+(\d+)\s+(\d+)", block, re.M)
        }
        expected = {
            code: (round(bill.minutes[code].minutes), units) for code, units in bill.units.items()
        }
        assert {k: v for k, v in rows.items() if k != "total"} == expected
        assert rows["total"][1] == bill.total_units
        total += bill.total_units
    assert lines[-1] == f"     total: {total} units"
    summary = _summary(run[1])[name]
    if total:
        assert summary.endswith(f"{total} units billed")
    else:
        assert summary.endswith("not billed")


@pytest.mark.parametrize("name", sorted(CASES))
def test_files_say_where_the_report_and_bundle_went(run: tuple[int, str, Path], name: str) -> None:
    """The report and the FHIR bundle are where the output says, the bundle of the size it says."""
    _, out, folder = run
    case = CASES[name]
    lines = _steps(_section(out, name))["files"]
    report = re.fullmatch(r"     progress report \(HTML\): (.+)", lines[1])
    bundle = re.fullmatch(r"     FHIR R4 bundle \((\d+) resources\): (.+)", lines[2])
    assert report is not None
    assert bundle is not None
    html = (folder / report.group(1)).read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert case.patient.id in html
    data = json.loads((folder / bundle.group(2)).read_text(encoding="utf-8"))
    entries = mm.case_bundle(case, assessment=mm.screen(case))["entry"]
    assert isinstance(entries, list)
    assert int(bundle.group(1)) == len(data["entry"]) == len(entries)
    assert Path(report.group(1)).parent == Path(bundle.group(2)).parent == Path("medmassage-demo")


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_summary_line_is_the_plan_screening(run: tuple[int, str, Path], name: str) -> None:
    """A deferred case names its do-not-treat rules and is not treated; the others are treated."""
    result = mm.screen(CASES[name])
    line = _summary(run[1])[name]
    if result.status.value == "defer":
        rules = dict.fromkeys(f.rule_id for f in result.findings if f.action.value == "defer")
        assert line.startswith(f"DEFERRED: do not treat ({', '.join(rules)});")
    else:
        assert line.startswith(f"{result.status.value.upper()}: treated, ")
