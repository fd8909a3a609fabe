"""Hypothesis strategies that generate valid medmassage objects.

Every strategy here generates only objects that pass validation, and between
them they exercise every field, optional ones included: names and contact
details, free-text notes in arbitrary Unicode, every unit a field accepts
(durations in ``s``/``min``/``h`` and their long names; pressures in kPa, Pa,
mmHg, kgf/cm², N/cm² and psi), any IANA or fixed-offset time zone, and the
amendment trail of signed sessions. Applications use them to property-test
their own code::

    from hypothesis import given
    from medmassage.testing import strategies as mst

    @given(mst.sessions())
    def test_my_export(session):
        ...

Composite objects are consistent with each other: ``sessions(plan)`` falls
inside the plan's dates and belongs to its patient, ``cases()`` returns a
patient, plan, practitioners and chronologically ordered sessions that
`medmassage.Case` accepts.

ICD-10-CM codes are drawn from `ICD10CM_CODES`, a small curated list of real
billable codes of the CMS ICD-10-CM release of April 1, 2026 (clinical
reference section 3.1), so generated diagnoses also pass the code-set check.

Needs the ``testing`` extra (``pip install "medmassage[testing]"``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

import attrs
from hypothesis import strategies as st
from typing_extensions import ParamSpec

from .._validation import after, instant
from ..anatomy import BodyRegion, Laterality
from ..cases import Case
from ..codes import Coding
from ..diagnosis import Acuity, Diagnosis, Provider, ProviderRole, Referral
from ..modalities import BUILTIN_MODALITIES, Modality, PressureGrade
from ..outcomes import (
    ItemResponse,
    OutcomeMeasure,
    PhysicalMeasurement,
    Responses,
    ScaleResponses,
)
from ..patient import (
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
from ..plans import Comparator, Goal, PlannedTechnique, PlanStatus, TreatmentPlan
from ..practitioners import Certification, License, Practitioner
from ..sessions import (
    AdverseReaction,
    PressureFeedback,
    ReactionKind,
    ReactionSeverity,
    Session,
    SessionStatus,
    SoapNote,
    TechniqueSegment,
    VitalSigns,
)
from ..units import Angle, Duration, Length, Measure, Pressure, Temperature

__all__ = [
    "DURATION_UNITS",
    "ICD10CM_CODES",
    "PRESSURE_UNITS",
    "adverse_reactions",
    "aware_datetimes",
    "cases",
    "certifications",
    "codings",
    "conditions",
    "contact_details",
    "diagnoses",
    "durations",
    "free_text",
    "goals",
    "human_names",
    "icd10cm_codes",
    "identifiers",
    "keys",
    "licenses",
    "modalities",
    "npis",
    "outcome_measures",
    "patients",
    "planned_techniques",
    "practitioners",
    "pressures",
    "providers",
    "referrals",
    "sessions",
    "soap_notes",
    "technique_segments",
    "time_zones",
    "treatment_plans",
    "vital_signs",
]

T = TypeVar("T")
M = TypeVar("M", bound=Measure)
P = ParamSpec("P")


def _cached(fn: Callable[P, st.SearchStrategy[T]]) -> Callable[P, st.SearchStrategy[T]]:
    """Reuse the strategy built for the same arguments.

    Building a strategy is cheap but hypothesis validates each new strategy
    object on first draw; composites that build their parts on every draw would
    spend most of their time there.
    """
    cache = functools.lru_cache(maxsize=1024)(fn)

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> st.SearchStrategy[T]:
        try:
            return cache(*args, **kwargs)  # type: ignore[arg-type]
        except TypeError:  # an unhashable argument
            return fn(*args, **kwargs)

    return wrapper


#: Real billable ICD-10-CM codes of the CMS release of April 1, 2026 (clinical
#: reference section 3.1: low back pain, neck pain, sciatica, radiculopathy, carpal
#: tunnel, fibromyalgia, myalgia, TMJ, headache, plantar fasciitis, lymphoedema,
#: tendinitis/bursitis, muscle spasm, aftercare, screening-relevant codes).
ICD10CM_CODES: Final[tuple[str, ...]] = (
    "M54.50",
    "M54.51",
    "M54.59",
    "M54.2",
    "M54.30",
    "M54.31",
    "M54.32",
    "M54.40",
    "M54.41",
    "M54.42",
    "M54.16",
    "M54.17",
    "M51.16",
    "M51.26",
    "G56.00",
    "G56.01",
    "G56.02",
    "G56.03",
    "M79.7",
    "M79.10",
    "M79.11",
    "M79.12",
    "M79.18",
    "M26.601",
    "M26.602",
    "M26.603",
    "M26.609",
    "M26.621",
    "M26.69",
    "G43.909",
    "G43.009",
    "G44.209",
    "G44.221",
    "M72.2",
    "I89.0",
    "I97.2",
    "M77.10",
    "M77.11",
    "M75.21",
    "M75.50",
    "M76.61",
    "M70.62",
    "M65.4",
    "M62.830",
    "M62.838",
    "Z48.89",
    "Z47.1",
    "Z96.651",
    "I10",
    "Z79.01",
    "M81.0",
)

#: Duration units the strategies use, with their factor to minutes.
DURATION_UNITS: Final[dict[str, float]] = {
    "min": 1.0,
    "minute": 1.0,
    "minutes": 1.0,
    "h": 60.0,
    "hour": 60.0,
    "s": 1 / 60,
    "second": 1 / 60,
}

#: Pressure units the strategies use (pint spellings and the clinical shorthand).
PRESSURE_UNITS: Final[tuple[str, ...]] = (
    "kPa",
    "Pa",
    "mmHg",
    "kgf/cm**2",
    "kgf/cm2",
    "kgf/cm\u00b2",
    "N/cm**2",
    "N/cm\u00b2",
    "psi",
)

_ANGLE_UNITS: Final = ("deg", "degree", "rad")
_LENGTH_UNITS: Final = ("cm", "mm", "in", "m")
_TEMPERATURE_UNITS: Final = ("degC", "degF", "K")

_EARLIEST: Final = dt.date(1990, 1, 1)
_LATEST: Final = dt.date(2040, 12, 31)


# -- text and identifiers -------------------------------------------------------------


@_cached
def free_text(*, max_size: int = 60) -> st.SearchStrategy[str]:
    """Arbitrary Unicode text that is not blank (what free-text fields accept).

    The text may contain any character a JSON document can carry, including
    control characters, combining marks and characters outside the BMP.
    """
    edge = st.text(max_size=max_size // 2)
    core = st.characters(exclude_categories=("Cs", "Z", "Cc", "Cf", "Co", "Cn"))
    return st.tuples(edge, core, edge).map("".join)


@_cached
def _letters() -> st.SearchStrategy[str]:
    return st.characters(categories=("Lu", "Ll", "Lo", "Lt", "Lm"))


@_cached
def _name_part() -> st.SearchStrategy[str]:
    inner = st.one_of(_letters(), st.sampled_from(" '-."))
    return st.tuples(_letters(), st.text(alphabet=inner, max_size=20), _letters()).map("".join)


@_cached
def identifiers() -> st.SearchStrategy[str]:
    """Opaque ids in FHIR ``id`` syntax: 1-64 of ``A-Z a-z 0-9 - .``."""
    return st.from_regex(r"\A[A-Za-z0-9\-.]{1,64}\Z")


@_cached
def keys() -> st.SearchStrategy[str]:
    """Registry keys such as ``odi`` or ``acme.cupping`` (never ``core.*``)."""
    segment = st.from_regex(r"\A[a-z0-9_]{1,12}\Z")
    head = st.from_regex(r"\A[a-z][a-z0-9_]{0,15}\Z").filter(lambda s: s != "core")
    return st.tuples(head, st.lists(segment, max_size=2)).map(lambda t: ".".join((t[0], *t[1])))


@_cached
def npis() -> st.SearchStrategy[str]:
    """Valid 10-digit NPIs (first digit 1 or 2, Luhn check digit over ``80840``)."""

    def with_check_digit(body: str) -> str:
        total = 0
        for i, ch in enumerate(reversed("80840" + body)):
            d = int(ch)
            if i % 2 == 0:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        return body + str((10 - total % 10) % 10)

    return st.from_regex(r"\A[12][0-9]{8}\Z").map(with_check_digit)


# -- dates and times ----------------------------------------------------------------


@_cached
def time_zones() -> st.SearchStrategy[dt.tzinfo]:
    """IANA zones (`zoneinfo.ZoneInfo`), UTC and fixed offsets (whole minutes or seconds)."""
    # Whole seconds: real offsets (historic local mean time included) never have
    # microseconds, and CPython 3.11's fromisoformat drops a microseconds-only offset.
    offsets = st.integers(-(24 * 3600 - 1), 24 * 3600 - 1).map(lambda s: dt.timedelta(seconds=s))
    whole_minutes = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: dt.timedelta(minutes=m))
    return st.one_of(
        st.timezones(),
        st.just(dt.UTC),
        st.builds(dt.timezone, whole_minutes),
        st.builds(dt.timezone, offsets),
    )


#: Zones whose daylight-saving changes `aware_datetimes` aims at: an hour back in
#: autumn (Chicago, London), half an hour (Lord Howe), a negative DST (Dublin) and
#: the southern hemisphere (Santiago).
_DST_ZONES: Final = (
    "America/Chicago",
    "Europe/London",
    "Australia/Lord_Howe",
    "Europe/Dublin",
    "America/Santiago",
)


@functools.cache
def _transitions(zone: str, year: int) -> tuple[dt.datetime, ...]:
    """The instants (UTC, to the minute) in *year* at which *zone*'s UTC offset changes."""
    tz = zoneinfo.ZoneInfo(zone)
    found: list[dt.datetime] = []
    day = dt.timedelta(days=1)
    t = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    before = t.astimezone(tz).utcoffset()
    while t.year == year:
        offset = (t + day).astimezone(tz).utcoffset()
        if offset != before:
            low, high = t, t + day
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
            before = offset
        t += day
    return tuple(found)


@_cached
@st.composite
def _near_transitions(draw: st.DrawFn, min_date: dt.date, max_date: dt.date) -> dt.datetime | None:
    """A time within two hours of a daylight-saving change, or ``None`` if there is none."""
    low, high = max(min_date.year, 1970), min(max_date.year, 2100)
    if low > high:
        return None
    zone = draw(st.sampled_from(_DST_ZONES))
    changes = _transitions(zone, draw(st.integers(low, high)))
    if not changes:
        return None
    at = draw(st.sampled_from(changes)) + dt.timedelta(seconds=draw(st.integers(-7200, 7200)))
    local = at.astimezone(zoneinfo.ZoneInfo(zone))
    return local if min_date <= local.date() <= max_date else None


@_cached
@st.composite
def aware_datetimes(
    draw: st.DrawFn, min_date: dt.date = _EARLIEST, max_date: dt.date = _LATEST
) -> dt.datetime:
    """Time-zone-aware date-times whose *local* date lies in ``[min_date, max_date]``.

    Any IANA or fixed-offset zone; a quarter of them lie within two hours of a
    daylight-saving change (both sides of the repeated hour when clocks go back,
    ``fold`` 0 and 1). Times that do not exist on the local clock (skipped when
    clocks go forward) are not generated.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        min_date: The earliest local date.
        max_date: The latest local date.
    """
    if draw(st.integers(0, 3)) == 0:
        near = draw(_near_transitions(min_date, max_date))
        if near is not None:
            return near
    return draw(
        st.datetimes(
            min_value=dt.datetime.combine(min_date, dt.time.min),
            max_value=dt.datetime.combine(max_date, dt.time.max),
            timezones=time_zones(),
            allow_imaginary=False,
        )
    )


@_cached
def _dates(low: dt.date, high: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=low, max_value=max(low, high))


@_cached
def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


@_cached
def _or(
    strategy: st.SearchStrategy[T] | None, default: st.SearchStrategy[T]
) -> st.SearchStrategy[T]:
    return default if strategy is None else strategy


# -- units --------------------------------------------------------------------------


@functools.cache
def _factor(cls: type[Measure], unit: str) -> float:
    return cls(1, unit).canonical


@_cached
def _measures(cls: type[M], low: float, high: float, units: Sequence[str]) -> st.SearchStrategy[M]:
    """*cls* values whose canonical magnitude lies in ``[low, high]``, in any of *units*."""

    @st.composite
    def build(draw: st.DrawFn) -> M:
        unit = draw(st.sampled_from(units))
        factor = _factor(cls, unit)  # type: ignore[arg-type]
        lo, hi = low / factor, high / factor
        value: float = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
        style = draw(st.integers(0, 3))
        if style == 1 and math.ceil(lo) <= math.floor(hi):
            value = draw(st.integers(math.ceil(lo), math.floor(hi)))
        elif style == 2:
            value = round(value, 2)
        return cls(value, unit)

    return build().filter(lambda m: low <= m.canonical <= high)


def durations(
    min_minutes: float = 0.5,
    max_minutes: float = 240.0,
    *,
    units: Sequence[str] = tuple(DURATION_UNITS),
) -> st.SearchStrategy[Duration]:
    """Durations between *min_minutes* and *max_minutes*, in any of *units*.

    Magnitudes are whole numbers, two-decimal numbers or arbitrary floats.
    """
    return _measures(Duration, min_minutes, max_minutes, units)


def pressures(
    min_kpa: float = 0.01,
    max_kpa: float = 1000.0,
    *,
    units: Sequence[str] = PRESSURE_UNITS,
) -> st.SearchStrategy[Pressure]:
    """Pressures between *min_kpa* and *max_kpa*, in any of *units*."""
    return _measures(Pressure, min_kpa, max_kpa, units)


@_cached
def _angles() -> st.SearchStrategy[Angle]:
    return _measures(Angle, 0.0, 360.0, _ANGLE_UNITS)


@_cached
def _lengths() -> st.SearchStrategy[Length]:
    return _measures(Length, 1.0, 150.0, _LENGTH_UNITS)


@_cached
@st.composite
def _temperatures(draw: st.DrawFn) -> Temperature:
    # Temperature scales are affine, so convert from Celsius rather than by a factor.
    celsius = draw(st.floats(25.5, 44.5))
    unit = draw(st.sampled_from(_TEMPERATURE_UNITS))
    value = {"degC": celsius, "degF": celsius * 9 / 5 + 32, "K": celsius + 273.15}[unit]
    return Temperature(round(value, draw(st.integers(1, 12))), unit)


# -- codes, anatomy -----------------------------------------------------------------


@_cached
def icd10cm_codes() -> st.SearchStrategy[str]:
    """Real billable ICD-10-CM codes from `ICD10CM_CODES` (dotted form)."""
    return st.sampled_from(ICD10CM_CODES)


@_cached
def codings(*, icd10cm_only: bool = False) -> st.SearchStrategy[Coding]:
    """Codings: ICD-10-CM (any accepted spelling), SNOMED CT and other systems."""
    spelled = st.tuples(icd10cm_codes(), st.integers(0, 2)).map(
        lambda t: (t[0], t[0].replace(".", ""), t[0].lower())[t[1]]
    )
    icd = st.builds(Coding.icd10cm, spelled, _optional(free_text()))
    if icd10cm_only:
        return icd
    snomed = st.builds(
        Coding.snomed, st.from_regex(r"\A[1-9][0-9]{5,17}\Z"), _optional(free_text())
    )
    other = st.builds(
        Coding,
        system=st.sampled_from(
            ("http://www.nlm.nih.gov/research/umls/rxnorm", "urn:oid:2.16.840.1.113883.6.88")
        ),
        code=free_text(max_size=20),
        display=_optional(free_text()),
    )
    return st.one_of(icd, snomed, other)


@_cached
@st.composite
def _sited(draw: st.DrawFn, optional: bool = True) -> tuple[BodyRegion | None, Laterality | None]:
    """A (region, laterality) pair where paired regions always have a side."""
    region = draw(
        _optional(st.sampled_from(BodyRegion)) if optional else st.sampled_from(BodyRegion)
    )
    if region is None:
        return None, None
    side = st.sampled_from(Laterality)
    laterality = draw(side if region.paired else _optional(side))
    return region, laterality


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


# -- plans --------------------------------------------------------------------------


@_cached
def _modality_codes() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(sorted(BUILTIN_MODALITIES)), keys())


def _grade_bounds(code: str) -> tuple[PressureGrade, PressureGrade]:
    """The Walton grades a built-in modality allows; the whole scale for a plugin key."""
    builtin = BUILTIN_MODALITIES.get(code)
    if builtin is None:
        return PressureGrade(0), PressureGrade(5)
    return builtin.min_grade, builtin.max_grade


@_cached
@st.composite
def planned_techniques(
    draw: st.DrawFn, *, max_minutes: float = 180.0, modality: str | None = None
) -> PlannedTechnique:
    """Planned techniques whose pressure lies inside their built-in modality's range.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        max_minutes: The longest planned time (at least 1 minute).
        modality: A fixed modality code; default a built-in or a plugin key.
    """
    code = modality if modality is not None else draw(_modality_codes())
    region, laterality = draw(_sited(optional=False))
    assert region is not None
    builtin = BUILTIN_MODALITIES.get(code)
    low, high = _grade_bounds(code)
    min_grade, max_grade = draw(_grade_range(low, high))
    ceiling = (
        builtin.max_pressure.kpa
        if builtin is not None and builtin.max_pressure is not None
        else 500.0
    )
    return PlannedTechnique(
        modality=code,
        region=region,
        laterality=laterality,
        duration=draw(durations(1, min(180.0, max_minutes))),
        min_grade=min_grade,
        max_grade=max_grade,
        max_pressure=draw(_optional(pressures(0.1, ceiling))),
    )


@_cached
@st.composite
def goals(draw: st.DrawFn, *, not_before: dt.date = _EARLIEST) -> Goal:
    """Measurable goals with a target on an instrument's scale."""
    return Goal(
        id=draw(identifiers()),
        instrument=draw(st.sampled_from(("odi", "nprs", "ndi", "psfs", "lefs", "ppt")) | keys()),
        target=draw(
            st.one_of(
                st.integers(-1_000_000, 1_000_000),
                st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
            )
        ),
        comparator=draw(st.sampled_from(Comparator)),
        target_date=draw(_optional(_dates(not_before, not_before + dt.timedelta(days=400)))),
        description=draw(_optional(free_text())),
    )


@_cached
@st.composite
def treatment_plans(
    draw: st.DrawFn,
    *,
    patient_id: str | None = None,
    practitioner_id: str | None = None,
    diagnoses: st.SearchStrategy[tuple[Diagnosis, ...]] | None = None,
    precautions: st.SearchStrategy[str] | None = None,
) -> TreatmentPlan:
    """Valid treatment plans: goals, techniques fitting the session, schedule, referral.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        patient_id: The patient's id (default: generated).
        practitioner_id: The therapist's id (default: generated).
        diagnoses: Strategy for the diagnoses (distinct codes, at least one).
        precautions: Strategy for the protected precaution texts.
    """
    session_length = draw(durations(5, 180))
    budget = session_length.minutes * 0.999
    count = draw(st.integers(1, min(4, int(budget))))
    techniques = tuple(draw(planned_techniques(max_minutes=budget / count)) for _ in range(count))
    start = draw(_dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)))
    weeks = draw(st.integers(1, 52))
    end = start + dt.timedelta(weeks=weeks, days=-1)
    plan_goals = draw(st.lists(goals(not_before=start), max_size=3, unique_by=lambda g: g.id))
    dx = draw(_or(diagnoses, _unique_diagnoses()))
    referral = None
    if draw(st.booleans()):
        same = draw(st.booleans())
        referral = draw(referrals(instructions=precautions))
        if same:
            referral = attrs.evolve(referral, diagnoses=dx)
    return TreatmentPlan(
        id=draw(identifiers()),
        patient_id=patient_id if patient_id is not None else draw(identifiers()),
        practitioner_id=practitioner_id if practitioner_id is not None else draw(identifiers()),
        diagnoses=dx,
        techniques=techniques,
        session_length=session_length,
        sessions_per_week=draw(st.integers(1, 7)),
        duration_weeks=weeks,
        start_date=start,
        goals=tuple(plan_goals),
        referral=referral,
        reevaluation_date=draw(_optional(_dates(start, end))),
        precautions=tuple(draw(st.lists(_or(precautions, free_text()), max_size=2))),
        status=draw(st.sampled_from(PlanStatus)),
    )


# -- outcomes and sessions ------------------------------------------------------------


@_cached
def _item_responses() -> st.SearchStrategy[ItemResponse]:
    return st.one_of(
        st.none(),
        st.integers(-10, 100),
        st.floats(-100, 100, allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.sampled_from(("never", "rarely", "sometimes", "very often", "always")),
        free_text(max_size=20),
    )


@_cached
def _responses() -> st.SearchStrategy[Responses]:
    items = st.lists(_item_responses(), max_size=12).map(tuple)
    scales = st.dictionaries(keys(), items, min_size=1, max_size=3).map(ScaleResponses)
    return st.one_of(items, scales)


@_cached
def _physical() -> st.SearchStrategy[tuple[PhysicalMeasurement, ...]]:
    trials: list[st.SearchStrategy[tuple[PhysicalMeasurement, ...]]] = [
        st.lists(pressures(0.5, 1500), min_size=1, max_size=4).map(tuple),
        st.lists(_angles(), min_size=1, max_size=4).map(tuple),
        st.lists(_lengths(), min_size=1, max_size=4).map(tuple),
    ]
    return st.one_of(trials)


@_cached
@st.composite
def outcome_measures(
    draw: st.DrawFn,
    *,
    taken_at: st.SearchStrategy[dt.datetime] | None = None,
    notes: st.SearchStrategy[str] | None = None,
) -> OutcomeMeasure:
    """One administration of an instrument: a score, item responses and/or measurements.

    Physical measurements use every accepted unit: pressure pain thresholds in
    kPa, kgf/cm², mmHg ..., range of motion in degrees or radians, limb
    circumference in cm, mm, in or m.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        taken_at: Strategy for when it was taken (default `aware_datetimes`).
        notes: Strategy for the protected note.
    """
    kinds = draw(st.sets(st.sampled_from(("value", "responses", "measurements")), min_size=1))
    value: float | None = None
    if "value" in kinds:
        value = draw(st.one_of(st.integers(-1000, 1000), st.floats(-1e9, 1e9, allow_nan=False)))
    responses = draw(_responses()) if "responses" in kinds else None
    measurements = draw(_physical()) if "measurements" in kinds else ()
    region, laterality = draw(_sited())
    return OutcomeMeasure(
        instrument=draw(st.sampled_from(("odi", "nprs", "ndi", "ppt", "rom", "girth")) | keys()),
        taken_at=draw(_or(taken_at, aware_datetimes())),
        value=value,
        responses=responses,
        measurements=measurements,
        region=region,
        laterality=laterality,
        movement=draw(_optional(st.sampled_from(("cervical_rotation", "lumbar_flexion")) | keys())),
        note=draw(_optional(_or(notes, free_text()))),
    )


@_cached
@st.composite
def technique_segments(
    draw: st.DrawFn, *, max_minutes: float = 240.0, modality: str | None = None
) -> TechniqueSegment:
    """Applied technique segments whose pressure and grade fit a built-in modality.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        max_minutes: The longest segment (at least 0.5 minute).
        modality: A fixed modality code; default a built-in or a plugin key.
    """
    code = modality if modality is not None else draw(_modality_codes())
    region, laterality = draw(_sited(optional=False))
    assert region is not None
    builtin = BUILTIN_MODALITIES.get(code)
    low, high = _grade_bounds(code)
    ceiling = (
        builtin.max_pressure.kpa
        if builtin is not None and builtin.max_pressure is not None
        else 1000.0
    )
    return TechniqueSegment(
        modality=code,
        region=region,
        laterality=laterality,
        duration=draw(durations(0.5, min(240.0, max_minutes))),
        pressure=draw(_optional(pressures(0.01, ceiling))),
        grade=draw(_optional(st.integers(int(low), int(high)).map(PressureGrade))),
        feedback=draw(_optional(st.sampled_from(PressureFeedback))),
        discomfort=draw(_optional(st.integers(0, 10))),
    )


@_cached
def soap_notes(text: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[SoapNote]:
    """SOAP notes; each part optional protected free text."""
    part = _optional(_or(text, free_text(max_size=120)))
    return st.builds(SoapNote, subjective=part, objective=part, assessment=part, plan=part)


@_cached
@st.composite
def vital_signs(draw: st.DrawFn) -> VitalSigns:
    """Vital signs: blood pressure in any pressure unit, heart rate, temperature."""
    mmhg = 0.133322387415  # kPa per mmHg (clinical reference section 6)
    systolic = draw(_optional(pressures(100.5 * mmhg, 299.5 * mmhg)))
    diastolic = None
    if draw(st.booleans()):
        ceiling = min(199.5, systolic.m_as("mmHg") - 1) if systolic is not None else 199.5
        diastolic = draw(pressures(20.5 * mmhg, ceiling * mmhg))
    return VitalSigns(
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=draw(_optional(st.integers(20, 250))),
        temperature=draw(_optional(_temperatures())),
    )


@_cached
def adverse_reactions(
    notes: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[AdverseReaction]:
    """Adverse reactions with optional site, onset and note."""

    @st.composite
    def build(draw: st.DrawFn) -> AdverseReaction:
        region, laterality = draw(_sited())
        return AdverseReaction(
            kind=draw(st.sampled_from(ReactionKind)),
            severity=draw(st.sampled_from(ReactionSeverity)),
            region=region,
            laterality=laterality,
            onset=draw(_optional(aware_datetimes())),
            resolved=draw(st.booleans()),
            note=draw(_optional(_or(notes, free_text()))),
        )

    return build()


@_cached
@st.composite
def sessions(
    draw: st.DrawFn,
    plan: TreatmentPlan | None = None,
    *,
    patient_id: str | None = None,
    practitioner_id: str | None = None,
    notes: st.SearchStrategy[str] | None = None,
    signed: bool | None = None,
    ids: st.SearchStrategy[str] | None = None,
) -> Session:
    """Valid sessions, optionally of *plan* (inside its dates, for its patient).

    Sessions may be signed and amended; segments never add up to more than the
    session's duration; a cancelled or missed session has no segments.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        plan: The plan the session belongs to; its segments then mostly follow the
            plan's techniques.
        patient_id: The patient's id (default: the plan's, else generated).
        practitioner_id: Who treated (default: the plan's author, else generated).
        notes: Strategy for the protected free text (SOAP note, reactions, amendment
            reasons, outcome notes); default `free_text`.
        signed: Force signed (``True``) or unsigned (``False``); default either.
            Signed sessions are signed with `Session.sign` and amended with
            `Session.amend` (the only ways to build one; ``attrs.evolve`` of a
            signed session is refused).
        ids: Strategy for the session id (default: `identifiers`).
    """
    if plan is not None:
        start = draw(aware_datetimes(plan.start_date, plan.end_date))
        pid = patient_id or plan.patient_id
        who = practitioner_id or plan.practitioner_id
    else:
        start = draw(aware_datetimes())
        pid = patient_id or draw(identifiers())
        who = practitioner_id or draw(identifiers())
    duration = draw(durations(1, 480))
    status = draw(st.sampled_from(SessionStatus))
    segments: list[TechniqueSegment] = []
    if status is SessionStatus.COMPLETED:
        budget = duration.minutes * 0.999
        count = draw(st.integers(0, min(4, int(budget / 0.5))))
        for _ in range(count):
            fixed = None
            if plan is not None and draw(st.booleans()):
                fixed = draw(st.sampled_from(plan.techniques)).modality
            segment = draw(technique_segments(max_minutes=budget / count, modality=fixed))
            segments.append(segment)
    text = _or(notes, free_text(max_size=120))
    later = st.timedeltas(dt.timedelta(0), dt.timedelta(days=30))
    session = Session(
        id=draw(_or(ids, identifiers())),
        patient_id=pid,
        practitioner_id=who,
        start=start,
        duration=duration,
        plan_id=plan.id if plan is not None else draw(_optional(identifiers())),
        status=status,
        segments=tuple(segments),
        note=draw(_optional(soap_notes(text))),
        outcomes=tuple(
            draw(
                st.lists(
                    outcome_measures(taken_at=st.just(start), notes=text)
                    | outcome_measures(notes=text),
                    max_size=2,
                )
            )
        ),
        adverse_reactions=tuple(draw(st.lists(adverse_reactions(text), max_size=2))),
        vitals=draw(_optional(vital_signs())),
    )
    if signed is False or (signed is None and draw(st.booleans())):
        return session
    session = session.sign(who, after(start, draw(later)))
    for _ in range(draw(st.integers(0, 2))):
        session = session.amend(
            by=draw(identifiers()),
            at=after(start, draw(later)),
            reason=draw(text),
            note=draw(_optional(soap_notes(text))),
        )
    return session


# -- cases --------------------------------------------------------------------------


@_cached
@st.composite
def cases(draw: st.DrawFn, *, max_sessions: int = 4) -> Case:
    """Valid cases: a patient, a plan for them, practitioners and ordered sessions.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        max_sessions: The most sessions to generate.
    """
    patient = draw(patients())
    team = draw(st.lists(practitioners(), min_size=1, max_size=3, unique_by=lambda p: p.id))
    plan = draw(treatment_plans(patient_id=patient.id, practitioner_id=team[0].id))
    ids = draw(st.lists(identifiers(), max_size=max_sessions, unique=True))
    found = [
        draw(
            sessions(plan, practitioner_id=draw(st.sampled_from(team)).id, ids=st.just(session_id))
        )
        for session_id in ids
    ]
    # By instant: one zone's date-times compare by wall time, which is wrong when
    # clocks go back (01:30 CST, fold=1, is later than 01:45 CDT).
    found.sort(key=lambda s: instant(s.start))
    return Case(patient=patient, plan=plan, sessions=tuple(found), practitioners=tuple(team))
