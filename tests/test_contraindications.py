"""The screening engine: code sets, findings, policy, fail-closed evaluation, indexing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import attrs
import pytest

from medmassage.anatomy import BodyRegion, Laterality
from medmassage.codes import CodeSet, Coding
from medmassage.contraindications import (
    Action,
    Assessment,
    Finding,
    Policy,
    Rule,
    RuleFailure,
    RuleSet,
    ScreeningContext,
    ScreeningStatus,
    Severity,
    Site,
    Triggers,
    check_plan,
    check_rule,
    check_session,
)
from medmassage.diagnosis import Diagnosis
from medmassage.exceptions import RuleExecutionError, ScreeningError, UsageError, ValidationError
from medmassage.modalities import BUILTIN_MODALITIES, PressureGrade
from medmassage.patient import (
    AdministrativeSex,
    Condition,
    ContactDetails,
    HumanName,
    Medication,
    MedicationClass,
    Patient,
)
from medmassage.plans import PlannedTechnique, TreatmentPlan
from medmassage.sessions import Session, TechniqueSegment
from medmassage.units import Duration, Pressure

ON = dt.date(2026, 3, 2)
R = BodyRegion


def patient(*codes: str, **kw: object) -> Patient:
    return Patient(
        id="p-1",
        birth_date=dt.date(1970, 1, 1),
        sex=AdministrativeSex.MALE,
        conditions=tuple(Condition(code=Coding.icd10cm(c)) for c in codes),
        **kw,  # type: ignore[arg-type]
    )


def plan(modality: str = "core.swedish") -> TreatmentPlan:
    lo, hi = {
        "core.swedish": (PressureGrade.LIGHT_LOTIONING, PressureGrade.SWEDISH),
        "core.deep_tissue": (PressureGrade.DEEP, PressureGrade.DEEPEST),
    }.get(modality, (PressureGrade.SWEDISH, PressureGrade.SWEDISH))
    return TreatmentPlan(
        id="plan-1",
        patient_id="p-1",
        practitioner_id="pr-1",
        diagnoses=(Diagnosis(coding=Coding.icd10cm("M54.50")),),
        techniques=(
            PlannedTechnique(
                modality=modality,
                region=R.THORACIC_SPINE,
                duration=Duration(20, "min"),
                min_grade=lo,
                max_grade=hi,
            ),
        ),
        session_length=Duration(60, "min"),
        sessions_per_week=1,
        duration_weeks=4,
        start_date=dt.date(2026, 2, 2),
    )


def context(
    pt: Patient | None = None, pl: TreatmentPlan | None = None, **kw: object
) -> ScreeningContext:
    return ScreeningContext(
        patient=pt or patient(),
        plan=pl or plan(),
        on=ON,
        modalities=BUILTIN_MODALITIES,
        **kw,  # type: ignore[arg-type]
    )


@attrs.frozen(kw_only=True)
class FakeRule:
    """A minimal rule satisfying the protocol, for engine tests."""

    id: str
    title: str = "fake"
    severity: Severity = Severity.RELATIVE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[BodyRegion] = frozenset()
    source: str = "test fixture"
    api_version: int = 1
    triggers: Triggers | None = None
    produce: tuple[Finding, ...] = ()
    raises: bool = False
    calls: list[int] = attrs.field(factory=list, eq=False)

    def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
        self.calls.append(1)
        if self.raises:
            raise KeyError("boom")
        return self.produce


def finding(rule_id: str, severity: Severity = Severity.RELATIVE, **kw: object) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        action=kw.pop("action", Action.LIMIT_PRESSURE),  # type: ignore[arg-type]
        rationale="test rationale",
        source="test source",
        **kw,  # type: ignore[arg-type]
    )


# -- CodeSet --------------------------------------------------------------------------------


def test_codeset_prefixes_and_ranges() -> None:
    """A CodeSet matches codes by prefix and by category range."""
    codes = CodeSet("I80-I82", "M50.0-M50.2", "Z79.01")
    assert codes.matches("I81")
    assert codes.matches("I82.401")
    assert not codes.matches("I83.90")
    assert codes.matches("M50.121")
    assert codes.matches("M50.20")
    assert not codes.matches("M50.30")
    assert codes.matches("Z79.01")
    assert not codes.matches("Z79.02")
    assert "I80.10" in codes
    assert 42 not in codes
    assert not codes.matches(None)


def test_codeset_orders_like_the_tabular() -> None:
    """C4A (Merkel cell carcinoma) and D3A lie inside C00-D49 (the neoplasm chapter)."""
    neoplasms = CodeSet("C00-D49")
    assert neoplasms.matches("C4A.10")
    assert neoplasms.matches("D3A.010")
    assert not neoplasms.matches("D50.0")
    assert "C4A" in neoplasms.categories


def test_codeset_accepts_undotted_and_lower_case() -> None:
    """A CodeSet accepts undotted and lower-case patterns."""
    assert CodeSet("i824").matches("I82.401")


@pytest.mark.parametrize("bad", ["", "x", "M54.123456", "I82-I80", "12A", "I82..4", "M5 4"])
def test_codeset_rejects_bad_patterns(bad: str) -> None:
    """Malformed patterns are refused with the pattern's index as the path."""
    with pytest.raises(ValidationError) as err:
        CodeSet("M54", bad)
    assert err.value.model == "CodeSet"
    assert err.value.problems[0].path == "[1]"


def test_codeset_short_prefixes_span_their_categories() -> None:
    """A one- or two-character prefix is a prefix like any other (one syntax)."""
    assert CodeSet("M5").matches("M54.50")
    assert not CodeSet("M5").matches("M62.830")
    assert {"M50", "M5A", "M59"} <= CodeSet("M5").categories


@pytest.mark.parametrize(
    ("pattern", "code", "expected"),
    [
        ("I82.4x", "I82.401", True),
        ("I82.4-", "I82.409", True),
        ("O22.3-", "O22.30", True),
        ("I82.4*", "I82.5", False),
        ("M54.40-M54.42", "M54.4", False),
        ("M54.40-M54.42", "M54.41", True),
        ("I80-I82", "I82.91", True),
        ("I80-I82", "I83.90", False),
        ("T36.0X1A", "T36.0X1A", True),
    ],
)
def test_codeset_and_is_within_agree(pattern: str, code: str, expected: bool) -> None:
    """One pattern syntax: CodeSet and is_within_icd10cm give the same answer."""
    from medmassage.codes import is_within_icd10cm

    assert CodeSet(pattern).matches(code) is expected
    assert is_within_icd10cm(code, pattern) is expected


def test_codeset_names_patterns_that_match_no_code_of_the_release() -> None:
    """An upper-case X is literal: I82.4X matches no code, and unmatched() says so."""
    assert CodeSet("I82.4X", "I82.4x", "I80-I82").unmatched() == ("I82.4X",)
    assert CodeSet("Z99.99", "M54.5").unmatched() == ("Z99.99",)


def test_codeset_needs_a_pattern() -> None:
    """An empty CodeSet raises ValidationError."""
    with pytest.raises(ValidationError):
        CodeSet()


# -- Finding and Policy ---------------------------------------------------------------------------


def test_finding_validates_and_names_fields() -> None:
    """An invalid Finding raises ValidationError naming each bad field."""
    with pytest.raises(ValidationError) as err:
        Finding(
            rule_id="",
            severity="absolute",  # type: ignore[arg-type]
            action=Action.DEFER,
            rationale=" ",
            source="s",
            max_grade=9,  # type: ignore[arg-type]
        )
    assert set(err.value.paths) == {"rule_id", "severity", "rationale", "max_grade"}


def test_finding_accepts_bare_regions() -> None:
    """A Finding accepts bare body regions and wraps them as sites."""
    f = finding("x.y", regions=(R.KNEE,))
    assert f.regions == (Site(region=R.KNEE),)
    assert f.applies_to(R.KNEE, Laterality.LEFT)
    assert not f.applies_to(R.HAND, None)


def test_finding_json_shape() -> None:
    """A Finding serialises regions as region/laterality objects and pressure with its unit."""
    f = finding("x.y", regions=(Site(region=R.KNEE, laterality=Laterality.LEFT),),
                max_pressure=Pressure(30, "mmHg"), max_grade=PressureGrade.SWEDISH)  # fmt: skip
    data = f.to_dict()
    assert data["regions"] == [{"region": "knee", "laterality": "left"}]
    assert data["max_pressure"] == {"value": 30, "unit": "mmHg"}
    assert data["max_grade"] == 3
    json.dumps(data)


def test_policy_reclassifies_without_removing() -> None:
    """A policy changes a finding's severity without removing the finding."""
    rule = FakeRule(id="x.first", produce=(finding("x.first", Severity.INFORMATION),))
    rules = RuleSet([rule])
    default = rules.assess(context())
    assert default.status is ScreeningStatus.CLEAR
    strict_policy = Policy(severities={"x.first": Severity.ABSOLUTE})
    raised = rules.assess(context(policy=strict_policy))
    (f,) = raised.findings
    assert f.severity is Severity.ABSOLUTE
    assert f.reclassified_from is Severity.INFORMATION
    assert raised.status is ScreeningStatus.DEFER


def test_policy_validates() -> None:
    """A policy with invalid severities raises ValidationError at ``severities``."""
    with pytest.raises(ValidationError) as err:
        Policy(severities={"x": "absolute"}, late_pregnancy_weeks=50)  # type: ignore[dict-item]
    assert set(err.value.paths) == {"severities"}
    with pytest.raises(ValidationError) as err2:
        Policy(late_pregnancy_weeks=50, fever=Pressure(1, "kPa"))  # type: ignore[arg-type]
    assert set(err2.value.paths) == {"late_pregnancy_weeks", "fever"}


@pytest.mark.parametrize(
    ("severities", "status"),
    [
        ((), ScreeningStatus.CLEAR),
        ((Severity.INFORMATION,), ScreeningStatus.CLEAR),
        ((Severity.INFORMATION, Severity.RELATIVE), ScreeningStatus.MODIFY),
        ((Severity.LOCAL,), ScreeningStatus.MODIFY),
        ((Severity.LOCAL, Severity.ABSOLUTE), ScreeningStatus.DEFER),
    ],
)
def test_status_is_derived(severities: tuple[Severity, ...], status: ScreeningStatus) -> None:
    """The screening status is derived from the most severe finding."""
    a = Assessment(findings=[finding(f"x.r{i}", s) for i, s in enumerate(severities)], on=ON)
    assert a.status is status


def test_failure_beats_everything() -> None:
    """Any rule failure makes the assessment indeterminate whatever the findings."""
    a = Assessment(
        findings=[finding("x.a", Severity.ABSOLUTE)],
        failures=(RuleFailure(rule_id="x.b", cause="KeyError: 'k'"),),
        on=ON,
    )
    assert a.status is ScreeningStatus.INDETERMINATE
    assert a.to_dict()["failures"] == [
        {"rule_id": "x.b", "stage": "evaluate", "cause": "KeyError: 'k'"}
    ]


def test_findings_sorted_most_severe_first() -> None:
    """Findings are sorted most severe first and can be filtered by severity."""
    a = Assessment(
        findings=[finding("x.b", Severity.INFORMATION), finding("x.a", Severity.LOCAL),
                  finding("x.c", Severity.ABSOLUTE)],
        on=ON,
    )  # fmt: skip
    assert [f.rule_id for f in a.findings] == ["x.c", "x.a", "x.b"]
    assert a.by_severity(Severity.LOCAL)[0].rule_id == "x.a"


# -- fail closed --------------------------------------------------------------------------------


def test_rule_that_raises_makes_it_indeterminate() -> None:
    """A rule that raises makes screening indeterminate and records the failure."""
    good = FakeRule(id="x.good", produce=(finding("x.good"),))
    bad = FakeRule(id="x.bad", raises=True)
    result = RuleSet([good, bad]).assess(context())
    assert result.status is ScreeningStatus.INDETERMINATE
    (failure,) = result.failures
    assert failure.rule_id == "x.bad"
    assert "KeyError" in failure.cause
    assert [f.rule_id for f in result.findings] == ["x.good"]  # the others still ran


def test_strict_mode_raises_rule_execution_error() -> None:
    """In strict mode a raising rule raises RuleExecutionError naming the rule."""
    bad = FakeRule(id="x.bad", raises=True)
    with pytest.raises(RuleExecutionError) as err:
        RuleSet([bad]).assess(context(), strict=True)
    assert err.value.rule_id == "x.bad"
    assert isinstance(err.value.__cause__, KeyError)


@pytest.mark.parametrize(
    ("produce", "cause"),
    [
        (("not a finding",), "produced a str"),
        ((finding("x.other"),), "finding for rule 'x.other'"),
    ],
)
def test_rule_returning_garbage_fails_closed(produce: tuple[object, ...], cause: str) -> None:
    """A rule returning something other than findings fails closed as indeterminate."""
    rule = FakeRule(id="x.r", produce=produce)  # type: ignore[arg-type]
    result = RuleSet([rule]).assess(context())
    assert result.status is ScreeningStatus.INDETERMINATE
    assert cause in result.failures[0].cause
    with pytest.raises(RuleExecutionError):
        RuleSet([rule]).assess(context(), strict=True)


def test_rule_returning_none_fails_closed() -> None:
    """A rule returning None fails closed as indeterminate."""

    @attrs.frozen(kw_only=True)
    class NoneRule(FakeRule):
        def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
            return None  # type: ignore[return-value]

    result = RuleSet([NoneRule(id="x.none")]).assess(context())
    assert result.status is ScreeningStatus.INDETERMINATE


def test_load_failures_make_every_assessment_indeterminate() -> None:
    """Rules that failed to load make every assessment indeterminate."""
    failure = RuleFailure(rule_id="x.missing", cause="ModuleNotFoundError", stage="load")
    rules = RuleSet([], failures=[failure])
    result = rules.assess(context())
    assert result.status is ScreeningStatus.INDETERMINATE
    assert "x.missing" in str(result.failures[0])
    with pytest.raises(ScreeningError, match=r"x\.missing"):
        rules.assess(context(), strict=True)


def test_unknown_modality_is_indeterminate() -> None:
    """A plan using an unknown modality makes screening indeterminate."""
    ctx = context(pl=plan("spa.hot_stone"))
    assert ctx.unknown_modalities == {"spa.hot_stone"}
    result = RuleSet([]).assess(ctx)
    assert result.status is ScreeningStatus.INDETERMINATE
    assert result.failures[0].rule_id == "modality:spa.hot_stone"


# -- the rule protocol ----------------------------------------------------------------------------


def test_check_rule_accepts_a_rule() -> None:
    """check_rule reports no problems for a well-formed rule."""
    rule = FakeRule(id="x.ok")
    assert check_rule(rule) == []
    assert isinstance(rule, Rule)


def test_check_rule_reports_each_problem() -> None:
    """check_rule reports each problem of a malformed rule."""

    class Bad:
        id = "Bad Id"
        title = 3
        severity = "absolute"
        modalities: frozenset[str] = frozenset()
        regions: frozenset[BodyRegion] = frozenset()
        source = " "
        api_version = True

        def evaluate(self, a: object, b: object) -> None: ...

    problems = check_rule(Bad())
    text = "\n".join(problems)
    for needle in ("id must be", "title must be str", "severity must be Severity",
                   "source must cite", "api_version must be an int", "triggers",
                   "exactly one argument"):  # fmt: skip
        assert needle in text


def test_rule_set_rejects_duplicates_and_non_rules() -> None:
    """A RuleSet refuses two rules with one id and objects that are not rules."""
    with pytest.raises(UsageError, match="two rules"):
        RuleSet([FakeRule(id="x.a"), FakeRule(id="x.a")])
    with pytest.raises(UsageError, match="not a contraindication rule"):
        RuleSet([object()])  # type: ignore[list-item]


# -- indexing --------------------------------------------------------------------------------


def test_only_triggered_rules_run() -> None:
    """Only rules whose triggers match the context are run."""
    dvt = FakeRule(id="x.dvt", triggers=Triggers(icd10cm=CodeSet("I82.4")))
    meds = FakeRule(
        id="x.meds",
        triggers=Triggers(medication_classes=frozenset({MedicationClass.ANTICOAGULANT})),
    )
    always = FakeRule(id="x.always", triggers=None)
    empty = FakeRule(id="x.empty", triggers=Triggers())  # empty triggers: evaluated always
    rules = RuleSet([dvt, meds, always, empty])
    rules.assess(context(patient("I82.501")))  # same category, not the subcategory
    assert (len(dvt.calls), len(meds.calls), len(always.calls), len(empty.calls)) == (1, 0, 1, 1)
    warfarin = Medication(name="warfarin", classes=frozenset({MedicationClass.ANTICOAGULANT}))
    assert [r.id for r in rules.candidates(context(patient(medications=(warfarin,))))] == [
        "x.always",
        "x.empty",
        "x.meds",
    ]


def test_two_hundred_rules_evaluate_no_more_than_twenty_for_a_patient() -> None:
    """The engine's work grows with what the patient has, not with the rules installed."""
    cats = [f"{letter}{n:02d}" for letter in "ABCDEFGHJK" for n in range(20)]

    def make(n: int) -> list[FakeRule]:
        return [
            FakeRule(id=f"x.r{i:03d}", triggers=Triggers(icd10cm=CodeSet(cats[i])))
            for i in range(n)
        ]

    pt = patient("A01.1", "B05.9", "Z00.00")
    small, large = RuleSet(make(20)), RuleSet(make(200))
    assert len(small.candidates(context(pt))) == 1  # A01 only (B05 is rule 25)
    assert len(large.candidates(context(pt))) == 2  # A01 and B05


def test_triggers_by_tag_modality_surgery_and_vitals() -> None:
    """Rules are selected by tag, modality, surgery and vital-sign triggers."""
    tag = FakeRule(id="x.tag", triggers=Triggers(modality_tags=frozenset({"deep_pressure"})))
    code = FakeRule(id="x.code", triggers=Triggers(modalities=frozenset({"core.swedish"})))
    rules = RuleSet([tag, code])
    assert [r.id for r in rules.candidates(context(pl=plan("core.deep_tissue")))] == ["x.tag"]
    assert [r.id for r in rules.candidates(context())] == ["x.code"]


# -- session checks -------------------------------------------------------------------------------


def segment(modality: str, region: BodyRegion, **kw: object) -> TechniqueSegment:
    return TechniqueSegment(modality=modality, region=region, duration=Duration(10, "min"), **kw)  # type: ignore[arg-type]


def sess(*segments: TechniqueSegment) -> Session:
    return Session(
        id="s-1",
        patient_id="p-1",
        practitioner_id="pr-1",
        start=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        duration=Duration(60, "min"),
        segments=segments,
    )


def test_local_region_limit_violated_by_deep_tissue() -> None:
    """Deep tissue over a limited region breaks its grade; unmeasured pressure: unverified."""
    disc = finding("x.disc", Severity.LOCAL, action=Action.AVOID_REGION,
                   regions=(R.LUMBAR_SPINE,), max_grade=PressureGrade.HEAVY_LOTIONING)  # fmt: skip
    s = sess(
        segment("core.deep_tissue", R.LUMBAR_SPINE),  # lowest grade 4 > 2
        segment("core.swedish", R.LUMBAR_SPINE, grade=PressureGrade.HEAVY_LOTIONING),  # ok
        segment("core.swedish", R.LUMBAR_SPINE, grade=PressureGrade.SWEDISH),  # 3 > 2
        segment("core.swedish", R.LUMBAR_SPINE),  # range 1-3 straddles 2: unverified
        segment("core.deep_tissue", R.THORACIC_SPINE),  # elsewhere
    )
    violations = check_session([disc], s, BUILTIN_MODALITIES)
    assert [(v.segment, v.kind) for v in violations] == [
        (0, "grade"),
        (2, "grade"),
        (3, "unverified"),
    ]
    assert "segments[0]" in str(violations[0])


def test_pressure_limit_in_any_units() -> None:
    """4 kPa = 30.0 mmHg (1 mmHg = 133.322387415 Pa, NIST SP 811 B.8)."""
    limit = finding("x.p", max_pressure=Pressure(4, "kPa"))
    s = sess(
        segment("core.swedish", R.ABDOMEN, pressure=Pressure(29, "mmHg")),
        segment("core.swedish", R.ABDOMEN, pressure=Pressure(31, "mmHg")),
        segment("core.swedish", R.ABDOMEN, pressure=Pressure(0.04, "kgf/cm**2")),
    )
    violations = check_session([limit], s, BUILTIN_MODALITIES)
    assert [(v.segment, v.kind) for v in violations] == [(1, "pressure")]
    assert "31 mmHg" in violations[0].message
    assert "4 kPa" in violations[0].message


def test_pressure_limit_unverified_without_a_measurement() -> None:
    """A pressure limit without a pressure measurement is reported as unverified."""
    limit = finding("x.p", max_pressure=Pressure(3, "kPa"))
    s = sess(segment("core.swedish", R.ABDOMEN))
    assert [v.kind for v in check_session([limit], s, BUILTIN_MODALITIES)] == ["unverified"]
    # MLD's own ceiling (4 kPa) is under a 5 kPa limit: nothing to verify
    loose = finding("x.p", max_pressure=Pressure(5, "kPa"))
    assert not check_session(
        [loose], sess(segment("core.lymphatic_drainage", R.ABDOMEN)), BUILTIN_MODALITIES
    )


def test_absolute_and_no_contact_findings() -> None:
    """Absolute and no-contact findings are violated by any segment over their region."""
    dvt = finding("x.dvt", Severity.ABSOLUTE, action=Action.DEFER)
    wound = finding("x.wound", Severity.LOCAL, action=Action.AVOID_REGION,
                    regions=(Site(region=R.LOWER_LEG, laterality=Laterality.LEFT),))  # fmt: skip
    s = sess(
        segment("core.swedish", R.LOWER_LEG, laterality=Laterality.RIGHT),
        segment("core.swedish", R.LOWER_LIMB, laterality=Laterality.LEFT),
    )
    kinds = [
        (v.rule_id, v.segment, v.kind) for v in check_session([dvt, wound], s, BUILTIN_MODALITIES)
    ]
    assert kinds == [("x.dvt", 0, "absolute"), ("x.dvt", 1, "absolute"), ("x.wound", 1, "region")]


def test_modality_scoped_findings() -> None:
    """Modality-scoped findings are violated only by that modality."""
    no_mld = finding("x.mld", Severity.RELATIVE, action=Action.AVOID_MODALITY,
                     tags=frozenset({"lymphatic"}))  # fmt: skip
    s = sess(segment("core.swedish", R.ABDOMEN), segment("core.lymphatic_drainage", R.ABDOMEN))
    assert [(v.segment, v.kind) for v in check_session([no_mld], s, BUILTIN_MODALITIES)] == [
        (1, "modality")
    ]
    # an unknown modality's tags cannot be known: a tag-scoped finding applies to it
    odd = sess(segment("spa.hot_stone", R.ABDOMEN))
    assert check_session([no_mld], odd, {})


def test_unlimited_relative_and_information_findings_are_not_checked() -> None:
    """Relative findings without limits and information findings raise no violation."""
    clearance = finding("x.c", Severity.RELATIVE, action=Action.OBTAIN_CLEARANCE)
    info = finding("x.i", Severity.INFORMATION, action=Action.AVOID_REGION)
    s = sess(segment("core.deep_tissue", R.THORACIC_SPINE))
    assert check_session([clearance, info], s, BUILTIN_MODALITIES) == ()


def test_violations_defer_unless_policy_says_otherwise() -> None:
    """Session violations make the status defer unless the policy says otherwise."""
    disc = finding("x.disc", Severity.LOCAL, action=Action.AVOID_REGION, regions=(R.LUMBAR_SPINE,))
    rule = FakeRule(id="x.disc", produce=(disc,))
    s = sess(segment("core.swedish", R.LUMBAR_SPINE, grade=PressureGrade.LIGHT_LOTIONING))
    result = RuleSet([rule]).assess(context(session=s))
    assert result.status is ScreeningStatus.DEFER
    assert len(result.violations) == 1
    lenient = RuleSet([rule]).assess(context(session=s, policy=Policy(violations_defer=False)))
    assert lenient.status is ScreeningStatus.MODIFY


# -- the context --------------------------------------------------------------------------------


def test_context_derives_facts_once() -> None:
    """The screening context derives codes and their origins from patient and plan."""
    warfarin = Medication(name="warfarin", classes=frozenset({MedicationClass.ANTICOAGULANT}))
    ctx = context(patient("I10", medications=(warfarin,)), plan("core.deep_tissue"))
    assert ctx.icd10cm == ("I10", "M54.50")  # the history's, then the plan's diagnosis
    assert ctx.origins == (("patient.conditions[0]",), ("plan.diagnoses[0]",))
    assert ctx.medication_classes == {MedicationClass.ANTICOAGULANT}
    assert ctx.modality_codes == {"core.deep_tissue"}
    assert "deep_pressure" in ctx.modality_tags
    assert ctx.uses(tag="deep_pressure")
    assert not ctx.uses(modality="core.swedish")
    assert ctx.works_on(R.THORACIC_SPINE)
    assert not ctx.works_on(R.NECK)
    assert list(ctx.matching(CodeSet("I10-I15"))) == [ctx.conditions[0]]


def test_context_validates_types() -> None:
    """A context built from wrong types raises ValidationError at ``patient`` and ``on``."""
    with pytest.raises(ValidationError) as err:
        ScreeningContext(patient="p", plan=plan(), on=dt.datetime(2026, 1, 1))  # type: ignore[arg-type]
    assert set(err.value.paths) == {"patient", "on"}


def test_context_repr_hides_identity() -> None:
    """The context repr contains no patient name or contact details."""
    pt = patient(
        name=HumanName(family="Secretname", given=("Given",)),
        contact=ContactDetails(email="someone@example.org"),
    )
    text = repr(context(pt))
    assert "Secretname" not in text
    assert "example.org" not in text
    assert "p-1" in text


def test_rule_set_repr_and_len() -> None:
    """A RuleSet reports its length and shows the rule count in its repr."""
    rules = RuleSet([FakeRule(id="x.a")])
    assert len(rules) == 1
    assert "1 rules" in repr(rules)


# -- plan checks --------------------------------------------------------------------------------


def technique(
    modality: str, region: BodyRegion, lo: int, hi: int, **kw: object
) -> PlannedTechnique:
    return PlannedTechnique(
        modality=modality,
        region=region,
        duration=Duration(10, "min"),
        min_grade=PressureGrade(lo),
        max_grade=PressureGrade(hi),
        **kw,  # type: ignore[arg-type]
    )


def test_plan_conflicts() -> None:
    """Plan techniques conflicting with findings are reported per technique and kind."""
    disc = finding("x.disc", Severity.LOCAL, action=Action.AVOID_REGION,
                   regions=(R.LUMBAR_SPINE,), max_grade=PressureGrade.HEAVY_LOTIONING)  # fmt: skip
    no_mld = finding("x.mld", Severity.RELATIVE, action=Action.AVOID_MODALITY,
                     tags=frozenset({"lymphatic"}))  # fmt: skip
    squeeze = finding("x.p", max_pressure=Pressure(3, "kPa"), regions=(R.ABDOMEN,))
    pl = attrs.evolve(
        plan(),
        techniques=(
            technique("core.deep_tissue", R.LUMBAR_SPINE, 4, 5),  # grade conflict
            technique("core.swedish", R.LUMBAR_SPINE, 1, 2),  # within the limit
            technique("core.lymphatic_drainage", R.ABDOMEN, 0, 1),  # modality + pressure
            technique("core.swedish", R.ABDOMEN, 1, 2, max_pressure=Pressure(20, "mmHg")),
        ),
    )
    conflicts = check_plan([disc, no_mld, squeeze], pl, BUILTIN_MODALITIES)
    assert [(c.rule_id, c.technique, c.kind) for c in conflicts] == [
        ("x.disc", 0, "grade"),
        ("x.mld", 2, "modality"),
        ("x.p", 2, "pressure"),
    ]
    assert str(conflicts[0]).startswith("techniques[0]: core.deep_tissue over lumbar_spine")
    dvt = finding("x.dvt", Severity.ABSOLUTE, action=Action.DEFER)
    assert {c.kind for c in check_plan([dvt], pl, BUILTIN_MODALITIES)} == {"absolute"}


def test_plan_conflicts_do_not_change_the_status() -> None:
    """Plan conflicts are reported without changing the screening status."""
    disc = finding(
        "x.disc", Severity.LOCAL, action=Action.AVOID_REGION, regions=(R.THORACIC_SPINE,)
    )
    result = RuleSet([FakeRule(id="x.disc", produce=(disc,))]).assess(context())
    assert [c.kind for c in result.plan_conflicts] == ["region"]
    assert result.status is ScreeningStatus.MODIFY
    assert result.to_dict()["plan_conflicts"] == [
        {"rule_id": "x.disc", "technique": 0, "kind": "region",
         "message": "core.swedish over thoracic_spine: avoid_region"}
    ]  # fmt: skip


# -- more edge cases ---------------------------------------------------------------------------


def test_finding_type_errors_are_reported_per_field() -> None:
    """Wrong types in a Finding are reported per field in one ValidationError."""
    with pytest.raises(ValidationError) as err:
        Finding(
            rule_id="x.y",
            severity=Severity.LOCAL,
            action="defer",  # type: ignore[arg-type]
            rationale="r",
            source="s",
            regions=("knee",),  # type: ignore[arg-type]
            modalities={"a"},  # type: ignore[arg-type]
            max_pressure=4,  # type: ignore[arg-type]
            evidence=["e"],  # type: ignore[arg-type]
        )
    assert set(err.value.paths) == {"action", "regions", "modalities", "max_pressure", "evidence"}


def test_codeset_repr_and_non_string_patterns() -> None:
    """A CodeSet repr lists its patterns and non-string patterns are rejected."""
    assert repr(CodeSet("I80", "I82.4")) == "CodeSet('I80', 'I82.4')"
    with pytest.raises(ValidationError):
        CodeSet(42)  # type: ignore[arg-type]


def test_policy_leaves_unlisted_and_unchanged_findings_alone() -> None:
    """A policy returns findings it does not list unchanged."""
    f = finding("x.a", Severity.LOCAL)
    policy = Policy(severities={"x.a": Severity.LOCAL})
    assert policy.classify(f) is f
    assert Policy().classify(f) is f


def test_context_sees_session_segments_and_tags() -> None:
    """The context sees the regions and modalities of session segments."""
    s = sess(segment("core.deep_tissue", R.NECK))
    ctx = context(session=s)
    assert ctx.works_on(R.NECK)
    assert ctx.uses(modality="core.deep_tissue")
    assert "deep_pressure" in ctx.modality_tags_of("core.deep_tissue")
    assert ctx.modality_tags_of("spa.unknown") == frozenset()


def test_check_rule_survives_raising_properties_and_bad_triggers() -> None:
    """check_rule reports raising properties and bad triggers instead of crashing."""

    class Odd:
        id = "x.odd"
        severity = Severity.LOCAL
        modalities: frozenset[str] = frozenset()
        regions: frozenset[BodyRegion] = frozenset()
        source = "s"
        api_version = 1
        triggers = "always"

        @property
        def title(self) -> str:
            raise RuntimeError("no title")

        def evaluate(self, context: ScreeningContext) -> list[Finding]:
            return []

    problems = check_rule(Odd())
    assert "attribute 'title' raised RuntimeError" in problems
    assert "triggers must be Triggers or None, not str" in problems


def test_device_triggers() -> None:
    """Rules triggered by a device run only when the patient has that device."""
    from medmassage.patient import DeviceKind, ImplantedDevice

    port = FakeRule(id="x.port", triggers=Triggers(devices=frozenset({DeviceKind.VENOUS_PORT})))
    rules = RuleSet([port])
    device = ImplantedDevice(kind=DeviceKind.VENOUS_PORT, region=R.CHEST)
    assert rules.candidates(context(patient(devices=(device,)))) == (port,)
    assert rules.candidates(context()) == ()
    assert rules.rules == (port,)
    assert rules.failures == ()


def test_assessment_clear_flag() -> None:
    """An assessment is clear only when it has no findings."""
    assert Assessment(findings=[], on=ON).clear
    assert not Assessment(findings=[finding("x.a")], on=ON).clear


def test_a_rule_exception_text_never_reaches_messages() -> None:
    """The text of a rule's exception may quote patient data: only its type is reported."""

    @attrs.frozen(kw_only=True)
    class Leaky(FakeRule):
        def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
            name = context.patient.name
            raise ValueError(f"patient {name.family if name else ''} has no code")

    pt = patient(name=HumanName(family="Secretname"))
    result = RuleSet([Leaky(id="x.leaky")]).assess(context(pt))
    (failure,) = result.failures
    assert failure.cause == "ValueError raised by evaluate()"
    assert isinstance(failure.error, ValueError)
    assert "Secretname" not in json.dumps(result.to_dict())
    assert "Secretname" not in repr(result)
    with pytest.raises(RuleExecutionError) as err:
        RuleSet([Leaky(id="x.leaky")]).assess(context(pt), strict=True)
    assert "Secretname" not in str(err.value)
