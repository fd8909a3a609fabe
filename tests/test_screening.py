"""`medmassage.screening.screen`: the convenience over the registry and the engine."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from medmassage.anatomy import BodyRegion
from medmassage.cases import Case
from medmassage.codes import Coding
from medmassage.contraindications import (
    Action,
    Finding,
    Policy,
    ScreeningContext,
    ScreeningStatus,
    Severity,
    Triggers,
)
from medmassage.exceptions import RuleExecutionError, ScreeningError, ValidationError
from medmassage.modalities import PressureGrade
from medmassage.patient import Condition, Medication, MedicationClass
from medmassage.plugins import get_default_registry
from medmassage.screening import screen
from medmassage.serialization import from_json
from medmassage.sessions import Session, TechniqueSegment
from medmassage.testing.plugins import example_patient_and_plan, registry_from
from medmassage.units import Duration, Pressure

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"
R = BodyRegion


@pytest.fixture(autouse=True)
def _builtins_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The default registry without whatever plugins this environment has installed."""
    monkeypatch.setenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", "1")
    get_default_registry.cache_clear()
    yield
    get_default_registry.cache_clear()


def session(*segments: TechniqueSegment, start: dt.datetime | None = None) -> Session:
    return Session(
        id="s-1",
        patient_id="example-1",
        practitioner_id="pr-1",
        start=start or dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC),
        duration=Duration(60, "min"),
        segments=segments,
    )


def seg(modality: str, region: BodyRegion, **kw: object) -> TechniqueSegment:
    return TechniqueSegment(modality=modality, region=region, duration=Duration(15, "min"), **kw)  # type: ignore[arg-type]


def test_bundled_herniated_disc_case_reports_the_local_lumbar_finding() -> None:
    """The bundled case reports one local finding over the lumbar disc."""
    case = from_json(Case, EXAMPLE.read_bytes())
    result = screen(case.patient, case.plan, on=case.plan.start_date)
    disc = result.for_rule("core.herniated_disc")
    assert len(disc) == 1
    (f,) = disc
    assert f.severity is Severity.LOCAL
    assert [s.region for s in f.regions] == [R.LUMBAR_SPINE]
    # one condition recorded three times: one finding naming every place it was found
    assert f.evidence == (
        "ICD-10-CM M51.26 (patient.conditions[0], plan.diagnoses[0], plan.referral.diagnoses[0])",
    )
    assert result.status is ScreeningStatus.MODIFY


def test_deep_tissue_over_the_lumbar_disc_is_a_violation() -> None:
    """Deep tissue over the lumbar disc is a grade violation of the disc rule."""
    patient, plan = example_patient_and_plan()
    s = session(
        seg("core.deep_tissue", R.LUMBAR_SPINE, grade=PressureGrade.DEEP),
        seg("core.swedish", R.THORACIC_SPINE, grade=PressureGrade.SWEDISH),
    )
    result = screen(patient, plan, session=s)
    assert result.on == dt.date(2026, 1, 20)  # the session's date
    (v,) = result.violations
    assert (v.rule_id, v.segment, v.kind) == ("core.herniated_disc", 0, "grade")
    assert result.status is ScreeningStatus.DEFER


def test_light_work_over_the_disc_is_fine() -> None:
    """Light work over the disc gives no violation and a modify status."""
    patient, plan = example_patient_and_plan()
    s = session(seg("core.swedish", R.LUMBAR_SPINE, grade=PressureGrade.LIGHT_LOTIONING))
    result = screen(patient, plan, session=s)
    assert result.violations == ()
    assert result.status is ScreeningStatus.MODIFY


_OTHER_MEDS = Triggers(medication_classes=frozenset({MedicationClass.OTHER}))


@attrs.frozen(kw_only=True)
class MldPressureRule:
    """Test rule: a relative finding with a measured limit (4 kPa), like MLD's ceiling."""

    id: str = "test.pressure_limit"
    title: str = "Pressure limit"
    severity: Severity = Severity.RELATIVE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[BodyRegion] = frozenset()
    source: str = "test fixture"
    api_version: int = 1
    triggers: Triggers | None = _OTHER_MEDS

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        yield Finding(
            rule_id=self.id,
            severity=Severity.RELATIVE,
            action=Action.LIMIT_PRESSURE,
            rationale="Keep pressure low.",
            source=self.source,
            max_pressure=Pressure(4, "kPa"),
        )


def test_pressure_above_a_relative_limit_in_other_units() -> None:
    """35 mmHg = 4.67 kPa, above 4 kPa; 0.035 kgf/cm2 = 3.43 kPa, below."""
    patient, plan = example_patient_and_plan()
    patient = attrs.evolve(
        patient, medications=(Medication(name="x", classes=frozenset({MedicationClass.OTHER})),)
    )
    reg = registry_from(rules=[MldPressureRule()])
    s = session(
        seg("core.swedish", R.ABDOMEN, pressure=Pressure(35, "mmHg")),
        seg("core.swedish", R.CHEST, pressure=Pressure(0.035, "kgf/cm**2")),
    )
    result = screen(patient, plan, session=s, registry=reg)
    assert [(v.rule_id, v.segment, v.kind) for v in result.violations] == [
        ("test.pressure_limit", 0, "pressure")
    ]


def test_default_date_is_the_plan_start_without_a_session() -> None:
    """Without a session or on=, the plan's start date is screened, never today."""
    patient, plan = example_patient_and_plan()
    assert screen(patient, plan).on == plan.start_date


def test_policy_is_passed_through() -> None:
    """A policy given to screen reclassifies findings."""
    patient, plan = example_patient_and_plan()
    policy = Policy(severities={"core.herniated_disc": Severity.ABSOLUTE})
    result = screen(patient, plan, on=dt.date(2026, 1, 15), policy=policy)
    assert result.status is ScreeningStatus.DEFER
    assert result.findings[0].reclassified_from is Severity.LOCAL


def test_strict_mode() -> None:
    """A broken rule makes screening indeterminate, or raises in strict mode."""
    patient, plan = example_patient_and_plan()

    @attrs.frozen(kw_only=True)
    class Broken(MldPressureRule):
        id: str = "test.broken"
        triggers: Triggers | None = None

        def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
            raise LookupError("no table")

    reg = registry_from(rules=[Broken()])
    assert screen(patient, plan, registry=reg).status is ScreeningStatus.INDETERMINATE
    with pytest.raises(RuleExecutionError, match=r"test\.broken"):
        screen(patient, plan, registry=reg, strict=True)
    unknown = attrs.evolve(plan.techniques[0], modality="spa.unknown")
    with pytest.raises(ScreeningError, match=r"spa\.unknown"):
        screen(patient, attrs.evolve(plan, techniques=(unknown,)), strict=True)


def test_bad_arguments_are_validation_errors() -> None:
    """Bad screen arguments raise ValidationError naming them."""
    patient, plan = example_patient_and_plan()
    with pytest.raises(ValidationError, match="registry"):
        screen(patient, plan, registry="default")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="patient"):
        screen("someone", plan)  # type: ignore[arg-type]


def test_assessment_json_has_no_identity() -> None:
    """The assessment JSON contains no identity or free text."""
    patient, plan = example_patient_and_plan()
    patient = attrs.evolve(
        patient,
        conditions=(
            *patient.conditions,
            Condition(code=Coding.icd10cm("I10"), note="Lives alone, call daughter"),
        ),
    )
    data = screen(patient, plan, on=dt.date(2026, 1, 15)).to_dict()
    text = json.dumps(data)
    assert "daughter" not in text
    assert "1980" not in text
    assert data["status"] == "modify"
    assert {f["rule_id"] for f in data["findings"]} == {  # type: ignore[attr-defined]
        "core.herniated_disc",
        "core.hypertension",
    }


# -- the command line ----------------------------------------------------------------------------


def test_cli_screen_bundled_example(capsys: pytest.CaptureFixture[str]) -> None:
    """``screen --on`` prints the status of the bundled example on that date."""
    from medmassage.cli import main

    assert main(["screen", str(EXAMPLE), "--on", "2026-01-12"]) == 0
    out = capsys.readouterr().out
    assert "on 2026-01-12: MODIFY" in out
    assert "LOCAL       core.herniated_disc: avoid_region (lumbar_spine) [Walton grade <= 2]" in out
    assert "Maria" not in out
    assert "maria@example.org" not in out


def test_cli_screen_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``screen --json --session`` writes the assessment of that session as JSON."""
    from medmassage.cli import main

    assert main(["screen", str(EXAMPLE), "--json", "--session", "ses-1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["session_id"] == "ses-1"
    assert data["on"] == "2026-01-12"
    (disc,) = [f for f in data["findings"] if f["rule_id"] == "core.herniated_disc"]
    assert disc["regions"] == [{"region": "lumbar_spine", "laterality": None}]


def test_cli_screen_single_session_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A {patient, plan, session} document; deep tissue over the disc defers (exit 1)."""
    from medmassage.cli import main

    case = json.loads(EXAMPLE.read_text())
    session = case["sessions"][0]
    session["segments"][0]["modality"] = "core.deep_tissue"
    session["segments"][0]["region"] = "lumbar_spine"
    session["segments"][0]["grade"] = 4
    doc = {"schema_version": case["schema_version"], "patient": case["patient"],
           "plan": case["plan"], "session": session}  # fmt: skip
    path = tmp_path / "one.json"
    path.write_text(json.dumps(doc))
    assert main(["screen", str(path)]) == 1
    out = capsys.readouterr().out
    assert ": DEFER" in out
    assert "segments[0]: core.deep_tissue over lumbar_spine at Walton grade 4" in out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("not json", [], "not valid JSON: line 1, column 1"),
        ("[1]", [], "expected a JSON object"),
        ('{"schema_version": 1}', [], "required"),
        (None, ["--session", "nope"], "no session with id 'nope'"),
        (None, ["--on", "12/01/2026"], "expected a date YYYY-MM-DD"),
    ],
)
def test_cli_screen_bad_input(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    args: list[str],
    message: str,
) -> None:
    """``screen`` on bad input exits 2 with a message."""
    from medmassage.cli import main

    path = EXAMPLE
    if content is not None:
        path = tmp_path / "bad.json"
        path.write_text(content)
    assert main(["screen", str(path), *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_screen_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    """``screen`` on a missing file exits 2 saying it cannot read it."""
    from medmassage.cli import main

    assert main(["screen", "/nonexistent/file.json"]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_deep_tissue_planned_over_the_disc_is_a_plan_conflict() -> None:
    """Deep tissue planned over the disc is a grade plan conflict."""
    patient, plan = example_patient_and_plan()
    deep = attrs.evolve(
        plan.techniques[0],
        modality="core.deep_tissue",
        region=R.LUMBAR_SPINE,
        min_grade=PressureGrade.DEEP,
        max_grade=PressureGrade.DEEPEST,
    )
    result = screen(patient, attrs.evolve(plan, techniques=(deep,)), on=dt.date(2026, 1, 15))
    (c,) = result.plan_conflicts
    assert (c.rule_id, c.technique, c.kind) == ("core.herniated_disc", 0, "grade")
    assert result.status is ScreeningStatus.MODIFY


def test_render_shows_limits_conflicts_failures_and_reclassification() -> None:
    """The text rendering shows limits, conflicts, failures and reclassification."""
    from medmassage._commands.screen import render
    from medmassage.contraindications import Assessment, RuleFailure

    f = Finding(
        rule_id="x.a",
        severity=Severity.RELATIVE,
        action=Action.LIMIT_PRESSURE,
        rationale="Keep it light.",
        source="test",
        max_pressure=Pressure(4, "kPa"),
        reclassified_from=Severity.LOCAL,
    )
    _, plan = example_patient_and_plan()  # Swedish over the thoracic spine, no ceiling
    a = Assessment(
        findings=[f],
        failures=(RuleFailure(rule_id="x.b", cause="KeyError: 'k'"),),
        on=dt.date(2026, 1, 1),
        plan=plan,
        modalities=get_default_registry().modalities,
    )
    text = render(a, "p-1", "plan-1", None)
    assert "[pressure <= 4 kPa]" in text
    assert "(reclassified by policy from local)" in text
    assert "plan conflicts (1)" in text
    assert "techniques[0]: core.swedish over thoracic_spine has no pressure ceiling" in text
    assert "failures (1): the result is not trustworthy" in text
    assert "INDETERMINATE" in text
    empty = render(Assessment(findings=[], on=dt.date(2026, 1, 1)), "p-1", "plan-1", None)
    assert "no findings" in empty
