"""Lossless JSON for every medmassage model, with schema versions and migrations.

One `cattrs` converter, built on first use and cached, turns models into plain
JSON-ready data and back. Structuring is strict: wrong types, missing keys,
unknown keys, nulls where a value is required, non-finite numbers and malformed
dates are all reported together as one `~medmassage.ValidationError` whose
problems carry JSON-path-like locations (``segments[1].pressure.unit``).

Round trips are exact: numbers keep their type and value, quantities keep the
unit the user gave (``{"value": 30, "unit": "min"}``), date-times keep their
offset and, for IANA zones, the zone name (RFC 9557 form
``2026-03-02T10:00:00-07:00[America/Denver]``), and sequences keep their order.

Every top-level document carries ``schema_version``; older documents are
upgraded by the migrations registered with `register_migration`.

>>> from medmassage import Duration, from_json, to_json
>>> from medmassage.plans import Goal, Comparator
>>> goal = Goal(id="g1", instrument="odi", target=20, comparator=Comparator.AT_MOST)
>>> text = to_json(goal)
>>> from_json(Goal, text) == goal
True
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import re
import threading
import types
import typing
import zoneinfo
from collections.abc import Callable, Mapping
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

from ._validation import ENCODABLE_TEXT, _describe, encodable, types_checked
from .exceptions import Problem, SchemaVersionError, ValidationError
from .modalities import KEY_METADATA
from .outcomes import ItemResponse, PhysicalMeasurement, Responses, ScaleResponses
from .units import Angle, Length, Measure, Pressure, structure_hook

__all__ = [
    "SCHEMA_VERSION",
    "Migration",
    "from_dict",
    "from_json",
    "get_converter",
    "make_converter",
    "register_migration",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

#: The schema version of documents this medmassage writes.
SCHEMA_VERSION: Final = 1

#: A migration upgrades a document (a JSON object) of one schema version to the next.
Migration = Callable[[dict[str, Any]], dict[str, Any]]

_migrations: dict[tuple[str, int], Migration] = {}


def register_migration(model: type, from_version: int) -> Callable[[Migration], Migration]:
    """Register a function that upgrades *model* documents from *from_version*.

    The function receives the document (a dict, ``schema_version`` included) and
    returns it in the shape of ``from_version + 1``. Returns the decorated
    function unchanged.

    Raises:
        UsageError: If a migration for that model and version is already registered.
    """
    from .exceptions import UsageError

    def decorator(fn: Migration) -> Migration:
        key = (model.__qualname__, from_version)
        if key in _migrations:
            raise UsageError(
                f"a migration of {model.__qualname__} from version {from_version} exists already"
            )
        _migrations[key] = fn
        return fn

    return decorator


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
            if local.replace(tzinfo=None) != parsed.replace(tzinfo=None):
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
            errors.extend(_problems(exc, name, items))
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
        out = []
        errors: list[Problem] = []
        for i, x in enumerate(value):
            try:
                out.append(item(x, item_type))
            except Exception as exc:  # collected with its index, re-raised below
                errors.extend(_problems(exc, f"[{i}]", item_type))
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
        problems = [Problem(str(k), "unexpected key", "extra") for k in value if k not in names]
        try:
            inner({k: v for k, v in value.items() if k in names}, cls)
        except Exception as exc:  # report the other problems of this object too
            problems = _problems(exc, "", cls) + problems
        raise ValidationError(problems)

    return structure


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
_fast: cattrs.Converter | None = None


def get_converter() -> cattrs.Converter:
    """Return the shared converter (built on first use)."""
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                _converter = make_converter()
    return _converter


_fast_hooks: dict[type, Callable[[Any, Any], Any]] = {}


def _fast_hook(model: type[T]) -> Callable[[Any, Any], T]:
    """The structuring function of the fast converter for *model* (cached)."""
    hook = _fast_hooks.get(model)
    if hook is None:
        global _fast
        with _lock:
            if _fast is None:
                _fast = make_converter(detailed=False)
        hook = _fast_hooks[model] = _fast.get_structure_hook(model)
    return hook


# -- errors -------------------------------------------------------------------------


def _problems(exc: BaseException, path: str, tp: Any) -> list[Problem]:
    """Turn whatever structuring raised into located problems."""
    if isinstance(exc, ValidationError):
        return [p.prefixed(path) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Problem(_join(path, str(k)), "unexpected key", "extra")
            for k in sorted(exc.extra_fields, key=str)
        ]
    if isinstance(exc, ClassValidationError | IterableValidationError):
        out: list[Problem] = []
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                out.extend(_problems(sub, _join(path, note.name), note.type))
            elif isinstance(note, IterableValidationNote):
                out.extend(_problems(sub, f"{path}[{note.index}]", note.type))
        for sub in without:
            out.extend(_problems(sub, path, tp))
        return out
    if isinstance(exc, KeyError):
        return [Problem(path, "required", "required")]
    if isinstance(exc, RecursionError):
        return [Problem(path, "nested too deeply", "depth")]
    return [Problem(path, f"expected {_describe(tp)}", "type")]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- public API ----------------------------------------------------------------------


def to_dict(obj: attrs.AttrsInstance) -> dict[str, Any]:
    """Return *obj* as JSON-ready data, with ``schema_version`` first."""
    data = get_converter().unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, **data}


def _migrate(model: type, data: dict[str, Any], target: int) -> dict[str, Any]:
    version = data.get("schema_version")
    if type(version) is not int:
        raise SchemaVersionError(
            [Problem("schema_version", "expected an integer schema_version", "schema_version")],
            model.__name__,
        )
    if version > target:
        raise SchemaVersionError(
            [
                Problem(
                    "schema_version",
                    f"document is schema version {version}; this medmassage reads up to {target}",
                    "schema_version",
                )
            ],
            model.__name__,
        )
    while version < target:
        migration = _migrations.get((model.__qualname__, version))
        if migration is None:
            raise SchemaVersionError(
                [
                    Problem(
                        "schema_version",
                        f"no migration of {model.__name__} from schema version {version}",
                        "schema_version",
                    )
                ],
                model.__name__,
            )
        data = migration(dict(data))
        version += 1
        data["schema_version"] = version
    return data


def from_dict(
    model: type[T], data: Mapping[str, Any], *, target_version: int = SCHEMA_VERSION
) -> T:
    """Build a validated *model* from JSON-ready *data* (migrating older versions).

    Raises:
        ValidationError: Listing every problem with its path.
        SchemaVersionError: If ``schema_version`` is missing, too new, or cannot
            be migrated.
    """
    if not isinstance(data, Mapping):
        raise ValidationError([Problem("", "expected a JSON object", "type")], model.__name__)
    return _structure_document(model, dict(data), target_version)


def _structure_document(model: type[T], data: dict[str, Any], target_version: int) -> T:
    """Structure a top-level document that this module owns (and may change)."""
    if data.get("schema_version") != target_version or type(data["schema_version"]) is not int:
        data = _migrate(model, data, target_version)
    del data["schema_version"]
    body = data
    token = types_checked.set(True)
    try:
        try:
            # The fast path: valid documents are the common case.
            return _fast_hook(model)(body, model)
        except Exception:
            pass
        return get_converter().structure(body, model)
    except ValidationError as exc:
        raise ValidationError(exc.problems, model.__name__) from None
    except (ClassValidationError, IterableValidationError) as exc:
        raise ValidationError(_problems(exc, "", model), model.__name__) from None
    except RecursionError:
        raise ValidationError([Problem("", "nested too deeply", "depth")], model.__name__) from None
    finally:
        types_checked.reset(token)


# Built once: json.dumps with any non-default option builds a new encoder per call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def to_json(obj: attrs.AttrsInstance, *, indent: int | None = None) -> str:
    """Return *obj* as a JSON document (see `to_dict`)."""
    if indent is None:
        return _ENCODER.encode(to_dict(obj))
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False, allow_nan=False)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed")


# Built once: json.loads with any option builds a new decoder per call.
_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)


def from_json(model: type[T], text: str | bytes) -> T:
    """Parse a JSON document into a validated *model*.

    Raises:
        ValidationError: For malformed JSON (invalid UTF-8, syntax errors, NaN or
            Infinity, nesting too deep for the parser) as for invalid content.
    """
    try:
        if isinstance(text, bytes | bytearray):
            text = bytes(text).decode("utf-8")
        if not isinstance(text, str):
            raise TypeError
        data = _DECODER.decode(text)
    except UnicodeDecodeError:
        raise ValidationError(
            [Problem("", "expected UTF-8 text", "encoding")], model.__name__
        ) from None
    except (ValueError, TypeError, RecursionError):
        raise ValidationError(
            [Problem("", "expected a well-formed JSON document without NaN or Infinity", "json")],
            model.__name__,
        ) from None
    if type(data) is not dict:
        raise ValidationError([Problem("", "expected a JSON object", "type")], model.__name__)
    return _structure_document(model, data, SCHEMA_VERSION)
