"""The fast decoding path reads exactly what the detailed one reads, and first use is cheap.

`medmassage.from_json` parses with msgspec when it is installed (the ``fast``
extra) and structures valid documents with generated functions; anything
either refuses goes through the json module and the detailed converter, which
report the problems. These tests hold the two paths to the same results: same
objects, same refusals, same messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medmassage as mm
from medmassage import units
from medmassage._validation import types_checked
from medmassage.exceptions import MedmassageError, UnitError, ValidationError
from medmassage.serialization import _text, from_dict, from_json, get_converter, to_dict, to_json
from medmassage.serialization._fast import fast_hook
from medmassage.testing import strategies as mst

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "src" / "medmassage" / "_examples").glob("*.json"))

needs_msgspec = pytest.mark.skipif(not _text.accelerated(), reason="msgspec is not installed")


@pytest.fixture
def json_module_only() -> Iterator[None]:
    """Parse with the json module alone for the duration of a test."""
    _text.use_accelerator(False)
    try:
        yield
    finally:
        _text.use_accelerator(True)


def _parse(text: str | bytes, accelerated: bool) -> tuple[str, object]:
    """``("ok", value)`` or ``("error", problems)`` from one of the two parsers."""
    _text.use_accelerator(accelerated)
    try:
        return ("ok", _text.parse(text, "Case", 1 << 20, 64, marked=True))
    except ValidationError as exc:
        return ("error", [(p.path, p.message, p.code) for p in exc.problems])
    finally:
        _text.use_accelerator(True)


def _tagged(value: object) -> object:
    """*value* with the type of every scalar kept, so that ``1`` and ``1.0`` differ."""
    if isinstance(value, dict):
        return ("dict", [(k, _tagged(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_tagged(v) for v in value])
    if isinstance(value, float):
        return ("float", value.hex())
    return (type(value).__name__, value)


def _same_parse(text: str | bytes) -> None:
    fast, plain = _parse(text, True), _parse(text, False)
    assert fast[0] == plain[0]
    if fast[0] == "ok":
        assert _tagged(fast[1]) == _tagged(plain[1])
    else:
        assert fast[1] == plain[1]


# -- the parser ---------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@needs_msgspec
@given(json_values, st.booleans())
def test_the_accelerated_parser_reads_every_document_as_the_json_module(
    value: object, ascii_only: bool
) -> None:
    """Any JSON value, integers beyond 64 bits and every float included, parses identically."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    _same_parse(text)
    _same_parse(text.encode("utf-8"))


@needs_msgspec
@given(st.binary(max_size=40) | st.text(max_size=40).map(lambda t: t.encode("utf-8", "replace")))
def test_the_accelerated_parser_refuses_what_the_json_module_refuses(raw: bytes) -> None:
    """Arbitrary bytes: both accept alike, or both refuse with the same problem."""
    _same_parse(raw)


TRICKY = [
    b"123456789012345678901234567890",  # beyond 64 bits: an int, never a float
    b"-9223372036854775809",
    b"1e400",  # out of float range: the json module's inf, then refused by the hooks
    b"NaN",
    b"[1, Infinity]",
    b'{"a": "\\ud800"}',  # a lone surrogate escape
    b'"\xed\xa0\x80"',  # an encoded surrogate: not UTF-8
    b'{"a": 1, "a": 2}',
    b"\xef\xbb\xbf{}",  # a byte order mark
    b"\xef\xbb\xbf\xef\xbb\xbf{}",
    "\ufeff{}".encode("utf-16"),
    b'{"a": [1, 2,]}',
    b'{\n  "a": 1\n  "b": 2\n}',
    b"1" * 5000,
    b'"a\x01"',
    b"\x0c{}",
    b"",
]


@pytest.mark.parametrize("raw", TRICKY)
def test_tricky_documents_parse_or_fail_the_same_way_with_either_parser(raw: bytes) -> None:
    """Big integers, NaN, surrogates, byte order marks and syntax errors: the same outcome."""
    _same_parse(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    _same_parse(text)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"schema_version": 1,\n "patient": {"id": "p1",}\n}', "line 2, column 25"),
        ('{"schema_version": 1, "x": NaN}', "line 1, column 28"),
    ],
)
def test_syntax_errors_are_located_alike_by_either_parser(text: str, where: str) -> None:
    """A malformed document's message names the same line and column on both paths."""
    messages = []
    for accelerated in (True, False):
        _text.use_accelerator(accelerated)
        try:
            with pytest.raises(ValidationError) as info:
                from_json(mm.Case, text.encode())
        finally:
            _text.use_accelerator(True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert where in messages[0]


# -- the generated structuring functions ----------------------------------------------


@settings(max_examples=40)
@given(mst.cases())
def test_the_fast_path_builds_what_the_detailed_converter_builds(case: mm.Case) -> None:
    """For generated cases the generated functions and cattrs' build equal objects."""
    data = to_dict(case)
    del data["schema_version"]
    with _as_from_dict():
        fast = fast_hook(mm.Case)(json.loads(json.dumps(data)), mm.Case)
        detailed = get_converter().structure(json.loads(json.dumps(data)), mm.Case)
    assert fast == detailed == case
    assert to_dict(fast) == to_dict(case)


def _leaves(value: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """The path of every value in a JSON document (objects and arrays included)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))


def _replace(doc: Any, path: tuple[object, ...], new: object) -> Any:
    if not path:
        return new
    head, *rest = path
    copy: Any = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[head] = _replace(doc[head], tuple(rest), new)
    return copy


WRONG = st.sampled_from(
    [None, True, False, 0, -1, 1.5, 10**20, "", "x", "min", "\udfff", [], [1], {}, {"value": 1}]
)


@contextlib.contextmanager
def _as_from_dict() -> Iterator[None]:
    """Structure as `from_dict` does: field types are checked by the hooks."""
    token = types_checked.set(True)
    try:
        yield
    finally:
        types_checked.reset(token)


def _outcome(model: type[Any], data: dict[str, Any], fast: bool) -> tuple[object, ...]:
    body = dict(data)
    del body["schema_version"]
    try:
        with _as_from_dict():
            if fast:
                return ("ok", to_dict(fast_hook(model)(body, model)))
            return ("ok", to_dict(get_converter().structure(body, model)))
    except Exception:  # refused; which problems is the detailed path's business
        return ("refused",)


@settings(max_examples=150)
@given(mst.cases(max_sessions=2), st.data())
def test_the_fast_path_refuses_exactly_what_the_detailed_converter_refuses(
    case: mm.Case, data: st.DataObject
) -> None:
    """One value of a valid document replaced by a wrong one: both accept alike, or both refuse."""
    doc = to_dict(case)
    path = data.draw(st.sampled_from([p for p in _leaves(doc) if p and p[0] != "schema_version"]))
    broken = _replace(doc, path, data.draw(WRONG))
    detailed = _outcome(mm.Case, broken, fast=False)
    assert _outcome(mm.Case, broken, fast=True) == detailed
    if detailed[0] == "refused":
        with pytest.raises(MedmassageError):
            from_dict(mm.Case, broken)


def test_unknown_keys_and_missing_fields_still_name_their_paths() -> None:
    """The fast path falls back to the detailed converter for invalid input, which names paths."""
    doc = json.loads(BUNDLED[0].read_text(encoding="utf-8"))
    doc["plan"]["techniques"][0]["durationn"] = doc["plan"]["techniques"][0].pop("duration")
    with pytest.raises(ValidationError) as info:
        from_dict(mm.Case, doc)
    paths = {p.path: p.code for p in info.value.problems}
    assert paths == {
        "plan.techniques[0].durationn": "extra",
        "plan.techniques[0].duration": "required",
    }


def test_the_item_limit_holds_on_the_fast_path() -> None:
    """A list longer than max_items is refused although everything in it is valid."""
    doc = json.loads(BUNDLED[1].read_text(encoding="utf-8"))
    longest = max(len(_get(doc, p)) for p in _leaves(doc) if isinstance(_get(doc, p), list))
    assert from_dict(mm.Case, doc, max_items=longest) == from_dict(mm.Case, doc)
    with pytest.raises(ValidationError) as info:
        from_dict(mm.Case, doc, max_items=longest - 1)
    assert {p.code for p in info.value.problems} == {"limit_items"}


def _get(doc: Any, path: tuple[object, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


# -- units ----------------------------------------------------------------------------


def test_a_unit_of_another_dimension_is_refused_again_without_asking_pint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pint is asked once about a refused unit; the second refusal is the same, from the cache."""
    units.Pressure._reset_units()
    try:
        with pytest.raises(UnitError) as first:
            units.Pressure(3, "cm")

        def no_pint() -> None:
            raise AssertionError("pint asked again")

        monkeypatch.setattr(units, "get_unit_registry", no_pint)
        with pytest.raises(UnitError) as again:
            units.Pressure(3, "cm")
        assert again.value.problems == first.value.problems
        assert first.value.problems[0].code == "dimension"
    finally:
        units.Pressure._reset_units()


def test_changing_the_unit_registry_forgets_refusals() -> None:
    """`set_unit_registry` clears the refused units as it clears the factors."""
    import pint

    with pytest.raises(UnitError):
        units.Pressure(1, "furlong_per_fortnight")
    assert "furlong_per_fortnight" in units.Pressure._refused
    registry: pint.UnitRegistry[float] = pint.UnitRegistry()
    registry.define("furlong_per_fortnight = 1000 * pascal")
    units.set_unit_registry(registry)
    try:
        assert units.Pressure(1, "furlong_per_fortnight").kpa == pytest.approx(1.0)
    finally:
        units.set_unit_registry(None)
    assert "furlong_per_fortnight" not in units.Pressure._refused


@pytest.mark.parametrize(
    ("unit", "kind"), [("cm", units.Length), ("deg", units.Angle), ("mmHg", units.Pressure)]
)
def test_a_physical_measurement_is_read_as_the_kind_of_its_unit(
    unit: str, kind: type[units.Pressure | units.Angle | units.Length]
) -> None:
    """An outcome's measurement in a known unit becomes that kind, whichever comes first."""
    measure = mm.OutcomeMeasure(
        instrument="grip",
        taken_at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        measurements=(kind(30, unit), kind(31.5, unit)),
    )
    for _ in range(2):  # the unit is known to one kind after the first read
        again = from_json(mm.OutcomeMeasure, to_json(measure))
        assert [type(m) for m in again.measurements] == [kind, kind]
        assert again == measure


# -- first use ------------------------------------------------------------------------

FIRST_USE = """
import json, pathlib, sys, time
t0 = time.perf_counter()
import medmassage as mm
from medmassage import units
first = None
canonical = []
for path in {paths!r}:
    case = mm.from_json(mm.Case, pathlib.Path(path).read_bytes())
    if first is None:
        first = time.perf_counter() - t0
    for cls in (units.Duration, units.Pressure, units.Length, units.Angle):
        canonical += [[cls.__name__, unit, f] for unit, (_, f) in sorted(cls._units.items())]
print(json.dumps({{"first": first, "pint": "pint" in sys.modules, "factors": canonical}}))
"""


def test_a_fresh_process_reads_a_bundled_case_quickly_and_without_pint() -> None:
    """The first from_json of a bundled case (units included) builds no pint registry.

    The goal is 0.3 s on an idle machine; the bound here is generous so that a
    loaded two-core CI machine does not fail it by chance.
    """
    probe = FIRST_USE.format(paths=[str(p) for p in BUNDLED])
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result = json.loads(done.stdout)
    assert result["pint"] is False
    assert result["first"] < 1.0
    # The factors used are exactly pint's (pint is the authority).
    classes = {c.__name__: c for c in (units.Duration, units.Pressure, units.Length, units.Angle)}
    assert result["factors"]
    for name, unit, factor in result["factors"]:
        cls = classes[name]
        try:
            _, from_pint = units._resolve(cls, unit)
        finally:
            cls._reset_units()
        assert math.isclose(factor, from_pint, rel_tol=1e-12), (name, unit)


def test_quantities_read_without_pint_compare_and_convert_as_with_it() -> None:
    """Durations and pressures of the bundled cases compare and convert as pint says."""
    case = from_json(mm.Case, BUNDLED[1].read_bytes())
    for technique in case.plan.techniques:
        assert technique.duration == units.Duration(technique.duration.m_as("s"), "s")
        via_pint = technique.duration.quantity.to("second").magnitude
        assert technique.duration.m_as("s") == pytest.approx(via_pint, rel=1e-12)
        if technique.max_pressure is not None:
            kpa = technique.max_pressure.quantity.to("kPa").magnitude
            assert technique.max_pressure.kpa == pytest.approx(kpa, rel=1e-12)


# -- date-times -----------------------------------------------------------------------


@given(
    st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2100, 12, 30)),
    st.sampled_from(["America/Chicago", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]),
    st.sampled_from([0, 1]),
)
def test_offsets_compare_as_wall_times_do_for_one_instant(
    naive: dt.datetime, zone: str, fold: int
) -> None:
    """The offset comparison the checks use decides exactly as comparing wall times did."""
    import zoneinfo

    value = naive.replace(tzinfo=zoneinfo.ZoneInfo(zone), fold=fold)
    back = value.astimezone(dt.UTC).astimezone(value.tzinfo)
    walls_differ = back.replace(tzinfo=None) != value.replace(tzinfo=None)
    assert (back.utcoffset() != value.utcoffset()) == walls_differ
