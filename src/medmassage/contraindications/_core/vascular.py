"""Built-in rules of the blood and the vessels.

Thrombosis, bleeding risk, blood pressure, varicose veins, aneurysm, and the
neck's vessels (with the thyroid: that rule is about work on the neck).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from ...patient import MedicationClass, RiskFlag
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site
from ._base import (
    _LIMBS,
    _LOWER,
    _R,
    _UPPER,
    ERNST,
    FOLDI,
    NCCAM,
    NCCIH,
    WALTON,
    WERNER,
    CoreRule,
    _sites,
    _t,
)

ACUTE_DVT_CODES: Final = CodeSet(
    "I80", "I81", "I82.0", "I82.1", "I82.210", "I82.220", "I82.290", "I82.3", "I82.4",
    "I82.6", "I82.A1", "I82.B1", "I82.C1", "I82.890", "I82.90", "I26", "I67.6",
    "O22.2", "O22.3", "O22.5", "O87.0", "O87.1", "O87.3", "O88.2",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class AcuteDvtRule(CoreRule):
    """Acute deep vein thrombosis, thrombophlebitis or pulmonary embolism: do not treat.

    "Strictly systemically contraindicated"; manual lymphatic drainage may dislodge
    the clot. Thrombosis in every coding the tabular has for it: I80 (phlebitis
    and thrombophlebitis, superficial vessels included: a superficial clot may
    extend into the deep veins), I81 (portal vein), the *acute* I82
    subcategories (vena cava and other thoracic veins, limbs, axillary,
    subclavian, jugular), I26 (pulmonary embolism), I67.6 (intracranial venous
    thrombosis); in pregnancy and the puerperium O22.2 / O87.0 (superficial
    thrombophlebitis), O22.3 / O87.1 (deep phlebothrombosis), O22.5 / O87.3
    (cerebral venous thrombosis) and O88.2 (obstetric thromboembolism).

    Evidence level: textbook: Werner's massage pathology classes deep vein
    thrombosis and thrombophlebitis as a systemic contraindication until the
    physician has cleared it, and Foldi's Textbook of Lymphology names acute
    thrombosis an absolute contraindication to MLD.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), deep vein thrombosis, thrombophlebitis; Foldi M., Foldi E.,
    *Foldi's Textbook of Lymphology*, 3rd ed. (Elsevier, 2012), contraindications to
    manual lymph drainage; NCCAM consumer backgrounder on massage therapy (no
    massage with a blood clot; since superseded by NCCIH, *Massage Therapy: What You
    Need To Know*).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Defer for each active acute thrombosis."""
        for c in context.matching(ACUTE_DVT_CODES):
            yield self._finding(
                Action.DEFER,
                "Acute venous thrombosis or thrombophlebitis: massage may dislodge the clot.",
                evidence=(context.evidence(c),),
            )


ACUTE_DVT: Final = AcuteDvtRule(
    id="core.acute_dvt",
    title="Acute DVT, thrombophlebitis or pulmonary embolism",
    severity=Severity.ABSOLUTE,
    source=f"{WERNER}, deep vein thrombosis, "
    f"thrombophlebitis; {FOLDI}, contraindications to manual lymph drainage; {NCCAM}",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(ACUTE_DVT_CODES),
)


DVT_HISTORY_CODES: Final = CodeSet(
    "Z86.718", "Z86.711", "Z86.72", "I82.5", "I82.7", "I82.211", "I82.221", "I82.291",
    "I82.A2", "I82.B2", "I82.C2", "I82.891", "I82.91",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class DvtHistoryRule(CoreRule):
    """History of venous thrombosis, or chronic thrombosis: light pressure on the legs.

    Codes: Z86.718 / Z86.711 / Z86.72 (personal history of venous thrombosis,
    pulmonary embolism, thrombophlebitis) and the chronic I82 subcategories (I82.5
    legs, I82.7 arms, I82.A2 / I82.B2 axillary and subclavian, I82.C2 jugular,
    I82.211 / I82.221 / I82.291 venae cavae and thoracic veins, I82.891, I82.91).
    The affected limb is the code's (its side too: I82.511 is the right leg); a
    code that names no limb (a history code, I82.91) covers all four limbs, as
    the site is unknown. Walton's decision rules restrict pressure on a limb
    where a clot has been or is likely (her pressure scale gives the limit in
    grades); the grade-2 limit for every patient with a past clot is
    medmassage's choice.

    Evidence level: textbook: Walton's textbook sets the pressure precaution for a
    raised clot risk; no source gives a grade outside oncology, so medmassage's
    convention is Walton grade 2 (heavy lotioning) on the affected limb.

    Source: Walton T., *Medical Conditions and Massage Therapy: A Decision Tree
    Approach* (Lippincott Williams & Wilkins, 2011), the pressure scale and the
    cancer chapter (risk of deep vein thrombosis); Werner R., *A Massage Therapist's
    Guide to Pathology*, 7th ed. (2019), deep vein thrombosis.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure over the limbs once per matching condition."""
        for c in context.matching(DVT_HISTORY_CODES):
            where = _sites(c, c.icd10cm) or tuple(
                Site(region=r, laterality=c.laterality) for r in _LIMBS
            )
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Past or chronic venous thrombosis: no strong pressure over the affected limb.",
                regions=where,
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )


DVT_HISTORY: Final = DvtHistoryRule(
    id="core.dvt_history",
    title="History of venous thrombosis",
    severity=Severity.RELATIVE,
    source=f"{WALTON}, pressure scale, cancer chapter (DVT risk); {WERNER}, deep vein "
    "thrombosis; grade limit outside oncology: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(DVT_HISTORY_CODES),
    regions=frozenset(_LOWER + _UPPER),
)


THROMBOPHILIA_CODES: Final = CodeSet("D68.5", "D68.6")


@attrs.frozen(kw_only=True, slots=True)
class ThrombophiliaRule(CoreRule):
    """Thrombophilia: a clotting risk, so no strong pressure on the legs and watch for a clot.

    Codes: D68.5 (primary thrombophilia: activated protein C resistance / factor V
    Leiden, prothrombin gene mutation) and D68.6 (other thrombophilia:
    antiphospholipid and lupus anticoagulant syndromes). These raise the risk of
    venous thrombosis, not of bleeding (the bleeding rule does not claim them):
    no deep or sustained pressure on the legs, where a deep vein thrombosis
    would be, and a check for its signs (a swollen, warm, painful calf) before
    treatment. With anticoagulants recorded, the bleeding rule applies too.

    Evidence level: convention: no guideline or textbook names thrombophilia;
    medmassage's convention applies the textbooks' precaution for a raised risk of
    deep vein thrombosis to it.

    Source: Walton T., *Medical Conditions and Massage Therapy* (2011), cancer
    chapter (pressure where deep vein thrombosis is a risk); Werner R., *A Massage
    Therapist's Guide to Pathology*, 7th ed. (2019), deep vein thrombosis (risk
    factors, signs); CMS ICD-10-CM tabular (D68.5, D68.6: thrombophilia).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure on the legs and ask for a clot check, once per condition."""
        for c in context.matching(THROMBOPHILIA_CODES):
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Thrombophilia (clotting risk): no deep or sustained pressure on the legs; "
                "check for signs of a clot (swollen, warm, painful calf) before treatment.",
                regions=(Site(region=_R.LOWER_LIMB),),
                max_grade=PressureGrade.SWEDISH,
                evidence=(context.evidence(c),),
            )


THROMBOPHILIA: Final = ThrombophiliaRule(
    id="core.thrombophilia",
    title="Thrombophilia (clotting risk)",
    severity=Severity.RELATIVE,
    source=f"No source names thrombophilia: medmassage's convention after {WALTON}, "
    f"cancer chapter (DVT risk) and {WERNER}, deep vein thrombosis",
    evidence_level=EvidenceLevel.CONVENTION,
    triggers=_t(THROMBOPHILIA_CODES),
    regions=frozenset(_LOWER),
)


BLEEDING_CODES: Final = CodeSet("Z79.01", "Z79.02", "D65-D67", "D68.0-D68.4", "D68.8-D68.9", "D69")
_BLEEDING_MEDS: Final = frozenset(
    {MedicationClass.ANTICOAGULANT, MedicationClass.ANTIPLATELET, MedicationClass.THROMBOLYTIC}
)
_DEEP: Final = frozenset({"deep_pressure", "friction", "sustained_pressure"})


@attrs.frozen(kw_only=True, slots=True)
class BleedingRiskRule(CoreRule):
    """Anticoagulants, bleeding disorders, low platelets: no deep or forceful pressure.

    Matches active anticoagulant, antiplatelet or thrombolytic medication, Z79.01 /
    Z79.02 (long-term anticoagulants / antiplatelets), D65-D69 (coagulation
    defects, purpura, thrombocytopenia: D69.6) except D68.5 / D68.6
    (thrombophilia: a clotting risk, `core.thrombophilia`) and the risk flag
    `RiskFlag.BLEEDING_TENDENCY`. Antiplatelets are included as "blood thinners";
    the sources name anticoagulants explicitly.

    Evidence level: guideline: NCCIH consumer guidance names bleeding disorders, low
    platelets and blood thinners.

    Source: NCCIH, *Massage Therapy: What You Need To Know* (bleeding disorders, low
    platelet counts, blood-thinning medications: avoid forceful and deep tissue
    massage); Walton T., *Medical Conditions and Massage Therapy* (2011)
    (anticoagulants and low platelets: pressure limits against bruising); Ernst E.,
    The safety of massage therapy, *Rheumatology* 2003;42:1101-1106 (haematoma among
    the reported adverse events).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """One finding naming everything that raises the bleeding risk."""
        evidence = [f"medication class {m.value}" for m in sorted(
            context.medication_classes & _BLEEDING_MEDS, key=lambda m: m.value
        )]  # fmt: skip
        evidence.extend(context.evidence(c) for c in context.matching(BLEEDING_CODES))
        if RiskFlag.BLEEDING_TENDENCY in context.patient.flags:
            evidence.append("risk flag bleeding_tendency")
        if evidence:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Bleeding risk: no deep or forceful pressure (bruising, haematoma).",
                max_grade=PressureGrade.SWEDISH,
                tags=_DEEP,
                evidence=evidence,
            )


BLEEDING_RISK: Final = BleedingRiskRule(
    id="core.bleeding_risk",
    title="Anticoagulants, bleeding disorders, thrombocytopenia",
    severity=Severity.RELATIVE,
    source=f"{NCCIH}; {WALTON} (anticoagulants, low platelets); {ERNST} (haematoma)",
    evidence_level=EvidenceLevel.GUIDELINE,
    triggers=_t(
        BLEEDING_CODES,
        medication_classes=_BLEEDING_MEDS,
        flags=frozenset({RiskFlag.BLEEDING_TENDENCY}),
    ),
    modalities=_DEEP,
)


CRISIS_CODES: Final = CodeSet("I16")
HYPERTENSION_CODES: Final = CodeSet("I10-I15")


@attrs.frozen(kw_only=True, slots=True)
class HypertensionRule(CoreRule):
    """Severe uncontrolled hypertension: defer.

    I16 (hypertensive crisis: urgency, emergency) or a session blood pressure at or
    above the policy's limits (180 mmHg systolic or 120 mmHg diastolic by default,
    the ACC/AHA 2017 crisis threshold, Whelton et al. Hypertension 2018;71:e13)
    defers treatment. Known hypertension (I10-I15) without a measurement in the
    session is information: take the blood pressure first.

    Evidence level: guideline: the ACC/AHA 2017 guideline defines the crisis
    thresholds (a blood pressure that needs medical evaluation now); the massage
    texts give no number.

    Source: Whelton P.K. et al., 2017 ACC/AHA/AAPA/ABC/ACPM/AGS/APhA/ASH/ASPC/
    NMA/PCNA Guideline for the Prevention, Detection, Evaluation, and Management of
    High Blood Pressure in Adults, *Hypertension* 2018;71:e13-e115 (hypertensive
    urgency and emergency); Werner R., *A Massage Therapist's Guide to Pathology*,
    7th ed. (2019), hypertension (uncontrolled hypertension: consult the physician);
    Walton T., *Medical Conditions and Massage Therapy* (2011), hypertension.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Defer for a crisis; ask for a measurement otherwise."""
        for c in context.matching(CRISIS_CODES):
            yield self._finding(
                Action.DEFER,
                "Hypertensive crisis: defer and refer.",
                evidence=(context.evidence(c),),
            )
        vitals = context.session.vitals if context.session is not None else None
        policy = context.policy
        systolic = vitals.systolic if vitals is not None else None
        diastolic = vitals.diastolic if vitals is not None else None
        if systolic is not None or diastolic is not None:
            high = (
                systolic is not None and systolic.canonical >= policy.systolic_limit.canonical
            ) or (diastolic is not None and diastolic.canonical >= policy.diastolic_limit.canonical)
            if high:
                yield self._finding(
                    Action.DEFER,
                    "Blood pressure at or above the crisis threshold: defer and refer.",
                    evidence=(
                        f"blood pressure >= {policy.systolic_limit} systolic or "
                        f">= {policy.diastolic_limit} diastolic",
                    ),
                )
            return
        known = [context.evidence(c) for c in context.matching(HYPERTENSION_CODES)]
        if known:
            yield self._finding(
                Action.MONITOR,
                "Known hypertension: measure blood pressure before treatment.",
                severity=Severity.INFORMATION,
                evidence=known,
            )


HYPERTENSION: Final = HypertensionRule(
    id="core.hypertension",
    title="Severe uncontrolled hypertension",
    severity=Severity.ABSOLUTE,
    source="Thresholds: ACC/AHA 2017 guideline (Whelton et al., Hypertension "
    f"2018;71:e13-e115); {WERNER}, hypertension; {WALTON}, hypertension",
    evidence_level=EvidenceLevel.GUIDELINE,
    triggers=_t(CodeSet("I10-I16"), vitals=True),
)


VARICOSE_CODES: Final = CodeSet("I83")


@attrs.frozen(kw_only=True, slots=True)
class VaricoseVeinsRule(CoreRule):
    """Varicose veins: no deep or direct pressure over them.

    Code: I83 (varicose veins of lower extremities). The side is the condition's
    laterality, else both legs.

    Evidence level: textbook: Werner's massage pathology makes varicose veins a
    local contraindication to deep or specific pressure over them.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), varicose veins; Walton T., *Medical Conditions and Massage
    Therapy* (2011), varicose veins.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure over the affected leg."""
        for c in context.matching(VARICOSE_CODES):
            yield self._finding(
                Action.AVOID_REGION,
                "Varicose veins: no deep or direct pressure over them.",
                regions=_sites(c, c.icd10cm),
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )


VARICOSE_VEINS: Final = VaricoseVeinsRule(
    id="core.varicose_veins",
    title="Varicose veins",
    severity=Severity.LOCAL,
    source=f"{WERNER}, varicose veins; {WALTON}, varicose veins",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(VARICOSE_CODES),
    regions=frozenset(_LOWER),
)


ANEURYSM_CODES: Final = CodeSet("I71", "I72", "I67.1", "I25.3", "I77.7")
_MFR: Final = "core.myofascial_release"


@attrs.frozen(kw_only=True, slots=True)
class AneurysmRule(CoreRule):
    """Aneurysm or arterial dissection: avoid the area; no myofascial release.

    Codes: I71 (aortic aneurysm and dissection), I72 (other aneurysm), I67.1
    (cerebral aneurysm), I25.3 (aneurysm of heart), I77.7 (other arterial
    dissection). Local, over the recorded or coded region (abdominal aortic
    aneurysm: the abdomen); absolute for myofascial release, whose sustained
    deep traction the myofascial-release schools rule out with an aneurysm (a
    practitioners' list, no textbook or guideline behind it).

    Evidence level: textbook: Werner's massage pathology rules out pressure over a
    known aneurysm; the myofascial-release part is expert consensus only.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), aneurysm; Foldi M., Foldi E., *Foldi's Textbook of
    Lymphology*, 3rd ed. (2012) (abdominal aortic aneurysm: no abdominal lymph
    drainage); Ernst E., The safety of massage therapy, *Rheumatology*
    2003;42:1101-1106 (pseudoaneurysm among the reported adverse events).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid the aneurysm's region; rule out MFR."""
        found = list(context.matching(ANEURYSM_CODES))
        for c in found:
            yield self._finding(
                Action.AVOID_REGION,
                "Aneurysm or dissection: no pressure over the vessel's region.",
                regions=_sites(c, c.icd10cm),
                evidence=(context.evidence(c),),
            )
        if found and context.uses(modality=_MFR):
            yield self._finding(
                Action.AVOID_MODALITY,
                "Aneurysm: myofascial release is contraindicated.",
                severity=Severity.ABSOLUTE,
                modalities=frozenset({_MFR}),
                evidence=[context.evidence(c) for c in found],
            )


ANEURYSM: Final = AneurysmRule(
    id="core.aneurysm",
    title="Aneurysm or arterial dissection",
    severity=Severity.LOCAL,
    source=f"{WERNER}, aneurysm; {FOLDI} (abdominal aortic aneurysm); {ERNST}; "
    "myofascial release: the MFR schools' lists (expert consensus)",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(ANEURYSM_CODES),
)


_NECK: Final = (Site(region=_R.NECK),)
CAROTID_CODES: Final = CodeSet("I65.2", "I77.71", "G90.01", "I72.0")
HYPERTHYROID_CODES: Final = CodeSet("E05")
THYROID_CODES: Final = CodeSet("E00-E07")


@attrs.frozen(kw_only=True, slots=True)
class NeckVesselsThyroidRule(CoreRule):
    """Carotid disease, carotid sinus hypersensitivity, thyroid disease: care on the neck.

    * Carotid stenosis (I65.2), carotid dissection (I77.71) or aneurysm (I72.0),
      carotid sinus syncope (G90.01): no sustained or deep pressure on the neck.
    * Hyperthyroidism (E05): gentle neck work only (thyrotoxicosis after neck
      massage is among the reported adverse events).
    * Other thyroid disease (E00-E07) with lymphatic drainage of the neck:
      clearance first.

    Evidence level: textbook: Foldi's Textbook of Lymphology names hyperthyroidism
    and carotid sinus hypersensitivity as contraindications to treatment of the
    neck; a systematic review of adverse events (Ernst 2003) reports thyrotoxicosis
    and strokes after massage. The clearance for other thyroid disease is
    medmassage's convention.

    Source: Foldi M., Foldi E., *Foldi's Textbook of Lymphology*, 3rd ed. (Elsevier,
    2012), contraindications to manual lymph drainage (neck treatment); Ernst E.,
    The safety of massage therapy, *Rheumatology* 2003;42:1101-1106 (thyrotoxicosis,
    cerebrovascular accidents); Werner R., *A Massage Therapist's Guide to
    Pathology*, 7th ed. (2019), hyperthyroidism.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Restrict neck work."""
        neck = _NECK
        for c in context.matching(CAROTID_CODES):
            yield self._finding(
                Action.AVOID_REGION,
                "Carotid disease or hypersensitivity: no sustained or deep pressure on the neck.",
                regions=neck,
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )
        for c in context.matching(THYROID_CODES):
            code = c.icd10cm
            if HYPERTHYROID_CODES.matches(code):
                yield self._finding(
                    Action.LIMIT_PRESSURE,
                    "Hyperthyroidism: gentle work only on the front of the neck.",
                    regions=neck,
                    max_grade=PressureGrade.HEAVY_LOTIONING,
                    evidence=(context.evidence(c),),
                )
            elif context.uses(tag="lymphatic") and context.works_on(_R.NECK):
                yield self._finding(
                    Action.OBTAIN_CLEARANCE,
                    "Thyroid disease: lymphatic drainage of the neck only with clearance.",
                    severity=Severity.RELATIVE,
                    regions=neck,
                    tags=frozenset({"lymphatic"}),
                    evidence=(context.evidence(c),),
                )


NECK_VESSELS_THYROID: Final = NeckVesselsThyroidRule(
    id="core.neck_vessels_thyroid",
    title="Carotid and thyroid conditions (neck work)",
    severity=Severity.LOCAL,
    source=f"{FOLDI}, contraindications to neck treatment; {ERNST}; {WERNER}, "
    "hyperthyroidism; clearance for other thyroid disease: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(CodeSet("I65.2", "I77.71", "G90.01", "I72.0", "E00-E07")),
    regions=frozenset({_R.NECK}),
)
