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
from ._base import CORBIN, FOLDI, NCCAM, NCCIH, WALTON, CoreRule, _sites, _t

BONE_METASTASIS_CODES: Final = CodeSet("C79.5", "C40-C41", "C90.0")


@attrs.frozen(kw_only=True, slots=True)
class BoneMetastasisRule(CoreRule):
    """Bone metastases: no pressure over involved bone; reduce pressure elsewhere.

    Codes: C79.5 (secondary malignant neoplasm of bone and bone marrow), C40-C41
    (primary malignant neoplasm of bone) and C90.0 (multiple myeloma, which
    involves bone). Over the recorded site: no pressure. Everywhere else, and
    everywhere when the site is not recorded, Walton's limit for suspected bone
    involvement: grade 2 (heavy lotioning) at most.

    Evidence level: textbook: Walton's textbook restricts pressure where bone is or
    may be involved; a review of the safety of massage in cancer (Corbin 2005) finds
    patients with cancer at higher risk of its rare adverse events.

    Source: Walton T., *Medical Conditions and Massage Therapy: A Decision Tree
    Approach* (Lippincott Williams & Wilkins, 2011), cancer chapter (bone
    involvement) and pressure scale; Corbin L., Safety and efficacy of massage
    therapy for patients with cancer, *Cancer Control* 2005;12(3):158-164; NCCAM
    consumer backgrounder on massage therapy (bones weakened by cancer).
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
    source=f"{WALTON}, cancer chapter (bone involvement), pressure scale; {CORBIN}; {NCCAM}",
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
    (Walton grade 3 at most). If no site is recorded, the site restriction
    applies everywhere (grade 3 at most over the whole body, as Walton advises
    when the site is unknown) and the provider's approval is needed before
    pressure work.

    Manual lymphatic drainage with an active, *untreated* malignancy is
    contraindicated (whole-body for MLD, Foldi). After or during treatment
    (an operation with lymph nodes removed, chemotherapy recorded as a
    medication, Z92.21 / Z92.3 history of chemotherapy or irradiation, Z51.0 /
    Z51.1- radiotherapy or chemotherapy encounters, Z90.1- acquired absence of
    breast) MLD is the standard treatment of the lymphoedema that follows, so it
    is not ruled out: it needs the oncologist's agreement (relative).

    Evidence level: guideline: NCCIH consumer guidance (no deep or intense pressure
    over a tumour without the provider's approval); Walton's textbook for the
    pressure limits and Foldi's for MLD.

    Source: NCCIH, *Massage Therapy: What You Need To Know* (no deep or intense
    pressure over a tumour unless the provider approves); Walton T., *Medical
    Conditions and Massage Therapy* (2011), cancer chapter (tumour site, site
    unknown, treatments) and pressure scale; Foldi M., Foldi E., *Foldi's Textbook
    of Lymphology*, 3rd ed. (Elsevier, 2012) (untreated malignancy contraindicates
    MLD; MLD is part of the treatment of lymphoedema after cancer treatment); Corbin
    L., *Cancer Control* 2005;12(3):158-164.
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
                    Action.LIMIT_PRESSURE,
                    "Active cancer with no recorded site: the tumour-site limit applies "
                    "everywhere (no deep pressure) until the site is recorded.",
                    severity=Severity.RELATIVE,
                    max_grade=PressureGrade.SWEDISH,
                    evidence=evidence,
                )
                yield self._finding(
                    Action.OBTAIN_CLEARANCE,
                    "Active cancer with no recorded site: obtain the provider's approval "
                    "before pressure work.",
                    severity=Severity.RELATIVE,
                    evidence=evidence,
                )
        if cancers and context.uses(tag="lymphatic"):
            treated = _treatment_evidence(context)
            if treated:
                yield self._finding(
                    Action.OBTAIN_CLEARANCE,
                    "Cancer under or after treatment: manual lymphatic drainage only with "
                    "the oncologist's agreement.",
                    severity=Severity.RELATIVE,
                    tags=frozenset({"lymphatic"}),
                    evidence=[*(context.evidence(c) for c in cancers), *treated],
                )
            else:
                yield self._finding(
                    Action.AVOID_MODALITY,
                    "Manual lymphatic drainage is contraindicated with an active, untreated "
                    "malignancy.",
                    severity=Severity.ABSOLUTE,
                    tags=frozenset({"lymphatic"}),
                    evidence=[context.evidence(c) for c in cancers],
                )
        if MedicationClass.CHEMOTHERAPY in context.medication_classes:
            yield self._finding(
                Action.OBTAIN_CLEARANCE,
                "Current chemotherapy: obtain the oncologist's approval, and time sessions "
                "around the doses as they advise.",
                severity=Severity.RELATIVE,
                evidence=("medication class chemotherapy",),
            )


TREATMENT_CODES: Final = CodeSet("Z92.21", "Z92.3", "Z51.0", "Z51.1", "Z90.1")


def _treatment_evidence(context: ScreeningContext) -> list[str]:
    """What shows the cancer has been or is being treated (empty: untreated)."""
    found = [context.evidence(c) for c in context.matching(TREATMENT_CODES)]
    if any(MedicationClass.CHEMOTHERAPY in m.classes for m in context.patient.medications):
        found.append("medication class chemotherapy")
    if any(
        s.lymph_nodes_removed and s.performed_on <= context.on for s in context.patient.surgeries
    ):
        found.append("surgery with lymph node removal")
    return found


ACTIVE_CANCER: Final = ActiveCancerRule(
    id="core.active_cancer",
    title="Active cancer, tumour site, chemotherapy",
    severity=Severity.LOCAL,
    source=f"{NCCIH}; {WALTON}, cancer chapter, pressure scale; {FOLDI} (MLD and "
    f"malignancy); {CORBIN}",
    evidence_level=EvidenceLevel.GUIDELINE,
    triggers=_t(CANCER_CODES, medication_classes=frozenset({MedicationClass.CHEMOTHERAPY})),
)


RADIATION_CODES: Final = CodeSet("L58", "Z92.3")


@attrs.frozen(kw_only=True, slots=True)
class RadiationSiteRule(CoreRule):
    """Radiation site: avoid inflamed radiated skin.

    Codes: L58 (radiodermatitis: avoid the area); Z92.3 (personal history of
    irradiation: information, inspect the skin, light touch may hurt).

    Evidence level: textbook: Walton's textbook (the radiated field: fragile,
    sensitive skin; no friction or pressure while it is inflamed).

    Source: Walton T., *Medical Conditions and Massage Therapy: A Decision Tree
    Approach* (Lippincott Williams & Wilkins, 2011), cancer chapter (radiation
    therapy); Corbin L., Safety and efficacy of massage therapy for patients with
    cancer, *Cancer Control* 2005;12(3):158-164; NCCAM consumer backgrounder on
    massage therapy (not in the area of inflammation from radiation).
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
    source=f"{WALTON}, cancer chapter (radiation therapy); {CORBIN}; {NCCAM}",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(RADIATION_CODES),
)
