"""Build the bundled example case files with the library itself (so they are valid).

Run: python examples/build_examples.py   (rewrites the *.json files beside it, and the
copies that ship inside the package for ``medmassage demo``: src/medmassage/_examples/)
All people, identifiers and notes are fictional.

Each case is entered once, as the getting-started page builds one: every ICD-10-CM
description comes from the bundled code table (``mm.Coding.icd10cm("M51.26")``), the
plan is written for the referral (``mm.TreatmentPlan.for_referral``: its diagnoses,
frequency and course length), each session is built from the plan
(``mm.Session.for_plan``: patient, practitioner, plan id and session length) and each
segment from a planned technique (``mm.TechniqueSegment.as_planned``: modality, region,
side and time). The stored JSON is the same as that of the same cases built field by
field (``tests/test_first_hour_examples.py`` checks the files are what this script
writes).

The cases:

* ``lumbar_disc_herniation.json``: chronic lumbar disc herniation with left sciatica;
  screening modifies the plan (no direct pressure over the lumbar spine).
* ``postmastectomy_lymphedema.json``: left-arm lymphoedema after a mastectomy with
  axillary node dissection for breast cancer, treated with manual lymphatic drainage;
  screening modifies the plan (light pressure only on the at-risk arm and chest).
* ``acute_dvt_deferred.json``: after a left total knee replacement, the intake visit
  finds an acute deep vein thrombosis of the left popliteal vein; screening defers
  treatment, and the visit is not a treatment.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import medmassage as mm
from medmassage.modalities import PressureGrade as G

HERE = Path(__file__).parent
PACKAGE_COPY = HERE.parent / "src" / "medmassage" / "_examples"
TZ = zoneinfo.ZoneInfo("America/Chicago")


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), TZ)


def lumbar_disc_herniation() -> mm.Case:
    referrer = mm.Provider(name="Dr. A. Rivera", role=mm.ProviderRole.PHYSICIAN, npi="1234567893")
    disc = mm.Diagnosis(
        coding=mm.Coding.icd10cm("M51.26"),
        region=mm.BodyRegion.LUMBAR_SPINE,
        onset=dt.date(2025, 9, 15),
        acuity=mm.Acuity.CHRONIC,
        diagnosed_by=referrer,
        diagnosed_on=dt.date(2025, 12, 1),
    )
    sciatica = mm.Diagnosis(
        coding=mm.Coding.icd10cm("M54.42"),
        region=mm.BodyRegion.LOWER_LIMB,
        laterality=mm.Laterality.LEFT,
        onset=dt.date(2025, 9, 15),
        acuity=mm.Acuity.CHRONIC,
        diagnosed_by=referrer,
        diagnosed_on=dt.date(2025, 12, 1),
    )
    patient = mm.Patient(
        id="pt-1001",
        birth_date=dt.date(1979, 5, 14),
        sex=mm.AdministrativeSex.FEMALE,
        name=mm.HumanName(family="Example", given=("Maria",)),
        contact=mm.ContactDetails(phone="+1 555 0100", email="maria@example.org"),
        conditions=(
            mm.Condition(code=disc.coding, onset=disc.onset, region=mm.BodyRegion.LUMBAR_SPINE),
            mm.Condition(code=mm.Coding.icd10cm("I10")),
        ),
        medications=(
            mm.Medication(
                name="lisinopril", classes=frozenset({mm.MedicationClass.ANTIHYPERTENSIVE})
            ),
            mm.Medication(name="ibuprofen", classes=frozenset({mm.MedicationClass.NSAID})),
        ),
        allergies=(mm.Allergy(category=mm.AllergyCategory.NUT_OIL, substance="sweet almond oil"),),
        consents=(mm.Consent(scope=mm.ConsentScope.TREATMENT, signed_on=dt.date(2026, 1, 12)),),
    )
    therapist = mm.Practitioner(
        id="pr-201",
        name="J. Okafor, LMT",
        licenses=(
            mm.License(number="MA60012345", jurisdiction="US-WA", expires_on=dt.date(2027, 6, 30)),
        ),
        certifications=(
            mm.Certification(code="neuromuscular_therapy", issued_on=dt.date(2019, 3, 1)),
        ),
    )
    referral = mm.Referral(
        id="ref-501",
        referrer=referrer,
        diagnoses=(disc, sciatica),
        referred_on=dt.date(2026, 1, 5),
        frequency_per_week=2,
        duration_weeks=4,
        visits_authorized=8,
        expires_on=dt.date(2026, 4, 30),
        instructions="Medical massage for lumbar disc herniation with left sciatica. No direct "
        "pressure over L4-S1.",
    )
    # The plan answers the referral: its diagnoses, 2 sessions a week for 4 weeks.
    plan = mm.TreatmentPlan.for_referral(
        referral,
        id="plan-301",
        patient_id=patient.id,
        practitioner_id=therapist.id,
        techniques=(
            mm.PlannedTechnique(
                modality="core.myofascial_release",
                region=mm.BodyRegion.THORACIC_SPINE,
                duration=mm.Duration(15, "min"),
                min_grade=G.HEAVY_LOTIONING,
                max_grade=G.SWEDISH,
            ),
            mm.PlannedTechnique(
                modality="core.trigger_point",
                region=mm.BodyRegion.HIP,
                laterality=mm.Laterality.LEFT,
                duration=mm.Duration(15, "min"),
                min_grade=G.SWEDISH,
                max_grade=G.DEEP,
            ),
            mm.PlannedTechnique(
                modality="core.neuromuscular",
                region=mm.BodyRegion.THIGH,
                laterality=mm.Laterality.LEFT,
                duration=mm.Duration(15, "min"),
                min_grade=G.SWEDISH,
                max_grade=G.DEEP,
            ),
            mm.PlannedTechnique(
                modality="core.swedish",
                region=mm.BodyRegion.LOWER_LEG,
                laterality=mm.Laterality.LEFT,
                duration=mm.Duration(10, "min"),
                min_grade=G.LIGHT_LOTIONING,
                max_grade=G.SWEDISH,
            ),
        ),
        session_length=mm.Duration(60, "min"),
        start_date=dt.date(2026, 1, 12),
        reevaluation_date=dt.date(2026, 2, 6),
        goals=(
            mm.Goal(
                id="g-odi",
                instrument="odi",
                target=20,
                comparator=mm.Comparator.AT_MOST,
                target_date=dt.date(2026, 2, 6),
                description="Sit through a workday with minimal back pain",
            ),
            mm.Goal(
                id="g-nprs",
                instrument="nprs",
                target=3,
                comparator=mm.Comparator.AT_MOST,
                target_date=dt.date(2026, 2, 6),
            ),
        ),
        precautions=(
            "No direct or deep pressure over the lumbar spine (L4-S1).",
            "Nut-oil allergy: use a nut-free lotion.",
        ),
    )

    back, hip, thigh, calf = plan.techniques

    def segments(
        grade_tp: G, fb: mm.PressureFeedback, kgf: float
    ) -> tuple[mm.TechniqueSegment, ...]:
        # Each segment applies a planned technique (its modality, region, side and time);
        # the thigh and calf times are recorded in other units, kept as entered.
        comfortable = mm.PressureFeedback.COMFORTABLE
        return (
            mm.TechniqueSegment.as_planned(back, grade=G.SWEDISH, feedback=comfortable),
            mm.TechniqueSegment.as_planned(
                hip,
                grade=grade_tp,
                pressure=mm.Pressure(kgf, "kgf/cm**2"),
                feedback=fb,
                discomfort=7,
            ),
            mm.TechniqueSegment.as_planned(
                thigh, duration=mm.Duration(0.25, "h"), grade=G.SWEDISH, feedback=comfortable
            ),
            mm.TechniqueSegment.as_planned(
                calf, duration=mm.Duration(600, "s"), grade=G.HEAVY_LOTIONING
            ),
        )

    def odi(*answers: int | None) -> tuple[int | None, ...]:
        return answers

    def ppt(day: str, hour: int, *kgf: float) -> mm.OutcomeMeasure:
        return mm.OutcomeMeasure(
            instrument="ppt",
            taken_at=at(day, hour, 5),
            region=mm.BodyRegion.HIP,
            laterality=mm.Laterality.LEFT,
            measurements=tuple(mm.Pressure(v, "kgf/cm**2") for v in kgf),
        )

    s1 = mm.Session.for_plan(
        plan,
        id="ses-1",
        start=at("2026-01-12", 9),
        segments=segments(G.DEEP, mm.PressureFeedback.TOO_FIRM, 4.5),
        note=mm.SoapNote(
            subjective="Low back pain 7/10 radiating to the left calf; worse sitting.",
            objective="Hypertonic left piriformis and gluteus medius; active trigger points.",
            assessment="Tolerated treatment; trigger-point pressure reduced after feedback.",
            plan="Continue per plan; home stretching for piriformis.",
        ),
        outcomes=(
            mm.OutcomeMeasure(
                instrument="odi",
                taken_at=at("2026-01-12", 9),
                responses=odi(3, 1, 3, 2, 4, 2, 2, None, 2, 3),
            ),
            mm.OutcomeMeasure(instrument="nprs", taken_at=at("2026-01-12", 9), responses=(7,)),
            ppt("2026-01-12", 9, 2.1, 2.3, 2.2),
        ),
        adverse_reactions=(
            mm.AdverseReaction(
                kind=mm.ReactionKind.SORENESS,
                severity=mm.ReactionSeverity.MILD,
                region=mm.BodyRegion.HIP,
                laterality=mm.Laterality.LEFT,
                onset=at("2026-01-12", 18),
                resolved=True,
                note="Sore for one evening; resolved by next morning.",
            ),
        ),
        vitals=mm.VitalSigns(
            systolic=mm.Pressure(132, "mmHg"), diastolic=mm.Pressure(84, "mmHg"), heart_rate=72
        ),
    ).sign("pr-201", at("2026-01-12", 10, 30))
    s2 = mm.Session.for_plan(
        plan,
        id="ses-2",
        start=at("2026-01-15", 9),
        # Pressure reduced after the feedback, below the patient's threshold (~2.1 kgf/cm2).
        segments=segments(G.SWEDISH, mm.PressureFeedback.COMFORTABLE, 1.4),
        note=mm.SoapNote(
            subjective="Pain 5/10; sat through a meeting.",
            objective="Fewer trigger points left gluteals.",
            assessment="Improving.",
            plan="Continue.",
        ),
        outcomes=(
            mm.OutcomeMeasure(instrument="nprs", taken_at=at("2026-01-15", 9), responses=(5,)),
        ),
    ).sign("pr-201", at("2026-01-15", 10, 15))
    s3 = mm.Session.for_plan(
        plan,
        id="ses-3",
        start=at("2026-01-19", 9),
        # Pressure reduced after the feedback, below the patient's threshold (~2.1 kgf/cm2).
        segments=segments(G.SWEDISH, mm.PressureFeedback.COMFORTABLE, 1.4),
        note=mm.SoapNote(
            subjective="Pain 4/10; leg symptoms only after long drives.",
            objective="Straight-leg raise improved.",
            assessment="ODI improved by more than the MCID.",
            plan="Continue.",
        ),
        outcomes=(
            mm.OutcomeMeasure(
                instrument="odi",
                taken_at=at("2026-01-19", 9),
                responses=odi(2, 0, 2, 1, 2, 1, 1, None, 1, 2),
            ),
            mm.OutcomeMeasure(instrument="nprs", taken_at=at("2026-01-19", 9), responses=(4,)),
            ppt("2026-01-19", 9, 3.0, 3.2, 3.1),
        ),
    ).sign("pr-201", at("2026-01-19", 10, 20))
    return mm.Case(patient=patient, plan=plan, sessions=(s1, s2, s3), practitioners=(therapist,))


def postmastectomy_lymphedema() -> mm.Case:
    oncologist = mm.Provider(
        name="Dr. S. Lindqvist", role=mm.ProviderRole.PHYSICIAN, npi="1245319599"
    )
    lymphedema = mm.Diagnosis(
        coding=mm.Coding.icd10cm("I97.2"),
        region=mm.BodyRegion.UPPER_LIMB,
        laterality=mm.Laterality.LEFT,
        onset=dt.date(2025, 8, 4),
        acuity=mm.Acuity.CHRONIC,
        diagnosed_by=oncologist,
        diagnosed_on=dt.date(2025, 9, 2),
    )
    history = mm.Diagnosis(
        coding=mm.Coding.icd10cm("Z85.3"),
        diagnosed_by=oncologist,
        diagnosed_on=dt.date(2025, 9, 2),
    )
    patient = mm.Patient(
        id="pt-2002",
        birth_date=dt.date(1968, 3, 9),
        sex=mm.AdministrativeSex.FEMALE,
        name=mm.HumanName(family="Sample", given=("Helen",)),
        contact=mm.ContactDetails(phone="+1 555 0142"),
        conditions=(
            mm.Condition(
                code=lymphedema.coding,
                onset=lymphedema.onset,
                region=mm.BodyRegion.UPPER_LIMB,
                laterality=mm.Laterality.LEFT,
            ),
            mm.Condition(code=history.coding),
            mm.Condition(code=mm.Coding.icd10cm("Z90.12")),
            mm.Condition(code=mm.Coding.icd10cm("Z92.3")),
            mm.Condition(code=mm.Coding.icd10cm("Z79.811")),
        ),
        medications=(mm.Medication(name="anastrozole", started=dt.date(2025, 1, 6)),),
        surgeries=(
            mm.Surgery(
                procedure="Left modified radical mastectomy with axillary lymph node dissection",
                performed_on=dt.date(2024, 9, 16),
                region=mm.BodyRegion.CHEST,
                laterality=mm.Laterality.LEFT,
                lymph_nodes_removed=True,
                cleared_on=dt.date(2024, 11, 4),
            ),
        ),
        consents=(mm.Consent(scope=mm.ConsentScope.TREATMENT, signed_on=dt.date(2026, 2, 2)),),
    )
    therapist = mm.Practitioner(
        id="pr-305",
        name="R. Mendes, LMT, CLT",
        licenses=(
            mm.License(number="MA60054321", jurisdiction="US-WA", expires_on=dt.date(2027, 9, 30)),
        ),
        certifications=(
            mm.Certification(code="manual_lymphatic_drainage", issued_on=dt.date(2021, 5, 14)),
        ),
    )
    referral = mm.Referral(
        id="ref-602",
        referrer=oncologist,
        diagnoses=(lymphedema, history),
        referred_on=dt.date(2026, 1, 26),
        frequency_per_week=3,
        duration_weeks=4,
        visits_authorized=12,
        expires_on=dt.date(2026, 4, 30),
        instructions="Complete decongestive therapy, manual lymphatic drainage phase, for "
        "stage II lymphoedema of the left arm. No blood pressure cuff on the left arm.",
    )

    def mld(
        region: mm.BodyRegion, minutes: int, side: mm.Laterality | None = None
    ) -> mm.PlannedTechnique:
        return mm.PlannedTechnique(
            modality="core.lymphatic_drainage",
            region=region,
            laterality=side,
            duration=mm.Duration(minutes, "min"),
            min_grade=G.STATIONARY_HOLD,
            max_grade=G.LIGHT_LOTIONING,
        )

    plan = mm.TreatmentPlan.for_referral(
        referral,
        id="plan-402",
        patient_id=patient.id,
        practitioner_id=therapist.id,
        techniques=(
            mld(mm.BodyRegion.NECK, 5),  # clear the terminus first
            mld(mm.BodyRegion.CHEST, 10),  # axillo-axillary pathway to the right axilla
            mld(mm.BodyRegion.UPPER_LIMB, 30, mm.Laterality.LEFT),  # the arm, proximal to distal
        ),
        session_length=mm.Duration(60, "min"),
        start_date=dt.date(2026, 2, 2),
        reevaluation_date=dt.date(2026, 2, 27),
        goals=(
            mm.Goal(
                id="g-quickdash",
                instrument="quickdash",
                target=30,
                comparator=mm.Comparator.AT_MOST,
                target_date=dt.date(2026, 2, 27),
                description="Carry groceries and dress without help",
            ),
            mm.Goal(
                id="g-nprs",
                instrument="nprs",
                target=2,
                comparator=mm.Comparator.AT_MOST,
                target_date=dt.date(2026, 2, 27),
                description="Arm aching no more than 2/10",
            ),
        ),
        precautions=(
            "Left arm and chest at risk for life: no deep pressure, friction, heat or overstretch.",
            "No blood pressure measurement, injection or venepuncture on the left arm.",
        ),
    )

    # Every visit applies the planned sequence as planned, at light pressure.
    segments = tuple(
        mm.TechniqueSegment.as_planned(
            t,
            grade=G.LIGHT_LOTIONING,
            pressure=mm.Pressure(25, "mmHg"),
            feedback=mm.PressureFeedback.COMFORTABLE,
        )
        for t in plan.techniques
    )

    # (date, aching 0-10, QuickDASH item responses or None, subjective, objective)
    visits = (
        ("2026-02-02", 5, (3, 3, 4, 2, 3, 3, 3, 2, 3, 3, 2),
         "Left arm heavy and aching 5/10; sleeves tight by evening.",
         "Pitting oedema of the left forearm and upper arm; skin intact, no redness."),
        ("2026-02-04", 5, None, "Arm felt lighter for a day.", "Pitting reduced at the forearm."),
        ("2026-02-06", 4, None, "Aching 4/10.", "Softer tissue at the elbow."),
        ("2026-02-09", 3, None, "Wearing the compression sleeve all day.", "Less pitting."),
        ("2026-02-11", 3, None, "Aching 3/10; lifted a full kettle.", "Minimal pitting."),
        ("2026-02-13", 2, (2, 2, 3, 2, 2, 2, 2, 1, 2, 2, 2),
         "Aching 2/10; dressing without help.", "Only slight pitting at the wrist."),
    )  # fmt: skip
    sessions = []
    for n, (day, aching, quickdash, subjective, objective) in enumerate(visits, start=1):
        outcomes = [mm.OutcomeMeasure(instrument="nprs", taken_at=at(day, 14), responses=(aching,))]
        if quickdash is not None:
            outcomes.append(
                mm.OutcomeMeasure(instrument="quickdash", taken_at=at(day, 14), responses=quickdash)
            )
        sessions.append(
            mm.Session.for_plan(
                plan,
                id=f"ses-2{n:02d}",
                start=at(day, 14),
                duration=mm.Duration(50, "min"),
                segments=segments,
                note=mm.SoapNote(
                    subjective=subjective,
                    objective=objective,
                    assessment="Tolerated MLD well; no redness or pain after treatment.",
                    plan="Continue MLD; compression sleeve during the day; skin care.",
                ),
                outcomes=tuple(outcomes),
            ).sign(therapist.id, at(day, 15, 5))
        )
    return mm.Case(patient=patient, plan=plan, sessions=tuple(sessions), practitioners=(therapist,))


def acute_dvt_deferred() -> mm.Case:
    surgeon = mm.Provider(name="Dr. K. Haddad", role=mm.ProviderRole.PHYSICIAN, npi="1306849450")
    aftercare = mm.Diagnosis(
        coding=mm.Coding.icd10cm("Z47.1"),
        diagnosed_by=surgeon,
        diagnosed_on=dt.date(2026, 3, 9),
    )
    stiffness = mm.Diagnosis(
        coding=mm.Coding.icd10cm("M25.662"),
        region=mm.BodyRegion.KNEE,
        laterality=mm.Laterality.LEFT,
        onset=dt.date(2026, 2, 23),
        acuity=mm.Acuity.ACUTE,
        diagnosed_by=surgeon,
        diagnosed_on=dt.date(2026, 3, 9),
    )
    knee = mm.Diagnosis(
        coding=mm.Coding.icd10cm("Z96.652"),
        region=mm.BodyRegion.KNEE,
        laterality=mm.Laterality.LEFT,
        diagnosed_by=surgeon,
        diagnosed_on=dt.date(2026, 3, 9),
    )
    patient = mm.Patient(
        id="pt-3003",
        birth_date=dt.date(1957, 8, 21),
        sex=mm.AdministrativeSex.MALE,
        name=mm.HumanName(family="Placeholder", given=("Thomas",)),
        conditions=(
            mm.Condition(
                code=stiffness.coding,
                onset=stiffness.onset,
                region=mm.BodyRegion.KNEE,
                laterality=mm.Laterality.LEFT,
            ),
            mm.Condition(
                code=knee.coding, region=mm.BodyRegion.KNEE, laterality=mm.Laterality.LEFT
            ),
            # Found at the intake visit (calf swelling, warmth, tenderness) and confirmed
            # by duplex ultrasound the same day.
            mm.Condition(
                code=mm.Coding.icd10cm("I82.432"),
                onset=dt.date(2026, 3, 14),
                region=mm.BodyRegion.KNEE,
                laterality=mm.Laterality.LEFT,
            ),
        ),
        medications=(
            mm.Medication(
                name="apixaban",
                classes=frozenset({mm.MedicationClass.ANTICOAGULANT}),
                started=dt.date(2026, 3, 16),
            ),
        ),
        surgeries=(
            mm.Surgery(
                procedure="Left total knee arthroplasty",
                performed_on=dt.date(2026, 2, 23),
                region=mm.BodyRegion.KNEE,
                laterality=mm.Laterality.LEFT,
                cleared_on=dt.date(2026, 3, 9),
            ),
        ),
        consents=(mm.Consent(scope=mm.ConsentScope.TREATMENT, signed_on=dt.date(2026, 3, 16)),),
    )
    therapist = mm.Practitioner(
        id="pr-201",
        name="J. Okafor, LMT",
        licenses=(
            mm.License(number="MA60012345", jurisdiction="US-WA", expires_on=dt.date(2027, 6, 30)),
        ),
    )
    referral = mm.Referral(
        id="ref-703",
        referrer=surgeon,
        diagnoses=(aftercare, stiffness, knee),
        referred_on=dt.date(2026, 3, 9),
        frequency_per_week=2,
        duration_weeks=4,
        visits_authorized=8,
        expires_on=dt.date(2026, 5, 31),
        instructions="Soft-tissue work for quadriceps and hamstring tightness after a left "
        "total knee replacement. Incision healed.",
    )
    left = mm.Laterality.LEFT
    plan = mm.TreatmentPlan.for_referral(
        referral,
        id="plan-503",
        patient_id=patient.id,
        practitioner_id=therapist.id,
        techniques=(
            mm.PlannedTechnique(
                modality="core.myofascial_release",
                region=mm.BodyRegion.THIGH,
                laterality=left,
                duration=mm.Duration(20, "min"),
                min_grade=G.HEAVY_LOTIONING,
                max_grade=G.SWEDISH,
            ),
            mm.PlannedTechnique(
                modality="core.swedish",
                region=mm.BodyRegion.LOWER_LEG,
                laterality=left,
                duration=mm.Duration(15, "min"),
                min_grade=G.LIGHT_LOTIONING,
                max_grade=G.SWEDISH,
            ),
        ),
        session_length=mm.Duration(45, "min"),
        start_date=dt.date(2026, 3, 16),
        goals=(
            mm.Goal(
                id="g-lefs",
                instrument="lefs",
                target=55,
                comparator=mm.Comparator.AT_LEAST,
                target_date=dt.date(2026, 4, 10),
            ),
        ),
        status=mm.PlanStatus.ON_HOLD,
    )
    intake = mm.Session.for_plan(
        plan,
        id="ses-301",
        start=at("2026-03-16", 11),
        duration=mm.Duration(30, "min"),
        status=mm.SessionStatus.CANCELLED,
        note=mm.SoapNote(
            subjective="New pain and swelling of the left calf for two days.",
            objective="Left calf swollen, warm and tender to touch; right calf normal.",
            assessment="Signs of a deep vein thrombosis: not treated. Sent to the orthopaedic "
            "clinic the same day; duplex ultrasound confirmed an acute left popliteal vein "
            "thrombosis and anticoagulation was started.",
            plan="No massage until the physician clears treatment; plan on hold.",
        ),
    ).sign(therapist.id, at("2026-03-16", 11, 40))
    return mm.Case(patient=patient, plan=plan, sessions=(intake,), practitioners=(therapist,))


CASES = {
    "lumbar_disc_herniation": lumbar_disc_herniation,
    "postmastectomy_lymphedema": postmastectomy_lymphedema,
    "acute_dvt_deferred": acute_dvt_deferred,
}


def main() -> None:
    PACKAGE_COPY.mkdir(exist_ok=True)
    for name, build in CASES.items():
        text = mm.to_json(build(), indent=2) + "\n"
        for folder in (HERE, PACKAGE_COPY):
            (folder / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
