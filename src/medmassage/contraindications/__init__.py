"""Contraindication screening: the rule protocol, findings, assessments and the engine.

A *rule* looks at one frozen `ScreeningContext` (the patient, the treatment plan,
optionally a session, the date, the practitioner and the known modalities) and
returns zero or more `Finding` objects. The engine, `RuleSet`, evaluates the rules it
is given: it knows nothing of plugins or entry points (`medmassage.plugins` builds
registries; `medmassage.screen` fetches the default registry and calls the engine).

Rules are indexed by what triggers them (`Triggers`: ICD-10-CM code ranges,
medication classes, risk flags, devices, pregnancy, surgeries, vital signs, modality
tags), so a context is shown only to the rules whose triggers it has; the cost of
screening grows with what the patient has, not with the number of rules installed.

Safety fails closed. A rule that raises or returns something that is not a
`Finding`, or a rule plugin that could not be loaded, makes the `Assessment`
status `ScreeningStatus.INDETERMINATE` and names the rule; with ``strict=True``
the engine raises `medmassage.exceptions.RuleExecutionError` or
`medmassage.exceptions.ScreeningError` instead.

How findings translate into a status is a documented `Policy`: the sources disagree
on which conditions are absolute, relative or local (Batavia 2004, J Bodyw Mov Ther
8:48-57: 21 sources listed 3 to 86 contraindications and 76% cited no reference), so
an application may reclassify any rule's findings. Reclassifying never removes a
finding: built-in safety rules cannot be switched off.
"""

from __future__ import annotations

from typing import Final

from ..codes import CodeSet as CodeSet  # re-exported: it lived here before 0.2
from ..evidence import EvidenceLevel
from ._checks import check_plan, check_session
from ._context import MAX_GESTATION_WEEKS as _MAX_GESTATION_WEEKS
from ._context import ScreeningContext
from ._engine import Assessment, RuleSet
from ._findings import (
    Action,
    Finding,
    PlanConflict,
    RuleFailure,
    ScreeningStatus,
    Severity,
    Site,
    TechniqueStatus,
    Violation,
)
from ._policy import Policy
from ._policy import default_policy as default_policy  # used by medmassage.screening
from ._protocol import Rule, Triggers, check_rule

__all__ = [
    "MAX_GESTATION_WEEKS",
    "Action",
    "Assessment",
    "EvidenceLevel",
    "Finding",
    "PlanConflict",
    "Policy",
    "Rule",
    "RuleFailure",
    "RuleSet",
    "ScreeningContext",
    "ScreeningStatus",
    "Severity",
    "Site",
    "TechniqueStatus",
    "Triggers",
    "Violation",
    "check_plan",
    "check_rule",
    "check_session",
]

# Bound here, not only imported, so that the API reference documents it.
#: Weeks of gestation past which a pregnancy record is taken to be out of date.
MAX_GESTATION_WEEKS: Final = _MAX_GESTATION_WEEKS
