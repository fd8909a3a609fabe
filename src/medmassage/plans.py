"""Treatment plans: goals, planned techniques, dose and schedule.

The plan-of-care content follows Medicare's minimum (Medicare Benefit Policy
Manual, Pub. 100-02, ch. 15 section 220.1.2): diagnoses; long-term treatment
goals; type, amount, duration and frequency of services.

`TreatmentPlan.for_referral` writes the plan that answers a referral: it
takes the referral's diagnoses, prescribed frequency and course length, so the
diagnoses are entered once.

A planned technique's pressure must lie inside its modality's allowed range.
For built-in (``core.*``) modalities this is checked on construction; for a
plugin's modality, `medmassage.check` with a registry checks it.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ._validation import Model, check_id, check_range, check_side, check_text, redacted, unique
from .anatomy import BodyRegion, Laterality
from .diagnosis import Diagnosis, Referral
from .exceptions import Problem, ValidationError
from .modalities import BUILTIN_MODALITIES, KEY, Modality, PressureGrade, check_key
from .units import Duration, Pressure

__all__ = [
    "Comparator",
    "Goal",
    "PlanStatus",
    "PlannedTechnique",
    "TreatmentPlan",
    "technique_problems",
]


class PlanStatus(enum.Enum):
    """The status of a plan (HL7 FHIR ``request-status`` subset)."""

    DRAFT = "draft"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    REVOKED = "revoked"


class Comparator(enum.Enum):
    """How a goal's target is compared with a score."""

    AT_MOST = "<="
    AT_LEAST = ">="

    def met(self, value: float, target: float) -> bool:
        """Whether *value* meets *target*."""
        return value <= target if self is Comparator.AT_MOST else value >= target


@attrs.frozen(kw_only=True, slots=True)
class Goal(Model):
    """A measurable goal tied to an outcome instrument.

    Attributes:
        id: Identifier unique within the plan.
        instrument: The outcome instrument's code (``odi``, ``nprs`` ...).
        target: The target score on the instrument's published scale.
        comparator: Whether the score must end at most or at least *target*.
        target_date: When the goal should be met.
        description: Free-text wording of the goal (protected).
    """

    id: str
    instrument: str = attrs.field(metadata=KEY)
    target: float
    comparator: Comparator
    target_date: dt.date | None = None
    description: str | None = attrs.field(default=None, repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_id(p, "id", self.id)
        check_key(p, "instrument", self.instrument)
        check_range(p, "target", self.target, -1e6, 1e6)
        check_text(p, "description", self.description)
        return p

    def met_by(self, score: float) -> bool:
        """Whether *score* meets this goal."""
        return self.comparator.met(score, self.target)


@attrs.frozen(kw_only=True, slots=True)
class PlannedTechnique(Model):
    """One planned technique: modality x region x side x pressure x time.

    Attributes:
        modality: The modality's code (``core.myofascial_release`` ...).
        region: The body region.
        laterality: The side, required for paired regions.
        min_grade: The lowest planned Walton grade.
        max_grade: The highest planned Walton grade.
        duration: The planned time per session.
        max_pressure: An optional measured pressure ceiling.
    """

    modality: str = attrs.field(metadata=KEY)
    region: BodyRegion
    duration: Duration
    min_grade: PressureGrade
    max_grade: PressureGrade
    laterality: Laterality | None = None
    max_pressure: Pressure | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_key(p, "modality", self.modality)
        check_side(p, "laterality", self.region, self.laterality)
        check_range(p, "duration", self.duration.minutes, 1, 180)
        if self.min_grade > self.max_grade:
            p.append(Problem("max_grade", "expected max_grade >= min_grade", "order"))
        modality = BUILTIN_MODALITIES.get(self.modality)
        if modality is not None:
            p.extend(technique_problems(self, modality))
        elif self.modality.startswith("core."):
            p.append(
                Problem(
                    "modality",
                    "unknown built-in modality; expected one of "
                    + ", ".join(sorted(BUILTIN_MODALITIES)),
                    "unknown_modality",
                )
            )
        return p


def technique_problems(technique: PlannedTechnique, modality: Modality) -> list[Problem]:
    """Check a planned technique's pressure against its modality's allowed range."""
    p: list[Problem] = []
    if not (
        modality.allows_grade(technique.min_grade) and modality.allows_grade(technique.max_grade)
    ):
        p.append(
            Problem(
                "max_grade" if technique.max_grade > modality.max_grade else "min_grade",
                f"expected a pressure grade within {modality.name}'s range "
                f"{int(modality.min_grade)}-{int(modality.max_grade)} (Walton scale)",
                "modality_pressure",
            )
        )
    if technique.max_pressure is not None and not modality.allows_pressure(technique.max_pressure):
        assert modality.max_pressure is not None
        p.append(
            Problem(
                "max_pressure",
                f"expected at most {modality.max_pressure} for {modality.name}",
                "modality_pressure",
            )
        )
    return p


@attrs.frozen(kw_only=True, slots=True)
class TreatmentPlan(Model):
    """A plan of care for medical massage.

    Attributes:
        id: Opaque identifier.
        patient_id: The patient's id.
        practitioner_id: The therapist who wrote the plan.
        diagnoses: The diagnoses the plan treats (at least one).
        techniques: Planned techniques (at least one).
        session_length: Planned length of each session.
        sessions_per_week: Frequency (1-7).
        duration_weeks: Length of the course in weeks (1-52).
        start_date: The first day of the plan.
        goals: Measurable goals.
        referral: The referral the plan answers, if any.
        reevaluation_date: When the patient is to be re-evaluated.
        precautions: Free-text precautions (protected).
        status: The plan's status.
    """

    id: str
    patient_id: str
    practitioner_id: str
    diagnoses: tuple[Diagnosis, ...]
    techniques: tuple[PlannedTechnique, ...]
    session_length: Duration
    sessions_per_week: int
    duration_weeks: int
    start_date: dt.date
    goals: tuple[Goal, ...] = ()
    referral: Referral | None = None
    reevaluation_date: dt.date | None = None
    precautions: tuple[str, ...] = attrs.field(default=(), repr=redacted)
    status: PlanStatus = PlanStatus.ACTIVE

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        for name in ("id", "patient_id", "practitioner_id"):
            check_id(p, name, getattr(self, name))
        if not self.diagnoses:
            p.append(Problem("diagnoses", "expected at least one diagnosis", "required"))
        if not self.techniques:
            p.append(Problem("techniques", "expected at least one planned technique", "required"))
        unique(p, "diagnoses", (d.code for d in self.diagnoses), "diagnosis code")
        unique(p, "goals", (g.id for g in self.goals), "goal id")
        check_range(p, "session_length", self.session_length.minutes, 5, 180)
        check_range(p, "sessions_per_week", self.sessions_per_week, 1, 7)
        check_range(p, "duration_weeks", self.duration_weeks, 1, 52)
        if self.start_date > dt.date.max - dt.timedelta(weeks=52):
            p.append(
                Problem("start_date", "expected a date whose plan can end before 9999", "range")
            )
            return p
        planned = sum(t.duration.minutes for t in self.techniques)
        if planned > self.session_length.minutes:
            p.append(
                Problem(
                    "techniques",
                    "expected the planned techniques' minutes to add up to no more than "
                    "session_length",
                    "minutes_exceed_session",
                )
            )
        if self.reevaluation_date is not None and not (
            self.start_date <= self.reevaluation_date <= self.end_date
        ):
            p.append(
                Problem(
                    "reevaluation_date",
                    "expected a date between start_date and the plan's end date",
                    "range",
                )
            )
        for i, goal in enumerate(self.goals):
            if goal.target_date is not None and goal.target_date < self.start_date:
                p.append(
                    Problem(
                        f"goals[{i}].target_date", "expected a date on or after start_date", "order"
                    )
                )
        for i, text in enumerate(self.precautions):
            check_text(p, f"precautions[{i}]", text, max_length=2000)
        return p

    @classmethod
    def for_referral(
        cls,
        referral: Referral,
        *,
        id: str,
        patient_id: str,
        practitioner_id: str,
        techniques: tuple[PlannedTechnique, ...],
        session_length: Duration,
        start_date: dt.date,
        sessions_per_week: int | None = None,
        duration_weeks: int | None = None,
        diagnoses: tuple[Diagnosis, ...] | None = None,
        goals: tuple[Goal, ...] = (),
        reevaluation_date: dt.date | None = None,
        precautions: tuple[str, ...] = (),
        status: PlanStatus = PlanStatus.ACTIVE,
    ) -> TreatmentPlan:
        """Write the plan that answers *referral*, taking what the referral says.

        The plan treats the referral's diagnoses, at its prescribed frequency
        (``frequency_per_week``) for its prescribed course (``duration_weeks``),
        unless *diagnoses*, *sessions_per_week* or *duration_weeks* say
        otherwise (`medmassage.check` then notes where the plan departs from the
        referral). The referral is kept as the plan's *referral*. The stored plan
        is the same as one built field by field: it holds its diagnoses, so it
        can be read on its own.

        The patient's history need not repeat the diagnoses either: screening
        takes the plan's and the referral's diagnoses as active conditions, and
        `medmassage.check` notes each one the history does not list
        (``diagnosis_not_in_history``, info).

        Raises:
            ValidationError: If *referral* is not a `Referral` (path
                ``referral``), if the referral prescribes no frequency or course
                length and none is given (paths ``sessions_per_week``,
                ``duration_weeks``, code ``required``), or if the plan is invalid.

        .. versionadded:: 0.2.0
        """
        if not isinstance(referral, Referral):
            raise ValidationError(
                [Problem("referral", "expected a Referral", "type")], cls.__name__
            )
        if sessions_per_week is None:
            sessions_per_week = referral.frequency_per_week
        if duration_weeks is None:
            duration_weeks = referral.duration_weeks
        missing = [
            Problem(name, f"required: the referral prescribes no {prescribed}", "required")
            for name, value, prescribed in (
                ("sessions_per_week", sessions_per_week, "frequency_per_week"),
                ("duration_weeks", duration_weeks, "duration_weeks"),
            )
            if value is None
        ]
        if missing or sessions_per_week is None or duration_weeks is None:
            raise ValidationError(missing, cls.__name__)
        return cls(
            id=id,
            patient_id=patient_id,
            practitioner_id=practitioner_id,
            diagnoses=referral.diagnoses if diagnoses is None else diagnoses,
            techniques=techniques,
            session_length=session_length,
            sessions_per_week=sessions_per_week,
            duration_weeks=duration_weeks,
            start_date=start_date,
            goals=goals,
            referral=referral,
            reevaluation_date=reevaluation_date,
            precautions=precautions,
            status=status,
        )

    @property
    def end_date(self) -> dt.date:
        """The last day of the plan (start plus *duration_weeks* weeks, minus a day)."""
        return self.start_date + dt.timedelta(weeks=self.duration_weeks, days=-1)

    @property
    def planned_sessions(self) -> int:
        """The number of sessions the plan calls for."""
        return self.sessions_per_week * self.duration_weeks

    def covers(self, day: dt.date) -> bool:
        """Whether *day* falls inside the plan's dates."""
        return self.start_date <= day <= self.end_date
