"""FHIR import (`medmassage.fhir.import_bundle`): export then import gives an equal case.

Round trips are checked for the bundled examples and for generated cases
(`medmassage.testing.strategies.cases`, which draws on every strategy: any
zone, fixed offsets with seconds, units, decimals, free text with control
characters, codes FHIR's ``code`` pattern refuses, signed and amended sessions,
unscorable measures). Equality is checked both with ``==`` and on the JSON
form (`medmassage.to_dict`), which also tells ``1`` from ``1.0``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import zoneinfo
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medmassage as mm
from factories import unsigned
from medmassage.fhir import FIELDS_URL, ImportResult, case_export, import_bundle
from medmassage.testing import strategies as mst

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
LUMBAR = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _load(path: Path) -> mm.Case:
    return mm.from_json(mm.Case, path.read_text(encoding="utf-8"))


def _round_trip(case: mm.Case) -> ImportResult:
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    return import_bundle(json.dumps(bundle, ensure_ascii=False))


def _assert_equal(result: ImportResult, case: mm.Case) -> None:
    assert result.case is not None, [str(p) for p in result.not_mapped]
    assert result.case == case
    assert mm.to_dict(result.case) == mm.to_dict(case)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_bundled_examples_round_trip_exactly(path: Path) -> None:
    """Each bundled example exports and imports back equal, with nothing left unmapped."""
    case = _load(path)
    result = _round_trip(case)
    _assert_equal(result, case)
    assert result.complete
    assert result.patient == case.patient
    assert result.plan == case.plan
    assert result.sessions == case.sessions
    assert result.practitioners == case.practitioners


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(mst.cases())
def test_generated_cases_round_trip_exactly(case: mm.Case) -> None:
    """Any generated case (every strategy) exports and imports back equal, JSON form included."""
    result = _round_trip(case)
    _assert_equal(result, case)
    # Only the export's own OperationOutcome (unscorable measures ...) is not a record.
    assert {p.code for p in result.not_mapped} <= {"derived"}


def test_the_import_reads_a_parsed_bundle_too() -> None:
    """A bundle given as parsed JSON imports as the same case as its text."""
    case = _load(LUMBAR)
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    assert import_bundle(bundle) == import_bundle(json.dumps(bundle))


def test_plan_and_referral_diagnoses_of_one_code_round_trip() -> None:
    """A referral's diagnosis that differs from the plan's of the same code is not merged away."""
    case = _load(LUMBAR)
    referral = case.plan.referral
    assert referral is not None
    first = referral.diagnoses[0]
    assert first.code in {d.code for d in case.plan.diagnoses}
    changed = attrs.evolve(first, diagnosed_on=dt.date(2025, 11, 3), acuity=mm.Acuity.SUBACUTE)
    referral = attrs.evolve(referral, diagnoses=(changed, *referral.diagnoses[1:]))
    case = attrs.evolve(case, plan=attrs.evolve(case.plan, referral=referral))
    bundle = case_export(case, include_identity=True, include_notes=True).bundle
    entries = json.loads(json.dumps(bundle))["entry"]
    conditions = [e for e in entries if e["resource"]["resourceType"] == "Condition"]
    shared = [c for c in conditions if first.code in json.dumps(c) and "encounter-diag" in str(c)]
    assert len(shared) == 2  # the plan's and the referral's own
    _assert_equal(import_bundle(bundle), case)


def test_an_equal_diagnosis_of_plan_and_referral_is_one_condition() -> None:
    """The same diagnosis in the plan and the referral is one Condition, both refer to it."""
    case = _load(LUMBAR)
    referral = case.plan.referral
    assert referral is not None
    assert [d for d in referral.diagnoses if d in case.plan.diagnoses]
    bundle = json.loads(json.dumps(case_export(case, include_identity=True).bundle))
    resources = [e["resource"] for e in bundle["entry"]]
    diagnoses = [
        r for r in resources if r["resourceType"] == "Condition" and "encounter-diag" in str(r)
    ]
    codes = [r["code"]["coding"][0]["code"] for r in diagnoses]
    assert sorted(codes) == sorted({d.code for d in (*case.plan.diagnoses, *referral.diagnoses)})
    (plan,) = [r for r in resources if r["resourceType"] == "CarePlan"]
    (request,) = [r for r in resources if r["resourceType"] == "ServiceRequest"]
    addressed = {a["reference"] for a in plan["addresses"]}
    assert {a["reference"] for a in request["reasonReference"]} <= addressed
    _assert_equal(_round_trip(case), case)


def test_an_unscorable_measure_round_trips_as_an_unscored_observation() -> None:
    """An unscorable ODI is exported without a value (dataAbsentReason) and imported back."""
    case = _load(LUMBAR)
    first = case.sessions[0]
    bad = mm.OutcomeMeasure(instrument="odi", taken_at=first.start, responses=(9,) * 10)
    session = unsigned(first, outcomes=(bad,))
    case = attrs.evolve(case, sessions=(session, *case.sessions[1:]))
    export = case_export(case, include_identity=True, include_notes=True)
    assert [p.code for p in export.problems] == ["unscorable"]
    observations = [
        e["resource"]
        for e in json.loads(json.dumps(export.bundle))["entry"]
        if e["resource"]["resourceType"] == "Observation" and "dataAbsentReason" in e["resource"]
    ]
    assert len(observations) == 1
    assert "valueQuantity" not in observations[0]
    result = import_bundle(export.bundle)
    _assert_equal(result, case)
    assert [p.code for p in result.not_mapped] == ["derived"]  # the OperationOutcome


def test_a_session_across_the_dst_change_round_trips_with_its_zone() -> None:
    """A 01:50 Chicago session on the night clocks go back keeps its zone and instant."""
    case = _load(LUMBAR)
    plan = attrs.evolve(case.plan, start_date=dt.date(2025, 10, 27), reevaluation_date=None)
    case = attrs.evolve(case, plan=plan, sessions=())
    first = _load(LUMBAR).sessions[0]
    start = dt.datetime(2025, 11, 2, 1, 50, tzinfo=CHICAGO, fold=1)  # the second 01:50
    session = unsigned(first, start=start, segments=first.segments)
    case = attrs.evolve(case, sessions=(session,))
    result = _round_trip(case)
    _assert_equal(result, case)
    assert result.case is not None
    assert result.case.sessions[0].start.tzinfo == CHICAGO
    assert result.case.sessions[0].start.utcoffset() == dt.timedelta(hours=-6)


def test_a_code_fhir_refuses_is_carried_and_reported() -> None:
    """A code led by a no-break space is left out of the coding, reported, and imported back."""
    case = _load(LUMBAR)
    coding = mm.Coding(system="http://www.nlm.nih.gov/research/umls/rxnorm", code="\u00a0197361")
    condition = mm.Condition(code=coding, status=mm.ClinicalStatus.RESOLVED, note="a\x01b")
    case = attrs.evolve(case, patient=attrs.evolve(case.patient, conditions=(condition,)))
    export = case_export(case, include_identity=True, include_notes=True)
    assert {p.code for p in export.problems} == {"code_pattern", "control_character"}
    assert "\u00a0197361" not in json.dumps(export.bundle, ensure_ascii=False)
    _assert_equal(import_bundle(export.bundle), case)


def test_the_fields_extension_keeps_identity_and_notes_out_by_default() -> None:
    """Without include_identity and include_notes, no carried field holds a name or a note."""
    case = _load(LUMBAR)
    bundle = case_export(case).bundle
    carried = [
        json.loads(x["valueString"])
        for e in bundle["entry"]  # type: ignore[attr-defined]
        for x in e["resource"].get("extension", [])
        if x["url"] == FIELDS_URL
    ]
    assert carried
    keys = {k for fields in carried for k in fields}
    assert not keys & {"birth_date", "name", "contact", "note", "instructions", "precautions"}
    assert not keys & {"description", "amendments"}
    text = json.dumps(bundle)
    assert "Maria" not in text
    assert "1979-05-14" not in text


def test_a_default_export_imports_without_a_patient_and_says_why() -> None:
    """The default export has no birth date: no patient, no case, and the report names it."""
    case = _load(LUMBAR)
    result = import_bundle(case_export(case).bundle)
    assert result.case is None
    assert result.patient is None
    paths = {p.path for p in result.not_mapped}
    assert "Bundle.entry[0].resource" in paths
    assert any("birth_date" in p.message for p in result.not_mapped)
    assert result.practitioners == case.practitioners
    assert len(result.sessions) == len(case.sessions)


@pytest.mark.parametrize(
    ("bundle", "path"),
    [
        ([], "Bundle"),
        ({"resourceType": "Patient"}, "Bundle.resourceType"),
        ({"resourceType": "Bundle", "entry": {}}, "Bundle.entry"),
        ({"resourceType": "Bundle", "entry": [3]}, "Bundle.entry[0]"),
        ({"resourceType": "Bundle", "entry": [{"resource": {}}]}, "Bundle.entry[0].resource"),
        (
            {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Encounter"}}]},
            "Bundle.entry[0].resource.id",
        ),
        (
            {
                "resourceType": "Bundle",
                "entry": [{"resource": {"resourceType": "Encounter", "id": "e", "period": 5}}],
            },
            "Bundle.entry[0].resource.period",
        ),
    ],
)
def test_invalid_fhir_raises_a_validation_error_naming_the_path(bundle: object, path: str) -> None:
    """Malformed FHIR raises medmassage's ValidationError whose problem is at the FHIR path."""
    with pytest.raises(mm.ValidationError) as caught:
        import_bundle(bundle)  # type: ignore[arg-type]
    assert caught.value.paths == (path,)


def test_text_that_is_not_json_raises_a_validation_error() -> None:
    """Text that is not JSON is refused as a ValidationError, not a JSONDecodeError."""
    with pytest.raises(mm.ValidationError, match="JSON"):
        import_bundle("{not json")


def test_bundle_text_is_read_by_the_one_json_reader() -> None:
    """Bundle text goes through medmassage's reader: located errors, size and depth limits.

    A deeply nested text is refused by the depth limit (not a RecursionError), a
    broken one names its line and column, and an oversized one the size limit.
    """
    from medmassage.fhir._read import MAX_BUNDLE_SIZE

    cases: dict[str | bytes, str] = {
        "[" * 5000 + "]" * 5000: "limit_depth",
        '{\n  "resourceType": "Bundle",\n  "entry": [}': "json",
        b" " * (MAX_BUNDLE_SIZE + 1): "limit_size",
    }
    for text, code in cases.items():
        with pytest.raises(mm.ValidationError) as caught:
            import_bundle(text)
        assert [p.code for p in caught.value.problems] == [code]
    with pytest.raises(mm.ValidationError, match="line 3, column 13"):
        import_bundle('{\n  "resourceType": "Bundle",\n  "entry": [}')


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


def _places(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_places(item, (*path, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_places(item, (*path, i)))
    return out


_BUNDLE = case_export(_load(LUMBAR), include_identity=True, include_notes=True).bundle
_PLACES = _places(_BUNDLE)[1:]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(_PLACES), _JSON)
def test_a_damaged_bundle_imports_or_raises_a_validation_error(
    place: tuple[object, ...], value: object
) -> None:
    """Any one value of a bundle replaced by any JSON: a result or a ValidationError, no crash."""
    bundle = copy.deepcopy(_BUNDLE)
    target: object = bundle
    for step in place[:-1]:
        target = target[step]  # type: ignore[index]
    target[place[-1]] = value  # type: ignore[index]
    paths: tuple[str, ...]
    try:
        paths = tuple(p.path for p in import_bundle(bundle).not_mapped)
    except mm.ValidationError as exc:
        paths = exc.paths
    assert all(p.startswith("Bundle") for p in paths)
