"""Treatment plans, goals and planned techniques: validation and properties."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import medmassage as mm
from factories import model_dx as dx
from factories import model_plan as plan
from factories import model_technique as technique
from factories import problems
from medmassage.exceptions import ValidationError
from medmassage.modalities import (
    SWEDISH,
    PressureGrade,
)
from medmassage.plans import technique_problems

G = PressureGrade


def test_goal() -> None:
    """A goal is met by values on the right side of its target."""
    g = mm.Goal(id="g1", instrument="odi", target=20, comparator=mm.Comparator.AT_MOST)
    assert g.met_by(20)
    assert not g.met_by(21)
    up = attrs.evolve(g, comparator=mm.Comparator.AT_LEAST)
    assert up.met_by(21)
    assert not up.met_by(19)
    assert problems(
        lambda: attrs.evolve(g, id="", instrument="ODI", target=2e6, description="")
    ) == {
        ("id", "id_format"),
        ("instrument", "key_format"),
        ("target", "range"),
        ("description", "blank"),
    }


# Regression test (bug found by these tests, since fixed): Goal.target accepts NaN (check_range
# lets NaN through), so a valid Goal  cannot be written by to_json (json.dumps(allow_nan=False)
# raises a bare ValueError)
def test_goal_target_must_be_finite() -> None:
    """A goal with a non-finite target raises ValidationError."""
    with pytest.raises(ValidationError):
        mm.Goal(id="g1", instrument="odi", target=float("nan"), comparator=mm.Comparator.AT_MOST)


def test_planned_technique_rules() -> None:
    """A planned technique checks its modality key, region and duration."""
    assert problems(lambda: technique(modality="Core.X", region=mm.BodyRegion.KNEE)) == {
        ("modality", "key_format"),
        ("laterality", "side"),
    }
    assert problems(lambda: technique(duration=mm.Duration(0.5, "min"))) == {("duration", "range")}
    assert problems(lambda: technique(min_grade=G.SWEDISH, max_grade=G.LIGHT_LOTIONING)) == {
        ("max_grade", "order")
    }
    assert problems(lambda: technique(modality="core.unknown")) == {
        ("modality", "unknown_modality")
    }
    # Swedish is Walton 1-3 (modalities.SWEDISH): grade 4 is outside its range.
    assert problems(lambda: technique(max_grade=G.DEEP)) == {("max_grade", "modality_pressure")}
    assert problems(lambda: technique(min_grade=G.STATIONARY_HOLD)) == {
        ("min_grade", "modality_pressure")
    }
    mld = {
        "modality": "core.lymphatic_drainage",
        "min_grade": G.STATIONARY_HOLD,
        "max_grade": G.LIGHT_LOTIONING,
    }
    technique(**mld, max_pressure=mm.Pressure(30, "mmHg"))
    assert problems(lambda: technique(**mld, max_pressure=mm.Pressure(5, "kPa"))) == {
        ("max_pressure", "modality_pressure")
    }
    # a plugin modality is not checked on construction
    plugin = technique(modality="acme.cupping", min_grade=G.STATIONARY_HOLD, max_grade=G.DEEPEST)
    assert technique_problems(plugin, SWEDISH) != []


def test_plan_rules_and_properties() -> None:
    """A plan derives its end date and planned sessions and checks its fields."""
    p = plan(reevaluation_date=dt.date(2026, 2, 8))
    assert p.end_date == dt.date(2026, 2, 8)
    assert p.planned_sessions == 8
    assert p.covers(dt.date(2026, 1, 12))
    assert p.covers(dt.date(2026, 2, 8))
    assert not p.covers(dt.date(2026, 2, 9))
    assert not p.covers(dt.date(2026, 1, 11))
    goal = mm.Goal(
        id="g",
        instrument="odi",
        target=1,
        comparator=mm.Comparator.AT_MOST,
        target_date=dt.date(2026, 1, 1),
    )
    found = problems(
        lambda: plan(
            diagnoses=(dx(), dx()),
            techniques=(technique(), technique(duration=mm.Duration(0.75, "h"))),
            goals=(goal, goal),
            session_length=mm.Duration(1, "h"),
            reevaluation_date=dt.date(2026, 2, 9),
            precautions=("ok", ""),
        )
    )
    assert found == {
        ("diagnoses[1]", "duplicate"),
        ("goals[1]", "duplicate"),
        ("techniques", "minutes_exceed_session"),
        ("reevaluation_date", "range"),
        ("goals[0].target_date", "order"),
        ("goals[1].target_date", "order"),
        ("precautions[1]", "blank"),
    }
    assert problems(
        lambda: plan(diagnoses=(), techniques=(), session_length=mm.Duration(4, "min"))
    ) == {
        ("diagnoses", "required"),
        ("techniques", "required"),
        ("session_length", "range"),
    }
    # minutes add up exactly: 20 min + 2400 s = 60 min is allowed
    plan(techniques=(technique(), technique(duration=mm.Duration(2400, "s"))))
