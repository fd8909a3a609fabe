"""Schema versions: the registry of migrations and the upgrade of old documents.

Private: `medmassage.serialization.register_migration` is the public face.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from typing import Any

from ..exceptions import Problem, SchemaVersionError, UsageError
from ._limits import kind

#: A migration upgrades a document (a JSON object) of one schema version to the next.
Migration = Callable[[dict[str, Any]], dict[str, Any]]

registered: dict[tuple[str, int], Migration] = {}


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
        raise UsageError(f"register_migration: expected a model class, not {kind(model)}")
    if type(from_version) is not int or from_version < 0:
        raise UsageError(
            "register_migration: from_version must be a whole number >= 0, "
            f"not {kind(from_version)}"
        )

    def decorator(fn: Migration) -> Migration:
        if not callable(fn):
            raise UsageError(f"register_migration: expected a function, not {kind(fn)}")
        key = (model.__qualname__, from_version)
        if key in registered:
            raise UsageError(
                f"a migration of {model.__qualname__} from version {from_version} exists already"
            )
        registered[key] = fn
        return fn

    return decorator


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


def migrate(model: type, data: dict[str, Any], target: int) -> dict[str, Any]:
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
        migration = registered.get((model.__qualname__, version))
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
                f"{what} returned schema_version {kind(returned)}; expected {version + 1}",
                "migration",
            )
        version += 1
        data["schema_version"] = version
    return data
