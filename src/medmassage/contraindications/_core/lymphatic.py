"""Built-in rules of lymphatic load.

Heart and kidney failure (which rule out or qualify manual lymphatic drainage),
lymphoedema and the limbs at risk of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...anatomy import BodyRegion, Laterality
from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site
from ._base import _R, FOLDI, NCCAM, WALTON, WERNER, CoreRule, _sites, _t

HEART_FAILURE_CODES: Final = CodeSet("I50")
DECOMPENSATED_CODES: Final = CodeSet(
    "I50.21", "I50.23", "I50.31", "I50.33", "I50.41", "I50.43", "I50.811", "I50.813",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class HeartFailureRule(CoreRule):
    """Heart failure and manual lymphatic drainage.

    Decompensated heart failure (cardiac oedema; coded as acute or acute on
    chronic: I50.21, I50.23, I50.31, I50.33, I50.41, I50.43, I50.811, I50.813) is an
    absolute contraindication to MLD; compensated heart failure (the rest of
    I50) is relative, with the cardiologist's clearance. For plans without MLD,
    heart problems are information (consult the provider).

    Evidence level: textbook: Foldi's Textbook of Lymphology (cardiac oedema
    contraindicates MLD).

    Source: Foldi M., Foldi E., *Foldi's Textbook of Lymphology*, 3rd ed. (Elsevier,
    2012), contraindications to manual lymph drainage (cardiac oedema); Werner R.,
    *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of Discovery, 2019),
    heart failure; NCCAM consumer backgrounder on massage therapy (heart problems:
    consult the provider). Compensated heart failure as relative with clearance:
    medmassage's convention.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Judge MLD against the heart failure's state."""
        mld = context.uses(tag="lymphatic")
        for c in context.matching(HEART_FAILURE_CODES):
            evidence = (context.evidence(c),)
            if not mld:
                yield self._finding(
                    Action.MONITOR,
                    "Heart failure: consult the provider; watch for breathlessness lying flat.",
                    severity=Severity.INFORMATION,
                    evidence=evidence,
                )
            elif DECOMPENSATED_CODES.matches(c.icd10cm):
                yield self._finding(
                    Action.AVOID_MODALITY,
                    "Decompensated heart failure: lymphatic drainage would load the heart.",
                    tags=frozenset({"lymphatic"}),
                    evidence=evidence,
                )
            else:
                yield self._finding(
                    Action.OBTAIN_CLEARANCE,
                    "Compensated heart failure: lymphatic drainage only with the "
                    "cardiologist's clearance.",
                    severity=Severity.RELATIVE,
                    tags=frozenset({"lymphatic"}),
                    evidence=evidence,
                )


HEART_FAILURE: Final = HeartFailureRule(
    id="core.heart_failure",
    title="Heart failure (manual lymphatic drainage)",
    severity=Severity.ABSOLUTE,
    source=f"{FOLDI}, contraindications to manual lymph drainage (cardiac oedema); "
    f"{WERNER}, heart failure; {NCCAM}",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(HEART_FAILURE_CODES),
    modalities=frozenset({"lymphatic"}),
)


KIDNEY_CODES: Final = CodeSet("N17", "N18.4-N18.6", "N19")


@attrs.frozen(kw_only=True, slots=True)
class KidneyFailureRule(CoreRule):
    """Acute kidney failure and manual lymphatic drainage.

    Acute kidney failure (N17) is an absolute contraindication to MLD; severe
    chronic kidney disease (N18.4-N18.6) and unspecified kidney failure (N19) are
    relative, with clearance. Only plans with MLD are affected.

    Evidence level: textbook: Foldi's Textbook of Lymphology (acute renal failure
    contraindicates MLD); the clearance for chronic kidney disease is medmassage's
    convention.

    Source: Foldi M., Foldi E., *Foldi's Textbook of Lymphology*, 3rd ed. (Elsevier,
    2012), contraindications to manual lymph drainage (acute renal failure); Werner
    R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of Discovery,
    2019), renal failure.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Judge MLD against the kidney failure."""
        if not context.uses(tag="lymphatic"):
            return
        for c in context.matching(KIDNEY_CODES):
            code = c.icd10cm
            assert code is not None
            if code.startswith("N17"):
                yield self._finding(
                    Action.AVOID_MODALITY,
                    "Acute kidney failure: no lymphatic drainage.",
                    tags=frozenset({"lymphatic"}),
                    evidence=(context.evidence(c),),
                )
            else:
                yield self._finding(
                    Action.OBTAIN_CLEARANCE,
                    "Chronic kidney failure: lymphatic drainage only with the nephrologist's "
                    "clearance.",
                    severity=Severity.RELATIVE,
                    tags=frozenset({"lymphatic"}),
                    evidence=(context.evidence(c),),
                )


KIDNEY_FAILURE: Final = KidneyFailureRule(
    id="core.kidney_failure",
    title="Acute kidney failure (manual lymphatic drainage)",
    severity=Severity.ABSOLUTE,
    source=f"{FOLDI}, contraindications to manual lymph drainage (acute renal "
    f"failure); {WERNER}, renal failure; chronic: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(KIDNEY_CODES),
    modalities=frozenset({"lymphatic"}),
)


LYMPHEDEMA_CODES: Final = CodeSet("I89.0", "I97.2", "Q82.0")
_NO_LYMPH_LOAD: Final = frozenset({"deep_pressure", "friction", "heat", "sustained_pressure"})


def _at_risk_limbs(region: BodyRegion, side: Laterality | None) -> tuple[Site, ...]:
    """The limb (and trunk quadrant) drained through nodes removed near *region*.

    Axillary and breast surgery (chest, shoulder, arm): the arm and the chest on
    that side. Neck dissection (head, jaw, neck): the head and neck, which those
    nodes drain, not the arm. Inguinal and pelvic nodes (pelvis, abdomen, hip,
    thigh, leg): the leg.
    """
    if region in (_R.HEAD, _R.JAW, _R.TEMPOROMANDIBULAR_JOINT, _R.NECK, _R.CERVICAL_SPINE):
        return (Site(region=_R.HEAD), Site(region=_R.NECK))
    if region in (_R.CHEST, _R.SHOULDER, _R.UPPER_ARM, _R.UPPER_LIMB):
        return (Site(region=_R.UPPER_LIMB, laterality=side), Site(region=_R.CHEST, laterality=side))
    if region in (_R.PELVIS, _R.ABDOMEN, _R.HIP, _R.THIGH, _R.LOWER_LIMB):
        return (Site(region=_R.LOWER_LIMB, laterality=side),)
    return (Site(region=region, laterality=side),)


@attrs.frozen(kw_only=True, slots=True)
class LymphedemaRule(CoreRule):
    """Lymphoedema and limbs at risk: no deep pressure, friction, heat or overstretch.

    Codes: I89.0 (lymphoedema NEC), I97.2 (postmastectomy lymphoedema), Q82.0
    (hereditary); and any surgery that removed lymph nodes (the drained limb and
    trunk quadrant stay at risk for life). Manual lymphatic drainage is the
    specialist treatment and is not restricted by this rule.

    Evidence level: guideline: National Lymphedema Network position paper (2012) on
    risk reduction.

    Source: National Lymphedema Network Medical Advisory Committee, position
    statement *Lymphedema Risk Reduction Practices* (2012); Walton T., *Medical
    Conditions and Massage Therapy* (2011), cancer chapter (lymphoedema risk:
    pressure limits for life on the limb at risk); Foldi M., Foldi E., *Foldi's
    Textbook of Lymphology*, 3rd ed. (Elsevier, 2012), lymphoedema.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Protect each affected or at-risk limb."""
        for c in context.matching(LYMPHEDEMA_CODES):
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Lymphoedema: no deep pressure, friction, heat or overstretch on the limb.",
                severity=Severity.LOCAL,
                regions=_sites(c, c.icd10cm),
                tags=_NO_LYMPH_LOAD,
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )
        for s in context.patient.surgeries:
            if s.lymph_nodes_removed and s.performed_on <= context.on:
                yield self._finding(
                    Action.LIMIT_PRESSURE,
                    "Limb at risk of lymphoedema (lymph nodes removed): no deep pressure, "
                    "friction, heat or overstretch, for life.",
                    severity=Severity.LOCAL,
                    regions=_at_risk_limbs(s.region, s.laterality),
                    tags=_NO_LYMPH_LOAD,
                    max_grade=PressureGrade.HEAVY_LOTIONING,
                    evidence=("surgery with lymph node removal",),
                )


LYMPHEDEMA: Final = LymphedemaRule(
    id="core.lymphedema",
    title="Lymphoedema and at-risk limbs",
    severity=Severity.LOCAL,
    source="National Lymphedema Network, Lymphedema Risk Reduction Practices "
    f"(position statement, 2012); {WALTON}, cancer chapter (lymphoedema risk); {FOLDI}",
    evidence_level=EvidenceLevel.GUIDELINE,
    triggers=_t(LYMPHEDEMA_CODES, surgeries=True),
)
