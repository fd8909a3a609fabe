"""Records stay what they say they are: signed, hashable, instants and encodable text."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import medmassage as mm
from factories import record_session
from medmassage.cli import main
from medmassage.outcomes import ScaleResponses
from medmassage.serialization import from_dict, from_json, to_dict, to_json
from medmassage.testing import strategies as mst

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
START = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).parent.parent / "examples" / "lumbar_disc_herniation.json"
ENCODING = "expected text encodable as UTF-8 (found a lone surrogate)"


def session(**kw: Any) -> mm.Session:
    return record_session(START, **kw)


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


# -- 1. a signed session cannot be silently changed -----------------------------------------


def test_evolving_a_signed_session_is_refused() -> None:
    """attrs.evolve on a signed session raises, pointing to Session.amend()."""
    signed = session().sign("pr-1", START + dt.timedelta(hours=2))
    with pytest.raises(mm.ValidationError) as info:
        attrs.evolve(signed, note=mm.SoapNote(subjective="changed after signing"))
    (problem,) = info.value.problems
    assert (problem.path, problem.code) == ("signature", "signed")
    assert "Session.amend()" in problem.message
    assert "changed after signing" not in str(info.value)


def test_a_session_cannot_be_built_already_signed() -> None:
    """Session(..., signature=...) is refused: only sign() sets a signature."""
    signature = mm.Signature(by="pr-1", at=START + dt.timedelta(hours=2))
    assert problems(lambda: session(signature=signature)) == {("signature", "signed")}


def test_amend_is_the_way_to_change_a_signed_session() -> None:
    """amend() changes a signed session and keeps the signed original in its trail."""
    signed = session(note=mm.SoapNote(subjective="first")).sign("pr-1", START)
    amended = signed.amend(
        by="pr-1", at=START + dt.timedelta(days=1), reason="typo", note=mm.SoapNote(plan="p")
    )
    assert amended.signed
    assert amended.note == mm.SoapNote(plan="p")
    assert amended.amendments[0].original == signed


def test_an_unsigned_copy_can_still_be_edited() -> None:
    """Dropping the signature (and trail) gives an ordinary editable session."""
    signed = session().sign("pr-1", START)
    draft = attrs.evolve(signed, signature=None, amendments=(), id="s-2")
    assert not draft.signed
    assert attrs.evolve(draft, duration=mm.Duration(50, "min")).duration == mm.Duration(50, "min")


def test_signing_leaves_no_permission_behind() -> None:
    """After sign() succeeds or fails, a direct signed build is still refused."""
    s = session()
    signed = s.sign("pr-1", START)
    with pytest.raises(mm.ValidationError):
        s.sign("not an id!", START)
    assert problems(lambda: attrs.evolve(signed, id="s-9")) == {("signature", "signed")}


def test_signed_and_amended_sessions_round_trip_pickle_and_copy() -> None:
    """JSON, dict, pickle, copy and deepcopy keep signed and amended sessions."""
    signed = session().sign("pr-1", START + dt.timedelta(hours=1))
    amended = signed.amend(by="pr-2", at=START + dt.timedelta(days=2), reason="r", plan_id="pl-1")
    for s in (signed, amended):
        assert from_json(mm.Session, to_json(s)) == s
        assert from_dict(mm.Session, to_dict(s)) == s
        assert pickle.loads(pickle.dumps(s)) == s
        assert copy.copy(s) == s
        assert copy.deepcopy(s) == s


def test_a_signed_example_case_loads() -> None:
    """The example case, whose sessions are signed, still reads and writes unchanged."""
    text = EXAMPLE.read_text()
    case = from_json(mm.Case, text)
    assert all(s.signed for s in case.sessions)
    assert to_json(case, indent=2) + "\n" == text


# -- 2. every model object is hashable ------------------------------------------------------


def test_scale_responses_make_outcomes_sessions_and_cases_hashable() -> None:
    """A BCTQ measure with scale responses hashes, and so does a session and case holding it."""
    measure = bctq()
    assert isinstance(measure.responses, ScaleResponses)
    assert measure.responses == {"sss": (1, 2, 3, None), "fss": (2, 2)}
    assert repr(measure.responses) == "ScaleResponses({'sss': (1, 2, 3, None), 'fss': (2, 2)})"
    assert hash(measure) == hash(bctq())
    s = session(outcomes=(measure,))
    assert hash(s) == hash(session(outcomes=(bctq(),)))
    assert {s, session(outcomes=(bctq(),))} == {s}
    case = from_json(mm.Case, EXAMPLE.read_text())
    first = attrs.evolve(case.sessions[0], signature=None, outcomes=(measure,))
    assert hash(attrs.evolve(case, sessions=(first, *case.sessions[1:])))


def test_scale_responses_are_immutable() -> None:
    """The responses mapping cannot be changed in place."""
    responses = bctq().responses
    assert isinstance(responses, ScaleResponses)
    writable: Any = responses
    with pytest.raises(TypeError):
        writable["sss"] = ()
    with pytest.raises(AttributeError):
        responses._scales = {}
    assert pickle.loads(pickle.dumps(responses)) == responses


def test_scale_responses_keep_their_json() -> None:
    """Scale responses serialize as a JSON object of lists, in order, and read back."""
    measure = bctq()
    assert to_dict(measure)["responses"] == {"sss": [1, 2, 3, None], "fss": [2, 2]}
    back = from_json(mm.OutcomeMeasure, to_json(measure))
    assert back == measure
    assert list(back.responses or ()) == ["sss", "fss"]
    answered = bctq(responses={"sss": (2,) * 10 + (None,), "fss": (1,) * 8})
    read = from_json(mm.OutcomeMeasure, to_json(answered)).responses
    assert read is not None
    score = mm.get_instrument("bctq").score(read)
    assert score == mm.get_instrument("bctq").score({"sss": (2,) * 10 + (None,), "fss": (1,) * 8})


def test_answers_of_different_types_are_different_records() -> None:
    """A yes (True), a 1 and a 1.0 are different answers, though Python calls them equal."""
    yes, one, real = (bctq(responses=(answer,)) for answer in (True, 1, 1.0))
    assert yes != one != real != yes
    assert to_json(yes) != to_json(one)
    assert bctq(responses={"sss": (1,), "fss": (2,)}) == bctq(responses={"fss": (2,), "sss": (1,)})
    assert bctq(responses={"sss": (True,)}) != bctq(responses={"sss": (1,)})


#: Every public strategy that takes no arguments.
STRATEGIES = sorted(
    name
    for name in mst.__all__
    if callable(getattr(mst, name)) and isinstance(getattr(mst, name)(), st.SearchStrategy)
)


@pytest.mark.parametrize("name", STRATEGIES)
def test_every_generated_object_hashes_and_round_trips(name: str) -> None:
    """Generated values hash; models hash equal after a JSON round trip and encode as UTF-8."""

    @given(st.data())
    def check(data: st.DataObject) -> None:
        obj = data.draw(getattr(mst, name)())
        hash(obj)
        if attrs.has(type(obj)):
            text = to_json(obj)
            text.encode("utf-8")
            back = from_json(type(obj), text)
            assert back == obj
            assert hash(back) == hash(obj)

    check()


def test_strategies_cover_the_main_models() -> None:
    """The hash property above runs over every main model."""
    assert {"patients", "sessions", "cases", "outcome_measures", "treatment_plans"} <= set(
        STRATEGIES
    )


# -- 3. two instants an hour apart in a DST overlap are not equal ----------------------------


def test_the_two_0130_of_a_fall_back_night_are_not_equal() -> None:
    """01:30 CDT (fold=0) and 01:30 CST (fold=1) are an hour apart: different records."""
    cdt, cst = overlap(1, 30, 0), overlap(1, 30, 1)
    assert cdt == cst  # Python compares one zone's date-times by wall time
    assert bctq(taken_at=cdt) != bctq(taken_at=cst)
    assert session(start=cdt) != session(start=cst)
    assert len({session(start=cdt), session(start=cst)}) == 2
    assert session(start=cst) == session(start=overlap(1, 30, 1))


def test_the_same_instant_in_another_zone_is_another_record() -> None:
    """Equality is instant plus zone: equal exactly when the JSON is equal."""
    local = overlap(1, 30, 1)
    same_instant = local.astimezone(dt.UTC)
    assert session(start=local) != session(start=same_instant)
    fixed = local.astimezone(dt.timezone(dt.timedelta(hours=-6)))
    assert session(start=same_instant.astimezone(fixed.tzinfo)) == session(start=fixed)


def test_a_fold_survives_a_json_round_trip() -> None:
    """The second 01:30 reads back as the second 01:30, not the first."""
    s = session(start=overlap(1, 30, 1))
    back = from_json(mm.Session, to_json(s))
    assert back == s
    assert back.start.fold == 1
    assert back.start.utcoffset() == dt.timedelta(hours=-6)
    assert back != session(start=overlap(1, 30, 0))


def test_session_end_counts_real_minutes_across_dst() -> None:
    """A 15-minute session starting 01:50 CDT on fall-back night ends at 01:05 CST."""
    s = session(start=overlap(1, 50, 0), duration=mm.Duration(15, "min"))
    assert s.end.replace(tzinfo=None) == dt.datetime(2025, 11, 2, 1, 5)
    assert s.end.utcoffset() == dt.timedelta(hours=-6)
    assert s.end.astimezone(dt.UTC) - s.start.astimezone(dt.UTC) == dt.timedelta(minutes=15)
    spring = session(
        start=dt.datetime(2025, 3, 9, 1, 50, tzinfo=CHICAGO), duration=mm.Duration(15, "min")
    )
    assert spring.end.replace(tzinfo=None) == dt.datetime(2025, 3, 9, 3, 5)


def test_signature_must_follow_the_start_as_an_instant() -> None:
    """Signed 01:10 CST after a 01:50 CDT start is fine; 01:45 CDT after 01:30 CST is not."""
    assert session(start=overlap(1, 50, 0)).sign("pr-1", overlap(1, 10, 1)).signed
    assert problems(lambda: session(start=overlap(1, 30, 1)).sign("pr-1", overlap(1, 45, 0))) == {
        ("signature.at", "order")
    }


def test_case_orders_sessions_by_instant() -> None:
    """01:45 CDT then 01:30 CST is chronological; the other way round is refused."""
    patient = mm.Patient(id="pt-1", birth_date=dt.date(1980, 1, 1), sex=mm.AdministrativeSex.MALE)
    plan = mm.TreatmentPlan(
        id="pl-1",
        patient_id="pt-1",
        practitioner_id="pr-1",
        diagnoses=(mm.Diagnosis(coding=mm.Coding.icd10cm("M54.50")),),
        techniques=(
            mm.PlannedTechnique(
                modality="core.swedish",
                region=mm.BodyRegion.LUMBAR_SPINE,
                duration=mm.Duration(20, "min"),
                min_grade=mm.PressureGrade(1),
                max_grade=mm.PressureGrade(3),
            ),
        ),
        session_length=mm.Duration(60, "min"),
        sessions_per_week=2,
        duration_weeks=4,
        start_date=dt.date(2025, 10, 20),
    )
    first = session(id="s-1", start=overlap(1, 45, 0), duration=mm.Duration(10, "min"))
    second = session(id="s-2", start=overlap(1, 30, 1), duration=mm.Duration(10, "min"))
    mm.Case(patient=patient, plan=plan, sessions=(first, second))
    found = problems(lambda: mm.Case(patient=patient, plan=plan, sessions=(second, first)))
    assert found == {("sessions[1].start", "order")}


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
    assert problems(
        lambda: mm.Coding(system="urn:oid:2.16.840.1.113883.6.88", code="\udfff", display="\udc00")
    ) == {("code", "encoding"), ("display", "encoding")}
    with pytest.raises(mm.ValidationError) as info:
        mm.Practitioner(id="pr-1", name="\udfff")
    assert [p.message for p in info.value.problems] == [ENCODING]


def test_lone_surrogates_are_refused_when_decoding() -> None:
    """A JSON escape of a lone surrogate is refused at its path, not later by an export."""
    doc = to_dict(session(note=mm.SoapNote(subjective="ok"), outcomes=(bctq(),)))
    doc["note"]["subjective"] = "\udfff"
    doc["outcomes"][0]["responses"] = {"sss": ["\udfff"], "\udfff": []}
    text = json.dumps(doc)
    assert "\\udfff" in text
    with pytest.raises(mm.ValidationError) as info:
        from_json(mm.Session, text)
    assert {(p.path, p.code) for p in info.value.problems} == {
        ("note.subjective", "encoding"),
        ("outcomes[0].responses.sss[0]", "encoding"),
        ("outcomes[0].responses", "encoding"),
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


# -- the seams of instants: FHIR periods, progress order, codings --------------------------


def test_fhir_segment_periods_are_real_minutes_across_a_dst_change() -> None:
    """A 15-minute segment from 01:50 CDT on 2025-11-02 ends at 01:05 CST, 15 minutes later."""
    from zoneinfo import ZoneInfo

    from medmassage.fhir import procedure_resources

    chicago = ZoneInfo("America/Chicago")
    start = dt.datetime(2025, 11, 2, 1, 50, tzinfo=chicago)  # fold=0: CDT, -05:00
    segment = mm.TechniqueSegment(
        modality="core.swedish",
        region=mm.BodyRegion.THORACIC_SPINE,
        duration=mm.Duration(15, "min"),
    )
    session = mm.Session(
        id="s-dst", patient_id="p", practitioner_id="pr", start=start,
        duration=mm.Duration(30, "min"), segments=(segment, segment),
    )  # fmt: skip
    (first, second) = procedure_resources(session)
    assert first["performedPeriod"] == {
        "start": "2025-11-02T01:50:00-05:00",
        "end": "2025-11-02T01:05:00-06:00",
    }
    assert second["performedPeriod"]["start"] == "2025-11-02T01:05:00-06:00"  # type: ignore[index]


def test_progress_orders_measures_by_instant_within_a_fold() -> None:
    """01:30 CST (fold=1) is after 01:50 CDT (fold=0), though its wall clock is earlier."""
    from zoneinfo import ZoneInfo

    chicago = ZoneInfo("America/Chicago")
    first = dt.datetime(2025, 11, 2, 1, 50, tzinfo=chicago)
    later = dt.datetime(2025, 11, 2, 1, 30, fold=1, tzinfo=chicago)
    measures = (
        mm.OutcomeMeasure(instrument="nprs", taken_at=later, value=3),
        mm.OutcomeMeasure(instrument="nprs", taken_at=first, value=7),
    )
    swedish = mm.PlannedTechnique(
        modality="core.swedish",
        region=mm.BodyRegion.THORACIC_SPINE,
        duration=mm.Duration(20, "min"),
        min_grade=mm.PressureGrade(1),
        max_grade=mm.PressureGrade(3),
    )
    plan = mm.TreatmentPlan(
        id="plan-x", patient_id="p", practitioner_id="pr",
        diagnoses=(mm.Diagnosis(coding=mm.Coding.icd10cm("M54.50")),),
        techniques=(swedish,),
        session_length=mm.Duration(60, "min"), sessions_per_week=1, duration_weeks=4,
        start_date=dt.date(2025, 10, 27),
    )  # fmt: skip
    session = mm.Session(
        id="s-1", patient_id="p", practitioner_id="pr", plan_id="plan-x", start=first,
        duration=mm.Duration(60, "min"), outcomes=measures,
    )  # fmt: skip
    (series,) = mm.track(plan, [session], as_of=dt.date(2025, 11, 2)).series
    assert [p.value for p in series.points] == [7, 3]


def test_a_coding_built_alone_refuses_a_lone_surrogate() -> None:
    """Coding checks its own text: a lone surrogate cannot reach to_json."""
    with pytest.raises(mm.ValidationError) as info:
        mm.Coding(system="http://example.org", code="A1", display="bad \udfff")
    assert [(p.path, p.code) for p in info.value.problems] == [("display", "encoding")]


def test_unexpected_keys_are_not_echoed_unless_they_look_like_field_names() -> None:
    """A key holding free text (or a lone surrogate) is reported as <unexpected key>."""
    text = '{"schema_version": 1, "id": "p", "sex": "female", "birth_date": "1970-01-01", '
    text += '"Jane Doe, 555-0100": 1, "\\udfff": 2, "extra_field": 3}'
    with pytest.raises(mm.ValidationError) as info:
        mm.from_json(mm.Patient, text)
    paths = sorted(p.path for p in info.value.problems)
    assert paths == ["<unexpected key>", "<unexpected key>", "extra_field"]
    assert "Jane" not in str(info.value)
