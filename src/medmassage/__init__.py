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

if TYPE_CHECKING:  # the same table for type checkers; tests/test_public_api.py compares them
    # One import per module, names re-exported explicitly (mypy --strict); ruff's
    # isort would split each `as` import into a statement of its own.
    from .advisories import Advisory as Advisory, AdvisoryLevel as AdvisoryLevel  # noqa: I001
    from .anatomy import BodyRegion as BodyRegion, Laterality as Laterality
    from .billing import (
        BillingPolicy as BillingPolicy,
        CodingEdit as CodingEdit,
        SessionBill as SessionBill,
        bill_session as bill_session,
        coding_edits as coding_edits,
        get_billing_policy as get_billing_policy,
        session_units as session_units,
        timed_units as timed_units,
    )
    from .cases import Case as Case
    from .checks import check as check
    from .codes import (
        CodeSet as CodeSet,
        Coding as Coding,
        Icd10cmCode as Icd10cmCode,
        icd10cm_validation as icd10cm_validation,
        is_icd10cm_code as is_icd10cm_code,
        is_within_icd10cm as is_within_icd10cm,
        lookup_icd10cm as lookup_icd10cm,
    )
    from .contraindications import (
        Action as Action,
        Assessment as Assessment,
        Finding as Finding,
        PlanConflict as PlanConflict,
        Policy as Policy,
        Rule as Rule,
        RuleFailure as RuleFailure,
        ScreeningContext as ScreeningContext,
        ScreeningStatus as ScreeningStatus,
        Severity as Severity,
        TechniqueStatus as TechniqueStatus,
        Violation as Violation,
    )
    from .cpt import (
        CptCode as CptCode,
        cpt_for_modality as cpt_for_modality,
        lookup_cpt as lookup_cpt,
    )
    from .diagnosis import (
        Acuity as Acuity,
        Diagnosis as Diagnosis,
        Provider as Provider,
        ProviderRole as ProviderRole,
        Referral as Referral,
    )
    from .evidence import EvidenceLevel as EvidenceLevel
    from .exceptions import (
        MedmassageError as MedmassageError,
        PluginConflictError as PluginConflictError,
        PluginError as PluginError,
        PluginIncompatibleError as PluginIncompatibleError,
        PluginLoadError as PluginLoadError,
        PluginValidationError as PluginValidationError,
        Problem as Problem,
        RuleExecutionError as RuleExecutionError,
        SchemaVersionError as SchemaVersionError,
        ScoringError as ScoringError,
        ScreeningError as ScreeningError,
        UnitError as UnitError,
        UnknownCodeError as UnknownCodeError,
        UsageError as UsageError,
        ValidationError as ValidationError,
    )
    from .fhir import case_bundle as case_bundle
    from .instruments import (
        Band as Band,
        Change as Change,
        ChangeDirection as ChangeDirection,
        Instrument as Instrument,
        InstrumentSource as InstrumentSource,
        Mcid as Mcid,
        ResponseSpec as ResponseSpec,
        Scale as Scale,
        Score as Score,
        builtin_instruments as builtin_instruments,
        get_instrument as get_instrument,
    )
    from .modalities import Modality as Modality, PressureGrade as PressureGrade
    from .outcomes import OutcomeMeasure as OutcomeMeasure, ScaleResponses as ScaleResponses
    from .patient import (
        AdministrativeSex as AdministrativeSex,
        Allergy as Allergy,
        AllergyCategory as AllergyCategory,
        Clearance as Clearance,
        ClinicalStatus as ClinicalStatus,
        Condition as Condition,
        Consent as Consent,
        ConsentScope as ConsentScope,
        ContactDetails as ContactDetails,
        DeviceKind as DeviceKind,
        HumanName as HumanName,
        ImplantedDevice as ImplantedDevice,
        Medication as Medication,
        MedicationClass as MedicationClass,
        Patient as Patient,
        Pregnancy as Pregnancy,
        RiskFlag as RiskFlag,
        Surgery as Surgery,
    )
    from .plan_of_care import (
        PlanCertification as PlanCertification,
        PlanOfCarePolicy as PlanOfCarePolicy,
        PlanOfCareStatus as PlanOfCareStatus,
        plan_of_care_status as plan_of_care_status,
    )
    from .plans import (
        Comparator as Comparator,
        Goal as Goal,
        PlannedTechnique as PlannedTechnique,
        PlanStatus as PlanStatus,
        TreatmentPlan as TreatmentPlan,
    )
    from .plugins import (
        PLUGIN_API_VERSION as PLUGIN_API_VERSION,
        PluginFailure as PluginFailure,
        PluginInfo as PluginInfo,
        Registry as Registry,
        get_default_registry as get_default_registry,
        make_registry as make_registry,
    )
    from .practitioners import (
        Certification as Certification,
        License as License,
        Practitioner as Practitioner,
    )
    from .progress import (
        CareTiming as CareTiming,
        GoalStatus as GoalStatus,
        Progress as Progress,
        Series as Series,
        Trend as Trend,
        care_timing as care_timing,
        track as track,
    )
    from .report import (
        ProgressReport as ProgressReport,
        build_report as build_report,
        render_html as render_html,
        render_markdown as render_markdown,
    )
    from .screening import screen as screen, screening_date as screening_date
    from .serialization import (
        from_dict as from_dict,
        from_json as from_json,
        to_dict as to_dict,
        to_json as to_json,
    )
    from .sessions import (
        AdverseReaction as AdverseReaction,
        Amendment as Amendment,
        PressureFeedback as PressureFeedback,
        ReactionKind as ReactionKind,
        ReactionSeverity as ReactionSeverity,
        Session as Session,
        SessionStatus as SessionStatus,
        Signature as Signature,
        SoapNote as SoapNote,
        TechniqueSegment as TechniqueSegment,
        VitalSigns as VitalSigns,
    )
    from .units import (
        Angle as Angle,
        Duration as Duration,
        Length as Length,
        Pressure as Pressure,
        Temperature as Temperature,
    )

# The facade's one table: each public module and the names it gives `medmassage`.
# `__all__`, `__getattr__` and `__dir__` are built from it; names are imported from
# their module on first access.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "medmassage.advisories": ("Advisory", "AdvisoryLevel"),
    "medmassage.anatomy": ("BodyRegion", "Laterality"),
    "medmassage.billing": (
        "BillingPolicy",
        "CodingEdit",
        "SessionBill",
        "bill_session",
        "coding_edits",
        "get_billing_policy",
        "session_units",
        "timed_units",
    ),
    "medmassage.cases": ("Case",),
    "medmassage.checks": ("check",),
    "medmassage.codes": (
        "CodeSet",
        "Coding",
        "Icd10cmCode",
        "icd10cm_validation",
        "is_icd10cm_code",
        "is_within_icd10cm",
        "lookup_icd10cm",
    ),
    "medmassage.contraindications": (
        "Action",
        "Assessment",
        "Finding",
        "PlanConflict",
        "Policy",
        "Rule",
        "RuleFailure",
        "ScreeningContext",
        "ScreeningStatus",
        "Severity",
        "TechniqueStatus",
        "Violation",
    ),
    "medmassage.cpt": ("CptCode", "cpt_for_modality", "lookup_cpt"),
    "medmassage.diagnosis": ("Acuity", "Diagnosis", "Provider", "ProviderRole", "Referral"),
    "medmassage.evidence": ("EvidenceLevel",),
    "medmassage.exceptions": (
        "MedmassageError",
        "PluginConflictError",
        "PluginError",
        "PluginIncompatibleError",
        "PluginLoadError",
        "PluginValidationError",
        "Problem",
        "RuleExecutionError",
        "SchemaVersionError",
        "ScoringError",
        "ScreeningError",
        "UnitError",
        "UnknownCodeError",
        "UsageError",
        "ValidationError",
    ),
    "medmassage.fhir": ("case_bundle",),
    "medmassage.instruments": (
        "Band",
        "Change",
        "ChangeDirection",
        "Instrument",
        "InstrumentSource",
        "Mcid",
        "ResponseSpec",
        "Scale",
        "Score",
        "builtin_instruments",
        "get_instrument",
    ),
    "medmassage.modalities": ("Modality", "PressureGrade"),
    "medmassage.outcomes": ("OutcomeMeasure", "ScaleResponses"),
    "medmassage.patient": (
        "AdministrativeSex",
        "Allergy",
        "AllergyCategory",
        "Clearance",
        "ClinicalStatus",
        "Condition",
        "Consent",
        "ConsentScope",
        "ContactDetails",
        "DeviceKind",
        "HumanName",
        "ImplantedDevice",
        "Medication",
        "MedicationClass",
        "Patient",
        "Pregnancy",
        "RiskFlag",
        "Surgery",
    ),
    "medmassage.plan_of_care": (
        "PlanCertification",
        "PlanOfCarePolicy",
        "PlanOfCareStatus",
        "plan_of_care_status",
    ),
    "medmassage.plans": ("Comparator", "Goal", "PlannedTechnique", "PlanStatus", "TreatmentPlan"),
    "medmassage.plugins": (
        "PLUGIN_API_VERSION",
        "PluginFailure",
        "PluginInfo",
        "Registry",
        "get_default_registry",
        "make_registry",
    ),
    "medmassage.practitioners": ("Certification", "License", "Practitioner"),
    "medmassage.progress": (
        "CareTiming",
        "GoalStatus",
        "Progress",
        "Series",
        "Trend",
        "care_timing",
        "track",
    ),
    "medmassage.report": ("ProgressReport", "build_report", "render_html", "render_markdown"),
    "medmassage.screening": ("screen", "screening_date"),
    "medmassage.serialization": ("from_dict", "from_json", "to_dict", "to_json"),
    "medmassage.sessions": (
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
    ),
    "medmassage.units": ("Angle", "Duration", "Length", "Pressure", "Temperature"),
}

_LAZY: dict[str, str] = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted([*_LAZY, "__version__"])  # built from the table


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
