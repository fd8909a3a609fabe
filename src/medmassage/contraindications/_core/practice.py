"""Built-in rules of professional practice.

Modality certifications, fall risk, trauma-informed care, contact allergies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...evidence import EvidenceLevel
from ...patient import AllergyCategory, ConsentScope, MedicationClass, RiskFlag
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity
from ._base import FOLDI, NCCAM, WALTON, CoreRule, _t


@attrs.frozen(kw_only=True, slots=True)
class CertificationRule(CoreRule):
    """Modality certifications the practitioner lacks.

    A modality that requires a certification (manual lymphatic drainage:
    ``manual_lymphatic_drainage``) is not given by a practitioner who does not
    hold it in force on the screening date. Without a practitioner to check, the
    finding asks for the certification to be verified.

    Evidence level: convention: medmassage's convention is to follow the modality's
    own declaration; scope-of-practice rules vary by jurisdiction and are not
    encoded.

    Source: the modality's own `medmassage.Modality.required_certifications` (e.g.
    MLD training: Vodder / Foldi schools; Foldi M., Foldi E., *Foldi's Textbook of
    Lymphology*, 3rd ed., Elsevier, 2012); state scope-of-practice rules vary and
    are not encoded (check the jurisdiction).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Check each used modality's certifications."""
        practitioner = context.practitioner
        if not context.required_certifications:
            return
        for code in sorted(context.modality_codes):
            modality = context.modalities.get(code)
            if modality is None or not modality.required_certifications:
                continue
            for cert in sorted(modality.required_certifications):
                if practitioner is None:
                    yield self._finding(
                        Action.MONITOR,
                        "This modality requires a certification: verify the practitioner holds it.",
                        severity=Severity.RELATIVE,
                        modalities=frozenset({code}),
                        evidence=(f"certification {cert} required by {code}",),
                    )
                elif not practitioner.certified_for(cert, context.on):
                    yield self._finding(
                        Action.AVOID_MODALITY,
                        "The practitioner does not hold the certification this modality requires.",
                        modalities=frozenset({code}),
                        evidence=(f"certification {cert} required by {code}, not held",),
                    )


CERTIFICATION: Final = CertificationRule(
    id="core.certification",
    title="Modality certification",
    severity=Severity.ABSOLUTE,
    source="The modality's required_certifications (MLD: Vodder / Foldi training, "
    f"{FOLDI}); medmassage's convention; scope-of-practice rules: not encoded",
    evidence_level=EvidenceLevel.CONVENTION,
    triggers=_t(certifications=True),
)


_FALL_MEDS: Final = frozenset({MedicationClass.ANTIHYPERTENSIVE})


@attrs.frozen(kw_only=True, slots=True)
class FallRiskRule(CoreRule):
    """Fall risk: help on and off the table, and a slow rise after treatment.

    Reads the risk flag `medmassage.patient.RiskFlag.FALL_RISK` and active
    antihypertensive medication (blood pressure may drop on rising after lying
    down). Information: a low table, help with transfers, sitting up slowly
    before standing.

    Evidence level: textbook: Walton's textbook (antihypertensives: dizziness on
    rising from the table, so a slow transition and help getting up); no guideline
    states the precaution for massage.

    Source: Walton T., *Medical Conditions and Massage Therapy: A Decision Tree
    Approach* (Lippincott Williams & Wilkins, 2011), hypertension (antihypertensive
    medication: orthostatic hypotension); NCCAM consumer backgrounder on massage
    therapy (heart problems: consult the provider).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """One information finding naming the flag and the medication."""
        evidence = []
        if RiskFlag.FALL_RISK in context.patient.flags:
            evidence.append("risk flag fall_risk")
        if MedicationClass.ANTIHYPERTENSIVE in context.medication_classes:
            evidence.append("medication class antihypertensive")
        if evidence:
            yield self._finding(
                Action.MONITOR,
                "Fall risk: low table, help on and off it, sit up slowly before standing.",
                evidence=evidence,
            )


FALL_RISK: Final = FallRiskRule(
    id="core.fall_risk",
    title="Fall risk (transfers and rising)",
    severity=Severity.INFORMATION,
    source=f"{WALTON}, hypertension (orthostatic hypotension on antihypertensives); {NCCAM}",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(flags=frozenset({RiskFlag.FALL_RISK}), medication_classes=_FALL_MEDS),
)


@attrs.frozen(kw_only=True, slots=True)
class TraumaInformedRule(CoreRule):
    """History of abuse: consult, and ask consent before each area.

    Reads the risk flag `medmassage.patient.RiskFlag.HISTORY_OF_ABUSE`. The
    NCCAM backgrounder lists a history of physical abuse among the conditions to
    discuss with the provider before massage. Information: explain each step,
    ask before working each area (a consent to sensitive areas is recorded with
    `medmassage.patient.ConsentScope.SENSITIVE_AREAS`), the patient may stop at
    any time.

    Evidence level: expert_consensus: the earlier NCCAM backgrounder lists a history
    of abuse among the conditions to discuss; asking consent before each area is
    practitioners' consensus, not a guideline.

    Source: NCCAM consumer backgrounder on massage therapy (history of physical
    abuse: consult the provider; superseded by NCCIH, *Massage Therapy: What You
    Need To Know*); consent practice: practitioners' consensus.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Advise a trauma-informed approach."""
        if RiskFlag.HISTORY_OF_ABUSE in context.patient.flags:
            sensitive = context.patient.has_consent(ConsentScope.SENSITIVE_AREAS, context.on)
            yield self._finding(
                Action.MONITOR,
                "History of abuse: explain each step, ask before each area; the patient may "
                "stop at any time"
                + ("." if sensitive else "; no consent to sensitive areas is on file."),
                evidence=("risk flag history_of_abuse",),
            )


TRAUMA_INFORMED: Final = TraumaInformedRule(
    id="core.trauma_informed",
    title="History of abuse (trauma-informed care)",
    severity=Severity.INFORMATION,
    source=f"{NCCAM} (history of physical abuse: consult); consent practice: "
    "practitioners' consensus",
    evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
    triggers=_t(flags=frozenset({RiskFlag.HISTORY_OF_ABUSE})),
)


_CONTACT_ALLERGENS: Final = frozenset(
    {
        AllergyCategory.MASSAGE_OIL,
        AllergyCategory.NUT_OIL,
        AllergyCategory.LOTION,
        AllergyCategory.FRAGRANCE,
        AllergyCategory.LATEX,
        AllergyCategory.ADHESIVE,
    }
)

# The categories' values, built once (not per screened pair).
_CONTACT_VALUES: Final = frozenset(c.value for c in _CONTACT_ALLERGENS)


@attrs.frozen(kw_only=True, slots=True)
class ContactAllergyRule(CoreRule):
    """Allergy to what a massage clinic uses: choose another lubricant, gloves or tape.

    Reads the patient's allergies of the categories a session can expose them to
    (massage oil, nut oil, lotion, fragrance, latex, adhesive); medication and
    other allergies are not a matter for the massage (no rule reads them).
    Relative: the session changes its materials.

    Evidence level: convention: avoiding a known allergen needs no source beyond the
    allergy record (medmassage's convention).

    Source: the patient's recorded allergies (`medmassage.patient.Allergy`).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """One finding naming the allergy categories."""
        allergies = context.patient.allergies
        if not allergies:
            return
        found = sorted({a.category.value for a in allergies} & _CONTACT_VALUES)
        if found:
            yield self._finding(
                Action.MONITOR,
                "Allergy to a massage material: use a lubricant, gloves and tape without it.",
                evidence=[f"allergy {f}" for f in found],
            )


CONTACT_ALLERGY: Final = ContactAllergyRule(
    id="core.contact_allergy",
    title="Allergy to oils, lotions, latex, adhesives",
    severity=Severity.RELATIVE,
    source="The patient's recorded allergies (no source is needed to avoid a known "
    "allergen: medmassage's convention)",
    evidence_level=EvidenceLevel.CONVENTION,
    triggers=None,
)
