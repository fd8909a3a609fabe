"""Each built-in contraindication rule, positive and negative.

Sources of the clinical content are cited in each rule's docstring
(src/medmassage/contraindications/_core/); these tests check the behaviour the
docstrings promise.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import sys
from types import ModuleType
from typing import Any

import pytest

from factories import assess, cond, only, patient, plan, session, sites, tech
from medmassage.anatomy import BodyRegion, Laterality
from medmassage.codes import CodeSet
from medmassage.contraindications import (
    Action,
    Policy,
    RuleSet,
    ScreeningStatus,
    Severity,
)
from medmassage.contraindications import _core as builtin
from medmassage.contraindications._core import _base
from medmassage.modalities import PressureGrade
from medmassage.patient import (
    ClinicalStatus,
    Condition,
    Medication,
    MedicationClass,
    Patient,
    Pregnancy,
    RiskFlag,
    Surgery,
)
from medmassage.plugins import PLUGIN_API_VERSION
from medmassage.practitioners import Certification, Practitioner
from medmassage.sessions import VitalSigns
from medmassage.units import Duration, Pressure, Temperature

ON = dt.date(2026, 3, 2)
R = BodyRegion
RULES = RuleSet(builtin.BUILTIN_RULES)


# -- the rule catalogue ------------------------------------------------------------------


def test_catalogue_covers_the_issue() -> None:
    """The built-in catalogue has every rule the issue asks for."""
    ids = {r.id for r in builtin.BUILTIN_RULES}
    assert ids == {
        "core.acute_dvt",
        "core.dvt_history",
        "core.fever",
        "core.local_infection",
        "core.open_wound",
        "core.recent_surgery",
        "core.recent_fracture",
        "core.bleeding_risk",
        "core.osteoporosis",
        "core.bone_metastasis",
        "core.active_cancer",
        "core.radiation_site",
        "core.heart_failure",
        "core.kidney_failure",
        "core.hypertension",
        "core.varicose_veins",
        "core.pregnancy",
        "core.neuropathy",
        "core.herniated_disc",
        "core.aneurysm",
        "core.lymphedema",
        "core.neck_vessels_thyroid",
        "core.certification",
        # issue 11: coverage of every fact the models collect
        "core.thrombophilia",
        "core.implanted_device",
        "core.contagious_skin",
        "core.inflammatory_skin",
        "core.acute_inflammation",
        "core.paralysis",
        "core.corticosteroids",
        "core.pain_feedback",
        "core.fall_risk",
        "core.trauma_informed",
        "core.contact_allergy",
    }


@pytest.mark.parametrize("rule", builtin.BUILTIN_RULES, ids=lambda r: r.id)
def test_every_rule_cites_its_source(rule: builtin.CoreRule) -> None:
    """Every built-in rule is in the core namespace and cites its source."""
    assert rule.id.startswith("core.")
    assert rule.api_version == PLUGIN_API_VERSION
    assert rule.source.strip()
    doc = type(rule).__doc__ or ""
    assert "Source:" in doc or "Source" in doc


def _core_modules() -> list[ModuleType]:
    """The modules of the built-in rules (``vascular``, ``oncology`` ... and ``_base``)."""
    return [
        importlib.import_module(f"{builtin.__name__}.{info.name}")
        for info in pkgutil.iter_modules(builtin.__path__)
    ]


@pytest.mark.parametrize("rule", builtin.BUILTIN_RULES, ids=lambda r: r.id)
def test_each_rule_is_whole_in_the_module_of_its_class(rule: builtin.CoreRule) -> None:
    """A rule's metadata sits beside its class: the module that defines the class also
    binds the one instance, named after the id (``core.acute_dvt``: ``ACUTE_DVT``), and
    the code set it is triggered by, so a rule is read in one place."""
    module = sys.modules[type(rule).__module__]
    assert module.__name__.startswith(f"{builtin.__name__}."), module.__name__
    assert module is not _base
    assert getattr(module, rule.id.removeprefix("core.").upper(), None) is rule
    codes = rule.triggers.icd10cm if rule.triggers is not None else None
    homes = [m for m in _core_modules() if any(v is codes for v in vars(m).values())]
    assert homes in ([], [module])


def test_the_catalogue_collects_every_rule_defined_once_in_id_order() -> None:
    """The catalogue holds every defined rule once, in id order."""
    defined = [
        v for m in _core_modules() for v in vars(m).values() if isinstance(v, builtin.CoreRule)
    ]
    assert len({id(r) for r in defined}) == len(defined) == len(builtin.BUILTIN_RULES)
    assert {id(r) for r in defined} == {id(r) for r in builtin.BUILTIN_RULES}
    ids = [r.id for r in builtin.BUILTIN_RULES]
    assert ids == sorted(ids)


def _code_sets() -> list[tuple[str, CodeSet]]:
    found = [
        (f"{m.__name__.rpartition('.')[2]}.{name}", v)
        for m in _core_modules()
        for name, v in vars(m).items()
        if isinstance(v, CodeSet)
    ]
    found.extend(
        (f"{r.id} triggers", r.triggers.icd10cm)
        for r in builtin.BUILTIN_RULES
        if r.triggers is not None and r.triggers.icd10cm is not None
    )
    return found


@pytest.mark.parametrize(
    ("name", "codes"), _code_sets(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_code_named_exists_in_the_cms_release(name: str, codes: CodeSet) -> None:
    """Every code, prefix and range end in the rules is in the CMS April 2026 tabular
    (bundled in simple-icd-10-cm 1.5.0)."""
    from medmassage.codes import is_icd10cm_code

    for pattern in codes.patterns:
        for end in pattern.split("-"):
            assert is_icd10cm_code(end), (name, end)


# -- systemic ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["I82.401", "I82.4Z1", "I80.10", "I26.99", "I82.A11"])
def test_acute_dvt_defers(code: str) -> None:
    """An acute DVT is an absolute finding that defers treatment."""
    result = assess(patient(conditions=(cond(code),)))
    (f,) = only(result, "core.acute_dvt")
    assert f.severity is Severity.ABSOLUTE
    assert f.action is Action.DEFER
    assert result.status is ScreeningStatus.DEFER
    assert f.evidence == (f"ICD-10-CM {code} (patient.conditions[0])",)


@pytest.mark.parametrize(
    "c",
    [
        cond("I82.501"),  # chronic DVT: history rule, not the acute one
        cond("I82.401", status=ClinicalStatus.RESOLVED),
        cond("I83.90"),
    ],
)
def test_acute_dvt_negative(c: Condition) -> None:
    """A resolved or unrelated condition raises no acute DVT finding."""
    assert not only(assess(patient(conditions=(c,))), "core.acute_dvt")


def test_dvt_history_limits_leg_pressure() -> None:
    """A DVT history limits pressure on the leg."""
    result = assess(patient(conditions=(cond("Z86.718"),)))
    (f,) = only(result, "core.dvt_history")
    assert f.severity is Severity.RELATIVE
    assert f.max_grade is PressureGrade.HEAVY_LOTIONING
    # A history code names no limb: the site is unknown, so all four limbs.
    assert sites(f) == {(R.LOWER_LIMB, None), (R.UPPER_LIMB, None)}
    assert result.status is ScreeningStatus.MODIFY
    assert not only(assess(patient(conditions=(cond("Z86.19"),))), "core.dvt_history")


def test_chronic_upper_limb_thrombosis_protects_the_arm() -> None:
    """A chronic upper-limb thrombosis protects the arm on its side."""
    (f,) = only(assess(patient(conditions=(cond("I82.721"),))), "core.dvt_history")
    # I82.721 "... deep veins of right upper extremity": the right arm.
    assert sites(f) == {(R.UPPER_LIMB, Laterality.RIGHT)}


@pytest.mark.parametrize("code", ["R50.9", "A41.9", "J10.1", "U07.1", "J06.9"])
def test_fever_codes_defer(code: str) -> None:
    """Fever codes are absolute and defer treatment."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.fever")
    assert f.severity is Severity.ABSOLUTE


def test_fever_from_vitals_in_any_scale() -> None:
    """100.4 degF is 38.0 degC, the default threshold; 99.5 degF (37.5 degC) is not."""
    hot = session(vitals=VitalSigns(temperature=Temperature(100.4, "degF")))
    assert only(assess(patient(), sess=hot), "core.fever")
    warm = session(vitals=VitalSigns(temperature=Temperature(99.5, "degF")))
    assert not only(assess(patient(), sess=warm), "core.fever")
    stricter = Policy(fever=Temperature(37.5, "degC"))
    assert only(assess(patient(), sess=warm, policy=stricter), "core.fever")


def test_fever_negative() -> None:
    """A headache code raises no fever finding."""
    assert not only(assess(patient(conditions=(cond("R51.9"),))), "core.fever")


# -- local -------------------------------------------------------------------------------


def test_cellulitis_is_local_and_absolute_for_lymphatic_drainage() -> None:
    """Cellulitis is local over its site and absolute for lymphatic drainage."""
    c = cond("L03.116", R.LOWER_LEG, Laterality.LEFT)
    swedish = assess(patient(conditions=(c,)))
    (f,) = only(swedish, "core.local_infection")
    assert f.severity is Severity.LOCAL
    assert sites(f) == {(R.LOWER_LEG, Laterality.LEFT)}
    mld = assess(patient(conditions=(c,)), plan(tech("core.lymphatic_drainage", R.ABDOMEN)))
    severities = {x.severity for x in only(mld, "core.local_infection")}
    assert severities == {Severity.LOCAL, Severity.ABSOLUTE}
    # The absolute finding is scoped to lymphatic drainage: it defers that technique,
    # and the plan as a whole must change (modify), not wait.
    assert mld.status is ScreeningStatus.MODIFY
    assert [t.status for t in mld.techniques] == [ScreeningStatus.DEFER]


def test_local_infection_negative() -> None:
    """A non-infectious skin code raises no local infection finding."""
    assert not only(assess(patient(conditions=(cond("L40.0"),))), "core.local_infection")


def test_open_wound_region_from_code_when_not_recorded() -> None:
    """An open wound takes its region from the code when none is recorded."""
    (f,) = only(assess(patient(conditions=(cond("S81.811A"),))), "core.open_wound")
    assert f.severity is Severity.LOCAL
    assert f.max_grade is None
    # S81.811A "Laceration without foreign body, right lower leg": the code states the side.
    assert sites(f) == {(R.KNEE, Laterality.RIGHT), (R.LOWER_LEG, Laterality.RIGHT)}


def test_burn_and_fragile_skin() -> None:
    """A burn avoids the region and fragile skin limits pressure."""
    result = assess(
        patient(conditions=(cond("T22.211A", R.FOREARM, Laterality.RIGHT),),
                flags=frozenset({RiskFlag.FRAGILE_SKIN}))
    )  # fmt: skip
    found = {(f.severity, f.action) for f in only(result, "core.open_wound")}
    assert found == {
        (Severity.LOCAL, Action.AVOID_REGION),
        (Severity.RELATIVE, Action.LIMIT_PRESSURE),
    }


def test_open_wound_negative() -> None:
    """A superficial injury code raises no open wound finding."""
    assert not only(assess(patient(conditions=(cond("S80.01XA"),))), "core.open_wound")


def _surgery(days_ago: int, cleared: int | None = None, **kw: Any) -> Surgery:
    done = ON - dt.timedelta(days=days_ago)
    kw.setdefault("region", R.KNEE)
    kw.setdefault("laterality", Laterality.RIGHT)
    return Surgery(
        procedure="arthroscopy",
        performed_on=done,
        cleared_on=None if cleared is None else done + dt.timedelta(days=cleared),
        **kw,
    )


def test_recent_surgery_windows() -> None:
    """Recent surgery is local within its window after the operation."""
    (f,) = only(assess(patient(surgeries=(_surgery(5),))), "core.recent_surgery")
    assert f.severity is Severity.LOCAL
    assert f.max_grade is None
    assert sites(f) == {(R.KNEE, Laterality.RIGHT)}
    (g,) = only(assess(patient(surgeries=(_surgery(30),))), "core.recent_surgery")
    assert g.severity is Severity.RELATIVE
    assert g.max_grade is PressureGrade.HEAVY_LOTIONING
    assert not only(assess(patient(surgeries=(_surgery(120),))), "core.recent_surgery")


def test_recent_surgery_cleared_by_surgeon() -> None:
    """A surgeon's clearance ends the recent surgery finding from its date."""
    assert not only(assess(patient(surgeries=(_surgery(10, cleared=7),))), "core.recent_surgery")
    # clearance dated after the screening day does not count yet
    assert only(assess(patient(surgeries=(_surgery(10, cleared=20),))), "core.recent_surgery")


def test_recent_surgery_window_is_policy() -> None:
    """The recent surgery window can be changed by policy."""
    policy = Policy(surgery_no_contact=Duration(3, "day"))
    (f,) = only(assess(patient(surgeries=(_surgery(5),)), policy=policy), "core.recent_surgery")
    assert f.severity is Severity.RELATIVE


def test_recent_fracture() -> None:
    """A recent fracture is local over its site and side."""
    (f,) = only(assess(patient(conditions=(cond("S52.501A"),))), "core.recent_fracture")
    assert f.severity is Severity.LOCAL
    # S52.501A "Unspecified fracture of the lower end of right radius": the right forearm.
    assert sites(f) == {(R.FOREARM, Laterality.RIGHT)}
    assert only(assess(patient(conditions=(cond("M84.375A"),))), "core.recent_fracture")


def test_fracture_sequela_is_not_recent() -> None:
    """A fracture sequela or a dislocation raises no recent fracture finding."""
    assert not only(assess(patient(conditions=(cond("S52.501S"),))), "core.recent_fracture")
    assert not only(assess(patient(conditions=(cond("S53.401A"),))), "core.recent_fracture")


# -- pressure ------------------------------------------------------------------------------


def test_anticoagulant_medication() -> None:
    """An anticoagulant limits pressure to the Swedish grade."""
    warfarin = Medication(name="warfarin", classes=frozenset({MedicationClass.ANTICOAGULANT}))
    (f,) = only(assess(patient(medications=(warfarin,))), "core.bleeding_risk")
    assert f.severity is Severity.RELATIVE
    assert f.max_grade is PressureGrade.SWEDISH
    assert f.evidence == ("medication class anticoagulant",)


def test_bleeding_codes_and_flag() -> None:
    """Bleeding-risk codes and the flag give a finding citing each origin."""
    result = assess(
        patient(conditions=(cond("D69.6"), cond("Z79.01")),
                flags=frozenset({RiskFlag.BLEEDING_TENDENCY}))
    )  # fmt: skip
    (f,) = only(result, "core.bleeding_risk")
    assert set(f.evidence) == {
        "ICD-10-CM D69.6 (patient.conditions[0])",
        "ICD-10-CM Z79.01 (patient.conditions[1])",
        "risk flag bleeding_tendency",
    }


def test_bleeding_negative() -> None:
    """A stopped anticoagulant or an NSAID raises no bleeding-risk finding."""
    stopped = Medication(
        name="warfarin", classes=frozenset({MedicationClass.ANTICOAGULANT}), active=False
    )
    nsaid = Medication(name="ibuprofen", classes=frozenset({MedicationClass.NSAID}))
    assert not only(assess(patient(medications=(stopped, nsaid))), "core.bleeding_risk")


def test_osteoporosis() -> None:
    """Osteoporosis is a relative whole-body finding."""
    (f,) = only(assess(patient(conditions=(cond("M81.0"),))), "core.osteoporosis")
    assert f.severity is Severity.RELATIVE
    assert f.whole_body
    assert not only(assess(patient(conditions=(cond("M85.80"),))), "core.osteoporosis")


def test_bone_metastasis_with_and_without_site() -> None:
    """Bone metastasis is local at its site when known and relative otherwise."""
    with_site = only(
        assess(patient(conditions=(cond("C79.51", R.THORACIC_SPINE),))), "core.bone_metastasis"
    )
    assert {f.severity for f in with_site} == {Severity.LOCAL, Severity.RELATIVE}
    without = only(assess(patient(conditions=(cond("C79.51"),))), "core.bone_metastasis")
    assert [f.severity for f in without] == [Severity.RELATIVE]
    assert not only(assess(patient(conditions=(cond("C79.31"),))), "core.bone_metastasis")


def test_active_cancer_site_clearance_and_mld() -> None:
    """Active cancer is local at its site, needs clearance and limits lymphatic drainage."""
    (f,) = only(assess(patient(conditions=(cond("C50.911", R.CHEST),))), "core.active_cancer")
    assert f.severity is Severity.LOCAL
    assert f.max_grade is PressureGrade.SWEDISH
    # No site recorded: the tumour-site limit everywhere (Walton), and approval first.
    found = only(assess(patient(conditions=(cond("C18.9"),))), "core.active_cancer")
    assert {g.action for g in found} == {Action.OBTAIN_CLEARANCE, Action.LIMIT_PRESSURE}
    assert [g.max_grade for g in found if g.action is Action.LIMIT_PRESSURE] == [
        PressureGrade.SWEDISH
    ]
    mld = assess(
        patient(conditions=(cond("C18.9"),)), plan(tech("core.lymphatic_drainage", R.ABDOMEN))
    )
    assert any(x.severity is Severity.ABSOLUTE for x in only(mld, "core.active_cancer"))


def test_cancer_in_remission_and_chemotherapy() -> None:
    """Cancer in remission raises no finding; chemotherapy needs clearance."""
    remission = cond("C50.911", R.CHEST, status=ClinicalStatus.REMISSION)
    assert not only(assess(patient(conditions=(remission,))), "core.active_cancer")
    chemo = Medication(name="capecitabine", classes=frozenset({MedicationClass.CHEMOTHERAPY}))
    (f,) = only(assess(patient(medications=(chemo,))), "core.active_cancer")
    assert f.action is Action.OBTAIN_CLEARANCE


def test_radiation_site() -> None:
    """A radiation site is local and a past course is information."""
    (f,) = only(assess(patient(conditions=(cond("L58.0", R.CHEST),))), "core.radiation_site")
    assert f.severity is Severity.LOCAL
    (g,) = only(assess(patient(conditions=(cond("Z92.3", R.CHEST),))), "core.radiation_site")
    assert g.severity is Severity.INFORMATION
    assert not only(assess(patient(conditions=(cond("L57.0"),))), "core.radiation_site")


# -- lymphatic drainage -----------------------------------------------------------------------


def test_decompensated_heart_failure_blocks_mld() -> None:
    """Decompensated heart failure is absolute for lymphatic drainage."""
    mld = plan(tech("core.lymphatic_drainage", R.ABDOMEN))
    (f,) = only(assess(patient(conditions=(cond("I50.23"),)), mld), "core.heart_failure")
    assert f.severity is Severity.ABSOLUTE
    assert f.tags == frozenset({"lymphatic"})
    (g,) = only(assess(patient(conditions=(cond("I50.22"),)), mld), "core.heart_failure")
    assert g.severity is Severity.RELATIVE
    assert g.action is Action.OBTAIN_CLEARANCE
    (h,) = only(assess(patient(conditions=(cond("I50.23"),))), "core.heart_failure")
    assert h.severity is Severity.INFORMATION


def test_mld_scoped_finding_defers_only_the_mld_technique() -> None:
    """Acute heart failure rules out MLD; the Swedish work on the back goes ahead."""
    mixed = plan(tech("core.lymphatic_drainage", R.ABDOMEN), tech("core.swedish"))
    result = assess(patient(conditions=(cond("I50.23"),)), mixed)
    assert result.status is ScreeningStatus.MODIFY
    by_modality = {t.modality: t for t in result.techniques}
    assert by_modality["core.lymphatic_drainage"].status is ScreeningStatus.DEFER
    assert "core.heart_failure" in by_modality["core.lymphatic_drainage"].rule_ids
    assert by_modality["core.swedish"].status is ScreeningStatus.CLEAR
    assert by_modality["core.swedish"].rule_ids == ()


def test_unscoped_absolute_finding_defers_every_technique() -> None:
    """An acute DVT defers the whole plan and each of its techniques."""
    mixed = plan(tech("core.lymphatic_drainage", R.ABDOMEN), tech("core.swedish"))
    result = assess(patient(conditions=(cond("I82.401"),)), mixed)
    assert result.status is ScreeningStatus.DEFER
    assert {t.status for t in result.techniques} == {ScreeningStatus.DEFER}


def test_kidney_failure_only_for_mld() -> None:
    """Kidney failure is absolute for lymphatic drainage and relative otherwise."""
    mld = plan(tech("core.lymphatic_drainage", R.ABDOMEN))
    (f,) = only(assess(patient(conditions=(cond("N17.9"),)), mld), "core.kidney_failure")
    assert f.severity is Severity.ABSOLUTE
    (g,) = only(assess(patient(conditions=(cond("N18.5"),)), mld), "core.kidney_failure")
    assert g.severity is Severity.RELATIVE
    assert not only(assess(patient(conditions=(cond("N17.9"),))), "core.kidney_failure")
    assert not only(assess(patient(conditions=(cond("N18.3"),)), mld), "core.kidney_failure")


# -- circulation ------------------------------------------------------------------------------


def test_hypertensive_crisis_code_defers() -> None:
    """A hypertensive crisis code is absolute and defers treatment."""
    (f,) = only(assess(patient(conditions=(cond("I16.0"),))), "core.hypertension")
    assert f.severity is Severity.ABSOLUTE


def test_blood_pressure_in_kpa_against_mmhg_limits() -> None:
    """24.5 kPa is 183.8 mmHg (>= 180); 21.3 kPa is 159.8 mmHg."""
    high = session(vitals=VitalSigns(systolic=Pressure(24.5, "kPa"), diastolic=Pressure(12, "kPa")))
    (f,) = only(assess(patient(), sess=high), "core.hypertension")
    assert f.severity is Severity.ABSOLUTE
    ok = session(vitals=VitalSigns(systolic=Pressure(21.3, "kPa"), diastolic=Pressure(11, "kPa")))
    assert not only(assess(patient(conditions=(cond("I10"),)), sess=ok), "core.hypertension")


def test_known_hypertension_without_measurement_is_information() -> None:
    """Known hypertension without a measurement is information to monitor."""
    (f,) = only(assess(patient(conditions=(cond("I10"),))), "core.hypertension")
    assert f.severity is Severity.INFORMATION
    assert f.action is Action.MONITOR
    assert not only(assess(patient(conditions=(cond("I95.9"),))), "core.hypertension")


def test_varicose_veins() -> None:
    """Varicose veins limit pressure on the affected leg."""
    (f,) = only(
        assess(patient(conditions=(cond("I83.91", R.LOWER_LIMB, Laterality.RIGHT),))),
        "core.varicose_veins",
    )
    assert sites(f) == {(R.LOWER_LIMB, Laterality.RIGHT)}
    assert f.max_grade is PressureGrade.HEAVY_LOTIONING
    (g,) = only(assess(patient(conditions=(cond("I83.93"),))), "core.varicose_veins")
    # I83.93 "... of bilateral lower extremities": both legs, as the code says.
    assert sites(g) == {(R.LOWER_LIMB, Laterality.BILATERAL)}
    assert not only(assess(patient(conditions=(cond("I86.1"),))), "core.varicose_veins")


def test_aneurysm_local_and_absolute_for_mfr() -> None:
    """An aneurysm is local over its site and absolute for myofascial release."""
    aaa = cond("I71.40")
    (f,) = only(assess(patient(conditions=(aaa,))), "core.aneurysm")
    assert f.severity is Severity.LOCAL
    assert sites(f) == {(R.ABDOMEN, None)}
    mfr = assess(patient(conditions=(aaa,)), plan(tech("core.myofascial_release")))
    assert {x.severity for x in only(mfr, "core.aneurysm")} == {Severity.LOCAL, Severity.ABSOLUTE}
    assert not only(assess(patient(conditions=(cond("I70.0"),))), "core.aneurysm")


# -- pregnancy --------------------------------------------------------------------------------


def _pregnant(weeks: int, high_risk: bool = False) -> Patient:
    return patient(
        pregnancy=Pregnancy(gestational_weeks=weeks, recorded_on=ON, high_risk=high_risk)
    )


def test_pregnancy_by_stage() -> None:
    """Pregnancy findings change with the stage of pregnancy."""
    early = {f.action for f in only(assess(_pregnant(10)), "core.pregnancy")}
    assert early == {Action.LIMIT_PRESSURE, Action.MONITOR}
    late = only(assess(_pregnant(30)), "core.pregnancy")
    assert {f.action for f in late} == {Action.CHANGE_POSITION, Action.LIMIT_PRESSURE}
    assert all(f.severity is Severity.RELATIVE for f in late)


def test_pregnancy_weeks_advance_with_the_date() -> None:
    """Recorded at 20 weeks; 3 weeks later it is 23 weeks, past the default 22."""
    pt = _pregnant(20)
    assert Action.CHANGE_POSITION not in {f.action for f in only(assess(pt), "core.pregnancy")}
    later = assess(pt, on=ON + dt.timedelta(weeks=3))
    assert Action.CHANGE_POSITION in {f.action for f in only(later, "core.pregnancy")}


def test_high_risk_pregnancy_defers() -> None:
    """A high-risk pregnancy is absolute and defers treatment."""
    result = assess(_pregnant(25, high_risk=True))
    assert any(f.severity is Severity.ABSOLUTE for f in only(result, "core.pregnancy"))
    assert result.status is ScreeningStatus.DEFER
    coded = assess(patient(conditions=(cond("O14.03"),)))
    assert any(f.severity is Severity.ABSOLUTE for f in only(coded, "core.pregnancy"))


def test_pregnancy_negative() -> None:
    """No pregnancy, or a postpartum code, raises no pregnancy finding."""
    assert not only(assess(patient()), "core.pregnancy")
    assert not only(assess(patient(conditions=(cond("Z39.2"),))), "core.pregnancy")


# -- nerves and spine ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["G62.9", "E11.42", "E10.40"])
def test_neuropathy(code: str) -> None:
    """Neuropathy limits pressure over the whole body."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.neuropathy")
    assert f.max_grade is PressureGrade.HEAVY_LOTIONING
    assert f.whole_body


def test_reduced_sensation_flag_and_negative() -> None:
    """The reduced sensation flag raises neuropathy; diabetes alone does not."""
    flagged = patient(flags=frozenset({RiskFlag.REDUCED_SENSATION}))
    assert only(assess(flagged), "core.neuropathy")
    assert not only(assess(patient(conditions=(cond("E11.9"),))), "core.neuropathy")


@pytest.mark.parametrize(
    ("code", "regions"),
    [
        ("M51.26", {R.LUMBAR_SPINE}),
        ("M51.27", {R.LUMBAR_SPINE, R.SACRUM}),
        ("M51.16", {R.LUMBAR_SPINE}),
        ("M51.24", {R.THORACIC_SPINE}),
        ("M50.20", {R.CERVICAL_SPINE}),
    ],
)
def test_herniated_disc_is_local_over_its_level(code: str, regions: set[BodyRegion]) -> None:
    """A herniated disc is local over the spinal level of its code."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.herniated_disc")
    assert f.severity is Severity.LOCAL
    assert {s.region for s in f.regions} == regions


def test_herniated_disc_negative() -> None:
    """Disc degeneration (M51.36x) and low back pain (M54.50) are not herniation."""
    for code in ("M51.369", "M54.50"):
        assert not only(assess(patient(conditions=(cond(code),))), "core.herniated_disc")


def test_lymphedema_and_at_risk_limb() -> None:
    """Lymphedema and an at-risk limb are local and avoid deep pressure."""
    (f,) = only(
        assess(patient(conditions=(cond("I97.2", R.UPPER_LIMB, Laterality.LEFT),))),
        "core.lymphedema",
    )
    assert f.severity is Severity.LOCAL
    assert "deep_pressure" in f.tags
    assert f.concerns("core.deep_tissue", frozenset({"deep_pressure"}))
    assert not f.concerns("core.lymphatic_drainage", frozenset({"lymphatic"}))
    mastectomy = _surgery(400, region=R.CHEST, laterality=None, lymph_nodes_removed=True)
    (g,) = only(assess(patient(surgeries=(mastectomy,))), "core.lymphedema")
    assert (R.UPPER_LIMB, None) in sites(g)
    assert not only(assess(patient(surgeries=(_surgery(400),))), "core.lymphedema")


def test_neck_conditions() -> None:
    """Neck vessel and thyroid conditions are local over the neck."""
    (f,) = only(assess(patient(conditions=(cond("I65.21"),))), "core.neck_vessels_thyroid")
    assert sites(f) == {(R.NECK, None)}
    assert only(assess(patient(conditions=(cond("E05.90"),))), "core.neck_vessels_thyroid")
    hypo = patient(conditions=(cond("E03.9"),))
    assert not only(assess(hypo), "core.neck_vessels_thyroid")
    mld_neck = plan(tech("core.lymphatic_drainage", R.NECK))
    (g,) = only(assess(hypo, mld_neck), "core.neck_vessels_thyroid")
    assert g.action is Action.OBTAIN_CLEARANCE


# -- certification ------------------------------------------------------------------------------


def test_certification() -> None:
    """Modalities needing certification raise a relative finding to monitor."""
    mld = plan(tech("core.lymphatic_drainage", R.ABDOMEN))
    (f,) = only(assess(patient(), mld), "core.certification")
    assert f.severity is Severity.RELATIVE
    assert f.action is Action.MONITOR
    uncertified = Practitioner(id="pr-1")
    (g,) = only(assess(patient(), mld, practitioner=uncertified), "core.certification")
    assert g.severity is Severity.ABSOLUTE
    assert g.modalities == {"core.lymphatic_drainage"}
    lapsed = Practitioner(
        id="pr-1",
        certifications=(
            Certification(code="manual_lymphatic_drainage", expires_on=ON - dt.timedelta(days=1)),
        ),
    )
    assert only(assess(patient(), mld, practitioner=lapsed), "core.certification")
    current = Practitioner(
        id="pr-1", certifications=(Certification(code="manual_lymphatic_drainage"),)
    )
    assert not only(assess(patient(), mld, practitioner=current), "core.certification")
    assert not only(assess(patient()), "core.certification")


def test_healthy_patient_is_clear() -> None:
    """A healthy patient has no findings and a clear status."""
    result = assess(patient())
    assert result.findings == ()
    assert result.status is ScreeningStatus.CLEAR


# -- regions implied by codes, edge cases --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "regions"),
    [
        ("I71.21", {R.CHEST}),  # thoracic aortic aneurysm
        ("I72.4", {R.LOWER_LIMB}),  # aneurysm of an artery of the lower extremity
        ("I67.1", {R.HEAD}),
        ("I72.8", set()),  # other specified arteries: region unknown, whole body
    ],
)
def test_aneurysm_regions_from_codes(code: str, regions: set[BodyRegion]) -> None:
    """An aneurysm takes its regions from its code."""
    (f,) = only(assess(patient(conditions=(cond(code),))), "core.aneurysm")
    assert {s.region for s in f.regions} == regions


def test_surgery_after_the_screening_date_is_ignored() -> None:
    """Surgery after the screening date raises no finding."""
    future = Surgery(procedure="planned", performed_on=ON + dt.timedelta(days=3), region=R.ABDOMEN)
    assert not only(assess(patient(surgeries=(future,))), "core.recent_surgery")


def test_pelvic_lymph_node_removal_puts_the_legs_at_risk() -> None:
    """Pelvic lymph node removal puts the legs at risk of lymphedema."""
    pelvic = _surgery(400, region=R.PELVIS, laterality=None, lymph_nodes_removed=True)
    (f,) = only(assess(patient(surgeries=(pelvic,))), "core.lymphedema")
    assert sites(f) == {(R.LOWER_LIMB, None)}
    foot = _surgery(400, region=R.FOOT, laterality=Laterality.LEFT, lymph_nodes_removed=True)
    (g,) = only(assess(patient(surgeries=(foot,))), "core.lymphedema")
    assert sites(g) == {(R.FOOT, Laterality.LEFT)}


def test_certification_ignores_modalities_without_requirements() -> None:
    """The certification rule lists only modalities that need a certification."""
    mixed = plan(tech("core.lymphatic_drainage", R.ABDOMEN), tech("core.swedish", R.NECK))
    (f,) = only(assess(patient(), mixed), "core.certification")
    assert f.modalities == {"core.lymphatic_drainage"}
