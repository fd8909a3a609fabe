"""`screen`: contraindication screening with the default registry.

This is the convenience that sits above both the engine
(`medmassage.contraindications`) and the plugin registry (`medmassage.plugins`):
it fetches the registry (the cached default unless one is given), builds the
frozen `ScreeningContext` and lets the registry's `RuleSet` assess it.

Screening reads every coded diagnosis the case holds: the patient's active
conditions, the plan's diagnoses and its referral's, each finding naming where
its evidence came from.

The screening date follows one rule (`screening_date`), used by every API and
every command: an explicit ``on`` wins; otherwise the date of the session being
screened, else of the case's latest session, else the plan's start date. The
wall clock is never used. A date outside the plan's dates is screened as asked
and reported as an advisory (``date_outside_plan``).

>>> import datetime as dt
>>> from medmassage.testing.plugins import example_patient_and_plan
>>> patient, plan = example_patient_and_plan()  # a lumbar disc herniation (M51.26)
>>> result = screen(patient, plan, on=dt.date(2026, 1, 15))
>>> result.status.value
'modify'
>>> [(f.rule_id, f.severity.value, [str(s) for s in f.regions]) for f in result.findings]
[('core.herniated_disc', 'local', ['lumbar_spine'])]
>>> result.findings[0].evidence
('ICD-10-CM M51.26 (patient.conditions[0], plan.diagnoses[0])',)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from ._frozen import FrozenMap
from .cases import Case
from .contraindications import Assessment, Policy, ScreeningContext, default_policy
from .exceptions import MedmassageError, Problem, UsageError, ValidationError
from .patient import Patient
from .plans import TreatmentPlan
from .plugins import Registry, get_default_registry
from .practitioners import Practitioner
from .sessions import Session, SessionStatus

__all__ = ["CaseScreening", "screen", "screen_case", "screening_date"]


def screening_date(
    subject: Case | TreatmentPlan,
    *,
    session: Session | None = None,
    on: dt.date | None = None,
) -> dt.date:
    """The date screening uses: the one rule every API and command follows.

    1. *on*, when given;
    2. else the date of *session* (the session being screened), in its own time zone;
    3. else, for a case, the date of its latest session;
    4. else the plan's start date.

    The wall clock is never used, so screening the same records gives the same
    answer on any day.

    >>> from medmassage.testing.plugins import example_patient_and_plan
    >>> _, plan = example_patient_and_plan()
    >>> screening_date(plan)
    datetime.date(2026, 1, 12)

    Raises:
        ValidationError: If an argument has the wrong type.
    """
    if on is not None:
        if type(on) is not dt.date:
            raise ValidationError([Problem("on", "expected a date (not a date-time)", "type")])
        return on
    if session is not None:
        if not isinstance(session, Session):
            raise ValidationError([Problem("session", "expected a Session", "type")])
        return session.start.date()
    if isinstance(subject, Case):
        if subject.sessions:
            latest = max(subject.sessions, key=lambda s: s.start.astimezone(dt.UTC))
            return latest.start.date()
        return subject.plan.start_date
    if isinstance(subject, TreatmentPlan):
        return subject.start_date
    raise ValidationError([Problem("subject", "expected a Case or a TreatmentPlan", "type")])


def screen(
    subject: Case | Patient,
    plan: TreatmentPlan | None = None,
    *,
    session: Session | None = None,
    on: dt.date | None = None,
    practitioner: Practitioner | None = None,
    registry: Registry | None = None,
    strict: bool = False,
    policy: Policy | None = None,
) -> Assessment:
    """Screen a case, or a patient and plan, for contraindications.

    ``screen(case)`` screens the case's plan on the date `screening_date`
    derives (its latest session, else the plan's start); ``screen(case,
    session=s)`` screens one session of it. ``screen(patient, plan)`` does the
    same without a case.

    Args:
        subject: A `Case`, or the `Patient` (then *plan* is required).
        plan: The treatment plan, when *subject* is a patient.
        session: A session to screen as well: its segments are checked against the
            findings (region, modality, Walton grade and measured pressure in any
            unit), and its vital signs feed the fever and blood-pressure rules.
        on: The date to screen for; see `screening_date` for the default.
        practitioner: The treating practitioner, to check modality certifications;
            for a case, defaults to the session's (else the plan's) practitioner
            when the case lists them.
        registry: The registry whose rules and modalities to use; defaults to
            `medmassage.plugins.get_default_registry`.
        strict: Raise instead of returning an *indeterminate* assessment.
        policy: How findings are classified and which thresholds apply; defaults
            to `Policy()`.

    Returns:
        The assessment: findings (each naming where its evidence came from),
        failures, session violations, per-technique status, advisories and the
        overall status.

    Raises:
        ValidationError: If an argument has the wrong type.
        UsageError: If a case is given together with a plan.
        RuleExecutionError: In strict mode, if a rule failed.
        ScreeningError: In strict mode, if a rule plugin failed to load or a
            modality is unknown to the registry.
    """
    if isinstance(subject, Case):
        if plan is not None:
            raise UsageError("screen(case) takes the plan from the case; do not pass plan=")
        case = subject
        patient, plan = case.patient, case.plan
        if practitioner is None:
            who = session.practitioner_id if isinstance(session, Session) else plan.practitioner_id
            practitioner = case.practitioner(who)
        day = screening_date(case, session=session, on=on)
    else:
        patient = subject
        if plan is None:
            raise UsageError("screen(patient, plan): the treatment plan is required")
        if not isinstance(plan, TreatmentPlan):
            raise ValidationError([Problem("plan", "expected a TreatmentPlan", "type")])
        day = screening_date(plan, session=session, on=on)
    if registry is None:
        registry = get_default_registry()
    elif not isinstance(registry, Registry):
        raise ValidationError([Problem("registry", "expected a medmassage Registry", "type")])
    context = ScreeningContext(
        patient=patient,
        plan=plan,
        session=session,
        on=day,
        practitioner=practitioner,
        modalities=registry.modalities,
        policy=default_policy() if policy is None else policy,
    )
    return registry.rule_set().assess(context, strict=strict)


def _frozen_sessions(value: Mapping[str, Assessment]) -> Mapping[str, Assessment]:
    return FrozenMap(value)


@attrs.frozen(kw_only=True, slots=True)
class CaseScreening:
    """The screening of a whole case, as `screen_case` gives it.

    Attributes:
        plan: The screening of the plan (``None`` when it could not be run).
        sessions: The screening of each completed session, by session id, in
            the case's order (empty when screening could not be run).
        unavailable: Why screening could not be run (the exception's class and
            message, which never hold patient data), else ``None``. A screening
            that could not be run is *indeterminate*, never clear.
    """

    plan: Assessment | None
    sessions: Mapping[str, Assessment] = attrs.field(factory=dict, converter=_frozen_sessions)
    unavailable: str | None = None

    @property
    def status(self) -> str:
        """The plan's status (``clear``, ``modify``, ``defer``), or ``indeterminate``.

        *indeterminate* also when screening could not be run.
        """
        return "indeterminate" if self.plan is None else self.plan.status.value


def screen_case(
    case: Case,
    *,
    on: dt.date | None = None,
    registry: Registry | None = None,
    policy: Policy | None = None,
) -> CaseScreening:
    """Screen a case's plan and each of its completed sessions, failing closed.

    The one way a whole case is screened: by the ``report`` and ``demo``
    commands and by `medmassage.batch.screen_many`. The plan is screened on
    *on* (`screening_date`'s rule otherwise) and each completed session on its
    own date; with *on*, sessions after it are left out. If screening raises
    (in non-strict mode only for input it cannot use), the result holds no
    assessment and says why: it reads as *indeterminate*.

    >>> from medmassage.testing.plugins import example_patient_and_plan
    >>> patient, plan = example_patient_and_plan()
    >>> result = screen_case(Case(patient=patient, plan=plan))
    >>> result.status, dict(result.sessions), result.unavailable
    ('modify', {}, None)

    Raises:
        ValidationError: If *case* is not a `Case`.
    """
    if not isinstance(case, Case):
        raise ValidationError([Problem("case", "expected a Case", "type")])
    if registry is None:
        registry = get_default_registry()
    try:
        plan = screen(case, on=on, registry=registry, policy=policy)
        sessions: dict[str, Assessment] = {}
        for session in case.sessions:
            if session.status is SessionStatus.COMPLETED and (
                on is None or session.start.date() <= on
            ):
                sessions[session.id] = screen(
                    case, session=session, registry=registry, policy=policy
                )
    except MedmassageError as exc:
        return CaseScreening(plan=None, unavailable=f"{type(exc).__name__}: {exc}")
    return CaseScreening(plan=plan, sessions=sessions)
