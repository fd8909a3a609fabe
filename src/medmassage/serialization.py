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

import collections
import contextvars
import datetime as dt
import enum
import functools
import itertools
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
from .exceptions import Problem, SchemaVersionError, UsageError, ValidationError
from .modalities import KEY_METADATA
from .outcomes import ItemResponse, PhysicalMeasurement, Responses, ScaleResponses
from .units import Angle, Length, Measure, Pressure, structure_hook

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_SIZE",
    "MAX_ITEMS",
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

#: The largest document `from_json` reads: 16 MiB, in bytes (in characters for a `str`).
#: Checked before anything is parsed. A case of a year of weekly sessions is well
#: under 1 MiB; the limit bounds the memory and time one hostile document can take.
MAX_DOCUMENT_SIZE = 16 * 1024 * 1024

#: The deepest nesting of JSON arrays and objects a document may have. A valid case
#: nests about 10 levels (an amendment's original session included); the limit stays
#: far below the depth at which Python's recursion limit would be reached.
MAX_DEPTH = 64

#: The most items one JSON array (a list or set field) may hold, and the most keys an
#: object with unknown keys may hold. The longest lists of valid records (the
#: sessions of a case, the items of an instrument) are far shorter.
MAX_ITEMS = 1000

#: A migration upgrades a document (a JSON object) of one schema version to the next.
Migration = Callable[[dict[str, Any]], dict[str, Any]]

_migrations: dict[tuple[str, int], Migration] = {}


def register_migration(model: type, from_version: int) -> Callable[[Migration], Migration]:
    """Register a function that upgrades *model* documents from *from_version*.

    The function receives the document (a shallow copy, ``schema_version``
    included) and returns it in the shape of ``from_version + 1``. It must not
    read documents itself (`from_dict` or `from_json` of a document that needs
    migrating). Whatever goes wrong in it (it raises, returns something other
    than a mapping, or reads a document) is reported as a `SchemaVersionError`
    naming it. Returns the decorated function unchanged.

    Raises:
        UsageError: If a migration for that model and version is already
            registered, or the arguments are not a class, a version (a whole
            number >= 0) and a callable.
    """
    if not isinstance(model, type):
        raise UsageError(f"register_migration: expected a model class, not {_kind(model)}")
    if type(from_version) is not int or from_version < 0:
        raise UsageError(
            "register_migration: from_version must be a whole number >= 0, "
            f"not {_kind(from_version)}"
        )

    def decorator(fn: Migration) -> Migration:
        if not callable(fn):
            raise UsageError(f"register_migration: expected a function, not {_kind(fn)}")
        key = (model.__qualname__, from_version)
        if key in _migrations:
            raise UsageError(
                f"a migration of {model.__qualname__} from version {from_version} exists already"
            )
        _migrations[key] = fn
        return fn

    return decorator


def _kind(value: object) -> str:
    """Describe a wrong argument without quoting data: numbers as such, else the type."""
    if type(value) in (int, float, bool) or value is None:
        return repr(value)
    return type(value).__name__


# -- limits -------------------------------------------------------------------------

# Per-call limits (max_items, max_depth) for the structure hooks; None: the constants.
_limits: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "medmassage_limits", default=None
)
# How many calls with limits of their own are running (in any thread). While none
# is, the hooks read the constants without looking up the context variable.
_overriding = 0
_overriding_lock = threading.Lock()


def _items_limit() -> int:
    limits = _limits.get()
    return MAX_ITEMS if limits is None else limits[0]


def _limit(value: object, name: str) -> int:
    if type(value) is not int or value < 0:
        raise UsageError(f"{name} must be a whole number >= 0, not {_kind(value)}")
    return value


def _size_problem(limit: int) -> Problem:
    mib = 1024 * 1024
    shown = f"{limit} bytes"
    if limit and limit % mib == 0:
        shown = f"{limit // mib} MiB ({shown})"
    return Problem("", f"document is larger than the size limit of {shown}", "limit_size")


def _depth_problem(limit: int) -> Problem:
    return Problem("", f"nested deeper than the depth limit of {limit} levels", "limit_depth")


def _items_problem(limit: int, what: str = "items", where: str = "list") -> Problem:
    return Problem("", f"more {what} than the limit ({limit}) for one {where}", "limit_items")


# JSON text reduced to its brackets and quotes, then to "(" and ")", or +1/-1 steps.
_NOT_MARKS: Final = bytes(b for b in range(256) if b not in b'[]{}"\\')
_NOT_BRACKETS: Final = bytes(b for b in range(256) if b not in b'[]{}"')
_PARENS: Final = bytes.maketrans(b"[{]}", b"(())")
_STEPS: Final = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_CHUNK: Final = 1 << 16


def _nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether JSON text nests arrays and objects deeper than *limit*.

    Measured without parsing, so without recursion, and at C speed: the text is
    reduced to its brackets, quotes and backslashes; with no more openers than
    the limit it cannot be too deep. Otherwise escaped backslashes and quotes are
    dropped, then strings, and the depth of the remaining brackets is measured:
    by stripping innermost pairs, one level per pass, or for long text by
    summing steps with `itertools.accumulate`. For text that is not valid JSON
    the answer may be either; parsing reports it then.
    """
    marks = raw.translate(None, _NOT_MARKS)
    if marks.count(b"[") + marks.count(b"{") <= limit:
        return False
    if b"\\" in marks:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
        marks = raw.translate(None, _NOT_BRACKETS)
    marks = marks.replace(b'""', b"")  # strings without brackets
    if b'"' in marks:
        # Some string holds brackets: keep what lies outside strings (in chunks, to
        # bound memory); a quote opens a string and the next one closes it.
        kept: list[bytes] = []
        inside = 0
        for start in range(0, len(marks), _CHUNK):
            parts = marks[start : start + _CHUNK].split(b'"')
            kept.append(b"".join(parts[inside::2]))
            inside ^= (len(parts) - 1) & 1
        marks = b"".join(kept)
    if len(marks) > _CHUNK:
        steps = memoryview(marks.translate(_STEPS)).cast("b")
        return max(itertools.accumulate(steps), default=0) > limit
    pairs = marks.translate(_PARENS)
    for level in range(limit + 1):
        inner = pairs.replace(b"()", b"")
        if len(inner) == len(pairs):  # all gone, or unbalanced (not valid JSON)
            return level + pairs.count(b"(") > limit
        pairs = inner
    return True


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
    limit = _items_limit()
    if len(value) > limit:
        raise ValidationError([_items_problem(limit, "scales", "set of responses")])
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
        if len(value) > (_items_limit() if _overriding else MAX_ITEMS):
            raise ValidationError([_items_problem(_items_limit())])
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
        limit = _items_limit()
        if len(value) > limit:
            raise ValidationError([_items_problem(limit, "keys", "object")])
        problems = [
            Problem(_shown_key(k), "unexpected key", "extra") for k in value if k not in names
        ]
        try:
            inner({k: v for k, v in value.items() if k in names}, cls)
        except Exception as exc:  # report the other problems of this object too
            problems = _problems(exc, "", cls) + problems
        raise ValidationError(problems)

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
        if depth > (_depth_limit() if _overriding else MAX_DEPTH):
            raise ValidationError([_depth_problem(_depth_limit())])
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


_KEY_SHOWN: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


def _shown_key(key: object) -> str:
    """An unexpected key as a path may show it: a field-like name, else a placeholder.

    A key can be anything a document holds, patient text included, or text that
    cannot even be printed; only names that look like field names are repeated.
    """
    text = str(key)
    return text if _KEY_SHOWN.match(text) else "<unexpected key>"


def _problems(exc: BaseException, path: str, tp: Any) -> list[Problem]:
    """Turn whatever structuring raised into located problems."""
    if isinstance(exc, ValidationError):
        return [p.prefixed(path) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Problem(_join(path, _shown_key(k)), "unexpected key", "extra")
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
        return [_depth_problem(_depth_limit()).prefixed(path)]
    return [Problem(path, f"expected {_describe(tp)}", "type")]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- public API ----------------------------------------------------------------------


def to_dict(obj: attrs.AttrsInstance) -> dict[str, Any]:
    """Return *obj* as JSON-ready data, with ``schema_version`` first."""
    data = get_converter().unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, **data}


def _depth_limit() -> int:
    limits = _limits.get()
    return MAX_DEPTH if limits is None else limits[1]


# The migration running in this context, described; migrations must not read documents.
_migrating: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "medmassage_migrating", default=None
)


class _ReentrantMigration(SchemaVersionError):
    """A migration read a document that needs migrating (it would recurse)."""


def _describe_migration(model: type, version: int, fn: object) -> str:
    name = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    module = getattr(fn, "__module__", None)
    where = f"{module}.{name}" if module else str(name)
    return f"the migration of {model.__name__} from schema version {version} ({where})"


def _version_error(model: type, message: str, code: str = "schema_version") -> SchemaVersionError:
    return SchemaVersionError([Problem("schema_version", message, code)], model.__name__)


def _migrate(model: type, data: dict[str, Any], target: int) -> dict[str, Any]:
    version = data.get("schema_version")
    if type(version) is not int:
        raise _version_error(model, "expected an integer schema_version")
    if version > target:
        raise _version_error(
            model, f"document is schema version {version}; this medmassage reads up to {target}"
        )
    running = _migrating.get()
    if running is not None and version < target:
        raise _ReentrantMigration(
            [
                Problem(
                    "schema_version",
                    f"{running} read a document that needs migrating; a migration must not "
                    "call from_dict or from_json on one",
                    "migration",
                )
            ],
            model.__name__,
        )
    while version < target:
        migration = _migrations.get((model.__qualname__, version))
        if migration is None:
            raise _version_error(
                model, f"no migration of {model.__name__} from schema version {version}"
            )
        what = _describe_migration(model, version, migration)
        token = _migrating.set(what)
        try:
            result: object = migration(dict(data))
        except _ReentrantMigration as exc:
            raise SchemaVersionError(exc.problems, model.__name__) from None
        except Exception as exc:  # any failure of application code, reported as the migration's
            raise _version_error(
                model, f"{what} failed: it raised {type(exc).__name__}", "migration"
            ) from exc
        finally:
            _migrating.reset(token)
        if not isinstance(result, Mapping):
            raise _version_error(
                model,
                f"{what} returned {type(result).__name__}, not a mapping (a JSON object)",
                "migration",
            )
        data = dict(result)
        returned = data.get("schema_version", version)
        if type(returned) is not int or returned not in (version, version + 1):
            raise _version_error(
                model,
                f"{what} returned schema_version {_kind(returned)}; expected {version + 1}",
                "migration",
            )
        version += 1
        data["schema_version"] = version
    return data


def _check_model(model: object) -> None:
    """Refuse anything but a model class (called until the model's hook is cached)."""
    if not (isinstance(model, type) and attrs.has(model)):
        raise UsageError(f"expected a model class such as medmassage.Case, not {_kind(model)}")


def from_dict(
    model: type[T],
    data: Mapping[str, Any],
    *,
    target_version: int = SCHEMA_VERSION,
    max_depth: int | None = None,
    max_items: int | None = None,
) -> T:
    """Build a validated *model* from JSON-ready *data* (migrating older versions).

    Args:
        model: The model class, such as `medmassage.Case`.
        data: The document, as `json.load` returns it.
        target_version: The schema version to migrate to and read as.
        max_depth: The depth limit (default `MAX_DEPTH`). The data is already
            parsed, so it is enforced where structuring follows the nesting:
            through models that contain themselves (an amendment's original
            session). Nesting anywhere else is refused as the wrong type.
        max_items: The most items in any list (default `MAX_ITEMS`).

    Raises:
        ValidationError: Listing every problem with its path; limits broken
            have the codes ``limit_depth`` and ``limit_items``.
        SchemaVersionError: If ``schema_version`` is missing, too new, or cannot
            be migrated, or a migration failed.
        UsageError: If *model* is not a model class, or *target_version* or a
            limit is not a whole number.
    """
    if type(target_version) is not int:
        raise UsageError(
            f"target_version must be a whole number (a schema version), not {_kind(target_version)}"
        )
    try:
        known = model in _fast_hooks
    except TypeError:  # unhashable: not a class
        known = False
    if not known:
        _check_model(model)
    if not isinstance(data, Mapping):
        raise ValidationError([Problem("", "expected a JSON object", "type")], model.__name__)
    return _structure_document(model, dict(data), target_version, max_depth, max_items)


def _structure_document(
    model: type[T],
    data: dict[str, Any],
    target_version: int,
    max_depth: int | None = None,
    max_items: int | None = None,
) -> T:
    """Structure a top-level document that this module owns (and may change)."""
    if max_depth is not None or max_items is not None:
        return _with_limits(model, data, target_version, max_depth, max_items)
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
        # Not reached within the depth limit; kept for callers already deep in the stack.
        raise ValidationError([_depth_problem(_depth_limit())], model.__name__) from None
    finally:
        types_checked.reset(token)


def _with_limits(
    model: type[T],
    data: dict[str, Any],
    target_version: int,
    max_depth: int | None,
    max_items: int | None,
) -> T:
    """`_structure_document` with limits of this call's own."""
    global _overriding
    token = _limits.set(
        (
            MAX_ITEMS if max_items is None else _limit(max_items, "max_items"),
            MAX_DEPTH if max_depth is None else _limit(max_depth, "max_depth"),
        )
    )
    with _overriding_lock:
        _overriding += 1
    try:
        return _structure_document(model, data, target_version)
    finally:
        with _overriding_lock:
            _overriding -= 1
        _limits.reset(token)


# Built once: json.dumps with any non-default option builds a new encoder per call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def to_json(obj: attrs.AttrsInstance, *, indent: int | None = None) -> str:
    """Return *obj* as a JSON document (see `to_dict`)."""
    if indent is None:
        return _ENCODER.encode(to_dict(obj))
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False, allow_nan=False)


class _ConstantError(ValueError):
    """NaN, Infinity or -Infinity in JSON text."""


def _reject_constant(name: str) -> float:
    raise _ConstantError(name)


# Built once: json.loads with any option builds a new decoder per call. Its scanner
# is called directly (`_loads`), which skips two regular-expression matches per call.
_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)
_SCAN: Final[Callable[[str, int], tuple[object, int]]] = _DECODER.scan_once  # type: ignore[attr-defined]
_SPACE: Final = re.compile(r"[ \t\n\r]*")


def _loads(text: str) -> object:
    """Parse JSON text as ``_DECODER.decode`` does (same result, same errors)."""
    end = 0
    if text and text[0] in " \t\n\r":
        end = _SPACE.match(text).end()  # type: ignore[union-attr]  # always matches
    try:
        value, end = _SCAN(text, end)
    except StopIteration as exc:
        raise json.JSONDecodeError("Expecting value", text, exc.value) from None
    if end != len(text):
        end = _SPACE.match(text, end).end()  # type: ignore[union-attr]  # always matches
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    return value


_WIDE: Final = (
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """Name UTF-16 or UTF-32 text, by its byte order mark or the zero bytes of ASCII."""
    for mark, name in _WIDE:
        if raw.startswith(mark):
            return name
    head = raw[:4]
    if len(head) == 4 and b"\x00" in head:
        if head[:3] == b"\x00\x00\x00":
            return "UTF-32 (big-endian)"
        if head[1:] == b"\x00\x00\x00":
            return "UTF-32 (little-endian)"
        return "UTF-16 (big-endian)" if head[0] == 0 else "UTF-16 (little-endian)"
    return None


def _encoding_problem(raw: bytes, offset: int | None) -> Problem:
    wide = _wide_encoding(raw)
    if wide is not None:
        message = f"expected UTF-8 text, not {wide}; convert the file to UTF-8"
    else:
        message = f"expected UTF-8 text; byte {offset} is not valid UTF-8"
    return Problem("", message, "encoding")


def _parse_json(
    text: str | bytes | bytearray | memoryview,
    model: str | None,
    max_size: int | None = None,
    max_depth: int | None = None,
) -> object:
    """Check JSON text against the size and depth limits, then parse it.

    UTF-8 bytes (a leading byte order mark is skipped) or a `str`. Every
    failure is a `ValidationError` with one problem at the root: ``limit_size``,
    ``limit_depth``, ``encoding`` (UTF-16 and UTF-32 are named) or ``json``
    (with the line and column).
    """
    size_limit = MAX_DOCUMENT_SIZE if max_size is None else _limit(max_size, "max_size")
    depth_limit = MAX_DEPTH if max_depth is None else _limit(max_depth, "max_depth")
    raw: bytes | None = None
    if type(text) is bytes:
        raw = text
    elif isinstance(text, bytearray | memoryview):
        raw = bytes(text)
    elif not isinstance(text, str):
        raise ValidationError([Problem("", "expected JSON text (str or bytes)", "type")], model)
    if raw is not None:
        if len(raw) > size_limit:
            raise ValidationError([_size_problem(size_limit)], model)
        if _nesting_exceeds(raw, depth_limit):
            raise ValidationError([_depth_problem(depth_limit)], model)
        try:
            string = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError([_encoding_problem(raw, exc.start)], model) from None
        if string.startswith("\ufeff"):
            string = string[1:]
    else:
        string = typing.cast(str, text)
        if len(string) > size_limit:
            raise ValidationError([_size_problem(size_limit)], model)
        if string.count("[") + string.count("{") > depth_limit and _nesting_exceeds(
            string.encode("utf-8", "surrogatepass"), depth_limit
        ):
            raise ValidationError([_depth_problem(depth_limit)], model)
    try:
        return _loads(string)
    except json.JSONDecodeError as exc:
        if raw is not None and _wide_encoding(raw) is not None:
            problem = _encoding_problem(raw, None)
        else:
            where = f"line {exc.lineno}, column {exc.colno}"
            problem = Problem("", f"not valid JSON: {where}: {exc.msg}", "json")
    except _ConstantError:
        problem = Problem("", "not valid JSON: NaN, Infinity and -Infinity are not allowed", "json")
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        problem = Problem("", "not valid JSON: a number has too many digits", "json")
    except RecursionError:  # not reached within the depth limit; kept as a backstop
        problem = _depth_problem(depth_limit)
    raise ValidationError([problem], model)


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"


def from_json(
    model: type[T],
    text: str | bytes,
    *,
    max_size: int | None = None,
    max_depth: int | None = None,
    max_items: int | None = None,
) -> T:
    """Parse a JSON document into a validated *model*.

    The text is UTF-8 (a leading byte order mark is allowed) or a `str`. Before
    anything is parsed, its size and nesting are checked against the limits;
    the limits are checked in `from_dict` too (see :doc:`/concepts/limits`).

    Args:
        model: The model class, such as `medmassage.Case`.
        text: The JSON document.
        max_size: The size limit in bytes, characters for a `str` (default
            `MAX_DOCUMENT_SIZE`).
        max_depth: The most levels of nested arrays and objects (default `MAX_DEPTH`).
        max_items: The most items in any list (default `MAX_ITEMS`).

    Raises:
        ValidationError: For malformed JSON (invalid UTF-8, UTF-16 or UTF-32,
            syntax errors with their line and column, NaN or Infinity), for
            broken limits (codes ``limit_size``, ``limit_depth``,
            ``limit_items``) as for invalid content.
        SchemaVersionError: As `from_dict`.
        UsageError: If *model* is not a model class, or a limit is not a whole number.
    """
    try:
        known = model in _fast_hooks
    except TypeError:  # unhashable: not a class
        known = False
    if not known:
        _check_model(model)
    data = _parse_json(text, model.__name__, max_size, max_depth)
    if type(data) is not dict:
        raise ValidationError(
            [Problem("", f"expected a JSON object, not {_json_kind(data)}", "type")], model.__name__
        )
    return _structure_document(model, data, SCHEMA_VERSION, max_depth, max_items)
