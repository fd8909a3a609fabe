"""Shared factories for building valid records in tests.

Import them as ``from factories import ...`` (``tests`` is on the pytest and mypy paths).
Each factory builds a record that passes validation, so a test changes only the fields
it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from medmassage.anatomy import BodyRegion, Laterality
from medmassage.codes import Coding
from medmassage.contraindications import (
    Assessment,
    Finding,
    Policy,
    RuleSet,
    ScreeningContext,
    Severity,
)
from medmassage.contraindications import _core as builtin
from medmassage.diagnosis import Diagnosis, Referral
from medmassage.exceptions import ValidationError
from medmassage.modalities import BUILTIN_MODALITIES, PressureGrade
from medmassage.patient import AdministrativeSex, ClinicalStatus, Condition, Patient
from medmassage.plans import PlannedTechnique, TreatmentPlan
from medmassage.practitioners import Practitioner
from medmassage.sessions import Session, TechniqueSegment, VitalSigns
from medmassage.units import Duration

#: The screening date :func:`assess` uses unless told otherwise.
SCREENING_DAY = dt.date(2026, 3, 2)
#: The built-in contraindication rules, as one rule set.
BUILTIN_RULE_SET = RuleSet(builtin.BUILTIN_RULES)
#: Start of the sessions built by :func:`timed_session`.
TIMED_START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def cond(
    code: str,
    region: BodyRegion | None = None,
    side: Laterality | None = None,
    status: ClinicalStatus = ClinicalStatus.ACTIVE,
) -> Condition:
    """Return a condition with the ICD-10-CM *code*, optionally at a region and side."""
    return Condition(code=Coding.icd10cm(code), region=region, laterality=side, status=status)


def patient(**kw: Any) -> Patient:
    """Return patient ``p-1``, born 1970-06-01, female unless *kw* says otherwise."""
    kw.setdefault("sex", AdministrativeSex.FEMALE)
    return Patient(id="p-1", birth_date=dt.date(1970, 6, 1), **kw)


def tech(
    modality: str = "core.swedish",
    region: BodyRegion = BodyRegion.THORACIC_SPINE,
    side: Laterality | None = None,
) -> PlannedTechnique:
    """Return a 20-minute planned technique within the grade range of a built-in modality."""
    modality_def = BUILTIN_MODALITIES[modality]
    return PlannedTechnique(
        modality=modality,
        region=region,
        laterality=side,
        duration=Duration(20, "min"),
        min_grade=modality_def.min_grade,
        max_grade=modality_def.max_grade,
    )


def plan(*techniques: PlannedTechnique) -> TreatmentPlan:
    """Return plan ``plan-1`` of patient ``p-1`` for low back pain, twice a week for six weeks."""
    return TreatmentPlan(
        id="plan-1",
        patient_id="p-1",
        practitioner_id="pr-1",
        diagnoses=(Diagnosis(coding=Coding.icd10cm("M54.50")),),
        techniques=techniques or (tech(),),
        session_length=Duration(60, "min"),
        sessions_per_week=2,
        duration_weeks=6,
        start_date=dt.date(2026, 2, 2),
    )


def session(*segments: TechniqueSegment, vitals: VitalSigns | None = None) -> Session:
    """Return 60-minute session ``s-1`` of patient ``p-1`` on 2026-03-02 with *segments*."""
    return Session(
        id="s-1",
        patient_id="p-1",
        practitioner_id="pr-1",
        start=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        duration=Duration(60, "min"),
        segments=segments,
        vitals=vitals,
    )


def timed_segment(
    modality: str, minutes: float, region: BodyRegion = BodyRegion.NECK, **kw: object
) -> TechniqueSegment:
    """Return a segment of *modality* lasting *minutes* over *region* (neck by default)."""
    return TechniqueSegment(
        modality=modality,
        region=region,
        duration=Duration(minutes, "min"),
        **kw,  # type: ignore[arg-type]
    )


def timed_session(*segments: TechniqueSegment, length: float = 60, **kw: object) -> Session:
    """Return session ``s1`` of patient ``p1`` at :data:`TIMED_START`, *kw* overriding fields."""
    fields: dict[str, object] = {
        "id": "s1",
        "patient_id": "p1",
        "practitioner_id": "t1",
        "start": TIMED_START,
        "duration": Duration(length, "min"),
        "segments": segments,
    }
    fields.update(kw)
    return Session(**fields)  # type: ignore[arg-type]


def assess(
    pt: Patient,
    pl: TreatmentPlan | None = None,
    *,
    sess: Session | None = None,
    practitioner: Practitioner | None = None,
    policy: Policy | None = None,
    on: dt.date = SCREENING_DAY,
) -> Assessment:
    """Screen *pt* with the built-in rules in strict mode, asserting that no rule failed."""
    ctx = ScreeningContext(
        patient=pt,
        plan=pl or plan(),
        session=sess,
        on=on,
        practitioner=practitioner,
        modalities=BUILTIN_MODALITIES,
        policy=policy or Policy(),
    )
    result = BUILTIN_RULE_SET.assess(ctx, strict=True)
    assert not result.failures
    return result


def only(result: Assessment, rule_id: str) -> tuple[Finding, ...]:
    """Return the findings of *result* raised by the rule *rule_id*."""
    return result.for_rule(rule_id)


def sites(f: Finding) -> set[tuple[BodyRegion, Laterality | None]]:
    """Return the (region, side) pairs a finding applies to."""
    return {(s.region, s.laterality) for s in f.regions}


def record_session(start: dt.datetime, /, **kw: Any) -> Session:
    """Return 60-minute session ``s-1`` of ``pt-1`` at *start*, *kw* overriding any field."""
    base: dict[str, Any] = {
        "id": "s-1",
        "patient_id": "pt-1",
        "practitioner_id": "pr-1",
        "start": start,
        "duration": Duration(60, "min"),
    }
    return Session(**{**base, **kw})


# -- records for the model tests ---------------------------------------------------

#: Start of the sessions built by :func:`model_session`.
MODEL_START = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)


def unsigned(session: Session, **changes: Any) -> Session:
    """An unsigned copy of *session*: its ids, start and length, with *changes*.

    A signed session cannot be evolved (only `Session.sign` and `Session.amend`
    make one), so tests that vary a signed example rebuild it unsigned.
    """
    fields: dict[str, Any] = {
        "id": session.id,
        "patient_id": session.patient_id,
        "practitioner_id": session.practitioner_id,
        "start": session.start,
        "duration": session.duration,
        "plan_id": session.plan_id,
    }
    return Session(**(fields | changes))


def problems(call: Callable[[], object]) -> set[tuple[str, str]]:
    """Run *call*, expecting a ValidationError; return its (path, code) pairs."""
    with pytest.raises(ValidationError) as info:
        call()
    return {(p.path, p.code) for p in info.value.problems}


def model_dx(code: str = "M54.50", **kw: Any) -> Diagnosis:
    """Return a diagnosis with the ICD-10-CM *code* (default M54.50, low back pain)."""
    return Diagnosis(coding=Coding.icd10cm(code), **kw)


def model_technique(**kw: Any) -> PlannedTechnique:
    """Return a planned Swedish technique over the lumbar spine, 20 min, grade 1-3."""
    base: dict[str, Any] = {
        "modality": "core.swedish",
        "region": BodyRegion.LUMBAR_SPINE,
        "duration": Duration(20, "min"),
        "min_grade": PressureGrade.LIGHT_LOTIONING,
        "max_grade": PressureGrade.SWEDISH,
    }
    return PlannedTechnique(**{**base, **kw})


def model_plan(**kw: Any) -> TreatmentPlan:
    """Return plan-1 (pt-1, pr-1): twice a week for 4 weeks from 2026-01-12, 60 min."""
    base: dict[str, Any] = {
        "id": "plan-1",
        "patient_id": "pt-1",
        "practitioner_id": "pr-1",
        "diagnoses": (model_dx(),),
        "techniques": (model_technique(),),
        "session_length": Duration(60, "min"),
        "sessions_per_week": 2,
        "duration_weeks": 4,
        "start_date": dt.date(2026, 1, 12),
    }
    return TreatmentPlan(**{**base, **kw})


def model_segment(**kw: Any) -> TechniqueSegment:
    """Return a 20-minute Swedish segment over the lumbar spine."""
    base: dict[str, Any] = {
        "modality": "core.swedish",
        "region": BodyRegion.LUMBAR_SPINE,
        "duration": Duration(20, "min"),
    }
    return TechniqueSegment(**{**base, **kw})


def model_session(**kw: Any) -> Session:
    """Return a session of plan-1 starting at :data:`MODEL_START`."""
    return record_session(MODEL_START, **{"plan_id": "plan-1", **kw})


def model_patient(**kw: Any) -> Patient:
    """Return patient pt-1, female, born 1979-05-14."""
    base: dict[str, Any] = {
        "id": "pt-1",
        "birth_date": dt.date(1979, 5, 14),
        "sex": AdministrativeSex.FEMALE,
    }
    return Patient(**{**base, **kw})


def care_plan(
    weeks: int = 12, referral: Referral | None = None, start: dt.date = dt.date(2026, 3, 2)
) -> TreatmentPlan:
    """Return plan1 (p1, t1; M54.50): one Swedish technique, twice a week for *weeks*."""
    return TreatmentPlan(
        id="plan1",
        patient_id="p1",
        practitioner_id="t1",
        diagnoses=(Diagnosis(coding=Coding.icd10cm("M54.50")),),
        techniques=(
            PlannedTechnique(
                modality="core.swedish",
                region=BodyRegion.LUMBAR_SPINE,
                duration=Duration(30, "min"),
                min_grade=PressureGrade.HEAVY_LOTIONING,
                max_grade=PressureGrade.SWEDISH,
            ),
        ),
        session_length=Duration(60, "min"),
        sessions_per_week=2,
        duration_weeks=weeks,
        start_date=start,
        referral=referral,
    )


@attrs.frozen(kw_only=True)
class FailingRule:
    """A plugin rule whose evaluation raises, as a broken one would: screening is indeterminate."""

    id: str = "acme.failing"
    title: str = "fails"
    severity: Severity = Severity.RELATIVE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[BodyRegion] = frozenset()
    source: str = "test"
    api_version: int = 1
    triggers: None = None

    def evaluate(self, context: ScreeningContext) -> list[Finding]:
        """Fail as a broken plugin would."""
        raise RuntimeError("broken plugin")
