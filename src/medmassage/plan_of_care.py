"""Plan-of-care compliance: certification, progress-report and referral timing.

A plan of care for outpatient therapy has to be certified by the physician (or
non-physician practitioner) and, under Medicare, progress reports written at
least every 10 treatment days. A *plan-of-care policy* (`PlanOfCarePolicy`)
holds a payer's rules; `MEDICARE_PLAN_OF_CARE` is Medicare's (Benefit Policy
Manual ch. 15 s. 220). `plan_of_care_status` checks a plan, its sessions, its
certifications and progress reports against a policy and the referral's limits
(visits authorized, expiry), and returns a `PlanOfCareStatus` with compliance
findings. `medmassage.progress.care_timing` says, from the same rules, when the
next report and recertification are due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

import attrs

from .advisories import Advisory, AdvisoryLevel
from .diagnosis import Referral
from .exceptions import Problem, ValidationError
from .plans import TreatmentPlan
from .sessions import Session, SessionStatus

__all__ = [
    "MEDICARE_PLAN_OF_CARE",
    "PlanCertification",
    "ComplianceFinding",
    "PlanOfCarePolicy",
    "PlanOfCareStatus",
    "plan_of_care_status",
]


def _completed(session: Session) -> bool:
    return session.status is SessionStatus.COMPLETED


def _check_session(session: object) -> None:
    if not isinstance(session, Session):
        raise ValidationError([Problem("session", "expected a Session", "type")])


_POC_SOURCE: Final = "Medicare Benefit Policy Manual (Pub. 100-02) ch. 15"


@attrs.frozen(kw_only=True, slots=True)
class PlanOfCarePolicy:
    """A payer's plan-of-care rules; ``None`` switches a rule off.

    Attributes:
        name: The policy's name.
        certification_due_days: Days after the first treatment by which the plan
            must be certified (signed by the physician or NPP).
        certification_max_days: The longest a certification is valid, in calendar
            days counting its first day.
        progress_report_treatment_days: A progress report is due at least once
            in this many treatment days.
        source: The rules' citation.
    """

    name: str
    certification_due_days: int | None = None
    certification_max_days: int | None = None
    progress_report_treatment_days: int | None = None
    source: str = ""

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        for field in (
            "certification_due_days",
            "certification_max_days",
            "progress_report_treatment_days",
        ):
            value = getattr(self, field)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366
            ):
                p.append(Problem(field, "expected whole days between 1 and 366, or None", "range"))
        if p:
            raise ValidationError(p, "PlanOfCarePolicy")


#: Medicare Part B outpatient therapy rules (Benefit Policy Manual ch. 15 s. 220):
#: certification within 30 days of the first treatment (s. 220.1.3), valid for
#: the plan's duration or 90 calendar days, whichever is less (s. 220.1.3),
#: a progress report at least once every 10 treatment days (s. 220.3 D).
MEDICARE_PLAN_OF_CARE: Final = PlanOfCarePolicy(
    name="medicare",
    certification_due_days=30,
    certification_max_days=90,
    progress_report_treatment_days=10,
    source=(
        f"{_POC_SOURCE} s. 220.1.3 (certification within 30 days of the first treatment; "
        "valid for the plan's duration or 90 calendar days, whichever is less) and "
        "s. 220.3 D (progress report at least once every 10 treatment days; the first "
        "reporting period starts on the first day of the episode)"
    ),
)


@attrs.frozen(kw_only=True, slots=True)
class PlanCertification:
    """A physician's or NPP's certification of a plan of care.

    Not a practitioner's certification in a modality: that is
    `medmassage.practitioners.Certification`. This class was
    ``medmassage.billing.Certification``, which still works as a deprecated alias.

    Attributes:
        signed_on: The date the certification was signed.
        start: The first day it certifies.
        end: The last day it certifies.
    """

    signed_on: dt.date
    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        for name in ("signed_on", "start", "end"):
            value = getattr(self, name)
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                p.append(Problem(name, "expected a date", "type"))
        if not p and self.end < self.start:
            p.append(Problem("end", "expected a date on or after start", "order"))
        if p:
            raise ValidationError(p, "PlanCertification")

    def covers(self, day: dt.date) -> bool:
        """Whether *day* is inside the certified period."""
        return self.start <= day <= self.end


@attrs.frozen(kw_only=True, slots=True)
class ComplianceFinding(Advisory):
    """One plan-of-care compliance finding.

    A compliance finding is an `~medmassage.checks.Advisory` (the one shape of a
    soft finding) that may carry the date something is due.

    Attributes:
        code: A stable identifier: ``certification_due``, ``certification_overdue``,
            ``certification_capped``, ``uncertified_treatment``,
            ``recertification_due``, ``progress_report_due``,
            ``progress_report_overdue``, ``treatment_before_referral``,
            ``treatment_after_referral_expired``, ``referral_expired``,
            ``visits_exhausted`` or ``visits_exceeded``.
        level: `~medmassage.checks.AdvisoryLevel.ERROR` (a rule is broken),
            `~medmassage.checks.AdvisoryLevel.WARNING` (due now or soon) or
            `~medmassage.checks.AdvisoryLevel.INFO`.
        message: What was found. No patient data.
        source: The rule's citation.
        path: Empty: a finding concerns the plan of care as a whole.
        due: The date something is due, if any.
    """

    level: AdvisoryLevel
    path: str = ""
    source: str
    due: dt.date | None = None

    def __str__(self) -> str:
        return f"{self.level.value} {self.code}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary (the advisory's fields and ``due``, ISO 8601)."""
        out = super().to_dict()
        out["due"] = None if self.due is None else self.due.isoformat()
        return out


@attrs.frozen(kw_only=True, slots=True)
class PlanOfCareStatus:
    """Where a plan of care stands, as returned by `plan_of_care_status`.

    Attributes:
        as_of: The date of the review.
        policy: The plan-of-care policy's name.
        first_treatment: The first treatment day of the episode, if any.
        treatment_days: Distinct days with a completed session (two visits on one
            day are one treatment day).
        certification_due: The last day to certify the plan, if the policy sets one.
        certified_through: The last day covered by a certification, if any.
        treatment_days_since_report: Treatment days since the last progress
            report (or since the start of the episode).
        visits_authorized: Visits the referral authorizes, if it says.
        visits_used: Completed sessions counted against the referral.
        visits_remaining: Authorized visits left (negative when exceeded).
        findings: Compliance findings, errors first.
    """

    as_of: dt.date
    policy: str
    first_treatment: dt.date | None
    treatment_days: int
    certification_due: dt.date | None
    certified_through: dt.date | None
    treatment_days_since_report: int
    visits_authorized: int | None
    visits_used: int
    visits_remaining: int | None
    findings: tuple[ComplianceFinding, ...]

    @property
    def compliant(self) -> bool:
        """Whether no finding is an error."""
        return not any(f.level is AdvisoryLevel.ERROR for f in self.findings)


def plan_of_care_status(
    plan: TreatmentPlan,
    sessions: Sequence[Session],
    *,
    as_of: dt.date,
    certifications: Sequence[PlanCertification] = (),
    progress_reports: Sequence[dt.date] = (),
    referral: Referral | None = None,
    policy: PlanOfCarePolicy = MEDICARE_PLAN_OF_CARE,
) -> PlanOfCareStatus:
    """Check a plan of care against certification, progress-report and referral rules.

    Only completed sessions of this plan (``plan_id`` equal to the plan's id, or
    unset) on or before *as_of* count. The first treatment day is the earliest
    of them (an evaluation counts as treatment).

    Rules (with `MEDICARE_PLAN_OF_CARE`, Benefit Policy Manual ch. 15):

    * certification: a certification must be signed within 30 days of the first
      treatment (s. 220.1.3); a certification is valid for the plan's duration
      or 90 calendar days (its first day counted), whichever is less, so a
      longer one is cut short (``certification_capped``, a warning); every
      treatment day must be inside a valid certified period
      (``uncertified_treatment``);
    * progress reports: at least one in every 10 treatment days, the first
      period starting on the first day of the episode (s. 220.3 D). A report
      dated on a treatment day covers that day;
    * referral (*referral*, else the plan's): sessions before the referral date
      or after it expired, visits beyond those authorized, and the visits left.

    As a convenience, not a Medicare rule, a ``recertification_due`` warning is
    given in the last 7 days of the latest certified period.

    Args:
        plan: The treatment plan.
        sessions: The patient's sessions, in any order.
        as_of: The review date.
        certifications: The plan's certifications and recertifications.
        progress_reports: Dates progress reports were written.
        referral: The referral to count visits against (default ``plan.referral``).
        policy: The payer's rules.

    Raises:
        ValidationError: If a session belongs to another patient (path
            ``sessions[i].patient_id``) or an argument has the wrong type.
    """
    if not isinstance(plan, TreatmentPlan):
        raise ValidationError([Problem("plan", "expected a TreatmentPlan", "type")])
    day_given: object = as_of
    if not isinstance(day_given, dt.date) or isinstance(day_given, dt.datetime):
        raise ValidationError([Problem("as_of", "expected a date", "type")])
    problems: list[Problem] = []
    visits: list[dt.date] = []
    for i, session in enumerate(sessions):
        try:
            _check_session(session)
        except ValidationError as exc:
            problems.extend(exc.prefixed(f"sessions[{i}]").problems)
            continue
        if session.patient_id != plan.patient_id:
            problems.append(
                Problem(f"sessions[{i}].patient_id", "expected the plan's patient", "patient")
            )
            continue
        if session.plan_id not in (None, plan.id) or not _completed(session):
            continue
        day = session.start.date()
        if day <= as_of:
            visits.append(day)
    for i, cert in enumerate(certifications):
        cert_given: object = cert
        if not isinstance(cert_given, PlanCertification):
            problems.append(Problem(f"certifications[{i}]", "expected a PlanCertification", "type"))
    for i, report in enumerate(progress_reports):
        report_given: object = report
        if not isinstance(report_given, dt.date) or isinstance(report_given, dt.datetime):
            problems.append(Problem(f"progress_reports[{i}]", "expected a date", "type"))
    if problems:
        raise ValidationError(problems, "plan of care")
    visits.sort()
    days = sorted(set(visits))
    findings: list[ComplianceFinding] = []
    first = days[0] if days else None
    src = policy.source

    # Certification.
    due: dt.date | None = None
    certs = sorted(certifications, key=lambda c: (c.start, c.signed_on))
    if first is not None and policy.certification_due_days is not None:
        due = first + dt.timedelta(days=policy.certification_due_days)
        signed_in_time = any(c.signed_on <= due and c.covers(first) for c in certs)
        if not signed_in_time:
            if as_of > due:
                findings.append(
                    ComplianceFinding(
                        code="certification_overdue",
                        level=AdvisoryLevel.ERROR,
                        message=(
                            f"no certification covering the first treatment ({first}) was "
                            f"signed by {due}, {policy.certification_due_days} days after it"
                        ),
                        source=src,
                        due=due,
                    )
                )
            else:
                findings.append(
                    ComplianceFinding(
                        code="certification_due",
                        level=AdvisoryLevel.WARNING,
                        message=f"the plan of care must be certified by {due}",
                        source=src,
                        due=due,
                    )
                )
    # A certification is valid for the plan's duration or the policy's maximum,
    # whichever is less (s. 220.1.3): work with each one's effective period.
    periods: list[tuple[dt.date, dt.date]] = []
    limit = policy.certification_max_days
    for i, cert in enumerate(certs):
        last = min(cert.end, plan.end_date)
        if limit is not None:
            last = min(last, cert.start + dt.timedelta(days=limit - 1))
        if last < cert.end:
            findings.append(
                ComplianceFinding(
                    code="certification_capped",
                    level=AdvisoryLevel.WARNING,
                    message=(
                        f"certification {i + 1} covers {cert.start} to {cert.end} but is "
                        f"valid only through {last}: at most "
                        + (f"{limit} calendar days and " if limit is not None else "")
                        + f"no longer than the plan (to {plan.end_date})"
                    ),
                    source=src,
                    due=last,
                )
            )
        if last >= cert.start:
            periods.append((cert.start, last))
    uncovered = [d for d in days if not any(a <= d <= b for a, b in periods)]
    if certs and uncovered:
        findings.append(
            ComplianceFinding(
                code="uncertified_treatment",
                level=AdvisoryLevel.ERROR,
                message=(
                    f"{len(uncovered)} treatment day(s) fall outside every valid certified "
                    f"period, the first on {uncovered[0]}; recertify the plan"
                ),
                source=src,
            )
        )
    certified_through = max((b for _, b in periods), default=None)
    if (
        certified_through is not None
        and certified_through >= as_of
        and (certified_through - as_of).days < 7
    ):
        findings.append(
            ComplianceFinding(
                code="recertification_due",
                level=AdvisoryLevel.WARNING,
                message=f"the certification ends on {certified_through}; recertify to continue",
                source=src,
                due=certified_through,
            )
        )

    # Progress reports.
    since = 0
    every = policy.progress_report_treatment_days
    reports = sorted(progress_reports)
    r = 0
    missed: list[dt.date] = []
    for day in days:
        while r < len(reports) and reports[r] < day:
            r += 1
            since = 0
        since += 1
        if r < len(reports) and reports[r] == day:
            r += 1  # a report written at this visit closes the period, this day included
            since = 0
        elif every is not None and since == every + 1:
            missed.append(day)
    while r < len(reports) and reports[r] <= as_of:
        r += 1
        since = 0
    if every is not None:
        findings.extend(
            ComplianceFinding(
                code="progress_report_overdue",
                level=AdvisoryLevel.ERROR,
                message=(
                    f"treatment on {day} was treatment day {every + 1} without a progress report"
                ),
                source=src,
            )
            for day in missed
        )
        if since == every:
            findings.append(
                ComplianceFinding(
                    code="progress_report_due",
                    level=AdvisoryLevel.WARNING,
                    message=(
                        f"{since} treatment days since the last progress report; write one "
                        "before the next treatment day"
                    ),
                    source=src,
                )
            )

    # Referral.
    ref = referral if referral is not None else plan.referral
    authorized: int | None = None
    remaining: int | None = None
    used_count = 0
    if ref is not None:
        ref_src = "the referral's own terms (visits authorized, expiry date)"
        before = [d for d in visits if d < ref.referred_on]
        after = [d for d in visits if ref.expires_on is not None and d > ref.expires_on]
        counted = [d for d in visits if ref.valid_on(d)]
        used_count = len(counted)
        authorized = ref.visits_authorized
        if before:
            findings.append(
                ComplianceFinding(
                    code="treatment_before_referral",
                    level=AdvisoryLevel.ERROR,
                    message=f"{len(before)} session(s) before the referral date {ref.referred_on}",
                    source=ref_src,
                )
            )
        if after:
            findings.append(
                ComplianceFinding(
                    code="treatment_after_referral_expired",
                    level=AdvisoryLevel.ERROR,
                    message=(
                        f"{len(after)} session(s) after the referral expired on {ref.expires_on}"
                    ),
                    source=ref_src,
                )
            )
        if ref.expires_on is not None and as_of > ref.expires_on:
            findings.append(
                ComplianceFinding(
                    code="referral_expired",
                    level=AdvisoryLevel.WARNING,
                    message=f"the referral expired on {ref.expires_on}; obtain a new one",
                    source=ref_src,
                    due=ref.expires_on,
                )
            )
        if authorized is not None:
            remaining = authorized - used_count
            if remaining < 0:
                findings.append(
                    ComplianceFinding(
                        code="visits_exceeded",
                        level=AdvisoryLevel.ERROR,
                        message=(
                            f"{used_count} visits used of {authorized} authorized "
                            f"({-remaining} beyond the authorization)"
                        ),
                        source=ref_src,
                    )
                )
            elif remaining == 0:
                findings.append(
                    ComplianceFinding(
                        code="visits_exhausted",
                        level=AdvisoryLevel.WARNING,
                        message=f"all {authorized} authorized visits are used",
                        source=ref_src,
                    )
                )
    order = {AdvisoryLevel.ERROR: 0, AdvisoryLevel.WARNING: 1, AdvisoryLevel.INFO: 2}
    findings.sort(key=lambda f: order[f.level])
    return PlanOfCareStatus(
        as_of=as_of,
        policy=policy.name,
        first_treatment=first,
        treatment_days=len(days),
        certification_due=due,
        certified_through=certified_through,
        treatment_days_since_report=since,
        visits_authorized=authorized,
        visits_used=used_count,
        visits_remaining=remaining,
        findings=tuple(findings),
    )
