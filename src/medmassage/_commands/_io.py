"""Shared input handling for subcommands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..exceptions import MedmassageError

if TYPE_CHECKING:
    from ..sessions import Session

T = TypeVar("T")


class InputError(Exception):
    """A file could not be read or parsed; the message is safe to print."""


def read(path: str) -> bytes:
    """Return the bytes of *path* (``-`` for standard input).

    Raises:
        InputError: If the file cannot be read.
    """
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror})") from None


def load(model: type[T], path: str) -> T:
    """Read *path* (``-`` for standard input) as a JSON document of *model*.

    Raises:
        InputError: With a message naming the file and every problem.
    """
    from ..serialization import from_json

    data = read(path)
    try:
        return from_json(model, data)
    except MedmassageError as exc:
        raise InputError(f"{path}: {exc}") from None


def fail(message: str) -> int:
    """Print *message* to standard error and return exit status 2."""
    print(f"medmassage: {message}", file=sys.stderr)
    return 2


def load_sessions(path: str) -> tuple[list[Session], list[str]]:
    """Read *path* as a `Case` or a single `Session` document.

    Returns the sessions and, for a case, its plan's diagnosis codes.

    Raises:
        InputError: With a message naming the file and every problem.
    """
    import json

    from ..cases import Case
    from ..serialization import from_dict, from_json
    from ..sessions import Session

    raw = read(path)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        data = None
    try:
        if isinstance(data, dict) and "plan" in data and "patient" in data:
            case = from_dict(Case, data)
            return list(case.sessions), [d.code for d in case.plan.diagnoses]
        # Anything else is read as a session, which also reports malformed JSON.
        return [from_json(Session, raw)], []
    except MedmassageError as exc:
        raise InputError(f"{path}: {exc}") from None
