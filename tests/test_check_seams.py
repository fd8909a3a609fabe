"""`check` and `validate` see what the report and screening would see (fail-closed issue).

A measure of a known instrument that cannot be scored is an error-level finding (and
``medmassage validate`` exits 1), a measure or goal naming no instrument is a warning,
and a plan that screening defers says so, through the API and the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

import medmassage as mm
from medmassage.advisories import AdvisoryLevel
from medmassage.cli import main
from medmassage.plugins import make_registry

BUILTINS = make_registry(autoload=False)


@pytest.fixture
def case(lumbar_text: str) -> mm.Case:
    """The bundled lumbar case."""
    return mm.from_json(mm.Case, lumbar_text)


def _with_last_outcomes(case: mm.Case, *outcomes: mm.OutcomeMeasure) -> mm.Case:
    """The case with its last session amended to hold *outcomes*."""
    last = case.sessions[-1]
    assert last.signature is not None
    amended = last.amend(
        by=last.signature.by, at=last.signature.at, reason="test", outcomes=outcomes
    )
    return attrs.evolve(case, sessions=(*case.sessions[:-1], amended))


def _codes(advisories: tuple[mm.Advisory, ...]) -> dict[str, mm.Advisory]:
    return {a.code: a for a in advisories}


def test_the_bundled_case_has_no_error_level_finding(case: mm.Case) -> None:
    """The example is sound: nothing at error level (the seams below start from it)."""
    errors = [a for a in mm.check(case, registry=BUILTINS) if a.level is AdvisoryLevel.ERROR]
    assert errors == []


@pytest.mark.parametrize(
    ("instrument", "answers", "why"),
    [
        ("nprs", (11,), "item 1"),  # NPRS is 0-10
        ("ndi", (1, 2, 1, None, None, None, None, None, None, None), "unanswered"),  # 3 of 10
        ("odi", (2, 0, 7, 1, 2, 1, 1, 0, 1, 2), "section 3"),  # ODI sections are 0-5
    ],
)
def test_an_unscorable_measure_is_an_error(
    case: mm.Case, instrument: str, answers: tuple[Any, ...], why: str
) -> None:
    """A measure of a known instrument that cannot be scored is an error with its path."""
    taken = case.sessions[-1].start
    bad = mm.OutcomeMeasure(instrument=instrument, taken_at=taken, responses=answers)
    found = _codes(mm.check(_with_last_outcomes(case, bad), registry=BUILTINS))
    advisory = found["unscorable_measure"]
    assert advisory.level is AdvisoryLevel.ERROR
    assert advisory.path == f"sessions[{len(case.sessions) - 1}].outcomes[0]"
    assert why in advisory.message


def test_a_measure_or_goal_of_an_unknown_instrument_is_a_warning(case: mm.Case) -> None:
    """An instrument code nobody registered is named, for a measure and for a goal."""
    taken = case.sessions[-1].start
    odd = mm.OutcomeMeasure(instrument="clinic.unknown", taken_at=taken, value=3)
    goal = attrs.evolve(case.plan.goals[0], instrument="clinic.unknown")
    plan = attrs.evolve(case.plan, goals=(goal, *case.plan.goals[1:]))
    changed = attrs.evolve(_with_last_outcomes(case, odd), plan=plan)
    found = _codes(mm.check(changed, registry=BUILTINS))
    assert found["unknown_instrument"].path.endswith("outcomes[0].instrument")
    assert found["unknown_instrument"].level is AdvisoryLevel.WARNING
    assert found["unknown_goal_instrument"].path == "plan.goals[0].instrument"


def test_a_plan_that_screening_defers_is_reported(case: mm.Case) -> None:
    """An acute DVT on the plan only gives a screening_defer advisory naming the rule."""
    dvt = mm.Diagnosis(coding=mm.Coding.icd10cm("I82.401"), diagnosed_on=case.plan.start_date)
    plan = attrs.evolve(case.plan, diagnoses=(*case.plan.diagnoses, dvt))
    found = mm.check(attrs.evolve(case, plan=plan), registry=BUILTINS)
    defer = [a for a in found if a.code == "screening_defer" and a.path == "plan"]
    assert len(defer) == 1
    assert "core.acute_dvt" in defer[0].message


def test_validate_exits_1_and_lists_the_error(
    case: mm.Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``medmassage validate`` says ERRORS and exits 1 for an unscorable measure."""
    bad = mm.OutcomeMeasure(instrument="nprs", taken_at=case.sessions[-1].start, responses=(11,))
    path = tmp_path / "case.json"
    path.write_text(mm.to_json(_with_last_outcomes(case, bad)), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"ERRORS {path}" in out
    assert "unscorable_measure" in out or "cannot be scored" in out
    assert "Traceback" not in out
