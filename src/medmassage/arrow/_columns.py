"""The columns of every table: name, type, meaning, and whether it identifies the patient.

This is the tables' contract, written as data so that the Arrow schemas, the
schema snapshot in the test suite and the documentation all come from one
place. It imports nothing from pyarrow: types are named here and mapped to
Arrow types in `medmassage.arrow`.
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

__all__ = ["TABLES", "Column", "ColumnType"]

#: The column types: UTF-8 text, integers, floats, booleans, calendar dates,
#: UTC instants (microseconds) and lists of text.
ColumnType = Literal["string", "int32", "float64", "bool", "date", "timestamp", "strings"]


@attrs.frozen(slots=True)
class Column:
    """One column of a table.

    Attributes:
        name: The column name.
        type: Its type: ``string``, ``int32``, ``float64``, ``bool``, ``date``, ``timestamp``
            (a UTC instant in microseconds) or ``strings`` (a list of text).
        description: What it holds, with its unit.
        nullable: Whether it may be null.
        identifiable: Whether it identifies the patient or holds free text (only
            written when the tables are asked for with ``identifiable=True``).
    """

    name: str
    type: ColumnType
    description: str
    nullable: bool = True
    identifiable: bool = False


def _c(
    name: str,
    type: ColumnType,
    description: str,
    *,
    nullable: bool = True,
    identifiable: bool = False,
) -> Column:
    return Column(name, type, description, nullable, identifiable)


def _keys(*names: str) -> tuple[Column, ...]:
    meaning = {
        "plan_id": "The treatment plan's id: the key of the case (one plan per case).",
        "patient_id": "The patient's opaque id.",
        "session_id": "The session's id.",
    }
    return tuple(_c(n, "string", meaning[n], nullable=False) for n in names)


_ZONE = "The original time zone: an IANA name (Europe/Berlin), UTC, or a fixed offset (+05:30)."
_OFFSET = "The UTC offset of the original time at that instant, in seconds."
_SCREENED_SESSION = (
    "The completed session screened (medmassage.screening.screen_case); null for the "
    "screening of the plan."
)
_NOTE = "Free-text note (identifiable: only with identifiable=True)."

#: Every table's columns, in order; tables in the order `medmassage.arrow.tables` returns them.
TABLES: Final[dict[str, tuple[Column, ...]]] = {
    "patients": (
        *_keys("plan_id", "patient_id"),
        _c("sex", "string", "Administrative sex (HL7 FHIR AdministrativeGender).", nullable=False),
        _c(
            "age_years",
            "int32",
            "Age in whole years on the plan's start date; ages over 89 are given as 90 "
            "(the HIPAA Safe Harbor rule, 45 CFR 164.514(b)(2)(i)(C)).",
            nullable=False,
        ),
        _c("pregnant", "bool", "Whether a current pregnancy is recorded.", nullable=False),
        _c("pregnancy_high_risk", "bool", "Whether that pregnancy is high-risk (null: none)."),
        _c("conditions", "int32", "Number of conditions in the history.", nullable=False),
        _c("active_conditions", "int32", "Number of active conditions.", nullable=False),
        _c("medications", "int32", "Number of medications recorded.", nullable=False),
        _c("medication_classes", "strings", "Classes of the active medications, sorted."),
        _c("allergy_categories", "strings", "Categories of the allergies, sorted."),
        _c("device_kinds", "strings", "Kinds of the implanted devices, sorted."),
        _c("risk_flags", "strings", "Structured risk flags, sorted."),
        _c("surgeries", "int32", "Number of past operations.", nullable=False),
        _c(
            "lymph_nodes_removed",
            "bool",
            "Whether an operation removed or irradiated lymph nodes.",
            nullable=False,
        ),
        _c("birth_date", "date", "Date of birth (identifiable).", identifiable=True),
        _c("family_name", "string", "Family name (identifiable).", identifiable=True),
        _c("given_names", "strings", "Given names (identifiable).", identifiable=True),
        _c("phone", "string", "Phone number (identifiable).", identifiable=True),
        _c("email", "string", "E-mail address (identifiable).", identifiable=True),
        _c("address", "string", "Postal address (identifiable).", identifiable=True),
    ),
    "conditions": (
        *_keys("plan_id", "patient_id"),
        _c(
            "source",
            "string",
            "Where the coded condition is recorded: patient (the history), plan (a diagnosis "
            "the plan treats) or referral (a diagnosis of the plan's referral).",
            nullable=False,
        ),
        _c("position", "int32", "Its index in that list.", nullable=False),
        _c("system", "string", "The code system's URI.", nullable=False),
        _c("code", "string", "The code (ICD-10-CM in dotted form).", nullable=False),
        _c("display", "string", "The code's description, if recorded."),
        _c("status", "string", "Clinical status (history conditions; null for diagnoses)."),
        _c("active", "bool", "Whether currently present (diagnoses: always true).", nullable=False),
        _c("acuity", "string", "Acute, subacute or chronic (diagnoses), if recorded."),
        _c("onset", "date", "When it began, if known."),
        _c("diagnosed_on", "date", "When it was diagnosed (diagnoses), if recorded."),
        _c("diagnosed_by_role", "string", "The diagnosing provider's profession, if recorded."),
        _c("region", "string", "Body region, if local."),
        _c("laterality", "string", "Side, for paired regions."),
        _c("note", "string", _NOTE, identifiable=True),
    ),
    "plans": (
        *_keys("plan_id", "patient_id"),
        _c("practitioner_id", "string", "The therapist who wrote the plan.", nullable=False),
        _c("status", "string", "The plan's status.", nullable=False),
        _c("start_date", "date", "The first day of the plan.", nullable=False),
        _c("end_date", "date", "The last day of the plan.", nullable=False),
        _c("duration_weeks", "int32", "Length of the course in weeks.", nullable=False),
        _c("sessions_per_week", "int32", "Planned frequency.", nullable=False),
        _c("planned_sessions", "int32", "Sessions the plan calls for.", nullable=False),
        _c("session_length_s", "float64", "Planned session length, seconds.", nullable=False),
        _c("primary_diagnosis", "string", "The first diagnosis code.", nullable=False),
        _c("diagnoses", "int32", "Number of diagnoses.", nullable=False),
        _c("techniques", "int32", "Number of planned techniques.", nullable=False),
        _c("goals", "int32", "Number of goals.", nullable=False),
        _c("sessions", "int32", "Number of sessions in the case.", nullable=False),
        _c("reevaluation_date", "date", "When the patient is to be re-evaluated, if set."),
        _c("referral_id", "string", "The referral's id, if the plan answers one."),
        _c("referrer_role", "string", "The referring provider's profession."),
        _c("referred_on", "date", "The referral date."),
        _c("visits_authorized", "int32", "Visits the payer authorized, if stated."),
        _c("referral_expires_on", "date", "The referral's last valid day, if stated."),
        _c("precautions", "strings", "Free-text precautions (identifiable).", identifiable=True),
    ),
    "planned_techniques": (
        *_keys("plan_id", "patient_id"),
        _c("position", "int32", "Index in the plan's techniques.", nullable=False),
        _c("modality", "string", "The modality's code.", nullable=False),
        _c("region", "string", "The body region.", nullable=False),
        _c("laterality", "string", "The side, for paired regions."),
        _c("duration_s", "float64", "Planned time per session, seconds.", nullable=False),
        _c("min_grade", "int32", "Lowest planned Walton pressure grade (1-5).", nullable=False),
        _c("max_grade", "int32", "Highest planned Walton pressure grade (1-5).", nullable=False),
        _c("max_pressure_kpa", "float64", "Planned pressure ceiling, kPa, if set."),
    ),
    "sessions": (
        *_keys("plan_id", "patient_id", "session_id"),
        _c("position", "int32", "Index in the case's sessions (chronological).", nullable=False),
        _c("practitioner_id", "string", "Who treated.", nullable=False),
        _c("status", "string", "completed, cancelled or no_show.", nullable=False),
        _c("start_utc", "timestamp", "When it started, as a UTC instant.", nullable=False),
        _c("start_zone", "string", _ZONE, nullable=False),
        _c("start_utc_offset_s", "int32", _OFFSET, nullable=False),
        _c("local_date", "date", "The start's date in its own time zone.", nullable=False),
        _c("duration_s", "float64", "How long it lasted, seconds.", nullable=False),
        _c(
            "treatment_s",
            "float64",
            "Total time of its technique segments, seconds.",
            nullable=False,
        ),
        _c("segments", "int32", "Number of technique segments.", nullable=False),
        _c("outcome_measures", "int32", "Number of outcome measures taken.", nullable=False),
        _c("adverse_reactions", "int32", "Number of adverse reactions.", nullable=False),
        _c("worst_reaction", "string", "The most severe reaction's severity, if any."),
        _c("signed", "bool", "Whether the session is signed.", nullable=False),
        _c("amendments", "int32", "Number of amendments after signing.", nullable=False),
        _c("systolic_kpa", "float64", "Systolic blood pressure, kPa (mmHg / 7.50062)."),
        _c("diastolic_kpa", "float64", "Diastolic blood pressure, kPa."),
        _c("heart_rate_bpm", "int32", "Heart rate, beats per minute."),
        _c("temperature_c", "float64", "Body temperature, degrees Celsius."),
        _c("soap_subjective", "string", "SOAP note, subjective (identifiable).", identifiable=True),
        _c("soap_objective", "string", "SOAP note, objective (identifiable).", identifiable=True),
        _c("soap_assessment", "string", "SOAP note, assessment (identifiable).", identifiable=True),
        _c("soap_plan", "string", "SOAP note, plan (identifiable).", identifiable=True),
    ),
    "segments": (
        *_keys("plan_id", "patient_id", "session_id"),
        _c("position", "int32", "Index in the session's segments.", nullable=False),
        _c("modality", "string", "The modality's code.", nullable=False),
        _c("region", "string", "The body region treated.", nullable=False),
        _c("laterality", "string", "The side, for paired regions."),
        _c("duration_s", "float64", "Time spent treating, seconds.", nullable=False),
        _c("pressure_kpa", "float64", "Measured pressure, kPa, if measured."),
        _c("grade", "int32", "Walton pressure grade used (1-5), if recorded."),
        _c("feedback", "string", "The patient's pressure feedback, if asked."),
        _c("discomfort", "int32", "Discomfort rating 0-10, if recorded."),
    ),
    "outcome_measures": (
        *_keys("plan_id", "patient_id", "session_id"),
        _c("position", "int32", "Index in the session's outcome measures.", nullable=False),
        _c("instrument", "string", "The instrument code as recorded.", nullable=False),
        _c("instrument_code", "string", "The scoring instrument's code (null: not scored)."),
        _c("taken_at_utc", "timestamp", "When it was taken, as a UTC instant.", nullable=False),
        _c("taken_at_zone", "string", _ZONE, nullable=False),
        _c("taken_at_utc_offset_s", "int32", _OFFSET, nullable=False),
        _c("region", "string", "Where a physical measurement was taken."),
        _c("laterality", "string", "Its side."),
        _c("movement", "string", "The movement, for range of motion."),
        _c(
            "tracked",
            "bool",
            "Whether progress tracking counts it (taken at a completed session).",
            nullable=False,
        ),
        _c("scored", "bool", "Whether the instrument could score it.", nullable=False),
        _c("unscored_reason", "string", "Why it could not be scored (names items, no data)."),
        _c("score", "float64", "The primary score on the instrument's published scale."),
        _c("unit", "string", "The score's unit (points, %, mm, kPa, deg)."),
        _c("band", "string", "The score's interpretation band, if the instrument has bands."),
        _c("missing_items", "int32", "Unanswered items."),
        _c("series", "int32", "Index of its series in the plan's progress (tracked scores)."),
        _c("series_position", "int32", "Its position in that series (0: the baseline)."),
        _c("series_length", "int32", "Number of scores in that series."),
        _c("is_latest", "bool", "Whether it is the series' latest score."),
        _c(
            "change_from_baseline",
            "float64",
            "Score minus the series' baseline score (null for the baseline itself).",
        ),
        _c("improvement", "float64", "The change signed so that positive is better."),
        _c("percent_change", "float64", "The change as a percentage of the baseline."),
        _c("direction", "string", "improved, worsened or unchanged."),
        _c("mcid", "float64", "The MCID judged against, in points of the scale, if any."),
        _c("mcid_percent", "float64", "The MCID as a percentage of the baseline, if any."),
        _c("mcid_kind", "string", "mcid (important difference) or mdc (detectable change)."),
        _c("mcid_population", "string", "The population the MCID was derived in."),
        _c("mcid_met", "bool", "Whether the improvement reaches the MCID (null: no MCID)."),
        _c(
            "worsened_beyond_mcid",
            "bool",
            "Whether the patient worsened by at least the MCID (null: no MCID).",
        ),
        _c("mcid_evidence_level", "string", "The kind of source the MCID rests on."),
        _c("mcid_confirmed", "bool", "Whether the MCID was verified in a primary source."),
        _c(
            "population_matches",
            "bool",
            "Whether the plan's diagnoses are of the MCID's population (null: not stated).",
        ),
        _c("note", "string", _NOTE, identifiable=True),
    ),
    "screenings": (
        *_keys("plan_id", "patient_id"),
        _c("session_id", "string", _SCREENED_SESSION),
        _c(
            "screened_on",
            "date",
            "The date screened for (medmassage.screening_date: the plan's, or the "
            "session's own date); null when screening could not be run.",
        ),
        _c(
            "status",
            "string",
            "clear, modify, defer or indeterminate (a rule failed, or screening could "
            "not be run: never all clear).",
            nullable=False,
        ),
        _c(
            "unavailable",
            "string",
            "Why screening could not be run (the error's class and message, no patient "
            "data); then the status is indeterminate and the counts are null.",
        ),
        _c("findings", "int32", "Number of findings (null: not screened)."),
        _c(
            "failures",
            "int32",
            "Number of rules that failed or could not load (null: not screened).",
        ),
        _c(
            "violations",
            "int32",
            "Number of session segments that break a finding (null: not screened).",
        ),
        _c("advisories", "int32", "Number of advisories about the inputs (null: not screened)."),
        _c("worst_severity", "string", "The most severe finding's severity, if any."),
    ),
    "findings": (
        *_keys("plan_id", "patient_id"),
        _c("session_id", "string", _SCREENED_SESSION),
        _c("screened_on", "date", "The date screened for.", nullable=False),
        _c(
            "screening_status",
            "string",
            "The status of the screening the row belongs to (the plan's or the session's).",
            nullable=False,
        ),
        _c(
            "kind",
            "string",
            "finding; failure (a rule that could not be evaluated or loaded: the "
            "screening is indeterminate); or violation (a session segment that breaks "
            "a finding).",
            nullable=False,
        ),
        _c(
            "position",
            "int32",
            "Index among the assessment's findings, failures or violations.",
            nullable=False,
        ),
        _c("rule_id", "string", "The rule's id.", nullable=False),
        _c("severity", "string", "absolute, local, relative or information (findings)."),
        _c("action", "string", "What the finding asks for (findings)."),
        _c("reclassified_from", "string", "The rule's own severity, if a policy changed it."),
        _c("evidence_level", "string", "The kind of source behind the rule, if stated."),
        _c("regions", "strings", "Where it applies (empty: the whole body)."),
        _c("modalities", "strings", "Modality codes it restricts."),
        _c("tags", "strings", "Modality tags it restricts."),
        _c("max_grade", "int32", "Highest Walton grade allowed where it applies."),
        _c("max_pressure_kpa", "float64", "Highest pressure allowed, kPa."),
        _c("failure_stage", "string", "load or evaluate (failures)."),
        _c("failure_cause", "string", "The exception type and message (failures)."),
        _c(
            "segment",
            "int32",
            "The segment's index in its session (violations): the segments table's position.",
        ),
        _c(
            "violation_kind",
            "string",
            "absolute, region, modality, grade, pressure, unverified or inconsistent (violations).",
        ),
    ),
}
