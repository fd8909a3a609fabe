"""The cattrs converter of medmassage: strict scalar hooks, containers, models and errors.

Private: `medmassage.serialization` is the public face (`make_converter`,
`get_converter`, `from_dict`, `from_json`).
"""

from __future__ import annotations

import collections
import datetime as dt
import enum
import functools
import re
import threading
import types
import typing
import zoneinfo
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from .._validation import ENCODABLE_TEXT, _describe, encodable
from ..exceptions import Problem, ValidationError
from ..modalities import KEY_METADATA
from ..outcomes import ItemResponse, PhysicalMeasurement, Responses, ScaleResponses
from ..units import Angle, Length, Measure, Pressure, structure_hook
from . import _limits
from ._limits import MAX_DEPTH, MAX_ITEMS

T = TypeVar("T")


# -- scalar hooks: strict, never coercing -----------------------------------------


def _fail(expected: str, code: str = "type") -> ValidationError:
    return ValidationError([Problem("", f"expected {expected}", code)])


def _str(value: object, tp: object) -> str:
    if tp is not str and tp is not None and _is_enum(tp):  # likewise a StrEnum
        return _structure_enum(tp)(value, tp)  # type: ignore[return-value]
    if type(value) is str:
        # json.loads turns the escape of a lone surrogate into one; no writer can encode it.
        if value.isascii() or encodable(value):
            return value
        raise _fail(ENCODABLE_TEXT, "encoding")
    raise _fail("text")


def _int(value: object, tp: object) -> int:
    if tp is not int and _is_enum(tp):  # an IntEnum dispatches here before the enum factory
        return _structure_enum(tp)(value, tp)  # type: ignore[return-value]
    if type(value) is int:
        return value
    raise _fail("a whole number")


def _float(value: object, _: object) -> float:
    if type(value) is float or type(value) is int:
        return value
    raise _fail("a number")


def _bool(value: object, _: object) -> bool:
    if type(value) is bool:
        return value
    raise _fail("true or false")


def _date(value: object, _: object) -> dt.date:
    if type(value) is str and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail("a date as YYYY-MM-DD", "date")


_ZONE = re.compile(r"^(?P<stamp>[^\[\]]+)\[(?P<zone>[A-Za-z0-9_+\-/]{1,64})\]$")


def _datetime(value: object, _: object) -> dt.datetime:
    if type(value) is str and len(value) <= 100:
        zone = None
        stamp = value
        if value.endswith("]"):
            match = _ZONE.match(value)
            if match is not None:
                stamp, zone = match["stamp"], match["zone"]
        try:
            parsed = dt.datetime.fromisoformat(stamp)
        except ValueError:
            parsed = None
        if parsed is not None and zone is not None:
            try:
                tz = zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise _fail("a known IANA time-zone name in brackets", "zone") from None
            if parsed.utcoffset() is None:
                raise _fail("an offset before the time-zone name", "zone")
            local = parsed.astimezone(tz)
            # The same instant: the wall times agree exactly when the offsets do
            # (comparing offsets builds no naive copies).
            if local.utcoffset() != parsed.utcoffset():
                raise _fail("an offset that matches the time zone at that instant", "zone")
            return local
        if parsed is not None:
            if parsed.utcoffset() is None:
                # Every date-time in medmassage is an instant: a naive one is ambiguous.
                raise _fail("a time-zone-aware date-time (with an offset)", "aware")
            return parsed
    raise _fail("an ISO 8601 date-time such as 2026-03-02T10:00:00-07:00", "datetime")


def _unstructure_datetime(value: dt.datetime) -> str:
    text = value.isoformat()
    tz = value.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key is not None:  # from_file zones have none
        text += f"[{tz.key}]"
    return text


_PHYSICAL: Final = (Pressure, Angle, Length)


def _structure_physical(value: object, _: object) -> PhysicalMeasurement:
    if not isinstance(value, dict):
        raise _fail("a measurement {'value': ..., 'unit': ...}")
    unit = value.get("unit")
    if type(unit) is str:
        for cls in _PHYSICAL:  # a unit already known to one kind: that kind alone
            if unit in cls._units:
                return cls.from_dict(value)
    errors: list[ValidationError] = []
    for cls in _PHYSICAL:
        try:
            return cls.from_dict(value)
        except ValidationError as exc:
            if all(p.code != "dimension" for p in exc.problems):
                raise
            if any("did you mean" in p.message for p in exc.problems):
                raise
            errors.append(exc)
    raise _fail("a pressure, an angle or a length (kPa, deg, cm ...)", "dimension")


def _structure_item(value: object, _: object) -> ItemResponse:
    if value is None or type(value) in (int, float, bool):
        return value  # type: ignore[return-value]
    if type(value) is str:
        return _str(value, str)
    raise _fail("an item response: a number, true/false, an answer label or null")


def _structure_responses(value: object, conv: cattrs.Converter) -> Responses:
    items = tuple[ItemResponse, ...]
    if type(value) is not dict:
        return conv.structure(value, items)
    limit = _limits.items_limit()
    if len(value) > limit:
        raise ValidationError([_limits.items_problem(limit, "scales", "set of responses")])
    hook = conv.get_structure_hook(items)
    scales: dict[str, tuple[ItemResponse, ...]] = {}
    errors: list[Problem] = []
    for k, v in value.items():
        try:
            name = _str(k, None)
        except ValidationError as exc:  # reported at the mapping: the key is unreadable
            errors.extend(exc.problems)
            continue
        try:
            scales[name] = hook(v, items)
        except Exception as exc:  # collected with its scale, re-raised below
            errors.extend(problems(exc, name, items))
    if errors:
        raise ValidationError(errors)
    return ScaleResponses(scales)


def _identity(value: object) -> object:
    return value


def _unstructure_responses(value: Responses | None) -> object:
    if value is None:
        return None
    if type(value) is ScaleResponses:
        return {k: list(v) for k, v in value.items()}
    return list(value)


@functools.cache
def _structure_enum(cls: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
    members = {m.value: m for m in cls}

    def structure(value: object, _: object) -> enum.Enum:
        if type(value) in (str, int):
            member = members.get(value)
            if member is not None:
                return member
        raise _fail(_describe(cls), "enum")

    return structure


def _tuple_hook(tp: Any, conv: cattrs.Converter) -> Callable[[object, object], tuple[Any, ...]]:
    args = getattr(tp, "__args__", ())
    item_type = args[0] if args else Any
    item = conv.get_structure_hook(item_type)

    def structure(value: object, _: object) -> tuple[Any, ...]:
        if type(value) is not list and type(value) is not tuple:
            raise _fail("a list")
        if len(value) > (_limits.items_limit() if _limits.overriding else MAX_ITEMS):
            raise ValidationError([_limits.items_problem(_limits.items_limit())])
        out = []
        errors: list[Problem] = []
        for i, x in enumerate(value):
            try:
                out.append(item(x, item_type))
            except Exception as exc:  # collected with its index, re-raised below
                errors.extend(problems(exc, f"[{i}]", item_type))
        if errors:
            raise ValidationError(errors)
        return tuple(out)

    return structure


def _frozenset_hook(tp: Any, conv: cattrs.Converter) -> Callable[[object, object], frozenset[Any]]:
    inner = _tuple_hook(tp, conv)

    def structure(value: object, _: object) -> frozenset[Any]:
        return frozenset(inner(value, tp))

    return structure


def _unstructure_frozenset(value: frozenset[Any]) -> list[Any]:
    items = [m.value if isinstance(m, enum.Enum) else m for m in value]
    return sorted(items, key=lambda v: (type(v).__name__, v))


def _is_optional(tp: Any) -> bool:
    args = getattr(tp, "__args__", ())
    return (
        (
            getattr(tp, "__origin__", None) in (typing.Union, types.UnionType)
            or type(tp) is types.UnionType
        )
        and len(args) == 2
        and type(None) in args
    )


def _optional_hook(tp: Any, conv: cattrs.Converter) -> Callable[[object, object], Any]:
    inner_type = next(a for a in tp.__args__ if a is not type(None))
    inner = conv.get_structure_hook(inner_type)

    def structure(value: object, _: object) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure


def _unstructure_optional(tp: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    inner = conv.get_unstructure_hook(next(a for a in tp.__args__ if a is not type(None)))
    return lambda value: None if value is None else inner(value)


def _unstructure_tuple(tp: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    args = getattr(tp, "__args__", ())
    inner = conv.get_unstructure_hook(args[0] if args else Any)
    return lambda value: [inner(x) for x in value]


def _is_tuple(tp: Any) -> bool:
    return getattr(tp, "__origin__", None) is tuple


def _is_frozenset(tp: Any) -> bool:
    return getattr(tp, "__origin__", None) is frozenset


def _is_measure(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Measure)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


_keys: dict[str, str] = {}


def _structure_key(value: object, _: object) -> str:
    """Structure a registry key (modality, instrument code), sharing one copy of each."""
    if type(value) is not str:
        raise _fail("text")
    key = _keys.get(value)
    if key is None:
        key = value
        if len(_keys) < 4096:  # codes are few; the bound keeps junk input from growing it
            _keys[value] = value
    return key


def _attrs_hook(cls: type, conv: cattrs.Converter) -> Callable[[object, object], Any]:
    overrides = {
        a.name: override(struct_hook=_structure_key)
        for a in attrs.fields(cls)
        if a.metadata.get(KEY_METADATA)
    }
    # Unknown keys are checked here with one C-level subset test rather than by
    # cattrs' set difference per object, which costs several times more.
    inner: Callable[[Any, Any], Any] = make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=False,
        **overrides,  # type: ignore[arg-type]
    )
    names = frozenset(a.name for a in attrs.fields(cls))
    expected = f"an object ({cls.__name__})"

    def structure(value: object, _: object) -> Any:
        if type(value) is not dict:
            raise _fail(expected)
        if names.issuperset(value):
            return inner(value, cls)
        limit = _limits.items_limit()
        if len(value) > limit:
            raise ValidationError([_limits.items_problem(limit, "keys", "object")])
        found = [Problem(shown_key(k), "unexpected key", "extra") for k in value if k not in names]
        try:
            inner({k: v for k, v in value.items() if k in names}, cls)
        except Exception as exc:  # report the other problems of this object too
            found = problems(exc, "", cls) + found
        raise ValidationError(found)

    step = _self_nesting(cls)
    return structure if step is None else _counted(structure, step)


def _self_nesting(cls: type) -> int | None:
    """The JSON levels from an object of *cls* down to one of *cls* nested in it.

    ``None`` if no model inside *cls* can hold another *cls*. A session's
    amendment holds the original session three levels down (``amendments``, the
    amendment, ``original``), so structuring can recurse as deep as the input:
    `_counted` bounds it.
    """
    queue: collections.deque[tuple[object, int]] = collections.deque([(cls, 0)])
    done: set[object] = set()
    while queue:
        tp, level = queue.popleft()
        if tp is cls and level:
            return level
        if tp in done:
            continue
        done.add(tp)
        args = getattr(tp, "__args__", ())
        if isinstance(tp, type) and attrs.has(tp):
            try:
                attrs.resolve_types(tp)
            except Exception:  # unresolvable annotations: no model to follow
                continue
            queue.extend((a.type, level + 1) for a in attrs.fields(tp))
        elif _is_union(tp):
            queue.extendleft((a, level) for a in args)  # a union adds no level
        elif getattr(tp, "__origin__", None) in (tuple, frozenset, list, dict):
            queue.extend((a, level + 1) for a in args)
    return None


def _is_union(tp: Any) -> bool:
    return getattr(tp, "__origin__", None) is typing.Union or type(tp) is types.UnionType


def _counted(
    structure: Callable[[object, object], Any], step: int
) -> Callable[[object, object], Any]:
    """Wrap the structure hook of a self-nesting model with a depth count.

    Each nested copy adds *step* levels; past the depth limit the input is
    refused before Python's recursion limit could be reached.
    """
    local = threading.local()

    def counted(value: object, tp: object) -> Any:
        depth: int = getattr(local, "depth", 0) + step
        if depth > (_limits.depth_limit() if _limits.overriding else MAX_DEPTH):
            raise ValidationError([_limits.depth_problem(_limits.depth_limit())])
        local.depth = depth
        try:
            return structure(value, tp)
        finally:
            local.depth = depth - step

    return counted


def make_converter(*, detailed: bool = True) -> cattrs.Converter:
    """Build a new converter configured for medmassage models.

    Applications that want to add hooks of their own should start from this
    rather than mutate the shared one returned by `get_converter`.

    Args:
        detailed: Whether structuring collects every problem with its path
            (cattrs' detailed validation). `from_dict` first tries a converter
            without it, which is faster, and repeats the work with it only when
            the input turns out to be invalid.
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook(dt.date, _date)
    conv.register_structure_hook(dt.datetime, _datetime)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook(dt.datetime, _unstructure_datetime)
    conv.register_structure_hook_factory(_is_measure, structure_hook)
    conv.register_unstructure_hook_func(_is_measure, Measure.to_dict)
    conv.register_structure_hook(PhysicalMeasurement, _structure_physical)
    conv.register_unstructure_hook(PhysicalMeasurement, Measure.to_dict)
    conv.register_unstructure_hook(ItemResponse, _identity)
    conv.register_unstructure_hook(Responses | None, _unstructure_responses)
    conv.register_structure_hook(ItemResponse, _structure_item)
    conv.register_structure_hook(Responses, lambda v, _: _structure_responses(v, conv))
    conv.register_structure_hook(
        Responses | None,
        lambda v, _: None if v is None else _structure_responses(v, conv),
    )
    conv.register_structure_hook_factory(_is_enum, _structure_enum)
    conv.register_structure_hook_factory(_is_tuple, lambda tp: _tuple_hook(tp, conv))
    conv.register_structure_hook_factory(_is_frozenset, lambda tp: _frozenset_hook(tp, conv))
    conv.register_unstructure_hook_func(_is_frozenset, _unstructure_frozenset)
    conv.register_structure_hook_factory(attrs.has, lambda cls: _attrs_hook(cls, conv))
    conv.register_structure_hook_factory(_is_optional, lambda tp: _optional_hook(tp, conv))
    conv.register_unstructure_hook_factory(_is_optional, lambda tp: _unstructure_optional(tp, conv))
    conv.register_unstructure_hook_factory(_is_tuple, lambda tp: _unstructure_tuple(tp, conv))
    return conv


_lock = threading.Lock()
_converter: cattrs.Converter | None = None


def get_converter() -> cattrs.Converter:
    """Return the shared converter (built on first use)."""
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                _converter = make_converter()
    return _converter


# -- errors -------------------------------------------------------------------------

_KEY_SHOWN: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


def shown_key(key: object) -> str:
    """An unexpected key as a path may show it: a field-like name, else a placeholder.

    A key can be anything a document holds, patient text included, or text that
    cannot even be printed; only names that look like field names are repeated.
    """
    text = str(key)
    return text if _KEY_SHOWN.match(text) else "<unexpected key>"


def problems(exc: BaseException, path: str, tp: Any) -> list[Problem]:
    """Turn whatever structuring raised into located problems."""
    if isinstance(exc, ValidationError):
        return [p.prefixed(path) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Problem(_join(path, shown_key(k)), "unexpected key", "extra")
            for k in sorted(exc.extra_fields, key=str)
        ]
    if isinstance(exc, ClassValidationError | IterableValidationError):
        out: list[Problem] = []
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                out.extend(problems(sub, _join(path, note.name), note.type))
            elif isinstance(note, IterableValidationNote):
                out.extend(problems(sub, f"{path}[{note.index}]", note.type))
        for sub in without:
            out.extend(problems(sub, path, tp))
        return out
    if isinstance(exc, KeyError):
        return [Problem(path, "required", "required")]
    if isinstance(exc, RecursionError):
        return [_limits.depth_problem(_limits.depth_limit()).prefixed(path)]
    return [Problem(path, f"expected {_describe(tp)}", "type")]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
