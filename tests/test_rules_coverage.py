"""Screening coverage (issue 11): code regions and sides, evidence levels, the newer rules.

Every code used here is a real code of the CMS ICD-10-CM April 1, 2026 release;
each test names the code's CMS description where the assertion depends on it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from medmassage.anatomy import BodyRegion, Laterality, regions_overlap
from medmassage.codes import Coding
from medmassage.contraindications import (
    Assessment,
    EvidenceLevel,
    Finding,
    Policy,
    RuleSet,
    ScreeningContext,
)
from medmassage.contraindications import _core as builtin
from medmassage.contraindications._core._base import code_regions, code_side
from medmassage.diagnosis import Diagnosis
from medmassage.modalities import BUILTIN_MODALITIES
from medmassage.patient import (
    AdministrativeSex,
    Condition,
    Patient,
    Surgery,
)
from medmassage.plans import PlannedTechnique, TreatmentPlan
from medmassage.sessions import Session, TechniqueSegment
from medmassage.units import Duration

ON = dt.date(2026, 3, 2)
R = BodyRegion
L = Laterality
RULES = RuleSet(builtin.BUILTIN_RULES)


def cond(code: str, region: BodyRegion | None = None, side: Laterality | None = None) -> Condition:
    return Condition(code=Coding.icd10cm(code), region=region, laterality=side)


def patient(**kw: Any) -> Patient:
    kw.setdefault("sex", AdministrativeSex.FEMALE)
    return Patient(id="p-1", birth_date=dt.date(1970, 6, 1), **kw)


def tech(
    modality: str = "core.swedish",
    region: BodyRegion = R.THORACIC_SPINE,
    side: Laterality | None = None,
) -> PlannedTechnique:
    modality_def = BUILTIN_MODALITIES[modality]
    return PlannedTechnique(
        modality=modality,
        region=region,
        laterality=side,
        duration=Duration(20, "min"),
        min_grade=modality_def.min_grade,
        max_grade=modality_def.max_grade,
    )


def plan(*techniques: PlannedTechnique) -> TreatmentPlan:
    return TreatmentPlan(
        id="plan-1",
        patient_id="p-1",
        practitioner_id="pr-1",
        diagnoses=(Diagnosis(coding=Coding.icd10cm("M54.50")),),
        techniques=techniques or (tech(),),
        session_length=Duration(60, "min"),
        sessions_per_week=2,
        duration_weeks=6,
        start_date=dt.date(2026, 2, 2),
    )


def session(*segments: TechniqueSegment) -> Session:
    return Session(
        id="s-1",
        patient_id="p-1",
        practitioner_id="pr-1",
        start=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        duration=Duration(60, "min"),
        segments=segments,
    )


def assess(
    pt: Patient,
    pl: TreatmentPlan | None = None,
    *,
    sess: Session | None = None,
    policy: Policy | None = None,
    on: dt.date = ON,
) -> Assessment:
    ctx = ScreeningContext(
        patient=pt,
        plan=pl or plan(),
        session=sess,
        on=on,
        modalities=BUILTIN_MODALITIES,
        policy=policy or Policy(),
    )
    result = RULES.assess(ctx, strict=True)
    assert not result.failures
    return result


def only(result: Assessment, rule_id: str) -> tuple[Finding, ...]:
    return result.for_rule(rule_id)


def sites(f: Finding) -> set[tuple[BodyRegion, Laterality | None]]:
    return {(s.region, s.laterality) for s in f.regions}


# -- regions and sides from the code -----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "regions"),
    [
        ("I77.71", {R.NECK}),  # Dissection of carotid artery
        ("I77.72", {R.ABDOMEN, R.PELVIS}),  # Dissection of iliac artery
        ("I77.73", {R.ABDOMEN, R.LUMBAR_SPINE}),  # Dissection of renal artery
        ("I77.74", {R.NECK}),  # Dissection of vertebral artery
        ("I77.76", {R.UPPER_LIMB}),  # Dissection of artery of upper extremity
        ("I77.77", {R.LOWER_LIMB}),  # Dissection of artery of lower extremity
        ("I72.3", {R.ABDOMEN, R.PELVIS}),  # Aneurysm of iliac artery
        ("I72.6", {R.NECK}),  # Aneurysm of vertebral artery
        ("I71.02", {R.ABDOMEN}),  # Dissection of abdominal aorta
        ("I71.012", {R.CHEST}),  # Dissection of descending thoracic aorta
        ("I25.3", {R.CHEST}),  # Aneurysm of heart
    ],
)
def test_arterial_dissection_and_aneurysm_sites_follow_the_artery(
    code: str, regions: set[BodyRegion]
) -> None:
    """Each I77.7x / I72 / I71 code is placed where its artery is, not all on the neck."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.aneurysm")
    assert {s.region for s in f.regions} == regions


@pytest.mark.parametrize("code", ["I77.70", "I77.79", "I72.9"])
def test_dissection_of_unstated_artery_covers_the_whole_body(code: str) -> None:
    """An artery the code does not name (I77.70, I77.79, I72.9) is everywhere, not the neck."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.aneurysm")
    assert f.whole_body


def test_iliac_dissection_does_not_restrict_the_neck() -> None:
    """I77.72 (iliac artery) leaves neck work alone and restricts abdominal work."""
    (f,) = only(assess(patient(conditions=(cond("I77.72"),))), "core.aneurysm")
    assert not f.applies_to(R.NECK, None)
    assert f.applies_to(R.ABDOMEN, None)


@pytest.mark.parametrize(
    ("code", "side"),
    [
        ("I83.91", L.RIGHT),  # Asymptomatic varicose veins of right lower extremity
        ("I83.92", L.LEFT),  # ... of left lower extremity
        ("I83.93", L.BILATERAL),  # ... of bilateral lower extremities
        ("I83.90", None),  # ... of unspecified lower extremity
        ("S52.521A", L.RIGHT),  # Torus fracture of lower end of right radius
        ("I82.402", L.LEFT),  # Acute embolism and thrombosis ... of left lower extremity
        ("I82.401", L.RIGHT),  # ... of right lower extremity
        ("I50.810", None),  # Right heart failure: not a limb, but says no side of the body
    ],
)
def test_side_is_read_from_the_cms_description(code: str, side: Laterality | None) -> None:
    """`code_side` reads right / left / bilateral from the code's CMS description."""
    if code == "I50.810":
        assert code_regions(code) == ()  # no region, so its "right" is never applied
    else:
        assert code_side(code) is side


def test_one_leg_is_flagged_when_the_code_names_it() -> None:
    """I83.91 (right leg) restricts the right leg only: the left leg stays clear."""
    (f,) = only(assess(patient(conditions=(cond("I83.91"),))), "core.varicose_veins")
    assert sites(f) == {(R.LOWER_LIMB, L.RIGHT)}
    assert f.applies_to(R.KNEE, L.RIGHT)
    assert not f.applies_to(R.KNEE, L.LEFT)


def test_fracture_side_from_code() -> None:
    """S52.521A (right radius) restricts the right forearm, not the left."""
    (f,) = only(assess(patient(conditions=(cond("S52.521A"),))), "core.recent_fracture")
    assert sites(f) == {(R.FOREARM, L.RIGHT)}
    assert not f.applies_to(R.FOREARM, L.LEFT)


def test_recorded_side_wins_over_the_code() -> None:
    """A side recorded on the condition is kept even when the code states another."""
    (f,) = only(
        assess(patient(conditions=(cond("I83.91", R.LOWER_LEG, L.LEFT),))), "core.varicose_veins"
    )
    assert sites(f) == {(R.LOWER_LEG, L.LEFT)}


def _nodes_out(region: BodyRegion, side: Laterality | None = None) -> Surgery:
    return Surgery(
        procedure="lymph node dissection",
        performed_on=ON - dt.timedelta(days=400),
        region=region,
        laterality=side,
        lymph_nodes_removed=True,
    )


def test_neck_dissection_puts_the_head_and_neck_at_risk_not_the_arm() -> None:
    """Cervical node dissection drains the head and neck: no arm or chest restriction."""
    (f,) = only(assess(patient(surgeries=(_nodes_out(R.NECK),))), "core.lymphedema")
    assert {s.region for s in f.regions} == {R.HEAD, R.NECK}
    assert not f.applies_to(R.UPPER_ARM, L.LEFT)
    assert not f.applies_to(R.CHEST, None)


def test_axillary_dissection_puts_that_arm_and_that_side_of_the_chest_at_risk() -> None:
    """Left axillary surgery: the left arm and left chest, not the right ones."""
    (f,) = only(assess(patient(surgeries=(_nodes_out(R.CHEST, L.LEFT),))), "core.lymphedema")
    assert sites(f) == {(R.UPPER_LIMB, L.LEFT), (R.CHEST, L.LEFT)}
    assert f.applies_to(R.CHEST, L.LEFT)
    assert not f.applies_to(R.CHEST, L.RIGHT)
    assert not f.applies_to(R.FOREARM, L.RIGHT)


def test_chest_sides_are_expressible() -> None:
    """The chest keeps a side when one is given; without one it overlaps both."""
    assert R.CHEST.sided
    assert not R.CHEST.paired
    assert not regions_overlap(R.CHEST, L.LEFT, R.CHEST, L.RIGHT)
    assert regions_overlap(R.CHEST, L.LEFT, R.CHEST, None)
    assert regions_overlap(R.CHEST, None, R.CHEST, L.RIGHT)
    assert not R.NECK.sided


# -- evidence levels ---------------------------------------------------------------------


@pytest.mark.parametrize("rule", builtin.BUILTIN_RULES, ids=lambda r: r.id)
def test_every_builtin_rule_states_its_evidence_level(rule: builtin.CoreRule) -> None:
    """Each rule has an `EvidenceLevel`, and says it (with a reason) in its docstring."""
    assert isinstance(rule.evidence_level, EvidenceLevel)
    doc = " ".join((type(rule).__doc__ or "").split())
    assert f"Evidence level: {rule.evidence_level.value}:" in doc


def test_findings_carry_their_rule_evidence_level_and_round_trip() -> None:
    """A finding carries its rule's evidence level, in `to_dict` too."""
    (f,) = only(assess(patient(conditions=(cond("D69.6"),))), "core.bleeding_risk")
    assert f.evidence_level is EvidenceLevel.GUIDELINE
    assert json.loads(json.dumps(f.to_dict()))["evidence_level"] == "guideline"
