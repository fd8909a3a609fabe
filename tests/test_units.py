"""Unit-carrying measures (medmassage.units).

Conversion facts are from the clinical reference, section 6 (exact SI
definitions): 1 kgf = 9.80665 N exactly (CGPM 1901), so 1 kgf/cm² = 98.0665 kPa;
1 mmHg = 133.322387415 Pa (conventional, exact); 1 N/cm² = 10 kPa;
1 psi = 6894.757293 Pa; manual lymphatic drainage's 4 kPa = 30.00 mmHg;
40 gf/cm² = 3.92266 kPa.
"""

from __future__ import annotations

import math
import pickle
from typing import Any, ClassVar

import pytest

from medmassage.exceptions import UnitError, ValidationError
from medmassage.units import (
    Angle,
    Duration,
    Length,
    Measure,
    Pressure,
    SupportsQuantity,
    Temperature,
    get_unit_registry,
    set_unit_registry,
)

# -- conversions (NIST SP 811, appendix B.8) --------------------------------------------


def test_kgf_per_cm2_is_exactly_98_0665_kpa() -> None:
    # 1 kgf = 9.80665 N by definition; 1 cm² = 1e-4 m² -> 98066.5 Pa.
    """One kgf/cm2 is exactly 98.0665 kPa."""
    assert Pressure(1, "kgf/cm**2").kpa == 98.0665


def test_mmhg_is_133_322387415_pa() -> None:
    """One mmHg is 133.322387415 Pa."""
    assert Pressure(1, "mmHg").m_as("Pa") == pytest.approx(133.322387415, rel=1e-12)
    assert Pressure(1, "kPa").m_as("mmHg") == pytest.approx(7.500616, rel=1e-6)


def test_mld_ceiling_4_kpa_is_30_00_mmhg() -> None:
    # 4 kPa / 0.133322387415 kPa per mmHg = 30.00 mmHg (NIST SP 811 B.8).
    """The 4 kPa lymphatic drainage ceiling is 30.00 mmHg."""
    assert round(Pressure(4, "kPa").m_as("mmHg"), 2) == 30.00
    assert Pressure(4, "kPa") > Pressure(29, "mmHg")
    assert Pressure(4, "kPa") < Pressure(31, "mmHg")


def test_other_pressure_units() -> None:
    """N/cm2 and psi convert to their exact pascal values."""
    assert Pressure(1, "N/cm**2").kpa == pytest.approx(10.0, rel=1e-12)
    assert Pressure(1, "psi").m_as("Pa") == pytest.approx(6894.757293, rel=1e-9)
    assert Pressure(40, "gf/cm**2").kpa == pytest.approx(3.92266, rel=1e-9)
    assert Pressure(1500, "Pa").kpa == pytest.approx(1.5)


@pytest.mark.parametrize("unit", ["kgf/cm2", "kgf/cm\u00b2", "kgf/cm**2"])
def test_clinical_shorthand_for_square_centimetres(unit: str) -> None:
    """Clinical shorthand for square centimetres is accepted and kept."""
    p = Pressure(2, unit)
    assert p.kpa == pytest.approx(196.133)
    assert p.unit == unit  # kept as the user wrote it


def test_mass_per_area_is_refused_with_a_hint() -> None:
    """A mass per area unit is refused with a hint at ``unit``."""
    with pytest.raises(UnitError) as info:
        Pressure(4.5, "kg/cm**2")
    (problem,) = info.value.problems
    assert problem.path == "unit"
    assert problem.code == "dimension"
    assert "kgf/cm**2" in problem.message


def test_a_time_is_not_a_pressure() -> None:
    """A time unit given as a pressure is refused with the dimension rule."""
    with pytest.raises(UnitError) as info:
        Pressure.parse("5 s")
    assert info.value.problems[0].code == "dimension"
    assert "pressure" in str(info.value)


def test_unknown_unit() -> None:
    """An unknown unit is refused with the unit rule."""
    with pytest.raises(UnitError) as info:
        Duration(3, "fortnightz")
    assert info.value.problems[0].code == "unit"
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, ValueError)


# Regression test (bug found by these tests, since fixed): units._pint_spelling rewrites the '2'
# of 'H2O' as a power, so pint's  cmH2O / cm_H2O pressure units are refused as unknown
def test_centimetres_of_water_is_a_pressure() -> None:
    # pint defines cmH2O = cm * water * g_0 (about 0.0980665 kPa).
    """Centimetres of water are accepted as a pressure."""
    assert Pressure(10, "cmH2O").kpa == pytest.approx(0.980665, rel=1e-3)


# -- durations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["30 min", "0.5 h", "1800 s", "30 minute", "30minutes", " 0.5 hour ", "1800 second"]
)
def test_durations_are_interchangeable(text: str) -> None:
    """Durations in different units compare equal when they are the same time."""
    d = Duration.parse(text)
    assert d == Duration(30, "min")
    assert d.minutes == pytest.approx(30)
    assert Duration(0.5, "h").minutes == 30.0
    assert hash(Duration(0.5, "h")) == hash(Duration(30, "min"))


def test_parse_keeps_integers_and_floats() -> None:
    """Parsing keeps integer and float magnitudes apart."""
    assert type(Duration.parse("30 min").value) is int
    assert type(Duration.parse("30.0 min").value) is float
    assert Duration.parse("1e1 min").value == 10.0
    assert Duration.parse("-.5 h").minutes == -30


@pytest.mark.parametrize("text", ["", "min", "30", "thirty min", "30 min extra!!"])
def test_parse_rejects_malformed_text(text: str) -> None:
    """Parsing malformed text raises UnitError."""
    with pytest.raises(UnitError):
        Duration.parse(text)


def test_parse_rejects_non_text() -> None:
    """Parsing something that is not text raises UnitError with the type rule."""
    with pytest.raises(UnitError) as info:
        Duration.parse(30)  # type: ignore[arg-type]
    assert info.value.problems[0].code == "type"


def test_sum_and_arithmetic() -> None:
    """Durations can be summed and added keeping the first unit."""
    assert sum([Duration(20, "min"), Duration(0.25, "h")]) == Duration(35, "min")
    same = Duration(20, "min") + Duration(10, "min")
    assert (same.value, same.unit) == (30, "min")
    mixed = Duration(1, "h") + Duration(30, "min")
    assert mixed.unit == "minute"
    assert mixed.minutes == 90
    assert (Duration(1, "h") - Duration(30, "min")).minutes == 30
    assert (Duration(10, "s") - Duration(4, "s")).value == 6
    other: Any = Pressure(1, "kPa")
    assert Duration(1, "min").__add__(other) is NotImplemented
    assert Duration(1, "min").__sub__(other) is NotImplemented
    assert Duration(1, "min").__radd__(1) is NotImplemented
    assert Duration(1, "min").__radd__(False) is NotImplemented
    assert not Duration(0, "s")
    assert Duration(1, "s")


def test_ordering_and_type_safety() -> None:
    """Durations order across units and refuse comparison with other kinds."""
    ordered = sorted([Duration(1, "h"), Duration(3599, "s"), Duration(59, "min")])
    assert [(d.value, d.unit) for d in ordered] == [(59, "min"), (3599, "s"), (1, "h")]
    assert Duration(1, "h") >= Duration(60, "min") <= Duration(1, "h")
    assert Duration(1, "min") != Pressure(1, "kPa")
    with pytest.raises(TypeError):
        _ = Duration(1, "min") < Pressure(1, "kPa")  # type: ignore[operator]


# -- construction and validation -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (math.nan, "finite"),
        (math.inf, "finite"),
        (-math.inf, "finite"),
        (1e13, "finite"),
        (10**400, "finite"),
        (True, "type"),
        ("30", "type"),
        (None, "type"),
    ],
)
def test_magnitude_must_be_a_finite_number(value: Any, code: str) -> None:
    """A non-finite or non-numeric magnitude is refused at ``value``."""
    with pytest.raises(UnitError) as info:
        Duration(value, "min")
    assert info.value.problems[0].path == "value"
    assert info.value.problems[0].code == code


def test_int_subclass_magnitude_is_checked() -> None:
    """An int subclass magnitude is accepted only when it behaves as a number."""

    class Big(int):
        pass

    assert Duration(Big(5), "min").minutes == 5
    with pytest.raises(UnitError):
        Duration(Big(10**20), "min")


def test_unit_must_be_text() -> None:
    """A unit that is not text is refused at ``unit``."""
    with pytest.raises(UnitError) as info:
        Duration(5, 5)  # type: ignore[arg-type]
    assert info.value.problems[0].path == "unit"


def test_immutable_and_picklable() -> None:
    """Measures cannot be changed and survive pickling."""
    d = Duration(30, "min")
    with pytest.raises(AttributeError):
        d._value = 3
    with pytest.raises(AttributeError):
        del d._value
    clone = pickle.loads(pickle.dumps(d))
    assert (clone.value, clone.unit) == (30, "min")


def test_repr_str_and_dict_form() -> None:
    """A measure has a readable repr, str and dict form."""
    p = Pressure(4.5, "kgf/cm**2")
    assert repr(p) == "Pressure(4.5, 'kgf/cm**2')"
    assert str(p) == "4.5 kgf/cm**2"
    assert p.to_dict() == {"value": 4.5, "unit": "kgf/cm**2"}
    assert Pressure.from_dict(p.to_dict()) == p


def test_from_dict_reports_missing_and_extra_keys() -> None:
    """from_dict reports missing and extra keys together."""
    with pytest.raises(UnitError) as info:
        Pressure.from_dict({"value": 3, "units": "kPa"})
    assert set(info.value.paths) == {"unit", "units"}
    with pytest.raises(UnitError):
        Pressure.from_dict([3, "kPa"])  # type: ignore[arg-type]


def test_coerce_accepts_every_documented_form() -> None:
    """coerce accepts a measure, text, a mapping and a quantity."""
    d = Duration(30, "min")
    assert Duration.coerce(d) is d
    assert Duration.coerce("0.5 h") == d
    assert Duration.coerce({"value": 1800, "unit": "s"}) == d
    q = get_unit_registry().Quantity(30, "minute")
    from_pint = Duration.coerce(q)
    assert from_pint == d
    assert from_pint.unit == "min"  # pint's abbreviation


def test_coerce_subclass_instance_and_wrong_kind() -> None:
    """coerce keeps subclass instances and refuses other kinds."""

    class Minutes(Duration):
        __slots__ = ()

    m = Minutes(3, "min")
    assert Duration.coerce(m) is m
    with pytest.raises(UnitError) as info:
        Duration.coerce(Pressure(1, "kPa"))
    assert info.value.problems[0].code == "dimension"
    with pytest.raises(UnitError):
        Duration.coerce(30)  # type: ignore[arg-type]


def test_coerce_refuses_non_scalar_quantity() -> None:
    """coerce refuses a quantity whose magnitude is not a scalar."""

    class Fake:
        magnitude: ClassVar[list[int]] = [1, 2]
        units = "minute"

    assert isinstance(Fake(), SupportsQuantity)
    with pytest.raises(UnitError) as info:
        Duration.coerce(Fake())
    assert info.value.problems[0].code == "type"


def test_quantity_m_as_and_to() -> None:
    """A measure converts through its pint quantity, m_as and to."""
    p = Pressure(30, "mmHg")
    assert p.quantity.to("kPa").magnitude == pytest.approx(3.99967162245)
    assert p.to("kPa").value == pytest.approx(3.99967162245)
    assert p.to("kPa").unit == "kPa"
    with pytest.raises(UnitError):
        p.m_as("min")


def test_other_kinds() -> None:
    """Lengths, angles and other kinds convert between their units."""
    assert Length(12.8, "in").cm == pytest.approx(32.512)
    assert Length(325, "mm").cm == pytest.approx(32.5)
    assert Angle(math.pi / 4, "rad").degrees == pytest.approx(45)
    assert Angle(90, "deg").degrees == 90
    with pytest.raises(UnitError) as info:
        Angle(1, "m")
    assert info.value.problems[0].code == "dimension"
    with pytest.raises(UnitError):
        Length(1, "deg")


def test_temperature_is_affine() -> None:
    # 100.4 °F = 38.0 °C: (100.4 - 32) * 5/9.
    """Temperatures convert affinely between Fahrenheit, Kelvin and Celsius."""
    assert Temperature(100.4, "degF").celsius == 38.0
    assert Temperature(310.15, "K").celsius == 37.0
    t = Temperature(37, "degC")
    assert t.m_as("degF") == pytest.approx(98.6)
    assert t == Temperature(98.6, "degF")
    with pytest.raises(UnitError):
        Temperature(37, "kPa")
    with pytest.raises(UnitError):
        Temperature(37, 37)  # type: ignore[arg-type]
    with pytest.raises(UnitError):
        Temperature(math.nan, "degC")
    with pytest.raises(UnitError):
        t.m_as("rankine")
    with pytest.raises(TypeError):
        _ = t + t
    with pytest.raises(TypeError):
        _ = t - t


def test_set_unit_registry_swaps_and_restores() -> None:
    """set_unit_registry swaps the pint registry and restores the default."""
    import pint

    default = get_unit_registry()
    own: Any = pint.UnitRegistry()
    try:
        set_unit_registry(own)
        assert get_unit_registry() is own
        assert Pressure(1, "kgf/cm**2").kpa == 98.0665
        assert Pressure(30, "mmHg").quantity._REGISTRY is own
    finally:
        set_unit_registry(None)
    assert get_unit_registry() is default
    assert default is pint.get_application_registry()  # type: ignore[no-untyped-call]


def test_measure_base_is_abstract_in_practice() -> None:
    """The Measure base cannot be used without a kind."""
    assert issubclass(Duration, Measure)
    with pytest.raises(AttributeError):
        Measure(1, "min")


def test_temperature_canonical_is_celsius() -> None:
    """A temperature's canonical value is in degrees Celsius."""
    assert Temperature(212, "degF").canonical == 100.0
    assert Temperature(0, "degC") < Temperature(33, "degF")
