"""Exceptions: every problem with its path, pickling, the other error types."""

from __future__ import annotations

import datetime as dt

import pytest

import medmassage as mm
from factories import MODEL_START as START
from factories import model_patient as patient
from factories import model_plan as plan
from factories import model_session as session
from factories import problems
from medmassage.exceptions import Problem, ValidationError

UTC = dt.UTC


def test_validation_error_lists_every_problem_with_paths() -> None:
    """A ValidationError lists every problem with its path and names the model."""
    with pytest.raises(ValidationError) as info:
        plan(id="bad id!", sessions_per_week=9, duration_weeks=0)
    err = info.value
    assert err.model == "TreatmentPlan"
    assert set(err.paths) == {"id", "sessions_per_week", "duration_weeks"}
    text = str(err)
    assert text.startswith("invalid TreatmentPlan (3 problems):")
    assert "sessions_per_week: expected a value between 1 and 7 [range]" in text
    assert isinstance(err, ValueError)
    assert isinstance(err, mm.MedmassageError)


def test_problem_prefixing_and_error_pickling() -> None:
    """Problems are prefixed with a parent path and errors survive pickling."""
    import pickle

    assert Problem("a", "m").prefixed("") == Problem("a", "m")
    assert Problem("", "m").prefixed("x").path == "x"
    assert Problem("[1]", "m").prefixed("x").path == "x[1]"
    assert Problem("b", "m").prefixed("x").path == "x.b"
    assert str(Problem("", "m", "c")) == "<root>: m [c]"
    err = ValidationError.single("p", "msg", "code").prefixed("segments[1]", "Session")
    assert err.paths == ("segments[1].p",)
    assert err.model == "Session"
    clone = pickle.loads(pickle.dumps(err))
    assert clone.problems == err.problems
    assert clone.model == "Session"
    assert str(ValidationError([Problem("", "m")])).startswith("invalid input (1 problem)")


def test_other_exceptions() -> None:
    """The other medmassage exceptions format their messages."""
    import pickle

    from medmassage.exceptions import RuleExecutionError, UnknownCodeError, collect

    e = UnknownCodeError("ICD-10-CM", "X99", "no such code")
    assert str(e) == "unknown ICD-10-CM code 'X99': no such code"
    assert str(UnknownCodeError("CPT", "1")) == "unknown CPT code '1'"
    assert isinstance(e, LookupError)
    assert str(pickle.loads(pickle.dumps(e))) == str(e)
    r = RuleExecutionError("dvt", "KeyError: x")
    assert "dvt" in str(r)
    assert pickle.loads(pickle.dumps(r)).rule_id == "dvt"
    collect([])
    with pytest.raises(ValidationError):
        collect([Problem("a", "b")], "M")


def test_wrong_field_types_are_validation_errors() -> None:
    """Wrong field types raise ValidationError with the type rule, not TypeError."""
    assert problems(lambda: patient(birth_date="1979-05-14")) == {("birth_date", "type")}
    assert problems(lambda: patient(sex="female")) == {("sex", "type")}
    assert problems(lambda: patient(conditions=[])) == {("conditions", "type")}
    assert problems(lambda: patient(flags={mm.RiskFlag.FALL_RISK})) == {("flags", "type")}
    assert problems(
        lambda: mm.Pregnancy(gestational_weeks=True, recorded_on=dt.date(2026, 1, 1))
    ) == {("gestational_weeks", "type")}
    assert problems(lambda: session(start=dt.datetime(2026, 1, 1, tzinfo=UTC).date())) == {
        ("start", "type")
    }
    assert problems(
        lambda: mm.OutcomeMeasure(instrument="x", taken_at=START, responses={1: (1,)})  # type: ignore[dict-item]
    ) == {("responses", "type")}
    assert problems(
        lambda: mm.Goal(id="g", instrument="odi", target="1", comparator=mm.Comparator.AT_MOST)  # type: ignore[arg-type]
    ) == {("target", "type")}


def test_type_messages_describe_the_expected_type() -> None:
    """Type problems describe the expected type in words."""
    with pytest.raises(ValidationError) as info:
        patient(sex="female", conditions=None, pregnancy=1)
    messages = {p.path: p.message for p in info.value.problems}
    assert messages["sex"].startswith("expected one of 'female', 'male'")
    assert messages["conditions"] == "expected a list of a Condition"
    assert messages["pregnancy"] == "expected a Pregnancy"
    with pytest.raises(ValidationError) as info2:
        session(duration=30)
    assert "a duration (30 min, 0.5 h, 1800 s)" in info2.value.problems[0].message
