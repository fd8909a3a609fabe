"""The rows of each table for one case, as plain Python values (no pyarrow here).

Scores, series and changes come from `medmassage.progress.track` and the
instruments' own scoring; screenings and findings from
`medmassage.screening.screen_case`. Nothing is recomputed here that those
already decide.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections.abc import Collection
from typing import Final

from .._validation import instant
from ..cases import Case
from ..contraindications import Assessment, Policy
from ..exceptions import MedmassageError
from ..instruments import Change, Instrument, Mcid, Score, get_instrument
from ..outcomes import OutcomeMeasure
from ..plugins import Registry
from ..progress import Series, _completed_for, track
from ..screening import screen_case
from ..sessions import ReactionSeverity, Session
from ..units import Duration, Pressure

__all__ = ["Row", "case_rows"]

#: One row: column name to a plain Python value.
Row = dict[str, object]

_MICROSECOND: Final = dt.timedelta(microseconds=1)
_REACTION_RANK: Final = {s: i for i, s in enumerate(ReactionSeverity)}


def _value(member: enum.Enum | None) -> object:
    return None if member is None else member.value


def _values(members: Collection[enum.Enum]) -> list[object]:
    return sorted({m.value for m in members})


def _seconds(duration: Duration) -> float:
    return duration.minutes * 60.0


def _kpa(pressure: Pressure | None) -> float | None:
    return None if pressure is None else pressure.kpa


def _micros(value: dt.datetime) -> int:
    """Microseconds since 1970-01-01 UTC (an instant: exact across folds and calendar ends)."""
    return instant(value) // _MICROSECOND


def _zone(value: dt.datetime) -> str:
    tz = value.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key:
        return tz.key
    offset = value.utcoffset() or dt.timedelta(0)
    if tz is dt.UTC or (isinstance(tz, dt.timezone) and not offset):
        return "UTC"
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _offset(value: dt.datetime) -> int:
    offset = value.utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds())


def _when(prefix: str, value: dt.datetime) -> Row:
    return {
        f"{prefix}_utc": _micros(value),
        f"{prefix}_zone": _zone(value),
        f"{prefix}_utc_offset_s": _offset(value),
    }


# -- the record tables ---------------------------------------------------------------


def _patient(case: Case, keys: Row, identifiable: bool) -> Row:
    patient = case.patient
    pregnancy = patient.pregnancy
    row: Row = {
        **keys,
        "sex": patient.sex.value,
        "age_years": min(patient.age_on(case.plan.start_date), 90),
        "pregnant": pregnancy is not None,
        "pregnancy_high_risk": None if pregnancy is None else pregnancy.high_risk,
        "conditions": len(patient.conditions),
        "active_conditions": len(patient.active_conditions()),
        "medications": len(patient.medications),
        "medication_classes": _values(patient.active_medication_classes()),
        "allergy_categories": _values([a.category for a in patient.allergies]),
        "device_kinds": _values([d.kind for d in patient.devices]),
        "risk_flags": _values(patient.flags),
        "surgeries": len(patient.surgeries),
        "lymph_nodes_removed": any(s.lymph_nodes_removed for s in patient.surgeries),
    }
    if identifiable:
        name, contact = patient.name, patient.contact
        row.update(
            birth_date=patient.birth_date,
            family_name=None if name is None else name.family,
            given_names=None if name is None else list(name.given),
            phone=None if contact is None else contact.phone,
            email=None if contact is None else contact.email,
            address=None if contact is None else contact.address,
        )
    return row


def _conditions(case: Case, keys: Row, identifiable: bool) -> list[Row]:
    rows: list[Row] = []
    for i, c in enumerate(case.patient.conditions):
        row: Row = {
            **keys,
            "source": "patient",
            "position": i,
            "system": c.code.system,
            "code": c.code.code,
            "display": c.code.display,
            "status": c.status.value,
            "active": c.status.is_active,
            "onset": c.onset,
            "region": _value(c.region),
            "laterality": _value(c.laterality),
        }
        if identifiable:
            row["note"] = c.note
        rows.append(row)
    plan = case.plan
    lists = [("plan", plan.diagnoses)]
    if plan.referral is not None:
        lists.append(("referral", plan.referral.diagnoses))
    for source, diagnoses in lists:
        for i, d in enumerate(diagnoses):
            rows.append(
                {
                    **keys,
                    "source": source,
                    "position": i,
                    "system": d.coding.system,
                    "code": d.coding.code,
                    "display": d.coding.display,
                    "active": True,
                    "acuity": _value(d.acuity),
                    "onset": d.onset,
                    "diagnosed_on": d.diagnosed_on,
                    "diagnosed_by_role": None
                    if d.diagnosed_by is None
                    else d.diagnosed_by.role.value,
                    "region": _value(d.region),
                    "laterality": _value(d.laterality),
                }
            )
    return rows


def _plan(case: Case, keys: Row, identifiable: bool) -> Row:
    plan = case.plan
    referral = plan.referral
    row: Row = {
        **keys,
        "practitioner_id": plan.practitioner_id,
        "status": plan.status.value,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "duration_weeks": plan.duration_weeks,
        "sessions_per_week": plan.sessions_per_week,
        "planned_sessions": plan.planned_sessions,
        "session_length_s": _seconds(plan.session_length),
        "primary_diagnosis": plan.diagnoses[0].code,
        "diagnoses": len(plan.diagnoses),
        "techniques": len(plan.techniques),
        "goals": len(plan.goals),
        "sessions": len(case.sessions),
        "reevaluation_date": plan.reevaluation_date,
    }
    if referral is not None:
        row.update(
            referral_id=referral.id,
            referrer_role=referral.referrer.role.value,
            referred_on=referral.referred_on,
            visits_authorized=referral.visits_authorized,
            referral_expires_on=referral.expires_on,
        )
    if identifiable:
        row["precautions"] = list(plan.precautions)
    return row


def _techniques(case: Case, keys: Row) -> list[Row]:
    return [
        {
            **keys,
            "position": i,
            "modality": t.modality,
            "region": t.region.value,
            "laterality": _value(t.laterality),
            "duration_s": _seconds(t.duration),
            "min_grade": int(t.min_grade),
            "max_grade": int(t.max_grade),
            "max_pressure_kpa": _kpa(t.max_pressure),
        }
        for i, t in enumerate(case.plan.techniques)
    ]


def _session(session: Session, position: int, keys: Row, identifiable: bool) -> Row:
    vitals = session.vitals
    reactions = [r.severity for r in session.adverse_reactions]
    worst = max(reactions, key=_REACTION_RANK.__getitem__, default=None)
    row: Row = {
        **keys,
        "session_id": session.id,
        "position": position,
        "practitioner_id": session.practitioner_id,
        "status": session.status.value,
        **_when("start", session.start),
        "local_date": session.start.date(),
        "duration_s": _seconds(session.duration),
        "treatment_s": session.treatment_minutes * 60.0,
        "segments": len(session.segments),
        "outcome_measures": len(session.outcomes),
        "adverse_reactions": len(reactions),
        "worst_reaction": _value(worst),
        "signed": session.signed,
        "amendments": len(session.amendments),
    }
    if vitals is not None:
        row.update(
            systolic_kpa=_kpa(vitals.systolic),
            diastolic_kpa=_kpa(vitals.diastolic),
            heart_rate_bpm=vitals.heart_rate,
            temperature_c=None if vitals.temperature is None else vitals.temperature.celsius,
        )
    if identifiable and session.note is not None:
        note = session.note
        row.update(
            soap_subjective=note.subjective,
            soap_objective=note.objective,
            soap_assessment=note.assessment,
            soap_plan=note.plan,
        )
    return row


def _segments(session: Session, keys: Row) -> list[Row]:
    return [
        {
            **keys,
            "session_id": session.id,
            "position": i,
            "modality": s.modality,
            "region": s.region.value,
            "laterality": _value(s.laterality),
            "duration_s": _seconds(s.duration),
            "pressure_kpa": _kpa(s.pressure),
            "grade": None if s.grade is None else int(s.grade),
            "feedback": _value(s.feedback),
            "discomfort": s.discomfort,
        }
        for i, s in enumerate(session.segments)
    ]


# -- outcome measures: scores, series and change against the MCID --------------------


def _scored(
    measure: OutcomeMeasure, registry: Registry | None, cache: dict[str, Instrument]
) -> tuple[Instrument, Score] | str:
    """The instrument and score of *measure*, or why it cannot be scored (as `track` does)."""
    try:
        instrument = cache.get(measure.instrument) or get_instrument(measure.instrument, registry)
        cache[measure.instrument] = instrument
        return instrument, instrument.score_measure(measure)
    except MedmassageError as exc:
        return str(exc)


def _mcid_fields(change: Change | None, mcid: Mcid | None) -> Row:
    if mcid is None:
        return {}
    return {
        "mcid": mcid.value,
        "mcid_percent": mcid.percent,
        "mcid_kind": mcid.kind,
        "mcid_population": mcid.population,
        "mcid_evidence_level": _value(mcid.evidence_level),
        "mcid_confirmed": mcid.confirmed,
        "mcid_met": None if change is None else change.mcid_reached,
        "worsened_beyond_mcid": None if change is None else change.worsened_beyond_mcid,
        "population_matches": None if change is None else change.population_matches,
    }


def _series_fields(series: Series, index: int, position: int, diagnoses: tuple[str, ...]) -> Row:
    """Where a score stands in its series: change from the baseline, judged as `track` judges."""
    last = len(series.points) - 1
    row: Row = {
        "series": index,
        "series_position": position,
        "series_length": len(series.points),
        "is_latest": position == last,
    }
    if series.change is None or position == 0:
        return row
    if position == last:
        change = series.change  # exactly what track() reports
    else:  # an intermediate score, against the same MCID as the series' change
        mcid = series.change.mcid
        change = series.instrument.change(
            series.baseline.score, series.points[position].score, mcid=mcid, diagnoses=diagnoses
        )
    row.update(
        change_from_baseline=change.difference,
        improvement=change.improvement,
        percent_change=change.percent,
        direction=change.direction.value,
        **_mcid_fields(change, change.mcid),
    )
    return row


def _outcomes(case: Case, keys: Row, registry: Registry | None, identifiable: bool) -> list[Row]:
    plan = case.plan
    progress = track(plan, case.sessions, registry=registry)
    series_index = {
        (s.code, s.region, s.laterality, s.movement): i for i, s in enumerate(progress.series)
    }
    diagnoses = tuple(d.coding.code for d in plan.diagnoses)
    cache: dict[str, Instrument] = {}
    rows: dict[tuple[int, int], Row] = {}
    counts: dict[int, int] = {}
    # Walk the measures in track()'s order, so the n-th score of a series is its n-th point.
    tracked = _completed_for(plan, case.sessions, progress.as_of)
    order = {id(s): i for i, s in enumerate(case.sessions)}
    for session in tracked:
        measures = sorted(enumerate(session.outcomes), key=lambda m: instant(m[1].taken_at))
        for position, measure in measures:
            row = _measure(measure, position, session, keys, identifiable)
            row["tracked"] = True
            result = _scored(measure, registry, cache)
            if isinstance(result, str):
                row.update(scored=False, unscored_reason=result)
            else:
                instrument, score = result
                row.update(_score_fields(score))
                index = series_index[
                    (instrument.code, measure.region, measure.laterality, measure.movement)
                ]
                point = counts.get(index, 0)
                counts[index] = point + 1
                row.update(_series_fields(progress.series[index], index, point, diagnoses))
            rows[order[id(session)], position] = row
    for s_index, session in enumerate(case.sessions):
        for position, measure in enumerate(session.outcomes):
            if (s_index, position) in rows:
                continue
            row = _measure(measure, position, session, keys, identifiable)
            row["tracked"] = False
            result = _scored(measure, registry, cache)
            if isinstance(result, str):
                row.update(scored=False, unscored_reason=result)
            else:
                row.update(_score_fields(result[1]))
            rows[s_index, position] = row
    return [rows[k] for k in sorted(rows)]


def _measure(
    measure: OutcomeMeasure, position: int, session: Session, keys: Row, identifiable: bool
) -> Row:
    row: Row = {
        **keys,
        "session_id": session.id,
        "position": position,
        "instrument": measure.instrument,
        **_when("taken_at", measure.taken_at),
        "region": _value(measure.region),
        "laterality": _value(measure.laterality),
        "movement": measure.movement,
    }
    if identifiable:
        row["note"] = measure.note
    return row


def _score_fields(score: Score) -> Row:
    return {
        "scored": True,
        "instrument_code": score.instrument,
        "score": score.value,
        "unit": score.unit,
        "band": None if score.band is None else score.band.label,
        "missing_items": score.missing,
    }


# -- screening -----------------------------------------------------------------------


def _finding_rows(common: Row, assessment: Assessment) -> list[Row]:
    rows: list[Row] = [
        {
            **common,
            "kind": "finding",
            "position": i,
            "rule_id": f.rule_id,
            "severity": f.severity.value,
            "action": f.action.value,
            "reclassified_from": _value(f.reclassified_from),
            "evidence_level": _value(f.evidence_level),
            "regions": [str(s) for s in f.regions],
            "modalities": sorted(f.modalities),
            "tags": sorted(f.tags),
            "max_grade": None if f.max_grade is None else int(f.max_grade),
            "max_pressure_kpa": _kpa(f.max_pressure),
        }
        for i, f in enumerate(assessment.findings)
    ]
    rows.extend(
        {
            **common,
            "kind": "failure",
            "position": i,
            "rule_id": failure.rule_id,
            "failure_stage": failure.stage,
            "failure_cause": failure.cause,
        }
        for i, failure in enumerate(assessment.failures)
    )
    rows.extend(
        {
            **common,
            "kind": "violation",
            "position": i,
            "rule_id": v.rule_id,
            "segment": v.segment,
            "violation_kind": v.kind,
        }
        for i, v in enumerate(assessment.violations)
    )
    return rows


def _summary(keys: Row, assessment: Assessment) -> Row:
    worst = min(assessment.findings, key=lambda f: f.severity.rank, default=None)
    return {
        **keys,
        "screened_on": assessment.on,
        "status": assessment.status.value,
        "findings": len(assessment.findings),
        "failures": len(assessment.failures),
        "violations": len(assessment.violations),
        "advisories": len(assessment.advisories),
        "worst_severity": None if worst is None else worst.severity.value,
    }


def _screening(
    case: Case, keys: Row, registry: Registry | None, policy: Policy | None, on: dt.date | None
) -> tuple[list[Row], list[Row]]:
    """The case's screenings as `screen_case` gives them: the plan's, then each session's.

    A screening that could not be run is one plan row, *indeterminate*, with
    the reason and no counts (never zero findings: that would read as clear).
    """
    screened = screen_case(case, on=on, registry=registry, policy=policy)
    if screened.plan is None:
        row: Row = {
            **keys,
            "session_id": None,
            "status": screened.status,
            "unavailable": screened.unavailable,
        }
        return [row], []
    pairs: list[tuple[str | None, Assessment]] = [(None, screened.plan)]
    pairs.extend(screened.sessions.items())
    summaries: list[Row] = []
    findings: list[Row] = []
    for session_id, assessment in pairs:
        mine: Row = {**keys, "session_id": session_id}
        summaries.append(_summary(mine, assessment))
        common: Row = {
            **mine,
            "screened_on": assessment.on,
            "screening_status": assessment.status.value,
        }
        findings.extend(_finding_rows(common, assessment))
    return summaries, findings


# -- one case ------------------------------------------------------------------------


def case_rows(
    case: Case,
    wanted: Collection[str],
    *,
    registry: Registry | None = None,
    policy: Policy | None = None,
    identifiable: bool = False,
    on: dt.date | None = None,
) -> dict[str, list[Row]]:
    """The rows of each table in *wanted* for *case* (*on*: the plan's screening date)."""
    keys: Row = {"plan_id": case.plan.id, "patient_id": case.patient.id}
    out: dict[str, list[Row]] = {}
    if "patients" in wanted:
        out["patients"] = [_patient(case, keys, identifiable)]
    if "conditions" in wanted:
        out["conditions"] = _conditions(case, keys, identifiable)
    if "plans" in wanted:
        out["plans"] = [_plan(case, keys, identifiable)]
    if "planned_techniques" in wanted:
        out["planned_techniques"] = _techniques(case, keys)
    if "sessions" in wanted:
        out["sessions"] = [_session(s, i, keys, identifiable) for i, s in enumerate(case.sessions)]
    if "segments" in wanted:
        out["segments"] = [row for s in case.sessions for row in _segments(s, keys)]
    if "outcome_measures" in wanted:
        out["outcome_measures"] = _outcomes(case, keys, registry, identifiable)
    if "screenings" in wanted or "findings" in wanted:
        out["screenings"], out["findings"] = _screening(case, keys, registry, policy, on)
    return out
