"""The limits of JSON documents, and the per-call overrides the structure hooks read.

Private: `medmassage.serialization` documents the limits and re-exports them.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import threading
from collections.abc import Iterator
from typing import Final

from ..exceptions import Problem, UsageError

# The defaults (documented, and re-exported, in `medmassage.serialization`).
MAX_DOCUMENT_SIZE: Final = 16 * 1024 * 1024
MAX_DEPTH: Final = 64
MAX_ITEMS: Final = 1000


def kind(value: object) -> str:
    """Describe a wrong argument without quoting data: numbers as such, else the type."""
    if type(value) in (int, float, bool) or value is None:
        return repr(value)
    return type(value).__name__


# Per-call limits (max_items, max_depth) for the structure hooks; None: the constants.
current: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "medmassage_limits", default=None
)
# How many calls with limits of their own are running (in any thread). While none
# is, the hooks read the constants without looking up the context variable.
overriding = 0
overriding_lock = threading.Lock()


def items_limit() -> int:
    limits = current.get()
    return MAX_ITEMS if limits is None else limits[0]


def checked(value: object, name: str) -> int:
    if type(value) is not int or value < 0:
        raise UsageError(f"{name} must be a whole number >= 0, not {kind(value)}")
    return value


def size_problem(limit: int) -> Problem:
    mib = 1024 * 1024
    shown = f"{limit} bytes"
    if limit and limit % mib == 0:
        shown = f"{limit // mib} MiB ({shown})"
    return Problem("", f"document is larger than the size limit of {shown}", "limit_size")


def depth_problem(limit: int) -> Problem:
    return Problem("", f"nested deeper than the depth limit of {limit} levels", "limit_depth")


def items_problem(limit: int, what: str = "items", where: str = "list") -> Problem:
    return Problem("", f"more {what} than the limit ({limit}) for one {where}", "limit_items")


# JSON text reduced to its brackets and quotes, then to "(" and ")", or +1/-1 steps.
_NOT_MARKS: Final = bytes(b for b in range(256) if b not in b'[]{}"\\')
_NOT_BRACKETS: Final = bytes(b for b in range(256) if b not in b'[]{}"')
_PARENS: Final = bytes.maketrans(b"[{]}", b"(())")
_STEPS: Final = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
CHUNK: Final = 1 << 16


def nesting_exceeds(raw: bytes, limit: int) -> bool:
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
        for start in range(0, len(marks), CHUNK):
            parts = marks[start : start + CHUNK].split(b'"')
            kept.append(b"".join(parts[inside::2]))
            inside ^= (len(parts) - 1) & 1
        marks = b"".join(kept)
    if len(marks) > CHUNK:
        steps = memoryview(marks.translate(_STEPS)).cast("b")
        return max(itertools.accumulate(steps), default=0) > limit
    pairs = marks.translate(_PARENS)
    for level in range(limit + 1):
        inner = pairs.replace(b"()", b"")
        if len(inner) == len(pairs):  # all gone, or unbalanced (not valid JSON)
            return level + pairs.count(b"(") > limit
        pairs = inner
    return True


def depth_limit() -> int:
    limits = current.get()
    return MAX_DEPTH if limits is None else limits[1]


@contextlib.contextmanager
def overridden(max_items: int | None, max_depth: int | None) -> Iterator[None]:
    """Apply limits of one call's own (in this context: its thread or task) while it runs."""
    global overriding
    token = current.set(
        (
            MAX_ITEMS if max_items is None else checked(max_items, "max_items"),
            MAX_DEPTH if max_depth is None else checked(max_depth, "max_depth"),
        )
    )
    with overriding_lock:
        overriding += 1
    try:
        yield
    finally:
        with overriding_lock:
            overriding -= 1
        current.reset(token)
