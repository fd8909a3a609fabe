"""Shared constants and helpers of the FHIR export: code systems, codings, quantities, ids."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, TypeAlias

from ..anatomy import BodyRegion, Laterality
from ..codes import CPT, ICD10CM, SNOMED_CT
from ..contraindications import Severity
from ..diagnosis import Provider
from ..exceptions import UnknownCodeError, UsageError
from ..plans import PlanStatus
from ..units import Angle, Length, Pressure

if TYPE_CHECKING:
    from ..modalities import Modality
    from ..plugins import Registry


#: A FHIR resource as a JSON-ready dictionary.
Resource: TypeAlias = dict[str, object]

#: Local code system of medmassage's outcome instrument codes (``odi``, ``ppt`` ...).
INSTRUMENT_SYSTEM: Final = "https://medmassage.dev/instruments"
#: Local code system of medmassage's modality keys (``core.swedish`` ...).
MODALITY_SYSTEM: Final = "https://medmassage.dev/modalities"
#: Local code system of screening rule ids.
RULE_SYSTEM: Final = "https://medmassage.dev/rules"
#: Local code system of screening actions (``defer``, ``limit_pressure`` ...).
ACTION_SYSTEM: Final = "https://medmassage.dev/actions"
#: The code system of screening statuses (``indeterminate``).
SCREENING_SYSTEM: Final = "https://medmassage.dev/screening-status"

_UCUM: Final = "http://unitsofmeasure.org"
_NPI: Final = "http://hl7.org/fhir/sid/us-npi"
_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_OBS_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
_LATERALITY_ATTRIBUTE: Final = "272741003"  # SNOMED CT |Laterality (attribute)|
#: HL7 OIDs of code systems to the canonical URIs FHIR R4 names for them
#: (https://hl7.org/fhir/R4/terminologies-systems.html); codings are exported
#: with the URI.
CANONICAL_SYSTEMS: Final[Mapping[str, str]] = {
    "urn:oid:2.16.840.1.113883.6.88": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "urn:oid:2.16.840.1.113883.6.90": ICD10CM,
    "urn:oid:2.16.840.1.113883.6.96": SNOMED_CT,
    "urn:oid:2.16.840.1.113883.6.12": CPT,
    "urn:oid:2.16.840.1.113883.6.1": "http://loinc.org",
}
_MAX_OFFSET: Final = dt.timedelta(hours=14)
_MINUTE: Final = dt.timedelta(minutes=1)
#: The canonical base URL of medmassage's FHIR extensions.
EXTENSION_BASE: Final = "https://medmassage.dev/fhir/StructureDefinition/"
#: Extension on a dateTime written in UTC because FHIR cannot express its own
#: offset: the original UTC offset, ``+HH:MM:SS`` (``valueString``).
ORIGINAL_OFFSET_URL: Final = EXTENSION_BASE + "original-offset"
#: Extension beside `ORIGINAL_OFFSET_URL`: the original IANA time zone (``valueCode``).
TIME_ZONE_URL: Final = EXTENSION_BASE + "time-zone"
#: Procedure extension: the segment's minutes of active treatment (``valueDuration``, UCUM).
DURATION_URL: Final = EXTENSION_BASE + "segment-duration"
#: Procedure extension: the Walton pressure grade, 0-5 (``valueInteger``).
WALTON_GRADE_URL: Final = EXTENSION_BASE + "walton-grade"
#: Procedure extension: the measured pressure (``valueQuantity``, UCUM kPa or mm[Hg]).
PRESSURE_URL: Final = EXTENSION_BASE + "pressure"
#: Procedure extension: the patient's pressure feedback (``valueCode``: ``too_light`` ...).
FEEDBACK_URL: Final = EXTENSION_BASE + "pressure-feedback"
#: Procedure extension: the patient's discomfort rating, 0-10 (``valueInteger``).
DISCOMFORT_URL: Final = EXTENSION_BASE + "discomfort"
#: Encounter extension: the session's own status (``valueCode``: ``completed``,
#: ``cancelled``, ``no_show``), which R4's Encounter.status cannot carry exactly.
SESSION_STATUS_URL: Final = EXTENSION_BASE + "session-status"
#: Extension on every resource of `case_export`: the record's fields that its FHIR
#: elements do not carry exactly (``valueString``: a JSON object in medmassage's
#: JSON form), so that `import_bundle` gives back an equal record.
FIELDS_URL: Final = EXTENSION_BASE + "fields"
#: Practitioner extension: a practitioner the case refers to by id but does not
#: list (``valueBoolean`` ``true``).
NOT_LISTED_URL: Final = EXTENSION_BASE + "not-listed"
_ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#: AdverseEvent extension: the body region and side (``valueCodeableConcept``, SNOMED CT).
BODY_SITE_URL: Final = EXTENSION_BASE + "body-site"
#: Local code system of adverse reaction kinds (``soreness``, ``bruising`` ...).
REACTION_SYSTEM: Final = "https://medmassage.dev/reactions"
_AE_SEVERITY: Final = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
_AE_OUTCOME: Final = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
#: Local code system of a patient's risk flags (``fall_risk``, ``fragile_skin`` ...).
RISK_FLAG_SYSTEM: Final = "https://medmassage.dev/risk-flags"
_FLAG_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/flag-category"
#: Local code system of the licensed professions (``massage_therapist`` ...).
PROFESSION_SYSTEM: Final = "https://medmassage.dev/professions"
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "https://medmassage.dev/fhir")

#: `Finding.severity` to ``DetectedIssue.severity`` (FHIR ``detectedissue-severity``),
#: as documented in ``docs/concepts/fhir.md``: absolute findings stop treatment
#: (high); local and relative ones modify it (moderate); information changes
#: nothing (low).
SEVERITY_MAP: Final = {
    Severity.ABSOLUTE: "high",
    Severity.LOCAL: "moderate",
    Severity.RELATIVE: "moderate",
    Severity.INFORMATION: "low",
}

_PLAN_STATUS: Final = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.ACTIVE: "active",
    PlanStatus.ON_HOLD: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.REVOKED: "revoked",
}
_ACTIVITY_STATUS: Final = {
    PlanStatus.DRAFT: "not-started",
    PlanStatus.ACTIVE: "in-progress",
    PlanStatus.ON_HOLD: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.REVOKED: "cancelled",
}
_GOAL_STATUS: Final = {
    PlanStatus.DRAFT: "proposed",
    PlanStatus.ACTIVE: "active",
    PlanStatus.ON_HOLD: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.REVOKED: "cancelled",
}
# Score units (medmassage spelling) to UCUM codes.
_SCORE_UNITS: Final = {
    "points": "{score}",
    "%": "%",
    "mm": "mm",
    "cm": "cm",
    "kPa": "kPa",
    "mmHg": "mm[Hg]",
    "deg": "deg",
    "degree": "deg",
}


# -- helpers -------------------------------------------------------------------------


def resource_uuid(resource_type: str, *parts: str) -> str:
    """Return the deterministic UUID (version 5) of a resource derived from *parts*.

    Args:
        resource_type: The FHIR resource type (``"Procedure"``).
        parts: The ids that identify the record (a session id and an index ...).
    """
    return str(uuid.uuid5(_NAMESPACE, "/".join((resource_type, *parts))))


def _ref(resource_type: str, *parts: str) -> dict[str, object]:
    return {"reference": "urn:uuid:" + resource_uuid(resource_type, *parts)}


def _patient_ref(patient_id: str) -> dict[str, object]:
    return _ref("Patient", patient_id)


def _offset_text(offset: dt.timedelta) -> str:
    sign = "-" if offset < dt.timedelta(0) else "+"
    rest = abs(offset)
    minutes, seconds = divmod(rest.seconds, 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}"
    return text + (f".{rest.microseconds:06d}" if rest.microseconds else "")


def _put_datetime(
    target: dict[str, object], key: str, value: dt.datetime, path: str, *, keep_zone: bool = False
) -> None:
    """Set the FHIR dateTime *key* of *target* to *value*.

    FHIR's dateTime carries an offset of whole minutes within +/-14:00. A time
    whose offset FHIR cannot express (seconds in the offset, as in historic
    local mean time, or beyond +/-14:00) is written in UTC, with its original
    offset (and IANA zone, if any) in extensions on the primitive (``_key``).
    With *keep_zone*, the IANA zone is in its extension whatever the offset.

    Raises:
        UsageError: If *value* is naive, or cannot be written in UTC (the ends of
            the calendar).
    """
    offset = value.utcoffset()
    if offset is None:
        raise UsageError(f"{path}: expected a time-zone-aware datetime for a FHIR dateTime")
    if abs(offset) <= _MAX_OFFSET and not offset % _MINUTE:
        target[key] = value.isoformat()
        zone = value.tzinfo
        if keep_zone and isinstance(zone, zoneinfo.ZoneInfo) and zone.key:
            target["_" + key] = {"extension": [{"url": TIME_ZONE_URL, "valueCode": zone.key}]}
        return
    try:
        utc = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise UsageError(
            f"{path}: a time at the end of the calendar whose UTC offset FHIR cannot express "
            "(expected whole minutes within +/-14:00) cannot be written in UTC either"
        ) from None
    target[key] = utc.isoformat().replace("+00:00", "Z")
    extensions: list[dict[str, object]] = [
        {"url": ORIGINAL_OFFSET_URL, "valueString": _offset_text(offset)}
    ]
    tz = value.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key:
        extensions.append({"url": TIME_ZONE_URL, "valueCode": tz.key})
    target["_" + key] = {"extension": extensions}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, object]:
    out: dict[str, object] = {"system": CANONICAL_SYSTEMS.get(system, system), "code": code}
    if display:
        out["display"] = display
    return out


def _body_site(region: BodyRegion, laterality: Laterality | None) -> dict[str, object]:
    codings = [_coding(SNOMED_CT, region.snomed, region.display)]
    text = region.display
    if laterality is not None:
        codings.append(
            _coding(SNOMED_CT, f"{region.snomed}:{_LATERALITY_ATTRIBUTE}={laterality.snomed}")
        )
        text = f"{region.display}, {laterality.value}"
    return {"coding": codings, "text": text}


def _round(value: float) -> float:
    return round(value, 6)


def _quantity(value: float, unit: str) -> dict[str, object]:
    ucum = _SCORE_UNITS.get(unit)
    out: dict[str, object] = {"value": _round(value), "unit": unit}
    if ucum is not None:
        out["system"] = _UCUM
        out["code"] = ucum
    return out


def measurement_quantity(measure: Pressure | Angle | Length) -> dict[str, object]:
    """Return a UCUM ``Quantity`` for a physical measurement.

    Pressures stay in kPa or mmHg (``mm[Hg]``); any other pressure unit
    (kgf/cm², psi, N/cm²) is converted to kPa. Angles are in degrees, lengths
    in centimetres.

    >>> from medmassage.units import Pressure
    >>> measurement_quantity(Pressure(1, "kgf/cm**2"))["value"]
    98.0665
    """
    if isinstance(measure, Pressure):
        if measure.unit in ("mmHg", "mm_Hg", "millimeter_Hg"):
            return {"value": measure.value, "unit": "mmHg", "system": _UCUM, "code": "mm[Hg]"}
        return {"value": _round(measure.kpa), "unit": "kPa", "system": _UCUM, "code": "kPa"}
    if isinstance(measure, Angle):
        return {"value": _round(measure.degrees), "unit": "deg", "system": _UCUM, "code": "deg"}
    return {"value": _round(measure.cm), "unit": "cm", "system": _UCUM, "code": "cm"}


def _modalities(registry: Registry | None) -> Mapping[str, Modality]:
    if registry is None:
        from ..plugins import get_default_registry

        registry = get_default_registry()
    return registry.modalities


def _modality_concept(modality: str, modalities: Mapping[str, Modality]) -> dict[str, object]:
    from ..cpt import cpt_for_modality

    known = modalities.get(modality)
    codings = [_coding(MODALITY_SYSTEM, modality, known.name if known else None)]
    try:
        cpt = cpt_for_modality(known if known is not None else modality)
    except UnknownCodeError:
        cpt = None
    if cpt is not None:
        codings.append(_coding(CPT, cpt))
    return {"coding": codings, "text": known.name if known else modality}


#: Local code system of the professions of diagnosing and referring providers
#: (``physician``, ``chiropractor`` ...: `medmassage.diagnosis.ProviderRole` values).
PROVIDER_ROLE_SYSTEM: Final = "https://medmassage.dev/provider-roles"


def provider_key(provider: Provider) -> tuple[str, str, str]:
    """What identifies a diagnosing or referring provider: name, profession, NPI."""
    return (provider.name, provider.role.value, provider.npi or "")


def _provider_ref(provider: Provider) -> dict[str, object]:
    """A reference to the provider's PractitionerRole, with their name and NPI."""
    out: dict[str, object] = {
        "reference": "urn:uuid:" + resource_uuid("PractitionerRole", *provider_key(provider)),
        "display": provider.name,
    }
    if provider.npi is not None:
        out["identifier"] = {"system": _NPI, "value": provider.npi}
    return out
