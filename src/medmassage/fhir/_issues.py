"""Flags and detected issues: standing cautions and screening findings."""

from __future__ import annotations

import datetime as dt

from ..contraindications import Assessment, Finding
from ..patient import Patient
from ._common import (
    _FLAG_CATEGORY,
    ACTION_SYSTEM,
    RISK_FLAG_SYSTEM,
    RULE_SYSTEM,
    SCREENING_SYSTEM,
    SEVERITY_MAP,
    Resource,
    _coding,
    _patient_ref,
    resource_uuid,
)


def flag_resources(patient: Patient) -> list[Resource]:
    """Return one FHIR ``Flag`` per risk flag of *patient* (standing cautions), by code.

    ``status`` ``active``; ``category`` ``clinical`` (HL7 ``flag-category``);
    ``code`` the flag in `RISK_FLAG_SYSTEM` (``fall_risk`` ...); ``subject`` the
    patient. A receiving system shows a Flag whenever it opens the patient's
    record, which is what these cautions are for.
    """
    return [
        {
            "resourceType": "Flag",
            "id": resource_uuid("Flag", patient.id, flag.value),
            "status": "active",
            "category": [{"coding": [_coding(_FLAG_CATEGORY, "clinical")]}],
            "code": {
                "coding": [_coding(RISK_FLAG_SYSTEM, flag.value)],
                "text": flag.value.replace("_", " "),
            },
            "subject": _patient_ref(patient.id),
        }
        for flag in sorted(patient.flags, key=lambda f: f.value)
    ]


def _detected_issue(finding: Finding, index: int, on: dt.date, patient_id: str) -> Resource:
    out: Resource = {
        "resourceType": "DetectedIssue",
        "id": resource_uuid("DetectedIssue", patient_id, on.isoformat(), str(index)),
        "status": "final",
        "code": {"coding": [_coding(RULE_SYSTEM, finding.rule_id)], "text": finding.rule_id},
        "severity": SEVERITY_MAP[finding.severity],
        "patient": _patient_ref(patient_id),
        "identifiedDateTime": on.isoformat(),
        "detail": f"{finding.rationale} Source: {finding.source}",
        "mitigation": [{"action": {"coding": [_coding(ACTION_SYSTEM, finding.action.value)]}}],
    }
    if finding.evidence:
        out["evidence"] = [{"code": [{"text": e}]} for e in finding.evidence]
    return out


def _indeterminate_issue(assessment: Assessment, patient_id: str) -> Resource:
    failed = [f"{f.rule_id}: {f.cause}" for f in assessment.failures]
    return {
        "resourceType": "DetectedIssue",
        "id": resource_uuid("DetectedIssue", patient_id, assessment.on.isoformat(), "status"),
        "status": "final",
        "code": {
            "coding": [_coding(SCREENING_SYSTEM, "indeterminate")],
            "text": "Contraindication screening indeterminate",
        },
        "severity": "high",
        "patient": _patient_ref(patient_id),
        "identifiedDateTime": assessment.on.isoformat(),
        "detail": "Contraindication screening could not be completed; its findings are "
        "incomplete and must not be read as clear. " + "; ".join(failed),
        "evidence": [
            {"code": [{"text": f"rule {f.rule_id} ({f.stage})"}]} for f in assessment.failures
        ],
        "mitigation": [{"action": {"coding": [_coding(ACTION_SYSTEM, "defer")]}}],
    }


def detected_issue_resources(assessment: Assessment, *, patient_id: str) -> list[Resource]:
    """Return the FHIR ``DetectedIssue`` resources of a screening *assessment*.

    One per finding: ``severity`` follows `SEVERITY_MAP`; ``code`` is the rule
    id, ``detail`` the rationale and its source, ``evidence`` the triggering
    codes, ``mitigation`` the action. Findings hold generic clinical text only
    (never the patient's own notes), so they are always exported.

    An *indeterminate* screening (a rule failed or could not be loaded) comes
    first as its own ``DetectedIssue`` (code ``indeterminate`` in
    `SCREENING_SYSTEM`, severity ``high``, each failed rule as evidence), so a
    receiving system cannot mistake the incomplete findings for a clear result.
    """
    out: list[Resource] = []
    if assessment.failures:
        out.append(_indeterminate_issue(assessment, patient_id))
    out.extend(
        _detected_issue(f, i, assessment.on, patient_id) for i, f in enumerate(assessment.findings)
    )
    return out
