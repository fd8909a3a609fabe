"""Tests of progress tracking and plan-of-care timing.

Scores are checked against the published scoring rules (ODI: Fairbank & Pynsent
2000; PPT: 1 kgf/cm2 = 98.0665 kPa) and MCIDs (Ostelo et al. Spine 2008);
timing against the Medicare Benefit Policy Manual ch. 15 s. 220.3 D (a progress
report at least once every 10 treatment days).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import medmassage as mm
from medmassage.exceptions import UnknownCodeError, ValidationError
from medmassage.instruments import ChangeDirection, Mcid
from medmassage.plan_of_care import PlanCertification, PlanOfCarePolicy
from medmassage.progress import Trend, care_timing, track

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"
TZ = dt.timezone(dt.timedelta(hours=-6))


@pytest.fixture(scope="module")
def case() -> mm.Case:
    return mm.from_json(mm.Case, EXAMPLE.read_bytes())


def session(
    case: mm.Case,
    n: int,
    day: dt.date,
    *outcomes: mm.OutcomeMeasure,
    status: mm.SessionStatus = mm.SessionStatus.COMPLETED,
    plan_id: str | None = "plan-301",
) -> mm.Session:
    return mm.Session(
        id=f"x-{n}",
        patient_id=case.patient.id,
        practitioner_id="pr-201",
        plan_id=plan_id,
        start=dt.datetime.combine(day, dt.time(9), TZ),
        duration=mm.Duration(60, "min"),
        status=status,
        outcomes=outcomes,
    )


def nprs(day: dt.date, value: float) -> mm.OutcomeMeasure:
    return mm.OutcomeMeasure(
        instrument="nprs", taken_at=dt.datetime.combine(day, dt.time(9), TZ), value=value
    )


def nprs_course(case: mm.Case, *values: float) -> list[mm.Session]:
    start = case.plan.start_date
    return [
        session(
            case, i, start + dt.timedelta(days=3 * i), nprs(start + dt.timedelta(days=3 * i), v)
        )
        for i, v in enumerate(values)
    ]


# -- the bundled case ----------------------------------------------------------------------


def test_example_case_series(case: mm.Case) -> None:
    """The example case gives one series per instrument as of its last session."""
    progress = track(case.plan, case.sessions)
    assert progress.as_of == dt.date(2026, 1, 19)
    assert [s.code for s in progress.series] == ["odi", "nprs", "ppt"]
    odi, pain, ppt = progress.series
    # ODI with section 8 unanswered: 22/45 and 12/45 (Fairbank denominator rule).
    assert [p.value for p in odi.points] == pytest.approx([22 / 45 * 100, 12 / 45 * 100])
    assert odi.change is not None
    assert odi.change.improvement == pytest.approx(10 / 45 * 100)
    assert odi.change.mcid_reached is True  # >= 10 points (Ostelo 2008)
    assert odi.trend is Trend.ON_TRACK
    assert [p.value for p in pain.points] == [7, 5, 4]
    assert pain.change is not None
    assert pain.change.direction is ChangeDirection.IMPROVED
    # PPT: mean of three trials in kgf/cm2, x 98.0665 kPa.
    assert ppt.points[0].value == pytest.approx(2.2 * 98.0665)
    assert ppt.points[1].value == pytest.approx(3.1 * 98.0665)
    assert ppt.label == "Pressure pain threshold (algometry), left hip"
    assert ppt.change is not None
    assert ppt.change.mcid is None
    assert progress.unscored == ()


def test_example_case_goals(case: mm.Case) -> None:
    """The example case's goals report whether they are met and their trend."""
    progress = track(case.plan, case.sessions)
    g_odi, g_nprs = progress.goals
    assert g_odi.goal.id == "g-odi"
    assert g_odi.met is False
    assert g_odi.progress == pytest.approx((22 / 45 * 100 - 12 / 45 * 100) / (22 / 45 * 100 - 20))
    assert g_odi.trend is Trend.ON_TRACK
    assert g_odi.overdue is False
    assert g_nprs.met is False
    assert g_nprs.progress == pytest.approx(0.75)  # 7 -> 4 towards <= 3
    assert not progress.all_goals_met


def test_as_of_cuts_the_series(case: mm.Case) -> None:
    """An as-of date leaves later measures out of the series."""
    progress = track(case.plan, case.sessions, as_of=dt.date(2026, 1, 15))
    odi = progress.series_for("odi")[0]
    assert len(odi.points) == 1
    assert odi.change is None
    assert odi.trend is Trend.INSUFFICIENT_DATA
    assert progress.goals[0].progress is None
    assert len(progress.series_for("nprs")[0].points) == 2


# -- trend rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "trend"),
    [
        ((6, 5, 4), Trend.ON_TRACK),
        ((6, 4, 4), Trend.PLATEAU),
        ((6, 4, 5), Trend.PLATEAU),  # 1 point, 25%: worse, but less than the MCID
        ((6, 3, 5), Trend.REGRESSING),  # 2 points back: at least the MCID (Ostelo 2008)
        ((5, 4, 6), Trend.REGRESSING),  # worse than baseline
        ((5,), Trend.INSUFFICIENT_DATA),
    ],
)
def test_trend_classification(case: mm.Case, values: tuple[float, ...], trend: Trend) -> None:
    """Each series is classified into its trend from its scores."""
    plan = attrs.evolve(case.plan, goals=())
    progress = track(plan, nprs_course(case, *values))
    assert progress.series[0].trend is trend


def test_goal_met_overrides_plateau_and_overdue(case: mm.Case) -> None:
    """A met goal is on track whatever the plateau or due date."""
    sessions = nprs_course(case, 7, 3, 3)
    progress = track(case.plan, sessions, as_of=dt.date(2026, 3, 1))
    g_nprs = progress.goals[1]
    assert g_nprs.met is True
    assert g_nprs.trend is Trend.ON_TRACK
    assert g_nprs.overdue is False
    g_odi = progress.goals[0]
    assert g_odi.series is None
    assert g_odi.met is None
    assert g_odi.overdue is True  # target date 2026-02-06 passed, never measured


def test_only_completed_sessions_of_the_plan_count(case: mm.Case) -> None:
    """Only completed sessions of the plan contribute measures."""
    start = case.plan.start_date
    sessions = [
        *nprs_course(case, 7, 5),
        session(
            case,
            10,
            start + dt.timedelta(days=7),
            nprs(start + dt.timedelta(days=7), 1),
            status=mm.SessionStatus.CANCELLED,
        ),
        session(
            case,
            11,
            start + dt.timedelta(days=8),
            nprs(start + dt.timedelta(days=8), 1),
            plan_id="plan-other",
        ),
    ]
    progress = track(case.plan, sessions)
    assert [p.value for p in progress.series[0].points] == [7, 5]


def test_unscorable_measures_are_listed_not_fatal(case: mm.Case) -> None:
    """Unscorable measures are listed with a reason instead of failing."""
    day = case.plan.start_date
    bad = mm.OutcomeMeasure(
        instrument="odi",
        taken_at=dt.datetime.combine(day, dt.time(9), TZ),
        responses=(3, 1, 3, 2, 9, 2, 2, None, 2, 3),
    )
    unknown = mm.OutcomeMeasure(
        instrument="acme_scale", taken_at=dt.datetime.combine(day, dt.time(9), TZ), value=3
    )
    progress = track(case.plan, [session(case, 1, day, bad, unknown, nprs(day, 6))])
    assert [u.instrument for u in progress.unscored] == ["odi", "acme_scale"]
    assert "section 5: got 9" in progress.unscored[0].reason
    assert "unknown instrument code" in progress.unscored[1].reason
    assert [s.code for s in progress.series] == ["nprs"]


def test_recorded_value_out_of_range_is_unscored(case: mm.Case) -> None:
    """A recorded value outside the instrument range is listed as unscored."""
    day = case.plan.start_date
    progress = track(case.plan, [session(case, 1, day, nprs(day, 12))])
    assert "expected a number from 0 to 10" in progress.unscored[0].reason


def test_mcid_population_and_override(case: mm.Case) -> None:
    """The MCID follows the population and can be overridden."""
    sessions = nprs_course(case, 8, 6.5)
    default = track(case.plan, sessions).series[0].change
    assert default is not None
    assert default.mcid_reached is False  # 1.5 points, 18.75%
    childs = track(case.plan, sessions, populations={"nprs": "lbp-4wk"}).series[0].change
    assert childs is not None
    assert childs.mcid_reached is True  # Childs 2005: 1.5 at 4 weeks
    site = Mcid(value=1, source="site protocol")
    override = track(case.plan, sessions, mcids={"nprs": site}).series[0].change
    assert override is not None
    assert override.mcid is site
    with pytest.raises(UnknownCodeError):
        track(case.plan, sessions, populations={"nprs": "martian"})


def test_bad_arguments_raise_validation_errors(case: mm.Case) -> None:
    """Bad arguments raise ValidationError naming each path."""
    with pytest.raises(ValidationError) as info:
        track("plan", [1], as_of="today")  # type: ignore[arg-type, list-item]
    assert set(info.value.paths) == {"plan", "sessions[0]", "as_of"}
    other = attrs.evolve(case.sessions[1], patient_id="pt-9", signature=None, amendments=())
    with pytest.raises(ValidationError, match=r"sessions\[0\]\.patient_id"):
        track(case.plan, [other])


# -- plan-of-care timing ------------------------------------------------------------------------


def test_care_timing_medicare_defaults(case: mm.Case) -> None:
    """Progress report at least every 10 treatment days (MBPM ch. 15 s. 220.3 D);
    certification valid for the plan's duration or 90 days (s. 220.1.3)."""
    timing = care_timing(case.plan, case.sessions, as_of=dt.date(2026, 1, 20))
    assert timing.policy == "medicare"
    assert timing.treatment_days == 3
    assert timing.progress_report_every == 10
    assert timing.progress_report_due_in == 7
    assert not timing.progress_report_due
    assert timing.reevaluation_due == dt.date(2026, 2, 6)
    assert not timing.reevaluation_overdue
    assert timing.recertification_due == case.plan.end_date  # 4-week plan < 90 days
    assert timing.visits_authorized == 8
    assert timing.visits_remaining == 5
    assert any(f.code == "certification_due" for f in timing.findings)


def test_progress_report_due_after_ten_treatment_days(case: mm.Case) -> None:
    """A progress report falls due after ten treatment days."""
    sessions = nprs_course(case, *([5] * 10))
    long_plan = attrs.evolve(case.plan, duration_weeks=12, referral=None)
    timing = care_timing(long_plan, sessions, as_of=dt.date(2026, 2, 10))
    assert timing.treatment_days == 10
    assert timing.progress_report_due_in == 0
    assert timing.progress_report_due
    after_report = care_timing(
        long_plan, sessions, as_of=dt.date(2026, 2, 10), progress_reports=[dt.date(2026, 1, 30)]
    )
    assert after_report.treatment_days_since_report == 3  # 2-2, 2-5 and 2-8
    assert after_report.progress_report_due_in == 7


def test_custom_policy_and_certification(case: mm.Case) -> None:
    """A custom policy and certification change the progress report timing."""
    policy = PlanOfCarePolicy(name="payer-x", progress_report_treatment_days=2, source="contract")
    timing = care_timing(case.plan, case.sessions, as_of=dt.date(2026, 1, 20), policy=policy)
    assert timing.policy == "payer-x"
    assert timing.progress_report_due
    assert timing.recertification_due == case.plan.end_date  # no 90-day cap in this policy
    cert = PlanCertification(
        signed_on=dt.date(2026, 1, 13), start=dt.date(2026, 1, 12), end=dt.date(2026, 2, 1)
    )
    certified = care_timing(
        case.plan, case.sessions, as_of=dt.date(2026, 1, 20), certifications=[cert]
    )
    assert certified.recertification_due == dt.date(2026, 2, 1)
    with pytest.raises(ValidationError, match="PlanOfCarePolicy"):
        care_timing(case.plan, case.sessions, as_of=dt.date(2026, 1, 20), policy="medicare")  # type: ignore[arg-type]
