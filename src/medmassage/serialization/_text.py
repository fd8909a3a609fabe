"""JSON text: the size, depth and encoding checks before parsing, and the parser.

Private: `medmassage.serialization.from_json` is the public face.
"""

from __future__ import annotations

import json
import re
import sys
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


# The optional accelerator (the ``fast`` extra): msgspec's JSON decoder, about three
# times as fast as the json module. It only ever *accepts*: whatever it refuses
# (NaN, Infinity, numbers out of float range, lone surrogates, invalid UTF-8, any
# syntax error) is parsed again by the json module, whose result or error is then
# what `parse` returns. Where both accept, they agree exactly (integers of any
# length included, which is why it is msgspec and not orjson: orjson reads an
# integer beyond 64 bits as a float); tests/test_decoding_fast_path.py checks it.
_accelerator: Callable[[bytes | str], object] | None = None
_resolved = False  # whether msgspec's availability was checked (once, on first use)


def _load_accelerator() -> Callable[[bytes | str], object] | None:
    global _accelerator, _resolved
    if not _resolved:
        try:
            import msgspec.json
        except ImportError:
            _accelerator = None
        else:
            _accelerator = msgspec.json.Decoder().decode
        _resolved = True
    return _accelerator


def accelerated() -> bool:
    """Whether JSON text is parsed with the accelerator (msgspec is installed)."""
    return _load_accelerator() is not None


def use_accelerator(enabled: bool) -> None:
    """Parse with the accelerator if installed (*enabled*), else always with json (tests)."""
    global _accelerator, _resolved
    _resolved = False
    if enabled:
        _load_accelerator()
    else:
        _accelerator, _resolved = None, True


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


def _utf8_position(raw: bytes, offset: int) -> str:
    """Line and column (in characters, as an editor counts them) of byte *offset* of UTF-8."""
    start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    before = raw[start:offset].decode("utf-8", "replace")
    if line == 1 and before.startswith("\ufeff"):
        before = before[1:]
    return f"line {line}, column {len(before) + 1}"


def _encoding_problem(raw: bytes, offset: int | None, *, marked: bool = False) -> Problem:
    wide = _wide_encoding(raw)
    if wide is not None and marked:
        message = (
            f"expected UTF-8 text, or UTF-16 or UTF-32 with a byte order mark; not {wide} "
            "without one: convert the file to UTF-8"
        )
    elif wide is not None:
        message = f"expected UTF-8 text, not {wide}; convert the file to UTF-8"
    else:
        where = "" if offset is None else f" ({_utf8_position(raw, offset)})"
        message = f"expected UTF-8 text; byte {offset} is not valid UTF-8{where}"
    return Problem("", message, "encoding")


def _marked(raw: bytes) -> str | None:
    """The name of UTF-16 or UTF-32 text that starts with its byte order mark, else None."""
    for mark, name in _WIDE:
        if raw.startswith(mark):
            return name
    return None


def _decode_marked(raw: bytes, name: str, model: str | None) -> str:
    """Decode UTF-16 or UTF-32 *raw* by its byte order mark (which is dropped)."""
    codec = "utf-32" if name.startswith("UTF-32") else "utf-16"
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        unit = 4 if codec == "utf-32" else 2
        message = (
            f"expected {name} text, as its byte order mark says; "
            f"byte {exc.start - exc.start % unit} is not valid {name.split()[0]}"
        )
        raise ValidationError([Problem("", message, "encoding")], model) from None


# A JSON string, or the token a parse error needs located: a constant, or an integer.
_TOKENS: Final = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|(NaN|-?Infinity)|-?(\d+)((?:\.\d+)?(?:[eE][-+]?\d+)?)'
)


def _position(text: str, offset: int) -> str:
    """Line and column of *offset* of *text*, counted as `json.JSONDecodeError` counts them."""
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - text.rfind(chr(10), 0, offset)}"


def _locate(text: str, constant: bool) -> str:
    """Locate the first NaN or Infinity (*constant*), else the first integer too long to convert.

    Returns ``"line L, column C: "``, or ``""`` if there is none.
    """
    limit = sys.get_int_max_str_digits()
    for match in _TOKENS.finditer(text):
        if constant and match.group(1) is not None:
            return _position(text, match.start(1)) + ": "
        digits = match.group(2)
        if not constant and digits is not None and not match.group(3) and len(digits) > limit > 0:
            return _position(text, match.start()) + ": "
    return ""


def parse(
    text: str | bytes | bytearray | memoryview,
    model: str | None,
    size_limit: int,
    depth_limit: int,
    *,
    marked: bool = False,
) -> object:
    """Check JSON text against the size and depth limits, then parse it.

    UTF-8 bytes (a leading byte order mark is skipped) or a `str`; with
    *marked*, also UTF-16 and UTF-32 bytes that start with their byte order mark
    (as the command line reads files). Every failure is a `ValidationError` with
    one problem at the root: ``limit_size``, ``limit_depth``, ``encoding``
    (UTF-16 and UTF-32 are named; invalid UTF-8 is located by byte, line and
    column) or ``json`` (with the line and column of the text).
    """
    raw: bytes | None = None
    if type(text) is bytes:
        raw = text
    elif isinstance(text, bytearray | memoryview):
        raw = bytes(text)
    elif not isinstance(text, str):
        raise ValidationError([Problem("", "expected JSON text (str or bytes)", "type")], model)
    wide = None if raw is None or not marked else _marked(raw)
    if raw is not None and len(raw) > size_limit:
        raise ValidationError([size_problem(size_limit)], model)
    loads = _accelerator if _resolved else _load_accelerator()
    if raw is not None and wide is None:
        if nesting_exceeds(raw, depth_limit):
            raise ValidationError([depth_problem(depth_limit)], model)
        if loads is not None:
            try:
                return loads(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
            except Exception:  # refused: the json module below parses it, or says why not
                pass
        try:
            string = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                [_encoding_problem(raw, exc.start, marked=marked)], model
            ) from None
        if string.startswith("\ufeff"):
            string = string[1:]
    else:
        # A str, or UTF-16/UTF-32 decoded first (its bytes cannot be measured as UTF-8's).
        string = typing.cast(str, text) if raw is None else _decode_marked(raw, wide or "", model)
        if raw is None and len(string) > size_limit:
            raise ValidationError([size_problem(size_limit)], model)
        if string.count("[") + string.count("{") > depth_limit and nesting_exceeds(
            string.encode("utf-8", "surrogatepass"), depth_limit
        ):
            raise ValidationError([depth_problem(depth_limit)], model)
        if loads is not None:
            try:
                return loads(string)
            except Exception:  # refused: the json module below parses it, or says why not
                pass
    try:
        return _loads(string)
    except json.JSONDecodeError as exc:
        if raw is not None and wide is None and _wide_encoding(raw) is not None:
            problem = _encoding_problem(raw, None, marked=marked)
        else:
            where = f"line {exc.lineno}, column {exc.colno}"
            problem = Problem("", f"not valid JSON: {where}: {exc.msg}", "json")
    except _ConstantError:
        where = _locate(string, constant=True)
        message = f"not valid JSON: {where}NaN, Infinity and -Infinity are not allowed"
        problem = Problem("", message, "json")
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        where = _locate(string, constant=False)
        problem = Problem("", f"not valid JSON: {where}a number has too many digits", "json")
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
