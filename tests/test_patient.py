"""Patient and history: construction-time validation of every field and rule."""

from __future__ import annotations

import datetime as dt
import functools

import attrs

import medmassage as mm
from factories import model_patient as patient
from factories import problems
from medmassage.codes import Coding


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
