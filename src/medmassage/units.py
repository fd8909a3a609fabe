"""Unit-carrying physical values: durations, pressures, lengths and angles.

Every physical value in medmassage is one of the small immutable types here.
Each keeps the magnitude and unit exactly as given (so ``{"value": 30, "unit":
"min"}`` survives a JSON round trip unchanged) and the magnitude in a canonical
unit, computed once. Comparison, sorting and range checks use the canonical
float, so ``30 min``, ``0.5 h`` and ``1800 s`` are interchangeable and ``4 kPa``
compares correctly with ``30 mmHg``.

The conversion factor for each unit string is asked of `pint` the first time
that unit is seen and cached. pint itself is imported only then: importing
medmassage builds no unit registry. By default the registry is pint's
application registry (:func:`pint.get_application_registry`), so quantities a
user already has interoperate; :func:`set_unit_registry` changes it.

>>> from medmassage.units import Duration, Pressure
>>> Duration(30, "min") == Duration.parse("0.5 h")
True
>>> Pressure(4, "kPa") > Pressure(29, "mmHg")
True
>>> round(Pressure.parse("30 mmHg").to("kPa").value, 6)
3.999672
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Final,
    Protocol,
    Self,
    TypeVar,
    cast,
    runtime_checkable,
)

from .exceptions import Problem, UnitError

if TYPE_CHECKING:
    import pint
    import pint.registry

__all__ = [
    "Angle",
    "Duration",
    "Length",
    "Measure",
    "MeasureLike",
    "Pressure",
    "SupportsQuantity",
    "Temperature",
    "get_unit_registry",
    "set_unit_registry",
]

M = TypeVar("M", bound="Measure")

#: The largest magnitude a measure accepts (a guard against absurd or overflowing input).
MAX_MAGNITUDE: Final = 1e12


@runtime_checkable
class SupportsQuantity(Protocol):
    """Anything shaped like a `pint.Quantity`: a magnitude and units."""

    @property
    def magnitude(self) -> Any:
        """The number."""

    @property
    def units(self) -> Any:
        """The unit object."""


_lock = threading.Lock()
_registry: pint.UnitRegistry[float] | None = None
# Exact definitions of the spellings records commonly use, so that typical records are
# read without building pint's registry (about 0.4 s in a fresh process); every other
# unit is asked of pint once. pint stays the authority: tests/test_units.py checks every
# entry against it.
_SEED: Final[dict[tuple[str, str], float]] = {
    ("minute", "min"): 1.0,
    ("minute", "minute"): 1.0,
    ("minute", "minutes"): 1.0,
    ("minute", "h"): 60.0,
    ("minute", "hour"): 60.0,
    ("minute", "s"): 1 / 60,
    ("minute", "second"): 1 / 60,
    ("minute", "hours"): 60.0,
    ("minute", "seconds"): 1 / 60,
    ("kPa", "kPa"): 1.0,
    ("kPa", "Pa"): 1e-3,
    # 1 mmHg = 133.322387415 Pa (conventional millimetre of mercury, NIST SP 811 B.8).
    ("kPa", "mmHg"): 0.133322387415,
    # 1 kgf = 9.80665 N (standard gravity, exact): 1 kgf/cm² = 98.0665 kPa.
    ("kPa", "kgf/cm**2"): 98.0665,
    ("kPa", "kgf/cm2"): 98.0665,
    ("kPa", "kgf/cm\u00b2"): 98.0665,
    ("kPa", "N/cm**2"): 10.0,
    ("kPa", "N/cm2"): 10.0,
    ("kPa", "N/cm\u00b2"): 10.0,
    # 1 psi = 1 lbf/in² = 0.45359237 kg x 9.80665 m/s² / (0.0254 m)² (exact definitions).
    ("kPa", "psi"): 0.45359237 * 9.80665 / 0.0254**2 / 1000,
    ("cm", "cm"): 1.0,
    ("cm", "mm"): 0.1,
    ("cm", "m"): 100.0,
    ("cm", "in"): 2.54,
    ("degree", "deg"): 1.0,
    ("degree", "degree"): 1.0,
    ("degree", "degrees"): 1.0,
    ("degree", "rad"): 180 / math.pi,
}
# Every concrete measure class, so that a registry change can reset their unit caches.
_classes: list[type[Measure]] = []


def get_unit_registry() -> pint.UnitRegistry[float]:
    """Return the pint unit registry medmassage uses, creating it on first use.

    Defaults to pint's application registry, so a user's own quantities work
    with medmassage's.
    """
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                import pint

                _registry = cast("pint.UnitRegistry[float]", pint.get_application_registry())  # type: ignore[no-untyped-call]
    return _registry


def set_unit_registry(registry: pint.UnitRegistry[float] | None) -> None:
    """Use *registry* for all unit handling from now on (``None`` restores the default).

    The cache of conversion factors is cleared, since the new registry may define
    units differently.
    """
    global _registry
    with _lock:
        _registry = registry
        for cls in _classes:
            cls._reset_units()


_NUMBER_UNIT = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>\S.*?)\s*$"
)
_INTEGER = re.compile(r"^[-+]?\d+$")


class Measure:
    """Base class of unit-carrying values. Use a concrete subclass.

    Instances are immutable; ``value`` and ``unit`` are exactly what was given
    and ``canonical`` is the magnitude in the class's `CANONICAL_UNIT`.

    Args:
        value: The magnitude, a finite `int` or `float` (not `bool`).
        unit: A unit string pint understands (``"min"``, ``"kPa"``, ``"mmHg"``,
            ``"kgf/cm**2"``, ...).

    Raises:
        UnitError: If the value is not a finite number or the unit is unknown or
            of the wrong dimension.
    """

    # Two slots only: the canonical magnitude is derived from the cached factor of
    # the (interned) unit string, which keeps a measure as small as possible.
    __slots__ = ("_unit", "_value")

    #: Canonical unit (pint spelling) in which magnitudes are compared.
    CANONICAL_UNIT: ClassVar[str]
    #: The pint dimensionality this measure must have, e.g. ``"[time]"``.
    DIMENSION: ClassVar[str]
    #: A human word for the kind of measure, used in messages.
    KIND: ClassVar[str]
    #: Examples of accepted units, used in messages.
    EXAMPLES: ClassVar[str]

    # unit string as given -> (the interned unit string, factor to CANONICAL_UNIT)
    _units: ClassVar[dict[str, tuple[str, float]]]
    # unit string -> the problem pint found with it for this class (bounded): a unit
    # of another dimension is refused on every use, and pint asked only once.
    _refused: ClassVar[dict[str, Problem]]

    _value: float
    _unit: str

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        _classes.append(cls)
        cls._reset_units()

    @classmethod
    def _reset_units(cls) -> None:
        # Cleared in place, never replaced: structuring hooks hold on to the dict.
        units = cls.__dict__.get("_units")
        if units is None:
            units = cls._units = {}
        units.clear()
        cls._refused = {}
        units.update(
            (unit, (unit, factor))
            for (canonical, unit), factor in _SEED.items()
            if canonical == cls.CANONICAL_UNIT
        )

    def __init__(self, value: float, unit: str) -> None:
        cls = type(self)
        if (
            type(value) is not float and type(value) is not int
        ) or not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            _check_value(cls, value)
        if not isinstance(unit, str):
            raise UnitError([Problem("unit", f"expected a unit string for a {cls.KIND}", "type")])
        entry = cls._units.get(unit)
        if entry is None:
            entry = _resolve(cls, unit)
        _set_value(self, value)
        _set_unit(self, entry[0])

    # -- construction -------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse a string such as ``"30 min"`` or ``"4.5 kPa"``.

        Raises:
            UnitError: If the text is not a number followed by a unit of this kind.
        """
        if not isinstance(text, str):
            raise UnitError([Problem("", f"expected a string like '{cls.EXAMPLES}'", "type")])
        match = _NUMBER_UNIT.match(text)
        if match is None:
            raise UnitError(
                [
                    Problem(
                        "",
                        f"expected a number and a unit for a {cls.KIND}, like '{cls.EXAMPLES}'",
                        "format",
                    )
                ]
            )
        num = match["num"]
        value: float = int(num) if _INTEGER.match(num) else float(num)
        return cls(value, match["unit"])

    @classmethod
    def coerce(cls, obj: MeasureLike) -> Self:
        """Turn *obj* into this measure type.

        Accepts an instance of this class, a pint `Quantity` (any registry: its
        magnitude and abbreviated unit are kept), a string such as ``"30 min"``,
        or a mapping ``{"value": ..., "unit": ...}``.

        Raises:
            UnitError: If *obj* is none of these, or has the wrong dimension.
        """
        if type(obj) is cls:
            return obj
        if isinstance(obj, str):
            return cls.parse(obj)
        if isinstance(obj, Measure):
            if isinstance(obj, cls):
                return obj
            raise UnitError(
                [
                    Problem(
                        "",
                        f"expected a {cls.KIND} ({cls.EXAMPLES}), got a {obj.KIND}",
                        "dimension",
                    )
                ]
            )
        if isinstance(obj, Mapping):
            return cls.from_dict(obj)
        if isinstance(obj, SupportsQuantity):
            magnitude = obj.magnitude
            if not isinstance(magnitude, int | float) or isinstance(magnitude, bool):
                raise UnitError([Problem("", "expected a scalar pint Quantity", "type")])
            return cls(magnitude, format(obj.units, "~"))
        raise UnitError(
            [
                Problem(
                    "",
                    f"expected a {cls.KIND}: a {cls.__name__}, a pint Quantity, "
                    f"a string like '{cls.EXAMPLES}' or {{'value': ..., 'unit': ...}}",
                    "type",
                )
            ]
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Self:
        """Build from the JSON form ``{"value": ..., "unit": ...}``.

        Raises:
            UnitError: If keys are missing or extra, or the values are invalid.
        """
        if not isinstance(data, Mapping):
            raise UnitError([Problem("", "expected an object with 'value' and 'unit'", "type")])
        problems = [
            Problem(key, "required", "required") for key in ("value", "unit") if key not in data
        ]
        problems.extend(
            Problem(str(key), "unexpected key", "extra")
            for key in data
            if key not in ("value", "unit")
        )
        if problems:
            raise UnitError(problems)
        return cls(data["value"], data["unit"])  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, float | str]:
        """Return the lossless JSON form ``{"value": ..., "unit": ...}``."""
        return {"value": self._value, "unit": self._unit}

    # -- access -------------------------------------------------------------------

    @property
    def value(self) -> float:
        """The magnitude exactly as given."""
        return self._value

    @property
    def unit(self) -> str:
        """The unit string exactly as given."""
        return self._unit

    @property
    def _canonical(self) -> float:
        return self._value * self._units[self._unit][1]

    @property
    def canonical(self) -> float:
        """The magnitude in `CANONICAL_UNIT`."""
        return self._value * self._units[self._unit][1]

    @property
    def quantity(self) -> pint.registry.Quantity[float]:
        """This value as a pint `Quantity` in the registry in use."""
        return get_unit_registry().Quantity(self._value, self._unit)

    def m_as(self, unit: str) -> float:
        """Return the magnitude expressed in *unit*.

        Raises:
            UnitError: If *unit* is unknown or of another dimension.
        """
        cls = type(self)
        entry = cls._units.get(unit)
        if entry is None:
            entry = _resolve(cls, unit)
        return self._canonical / entry[1]

    def to(self, unit: str) -> Self:
        """Return the same amount expressed in *unit*."""
        return type(self)(self.m_as(unit), unit)

    # -- protocol -----------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self._value, self._unit))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._value!r}, {self._unit!r})"

    def __str__(self) -> str:
        return f"{self._value:g} {self._unit}"

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self._canonical == other._canonical
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self), self._canonical))

    def _check(self, other: object) -> float:
        if type(other) is not type(self):
            raise TypeError(f"cannot compare a {type(self).__name__} with a {type(other).__name__}")
        return other._canonical

    def __lt__(self, other: Self) -> bool:
        return self._canonical < self._check(other)

    def __le__(self, other: Self) -> bool:
        return self._canonical <= self._check(other)

    def __gt__(self, other: Self) -> bool:
        return self._canonical > self._check(other)

    def __ge__(self, other: Self) -> bool:
        return self._canonical >= self._check(other)

    def __add__(self, other: Self) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        if other._unit == self._unit:
            return type(self)(self._value + other._value, self._unit)
        return type(self)(self._canonical + other._canonical, self.CANONICAL_UNIT)

    def __radd__(self, other: object) -> Self:
        # Lets sum() start from 0.
        if other == 0 and not isinstance(other, bool):
            return self
        return NotImplemented

    def __sub__(self, other: Self) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        if other._unit == self._unit:
            return type(self)(self._value - other._value, self._unit)
        return type(self)(self._canonical - other._canonical, self.CANONICAL_UNIT)

    def __bool__(self) -> bool:
        return self._canonical != 0


# The slots' own setters: faster than object.__setattr__ on this hot path.
_set_value = vars(Measure)["_value"].__set__
_set_unit = vars(Measure)["_unit"].__set__


def structure_hook(cls: type[M]) -> Callable[[object, object], M]:
    """Return a fast structuring function for *cls* from ``{"value": .., "unit": ..}``.

    Well-formed input in a known unit is built without the general constructor's
    overhead; anything else goes through `Measure.from_dict`, which reports every
    problem.
    """
    new = object.__new__
    units = cls._units

    def structure(data: object, _: object) -> M:
        if type(data) is dict and len(data) == 2:
            value = data.get("value")
            unit = data.get("unit")
            entry = units.get(unit) if type(unit) is str else None
            if (
                entry is not None
                and (type(value) is int or type(value) is float)
                and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE
            ):
                obj = new(cls)
                _set_value(obj, value)
                _set_unit(obj, entry[0])
                return obj
        return cls.from_dict(data)  # type: ignore[arg-type]

    return structure


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _check_value(cls: type[Measure], value: object) -> None:
    """Raise the right `UnitError` for a magnitude that is not a usable number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnitError([Problem("value", f"expected a number for a {cls.KIND}", "type")])
    try:
        ok = math.isfinite(value) and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE
    except OverflowError:
        ok = False
    if not ok:
        raise UnitError(
            [
                Problem(
                    "value",
                    f"expected a finite {cls.KIND} magnitude of at most "
                    f"{MAX_MAGNITUDE:g} in absolute value",
                    "finite",
                )
            ]
        )


# Only a length symbol takes a bare power digit: cm2 -> cm**2, but cmH2O stays as it is.
_POWER = re.compile(r"(?<![A-Za-z_])(mm|cm|dm|km|m|in|ft)([23])(?![0-9.A-Za-z_])")


def _pint_spelling(unit: str) -> str:
    """Spell clinical shorthand the way pint parses it (``cm2``, ``cm²`` -> ``cm**2``)."""
    return _POWER.sub(r"\1**\2", unit.replace("\u00b2", "2").replace("\u00b3", "3"))


#: The most refused unit strings remembered per measure class.
_MAX_REFUSED: Final = 1024


def _resolve(cls: type[Measure], unit: str) -> tuple[str, float]:
    """Ask pint for the factor from *unit* to *cls*'s canonical unit and cache it.

    A refusal is remembered too, so that pint is asked once per unit string.
    """
    refused = cls._refused.get(unit)
    if refused is not None:
        raise UnitError([refused])
    ureg = get_unit_registry()

    problem: Problem | None = None
    factor = 0.0
    try:
        parsed = ureg.parse_units(_pint_spelling(unit))
        dims = ureg.get_dimensionality(parsed)
        if cls.DIMENSION == "[angle]":
            compatible = str(ureg.get_root_units(parsed)[1]) == "radian"
        else:
            compatible = dims == ureg.get_dimensionality(cls.DIMENSION)
        if compatible:
            factor = float(ureg.Quantity(1.0, parsed).to(cls.CANONICAL_UNIT).magnitude)
        else:
            hint = ""
            if cls.DIMENSION == "[pressure]" and dims == ureg.get_dimensionality("[mass]/[area]"):
                hint = " (a mass per area: did you mean kgf/cm**2, kilogram-force per cm²?)"
            problem = Problem(
                "unit",
                f"expected a unit of {cls.KIND} ({cls.EXAMPLES}); {unit!r} is a unit of "
                f"{dims or 'no dimension'}{hint}",
                "dimension",
            )
    except Exception:  # pint's parser raises many exception types on garbage input
        problem = Problem(
            "unit", f"unknown unit {unit!r}; expected a {cls.KIND} unit ({cls.EXAMPLES})", "unit"
        )
    if problem is None and (not math.isfinite(factor) or factor <= 0):
        problem = Problem("unit", f"unit {unit!r} has no usable scale", "unit")
    if problem is not None:
        if len(cls._refused) < _MAX_REFUSED:
            cls._refused[unit] = problem
        raise UnitError([problem])
    entry = (unit, factor)
    cls._units[unit] = entry
    return entry


class Duration(Measure):
    """A length of time, compared in minutes.

    >>> Duration(90, "s").canonical
    1.5
    >>> sum([Duration(20, "min"), Duration(0.25, "h")]) == Duration(35, "min")
    True
    """

    __slots__ = ()
    CANONICAL_UNIT = "minute"
    DIMENSION = "[time]"
    KIND = "duration"
    EXAMPLES = "30 min, 0.5 h, 1800 s"

    @property
    def minutes(self) -> float:
        """The duration in minutes."""
        return self._value * self._units[self._unit][1]


class Pressure(Measure):
    """A measured pressure (kPa, mmHg, kgf/cm², N/cm², psi), compared in kPa.

    Subjective grades (light, firm, deep; the Walton scale) are not pressures:
    see `medmassage.PressureGrade`.

    >>> Pressure(1, "kgf/cm**2").kpa
    98.0665
    """

    __slots__ = ()
    CANONICAL_UNIT = "kPa"
    DIMENSION = "[pressure]"
    KIND = "pressure"
    EXAMPLES = "4 kPa, 30 mmHg, 1.5 kgf/cm**2"

    @property
    def kpa(self) -> float:
        """The pressure in kilopascals."""
        return self._value * self._units[self._unit][1]


class Length(Measure):
    """A length such as a limb circumference, compared in centimetres."""

    __slots__ = ()
    CANONICAL_UNIT = "cm"
    DIMENSION = "[length]"
    KIND = "length"
    EXAMPLES = "32.5 cm, 12.8 in, 325 mm"

    @property
    def cm(self) -> float:
        """The length in centimetres."""
        return self._value * self._units[self._unit][1]


class Angle(Measure):
    """A joint angle (range of motion), compared in degrees."""

    __slots__ = ()
    CANONICAL_UNIT = "degree"
    DIMENSION = "[angle]"
    KIND = "angle"
    EXAMPLES = "45 deg, 0.785 rad"

    @property
    def degrees(self) -> float:
        """The angle in degrees."""
        return self._value * self._units[self._unit][1]


#: What `Measure.coerce` accepts.
MeasureLike = Measure | str | Mapping[str, object] | SupportsQuantity


class Temperature(Measure):
    """A body temperature, compared in degrees Celsius.

    Temperature scales have offsets, so the conversion is affine rather than a
    factor; only the clinical scales are accepted.

    >>> Temperature(100.4, "degF").celsius
    38.0
    """

    __slots__ = ("_celsius",)
    CANONICAL_UNIT = "degC"
    DIMENSION = "[temperature]"
    KIND = "temperature"
    EXAMPLES = "37.2 degC, 99.0 degF"

    # unit -> (scale, offset): celsius = value * scale + offset
    _AFFINE: ClassVar[Mapping[str, tuple[float, float]]] = {
        "degC": (1.0, 0.0),
        "°C": (1.0, 0.0),
        "celsius": (1.0, 0.0),
        "degree_Celsius": (1.0, 0.0),
        "degF": (5 / 9, -32 * 5 / 9),
        "°F": (5 / 9, -32 * 5 / 9),
        "fahrenheit": (5 / 9, -32 * 5 / 9),
        "degree_Fahrenheit": (5 / 9, -32 * 5 / 9),
        "K": (1.0, -273.15),
        "kelvin": (1.0, -273.15),
    }

    def __init__(self, value: float, unit: str) -> None:
        affine = self._AFFINE.get(unit) if _is_str(unit) else None
        if affine is None:
            raise UnitError(
                [
                    Problem(
                        "unit",
                        "expected a temperature unit: " + ", ".join(self._AFFINE),
                        "unit",
                    )
                ]
            )
        _check_value(type(self), value)
        scale, offset = affine
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_unit", unit)
        object.__setattr__(self, "_celsius", round(value * scale + offset, 10))

    def m_as(self, unit: str) -> float:
        """Return the temperature expressed in *unit*."""
        affine = self._AFFINE.get(unit) if _is_str(unit) else None
        if affine is None:
            raise UnitError([Problem("unit", "expected a temperature unit", "unit")])
        scale, offset = affine
        return (self._canonical - offset) / scale

    _celsius: float

    @property
    def _canonical(self) -> float:
        return self._celsius

    @property
    def canonical(self) -> float:
        """The temperature in degrees Celsius."""
        return self._celsius

    def __add__(self, other: Self) -> Self:
        return NotImplemented

    def __sub__(self, other: Self) -> Self:
        return NotImplemented

    @property
    def celsius(self) -> float:
        """The temperature in degrees Celsius."""
        return self._celsius
