"""Shared machinery for validating model objects on construction.

Every model class calls `run` from ``__attrs_post_init__``: a per-class type
check compiled once from the class's annotations, then the class's own
``_problems()`` rules. All problems are gathered and raised together as one
`ValidationError`, each with its field path.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import sys
import types
import typing
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any, Final

import attrs

from .exceptions import Problem, ValidationError
from .units import Measure

__all__ = ["Model", "after", "earlier", "encodable", "instant", "instant_key", "redacted"]

Check = Callable[[object], bool]


def redacted(value: object) -> str:
    """``repr`` of a field holding protected health information."""
    return "None" if value is None else "<redacted>"


_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def check_id(problems: list[Problem], path: str, value: str | None) -> None:
    """Check an opaque identifier (FHIR ``id`` syntax: 1-64 of ``A-Z a-z 0-9 - .``)."""
    if value is not None and _ID.match(value) is None:
        problems.append(
            Problem(path, "expected an id of 1-64 letters, digits, '-' or '.'", "id_format")
        )


_good_refs: dict[str, bool] = {}


def check_ref(problems: list[Problem], path: str, value: str | None) -> None:
    """Check an id that refers to another record (patient, plan ...).

    Such ids repeat across many records, so valid ones are remembered (boundedly).
    """
    if value is None or value in _good_refs:
        return
    count = len(problems)
    check_id(problems, path, value)
    if len(problems) == count and len(_good_refs) < 4096:
        _good_refs[value] = True


_ALWAYS_AWARE: Final = frozenset({dt.timezone, zoneinfo.ZoneInfo})


def check_aware(problems: list[Problem], path: str, value: dt.datetime | None) -> None:
    """Check that a datetime carries a time zone."""
    if value is None:
        return
    tz = value.tzinfo
    if tz is None or (type(tz) not in _ALWAYS_AWARE and value.utcoffset() is None):
        problems.append(
            Problem(path, "expected a time-zone-aware date-time (with an offset)", "aware")
        )
    elif type(tz) is zoneinfo.ZoneInfo:
        # A wall time skipped by a daylight-saving change does not exist in the zone.
        # The round trip is the same instant, so its wall time is this one exactly
        # when its offset is (comparing offsets builds no naive copies).
        if value.astimezone(dt.UTC).astimezone(tz).utcoffset() != value.utcoffset():
            problems.append(
                Problem(
                    path,
                    "expected a local time that exists in its time zone (this one is skipped "
                    "by a daylight-saving change)",
                    "nonexistent_time",
                )
            )
    elif not types_checked.get():
        # Parsed date-times never have one; a hand-made offset may, and ISO 8601
        # cannot carry it faithfully.
        offset = value.utcoffset()
        if offset is not None and offset.microseconds:
            problems.append(Problem(path, "expected a UTC offset in whole seconds", "offset"))


#: What is expected of text that cannot be encoded as UTF-8 (problem code ``encoding``).
ENCODABLE_TEXT: Final = "text encodable as UTF-8 (found a lone surrogate)"
ENCODING_MESSAGE: Final = f"expected {ENCODABLE_TEXT}"


def encodable(value: str) -> bool:
    """Whether *value* can be encoded as UTF-8 (it holds no lone surrogate).

    ``json.loads`` decodes the JSON escape of a lone surrogate (``U+DFFF``) into
    one, and no UTF-8 writer (file, terminal, FHIR export) can encode it. ASCII
    text is the fast path.
    """
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def instant(value: dt.datetime) -> dt.timedelta:
    """The instant of an aware *value*, as the time elapsed since 1970-01-01 UTC.

    Use it to order and compare date-times: Python compares two date-times of
    the same ``tzinfo`` by their wall time and ignores ``fold``, so on the night
    clocks go back 01:30 CST (``fold=1``) sorts before 01:45 CDT although it is
    45 minutes later. Subtraction goes through the UTC offsets and, unlike
    ``astimezone(UTC)``, cannot overflow at the ends of the calendar.
    """
    return value - _EPOCH


def earlier(a: dt.datetime, b: dt.datetime) -> bool:
    """Whether the aware date-time *a* is an earlier instant than *b*.

    Date-times of different zones already compare as instants, and a fixed
    offset has no folds, so only two of one IANA zone need `instant` (the cheap
    comparison is kept for the common case: this runs on every decoded record).
    """
    tz = a.tzinfo
    if tz is not b.tzinfo or type(tz) is dt.timezone:
        return a < b
    return instant(a) < instant(b)


def instant_key(value: dt.datetime | None) -> object:
    """Equality and hash key of a date-time field: the instant and the zone.

    Models compare the instant (see `instant`) and the zone (the IANA name, else
    the UTC offset) rather than the wall time: the two 01:30 of a night when
    clocks go back are an hour apart and not equal, and two values are equal
    exactly when they serialize to the same text.
    """
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:  # refused by validation; keep the key total
        return (value, None)
    tz = value.tzinfo
    zone: object = offset
    if isinstance(tz, zoneinfo.ZoneInfo):
        zone = tz.key or tz  # a zone read from a file has no key
    return (value - _EPOCH, zone)


def after(start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """*start* plus *delta* of elapsed time, on *start*'s clock.

    Adding a `~datetime.timedelta` to an aware date-time moves its wall clock,
    which is wrong across a daylight-saving change (01:50 CDT plus 15 minutes on
    the night clocks go back is 01:05 CST, not 02:05); this adds real time.
    """
    tz = start.tzinfo
    if tz is None or type(tz) is dt.timezone:  # no transitions: wall time is real time
        return start + delta
    try:
        utc = start.astimezone(dt.UTC) + delta
    except (ValueError, OverflowError):  # out of range at the ends of the calendar
        return start + delta
    try:
        return utc.astimezone(tz)
    except (ValueError, OverflowError):  # a tzinfo without fromutc support: stay in UTC
        return utc


def check_range(
    problems: list[Problem],
    path: str,
    value: float | None,
    low: float | None,
    high: float | None,
) -> None:
    """Check ``low <= value <= high`` (either bound may be ``None``)."""
    if value is None:
        return
    if value != value:  # NaN compares false with every bound
        problems.append(Problem(path, "expected a finite number", "finite"))
    elif (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            bounds = f"between {low:g} and {high:g}"
        elif low is not None:
            bounds = f"at least {low:g}"
        else:
            bounds = f"at most {high:g}"
        problems.append(Problem(path, f"expected a value {bounds}", "range"))


def check_text(
    problems: list[Problem], path: str, value: str | None, *, max_length: int = 100_000
) -> None:
    """Check that text is not blank and not absurdly long."""
    if value is None:
        return
    if not value or value.isspace():
        problems.append(Problem(path, "expected non-blank text", "blank"))
    elif len(value) > max_length:
        problems.append(Problem(path, f"expected at most {max_length} characters", "length"))


def check_side(problems: list[Problem], path: str, region: Any, laterality: Any) -> None:
    """A paired region (shoulder, knee ...) needs a side."""
    if region.paired and laterality is None:
        problems.append(
            Problem(path, f"region {region.value!r} is paired: a laterality is required", "side")
        )


def unique(problems: list[Problem], path: str, items: Iterable[object], what: str) -> None:
    """Check that the values in *items* are distinct."""
    seen: set[object] = set()
    for i, item in enumerate(items):
        if item in seen:
            problems.append(Problem(f"{path}[{i}]", f"duplicate {what}", "duplicate"))
        seen.add(item)


# -- type checks ------------------------------------------------------------------

_DESCRIPTIONS: Final[dict[type, str]] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dt.date: "a date (YYYY-MM-DD)",
    dt.datetime: "a date-time",
}


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        parts = [_describe(a) for a in args if a is not type(None)]
        return " or ".join(parts)
    if origin is tuple:
        return f"a list of {_describe(args[0])}"
    if origin is frozenset:
        return f"a set of {_describe(args[0])}"
    if origin in (dict, Mapping):
        return f"an object of {_describe(args[1])}"
    mapping = _mapping_types(tp)
    if mapping is not None:
        return f"an object of {_describe(mapping[1])}"
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return "one of " + ", ".join(repr(m.value) for m in tp)
        if tp in _DESCRIPTIONS:
            return _DESCRIPTIONS[tp]
        if issubclass(tp, Measure):
            return f"a {tp.KIND} ({tp.EXAMPLES})"
        return f"a {tp.__name__}"
    return str(tp)


def _mapping_types(tp: Any) -> tuple[Any, Any] | None:
    """The key and value types of an immutable mapping class such as ``ScaleResponses``."""
    if not (isinstance(tp, type) and issubclass(tp, Mapping)):
        return None
    for klass in tp.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            if isinstance(origin, type) and issubclass(origin, Mapping):
                args = typing.get_args(base)
                if len(args) == 2 and not any(isinstance(a, typing.TypeVar) for a in args):
                    return args[0], args[1]
    return None  # pragma: no cover - every such class names its types


def _compile(tp: Any) -> Check:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or tp is object:
        return lambda v: True
    if origin in (typing.Union, types.UnionType):
        checks = [_compile(a) for a in args]
        return lambda v: any(c(v) for c in checks)
    if tp is type(None):
        return lambda v: v is None
    if origin is tuple:
        item = _compile(args[0])
        return lambda v: isinstance(v, tuple) and all(item(x) for x in v)
    if origin is frozenset:
        item = _compile(args[0])
        return lambda v: isinstance(v, frozenset) and all(item(x) for x in v)
    if origin in (dict, Mapping):
        key, val = _compile(args[0]), _compile(args[1])
        return lambda v: isinstance(v, dict) and all(key(k) and val(x) for k, x in v.items())
    mapping = _mapping_types(tp)
    if mapping is not None:
        key, val = _compile(mapping[0]), _compile(mapping[1])
        return lambda v: isinstance(v, tp) and all(key(k) and val(x) for k, x in v.items())
    if origin is typing.Literal:
        allowed = frozenset(args)
        return lambda v: isinstance(v, str | int) and v in allowed
    if tp is int:
        return lambda v: type(v) is int or (isinstance(v, int) and not isinstance(v, bool))
    if tp is float:
        return lambda v: (
            (type(v) is float or type(v) is int or isinstance(v, float | int))
            and not isinstance(v, bool)
        )
    if tp is dt.date:
        return lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime)
    if isinstance(tp, type):
        return lambda v: isinstance(v, tp)
    raise TypeError(f"medmassage cannot check the type {tp!r}")  # pragma: no cover


def _text_ok(v: object) -> bool:
    return not isinstance(v, str) or v.isascii() or encodable(v)


def _compile_text(tp: Any, outer: frozenset[type] = frozenset()) -> Check | None:
    """Compile a check that all text in a value of type *tp* is encodable as UTF-8.

    ``None`` when the type holds no text this object must check: none at all, or
    only inside nested models (which check their own). Each check lets values of
    other types pass, so the checks of a union's members can be combined.
    """
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is str:
        return _text_ok
    if origin in (typing.Union, types.UnionType):
        checks = [c for c in (_compile_text(a, outer) for a in args) if c is not None]
        if not checks:
            return None
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(c(v) for c in checks)
    if origin is tuple or origin is frozenset:
        item = _compile_text(args[0], outer)
        if item is None:
            return None
        if origin is tuple:
            return lambda v: not isinstance(v, tuple) or all(item(x) for x in v)
        return lambda v: not isinstance(v, frozenset) or all(item(x) for x in v)
    mapping = (args[0], args[1]) if origin in (dict, Mapping) else _mapping_types(tp)
    if mapping is not None:
        mapping_kind: Any = tp if isinstance(tp, type) else Mapping
        key = _compile_text(mapping[0], outer) or (lambda k: True)
        val = _compile_text(mapping[1], outer) or (lambda x: True)
        return lambda v: (
            not isinstance(v, mapping_kind) or all(key(k) and val(x) for k, x in v.items())
        )
    if isinstance(tp, type) and attrs.has(tp) and not issubclass(tp, Model) and tp not in outer:
        # A plain attrs value (a Coding) does not validate itself as a model does.
        hints = typing.get_type_hints(tp, vars(sys.modules[tp.__module__]))
        inner = outer | {tp}
        fields = [
            (a.name, c)
            for a in attrs.fields(tp)
            if (c := _compile_text(hints[a.name], inner)) is not None
        ]
        if not fields:
            return None
        return lambda v: not isinstance(v, tp) or all(c(getattr(v, n)) for n, c in fields)
    return None


def _text_problems(problems: list[Problem], path: str, value: object) -> None:
    """Report, with its path, each text in *value* that is not encodable (the slow path)."""
    if isinstance(value, str):
        if not encodable(value):
            problems.append(Problem(path, ENCODING_MESSAGE, "encoding"))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _text_problems(problems, f"{path}[{i}]", item)
    elif isinstance(value, frozenset):  # unordered: every problem is the set's
        found: list[Problem] = []
        for item in value:
            _text_problems(found, path, item)
        problems.extend(dict.fromkeys(found))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and not encodable(key):
                problems.append(Problem(path, ENCODING_MESSAGE, "encoding"))
            else:
                _text_problems(problems, f"{path}.{key}", item)
    elif attrs.has(type(value)) and not isinstance(value, Model):
        cls: Any = type(value)
        for a in attrs.fields(cls):
            _text_problems(problems, f"{path}.{a.name}", getattr(value, a.name))


_specs: dict[type, tuple[tuple[str, Check, Any, Check | None], ...]] = {}


def _spec(cls: type) -> tuple[tuple[str, Check, Any, Check | None], ...]:
    spec = _specs.get(cls)
    if spec is None:
        module = sys.modules[cls.__module__]
        hints = typing.get_type_hints(cls, vars(module))
        spec = tuple(
            (a.name, _compile(hints[a.name]), hints[a.name], _compile_text(hints[a.name]))
            for a in attrs.fields(cls)
        )
        _specs[cls] = spec
    return spec


def type_problems(obj: object) -> list[Problem]:
    """Check every field of the attrs instance *obj* against its annotation.

    Text must also be encodable as UTF-8 (code ``encoding``), in every field that
    holds text: strings, sequences and sets of them, mapping keys and values, and
    plain attrs values such as `~medmassage.codes.Coding`.
    """
    problems: list[Problem] = []
    for name, check, tp, text in _spec(type(obj)):
        value = getattr(obj, name)
        if not check(value):
            problems.append(Problem(name, f"expected {_describe(tp)}", "type"))
        elif text is not None and not text(value):
            _text_problems(problems, name, value)
    return problems


#: True while `medmassage.serialization` builds objects from data whose field
#: types its strict hooks have already checked (per thread and per async task).
types_checked: ContextVar[bool] = ContextVar("medmassage_types_checked", default=False)


class Model:
    """Base of the validated models: checks every field on construction and on evolve.

    A subclass lists its own rules in ``_problems()``. Field types are checked
    first, from the annotations (skipped while `medmassage.serialization`
    structures a document, whose strict hooks have checked them already); all
    problems found are raised together as one `ValidationError`.
    """

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        problems = None if types_checked.get() else type_problems(self)
        if not problems:
            try:
                problems = self._problems()
            except (
                TypeError,
                AttributeError,
                ValueError,
                OverflowError,
            ) as exc:  # pragma: no cover
                # A rule met a value it could not handle: never let that escape bare.
                problems = [
                    Problem("", f"could not be validated ({type(exc).__name__})", "invalid")
                ]
        if problems:
            raise ValidationError(problems, type(self).__name__)

    def _problems(self) -> list[Problem]:
        return []
