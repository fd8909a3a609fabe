"""Cases: cross-record rules, evolve, and the shape every model shares."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import medmassage as mm
from factories import MODEL_START as START
from factories import model_patient as patient
from factories import model_plan as plan
from factories import model_session as session
from factories import problems
from medmassage.exceptions import ValidationError


def test_case_rules() -> None:
    """A case finds its practitioners by id and checks cross-references."""
    pt = patient()
    pl = plan()
    pr = mm.Practitioner(id="pr-1")
    s1 = session()
    s2 = session(id="s-2", start=START + dt.timedelta(days=3))
    case = mm.Case(patient=pt, plan=pl, sessions=(s1, s2), practitioners=(pr,))
    assert case.practitioner("pr-1") is pr
    assert case.practitioner("pr-9") is None
    assert repr(case) == "Case(patient=Patient(id='pt-1'), plan='plan-1', sessions=2)"
    assert str(case) == repr(case)
    found = problems(
        lambda: mm.Case(
            patient=attrs.evolve(pt, id="pt-2"),
            plan=pl,
            sessions=(
                s2,
                attrs.evolve(s1, id="s-2", plan_id="plan-9", start=START - dt.timedelta(days=1)),
            ),
            practitioners=(pr, pr),
        )
    )
    assert found == {
        ("plan.patient_id", "consistency"),
        ("sessions[1]", "duplicate"),
        ("practitioners[1]", "duplicate"),
        ("sessions[0].patient_id", "consistency"),
        ("sessions[1].patient_id", "consistency"),
        ("sessions[1].plan_id", "consistency"),
        ("sessions[1].start", "outside_plan"),
        ("sessions[1].start", "order"),
    }
    # a session of no plan is accepted in the case (its plan_id is not set)
    mm.Case(patient=pt, plan=pl, sessions=(session(plan_id=None),))


def test_evolve_revalidates() -> None:
    """attrs.evolve on a model runs validation again."""
    s = session()
    with pytest.raises(ValidationError):
        attrs.evolve(s, duration=mm.Duration(0, "min"))
    with pytest.raises(ValidationError):
        attrs.evolve(patient(), birth_date=dt.date.today() + dt.timedelta(days=2))


def test_models_are_frozen_slotted_keyword_only() -> None:
    """Models are frozen, slotted and keyword-only."""
    s = session()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.id = "x"  # type: ignore[misc]
    assert not hasattr(s, "__dict__")
    with pytest.raises(TypeError):
        mm.Signature("pr-1", START)  # type: ignore[call-arg]


# Regression test (bug found by these tests, since fixed): a plan starting near date.max
# (9999-12-20, 4 weeks, no reevaluation_date)  is accepted, but its end_date overflows:
# end_date, covers(), check() and the CLI  then raise a bare OverflowError
def test_plan_end_date_must_exist() -> None:
    """A plan's end date must lie after its start date."""
    try:
        p = plan(start_date=dt.date(9999, 12, 20))
    except ValidationError:
        return  # refusing the plan is the fix
    assert p.end_date > p.start_date  # must not raise OverflowError
