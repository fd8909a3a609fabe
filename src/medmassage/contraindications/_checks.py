"""Plan and session checks: which planned techniques and applied segments a finding concerns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal

from ..modalities import Modality, PressureGrade
from ..plans import PlannedTechnique, TreatmentPlan
from ..sessions import Session, TechniqueSegment
from ..units import Pressure
from ._findings import (
    Action,
    Finding,
    PlanConflict,
    RuleFailure,
    ScreeningStatus,
    Severity,
    TechniqueStatus,
    Violation,
)
from ._policy import default_policy

# -- what a finding concerns ---------------------------------------------------------


def _concerning(
    findings: Iterable[Finding],
    work: PlannedTechnique | TechniqueSegment,
    modality: Modality | None,
) -> Iterator[Finding]:
    """The findings that concern *work*, a planned technique or an applied segment.

    A finding concerns it when it covers its region and side and restricts its
    modality (*modality*, ``None`` when unknown) by code or by tag. The tags of an
    unknown modality cannot be checked, so every finding that restricts by tag
    concerns it.
    """
    tags = modality.contraindication_tags if modality is not None else frozenset()
    for f in findings:
        restricts = f.concerns(work.modality, tags) or (modality is None and bool(f.tags))
        if restricts and f.applies_to(work.region, work.laterality):
            yield f


def _forbids(
    f: Finding, where: str
) -> tuple[Literal["absolute", "region", "modality"], str] | None:
    """The kind and message when *f* forbids any work *where* (absolute, or no contact)."""
    if f.severity is Severity.ABSOLUTE:
        return "absolute", f"{where} despite a do-not-treat finding"
    if not f.limits_pressure:
        kind: Literal["region", "modality"] = (
            "modality" if f.action is Action.AVOID_MODALITY else "region"
        )
        return kind, f"{where}: {f.action.value}"
    return None


def _ceiling_above(modality: Modality | None, limit: Pressure) -> bool:
    """Whether *modality* may go above *limit*: its own ceiling is higher, absent or unknown."""
    return (
        modality is None
        or modality.max_pressure is None
        or modality.max_pressure.canonical > limit.canonical
    )


# -- session checks ------------------------------------------------------------------


def check_session(
    findings: Iterable[Finding],
    session: Session,
    modalities: Mapping[str, Modality],
    *,
    grade_pressure_bounds: Mapping[PressureGrade, Pressure] | None = None,
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
      modality's range straddles it (or the modality is unknown);
    * a segment whose recorded grade keeps a grade limit but whose measured
      pressure is above *grade_pressure_bounds* for the limit's grade (by
      default `Policy.grade_pressure_bounds`) is *inconsistent*: its record
      contradicts itself, so the grade does not show the limit was kept.

    Information findings and relative findings without a limit (obtain clearance,
    change position, monitor) cannot be checked against a segment and are skipped.
    """
    if grade_pressure_bounds is None:
        grade_pressure_bounds = default_policy().grade_pressure_bounds
    out: list[Violation] = []
    relevant = _checkable(findings)
    for i, seg in enumerate(session.segments):
        modality = modalities.get(seg.modality)
        for f in _concerning(relevant, seg, modality):
            v = _segment_violation(f, i, seg, modality, grade_pressure_bounds)
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
        where = f"{t.modality} over {t.region.value}"
        for f in _concerning(relevant, t, modality):
            conflict: tuple[Literal["absolute", "region", "modality", "grade", "pressure"], str]
            forbidden = _forbids(f, where)
            if forbidden is not None:
                conflict = forbidden
            elif f.max_grade is not None and t.max_grade > f.max_grade:
                conflict = (
                    "grade",
                    f"{where} is planned up to Walton grade {int(t.max_grade)}, above the "
                    f"limit of {int(f.max_grade)}",
                )
            elif f.max_pressure is not None and (
                t.max_pressure.canonical > f.max_pressure.canonical
                if t.max_pressure is not None
                else _ceiling_above(modality, f.max_pressure)
            ):
                conflict = ("pressure", f"{where} has no pressure ceiling within {f.max_pressure}")
            else:
                continue
            kind, message = conflict
            out.append(PlanConflict(rule_id=f.rule_id, technique=i, kind=kind, message=message))
    return tuple(out)


def _segment_violation(
    f: Finding,
    i: int,
    seg: TechniqueSegment,
    modality: Modality | None,
    bounds: Mapping[PressureGrade, Pressure],
) -> Violation | None:
    where = f"{seg.modality} over {seg.region.value}"
    forbidden = _forbids(f, where)
    if forbidden is not None:
        return Violation(rule_id=f.rule_id, segment=i, kind=forbidden[0], message=forbidden[1])
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
            bound = bounds.get(f.max_grade)
            if (
                bound is not None
                and seg.pressure is not None
                and seg.pressure.canonical > bound.canonical
            ):
                return Violation(
                    rule_id=f.rule_id,
                    segment=i,
                    kind="inconsistent",
                    message=f"{where} is recorded at Walton grade {int(seg.grade)} but measured "
                    f"{seg.pressure}, above the {bound} a grade-{int(f.max_grade)} limit allows: "
                    "the record contradicts itself",
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
        and _ceiling_above(modality, f.max_pressure)
    ):
        return Violation(
            rule_id=f.rule_id,
            segment=i,
            kind="unverified",
            message=f"{where}: no pressure recorded to show the limit of {f.max_pressure} was kept",
        )
    return None


# -- technique statuses ---------------------------------------------------------


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
    notable = [f for f in findings if f.severity is not Severity.INFORMATION]
    out: list[TechniqueStatus] = []
    for i, t in enumerate(plan.techniques):
        modality = modalities.get(t.modality)
        relevant = list(_concerning(notable, t, modality))
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
