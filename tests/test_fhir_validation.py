"""The FHIR export checked by an independent implementation: ``fhir.resources`` (R4B models).

Every resource of every exported bundle, and the bundle as a whole, must parse
in the ``fhir.resources`` models (a test-only dependency), and every reference
must resolve to an entry of a type the element allows (the models'
``enum_reference_types``, taken from the FHIR structure definitions). The
bundles are those of the bundled examples and of generated cases
(`medmassage.testing.strategies.cases`, whose outcome measures are mostly
unscorable or name unknown instruments). ``fhir.resources`` does not check
FHIR's rule that strings hold no control characters below U+0020 other than
tab and line breaks (https://hl7.org/fhir/R4/datatypes.html#string), so it is
checked here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medmassage as mm
from factories import FailingRule, unsigned
from medmassage.fhir import Resource, case_export
from medmassage.screening import screen
from medmassage.testing import strategies as mst
from medmassage.testing.plugins import registry_from

pytest.importorskip("fhir.resources", reason="fhir.resources (test-only dependency) is needed")

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _strings(value: object, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if _CONTROL.search(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _references(model: FHIRAbstractModel, path: str) -> Iterator[tuple[str, str, list[str]]]:
    """Each (path, reference, allowed target types) in a parsed resource."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name, None)
        items = value if isinstance(value, list) else [value]
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        allowed = extra.get("enum_reference_types")
        for i, item in enumerate(items):
            if not isinstance(item, FHIRAbstractModel):
                continue
            where = f"{path}.{name}" + (f"[{i}]" if isinstance(value, list) else "")
            if type(item).__name__ == "Reference" and isinstance(allowed, list):
                reference = getattr(item, "reference", None)
                if reference is not None:
                    yield where, str(reference), [str(a) for a in allowed]
            else:
                yield from _references(item, where)


def fhir_problems(bundle: Resource) -> tuple[list[str], int]:
    """What ``fhir.resources`` and the reference check find wrong in *bundle*; and its size."""
    problems: list[str] = []
    text = json.dumps(bundle, ensure_ascii=False)
    try:
        get_fhir_model_class("Bundle").model_validate_json(text)
    except ValueError as exc:
        problems.append(f"Bundle: {exc}")
    entries = bundle["entry"]
    assert isinstance(entries, list)
    kinds = {str(e["fullUrl"]): str(e["resource"]["resourceType"]) for e in entries}
    assert len(kinds) == len(entries), "fullUrls are unique"
    for index, entry in enumerate(entries):
        resource = entry["resource"]
        kind = str(resource["resourceType"])
        where = f"entry[{index}] {kind}"
        problems.extend(f"{where}{p}: control character" for p in _strings(resource, ""))
        try:
            model = get_fhir_model_class(kind).model_validate(resource)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        for path, reference, allowed in _references(model, kind):
            target = kinds.get(reference)
            if target is None:
                problems.append(f"{where} {path}: {reference} resolves to no entry")
            elif target not in allowed and "Resource" not in allowed:
                problems.append(f"{where} {path}: a {target}, expected one of {allowed}")
    return problems, len(entries)


def _export(case: mm.Case, *, everything: bool) -> Resource:
    return case_export(
        case, assessment=screen(case), include_identity=everything, include_notes=everything
    ).bundle


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("identity", [False, True])
def test_example_bundles_validate(path: Path, identity: bool) -> None:
    """Each bundled example's bundle and every resource in it validate; references resolve."""
    case = mm.from_json(mm.Case, path.read_text(encoding="utf-8"))
    problems, size = fhir_problems(_export(case, everything=identity))
    assert problems == []
    assert size > 10


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mst.cases(), st.booleans())
def test_generated_case_bundles_validate(case: mm.Case, everything: bool) -> None:
    """Bundles of generated cases (unscorable measures, any zone, any text) validate entirely."""
    bundle = _export(case, everything=everything)
    problems, _ = fhir_problems(bundle)
    assert problems == []


def test_the_check_finds_what_the_old_export_got_wrong() -> None:
    """The checker fails a CarePlan.basedOn pointing at a ServiceRequest, and a bad offset."""
    lumbar = next(p for p in EXAMPLES if p.stem == "lumbar_disc_herniation")
    bundle = case_export(mm.from_json(mm.Case, lumbar.read_text(encoding="utf-8"))).bundle
    entries = bundle["entry"]
    assert isinstance(entries, list)
    plan = next(e["resource"] for e in entries if e["resource"]["resourceType"] == "CarePlan")
    plan["basedOn"] = plan.pop("supportingInfo")
    procedure = next(e["resource"] for e in entries if e["resource"]["resourceType"] == "Procedure")
    procedure["performedPeriod"]["start"] = "2025-03-04T10:00:00+00:19:32"
    problems, _ = fhir_problems(bundle)
    wrong = "CarePlan.basedOn[0]: a ServiceRequest, expected one of ['CarePlan']"
    assert any(wrong in p for p in problems)
    assert any("performedPeriod" in p for p in problems)


def test_a_partial_bundle_and_its_operation_outcome_validate() -> None:
    """Unscorable and unknown measures, a bad code, a seconds offset: the bundle still validates."""
    lumbar = next(p for p in EXAMPLES if p.stem == "lumbar_disc_herniation")
    case = mm.from_json(mm.Case, lumbar.read_text(encoding="utf-8"))
    first = case.sessions[0]
    odd = dt.timezone(dt.timedelta(minutes=19, seconds=32))
    start = first.start.astimezone(odd)
    measures = (
        mm.OutcomeMeasure(instrument="odi", taken_at=start, responses=(9,) * 10),
        mm.OutcomeMeasure(instrument="no_such_scale", taken_at=start, value=1),
        mm.OutcomeMeasure(instrument="nprs", taken_at=start, value=5),
    )
    session = unsigned(first, start=start, segments=first.segments, outcomes=measures)
    coding = mm.Coding(system="urn:oid:2.16.840.1.113883.6.88", code=" 197361")
    patient = attrs.evolve(
        case.patient, conditions=(mm.Condition(code=coding, status=mm.ClinicalStatus.ACTIVE),)
    )
    case = attrs.evolve(case, patient=patient, sessions=(session, *case.sessions[1:]))
    result = case_export(case, assessment=screen(case))
    assert {p.code for p in result.problems} == {"unscorable", "unknown_code", "code_pattern"}
    problems, _ = fhir_problems(result.bundle)
    assert problems == []


def test_an_indeterminate_screening_validates_as_a_detected_issue() -> None:
    """The high-severity 'indeterminate' DetectedIssue of a failed rule is valid FHIR."""
    lumbar = next(p for p in EXAMPLES if p.stem == "lumbar_disc_herniation")
    case = mm.from_json(mm.Case, lumbar.read_text(encoding="utf-8"))
    assessment = mm.screen(case, registry=registry_from(rules=[FailingRule()]))
    assert assessment.indeterminate
    bundle = case_export(case, assessment=assessment).bundle
    problems, _ = fhir_problems(bundle)
    assert problems == []
    entries = bundle["entry"]
    assert isinstance(entries, list)
    issues = [e["resource"] for e in entries if e["resource"]["resourceType"] == "DetectedIssue"]
    assert issues[0]["code"]["coding"][0]["code"] == "indeterminate"
    assert issues[0]["severity"] == "high"
