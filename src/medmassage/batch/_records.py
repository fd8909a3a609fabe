"""Reading batch input: each record, whatever its form, to a `Case` or the reason it is not one."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping

import attrs

from ..cases import Case
from ..exceptions import MedmassageError, Problem, ValidationError
from ..plugins import Registry, RegistrySpec, get_default_registry
from ..serialization import MAX_DOCUMENT_SIZE, from_dict, from_json
from ._rows import FINGERPRINT_MISMATCH

_EXPECTED = "expected a Case, a JSON object, JSON text or bytes, or an (id, record) pair"


@attrs.frozen(slots=True)
class Failure:
    """Why a record gave no result: the error kind and its problems."""

    kind: str
    problems: tuple[Problem, ...]


@attrs.frozen(slots=True)
class Read:
    """One record as read: its position, its id and the case or the failure."""

    index: int
    id: str | None
    case: Case | None
    failure: Failure | None


@functools.cache
def version() -> str:
    """The installed medmassage version ("unknown" if it has no distribution metadata)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("medmassage")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without metadata
        return "unknown"


def failure_of(exc: Exception) -> Failure:
    """The failure an exception stands for: its class, and its problems with their paths.

    A medmassage exception's message never holds patient data; any other
    exception (a bug, a plugin's own error) is named by its class only.
    """
    kind = type(exc).__name__
    if isinstance(exc, ValidationError):
        return Failure(kind, exc.problems)
    if isinstance(exc, MedmassageError):
        return Failure(kind, (Problem("", str(exc), "error"),))
    return Failure(kind, (Problem("", "unexpected error while processing the record", "internal"),))


def _id_in(document: object) -> str | None:
    """The plan id a parsed case document holds, if it holds one as text."""
    if isinstance(document, Mapping):
        plan = document.get("plan")
        if isinstance(plan, Mapping):
            found = plan.get("id")
            if isinstance(found, str):
                return found
    return None


def _id_in_text(text: str | bytes) -> str | None:
    """The plan id of a JSON document that could not be read as a case, if it parses."""
    if len(text) > MAX_DOCUMENT_SIZE:
        return None
    try:
        return _id_in(json.loads(text))
    except (ValueError, RecursionError, TypeError):
        return None


def _case(record: object) -> tuple[str | None, Case | None, Failure | None]:
    """Read one record (not a pair): its own id, and the case or the failure."""
    if isinstance(record, Case):
        return record.plan.id, record, None
    if isinstance(record, str | bytes | bytearray | memoryview):
        text = bytes(record) if isinstance(record, bytearray | memoryview) else record
        try:
            case = from_json(Case, text)
        except Exception as exc:  # every failure is a row, never an exception
            return _id_in_text(text), None, failure_of(exc)
        return case.plan.id, case, None
    if isinstance(record, Mapping):
        try:
            case = from_dict(Case, record)
        except Exception as exc:
            return _id_in(record), None, failure_of(exc)
        return case.plan.id, case, None
    return None, None, Failure("ValidationError", (Problem("", _EXPECTED, "type"),))


def read(index: int, item: object) -> Read:
    """Read the record at *index*: a pair ``(id, record)`` keeps the id it gives."""
    if isinstance(item, tuple):
        if len(item) != 2:
            problem = Problem("", _EXPECTED, "type")
            return Read(index, None, None, Failure("ValidationError", (problem,)))
        given, record = item
        if not isinstance(given, str):
            problem = Problem("id", "expected the record's id as text", "type")
            return Read(index, None, None, Failure("ValidationError", (problem,)))
        _, case, failure = _case(record)
        return Read(index, given, case, failure)
    found, case, failure = _case(item)
    return Read(index, found, case, failure)


def read_all(records: Iterable[object]) -> Iterator[Read]:
    """Read each record in order (an iterable that itself fails ends the batch)."""
    for index, item in enumerate(records):
        yield read(index, item)


def resolve(registry: Registry | RegistrySpec | None) -> tuple[Registry, Failure | None]:
    """The registry to use, and the failure every row gets if it is not the expected one.

    Raises:
        ValidationError: If *registry* is neither a registry nor a spec.
    """
    if registry is None:
        return get_default_registry(), None
    if isinstance(registry, Registry):
        return registry, None
    if not isinstance(registry, RegistrySpec):
        raise ValidationError(
            [Problem("registry", "expected a medmassage Registry or RegistrySpec", "type")]
        )
    built = registry.build()
    if registry.matches(built):
        return built, None
    problem = Problem(
        "",
        f"this process's registry {built.fingerprint()} is not the expected "
        f"{registry.expected}: its plugins differ; results would not be comparable",
        FINGERPRINT_MISMATCH,
    )
    return built, Failure(FINGERPRINT_MISMATCH, (problem,))
