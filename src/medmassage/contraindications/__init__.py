"""Contraindication screening: the rule protocol, findings, assessments and the engine.

A *rule* looks at one frozen `ScreeningContext` (the patient, the treatment plan,
optionally a session, the date, the practitioner and the known modalities) and
returns zero or more `Finding` objects. The engine, `RuleSet`, evaluates the rules it
is given: it knows nothing of plugins or entry points (`medmassage.plugins` builds
registries; `medmassage.screen` fetches the default registry and calls the engine).

Rules are indexed by what triggers them (`Triggers`: ICD-10-CM code ranges,
medication classes, risk flags, devices, pregnancy, surgeries, vital signs, modality
tags), so a context is shown only to the rules whose triggers it has; the cost of
screening grows with what the patient has, not with the number of rules installed.

Safety fails closed. A rule that raises or returns something that is not a
`Finding`, or a rule plugin that could not be loaded, makes the `Assessment`
status `ScreeningStatus.INDETERMINATE` and names the rule; with ``strict=True``
the engine raises `medmassage.exceptions.RuleExecutionError` or
`medmassage.exceptions.ScreeningError` instead.

How findings translate into a status is a documented `Policy`: the sources disagree
on which conditions are absolute, relative or local (Batavia 2004, J Bodyw Mov Ther
8:48-57: 21 sources listed 3 to 86 contraindications and 76% cited no reference), so
an application may reclassify any rule's findings. Reclassifying never removes a
finding: built-in safety rules cannot be switched off.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Literal, Protocol, runtime_checkable

import attrs

from .advisories import Advisory, AdvisoryLevel
from .anatomy import BodyRegion, Laterality, regions_overlap
from .codes import ICD10CM
from .codes import CodeSet as CodeSet  # re-exported: it lived here before 0.2
from .diagnosis import Diagnosis
from .exceptions import Problem, RuleExecutionError, ScreeningError, UsageError, ValidationError
from .modalities import Modality, PressureGrade
from .patient import Condition, DeviceKind, MedicationClass, Patient, RiskFlag
from .plans import TreatmentPlan
from .practitioners import Practitioner
from .sessions import Session, TechniqueSegment
from .units import Duration, Pressure, Temperature

__all__ = [
    "MAX_GESTATION_WEEKS",
    "Action",
    "Assessment",
    "Finding",
    "PlanConflict",
    "Policy",
    "Rule",
    "RuleFailure",
    "RuleSet",
    "ScreeningContext",
    "ScreeningStatus",
    "Severity",
    "Site",
    "TechniqueStatus",
    "Triggers",
    "Violation",
    "check_plan",
    "check_rule",
    "check_session",
]


# -- vocabularies --------------------------------------------------------------------


class Severity(enum.Enum):
    """How strongly a finding restricts treatment.

    The four classes follow the usual textbook split (clinical.md section 2.3):
    *absolute* (systemic: do not treat now), *local* (avoid an area),
    *relative* (modify: lower pressure, avoid a modality, change position,
    obtain clearance) and *information* (nothing to change, worth knowing).
    """

    ABSOLUTE = "absolute"
    LOCAL = "local"
    RELATIVE = "relative"
    INFORMATION = "information"

    @property
    def rank(self) -> int:
        """0 for absolute up to 3 for information (for sorting, most severe first)."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK: Final = {
    Severity.ABSOLUTE: 0,
    Severity.LOCAL: 1,
    Severity.RELATIVE: 2,
    Severity.INFORMATION: 3,
}


class Action(enum.Enum):
    """What a finding asks the therapist to do."""

    #: Do not treat now.
    DEFER = "defer"
    #: Do not work on the finding's regions (at all, or above its pressure limit).
    AVOID_REGION = "avoid_region"
    #: Do not use the finding's modalities.
    AVOID_MODALITY = "avoid_modality"
    #: Stay at or below the finding's pressure limit.
    LIMIT_PRESSURE = "limit_pressure"
    #: Change the patient's position (e.g. side-lying in late pregnancy).
    CHANGE_POSITION = "change_position"
    #: Obtain the physician's (surgeon's, obstetrician's) clearance first.
    OBTAIN_CLEARANCE = "obtain_clearance"
    #: Check something before or during treatment (blood pressure, skin, certification).
    MONITOR = "monitor"


class ScreeningStatus(enum.Enum):
    """The overall answer of an assessment."""

    #: Nothing restricts treatment.
    CLEAR = "clear"
    #: Treatment may go ahead with the findings' modifications.
    MODIFY = "modify"
    #: Do not treat now (or, for a session, do not proceed with it as given).
    DEFER = "defer"
    #: The answer is not trustworthy: a rule failed or could not be loaded.
    INDETERMINATE = "indeterminate"


# -- findings ------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class Site:
    """A body region and side a finding concerns (``laterality=None``: either side)."""

    region: BodyRegion = attrs.field(validator=attrs.validators.instance_of(BodyRegion))
    laterality: Laterality | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Laterality))
    )

    def overlaps(self, region: BodyRegion, laterality: Laterality | None) -> bool:
        """Whether this site touches *region* on side *laterality*."""
        return regions_overlap(self.region, self.laterality, region, laterality)

    def __str__(self) -> str:
        return (
            self.region.value
            if self.laterality is None
            else f"{self.laterality.value} {self.region.value}"
        )


def _to_sites(value: Iterable[Site | BodyRegion]) -> tuple[Site, ...]:
    if value == ():
        return ()
    return tuple([Site(region=v) if isinstance(v, BodyRegion) else v for v in value])


def _field(obj: object, name: str) -> object:
    return getattr(obj, name)


def _check_finding(finding: Finding) -> None:
    f: Any = finding  # fields are checked at run time, whatever their annotations say
    if (
        type(f.severity) is Severity
        and type(f.action) is Action
        and type(f.rule_id) is str
        and f.rule_id
        and type(f.rationale) is str
        and 0 < len(f.rationale) <= 5000
        and not f.rationale.isspace()
        and type(f.source) is str
        and 0 < len(f.source) <= 5000
        and not f.source.isspace()
        and type(f.modalities) is frozenset
        and type(f.tags) is frozenset
        and type(f.evidence) is tuple
        and (f.max_grade is None or type(f.max_grade) is PressureGrade)
        and (f.max_pressure is None or type(f.max_pressure) is Pressure)
        and (not f.regions or all(type(s) is Site for s in f.regions))
        and (not f.evidence or all(type(e) is str for e in f.evidence))
        and (not f.modalities or all(type(m) is str for m in f.modalities))
        and (not f.tags or all(type(t) is str for t in f.tags))
    ):
        return  # the common, valid case, checked cheaply
    p: list[Problem] = []
    rule_id = _field(finding, "rule_id")
    if not isinstance(rule_id, str) or not rule_id:
        p.append(Problem("rule_id", "expected the id of the rule", "required"))
    if not isinstance(_field(finding, "severity"), Severity):
        p.append(Problem("severity", "expected a Severity", "type"))
    if not isinstance(_field(finding, "action"), Action):
        p.append(Problem("action", "expected an Action", "type"))
    for name in ("rationale", "source"):
        text = _field(finding, name)
        if not isinstance(text, str) or not text.strip() or len(text) > 5000:
            p.append(Problem(name, "expected non-blank text of at most 5000 characters", "text"))
    if not all(isinstance(s, Site) for s in finding.regions):
        p.append(Problem("regions", "expected Site or BodyRegion values", "type"))
    for name in ("modalities", "tags"):
        value = _field(finding, name)
        if not isinstance(value, frozenset) or not all(isinstance(x, str) for x in value):
            p.append(Problem(name, "expected a set of strings", "type"))
    grade = _field(finding, "max_grade")
    if grade is not None and not isinstance(grade, PressureGrade):
        p.append(Problem("max_grade", "expected a PressureGrade", "type"))
    pressure = _field(finding, "max_pressure")
    if pressure is not None and not isinstance(pressure, Pressure):
        p.append(Problem("max_pressure", "expected a Pressure", "type"))
    evidence = _field(finding, "evidence")
    if not isinstance(evidence, tuple) or not all(isinstance(e, str) for e in evidence):
        p.append(Problem("evidence", "expected a tuple of strings", "type"))
    if p:
        raise ValidationError(p, "Finding")


@attrs.frozen(kw_only=True, slots=True)
class Finding:
    """One thing screening found, and what to do about it.

    Attributes:
        rule_id: The id of the rule that produced it.
        severity: Absolute, local, relative or information (after the `Policy`).
        action: What to do.
        rationale: Why, in generic clinical terms (never the patient's own data).
        source: The citation behind the rule.
        regions: Where it applies; empty means the whole body.
        modalities: The modality codes it restricts; with *tags* empty too, it
            restricts every modality.
        tags: Modality contraindication tags it restricts (``deep_pressure``,
            ``lymphatic`` ...): a modality carrying any of them is restricted.
        max_grade: The highest Walton pressure grade allowed where it applies, if
            the finding limits pressure rather than forbidding contact.
        max_pressure: The highest measured pressure allowed, in any pressure unit.
        evidence: What triggered it, as codes and structured facts
            (``"ICD-10-CM I82.401"``, ``"medication class anticoagulant"``).
        reclassified_from: The rule's own severity, when a `Policy` changed it.
    """

    rule_id: str
    severity: Severity
    action: Action
    rationale: str
    source: str
    regions: tuple[Site, ...] = attrs.field(default=(), converter=_to_sites)
    modalities: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    max_grade: PressureGrade | None = None
    max_pressure: Pressure | None = None
    evidence: tuple[str, ...] = ()
    reclassified_from: Severity | None = None

    def __attrs_post_init__(self) -> None:
        _check_finding(self)

    @property
    def whole_body(self) -> bool:
        """Whether the finding applies everywhere (no regions named)."""
        return not self.regions

    @property
    def limits_pressure(self) -> bool:
        """Whether the finding sets a grade or pressure limit (rather than no contact)."""
        return self.max_grade is not None or self.max_pressure is not None

    def concerns(self, modality: str, tags: frozenset[str]) -> bool:
        """Whether the finding restricts modality *modality* carrying *tags*."""
        if not self.modalities and not self.tags:
            return True
        return modality in self.modalities or not self.tags.isdisjoint(tags)

    def applies_to(self, region: BodyRegion, laterality: Laterality | None) -> bool:
        """Whether the finding covers *region* on side *laterality*."""
        return not self.regions or any(s.overlaps(region, laterality) for s in self.regions)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary (enums as their values, pressures as value+unit)."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "action": self.action.value,
            "rationale": self.rationale,
            "source": self.source,
            "regions": [
                {
                    "region": s.region.value,
                    "laterality": s.laterality.value if s.laterality else None,
                }
                for s in self.regions
            ],
            "modalities": sorted(self.modalities),
            "tags": sorted(self.tags),
            "max_grade": int(self.max_grade) if self.max_grade is not None else None,
            "max_pressure": self.max_pressure.to_dict() if self.max_pressure else None,
            "evidence": list(self.evidence),
            "reclassified_from": self.reclassified_from.value if self.reclassified_from else None,
        }


@attrs.frozen(kw_only=True, slots=True)
class RuleFailure:
    """A rule that could not be evaluated, or could not be loaded.

    Attributes:
        rule_id: The rule's id (or the entry-point name of a rule plugin that failed
            to load).
        cause: The exception type and message, or what was wrong with the result.
        stage: ``"load"`` (the rule plugin failed to load) or ``"evaluate"``.
        error: The exception a rule raised, if any (its text is not copied into
            *cause*, since it may quote patient data).
    """

    rule_id: str
    cause: str
    stage: Literal["load", "evaluate"] = "evaluate"
    error: BaseException | None = attrs.field(default=None, eq=False, repr=False)

    def __str__(self) -> str:
        verb = "could not be loaded" if self.stage == "load" else "could not be evaluated"
        return f"rule {self.rule_id!r} {verb}: {self.cause}"


@attrs.frozen(kw_only=True, slots=True)
class Violation:
    """A session segment that breaks a finding.

    Attributes:
        rule_id: The rule whose finding is broken.
        segment: The index of the segment in ``session.segments``.
        kind: ``"absolute"`` (treatment despite a do-not-treat finding),
            ``"region"`` (work over an avoided area), ``"modality"`` (an avoided
            modality), ``"grade"`` or ``"pressure"`` (above the limit), or
            ``"unverified"`` (a limit applies and the segment records neither a grade
            nor a pressure that shows it was kept).
        message: What was broken.
    """

    rule_id: str
    segment: int
    kind: Literal["absolute", "region", "modality", "grade", "pressure", "unverified"]
    message: str

    def __str__(self) -> str:
        return f"segments[{self.segment}]: {self.message} ({self.rule_id})"


@attrs.frozen(kw_only=True, slots=True)
class PlanConflict:
    """A planned technique that a finding rules out or limits below the plan.

    Conflicts do not change the status (the findings already make it *modify* or
    *defer*); they say which techniques of the plan to change.

    Attributes:
        rule_id: The rule whose finding the plan conflicts with.
        technique: The index of the technique in ``plan.techniques``.
        kind: ``"absolute"``, ``"region"``, ``"modality"``, ``"grade"`` (the planned
            Walton range goes above the limit) or ``"pressure"`` (the planned
            pressure ceiling is above the limit, or there is none).
        message: What conflicts.
    """

    rule_id: str
    technique: int
    kind: Literal["absolute", "region", "modality", "grade", "pressure"]
    message: str

    def __str__(self) -> str:
        return f"techniques[{self.technique}]: {self.message} ({self.rule_id})"


# -- policy --------------------------------------------------------------------------


def _freeze_severities(value: Mapping[str, Severity]) -> Mapping[str, Severity]:
    given: object = value
    items: list[tuple[object, object]] = list(value.items()) if isinstance(given, Mapping) else []
    if not isinstance(given, Mapping) or not all(
        isinstance(k, str) and isinstance(v, Severity) for k, v in items
    ):
        raise ValidationError(
            [Problem("severities", "expected a mapping of rule id to Severity", "type")], "Policy"
        )
    return MappingProxyType(dict(value))


def _mmhg(value: float) -> Callable[[], Pressure]:
    return lambda: Pressure(value, "mmHg")


@attrs.frozen(kw_only=True, slots=True)
class Policy:
    """How findings are classified, and the thresholds the built-in rules use.

    The defaults follow clinical.md section 2.3 ("suggested default" classes) and
    are a policy choice, not a consensus: Batavia 2004 found no agreed list.
    Override any of them::

        Policy(severities={"core.first_trimester": Severity.RELATIVE})

    Status is derived from the (reclassified) findings: any rule failure makes it
    *indeterminate*; otherwise an absolute finding that concerns every modality,
    or a session segment that breaks a finding (when `violations_defer`), makes
    it *defer*; an absolute finding limited to some modalities (no lymphatic
    drainage with heart failure) defers the techniques of those modalities
    (`Assessment.techniques`) and makes the whole *modify*, as a local or
    relative finding does: the plan changes, treatment goes on; information
    alone is *clear*. Per technique, a finding that forbids it (absolute, or
    avoid its region or modality) makes it *defer*, one that limits or
    qualifies it makes it *modify*.

    Attributes:
        severities: Rule id to the severity its findings should have. Reclassifying
            never removes a finding; the rule's own severity is kept in
            `Finding.reclassified_from`.
        fever: Body temperature at or above which the fever rule defers
            treatment (default 38.0 degC; spaverde.pl via clinical.md, a weak
            source).
        systolic_limit: Systolic pressure at or above which treatment is
            deferred (default 180 mmHg).
        diastolic_limit: Diastolic pressure at or above which treatment is deferred
            (default 120 mmHg). Both defaults are the ACC/AHA 2017 threshold of a
            hypertensive crisis (Whelton et al., Hypertension 2018;71:e13-e115);
            "severe uncontrolled hypertension" in the ABMP policy has no number.
        surgery_no_contact: How long after an operation its site is not touched
            unless the surgeon cleared it (default 14 days: "two weeks after
            surgery", Moffitt, quoted by clinical.md; UNCONFIRMED as a guideline).
        surgery_light_only: How long after an operation, without clearance, only
            light pressure is used over the site (default 84 days = 12 weeks:
            "avoid deep tissue 6-12 weeks", UNCONFIRMED).
        late_pregnancy_weeks: Gestational age from which supine positioning is
            replaced by side-lying (default 22 weeks; massagelamesa.com).
        violations_defer: Whether a session segment that breaks a finding makes
            the status *defer* (default true).
    """

    severities: Mapping[str, Severity] = attrs.field(
        factory=dict, converter=_freeze_severities, eq=False
    )
    fever: Temperature = attrs.field(factory=lambda: Temperature(38.0, "degC"))
    systolic_limit: Pressure = attrs.field(factory=_mmhg(180))
    diastolic_limit: Pressure = attrs.field(factory=_mmhg(120))
    surgery_no_contact: Duration = attrs.field(factory=lambda: Duration(14 * 24 * 60, "min"))
    surgery_light_only: Duration = attrs.field(factory=lambda: Duration(84 * 24 * 60, "min"))
    late_pregnancy_weeks: float = 22.0
    violations_defer: bool = True

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        kinds: tuple[tuple[str, type], ...] = (
            ("fever", Temperature),
            ("systolic_limit", Pressure),
            ("diastolic_limit", Pressure),
            ("surgery_no_contact", Duration),
            ("surgery_light_only", Duration),
        )
        for name, kind in kinds:
            if not isinstance(getattr(self, name), kind):
                p.append(Problem(name, f"expected a {kind.__name__}", "type"))
        weeks: object = self.late_pregnancy_weeks
        if isinstance(weeks, bool) or not isinstance(weeks, int | float) or not 0 <= weeks <= 42:
            p.append(Problem("late_pregnancy_weeks", "expected weeks between 0 and 42", "range"))
        if p:
            raise ValidationError(p, "Policy")

    def classify(self, finding: Finding) -> Finding:
        """Return *finding* with the severity this policy gives its rule."""
        severity = self.severities.get(finding.rule_id)
        if severity is None or severity is finding.severity:
            return finding
        return attrs.evolve(finding, severity=severity, reclassified_from=finding.severity)

    def status(
        self,
        findings: Sequence[Finding],
        failures: Sequence[RuleFailure] = (),
        violations: Sequence[Violation] = (),
    ) -> ScreeningStatus:
        """Derive the status of an assessment (see the class docstring)."""
        if failures:
            return ScreeningStatus.INDETERMINATE
        if self.violations_defer and violations:
            return ScreeningStatus.DEFER
        status = ScreeningStatus.CLEAR
        for f in findings:
            if f.severity is Severity.ABSOLUTE and not (f.modalities or f.tags):
                return ScreeningStatus.DEFER
            if f.severity is not Severity.INFORMATION:
                status = ScreeningStatus.MODIFY
        return status


_DEFAULT_POLICY: list[Policy] = []


def default_policy() -> Policy:
    """Return the default `Policy` (built on first use)."""
    if not _DEFAULT_POLICY:
        _DEFAULT_POLICY.append(Policy())
    return _DEFAULT_POLICY[0]


# -- context -------------------------------------------------------------------------


def _case_conditions(
    patient: Patient, plan: TreatmentPlan
) -> tuple[tuple[Condition, ...], tuple[tuple[str, ...], ...]]:
    """Every coded condition of the case, deduplicated, with the paths it was found at.

    The patient's active conditions come first, then the plan's diagnoses, then
    the referral's. Entries with the same code, region and side are one
    condition; an entry without a region is dropped when the same code is also
    recorded with a region (it adds nothing the located one does not say).
    """
    found: dict[tuple[object, ...], tuple[Condition, list[str]]] = {}
    for i, c in enumerate(patient.conditions):
        if c.status.is_active:
            key = (c.code.system, c.code.code, c.region, c.laterality)
            entry = found.get(key)
            if entry is None:
                found[key] = (c, [f"patient.conditions[{i}]"])
            else:
                entry[1].append(f"patient.conditions[{i}]")
    groups: list[tuple[str, tuple[Diagnosis, ...]]] = [("plan.diagnoses", plan.diagnoses)]
    if plan.referral is not None:
        groups.append(("plan.referral.diagnoses", plan.referral.diagnoses))
    for prefix, diagnoses in groups:
        for i, d in enumerate(diagnoses):
            key = (d.coding.system, d.coding.code, d.region, d.laterality)
            entry = found.get(key)
            if entry is None:
                found[key] = (_as_condition(d), [f"{prefix}[{i}]"])
            else:
                entry[1].append(f"{prefix}[{i}]")
    if len(found) > 1:
        located = {(k[0], k[1]) for k in found if k[2] is not None}
        for loose in [k for k in found if k[2] is None and (k[0], k[1]) in located]:
            merged_into = next(
                k for k in found if k[2] is not None and (k[0], k[1]) == (loose[0], loose[1])
            )
            found[merged_into][1].extend(found.pop(loose)[1])
    conditions = tuple(c for c, _ in found.values())
    origins = tuple(tuple(where) for _, where in found.values())
    return conditions, origins


# Diagnosis -> the Condition screening sees, by identity (the diagnosis is kept, so its
# id cannot be reused while the entry lives); bounded, cleared when full.
_CONDITIONS: dict[int, tuple[Diagnosis, Condition]] = {}


def _as_condition(d: Diagnosis) -> Condition:
    cached = _CONDITIONS.get(id(d))
    if cached is not None and cached[0] is d:
        return cached[1]
    condition = Condition(code=d.coding, onset=d.onset, region=d.region, laterality=d.laterality)
    if len(_CONDITIONS) >= 8192:
        _CONDITIONS.clear()
    _CONDITIONS[id(d)] = (d, condition)
    return condition


#: Weeks of gestation past which a pregnancy record is taken to be out of date.
MAX_GESTATION_WEEKS: Final = 42


def _context_advisories(patient: Patient, plan: TreatmentPlan, on: dt.date) -> tuple[Advisory, ...]:
    out: list[Advisory] = []
    if not plan.covers(on):
        out.append(
            Advisory(
                code="date_outside_plan",
                path="on",
                message=f"the screening date {on} is outside the plan's dates "
                f"({plan.start_date} to {plan.end_date})",
            )
        )
    if on < patient.birth_date:
        out.append(
            Advisory(
                code="date_before_birth",
                path="on",
                message="the screening date is before the patient's date of birth",
                level=AdvisoryLevel.ERROR,
            )
        )
    pregnancy = patient.pregnancy
    if pregnancy is not None:
        weeks = pregnancy.weeks_on(on)
        if weeks > MAX_GESTATION_WEEKS:
            out.append(
                Advisory(
                    code="pregnancy_past_term",
                    path="patient.pregnancy",
                    message=f"the pregnancy recorded on {pregnancy.recorded_on} would be past "
                    f"{MAX_GESTATION_WEEKS} weeks on {on}: update the pregnancy record; "
                    "pregnancy precautions still apply until it is updated",
                )
            )
        elif weeks < 0:
            out.append(
                Advisory(
                    code="pregnancy_recorded_later",
                    path="patient.pregnancy.recorded_on",
                    message=f"the pregnancy was recorded after the screening date {on}: "
                    "its gestational age on that date is unknown",
                )
            )
    return tuple(out)


@attrs.frozen(kw_only=True, slots=True, repr=False)
class ScreeningContext:
    """Everything a rule may look at, frozen.

    New fields may be added in later versions without breaking rules, since rules
    receive this one object. Derived facts are computed once, so each rule need not
    recompute them.

    Attributes:
        patient: The patient.
        plan: The treatment plan.
        on: The date of screening.
        session: The session being screened, if any.
        practitioner: The treating practitioner, if known (certifications).
        modalities: The modalities known to the registry, by code.
        policy: The classification policy and thresholds.
        conditions: Every coded condition the case knows, deduplicated (derived):
            the patient's active conditions, the plan's diagnoses and its
            referral's diagnoses (a diagnosis is taken as an active condition).
        origins: For each of *conditions*, in the same order, the paths it was
            found at (``"patient.conditions[0]"``, ``"plan.diagnoses[1]"``,
            ``"plan.referral.diagnoses[0]"``) (derived).
        icd10cm: The dotted ICD-10-CM codes of *conditions*, in the same order (``None``
            for a condition coded in another system) (derived).
        advisories: What the context noticed about its own inputs: a screening
            date outside the plan's dates, a pregnancy record that cannot be
            projected to the screening date (derived).
        medication_classes: The classes of the patient's active medications (derived).
        modality_codes: The modalities the plan and the session use (derived).
        modality_tags: The contraindication tags of those modalities (derived).
        unknown_modalities: Modalities used that *modalities* does not know (derived).
        required_certifications: Certifications those modalities require (derived).
    """

    patient: Patient
    plan: TreatmentPlan
    on: dt.date
    session: Session | None = None
    practitioner: Practitioner | None = None
    modalities: Mapping[str, Modality] = attrs.field(factory=dict, eq=False)
    policy: Policy = attrs.field(factory=default_policy)
    conditions: tuple[Condition, ...] = attrs.field(init=False)
    origins: tuple[tuple[str, ...], ...] = attrs.field(init=False)
    icd10cm: tuple[str | None, ...] = attrs.field(init=False)
    medication_classes: frozenset[MedicationClass] = attrs.field(init=False)
    modality_codes: frozenset[str] = attrs.field(init=False)
    modality_tags: frozenset[str] = attrs.field(init=False)
    unknown_modalities: frozenset[str] = attrs.field(init=False)
    required_certifications: frozenset[str] = attrs.field(init=False)
    advisories: tuple[Advisory, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        me: Any = self  # fields are checked at run time, whatever their annotations say
        if not (
            type(me.patient) is Patient
            and type(me.plan) is TreatmentPlan
            and type(me.on) is dt.date
            and (me.session is None or type(me.session) is Session)
            and me.practitioner is None
            and type(me.policy) is Policy
        ):
            self._check_types()
        conditions, origins = _case_conditions(self.patient, self.plan)
        setter = object.__setattr__
        setter(self, "conditions", conditions)
        setter(self, "origins", origins)
        setter(self, "icd10cm", tuple(c.icd10cm for c in conditions))
        setter(
            self,
            "medication_classes",
            frozenset(k for m in self.patient.medications if m.active for k in m.classes),
        )
        codes = {t.modality for t in self.plan.techniques}
        if self.session is not None:
            codes.update(s.modality for s in self.session.segments)
        tags: set[str] = set()
        unknown: set[str] = set()
        certs: set[str] = set()
        for code in codes:
            modality = self.modalities.get(code)
            if modality is None:
                unknown.add(code)
            else:
                tags |= modality.contraindication_tags
                certs |= modality.required_certifications
        setter(self, "modality_codes", frozenset(codes))
        setter(self, "modality_tags", frozenset(tags))
        setter(self, "unknown_modalities", frozenset(unknown))
        setter(self, "required_certifications", frozenset(certs))
        setter(self, "advisories", _context_advisories(self.patient, self.plan, self.on))

    def _check_types(self) -> None:
        p: list[Problem] = []
        kinds: tuple[tuple[str, type, bool], ...] = (
            ("patient", Patient, False),
            ("plan", TreatmentPlan, False),
            ("session", Session, True),
            ("practitioner", Practitioner, True),
            ("policy", Policy, False),
        )
        for name, kind, optional in kinds:
            value = _field(self, name)
            if not (isinstance(value, kind) or (optional and value is None)):
                p.append(Problem(name, f"expected a {kind.__name__}", "type"))
        if type(_field(self, "on")) is not dt.date:
            p.append(Problem("on", "expected a date", "type"))
        if p:
            raise ValidationError(p, "ScreeningContext")

    def __repr__(self) -> str:
        return f"ScreeningContext(patient={self.patient!r}, plan={self.plan.id!r}, on={self.on})"

    def matching(self, codes: CodeSet) -> Iterator[Condition]:
        """Yield the conditions (history, plan, referral) whose ICD-10-CM code is in *codes*."""
        for condition, code in zip(self.conditions, self.icd10cm, strict=True):
            if code is not None and codes.matches(code):
                yield condition

    def origin(self, condition: Condition) -> tuple[str, ...]:
        """The paths where *condition* (one of `conditions`) was found in the case."""
        for known, where in zip(self.conditions, self.origins, strict=True):
            if known is condition or known == condition:
                return where
        return ()

    def evidence(self, condition: Condition) -> str:
        """The evidence text of a finding triggered by *condition*.

        The code and where it came from, e.g.
        ``"ICD-10-CM I82.401 (plan.diagnoses[0])"``. Rules (plugins too) should
        use it so every finding names where its evidence came from.
        """
        code = condition.code
        system = "ICD-10-CM" if code.system == ICD10CM else code.system
        where = self.origin(condition)
        return f"{system} {code.code}" + (f" ({', '.join(where)})" if where else "")

    def uses(self, *, modality: str | None = None, tag: str | None = None) -> bool:
        """Whether the plan or session uses modality *modality*, or one tagged *tag*."""
        if modality is not None and modality in self.modality_codes:
            return True
        return tag is not None and tag in self.modality_tags

    def works_on(self, region: BodyRegion, laterality: Laterality | None = None) -> bool:
        """Whether a planned technique or session segment touches *region* (side)."""
        for t in self.plan.techniques:
            if regions_overlap(region, laterality, t.region, t.laterality):
                return True
        if self.session is not None:
            for s in self.session.segments:
                if regions_overlap(region, laterality, s.region, s.laterality):
                    return True
        return False

    def modality_tags_of(self, code: str) -> frozenset[str]:
        """The contraindication tags of modality *code* (empty if unknown)."""
        modality = self.modalities.get(code)
        return modality.contraindication_tags if modality is not None else frozenset()


# -- the rule protocol ---------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class Triggers:
    """What makes a rule worth evaluating: the engine's index keys.

    A rule is evaluated for a context that has at least one of its triggers. A
    rule whose triggers are all empty, or whose `Rule.triggers` is ``None``, is
    evaluated for every context (the safe default for a rule that does not say).

    Attributes:
        icd10cm: Active conditions with a code in this set.
        medication_classes: Active medications of these classes.
        flags: These risk flags.
        devices: Implanted devices of these kinds.
        modality_tags: A planned or applied modality carrying one of these tags.
        modalities: A planned or applied modality with one of these codes.
        pregnancy: A recorded pregnancy.
        surgeries: Any recorded surgery.
        vitals: Vital signs recorded in the session.
        certifications: A planned or applied modality that requires a certification.
        always: Evaluate for every context.
    """

    icd10cm: CodeSet | None = None
    medication_classes: frozenset[MedicationClass] = frozenset()
    flags: frozenset[RiskFlag] = frozenset()
    devices: frozenset[DeviceKind] = frozenset()
    modality_tags: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    pregnancy: bool = False
    surgeries: bool = False
    vitals: bool = False
    certifications: bool = False
    always: bool = False

    @property
    def empty(self) -> bool:
        """Whether no trigger is set (such a rule is evaluated always)."""
        return not (
            self.icd10cm
            or self.medication_classes
            or self.flags
            or self.devices
            or self.modality_tags
            or self.modalities
            or self.pregnancy
            or self.surgeries
            or self.vitals
            or self.certifications
            or self.always
        )


@runtime_checkable
class Rule(Protocol):
    """A contraindication rule (implement this to write a rule plugin).

    Attributes are read-only; a frozen attrs class is the natural implementation.
    The ``evaluate`` method must be pure and deterministic: the same context gives
    the same findings, and nothing outside the returned findings changes.
    """

    @property
    def id(self) -> str:
        """The registry key (``core.*`` is reserved for built-ins)."""

    @property
    def title(self) -> str:
        """A short human-readable title."""

    @property
    def severity(self) -> Severity:
        """The severity of the rule's typical finding (findings carry their own)."""

    @property
    def modalities(self) -> frozenset[str]:
        """The modality codes or tags the rule concerns (empty: every modality)."""

    @property
    def regions(self) -> frozenset[BodyRegion]:
        """The body regions the rule concerns (empty: any region)."""

    @property
    def source(self) -> str:
        """The citation behind the rule."""

    @property
    def api_version(self) -> int:
        """The plugin API version the rule targets."""

    @property
    def triggers(self) -> Triggers | None:
        """What makes the rule worth evaluating (``None``: every context)."""

    def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
        """Return the findings for *context* (possibly none)."""


_RULE_ATTRS: Final = (
    ("id", str),
    ("title", str),
    ("severity", Severity),
    ("modalities", frozenset),
    ("regions", frozenset),
    ("source", str),
    ("api_version", int),
)


def check_rule(obj: object) -> list[str]:
    """Check *obj* against the `Rule` protocol; return what is wrong (empty if nothing).

    Checks every attribute's presence and type, that ``triggers`` is a `Triggers`
    or ``None``, that the id is a lower-case dotted key, and that ``evaluate``
    takes exactly one argument (the `ScreeningContext`).
    """
    problems: list[str] = []
    for name, kind in _RULE_ATTRS:
        try:
            value: object = getattr(obj, name)
        except AttributeError:
            problems.append(f"missing attribute {name!r}")
            continue
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a property that raised (SystemExit included)
            problems.append(f"attribute {name!r} raised {type(exc).__name__}")
            continue
        if kind is int and isinstance(value, bool):
            problems.append(f"{name} must be an int, not bool")
        elif not isinstance(value, kind):
            problems.append(f"{name} must be {kind.__name__}, not {type(value).__name__}")
        elif name == "source" and isinstance(value, str) and not value.strip():
            problems.append("source must cite the rule's source (non-blank)")
        elif name == "id" and isinstance(value, str) and _KEY.match(value) is None:
            problems.append("id must be a lower-case dotted key like 'cupping.anticoagulants'")
    triggers = _guarded_attr(obj, "triggers")
    if triggers is _MISSING:
        problems.append("missing attribute 'triggers' (use None to be evaluated always)")
    elif isinstance(triggers, _Raised):
        problems.append(f"attribute 'triggers' raised {triggers.name}")
    elif triggers is not None and not isinstance(triggers, Triggers):
        problems.append(f"triggers must be Triggers or None, not {type(triggers).__name__}")
    evaluate = _guarded_attr(obj, "evaluate")
    if isinstance(evaluate, _Raised):
        problems.append(f"attribute 'evaluate' raised {evaluate.name}")
    elif not callable(evaluate):
        problems.append("missing method evaluate(context)")
    else:
        try:
            sig = inspect.signature(evaluate)
        except (TypeError, ValueError):  # pragma: no cover - builtins without signature
            sig = None
        if sig is not None:
            try:
                sig.bind(None)
            except TypeError:
                problems.append(f"evaluate{sig} must accept exactly one argument (the context)")
    return problems


@attrs.frozen(slots=True)
class _Raised:
    name: str


def _guarded_attr(obj: object, name: str) -> object:
    """``getattr`` that reports, rather than raises, whatever a property raises."""
    try:
        return getattr(obj, name)
    except AttributeError:
        return _MISSING
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        return _Raised(type(exc).__name__)


def _read_rule(rule: object) -> tuple[str, Triggers | None]:
    """Read a checked rule's id and triggers, whatever its properties raise."""
    try:
        rule_id: object = getattr(rule, "id")  # noqa: B009 - a property may raise
        triggers: object = getattr(rule, "triggers")  # noqa: B009
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise UsageError(
            f"not a contraindication rule: {type(rule).__name__} (reading its id or triggers "
            f"raised {type(exc).__name__})"
        ) from None
    if not isinstance(rule_id, str) or not (triggers is None or isinstance(triggers, Triggers)):
        raise UsageError(f"not a contraindication rule: {type(rule).__name__} (id or triggers)")
    return rule_id, triggers


_MISSING: Final = object()
_KEY: Final = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


# -- the engine ----------------------------------------------------------------------


class RuleSet:
    """The screening engine: an immutable, indexed set of rules.

    Rules are indexed once, on construction, by their `Triggers`; `assess` shows
    a context only to the rules it triggers (plus those that ask to see every
    context), in id order. Building a `RuleSet` is the expensive part: reuse it
    (registries cache theirs).

    Args:
        rules: The rules; ids must be unique.
        failures: Rule plugins that failed to load. They make every assessment
            *indeterminate* (fail closed).

    Raises:
        UsageError: If two rules share an id, or a rule does not satisfy `Rule`.
    """

    __slots__ = (
        "_always",
        "_by_device",
        "_by_flag",
        "_by_icd",
        "_by_med",
        "_by_modality",
        "_by_tag",
        "_certifications",
        "_failures",
        "_ids",
        "_pregnancy",
        "_rules",
        "_surgeries",
        "_vitals",
    )

    def __init__(self, rules: Iterable[Rule], *, failures: Iterable[RuleFailure] = ()) -> None:
        facts: list[tuple[str, Triggers | None, Rule]] = []
        for rule in rules:
            problems = check_rule(rule)
            if problems:
                raise UsageError(
                    f"not a contraindication rule: {type(rule).__name__} ({'; '.join(problems)})"
                )
            facts.append((*_read_rule(rule), rule))
        facts.sort(key=lambda f: f[0])
        seen: set[str] = set()
        for rule_id, _, _ in facts:
            if rule_id in seen:
                raise UsageError(f"two rules have the id {rule_id!r}")
            seen.add(rule_id)
        # Ids and triggers are read once: a rule's properties are not trusted to
        # answer the same way twice.
        self._rules: tuple[Rule, ...] = tuple(f[2] for f in facts)
        self._ids: tuple[str, ...] = tuple(f[0] for f in facts)
        self._failures: tuple[RuleFailure, ...] = tuple(failures)
        by_icd: dict[str, list[int]] = {}
        by_med: dict[MedicationClass, list[int]] = {}
        by_flag: dict[RiskFlag, list[int]] = {}
        by_device: dict[DeviceKind, list[int]] = {}
        by_tag: dict[str, list[int]] = {}
        by_modality: dict[str, list[int]] = {}
        always: list[int] = []
        pregnancy: list[int] = []
        surgeries: list[int] = []
        vitals: list[int] = []
        certifications: list[int] = []
        for i, (_, t, _) in enumerate(facts):
            if t is None or t.empty or t.always:
                always.append(i)
                continue
            if t.icd10cm is not None:
                for cat in t.icd10cm.categories:
                    by_icd.setdefault(cat, []).append(i)
            for med in t.medication_classes:
                by_med.setdefault(med, []).append(i)
            for flag in t.flags:
                by_flag.setdefault(flag, []).append(i)
            for device in t.devices:
                by_device.setdefault(device, []).append(i)
            for tag in t.modality_tags:
                by_tag.setdefault(tag, []).append(i)
            for code in t.modalities:
                by_modality.setdefault(code, []).append(i)
            if t.pregnancy:
                pregnancy.append(i)
            if t.surgeries:
                surgeries.append(i)
            if t.vitals:
                vitals.append(i)
            if t.certifications:
                certifications.append(i)
        self._by_icd = {k: tuple(v) for k, v in by_icd.items()}
        self._by_med = {k: tuple(v) for k, v in by_med.items()}
        self._by_flag = {k: tuple(v) for k, v in by_flag.items()}
        self._by_device = {k: tuple(v) for k, v in by_device.items()}
        self._by_tag = {k: tuple(v) for k, v in by_tag.items()}
        self._by_modality = {k: tuple(v) for k, v in by_modality.items()}
        self._always = tuple(always)
        self._certifications = tuple(certifications)
        self._pregnancy = tuple(pregnancy)
        self._surgeries = tuple(surgeries)
        self._vitals = tuple(vitals)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules, in id order."""
        return self._rules

    @property
    def failures(self) -> tuple[RuleFailure, ...]:
        """Rule plugins that failed to load."""
        return self._failures

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self._rules)} rules, {len(self._failures)} load failures)"

    def candidates(self, context: ScreeningContext) -> tuple[Rule, ...]:
        """The rules *context* triggers, in id order."""
        rules = self._rules
        return tuple([rules[i] for i in self.candidate_indices(context)])

    def candidate_indices(self, context: ScreeningContext) -> tuple[int, ...]:
        """The positions in `rules` of the rules *context* triggers, in id order."""
        hits: set[int] = set(self._always)
        by_icd = self._by_icd
        for code in context.icd10cm:
            if code is not None:
                found = by_icd.get(code[:3])
                if found:
                    hits.update(found)
        if self._by_med:
            for med in context.medication_classes:
                found = self._by_med.get(med)
                if found:
                    hits.update(found)
        patient = context.patient
        if self._by_flag:
            for flag in patient.flags:
                found = self._by_flag.get(flag)
                if found:
                    hits.update(found)
        if self._by_device:
            for device in patient.devices:
                found = self._by_device.get(device.kind)
                if found:
                    hits.update(found)
        if self._by_tag:
            for tag in context.modality_tags:
                found = self._by_tag.get(tag)
                if found:
                    hits.update(found)
        if self._by_modality:
            for code in context.modality_codes:
                found = self._by_modality.get(code)
                if found:
                    hits.update(found)
        if patient.pregnancy is not None:
            hits.update(self._pregnancy)
        if patient.surgeries:
            hits.update(self._surgeries)
        if context.session is not None and context.session.vitals is not None:
            hits.update(self._vitals)
        if context.required_certifications:
            hits.update(self._certifications)
        if len(hits) == len(self._always):
            return self._always  # nothing but the rules that see every context
        return tuple(sorted(hits))

    def assess(self, context: ScreeningContext, *, strict: bool = False) -> Assessment:
        """Evaluate the rules *context* triggers and derive the assessment.

        A session in the context is also checked against the findings
        (`check_session`). Modalities the registry does not know are a failure
        (their tags cannot be checked), as are rule plugins that failed to load.

        A rule that raises anything (`SystemExit` and `GeneratorExit` included;
        only `KeyboardInterrupt` passes through), returns something that is not
        a `Finding` of its own, or changes the context or the records it holds
        is a failure: the assessment is *indeterminate* and names it. Rules
        outside the ``core.`` namespace are evaluated under a guard: whatever
        such a rule rebinds (``object.__setattr__`` on the context, the patient,
        the plan, the session ...) is put back before the next rule runs, so
        rules cannot affect each other or the caller's objects.

        Raises:
            RuleExecutionError: In strict mode, if a rule raised, returned
                something that is not a `Finding` of its own, or changed its context.
            ScreeningError: In strict mode, if a rule plugin failed to load or a
                modality is unknown.
        """
        failures = list(self._failures)
        for code in sorted(context.unknown_modalities):
            failures.append(
                RuleFailure(
                    rule_id=f"modality:{code}",
                    cause="unknown modality: its contraindication tags cannot be checked",
                    stage="load",
                )
            )
        if strict and failures:
            raise ScreeningError("screening is incomplete: " + "; ".join(str(f) for f in failures))
        findings: list[Finding] = []
        policy = context.policy
        guard: _Guard | None = None
        for index in self.candidate_indices(context):
            rule = self._rules[index]
            rule_id = self._ids[index]
            trusted = rule_id.startswith("core.")
            if guard is None and not trusted:
                guard = _Guard(context)
            try:
                batch: list[object] = list(rule.evaluate(context))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit, GeneratorExit ... are rule failures too
                # The exception's own text may quote the patient's data: keep only its type
                # in messages; the exception itself stays attached for debugging.
                cause = f"{type(exc).__name__} raised by evaluate()"
                if guard is not None:
                    guard.restore()
                if strict:
                    raise RuleExecutionError(rule_id, cause) from exc
                failures.append(RuleFailure(rule_id=rule_id, cause=cause, error=exc))
                continue
            if not trusted and guard is not None:
                changed = guard.restore()
                if changed:
                    cause = "evaluate() changed its screening context: " + ", ".join(changed)
                    if strict:
                        raise RuleExecutionError(rule_id, cause)
                    failures.append(RuleFailure(rule_id=rule_id, cause=cause))
                    continue
            bad = _bad_result(rule_id, batch)
            if bad is not None:
                if strict:
                    raise RuleExecutionError(rule_id, bad)
                failures.append(RuleFailure(rule_id=rule_id, cause=bad))
                continue
            for finding in batch:
                assert isinstance(finding, Finding)
                findings.append(policy.classify(finding) if policy.severities else finding)
        violations: tuple[Violation, ...] = ()
        if findings and context.session is not None:
            violations = check_session(findings, context.session, context.modalities)
        return Assessment(
            findings=findings,
            failures=tuple(failures),
            violations=violations,
            advisories=context.advisories,
            on=context.on,
            policy=policy,
            plan=context.plan,
            modalities=context.modalities,
        )


class _Guard:
    """Every attribute binding reachable from a screening context, to detect and undo changes.

    The models are frozen, so the only way a rule can change them is
    ``object.__setattr__``; recording each (object, attribute, value) once and
    comparing identities after a rule finds every such change and restores it.
    """

    __slots__ = ("_names", "_objects", "_paths", "_values")

    def __init__(self, context: ScreeningContext) -> None:
        self._objects: list[object] = []
        self._names: list[str] = []
        self._values: list[object] = []
        self._paths: list[str] = []
        seen: set[int] = set()
        roots: list[tuple[str, object]] = [("context", context)]
        known = sorted(context.modality_codes - context.unknown_modalities)
        roots.extend((f"modalities[{c!r}]", context.modalities[c]) for c in known)
        stack = roots[::-1]
        while stack:
            path, obj = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, tuple | frozenset):
                stack.extend((f"{path}[{i}]", v) for i, v in enumerate(obj))
                continue
            if isinstance(obj, Mapping):
                stack.extend((f"{path}[{k!r}]", v) for k, v in obj.items())
                continue
            for name in _slot_names(type(obj)):
                try:
                    value = object.__getattribute__(obj, name)
                except AttributeError:  # pragma: no cover - an unset slot
                    continue
                self._objects.append(obj)
                self._names.append(name)
                self._values.append(value)
                self._paths.append(f"{path}.{name}")
                if not isinstance(value, str | int | float | enum.Enum | dt.date | type(None)):
                    stack.append((f"{path}.{name}", value))

    def restore(self) -> list[str]:
        """Put back every binding that changed; return the changed paths."""
        changed: list[str] = []
        get = object.__getattribute__
        for i, obj in enumerate(self._objects):
            name = self._names[i]
            try:
                same = get(obj, name) is self._values[i]
            except AttributeError:  # deleted with object.__delattr__
                same = False
            if not same:
                object.__setattr__(obj, name, self._values[i])
                changed.append(self._paths[i])
        return changed


_SLOTS: dict[type, tuple[str, ...]] = {}


def _slot_names(cls: type) -> tuple[str, ...]:
    """The instance attributes of a slotted class (attrs models, measures, the context)."""
    known = _SLOTS.get(cls)
    if known is not None:
        return known
    names: list[str] = []
    for klass in cls.__mro__:
        slots = vars(klass).get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__weakref__", "__dict__") and name not in names:
                names.append(name)
    _SLOTS[cls] = tuple(names)
    return _SLOTS[cls]


def _bad_result(rule_id: str, batch: list[object]) -> str | None:
    for item in batch:
        if type(item) is not Finding:
            return f"evaluate() produced a {type(item).__name__}; expected Finding"
        if item.rule_id != rule_id:
            return f"evaluate() produced a finding for rule {item.rule_id!r}"
    return None


def _sort_key(f: Finding) -> tuple[int, str]:
    return (f.severity.rank, f.rule_id)


def _sorted_findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    found = tuple(value)
    return found if len(found) < 2 else tuple(sorted(found, key=_sort_key))


@attrs.frozen(kw_only=True, slots=True)
class TechniqueStatus:
    """The screening answer for one planned technique.

    Attributes:
        technique: The index of the technique in ``plan.techniques``.
        modality: Its modality code.
        region: Its region.
        laterality: Its side.
        status: *clear* (no finding concerns it), *modify* (go ahead within the
            findings' limits: a lower grade or pressure, another position,
            clearance first), *defer* (do not perform this technique now: an
            absolute finding, or one that forbids this region or modality) or
            *indeterminate* (a rule failed, or its modality is unknown).
        rule_ids: The rules whose findings concern it, in the order of the
            assessment's findings.
    """

    technique: int
    modality: str
    region: BodyRegion
    laterality: Laterality | None
    status: ScreeningStatus
    rule_ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        side = f"{self.laterality.value} " if self.laterality is not None else ""
        why = f" ({', '.join(self.rule_ids)})" if self.rule_ids else ""
        return (
            f"techniques[{self.technique}] {self.modality} over {side}{self.region.value}: "
            f"{self.status.value}{why}"
        )


def _technique_statuses(
    findings: Sequence[Finding],
    failures: Sequence[RuleFailure],
    conflicts: Sequence[PlanConflict],
    plan: TreatmentPlan | None,
    modalities: Mapping[str, Modality],
) -> tuple[TechniqueStatus, ...]:
    if plan is None:
        return ()
    blocking = {c.technique for c in conflicts if c.kind in ("absolute", "region", "modality")}
    limiting = {c.technique for c in conflicts if c.kind in ("grade", "pressure")}
    out: list[TechniqueStatus] = []
    for i, t in enumerate(plan.techniques):
        modality = modalities.get(t.modality)
        tags = modality.contraindication_tags if modality is not None else frozenset()
        relevant = [
            f
            for f in findings
            if f.severity is not Severity.INFORMATION
            and (f.concerns(t.modality, tags) or (modality is None and bool(f.tags)))
            and f.applies_to(t.region, t.laterality)
        ]
        concerning = tuple(f.rule_id for f in relevant)
        lowest = t.min_grade if modality is None else max(t.min_grade, modality.min_grade)
        # A grade limit below the lowest grade the technique (or its modality) can be
        # given at rules the technique out, as a no-contact finding does.
        too_light = any(f.max_grade is not None and lowest > f.max_grade for f in relevant)
        if failures or modality is None:
            status = ScreeningStatus.INDETERMINATE
        elif i in blocking or too_light:
            status = ScreeningStatus.DEFER
        elif concerning or i in limiting:
            status = ScreeningStatus.MODIFY
        else:
            status = ScreeningStatus.CLEAR
        out.append(
            TechniqueStatus(
                technique=i,
                modality=t.modality,
                region=t.region,
                laterality=t.laterality,
                status=status,
                rule_ids=tuple(dict.fromkeys(concerning)),
            )
        )
    return tuple(out)


@attrs.frozen(kw_only=True, slots=True)
class Assessment:
    """The result of screening.

    Attributes:
        findings: The findings, most severe first, then by rule id.
        failures: Rules that could not be evaluated or loaded.
        violations: Session segments that break a finding.
        advisories: What screening noticed about its inputs (a date outside the
            plan, a pregnancy record projected past term); they do not change
            the status.
        on: The date screened for.
        policy: The policy that classified the findings.
        plan: The plan screened.
        modalities: The modalities known when screening.
        status: Derived by the policy from the other fields (see `Policy`).
        plan_conflicts: Planned techniques that a finding rules out or limits
            (computed on first use; see `check_plan`).
        techniques: The status of each planned technique (computed on first use;
            see `TechniqueStatus`).
    """

    findings: tuple[Finding, ...] = attrs.field(converter=_sorted_findings)
    failures: tuple[RuleFailure, ...] = ()
    violations: tuple[Violation, ...] = ()
    advisories: tuple[Advisory, ...] = ()
    on: dt.date
    policy: Policy = attrs.field(factory=default_policy, repr=False, eq=False)
    plan: TreatmentPlan | None = attrs.field(default=None, repr=False, eq=False)
    modalities: Mapping[str, Modality] = attrs.field(factory=dict, repr=False, eq=False)
    status: ScreeningStatus = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "status", self.policy.status(self.findings, self.failures, self.violations)
        )

    @functools.cached_property
    def plan_conflicts(self) -> tuple[PlanConflict, ...]:
        """Planned techniques that a finding rules out or limits (computed on first use).

        See `check_plan`.
        """
        if self.plan is None or not self.findings:
            return ()
        return check_plan(self.findings, self.plan, self.modalities)

    @functools.cached_property
    def techniques(self) -> tuple[TechniqueStatus, ...]:
        """The status of each planned technique (computed on first use).

        A modality-scoped finding (no lymphatic drainage with heart failure) defers
        the techniques of that modality, not the whole plan; see `TechniqueStatus`.
        """
        return _technique_statuses(
            self.findings, self.failures, self.plan_conflicts, self.plan, self.modalities
        )

    @property
    def clear(self) -> bool:
        """Whether the status is *clear*."""
        return self.status is ScreeningStatus.CLEAR

    @property
    def indeterminate(self) -> bool:
        """Whether the status is *indeterminate* (a rule failed: do not rely on it)."""
        return self.status is ScreeningStatus.INDETERMINATE

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings of one severity."""
        return tuple(f for f in self.findings if f.severity is severity)

    def for_rule(self, rule_id: str) -> tuple[Finding, ...]:
        """The findings of one rule."""
        return tuple(f for f in self.findings if f.rule_id == rule_id)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary."""
        return {
            "status": self.status.value,
            "on": self.on.isoformat(),
            "findings": [f.to_dict() for f in self.findings],
            "failures": [
                {"rule_id": f.rule_id, "stage": f.stage, "cause": f.cause} for f in self.failures
            ],
            "violations": [
                {"rule_id": v.rule_id, "segment": v.segment, "kind": v.kind, "message": v.message}
                for v in self.violations
            ],
            "plan_conflicts": [
                {
                    "rule_id": c.rule_id,
                    "technique": c.technique,
                    "kind": c.kind,
                    "message": c.message,
                }
                for c in self.plan_conflicts
            ],
            "techniques": [
                {
                    "technique": t.technique,
                    "modality": t.modality,
                    "region": t.region.value,
                    "laterality": t.laterality.value if t.laterality else None,
                    "status": t.status.value,
                    "rule_ids": list(t.rule_ids),
                }
                for t in self.techniques
            ],
            "advisories": [a.to_dict() for a in self.advisories],
        }


# -- session checks ------------------------------------------------------------------


def check_session(
    findings: Iterable[Finding],
    session: Session,
    modalities: Mapping[str, Modality],
) -> tuple[Violation, ...]:
    """Check every applied segment of *session* against *findings*.

    For each finding that covers a segment's region and modality:

    * an *absolute* finding is broken by any treatment;
    * a finding that forbids contact (no grade or pressure limit) with action
      `Action.AVOID_REGION` or `Action.AVOID_MODALITY`, or a *local* one, is broken by
      any treatment there;
    * a finding with a limit is broken by a higher Walton grade, or by a
      measured pressure above `Finding.max_pressure` (compared in kPa, whatever
      units either side uses). A segment with neither breaks a grade limit when
      its modality's lowest grade is above it, and is *unverified* when the
      modality's range straddles it (or the modality is unknown).

    Information findings and relative findings without a limit (obtain clearance,
    change position, monitor) cannot be checked against a segment and are skipped.
    """
    out: list[Violation] = []
    relevant = _checkable(findings)
    for i, seg in enumerate(session.segments):
        modality = modalities.get(seg.modality)
        tags = modality.contraindication_tags if modality is not None else frozenset()
        for f in relevant:
            if not f.concerns(seg.modality, tags) and not (modality is None and f.tags):
                continue
            if not f.applies_to(seg.region, seg.laterality):
                continue
            v = _segment_violation(f, i, seg, modality)
            if v is not None:
                out.append(v)
    return tuple(out)


def _checkable(findings: Iterable[Finding]) -> list[Finding]:
    return [
        f
        for f in findings
        if f.severity is not Severity.INFORMATION
        and (
            f.severity is not Severity.RELATIVE
            or f.limits_pressure
            or f.action in (Action.AVOID_REGION, Action.AVOID_MODALITY)
        )
    ]


def check_plan(
    findings: Iterable[Finding],
    plan: TreatmentPlan,
    modalities: Mapping[str, Modality],
) -> tuple[PlanConflict, ...]:
    """Check every planned technique of *plan* against *findings*.

    The same findings as `check_session` are checked. A technique conflicts
    with a finding covering its region and modality when the finding is absolute,
    forbids contact, or limits the grade below the technique's planned maximum
    grade, or limits pressure below its planned pressure ceiling (or the plan sets
    no ceiling and the modality's own is higher or absent).
    """
    out: list[PlanConflict] = []
    relevant = _checkable(findings)
    for i, t in enumerate(plan.techniques):
        modality = modalities.get(t.modality)
        tags = modality.contraindication_tags if modality is not None else frozenset()
        where = f"{t.modality} over {t.region.value}"
        for f in relevant:
            if not f.concerns(t.modality, tags) and not (modality is None and f.tags):
                continue
            if not f.applies_to(t.region, t.laterality):
                continue
            conflict: tuple[Literal["absolute", "region", "modality", "grade", "pressure"], str]
            if f.severity is Severity.ABSOLUTE:
                conflict = ("absolute", f"{where} despite a do-not-treat finding")
            elif not f.limits_pressure:
                kind: Literal["region", "modality"] = (
                    "modality" if f.action is Action.AVOID_MODALITY else "region"
                )
                conflict = (kind, f"{where}: {f.action.value}")
            elif f.max_grade is not None and t.max_grade > f.max_grade:
                conflict = (
                    "grade",
                    f"{where} is planned up to Walton grade {int(t.max_grade)}, above the "
                    f"limit of {int(f.max_grade)}",
                )
            elif f.max_pressure is not None and (
                (t.max_pressure is not None and t.max_pressure.canonical > f.max_pressure.canonical)
                or (
                    t.max_pressure is None
                    and (
                        modality is None
                        or modality.max_pressure is None
                        or modality.max_pressure.canonical > f.max_pressure.canonical
                    )
                )
            ):
                conflict = ("pressure", f"{where} has no pressure ceiling within {f.max_pressure}")
            else:
                continue
            out.append(PlanConflict(rule_id=f.rule_id, technique=i, kind=conflict[0],
                                    message=conflict[1]))  # fmt: skip
    return tuple(out)


def _segment_violation(
    f: Finding, i: int, seg: TechniqueSegment, modality: Modality | None
) -> Violation | None:
    where = f"{seg.modality} over {seg.region.value}"
    if f.severity is Severity.ABSOLUTE:
        return Violation(
            rule_id=f.rule_id,
            segment=i,
            kind="absolute",
            message=f"{where} despite a do-not-treat finding",
        )
    if not f.limits_pressure:
        kind: Literal["region", "modality"] = (
            "modality" if f.action is Action.AVOID_MODALITY else "region"
        )
        return Violation(
            rule_id=f.rule_id, segment=i, kind=kind, message=f"{where}: {f.action.value}"
        )
    if (
        f.max_pressure is not None
        and seg.pressure is not None
        and seg.pressure.canonical > f.max_pressure.canonical
    ):
        return Violation(
            rule_id=f.rule_id,
            segment=i,
            kind="pressure",
            message=f"{where} at {seg.pressure} is above the limit of {f.max_pressure}",
        )
    if f.max_grade is not None:
        if seg.grade is not None:
            if seg.grade > f.max_grade:
                return Violation(
                    rule_id=f.rule_id,
                    segment=i,
                    kind="grade",
                    message=f"{where} at Walton grade {int(seg.grade)} is above the limit of "
                    f"{int(f.max_grade)}",
                )
            return None
        if modality is not None and modality.min_grade > f.max_grade:
            return Violation(
                rule_id=f.rule_id,
                segment=i,
                kind="grade",
                message=f"{where}: the modality's lowest Walton grade {int(modality.min_grade)} "
                f"is above the limit of {int(f.max_grade)}",
            )
        if modality is None or modality.max_grade > f.max_grade:
            return Violation(
                rule_id=f.rule_id,
                segment=i,
                kind="unverified",
                message=f"{where}: no Walton grade recorded to show the limit of "
                f"{int(f.max_grade)} was kept",
            )
    elif (
        f.max_pressure is not None
        and seg.pressure is None
        and (
            modality is None
            or modality.max_pressure is None
            or modality.max_pressure.canonical > f.max_pressure.canonical
        )
    ):
        return Violation(
            rule_id=f.rule_id,
            segment=i,
            kind="unverified",
            message=f"{where}: no pressure recorded to show the limit of {f.max_pressure} was kept",
        )
    return None
