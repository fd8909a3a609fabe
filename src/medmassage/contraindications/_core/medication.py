"""Built-in rules of medication: corticosteroids, dulled pain feedback, insulin.

Anticoagulants, antiplatelets and thrombolytics are read by the bleeding rule
(``vascular``), chemotherapy by the cancer rule (``oncology``), bisphosphonates
by the osteoporosis rule (``musculoskeletal``), antihypertensives by the fall-risk
rule (``practice``).
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
from ._base import NCCAM, NCCIH, WALTON, CoreRule, _t

STEROID_CODES: Final = CodeSet("Z79.52")
_FRAGILITY: Final = frozenset({"deep_pressure", "friction"})


@attrs.frozen(kw_only=True, slots=True)
class CorticosteroidRule(CoreRule):
    """Corticosteroid use: fragile skin, vessels and bone, so no deep pressure or friction.

    Long-term corticosteroids thin the skin, make it bruise easily and weaken
    bone. Matches an active medication of class
    `medmassage.patient.MedicationClass.CORTICOSTEROID` and Z79.52 (long-term
    current use of systemic steroids). The medication class does not record the
    route, so an inhaled or topical steroid is treated as systemic, which errs
    on the side of caution.

    Evidence level: textbook: Walton's textbook reads each medication's side effects
    into the massage plan (long-term corticosteroids: thin skin, easy bruising, bone
    loss, so gentler pressure); the grade limit is medmassage's convention.

    Source: Walton T., *Medical Conditions and Massage Therapy: A Decision Tree
    Approach* (Lippincott Williams & Wilkins, 2011), medication side effects
    (corticosteroids); NCCIH, *Massage Therapy: What You Need To Know* (no massage
    over weak skin); NCCAM consumer backgrounder on massage therapy (fragile skin,
    weakened bones). Grade limit: medmassage's convention.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """One finding naming the medication and the codes."""
        evidence = (
            ["medication class corticosteroid"]
            if MedicationClass.CORTICOSTEROID in context.medication_classes
            else []
        )
        evidence.extend(context.evidence(c) for c in context.matching(STEROID_CODES))
        if evidence:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Corticosteroid use: thin skin, easy bruising and weaker bone; no deep "
                "pressure or friction.",
                max_grade=PressureGrade.SWEDISH,
                tags=_FRAGILITY,
                evidence=evidence,
            )


CORTICOSTEROIDS: Final = CorticosteroidRule(
    id="core.corticosteroids",
    title="Corticosteroid use (tissue fragility)",
    severity=Severity.RELATIVE,
    source=f"{WALTON}, medication side effects (corticosteroids); {NCCIH}; {NCCAM}; "
    "grade limit: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(STEROID_CODES, medication_classes=frozenset({MedicationClass.CORTICOSTEROID})),
    modalities=_FRAGILITY,
)


_DULLING: Final = frozenset({MedicationClass.OPIOID, MedicationClass.MUSCLE_RELAXANT})


@attrs.frozen(kw_only=True, slots=True)
class PainFeedbackRule(CoreRule):
    """Medication that dulls pain or muscle feedback: moderate pressure only; note the rest.

    * Opioids and muscle relaxants: the patient may not feel or report excess
      pressure (as with reduced sensation), and may be drowsy or dizzy on
      getting up: no deep pressure (Walton grade 3 at most).
    * NSAIDs: pain feedback is dulled for some hours after a dose (information:
      ask when it was taken; adjust pressure to the tissue, not to the report).
    * Insulin: no massage over a recent injection site, which speeds insulin
      absorption and can cause hypoglycaemia; have a sugar source at hand
      (information).

    Evidence level: textbook: Walton's textbook (analgesics and muscle relaxants
    dull the feedback a client gives on pressure, so the therapist limits it);
    insulin absorption after massage of the injection site is a clinical study's
    finding (Linde 1986). The grade limit is medmassage's convention.

    Source: Walton T., *Medical Conditions and Massage Therapy: A Decision Tree
    Approach* (Lippincott Williams & Wilkins, 2011), medication side effects (pain
    relievers, muscle relaxants); Linde B., Dissociation of insulin absorption and
    blood flow during massage of a subcutaneous injection site, *Diabetes Care*
    1986;9:570-574. Grade limit: medmassage's convention.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure for dulling drugs; advise for NSAIDs and insulin."""
        classes = context.medication_classes
        dulling = sorted(m.value for m in classes & _DULLING)
        if dulling:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Opioid or muscle relaxant: pain feedback is dulled, so the patient may not "
                "report excess pressure; no deep pressure; help getting up (drowsiness).",
                max_grade=PressureGrade.SWEDISH,
                evidence=[f"medication class {m}" for m in dulling],
            )
        if MedicationClass.NSAID in classes:
            yield self._finding(
                Action.MONITOR,
                "NSAID: pain feedback is dulled after a dose; ask when it was taken.",
                severity=Severity.INFORMATION,
                evidence=("medication class nsaid",),
            )
        if MedicationClass.INSULIN in classes:
            yield self._finding(
                Action.MONITOR,
                "Insulin: no massage over a recent injection site (faster absorption, "
                "hypoglycaemia); keep a sugar source at hand.",
                severity=Severity.INFORMATION,
                evidence=("medication class insulin",),
            )


PAIN_FEEDBACK: Final = PainFeedbackRule(
    id="core.pain_feedback",
    title="Opioids, muscle relaxants, NSAIDs, insulin",
    severity=Severity.RELATIVE,
    source=f"{WALTON}, medication side effects (pain relievers, muscle relaxants); "
    "Linde 1986, Diabetes Care 9:570-574 (insulin absorption after massage); grade "
    "limit: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(medication_classes=_DULLING | {MedicationClass.NSAID, MedicationClass.INSULIN}),
)
