"""Fail closed at the seams: each test is a user's path that used to give a false answer.

Issue "Fail closed at every seam": screening must see every diagnosis the case
knows, use one rule for its date, refuse rule patterns that can match nothing,
scope modality findings to their techniques, treat any exception from a rule as
a failure, keep rules from changing what they are shown, and carry an
indeterminate result into the report and the FHIR export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import medmassage as mm
from medmassage.contraindications import ScreeningContext, Triggers
from medmassage.fhir import SCREENING_SYSTEM, case_bundle
from medmassage.testing import strategies as mst
from medmassage.testing.plugins import example_patient_and_plan, registry_from

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lumbar_disc_herniation.json"
R = mm.BodyRegion
L = mm.Laterality


@pytest.fixture(autouse=True)
def _builtins_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", "1")
    mm.get_default_registry.cache_clear()
    yield
    mm.get_default_registry.cache_clear()


def _technique(
    modality: str,
    region: mm.BodyRegion,
    side: mm.Laterality | None = None,
    grades: tuple[int, int] = (1, 3),
) -> mm.PlannedTechnique:
    return mm.PlannedTechnique(
        modality=modality,
        region=region,
        laterality=side,
        duration=mm.Duration(20, "min"),
        min_grade=mm.PressureGrade(grades[0]),
        max_grade=mm.PressureGrade(grades[1]),
    )


def _case(
    *diagnoses: mm.Diagnosis,
    techniques: Iterable[mm.PlannedTechnique] = (),
    referral_diagnoses: tuple[mm.Diagnosis, ...] = (),
    history: tuple[mm.Condition, ...] = (),
    sessions: tuple[mm.Session, ...] = (),
    pregnancy: mm.Pregnancy | None = None,
) -> mm.Case:
    patient = mm.Patient(
        id="pt-1",
        birth_date=dt.date(1975, 5, 5),
        sex=mm.AdministrativeSex.FEMALE,
        conditions=history,
        pregnancy=pregnancy,
    )
    referral = None
    if referral_diagnoses:
        referral = mm.Referral(
            id="ref-1",
            referrer=mm.Provider(name="Dr. B", role=mm.ProviderRole.PHYSICIAN),
            diagnoses=referral_diagnoses,
            referred_on=dt.date(2026, 1, 2),
        )
    plan = mm.TreatmentPlan(
        id="plan-1",
        patient_id="pt-1",
        practitioner_id="pr-1",
        diagnoses=diagnoses or (mm.Diagnosis(coding=mm.Coding.icd10cm("M54.50")),),
        techniques=tuple(techniques) or (_technique("core.swedish", R.THORACIC_SPINE),),
        session_length=mm.Duration(60, "min"),
        sessions_per_week=2,
        duration_weeks=6,
        start_date=dt.date(2026, 1, 5),
        referral=referral,
    )
    return mm.Case(patient=patient, plan=plan, sessions=sessions)


def _dx(
    code: str, region: mm.BodyRegion | None = None, side: mm.Laterality | None = None
) -> mm.Diagnosis:
    return mm.Diagnosis(coding=mm.Coding.icd10cm(code), region=region, laterality=side)


def _session(start: dt.datetime, session_id: str = "s-1") -> mm.Session:
    return mm.Session(
        id=session_id,
        patient_id="pt-1",
        practitioner_id="pr-1",
        plan_id="plan-1",
        start=start,
        duration=mm.Duration(60, "min"),
    )


# -- screening sees every diagnosis the case knows ------------------------------------------


def test_acute_dvt_on_the_plan_only_defers() -> None:
    """I82.401 recorded only as the plan's diagnosis, Swedish on the left lower leg: defer."""
    case = _case(
        _dx("I82.401", R.LOWER_LEG, L.LEFT),
        techniques=[_technique("core.swedish", R.LOWER_LEG, L.LEFT)],
    )
    result = mm.screen(case)
    assert result.status is mm.ScreeningStatus.DEFER
    (finding,) = result.for_rule("core.acute_dvt")
    assert finding.evidence == ("ICD-10-CM I82.401 (plan.diagnoses[0])",)
    codes = {a.code for a in mm.check(case)}
    assert "screening_defer" in codes


def test_herniated_disc_on_the_plan_only_is_found() -> None:
    """M51.26 on the plan, deep tissue on the lumbar spine: not clear, the technique deferred."""
    case = _case(
        _dx("M51.26", R.LUMBAR_SPINE),
        techniques=[_technique("core.deep_tissue", R.LUMBAR_SPINE, grades=(4, 5))],
    )
    result = mm.screen(case.patient, case.plan)
    assert result.status is mm.ScreeningStatus.MODIFY
    assert result.for_rule("core.herniated_disc")
    assert [t.status for t in result.techniques] == [mm.ScreeningStatus.DEFER]


def test_referral_diagnoses_are_screened_and_named() -> None:
    """A referral's diagnosis is evidence too, and the finding says it came from the referral."""
    case = _case(referral_diagnoses=(_dx("I82.401"),))
    (finding,) = mm.screen(case).for_rule("core.acute_dvt")
    assert finding.evidence == ("ICD-10-CM I82.401 (plan.referral.diagnoses[0])",)


def test_one_condition_recorded_three_times_gives_one_finding() -> None:
    """History, plan and referral with the same code: one finding naming all three places."""
    history = (mm.Condition(code=mm.Coding.icd10cm("I82.401")),)
    case = _case(_dx("I82.401"), referral_diagnoses=(_dx("I82.401"),), history=history)
    (finding,) = mm.screen(case).for_rule("core.acute_dvt")
    assert finding.evidence == (
        "ICD-10-CM I82.401 (patient.conditions[0], plan.diagnoses[0], plan.referral.diagnoses[0])",
    )


def test_a_located_copy_absorbs_an_unlocated_one() -> None:
    """The history's unlocated I83.91 and the plan's right-leg I83.91 are one condition."""
    history = (mm.Condition(code=mm.Coding.icd10cm("I83.91")),)
    case = _case(_dx("I83.91", R.LOWER_LIMB, L.RIGHT), history=history)
    (finding,) = mm.screen(case).for_rule("core.varicose_veins")
    assert [str(s) for s in finding.regions] == ["right lower_limb"]
    assert "patient.conditions[0]" in finding.evidence[0]
    assert "plan.diagnoses[0]" in finding.evidence[0]


def test_screen_rejects_a_case_with_a_plan() -> None:
    """screen(case, plan) is a usage error: the case has its plan."""
    case = _case()
    with pytest.raises(mm.UsageError):
        mm.screen(case, case.plan)
    with pytest.raises(mm.UsageError):
        mm.screen(case.patient)


# -- one rule for the screening date --------------------------------------------------------


def test_screening_date_rule() -> None:
    """on= wins; else the session screened; else the latest session; else the plan's start."""
    chicago = dt.timezone(dt.timedelta(hours=-6))
    first = _session(dt.datetime(2026, 1, 6, 9, tzinfo=chicago), "s-1")
    late = _session(dt.datetime(2026, 1, 20, 23, 30, tzinfo=chicago), "s-2")  # 05:30 UTC next day
    case = _case(sessions=(first, late))
    assert mm.screening_date(case) == dt.date(2026, 1, 20)  # the session's own local date
    assert mm.screening_date(case, session=first) == dt.date(2026, 1, 6)
    assert mm.screening_date(case, on=dt.date(2026, 2, 1)) == dt.date(2026, 2, 1)
    assert mm.screening_date(_case()) == dt.date(2026, 1, 5)
    assert mm.screen(case).on == dt.date(2026, 1, 20)
    assert mm.screen(case, session=first).on == dt.date(2026, 1, 6)
    assert mm.screen(case.patient, case.plan).on == case.plan.start_date
    with pytest.raises(mm.ValidationError):
        mm.screening_date(case, on=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_a_date_outside_the_plan_is_an_advisory() -> None:
    """Screening outside the plan's dates is done as asked, and says so."""
    result = mm.screen(_case(), on=dt.date(2027, 1, 1))
    (advisory,) = result.advisories
    assert advisory.code == "date_outside_plan"
    assert result.to_dict()["advisories"] == [advisory.to_dict()]


def test_a_pregnancy_projected_past_term_is_an_advisory_not_59_weeks() -> None:
    """A pregnancy recorded at 20 weeks, screened 39 weeks later: no '59 weeks' anywhere."""
    pregnancy = mm.Pregnancy(gestational_weeks=20, recorded_on=dt.date(2025, 4, 7))
    case = _case(pregnancy=pregnancy)
    result = mm.screen(case)
    assert [a.code for a in result.advisories] == ["pregnancy_past_term"]
    pregnancy_findings = result.for_rule("core.pregnancy")
    assert pregnancy_findings, "precautions still apply until the record is updated"
    text = repr(result.to_dict())
    assert "59 weeks" not in text
    assert "gestational age on 2026-01-05 unknown" in text
    # all positional advice applies when the stage is unknown
    assert any(f.action is mm.Action.CHANGE_POSITION for f in pregnancy_findings)


# -- one pattern syntax; a pattern matching nothing is refused -------------------------------


@attrs.frozen(kw_only=True)
class _CodedRule:
    id: str = "acme.dvt"
    title: str = "DVT"
    severity: mm.Severity = mm.Severity.ABSOLUTE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[mm.BodyRegion] = frozenset()
    source: str = "test"
    api_version: int = 1
    triggers: Triggers | None = None

    def evaluate(self, context: ScreeningContext) -> Iterator[mm.Finding]:
        assert self.triggers is not None
        assert self.triggers.icd10cm is not None
        for c in context.matching(self.triggers.icd10cm):
            yield mm.Finding(
                rule_id=self.id,
                severity=mm.Severity.ABSOLUTE,
                action=mm.Action.DEFER,
                rationale="DVT.",
                source="test",
                evidence=(context.evidence(c),),
            )


def test_wildcard_pattern_matches_like_is_within() -> None:
    """CodeSet('I82.4x') matches I82.401, as is_within_icd10cm does (one syntax)."""
    assert mm.is_within_icd10cm("I82.401", "I82.4x")
    rule = _CodedRule(triggers=Triggers(icd10cm=mm.CodeSet("I82.4x")))
    registry = registry_from(rules=[rule])
    assert not registry.failures
    result = mm.screen(_case(_dx("I82.401")), registry=registry)
    assert result.for_rule("acme.dvt")


def test_a_rule_whose_pattern_matches_no_code_is_refused() -> None:
    """An upper-case placeholder X (I82.4X) matches no code: the rule is refused, by name."""
    rule = _CodedRule(triggers=Triggers(icd10cm=mm.CodeSet("I82.4X", "I80")))
    registry = registry_from(rules=[rule])
    (failure,) = registry.failures
    assert failure.kind == "codes"
    assert isinstance(failure.error, mm.PluginValidationError)
    assert "acme.dvt" in failure.message
    assert "'I82.4X'" in failure.message
    assert "acme.dvt" not in registry.rules
    assert mm.screen(_case(), registry=registry).status is mm.ScreeningStatus.INDETERMINATE
    with pytest.raises(ExceptionGroup) as group:
        registry_from(rules=[rule], strict=True)
    assert isinstance(group.value.exceptions[0], mm.PluginValidationError)


def test_every_builtin_rule_pattern_matches_the_release() -> None:
    """No built-in rule is blind by construction: each trigger pattern matches a code."""
    from medmassage.plugins import rule_code_problems

    registry = mm.get_default_registry()
    assert {rid: rule_code_problems(r) for rid, r in registry.rules.items()} == {
        rid: [] for rid in registry.rules
    }


# -- any exception from a rule is a failure, never a clear -----------------------------------


class _Boom(BaseException):
    """A BaseException that is neither Exception nor an interpreter exit."""


@attrs.frozen(kw_only=True)
class _RaisingRule:
    raises: BaseException
    id: str = "acme.raising"
    title: str = "raises"
    severity: mm.Severity = mm.Severity.RELATIVE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[mm.BodyRegion] = frozenset()
    source: str = "test"
    api_version: int = 1
    triggers: Triggers | None = None

    def evaluate(self, context: ScreeningContext) -> Iterable[mm.Finding]:
        raise self.raises


@pytest.mark.parametrize(
    "exc",
    [SystemExit(0), SystemExit(None), GeneratorExit(), _Boom(), MemoryError(), RecursionError()],
)
def test_a_rule_raising_any_base_exception_makes_screening_indeterminate(
    exc: BaseException,
) -> None:
    """SystemExit(0), GeneratorExit and friends are rule failures, named, never a clear."""
    registry = registry_from(rules=[_RaisingRule(raises=exc)])
    result = mm.screen(_case(), registry=registry)
    assert result.status is mm.ScreeningStatus.INDETERMINATE
    (failure,) = result.failures
    assert failure.rule_id == "acme.raising"
    assert type(exc).__name__ in failure.cause
    with pytest.raises(mm.RuleExecutionError):
        mm.screen(_case(), registry=registry, strict=True)


def test_keyboard_interrupt_still_stops_screening() -> None:
    """Ctrl-C is the user's, not a rule failure: it propagates."""
    registry = registry_from(rules=[_RaisingRule(raises=KeyboardInterrupt())])
    with pytest.raises(KeyboardInterrupt):
        mm.screen(_case(), registry=registry)


@attrs.frozen(kw_only=True)
class _PropertyRule:
    id: str = "acme.property"
    title: str = "property"
    severity: mm.Severity = mm.Severity.RELATIVE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[mm.BodyRegion] = frozenset()
    source: str = "test"
    api_version: int = 1

    @property
    def triggers(self) -> Triggers | None:
        raise SystemExit(0)

    def evaluate(self, context: ScreeningContext) -> Iterable[mm.Finding]:
        return ()


def test_a_rule_whose_property_raises_system_exit_is_a_load_failure() -> None:
    """Checking a plugin object can raise too: a failure, not an exit."""
    registry = registry_from(rules=[_PropertyRule()])
    (failure,) = registry.failures
    assert failure.name == "acme.property"
    assert "SystemExit" in failure.cause
    assert mm.screen(_case(), registry=registry).status is mm.ScreeningStatus.INDETERMINATE


# -- rules cannot change what others see, nor the caller's objects ---------------------------


@attrs.frozen(kw_only=True)
class _MutatingRule:
    id: str = "acme.mutating"
    title: str = "mutates"
    severity: mm.Severity = mm.Severity.INFORMATION
    modalities: frozenset[str] = frozenset()
    regions: frozenset[mm.BodyRegion] = frozenset()
    source: str = "test"
    api_version: int = 1
    triggers: Triggers | None = None

    def evaluate(self, context: ScreeningContext) -> Iterable[mm.Finding]:
        # Hide the disc from every later rule, and from the caller's Patient and plan.
        object.__setattr__(context, "conditions", ())
        object.__setattr__(context, "icd10cm", ())
        object.__setattr__(context.patient, "conditions", ())
        object.__setattr__(context.plan, "diagnoses", ())
        return ()


def test_a_rule_that_rebinds_its_context_cannot_turn_modify_into_clear() -> None:
    """acme.mutating (sorted before core.*) empties the context: later rules still see it all."""
    patient, plan = example_patient_and_plan()
    before_conditions, before_diagnoses = patient.conditions, plan.diagnoses
    registry = registry_from(rules=[_MutatingRule()])
    result = mm.screen(patient, plan, registry=registry)
    assert result.for_rule("core.herniated_disc"), "later rules saw the original context"
    assert result.status is mm.ScreeningStatus.INDETERMINATE
    (failure,) = result.failures
    assert failure.rule_id == "acme.mutating"
    assert "context.patient.conditions" in failure.cause
    assert patient.conditions is before_conditions
    assert plan.diagnoses is before_diagnoses


# -- an indeterminate result travels ---------------------------------------------------------


def test_indeterminate_screening_reaches_the_report_and_the_fhir_export() -> None:
    """The report says why; the FHIR bundle holds a high-severity 'indeterminate' DetectedIssue."""
    case = mm.from_json(mm.Case, EXAMPLE.read_bytes())
    registry = registry_from(rules=[_RaisingRule(raises=SystemExit(0))])
    result = mm.screen(case, registry=registry)
    assert result.indeterminate
    report = mm.build_report(case, screening=result)
    html, md = mm.render_html(report), mm.render_markdown(report)
    for text in (html, md):
        assert "indeterminate" in text
        assert "acme.raising" in text
        assert "SystemExit raised by evaluate()" in text
    bundle: Any = json.loads(json.dumps(case_bundle(case, assessment=result)))
    issues = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DetectedIssue"
    ]
    status = issues[0]
    assert status["code"]["coding"][0] == {"system": SCREENING_SYSTEM, "code": "indeterminate"}
    assert status["severity"] == "high"
    assert "acme.raising" in status["detail"]


def test_report_lists_plan_conflicts_and_session_violations() -> None:
    """The report shows why screening is not clear beyond the findings."""
    segment = mm.TechniqueSegment(
        modality="core.deep_tissue",
        region=R.LUMBAR_SPINE,
        duration=mm.Duration(20, "min"),
        grade=mm.PressureGrade.DEEP,
    )
    session = attrs.evolve(
        _session(dt.datetime(2026, 1, 7, 10, tzinfo=dt.UTC)), segments=(segment,)
    )
    case = _case(
        _dx("M51.26", R.LUMBAR_SPINE),
        techniques=[_technique("core.deep_tissue", R.LUMBAR_SPINE, grades=(4, 5))],
        sessions=(session,),
    )
    result = mm.screen(case, session=session)
    assert result.plan_conflicts
    assert result.violations
    report = mm.build_report(case, screening=result)
    html, md = mm.render_html(report), mm.render_markdown(report)
    assert "Plan conflict: techniques[0]" in html
    assert "Session violation: segments[0]" in html
    assert "Plan conflict: techniques\\[0\\]" in md  # Markdown-escaped


# -- the property ----------------------------------------------------------------------------

#: Codes whose built-in rule restricts treatment whatever the plan (never information only).
RESTRICTING = (
    "I82.401",  # acute DVT: defer
    "R50.9",  # fever: defer
    "M51.26",  # herniated disc: local
    "S52.521A",  # fracture: local
    "L03.116",  # cellulitis: local
    "D69.6",  # thrombocytopenia: relative
    "M81.0",  # osteoporosis: relative
    "C50.911",  # breast cancer: local
    "I83.90",  # varicose veins: local
    "I71.40",  # abdominal aortic aneurysm: local
    "G62.9",  # polyneuropathy: relative
)


@given(
    case=mst.cases(max_sessions=1),
    code=st.sampled_from(RESTRICTING),
    where=st.sampled_from(["plan", "referral"]),
)
def test_a_restricting_diagnosis_on_the_plan_or_referral_is_never_clear(
    case: mm.Case, code: str, where: str
) -> None:
    """Whatever else the generated case holds, screening never answers 'clear'."""
    plan = case.plan
    diagnosis = _dx(code)
    if where == "plan" or plan.referral is None:
        if code not in {d.code for d in plan.diagnoses}:
            plan = attrs.evolve(plan, diagnoses=(*plan.diagnoses, diagnosis))
    else:
        referral = plan.referral
        if code not in {d.code for d in referral.diagnoses}:
            referral = attrs.evolve(referral, diagnoses=(*referral.diagnoses, diagnosis))
        plan = attrs.evolve(plan, referral=referral)
    result = mm.screen(attrs.evolve(case, plan=plan))
    assert result.status is not mm.ScreeningStatus.CLEAR
    assert any(code in e for f in result.findings for e in f.evidence) or result.failures


@given(case=mst.cases(max_sessions=0), code=st.sampled_from(RESTRICTING))
def test_the_plan_and_the_history_are_screened_alike(case: mm.Case, code: str) -> None:
    """A code on the plan gives the same findings as the same code in the history."""
    if any(d.code == code for d in case.plan.diagnoses) or any(
        c.code.code == code for c in case.patient.conditions
    ):
        return
    on_plan = attrs.evolve(
        case, plan=attrs.evolve(case.plan, diagnoses=(*case.plan.diagnoses, _dx(code)))
    )
    condition = mm.Condition(code=mm.Coding.icd10cm(code))
    in_history = attrs.evolve(
        case,
        patient=attrs.evolve(case.patient, conditions=(*case.patient.conditions, condition)),
    )

    def summary(c: mm.Case) -> set[tuple[str, str]]:
        return {(f.rule_id, f.severity.value) for f in mm.screen(c).findings}

    assert summary(on_plan) == summary(in_history)


def test_a_screening_date_before_birth_is_an_error_advisory() -> None:
    """`screen --on 0001-01-01` used to answer as if all were well; now it says why not."""
    result = mm.screen(_case(), on=dt.date(1, 1, 1))
    codes = {a.code: a for a in result.advisories}
    assert codes["date_before_birth"].level is mm.AdvisoryLevel.ERROR
    assert "1975" not in codes["date_before_birth"].message  # no birth date in messages
