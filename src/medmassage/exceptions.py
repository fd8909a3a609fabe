"""The medmassage exception tree.

Every exception medmassage raises derives from `MedmassageError`, and each
also subclasses the builtin a caller would naturally catch (`ValueError`,
`LookupError`, ...), as pint's errors do. Messages say what was expected and
where; they never contain a patient's identifying values (names, birth dates,
contact details, free-text notes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "MedmassageError",
    "PluginConflictError",
    "PluginError",
    "PluginIncompatibleError",
    "PluginLoadError",
    "PluginValidationError",
    "Problem",
    "RuleExecutionError",
    "ScoringError",
    "ScreeningError",
    "SchemaVersionError",
    "UnitError",
    "UnknownCodeError",
    "UsageError",
    "ValidationError",
]


class MedmassageError(Exception):
    """Base class of every exception raised by medmassage."""


@attrs.frozen(slots=True)
class Problem:
    """One broken rule found while validating input.

    Attributes:
        path: Where the problem is, as a JSON-path-like location relative to the
            object being validated (``segments[1].pressure``); empty for the object
            itself.
        message: What was expected. Never contains a patient's identifying values.
        code: A stable machine-readable identifier of the rule that was broken
            (for example ``"range"``, ``"dimension"``, ``"required"``).
    """

    path: str
    message: str
    code: str = "invalid"

    def prefixed(self, prefix: str) -> Problem:
        """Return this problem located under *prefix* (a field name or ``[i]``)."""
        if not prefix:
            return self
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return Problem(path, self.message, self.code)

    def __str__(self) -> str:
        where = self.path or "<root>"
        return f"{where}: {self.message} [{self.code}]"


class ValidationError(MedmassageError, ValueError):
    """Input broke one or more validation rules.

    All problems found are reported at once, each with its path and the rule
    broken. ``str(error)`` lists them one per line.

    Args:
        problems: The problems found; at least one.
        model: The name of the class being validated, if known.
    """

    problems: tuple[Problem, ...]
    model: str | None

    def __init__(self, problems: Iterable[Problem], model: str | None = None) -> None:
        self.problems = tuple(problems)
        self.model = model
        super().__init__(self._render())

    @classmethod
    def single(cls, path: str, message: str, code: str = "invalid") -> ValidationError:
        """Build an error holding one problem."""
        return cls([Problem(path, message, code)])

    def prefixed(self, prefix: str, model: str | None = None) -> ValidationError:
        """Return a copy of this error with every path located under *prefix*."""
        new = type(self).__new__(type(self))
        ValidationError.__init__(
            new, [p.prefixed(prefix) for p in self.problems], model or self.model
        )
        return new

    @property
    def paths(self) -> tuple[str, ...]:
        """The path of every problem, in order."""
        return tuple(p.path for p in self.problems)

    def _render(self) -> str:
        head = f"invalid {self.model}" if self.model else "invalid input"
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{head} ({count} {noun}):"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.problems, self.model))


class UnitError(ValidationError):
    """A quantity has an unknown unit or the wrong physical dimension."""


class SchemaVersionError(ValidationError):
    """A document's ``schema_version`` is missing, unknown or cannot be migrated."""


class UnknownCodeError(MedmassageError, LookupError):
    """A code (ICD-10-CM, CPT, instrument, modality, rule ...) does not exist.

    Args:
        system: The code system or registry that was searched.
        code: The code that was not found (codes are not patient identifiers).
        hint: Optional extra guidance, e.g. close matches.
    """

    def __init__(self, system: str, code: str, hint: str = "") -> None:
        self.system = system
        self.code = code
        self.hint = hint
        msg = f"unknown {system} code {code!r}"
        super().__init__(f"{msg}: {hint}" if hint else msg)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.system, self.code, self.hint))

    def __str__(self) -> str:
        return str(self.args[0])


class ScoringError(MedmassageError, ValueError):
    """An instrument cannot be scored from the responses given.

    For example too many items are missing for the instrument's published rule,
    or a response is outside the item's range.
    """


class UsageError(MedmassageError, ValueError):
    """The library was called in a way it does not support."""


class ScreeningError(MedmassageError):
    """Contraindication screening could not give a trustworthy answer (strict mode)."""


class RuleExecutionError(ScreeningError):
    """A contraindication rule raised while it was evaluated.

    Args:
        rule_id: The id of the rule that failed.
        cause: A short description of the failure (exception type and message).
    """

    def __init__(self, rule_id: str, cause: str) -> None:
        self.rule_id = rule_id
        self.cause = cause
        super().__init__(f"contraindication rule {rule_id!r} could not be evaluated: {cause}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.rule_id, self.cause))


class PluginError(MedmassageError):
    """Base class of plugin discovery, loading and validation errors."""


class PluginLoadError(PluginError, ImportError):
    """A plugin's entry point could not be imported."""


class PluginValidationError(PluginError, TypeError):
    """A plugin object does not satisfy the protocol of its group."""


class PluginConflictError(PluginError, ValueError):
    """Two distributions supply the same key and the application did not pick one."""


class PluginIncompatibleError(PluginError, ValueError):
    """A plugin targets a plugin API version this medmassage does not support."""


def collect(problems: Sequence[Problem], model: str | None = None) -> None:
    """Raise a `ValidationError` holding *problems*, if there are any."""
    if problems:
        raise ValidationError(problems, model)
