"""Screening coverage (issue 11): code regions and sides, evidence levels, the newer rules.

Every code used here is a real code of the CMS ICD-10-CM April 1, 2026 release;
each test names the code's CMS description where the assertion depends on it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

from factories import assess, cond, only, patient, plan, session, sites, tech
from medmassage.anatomy import BodyRegion, Laterality, regions_overlap
from medmassage.codes import Coding
from medmassage.contraindications import (
    EvidenceLevel,
    Finding,
    Policy,
    RuleSet,
)
from medmassage.contraindications import _core as builtin
from medmassage.contraindications._core._base import code_regions, code_side
from medmassage.modalities import PressureGrade
from medmassage.patient import (
    Allergy,
    AllergyCategory,
    Clearance,
    ClinicalStatus,
    Condition,
    DeviceKind,
    ImplantedDevice,
    Medication,
    MedicationClass,
    Patient,
    Pregnancy,
    RiskFlag,
    Surgery,
)
from medmassage.sessions import TechniqueSegment
from medmassage.units import Duration, Pressure

ON = dt.date(2026, 3, 2)
R = BodyRegion
L = Laterality
RULES = RuleSet(builtin.BUILTIN_RULES)


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


# -- thrombosis in every coding; thrombophilia ---------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "O22.33",  # Deep phlebothrombosis in pregnancy, third trimester
        "O87.1",  # Deep phlebothrombosis in the puerperium
        "O22.23",  # Superficial thrombophlebitis in pregnancy, third trimester
        "O87.0",  # Superficial thrombophlebitis in the puerperium
        "O88.213",  # Thromboembolism in pregnancy, third trimester
        "I80.01",  # Phlebitis and thrombophlebitis of superficial vessels of right leg
        "I81",  # Portal vein thrombosis
        "I82.290",  # Acute embolism and thrombosis of other thoracic veins
        "I67.6",  # Nonpyogenic thrombosis of intracranial venous system
    ],
)
def test_thrombosis_in_every_coding_defers(code: str) -> None:
    """Venous thrombosis coded in pregnancy, the puerperium or other sites defers treatment."""
    result = assess(patient(conditions=(cond(code),)))
    (f,) = only(result, "core.acute_dvt")
    assert f.action.value == "defer"
    assert result.status.value == "defer"


@pytest.mark.parametrize("code", ["I82.A21", "I82.C22", "Z86.72", "I82.211"])
def test_chronic_thrombosis_of_other_veins_is_history(code: str) -> None:
    """Chronic axillary / jugular / caval thrombosis and past thrombophlebitis limit pressure."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.dvt_history")
    assert f.max_grade is PressureGrade.HEAVY_LOTIONING
    assert not only(assess(patient(conditions=(cond(code),))), "core.acute_dvt")


@pytest.mark.parametrize("code", ["D68.51", "D68.52", "D68.59", "D68.61", "D68.62", "D68.69"])
def test_thrombophilia_is_a_clotting_not_a_bleeding_risk(code: str) -> None:
    """D68.5- / D68.6- trigger the thrombophilia rule (legs) and not the bleeding rule."""
    result = assess(patient(conditions=(cond(code),)))
    (f,) = only(result, "core.thrombophilia")
    assert sites(f) == {(R.LOWER_LIMB, None)}
    assert f.max_grade is PressureGrade.SWEDISH
    assert not only(result, "core.bleeding_risk")


@pytest.mark.parametrize("code", ["D68.0", "D68.311", "D69.6", "D66"])
def test_bleeding_disorders_stay_with_the_bleeding_rule(code: str) -> None:
    """Von Willebrand (D68.0), acquired inhibitors, thrombocytopenia, haemophilia: bleeding."""
    result = assess(patient(conditions=(cond(code),)))
    assert only(result, "core.bleeding_risk")
    assert not only(result, "core.thrombophilia")


# -- implanted devices ------------------------------------------------------------------------


def _device(
    kind: DeviceKind, region: BodyRegion, side: Laterality | None = None
) -> ImplantedDevice:
    return ImplantedDevice(kind=kind, region=region, laterality=side)


def test_pacemaker_on_the_left_chest_restricts_only_the_left_chest() -> None:
    """A pacemaker recorded on the left chest: no pressure there; the right chest is free."""
    pt = patient(devices=(_device(DeviceKind.PACEMAKER, R.CHEST, L.LEFT),))
    pl = plan(tech("core.swedish", R.CHEST, L.RIGHT), tech("core.swedish", R.CHEST, L.LEFT))
    result = assess(pt, pl)
    (f,) = only(result, "core.implanted_device")
    assert sites(f) == {(R.CHEST, L.LEFT)}
    assert f.max_grade is PressureGrade.LIGHT_LOTIONING
    conflicts = {c.technique for c in result.plan_conflicts if c.rule_id == f.rule_id}
    assert conflicts == {1}


def test_venous_port_segment_over_it_is_a_violation() -> None:
    """Swedish pressure over a right-chest port breaks the finding; the left side does not."""
    pt = patient(devices=(_device(DeviceKind.VENOUS_PORT, R.CHEST, L.RIGHT),))
    seg = TechniqueSegment(
        modality="core.swedish",
        region=R.CHEST,
        laterality=L.RIGHT,
        duration=Duration(5, "min"),
        grade=PressureGrade.SWEDISH,
    )
    other = attrs.evolve(seg, laterality=L.LEFT)
    result = assess(pt, sess=session(seg, other))
    assert [v.segment for v in result.violations if v.rule_id == "core.implanted_device"] == [0]


@pytest.mark.parametrize(
    ("code", "regions"),
    [
        ("Z95.0", {R.CHEST}),  # Presence of cardiac pacemaker
        ("Z95.810", {R.CHEST}),  # Presence of automatic (implantable) cardiac defibrillator
        ("Z45.2", {R.CHEST, R.UPPER_LIMB}),  # vascular access device
        ("Z96.82", set()),  # Presence of neurostimulator: site varies, whole body
    ],
)
def test_coded_devices_without_a_record(code: str, regions: set[BodyRegion]) -> None:
    """A coded device without a device record is placed where such devices are."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.implanted_device")
    assert {s.region for s in f.regions} == regions


def test_joint_replacement_is_information() -> None:
    """A joint replacement is information: the surgeon's movement precautions."""
    pt = patient(devices=(_device(DeviceKind.JOINT_REPLACEMENT, R.HIP, L.RIGHT),))
    (f,) = only(assess(pt), "core.implanted_device")
    assert f.severity.value == "information"


# -- skin -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["B86", "L01.00", "B02.7", "B00.7"])
def test_scabies_impetigo_and_disseminated_herpes_defer(code: str) -> None:
    """Scabies, impetigo, disseminated zoster / herpes: defer until treated."""
    result = assess(patient(conditions=(cond(code),)))
    (f,) = only(result, "core.contagious_skin")
    assert f.action.value == "defer"
    assert not only(result, "core.local_infection")


@pytest.mark.parametrize("code", ["B35.3", "B00.1", "B02.9"])
def test_tinea_and_herpes_lesions_are_local(code: str) -> None:
    """Tinea pedis, herpes labialis, zoster without complication: avoid the area."""
    pt = patient(conditions=(cond(code, R.FOOT, L.LEFT),))
    (f,) = only(assess(pt), "core.contagious_skin")
    assert f.action.value == "avoid_region"
    assert sites(f) == {(R.FOOT, L.LEFT)}


def test_psoriasis_is_a_local_precaution_not_an_infection() -> None:
    """Psoriasis over the elbow: avoid the lesions; without a site, information only."""
    (f,) = only(
        assess(patient(conditions=(cond("L40.0", R.ELBOW, L.RIGHT),))), "core.inflammatory_skin"
    )
    assert f.severity.value == "local"
    assert sites(f) == {(R.ELBOW, L.RIGHT)}
    (g,) = only(assess(patient(conditions=(cond("L20.9"),))), "core.inflammatory_skin")
    assert g.severity.value == "information"
    assert not only(assess(patient(conditions=(cond("L40.0"),))), "core.contagious_skin")


# -- acute injury and inflammation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "where"),
    [
        ("S93.401A", {(R.ANKLE, L.RIGHT), (R.FOOT, L.RIGHT)}),  # Sprain ... right ankle
        ("S83.511A", {(R.KNEE, L.RIGHT)}),  # Sprain of ACL of right knee
        ("S40.011A", {(R.SHOULDER, L.RIGHT), (R.UPPER_ARM, L.RIGHT)}),  # Contusion r shoulder
        ("M10.071", {(R.ANKLE, L.RIGHT), (R.FOOT, L.RIGHT)}),  # Idiopathic gout, right ankle
    ],
)
def test_acute_injury_and_gout_avoid_the_site(
    code: str, where: set[tuple[BodyRegion, Laterality | None]]
) -> None:
    """Sprains, contusions (initial encounter) and gout: not over the site, on its side."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.acute_inflammation")
    assert f.action.value == "avoid_region"
    assert sites(f) == where


def test_healing_and_sequela_injuries() -> None:
    """Subsequent encounter (D): light pressure; sequela (S): no finding."""
    (f,) = only(assess(patient(conditions=(cond("S93.401D"),))), "core.acute_inflammation")
    assert f.max_grade is PressureGrade.HEAVY_LOTIONING
    assert not only(assess(patient(conditions=(cond("S93.401S"),))), "core.acute_inflammation")


def test_rheumatoid_flare_avoids_the_joint_and_rules_out_mfr() -> None:
    """RA in relapse (a flare): avoid the joint, no MFR; active without flare: information."""
    flare = Condition(code=Coding.icd10cm("M06.011"), status=ClinicalStatus.RELAPSE)
    result = assess(patient(conditions=(flare,)), plan(tech("core.myofascial_release")))
    found = only(result, "core.acute_inflammation")
    assert {f.action.value for f in found} == {"avoid_region", "avoid_modality"}
    local = next(f for f in found if f.action.value == "avoid_region")
    assert sites(local) == {(R.SHOULDER, L.RIGHT)}
    (g,) = only(assess(patient(conditions=(cond("M05.711"),))), "core.acute_inflammation")
    assert g.severity.value == "information"


# -- loss of sensation or motor control --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "where"),
    [
        ("I69.351", {(R.UPPER_LIMB, L.RIGHT), (R.LOWER_LIMB, L.RIGHT)}),  # hemiplegia r, stroke
        ("G81.92", {(R.UPPER_LIMB, L.LEFT), (R.LOWER_LIMB, L.LEFT)}),  # hemiplegia left dominant
        ("G82.21", {(R.LOWER_LIMB, None)}),  # Paraplegia, complete
        ("I69.334", {(R.UPPER_LIMB, L.LEFT)}),  # monoplegia upper limb, left non-dominant
    ],
)
def test_paralysis_limits_pressure_on_the_affected_limbs(
    code: str, where: set[tuple[BodyRegion, Laterality | None]]
) -> None:
    """Paralysis: light pressure over the limbs the code names, on its side."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.paralysis")
    assert f.max_grade is PressureGrade.HEAVY_LOTIONING
    assert sites(f) == where


def test_quadriplegia_covers_the_whole_body() -> None:
    """G82.51 (quadriplegia C1-C4 complete): everywhere."""
    (f,) = only(assess(patient(conditions=(cond("G82.51"),))), "core.paralysis")
    assert f.whole_body


# -- medication and flags -------------------------------------------------------------------


def test_corticosteroids_limit_pressure() -> None:
    """An active corticosteroid (or Z79.52) limits pressure to Walton grade 3."""
    pred = Medication(name="prednisolone", classes=frozenset({MedicationClass.CORTICOSTEROID}))
    (f,) = only(assess(patient(medications=(pred,))), "core.corticosteroids")
    assert f.max_grade is PressureGrade.SWEDISH
    assert only(assess(patient(conditions=(cond("Z79.52"),))), "core.corticosteroids")
    stopped = attrs.evolve(pred, active=False)
    assert not only(assess(patient(medications=(stopped,))), "core.corticosteroids")


def test_every_risk_flag_and_medication_class_is_read_by_a_rule() -> None:
    """Each RiskFlag, each MedicationClass but OTHER, and each DeviceKind triggers a rule."""
    triggers = [r.triggers for r in builtin.BUILTIN_RULES if r.triggers is not None]
    flags = set().union(*(t.flags for t in triggers))
    classes = set().union(*(t.medication_classes for t in triggers))
    devices = set().union(*(t.devices for t in triggers))
    assert flags == set(RiskFlag)
    assert classes == set(MedicationClass) - {MedicationClass.OTHER}
    assert devices == set(DeviceKind)


@pytest.mark.parametrize(
    ("flag", "rule_id"),
    [("fall_risk", "core.fall_risk"), ("history_of_abuse", "core.trauma_informed")],
)
def test_fall_risk_and_abuse_flags_are_read(flag: str, rule_id: str) -> None:
    """The fall-risk and history-of-abuse flags each give an information finding."""
    (f,) = only(assess(patient(flags=frozenset({RiskFlag(flag)}))), rule_id)
    assert f.severity.value == "information"


def test_nut_oil_allergy_is_read() -> None:
    """A nut-oil allergy asks for another lubricant; a medication allergy does not."""
    nut = Allergy(category=AllergyCategory.NUT_OIL, substance="sweet almond oil")
    (f,) = only(assess(patient(allergies=(nut,))), "core.contact_allergy")
    assert f.evidence == ("allergy nut_oil",)
    drug = Allergy(category=AllergyCategory.MEDICATION, substance="penicillin")
    assert not only(assess(patient(allergies=(drug,))), "core.contact_allergy")


# -- pregnancy: physician clearance, abdomen and deep work ----------------------------------


def _high_risk(clearance: Clearance | None = None) -> Patient:
    return patient(
        pregnancy=Pregnancy(
            gestational_weeks=24, recorded_on=ON, high_risk=True, clearance=clearance
        ),
        conditions=(cond("O09.893"),),  # Supervision of other high risk pregnancies, 3rd tri
    )


def test_high_risk_pregnancy_defers_without_a_clearance() -> None:
    """Without a recorded clearance, high risk (O09.893) defers treatment."""
    result = assess(_high_risk())
    assert result.status.value == "defer"


def test_recorded_obstetric_clearance_is_honoured() -> None:
    """A clearance in force replaces the deferral; its date is in the evidence."""
    cleared = Clearance(cleared_by="obstetrics, Dr B", cleared_on=ON - dt.timedelta(days=3))
    result = assess(_high_risk(cleared))
    assert result.status.value == "modify"
    risk = [f for f in only(result, "core.pregnancy") if "High-risk" in f.rationale]
    assert [f.severity.value for f in risk] == ["relative"]
    assert any(str(cleared.cleared_on) in e for e in risk[0].evidence)


def test_lapsed_or_future_clearance_still_defers() -> None:
    """A clearance that expired, or was given after the screening date, is not in force."""
    lapsed = Clearance(
        cleared_by="obstetrics",
        cleared_on=ON - dt.timedelta(days=60),
        valid_until=ON - dt.timedelta(days=1),
    )
    future = Clearance(cleared_by="obstetrics", cleared_on=ON + dt.timedelta(days=1))
    for c in (lapsed, future):
        result = assess(_high_risk(c))
        assert result.status.value == "defer"
        (defer,) = [f for f in only(result, "core.pregnancy") if f.action.value == "defer"]
        assert any("not in force" in e for e in defer.evidence)


def test_clearance_round_trips_through_json_and_is_validated() -> None:
    """The pregnancy's clearance survives to_json/from_json; an inverted period is refused."""
    import medmassage.serialization as ser
    from medmassage.exceptions import ValidationError

    pt = _high_risk(
        Clearance(cleared_by="Dr B", cleared_on=ON, valid_until=ON + dt.timedelta(days=28))
    )
    text = ser.to_json(pt)
    back = ser.from_json(Patient, text)
    assert back == pt
    assert back.pregnancy is not None
    assert back.pregnancy.clearance is not None
    assert back.pregnancy.clearance.cleared_by == "Dr B"
    assert back.pregnancy.clearance.valid_until == ON + dt.timedelta(days=28)
    assert '"cleared_on"' in text
    with pytest.raises(ValidationError) as info:
        Clearance(cleared_by="Dr B", cleared_on=ON, valid_until=ON - dt.timedelta(days=1))
    assert "valid_until" in str(info.value)


def test_pregnancy_flags_abdominal_and_deep_work() -> None:
    """Pregnancy limits abdominal pressure; deep tissue work needs the provider's agreement."""
    pt = patient(pregnancy=Pregnancy(gestational_weeks=20, recorded_on=ON))
    result = assess(pt, plan(tech("core.deep_tissue", R.LUMBAR_SPINE)))
    found = only(result, "core.pregnancy")
    abdomen = [f for f in found if sites(f) == {(R.ABDOMEN, None)}]
    assert [f.max_grade for f in abdomen] == [PressureGrade.LIGHT_LOTIONING]
    deep = [f for f in found if f.action.value == "obtain_clearance"]
    assert len(deep) == 1
    assert deep[0].tags == frozenset({"deep_pressure"})
    assert not [
        f for f in only(assess(pt), "core.pregnancy") if f.action.value == "obtain_clearance"
    ]


# -- cancer: Walton's limits, MLD after treatment ---------------------------------------------


@pytest.mark.parametrize("code", ["C79.51", "C40.21", "C41.2", "C90.00"])
def test_bone_involvement_limits_pressure_everywhere(code: str) -> None:
    """Bone metastasis, primary bone cancer (C40 / C41), myeloma (C90.0): grade 2 at most."""
    found = only(assess(patient(conditions=(cond(code),))), "core.bone_metastasis")
    (limit,) = [f for f in found if f.action.value == "limit_pressure"]
    assert limit.whole_body
    assert limit.max_grade is PressureGrade.HEAVY_LOTIONING


def test_cancer_site_unknown_limits_pressure_everywhere() -> None:
    """C18.9 with no site: grade 3 at most over the whole body, and approval first."""
    found = only(assess(patient(conditions=(cond("C18.9"),))), "core.active_cancer")
    (limit,) = [f for f in found if f.action.value == "limit_pressure"]
    assert limit.whole_body
    assert limit.max_grade is PressureGrade.SWEDISH


def _mld_after(pt: Patient) -> tuple[Finding, ...]:
    result = assess(pt, plan(tech("core.lymphatic_drainage", R.UPPER_LIMB, L.LEFT)))
    return tuple(f for f in only(result, "core.active_cancer") if "lymphatic" in f.tags)


def test_mld_with_untreated_cancer_is_absolute() -> None:
    """An active breast cancer (C50.912) with no treatment recorded rules MLD out."""
    (f,) = _mld_after(patient(conditions=(cond("C50.912", R.CHEST, L.LEFT),)))
    assert f.severity.value == "absolute"


@pytest.mark.parametrize("history", ["Z92.3", "Z92.21", "Z90.12"])
def test_mld_after_cancer_treatment_needs_agreement_not_refusal(history: str) -> None:
    """After irradiation, chemotherapy or mastectomy, MLD needs the oncologist's agreement."""
    pt = patient(conditions=(cond("C50.912", R.CHEST, L.LEFT), cond(history)))
    (f,) = _mld_after(pt)
    assert f.severity.value == "relative"
    assert f.action.value == "obtain_clearance"


def test_mld_after_node_dissection_needs_agreement() -> None:
    """Axillary node removal recorded as a surgery counts as treatment."""
    pt = patient(
        conditions=(cond("C50.912", R.CHEST, L.LEFT),),
        surgeries=(_nodes_out(R.CHEST, L.LEFT),),
    )
    (f,) = _mld_after(pt)
    assert f.severity.value == "relative"


# -- a recorded grade that the measured pressure contradicts ---------------------------------


def _segment(grade: PressureGrade, kpa: float | None) -> TechniqueSegment:
    return TechniqueSegment(
        modality="core.swedish",
        region=R.LOWER_LEG,
        laterality=L.RIGHT,
        duration=Duration(5, "min"),
        grade=grade,
        pressure=None if kpa is None else Pressure(kpa, "kPa"),
    )


def test_grade_two_at_441_kpa_is_flagged() -> None:
    """A "grade 2" segment measured at 441 kPa under a grade-2 limit is inconsistent."""
    pt = patient(conditions=(cond("I83.91"),))  # varicose veins, right leg: grade 2 at most
    result = assess(pt, sess=session(_segment(PressureGrade.HEAVY_LOTIONING, 441)))
    (v,) = [v for v in result.violations if v.rule_id == "core.varicose_veins"]
    assert v.kind == "inconsistent"
    assert "441" in v.message
    assert result.status.value == "defer"


def test_grade_and_pressure_that_agree_pass() -> None:
    """Grade 2 at 30 kPa (within the 50 kPa bound), or with no measurement, keeps the limit."""
    pt = patient(conditions=(cond("I83.91"),))
    for kpa in (30.0, None):
        result = assess(pt, sess=session(_segment(PressureGrade.HEAVY_LOTIONING, kpa)))
        assert not [v for v in result.violations if v.rule_id == "core.varicose_veins"]


def test_grade_pressure_bounds_are_a_policy() -> None:
    """A stricter policy bound flags 30 kPa at grade 2; a bad bound is refused by field."""
    from medmassage.exceptions import ValidationError

    strict = Policy(grade_pressure_bounds={PressureGrade.HEAVY_LOTIONING: Pressure(25, "kPa")})
    pt = patient(conditions=(cond("I83.91"),))
    result = assess(pt, sess=session(_segment(PressureGrade.HEAVY_LOTIONING, 30)), policy=strict)
    assert [v.kind for v in result.violations] == ["inconsistent"]
    with pytest.raises(ValidationError) as info:
        Policy(grade_pressure_bounds={2: 25})  # type: ignore[dict-item]
    assert "grade_pressure_bounds" in str(info.value)


# -- the command line shows the evidence level ------------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"


def test_plugins_command_shows_each_rules_evidence_level(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`medmassage plugins` prints each rule's level; `--json` carries it per rule."""
    from medmassage.cli import main

    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "core.acute_dvt" in out
    acute = next(line for line in out.splitlines() if "core.acute_dvt " in line)
    assert acute.endswith("[evidence: textbook]")
    assert main(["plugins", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)["rules"]
    levels = {r["key"]: r["evidence_level"] for r in rules}
    assert levels["core.bleeding_risk"] == "guideline"
    assert len(levels) == len(builtin.BUILTIN_RULES)


def test_screen_command_prints_the_evidence_level_beside_the_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`medmassage screen` prints "(evidence: ...)" after every finding's source."""
    from medmassage.cli import main

    main(["screen", str(EXAMPLE), "--on", "2026-01-12"])
    out = capsys.readouterr().out
    sources = [line for line in out.splitlines() if line.strip().startswith("source:")]
    assert sources
    assert all("(evidence: " in line for line in sources)
    assert any("(evidence: convention)" in line for line in sources)  # the herniated disc


def test_check_flags_a_grade_the_measurement_contradicts_without_any_finding() -> None:
    """`medmassage.checks.check` warns about grade 2 at 441 kPa even with nothing to screen."""
    from medmassage.checks import check

    sess = session(_segment(PressureGrade.HEAVY_LOTIONING, 441))
    codes = [a.code for a in check(sess)]
    assert codes.count("grade_pressure_mismatch") == 1
    fine = session(_segment(PressureGrade.HEAVY_LOTIONING, 30))
    assert "grade_pressure_mismatch" not in [a.code for a in check(fine)]
