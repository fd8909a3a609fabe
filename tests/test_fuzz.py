"""Malformed-input fuzzing of ``from_json(Case, ...)`` over the example documents.

Whatever the corruption (deleted keys, added keys, swapped types, nulls, huge
numbers, NaN/Infinity tokens, deep nesting, invalid UTF-8, truncation), only a
medmassage exception may escape, and a ValidationError lists at least one
problem; corruptions at a location in the document are reported with a path.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import medmassage as mm

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
Loc = tuple[str | int, ...]


def locations(node: Any, here: Loc = ()) -> Iterator[Loc]:
    """Every location (key or index path) inside a JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*here, key)
            yield from locations(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*here, i)
            yield from locations(value, (*here, i))


def parent_of(doc: Any, loc: Loc) -> Any:
    node = doc
    for part in loc[:-1]:
        node = node[part]
    return node


def at(doc: Any, loc: Loc) -> Any:
    node = doc
    for part in loc:
        node = node[part]
    return node


def check_error(exc: mm.ValidationError) -> None:
    """A ValidationError lists at least one problem, each with a path, message and rule."""
    assert exc.problems, "a ValidationError must list at least one problem"
    for p in exc.problems:
        assert isinstance(p.path, str)
        assert p.message
        assert p.code


def decode(payload: str | bytes) -> mm.Case | None:
    """Decode *payload*: a case, or a well-formed medmassage error (re-raised)."""
    caught: mm.ValidationError | None = None
    try:
        return mm.from_json(mm.Case, payload)
    except mm.ValidationError as exc:
        caught = exc
    except mm.MedmassageError:
        raise
    except BaseException as exc:  # pragma: no cover - this is the failure being looked for
        pytest.fail(f"{type(exc).__name__} escaped from_json: {exc!r}")
    check_error(caught)
    raise caught


def decode_located(doc: Any) -> None:
    """Decode a structurally corrupted document: valid, or errors naming a path."""
    caught: mm.ValidationError | None = None
    try:
        decode(json.dumps(doc, allow_nan=False))
    except mm.ValidationError as exc:
        caught = exc
    if caught is not None:
        assert any(p.path for p in caught.problems), f"no path in {caught}"


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.name)
def document(request: pytest.FixtureRequest) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(request.param).read_text(encoding="utf-8"))
    return data


def test_examples_are_valid(document: dict[str, Any]) -> None:
    """Every example document decodes to a Case."""
    assert EXAMPLES
    assert isinstance(decode(json.dumps(document)), mm.Case)


def test_every_key_and_item_deleted(document: dict[str, Any]) -> None:
    """Deleting any key or list item yields a Case or a ValidationError, never a crash."""
    for loc in locations(document):
        doc = copy.deepcopy(document)
        del parent_of(doc, loc)[loc[-1]]
        decode_located(doc)


def test_unknown_key_added_everywhere(document: dict[str, Any]) -> None:
    """An unknown key added at any level is reported as an extra field at its path."""
    dict_locs = [()] + [loc for loc in locations(document) if isinstance(at(document, loc), dict)]
    for loc in dict_locs:
        doc = copy.deepcopy(document)
        at(doc, loc)["unexpected_field"] = "x"
        with pytest.raises(mm.ValidationError) as info:
            decode(json.dumps(doc))
        assert any(
            p.path.endswith("unexpected_field") and p.code == "extra" for p in info.value.problems
        )


REPLACEMENTS: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    "",
    "x",
    [],
    {},
    [None],
    {"value": 1, "unit": "kPa"},
    10**400,
    -(10**30),
    1e308,
    -1e308,
    5e-324,
    "9999-12-31",
    "0001-01-01T00:00:00+14:00",
    "\ud800",
    "\x00",
]


def test_every_value_replaced_by_every_type(document: dict[str, Any]) -> None:
    # Every location, cycling through the replacements so each kind hits every depth.
    """Replacing any value with any JSON type yields a Case or a ValidationError."""
    for n, loc in enumerate(locations(document)):
        options: list[Any] = [REPLACEMENTS[n % len(REPLACEMENTS)], None, [[[]]]]
        for replacement in options:
            doc = copy.deepcopy(document)
            parent_of(doc, loc)[loc[-1]] = replacement
            decode_located(doc)


@given(data=st.data())
def test_random_structural_mutations(document: dict[str, Any], data: st.DataObject) -> None:
    """Random structural mutations yield a Case or a ValidationError."""
    doc = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 4))):
        locs = list(locations(doc))
        if not locs:
            break
        loc = data.draw(st.sampled_from(locs))
        parent = parent_of(doc, loc)
        key: Any = loc[-1]
        action = data.draw(st.sampled_from(["delete", "replace", "wrap", "duplicate"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = data.draw(
                st.sampled_from(REPLACEMENTS) | st.from_type(int) | st.text(max_size=5)
            )
        elif action == "wrap":
            parent[key] = [parent[key]]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[f"{key}_copy"] = copy.deepcopy(parent[key])
    decode_located(doc)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 5000])
def test_non_finite_number_tokens(document: dict[str, Any], token: str) -> None:
    """NaN and Infinity number tokens raise ValidationError."""
    text = json.dumps(document)
    targets = ['"value": 15', '"heart_rate": 72', '"target": 20', '"duration_weeks": 4']
    for target in targets:
        if target not in text:
            continue
        key = target.split(":")[0]
        mutated = text.replace(target, f"{key}: {token}", 1)
        with pytest.raises(mm.ValidationError):
            decode(mutated)


@pytest.mark.parametrize("depth", [10, 500, 5_000, 200_000])
def test_deep_nesting(document: dict[str, Any], depth: int) -> None:
    """Deeply nested input raises ValidationError instead of recursing without bound."""
    text = json.dumps(document)
    nested = "[" * depth + "1" + "]" * depth
    inside = [
        text.replace(target, replacement, 1)
        for target, replacement in (
            ('"flags": []', f'"flags": {nested}'),
            ('"responses": [', f'"responses": [{nested}, '),
        )
        if target in text  # a case without outcome measures has no "responses"
    ]
    assert inside
    for mutated in (*inside, "{" * depth, nested):
        with pytest.raises(mm.ValidationError):
            decode(mutated)


def test_invalid_utf8(document: dict[str, Any]) -> None:
    """Invalid UTF-8 raises ValidationError with the encoding rule."""
    raw = json.dumps(document, ensure_ascii=False).encode("utf-8")
    for bad in (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c\xbc", b"\xc0\xaf"):
        for at in (0, 1, len(raw) // 3, raw.index(b'"family"') + 11, len(raw) - 1):
            with pytest.raises(mm.ValidationError) as info:
                decode(raw[:at] + bad + raw[at:])
            assert {p.code for p in info.value.problems} == {"encoding"}


def test_every_truncation(document: dict[str, Any]) -> None:
    """Every truncation of a valid document raises ValidationError."""
    raw = json.dumps(document, indent=1).encode("utf-8")
    for end in range(0, len(raw) - 1, 7):
        with pytest.raises(mm.ValidationError):
            decode(raw[:end])


@given(st.binary(max_size=200) | st.text(max_size=200))
def test_arbitrary_garbage(payload: str | bytes) -> None:
    """Arbitrary bytes yield a Case or a ValidationError, never another exception."""
    with contextlib.suppress(mm.MedmassageError):
        decode(payload)


@given(data=st.data())
def test_random_byte_flips(document: dict[str, Any], data: st.DataObject) -> None:
    """Random byte flips yield a Case or a ValidationError, never another exception."""
    raw = bytearray(json.dumps(document).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    with contextlib.suppress(mm.MedmassageError):
        decode(bytes(raw))


def deeply_nested(depth: int, leaf: Any) -> Any:
    """A list nested *depth* levels deep, built without recursion."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [65, 5_000])
def test_deep_python_data_in_from_dict(document: dict[str, Any], depth: int) -> None:
    """Nesting deeper than any recursion limit, anywhere in from_dict data, is refused cleanly."""
    for n, loc in enumerate(locations(document)):
        if n % 7:  # every seventh location keeps the test fast and still covers every depth
            continue
        doc = copy.deepcopy(document)
        parent_of(doc, loc)[loc[-1]] = deeply_nested(depth, {"amendments": []})
        try:
            mm.from_dict(mm.Case, doc)
        except mm.ValidationError as exc:
            check_error(exc)
        except BaseException as exc:  # pragma: no cover - the failure looked for
            pytest.fail(f"{type(exc).__name__} escaped from_dict at {loc}")


@given(
    prefix=st.binary(max_size=4),
    encoding=st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]),
)
def test_any_encoding_or_prefix_is_a_clean_error(
    document: dict[str, Any], prefix: bytes, encoding: str
) -> None:
    """Documents in other encodings, or behind stray bytes, fail with a medmassage error only."""
    raw = prefix + json.dumps(document, ensure_ascii=False).encode(encoding)
    caught: mm.ValidationError | None = None
    try:
        decode(raw)
    except mm.ValidationError as exc:
        caught = exc
    if caught is not None:
        assert {p.code for p in caught.problems} <= {"encoding", "json", "type", "extra"}
