"""What the progress report shows (`ProgressReport` and its entries), gathered by `build_report`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from .._validation import redacted
from ..advisories import AdvisoryLevel
from ..anatomy import BodyRegion, Laterality
from ..cases import Case
from ..diagnosis import Diagnosis, Referral
from ..exceptions import Problem, UnknownCodeError, ValidationError
from ..instruments import Instrument, Mcid, get_instrument
from ..patient import ContactDetails
from ..progress import (
    CareTiming,
    Progress,
    Trend,
    care_timing,
    track,
)
from ..sessions import Session, SessionStatus
from ._wording import visits_left, word

if TYPE_CHECKING:
    from ..plan_of_care import PlanCertification, PlanOfCarePolicy
    from ..plugins import Registry
    from ..practitioners import Practitioner


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
        name: Its display name (from the registry; the code if it is unknown).
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
    """One contraindication screening finding, for the report.

    Attributes:
        severity: The severity, as a word.
        rule_id: The rule that found it.
        action: What to do, as a word.
        rationale: Why (the rule's generic rationale, never patient text).
        evidence_level: The kind of source behind the rule, as a word
            (``"textbook"``), or ``"not stated"`` for a rule that declares none.
        source: The rule's citation ("" if the finding carries none).
        evidence: What triggered the finding: its codes and structured facts
            with where they came from (``"ICD-10-CM I82.432
            (patient.conditions[0])"``), as `Finding.evidence` holds them; never
            patient free text.
    """

    severity: str
    rule_id: str
    action: str
    rationale: str
    evidence_level: str = "not stated"
    source: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def evidence_text(self) -> str:
        """The evidence as ``medmassage screen`` prints it (comma-separated), or ``-``."""
        return ", ".join(self.evidence) or "-"


@attrs.frozen(kw_only=True, slots=True)
class SessionScreeningEntry:
    """The screening of one session, for the report.

    Attributes:
        session_id: The session.
        date: Its date.
        status: The screening status in words (``clear``, ``modify``, ``indeterminate``...).
        problems: Why it is not clear, one line each: the segments that broke a
            finding (with the finding's reason) and the rules that failed.
    """

    session_id: str
    date: dt.date
    status: str
    problems: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, slots=True)
class TherapistEntry:
    """The treating therapist, for the report's therapist block.

    A practitioner's name, credentials and work contact are not patient data.

    Attributes:
        name: The display name (the practitioner id when the case has no name).
        npi: The National Provider Identifier, if any.
        credentials: Licences and certifications in words, one line each, with
            their dates (a lapsed one says so).
        contact: Work contact lines (phone, e-mail, address).
    """

    name: str
    npi: str | None = None
    credentials: tuple[str, ...] = ()
    contact: tuple[str, ...] = ()


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
        session_screening: The screening of each session that was screened, in
            session order.
        notes_included: Whether free text (goal wording, reaction notes) is shown.
        plan_forward: The clinical plan going forward, one statement per line.
        compliance: Plan-of-care and billing compliance, one statement per line:
            authorized visits, when the next progress report, re-evaluation and
            re-certification are due, and the compliance findings. Kept apart
            from the clinical content.
        therapist: The treating therapist (from the case's practitioners), if known.
        version: The medmassage version that built it.
        goal_instruments: The instrument of each goal with no measurement yet, by
            instrument code (from the registry; an unknown code is left out), so
            that an unmeasured goal is named and given a unit as a measured one is.
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
    session_screening: tuple[SessionScreeningEntry, ...] = ()
    compliance: tuple[str, ...] = ()
    therapist: TherapistEntry | None = None
    notes_included: bool = False
    patient_name: str | None = attrs.field(default=None, repr=redacted)
    birth_date: dt.date | None = attrs.field(default=None, repr=redacted)
    practitioner: str | None = None
    referral: Referral | None = None
    version: str = ""
    goal_instruments: Mapping[str, Instrument] = attrs.field(factory=dict)


def _screening_problems(assessment: object, *, plan: bool = True) -> tuple[str, ...]:
    """The reasons a screening is not clear beyond its findings (failures first)."""
    out: list[str] = []
    failures = tuple(getattr(assessment, "failures", ()))
    if failures:
        out.append(
            "The screening is incomplete (indeterminate): do not read its findings as all there is."
        )
    out.extend(f"Rule failure: {failure}" for failure in failures)
    for conflict in getattr(assessment, "plan_conflicts", ()) if plan else ():
        out.append(f"Plan conflict: {conflict}")
    for violation in getattr(assessment, "violations", ()):
        out.append(f"Session violation: {violation}")
    return tuple(out)


def _screening_entries(
    screening: Iterable[FindingLike] | AssessmentLike | None,
    unavailable: str | None = None,
) -> tuple[tuple[ScreeningEntry, ...], str | None, tuple[str, ...]]:
    if screening is None:
        if unavailable is not None:
            # Fail closed: a screening that could not run is indeterminate, never clear.
            return (), "indeterminate", (f"The screening could not be run: {unavailable}",)
        return (), None, ()
    given: object = screening
    status: str | None = None
    problems: tuple[str, ...] = ()
    findings: Iterable[object]
    if isinstance(given, AssessmentLike):
        status = word(given.status)
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
                severity=word(finding.severity),
                rule_id=str(finding.rule_id),
                action=word(finding.action),
                rationale=str(finding.rationale),
                evidence_level=_level_word(getattr(finding, "evidence_level", None)),
                source=str(getattr(finding, "source", "") or ""),
                evidence=_evidence(getattr(finding, "evidence", ())),
            )
        )
    return tuple(entries), status, problems


def _evidence(value: object) -> tuple[str, ...]:
    """A finding's evidence strings (`Finding.evidence`), or none for a finding without."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence):
        return tuple(str(v) for v in value)
    return ()


def _level_word(level: object) -> str:
    """An evidence level as a word (``expert consensus``), or ``not stated``."""
    return "not stated" if level is None else word(level)


def _session_entries(
    sessions: Sequence[Session], screened: Mapping[str, AssessmentLike]
) -> tuple[SessionScreeningEntry, ...]:
    out: list[SessionScreeningEntry] = []
    for key, assessment in screened.items():
        if not isinstance(assessment, AssessmentLike):
            raise ValidationError(
                [Problem(f"session_screening[{key!r}]", "expected an Assessment", "type")]
            )
    for session in sessions:
        found = screened.get(session.id)
        if found is None:
            continue
        out.append(
            SessionScreeningEntry(
                session_id=session.id,
                date=session.start.date(),
                status=word(found.status),
                problems=_screening_problems(found, plan=False),
            )
        )
    return tuple(out)


def _therapist(
    practitioner: Practitioner | None, as_of: dt.date, contact: ContactDetails | None
) -> TherapistEntry | None:
    if practitioner is None:
        return None
    credentials: list[str] = []
    for lic in practitioner.licenses:
        lapsed = " (lapsed)" if lic.expires_on < as_of else ""
        credentials.append(
            f"Licence {lic.number} ({word(lic.profession)}, {lic.jurisdiction}), "
            f"valid to {lic.expires_on}{lapsed}"
        )
    for cert in practitioner.certifications:
        bits = [f"Certified in {word(cert.code)}"]
        if cert.issuer:
            bits.append(f"by {cert.issuer}")
        if cert.issued_on:
            bits.append(f"since {cert.issued_on}")
        if cert.expires_on:
            bits.append(f"valid to {cert.expires_on}")
        credentials.append(" ".join(bits) + (" (lapsed)" if not cert.valid_on(as_of) else ""))
    lines: list[str] = []
    # A practitioner model with a work contact of its own serves it; the argument wins.
    recorded = getattr(practitioner, "contact", None)
    c = contact if contact is not None else recorded
    if isinstance(c, ContactDetails):
        lines.extend(
            f"{label} {value}"
            for label, value in (("Phone", c.phone), ("E-mail", c.email), ("Address", c.address))
            if value
        )
    return TherapistEntry(
        name=practitioner.name or practitioner.id,
        npi=practitioner.npi,
        credentials=tuple(credentials),
        contact=tuple(lines),
    )


def _modality_name(registry: Registry, code: str) -> str:
    """The display name of a modality in *registry*, else its code."""
    # An instrument-only source (the argument's former type) has no modalities:
    # the built-ins name them then.
    known = getattr(registry, "modalities", None)
    if not isinstance(known, Mapping):
        from ..modalities import BUILTIN_MODALITIES

        known = BUILTIN_MODALITIES
    modality = known.get(code)
    return code if modality is None else str(modality.name)


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
    registry: Registry | None = None,
    populations: Mapping[str, str] | None = None,
    mcids: Mapping[str, Mcid] | None = None,
    plan_notes: Sequence[str] = (),
    session_screening: Mapping[str, AssessmentLike] | None = None,
    screening_unavailable: str | None = None,
    practitioner_contact: ContactDetails | None = None,
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
        registry: The plugin registry where instruments and modalities (their
            display names) are looked up (default: the default registry,
            `medmassage.plugins.get_default_registry`).
        populations: MCID population per instrument code.
        mcids: MCID overrides per instrument code.
        plan_notes: Extra statements for "plan going forward" (shown escaped).
        session_screening: The screening of sessions (``screen(case,
            session=s)``) by session id: each session's status, and the segments
            that broke a finding with its reason, are shown.
        screening_unavailable: Why the screening could not be run, when
            *screening* is ``None`` because it failed: the status is then shown
            as *indeterminate* with this reason (never as clear).
        practitioner_contact: The treating therapist's work contact, shown in the
            therapist block (a practitioner's contact is not patient data).

    Raises:
        ValidationError: If an argument has the wrong type.
    """
    if not isinstance(case, Case):
        raise ValidationError([Problem("case", "expected a Case", "type")])
    if practitioner_contact is not None and not isinstance(practitioner_contact, ContactDetails):
        raise ValidationError([Problem("practitioner_contact", "expected ContactDetails", "type")])
    if registry is None:
        from ..plugins import get_default_registry

        registry = get_default_registry()
    plan = case.plan
    mine = [s for s in case.sessions if s.plan_id in (None, plan.id)]
    if as_of is None:
        as_of = max((s.start.date() for s in mine), default=plan.start_date)
    in_period = [s for s in mine if s.start.date() <= as_of]
    progress = track(
        plan, in_period, as_of=as_of, registry=registry, populations=populations, mcids=mcids
    )
    goal_instruments: dict[str, Instrument] = {}
    for g in progress.goals:
        if g.series is None and g.goal.instrument not in goal_instruments:
            try:
                goal_instruments[g.goal.instrument] = get_instrument(g.goal.instrument, registry)
            except UnknownCodeError:
                continue
    timing = care_timing(
        plan,
        in_period,
        as_of=as_of,
        progress_reports=progress_reports,
        certifications=certifications,
        policy=policy,
    )
    screening_entries, screening_status, screening_problems = _screening_entries(
        screening, screening_unavailable
    )
    sessions_screened = _session_entries(in_period, session_screening or {})
    completed = [s for s in in_period if s.status is SessionStatus.COMPLETED]
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
                    name=_modality_name(registry, code),
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
            kind=word(r.kind),
            severity=word(r.severity),
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
        goal_instruments=goal_instruments,
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
        session_screening=sessions_screened,
        notes_included=include_notes,
        plan_forward=_plan_forward(
            progress,
            plan.planned_sessions,
            len(completed),
            screening_status,
            screening_entries,
            sessions_screened,
            plan_notes,
        ),
        compliance=_compliance(timing),
        therapist=_therapist(practitioner, as_of, practitioner_contact),
        version=_version(),
    )


def _plan_forward(
    progress: Progress,
    planned: int,
    attended: int,
    screening_status: str | None,
    screening: Sequence[ScreeningEntry],
    sessions: Sequence[SessionScreeningEntry],
    notes: Sequence[str],
) -> tuple[str, ...]:
    """The clinical plan going forward (plan-of-care timing is in `_compliance`)."""
    out: list[str] = []
    regressing = [g for g in progress.goals if g.trend is Trend.REGRESSING]
    regressing_series = [s for s in progress.series if s.trend is Trend.REGRESSING]
    if screening_status in ("defer", "indeterminate"):
        out.append(
            f"Screening status is {screening_status}: treatment is on hold until the findings "
            "are resolved or the physician clears it."
        )
    broke = [s.session_id for s in sessions if s.problems]
    if broke:
        out.append(
            f"Sessions {', '.join(broke)} broke a screening finding or could not be fully "
            "screened: see the screening section; the technique is to be reviewed."
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
    if any(s.severity == "absolute" for s in screening):
        out.append("An absolute contraindication was found: see the screening findings.")
    out.extend(str(n) for n in notes)
    return tuple(out)


def _compliance(timing: CareTiming) -> tuple[str, ...]:
    """Plan-of-care and billing compliance in words: dates due and findings."""
    out: list[str] = []
    left = visits_left(timing)
    if left is not None:
        out.append(f"Authorized visits remaining: {left} of {timing.visits_authorized}.")
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
            out.append(f"Compliance {finding.level.value}: {finding.message}.")
    return tuple(out)
