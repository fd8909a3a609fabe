"""Schema migrations fail closed: every failure is a SchemaVersionError naming the migration."""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import medmassage as mm
from medmassage import serialization
from medmassage.serialization import from_dict, from_json, register_migration

HOWTO = Path(__file__).resolve().parent.parent / "docs" / "howto" / "migrations.md"


@attrs.frozen(kw_only=True)
class Note:
    """A model of these tests only (one field, so documents are short)."""

    text: str


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test registers migrations into its own copy of the registry."""
    monkeypatch.setattr(
        serialization._migrations, "registered", dict(serialization._migrations.registered)
    )


def refused(data: dict[str, Any], **kwargs: Any) -> mm.SchemaVersionError:
    with pytest.raises(mm.SchemaVersionError) as info:
        from_dict(Note, data, **kwargs)
    return info.value


def test_a_good_migration_upgrades() -> None:
    """A migration renaming a key reads an old document."""

    @register_migration(Note, 0)
    def rename(doc: dict[str, Any]) -> dict[str, Any]:
        doc["text"] = doc.pop("body")
        return doc

    assert from_dict(Note, {"schema_version": 0, "body": "x"}) == Note(text="x")
    assert from_json(Note, '{"schema_version": 0, "body": "y"}') == Note(text="y")


@pytest.mark.parametrize(
    "error", [KeyError("body"), TypeError("x"), ValueError("patient Jane"), RecursionError()]
)
def test_a_migration_that_raises_is_named(error: Exception) -> None:
    """Any exception in a migration becomes a SchemaVersionError naming it, not quoting it."""

    @register_migration(Note, 0)
    def broken(doc: dict[str, Any]) -> dict[str, Any]:
        raise error

    exc = refused({"schema_version": 0, "body": "x"})
    (problem,) = exc.problems
    assert problem.path == "schema_version"
    assert problem.code == "migration"
    assert problem.message == (
        "the migration of Note from schema version 0 "
        f"({__name__}.test_a_migration_that_raises_is_named.<locals>.broken) failed: "
        f"it raised {type(error).__name__}"
    )
    assert "Jane" not in str(exc)
    assert exc.__cause__ is error  # kept for debugging, never printed by the CLI


@pytest.mark.parametrize("result", [None, ["text", "x"], "text", 1])
def test_a_migration_that_returns_no_mapping_is_named(result: object) -> None:
    """A migration must return a mapping; anything else is refused with its type."""

    @register_migration(Note, 0)
    def wrong(doc: dict[str, Any]) -> Any:
        return result

    exc = refused({"schema_version": 0})
    assert exc.problems[0].code == "migration"
    assert f"returned {type(result).__name__}, not a mapping" in exc.problems[0].message
    assert "wrong" in exc.problems[0].message


def test_a_migration_that_reads_documents_is_refused() -> None:
    """A migration calling from_dict on an old document (endless recursion) is refused."""

    @register_migration(Note, 0)
    def recursive(doc: dict[str, Any]) -> dict[str, Any]:
        from_dict(Note, doc)
        return doc

    exc = refused({"schema_version": 0, "text": "x"})
    message = exc.problems[0].message
    assert "Note from schema version 0" in message
    assert "recursive" in message
    assert "must not call from_dict or from_json" in message
    assert type(exc) is mm.SchemaVersionError


def test_a_migration_may_read_current_documents() -> None:
    """Reading a document that needs no migration inside a migration is allowed."""

    @register_migration(Note, 0)
    def nested(doc: dict[str, Any]) -> dict[str, Any]:
        inner = from_dict(Note, {"schema_version": 1, "text": doc.pop("body")})
        return {**doc, "text": inner.text}

    assert from_dict(Note, {"schema_version": 0, "body": "x"}) == Note(text="x")


def test_a_migration_that_rewinds_the_version_is_refused() -> None:
    """A returned schema_version other than the old one or the next is refused."""

    @register_migration(Note, 0)
    def rewind(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "schema_version": 0 if "loop" in doc else 7}

    @register_migration(Note, 1)
    def back(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "schema_version": 0}

    exc = refused({"schema_version": 0, "text": "x"}, target_version=2)
    assert "returned schema_version 7; expected 1" in exc.problems[0].message
    exc = refused({"schema_version": 1, "text": "x"}, target_version=2)
    assert "returned schema_version 0; expected 2" in exc.problems[0].message


def test_the_chain_ends_without_a_migration() -> None:
    """A huge target version stops at the first missing migration."""
    exc = refused({"schema_version": 0, "text": "x"}, target_version=10**9)
    assert exc.problems[0].message == "no migration of Note from schema version 0"


@pytest.mark.parametrize("version", ["1", True, 1.0, None, [1]])
def test_target_version_must_be_a_whole_number(version: object) -> None:
    """target_version of the wrong type is a UsageError (a ValueError), not a TypeError."""
    with pytest.raises(mm.UsageError, match="target_version must be a whole number") as info:
        from_dict(mm.Goal, {"schema_version": 1}, target_version=version)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("model", "version", "match"),
    [
        ("Note", 0, "expected a model class"),
        (Note, -1, "from_version"),
        (Note, "0", "from_version"),
    ],
)
def test_register_migration_checks_its_arguments(model: Any, version: Any, match: str) -> None:
    """register_migration refuses a non-class, a negative or non-integer version."""
    with pytest.raises(mm.UsageError, match=match):
        register_migration(model, version)


def test_register_migration_needs_a_function() -> None:
    """Decorating something that cannot be called is refused."""
    with pytest.raises(mm.UsageError, match="expected a function"):
        register_migration(Note, 0)("not a function")  # type: ignore[arg-type]


def doctest_blocks(path: Path) -> str:
    """The {doctest} blocks of a MyST page, as one doctest text."""
    blocks = re.findall(r"```\{doctest\}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    return "\n".join(blocks)


def test_the_howto_examples_run() -> None:
    """Every example of docs/howto/migrations.md runs as printed (as the docs build does)."""
    text = doctest_blocks(HOWTO)
    assert "register_migration" in text
    test = doctest.DocTestParser().get_doctest(text, {}, HOWTO.name, str(HOWTO), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
    assert runner.tries >= 8
