"""JSON Schema of every document model (`medmassage.schemas`) and ``medmassage schema``.

An independent validator (``jsonschema``, Draft 2020-12, format checking on)
checks the shipped schemas against the bundled examples and generated objects
of every strategy, and against documents the reader refuses: each structural
fault is refused by the schema too; the faults a schema cannot express are
listed (and documented in docs/concepts/json-schema.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator, FormatChecker

import medmassage as mm
from medmassage import schemas
from medmassage.cli import main
from medmassage.exceptions import UnitError, UsageError, ValidationError
from medmassage.schemas import __main__ as regenerate
from medmassage.schemas._generate import Generator
from medmassage.serialization import SCHEMA_VERSION, from_dict, from_json, get_converter, to_dict
from medmassage.testing import strategies as mst

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "src" / "medmassage" / "_examples").glob("*.json")) + sorted(
    (ROOT / "examples").glob("*.json")
)
LUMBAR = ROOT / "examples" / "lumbar_disc_herniation.json"

#: Whole cases are the costliest objects to generate: a quarter of the profile's examples.
heavy = settings(max_examples=max(5, settings().max_examples // 4))


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """A validator of the shipped schema of *name*, with format checking."""
    return Draft202012Validator(schemas.get_schema(name), format_checker=FormatChecker())


def part(name: str, pointer: str) -> Draft202012Validator:
    """A validator of one part of *name*'s schema (``Duration``, ``Session/properties/id``)."""
    full = schemas.get_schema(name)
    schema = {"$schema": schemas.DIALECT, "$defs": full["$defs"], "$ref": f"#/$defs/{pointer}"}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(check: Draft202012Validator, document: object) -> list[str]:
    """The schema's complaints about *document*, each with its JSON path."""
    return [f"{e.json_path}: {e.message[:120]}" for e in check.iter_errors(document)]


def lumbar() -> dict[str, Any]:
    """A fresh copy of the bundled lumbar disc herniation case."""
    data: dict[str, Any] = json.loads(LUMBAR.read_text(encoding="utf-8"))
    return data


# -- the shipped files ----------------------------------------------------------------


def test_shipped_schema_files_match_a_fresh_generation() -> None:
    """Every shipped file is what the generator makes of the models now; none missing or extra."""
    assert schemas.stale() == []
    assert schemas.shipped() == schemas.names()
    assert regenerate.main(["--check"]) == 0


def test_regeneration_writes_every_file_and_removes_obsolete_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m medmassage.schemas --write`` writes each model's file and drops others."""
    monkeypatch.setattr(regenerate, "__file__", str(tmp_path / "__main__.py"))
    folder = tmp_path / schemas.FOLDER
    folder.mkdir()
    (folder / "Retired.schema.json").write_text("{}", encoding="utf-8")
    assert regenerate.main(["--write"]) == 0
    written = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    assert written == schemas.generate_all()
    assert f"wrote {len(written)} schemas" in capsys.readouterr().err


def test_every_schema_is_a_draft_2020_12_schema_under_one_base_url() -> None:
    """Each schema is valid 2020-12, has its ``$id`` under the base URL and resolves every $ref."""
    assert f"v{SCHEMA_VERSION}" == schemas.FOLDER
    for name in schemas.names():
        schema = schemas.get_schema(name)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert (
            schema["$id"] == f"https://medmassage.dev/schemas/v{SCHEMA_VERSION}/{name}.schema.json"
        )
        assert schema["title"] == name
        text = json.dumps(schema)
        defs = schema.get("$defs", {})
        assert isinstance(defs, dict)
        refs = {r.split('"')[0] for r in text.split('"$ref": "#/$defs/')[1:]}
        assert refs <= set(defs), name


def test_the_documents_are_the_public_record_models() -> None:
    """Every record model the issue names has a schema, and each schema's model is in ``mm.``."""
    wanted = {
        "Case",
        "Patient",
        "TreatmentPlan",
        "Session",
        "OutcomeMeasure",
        "Diagnosis",
        "Referral",
        "Practitioner",
        "Provider",
        "License",
        "Certification",
        "PlanCertification",
    }
    assert wanted <= set(schemas.names())
    for name in schemas.names():
        assert name in mm.__all__
        assert getattr(mm, name) is schemas.model(name)
    assert schemas.model("treatmentplan") is mm.TreatmentPlan
    assert schemas.model(mm.Case) is mm.Case


def test_an_unknown_model_is_refused_with_the_choices() -> None:
    """Asking for a model without a schema names every model that has one."""
    with pytest.raises(UsageError) as raised:
        schemas.get_schema("Invoice")
    assert "'Invoice'" in str(raised.value)
    assert all(name in str(raised.value) for name in schemas.names())
    with pytest.raises(UsageError):
        schemas.generate(mm.Problem)


@pytest.mark.parametrize("name", schemas.names())
def test_each_schema_lists_every_field_and_requires_those_without_a_default(name: str) -> None:
    """Properties are the model's fields plus ``schema_version``; no other key is allowed."""
    cls = schemas.model(name)
    schema = schemas.get_schema(name)
    fields = attrs.fields(cls)
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert list(properties) == ["schema_version", *(f.name for f in fields)]
    assert schema["required"] == [
        "schema_version",
        *(f.name for f in fields if f.default is attrs.NOTHING),
    ]
    assert schema["additionalProperties"] is False
    assert properties["schema_version"] == {
        "const": SCHEMA_VERSION,
        "description": properties["schema_version"]["description"],
    }


def test_descriptions_come_from_the_docstrings() -> None:
    """Titles and descriptions are the classes' and fields' documentation, without examples."""
    patient = schemas.get_schema("Patient")
    first = inspect.getdoc(mm.Patient).split("\n\n")[0].replace("\n", " ")  # type: ignore[union-attr]
    assert str(patient["description"]).split("\n\n")[0] == first.replace("``", "`")
    session = schemas.get_schema("Session")
    assert session["properties"]["start"]["description"] == "When it started (time-zone-aware)."  # type: ignore[index]
    for name in schemas.names():
        text = schemas.schema_text(name)
        assert ">>>" not in text
        schema = schemas.get_schema(name)
        assert schema["description"]
        # Every field of every model is documented under its class's "Attributes:",
        # so every property (but the document's schema_version) has a description.
        properties = schema["properties"]
        assert isinstance(properties, dict)
        for field, spec in properties.items():
            if field != "schema_version":
                assert spec.get("description"), (name, field)


@pytest.mark.parametrize(
    ("model", "path"),
    [
        (mm.Patient, ("patient",)),
        (mm.TreatmentPlan, ("plan",)),
        (mm.Session, ("sessions", 0)),
        (mm.TechniqueSegment, ("sessions", 0, "segments", 0)),
        (mm.PlannedTechnique, ("plan", "techniques", 0)),
        (mm.Diagnosis, ("plan", "diagnoses", 0)),
        (mm.Practitioner, ("practitioners", 0)),
    ],
)
def test_defaults_are_what_the_reader_assumes_for_a_missing_field(
    model: type, path: tuple[str | int, ...]
) -> None:
    """Reading an object without its optional fields gives the schema's ``default`` of each."""
    data: Any = lumbar()
    for key in path:
        data = data[key]
    schema = schemas.get_schema(model.__name__)
    required = schema["required"]
    assert isinstance(required, list)
    minimal = {"schema_version": SCHEMA_VERSION, **{k: data[k] for k in required[1:]}}
    written = to_dict(from_dict(model, minimal))
    properties = schema["properties"]
    assert isinstance(properties, dict)
    defaults = {k: p["default"] for k, p in properties.items() if "default" in p}
    assert set(defaults) == set(written) - set(required)
    assert defaults == {k: written[k] for k in defaults}


# -- valid documents validate ---------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_examples_validate(path: Path) -> None:
    """Each bundled example case is read by medmassage and valid under the Case schema."""
    text = path.read_text(encoding="utf-8")
    from_json(mm.Case, text)
    assert errors(validator("Case"), json.loads(text)) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_part_of_an_example_is_a_valid_document_of_its_own(path: Path) -> None:
    """The patient, plan, sessions and practitioners of an example, alone, validate as such."""
    case = from_json(mm.Case, path.read_text(encoding="utf-8"))
    parts: list[attrs.AttrsInstance] = [case.patient, case.plan, *case.sessions]
    parts += [*case.practitioners, *case.plan.diagnoses, *case.plan.goals]
    parts += [o for s in case.sessions for o in s.outcomes]
    for obj in parts:
        assert errors(validator(type(obj).__name__), to_dict(obj)) == [], type(obj).__name__


#: The strategies that generate models, and those that generate their parts.
MODEL_STRATEGIES = (
    "adverse_reactions",
    "cases",
    "certifications",
    "codings",
    "conditions",
    "contact_details",
    "diagnoses",
    "goals",
    "human_names",
    "licenses",
    "modalities",
    "outcome_measures",
    "patients",
    "planned_techniques",
    "practitioners",
    "providers",
    "referrals",
    "sessions",
    "soap_notes",
    "technique_segments",
    "treatment_plans",
    "vital_signs",
)
#: Strategies of values inside models: the part of a schema each value is checked against.
PART_STRATEGIES: dict[str, tuple[str, str, Callable[[Any], object]]] = {
    "durations": ("Session", "Duration", get_converter().unstructure),
    "pressures": ("Session", "Pressure", get_converter().unstructure),
    "aware_datetimes": ("Session", "DateTime", get_converter().unstructure),
    "time_zones": (
        "Session",
        "DateTime",
        lambda tz: get_converter().unstructure(dt.datetime(2026, 3, 8, 2, 30, tzinfo=tz)),
    ),
    "free_text": ("Session", "SoapNote/properties/subjective", lambda s: s),
    "identifiers": ("Session", "Session/properties/id", lambda s: s),
    "keys": ("Session", "TechniqueSegment/properties/modality", lambda s: s),
    "icd10cm_codes": ("Case", "Coding/properties/code", lambda s: s),
    "npis": ("Case", "Practitioner/properties/npi", lambda s: s),
}


def test_every_strategy_is_checked_against_a_schema() -> None:
    """No strategy of medmassage.testing.strategies is left out of the schema tests."""
    strategies = {n for n in mst.__all__ if callable(getattr(mst, n))}
    assert strategies == set(MODEL_STRATEGIES) | set(PART_STRATEGIES)


@pytest.mark.parametrize("name", MODEL_STRATEGIES)
def test_generated_objects_validate(name: str) -> None:
    """``to_dict`` of every object a strategy generates is valid under its model's schema."""

    @(heavy if name == "cases" else settings())
    @given(getattr(mst, name)())
    def check(obj: attrs.AttrsInstance) -> None:
        assert errors(validator(type(obj).__name__), to_dict(obj)) == []

    check()


@pytest.mark.parametrize("name", sorted(PART_STRATEGIES))
def test_generated_values_validate_as_the_fields_they_fill(name: str) -> None:
    """Generated quantities, date-times, zones, codes and text are valid in their fields."""
    document, pointer, write = PART_STRATEGIES[name]
    check = part(document, pointer)

    @given(getattr(mst, name)())
    def run(value: object) -> None:
        assert errors(check, write(value)) == []

    run()


# -- invalid documents ----------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: tuple[str | int, ...], value: object) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(path: tuple[str | int, ...]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


SEGMENT = ("sessions", 0, "segments", 0)
START = ("sessions", 0, "start")
DURATION = ("sessions", 0, "duration")

#: Documents the reader refuses for their shape: the schema refuses each too.
STRUCTURAL: dict[str, tuple[Mutation, str]] = {
    "missing required field": (_drop(("patient", "birth_date")), "required"),
    "missing required nested field": (_drop((*SEGMENT, "region")), "required"),
    "text for a number": (_set((*DURATION, "value"), "60"), "type"),
    "text for a list": (_set(("plan", "precautions"), "none"), "type"),
    "true for a whole number": (_set(("sessions", 0, "vitals", "heart_rate"), True), "type"),
    "text for a Walton grade": (_set((*SEGMENT, "grade"), "3"), "enum"),
    "null for a required enum": (_set(("patient", "sex"), None), "enum"),
    "unknown enum value": (_set(("patient", "sex"), "unknown-sex"), "enum"),
    "unknown key": (_set(("plan", "colour"), "blue"), "extra"),
    "unknown key in a nested model": (_set((*SEGMENT, "depth"), "deep"), "extra"),
    "unknown key in a quantity": (_set((*DURATION, "precision"), 1), "extra"),
    "schema_version in a nested model": (_set(("patient", "schema_version"), 1), "extra"),
    "quantity without a unit": (_drop((*DURATION, "unit")), "required"),
    "quantity as text": (_set(DURATION, "60 min"), "type"),
    "duration in a pressure unit": (_set((*DURATION, "unit"), "kPa"), "dimension"),
    "pressure in a time unit": (
        _set(("sessions", 0, "vitals", "systolic", "unit"), "min"),
        "dimension",
    ),
    "empty unit": (_set((*DURATION, "unit"), ""), "dimension"),
    "temperature in an unknown scale": (
        _set(("sessions", 0, "vitals", "temperature"), {"value": 37, "unit": "degR"}),
        "unit",
    ),
    "magnitude beyond the limit": (_set((*DURATION, "value"), 1e13), "finite"),
    "naive date-time": (_set(START, "2026-01-12T09:00:00"), "aware"),
    "zone without an offset": (_set(START, "2026-01-12T09:00:00[America/Chicago]"), "zone"),
    "date for a date-time": (_set(START, "2026-01-12"), "aware"),
    "date-time for a date": (_set(("patient", "birth_date"), "1979-05-14T00:00:00+00:00"), "date"),
    "impossible date": (_set(("patient", "birth_date"), "1979-02-30"), "date"),
    "impossible time": (_set(START, "2026-01-12T25:00:00-06:00"), "datetime"),
    "slashed date": (_set(("patient", "birth_date"), "1979/05/14"), "date"),
    "too many list items": (_set(("plan", "precautions"), ["keep warm"] * 1001), "limit_items"),
    "responses of a scale as text": (
        _set(("sessions", 0, "outcomes", 0, "responses"), {"a": "3"}),
        "type",
    ),
    "missing schema_version": (_drop(("schema_version",)), "schema_version"),
    "newer schema_version": (_set(("schema_version",), SCHEMA_VERSION + 1), "schema_version"),
}

#: Documents the reader refuses by rules a JSON Schema cannot express (the problem code
#: it reports): the schema accepts them.
SEMANTIC: dict[str, tuple[Mutation, str]] = {
    "unit the registry reads as another kind": (_set((*DURATION, "unit"), "parsec"), "dimension"),
    "offset that is not the zone's": (
        _set(START, "2026-01-12T09:00:00-05:00[America/Chicago]"),
        "zone",
    ),
    "id with a space": (_set(("patient", "id"), "has space"), "id_format"),
    "paired region without a side": (_set((*SEGMENT, "region"), "shoulder"), "side"),
    "rating out of range": (_set((*SEGMENT, "discomfort"), 11), "range"),
    "ICD-10-CM code not in the code set": (
        _set(("plan", "diagnoses", 0, "coding", "code"), "ABC"),
        "icd10cm_unknown",
    ),
    "session of another patient": (
        _set(("sessions", 0, "patient_id"), "someone-else"),
        "consistency",
    ),
    "blank text": (_set(("sessions", 0, "note", "subjective"), "   "), "blank"),
    "whole number written as 72.0": (_set(("sessions", 0, "vitals", "heart_rate"), 72.0), "type"),
    "text with a lone surrogate": (
        _set(("sessions", 0, "note", "subjective"), "pain \udfff"),
        "encoding",
    ),
}


@pytest.mark.parametrize("fault", sorted(STRUCTURAL))
def test_structural_faults_are_refused_by_the_reader_and_the_schema(fault: str) -> None:
    """A document the reader refuses for its shape fails the Case schema as well."""
    doc = lumbar()
    mutate, code = STRUCTURAL[fault]
    mutate(doc)
    with pytest.raises(ValidationError) as raised:
        from_dict(mm.Case, doc)
    assert [p.code for p in raised.value.problems] == [code]
    assert errors(validator("Case"), doc) != []


@pytest.mark.parametrize("fault", sorted(SEMANTIC))
def test_rules_beyond_a_schema_are_refused_by_the_reader_only(fault: str) -> None:
    """The faults the docs list as beyond the schema: the reader refuses, the schema cannot."""
    doc = lumbar()
    mutate, code = SEMANTIC[fault]
    mutate(doc)
    with pytest.raises(ValidationError) as raised:
        from_dict(mm.Case, doc)
    assert [p.code for p in raised.value.problems] == [code]
    assert errors(validator("Case"), doc) == []


def test_units_the_schema_refuses_are_refused_by_their_measure() -> None:
    """The schema refuses only units the measure refuses, and allows every unit it lists."""
    defs = schemas.get_schema("Case")["$defs"]
    assert isinstance(defs, dict)
    classes = {"Duration": mm.Duration, "Pressure": mm.Pressure, "Temperature": mm.Temperature}
    for name, cls in classes.items():
        unit = defs[name]["properties"]["unit"]
        for spelling in unit.get("not", {}).get("enum", []):
            with pytest.raises(UnitError):
                cls(1, spelling)
        for spelling in unit.get("examples", unit.get("enum")):
            assert cls(1, spelling).unit == spelling
    assert defs["Temperature"]["properties"]["unit"]["enum"][:2] == ["degC", "°C"]


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T10:00:00Z",
        "2026-03-02T10:00:00.5Z",
        "2026-03-02T10:00:00.123456+05:30",
        "1900-01-01T00:00:00+00:19:32",
        "2026-03-02T10:00:00+00:00[Europe/London]",
        "2026-11-01T01:30:00-06:00[America/Chicago]",
    ],
)
def test_date_time_spellings_the_schema_accepts_are_read(text: str) -> None:
    """RFC 3339 spellings of other writers, and medmassage's own, pass the schema and the reader."""
    document = {"schema_version": SCHEMA_VERSION, "by": "pr-1", "at": text}
    assert errors(validator("Signature"), document) == []
    assert from_dict(mm.Signature, document).at.utcoffset() is not None


def test_the_generator_refuses_types_it_cannot_describe() -> None:
    """A field type with no JSON form the converter writes is an error, never a loose schema."""
    generator = Generator(10, lambda value, tp: value)
    del generator._units[mm.Duration]  # as for a measure class of another package
    for tp in (dict[int, str], tuple[int, int], complex, object, mm.Duration):
        with pytest.raises(UsageError, match="cannot describe"):
            generator.of(tp)
    assert generator.of(int | float | None) == {"type": ["number", "null"]}


# -- the command line -----------------------------------------------------------------


def test_cli_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """``medmassage schema Patient`` prints the shipped file; names match in any letter case."""
    assert main(["schema", "Patient"]) == 0
    assert capsys.readouterr().out == schemas.schema_text("Patient")
    assert main(["schema", "treatmentplan"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$id"] == schemas.schema_id(mm.TreatmentPlan)


def test_cli_unknown_model_is_a_usage_error_listing_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown model exits 2 with one line naming every model, and no traceback."""
    assert main(["schema", "Invoice"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("medmassage: no document model 'Invoice'")
    assert all(name in captured.err for name in schemas.names())
    assert "Traceback" not in captured.err


def test_cli_help_lists_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    """``medmassage schema --help`` names every model with a schema."""
    with pytest.raises(SystemExit) as exited:
        main(["schema", "--help"])
    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert all(f" {name}," in out or f" {name} (" in out for name in schemas.names())


def test_cli_writes_the_schema_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o FILE`` writes the schema (replacing a file there); ``-o -`` prints it."""
    out = tmp_path / "case.schema.json"
    out.write_text("old", encoding="utf-8")
    assert main(["schema", "Case", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schemas.schema_text("Case")
    assert f"wrote {out}" in capsys.readouterr().err
    assert main(["schema", "Case", "-o", "-"]) == 0
    assert capsys.readouterr().out == schemas.schema_text("Case")


def test_cli_refuses_an_output_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-JSON suffix exits 2 writing nothing; an unwritable folder exits 74."""
    assert main(["schema", "Case", "-o", str(tmp_path / "case.yaml")]) == 2
    assert "cannot write .yaml files; a schema is JSON (.json)" in capsys.readouterr().err
    assert not (tmp_path / "case.yaml").exists()
    assert main(["schema", "Case", "-o", str(tmp_path / "missing" / "case.json")]) == 74
    assert "cannot write file" in capsys.readouterr().err
