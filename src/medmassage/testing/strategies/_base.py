"""Building blocks of the strategies: text, identifiers, dates and times, units, codes."""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from hypothesis import strategies as st
from typing_extensions import ParamSpec

from ...anatomy import BodyRegion, Laterality
from ...codes import Coding
from ...units import Angle, Duration, Length, Measure, Pressure, Temperature

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


#: Real billable ICD-10-CM codes of the CMS release of April 1, 2026: low back
#: pain, neck pain, sciatica, radiculopathy, carpal tunnel, fibromyalgia, myalgia,
#: TMJ, headache, plantar fasciitis, lymphoedema, tendinitis/bursitis, muscle
#: spasm, aftercare and screening-relevant codes.
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
