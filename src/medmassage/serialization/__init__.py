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

import json
from collections.abc import Mapping
from typing import Any, Final, TypeVar

import attrs
from cattrs.errors import ClassValidationError, IterableValidationError

from .._validation import types_checked
from ..exceptions import Problem, UsageError, ValidationError
from . import _limits, _migrations
from ._converter import get_converter, make_converter, problems
from ._fast import fast_hook, fast_hooks
from ._limits import depth_problem, kind
from ._migrations import register_migration
from ._text import json_kind, parse

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
MAX_DOCUMENT_SIZE = _limits.MAX_DOCUMENT_SIZE

#: The deepest nesting of JSON arrays and objects a document may have. A valid case
#: nests about 10 levels (an amendment's original session included); the limit stays
#: far below the depth at which Python's recursion limit would be reached.
MAX_DEPTH = _limits.MAX_DEPTH

#: The most items one JSON array (a list or set field) may hold, and the most keys an
#: object with unknown keys may hold. The longest lists of valid records (the
#: sessions of a case, the items of an instrument) are far shorter.
MAX_ITEMS = _limits.MAX_ITEMS

#: A migration upgrades a document (a JSON object) of one schema version to the next.
Migration = _migrations.Migration


# -- public API ----------------------------------------------------------------------


def to_dict(obj: attrs.AttrsInstance) -> dict[str, Any]:
    """Return *obj* as JSON-ready data, with ``schema_version`` first."""
    data = get_converter().unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, **data}


def _check_model(model: object) -> None:
    """Refuse anything but a model class (called until the model's hook is cached)."""
    if not (isinstance(model, type) and attrs.has(model)):
        raise UsageError(f"expected a model class such as medmassage.Case, not {kind(model)}")


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
            f"target_version must be a whole number (a schema version), not {kind(target_version)}"
        )
    try:
        known = model in fast_hooks
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
        data = _migrations.migrate(model, data, target_version)
    del data["schema_version"]
    body = data
    token = types_checked.set(True)
    try:
        try:
            # The fast path: valid documents are the common case.
            return fast_hook(model)(body, model)
        except Exception:
            pass
        return get_converter().structure(body, model)
    except ValidationError as exc:
        raise ValidationError(exc.problems, model.__name__) from None
    except (ClassValidationError, IterableValidationError) as exc:
        raise ValidationError(problems(exc, "", model), model.__name__) from None
    except RecursionError:
        # Not reached within the depth limit; kept for callers already deep in the stack.
        raise ValidationError([depth_problem(_limits.depth_limit())], model.__name__) from None
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
    with _limits.overridden(max_items, max_depth):
        return _structure_document(model, data, target_version)


# Built once: json.dumps with any non-default option builds a new encoder per call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def to_json(obj: attrs.AttrsInstance, *, indent: int | None = None) -> str:
    """Return *obj* as a JSON document (see `to_dict`)."""
    if indent is None:
        return _ENCODER.encode(to_dict(obj))
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False, allow_nan=False)


def _parse_json(
    text: str | bytes | bytearray | memoryview,
    model: str | None,
    max_size: int | None = None,
    max_depth: int | None = None,
) -> object:
    """Parse JSON text within the size and depth limits (default: this module's)."""
    return parse(
        text,
        model,
        MAX_DOCUMENT_SIZE if max_size is None else _limits.checked(max_size, "max_size"),
        MAX_DEPTH if max_depth is None else _limits.checked(max_depth, "max_depth"),
    )


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
    With the ``fast`` extra installed (``pip install "medmassage[fast]"``,
    msgspec) the text is parsed about three times as fast; what is accepted,
    the values read and the error messages are the same.

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
        known = model in fast_hooks
    except TypeError:  # unhashable: not a class
        known = False
    if not known:
        _check_model(model)
    data = _parse_json(text, model.__name__, max_size, max_depth)
    if type(data) is not dict:
        raise ValidationError(
            [Problem("", f"expected a JSON object, not {json_kind(data)}", "type")], model.__name__
        )
    return _structure_document(model, data, SCHEMA_VERSION, max_depth, max_items)
