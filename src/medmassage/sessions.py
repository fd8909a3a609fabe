"""Treatment sessions: what was applied, the SOAP note, outcomes and reactions.

A session records the technique segments actually applied, each with the
measured pressure or Walton grade and the patient's pressure feedback.
`Session.for_plan` builds a session of a plan without repeating the patient,
practitioner and plan ids, and `TechniqueSegment.as_planned` a segment of a
planned technique without repeating its modality, region and side. Once
signed, a session is not edited: `Session.amend` returns a new session that
keeps the signed original in its amendment trail. A signature is only ever set
by `Session.sign`, `Session.amend` and deserialization (`medmassage.from_json`,
`medmassage.from_dict`): building a signed session directly, or changing one
with ``attrs.evolve``, is refused (problem code ``signed``), so a session that
says it is signed holds what was signed.
"""

from __future__ import annotations

import datetime as dt
import enum
from contextvars import ContextVar
from typing import Any, Final

import attrs

from ._validation import (
    Model,
    after,
    check_aware,
    check_id,
    check_range,
    check_ref,
    check_side,
    check_text,
    earlier,
    instant_key,
    redacted,
    types_checked,
)
from .anatomy import BodyRegion, Laterality
from .exceptions import Problem, UsageError, ValidationError
from .modalities import BUILTIN_MODALITIES, KEY, PressureGrade, check_key
from .outcomes import OutcomeMeasure
from .plans import PlannedTechnique, TreatmentPlan
from .units import Duration, Pressure, Temperature

__all__ = [
    "AdverseReaction",
    "Amendment",
    "PressureFeedback",
    "ReactionKind",
    "ReactionSeverity",
    "Session",
    "SessionStatus",
    "Signature",
    "SoapNote",
    "TechniqueSegment",
    "VitalSigns",
]


class PressureFeedback(enum.Enum):
    """What the patient said when asked about the pressure."""

    TOO_LIGHT = "too_light"
    COMFORTABLE = "comfortable"
    TOO_FIRM = "too_firm"


@attrs.frozen(kw_only=True, slots=True)
class TechniqueSegment(Model):
    """One technique actually applied during a session.

    Attributes:
        modality: The modality's code.
        region: The body region treated.
        laterality: The side, required for paired regions.
        duration: Time spent actively treating.
        pressure: The measured pressure, if measured (e.g. by a sensor).
        grade: The Walton pressure grade the therapist used.
        feedback: The patient's answer when asked about pressure.
        discomfort: The patient's discomfort rating, 0-10 (trigger-point work
            aims at a "tolerable" 7-8; Travell & Simons).
    """

    modality: str = attrs.field(metadata=KEY)
    region: BodyRegion
    duration: Duration
    laterality: Laterality | None = None
    pressure: Pressure | None = None
    grade: PressureGrade | None = None
    feedback: PressureFeedback | None = None
    discomfort: int | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_key(p, "modality", self.modality)
        if self.laterality is None:
            check_side(p, "laterality", self.region, None)
        minutes = self.duration.minutes
        if not 0.5 <= minutes <= 240:
            check_range(p, "duration", minutes, 0.5, 240)
        if self.discomfort is not None and not 0 <= self.discomfort <= 10:
            check_range(p, "discomfort", self.discomfort, 0, 10)
        kpa = None if self.pressure is None else self.pressure.kpa
        if kpa is not None and kpa <= 0:
            p.append(Problem("pressure", "expected a positive pressure", "range"))
        modality = BUILTIN_MODALITIES.get(self.modality)
        if modality is not None:
            grade = self.grade
            if grade is not None and not modality.min_grade <= grade <= modality.max_grade:
                p.append(
                    Problem(
                        "grade",
                        f"expected a Walton grade within {modality.name}'s range "
                        f"{int(modality.min_grade)}-{int(modality.max_grade)}",
                        "modality_pressure",
                    )
                )
            limit = modality.max_pressure
            if kpa is not None and limit is not None and kpa > limit.kpa:
                p.append(
                    Problem(
                        "pressure",
                        f"expected at most {limit} for {modality.name}",
                        "modality_pressure",
                    )
                )
        elif self.modality.startswith("core."):
            p.append(Problem("modality", "unknown built-in modality", "unknown_modality"))
        return p

    @classmethod
    def as_planned(
        cls,
        technique: PlannedTechnique,
        *,
        grade: PressureGrade | None = None,
        duration: Duration | None = None,
        pressure: Pressure | None = None,
        feedback: PressureFeedback | None = None,
        discomfort: int | None = None,
    ) -> TechniqueSegment:
        """Build the segment that applied a planned *technique*.

        The segment takes the technique's modality, region and side, and its
        planned time unless *duration* says how long it actually took. The
        pressure used is what was done, not what was planned, so *grade* (or
        *pressure*) is given here; `medmassage.check` compares it with the
        plan's range (``grade_above_plan``).

        >>> from medmassage import BodyRegion, Laterality
        >>> hip = PlannedTechnique(
        ...     modality="core.trigger_point",
        ...     region=BodyRegion.HIP,
        ...     laterality=Laterality.LEFT,
        ...     duration=Duration(15, "min"),
        ...     min_grade=PressureGrade.SWEDISH,
        ...     max_grade=PressureGrade.DEEP,
        ... )
        >>> segment = TechniqueSegment.as_planned(hip, grade=PressureGrade.SWEDISH)
        >>> segment.modality, segment.laterality.value, segment.duration.minutes
        ('core.trigger_point', 'left', 15.0)

        Raises:
            ValidationError: If *technique* is not a `PlannedTechnique` (path
                ``technique``), or the segment is invalid.

        .. versionadded:: 0.2.0
        """
        if not isinstance(technique, PlannedTechnique):
            raise ValidationError(
                [Problem("technique", "expected a PlannedTechnique", "type")], cls.__name__
            )
        return cls(
            modality=technique.modality,
            region=technique.region,
            laterality=technique.laterality,
            duration=technique.duration if duration is None else duration,
            pressure=pressure,
            grade=grade,
            feedback=feedback,
            discomfort=discomfort,
        )


@attrs.frozen(kw_only=True, slots=True)
class SoapNote(Model):
    """The session's SOAP note. All four parts are protected free text.

    Attributes:
        subjective: What the patient reports (symptoms, response to the last session).
        objective: What the therapist found (palpation, range of motion, tests).
        assessment: The therapist's assessment of progress.
        plan: What comes next (the next session, home care, referral back).
    """

    subjective: str | None = attrs.field(default=None, repr=redacted)
    objective: str | None = attrs.field(default=None, repr=redacted)
    assessment: str | None = attrs.field(default=None, repr=redacted)
    plan: str | None = attrs.field(default=None, repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "subjective", self.subjective)
        check_text(p, "objective", self.objective)
        check_text(p, "assessment", self.assessment)
        check_text(p, "plan", self.plan)
        return p

    def __str__(self) -> str:
        return "<redacted SOAP note>"


class ReactionKind(enum.Enum):
    """Adverse reactions reported after massage (Ernst 2003; Yin 2014 review)."""

    SORENESS = "soreness"
    BRUISING = "bruising"
    INCREASED_PAIN = "increased_pain"
    HEADACHE = "headache"
    DIZZINESS = "dizziness"
    NAUSEA = "nausea"
    FATIGUE = "fatigue"
    SKIN_REACTION = "skin_reaction"
    NUMBNESS = "numbness"
    OTHER = "other"


class ReactionSeverity(enum.Enum):
    """Severity of an adverse reaction."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@attrs.frozen(kw_only=True, slots=True)
class AdverseReaction(Model):
    """An adverse reaction during or after a session.

    Attributes:
        kind: What happened (soreness, bruising, dizziness, ...).
        severity: How severe it was.
        region: The body region affected, if local.
        laterality: The side, required for paired regions.
        onset: When it began (time-zone aware).
        resolved: Whether it had resolved when recorded.
        note: Protected free text about the reaction (never shown in repr or
            default reports).
    """

    kind: ReactionKind
    severity: ReactionSeverity
    region: BodyRegion | None = None
    laterality: Laterality | None = None
    onset: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    resolved: bool = False
    note: str | None = attrs.field(default=None, repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_aware(p, "onset", self.onset)
        check_text(p, "note", self.note)
        return p


@attrs.frozen(kw_only=True, slots=True)
class VitalSigns(Model):
    """Vital signs taken before treatment.

    Attributes:
        systolic: Systolic blood pressure (a pressure, e.g. mmHg; 40-300 mmHg).
        diastolic: Diastolic blood pressure (below systolic; 20-200 mmHg).
        heart_rate: Heart rate in beats per minute (20-250).
        temperature: Body temperature (25-45 degrees Celsius).
    """

    systolic: Pressure | None = None
    diastolic: Pressure | None = None
    heart_rate: int | None = None
    temperature: Temperature | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        if self.systolic is not None:
            check_range(p, "systolic", self.systolic.m_as("mmHg"), 40, 300)
        if self.diastolic is not None:
            check_range(p, "diastolic", self.diastolic.m_as("mmHg"), 20, 200)
        if self.systolic and self.diastolic and self.diastolic >= self.systolic:
            p.append(Problem("diastolic", "expected diastolic below systolic", "order"))
        check_range(p, "heart_rate", self.heart_rate, 20, 250)
        if self.temperature is not None:
            check_range(p, "temperature", self.temperature.celsius, 25, 45)
        return p


@attrs.frozen(kw_only=True, slots=True)
class Signature(Model):
    """Who signed a session, and when.

    Attributes:
        by: The signing practitioner's id.
        at: When it was signed (time-zone aware).
    """

    by: str
    at: dt.datetime = attrs.field(eq=instant_key)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_id(p, "by", self.by)
        check_aware(p, "at", self.at)
        return p


@attrs.frozen(kw_only=True, slots=True)
class Amendment(Model):
    """A change to a signed session, keeping the session as it was before.

    Attributes:
        by: The practitioner who amended it.
        at: When.
        reason: Why (protected free text).
        original: The session as it stood before the amendment, signature
            included, without the amendment trail (the amended session carries the
            whole trail, so each original is stored once and the document grows
            linearly with the number of amendments).
    """

    by: str
    at: dt.datetime = attrs.field(eq=instant_key)
    reason: str = attrs.field(repr=redacted)
    original: Session = attrs.field(repr=False)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_id(p, "by", self.by)
        check_aware(p, "at", self.at)
        check_text(p, "reason", self.reason, max_length=2000)
        return p


class SessionStatus(enum.Enum):
    """Whether the session took place."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


_COMPLETED: Final = SessionStatus.COMPLETED

#: True while `Session.sign` or `Session.amend` builds a signed session (per thread
#: and per async task); deserialization is the only other way to set a signature.
_signing: ContextVar[bool] = ContextVar("medmassage_signing", default=False)


@attrs.frozen(kw_only=True, slots=True)
class Session(Model):
    """One treatment session.

    Attributes:
        id: Opaque identifier.
        patient_id: The patient's id.
        practitioner_id: Who treated.
        start: When it started (time-zone-aware).
        duration: How long it lasted.
        plan_id: The treatment plan it belongs to.
        status: Completed, cancelled or no-show.
        segments: The techniques applied, in order.
        note: The SOAP note.
        outcomes: Outcome measures taken at this session.
        adverse_reactions: Adverse reactions.
        vitals: Vital signs.
        signature: Set once the session is signed, by `sign` (or when a
            signed session is read back from JSON); a signed session is changed
            only with `amend`.
        amendments: Changes made after signing, oldest first.

    Equality and hashing compare date-times by instant and time zone, not by
    wall time, and times are compared as instants, so the two 01:30 of the night
    clocks go back are never confused.
    """

    id: str
    patient_id: str
    practitioner_id: str
    start: dt.datetime = attrs.field(eq=instant_key)
    duration: Duration
    plan_id: str | None = None
    status: SessionStatus = SessionStatus.COMPLETED
    segments: tuple[TechniqueSegment, ...] = ()
    note: SoapNote | None = None
    outcomes: tuple[OutcomeMeasure, ...] = ()
    adverse_reactions: tuple[AdverseReaction, ...] = ()
    vitals: VitalSigns | None = None
    signature: Signature | None = None
    amendments: tuple[Amendment, ...] = attrs.field(default=(), repr=False)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_id(p, "id", self.id)
        check_ref(p, "patient_id", self.patient_id)
        check_ref(p, "practitioner_id", self.practitioner_id)
        check_ref(p, "plan_id", self.plan_id)
        start = self.start
        check_aware(p, "start", start)
        if start.year == 9999 or start.year == 1:  # the end or the instant may not exist
            try:
                after(start, dt.timedelta(minutes=self.duration.minutes)).astimezone(dt.UTC)
                start.astimezone(dt.UTC)
            except (OverflowError, ValueError):
                p.append(
                    Problem("start", "expected a time whose session ends before 9999", "range")
                )
        minutes = self.duration.minutes
        if not 1 <= minutes <= 480:
            check_range(p, "duration", minutes, 1, 480)
        if self.segments and sum([s.duration.minutes for s in self.segments]) > minutes + 1e-9:
            p.append(
                Problem(
                    "segments",
                    "expected the segments' minutes to add up to no more than the session's "
                    "duration",
                    "minutes_exceed_session",
                )
            )
        if self.status is not _COMPLETED and self.segments:
            p.append(
                Problem("segments", "a session that did not take place has no segments", "status")
            )
        signature = self.signature
        if signature is not None:
            if not (_signing.get() or types_checked.get()):
                p.append(
                    Problem(
                        "signature",
                        "a signed session cannot be built or changed directly: sign it with "
                        "Session.sign() and change it with Session.amend()",
                        "signed",
                    )
                )
            if start.utcoffset() is not None and earlier(signature.at, start):
                p.append(
                    Problem("signature.at", "expected a time after the session started", "order")
                )
        if self.amendments and signature is None:
            p.append(Problem("amendments", "only a signed session can be amended", "unsigned"))
        for i, amendment in enumerate(self.amendments):
            if amendment.original.amendments:
                p.append(
                    Problem(
                        f"amendments[{i}].original.amendments",
                        "expected the original without its own amendment trail",
                        "nested_amendments",
                    )
                )
        return p

    @classmethod
    def for_plan(
        cls,
        plan: TreatmentPlan,
        *,
        id: str,
        start: dt.datetime,
        duration: Duration | None = None,
        practitioner_id: str | None = None,
        status: SessionStatus = SessionStatus.COMPLETED,
        segments: tuple[TechniqueSegment, ...] = (),
        note: SoapNote | None = None,
        outcomes: tuple[OutcomeMeasure, ...] = (),
        adverse_reactions: tuple[AdverseReaction, ...] = (),
        vitals: VitalSigns | None = None,
    ) -> Session:
        """Build a session of *plan*: its patient, its practitioner, its id.

        The session takes the plan's patient id and plan id, the plan's
        practitioner unless another practitioner treated (*practitioner_id*),
        and the plan's session length unless *duration* says how long it
        lasted. The stored session is the same as one built field by field: it
        carries the ids, so it can be read on its own. It is unsigned; sign it
        with `sign`.

        The getting-started page builds a course of care this way.

        Raises:
            ValidationError: If *plan* is not a `TreatmentPlan` (path ``plan``),
                or the session is invalid.

        .. versionadded:: 0.2.0
        """
        if not isinstance(plan, TreatmentPlan):
            raise ValidationError(
                [Problem("plan", "expected a TreatmentPlan", "type")], cls.__name__
            )
        return cls(
            id=id,
            patient_id=plan.patient_id,
            practitioner_id=plan.practitioner_id if practitioner_id is None else practitioner_id,
            start=start,
            duration=plan.session_length if duration is None else duration,
            plan_id=plan.id,
            status=status,
            segments=segments,
            note=note,
            outcomes=outcomes,
            adverse_reactions=adverse_reactions,
            vitals=vitals,
        )

    @property
    def end(self) -> dt.datetime:
        """When the session ended: *duration* of real time after *start*, on its clock.

        Across a daylight-saving change the wall clock jumps: a 15-minute session
        starting at 01:50 CDT on the night clocks go back ends at 01:05 CST.
        """
        return after(self.start, dt.timedelta(minutes=self.duration.minutes))

    @property
    def treatment_minutes(self) -> float:
        """Total minutes of the technique segments."""
        return sum(s.duration.minutes for s in self.segments)

    @property
    def signed(self) -> bool:
        """Whether the session has been signed."""
        return self.signature is not None

    def sign(self, by: str, at: dt.datetime) -> Session:
        """Return this session signed by practitioner *by* at *at*.

        This is the way to sign: a session built with a *signature*, or a signed
        session changed with ``attrs.evolve``, is refused (code ``signed``).

        Raises:
            UsageError: If the session is already signed (amend it instead).
            ValidationError: If the signature is invalid.
        """
        if self.signature is not None:
            raise UsageError("session is already signed; use amend() to change it")
        signature = Signature(by=by, at=at)
        token = _signing.set(True)
        try:
            return attrs.evolve(self, signature=signature)
        finally:
            _signing.reset(token)

    def amend(self, *, by: str, at: dt.datetime, reason: str, **changes: Any) -> Session:
        """Return a new signed session with *changes*, keeping this one as the original.

        The new session carries this session's signature and its amendment trail
        plus one `Amendment` holding this session as it was.

        Raises:
            UsageError: If the session is not signed yet (edit it with
                `attrs.evolve` instead), or *changes* names a field that cannot
                be amended (``id``, ``signature``, ``amendments``).
            ValidationError: If the changed session is invalid.
        """
        if self.signature is None:
            raise UsageError("only a signed session can be amended; edit it with attrs.evolve")
        forbidden = {"id", "signature", "amendments"} & changes.keys()
        if forbidden:
            raise UsageError(f"cannot amend {', '.join(sorted(forbidden))}")
        unknown = changes.keys() - {a.name for a in attrs.fields(Session)}
        if unknown:
            raise UsageError(f"Session has no field {', '.join(sorted(unknown))}")
        token = _signing.set(True)
        try:
            original = attrs.evolve(self, amendments=()) if self.amendments else self
            amendment = Amendment(by=by, at=at, reason=reason, original=original)
            return attrs.evolve(self, amendments=(*self.amendments, amendment), **changes)
        finally:
            _signing.reset(token)
