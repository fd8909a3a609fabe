"""The cupping plugin's own contraindication rules.

Each rule is a frozen attrs object satisfying `medmassage.contraindications.Rule`
and is registered under its id through the ``medmassage.contraindications``
entry-point group. Both are triggered only when a plan or session uses dry
cupping, so the engine never evaluates them otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from medmassage.anatomy import BodyRegion
from medmassage.contraindications import (
    Action,
    CodeSet,
    Finding,
    ScreeningContext,
    Severity,
    Triggers,
)
from medmassage.patient import MedicationClass, RiskFlag

from . import DRY_CUPPING, SOURCE

__all__ = ["ANTICOAGULANTS", "FRAGILE_SKIN", "AnticoagulantRule", "FragileSkinRule"]

_CUPPING: Final = frozenset({DRY_CUPPING.code})
_THINNERS: Final = frozenset(
    {MedicationClass.ANTICOAGULANT, MedicationClass.ANTIPLATELET, MedicationClass.THROMBOLYTIC}
)
_ONLY_WITH_CUPPING: Final = Triggers(modalities=_CUPPING)
#: Coagulation defects (D65-D68): haemophilia and the like.
BLEEDING_DISORDERS: Final = CodeSet("D65-D68")


@attrs.frozen(kw_only=True, slots=True)
class AnticoagulantRule:
    """No cupping with a bleeding disorder; none on blood thinners without clearance.

    Cupping deliberately ruptures capillaries (petechiae, ecchymoses). Bleeding
    disorders (D65-D68) are listed as absolute contraindications, anticoagulant and
    antiplatelet therapy as relative ones.

    Source: Aboushanab & AlSanad 2018 (J Acupunct Meridian Stud 11:83), as listed
    by globalcupping.com (secondary); cupandrelease.com/caution.
    """

    id: str = "cupping.anticoagulants"
    title: str = "Cupping with anticoagulants or a bleeding disorder"
    severity: Severity = Severity.RELATIVE
    modalities: frozenset[str] = _CUPPING
    regions: frozenset[BodyRegion] = frozenset()
    source: str = SOURCE
    api_version: int = 1
    triggers: Triggers | None = _ONLY_WITH_CUPPING

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Rule out cupping for bleeding disorders; ask for clearance on thinners."""
        disorders = [f"ICD-10-CM {c.icd10cm}" for c in context.matching(BLEEDING_DISORDERS)]
        if disorders:
            yield Finding(
                rule_id=self.id,
                severity=Severity.ABSOLUTE,
                action=Action.AVOID_MODALITY,
                rationale="Bleeding disorder: no cupping (it ruptures capillaries).",
                source=self.source,
                modalities=_CUPPING,
                evidence=tuple(disorders),
            )
        thinners = sorted(m.value for m in context.medication_classes & _THINNERS)
        if thinners:
            yield Finding(
                rule_id=self.id,
                severity=Severity.RELATIVE,
                action=Action.AVOID_MODALITY,
                rationale="Blood thinners: no cupping without the prescriber's clearance.",
                source=self.source,
                modalities=_CUPPING,
                evidence=tuple(f"medication class {m}" for m in thinners),
            )


@attrs.frozen(kw_only=True, slots=True)
class FragileSkinRule:
    """No cupping on fragile skin.

    Suction lifts and bruises the skin; thin or fragile skin tears and bruises
    easily.

    Source: cupandrelease.com/caution (fragile skin: contraindicated); Aboushanab &
    AlSanad 2018 via globalcupping.com (no cupping over non-intact skin).
    """

    id: str = "cupping.fragile_skin"
    title: str = "Cupping on fragile skin"
    severity: Severity = Severity.RELATIVE
    modalities: frozenset[str] = _CUPPING
    regions: frozenset[BodyRegion] = frozenset()
    source: str = "cupandrelease.com/caution; " + SOURCE
    api_version: int = 1
    triggers: Triggers | None = _ONLY_WITH_CUPPING

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid cupping when the patient is flagged with fragile skin."""
        if RiskFlag.FRAGILE_SKIN in context.patient.flags:
            yield Finding(
                rule_id=self.id,
                severity=Severity.RELATIVE,
                action=Action.AVOID_MODALITY,
                rationale="Fragile skin: suction may tear or bruise it; use another modality.",
                source=self.source,
                modalities=_CUPPING,
                evidence=("risk flag fragile_skin",),
            )


ANTICOAGULANTS: Final = AnticoagulantRule()
FRAGILE_SKIN: Final = FragileSkinRule()
