"""The generator: a JSON Schema (2020-12) of a model, read from its attrs fields and docstrings.

Private: `medmassage.schemas` is the public face (`~medmassage.schemas.generate`).

Each Python type a model field may have is described as the converter of
`medmassage.serialization` writes and reads it: text, whole numbers, numbers,
true/false, dates (``YYYY-MM-DD``), date-times (an offset, and an IANA zone in
brackets), quantities (``{"value": ..., "unit": ...}``), enums (their values),
lists (tuples and sets, at most `~medmassage.serialization.MAX_ITEMS` items),
unions and nested models. A type it cannot describe is refused rather than
described loosely.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from .._validation import _mapping_types
from ..exceptions import UsageError
from ..units import _SEED, MAX_MAGNITUDE, Measure

Schema = dict[str, object]

# A date-time as medmassage writes it (``datetime.isoformat``: seconds always,
# microseconds when not zero, an offset that may have seconds), or as RFC 3339
# writes it (``Z``, 1-6 digits of a second); then an IANA zone name in brackets.
_TWO: Final = r"(?:[01]\d|2[0-3])"
_MINUTE: Final = r"[0-5]\d"
DATE_TIME_PATTERN: Final = (
    r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    rf"T{_TWO}:{_MINUTE}:{_MINUTE}(?:\.\d{{1,6}})?"
    rf"(?:Z|[+-]{_TWO}:{_MINUTE}(?::{_MINUTE}(?:\.\d{{6}})?)?)"
    r"(?:\[[A-Za-z0-9_+/-]{1,64}\])?$"
)
DATE_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}$"

# The docstring sections that end a description (Google style).
_SECTION: Final = re.compile(
    r"^(Attributes|Args|Arguments|Returns|Raises|Example|Examples|Note|Notes|Yields):\s*$"
)
_FIELD: Final = re.compile(r"^(\w+)(?: \([^)]*\))?: (.*)$")


def _own_doc(obj: object) -> str:
    """The docstring *obj* has itself (not one inherited from a base class), cleaned."""
    doc = vars(obj).get("__doc__") if hasattr(obj, "__dict__") else None
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _plain(text: str) -> str:
    """Docstring markup as plain text: ``x`` and `x` as `x`, `~a.b.C` as `C`."""
    text = text.replace("``", "`")
    return re.sub(r"`~(?:\w+\.)*(\w+)`", r"`\1`", text)


def description(obj: object) -> str:
    """The description of a class from its docstring: the text before its first section.

    Doctest examples are left out; lines of a paragraph are joined.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    in_example = False
    for line in _own_doc(obj).splitlines():
        stripped = line.strip()
        if _SECTION.match(line):
            break
        if stripped.startswith(">>>"):
            in_example = True
        if not stripped:
            in_example = False
            if current:
                paragraphs.append(" ".join(current))
                current = []
        elif not in_example:
            current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    return _plain("\n\n".join(p for p in paragraphs if not p.endswith("::")))


def field_descriptions(cls: type) -> dict[str, str]:
    """The description of each field in the ``Attributes:`` section of *cls*'s docstring."""
    found: dict[str, str] = {}
    inside = False
    name: str | None = None
    for line in _own_doc(cls).splitlines():
        if _SECTION.match(line):
            inside = line.startswith("Attributes:")
            name = None
            continue
        if not inside:
            continue
        if line.startswith("    ") and not line.startswith("     "):
            match = _FIELD.match(line[4:])
            if match is not None:
                name = match[1]
                found[name] = match[2].strip()
                continue
        if line.startswith("        ") and name is not None:
            found[name] += " " + line.strip()
        elif line.strip():
            inside = False
    return {k: _plain(v) for k, v in found.items()}


def _measure_units() -> dict[type[Measure], tuple[list[str], bool]]:
    """Each measure class: the unit spellings it knows, and whether they are all it accepts.

    The open classes (durations, pressures, lengths, angles) accept any unit
    their registry can convert; their seeded spellings are examples. A
    temperature accepts its scales only.
    """
    out: dict[type[Measure], tuple[list[str], bool]] = {}
    for cls in _measure_classes():
        closed = vars(cls).get("_AFFINE")
        if isinstance(closed, Mapping):
            out[cls] = ([str(k) for k in closed], True)
        else:
            units = [u for (canonical, u), _ in _SEED.items() if canonical == cls.CANONICAL_UNIT]
            out[cls] = (units, False)
    return out


def _measure_classes() -> list[type[Measure]]:
    """The concrete measure classes of medmassage, in a fixed order."""
    found: list[type[Measure]] = []
    queue: list[type[Measure]] = [Measure]
    while queue:
        for sub in queue.pop(0).__subclasses__():
            if sub.__module__ == Measure.__module__ and sub not in found:
                found.append(sub)
                queue.append(sub)
    return sorted(found, key=lambda c: c.__name__)


class Generator:
    """Builds the schemas of one document: the body of its model and the ``$defs`` it uses."""

    def __init__(self, max_items: int, default: Callable[[object, Any], object]) -> None:
        self.max_items = max_items
        self.unstructure = default
        self.defs: dict[str, Schema] = {}
        self._owners: dict[str, object] = {}
        self._units = _measure_units()

    # -- references ---------------------------------------------------------------

    def ref(self, name: str, owner: object, build: Callable[[], Schema]) -> Schema:
        """A ``$ref`` to ``$defs/name``, building the definition on first use."""
        known = self._owners.get(name)
        if known is None:
            self._owners[name] = owner
            self.defs[name] = {}  # reserved: a model may contain itself
            self.defs[name] = build()
        elif known is not owner:
            raise UsageError(f"two types are both named {name!r}; the schema needs one name each")
        return {"$ref": f"#/$defs/{name}"}

    # -- types --------------------------------------------------------------------

    def of(self, tp: Any) -> Schema:
        """The schema of a value of type *tp*, as the converter writes it."""
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        simple = _SIMPLE.get(tp)
        if simple is not None:
            return {"type": simple}
        if tp is dt.datetime:
            return self.ref("DateTime", tp, _date_time)
        if tp is dt.date:
            return self.ref("Date", tp, _date)
        if origin in (typing.Union, types.UnionType):
            return self._union(args)
        if origin in (tuple, frozenset):
            if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
                raise UsageError(f"cannot describe the fixed-length tuple {tp!r}")
            return {"type": "array", "items": self.of(args[0]), "maxItems": self.max_items}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if isinstance(tp, type):
            if issubclass(tp, Measure) and tp in self._units:
                return self.ref(tp.__name__, tp, lambda: self._measure(tp))
            if issubclass(tp, enum.Enum):
                return self.ref(tp.__name__, tp, lambda: _enum(tp))
            if attrs.has(tp):
                return self.ref(tp.__name__, tp, lambda: self.model(tp))
            mapping = _mapping_types(tp)
            if mapping is not None and mapping[0] is str:
                return {
                    "type": "object",
                    "additionalProperties": self.of(mapping[1]),
                    "maxProperties": self.max_items,
                }
        raise UsageError(f"cannot describe the type {tp!r} in JSON Schema")

    def _union(self, args: tuple[Any, ...]) -> Schema:
        members: list[Schema] = []
        for arg in args:
            schema = self.of(arg)
            found = typing.cast("list[Schema]", schema["anyOf"]) if "anyOf" in schema else [schema]
            for item in found:
                if item not in members:
                    members.append(item)
        if all(set(m) == {"type"} and isinstance(m["type"], str) for m in members):
            names = {str(m["type"]) for m in members}
            if "number" in names:
                names.discard("integer")  # a number includes the whole numbers
            ordered = [t for t in _TYPE_ORDER if t in names]
            return {"type": ordered[0] if len(ordered) == 1 else ordered}
        return {"anyOf": members}

    def model(self, cls: type) -> Schema:
        """The object schema of the attrs model *cls*: every field, the required ones, no others."""
        attrs.resolve_types(cls)
        docs = field_descriptions(cls)
        properties: dict[str, object] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init or field.name.startswith("_"):
                raise UsageError(f"{cls.__name__}.{field.name}: not a field of the JSON form")
            prop = dict(self.of(field.type))
            text = docs.get(field.name)
            if text:
                prop["description"] = text
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    if default.takes_self:
                        raise UsageError(f"{cls.__name__}.{field.name}: a default of its own")
                    default = default.factory()
                prop["default"] = self.unstructure(default, field.type)
            properties[field.name] = prop
        schema: Schema = {"title": cls.__name__}
        text = description(cls)
        if text:
            schema["description"] = text
        schema.update(
            type="object", properties=properties, required=required, additionalProperties=False
        )
        return schema

    def _measure(self, cls: type[Measure]) -> Schema:
        units, closed = self._units[cls]
        unit: Schema
        if closed:
            unit = {"type": "string", "enum": units}
        else:
            others = sorted(
                {u for c, (spellings, _) in self._units.items() if c is not cls for u in spellings}
                - set(units)
            )
            unit = {
                "type": "string",
                "minLength": 1,
                "not": {"enum": others},
                "examples": units,
            }
        unit["description"] = (
            f"The unit exactly as given: one of the {cls.KIND} scales listed."
            if closed
            else f"The unit exactly as given: a unit of {cls.KIND} (as in {cls.EXAMPLES}). "
            "The units of other kinds listed under 'not' are refused here; medmassage "
            "checks any other spelling with its unit registry when it reads the document."
        )
        return {
            "title": cls.__name__,
            "description": description(cls) + " Written as its value and unit, as given.",
            "type": "object",
            "properties": {
                "value": {
                    "type": "number",
                    "minimum": -MAX_MAGNITUDE,
                    "maximum": MAX_MAGNITUDE,
                    "description": "The magnitude exactly as given.",
                },
                "unit": unit,
            },
            "required": ["value", "unit"],
            "additionalProperties": False,
        }


_SIMPLE: Final[dict[object, str]] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}
_TYPE_ORDER: Final = ("integer", "number", "boolean", "string", "null")


def _enum(cls: type[enum.Enum]) -> Schema:
    values = [m.value for m in cls]
    schema: Schema = {"title": cls.__name__}
    text = description(cls)
    if text:
        schema["description"] = text
    kinds = sorted({"integer" if type(v) is int else "string" for v in values})
    if len(kinds) != 1 or any(type(v) not in (int, str) for v in values):
        raise UsageError(f"cannot describe the enum {cls.__name__}: its values are not all text")
    schema.update(type=kinds[0], enum=values)
    return schema


def _date() -> Schema:
    return {
        "title": "Date",
        "description": "A calendar date, YYYY-MM-DD (RFC 3339 full-date).",
        "type": "string",
        "format": "date",
        "pattern": DATE_PATTERN,
    }


def _date_time() -> Schema:
    return {
        "title": "DateTime",
        "description": (
            "An instant: an RFC 3339 date-time with its UTC offset (a date-time without one "
            "is refused), optionally followed by the IANA time-zone name in brackets "
            "(RFC 9557), as in 2026-03-02T10:00:00-07:00[America/Denver]. medmassage "
            "writes the offset as +HH:MM (with seconds for a historical local mean time) "
            "and the zone name whenever the date-time has one."
        ),
        "type": "string",
        "maxLength": 100,
        "pattern": DATE_TIME_PATTERN,
    }


def measure_classes() -> tuple[type[Measure], ...]:
    """The concrete measure classes the generator describes."""
    return tuple(_measure_classes())


__all__ = [
    "DATE_PATTERN",
    "DATE_TIME_PATTERN",
    "Generator",
    "Schema",
    "description",
    "field_descriptions",
    "measure_classes",
]
