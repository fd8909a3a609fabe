"""Export medmassage records as HL7 FHIR R4 JSON resources (an adapter, not the core).

The models know nothing of FHIR: this module maps them to plain, JSON-ready
dictionaries following the correspondence documented in ``docs/concepts/fhir.md``
(HL7 FHIR R4, https://hl7.org/fhir/R4/). medmassage's tests validate the
output with an independent implementation (``fhir.resources``, R4B models).

Choices made where the specification leaves them open:

- Identifiers: the Patient keeps its own id; every other resource gets a UUID
  (version 5) derived from the ids of the records it comes from, so the same
  input always gives the same output. References are ``urn:uuid:`` references,
  which resolve to the ``fullUrl`` of an entry in `case_bundle`.
- Body sites: ``bodySite`` carries the region's SNOMED CT concept and, for a
  side, a second coding with the post-coordinated SNOMED CT expression
  ``region:272741003=side`` (272741003 is the SNOMED CT *Laterality*
  attribute; SNOMED CT Compositional Grammar, SNOMED International, whose
  worked example is ``76505004 |thumb structure| : 272741003 |laterality| =
  7771000 |left|``), plus a text such as ``"Hip, left"``. Receivers that do not
  accept expressions still get the region's own concept in the first coding.
- Instruments and modalities have no standard code here: they use the local
  systems `INSTRUMENT_SYSTEM` and `MODALITY_SYSTEM`. No LOINC code is emitted
  (the project has not confirmed a LOINC code for the exact version of any
  instrument it scores, so it emits none rather than guess), and
  the CPT code of a modality is added as a second coding when one is known.
- Units are UCUM (https://ucum.org/ucum): ``kPa``, ``mm[Hg]``, ``deg``, ``cm``,
  ``%``, ``mm`` and ``{score}`` for points; pressures in other units
  (kgf/cm², psi, N/cm²) are converted to kPa.
- Times: a date-time whose UTC offset FHIR's ``dateTime`` cannot express
  (seconds, or beyond +/-14:00) is written in UTC with the original offset and
  zone in extensions (`ORIGINAL_OFFSET_URL`, `TIME_ZONE_URL`); segment times are
  elapsed time added in UTC.
- Partial export: `case_export` exports an unscorable measure without a value
  and leaves out what FHIR cannot carry (a code that is not a FHIR ``code``),
  reporting each problem, also as the bundle's closing ``OperationOutcome``.
- Lossless: each resource of `case_export` carries, in the `FIELDS_URL`
  extension, the record's fields its FHIR elements do not carry exactly, so that
  `import_bundle` gives back an equal case.
- Privacy: names, birth date and contact details are exported only with
  ``include_identity=True``; free text (condition notes, goal descriptions,
  referral instructions, plan precautions, outcome notes, and in the fields
  extension SOAP notes, adverse-reaction notes and amendments) only with
  ``include_notes=True``.

Import: `import_bundle` reads a Bundle back into a `~medmassage.Case` (or the
records it holds) and reports, with FHIR paths, what it could not map.
"""

from __future__ import annotations

from typing import Final, TypeAlias

from . import _common, _outcome
from ._answers import questionnaire_response_resource
from ._bundle import case_bundle, case_export
from ._common import measurement_quantity, resource_uuid
from ._import import ImportResult, import_bundle
from ._issues import detected_issue_resources, flag_resources
from ._outcome import FhirExport
from ._provenance import provenance_resources
from ._resources import (
    adverse_event_resources,
    care_plan_resource,
    condition_resource,
    encounter_resource,
    goal_resource,
    observation_resources,
    patient_resource,
    practitioner_resource,
    procedure_resources,
    provider_resources,
    service_request_resource,
)

__all__ = [
    "ACTION_SYSTEM",
    "BODY_SITE_URL",
    "CANONICAL_SYSTEMS",
    "DISCOMFORT_URL",
    "DURATION_URL",
    "EXTENSION_BASE",
    "FEEDBACK_URL",
    "INSTRUMENT_SYSTEM",
    "MODALITY_SYSTEM",
    "ORIGINAL_OFFSET_URL",
    "PRESSURE_URL",
    "PROBLEM_SYSTEM",
    "PROFESSION_SYSTEM",
    "PROVIDER_ROLE_SYSTEM",
    "REACTION_SYSTEM",
    "RISK_FLAG_SYSTEM",
    "RULE_SYSTEM",
    "SCREENING_SYSTEM",
    "SESSION_STATUS_URL",
    "SEVERITY_MAP",
    "TIME_ZONE_URL",
    "WALTON_GRADE_URL",
    "FIELDS_URL",
    "NOT_LISTED_URL",
    "FhirExport",
    "ImportResult",
    "Resource",
    "adverse_event_resources",
    "care_plan_resource",
    "case_bundle",
    "case_export",
    "condition_resource",
    "detected_issue_resources",
    "encounter_resource",
    "flag_resources",
    "goal_resource",
    "import_bundle",
    "measurement_quantity",
    "observation_resources",
    "patient_resource",
    "practitioner_resource",
    "procedure_resources",
    "provenance_resources",
    "provider_resources",
    "questionnaire_response_resource",
    "resource_uuid",
    "service_request_resource",
]

# Re-bound here so that their documentation lives in the public module.
#: A FHIR resource as a JSON-ready dictionary.
Resource: TypeAlias = _common.Resource
#: Local code system of medmassage's outcome instrument codes (``odi``, ``ppt`` ...).
INSTRUMENT_SYSTEM: Final = _common.INSTRUMENT_SYSTEM
#: Local code system of medmassage's modality keys (``core.swedish`` ...).
MODALITY_SYSTEM: Final = _common.MODALITY_SYSTEM
#: Local code system of screening rule ids.
RULE_SYSTEM: Final = _common.RULE_SYSTEM
#: Local code system of screening actions (``defer``, ``limit_pressure`` ...).
ACTION_SYSTEM: Final = _common.ACTION_SYSTEM
#: The code system of screening statuses (``indeterminate``).
SCREENING_SYSTEM: Final = _common.SCREENING_SYSTEM
#: `Finding.severity <medmassage.contraindications.Finding.severity>` to
#: ``DetectedIssue.severity`` (FHIR ``detectedissue-severity``), as documented in
#: ``docs/concepts/fhir.md``: absolute findings stop treatment (high); local and
#: relative ones modify it (moderate); information changes nothing (low).
SEVERITY_MAP: Final = _common.SEVERITY_MAP
#: HL7 OIDs of code systems (RxNorm, ICD-10-CM, SNOMED CT, CPT, LOINC) to the
#: canonical URIs FHIR R4 names for them
#: (https://hl7.org/fhir/R4/terminologies-systems.html): codings are exported
#: with the URI.
CANONICAL_SYSTEMS: Final = _common.CANONICAL_SYSTEMS
#: The canonical base URL of medmassage's FHIR extensions (``StructureDefinition/...``).
EXTENSION_BASE: Final = _common.EXTENSION_BASE
#: Extension on a dateTime written in UTC because FHIR cannot express its own UTC
#: offset (seconds in the offset, or beyond +/-14:00): the original offset as
#: ``+HH:MM:SS`` (``valueString``).
ORIGINAL_OFFSET_URL: Final = _common.ORIGINAL_OFFSET_URL
#: Extension beside `ORIGINAL_OFFSET_URL` when the time had an IANA zone: its name
#: (``valueCode``, such as ``Europe/Paris``).
TIME_ZONE_URL: Final = _common.TIME_ZONE_URL
#: Extension on each resource `case_export` writes: the record's fields that its
#: FHIR elements do not carry exactly (``valueString``, a JSON object of fields in
#: medmassage's JSON form, as `medmassage.to_dict` writes them), which
#: `import_bundle` lays over what it reads. Identity and free text are in it only
#: when the export includes them.
FIELDS_URL: Final = _common.FIELDS_URL
#: Practitioner extension: one the case refers to by id but does not list (``valueBoolean``).
NOT_LISTED_URL: Final = _common.NOT_LISTED_URL
#: The code system of the problem codes in an export's ``OperationOutcome``
#: (``unscorable``, ``unknown_code``, ``code_pattern`` ...).
PROBLEM_SYSTEM: Final = _outcome.PROBLEM_SYSTEM
#: Procedure extension: the segment's minutes of active treatment (``valueDuration``, UCUM).
DURATION_URL: Final = _common.DURATION_URL
#: Procedure extension: the Walton pressure grade, 0-5 (``valueInteger``).
WALTON_GRADE_URL: Final = _common.WALTON_GRADE_URL
#: Procedure extension: the measured pressure (``valueQuantity``, UCUM kPa or mm[Hg]).
PRESSURE_URL: Final = _common.PRESSURE_URL
#: Procedure extension: the patient's pressure feedback (``valueCode``: ``too_light`` ...).
FEEDBACK_URL: Final = _common.FEEDBACK_URL
#: Procedure extension: the patient's discomfort rating, 0-10 (``valueInteger``).
DISCOMFORT_URL: Final = _common.DISCOMFORT_URL
#: Local code system of the professions of diagnosing and referring providers, the
#: ``code`` of their ``PractitionerRole`` (`medmassage.diagnosis.ProviderRole` values).
PROVIDER_ROLE_SYSTEM: Final = _common.PROVIDER_ROLE_SYSTEM
#: Local code system of the licensed professions of a practitioner's licences.
PROFESSION_SYSTEM: Final = _common.PROFESSION_SYSTEM
#: Encounter extension: the session's own status (``valueCode``: ``completed``,
#: ``cancelled``, ``no_show``), which R4's Encounter.status cannot carry exactly.
SESSION_STATUS_URL: Final = _common.SESSION_STATUS_URL
#: AdverseEvent extension: the body region and side (``valueCodeableConcept``, SNOMED CT).
BODY_SITE_URL: Final = _common.BODY_SITE_URL
#: Local code system of a patient's risk flags, exported as ``Flag`` resources
#: (``fall_risk``, ``fragile_skin`` ...: `medmassage.patient.RiskFlag` values).
RISK_FLAG_SYSTEM: Final = _common.RISK_FLAG_SYSTEM
#: Local code system of adverse reaction kinds (``soreness``, ``bruising`` ...).
REACTION_SYSTEM: Final = _common.REACTION_SYSTEM
