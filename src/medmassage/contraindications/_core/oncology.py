"""Built-in rules of cancer and its treatment.

Bone metastases, active cancer and chemotherapy, the radiation site.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from ...patient import MedicationClass
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity
from ._base import CoreRule, _sites, _t

BONE_METASTASIS_CODES: Final = CodeSet("C79.5")


@attrs.frozen(kw_only=True, slots=True)
class BoneMetastasisRule(CoreRule):
    """Bone metastases: no pressure over involved bone; reduce pressure elsewhere.

    Code: C79.5 (secondary malignant neoplasm of bone and bone marrow). Over the
    recorded site: no pressure. If the site is not recorded, the whole body gets
    the pressure limit of suspected bone involvement.

    Evidence level: textbook: Walton's oncology massage guidance (pressure
    restrictions over suspected bone involvement).

    Source: massagemag.com/gentle-pressure-oncology-massage-28781/ (Walton:
    pressure restrictions over suspected bone involvement); NCCAM backgrounder
    (weakened bones: cancer).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid the involved bone; limit pressure elsewhere."""
        for c in context.matching(BONE_METASTASIS_CODES):
            sites = _sites(c, None)
            evidence = (context.evidence(c),)
            if sites:
                yield self._finding(
                    Action.AVOID_REGION,
                    "Bone metastasis: no pressure over the involved bone.",
                    severity=Severity.LOCAL,
                    regions=sites,
                    evidence=evidence,
                )
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Bone metastasis: fragile bone; light pressure only.",
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=evidence,
            )


BONE_METASTASIS: Final = BoneMetastasisRule(
    id="core.bone_metastasis",
    title="Bone metastases",
    severity=Severity.RELATIVE,
    source="massagemag.com/gentle-pressure-oncology-massage-28781/ (Walton); NCCAM backgrounder",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(BONE_METASTASIS_CODES),
)


CANCER_CODES: Final = CodeSet("C00-C96", "D00-D09", "D37-D49")


@attrs.frozen(kw_only=True, slots=True)
class ActiveCancerRule(CoreRule):
    """Active cancer and tumour sites: no deep pressure over a tumour; no MLD.

    Codes: C00-C96 (malignant neoplasms), D00-D09 (in situ), D37-D49 (uncertain or
    unspecified behaviour), with an active status; and active chemotherapy
    (physician approval). Over the recorded tumour site: no deep pressure
    (Walton grade 3 at most). If no site is recorded, the provider's approval is
    needed before treatment. Manual lymphatic drainage over an untreated
    malignancy is contraindicated (whole-body for MLD).

    Evidence level: guideline: NCCIH consumer guidance (no deep pressure over a
    tumour without the provider's approval); Foldi for MLD.

    Source: NCCIH (no deep or intense pressure over a tumour unless the provider
    approves); ltstherapy.com (Foldi: MLD with active malignancy);
    wakemedical.massagetherapy.com/appointment-contraindications; ABMP member
    practice policy (physician approval for cancer; chemotherapy).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure over the site, seek approval, rule out MLD."""
        cancers = list(context.matching(CANCER_CODES))
        for c in cancers:
            sites = _sites(c, None)
            evidence = (context.evidence(c),)
            if sites:
                yield self._finding(
                    Action.AVOID_REGION,
                    "Tumour site: no deep or intense pressure over it.",
                    regions=sites,
                    max_grade=PressureGrade.SWEDISH,
                    evidence=evidence,
                )
            else:
                yield self._finding(
                    Action.OBTAIN_CLEARANCE,
                    "Active cancer with no recorded site: obtain the provider's approval "
                    "before pressure work.",
                    severity=Severity.RELATIVE,
                    evidence=evidence,
                )
        if cancers and context.uses(tag="lymphatic"):
            yield self._finding(
                Action.AVOID_MODALITY,
                "Manual lymphatic drainage is contraindicated with an active malignancy.",
                severity=Severity.ABSOLUTE,
                tags=frozenset({"lymphatic"}),
                evidence=[context.evidence(c) for c in cancers],
            )
        if MedicationClass.CHEMOTHERAPY in context.medication_classes:
            yield self._finding(
                Action.OBTAIN_CLEARANCE,
                "Current chemotherapy: obtain the oncologist's approval (some practices "
                "do not treat within 72 hours of a dose).",
                severity=Severity.RELATIVE,
                evidence=("medication class chemotherapy",),
            )


ACTIVE_CANCER: Final = ActiveCancerRule(
    id="core.active_cancer",
    title="Active cancer, tumour site, chemotherapy",
    severity=Severity.LOCAL,
    source="NCCIH; ltstherapy.com (Foldi); wakemedical.massagetherapy.com/"
    "appointment-contraindications; ABMP member practice policy",
    evidence_level=EvidenceLevel.GUIDELINE,
    triggers=_t(CANCER_CODES, medication_classes=frozenset({MedicationClass.CHEMOTHERAPY})),
)


RADIATION_CODES: Final = CodeSet("L58", "Z92.3")


@attrs.frozen(kw_only=True, slots=True)
class RadiationSiteRule(CoreRule):
    """Radiation site: avoid inflamed radiated skin.

    Codes: L58 (radiodermatitis: avoid the area); Z92.3 (personal history of
    irradiation: information, inspect the skin, light touch may hurt).

    Evidence level: expert_consensus: NCCAM backgrounder (attribution unconfirmed)
    and oncology massage practice.

    Source: NCCAM backgrounder (not in the area of inflammation from radiation);
    zeel.com (radiation can make light touch painful).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid radiodermatitis; note past irradiation."""
        for c in context.matching(RADIATION_CODES):
            code = c.icd10cm
            assert code is not None
            if code.startswith("L58"):
                yield self._finding(
                    Action.AVOID_REGION,
                    "Radiodermatitis: no contact over the inflamed radiated skin.",
                    regions=_sites(c, None),
                    evidence=(context.evidence(c),),
                )
            else:
                yield self._finding(
                    Action.MONITOR,
                    "Past irradiation: inspect the skin of the radiated field; avoid it if "
                    "inflamed; light touch may be painful.",
                    severity=Severity.INFORMATION,
                    regions=_sites(c, None),
                    evidence=(context.evidence(c),),
                )


RADIATION_SITE: Final = RadiationSiteRule(
    id="core.radiation_site",
    title="Radiation site",
    severity=Severity.LOCAL,
    source="NCCAM backgrounder; zeel.com",
    evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
    triggers=_t(RADIATION_CODES),
)
