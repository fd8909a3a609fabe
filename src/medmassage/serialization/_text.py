"""JSON text: the size, depth and encoding checks before parsing, and the parser.

Private: `medmassage.serialization.from_json` is the public face.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable
from typing import Final

from ..exceptions import Problem, ValidationError
from ._limits import depth_problem, nesting_exceeds, size_problem


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


def parse(
    text: str | bytes | bytearray | memoryview,
    model: str | None,
    size_limit: int,
    depth_limit: int,
) -> object:
    """Check JSON text against the size and depth limits, then parse it.

    UTF-8 bytes (a leading byte order mark is skipped) or a `str`. Every
    failure is a `ValidationError` with one problem at the root: ``limit_size``,
    ``limit_depth``, ``encoding`` (UTF-16 and UTF-32 are named) or ``json``
    (with the line and column).
    """
    raw: bytes | None = None
    if type(text) is bytes:
        raw = text
    elif isinstance(text, bytearray | memoryview):
        raw = bytes(text)
    elif not isinstance(text, str):
        raise ValidationError([Problem("", "expected JSON text (str or bytes)", "type")], model)
    if raw is not None:
        if len(raw) > size_limit:
            raise ValidationError([size_problem(size_limit)], model)
        if nesting_exceeds(raw, depth_limit):
            raise ValidationError([depth_problem(depth_limit)], model)
        try:
            string = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError([_encoding_problem(raw, exc.start)], model) from None
        if string.startswith("\ufeff"):
            string = string[1:]
    else:
        string = typing.cast(str, text)
        if len(string) > size_limit:
            raise ValidationError([size_problem(size_limit)], model)
        if string.count("[") + string.count("{") > depth_limit and nesting_exceeds(
            string.encode("utf-8", "surrogatepass"), depth_limit
        ):
            raise ValidationError([depth_problem(depth_limit)], model)
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
        problem = depth_problem(depth_limit)
    raise ValidationError([problem], model)


def json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"
