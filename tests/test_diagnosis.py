"""Diagnoses, providers (NPI check digit), codings and referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import medmassage as mm
from factories import model_dx as dx
from factories import problems
from medmassage.codes import ICD10CM, Coding, icd10cm_validation
from medmassage.diagnosis import is_valid_npi


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
    # M54.5 is a non-billable header (CMS ICD-10-CM April 2026): valid as a diagnosis.
    """A diagnosis code must exist in the release unless format validation is on."""
    assert dx("M54.5").code == "M54.5"
    # M72.20 does not exist (not in the CMS ICD-10-CM April 2026 release).
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
