"""The validation machinery (medmassage._validation): ranges, types, the model base, time zones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

import medmassage as mm
from factories import model_session as session
from factories import problems
from medmassage.exceptions import Problem, ValidationError
from medmassage.modalities import (
    SWEDISH,
)


def test_check_range_bounds_and_nan() -> None:
    """The range check reports bounds and NaN with messages."""
    from medmassage._validation import check_range

    found: list[Problem] = []
    check_range(found, "a", 1, 2, None)
    check_range(found, "b", 9, None, 5)
    check_range(found, "c", float("nan"), 0, 1)
    check_range(found, "d", None, 0, 1)
    check_range(found, "e", 3, None, None)
    assert [(p.path, p.code, p.message) for p in found] == [
        ("a", "range", "expected a value at least 2"),
        ("b", "range", "expected a value at most 5"),
        ("c", "finite", "expected a finite number"),
    ]


def test_type_descriptions_and_checks() -> None:
    """Type descriptions read as words for generic and literal types."""
    from typing import Literal

    from medmassage._validation import _compile, _describe

    assert _describe(dict[str, int]) == "an object of a whole number"
    assert _describe(Literal["a", "b"]) == "one of 'a', 'b'"
    assert _describe(frozenset[str]) == "a set of text"
    assert _describe(mm.Duration) == "a duration (30 min, 0.5 h, 1800 s)"
    assert _describe("not a type") == "not a type"
    assert _compile(Any)(object())
    assert _compile(object)(None)
    assert _compile(Literal["a", 1])("a")
    assert not _compile(Literal["a", 1])("b")
    assert not _compile(Literal["a"])(["a"])
    check = _compile(dict[str, int])
    assert check({"a": 1})
    assert not check({"a": "1"})
    assert not check([("a", 1)])
    assert not _compile(int)(True)
    assert _compile(float)(1)
    assert not _compile(float)(False)
    assert not _compile(dt.date)(dt.datetime(2026, 1, 1))


def test_model_base() -> None:
    """The model base validates its fields on construction."""
    from medmassage._validation import Model

    @attrs.frozen(kw_only=True, slots=True)
    class Plain(Model):
        n: int

    assert Plain(n=1).n == 1
    with pytest.raises(ValidationError) as info:
        Plain(n="1")  # type: ignore[arg-type]
    assert info.value.model == "Plain"

    @attrs.frozen(kw_only=True, slots=True)
    class Ruled(Model):
        n: int

        def _problems(self) -> list[Problem]:
            return [Problem("n", "too small", "range")] if self.n < 0 else []

    assert Ruled(n=1).n == 1
    with pytest.raises(ValidationError):
        Ruled(n=-1)


def test_aware_check_with_a_tzinfo_without_offset() -> None:
    """A datetime whose tzinfo gives no offset is rejected as not aware."""

    class Floating(dt.tzinfo):
        def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

        def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

        def tzname(self, d: dt.datetime | None) -> str | None:
            return None

    assert problems(lambda: session(start=dt.datetime(2026, 1, 12, 9, tzinfo=Floating()))) == {
        ("start", "aware")
    }


def test_nonexistent_local_time_is_named() -> None:
    """A local time skipped by a DST change is rejected as nonexistent."""
    import zoneinfo

    ny = zoneinfo.ZoneInfo("America/New_York")
    assert problems(lambda: session(start=dt.datetime(2026, 3, 8, 2, 30, tzinfo=ny))) == {
        ("start", "nonexistent_time")
    }


def test_modality_cpt_code_format() -> None:
    """A modality's CPT code must have five characters."""
    base = attrs.asdict(SWEDISH, recurse=False)
    assert mm.Modality(**{**base, "cpt_code": "97124"}).cpt_code == "97124"
    assert problems(lambda: mm.Modality(**{**base, "cpt_code": "9712"})) == {("cpt_code", "format")}
