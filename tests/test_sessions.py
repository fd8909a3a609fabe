"""Sessions: segments, SOAP notes, reactions, vitals, signing and amending."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import medmassage as mm
from factories import MODEL_START as START
from factories import model_segment as segment
from factories import model_session as session
from factories import problems
from medmassage.exceptions import UsageError, ValidationError
from medmassage.modalities import (
    PressureGrade,
)

G = PressureGrade


def test_segment_rules() -> None:
    """A segment checks its modality, duration, discomfort and pressure grade."""
    assert problems(
        lambda: segment(
            modality="x y",
            region=mm.BodyRegion.HAND,
            duration=mm.Duration(10, "s"),
            discomfort=11,
            pressure=mm.Pressure(0, "kPa"),
        )
    ) == {
        ("modality", "key_format"),
        ("laterality", "side"),
        ("duration", "range"),
        ("discomfort", "range"),
        ("pressure", "range"),
    }
    assert problems(lambda: segment(grade=G.DEEPEST)) == {("grade", "modality_pressure")}
    assert problems(
        lambda: segment(modality="core.lymphatic_drainage", pressure=mm.Pressure(40, "mmHg"))
    ) == {("pressure", "modality_pressure")}
    assert problems(lambda: segment(modality="core.nope")) == {("modality", "unknown_modality")}
    segment(modality="acme.cupping", grade=G.DEEPEST, pressure=mm.Pressure(1, "kgf/cm**2"))


def test_soap_reactions_vitals_signature() -> None:
    """SOAP notes are redacted in str and blank sections are rejected."""
    assert str(mm.SoapNote(subjective="x")) == "<redacted SOAP note>"
    assert problems(lambda: mm.SoapNote(subjective=" ", plan="")) == {
        ("subjective", "blank"),
        ("plan", "blank"),
    }
    assert problems(
        lambda: mm.AdverseReaction(
            kind=mm.ReactionKind.BRUISING,
            severity=mm.ReactionSeverity.MILD,
            onset=dt.datetime(2026, 1, 1),
            note=" ",
        )
    ) == {("onset", "aware"), ("note", "blank")}
    mm.VitalSigns(
        systolic=mm.Pressure(132, "mmHg"),
        diastolic=mm.Pressure(84, "mmHg"),
        heart_rate=72,
        temperature=mm.Temperature(98.6, "degF"),
    )
    assert problems(
        lambda: mm.VitalSigns(
            systolic=mm.Pressure(301, "mmHg"),
            diastolic=mm.Pressure(19, "mmHg"),
            heart_rate=19,
            temperature=mm.Temperature(46, "degC"),
        )
    ) == {
        ("systolic", "range"),
        ("diastolic", "range"),
        ("heart_rate", "range"),
        ("temperature", "range"),
    }
    assert problems(
        lambda: mm.VitalSigns(systolic=mm.Pressure(11, "kPa"), diastolic=mm.Pressure(90, "mmHg"))
    ) == {("diastolic", "order")}
    assert problems(lambda: mm.Signature(by="a b", at=dt.datetime(2026, 1, 1))) == {
        ("by", "id_format"),
        ("at", "aware"),
    }


def test_session_rules() -> None:
    """A session derives its treatment minutes and end and checks its segments."""
    s = session(segments=(segment(), segment(duration=mm.Duration(2400, "s"))))
    assert s.treatment_minutes == 60
    assert s.end == START + dt.timedelta(hours=1)
    assert not s.signed
    found = problems(
        lambda: session(
            id="",
            plan_id="bad id",
            start=dt.datetime(2026, 1, 1, 9),
            duration=mm.Duration(9, "h"),
            segments=(
                segment(duration=mm.Duration(4, "h")),
                segment(duration=mm.Duration(4, "h")),
                segment(duration=mm.Duration(2, "h")),
            ),
        )
    )
    assert found == {
        ("id", "id_format"),
        ("plan_id", "id_format"),
        ("start", "aware"),
        ("duration", "range"),
        ("segments", "minutes_exceed_session"),
    }
    assert problems(lambda: session(status=mm.SessionStatus.NO_SHOW, segments=(segment(),))) == {
        ("segments", "status")
    }
    assert problems(lambda: session().sign("pr-1", START - dt.timedelta(minutes=1))) == {
        ("signature.at", "order")
    }


def test_sign_and_amend_keep_the_original() -> None:
    """Signing and amending a session keep the original record."""
    s = session(note=mm.SoapNote(subjective="first"))
    signed = s.sign("pr-1", START + dt.timedelta(hours=2))
    assert signed.signed
    assert signed.signature == mm.Signature(by="pr-1", at=START + dt.timedelta(hours=2))
    with pytest.raises(UsageError):
        signed.sign("pr-1", START + dt.timedelta(hours=3))
    with pytest.raises(UsageError):
        s.amend(by="pr-1", at=START, reason="typo", note=None)
    at = START + dt.timedelta(days=1)
    amended = signed.amend(
        by="pr-2", at=at, reason="corrected note", note=mm.SoapNote(subjective="second")
    )
    assert amended.note == mm.SoapNote(subjective="second")
    assert amended.signature == signed.signature
    (amendment,) = amended.amendments
    assert amendment.original == signed
    assert amendment.by == "pr-2"
    assert amendment.at == at
    twice = amended.amend(by="pr-1", at=at, reason="again", duration=mm.Duration(50, "min"))
    # each original is kept without its own trail (the amended session holds the whole trail)
    first, second = (a.original for a in twice.amendments)
    assert first == signed
    assert second.amendments == ()
    assert attrs.asdict(second, recurse=False, filter=lambda a, _: a.name != "amendments") == (
        attrs.asdict(amended, recurse=False, filter=lambda a, _: a.name != "amendments")
    )
    assert problems(
        lambda: attrs.evolve(twice, amendments=(attrs.evolve(amendment, original=amended),))
    ) == {("amendments[0].original.amendments", "nested_amendments"), ("signature", "signed")}
    for bad in ({"id": "x"}, {"signature": None}, {"amendments": ()}, {"colour": "red"}):
        with pytest.raises(UsageError):
            signed.amend(by="pr-1", at=at, reason="r", **bad)
    with pytest.raises(ValidationError):
        signed.amend(by="pr-1", at=at, reason="r", duration=mm.Duration(0, "min"))
    with pytest.raises(ValidationError) as info:
        signed.amend(by="bad id", at=dt.datetime(2026, 1, 1), reason=" ")
    assert {p.path for p in info.value.problems} == {"by", "at", "reason"}
    assert problems(lambda: attrs.evolve(s, amendments=amended.amendments)) == {
        ("amendments", "unsigned")
    }
    with pytest.raises(ValidationError):
        s.sign("not an id!", START)
