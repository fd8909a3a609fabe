"""Strategies for the care itself: plans, outcome measures, sessions and whole cases."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import strategies as st

from ..._validation import after, instant
from ...cases import Case
from ...diagnosis import Diagnosis
from ...modalities import BUILTIN_MODALITIES, PressureGrade
from ...outcomes import (
    ItemResponse,
    OutcomeMeasure,
    PhysicalMeasurement,
    Responses,
    ScaleResponses,
)
from ...plans import Comparator, Goal, PlannedTechnique, PlanStatus, TreatmentPlan
from ...sessions import (
    AdverseReaction,
    PressureFeedback,
    ReactionKind,
    ReactionSeverity,
    Session,
    SessionStatus,
    SoapNote,
    TechniqueSegment,
    VitalSigns,
)
from ._base import (
    _EARLIEST,
    _angles,
    _cached,
    _dates,
    _lengths,
    _optional,
    _or,
    _sited,
    _temperatures,
    aware_datetimes,
    durations,
    free_text,
    identifiers,
    keys,
    pressures,
)
from ._people import _grade_range, _unique_diagnoses, patients, practitioners, referrals

# -- plans --------------------------------------------------------------------------


@_cached
def _modality_codes() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(sorted(BUILTIN_MODALITIES)), keys())


def _grade_bounds(code: str) -> tuple[PressureGrade, PressureGrade]:
    """The Walton grades a built-in modality allows; the whole scale for a plugin key."""
    builtin = BUILTIN_MODALITIES.get(code)
    if builtin is None:
        return PressureGrade(0), PressureGrade(5)
    return builtin.min_grade, builtin.max_grade


@_cached
@st.composite
def planned_techniques(
    draw: st.DrawFn, *, max_minutes: float = 180.0, modality: str | None = None
) -> PlannedTechnique:
    """Planned techniques whose pressure lies inside their built-in modality's range.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        max_minutes: The longest planned time (at least 1 minute).
        modality: A fixed modality code; default a built-in or a plugin key.
    """
    code = modality if modality is not None else draw(_modality_codes())
    region, laterality = draw(_sited(optional=False))
    assert region is not None
    builtin = BUILTIN_MODALITIES.get(code)
    low, high = _grade_bounds(code)
    min_grade, max_grade = draw(_grade_range(low, high))
    ceiling = (
        builtin.max_pressure.kpa
        if builtin is not None and builtin.max_pressure is not None
        else 500.0
    )
    return PlannedTechnique(
        modality=code,
        region=region,
        laterality=laterality,
        duration=draw(durations(1, min(180.0, max_minutes))),
        min_grade=min_grade,
        max_grade=max_grade,
        max_pressure=draw(_optional(pressures(0.1, ceiling))),
    )


@_cached
@st.composite
def goals(draw: st.DrawFn, *, not_before: dt.date = _EARLIEST) -> Goal:
    """Measurable goals with a target on an instrument's scale."""
    return Goal(
        id=draw(identifiers()),
        instrument=draw(st.sampled_from(("odi", "nprs", "ndi", "psfs", "lefs", "ppt")) | keys()),
        target=draw(
            st.one_of(
                st.integers(-1_000_000, 1_000_000),
                st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
            )
        ),
        comparator=draw(st.sampled_from(Comparator)),
        target_date=draw(_optional(_dates(not_before, not_before + dt.timedelta(days=400)))),
        description=draw(_optional(free_text())),
    )


@_cached
@st.composite
def treatment_plans(
    draw: st.DrawFn,
    *,
    patient_id: str | None = None,
    practitioner_id: str | None = None,
    diagnoses: st.SearchStrategy[tuple[Diagnosis, ...]] | None = None,
    precautions: st.SearchStrategy[str] | None = None,
) -> TreatmentPlan:
    """Valid treatment plans: goals, techniques fitting the session, schedule, referral.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        patient_id: The patient's id (default: generated).
        practitioner_id: The therapist's id (default: generated).
        diagnoses: Strategy for the diagnoses (distinct codes, at least one).
        precautions: Strategy for the protected precaution texts.
    """
    session_length = draw(durations(5, 180))
    budget = session_length.minutes * 0.999
    count = draw(st.integers(1, min(4, int(budget))))
    techniques = tuple(draw(planned_techniques(max_minutes=budget / count)) for _ in range(count))
    start = draw(_dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)))
    weeks = draw(st.integers(1, 52))
    end = start + dt.timedelta(weeks=weeks, days=-1)
    plan_goals = draw(st.lists(goals(not_before=start), max_size=3, unique_by=lambda g: g.id))
    dx = draw(_or(diagnoses, _unique_diagnoses()))
    referral = None
    if draw(st.booleans()):
        same = draw(st.booleans())
        referral = draw(referrals(instructions=precautions))
        if same:
            referral = attrs.evolve(referral, diagnoses=dx)
    return TreatmentPlan(
        id=draw(identifiers()),
        patient_id=patient_id if patient_id is not None else draw(identifiers()),
        practitioner_id=practitioner_id if practitioner_id is not None else draw(identifiers()),
        diagnoses=dx,
        techniques=techniques,
        session_length=session_length,
        sessions_per_week=draw(st.integers(1, 7)),
        duration_weeks=weeks,
        start_date=start,
        goals=tuple(plan_goals),
        referral=referral,
        reevaluation_date=draw(_optional(_dates(start, end))),
        precautions=tuple(draw(st.lists(_or(precautions, free_text()), max_size=2))),
        status=draw(st.sampled_from(PlanStatus)),
    )


# -- outcomes and sessions ------------------------------------------------------------


@_cached
def _item_responses() -> st.SearchStrategy[ItemResponse]:
    return st.one_of(
        st.none(),
        st.integers(-10, 100),
        st.floats(-100, 100, allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.sampled_from(("never", "rarely", "sometimes", "very often", "always")),
        free_text(max_size=20),
    )


@_cached
def _responses() -> st.SearchStrategy[Responses]:
    items = st.lists(_item_responses(), max_size=12).map(tuple)
    scales = st.dictionaries(keys(), items, min_size=1, max_size=3).map(ScaleResponses)
    return st.one_of(items, scales)


@_cached
def _physical() -> st.SearchStrategy[tuple[PhysicalMeasurement, ...]]:
    trials: list[st.SearchStrategy[tuple[PhysicalMeasurement, ...]]] = [
        st.lists(pressures(0.5, 1500), min_size=1, max_size=4).map(tuple),
        st.lists(_angles(), min_size=1, max_size=4).map(tuple),
        st.lists(_lengths(), min_size=1, max_size=4).map(tuple),
    ]
    return st.one_of(trials)


@_cached
@st.composite
def outcome_measures(
    draw: st.DrawFn,
    *,
    taken_at: st.SearchStrategy[dt.datetime] | None = None,
    notes: st.SearchStrategy[str] | None = None,
) -> OutcomeMeasure:
    """One administration of an instrument: a score, item responses and/or measurements.

    Physical measurements use every accepted unit: pressure pain thresholds in
    kPa, kgf/cm², mmHg ..., range of motion in degrees or radians, limb
    circumference in cm, mm, in or m.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        taken_at: Strategy for when it was taken (default `aware_datetimes`).
        notes: Strategy for the protected note.
    """
    kinds = draw(st.sets(st.sampled_from(("value", "responses", "measurements")), min_size=1))
    value: float | None = None
    if "value" in kinds:
        value = draw(st.one_of(st.integers(-1000, 1000), st.floats(-1e9, 1e9, allow_nan=False)))
    responses = draw(_responses()) if "responses" in kinds else None
    measurements = draw(_physical()) if "measurements" in kinds else ()
    region, laterality = draw(_sited())
    return OutcomeMeasure(
        instrument=draw(st.sampled_from(("odi", "nprs", "ndi", "ppt", "rom", "girth")) | keys()),
        taken_at=draw(_or(taken_at, aware_datetimes())),
        value=value,
        responses=responses,
        measurements=measurements,
        region=region,
        laterality=laterality,
        movement=draw(_optional(st.sampled_from(("cervical_rotation", "lumbar_flexion")) | keys())),
        note=draw(_optional(_or(notes, free_text()))),
    )


@_cached
@st.composite
def technique_segments(
    draw: st.DrawFn, *, max_minutes: float = 240.0, modality: str | None = None
) -> TechniqueSegment:
    """Applied technique segments whose pressure and grade fit a built-in modality.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        max_minutes: The longest segment (at least 0.5 minute).
        modality: A fixed modality code; default a built-in or a plugin key.
    """
    code = modality if modality is not None else draw(_modality_codes())
    region, laterality = draw(_sited(optional=False))
    assert region is not None
    builtin = BUILTIN_MODALITIES.get(code)
    low, high = _grade_bounds(code)
    ceiling = (
        builtin.max_pressure.kpa
        if builtin is not None and builtin.max_pressure is not None
        else 1000.0
    )
    return TechniqueSegment(
        modality=code,
        region=region,
        laterality=laterality,
        duration=draw(durations(0.5, min(240.0, max_minutes))),
        pressure=draw(_optional(pressures(0.01, ceiling))),
        grade=draw(_optional(st.integers(int(low), int(high)).map(PressureGrade))),
        feedback=draw(_optional(st.sampled_from(PressureFeedback))),
        discomfort=draw(_optional(st.integers(0, 10))),
    )


@_cached
def soap_notes(text: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[SoapNote]:
    """SOAP notes; each part optional protected free text."""
    part = _optional(_or(text, free_text(max_size=120)))
    return st.builds(SoapNote, subjective=part, objective=part, assessment=part, plan=part)


@_cached
@st.composite
def vital_signs(draw: st.DrawFn) -> VitalSigns:
    """Vital signs: blood pressure in any pressure unit, heart rate, temperature."""
    mmhg = 0.133322387415  # kPa per mmHg (conventional millimetre of mercury, 133.322387415 Pa)
    systolic = draw(_optional(pressures(100.5 * mmhg, 299.5 * mmhg)))
    diastolic = None
    if draw(st.booleans()):
        ceiling = min(199.5, systolic.m_as("mmHg") - 1) if systolic is not None else 199.5
        diastolic = draw(pressures(20.5 * mmhg, ceiling * mmhg))
    return VitalSigns(
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=draw(_optional(st.integers(20, 250))),
        temperature=draw(_optional(_temperatures())),
    )


@_cached
def adverse_reactions(
    notes: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[AdverseReaction]:
    """Adverse reactions with optional site, onset and note."""

    @st.composite
    def build(draw: st.DrawFn) -> AdverseReaction:
        region, laterality = draw(_sited())
        return AdverseReaction(
            kind=draw(st.sampled_from(ReactionKind)),
            severity=draw(st.sampled_from(ReactionSeverity)),
            region=region,
            laterality=laterality,
            onset=draw(_optional(aware_datetimes())),
            resolved=draw(st.booleans()),
            note=draw(_optional(_or(notes, free_text()))),
        )

    return build()


@_cached
@st.composite
def sessions(
    draw: st.DrawFn,
    plan: TreatmentPlan | None = None,
    *,
    patient_id: str | None = None,
    practitioner_id: str | None = None,
    notes: st.SearchStrategy[str] | None = None,
    signed: bool | None = None,
    ids: st.SearchStrategy[str] | None = None,
) -> Session:
    """Valid sessions, optionally of *plan* (inside its dates, for its patient).

    Sessions may be signed and amended; segments never add up to more than the
    session's duration; a cancelled or missed session has no segments.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        plan: The plan the session belongs to; its segments then mostly follow the
            plan's techniques.
        patient_id: The patient's id (default: the plan's, else generated).
        practitioner_id: Who treated (default: the plan's author, else generated).
        notes: Strategy for the protected free text (SOAP note, reactions, amendment
            reasons, outcome notes); default `free_text`.
        signed: Force signed (``True``) or unsigned (``False``); default either.
            Signed sessions are signed with `Session.sign` and amended with
            `Session.amend` (the only ways to build one; ``attrs.evolve`` of a
            signed session is refused).
        ids: Strategy for the session id (default: `identifiers`).
    """
    if plan is not None:
        start = draw(aware_datetimes(plan.start_date, plan.end_date))
        pid = patient_id or plan.patient_id
        who = practitioner_id or plan.practitioner_id
    else:
        start = draw(aware_datetimes())
        pid = patient_id or draw(identifiers())
        who = practitioner_id or draw(identifiers())
    duration = draw(durations(1, 480))
    status = draw(st.sampled_from(SessionStatus))
    segments: list[TechniqueSegment] = []
    if status is SessionStatus.COMPLETED:
        budget = duration.minutes * 0.999
        count = draw(st.integers(0, min(4, int(budget / 0.5))))
        for _ in range(count):
            fixed = None
            if plan is not None and draw(st.booleans()):
                fixed = draw(st.sampled_from(plan.techniques)).modality
            segment = draw(technique_segments(max_minutes=budget / count, modality=fixed))
            segments.append(segment)
    text = _or(notes, free_text(max_size=120))
    later = st.timedeltas(dt.timedelta(0), dt.timedelta(days=30))
    session = Session(
        id=draw(_or(ids, identifiers())),
        patient_id=pid,
        practitioner_id=who,
        start=start,
        duration=duration,
        plan_id=plan.id if plan is not None else draw(_optional(identifiers())),
        status=status,
        segments=tuple(segments),
        note=draw(_optional(soap_notes(text))),
        outcomes=tuple(
            draw(
                st.lists(
                    outcome_measures(taken_at=st.just(start), notes=text)
                    | outcome_measures(notes=text),
                    max_size=2,
                )
            )
        ),
        adverse_reactions=tuple(draw(st.lists(adverse_reactions(text), max_size=2))),
        vitals=draw(_optional(vital_signs())),
    )
    if signed is False or (signed is None and draw(st.booleans())):
        return session
    session = session.sign(who, after(start, draw(later)))
    for _ in range(draw(st.integers(0, 2))):
        session = session.amend(
            by=draw(identifiers()),
            at=after(start, draw(later)),
            reason=draw(text),
            note=draw(_optional(soap_notes(text))),
        )
    return session


# -- cases --------------------------------------------------------------------------


@_cached
@st.composite
def cases(draw: st.DrawFn, *, max_sessions: int = 4) -> Case:
    """Valid cases: a patient, a plan for them, practitioners and ordered sessions.

    Args:
        draw: Supplied by hypothesis (do not pass it).
        max_sessions: The most sessions to generate.
    """
    patient = draw(patients())
    team = draw(st.lists(practitioners(), min_size=1, max_size=3, unique_by=lambda p: p.id))
    plan = draw(treatment_plans(patient_id=patient.id, practitioner_id=team[0].id))
    ids = draw(st.lists(identifiers(), max_size=max_sessions, unique=True))
    found = [
        draw(
            sessions(plan, practitioner_id=draw(st.sampled_from(team)).id, ids=st.just(session_id))
        )
        for session_id in ids
    ]
    # By instant: one zone's date-times compare by wall time, which is wrong when
    # clocks go back (01:30 CST, fold=1, is later than 01:45 CDT).
    found.sort(key=lambda s: instant(s.start))
    return Case(patient=patient, plan=plan, sessions=tuple(found), practitioners=tuple(team))
