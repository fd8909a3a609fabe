"""Shared factories for building valid records in tests.

Import them as ``from factories import ...`` (``tests`` is on the pytest and mypy paths).
Each factory builds a record that passes validation, so a test changes only the fields
it is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from medmassage.anatomy import BodyRegion, Laterality
from medmassage.codes import Coding
from medmassage.diagnosis import Diagnosis
from medmassage.modalities import BUILTIN_MODALITIES
from medmassage.patient import AdministrativeSex, ClinicalStatus, Condition, Patient
from medmassage.plans import PlannedTechnique, TreatmentPlan
from medmassage.sessions import Session, TechniqueSegment, VitalSigns
from medmassage.units import Duration

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
