"""Build the bundled example case files with the library itself (so they are valid).

Run: python examples/build_examples.py   (rewrites the *.json files beside it)
All people, identifiers and notes are fictional.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import medmassage as mm
from medmassage.modalities import PressureGrade as G

HERE = Path(__file__).parent
TZ = zoneinfo.ZoneInfo("America/Chicago")


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), TZ)


def lumbar_disc_herniation() -> mm.Case:
    referrer = mm.Provider(name="Dr. A. Rivera", role=mm.ProviderRole.PHYSICIAN, npi="1234567893")
    disc = mm.Diagnosis(
        coding=mm.Coding.icd10cm("M51.26", "Other intervertebral disc displacement, lumbar region"),
        region=mm.BodyRegion.LUMBAR_SPINE,
        onset=dt.date(2025, 9, 15),
        acuity=mm.Acuity.CHRONIC,
        diagnosed_by=referrer,
        diagnosed_on=dt.date(2025, 12, 1),
    )
    sciatica = mm.Diagnosis(
        coding=mm.Coding.icd10cm("M54.42", "Lumbago with sciatica, left side"),
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
            mm.Condition(code=mm.Coding.icd10cm("I10", "Essential (primary) hypertension")),
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
    plan = mm.TreatmentPlan(
        id="plan-301",
        patient_id=patient.id,
        practitioner_id=therapist.id,
        diagnoses=(disc, sciatica),
        referral=referral,
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
        sessions_per_week=2,
        duration_weeks=4,
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

    def segments(grade_tp: G, fb: mm.PressureFeedback) -> tuple[mm.TechniqueSegment, ...]:
        return (
            mm.TechniqueSegment(
                modality="core.myofascial_release",
                region=mm.BodyRegion.THORACIC_SPINE,
                duration=mm.Duration(15, "min"),
                grade=G.SWEDISH,
                feedback=mm.PressureFeedback.COMFORTABLE,
            ),
            mm.TechniqueSegment(
                modality="core.trigger_point",
                region=mm.BodyRegion.HIP,
                laterality=mm.Laterality.LEFT,
                duration=mm.Duration(15, "min"),
                grade=grade_tp,
                pressure=mm.Pressure(4.5, "kgf/cm**2"),
                feedback=fb,
                discomfort=7,
            ),
            mm.TechniqueSegment(
                modality="core.neuromuscular",
                region=mm.BodyRegion.THIGH,
                laterality=mm.Laterality.LEFT,
                duration=mm.Duration(0.25, "h"),
                grade=G.SWEDISH,
                feedback=mm.PressureFeedback.COMFORTABLE,
            ),
            mm.TechniqueSegment(
                modality="core.swedish",
                region=mm.BodyRegion.LOWER_LEG,
                laterality=mm.Laterality.LEFT,
                duration=mm.Duration(600, "s"),
                grade=G.HEAVY_LOTIONING,
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

    s1 = mm.Session(
        id="ses-1",
        patient_id=patient.id,
        practitioner_id=therapist.id,
        plan_id=plan.id,
        start=at("2026-01-12", 9),
        duration=mm.Duration(60, "min"),
        segments=segments(G.DEEP, mm.PressureFeedback.TOO_FIRM),
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
    s2 = mm.Session(
        id="ses-2",
        patient_id=patient.id,
        practitioner_id=therapist.id,
        plan_id=plan.id,
        start=at("2026-01-15", 9),
        duration=mm.Duration(60, "min"),
        segments=segments(G.SWEDISH, mm.PressureFeedback.COMFORTABLE),
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
    s3 = mm.Session(
        id="ses-3",
        patient_id=patient.id,
        practitioner_id=therapist.id,
        plan_id=plan.id,
        start=at("2026-01-19", 9),
        duration=mm.Duration(60, "min"),
        segments=segments(G.SWEDISH, mm.PressureFeedback.COMFORTABLE),
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


def main() -> None:
    case = lumbar_disc_herniation()
    (HERE / "lumbar_disc_herniation.json").write_text(mm.to_json(case, indent=2) + "\n")


if __name__ == "__main__":
    main()
