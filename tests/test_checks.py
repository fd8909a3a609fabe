"""Softer clinical checks (medmassage.checks): named, coded advisories."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

import medmassage as mm
from medmassage.checks import Advisory, AdvisoryLevel, check
from medmassage.codes import Coding
from medmassage.exceptions import ValidationError
from medmassage.modalities import PressureGrade as G

UTC = dt.UTC


def codes(advisories: tuple[Advisory, ...]) -> set[tuple[str, str]]:
    return {(a.code, a.path) for a in advisories}


def dx(code: str, **kw: Any) -> mm.Diagnosis:
    return mm.Diagnosis(coding=Coding.icd10cm(code), **kw)


@pytest.fixture
def case(lumbar_text: str) -> mm.Case:
    return mm.from_json(mm.Case, lumbar_text)


def test_lumbar_example_advisories(case: mm.Case) -> None:
    """The bundled case's advisories: sciatica is not in the history; session 1 was too firm."""
    # Sessions 2 and 3 record the trigger-point work as Walton grade 3 at 1.4 kgf/cm2
    # (137 kPa), inside the grade's bound; recorded at 4.5 kgf/cm2 (441 kPa) the grade
    # and the measurement contradict each other, which check() names.
    history, advisory = check(case, screening=False)
    session = case.sessions[1]
    heavy = attrs.evolve(session.segments[1], pressure=mm.Pressure(4.5, "kgf/cm**2"))
    segments = (session.segments[0], heavy, *session.segments[2:])
    session = attrs.evolve(session, segments=segments, signature=None)
    recorded = attrs.evolve(case, sessions=(case.sessions[0], session, *case.sessions[2:]))
    assert [(a.code, a.path) for a in check(recorded, screening=False)[2:]] == [
        ("grade_pressure_mismatch", "sessions[1].segments[1].pressure"),
        ("unsigned", "sessions[1].signature"),
    ]
    assert (history.code, history.path) == ("diagnosis_not_in_history", "plan.diagnoses[1]")
    assert advisory.code == "pressure_too_firm"
    assert advisory.path == "sessions[0].segments[1].feedback"
    assert advisory.level is AdvisoryLevel.WARNING
    assert str(advisory) == (
        "warning: sessions[0].segments[1].feedback: the patient reported the pressure "
        "as too firm [pressure_too_firm]"
    )


def test_advisory_str_of_root() -> None:
    """An advisory at the root path prints ``<root>`` as its location."""
    assert (
        str(Advisory(code="c", path="", message="m", level=AdvisoryLevel.INFO))
        == "info: <root>: m [c]"
    )


@pytest.mark.parametrize(
    ("weeks", "acuity", "expected"),
    [
        (5, mm.Acuity.CHRONIC, "acute"),
        (6, mm.Acuity.ACUTE, "subacute"),
        (12, mm.Acuity.CHRONIC, "subacute"),
        (13, mm.Acuity.SUBACUTE, "chronic"),
    ],
)
def test_acuity_against_onset(weeks: int, acuity: mm.Acuity, expected: str) -> None:
    # Musculoskeletal pain cut-offs: <6 weeks acute, 6-12 subacute, >12 chronic.
    """An acuity inconsistent with the onset date raises an acuity_onset advisory."""
    onset = dt.date(2026, 1, 1)
    d = dx("M54.50", onset=onset, acuity=acuity, diagnosed_on=onset + dt.timedelta(weeks=weeks))
    (advisory,) = check(d)
    assert advisory.code == "acuity_onset"
    assert advisory.path.endswith("acuity")
    assert f"suggests {expected}" in advisory.message


# Regression test (bug found by these tests, since fixed): check(diagnosis) reports the path
# '.acuity' (leading dot):  checks._diagnosis joins f'{path}.acuity' with an empty path
def test_acuity_path_of_a_lone_diagnosis() -> None:
    """The acuity advisory of a lone diagnosis has the path ``acuity``."""
    onset = dt.date(2026, 1, 1)
    (advisory,) = check(dx("M54.50", onset=onset, acuity=mm.Acuity.CHRONIC, diagnosed_on=onset))
    assert advisory.path == "acuity"


def test_acuity_path_inside_a_plan(case: mm.Case) -> None:
    """The acuity advisory inside a plan is located at its diagnosis index."""
    d = attrs.evolve(case.plan.diagnoses[0], acuity=mm.Acuity.ACUTE)
    found = codes(check(attrs.evolve(case.plan, diagnoses=(d,), referral=None)))
    assert found == {("acuity_onset", "diagnoses[0].acuity")}


def test_consistent_acuity_and_undated_diagnosis() -> None:
    """A consistent acuity or an undated diagnosis raises no advisory."""
    onset = dt.date(2026, 1, 1)
    assert check(dx("M54.50", onset=onset, acuity=mm.Acuity.ACUTE, diagnosed_on=onset)) == ()
    assert check(dx("M54.50")) == ()
    # without diagnosed_on or on=, acuity is not judged (never against the wall clock)
    old = dx("M54.50", onset=dt.date(2000, 1, 1), acuity=mm.Acuity.ACUTE)
    assert check(old) == ()
    (a,) = check(old, on=dt.date(2026, 1, 1))
    assert "suggests chronic" in a.message


def test_lumbar_example_reports_what_screening_finds(case: mm.Case) -> None:
    """check(case) screens the plan: the herniated disc makes it 'modify' (info)."""
    found = {a.code: a for a in check(case)}
    screening = found["screening_modify"]
    assert screening.level is AdvisoryLevel.INFO
    assert "core.herniated_disc" in screening.message


def test_plan_against_its_referral(case: mm.Case) -> None:
    """A plan differing from its referral raises frequency, duration and related advisories."""
    plan = case.plan
    assert plan.referral is not None
    referral = attrs.evolve(
        plan.referral,
        frequency_per_week=3,
        duration_weeks=2,
        visits_authorized=4,
        expires_on=dt.date(2026, 1, 20),
        diagnoses=(plan.referral.diagnoses[0],),
    )
    found = codes(check(attrs.evolve(plan, referral=referral)))
    assert found == {
        ("frequency_differs", "sessions_per_week"),
        ("duration_exceeds_referral", "duration_weeks"),
        ("referral_expires", "referral.expires_on"),
        ("visits_exceed_authorization", "sessions_per_week"),
        ("diagnosis_not_referred", "diagnoses[1]"),
    }
    lax = attrs.evolve(
        referral,
        frequency_per_week=None,
        duration_weeks=None,
        visits_authorized=None,
        expires_on=None,
    )
    assert codes(check(attrs.evolve(plan, referral=lax))) == {
        ("diagnosis_not_referred", "diagnoses[1]")
    }
    assert check(attrs.evolve(plan, referral=None)) == ()


def _plugin(**kw: Any) -> mm.Modality:
    base: dict[str, Any] = {
        "code": "acme.cupping",
        "name": "Cupping",
        "description": "Negative-pressure cups.",
        "min_grade": G.LIGHT_LOTIONING,
        "max_grade": G.SWEDISH,
        "typical_duration": mm.Duration(10, "min"),
        "source": "test fixture",
        "max_pressure": mm.Pressure(20, "kPa"),
        "required_certifications": frozenset({"cupping"}),
    }
    return mm.Modality(**{**base, **kw})


def test_plugin_modality_pressure_is_a_hard_rule(case: mm.Case) -> None:
    """An unknown plugin modality is advised, and its pressure limit is enforced as a hard rule."""
    cupping = mm.PlannedTechnique(
        modality="acme.cupping",
        region=mm.BodyRegion.THORACIC_SPINE,
        duration=mm.Duration(5, "min"),
        min_grade=G.SWEDISH,
        max_grade=G.DEEPEST,
        max_pressure=mm.Pressure(30, "kPa"),
    )
    plan = attrs.evolve(case.plan, techniques=(*case.plan.techniques[:3], cupping))
    # unregistered: only an advisory
    assert ("unknown_modality", "techniques[3].modality") in codes(check(plan))
    with pytest.raises(ValidationError) as info:
        check(plan, modalities={"acme.cupping": _plugin()})
    assert {(p.path, p.code) for p in info.value.problems} == {
        ("techniques[3].max_grade", "modality_pressure"),
        ("techniques[3].max_pressure", "modality_pressure"),
    }
    ok = attrs.evolve(cupping, max_grade=G.SWEDISH, max_pressure=None)
    assert (
        check(
            attrs.evolve(plan, techniques=(*case.plan.techniques[:3], ok)),
            modalities={"acme.cupping": _plugin()},
        )
        == ()
    )
    with pytest.raises(ValidationError) as info2:
        check(attrs.evolve(case, plan=plan), modalities={"acme.cupping": _plugin()})
    assert info2.value.paths[0].startswith("plan.techniques[3]")


def test_session_against_its_plan(case: mm.Case) -> None:
    """A session is checked against its plan for discomfort, grade and signature."""
    s = case.sessions[1]
    segs = list(s.segments)
    segs[0] = attrs.evolve(segs[0], discomfort=9)  # myofascial release, thoracic spine
    segs[1] = attrs.evolve(segs[1], grade=G.DEEPEST)  # trigger point planned up to 4
    segs[2] = attrs.evolve(segs[2], laterality=mm.Laterality.RIGHT)  # planned on the left thigh
    unsigned = attrs.evolve(s, segments=tuple(segs), signature=None)
    found = codes(check(unsigned, plan=case.plan))
    assert found == {
        ("discomfort_high", "segments[0].discomfort"),
        ("grade_above_plan", "segments[1].grade"),
        ("unplanned_technique", "segments[2]"),
        ("unsigned", "signature"),
    }
    unsigned_advisory = next(a for a in check(unsigned) if a.code == "unsigned")
    assert unsigned_advisory.level is AdvisoryLevel.INFO
    # without a plan, only the session's own findings
    assert codes(check(unsigned)) == {
        ("discomfort_high", "segments[0].discomfort"),
        ("unsigned", "signature"),
    }
    cancelled = attrs.evolve(
        s, segments=(), status=mm.SessionStatus.CANCELLED, signature=None, amendments=()
    )
    assert check(cancelled) == ()


def test_case_level_checks(case: mm.Case) -> None:
    """Case checks flag expired licences and missing certifications per session."""
    therapist = case.practitioners[0]
    expired = attrs.evolve(
        therapist,
        licenses=(attrs.evolve(therapist.licenses[0], expires_on=dt.date(2026, 1, 14)),),
    )
    mld = mm.TechniqueSegment(
        modality="core.lymphatic_drainage",
        region=mm.BodyRegion.LOWER_LEG,
        laterality=mm.Laterality.LEFT,
        duration=mm.Duration(4, "min"),
    )
    cup = mm.TechniqueSegment(
        modality="acme.cupping", region=mm.BodyRegion.NECK, duration=mm.Duration(1, "min")
    )
    s3 = case.sessions[2]
    s3 = attrs.evolve(s3, segments=(*s3.segments, mld, cup), signature=None, amendments=())
    stranger = attrs.evolve(
        case.sessions[1], practitioner_id="pr-999", signature=None, amendments=()
    )
    changed = attrs.evolve(
        case, practitioners=(expired,), sessions=(case.sessions[0], stranger, s3)
    )
    found = codes(check(changed))
    assert ("license_expired", "sessions[2].practitioner_id") in found
    assert ("certification_missing", "sessions[2].segments[4].modality") in found
    assert ("unplanned_technique", "sessions[2].segments[4]") in found
    assert ("unplanned_technique", "sessions[2].segments[5]") in found
    assert not any(path.startswith("sessions[1].practitioner") for _, path in found)
    # a registered plugin modality's certification is checked too
    with_plugin = codes(check(changed, modalities={"acme.cupping": _plugin()}))
    assert ("certification_missing", "sessions[2].segments[5].modality") in with_plugin
    # a practitioner without licences on file is not flagged
    unlicensed = attrs.evolve(changed, practitioners=(attrs.evolve(expired, licenses=()),))
    assert not any(code == "license_expired" for code, _ in codes(check(unlicensed)))


def test_more_sessions_than_planned(case: mm.Case) -> None:
    """More sessions than the plan provides for raises sessions_exceed_plan."""
    plan = attrs.evolve(case.plan, sessions_per_week=1, duration_weeks=2, reevaluation_date=None)
    assert plan.planned_sessions == 2
    found = codes(check(attrs.evolve(case, plan=plan)))
    assert ("sessions_exceed_plan", "sessions") in found


def test_an_advisory_refuses_a_level_that_is_not_an_advisory_level() -> None:
    """level="error" (a string) would compare unequal to every level: refused."""
    with pytest.raises(mm.ValidationError) as info:
        mm.Advisory(code="x", path="", message="m", level="error")  # type: ignore[arg-type]
    assert [(p.path, p.code) for p in info.value.problems] == [("level", "type")]
