"""medmassage: typed, validated, unit-carrying models for medical massage therapy.

The stable API is re-exported here, each name imported from its module on
first access. ``import medmassage`` itself therefore builds no class, no unit
registry, scans no entry points and loads no code table; a program pays only
for the parts it uses.

>>> import medmassage as mm
>>> mm.Duration(30, "min") == mm.Duration(0.5, "h")
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .anatomy import BodyRegion, Laterality
    from .cases import Case
    from .checks import Advisory, AdvisoryLevel, check
    from .codes import Coding
    from .diagnosis import Acuity, Diagnosis, Provider, ProviderRole, Referral
    from .exceptions import (
        MedmassageError,
        PluginError,
        Problem,
        SchemaVersionError,
        ScoringError,
        ScreeningError,
        UnitError,
        UnknownCodeError,
        UsageError,
        ValidationError,
    )
    from .modalities import Modality, PressureGrade
    from .outcomes import OutcomeMeasure
    from .patient import (
        AdministrativeSex,
        Allergy,
        AllergyCategory,
        ClinicalStatus,
        Condition,
        Consent,
        ConsentScope,
        ContactDetails,
        DeviceKind,
        HumanName,
        ImplantedDevice,
        Medication,
        MedicationClass,
        Patient,
        Pregnancy,
        RiskFlag,
        Surgery,
    )
    from .plans import Comparator, Goal, PlannedTechnique, PlanStatus, TreatmentPlan
    from .practitioners import Certification, License, Practitioner
    from .serialization import from_dict, from_json, to_dict, to_json
    from .sessions import (
        AdverseReaction,
        Amendment,
        PressureFeedback,
        ReactionKind,
        ReactionSeverity,
        Session,
        SessionStatus,
        Signature,
        SoapNote,
        TechniqueSegment,
        VitalSigns,
    )
    from .units import Angle, Duration, Length, Pressure, Temperature

# Names served on first access, from the module that defines them.
_LAZY: dict[str, str] = {
    "BodyRegion": "medmassage.anatomy",
    "Laterality": "medmassage.anatomy",
    "Case": "medmassage.cases",
    "Advisory": "medmassage.checks",
    "AdvisoryLevel": "medmassage.checks",
    "check": "medmassage.checks",
    "Coding": "medmassage.codes",
    "Acuity": "medmassage.diagnosis",
    "Diagnosis": "medmassage.diagnosis",
    "Provider": "medmassage.diagnosis",
    "ProviderRole": "medmassage.diagnosis",
    "Referral": "medmassage.diagnosis",
    "MedmassageError": "medmassage.exceptions",
    "PluginError": "medmassage.exceptions",
    "Problem": "medmassage.exceptions",
    "SchemaVersionError": "medmassage.exceptions",
    "ScoringError": "medmassage.exceptions",
    "ScreeningError": "medmassage.exceptions",
    "UnitError": "medmassage.exceptions",
    "UnknownCodeError": "medmassage.exceptions",
    "UsageError": "medmassage.exceptions",
    "ValidationError": "medmassage.exceptions",
    "Modality": "medmassage.modalities",
    "PressureGrade": "medmassage.modalities",
    "OutcomeMeasure": "medmassage.outcomes",
    "AdministrativeSex": "medmassage.patient",
    "Allergy": "medmassage.patient",
    "AllergyCategory": "medmassage.patient",
    "ClinicalStatus": "medmassage.patient",
    "Condition": "medmassage.patient",
    "Consent": "medmassage.patient",
    "ConsentScope": "medmassage.patient",
    "ContactDetails": "medmassage.patient",
    "DeviceKind": "medmassage.patient",
    "HumanName": "medmassage.patient",
    "ImplantedDevice": "medmassage.patient",
    "Medication": "medmassage.patient",
    "MedicationClass": "medmassage.patient",
    "Patient": "medmassage.patient",
    "Pregnancy": "medmassage.patient",
    "RiskFlag": "medmassage.patient",
    "Surgery": "medmassage.patient",
    "Comparator": "medmassage.plans",
    "Goal": "medmassage.plans",
    "PlannedTechnique": "medmassage.plans",
    "PlanStatus": "medmassage.plans",
    "TreatmentPlan": "medmassage.plans",
    "Certification": "medmassage.practitioners",
    "License": "medmassage.practitioners",
    "Practitioner": "medmassage.practitioners",
    "AdverseReaction": "medmassage.sessions",
    "Amendment": "medmassage.sessions",
    "PressureFeedback": "medmassage.sessions",
    "ReactionKind": "medmassage.sessions",
    "ReactionSeverity": "medmassage.sessions",
    "Session": "medmassage.sessions",
    "SessionStatus": "medmassage.sessions",
    "Signature": "medmassage.sessions",
    "SoapNote": "medmassage.sessions",
    "TechniqueSegment": "medmassage.sessions",
    "VitalSigns": "medmassage.sessions",
    "Angle": "medmassage.units",
    "Duration": "medmassage.units",
    "Length": "medmassage.units",
    "Pressure": "medmassage.units",
    "Temperature": "medmassage.units",
    "from_dict": "medmassage.serialization",
    "from_json": "medmassage.serialization",
    "to_dict": "medmassage.serialization",
    "to_json": "medmassage.serialization",
}

__all__ = [
    "Acuity",
    "AdministrativeSex",
    "AdverseReaction",
    "Advisory",
    "AdvisoryLevel",
    "Allergy",
    "AllergyCategory",
    "Amendment",
    "Angle",
    "BodyRegion",
    "Case",
    "Certification",
    "ClinicalStatus",
    "Coding",
    "Comparator",
    "Condition",
    "Consent",
    "ConsentScope",
    "ContactDetails",
    "DeviceKind",
    "Diagnosis",
    "Duration",
    "Goal",
    "HumanName",
    "ImplantedDevice",
    "Laterality",
    "Length",
    "License",
    "MedicationClass",
    "Medication",
    "MedmassageError",
    "Modality",
    "OutcomeMeasure",
    "Patient",
    "PlanStatus",
    "PlannedTechnique",
    "PluginError",
    "Practitioner",
    "Pregnancy",
    "Pressure",
    "PressureFeedback",
    "PressureGrade",
    "Problem",
    "Provider",
    "ProviderRole",
    "ReactionKind",
    "ReactionSeverity",
    "Referral",
    "RiskFlag",
    "SchemaVersionError",
    "ScoringError",
    "ScreeningError",
    "Session",
    "SessionStatus",
    "Signature",
    "SoapNote",
    "Surgery",
    "TechniqueSegment",
    "Temperature",
    "TreatmentPlan",
    "UnitError",
    "UnknownCodeError",
    "UsageError",
    "ValidationError",
    "VitalSigns",
    "__version__",
    "check",
    "from_dict",
    "from_json",
    "to_dict",
    "to_json",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("medmassage")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'medmassage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
