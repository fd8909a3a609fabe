"""Core models: construction-time validation of every field and cross-field rule."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import medmassage as mm
from factories import record_session
from medmassage.codes import ICD10CM, Coding, icd10cm_validation
from medmassage.diagnosis import is_valid_npi
from medmassage.exceptions import Problem, UsageError, ValidationError
from medmassage.modalities import (
    BUILTIN_MODALITIES,
    DEEP_TISSUE,
    LYMPHATIC_DRAINAGE,
    SWEDISH,
    PressureGrade,
)
from medmassage.plans import technique_problems

G = PressureGrade
UTC = dt.UTC
START = dt.datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def problems(call: Callable[[], object]) -> set[tuple[str, str]]:
    """Run *call*, expecting a ValidationError; return its (path, code) pairs."""
    with pytest.raises(ValidationError) as info:
        call()
    return {(p.path, p.code) for p in info.value.problems}


def dx(code: str = "M54.50", **kw: Any) -> mm.Diagnosis:
    return mm.Diagnosis(coding=Coding.icd10cm(code), **kw)


def technique(**kw: Any) -> mm.PlannedTechnique:
    base: dict[str, Any] = {
        "modality": "core.swedish",
        "region": mm.BodyRegion.LUMBAR_SPINE,
        "duration": mm.Duration(20, "min"),
        "min_grade": G.LIGHT_LOTIONING,
        "max_grade": G.SWEDISH,
    }
    return mm.PlannedTechnique(**{**base, **kw})


def plan(**kw: Any) -> mm.TreatmentPlan:
    base: dict[str, Any] = {
        "id": "plan-1",
        "patient_id": "pt-1",
        "practitioner_id": "pr-1",
        "diagnoses": (dx(),),
        "techniques": (technique(),),
        "session_length": mm.Duration(60, "min"),
        "sessions_per_week": 2,
        "duration_weeks": 4,
        "start_date": dt.date(2026, 1, 12),
    }
    return mm.TreatmentPlan(**{**base, **kw})


def segment(**kw: Any) -> mm.TechniqueSegment:
    base: dict[str, Any] = {
        "modality": "core.swedish",
        "region": mm.BodyRegion.LUMBAR_SPINE,
        "duration": mm.Duration(20, "min"),
    }
    return mm.TechniqueSegment(**{**base, **kw})


def session(**kw: Any) -> mm.Session:
    return record_session(START, **{"plan_id": "plan-1", **kw})


def patient(**kw: Any) -> mm.Patient:
    base: dict[str, Any] = {
        "id": "pt-1",
        "birth_date": dt.date(1979, 5, 14),
        "sex": mm.AdministrativeSex.FEMALE,
    }
    return mm.Patient(**{**base, **kw})


# -- errors -------------------------------------------------------------------------


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


# -- patient ------------------------------------------------------------------------


def test_patient_minimal_and_full() -> None:
    """A patient is built with minimal and with full data."""
    p = patient(
        name=mm.HumanName(family="Example", given=("Maria", "José")),
        contact=mm.ContactDetails(phone="+1 555 0100", email="m@example.org", address="1 Main St"),
        conditions=(
            mm.Condition(code=Coding.icd10cm("i10")),
            mm.Condition(
                code=Coding.icd10cm("M5126"),
                status=mm.ClinicalStatus.RESOLVED,
                region=mm.BodyRegion.KNEE,
                laterality=mm.Laterality.LEFT,
            ),
        ),
        medications=(
            mm.Medication(name="warfarin", classes=frozenset({mm.MedicationClass.ANTICOAGULANT})),
            mm.Medication(name="old", classes=frozenset({mm.MedicationClass.NSAID}), active=False),
        ),
        consents=(mm.Consent(scope=mm.ConsentScope.TREATMENT, signed_on=dt.date(2026, 1, 1)),),
    )
    assert p.conditions[0].icd10cm == "I10"
    assert p.conditions[1].code.code == "M51.26"
    assert p.active_conditions() == (p.conditions[0],)
    assert p.active_medication_classes() == frozenset({mm.MedicationClass.ANTICOAGULANT})
    assert p.has_consent(mm.ConsentScope.TREATMENT, dt.date(2026, 2, 1))
    assert not p.has_consent(mm.ConsentScope.RESEARCH, dt.date(2026, 2, 1))
    assert p.age_on(dt.date(2026, 5, 13)) == 46
    assert p.age_on(dt.date(2026, 5, 14)) == 47
    assert mm.Condition(code=Coding.snomed("38341003")).icd10cm is None


def test_patient_rules() -> None:
    """A birth date in the future or before 1900 is rejected."""
    future = dt.date.today() + dt.timedelta(days=1)
    assert problems(lambda: patient(birth_date=future)) == {("birth_date", "future")}
    assert problems(lambda: patient(birth_date=dt.date(1800, 1, 1))) == {("birth_date", "range")}
    assert problems(lambda: patient(id="")) == {("id", "id_format")}
    assert problems(lambda: patient(id="x" * 65)) == {("id", "id_format")}
    preg = mm.Pregnancy(gestational_weeks=20, recorded_on=dt.date(2026, 1, 1))
    assert problems(lambda: patient(sex=mm.AdministrativeSex.MALE, pregnancy=preg)) == {
        ("pregnancy", "consistency")
    }
    early = mm.Surgery(
        procedure="appendectomy", performed_on=dt.date(1970, 1, 1), region=mm.BodyRegion.ABDOMEN
    )
    assert problems(lambda: patient(surgeries=(early,))) == {("surgeries[0].performed_on", "order")}


def test_history_items() -> None:
    """History items require laterality for paired regions and reject blank notes."""
    assert problems(
        lambda: mm.Condition(code=Coding.icd10cm("I10"), region=mm.BodyRegion.KNEE)
    ) == {("laterality", "side")}
    assert problems(lambda: mm.Condition(code=Coding.icd10cm("I10"), note="  ")) == {
        ("note", "blank")
    }
    assert problems(lambda: mm.Medication(name="x" * 201)) == {("name", "length")}
    assert problems(
        lambda: mm.Allergy(category=mm.AllergyCategory.LATEX, substance="", reaction="\n")
    ) == {
        ("substance", "blank"),
        ("reaction", "blank"),
    }
    for weeks in (-1, 43):
        assert problems(
            functools.partial(
                mm.Pregnancy, gestational_weeks=weeks, recorded_on=dt.date(2026, 1, 1)
            )
        ) == {("gestational_weeks", "range")}
    s = mm.Surgery(
        procedure="L4-L5 microdiscectomy",
        performed_on=dt.date(2020, 1, 1),
        region=mm.BodyRegion.KNEE,
        laterality=mm.Laterality.RIGHT,
    )
    assert problems(lambda: attrs.evolve(s, cleared_on=dt.date(2019, 1, 1), laterality=None)) == {
        ("cleared_on", "order"),
        ("laterality", "side"),
    }
    assert problems(
        lambda: mm.ImplantedDevice(kind=mm.DeviceKind.JOINT_REPLACEMENT, region=mm.BodyRegion.HIP)
    ) == {("laterality", "side")}
    assert problems(
        lambda: mm.Consent(
            scope=mm.ConsentScope.TREATMENT,
            signed_on=dt.date(2026, 1, 2),
            expires_on=dt.date(2026, 1, 1),
            revoked_on=dt.date(2026, 1, 1),
        )
    ) == {("expires_on", "order"), ("revoked_on", "order")}
    assert problems(lambda: mm.HumanName(family=" ", given=("ok", ""))) == {
        ("family", "blank"),
        ("given[1]", "blank"),
    }
    for email in ("no-at-sign", " a@b.c", "a@" + "b" * 320):
        assert problems(functools.partial(mm.ContactDetails, email=email)) == {("email", "format")}
    assert problems(lambda: mm.ContactDetails(phone="1" * 51)) == {("phone", "length")}


def test_pregnancy_weeks_and_trimesters() -> None:
    """Pregnancy gives the weeks and the trimester on a date."""
    p = mm.Pregnancy(gestational_weeks=12, recorded_on=dt.date(2026, 1, 1))
    assert p.weeks_on(dt.date(2026, 1, 15)) == 14
    assert p.trimester_on(dt.date(2026, 1, 1)) == 1
    assert p.trimester_on(dt.date(2026, 1, 15)) == 2
    assert p.trimester_on(dt.date(2026, 4, 16)) == 2  # 27 weeks
    assert p.trimester_on(dt.date(2026, 4, 23)) == 3  # 28 weeks


def test_consent_validity() -> None:
    """A consent is valid only between its start and end dates."""
    c = mm.Consent(
        scope=mm.ConsentScope.TREATMENT,
        signed_on=dt.date(2026, 1, 1),
        expires_on=dt.date(2026, 12, 31),
        revoked_on=dt.date(2026, 6, 1),
    )
    assert not c.valid_on(dt.date(2025, 12, 31))
    assert c.valid_on(dt.date(2026, 5, 31))
    assert not c.valid_on(dt.date(2026, 6, 1))
    open_ended = mm.Consent(scope=mm.ConsentScope.TREATMENT, signed_on=dt.date(2026, 1, 1))
    assert open_ended.valid_on(dt.date(2099, 1, 1))
    lapsed = attrs.evolve(c, revoked_on=None)
    assert not lapsed.valid_on(dt.date(2027, 1, 1))


# -- diagnosis and NPI --------------------------------------------------------------


def test_npi_luhn_example_from_cms() -> None:
    # CMS, "Requirements for Issuing the NPI Check Digit" (NPI final rule, 45 CFR
    # 162.406): the worked example 123456789 gets check digit 3 -> 1234567893
    # (prefix 80840 adds the constant 24 to the Luhn sum).
    """The NPI check digit follows the CMS Luhn worked example."""
    assert is_valid_npi("1234567893")
    assert not is_valid_npi("1234567890")
    assert not is_valid_npi("123456789")
    assert not is_valid_npi("12345678933")
    assert not is_valid_npi("123456789a")
    assert not is_valid_npi(
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13"
    )  # full-width
    assert not is_valid_npi(1234567893)  # type: ignore[arg-type,unused-ignore]


@pytest.mark.parametrize("npi", ["1245319599", "1003000126"])
def test_npi_check_digit_of_other_numbers(npi: str) -> None:
    """NPIs with a wrong check digit are rejected."""
    assert is_valid_npi(npi)
    wrong = npi[:9] + str((int(npi[9]) + 1) % 10)
    assert not is_valid_npi(wrong)


def test_provider() -> None:
    """A provider needs a name, a role and a valid NPI."""
    mm.Provider(name="Dr. A. Rivera", role=mm.ProviderRole.PHYSICIAN, npi="1234567893")
    assert problems(
        lambda: mm.Provider(name="", role=mm.ProviderRole.DENTIST, npi="1234567890")
    ) == {
        ("name", "blank"),
        ("npi", "npi"),
    }


def test_diagnosis_rules() -> None:
    """A diagnosis stores its dotted ICD-10-CM code and checks its dates and acuity."""
    d = dx("m5450", region=mm.BodyRegion.LUMBAR_SPINE, acuity=mm.Acuity.CHRONIC)
    assert d.code == "M54.50"
    assert d.coding.system == ICD10CM
    assert problems(lambda: mm.Diagnosis(coding=Coding.snomed("279039007"))) == {
        ("coding.system", "system")
    }
    assert problems(lambda: dx(region=mm.BodyRegion.SHOULDER)) == {("laterality", "side")}
    assert problems(lambda: dx(onset=dt.date(2026, 1, 2), diagnosed_on=dt.date(2026, 1, 1))) == {
        ("diagnosed_on", "order")
    }


def test_diagnosis_code_must_exist_unless_format_validation() -> None:
    # M54.5 is a non-billable header (clinical.md 3.1): valid as a diagnosis.
    """A diagnosis code must exist in the release unless format validation is on."""
    assert dx("M54.5").code == "M54.5"
    # M72.20 does not exist (clinical.md 3.1: "M72.20 does not exist").
    assert problems(lambda: dx("M72.20")) == {("coding.code", "icd10cm_unknown")}
    with icd10cm_validation("format"):
        assert dx("M72.20").code == "M72.20"


def test_coding_formats() -> None:
    """Codings normalise ICD-10-CM codes and check CPT formats."""
    assert Coding.icd10cm(" m54.50 ").code == "M54.50"
    assert Coding.cpt("97140").code == "97140"
    assert Coding(system="urn:other", code="anything at all").code == "anything at all"
    assert problems(lambda: Coding.icd10cm("54.50")) == {("code", "format")}
    assert problems(lambda: Coding.cpt("9714")) == {("code", "format")}
    assert problems(lambda: Coding.snomed("0123456")) == {("code", "format")}
    assert problems(lambda: Coding(system="", code=" ", display=3)) == {  # type: ignore[arg-type]
        ("system", "required"),
        ("code", "required"),
        ("display", "type"),
    }


def test_referral_rules() -> None:
    """A referral is valid only in its period and checks its fields."""
    referrer = mm.Provider(name="Dr. R", role=mm.ProviderRole.PHYSICIAN, npi="1234567893")
    base: dict[str, Any] = {
        "id": "ref-1",
        "referrer": referrer,
        "diagnoses": (dx(),),
        "referred_on": dt.date(2026, 1, 5),
    }
    r = mm.Referral(**base, expires_on=dt.date(2026, 4, 30))
    assert r.valid_on(dt.date(2026, 1, 5))
    assert r.valid_on(dt.date(2026, 4, 30))
    assert not r.valid_on(dt.date(2026, 5, 1))
    assert not r.valid_on(dt.date(2026, 1, 4))
    assert mm.Referral(**base).valid_on(dt.date(2099, 1, 1))
    found = problems(
        lambda: mm.Referral(
            **{**base, "diagnoses": (dx(), dx())},
            frequency_per_week=8,
            duration_weeks=0,
            visits_authorized=-1,
            expires_on=dt.date(2026, 1, 4),
            instructions=" ",
        )
    )
    assert found == {
        ("diagnoses[1]", "duplicate"),
        ("frequency_per_week", "range"),
        ("duration_weeks", "range"),
        ("visits_authorized", "range"),
        ("expires_on", "order"),
        ("instructions", "blank"),
    }
    assert problems(lambda: mm.Referral(**{**base, "diagnoses": ()})) == {("diagnoses", "required")}


# -- practitioners -----------------------------------------------------------------


def test_practitioner() -> None:
    """A practitioner is licensed only until the licence expires."""
    lic = mm.License(number="MA60012345", jurisdiction="US-WA", expires_on=dt.date(2027, 6, 30))
    cert = mm.Certification(
        code="manual_lymphatic_drainage",
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2026, 1, 1),
    )
    p = mm.Practitioner(
        id="pr-1", name="J. Okafor, LMT", npi="1234567893", licenses=(lic,), certifications=(cert,)
    )
    assert p.licensed_on(dt.date(2027, 6, 30))
    assert not p.licensed_on(dt.date(2027, 7, 1))
    assert p.certified_for("manual_lymphatic_drainage", dt.date(2025, 1, 1))
    assert not p.certified_for("manual_lymphatic_drainage", dt.date(2019, 1, 1))
    assert not p.certified_for("manual_lymphatic_drainage", dt.date(2026, 1, 2))
    assert not p.certified_for("other", dt.date(2025, 1, 1))
    assert mm.Certification(code="x").valid_on(dt.date(1900, 1, 1))
    assert problems(lambda: mm.Practitioner(id="pr 1", name=" ", npi="1")) == {
        ("id", "id_format"),
        ("name", "blank"),
        ("npi", "npi"),
    }
    assert problems(
        lambda: mm.License(
            number="", jurisdiction="x" * 65, expires_on=dt.date(2026, 1, 1), profession=" "
        )
    ) == {
        ("number", "blank"),
        ("jurisdiction", "length"),
        ("profession", "blank"),
    }
    assert problems(
        lambda: mm.Certification(
            code="Bad Key", issued_on=dt.date(2026, 1, 2), expires_on=dt.date(2026, 1, 1)
        )
    ) == {("code", "key_format"), ("expires_on", "order")}


# -- modalities -----------------------------------------------------------------------


def test_builtin_modalities() -> None:
    """The built-in modalities are the expected set with their pressure limits."""
    assert set(BUILTIN_MODALITIES) == {
        "core.myofascial_release",
        "core.trigger_point",
        "core.deep_tissue",
        "core.neuromuscular",
        "core.lymphatic_drainage",
        "core.swedish",
    }
    for m in BUILTIN_MODALITIES.values():
        assert m.source.strip()
        assert m.min_grade <= m.max_grade
    # MLD pressure ceiling "about 4 kPa" (clinical.md 2.4 / section 6).
    assert LYMPHATIC_DRAINAGE.max_pressure == mm.Pressure(4, "kPa")
    assert LYMPHATIC_DRAINAGE.required_certifications == {"manual_lymphatic_drainage"}
    assert LYMPHATIC_DRAINAGE.allows_pressure(mm.Pressure(30, "mmHg"))
    assert not LYMPHATIC_DRAINAGE.allows_pressure(mm.Pressure(31, "mmHg"))
    assert DEEP_TISSUE.allows_pressure(mm.Pressure(10, "kgf/cm**2"))
    assert SWEDISH.allows_grade(G.SWEDISH)
    assert not SWEDISH.allows_grade(G.DEEP)
    assert int(G.DEEPEST) == 5


def test_modality_rules() -> None:
    """A modality checks its key format, grade range and duration."""
    base: dict[str, Any] = {
        "code": "acme.cupping",
        "name": "Cupping",
        "description": "Negative pressure cups.",
        "min_grade": G.LIGHT_LOTIONING,
        "max_grade": G.SWEDISH,
        "typical_duration": mm.Duration(15, "min"),
        "source": "Example source",
    }
    mm.Modality(**base, required_certifications=frozenset({"cupping"}))
    assert problems(
        lambda: mm.Modality(
            **{
                **base,
                "code": "Acme",
                "min_grade": G.DEEP,
                "typical_duration": mm.Duration(5, "h"),
            },
            max_pressure=mm.Pressure(0, "kPa"),
            required_certifications=frozenset({"ok", "Not OK"}),
        )
    ) == {
        ("code", "key_format"),
        ("max_grade", "order"),
        ("max_pressure", "range"),
        ("typical_duration", "range"),
        ("required_certifications[0]", "key_format"),
    }
    assert problems(lambda: mm.Modality(**{**base, "code": "a" * 101})) == {("code", "key_format")}


# -- plans ------------------------------------------------------------------------------


def test_goal() -> None:
    """A goal is met by values on the right side of its target."""
    g = mm.Goal(id="g1", instrument="odi", target=20, comparator=mm.Comparator.AT_MOST)
    assert g.met_by(20)
    assert not g.met_by(21)
    up = attrs.evolve(g, comparator=mm.Comparator.AT_LEAST)
    assert up.met_by(21)
    assert not up.met_by(19)
    assert problems(
        lambda: attrs.evolve(g, id="", instrument="ODI", target=2e6, description="")
    ) == {
        ("id", "id_format"),
        ("instrument", "key_format"),
        ("target", "range"),
        ("description", "blank"),
    }


# Regression test (bug found by these tests, since fixed): Goal.target accepts NaN (check_range
# lets NaN through), so a valid Goal  cannot be written by to_json (json.dumps(allow_nan=False)
# raises a bare ValueError)
def test_goal_target_must_be_finite() -> None:
    """A goal with a non-finite target raises ValidationError."""
    with pytest.raises(ValidationError):
        mm.Goal(id="g1", instrument="odi", target=float("nan"), comparator=mm.Comparator.AT_MOST)


def test_planned_technique_rules() -> None:
    """A planned technique checks its modality key, region and duration."""
    assert problems(lambda: technique(modality="Core.X", region=mm.BodyRegion.KNEE)) == {
        ("modality", "key_format"),
        ("laterality", "side"),
    }
    assert problems(lambda: technique(duration=mm.Duration(0.5, "min"))) == {("duration", "range")}
    assert problems(lambda: technique(min_grade=G.SWEDISH, max_grade=G.LIGHT_LOTIONING)) == {
        ("max_grade", "order")
    }
    assert problems(lambda: technique(modality="core.unknown")) == {
        ("modality", "unknown_modality")
    }
    # Swedish is Walton 1-3 (modalities.SWEDISH): grade 4 is outside its range.
    assert problems(lambda: technique(max_grade=G.DEEP)) == {("max_grade", "modality_pressure")}
    assert problems(lambda: technique(min_grade=G.STATIONARY_HOLD)) == {
        ("min_grade", "modality_pressure")
    }
    mld = {
        "modality": "core.lymphatic_drainage",
        "min_grade": G.STATIONARY_HOLD,
        "max_grade": G.LIGHT_LOTIONING,
    }
    technique(**mld, max_pressure=mm.Pressure(30, "mmHg"))
    assert problems(lambda: technique(**mld, max_pressure=mm.Pressure(5, "kPa"))) == {
        ("max_pressure", "modality_pressure")
    }
    # a plugin modality is not checked on construction
    plugin = technique(modality="acme.cupping", min_grade=G.STATIONARY_HOLD, max_grade=G.DEEPEST)
    assert technique_problems(plugin, SWEDISH) != []


def test_plan_rules_and_properties() -> None:
    """A plan derives its end date and planned sessions and checks its fields."""
    p = plan(reevaluation_date=dt.date(2026, 2, 8))
    assert p.end_date == dt.date(2026, 2, 8)
    assert p.planned_sessions == 8
    assert p.covers(dt.date(2026, 1, 12))
    assert p.covers(dt.date(2026, 2, 8))
    assert not p.covers(dt.date(2026, 2, 9))
    assert not p.covers(dt.date(2026, 1, 11))
    goal = mm.Goal(
        id="g",
        instrument="odi",
        target=1,
        comparator=mm.Comparator.AT_MOST,
        target_date=dt.date(2026, 1, 1),
    )
    found = problems(
        lambda: plan(
            diagnoses=(dx(), dx()),
            techniques=(technique(), technique(duration=mm.Duration(0.75, "h"))),
            goals=(goal, goal),
            session_length=mm.Duration(1, "h"),
            reevaluation_date=dt.date(2026, 2, 9),
            precautions=("ok", ""),
        )
    )
    assert found == {
        ("diagnoses[1]", "duplicate"),
        ("goals[1]", "duplicate"),
        ("techniques", "minutes_exceed_session"),
        ("reevaluation_date", "range"),
        ("goals[0].target_date", "order"),
        ("goals[1].target_date", "order"),
        ("precautions[1]", "blank"),
    }
    assert problems(
        lambda: plan(diagnoses=(), techniques=(), session_length=mm.Duration(4, "min"))
    ) == {
        ("diagnoses", "required"),
        ("techniques", "required"),
        ("session_length", "range"),
    }
    # minutes add up exactly: 20 min + 2400 s = 60 min is allowed
    plan(techniques=(technique(), technique(duration=mm.Duration(2400, "s"))))


# -- sessions -------------------------------------------------------------------------


def test_segment_rules() -> None:
    """A segment checks its modality, duration, discomfort and pressure grade."""
    assert problems(
        lambda: segment(
            modality="x y",
            region=mm.BodyRegion.HAND,
            duration=mm.Duration(10, "s"),
            discomfort=11,
            pressure=mm.Pressure(0, "kPa"),
        )
    ) == {
        ("modality", "key_format"),
        ("laterality", "side"),
        ("duration", "range"),
        ("discomfort", "range"),
        ("pressure", "range"),
    }
    assert problems(lambda: segment(grade=G.DEEPEST)) == {("grade", "modality_pressure")}
    assert problems(
        lambda: segment(modality="core.lymphatic_drainage", pressure=mm.Pressure(40, "mmHg"))
    ) == {("pressure", "modality_pressure")}
    assert problems(lambda: segment(modality="core.nope")) == {("modality", "unknown_modality")}
    segment(modality="acme.cupping", grade=G.DEEPEST, pressure=mm.Pressure(1, "kgf/cm**2"))


def test_soap_reactions_vitals_signature() -> None:
    """SOAP notes are redacted in str and blank sections are rejected."""
    assert str(mm.SoapNote(subjective="x")) == "<redacted SOAP note>"
    assert problems(lambda: mm.SoapNote(subjective=" ", plan="")) == {
        ("subjective", "blank"),
        ("plan", "blank"),
    }
    assert problems(
        lambda: mm.AdverseReaction(
            kind=mm.ReactionKind.BRUISING,
            severity=mm.ReactionSeverity.MILD,
            onset=dt.datetime(2026, 1, 1),
            note=" ",
        )
    ) == {("onset", "aware"), ("note", "blank")}
    mm.VitalSigns(
        systolic=mm.Pressure(132, "mmHg"),
        diastolic=mm.Pressure(84, "mmHg"),
        heart_rate=72,
        temperature=mm.Temperature(98.6, "degF"),
    )
    assert problems(
        lambda: mm.VitalSigns(
            systolic=mm.Pressure(301, "mmHg"),
            diastolic=mm.Pressure(19, "mmHg"),
            heart_rate=19,
            temperature=mm.Temperature(46, "degC"),
        )
    ) == {
        ("systolic", "range"),
        ("diastolic", "range"),
        ("heart_rate", "range"),
        ("temperature", "range"),
    }
    assert problems(
        lambda: mm.VitalSigns(systolic=mm.Pressure(11, "kPa"), diastolic=mm.Pressure(90, "mmHg"))
    ) == {("diastolic", "order")}
    assert problems(lambda: mm.Signature(by="a b", at=dt.datetime(2026, 1, 1))) == {
        ("by", "id_format"),
        ("at", "aware"),
    }


def test_session_rules() -> None:
    """A session derives its treatment minutes and end and checks its segments."""
    s = session(segments=(segment(), segment(duration=mm.Duration(2400, "s"))))
    assert s.treatment_minutes == 60
    assert s.end == START + dt.timedelta(hours=1)
    assert not s.signed
    found = problems(
        lambda: session(
            id="",
            plan_id="bad id",
            start=dt.datetime(2026, 1, 1, 9),
            duration=mm.Duration(9, "h"),
            segments=(
                segment(duration=mm.Duration(4, "h")),
                segment(duration=mm.Duration(4, "h")),
                segment(duration=mm.Duration(2, "h")),
            ),
        )
    )
    assert found == {
        ("id", "id_format"),
        ("plan_id", "id_format"),
        ("start", "aware"),
        ("duration", "range"),
        ("segments", "minutes_exceed_session"),
    }
    assert problems(lambda: session(status=mm.SessionStatus.NO_SHOW, segments=(segment(),))) == {
        ("segments", "status")
    }
    assert problems(lambda: session().sign("pr-1", START - dt.timedelta(minutes=1))) == {
        ("signature.at", "order")
    }


def test_sign_and_amend_keep_the_original() -> None:
    """Signing and amending a session keep the original record."""
    s = session(note=mm.SoapNote(subjective="first"))
    signed = s.sign("pr-1", START + dt.timedelta(hours=2))
    assert signed.signed
    assert signed.signature == mm.Signature(by="pr-1", at=START + dt.timedelta(hours=2))
    with pytest.raises(UsageError):
        signed.sign("pr-1", START + dt.timedelta(hours=3))
    with pytest.raises(UsageError):
        s.amend(by="pr-1", at=START, reason="typo", note=None)
    at = START + dt.timedelta(days=1)
    amended = signed.amend(
        by="pr-2", at=at, reason="corrected note", note=mm.SoapNote(subjective="second")
    )
    assert amended.note == mm.SoapNote(subjective="second")
    assert amended.signature == signed.signature
    (amendment,) = amended.amendments
    assert amendment.original == signed
    assert amendment.by == "pr-2"
    assert amendment.at == at
    twice = amended.amend(by="pr-1", at=at, reason="again", duration=mm.Duration(50, "min"))
    # each original is kept without its own trail (the amended session holds the whole trail)
    first, second = (a.original for a in twice.amendments)
    assert first == signed
    assert second.amendments == ()
    assert attrs.asdict(second, recurse=False, filter=lambda a, _: a.name != "amendments") == (
        attrs.asdict(amended, recurse=False, filter=lambda a, _: a.name != "amendments")
    )
    assert problems(
        lambda: attrs.evolve(twice, amendments=(attrs.evolve(amendment, original=amended),))
    ) == {("amendments[0].original.amendments", "nested_amendments"), ("signature", "signed")}
    for bad in ({"id": "x"}, {"signature": None}, {"amendments": ()}, {"colour": "red"}):
        with pytest.raises(UsageError):
            signed.amend(by="pr-1", at=at, reason="r", **bad)
    with pytest.raises(ValidationError):
        signed.amend(by="pr-1", at=at, reason="r", duration=mm.Duration(0, "min"))
    with pytest.raises(ValidationError) as info:
        signed.amend(by="bad id", at=dt.datetime(2026, 1, 1), reason=" ")
    assert {p.path for p in info.value.problems} == {"by", "at", "reason"}
    assert problems(lambda: attrs.evolve(s, amendments=amended.amendments)) == {
        ("amendments", "unsigned")
    }
    with pytest.raises(ValidationError):
        s.sign("not an id!", START)


# -- outcomes -----------------------------------------------------------------------------


def test_outcome_rules() -> None:
    """An outcome measure checks its instrument, timestamp, value and responses."""
    mm.OutcomeMeasure(instrument="nprs", taken_at=START, value=3)
    mm.OutcomeMeasure(
        instrument="bctq", taken_at=START, responses={"sss": (1, 2), "fss": (3, None)}
    )
    mm.OutcomeMeasure(
        instrument="ppt",
        taken_at=START,
        measurements=(mm.Pressure(2.1, "kgf/cm**2"), mm.Pressure(210, "kPa")),
        region=mm.BodyRegion.HIP,
        laterality=mm.Laterality.LEFT,
    )
    assert problems(lambda: mm.OutcomeMeasure(instrument="x", taken_at=START)) == {("", "required")}
    found = problems(
        lambda: mm.OutcomeMeasure(
            instrument="X",
            taken_at=dt.datetime(2026, 1, 1),
            value=float("nan"),
            responses={"Bad": (1,)},
            measurements=(mm.Angle(30, "deg"), mm.Length(3, "cm")),
            region=mm.BodyRegion.KNEE,
            movement="Knee Flexion",
            note="",
        )
    )
    assert found == {
        ("instrument", "key_format"),
        ("taken_at", "aware"),
        ("value", "finite"),
        ("responses.Bad", "key_format"),
        ("measurements[1]", "kind"),
        ("laterality", "side"),
        ("movement", "key_format"),
        ("note", "blank"),
    }
    assert problems(lambda: mm.OutcomeMeasure(instrument="x", taken_at=START, value=2e9)) == {
        ("value", "finite")
    }


# Regression test (bug found by these tests, since fixed): OutcomeMeasure accepts NaN/Infinity
# item responses, so a valid record  cannot be written by to_json (json.dumps(allow_nan=False)
# raises a bare ValueError)
def test_outcome_item_responses_must_be_finite() -> None:
    """Non-finite outcome item responses raise ValidationError."""
    with pytest.raises(ValidationError):
        mm.OutcomeMeasure(instrument="nprs", taken_at=START, responses=(float("inf"),))


# -- cases --------------------------------------------------------------------------------


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


# -- the validation machinery (medmassage._validation) --------------------------------


def test_check_range_bounds_and_nan() -> None:
    """The range check reports bounds and NaN with messages."""
    from medmassage._validation import check_range

    found: list[Problem] = []
    check_range(found, "a", 1, 2, None)
    check_range(found, "b", 9, None, 5)
    check_range(found, "c", float("nan"), 0, 1)
    check_range(found, "d", None, 0, 1)
    check_range(found, "e", 3, None, None)
    assert [(p.path, p.code, p.message) for p in found] == [
        ("a", "range", "expected a value at least 2"),
        ("b", "range", "expected a value at most 5"),
        ("c", "finite", "expected a finite number"),
    ]


def test_type_descriptions_and_checks() -> None:
    """Type descriptions read as words for generic and literal types."""
    from typing import Literal

    from medmassage._validation import _compile, _describe

    assert _describe(dict[str, int]) == "an object of a whole number"
    assert _describe(Literal["a", "b"]) == "one of 'a', 'b'"
    assert _describe(frozenset[str]) == "a set of text"
    assert _describe(mm.Duration) == "a duration (30 min, 0.5 h, 1800 s)"
    assert _describe("not a type") == "not a type"
    assert _compile(Any)(object())
    assert _compile(object)(None)
    assert _compile(Literal["a", 1])("a")
    assert not _compile(Literal["a", 1])("b")
    assert not _compile(Literal["a"])(["a"])
    check = _compile(dict[str, int])
    assert check({"a": 1})
    assert not check({"a": "1"})
    assert not check([("a", 1)])
    assert not _compile(int)(True)
    assert _compile(float)(1)
    assert not _compile(float)(False)
    assert not _compile(dt.date)(dt.datetime(2026, 1, 1))


def test_model_base() -> None:
    """The model base validates its fields on construction."""
    from medmassage._validation import Model

    @attrs.frozen(kw_only=True, slots=True)
    class Plain(Model):
        n: int

    assert Plain(n=1).n == 1
    with pytest.raises(ValidationError) as info:
        Plain(n="1")  # type: ignore[arg-type]
    assert info.value.model == "Plain"

    @attrs.frozen(kw_only=True, slots=True)
    class Ruled(Model):
        n: int

        def _problems(self) -> list[Problem]:
            return [Problem("n", "too small", "range")] if self.n < 0 else []

    assert Ruled(n=1).n == 1
    with pytest.raises(ValidationError):
        Ruled(n=-1)


def test_aware_check_with_a_tzinfo_without_offset() -> None:
    """A datetime whose tzinfo gives no offset is rejected as not aware."""

    class Floating(dt.tzinfo):
        def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

        def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

        def tzname(self, d: dt.datetime | None) -> str | None:
            return None

    assert problems(lambda: session(start=dt.datetime(2026, 1, 12, 9, tzinfo=Floating()))) == {
        ("start", "aware")
    }


def test_nonexistent_local_time_is_named() -> None:
    """A local time skipped by a DST change is rejected as nonexistent."""
    import zoneinfo

    ny = zoneinfo.ZoneInfo("America/New_York")
    assert problems(lambda: session(start=dt.datetime(2026, 3, 8, 2, 30, tzinfo=ny))) == {
        ("start", "nonexistent_time")
    }


def test_modality_cpt_code_format() -> None:
    """A modality's CPT code must have five characters."""
    base = attrs.asdict(SWEDISH, recurse=False)
    assert mm.Modality(**{**base, "cpt_code": "97124"}).cpt_code == "97124"
    assert problems(lambda: mm.Modality(**{**base, "cpt_code": "9712"})) == {("cpt_code", "format")}
