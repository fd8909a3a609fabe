"""Vocabularies and result types of screening: severities, actions, statuses, findings."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, Final, Literal

import attrs

from ..anatomy import BodyRegion, Laterality, regions_overlap
from ..evidence import EvidenceLevel
from ..exceptions import Problem, ValidationError
from ..modalities import PressureGrade
from ..units import Pressure

# -- vocabularies --------------------------------------------------------------------


class Severity(enum.Enum):
    """How strongly a finding restricts treatment.

    The four classes follow the usual textbook split (Werner R., *A Massage
    Therapist's Guide to Pathology*):
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
        and (f.evidence_level is None or type(f.evidence_level) is EvidenceLevel)
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
    level = _field(finding, "evidence_level")
    if level is not None and not isinstance(level, EvidenceLevel):
        p.append(Problem("evidence_level", "expected an EvidenceLevel", "type"))
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
        evidence_level: The kind of source behind the rule (guideline, textbook
            ...), when the rule states it (every built-in rule does).
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
    evidence_level: EvidenceLevel | None = None

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
            "evidence_level": self.evidence_level.value if self.evidence_level else None,
        }


_new = object.__new__
_set = object.__setattr__
# Texts (rule ids, sources, rationales) already found to be valid finding text, so
# the built-in rules' constant texts are checked once, not per finding; bounded.
_CHECKED_TEXT: set[str] = set()


def _valid_text(text: object) -> bool:
    if type(text) is not str:
        return False
    if text in _CHECKED_TEXT:
        return True
    if not (0 < len(text) <= 5000) or text.isspace():
        return False
    if len(_CHECKED_TEXT) >= 4096:
        _CHECKED_TEXT.clear()
    _CHECKED_TEXT.add(text)
    return True


def _built_finding(
    rule_id: str,
    severity: Severity,
    action: Action,
    rationale: str,
    source: str,
    regions: tuple[Site, ...],
    modalities: frozenset[str],
    tags: frozenset[str],
    max_grade: PressureGrade | None,
    evidence: tuple[str, ...],
    evidence_level: EvidenceLevel | None,
) -> Finding:
    """A `Finding` from the built-in rules' helper, without the constructor's overhead.

    Every value is checked as `Finding` checks it (texts already seen valid
    are remembered); anything unusual (a `BodyRegion` for a site, a value of
    the wrong type) goes through the constructor, which converts or raises
    exactly as before. The result equals what the constructor would build.
    """
    if not (
        type(severity) is Severity
        and type(action) is Action
        and type(rule_id) is str
        and rule_id
        and _valid_text(rationale)
        and _valid_text(source)
        and type(modalities) is frozenset
        and type(tags) is frozenset
        and (max_grade is None or type(max_grade) is PressureGrade)
        and (evidence_level is None or type(evidence_level) is EvidenceLevel)
        and (not regions or all(type(r) is Site for r in regions))
        and (not evidence or all(type(e) is str for e in evidence))
        and (not modalities or all(type(m) is str for m in modalities))
        and (not tags or all(type(t) is str for t in tags))
    ):
        return Finding(
            rule_id=rule_id,
            severity=severity,
            action=action,
            rationale=rationale,
            source=source,
            regions=regions,
            modalities=modalities,
            tags=tags,
            max_grade=max_grade,
            evidence=evidence,
            evidence_level=evidence_level,
        )
    f = _new(Finding)
    _set(f, "rule_id", rule_id)
    _set(f, "severity", severity)
    _set(f, "action", action)
    _set(f, "rationale", rationale)
    _set(f, "source", source)
    _set(f, "regions", regions)
    _set(f, "modalities", modalities)
    _set(f, "tags", tags)
    _set(f, "max_grade", max_grade)
    _set(f, "max_pressure", None)
    _set(f, "evidence", evidence)
    _set(f, "reclassified_from", None)
    _set(f, "evidence_level", evidence_level)
    return f


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
            nor a pressure that shows it was kept), or ``"inconsistent"`` (the
            recorded grade is within a grade limit but the measured pressure is
            above what that limit's grade can be, `Policy.grade_pressure_bounds`).
        message: What was broken.
    """

    rule_id: str
    segment: int
    kind: Literal[
        "absolute", "region", "modality", "grade", "pressure", "unverified", "inconsistent"
    ]
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
