"""Screening's fast paths give exactly what the validated, uncached paths give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from medmassage.anatomy import BodyRegion
from medmassage.codes import Coding
from medmassage.contraindications import Action, Finding, Severity, Site
from medmassage.contraindications._findings import _built_finding
from medmassage.diagnosis import Diagnosis
from medmassage.evidence import EvidenceLevel
from medmassage.exceptions import ValidationError
from medmassage.patient import (
    Allergy,
    AllergyCategory,
    Condition,
    Medication,
    MedicationClass,
    Patient,
)
from medmassage.plans import TreatmentPlan
from medmassage.screening import screen
from medmassage.testing.plugins import example_patient_and_plan, registry_from

ON = dt.date(2026, 1, 15)
CODES = ("I82.401", "L03.90", "S52.501A", "C50.911", "I50.9", "M51.26", "E05.90", "D69.6")


def _busy_patient() -> Patient:
    patient, _ = example_patient_and_plan()
    return attrs.evolve(
        patient,
        conditions=tuple(Condition(code=Coding.icd10cm(c)) for c in CODES),
        medications=(
            Medication(name="a", classes=frozenset({MedicationClass.ANTICOAGULANT})),
            Medication(name="b", classes=frozenset({MedicationClass.CORTICOSTEROID})),
        ),
    )


def test_every_built_in_finding_equals_the_validated_constructors() -> None:
    """Findings of the built-in rules equal Finding(...) built from the same fields."""
    _, plan = example_patient_and_plan()
    result = screen(_busy_patient(), plan, on=ON, registry=registry_from())
    assert len(result.findings) >= len(CODES)
    for f in result.findings:
        assert type(f) is Finding
        assert Finding(**attrs.asdict(f, recurse=False)) == f


def test_fast_finding_builder_converts_and_raises_as_the_constructor() -> None:
    """A BodyRegion site is converted and blank text raises, exactly as Finding does."""
    args: dict[str, Any] = {
        "rule_id": "core.x",
        "severity": Severity.LOCAL,
        "action": Action.AVOID_REGION,
        "rationale": "Avoid the area.",
        "source": "A source",
        "modalities": frozenset(),
        "tags": frozenset(),
        "max_grade": None,
        "evidence": ("e",),
        "evidence_level": EvidenceLevel.TEXTBOOK,
    }
    neck: Any = (BodyRegion.NECK,)  # a region, not a Site: the constructor converts it
    built = _built_finding(regions=neck, **args)
    assert built.regions == (Site(region=BodyRegion.NECK),)
    assert built == Finding(regions=(BodyRegion.NECK,), **args)
    with pytest.raises(ValidationError) as caught:
        _built_finding(regions=(), **{**args, "rationale": "   "})
    assert [p.path for p in caught.value.problems] == ["rationale"]


def test_plan_caches_follow_the_plan_object_not_a_stale_entry() -> None:
    """An evolved plan is screened from its own diagnoses, and repeats give equal results."""
    patient, plan = example_patient_and_plan()
    registry = registry_from()
    first = screen(patient, plan, on=ON, registry=registry).to_dict()
    dvt = attrs.evolve(plan, diagnoses=(Diagnosis(coding=Coding.icd10cm("I82.401")),))
    other = screen(patient, dvt, on=ON, registry=registry)
    assert "core.acute_dvt" in {f.rule_id for f in other.findings}
    assert any("plan.diagnoses[0]" in e for f in other.findings for e in f.evidence)
    assert screen(patient, plan, on=ON, registry=registry).to_dict() == first
    late = screen(patient, plan, on=plan.end_date + dt.timedelta(days=1), registry=registry)
    assert [a.code for a in late.advisories] == ["date_outside_plan"]
    assert screen(patient, plan, on=ON, registry=registry).advisories == ()


def test_contact_allergy_names_only_the_contact_categories() -> None:
    """Latex and nut oil are named, sorted; a medication allergy is not; none: no finding."""
    patient, plan = example_patient_and_plan()
    allergic = attrs.evolve(
        patient,
        allergies=(
            Allergy(category=AllergyCategory.MEDICATION, substance="penicillin"),
            Allergy(category=AllergyCategory.NUT_OIL, substance="almond"),
            Allergy(category=AllergyCategory.LATEX, substance="latex"),
        ),
    )
    registry = registry_from()
    found = screen(allergic, plan, on=ON, registry=registry).for_rule("core.contact_allergy")
    assert [f.evidence for f in found] == [("allergy latex", "allergy nut_oil")]
    assert screen(patient, plan, on=ON, registry=registry).for_rule("core.contact_allergy") == ()


def test_condition_from_a_diagnosis_still_checks_its_side() -> None:
    """A plan diagnosis becomes a condition with the same code, region and side."""
    patient, plan = example_patient_and_plan()
    assert isinstance(plan, TreatmentPlan)
    result = screen(patient, plan, on=ON, registry=registry_from())
    (finding,) = result.for_rule("core.herniated_disc")
    assert finding.evidence == ("ICD-10-CM M51.26 (patient.conditions[0], plan.diagnoses[0])",)
