"""The progress report to the referring physician, as HTML or Markdown.

`build_report` gathers what a physician needs to read in a minute: the
referral and diagnoses, sessions attended against those planned and
authorized, the techniques and minutes by modality and region, every goal with
its instrument's trend, change and MCID, adverse reactions, screening findings,
plan-of-care dates (progress report, re-evaluation, re-certification) and the
plan going forward. `render_html` writes a self-contained page (inline CSS and
one inline SVG trend chart per instrument, readable when printed);
`render_markdown` writes the same content as Markdown.

Privacy: the patient is identified by id only unless ``include_identity=True``
(then name and birth date are shown); free-text notes (reaction notes) only with
``include_notes=True``. All text is escaped.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from ._validation import redacted
from .advisories import AdvisoryLevel
from .anatomy import BodyRegion, Laterality
from .cases import Case
from .diagnosis import Diagnosis, Referral
from .exceptions import Problem, ValidationError
from .instruments import Direction, InputKind, InstrumentSource, Mcid
from .plans import Comparator, Goal
from .progress import (
    CareTiming,
    GoalStatus,
    Progress,
    Series,
    Trend,
    care_timing,
    site_text,
    track,
)
from .sessions import SessionStatus

if TYPE_CHECKING:
    from .plan_of_care import PlanCertification, PlanOfCarePolicy

__all__ = [
    "AssessmentLike",
    "FindingLike",
    "ProgressReport",
    "ReactionEntry",
    "ScreeningEntry",
    "TechniqueMinutes",
    "build_report",
    "render_html",
    "render_markdown",
]


@runtime_checkable
class FindingLike(Protocol):
    """A screening finding as the report needs it (`medmassage.contraindications.Finding`)."""

    @property
    def rule_id(self) -> str:
        """The rule's id."""

    @property
    def severity(self) -> object:
        """The severity (an enum or a string)."""

    @property
    def action(self) -> object:
        """What to do (an enum or a string)."""

    @property
    def rationale(self) -> str:
        """Why."""


@runtime_checkable
class AssessmentLike(Protocol):
    """A screening result (`medmassage.contraindications.Assessment`)."""

    @property
    def findings(self) -> Sequence[FindingLike]:
        """The findings."""

    @property
    def status(self) -> object:
        """The overall status (clear / modify / defer / indeterminate)."""


@attrs.frozen(kw_only=True, slots=True)
class TechniqueMinutes:
    """Treatment time of one modality on one region over the reporting period.

    Attributes:
        modality: The modality's code.
        name: Its display name.
        region: The region.
        laterality: The side.
        minutes: Total minutes.
        sessions: Sessions in which it was applied.
    """

    modality: str
    name: str
    region: BodyRegion
    laterality: Laterality | None
    minutes: float
    sessions: int


@attrs.frozen(kw_only=True, slots=True)
class ReactionEntry:
    """One adverse reaction, for the report.

    Attributes:
        session_id: The session after which it occurred.
        date: The date (onset, else the session's date).
        kind: The kind of reaction.
        severity: Its severity.
        region: Where.
        laterality: Which side.
        resolved: Whether it had resolved.
        note: The free-text note, only when notes are included.
    """

    session_id: str
    date: dt.date
    kind: str
    severity: str
    region: BodyRegion | None
    laterality: Laterality | None
    resolved: bool
    note: str | None = attrs.field(default=None, repr=redacted)


@attrs.frozen(kw_only=True, slots=True)
class ScreeningEntry:
    """One contraindication screening finding, for the report."""

    severity: str
    rule_id: str
    action: str
    rationale: str


@attrs.frozen(kw_only=True, slots=True)
class ProgressReport:
    """Everything the progress report shows, before rendering.

    Attributes:
        as_of: The report date (end of the reporting period).
        period_start: The first session of the period (or the plan start).
        patient_id: The patient's opaque id.
        patient_name: The patient's name, only with ``include_identity``.
        birth_date: The birth date, only with ``include_identity``.
        practitioner: The treating therapist's display name, if known.
        plan_id: The plan's id.
        plan_summary: Frequency and course of the plan in words.
        referral: The referral, if any.
        diagnoses: The plan's diagnoses.
        sessions_attended: Completed sessions in the period.
        sessions_cancelled: Cancelled sessions.
        sessions_no_show: Missed sessions.
        sessions_planned: Sessions the plan calls for.
        techniques: Minutes by modality and region, most minutes first.
        total_minutes: All treatment minutes.
        progress: Outcome series and goal status.
        timing: Plan-of-care dates.
        reactions: Adverse reactions.
        screening: Screening findings (empty if none were supplied or found).
        screening_status: The screening status, or ``None`` if no screening was supplied.
        screening_problems: Why the screening is not clear beyond its findings, one
            line each: rules that failed (an *indeterminate* screening), planned
            techniques a finding rules out, session segments that broke a finding.
        notes_included: Whether free text (goal wording, reaction notes) is shown.
        plan_forward: The plan going forward, one statement per line.
        version: The medmassage version that built it.
    """

    as_of: dt.date
    period_start: dt.date
    patient_id: str
    plan_id: str
    plan_summary: str
    diagnoses: tuple[Diagnosis, ...]
    sessions_attended: int
    sessions_cancelled: int
    sessions_no_show: int
    sessions_planned: int
    techniques: tuple[TechniqueMinutes, ...]
    total_minutes: float
    progress: Progress
    timing: CareTiming
    reactions: tuple[ReactionEntry, ...]
    screening: tuple[ScreeningEntry, ...]
    screening_status: str | None
    plan_forward: tuple[str, ...]
    screening_problems: tuple[str, ...] = ()
    notes_included: bool = False
    patient_name: str | None = attrs.field(default=None, repr=redacted)
    birth_date: dt.date | None = attrs.field(default=None, repr=redacted)
    practitioner: str | None = None
    referral: Referral | None = None
    version: str = ""


def _text(value: object) -> str:
    """A readable word for an enum value or other object."""
    raw = value.value if isinstance(value, enum.Enum) else value
    return str(raw).replace("_", " ")


def _screening_problems(assessment: object) -> tuple[str, ...]:
    """The reasons a screening is not clear beyond its findings (failures first)."""
    out: list[str] = []
    failures = tuple(getattr(assessment, "failures", ()))
    if failures:
        out.append("The screening is incomplete: do not read its findings as all there is.")
    out.extend(f"Rule failure: {failure}" for failure in failures)
    for conflict in getattr(assessment, "plan_conflicts", ()):
        out.append(f"Plan conflict: {conflict}")
    for violation in getattr(assessment, "violations", ()):
        out.append(f"Session violation: {violation}")
    return tuple(out)


def _screening_entries(
    screening: Iterable[FindingLike] | AssessmentLike | None,
) -> tuple[tuple[ScreeningEntry, ...], str | None, tuple[str, ...]]:
    if screening is None:
        return (), None, ()
    given: object = screening
    status: str | None = None
    problems: tuple[str, ...] = ()
    findings: Iterable[object]
    if isinstance(given, AssessmentLike):
        status = _text(given.status)
        findings = given.findings
        problems = _screening_problems(given)
    elif isinstance(given, Iterable) and not isinstance(given, str | bytes):
        findings = given
        status = "findings supplied (no overall status)"
    else:
        raise ValidationError([Problem("screening", "expected findings or an Assessment", "type")])
    entries: list[ScreeningEntry] = []
    for i, finding in enumerate(findings):
        if not isinstance(finding, FindingLike):
            raise ValidationError(
                [
                    Problem(
                        f"screening[{i}]",
                        "expected a finding with rule_id, severity, action and rationale",
                        "type",
                    )
                ]
            )
        entries.append(
            ScreeningEntry(
                severity=_text(finding.severity),
                rule_id=str(finding.rule_id),
                action=_text(finding.action),
                rationale=str(finding.rationale),
            )
        )
    return tuple(entries), status, problems


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("medmassage")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def build_report(
    case: Case,
    *,
    as_of: dt.date | None = None,
    include_identity: bool = False,
    include_notes: bool = False,
    screening: Iterable[FindingLike] | AssessmentLike | None = None,
    progress_reports: Sequence[dt.date] = (),
    certifications: Sequence[PlanCertification] = (),
    policy: PlanOfCarePolicy | None = None,
    registry: InstrumentSource | None = None,
    populations: Mapping[str, str] | None = None,
    mcids: Mapping[str, Mcid] | None = None,
    plan_notes: Sequence[str] = (),
) -> ProgressReport:
    """Gather the progress report of a case.

    Args:
        case: The patient's case (patient, plan, sessions, practitioners).
        as_of: The report date (default: the last session's date).
        include_identity: Show the patient's name and birth date (off by default).
        include_notes: Show free text: adverse-reaction notes and goal wording (off by
            default; goals are then shown by id).
        screening: Contraindication screening: a
            `medmassage.contraindications.Assessment`, or findings with
            ``rule_id``, ``severity``, ``action`` and ``rationale``.
        progress_reports: Dates of earlier progress reports (for the timing).
        certifications: Plan-of-care certifications (`medmassage.plan_of_care.PlanCertification`).
        policy: The plan-of-care policy (default: Medicare's).
        registry: Where to look instruments up (plugins).
        populations: MCID population per instrument code.
        mcids: MCID overrides per instrument code.
        plan_notes: Extra statements for "plan going forward" (shown escaped).

    Raises:
        ValidationError: If an argument has the wrong type.
    """
    if not isinstance(case, Case):
        raise ValidationError([Problem("case", "expected a Case", "type")])
    plan = case.plan
    mine = [s for s in case.sessions if s.plan_id in (None, plan.id)]
    if as_of is None:
        as_of = max((s.start.date() for s in mine), default=plan.start_date)
    in_period = [s for s in mine if s.start.date() <= as_of]
    progress = track(
        plan, in_period, as_of=as_of, registry=registry, populations=populations, mcids=mcids
    )
    timing = care_timing(
        plan,
        in_period,
        as_of=as_of,
        progress_reports=progress_reports,
        certifications=certifications,
        policy=policy,
    )
    screening_entries, screening_status, screening_problems = _screening_entries(screening)
    completed = [s for s in in_period if s.status is SessionStatus.COMPLETED]
    from .modalities import BUILTIN_MODALITIES

    minutes: dict[tuple[str, BodyRegion, Laterality | None], list[float]] = {}
    for session in completed:
        for seg in session.segments:
            key = (seg.modality, seg.region, seg.laterality)
            entry = minutes.setdefault(key, [0.0, 0.0, -1.0])
            entry[0] += seg.duration.minutes
            if entry[2] != id(session):
                entry[1] += 1
                entry[2] = id(session)
    techniques = tuple(
        sorted(
            (
                TechniqueMinutes(
                    modality=code,
                    name=BUILTIN_MODALITIES[code].name if code in BUILTIN_MODALITIES else code,
                    region=region,
                    laterality=side,
                    minutes=vals[0],
                    sessions=int(vals[1]),
                )
                for (code, region, side), vals in minutes.items()
            ),
            key=lambda t: (-t.minutes, t.name, t.region.value),
        )
    )
    reactions = tuple(
        ReactionEntry(
            session_id=s.id,
            date=(r.onset or s.start).date(),
            kind=_text(r.kind),
            severity=_text(r.severity),
            region=r.region,
            laterality=r.laterality,
            resolved=r.resolved,
            note=r.note if include_notes else None,
        )
        for s in completed
        for r in s.adverse_reactions
    )
    patient = case.patient
    name = None
    if include_identity and patient.name is not None:
        name = " ".join((*patient.name.given, patient.name.family))
    practitioner = case.practitioner(plan.practitioner_id)
    referral = plan.referral
    return ProgressReport(
        as_of=as_of,
        period_start=min((s.start.date() for s in completed), default=plan.start_date),
        patient_id=patient.id,
        patient_name=name,
        birth_date=patient.birth_date if include_identity else None,
        practitioner=practitioner.name if practitioner is not None else None,
        plan_id=plan.id,
        plan_summary=(
            f"{plan.sessions_per_week} x/week for {plan.duration_weeks} weeks "
            f"({plan.start_date} to {plan.end_date}), {plan.session_length.minutes:g}-minute "
            "sessions"
        ),
        referral=referral,
        diagnoses=plan.diagnoses,
        sessions_attended=len(completed),
        sessions_cancelled=sum(1 for s in in_period if s.status is SessionStatus.CANCELLED),
        sessions_no_show=sum(1 for s in in_period if s.status is SessionStatus.NO_SHOW),
        sessions_planned=plan.planned_sessions,
        techniques=techniques,
        total_minutes=sum(t.minutes for t in techniques),
        progress=progress,
        timing=timing,
        reactions=reactions,
        screening=screening_entries,
        screening_status=screening_status,
        screening_problems=screening_problems,
        notes_included=include_notes,
        plan_forward=_plan_forward(
            progress,
            timing,
            plan.planned_sessions,
            len(completed),
            screening_status,
            screening_entries,
            plan_notes,
        ),
        version=_version(),
    )


def _plan_forward(
    progress: Progress,
    timing: CareTiming,
    planned: int,
    attended: int,
    screening_status: str | None,
    screening: Sequence[ScreeningEntry],
    notes: Sequence[str],
) -> tuple[str, ...]:
    out: list[str] = []
    regressing = [g for g in progress.goals if g.trend is Trend.REGRESSING]
    regressing_series = [s for s in progress.series if s.trend is Trend.REGRESSING]
    if screening_status in ("defer", "indeterminate"):
        out.append(
            f"Screening status is {screening_status}: treatment is on hold until the findings "
            "are resolved or the physician clears it."
        )
    if regressing or regressing_series:
        names = sorted(
            {s.instrument.name for s in regressing_series}
            | {g.series.instrument.name for g in regressing if g.series is not None}
        )
        out.append(
            f"Regressing: {', '.join(names)}. Review of the plan is recommended; the "
            "physician's input is requested."
        )
    if progress.all_goals_met:
        out.append("All goals are met: discharge, or new goals, is proposed.")
    elif not regressing and screening_status not in ("defer", "indeterminate"):
        remaining = max(planned - attended, 0)
        out.append(f"Continue the plan of care: {remaining} of {planned} planned sessions remain.")
    if timing.visits_remaining is not None:
        out.append(
            f"Authorized visits remaining: {timing.visits_remaining} of {timing.visits_authorized}."
        )
    if timing.progress_report_due_in is not None:
        if timing.progress_report_due:
            out.append("Next progress report: due now (before the next treatment day).")
        else:
            out.append(
                f"Next progress report: within {timing.progress_report_due_in} treatment days "
                f"({timing.policy} policy: every {timing.progress_report_every})."
            )
    if timing.reevaluation_due is not None:
        state = "overdue since" if timing.reevaluation_overdue else "due"
        out.append(f"Re-evaluation {state} {timing.reevaluation_due}.")
    if timing.recertification_due is not None:
        out.append(
            f"The current plan-of-care period ends {timing.recertification_due}: re-certification "
            "is needed to continue beyond it."
        )
    for finding in timing.findings:
        if finding.level in (AdvisoryLevel.ERROR, AdvisoryLevel.WARNING):
            out.append(f"Plan of care ({finding.level.value}): {finding.message}.")
    if any(s.severity == "absolute" for s in screening):
        out.append("An absolute contraindication was found: see the screening findings.")
    out.extend(str(n) for n in notes)
    return tuple(out)


# -- formatting helpers -------------------------------------------------------------------


def _fmt(series: Series, value: float) -> str:
    return series.instrument.format_value(value)


def _mcid_text(mcid: Mcid | None) -> str:
    return "none published" if mcid is None else mcid.describe()


def _change_text(series: Series) -> str:
    change = series.change
    if change is None:
        return "single measurement"
    sign = "+" if change.difference > 0 else ""
    pct = f" ({sign}{change.percent:.0f}%)" if change.percent is not None else ""
    d = series.instrument.decimals
    return f"{sign}{change.difference:.{d}f}{pct}, {change.direction.value}"


def _mcid_status(series: Series) -> str:
    change = series.change
    if change is None:
        return "n/a"
    if change.mcid is None:
        return "no MCID"
    if change.mcid_reached:
        return "reached"
    if change.worsened_beyond_mcid:
        return "worsened beyond MCID"
    return "not reached"


def _goal_text(status: GoalStatus) -> str:
    if status.met is None:
        return "not measured"
    text = "met" if status.met else "not met"
    if status.overdue:
        text += " (target date passed)"
    return text


def _direction_word(series: Series) -> str:
    return (
        "lower is better"
        if series.instrument.direction is Direction.HIGHER_IS_WORSE
        else ("higher is better")
    )


def _goal_label(status: GoalStatus, notes: bool) -> str:
    """A goal's wording (free text, only with notes), else its id."""
    if notes and status.goal.description:
        return status.goal.description
    return status.goal.id


def _target(goal: Goal) -> str:
    sign = "\u2264" if goal.comparator is Comparator.AT_MOST else "\u2265"
    return f"{sign} {goal.target:g}"


def _goal_for(progress: Progress, series: Series) -> GoalStatus | None:
    return next((g for g in progress.goals if g.series is series), None)


def _nice_step(span: float) -> float:
    raw = span / 5
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power  # pragma: no cover - the loop always returns


# -- SVG chart ----------------------------------------------------------------------------

_W, _H = 660, 260
_ML, _MR, _MT, _MB = 56, 120, 24, 50
_INSET = 28  # keeps the first and last points clear of the axes


def _axis_range(series: Series, goal: GoalStatus | None) -> tuple[float, float]:
    inst = series.instrument
    if inst.kind in (InputKind.ITEMS, InputKind.SCALES):
        return inst.score_range
    values = [p.value for p in series.points]
    if goal is not None:
        values.append(goal.goal.target)
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.2, abs(hi) * 0.05, 1.0)
    lo = lo - pad if lo - pad > inst.score_range[0] else inst.score_range[0]
    return lo, hi + pad


def _mcid_threshold(baseline: float, series: Series, mcid: Mcid) -> float | None:
    """The score at which an improvement from *baseline* reaches *mcid*."""
    sizes = []
    if mcid.value is not None:
        sizes.append(mcid.value)
    if mcid.percent is not None and baseline != 0:
        sizes.append(abs(baseline) * mcid.percent / 100)
    if not sizes:
        return None
    size = min(sizes) if mcid.combine == "either" else max(sizes)
    sign = -1 if series.instrument.direction is Direction.HIGHER_IS_WORSE else 1
    return baseline + sign * size


def render_chart_svg(series: Series, goal: GoalStatus | None = None) -> str:
    """Return an inline SVG line chart of a series, with the goal target and MCID line.

    The y axis spans the instrument's whole published range for questionnaires
    (so the size of a change is seen honestly) and the data's range for
    physical measurements. Text is escaped.
    """
    e = html.escape
    lo, hi = _axis_range(series, goal)
    span = hi - lo or 1.0
    pw, ph = _W - _ML - _MR, _H - _MT - _MB
    times = [p.taken_at.timestamp() for p in series.points]
    t0, t1 = min(times), max(times)

    def x(t: float) -> float:
        inner = pw - 2 * _INSET
        return _ML + _INSET + (inner / 2 if t1 == t0 else (t - t0) / (t1 - t0) * inner)

    def y(v: float) -> float:
        return _MT + ph - (v - lo) / span * ph

    title = f"{series.label}: trend ({_direction_word(series)})"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-label="{e(title)}" class="chart">',
        f"<title>{e(title)}</title>",
        f'<rect x="{_ML}" y="{_MT}" width="{pw}" height="{ph}" fill="#ffffff" stroke="#999"/>',
    ]
    step = _nice_step(span)
    tick = math.ceil(lo / step) * step
    while tick <= hi + 1e-9:
        ty = y(tick)
        parts.append(
            f'<line x1="{_ML}" y1="{ty:.1f}" x2="{_ML + pw}" y2="{ty:.1f}" stroke="#e3e3e3"/>'
            f'<text x="{_ML - 6}" y="{ty + 4:.1f}" text-anchor="end" class="tick">{tick:g}</text>'
        )
        tick += step
    unit = series.instrument.unit
    parts.append(
        f'<text x="14" y="{_MT + ph / 2:.1f}" transform="rotate(-90 14 {_MT + ph / 2:.1f})" '
        f'text-anchor="middle" class="axis">{e(unit)}</text>'
    )
    if goal is not None:
        gy = y(goal.goal.target)
        if _MT <= gy <= _MT + ph:
            parts.append(
                f'<line x1="{_ML}" y1="{gy:.1f}" x2="{_ML + pw}" y2="{gy:.1f}" stroke="#1b7f3b" '
                f'stroke-width="2" stroke-dasharray="8 4" class="goal"/>'
                f'<text x="{_ML + pw + 6}" y="{gy + 4:.1f}" class="label goal-label">'
                f"goal {e(_target(goal.goal))}</text>"
            )
    change = series.change
    if change is not None and change.mcid is not None:
        threshold = _mcid_threshold(series.baseline.value, series, change.mcid)
        my = y(threshold) if threshold is not None else -1.0
        if _MT <= my <= _MT + ph:
            parts.append(
                f'<line x1="{_ML}" y1="{my:.1f}" x2="{_ML + pw}" y2="{my:.1f}" stroke="#666" '
                f'stroke-width="1.5" stroke-dasharray="2 3" class="mcid"/>'
                f'<text x="{_ML + pw + 6}" y="{my + 4:.1f}" class="label">MCID threshold</text>'
            )
    coords = " ".join(
        f"{x(t):.1f},{y(p.value):.1f}" for t, p in zip(times, series.points, strict=True)
    )
    parts.append(
        f'<polyline points="{coords}" fill="none" stroke="#1f4e79" stroke-width="2.5" '
        'class="trend"/>'
    )
    seen_days: set[dt.date] = set()
    for t, p in zip(times, series.points, strict=True):
        px, py = x(t), y(p.value)
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#1f4e79" class="point"/>'
            f'<text x="{px:.1f}" y="{py - 9:.1f}" text-anchor="middle" class="value">'
            f"{e(f'{p.value:.{series.instrument.decimals}f}')}</text>"
        )
        day = p.taken_at.date()
        if day not in seen_days:
            seen_days.add(day)
            parts.append(
                f'<text x="{px:.1f}" y="{_MT + ph + 16}" text-anchor="middle" class="tick">'
                f"{e(day.isoformat())}</text>"
            )
    parts.append(
        f'<text x="{_ML + pw}" y="{_MT + ph + 36}" text-anchor="end" class="label">'
        f"{e(_direction_word(series))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #111; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.45rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; border-bottom: 2px solid #1f4e79; padding-bottom: .15rem;
  margin: 1.4rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.ok { color: #1b7f3b; font-weight: 600; }
.warn { color: #a35200; font-weight: 600; }
.bad { color: #b00020; font-weight: 600; }
.chart { max-width: 100%; height: auto; }
.chart .tick { font-size: 11px; fill: #333; }
.chart .axis, .chart .label { font-size: 11px; fill: #333; }
.chart .value { font-size: 11px; font-weight: 600; fill: #1f4e79; }
.chart .goal-label { fill: #1b7f3b; font-weight: 600; }
.small { font-size: .85rem; color: #444; }
figure { margin: .3rem 0 1rem; break-inside: avoid; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  section, table, figure { break-inside: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 14mm; }
}
"""


def _trend_class(trend: Trend) -> str:
    return {Trend.ON_TRACK: "ok", Trend.PLATEAU: "warn", Trend.REGRESSING: "bad"}.get(trend, "")


def render_html(report: ProgressReport) -> str:
    """Render the report as one self-contained HTML page (no external resources)."""
    e = html.escape
    r = report
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Progress report, patient {e(r.patient_id)}, {r.as_of}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>Medical massage progress report</h1>",
        '<dl class="meta">',
    ]

    def meta(term: str, value: str) -> None:
        out.append(f"<dt>{e(term)}</dt><dd>{e(value)}</dd>")

    meta("Patient", r.patient_id)
    if r.patient_name is not None:
        meta("Name", r.patient_name)
    if r.birth_date is not None:
        meta("Date of birth", r.birth_date.isoformat())
    meta("Reporting period", f"{r.period_start} to {r.as_of}")
    if r.referral is not None:
        ref = r.referral
        npi = f", NPI {ref.referrer.npi}" if ref.referrer.npi else ""
        meta("To", f"{ref.referrer.name} ({_text(ref.referrer.role)}{npi})")
    if r.practitioner is not None:
        meta("From", r.practitioner)
    meta("Plan", f"{r.plan_id}: {r.plan_summary}")
    out.append("</dl></header>")

    # Referral and diagnoses.
    out.append("<section><h2>Referral and diagnoses</h2>")
    if r.referral is not None:
        ref = r.referral
        bits = [f"Referral {ref.id} of {ref.referred_on}"]
        if ref.frequency_per_week and ref.duration_weeks:
            bits.append(f"{ref.frequency_per_week} x/week for {ref.duration_weeks} weeks")
        if ref.expires_on:
            bits.append(f"valid to {ref.expires_on}")
        out.append(f"<p>{e('; '.join(bits))}.</p>")
    else:
        out.append("<p>No referral on file.</p>")
    out.append("<table><tr><th>ICD-10-CM</th><th>Description</th><th>Site</th><th>Onset</th></tr>")
    for d in r.diagnoses:
        out.append(
            f"<tr><td>{e(d.code)}</td><td>{e(d.coding.display or '')}</td>"
            f"<td>{e(site_text(d.region, d.laterality))}</td>"
            f"<td>{e(str(d.onset or ''))}"
            f"{e(' (' + _text(d.acuity) + ')' if d.acuity else '')}</td></tr>"
        )
    out.append("</table></section>")

    # Attendance.
    out.append("<section><h2>Attendance</h2><table><tr>")
    out.append(
        "<th class='num'>Attended</th><th class='num'>Planned</th>"
        "<th class='num'>Authorized</th><th class='num'>Authorized remaining</th>"
        "<th class='num'>Cancelled</th><th class='num'>No-show</th></tr><tr>"
    )
    auth = r.timing.visits_authorized
    rem = r.timing.visits_remaining
    for v in (
        r.sessions_attended,
        r.sessions_planned,
        auth,
        rem,
        r.sessions_cancelled,
        r.sessions_no_show,
    ):
        out.append(f"<td class='num'>{'-' if v is None else v}</td>")
    out.append("</tr></table></section>")

    # Techniques.
    out.append("<section><h2>Treatment delivered</h2>")
    if r.techniques:
        out.append(
            "<table><tr><th>Modality</th><th>Region</th><th class='num'>Sessions</th>"
            "<th class='num'>Minutes</th></tr>"
        )
        for t in r.techniques:
            out.append(
                f"<tr><td>{e(t.name)}</td><td>{e(site_text(t.region, t.laterality))}</td>"
                f"<td class='num'>{t.sessions}</td><td class='num'>{t.minutes:g}</td></tr>"
            )
        out.append(
            f"<tr><th colspan='3'>Total</th><th class='num'>{r.total_minutes:g}</th></tr></table>"
        )
    else:
        out.append("<p>No treatment recorded in the period.</p>")
    out.append("</section>")

    # Goals.
    p = r.progress
    out.append("<section><h2>Goals</h2>")
    if p.goals:
        out.append(
            "<table><tr><th>Goal</th><th>Instrument</th><th class='num'>Baseline</th>"
            "<th class='num'>Latest</th><th>Target</th><th>Change</th><th>MCID</th>"
            "<th>Trend</th><th>Status</th></tr>"
        )
        for g in p.goals:
            s = g.series
            desc = _goal_label(g, r.notes_included)
            target = _target(g.goal)
            if g.goal.target_date:
                target += f" by {g.goal.target_date}"
            if s is None:
                out.append(
                    f"<tr><td>{e(desc)}</td><td>{e(g.goal.instrument)}</td><td>-</td><td>-</td>"
                    f"<td>{e(target)}</td><td>-</td><td>-</td><td>{e(g.trend.label)}</td>"
                    f"<td>{e(_goal_text(g))}</td></tr>"
                )
                continue
            progress_txt = (
                f" ({g.progress * 100:.0f}% of the way)"
                if g.progress is not None and not g.met
                else ""
            )
            status_cls = "ok" if g.met else ("bad" if g.overdue else "")
            out.append(
                f"<tr><td>{e(desc)}</td><td>{e(s.instrument.name)}</td>"
                f"<td class='num'>{e(_fmt(s, s.baseline.value))}</td>"
                f"<td class='num'>{e(_fmt(s, s.latest.value))}</td><td>{e(target)}</td>"
                f"<td>{e(_change_text(s))}</td>"
                f"<td>{e(_mcid_status(s))}<br><span class='small'>"
                f"{e(_mcid_text(s.change.mcid if s.change else s.instrument.mcid()))}</span></td>"
                f"<td class='{_trend_class(g.trend)}'>{e(g.trend.label)}</td>"
                f"<td class='{status_cls}'>{e(_goal_text(g) + progress_txt)}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append("<p>The plan has no measurable goals.</p>")
    out.append("</section>")

    # Outcome trends.
    out.append("<section><h2>Outcome measures</h2>")
    if not p.series:
        out.append("<p>No outcome measures recorded.</p>")
    for s in p.series:
        goal = _goal_for(p, s)
        band = s.latest.score.band
        out.append(f"<figure><h3>{e(s.label)}</h3>")
        out.append(render_chart_svg(s, goal))
        caption = (
            f"Baseline {_fmt(s, s.baseline.value)}, latest {_fmt(s, s.latest.value)}"
            + (f" ({band.label})" if band is not None else "")
            + f"; change {_change_text(s)}; MCID: {_mcid_status(s)}"
            + f"; trend {s.trend.label}; {_direction_word(s)}."
        )
        out.append(f"<figcaption>{e(caption)}</figcaption>")
        out.append(
            "<table><tr><th>Date</th><th>Session</th><th class='num'>Score</th><th>Band</th>"
            "<th class='num'>Missing items</th></tr>"
        )
        for point in s.points:
            b = point.score.band
            out.append(
                f"<tr><td>{e(point.taken_at.date().isoformat())}</td><td>{e(point.session_id)}</td>"
                f"<td class='num'>{e(_fmt(s, point.value))}</td>"
                f"<td>{e(b.label if b else '')}</td><td class='num'>{point.score.missing}</td></tr>"
            )
        out.append("</table>")
        notes = _series_notes(s)
        if notes:
            out.append(f"<p class='small'>{e(notes)}</p>")
        out.append("</figure>")
    if p.unscored:
        out.append("<h3>Measures that could not be scored</h3><ul>")
        for u in p.unscored:
            out.append(
                f"<li>{e(u.instrument)} on {e(u.taken_at.date().isoformat())} "
                f"({e(u.session_id)}): {e(u.reason)}</li>"
            )
        out.append("</ul>")
    out.append("</section>")

    # Adverse reactions.
    out.append("<section><h2>Adverse reactions</h2>")
    if r.reactions:
        out.append(
            "<table><tr><th>Date</th><th>Session</th><th>Reaction</th><th>Severity</th>"
            "<th>Site</th><th>Resolved</th>"
            + ("<th>Note</th>" if any(x.note for x in r.reactions) else "")
            + "</tr>"
        )
        for x in r.reactions:
            out.append(
                f"<tr><td>{x.date}</td><td>{e(x.session_id)}</td><td>{e(x.kind)}</td>"
                f"<td>{e(x.severity)}</td><td>{e(site_text(x.region, x.laterality))}</td>"
                f"<td>{'yes' if x.resolved else 'no'}</td>"
                + (f"<td>{e(x.note or '')}</td>" if any(y.note for y in r.reactions) else "")
                + "</tr>"
            )
        out.append("</table>")
    else:
        out.append("<p>None reported.</p>")
    out.append("</section>")

    # Screening.
    out.append("<section><h2>Contraindication screening</h2>")
    if r.screening_status is None:
        out.append("<p>No screening result was supplied with this report.</p>")
    else:
        out.append(f"<p>Status: <strong>{e(r.screening_status)}</strong>.</p>")
        if r.screening_problems:
            out.append("<ul class='problems'>")
            out.extend(f"<li>{e(line)}</li>" for line in r.screening_problems)
            out.append("</ul>")
        if r.screening:
            out.append(
                "<table><tr><th>Severity</th><th>Rule</th><th>Action</th><th>Rationale</th></tr>"
            )
            for f in r.screening:
                out.append(
                    f"<tr><td>{e(f.severity)}</td><td>{e(f.rule_id)}</td><td>{e(f.action)}</td>"
                    f"<td>{e(f.rationale)}</td></tr>"
                )
            out.append("</table>")
        else:
            out.append("<p>No findings.</p>")
    out.append("</section>")

    # Plan going forward.
    out.append("<section><h2>Plan going forward</h2><ul>")
    out.extend(f"<li>{e(line)}</li>" for line in r.plan_forward)
    out.append("</ul></section>")

    out.append("<footer><h2>Sources</h2><ul class='small'>")
    out.extend(f"<li>{e(line)}</li>" for line in _sources(r))
    out.append(
        f"</ul><p class='small'>Generated by medmassage {e(r.version)} on {r.as_of}. "
        "Scores are computed from item responses with each instrument's published rule.</p>"
        "</footer></body></html>"
    )
    return "\n".join(out) + "\n"


def _series_notes(series: Series) -> str:
    inst = series.instrument
    notes = []
    if not inst.missing_rule_confirmed and any(p.score.missing for p in series.points):
        notes.append(f"Missing items scored by the rule: {inst.missing_rule}.")
    change = series.change
    if change is not None and change.mcid is not None and not change.mcid.confirmed:
        notes.append(f"MCID UNCONFIRMED: {change.mcid.description}.")
    return " ".join(notes)


def _sources(report: ProgressReport) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for s in report.progress.series:
        inst = s.instrument
        if inst.code in seen:
            continue
        seen.add(inst.code)
        lines.append(f"{inst.name} ({inst.version}): {inst.source}")
        if s.change is not None and s.change.mcid is not None:
            m = s.change.mcid
            lines.append(f"{inst.name} MCID {m.describe()}, {m.description}: {m.source}")
    lines.append(
        "Plan-of-care timing: Medicare Benefit Policy Manual (Pub. 100-02) ch. 15 s. 220.1.3 "
        "and s. 220.3 D (policy: " + report.timing.policy + ")."
    )
    lines.append(
        "Trend: on track = the last interval improved or the goal is met; regressing = worse "
        "than baseline or a last-interval worsening of at least the MCID; plateau otherwise "
        "(medmassage convention)."
    )
    return lines


# -- Markdown -------------------------------------------------------------------------------


def _md(text: object) -> str:
    """Escape text for a Markdown table cell or paragraph (no HTML, no markup)."""
    s = html.escape(str(text), quote=False)
    for ch in "\\`*_[]|#<>":
        s = s.replace(ch, "\\" + ch)
    return " ".join(s.split())


def render_markdown(report: ProgressReport) -> str:
    """Render the report as Markdown (tables; a value table stands in for each chart)."""
    r = report
    lines = ["# Medical massage progress report", ""]
    lines.append(f"- **Patient:** {_md(r.patient_id)}")
    if r.patient_name is not None:
        lines.append(f"- **Name:** {_md(r.patient_name)}")
    if r.birth_date is not None:
        lines.append(f"- **Date of birth:** {r.birth_date}")
    lines.append(f"- **Reporting period:** {r.period_start} to {r.as_of}")
    if r.referral is not None:
        ref = r.referral
        npi = f", NPI {ref.referrer.npi}" if ref.referrer.npi else ""
        lines.append(f"- **To:** {_md(ref.referrer.name)} ({_md(_text(ref.referrer.role))}{npi})")
    if r.practitioner is not None:
        lines.append(f"- **From:** {_md(r.practitioner)}")
    lines.append(f"- **Plan:** {_md(r.plan_id)}: {_md(r.plan_summary)}")
    lines += ["", "## Referral and diagnoses", ""]
    if r.referral is not None:
        ref = r.referral
        lines.append(
            f"Referral {_md(ref.id)} of {ref.referred_on}"
            + (
                f"; {ref.frequency_per_week} x/week for {ref.duration_weeks} weeks"
                if ref.frequency_per_week and ref.duration_weeks
                else ""
            )
            + (f"; valid to {ref.expires_on}" if ref.expires_on else "")
            + "."
        )
        lines.append("")
    lines += ["| ICD-10-CM | Description | Site | Onset |", "|---|---|---|---|"]
    for d in r.diagnoses:
        onset = f"{d.onset or ''}" + (f" ({_text(d.acuity)})" if d.acuity else "")
        lines.append(
            f"| {_md(d.code)} | {_md(d.coding.display or '')} | "
            f"{_md(site_text(d.region, d.laterality))} | {_md(onset)} |"
        )
    t = r.timing
    lines += [
        "",
        "## Attendance",
        "",
        "| Attended | Planned | Authorized | Authorized remaining | Cancelled | No-show |",
        "|---:|---:|---:|---:|---:|---:|",
        "| "
        + " | ".join(
            "-" if v is None else str(v)
            for v in (
                r.sessions_attended,
                r.sessions_planned,
                t.visits_authorized,
                t.visits_remaining,
                r.sessions_cancelled,
                r.sessions_no_show,
            )
        )
        + " |",
        "",
        "## Treatment delivered",
        "",
    ]
    if r.techniques:
        lines += ["| Modality | Region | Sessions | Minutes |", "|---|---|---:|---:|"]
        for tm in r.techniques:
            lines.append(
                f"| {_md(tm.name)} | {_md(site_text(tm.region, tm.laterality))} | {tm.sessions} | "
                f"{tm.minutes:g} |"
            )
        lines.append(f"| **Total** | | | **{r.total_minutes:g}** |")
    else:
        lines.append("No treatment recorded in the period.")
    p = r.progress
    lines += ["", "## Goals", ""]
    if p.goals:
        lines += [
            "| Goal | Instrument | Baseline | Latest | Target | Change | MCID | Trend | Status |",
            "|---|---|---:|---:|---|---|---|---|---|",
        ]
        for g in p.goals:
            s = g.series
            target = _target(g.goal) + (f" by {g.goal.target_date}" if g.goal.target_date else "")
            desc = _goal_label(g, r.notes_included)
            if s is None:
                lines.append(
                    f"| {_md(desc)} | {_md(g.goal.instrument)} | - | - | {_md(target)} | - | - | "
                    f"{g.trend.label} | {_goal_text(g)} |"
                )
                continue
            prog = (
                f" ({g.progress * 100:.0f}% of the way)"
                if g.progress is not None and not g.met
                else ""
            )
            mcid = _mcid_text(s.change.mcid if s.change else s.instrument.mcid())
            lines.append(
                f"| {_md(desc)} | {_md(s.instrument.name)} | {_md(_fmt(s, s.baseline.value))} | "
                f"{_md(_fmt(s, s.latest.value))} | {_md(target)} | {_md(_change_text(s))} | "
                f"{_md(_mcid_status(s))} ({_md(mcid)}) | {g.trend.label} | "
                f"{_md(_goal_text(g) + prog)} |"
            )
    else:
        lines.append("The plan has no measurable goals.")
    lines += ["", "## Outcome measures", ""]
    if not p.series:
        lines.append("No outcome measures recorded.")
    for s in p.series:
        lines += [f"### {_md(s.label)}", ""]
        lines.append(
            f"Change {_md(_change_text(s))}; MCID: {_md(_mcid_status(s))}; trend "
            f"{s.trend.label}; {_direction_word(s)}."
        )
        lines += [
            "",
            "| Date | Session | Score | Band | Missing items |",
            "|---|---|---:|---|---:|",
        ]
        for point in s.points:
            b = point.score.band
            lines.append(
                f"| {point.taken_at.date()} | {_md(point.session_id)} | "
                f"{_md(_fmt(s, point.value))} | {_md(b.label if b else '')} | "
                f"{point.score.missing} |"
            )
        notes = _series_notes(s)
        if notes:
            lines += ["", _md(notes)]
        lines.append("")
    if p.unscored:
        lines += ["### Measures that could not be scored", ""]
        lines += [
            f"- {_md(u.instrument)} on {u.taken_at.date()} ({_md(u.session_id)}): {_md(u.reason)}"
            for u in p.unscored
        ]
        lines.append("")
    lines += ["## Adverse reactions", ""]
    if r.reactions:
        with_notes = any(x.note for x in r.reactions)
        lines += [
            "| Date | Session | Reaction | Severity | Site | Resolved |"
            + (" Note |" if with_notes else ""),
            "|---|---|---|---|---|---|" + ("---|" if with_notes else ""),
        ]
        for x in r.reactions:
            lines.append(
                f"| {x.date} | {_md(x.session_id)} | {_md(x.kind)} | {_md(x.severity)} | "
                f"{_md(site_text(x.region, x.laterality))} | {'yes' if x.resolved else 'no'} |"
                + (f" {_md(x.note or '')} |" if with_notes else "")
            )
    else:
        lines.append("None reported.")
    lines += ["", "## Contraindication screening", ""]
    if r.screening_status is None:
        lines.append("No screening result was supplied with this report.")
    else:
        lines.append(f"Status: **{_md(r.screening_status)}**.")
        if r.screening_problems:
            lines.append("")
            lines += [f"- {_md(line)}" for line in r.screening_problems]
        if r.screening:
            lines += ["", "| Severity | Rule | Action | Rationale |", "|---|---|---|---|"]
            for f in r.screening:
                lines.append(
                    f"| {_md(f.severity)} | {_md(f.rule_id)} | {_md(f.action)} | "
                    f"{_md(f.rationale)} |"
                )
        else:
            lines += ["", "No findings."]
    lines += ["", "## Plan going forward", ""]
    lines += [f"- {_md(line)}" for line in r.plan_forward]
    lines += ["", "## Sources", ""]
    lines += [f"- {_md(line)}" for line in _sources(r)]
    lines += ["", f"Generated by medmassage {_md(r.version)} on {r.as_of}.", ""]
    return "\n".join(lines)
