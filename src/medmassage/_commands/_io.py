"""Shared input handling for subcommands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TypeVar

from ..exceptions import MedmassageError

T = TypeVar("T")


class InputError(Exception):
    """A file could not be read or parsed; the message is safe to print."""


def load(model: type[T], path: str) -> T:
    """Read *path* (``-`` for standard input) as a JSON document of *model*.

    Raises:
        InputError: With a message naming the file and every problem.
    """
    from ..serialization import from_json

    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror})") from None
    try:
        return from_json(model, data)
    except MedmassageError as exc:
        raise InputError(f"{path}: {exc}") from None


def fail(message: str) -> int:
    """Print *message* to standard error and return exit status 2."""
    print(f"medmassage: {message}", file=sys.stderr)
    return 2
