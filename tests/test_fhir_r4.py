"""Regression tests of the FHIR R4 export defects of issue 12 (`medmassage.fhir`).

Each test builds the case the defect needs and checks the exported JSON against
the HL7 FHIR R4 specification (https://hl7.org/fhir/R4/): the dateTime and code
primitive patterns (datatypes.html), CarePlan.basedOn's allowed target
(careplan.html), the canonical RxNorm URI (terminologies-systems.html), UCUM
units (https://ucum.org/ucum).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from pathlib import Path

import attrs
import pytest

import medmassage as mm
from factories import unsigned
from medmassage.cli import main
from medmassage.fhir import (
    BODY_SITE_URL,
    DISCOMFORT_URL,
    DURATION_URL,
    EXTENSION_BASE,
    FEEDBACK_URL,
    ORIGINAL_OFFSET_URL,
    PRESSURE_URL,
    PROFESSION_SYSTEM,
    REACTION_SYSTEM,
    SESSION_STATUS_URL,
    TIME_ZONE_URL,
    WALTON_GRADE_URL,
    Resource,
    adverse_event_resources,
    case_bundle,
    case_export,
    encounter_resource,
    observation_resources,
    procedure_resources,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")

#: The dateTime regular expression of FHIR R4 (https://hl7.org/fhir/R4/datatypes.html#dateTime).
DATETIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|"
    r"3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|"
    r"1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)


def _case() -> mm.Case:
    return mm.from_json(mm.Case, EXAMPLE.read_text(encoding="utf-8"))


def _session(start: dt.datetime, *segments: float, **fields: object) -> mm.Session:
    """An unsigned completed session of Swedish massage segments of *segments* minutes."""
    return mm.Session(
        id="ses-x",
        patient_id="pt-1001",
        practitioner_id="pr-201",
        start=start,
        duration=mm.Duration(max(60.0, sum(segments)), "min"),
        segments=tuple(
            mm.TechniqueSegment(
                modality="core.swedish",
                region=mm.BodyRegion.LUMBAR_SPINE,
                duration=mm.Duration(m, "min"),
            )
            for m in segments
        ),
        **fields,  # type: ignore[arg-type]
    )


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _of_type(bundle: Resource, kind: str) -> list[dict[str, object]]:
    entries = bundle["entry"]
    assert isinstance(entries, list)
    return [e["resource"] for e in entries if e["resource"]["resourceType"] == kind]


# -- date-times -------------------------------------------------------------------------


def test_segment_across_the_fall_back_change_lasts_its_minutes() -> None:
    """A 15-min segment at 01:50 CDT on 2025-11-02 (Chicago) ends 15 minutes later, at 01:05 CST."""
    start = dt.datetime(2025, 11, 2, 1, 50, tzinfo=CHICAGO)
    first, second = procedure_resources(_session(start, 15, 20))
    period = first["performedPeriod"]
    assert isinstance(period, dict)
    begin, end = _instant(period["start"]), _instant(period["end"])
    assert end - begin == dt.timedelta(minutes=15)
    assert period["end"] == "2025-11-02T01:05:00-06:00"
    later = second["performedPeriod"]
    assert isinstance(later, dict)
    assert later["start"] == period["end"]
    assert _instant(later["end"]) - _instant(later["start"]) == dt.timedelta(minutes=20)


@pytest.mark.parametrize(
    ("offset", "written"),
    [
        (dt.timedelta(minutes=19, seconds=32), "+00:19:32"),  # Amsterdam mean time, 1909
        (dt.timedelta(hours=-14, minutes=-30), "-14:30:00"),
        (dt.timedelta(hours=15), "+15:00:00"),
    ],
)
def test_offsets_fhir_cannot_express_are_written_in_utc_with_the_offset_kept(
    offset: dt.timedelta, written: str
) -> None:
    """An offset with seconds or beyond +/-14:00 is exported in UTC, the offset in an extension."""
    start = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.timezone(offset))
    (procedure,) = procedure_resources(_session(start, 30))
    period = procedure["performedPeriod"]
    assert isinstance(period, dict)
    assert DATETIME.fullmatch(period["start"])
    assert period["start"].endswith("Z")
    assert _instant(period["start"]) == start
    assert _instant(period["end"]) - start == dt.timedelta(minutes=30)
    (kept,) = period["_start"]["extension"]
    assert kept == {"url": ORIGINAL_OFFSET_URL, "valueString": written}


def test_observation_time_in_local_mean_time_names_its_zone() -> None:
    """A measure taken in an IANA zone's local mean time keeps the zone's name in an extension."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    taken = dt.datetime(1890, 6, 1, 9, 0, tzinfo=paris)  # Paris mean time, +00:09:21
    assert taken.utcoffset() == dt.timedelta(minutes=9, seconds=21)
    measure = mm.OutcomeMeasure(instrument="nprs", taken_at=taken, value=4)
    (observation,) = observation_resources(_session(taken, outcomes=(measure,)))
    assert observation["effectiveDateTime"] == "1890-06-01T08:50:39Z"
    urls = [e["url"] for e in observation["_effectiveDateTime"]["extension"]]  # type: ignore[index]
    assert urls == [ORIGINAL_OFFSET_URL, TIME_ZONE_URL]
    assert observation["_effectiveDateTime"]["extension"][1]["valueCode"] == "Europe/Paris"  # type: ignore[index]


def test_expressible_offsets_are_kept_as_they_are() -> None:
    """Whole-minute offsets within +/-14:00 (+05:45, -14:00) are written unchanged, no extension."""
    for offset in (dt.timedelta(hours=5, minutes=45), dt.timedelta(hours=-14)):
        start = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.timezone(offset))
        (procedure,) = procedure_resources(_session(start, 30))
        period = procedure["performedPeriod"]
        assert isinstance(period, dict)
        assert period["start"] == start.isoformat()
        assert "_start" not in period


# -- references and codings -------------------------------------------------------------


def test_care_plan_points_at_the_referral_through_supporting_info() -> None:
    """R4 CarePlan.basedOn allows only CarePlan: the referral is in supportingInfo and resolves."""
    bundle = case_bundle(_case())
    (plan,) = _of_type(bundle, "CarePlan")
    assert "basedOn" not in plan
    refs = plan["supportingInfo"]
    assert isinstance(refs, list)
    assert len(refs) == 1
    entries = bundle["entry"]
    assert isinstance(entries, list)
    target = [e["resource"] for e in entries if e["fullUrl"] == refs[0]["reference"]]
    assert [r["resourceType"] for r in target] == ["ServiceRequest"]


def test_rxnorm_oid_is_exported_as_the_canonical_uri() -> None:
    """A history coding in RxNorm's OID is exported with http://www.nlm.nih.gov/research/umls/rxnorm."""
    case = _case()
    coding = mm.Coding(system="urn:oid:2.16.840.1.113883.6.88", code="197361")
    condition = mm.Condition(code=coding, status=mm.ClinicalStatus.ACTIVE)
    case = attrs.evolve(case, patient=attrs.evolve(case.patient, conditions=(condition,)))
    systems = [
        c["system"]
        for r in _of_type(case_bundle(case), "Condition")
        for c in r["code"]["coding"]  # type: ignore[index]
    ]
    assert "http://www.nlm.nih.gov/research/umls/rxnorm" in systems
    assert not [s for s in systems if s.startswith("urn:oid:")]


def test_two_episodes_of_one_code_are_two_conditions() -> None:
    """A resolved and a current episode of one code both reach the bundle, each with its status."""
    case = _case()
    code = mm.Coding.icd10cm("M54.50")
    episodes = (
        mm.Condition(code=code, status=mm.ClinicalStatus.RESOLVED, onset=dt.date(2019, 3, 1)),
        mm.Condition(code=code, status=mm.ClinicalStatus.ACTIVE, onset=dt.date(2025, 10, 1)),
    )
    case = attrs.evolve(case, patient=attrs.evolve(case.patient, conditions=episodes))
    found = [
        (r["clinicalStatus"]["coding"][0]["code"], r.get("onsetDateTime"))  # type: ignore[index]
        for r in _of_type(case_bundle(case), "Condition")
        if r["code"]["coding"][0]["code"] == "M54.50"  # type: ignore[index]
    ]
    assert sorted(found) == [("active", "2025-10-01"), ("resolved", "2019-03-01")]


# -- what cannot be exported ------------------------------------------------------------


def _with_outcomes(case: mm.Case, *measures: mm.OutcomeMeasure) -> mm.Case:
    """*case* with its first session's outcomes replaced by *measures* (unsigned)."""
    first = case.sessions[0]
    session = unsigned(first, segments=first.segments, outcomes=measures)
    return attrs.evolve(case, sessions=(session, *case.sessions[1:]))


def test_an_unscorable_measure_is_reported_and_the_rest_exported() -> None:
    """An out-of-range ODI and an unknown instrument are reported and exported unscored."""
    case = _case()
    taken = case.sessions[0].start
    good = mm.OutcomeMeasure(instrument="nprs", taken_at=taken, value=6)
    bad = mm.OutcomeMeasure(instrument="odi", taken_at=taken, responses=(9,) * 10)
    unknown = mm.OutcomeMeasure(instrument="no_such_scale", taken_at=taken, value=1)
    case = _with_outcomes(case, good, bad, unknown)
    result = case_export(case)
    assert [(p.path, p.code) for p in result.problems] == [
        ("sessions[0].outcomes[1]", "unscorable"),
        ("sessions[0].outcomes[2]", "unknown_code"),
    ]
    assert not result.complete
    observations = _of_type(result.bundle, "Observation")
    expected = sum(len(s.outcomes) for s in case.sessions)
    assert len(observations) == expected  # the two unscored ones without a value
    absent = [o for o in observations if "dataAbsentReason" in o]
    assert len(absent) == 2
    assert not [o for o in absent if "valueQuantity" in o]
    (outcome,) = _of_type(result.bundle, "OperationOutcome")
    issues = outcome["issue"]
    assert isinstance(issues, list)
    assert [i["severity"] for i in issues] == ["error", "error"]
    assert [i["details"]["coding"][0]["code"] for i in issues] == ["unscorable", "unknown_code"]
    assert issues[0]["diagnostics"] == "sessions[0].outcomes[1]"
    assert case_bundle(case) == result.bundle


def test_a_complete_export_has_no_operation_outcome() -> None:
    """The bundled example exports completely: no problems, no OperationOutcome."""
    result = case_export(_case())
    assert result.complete
    assert _of_type(result.bundle, "OperationOutcome") == []
    assert result == case_export(_case())
    assert hash(result) == hash(case_export(_case()))


def test_codes_breaking_fhir_patterns_are_never_emitted() -> None:
    """A code led by a no-break space is left out and reported; control characters replaced."""
    case = _case()
    bad = mm.Coding(system="http://www.nlm.nih.gov/research/umls/rxnorm", code="\u00a0197361")
    good = mm.Coding(system="http://www.nlm.nih.gov/research/umls/rxnorm", code="197361")
    conditions = (
        mm.Condition(code=bad, status=mm.ClinicalStatus.ACTIVE),
        mm.Condition(code=good, status=mm.ClinicalStatus.ACTIVE, note="line\x01two"),
    )
    case = attrs.evolve(case, patient=attrs.evolve(case.patient, conditions=conditions))
    result = case_export(case, include_notes=True)
    codes = [
        c["code"]
        for r in _of_type(result.bundle, "Condition")
        for c in r.get("code", {}).get("coding", [])  # type: ignore[attr-defined]
    ]
    assert "197361" in codes
    assert not [c for c in codes if not re.fullmatch(r"[^\s]+(\s[^\s]+)*", c)]
    assert [p.code for p in result.problems] == ["code_pattern", "control_character"]
    assert result.problems[0].path.endswith(".resource.code.coding[0]")
    notes = [n["text"] for r in _of_type(result.bundle, "Condition") for n in r.get("note", [])]  # type: ignore[attr-defined]
    assert notes == ["line\ufffdtwo"]
    assert "\u00a0197361" not in json.dumps(result.bundle, ensure_ascii=False)


def test_cli_exports_what_it_can_and_warns_of_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``medmassage fhir`` writes the partial bundle, exit 0, and names each measure left out."""
    case = _case()
    taken = case.sessions[0].start
    bad = mm.OutcomeMeasure(instrument="odi", taken_at=taken, responses=(9,) * 10)
    source = tmp_path / "case.json"
    source.write_text(mm.to_json(_with_outcomes(case, bad)), encoding="utf-8")
    out = tmp_path / "bundle.json"
    assert main(["fhir", str(source), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning" in err
    assert "sessions[0].outcomes[0]" in err
    assert "[unscorable]" in err
    bundle = json.loads(out.read_text(encoding="utf-8"))
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[-1] == "OperationOutcome"
    assert kinds.count("Procedure") == 12


# -- units and codes --------------------------------------------------------------------

UCUM = "http://unitsofmeasure.org"


def test_goal_targets_carry_the_instruments_ucum_unit() -> None:
    """ODI <= 20 is 20 % (UCUM ``%``); NPRS <= 3 is 3 points (UCUM ``{score}``)."""
    goals = {
        r["target"][0]["measure"]["coding"][0]["code"]: r["target"][0]["detailQuantity"]  # type: ignore[index]
        for r in _of_type(case_bundle(_case()), "Goal")
    }
    assert goals["odi"] == {
        "value": 20,
        "unit": "%",
        "system": UCUM,
        "code": "%",
        "comparator": "<=",
    }
    assert goals["nprs"]["code"] == "{score}"
    assert goals["nprs"]["system"] == UCUM


def test_authorized_visits_are_a_ucum_count() -> None:
    """The referral's authorized visits use the UCUM annotation ``{visits}``."""
    (request,) = _of_type(case_bundle(_case()), "ServiceRequest")
    assert request["quantityQuantity"] == {
        "value": 8,
        "unit": "visits",
        "system": UCUM,
        "code": "{visits}",
    }


def test_observation_components_are_coded() -> None:
    """Every component has a coding (subscales ``ndi.percent``; trials the instrument's code)."""
    case = _case()
    taken = case.sessions[0].start
    ndi = mm.OutcomeMeasure(instrument="ndi", taken_at=taken, responses=(2,) * 10)
    ppt = mm.OutcomeMeasure(
        instrument="ppt",
        taken_at=taken,
        measurements=(mm.Pressure(300, "kPa"), mm.Pressure(320, "kPa")),
        region=mm.BodyRegion.LUMBAR_SPINE,
    )
    observations = observation_resources(_with_outcomes(case, ndi, ppt).sessions[0])
    codes = [
        [c["code"]["coding"][0]["code"] for c in o["component"]]  # type: ignore[attr-defined]
        for o in observations
    ]
    assert codes == [["ndi.total", "ndi.percent"], ["ppt", "ppt"]]
    for observation in observations:
        for component in observation["component"]:  # type: ignore[attr-defined]
            assert component["code"]["coding"][0]["system"] == "https://medmassage.dev/instruments"


# -- extra elements (issue 12, "What to build") -----------------------------------------


def test_segment_grade_pressure_and_feedback_are_extensions() -> None:
    """Walton grade, measured pressure (kPa), feedback, discomfort and minutes are extensions."""
    segment = mm.TechniqueSegment(
        modality="core.trigger_point",
        region=mm.BodyRegion.LUMBAR_SPINE,
        duration=mm.Duration(10, "min"),
        grade=mm.PressureGrade(4),
        pressure=mm.Pressure(1.4, "kgf/cm**2"),
        feedback=mm.PressureFeedback.TOO_FIRM,
        discomfort=7,
    )
    session = attrs.evolve(
        _session(dt.datetime(2026, 1, 12, 9, tzinfo=CHICAGO)), segments=(segment,)
    )
    (procedure,) = procedure_resources(session)
    found = {e["url"]: e for e in procedure["extension"]}  # type: ignore[attr-defined]
    assert set(found) == {
        DURATION_URL,
        WALTON_GRADE_URL,
        PRESSURE_URL,
        FEEDBACK_URL,
        DISCOMFORT_URL,
    }
    assert all(url.startswith(EXTENSION_BASE) for url in found)
    assert found[WALTON_GRADE_URL]["valueInteger"] == 4
    # 1 kgf/cm2 = 98.0665 kPa (standard gravity, CGPM 1901): 1.4 kgf/cm2 = 137.2931 kPa.
    assert found[PRESSURE_URL]["valueQuantity"]["value"] == pytest.approx(137.2931)
    assert found[PRESSURE_URL]["valueQuantity"]["code"] == "kPa"
    assert found[FEEDBACK_URL]["valueCode"] == "too_firm"
    assert found[DISCOMFORT_URL]["valueInteger"] == 7
    assert found[DURATION_URL]["valueDuration"] == {
        "value": 10,
        "unit": "min",
        "system": UCUM,
        "code": "min",
    }


def test_practitioner_licences_are_qualifications() -> None:
    """The example therapist's Washington licence is a qualification with its number and expiry."""
    practitioner = _of_type(case_bundle(_case()), "Practitioner")[0]  # then the referrer's
    qualifications = practitioner["qualification"]
    assert isinstance(qualifications, list)
    assert len(qualifications) == 1
    qualification = qualifications[0]
    assert qualification["identifier"] == [
        {"value": "MA60012345", "assigner": {"display": "US-WA"}}
    ]
    assert qualification["code"]["coding"][0] == {
        "system": PROFESSION_SYSTEM,
        "code": "massage_therapist",
    }
    assert qualification["period"] == {"end": "2027-06-30"}


def test_each_session_is_an_encounter_its_resources_refer_to() -> None:
    """Three sessions are three finished Encounters; Procedures and Observations point at theirs."""
    bundle = case_bundle(_case())
    encounters = _of_type(bundle, "Encounter")
    assert [e["status"] for e in encounters] == ["finished"] * 3
    entries = bundle["entry"]
    assert isinstance(entries, list)
    urls = {e["fullUrl"] for e in entries if e["resource"]["resourceType"] == "Encounter"}
    for kind in ("Procedure", "Observation"):
        for resource in _of_type(bundle, kind):
            assert resource["encounter"]["reference"] in urls  # type: ignore[index]


def test_a_missed_session_is_a_cancelled_encounter_keeping_its_status() -> None:
    """R4 has no no-show Encounter status: it is cancelled, with no_show in the extension."""
    start = dt.datetime(2026, 1, 12, 9, tzinfo=CHICAGO)
    session = attrs.evolve(_session(start), segments=(), status=mm.SessionStatus.NO_SHOW)
    encounter = encounter_resource(session)
    assert encounter["status"] == "cancelled"
    assert encounter["extension"] == [{"url": SESSION_STATUS_URL, "valueCode": "no_show"}]
    assert encounter["period"] == {
        "start": "2026-01-12T09:00:00-06:00",
        "end": "2026-01-12T10:00:00-06:00",
    }


def test_adverse_reactions_are_adverse_events_without_their_notes() -> None:
    """A moderate, resolved bruise on the left hip is an AdverseEvent; its note stays out."""
    start = dt.datetime(2026, 1, 12, 9, tzinfo=CHICAGO)
    reaction = mm.AdverseReaction(
        kind=mm.ReactionKind.BRUISING,
        severity=mm.ReactionSeverity.MODERATE,
        region=mm.BodyRegion.HIP,
        laterality=mm.Laterality.LEFT,
        resolved=True,
        note="Bruise seen by her daughter",
    )
    session = attrs.evolve(_session(start, 30), adverse_reactions=(reaction,))
    (event,) = adverse_event_resources(session)
    assert event["actuality"] == "actual"
    assert event["event"]["coding"][0] == {"system": REACTION_SYSTEM, "code": "bruising"}  # type: ignore[index]
    assert event["severity"]["coding"][0]["code"] == "moderate"  # type: ignore[index]
    assert event["outcome"]["coding"][0]["code"] == "resolved"  # type: ignore[index]
    assert event["date"] == "2026-01-12T09:00:00-06:00"
    sites = event["extension"]
    assert isinstance(sites, list)
    assert [e["url"] for e in sites] == [BODY_SITE_URL]
    assert sites[0]["valueCodeableConcept"]["text"] == "Hip, left"
    assert "daughter" not in json.dumps(event)
