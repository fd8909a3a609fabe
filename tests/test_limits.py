"""Document limits (size, nesting depth, list lengths) and how JSON text is read."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import medmassage as mm
from medmassage import serialization
from medmassage.serialization import (
    MAX_DEPTH,
    MAX_DOCUMENT_SIZE,
    MAX_ITEMS,
    from_dict,
    from_json,
    to_dict,
    to_json,
)
from medmassage.serialization._limits import nesting_exceeds


def codes(info: pytest.ExceptionInfo[mm.ValidationError]) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in info.value.problems}


def test_limits_are_documented_constants() -> None:
    """The defaults are 16 MiB, 64 levels and 1000 items, exported by the module."""
    assert MAX_DOCUMENT_SIZE == 16 * 1024 * 1024
    assert MAX_DEPTH == 64
    assert MAX_ITEMS == 1000
    assert {"MAX_DOCUMENT_SIZE", "MAX_DEPTH", "MAX_ITEMS"} <= set(serialization.__all__)


def test_the_examples_are_far_within_the_limits(lumbar_text: str) -> None:
    """The bundled case is read with limits far below the defaults."""
    case = from_json(mm.Case, lumbar_text, max_size=64 * 1024, max_depth=12, max_items=20)
    assert case.patient.id == "pt-1001"


# -- size -------------------------------------------------------------------------------


def test_size_limit_is_checked_before_parsing() -> None:
    """A document over the size limit is refused without being parsed, quickly."""
    huge = b'{"schema_version": 1, "x": "' + b"a" * (MAX_DOCUMENT_SIZE + 1) + b'"}'
    start = time.process_time()
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Session, huge)
    assert time.process_time() - start < 0.5
    assert codes(info) == {("", "limit_size")}
    assert "16 MiB (16777216 bytes)" in str(info.value)


def test_size_limit_per_call_for_bytes_and_text() -> None:
    """max_size counts bytes of bytes input and characters of str input."""
    text = '{"schema_version": 1}'
    for payload in (text, text.encode()):
        with pytest.raises(mm.ValidationError) as info:
            from_json(mm.Goal, payload, max_size=10)
        assert codes(info) == {("", "limit_size")}
        assert "size limit of 10 bytes" in info.value.problems[0].message


def test_size_limit_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing the module constant changes the default of later calls."""
    monkeypatch.setattr(serialization, "MAX_DOCUMENT_SIZE", 5)
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, "{}      ")
    assert codes(info) == {("", "limit_size")}


# -- depth ------------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("payload_type", [str, bytes])
def test_depth_limit_exact(payload_type: type) -> None:
    """64 levels are read (as far as parsing), 65 are refused with limit_depth."""
    ok = '{"schema_version": 1, "id": ' + nested(63) + "}"
    deep = '{"schema_version": 1, "id": ' + nested(64) + "}"

    def encode(text: str) -> str | bytes:
        return text if payload_type is str else text.encode()

    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, encode(ok))
    assert ("", "limit_depth") not in codes(info)
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, encode(deep))
    assert codes(info) == {("", "limit_depth")}
    assert "depth limit of 64 levels" in str(info.value)


def test_brackets_inside_strings_do_not_count() -> None:
    """Brackets, escaped quotes and backslashes in strings are not nesting."""
    strings = json.dumps(["[" * 200, "]" * 200, '\\"[[[', "\\\\", "{" * 100])
    doc = '{"schema_version": 1, "id": ' + strings + "}"
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, doc)
    assert ("", "limit_depth") not in codes(info)
    # Closing brackets hidden in strings do not hide real nesting either.
    hidden = '{"a": "' + "]" * 500 + '", "b": ' + nested(100) + "}"
    assert nesting_exceeds(hidden.encode(), 64)


def depth_of(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab\u00e9', max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=4), inner, max_size=3)
    ),
    max_leaves=40,
)


@given(value=json_values, ascii_only=st.booleans(), limit=st.integers(0, 12))
def test_nesting_measure_matches_the_parsed_depth(value: Any, ascii_only: bool, limit: int) -> None:
    """The text-level depth measure agrees with the depth of the parsed value."""
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert nesting_exceeds(raw, limit) == (depth_of(value) > limit)


@given(value=json_values, limit=st.integers(0, 12))
def test_nesting_measure_of_long_text_matches_too(value: Any, limit: int) -> None:
    """The path for long text (chunked strings, summed steps) gives the same answer."""
    raw = json.dumps(value).encode()
    expected = depth_of(value) > limit
    original = serialization._limits.CHUNK
    try:
        serialization._limits.CHUNK = 3  # type: ignore[misc]
        assert nesting_exceeds(raw, limit) == expected
    finally:
        serialization._limits.CHUNK = original  # type: ignore[misc]


@pytest.mark.parametrize(
    "payload",
    [b"[" * 16_000_000, b"[" * 8_000_000 + b"]" * 8_000_000, b'"[",' * 4_000_000],
    ids=["open", "balanced", "strings"],
)
def test_depth_check_of_hostile_text_is_bounded(payload: bytes) -> None:
    """16 MB of brackets is measured in about a second at most, never recursively."""
    start = time.process_time()
    nesting_exceeds(payload, MAX_DEPTH)
    assert time.process_time() - start < 5


def session_doc() -> dict[str, Any]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    s = mm.Session(
        id="s", patient_id="p", practitioner_id="r", start=start, duration=mm.Duration(30, "min")
    )
    doc = to_dict(s.sign("r", start + dt.timedelta(hours=1)))
    del doc["schema_version"]
    return doc


def amended(levels: int) -> dict[str, Any]:
    inner = session_doc()
    for _ in range(levels):
        amendment = {"by": "r", "at": "2026-01-01T02:00:00+00:00", "reason": "r", "original": inner}
        inner = {**inner, "amendments": [amendment]}
    return {"schema_version": 1, **inner}


@pytest.mark.parametrize("levels", [30, 400, 5_000])
def test_nested_amendments_are_refused_by_depth_in_from_dict(levels: int) -> None:
    """from_dict refuses self-nesting sessions past the depth limit, never recursing out."""
    start = time.process_time()
    with pytest.raises(mm.ValidationError) as info:
        from_dict(mm.Session, amended(levels))
    assert time.process_time() - start < 2
    assert {p.code for p in info.value.problems} == {"limit_depth"}


def test_nested_amendments_in_json_are_refused_before_parsing() -> None:
    """The same document as JSON text is refused by the text check."""
    text = json.dumps(amended(20))  # json.dumps itself cannot write much deeper
    inner = json.dumps(session_doc())
    deep = text.replace(inner, text[:-1] + ', "x": ' + inner + "}", 1)
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Session, deep)
    assert codes(info) == {("", "limit_depth")}


def test_cyclic_data_is_refused_by_depth() -> None:
    """A dict that contains itself (through an amendment) is refused, not recursed into."""
    doc = amended(1)
    doc["amendments"][0]["original"] = doc
    with pytest.raises(mm.ValidationError) as info:
        from_dict(mm.Session, doc)
    assert "limit_depth" in {p.code for p in info.value.problems}


def test_max_depth_per_call_in_from_dict() -> None:
    """max_depth lowers the limit for one call; the trail of one amendment needs 3 levels."""
    doc = amended(1)
    assert from_dict(mm.Session, doc, max_depth=6).amendments
    with pytest.raises(mm.ValidationError) as info:
        from_dict(mm.Session, doc, max_depth=5)
    assert {p.code for p in info.value.problems} == {"limit_depth"}
    assert from_dict(mm.Session, doc).amendments  # the default is back


# -- list lengths -----------------------------------------------------------------------


def test_list_length_limit(lumbar_data: dict[str, Any]) -> None:
    """A list over 1000 items is refused at its path; 1000 are read."""
    condition = lumbar_data["patient"]["conditions"][0]
    lumbar_data["patient"]["conditions"] = [condition] * 1000
    assert len(from_dict(mm.Case, lumbar_data).patient.conditions) == 1000
    lumbar_data["patient"]["conditions"] = [condition] * 1001
    with pytest.raises(mm.ValidationError) as info:
        from_dict(mm.Case, lumbar_data)
    assert codes(info) == {("patient.conditions", "limit_items")}
    assert "more items than the limit (1000) for one list" in str(info.value)


def test_list_length_limit_per_call_and_for_sets() -> None:
    """max_items applies to tuple and frozenset fields, and is restored after the call."""
    doc = {"schema_version": 1, "name": "apixaban", "classes": ["anticoagulant", "nsaid"]}
    with pytest.raises(mm.ValidationError) as info:
        from_dict(mm.Medication, doc, max_items=1)
    assert codes(info) == {("classes", "limit_items")}
    assert from_dict(mm.Medication, doc).name == "apixaban"
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Medication, json.dumps(doc), max_items=1)
    assert codes(info) == {("classes", "limit_items")}


def test_many_unknown_keys_are_one_problem() -> None:
    """An object with more keys than the limit is one problem, not one per key."""
    doc: dict[str, Any] = {"schema_version": 1, "id": "g1"}
    doc.update({f"k{i}": i for i in range(5000)})
    with pytest.raises(mm.ValidationError) as info:
        from_dict(mm.Goal, doc)
    assert codes(info) == {("", "limit_items")}


@pytest.mark.parametrize("bad", [-1, 1.5, True, "64", None])
def test_limit_arguments_are_checked(bad: object) -> None:
    """A limit that is not a whole number >= 0 is a UsageError (None means the default)."""
    text = '{"schema_version": 1}'
    if bad is None:
        with pytest.raises(mm.ValidationError):
            from_json(mm.Goal, text, max_depth=None)
        return
    for name in ("max_size", "max_depth", "max_items"):
        with pytest.raises(mm.UsageError, match=name):
            from_json(mm.Goal, text, **{name: bad})  # type: ignore[arg-type]


# -- encodings and syntax ---------------------------------------------------------------


def test_utf8_with_byte_order_mark_is_read(lumbar_text: str) -> None:
    """A UTF-8 byte order mark is skipped, as RFC 8259 allows."""
    case = from_json(mm.Case, b"\xef\xbb\xbf" + lumbar_text.encode())
    assert case.patient.id == "pt-1001"


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16 (little-endian)"),
        ("utf-16-le", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-32", "UTF-32 (little-endian)"),
        ("utf-32-be", "UTF-32 (big-endian)"),
    ],
)
def test_utf16_and_utf32_are_named_and_refused(encoding: str, name: str) -> None:
    """UTF-16 and UTF-32, with or without a byte order mark, are refused by name."""
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, '{"schema_version": 1}'.encode(encoding))
    assert codes(info) == {("", "encoding")}
    assert info.value.problems[0].message == (
        f"expected UTF-8 text, not {name}; convert the file to UTF-8"
    )


def test_invalid_utf8_gives_the_byte_offset() -> None:
    """Invalid UTF-8 is located by byte offset (never by quoting the text)."""
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, b'{"id": "ab\xffc"}')
    assert info.value.problems[0].message == (
        "expected UTF-8 text; byte 10 is not valid UTF-8 (line 1, column 11)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{\n  "a": 1\n  "b": 2\n}', "not valid JSON: line 3, column 3: Expecting ',' delimiter"),
        ("", "not valid JSON: line 1, column 1: Expecting value"),
        ("  {} x", "not valid JSON: line 1, column 6: Extra data"),
        (
            '{"a": NaN}',
            "not valid JSON: line 1, column 7: NaN, Infinity and -Infinity are not allowed",
        ),
        ("1" * 5000, "not valid JSON: line 1, column 1: a number has too many digits"),
    ],
)
def test_json_syntax_errors_give_line_and_column(text: str, message: str) -> None:
    """Syntax errors are one problem with line and column, and no text of the document."""
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, text)
    assert [(p.path, p.message, p.code) for p in info.value.problems] == [("", message, "json")]


@pytest.mark.parametrize(
    ("text", "kind"), [("[]", "an array"), ('"x"', "a string"), ("1", "a number"), ("null", "null")]
)
def test_json_of_the_wrong_type_is_named(text: str, kind: str) -> None:
    """A document that is not an object says what it is."""
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Goal, text)
    assert info.value.problems[0].message == f"expected a JSON object, not {kind}"


def test_parsing_shortcut_agrees_with_json_loads() -> None:
    """Whitespace around the document and inside it is read as json.loads reads it."""
    goal = mm.Goal(id="g1", instrument="odi", target=20, comparator=mm.Comparator.AT_MOST)
    text = to_json(goal)
    for variant in (text, f" \n\t{text}\r\n ", text.replace(", ", " ,\n ")):
        assert from_json(mm.Goal, variant) == goal


@pytest.mark.parametrize(
    "model",
    [
        [],
        dict,
        int,
        "Goal",
        None,
        mm.Goal(id="g", instrument="odi", target=1, comparator=mm.Comparator.AT_MOST),
    ],
)
def test_model_argument_is_checked(model: object) -> None:
    """A model that is not a model class is a UsageError, in from_json and from_dict."""
    with pytest.raises(mm.UsageError, match="expected a model class"):
        from_json(model, "{}")  # type: ignore[arg-type]
    with pytest.raises(mm.UsageError, match="expected a model class"):
        from_dict(model, {})  # type: ignore[arg-type]


def test_per_call_limits_do_not_leak_into_other_threads() -> None:
    """A call with max_items=1 in one thread does not limit a default call in another."""
    import threading

    doc = {"schema_version": 1, "name": "apixaban", "classes": ["anticoagulant", "nsaid"]}
    inside = threading.Event()
    release = threading.Event()
    seen: list[str] = []

    def limited() -> None:
        real = serialization._limits.items_problem

        def slow_problem(limit: int, *args: Any) -> Any:
            inside.set()
            release.wait(10)
            return real(limit, *args)

        try:
            serialization._limits.items_problem = slow_problem  # type: ignore[assignment]
            from_dict(mm.Medication, doc, max_items=1)
        except mm.ValidationError as exc:
            seen.append(exc.problems[0].code)
        finally:
            serialization._limits.items_problem = real

    worker = threading.Thread(target=limited)
    worker.start()
    assert inside.wait(10)
    try:
        assert from_dict(mm.Medication, doc).name == "apixaban"  # the default, meanwhile
    finally:
        release.set()
        worker.join(10)
    assert seen == ["limit_items"]
