"""Records stay what they say they are: signed, hashable, instants and encodable text."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import medmassage as mm
from medmassage.cli import main
from medmassage.serialization import from_json, to_dict, to_json

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
START = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).parent.parent / "examples" / "lumbar_disc_herniation.json"
ENCODING = "expected text encodable as UTF-8 (found a lone surrogate)"


def session(**kw: Any) -> mm.Session:
    base: dict[str, Any] = {
        "id": "s-1",
        "patient_id": "pt-1",
        "practitioner_id": "pr-1",
        "start": START,
        "duration": mm.Duration(60, "min"),
    }
    return mm.Session(**{**base, **kw})


def bctq(**kw: Any) -> mm.OutcomeMeasure:
    base: dict[str, Any] = {
        "instrument": "bctq",
        "taken_at": START,
        "responses": {"sss": (1, 2, 3, None), "fss": (2, 2)},
    }
    return mm.OutcomeMeasure(**{**base, **kw})


def problems(call: Callable[[], object]) -> set[tuple[str, str]]:
    with pytest.raises(mm.ValidationError) as info:
        call()
    return {(p.path, p.code) for p in info.value.problems}


def overlap(hour: int, minute: int, fold: int) -> dt.datetime:
    """A wall time on 2025-11-02 in Chicago, when 01:00-02:00 happens twice (CDT, then CST)."""
    return dt.datetime(2025, 11, 2, hour, minute, tzinfo=CHICAGO, fold=fold)


# -- 4. text that cannot be encoded as UTF-8 is refused -------------------------------------


def test_lone_surrogates_are_refused_in_code_with_their_path() -> None:
    """Every text field, tuple of text, mapping key and coding is checked."""
    assert problems(lambda: mm.SoapNote(subjective="pain \udfff")) == {("subjective", "encoding")}
    assert problems(lambda: mm.HumanName(family="Ng", given=("A", "\ud800"))) == {
        ("given[1]", "encoding")
    }
    assert problems(lambda: bctq(responses={"sss": (1, "\udfff")})) == {
        ("responses.sss[1]", "encoding")
    }
    assert problems(lambda: bctq(responses={"\udfff": (1,)})) == {("responses", "encoding")}
    assert problems(lambda: bctq(responses=("never", "\udfff"))) == {("responses[1]", "encoding")}
    coding = mm.Coding(system="urn:oid:2.16.840.1.113883.6.88", code="\udfff", display="\udc00")
    assert problems(lambda: mm.Condition(code=coding)) == {
        ("code.code", "encoding"),
        ("code.display", "encoding"),
    }
    with pytest.raises(mm.ValidationError) as info:
        mm.Practitioner(id="pr-1", name="\udfff")
    assert [p.message for p in info.value.problems] == [ENCODING]


def test_lone_surrogates_are_refused_when_decoding() -> None:
    """A JSON escape of a lone surrogate is refused at its path, not later by an export."""
    doc = to_dict(session(note=mm.SoapNote(subjective="ok"), outcomes=(bctq(),)))
    doc["note"]["subjective"] = "\udfff"
    text = json.dumps(doc)
    assert "\\udfff" in text
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Session, text)
    assert {(p.path, p.code) for p in info.value.problems} == {
        ("note.subjective", "encoding"),
    }
    assert all(p.message == ENCODING for p in info.value.problems)


def test_text_outside_ascii_is_still_accepted() -> None:
    """Accents, emoji and escaped surrogate pairs are valid text."""
    note = mm.SoapNote(subjective="Schmerz \u00fcber L4 \U0001f600")
    doc = '{"schema_version": 1, "subjective": "\\ud83d\\ude00 \\u00fc"}'
    assert from_json(mm.SoapNote, doc).subjective == "\U0001f600 \u00fc"
    assert from_json(mm.SoapNote, to_json(note)) == note


def test_the_fhir_command_reports_a_lone_surrogate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """medmassage fhir refuses the record with the problem instead of crashing."""
    doc = json.loads(EXAMPLE.read_text())
    doc["sessions"][0]["note"]["subjective"] = "\udfff"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert main(["fhir", str(bad)]) != 0
    captured = capsys.readouterr()
    assert "encoding" in captured.err
    assert captured.out == ""
