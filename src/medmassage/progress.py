"""Progress against a treatment plan: outcome series, goals and plan-of-care timing.

`track` scores every outcome measure taken at a plan's completed sessions,
groups the scores into a series per instrument (and per site, side and
movement for physical measurements), compares the latest score with the
baseline against the instrument's MCID, classifies the trend and says whether
each goal is met. `care_timing` says when the next progress report,
re-evaluation and re-certification are due under a plan-of-care policy
(Medicare's by default: a progress report at least once every 10 treatment
days, Medicare Benefit Policy Manual ch. 15 s. 220.3 D; certification valid for
the plan's duration or 90 calendar days, whichever is less, s. 220.1.3).

The trend rule is a documented convention (no published standard exists for
classifying a course of outcome scores); see `Trend`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ._validation import instant, instant_key
from .anatomy import BodyRegion, Laterality
from .exceptions import MedmassageError, Problem, ValidationError
from .instruments import (
    Change,
    ChangeDirection,
    Instrument,
    InstrumentSource,
    Mcid,
    Score,
    get_instrument,
)
from .plans import Goal, TreatmentPlan
from .sessions import Session, SessionStatus

if TYPE_CHECKING:
    from .plan_of_care import ComplianceFinding, PlanCertification, PlanOfCarePolicy

__all__ = [
    "CareTiming",
    "GoalStatus",
    "Point",
    "Progress",
    "Series",
    "Trend",
    "Unscored",
    "care_timing",
    "site_text",
    "track",
]


def site_text(region: BodyRegion | None, laterality: Laterality | None) -> str:
    """A body site in words (``"left hip"``); empty without a region."""
    if region is None:
        return ""
    side = f"{laterality.value} " if laterality is not None else ""
    return side + region.value.replace("_", " ")


class Trend(enum.Enum):
    """Where a series of scores is heading (a documented convention).

    With fewer than two scores the trend is `INSUFFICIENT_DATA`. Otherwise,
    comparing the latest score with the baseline and with the score before it:

    * `REGRESSING`: the latest score is worse than the baseline, or the last
      interval worsened by at least the MCID (by any amount when the
      instrument has no MCID: failing towards caution);
    * `ON_TRACK`: the last interval improved, or the goal is met;
    * `PLATEAU`: otherwise (no change, or a worsening smaller than the MCID,
      in the last interval).
    """

    ON_TRACK = "on_track"
    PLATEAU = "plateau"
    REGRESSING = "regressing"
    INSUFFICIENT_DATA = "insufficient_data"

    @property
    def label(self) -> str:
        """The trend in words."""
        return self.value.replace("_", " ")


@attrs.frozen(kw_only=True, slots=True)
class Point:
    """One scored administration in a series.

    Attributes:
        taken_at: When the measure was taken.
        session_id: The session it was taken at.
        score: The score.
    """

    taken_at: dt.datetime = attrs.field(eq=instant_key)
    session_id: str
    score: Score

    @property
    def value(self) -> float:
        """The primary score."""
        return self.score.value


@attrs.frozen(kw_only=True, slots=True)
class Unscored:
    """An outcome measure that could not be scored, and why.

    Attributes:
        instrument: The instrument code as recorded.
        taken_at: When it was taken.
        session_id: The session.
        reason: The scoring error's message (it names items, never patient data).
    """

    instrument: str
    taken_at: dt.datetime = attrs.field(eq=instant_key)
    session_id: str
    reason: str


@attrs.frozen(kw_only=True, slots=True)
class Series:
    """The scores of one instrument (at one site, side and movement), oldest first.

    Attributes:
        instrument: The instrument.
        points: The scores in chronological order (at least one).
        region: The site of a physical measurement, if recorded.
        laterality: Its side.
        movement: The movement, for range of motion.
        change: Baseline (first point) to latest, judged against the MCID; ``None``
            with a single point.
        trend: See `Trend`.
    """

    instrument: Instrument = attrs.field(repr=lambda i: repr(i.code))
    points: tuple[Point, ...]
    region: BodyRegion | None = None
    laterality: Laterality | None = None
    movement: str | None = None
    change: Change | None = None
    trend: Trend = Trend.INSUFFICIENT_DATA

    @property
    def code(self) -> str:
        """The instrument's code."""
        return self.instrument.code

    @property
    def baseline(self) -> Point:
        """The first score."""
        return self.points[0]

    @property
    def latest(self) -> Point:
        """The most recent score."""
        return self.points[-1]

    @property
    def label(self) -> str:
        """A short title: the instrument, and the site for physical measurements."""
        where = []
        if self.region is not None:
            where.append(site_text(self.region, self.laterality))
        if self.movement is not None:
            where.append(self.movement.replace("_", " "))
        name = self.instrument.name
        return f"{name}, {', '.join(where)}" if where else name


@attrs.frozen(kw_only=True, slots=True)
class GoalStatus:
    """Where one goal of the plan stands.

    Attributes:
        goal: The goal.
        series: The series of its instrument (``None`` if never measured).
        met: Whether the latest score meets the target (``None`` without a score).
        progress: The fraction of the distance from the baseline to the target
            covered so far (1.0 or more when met; ``None`` without two scores or
            when the baseline already met the target).
        trend: The series' trend, `Trend.ON_TRACK` once met unless regressing.
        overdue: Whether the target date has passed without the goal being met.
    """

    goal: Goal
    series: Series | None
    met: bool | None
    progress: float | None
    trend: Trend
    overdue: bool

    @property
    def change(self) -> Change | None:
        """The series' change from baseline, if any."""
        return None if self.series is None else self.series.change


@attrs.frozen(kw_only=True, slots=True)
class Progress:
    """The outcome of a plan so far, as returned by `track`.

    Attributes:
        plan_id: The plan's id.
        as_of: The date of the review (sessions after it are ignored).
        series: One series per instrument (and site), in order of first use.
        goals: The status of every goal of the plan, in plan order.
        unscored: Outcome measures that could not be scored.
    """

    plan_id: str
    as_of: dt.date
    series: tuple[Series, ...]
    goals: tuple[GoalStatus, ...]
    unscored: tuple[Unscored, ...] = ()

    def series_for(self, code: str) -> tuple[Series, ...]:
        """Every series of instrument *code*."""
        return tuple(s for s in self.series if s.code == code)

    @property
    def all_goals_met(self) -> bool:
        """Whether the plan has goals and every one is met."""
        return bool(self.goals) and all(g.met for g in self.goals)


def _trend(points: Sequence[Point], change: Change | None, instrument: Instrument) -> Trend:
    if change is None or len(points) < 2:
        return Trend.INSUFFICIENT_DATA
    last = instrument.change(points[-2].score, points[-1].score, mcid=change.mcid)
    if change.direction is ChangeDirection.WORSENED:
        return Trend.REGRESSING
    if last.direction is ChangeDirection.WORSENED and last.worsened_beyond_mcid is not False:
        return Trend.REGRESSING
    if last.direction is ChangeDirection.IMPROVED:
        return Trend.ON_TRACK
    return Trend.PLATEAU


def _check_args(plan: object, sessions: object, as_of: object) -> list[Session]:
    problems: list[Problem] = []
    if not isinstance(plan, TreatmentPlan):
        problems.append(Problem("plan", "expected a TreatmentPlan", "type"))
    if isinstance(sessions, str | bytes) or not isinstance(sessions, Iterable):
        problems.append(Problem("sessions", "expected a sequence of Session", "type"))
        sessions = ()
    out = list(sessions)
    for i, s in enumerate(out):
        if not isinstance(s, Session):
            problems.append(Problem(f"sessions[{i}]", "expected a Session", "type"))
        elif isinstance(plan, TreatmentPlan) and s.patient_id != plan.patient_id:
            problems.append(
                Problem(f"sessions[{i}].patient_id", "expected the plan's patient", "patient")
            )
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        problems.append(Problem("as_of", "expected a date", "type"))
    if problems:
        raise ValidationError(problems, "progress")
    return out


def _completed_for(
    plan: TreatmentPlan, sessions: Sequence[Session], as_of: dt.date
) -> list[Session]:
    chosen = [
        s
        for s in sessions
        if s.status is SessionStatus.COMPLETED
        and s.plan_id in (None, plan.id)
        and s.start.date() <= as_of
    ]
    return sorted(chosen, key=lambda s: instant(s.start))


def track(
    plan: TreatmentPlan,
    sessions: Sequence[Session],
    *,
    as_of: dt.date | None = None,
    registry: InstrumentSource | None = None,
    populations: Mapping[str, str] | None = None,
    mcids: Mapping[str, Mcid] | None = None,
) -> Progress:
    """Score the outcome measures of a plan's sessions and track its goals.

    Only completed sessions of this plan (``plan_id`` equal to the plan's or
    unset) on or before *as_of* count. An outcome measure that cannot be scored
    (an unknown instrument, a response out of range, too many missing items) is
    listed in `Progress.unscored` with the reason instead of failing the whole
    review.

    Args:
        plan: The treatment plan.
        sessions: The patient's sessions, in any order.
        as_of: The review date (default: the last session's date, or the plan's start).
        registry: Where to look instruments up (default: the default registry,
            `medmassage.plugins.get_default_registry`, plugins included).
        populations: MCID population per instrument code (see `Instrument.mcid`).
            Without one, the MCID is picked by the plan's diagnoses (the first
            whose `~medmassage.instruments.Mcid.conditions` cover one of them,
            else the instrument's default), and each `Series.change` says in
            ``population_matches`` whether its MCID is of the plan's population:
            a neck-pain plan judged against a low-back-pain NPRS MCID is named.
        mcids: An MCID per instrument code that overrides the instrument's own.

    Raises:
        ValidationError: If an argument has the wrong type or a session belongs
            to another patient.
        UnknownCodeError: If *populations* names a population an instrument lacks.
    """
    given = _check_args(plan, sessions, as_of)
    if as_of is None:
        as_of = max((s.start.date() for s in given), default=plan.start_date)
    chosen = _completed_for(plan, given, as_of)
    populations = populations or {}
    mcids = mcids or {}
    diagnoses = tuple(d.coding.code for d in plan.diagnoses)
    grouped: dict[tuple[str, BodyRegion | None, Laterality | None, str | None], list[Point]] = {}
    instruments: dict[str, Instrument] = {}  # by the code as recorded
    by_code: dict[str, Instrument] = {}  # by the instrument's own code
    unscored: list[Unscored] = []
    for session in chosen:
        for measure in sorted(session.outcomes, key=lambda m: instant(m.taken_at)):
            try:
                instrument = instruments.get(measure.instrument) or get_instrument(
                    measure.instrument, registry
                )
                instruments[measure.instrument] = by_code[instrument.code] = instrument
                score = instrument.score_measure(measure)
            except MedmassageError as exc:
                unscored.append(
                    Unscored(
                        instrument=measure.instrument,
                        taken_at=measure.taken_at,
                        session_id=session.id,
                        reason=str(exc),
                    )
                )
                continue
            key = (instrument.code, measure.region, measure.laterality, measure.movement)
            grouped.setdefault(key, []).append(
                Point(taken_at=measure.taken_at, session_id=session.id, score=score)
            )
    series: list[Series] = []
    for (code, region, side, movement), points in grouped.items():
        instrument = by_code[code]
        change = None
        if len(points) >= 2:
            change = instrument.change(
                points[0].score,
                points[-1].score,
                population=populations.get(code),
                mcid=mcids.get(code),
                diagnoses=diagnoses,
            )
        series.append(
            Series(
                instrument=instrument,
                points=tuple(points),
                region=region,
                laterality=side,
                movement=movement,
                change=change,
                trend=_trend(points, change, instrument),
            )
        )
    goals = tuple(_goal_status(goal, series, as_of) for goal in plan.goals)
    return Progress(
        plan_id=plan.id, as_of=as_of, series=tuple(series), goals=goals, unscored=tuple(unscored)
    )


def _goal_status(goal: Goal, series: Sequence[Series], as_of: dt.date) -> GoalStatus:
    code = goal.instrument.strip().lower()
    matching = [s for s in series if s.code == code]
    # A goal names an instrument, not a site: use its longest series (the first on a tie).
    chosen = max(matching, key=lambda s: len(s.points), default=None)
    overdue_possible = goal.target_date is not None and as_of > goal.target_date
    if chosen is None:
        return GoalStatus(
            goal=goal,
            series=None,
            met=None,
            progress=None,
            trend=Trend.INSUFFICIENT_DATA,
            overdue=overdue_possible,
        )
    met = goal.met_by(chosen.latest.value)
    progress = None
    distance = goal.target - chosen.baseline.value
    if len(chosen.points) >= 2 and not goal.met_by(chosen.baseline.value) and distance != 0:
        progress = (chosen.latest.value - chosen.baseline.value) / distance
    trend = chosen.trend
    if met and trend is not Trend.REGRESSING:
        trend = Trend.ON_TRACK
    return GoalStatus(
        goal=goal,
        series=chosen,
        met=met,
        progress=progress,
        trend=trend,
        overdue=overdue_possible and not met,
    )


# -- plan-of-care timing ------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class CareTiming:
    """When the next plan-of-care documents are due.

    Attributes:
        as_of: The review date.
        policy: The plan-of-care policy's name.
        treatment_days: Distinct days with a completed session so far.
        treatment_days_since_report: Treatment days since the last progress
            report (or since the start of the episode).
        progress_report_every: The policy's reporting interval in treatment days
            (``None``: the policy sets none).
        progress_report_due_in: Treatment days left before a report is required
            (0: write one now, before the next treatment day).
        reevaluation_due: The plan's re-evaluation date, if set.
        reevaluation_overdue: Whether that date has passed.
        recertification_due: The last day the plan is certified; without a
            recorded certification, the longest a certification could run (the
            plan's end or the policy's maximum, whichever is earlier).
        visits_authorized: Visits the referral authorizes, if it says.
        visits_remaining: Authorized visits left.
        findings: The plan-of-care compliance findings (`medmassage.plan_of_care`).
    """

    as_of: dt.date
    policy: str
    treatment_days: int
    treatment_days_since_report: int
    progress_report_every: int | None
    progress_report_due_in: int | None
    reevaluation_due: dt.date | None
    reevaluation_overdue: bool
    recertification_due: dt.date | None
    visits_authorized: int | None
    visits_remaining: int | None
    findings: tuple[ComplianceFinding, ...] = ()

    @property
    def progress_report_due(self) -> bool:
        """Whether a progress report must be written before the next treatment day."""
        return self.progress_report_due_in is not None and self.progress_report_due_in <= 0


def care_timing(
    plan: TreatmentPlan,
    sessions: Sequence[Session],
    *,
    as_of: dt.date,
    progress_reports: Sequence[dt.date] = (),
    certifications: Sequence[PlanCertification] = (),
    policy: PlanOfCarePolicy | None = None,
) -> CareTiming:
    """Say when the next progress report, re-evaluation and re-certification are due.

    The counting of treatment days and the compliance rules are those of
    `medmassage.plan_of_care.plan_of_care_status` (two visits on one day are one
    treatment day; the first reporting period starts on the first day of the
    episode, Medicare Benefit Policy Manual ch. 15 s. 220.3 D).

    Args:
        plan: The treatment plan.
        sessions: The patient's sessions.
        as_of: The review date.
        progress_reports: Dates progress reports were written.
        certifications: `medmassage.plan_of_care.PlanCertification` objects.
        policy: A `medmassage.plan_of_care.PlanOfCarePolicy` (default: Medicare's).

    Raises:
        ValidationError: If an argument has the wrong type.
    """
    from . import plan_of_care

    given: object = plan_of_care.MEDICARE_PLAN_OF_CARE if policy is None else policy
    if not isinstance(given, plan_of_care.PlanOfCarePolicy):
        raise ValidationError([Problem("policy", "expected a PlanOfCarePolicy", "type")])
    chosen_policy = given
    status = plan_of_care.plan_of_care_status(
        plan,
        sessions,
        as_of=as_of,
        certifications=certifications,
        progress_reports=progress_reports,
        policy=chosen_policy,
    )
    every = chosen_policy.progress_report_treatment_days
    due_in = None if every is None else max(every - status.treatment_days_since_report, 0)
    recert = status.certified_through
    if recert is None and chosen_policy.certification_max_days is not None:
        start = status.first_treatment or plan.start_date
        longest = start + dt.timedelta(days=chosen_policy.certification_max_days - 1)
        recert = min(longest, plan.end_date)
    elif recert is None:
        recert = plan.end_date
    reeval = plan.reevaluation_date
    return CareTiming(
        as_of=as_of,
        policy=chosen_policy.name,
        treatment_days=status.treatment_days,
        treatment_days_since_report=status.treatment_days_since_report,
        progress_report_every=every,
        progress_report_due_in=due_in,
        reevaluation_due=reeval,
        reevaluation_overdue=reeval is not None and as_of > reeval,
        recertification_due=recert,
        visits_authorized=status.visits_authorized,
        visits_remaining=status.visits_remaining,
        findings=status.findings,
    )
