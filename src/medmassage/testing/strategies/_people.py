"""Strategies for the people of a course of care.

Patients, diagnoses, referrals, practitioners and modalities.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import strategies as st

from ...codes import Coding
from ...diagnosis import Acuity, Diagnosis, Provider, ProviderRole, Referral
from ...modalities import Modality, PressureGrade
from ...patient import (
    AdministrativeSex,
    Allergy,
    AllergyCategory,
    Clearance,
    ClinicalStatus,
    Condition,
    Consent,
    ConsentScope,
    ContactDetails,
    DeviceKind,
    HumanName,
    ImplantedDevice,
    Medication,
    MedicationClass,
    Patient,
    Pregnancy,
    RiskFlag,
    Surgery,
)
from ...practitioners import Certification, License, Practitioner
from ._base import (
    _EARLIEST,
    _LATEST,
    _cached,
    _dates,
    _letters,
    _name_part,
    _optional,
    _or,
    _sited,
    codings,
    durations,
    free_text,
    icd10cm_codes,
    identifiers,
    keys,
    npis,
    pressures,
)

# -- patient ------------------------------------------------------------------------


@_cached
def human_names(
    family: st.SearchStrategy[str] | None = None, given: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[HumanName]:
    """Names in any script (apostrophes, hyphens and spaces inside)."""
    return st.builds(
        HumanName,
        family=_or(family, _name_part()),
        given=st.lists(_or(given, _name_part()), max_size=3).map(tuple),
    )


@_cached
def _emails() -> st.SearchStrategy[str]:
    unicode_email = st.tuples(
        st.text(_letters(), min_size=1, max_size=15), st.text(_letters(), min_size=1, max_size=15)
    ).map(lambda t: f"{t[0]}@{t[1]}.example")
    return st.one_of(st.emails(), unicode_email)


@_cached
def contact_details(
    phone: st.SearchStrategy[str] | None = None,
    email: st.SearchStrategy[str] | None = None,
    address: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[ContactDetails]:
    """Contact details, each part optional."""
    return st.builds(
        ContactDetails,
        phone=_optional(_or(phone, st.from_regex(r"\A\+?[0-9][0-9 ()\-]{5,18}[0-9]\Z"))),
        email=_optional(_or(email, _emails())),
        address=_optional(_or(address, free_text(max_size=120))),
    )


@_cached
def conditions() -> st.SearchStrategy[Condition]:
    """Coded conditions of the history, with status, onset, site and note."""

    @st.composite
    def build(draw: st.DrawFn) -> Condition:
        region, laterality = draw(_sited())
        return Condition(
            code=draw(codings()),
            status=draw(st.sampled_from(ClinicalStatus)),
            onset=draw(_optional(_dates(_EARLIEST, _LATEST))),
            region=region,
            laterality=laterality,
            note=draw(_optional(free_text())),
        )

    return build()


@_cached
def _medications() -> st.SearchStrategy[Medication]:
    return st.builds(
        Medication,
        name=free_text(max_size=40),
        classes=st.frozensets(st.sampled_from(MedicationClass), max_size=3),
        code=_optional(codings()),
        active=st.booleans(),
        started=_optional(_dates(_EARLIEST, _LATEST)),
    )


@_cached
def _allergies() -> st.SearchStrategy[Allergy]:
    return st.builds(
        Allergy,
        category=st.sampled_from(AllergyCategory),
        substance=free_text(max_size=40),
        reaction=_optional(free_text()),
    )


@_cached
@st.composite
def _surgery(draw: st.DrawFn, after: dt.date) -> Surgery:
    region, laterality = draw(_sited(optional=False))
    assert region is not None
    performed = draw(_dates(after, _LATEST))
    return Surgery(
        procedure=draw(free_text(max_size=40)),
        performed_on=performed,
        region=region,
        laterality=laterality,
        code=draw(_optional(codings())),
        lymph_nodes_removed=draw(st.booleans()),
        cleared_on=draw(_optional(_dates(performed, performed + dt.timedelta(days=400)))),
    )


@_cached
@st.composite
def _device(draw: st.DrawFn) -> ImplantedDevice:
    region, laterality = draw(_sited(optional=False))
    assert region is not None
    return ImplantedDevice(
        kind=draw(st.sampled_from(DeviceKind)),
        region=region,
        laterality=laterality,
        implanted_on=draw(_optional(_dates(_EARLIEST, _LATEST))),
    )


@_cached
@st.composite
def _consent(draw: st.DrawFn) -> Consent:
    signed = draw(_dates(_EARLIEST, _LATEST))
    after = _dates(signed, signed + dt.timedelta(days=3000))
    return Consent(
        scope=draw(st.sampled_from(ConsentScope)),
        signed_on=signed,
        expires_on=draw(_optional(after)),
        revoked_on=draw(_optional(after)),
    )


@_cached
@st.composite
def _clearance(draw: st.DrawFn) -> Clearance:
    cleared = draw(_dates(_EARLIEST, _LATEST))
    return Clearance(
        cleared_by=draw(free_text(max_size=40)),
        cleared_on=cleared,
        valid_until=draw(_optional(_dates(cleared, cleared + dt.timedelta(days=300)))),
    )


@_cached
def _pregnancies() -> st.SearchStrategy[Pregnancy]:
    return st.builds(
        Pregnancy,
        gestational_weeks=st.integers(0, 42),
        recorded_on=_dates(_EARLIEST, _LATEST),
        high_risk=st.booleans(),
        clearance=_optional(_clearance()),
    )


@_cached
@st.composite
def patients(
    draw: st.DrawFn,
    *,
    ids: st.SearchStrategy[str] | None = None,
    names: st.SearchStrategy[HumanName | None] | None = None,
    contacts: st.SearchStrategy[ContactDetails | None] | None = None,
    birth_dates: st.SearchStrategy[dt.date] | None = None,
    notes: st.SearchStrategy[str] | None = None,
) -> Patient:
    """Valid patients with a full clinical history.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        ids: Strategy for the patient id (default: `identifiers`).
        names: Strategy for the optional name (default: `human_names` or ``None``).
        contacts: Strategy for the optional contact details.
        birth_dates: Strategy for the birth date (default: within the last 129 years).
        notes: Strategy for the protected free text of the history (condition
            notes, allergy reactions); default `free_text`.
    """
    today = dt.date.today()
    birth = draw(_or(birth_dates, _dates(dt.date(today.year - 129, 1, 1), today)))
    sex = draw(st.sampled_from(AdministrativeSex))
    text = _optional(_or(notes, free_text()))
    conds = draw(st.lists(conditions(), max_size=3))
    conds = [attrs.evolve(c, note=draw(text)) for c in conds]
    allergies = [
        attrs.evolve(a, reaction=draw(text)) for a in draw(st.lists(_allergies(), max_size=2))
    ]
    pregnancy = None
    if sex is not AdministrativeSex.MALE:
        pregnancy = draw(_optional(_pregnancies()))
    return Patient(
        id=draw(_or(ids, identifiers())),
        birth_date=birth,
        sex=sex,
        name=draw(names if names is not None else _optional(human_names())),
        contact=draw(contacts if contacts is not None else _optional(contact_details())),
        conditions=tuple(conds),
        medications=tuple(draw(st.lists(_medications(), max_size=3))),
        allergies=tuple(allergies),
        pregnancy=pregnancy,
        surgeries=tuple(draw(st.lists(_surgery(birth), max_size=2))),
        devices=tuple(draw(st.lists(_device(), max_size=2))),
        consents=tuple(draw(st.lists(_consent(), max_size=2))),
        flags=draw(st.frozensets(st.sampled_from(RiskFlag))),
    )


# -- diagnoses and referrals ----------------------------------------------------------


@_cached
def providers() -> st.SearchStrategy[Provider]:
    """Diagnosing or referring providers, with or without an NPI."""
    return st.builds(
        Provider,
        name=free_text(max_size=40),
        role=st.sampled_from(ProviderRole),
        npi=_optional(npis()),
    )


@_cached
@st.composite
def diagnoses(draw: st.DrawFn, *, code: st.SearchStrategy[str] | None = None) -> Diagnosis:
    """Valid diagnoses with real billable ICD-10-CM codes.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        code: Strategy for the ICD-10-CM code (default `icd10cm_codes`).
    """
    region, laterality = draw(_sited())
    onset = draw(_optional(_dates(_EARLIEST, _LATEST)))
    diagnosed_on = draw(_optional(_dates(onset or _EARLIEST, _LATEST)))
    coding = Coding.icd10cm(draw(_or(code, icd10cm_codes())), draw(_optional(free_text())))
    return Diagnosis(
        coding=coding,
        region=region,
        laterality=laterality,
        onset=onset,
        acuity=draw(_optional(st.sampled_from(Acuity))),
        diagnosed_by=draw(_optional(providers())),
        diagnosed_on=diagnosed_on,
    )


@_cached
def _unique_diagnoses(
    min_size: int = 1, max_size: int = 3
) -> st.SearchStrategy[tuple[Diagnosis, ...]]:
    return st.lists(
        diagnoses(), min_size=min_size, max_size=max_size, unique_by=lambda d: d.code
    ).map(tuple)


@_cached
@st.composite
def referrals(
    draw: st.DrawFn,
    *,
    diagnoses: st.SearchStrategy[tuple[Diagnosis, ...]] | None = None,
    instructions: st.SearchStrategy[str] | None = None,
) -> Referral:
    """Valid referrals (validated NPI, prescription, authorization, expiry, instructions).

    Args:
        draw: Supplied by hypothesis (do not pass it).
        diagnoses: Strategy for the referred diagnoses (distinct codes, at least one).
        instructions: Strategy for the protected instructions text.
    """
    referred = draw(_dates(_EARLIEST, _LATEST))
    return Referral(
        id=draw(identifiers()),
        referrer=draw(providers()),
        diagnoses=draw(_or(diagnoses, _unique_diagnoses())),
        referred_on=referred,
        frequency_per_week=draw(_optional(st.integers(1, 7))),
        duration_weeks=draw(_optional(st.integers(1, 104))),
        visits_authorized=draw(_optional(st.integers(0, 1000))),
        expires_on=draw(_optional(_dates(referred, referred + dt.timedelta(days=800)))),
        instructions=draw(_optional(_or(instructions, free_text()))),
    )


# -- practitioners and modalities -----------------------------------------------------


@_cached
def licenses() -> st.SearchStrategy[License]:
    """Licences to practise."""
    return st.builds(
        License,
        number=st.from_regex(r"\A[A-Z]{0,3}[0-9]{3,10}\Z"),
        jurisdiction=st.sampled_from(("US-WA", "US-NY", "US-TX", "CA-ON", "GB", "DE-BY")),
        expires_on=_dates(_EARLIEST, _LATEST),
        profession=st.sampled_from(("massage_therapist", "physical_therapist"))
        | free_text(max_size=30),
    )


@_cached
@st.composite
def certifications(draw: st.DrawFn, *, code: st.SearchStrategy[str] | None = None) -> Certification:
    """Certifications (``manual_lymphatic_drainage`` and other keys)."""
    issued = draw(_optional(_dates(_EARLIEST, _LATEST)))
    return Certification(
        code=draw(_or(code, st.just("manual_lymphatic_drainage") | keys())),
        issued_on=issued,
        expires_on=draw(_optional(_dates(issued or _EARLIEST, _LATEST))),
        issuer=draw(_optional(free_text(max_size=40))),
    )


@_cached
@st.composite
def practitioners(draw: st.DrawFn, *, ids: st.SearchStrategy[str] | None = None) -> Practitioner:
    """Valid practitioners with licences and certifications."""
    return Practitioner(
        id=draw(_or(ids, identifiers())),
        name=draw(_optional(free_text(max_size=40))),
        npi=draw(_optional(npis())),
        licenses=tuple(draw(st.lists(licenses(), max_size=2))),
        certifications=tuple(draw(st.lists(certifications(), max_size=2))),
    )


@_cached
@st.composite
def _grade_range(
    draw: st.DrawFn, low: PressureGrade, high: PressureGrade
) -> tuple[PressureGrade, PressureGrade]:
    a = draw(st.integers(int(low), int(high)))
    b = draw(st.integers(a, int(high)))
    return PressureGrade(a), PressureGrade(b)


@_cached
@st.composite
def modalities(draw: st.DrawFn) -> Modality:
    """Valid plugin-style modalities (never a ``core.*`` code)."""
    low, high = draw(_grade_range(PressureGrade.STATIONARY_HOLD, PressureGrade.DEEPEST))
    return Modality(
        code=draw(keys()),
        name=draw(free_text(max_size=40)),
        description=draw(free_text()),
        min_grade=low,
        max_grade=high,
        typical_duration=draw(durations(1, 240)),
        source=draw(free_text()),
        max_pressure=draw(_optional(pressures(0.1, 500))),
        required_certifications=draw(st.frozensets(keys(), max_size=2)),
        contraindication_tags=draw(st.frozensets(free_text(max_size=20), max_size=3)),
        api_version=draw(st.integers(1, 3)),
    )
