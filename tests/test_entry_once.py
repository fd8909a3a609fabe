"""Entering data once (issue 14): a case built from its referral, plan and planned techniques.

A diagnosis entered once, on the referral, serves the plan (`TreatmentPlan.for_referral`),
the patient's history (screening takes it as an active condition; `check` says so) and
the referral; a session built from its plan (`Session.for_plan`) and its segments built
from the planned techniques (`TechniqueSegment.as_planned`) repeat no ids. The stored
form is that of the same case built field by field.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

import medmassage as mm
from medmassage.cli import main

G = mm.PressureGrade
TZ = ZoneInfo("America/Chicago")
START = dt.date(2026, 1, 12)


def _disc() -> mm.Diagnosis:
    return mm.Diagnosis(coding=mm.Coding.icd10cm("M51.26"), region=mm.BodyRegion.LUMBAR_SPINE)


def _referral(**changes: Any) -> mm.Referral:
    referral = mm.Referral(
        id="ref-1",
        referrer=mm.Provider(name="Dr. A. Example", role=mm.ProviderRole.PHYSICIAN),
        diagnoses=(_disc(),),
        referred_on=dt.date(2026, 1, 5),
        frequency_per_week=2,
        duration_weeks=4,
    )
    return attrs.evolve(referral, **changes)


def _patient(**changes: Any) -> mm.Patient:
    patient = mm.Patient(
        id="pt-1",
        birth_date=dt.date(1980, 3, 2),
        sex=mm.AdministrativeSex.FEMALE,
        name=mm.HumanName(family="Example", given=("Maria",)),
    )
    return attrs.evolve(patient, **changes)


TECHNIQUES = (
    mm.PlannedTechnique(
        modality="core.trigger_point",
        region=mm.BodyRegion.HIP,
        laterality=mm.Laterality.LEFT,
        duration=mm.Duration(15, "min"),
        min_grade=G.SWEDISH,
        max_grade=G.DEEP,
    ),
    mm.PlannedTechnique(
        modality="core.swedish",
        region=mm.BodyRegion.LUMBAR_SPINE,
        duration=mm.Duration(20, "min"),
        min_grade=G.LIGHT_LOTIONING,
        max_grade=G.SWEDISH,
    ),
)


def _plan(referral: mm.Referral | None = None, **kw: Any) -> mm.TreatmentPlan:
    return mm.TreatmentPlan.for_referral(
        referral or _referral(),
        id="plan-1",
        patient_id="pt-1",
        practitioner_id="pr-1",
        techniques=TECHNIQUES,
        session_length=mm.Duration(45, "min"),
        start_date=START,
        **kw,
    )


def _start(day: int) -> dt.datetime:
    return dt.datetime(2026, 1, day, 9, 0, tzinfo=TZ)


def _session(plan: mm.TreatmentPlan, number: int, day: int) -> mm.Session:
    trigger_point, swedish = plan.techniques
    return mm.Session.for_plan(
        plan,
        id=f"ses-{number}",
        start=_start(day),
        segments=(
            mm.TechniqueSegment.as_planned(trigger_point, grade=G.SWEDISH),
            mm.TechniqueSegment.as_planned(swedish, grade=G.LIGHT_LOTIONING),
        ),
        outcomes=(
            mm.OutcomeMeasure(
                instrument="odi", taken_at=_start(day), responses=(3, 2, 2, 3, 2, 3, 2, 1, 2, 2)
            ),
        ),
    ).sign(by="pr-1", at=_start(day) + dt.timedelta(hours=1))


def _case() -> mm.Case:
    plan = _plan()
    return mm.Case(
        patient=_patient(),
        plan=plan,
        sessions=(_session(plan, 1, 12), _session(plan, 2, 15)),
        practitioners=(mm.Practitioner(id="pr-1", name="S. Therapist"),),
    )


def _case_field_by_field() -> mm.Case:
    """The same case with every copy and id entered by hand, as before the builders."""
    disc = _disc()
    referral = _referral()
    plan = mm.TreatmentPlan(
        id="plan-1",
        patient_id="pt-1",
        practitioner_id="pr-1",
        diagnoses=(disc,),
        techniques=TECHNIQUES,
        session_length=mm.Duration(45, "min"),
        sessions_per_week=2,
        duration_weeks=4,
        start_date=START,
        referral=referral,
    )

    def visit(number: int, day: int) -> mm.Session:
        return mm.Session(
            id=f"ses-{number}",
            patient_id="pt-1",
            practitioner_id="pr-1",
            plan_id="plan-1",
            start=_start(day),
            duration=mm.Duration(45, "min"),
            segments=(
                mm.TechniqueSegment(
                    modality="core.trigger_point",
                    region=mm.BodyRegion.HIP,
                    laterality=mm.Laterality.LEFT,
                    duration=mm.Duration(15, "min"),
                    grade=G.SWEDISH,
                ),
                mm.TechniqueSegment(
                    modality="core.swedish",
                    region=mm.BodyRegion.LUMBAR_SPINE,
                    duration=mm.Duration(20, "min"),
                    grade=G.LIGHT_LOTIONING,
                ),
            ),
            outcomes=(
                mm.OutcomeMeasure(
                    instrument="odi",
                    taken_at=_start(day),
                    responses=(3, 2, 2, 3, 2, 3, 2, 1, 2, 2),
                ),
            ),
        ).sign(by="pr-1", at=_start(day) + dt.timedelta(hours=1))

    return mm.Case(
        patient=_patient(),
        plan=plan,
        sessions=(visit(1, 12), visit(2, 15)),
        practitioners=(mm.Practitioner(id="pr-1", name="S. Therapist"),),
    )


# -- the plan from its referral ------------------------------------------------------------


def test_plan_for_referral_takes_diagnoses_frequency_and_course() -> None:
    """A plan written for a referral treats its diagnoses at its frequency for its course."""
    referral = _referral(frequency_per_week=3, duration_weeks=6)
    plan = _plan(referral)
    assert plan.diagnoses == referral.diagnoses
    assert (plan.sessions_per_week, plan.duration_weeks) == (3, 6)
    assert plan.referral == referral
    assert plan.planned_sessions == 18


def test_plan_for_referral_departing_from_it_is_noted_by_check() -> None:
    """Given values win over the referral's, and check() names where the plan departs."""
    back = mm.Diagnosis(coding=mm.Coding.icd10cm("M54.50"))
    plan = _plan(sessions_per_week=3, duration_weeks=6, diagnoses=(back,))
    assert (plan.sessions_per_week, plan.duration_weeks) == (3, 6)
    assert [d.code for d in plan.diagnoses] == ["M54.50"]
    found = {(a.code, a.path) for a in mm.check(plan)}
    assert {
        ("frequency_differs", "sessions_per_week"),
        ("duration_exceeds_referral", "duration_weeks"),
        ("diagnosis_not_referred", "diagnoses[0]"),
    } <= found


def test_plan_for_referral_without_a_prescription_names_the_fields() -> None:
    """A referral prescribing no frequency or course needs them given, each path named."""
    open_ended = _referral(frequency_per_week=None, duration_weeks=None)
    with pytest.raises(mm.ValidationError) as info:
        _plan(open_ended)
    assert {(p.path, p.code) for p in info.value.problems} == {
        ("sessions_per_week", "required"),
        ("duration_weeks", "required"),
    }
    assert "frequency_per_week" in str(info.value)
    plan = _plan(open_ended, sessions_per_week=1, duration_weeks=2)
    assert (plan.sessions_per_week, plan.duration_weeks) == (1, 2)


def test_plan_for_referral_validates_the_plan_and_its_input() -> None:
    """A non-referral, or a plan the referral's values make invalid, is refused with paths."""
    with pytest.raises(mm.ValidationError) as info:
        mm.TreatmentPlan.for_referral(
            "ref-1",  # type: ignore[arg-type]
            id="plan-1",
            patient_id="pt-1",
            practitioner_id="pr-1",
            techniques=TECHNIQUES,
            session_length=mm.Duration(45, "min"),
            start_date=START,
        )
    assert info.value.paths == ("referral",)
    # A referral may prescribe up to 104 weeks; a plan covers at most 52.
    with pytest.raises(mm.ValidationError) as info:
        _plan(_referral(duration_weeks=60))
    assert info.value.paths == ("duration_weeks",)


# -- the session from its plan -------------------------------------------------------------


def test_session_for_plan_takes_the_ids_and_the_session_length() -> None:
    """A session built from its plan carries the plan's patient, practitioner, id and length."""
    plan = _plan()
    session = mm.Session.for_plan(plan, id="ses-1", start=_start(12))
    assert (session.patient_id, session.practitioner_id, session.plan_id) == (
        "pt-1",
        "pr-1",
        "plan-1",
    )
    assert session.duration == plan.session_length
    assert not session.signed


def test_session_for_plan_with_another_practitioner_and_length() -> None:
    """Another treating practitioner and the actual length are given where they differ."""
    session = mm.Session.for_plan(
        _plan(),
        id="ses-1",
        start=_start(12),
        practitioner_id="pr-2",
        duration=mm.Duration(30, "min"),
        status=mm.SessionStatus.CANCELLED,
    )
    assert (session.practitioner_id, session.duration.minutes) == ("pr-2", 30.0)
    assert session.status is mm.SessionStatus.CANCELLED


def test_session_for_plan_is_validated_like_any_session() -> None:
    """A non-plan, or an invalid session, is refused with the field path and rule."""
    with pytest.raises(mm.ValidationError) as info:
        mm.Session.for_plan("plan-1", id="ses-1", start=_start(12))  # type: ignore[arg-type]
    assert info.value.paths == ("plan",)
    long_segment = mm.TechniqueSegment.as_planned(
        TECHNIQUES[1], grade=G.SWEDISH, duration=mm.Duration(50, "min")
    )
    with pytest.raises(mm.ValidationError) as info:
        mm.Session.for_plan(
            _plan(), id="ses-1", start=dt.datetime(2026, 1, 12, 9, 0), segments=(long_segment,)
        )
    assert {(p.path, p.code) for p in info.value.problems} == {
        ("start", "aware"),
        ("segments", "minutes_exceed_session"),
    }


def test_segment_as_planned_takes_the_technique() -> None:
    """A segment of a planned technique takes its modality, region, side and planned time."""
    trigger_point = TECHNIQUES[0]
    segment = mm.TechniqueSegment.as_planned(
        trigger_point, grade=G.DEEP, feedback=mm.PressureFeedback.TOO_FIRM, discomfort=7
    )
    assert (segment.modality, segment.region, segment.laterality) == (
        "core.trigger_point",
        mm.BodyRegion.HIP,
        mm.Laterality.LEFT,
    )
    assert segment.duration == trigger_point.duration
    assert (segment.grade, segment.feedback, segment.discomfort) == (
        G.DEEP,
        mm.PressureFeedback.TOO_FIRM,
        7,
    )
    shorter = mm.TechniqueSegment.as_planned(trigger_point, duration=mm.Duration(10, "min"))
    assert shorter.duration.minutes == 10.0
    with pytest.raises(mm.ValidationError) as info:
        mm.TechniqueSegment.as_planned(trigger_point, discomfort=11)
    assert info.value.paths == ("discomfort",)
    with pytest.raises(mm.ValidationError) as info:
        mm.TechniqueSegment.as_planned("core.swedish")  # type: ignore[arg-type]
    assert info.value.paths == ("technique",)


def test_a_segment_above_the_plan_is_still_caught() -> None:
    """Building from the plan does not hide a grade above it: check() and screen() see it."""
    plan = _plan()
    deepest = mm.TechniqueSegment.as_planned(plan.techniques[0], grade=G.DEEPEST)
    session = mm.Session.for_plan(plan, id="ses-0", start=_start(12), segments=(deepest,))
    assert ("grade_above_plan", "segments[0].grade") in {
        (a.code, a.path) for a in mm.check(session, plan=plan)
    }
    anticoagulated = _patient(
        medications=(
            mm.Medication(name="apixaban", classes=frozenset({mm.MedicationClass.ANTICOAGULANT})),
        )
    )
    result = mm.screen(anticoagulated, plan, session=session)
    assert result.status.value == "defer"
    assert ("core.bleeding_risk", "grade") in {(v.rule_id, v.kind) for v in result.violations}


# -- the diagnosis entered once ------------------------------------------------------------


def test_the_stored_form_is_that_of_the_case_built_field_by_field() -> None:
    """The builders fill the copies in memory: the JSON is the field-by-field case's."""
    case = _case()
    assert case == _case_field_by_field()
    text = mm.to_json(case)
    assert text == mm.to_json(_case_field_by_field())
    assert json.loads(text)["schema_version"] == 1
    assert mm.from_json(mm.Case, text) == case


def test_the_diagnosis_serves_screening_without_a_history_copy() -> None:
    """Entered on the referral only, the disc herniation is screened as a condition."""
    case = _case()
    assert case.patient.conditions == ()
    result = mm.screen(case)
    assert "core.herniated_disc" in {f.rule_id for f in result.findings}
    with_history = attrs.evolve(
        case,
        patient=_patient(
            conditions=(mm.Condition(code=_disc().coding, region=mm.BodyRegion.LUMBAR_SPINE),)
        ),
    )

    def limits(assessment: mm.Assessment) -> set[tuple[str, str, object]]:
        return {(f.rule_id, f.action.value, f.max_grade) for f in assessment.findings}

    assert limits(mm.screen(with_history)) == limits(result)


def test_check_says_the_history_does_not_list_the_diagnosis() -> None:
    """check() notes once, at info level, a diagnosis the patient's history does not list."""
    case = _case()
    notes = [a for a in mm.check(case) if a.code == "diagnosis_not_in_history"]
    # The plan and its referral hold the same code: one note, at the plan's copy.
    assert [(a.path, a.level) for a in notes] == [("plan.diagnoses[0]", mm.AdvisoryLevel.INFO)]
    assert "Maria" not in str(notes[0])
    resolved = mm.Condition(code=_disc().coding, status=mm.ClinicalStatus.RESOLVED)
    listed = attrs.evolve(case, patient=_patient(conditions=(resolved,)))
    assert not any(a.code == "diagnosis_not_in_history" for a in mm.check(listed))


def test_check_notes_a_diagnosis_only_the_referral_holds() -> None:
    """A referral's diagnosis the plan and the history both lack is noted at its own path."""
    sciatica = mm.Diagnosis(
        coding=mm.Coding.icd10cm("M54.42"),
        region=mm.BodyRegion.LOWER_LIMB,
        laterality=mm.Laterality.LEFT,
    )
    plan = _plan(_referral(diagnoses=(_disc(), sciatica)), diagnoses=(_disc(),))
    case = mm.Case(patient=_patient(), plan=plan)
    found = mm.check(case, screening=False)
    notes = [a.path for a in found if a.code == "diagnosis_not_in_history"]
    assert notes == ["plan.diagnoses[0]", "plan.referral.diagnoses[1]"]


def test_the_fhir_bundle_holds_the_diagnosis_once() -> None:
    """The diagnosis entered once is one FHIR Condition, addressed by the plan and the referral."""
    bundle: Any = mm.case_bundle(_case())  # JSON-shaped: indexed as the user would
    resources = [e["resource"] for e in bundle["entry"]]
    conditions = [r for r in resources if r["resourceType"] == "Condition"]
    assert [c["code"]["coding"][0]["code"] for c in conditions] == ["M51.26"]
    reference = f"urn:uuid:{conditions[0]['id']}"
    (care_plan,) = [r for r in resources if r["resourceType"] == "CarePlan"]
    (request,) = [r for r in resources if r["resourceType"] == "ServiceRequest"]
    assert [a["reference"] for a in care_plan["addresses"]] == [reference]
    assert [a["reference"] for a in request["reasonReference"]] == [reference]


def test_the_report_lists_the_diagnosis() -> None:
    """The progress report of the case built once shows the diagnosis and the sessions."""
    case = _case()
    report = mm.build_report(case)
    assert [d.code for d in report.diagnoses] == ["M51.26"]
    assert report.sessions_attended == 2
    assert "M51.26" in mm.render_markdown(report)


def test_validate_reads_a_case_written_with_the_builders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``medmassage validate`` accepts the written case and prints the history note."""
    path = tmp_path / "case.json"
    path.write_text(mm.to_json(_case()), encoding="utf-8")
    status = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == f"OK {path}"
    assert any(
        "info: plan.diagnoses[0]:" in line and "[diagnosis_not_in_history]" in line
        for line in out.splitlines()
    )
    assert "Maria" not in out
