"""Plan-of-care compliance: certification, progress-report and referral timing.

A plan of care for outpatient therapy has to be certified by a physician or a
non-physician practitioner (nurse practitioner, physician assistant, clinical
nurse specialist) and, under Medicare, progress reports written at least every
10 treatment days. A *plan-of-care policy* (`PlanOfCarePolicy`) holds a payer's
rules; `MEDICARE_PLAN_OF_CARE` is Medicare's (Benefit Policy Manual, CMS Pub.
100-02, ch. 15 s. 220), each rule with its section and evidence level.
`plan_of_care_status` checks a plan, its sessions, its certifications (signed,
or a verbal order awaiting its signature; late ones with the reason for the
delay) and progress reports against a policy and the referral's limits (visits
authorized, expiry), and returns a `PlanOfCareStatus` with compliance findings.
`medmassage.progress.care_timing` says, from the same rules, when the next
report and recertification are due.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

import attrs

from . import _plan_of_care_rules as _rules
from ._validation import check_text, redacted
from .advisories import Advisory, AdvisoryLevel
from .diagnosis import Provider, ProviderRole, Referral
from .evidence import EvidenceLevel
from .exceptions import Problem, ValidationError
from .plans import TreatmentPlan
from .sessions import Session, SessionStatus

__all__ = [
    "MEDICARE_PLAN_OF_CARE",
    "POLICY_RULES",
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


_POC_SOURCE: Final = "Medicare Benefit Policy Manual (CMS Pub. 100-02) ch. 15"

#: The rules a `PlanOfCarePolicy` may cite one by one (`PlanOfCarePolicy.rule_sources`):
#: when the initial certification is due (``certification_timing``), a verbal
#: order's signature (``verbal_order``), a late certification
#: (``delayed_certification``), how long a certification lasts
#: (``certification_duration``), treatment outside every certified period
#: (``recertification``), who may certify (``certifier``) and progress reports
#: (``progress_report``).
POLICY_RULES: Final = (
    "certification_timing",
    "verbal_order",
    "delayed_certification",
    "certification_duration",
    "recertification",
    "certifier",
    "progress_report",
)


@attrs.frozen(kw_only=True, slots=True)
class PlanOfCarePolicy:
    """A payer's plan-of-care rules; ``None`` switches a rule off.

    Attributes:
        name: The policy's name.
        certification_due_days: Days after the first treatment (the evaluation
            included) by which the initial plan must be certified (signed, or
            ordered verbally, by the physician or NPP) to be timely.
        certification_max_days: The longest a certification is valid, in calendar
            days: the initial certification's counted from the first treatment
            day (day 1), a recertification's from its own first day.
        progress_report_treatment_days: A progress report is due at least once
            in this many treatment days.
        verbal_order_signature_days: Days within which a verbal (telephone)
            order to certify must be followed by a signature for the
            certification to be timely.
        certifier_roles: The professions that may certify a plan; ``None``
            accepts any (a certification whose certifier is not recorded is not
            checked).
        scoped_certifier_roles: Professions that may certify only within their
            scope of practice (an info finding says so); also accepted.
        source: The rules' citation.
        rule_sources: The citation of single rules, as ``(rule, citation)``
            pairs; a rule is one of `POLICY_RULES`; a rule not listed cites
            *source*.
        evidence_level: The kind of source the rules rest on.
    """

    name: str
    certification_due_days: int | None = None
    certification_max_days: int | None = None
    progress_report_treatment_days: int | None = None
    verbal_order_signature_days: int | None = None
    # Left out of repr (long; the API docs show the constant's repr).
    certifier_roles: frozenset[ProviderRole] | None = attrs.field(default=None, repr=False)
    scoped_certifier_roles: frozenset[ProviderRole] = attrs.field(default=frozenset(), repr=False)
    source: str = ""
    rule_sources: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False)
    evidence_level: EvidenceLevel | None = attrs.field(default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        for field in (
            "certification_due_days",
            "certification_max_days",
            "progress_report_treatment_days",
            "verbal_order_signature_days",
        ):
            value = getattr(self, field)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366
            ):
                p.append(Problem(field, "expected whole days between 1 and 366, or None", "range"))
        for field in ("certifier_roles", "scoped_certifier_roles"):
            roles: object = getattr(self, field)
            if roles is None and field == "certifier_roles":
                continue
            if not isinstance(roles, frozenset) or not all(
                isinstance(r, ProviderRole) for r in roles
            ):
                p.append(Problem(field, "expected a frozenset of ProviderRole", "type"))
        pairs: object = self.rule_sources
        if not isinstance(pairs, tuple):
            p.append(Problem("rule_sources", "expected a tuple of (rule, citation) pairs", "type"))
        else:
            for i, pair in enumerate(pairs):
                if (
                    not isinstance(pair, tuple)
                    or len(pair) != 2
                    or not all(isinstance(x, str) for x in pair)
                ):
                    p.append(Problem(f"rule_sources[{i}]", "expected a (rule, citation)", "type"))
                elif pair[0] not in POLICY_RULES:
                    p.append(
                        Problem(
                            f"rule_sources[{i}]",
                            f"expected a rule of {', '.join(POLICY_RULES)}",
                            "unknown_rule",
                        )
                    )
        level: object = self.evidence_level
        if level is not None and not isinstance(level, EvidenceLevel):
            p.append(Problem("evidence_level", "expected an EvidenceLevel or None", "type"))
        if p:
            raise ValidationError(p, "PlanOfCarePolicy")

    def cite(self, rule: str) -> str:
        """The citation of *rule* (one of `POLICY_RULES`): its own, else the policy's."""
        return next((src for name, src in self.rule_sources if name == rule), self.source)


#: Medicare Part B outpatient therapy rules (Benefit Policy Manual, CMS Pub. 100-02,
#: ch. 15; evidence level guideline, the payer's own manual): the initial
#: certification is timely when signed, or ordered verbally, in the 30 days after
#: the first treatment, the evaluation included, a verbal order followed within 14
#: days by a signature (s. 220.1.3 B); a later certification is a delayed one,
#: accepted with the reason for the delay, and therapy is not to be stopped for it
#: (s. 220.1.3 D); a certification is valid for the plan's duration or 90 calendar
#: days from the initial treatment, whichever is less (s. 220.1.3 B, C); only a
#: physician (doctor of medicine, osteopathy or podiatric medicine, within its
#: scope) or a nurse practitioner, physician assistant or clinical nurse
#: specialist certifies; chiropractors and dentists do not (s. 220 A, s. 220.1.3
#: C); a progress report at least once every 10 treatment days (s. 220.3 D).
MEDICARE_PLAN_OF_CARE: Final = PlanOfCarePolicy(
    name="medicare",
    certification_due_days=30,
    certification_max_days=90,
    progress_report_treatment_days=10,
    verbal_order_signature_days=14,
    certifier_roles=frozenset(
        {
            ProviderRole.PHYSICIAN,
            ProviderRole.OSTEOPATHIC_PHYSICIAN,
            ProviderRole.NURSE_PRACTITIONER,
            ProviderRole.PHYSICIAN_ASSISTANT,
            ProviderRole.CLINICAL_NURSE_SPECIALIST,
        }
    ),
    scoped_certifier_roles=frozenset({ProviderRole.PODIATRIST}),
    source=(
        f"{_POC_SOURCE} s. 220.1.3 (certification within 30 days of the first treatment; "
        "valid for the plan's duration or 90 calendar days from the initial treatment, "
        "whichever is less) and s. 220.3 D (progress report at least once every 10 "
        "treatment days; the first reporting period starts on the first day of the episode)"
    ),
    rule_sources=(
        (
            "certification_timing",
            f"{_POC_SOURCE} s. 220.1.3 B (timely initial certification: documented by "
            "signature or verbal order and dated in the 30 days following the first day "
            "of treatment, including evaluation)",
        ),
        (
            "verbal_order",
            f"{_POC_SOURCE} s. 220.1.3 B (a verbal order to certify must be followed "
            "within 14 days by a signature to be timely; a dated notation of the order "
            "is made in the medical record)",
        ),
        (
            "delayed_certification",
            f"{_POC_SOURCE} s. 220.1.3 D (delayed certification is accepted with the "
            "reason for the delay; needed therapy is not to be stopped or denied when "
            "certification is delayed)",
        ),
        (
            "certification_duration",
            f"{_POC_SOURCE} s. 220.1.3 B and C (a certification is valid for the plan's "
            "duration or 90 calendar days from the date of the initial treatment, "
            "whichever is less)",
        ),
        (
            "recertification",
            f"{_POC_SOURCE} s. 220.1.3 C (treatment beyond the duration certified "
            "requires that the plan be recertified)",
        ),
        (
            "certifier",
            f"{_POC_SOURCE} s. 220 A (physician: doctor of medicine, osteopathy or "
            "podiatric medicine; nonphysician practitioner: physician assistant, clinical "
            "nurse specialist, nurse practitioner) and s. 220.1.3 C (podiatrists within "
            "their scope; chiropractors may not certify therapy plans of care)",
        ),
        (
            "progress_report",
            f"{_POC_SOURCE} s. 220.3 D (progress report at least once every 10 treatment "
            "days; the first reporting period starts on the first day of the episode)",
        ),
    ),
    evidence_level=EvidenceLevel.GUIDELINE,
)


@attrs.frozen(kw_only=True, slots=True)
class PlanCertification:
    """A physician's or NPP's certification of a plan of care.

    Not a practitioner's certification in a modality: that is
    `medmassage.practitioners.Certification`. This class was
    ``medmassage.billing.Certification``, which still works as a deprecated alias.

    Attributes:
        signed_on: The date the certification was signed; ``None`` while a
            verbal order (*verbal_order_on*) awaits its signature.
        start: The first day it certifies.
        end: The last day it certifies.
        verbal_order_on: The date of a verbal (telephone) order to certify, as
            noted in the medical record, if the certification began as one.
        certified_by: Who certified (their profession is checked against the
            policy's `PlanOfCarePolicy.certifier_roles`), if recorded.
        delay_reason: Why the certification is late, for a delayed
            certification (free text: never shown in findings or repr).
    """

    signed_on: dt.date | None
    start: dt.date
    end: dt.date
    verbal_order_on: dt.date | None = None
    certified_by: Provider | None = None
    delay_reason: str | None = attrs.field(default=None, repr=redacted)

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        for name in ("signed_on", "start", "end", "verbal_order_on"):
            value = getattr(self, name)
            if value is None and name in ("signed_on", "verbal_order_on"):
                continue
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                p.append(Problem(name, "expected a date", "type"))
        if not p:
            if self.end < self.start:
                p.append(Problem("end", "expected a date on or after start", "order"))
            if self.signed_on is None and self.verbal_order_on is None:
                p.append(
                    Problem(
                        "signed_on",
                        "expected a date, or a verbal_order_on date while the signature is pending",
                        "required",
                    )
                )
            if (
                self.signed_on is not None
                and self.verbal_order_on is not None
                and self.signed_on < self.verbal_order_on
            ):
                p.append(
                    Problem("signed_on", "expected a date on or after verbal_order_on", "order")
                )
        who: object = self.certified_by
        if who is not None and not isinstance(who, Provider):
            p.append(Problem("certified_by", "expected a Provider", "type"))
        reason: object = self.delay_reason
        if reason is not None and not isinstance(reason, str):
            p.append(Problem("delay_reason", "expected text", "type"))
        else:
            check_text(p, "delay_reason", self.delay_reason, max_length=2000)
        if p:
            raise ValidationError(p, "PlanCertification")

    @property
    def documented_on(self) -> dt.date:
        """The date the certification was first documented: the verbal order's, else the signing."""
        first = self.verbal_order_on if self.verbal_order_on is not None else self.signed_on
        assert first is not None  # one of them is always set (checked on construction)
        return first

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
            ``certification_delayed``, ``certification_delay_reason_missing``,
            ``verbal_order_signature_due``, ``verbal_order_signature_late``,
            ``certifier_not_eligible``, ``certifier_scope_limited``,
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
        path: Where: empty for the plan of care as a whole, else the
            certification concerned (``certifications[0].delay_reason``), its
            index in the order the certifications were given.
        due: The date something is due, if any.
        evidence_level: The kind of source the rule rests on (``None`` for the
            referral's own terms, which are facts of the record, not a rule).
    """

    level: AdvisoryLevel
    path: str = ""
    source: str
    due: dt.date | None = None
    evidence_level: EvidenceLevel | None = None

    def __str__(self) -> str:
        return f"{self.level.value} {self.code}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary: the advisory's fields, ``due``, ``evidence_level``."""
        out = super().to_dict()
        out["due"] = None if self.due is None else self.due.isoformat()
        out["evidence_level"] = None if self.evidence_level is None else self.evidence_level.value
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

    * who certifies: a physician or an NPP (s. 220 A, s. 220.1.3 C); a
      certification by another profession (a chiropractor, dentist, therapist)
      is an error (``certifier_not_eligible``) and certifies nothing;
    * timely initial certification: documented by signature or verbal order in
      the 30 days after the first treatment, a verbal order signed within 14
      days (s. 220.1.3 B); a later one is a delayed certification, a warning
      noting the recorded reason or asking for it (s. 220.1.3 D: therapy is not
      to be stopped for it); none at all after the 30 days is an error;
    * a certification is valid for the plan's duration or 90 calendar days from
      the initial treatment (day 1; a recertification's from its own start),
      whichever is less, so a longer one is cut short (``certification_capped``,
      a warning); every treatment day must be inside a valid certified period
      (``uncertified_treatment``, s. 220.1.3 C);
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
    if not isinstance(policy, PlanOfCarePolicy):
        raise ValidationError([Problem("policy", "expected a PlanOfCarePolicy", "type")])
    visits.sort()
    days = sorted(set(visits))
    findings: list[ComplianceFinding] = []
    first = days[0] if days else None

    # Certification.
    level = policy.evidence_level
    due: dt.date | None = None
    indexed = sorted(
        enumerate(certifications), key=lambda ic: (ic[1].start, ic[1].documented_on, ic[0])
    )
    # Who may certify (s. 220 A, s. 220.1.3 C): a certification by another profession
    # certifies nothing, so it neither makes the plan timely nor covers a treatment day.
    found: list[_rules.Found] = []
    valid = _rules.eligible_certifications(
        indexed,
        policy=policy.name,
        allowed=policy.certifier_roles,
        scoped=policy.scoped_certifier_roles,
        found=found,
    )
    if first is not None and policy.certification_due_days is not None:
        due = first + dt.timedelta(days=policy.certification_due_days)
        found += _rules.initial_certification(
            valid,
            first=first,
            due=due,
            as_of=as_of,
            due_days=policy.certification_due_days,
            verbal_days=policy.verbal_order_signature_days,
        )
    findings.extend(
        ComplianceFinding(
            code=f.code,
            level=f.level,
            path=f.path,
            message=f.message,
            source=policy.cite(f.rule),
            due=f.due,
            evidence_level=level,
        )
        for f in found
    )
    # A certification is valid for the plan's duration or the policy's maximum,
    # whichever is less; the initial one's maximum counts from the initial
    # treatment (s. 220.1.3 B), not from its own start or the referral date.
    periods: list[tuple[dt.date, dt.date]] = []
    limit = policy.certification_max_days
    for i, cert in valid:
        last = min(cert.end, plan.end_date)
        anchor = first if first is not None and cert.covers(first) else cert.start
        if limit is not None:
            last = min(last, anchor + dt.timedelta(days=limit - 1))
        if last < cert.end:
            findings.append(
                ComplianceFinding(
                    code="certification_capped",
                    level=AdvisoryLevel.WARNING,
                    path=f"certifications[{i}].end",
                    message=(
                        f"certification {i + 1} covers {cert.start} to {cert.end} but is "
                        f"valid only through {last}: at most "
                        + (
                            f"{limit} calendar days from {anchor} (day 1"
                            + (", the initial treatment" if anchor == first else "")
                            + ") and "
                            if limit is not None
                            else ""
                        )
                        + f"no longer than the plan (to {plan.end_date})"
                    ),
                    source=policy.cite("certification_duration"),
                    due=last,
                    evidence_level=level,
                )
            )
        if last >= cert.start:
            periods.append((cert.start, last))
    uncovered = [d for d in days if not any(a <= d <= b for a, b in periods)]
    if certifications and uncovered:
        findings.append(
            ComplianceFinding(
                code="uncertified_treatment",
                level=AdvisoryLevel.ERROR,
                message=(
                    f"{len(uncovered)} treatment day(s) fall outside every valid certified "
                    f"period, the first on {uncovered[0]}; recertify the plan"
                ),
                source=policy.cite("recertification"),
                evidence_level=level,
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
                source=(
                    "medmassage convention: a reminder in the last 7 days of the latest "
                    "certified period (no payer rule sets this window)"
                ),
                due=certified_through,
                evidence_level=EvidenceLevel.CONVENTION,
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
                source=policy.cite("progress_report"),
                evidence_level=level,
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
                    source=policy.cite("progress_report"),
                    evidence_level=level,
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
