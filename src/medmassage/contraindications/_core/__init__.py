"""The built-in contraindication rules (``core.*``), each citing its source.

Conditions are matched by ICD-10-CM code ranges (`CodeSet`, no code table
needed) and by the patient's structured history (medication classes, pregnancy,
surgeries, risk flags, vital signs), never by free text. Every code named here
exists in the CMS ICD-10-CM April 1, 2026 release (``tests/test_rules.py``
checks it).

Sources are those of the project's clinical reference (clinical.md section 2);
items marked UNCONFIRMED there are marked UNCONFIRMED here. The default
severities are the "suggested default" classes of its table 2.3; applications
may reclassify any rule with `medmassage.contraindications.Policy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Final

import attrs

from ...anatomy import BodyRegion, Laterality
from ...codes import CodeSet
from ...modalities import PressureGrade
from ...patient import Condition, MedicationClass, RiskFlag
from .._context import MAX_GESTATION_WEEKS, ScreeningContext
from .._findings import Action, Finding, Severity, Site
from .._protocol import Triggers

__all__ = ["BUILTIN_RULES", "CoreRule"]

_R = BodyRegion
_UPPER: Final = (_R.UPPER_LIMB,)
_LOWER: Final = (_R.LOWER_LIMB,)
# ICD-10-CM category -> body regions, for local conditions recorded without a region.
# (Categories are the CMS tabular's: S01 "Open wound of head" ... S91 "... ankle, foot".)
_CATEGORY_REGIONS: Final[Mapping[str, tuple[BodyRegion, ...]]] = {
    "S01": (_R.HEAD,),
    "S11": (_R.NECK,),
    "S21": (_R.CHEST,),
    "S31": (_R.ABDOMEN, _R.LUMBAR_SPINE, _R.PELVIS),
    "S41": (_R.SHOULDER, _R.UPPER_ARM),
    "S51": (_R.ELBOW, _R.FOREARM),
    "S61": (_R.WRIST, _R.HAND),
    "S71": (_R.HIP, _R.THIGH),
    "S81": (_R.KNEE, _R.LOWER_LEG),
    "S91": (_R.ANKLE, _R.FOOT),
    "S02": (_R.HEAD,),
    "S12": (_R.CERVICAL_SPINE,),
    "S22": (_R.CHEST, _R.THORACIC_SPINE),
    "S32": (_R.LUMBAR_SPINE, _R.PELVIS, _R.SACRUM),
    "S42": (_R.SHOULDER, _R.UPPER_ARM),
    "S52": (_R.FOREARM,),
    "S62": (_R.WRIST, _R.HAND),
    "S72": (_R.HIP, _R.THIGH),
    "S82": (_R.KNEE, _R.LOWER_LEG, _R.ANKLE),
    "S92": (_R.FOOT,),
    "I82": _LOWER,
    "I80": _LOWER,
    "I83": _LOWER,
    "L97": _LOWER,
    "I97": _UPPER,
    "C79": (),
    "M50": (_R.CERVICAL_SPINE,),
    "I71": (_R.CHEST, _R.ABDOMEN),
    "I67": (_R.HEAD,),
    "I72": (),
    "I77": (_R.NECK,),
}
_PAIRED_FOR_SIDE: Final = frozenset({_R.UPPER_LIMB, _R.LOWER_LIMB})


def _sites(condition: Condition, code: str | None) -> tuple[Site, ...]:
    """Where a local condition is: its recorded region, else what its code implies.

    An empty tuple means the region is unknown (the finding then covers the whole
    body, which errs on the side of caution).
    """
    if condition.region is not None:
        return (Site(region=condition.region, laterality=condition.laterality),)
    if code is None:
        return ()
    regions = _CATEGORY_REGIONS.get(code[:3], ())
    if code.startswith("M51."):
        regions = _disc_regions(code)
    elif code.startswith(("I71.3", "I71.4")):
        regions = (_R.ABDOMEN,)
    elif code.startswith(("I71.1", "I71.2")):
        regions = (_R.CHEST,)
    elif code.startswith("I72."):
        regions = _ANEURYSM_SITES.get(code[:5], ())
    return tuple(Site(region=r, laterality=condition.laterality) for r in regions)


_ANEURYSM_SITES: Final[Mapping[str, tuple[BodyRegion, ...]]] = {
    "I72.0": (_R.NECK,),  # carotid artery
    "I72.1": _UPPER,  # artery of upper extremity
    "I72.3": (_R.PELVIS,),  # iliac artery
    "I72.4": _LOWER,  # artery of lower extremity
}


def _disc_regions(code: str) -> tuple[BodyRegion, ...]:
    """Spinal regions of an M51 code from its fifth character (CMS tabular).

    4 thoracic, 5 thoracolumbar, 6 lumbar, 7 lumbosacral; otherwise unspecified
    (thoracic and lumbar spine).
    """
    fifth = code[5:6]
    if fifth == "4":
        return (_R.THORACIC_SPINE,)
    if fifth == "5":
        return (_R.THORACIC_SPINE, _R.LUMBAR_SPINE)
    if fifth == "6":
        return (_R.LUMBAR_SPINE,)
    if fifth == "7":
        return (_R.LUMBAR_SPINE, _R.SACRUM)
    return (_R.THORACIC_SPINE, _R.LUMBAR_SPINE)


@attrs.frozen(kw_only=True, slots=True)
class CoreRule:
    """Base class of the built-in rules: the `Rule` protocol's attributes.

    Attributes:
        id: The rule id (``core.*``).
        title: A short title.
        severity: The severity of the rule's typical finding.
        source: The citation (also in the class docstring).
        triggers: The engine's index keys.
        modalities: Modality codes or tags the rule concerns (empty: all).
        regions: Body regions the rule concerns (empty: any).
        api_version: The plugin API version (1).
    """

    id: str
    title: str
    severity: Severity
    source: str
    triggers: Triggers | None
    modalities: frozenset[str] = frozenset()
    regions: frozenset[BodyRegion] = frozenset()
    api_version: int = 1

    def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
        """Return the findings for *context*."""
        raise NotImplementedError

    def _finding(
        self,
        action: Action,
        rationale: str,
        *,
        severity: Severity | None = None,
        regions: Iterable[Site] = (),
        modalities: frozenset[str] = frozenset(),
        tags: frozenset[str] = frozenset(),
        max_grade: PressureGrade | None = None,
        evidence: Iterable[str] = (),
    ) -> Finding:
        return Finding(
            rule_id=self.id,
            severity=self.severity if severity is None else severity,
            action=action,
            rationale=rationale,
            source=self.source,
            regions=tuple(regions),
            modalities=modalities,
            tags=tags,
            max_grade=max_grade,
            evidence=tuple(evidence),
        )


_DEEP: Final = frozenset({"deep_pressure", "friction", "sustained_pressure"})
_MLD: Final = "core.lymphatic_drainage"
_MFR: Final = "core.myofascial_release"

# -- systemic --------------------------------------------------------------------------

ACUTE_DVT_CODES: Final = CodeSet(
    "I80", "I82.0", "I82.1", "I82.210", "I82.220", "I82.3", "I82.4", "I82.6",
    "I82.A1", "I82.B1", "I82.C1", "I82.890", "I82.90", "I26",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class AcuteDvtRule(CoreRule):
    """Acute deep vein thrombosis, thrombophlebitis or pulmonary embolism: do not treat.

    "Strictly systemically contraindicated"; manual lymphatic drainage may dislodge
    the clot. Codes: I80 (phlebitis and thrombophlebitis), the *acute* I82
    subcategories, I26 (pulmonary embolism).

    Source: somatics.de PathologyBook, Thrombophlebitis; ltstherapy.com (Foldi's
    Textbook of Lymphology); NCCAM backgrounder ("do not massage with DVT").
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Defer for each active acute thrombosis."""
        for c in context.matching(ACUTE_DVT_CODES):
            yield self._finding(
                Action.DEFER,
                "Acute venous thrombosis or thrombophlebitis: massage may dislodge the clot.",
                evidence=(context.evidence(c),),
            )


DVT_HISTORY_CODES: Final = CodeSet("Z86.718", "Z86.711", "I82.5", "I82.7", "I82.91")


@attrs.frozen(kw_only=True, slots=True)
class DvtHistoryRule(CoreRule):
    """History of venous thrombosis, or chronic thrombosis: light pressure on the legs.

    Codes: Z86.718 / Z86.711 (personal history of venous thrombosis / pulmonary
    embolism), I82.5 / I82.7 / I82.91 (chronic thrombosis). Walton recommends
    precautions for at least 6 months after treatment and pressure grade 0
    (stationary hold) in oncology massage; outside oncology the grade limit is a
    policy choice (UNCONFIRMED as a general guideline).

    Source: massagemag.com/gentle-pressure-oncology-massage-28781/;
    nordichousespa.com/post/pressure-in-oncology-massage (Walton Pressure Scale).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure over the limbs once per matching condition."""
        for c in context.matching(DVT_HISTORY_CODES):
            code = c.icd10cm
            limb = _UPPER if code is not None and code.startswith("I82.7") else _LOWER
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Past or chronic venous thrombosis: no strong pressure over the affected limb.",
                regions=(Site(region=r, laterality=c.laterality) for r in limb),
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )


FEVER_CODES: Final = CodeSet(
    "R50", "A40", "A41", "R65.1", "R65.2", "J09-J11", "J12-J18", "J00-J06", "B34", "U07.1",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class FeverRule(CoreRule):
    """Fever or acute systemic infection: defer.

    Matches fever (R50), sepsis (A40, A41, R65.1, R65.2), influenza and pneumonia
    (J09-J18), acute upper respiratory infections (J00-J06), viral infection of
    unspecified site (B34), COVID-19 (U07.1), and a recorded temperature at or
    above the policy's threshold (38.0 degC by default).

    Source: NCCAM backgrounder ("do not massage ... fever"; attribution
    UNCONFIRMED); ABMP member practice policy (no massage with acute infectious
    disease or fever); threshold > 38 degC: spaverde.pl (weak source).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Defer for an infection code or a febrile temperature."""
        for c in context.matching(FEVER_CODES):
            yield self._finding(
                Action.DEFER,
                "Fever or acute systemic infection: defer until it has resolved.",
                evidence=(context.evidence(c),),
            )
        session = context.session
        if session is not None and session.vitals is not None:
            temp = session.vitals.temperature
            if temp is not None and temp.celsius >= context.policy.fever.celsius:
                yield self._finding(
                    Action.DEFER,
                    "Temperature at or above the fever threshold: defer.",
                    evidence=(f"temperature >= {context.policy.fever}",),
                )


LOCAL_INFECTION_CODES: Final = CodeSet("L00-L08", "A46")


@attrs.frozen(kw_only=True, slots=True)
class LocalInfectionRule(CoreRule):
    """Local skin infection (cellulitis, erysipelas, abscess): avoid the area.

    Local for most massage; for manual lymphatic drainage an acute infection is a
    whole-body contraindication (MLD resumes after 2-3 days of antibiotics with
    improvement; some wait 7-10 days). Codes: L00-L08 (infections of the skin and
    subcutaneous tissue), A46 (erysipelas).

    Source: ltstherapy.com (Foldi's Textbook of Lymphology); NCCAM backgrounder
    (not in the area of an infection).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid the infected area; defer lymphatic drainage."""
        for c in context.matching(LOCAL_INFECTION_CODES):
            evidence = (context.evidence(c),)
            yield self._finding(
                Action.AVOID_REGION,
                "Local infection: no contact over the infected area.",
                regions=_sites(c, c.icd10cm),
                evidence=evidence,
            )
            if context.uses(tag="lymphatic"):
                yield self._finding(
                    Action.AVOID_MODALITY,
                    "Acute infection contraindicates manual lymphatic drainage.",
                    severity=Severity.ABSOLUTE,
                    tags=frozenset({"lymphatic"}),
                    evidence=evidence,
                )


WOUND_CODES: Final = CodeSet(
    "S01", "S11", "S21", "S31", "S41", "S51", "S61", "S71", "S81", "S91", "T20-T32",
    "L89", "L97", "L98.4",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class OpenWoundRule(CoreRule):
    """Open or healing wound, burn, ulcer: no contact over it.

    Codes: open wounds S01-S91 (the ``S_1`` categories), burns and corrosions
    T20-T32, pressure ulcers L89, chronic ulcers L97 and L98.4; and the risk flag
    `RiskFlag.FRAGILE_SKIN` (a relative finding: gentle pressure).

    Source: NCCIH, Massage Therapy: What You Need To Know (no massage over weak
    skin such as wounds); namu.ca/myofascial-release-mfr/contraindications/ (open
    wounds, sutures, hematoma); NCCAM backgrounder (fragile skin: consult).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid each wound; limit pressure for fragile skin."""
        for c in context.matching(WOUND_CODES):
            yield self._finding(
                Action.AVOID_REGION,
                "Open or healing wound, burn or ulcer: no contact over it.",
                regions=_sites(c, c.icd10cm),
                evidence=(context.evidence(c),),
            )
        if RiskFlag.FRAGILE_SKIN in context.patient.flags:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Fragile skin: no friction or strong pressure.",
                severity=Severity.RELATIVE,
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=("risk flag fragile_skin",),
            )


@attrs.frozen(kw_only=True, slots=True)
class RecentSurgeryRule(CoreRule):
    """Recent surgery: avoid the site until healed or cleared by the surgeon.

    Structured history (`medmassage.Surgery`): within the policy's no-contact
    window (14 days by default: "two weeks after surgery", Moffitt, as quoted by
    remedial-massage.co.nz; 2-4 weeks per biologyinsights) the site is not touched
    unless the surgeon cleared it; after that and up to the light-only window (12
    weeks by default; "avoid deep tissue 6-12 weeks" on a weak site is
    UNCONFIRMED) only light pressure is used over the site until cleared.
    Surgeon clearance governs (akronmohs.com: 6 weeks after Mohs with MD OK).

    Source: clinical.md section 2.3 "Recent surgery" (secondary sources; time
    windows UNCONFIRMED); ABMP member practice policy (physician approval after
    recent surgery).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """One finding per uncleared recent operation."""
        policy = context.policy
        for s in context.patient.surgeries:
            if s.performed_on > context.on:
                continue
            if s.cleared_on is not None and s.cleared_on <= context.on:
                continue
            days = (context.on - s.performed_on).days
            site = (Site(region=s.region, laterality=s.laterality),)
            if days < policy.surgery_no_contact.minutes / 1440:
                yield self._finding(
                    Action.AVOID_REGION,
                    "Recent surgery: no contact over the operated site until it has healed "
                    "or the surgeon clears it.",
                    regions=site,
                    evidence=(f"surgery {days} days ago, not cleared",),
                )
            elif days < policy.surgery_light_only.minutes / 1440:
                yield self._finding(
                    Action.LIMIT_PRESSURE,
                    "Surgery within the last weeks and not cleared: light pressure only over "
                    "the site; ask the surgeon before deeper work.",
                    severity=Severity.RELATIVE,
                    regions=site,
                    max_grade=PressureGrade.HEAVY_LOTIONING,
                    evidence=(f"surgery {days} days ago, not cleared",),
                )


FRACTURE_CODES: Final = CodeSet(
    "S02", "S12", "S22", "S32", "S42", "S52", "S62", "S72", "S82", "S92",
    "M80", "M84.3-M84.6",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class RecentFractureRule(CoreRule):
    """Recent or healing fracture: avoid the area.

    Codes: fractures S02-S92 (the ``S_2`` categories) except the 7th character
    ``S`` (sequela, i.e. a late effect); pathological and stress fractures M80,
    M84.3-M84.6.

    Source: NCCAM backgrounder ("recent fracture"); namu.ca (healing fracture).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid each unhealed fracture."""
        for c in context.matching(FRACTURE_CODES):
            code = c.icd10cm
            assert code is not None
            if code.startswith("S") and len(code) == 8 and code.endswith("S"):
                continue  # sequela: a late effect, not a healing fracture
            yield self._finding(
                Action.AVOID_REGION,
                "Recent or healing fracture: no pressure over the fracture site.",
                regions=_sites(c, code),
                evidence=(context.evidence(c),),
            )


BLEEDING_CODES: Final = CodeSet("Z79.01", "Z79.02", "D65-D69")
_BLEEDING_MEDS: Final = frozenset(
    {MedicationClass.ANTICOAGULANT, MedicationClass.ANTIPLATELET, MedicationClass.THROMBOLYTIC}
)


@attrs.frozen(kw_only=True, slots=True)
class BleedingRiskRule(CoreRule):
    """Anticoagulants, bleeding disorders, low platelets: no deep or forceful pressure.

    Matches active anticoagulant, antiplatelet or thrombolytic medication, Z79.01 /
    Z79.02 (long-term anticoagulants / antiplatelets), D65-D69 (coagulation
    defects, purpura, thrombocytopenia: D69.6) and the risk flag
    `RiskFlag.BLEEDING_TENDENCY`. Antiplatelets are included as "blood thinners";
    the sources name anticoagulants explicitly.

    Source: NCCIH, Massage Therapy: What You Need To Know (bleeding disorders, low
    platelet counts, blood-thinning medications: avoid forceful and deep tissue
    massage); namu.ca (anticoagulant therapy, MFR).
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


OSTEOPOROSIS_CODES: Final = CodeSet("M80-M81")


@attrs.frozen(kw_only=True, slots=True)
class OsteoporosisRule(CoreRule):
    """Osteoporosis: reduce pressure.

    Codes: M80-M81 (osteoporosis with and without current pathological fracture).

    Source: NCCAM backgrounder (weakened bones: osteoporosis); namu.ca
    (osteoporosis, MFR regional contraindication); clinical.md 2.4 deep tissue.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure everywhere."""
        codes = [context.evidence(c) for c in context.matching(OSTEOPOROSIS_CODES)]
        if codes:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Osteoporosis: reduce pressure; no deep pressure over bone.",
                max_grade=PressureGrade.SWEDISH,
                evidence=codes,
            )


BONE_METASTASIS_CODES: Final = CodeSet("C79.5")


@attrs.frozen(kw_only=True, slots=True)
class BoneMetastasisRule(CoreRule):
    """Bone metastases: no pressure over involved bone; reduce pressure elsewhere.

    Code: C79.5 (secondary malignant neoplasm of bone and bone marrow). Over the
    recorded site: no pressure. If the site is not recorded, the whole body gets
    the pressure limit of suspected bone involvement.

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


RADIATION_CODES: Final = CodeSet("L58", "Z92.3")


@attrs.frozen(kw_only=True, slots=True)
class RadiationSiteRule(CoreRule):
    """Radiation site: avoid inflamed radiated skin.

    Codes: L58 (radiodermatitis: avoid the area); Z92.3 (personal history of
    irradiation: information, inspect the skin, light touch may hurt).

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

    Source: ltstherapy.com (Foldi's Textbook of Lymphology: cardiac oedema);
    wakemedical.massagetherapy.com; middlegeorgiamedicalmassage.com/
    manual-lymphatic-drainage-contraindications; NCCAM backgrounder (heart
    problems: consult provider).
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


KIDNEY_CODES: Final = CodeSet("N17", "N18.4-N18.6", "N19")


@attrs.frozen(kw_only=True, slots=True)
class KidneyFailureRule(CoreRule):
    """Acute kidney failure and manual lymphatic drainage.

    Acute kidney failure (N17) is an absolute contraindication to MLD; severe
    chronic kidney disease (N18.4-N18.6) and unspecified kidney failure (N19) are
    relative, with clearance. Only plans with MLD are affected.

    Source: wakemedical.massagetherapy.com; ltstherapy.com (Foldi: acute renal
    failure); kneadholisticmassage.co.nz/contraindications-to-mld (kidney disease:
    relative).
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

    Source: ABMP member practice policy (no massage with severe uncontrolled
    hypertension); ascensionselfcare.com. The numeric limits are a policy
    choice: the massage sources give none.
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


VARICOSE_CODES: Final = CodeSet("I83")


@attrs.frozen(kw_only=True, slots=True)
class VaricoseVeinsRule(CoreRule):
    """Varicose veins: no deep or direct pressure over them.

    Code: I83 (varicose veins of lower extremities). The side is the condition's
    laterality, else both legs.

    Source: wakemedical.massagetherapy.com; ascensionselfcare.com.
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


_LEGS_AND_HANDS: Final = (Site(region=_R.LOWER_LIMB), Site(region=_R.HAND))
_NECK: Final = (Site(region=_R.NECK),)

HIGH_RISK_PREGNANCY_CODES: Final = CodeSet(
    "O09", "O10-O16", "O20", "O44", "O46", "O60",
)  # fmt: skip
PREGNANT_CODES: Final = CodeSet("Z33.1", "Z3A")


@attrs.frozen(kw_only=True, slots=True)
class PregnancyRule(CoreRule):
    """Pregnancy: stage-dependent positioning and pressure; high risk defers.

    * High-risk pregnancy (recorded as such, or O09 supervision of high-risk
      pregnancy, O10-O16 hypertension / pre-eclampsia, O20 / O46 haemorrhage, O44
      placenta praevia, O60 preterm labour): defer without obstetric clearance.
    * From the policy's week (22 by default): side-lying or semi-reclined, not
      supine (the uterus compresses the vena cava).
    * Throughout: no strong pressure on the legs (clot risk); avoid the acupoints
      LI4 (hand) and SP6 (lower leg) before 40 weeks.
    * First trimester: information only: many therapists decline, which is not
      evidence-based (UNCONFIRMED as a guideline).
    * Pregnant (Z33.1, Z3A) with no gestational age recorded: all positional
      advice applies.

    Source: NCCIH (pregnant women: talk to your provider); massagelamesa.com/
    prenatal-massage-faq.html; theginkgotree.net; hellomotherhood.com;
    thai-massage-therapists.net; ABMP member practice policy (toxemia /
    pre-eclampsia); firmrelievemassage.com.au; massaganista.com.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Advise by stage and risk."""
        pregnancy = context.patient.pregnancy
        coded_risk = [context.evidence(c) for c in context.matching(HIGH_RISK_PREGNANCY_CODES)]
        coded = [context.evidence(c) for c in context.matching(PREGNANT_CODES)]
        if pregnancy is None and not coded and not coded_risk:
            return
        if (pregnancy is not None and pregnancy.high_risk) or coded_risk:
            yield self._finding(
                Action.DEFER,
                "High-risk pregnancy: do not treat without the obstetric team's clearance.",
                severity=Severity.ABSOLUTE,
                evidence=coded_risk or ["pregnancy recorded as high-risk"],
            )
        weeks = pregnancy.weeks_on(context.on) if pregnancy is not None else None
        if pregnancy is not None and weeks is not None and not 0 <= weeks <= MAX_GESTATION_WEEKS:
            # The record cannot be projected to this date (past term, or recorded later):
            # the gestational age is unknown, so every stage's advice applies.
            evidence = [
                f"pregnancy recorded at {pregnancy.gestational_weeks} weeks on "
                f"{pregnancy.recorded_on}; gestational age on {context.on} unknown"
            ]
            weeks = None
        elif weeks is not None:
            evidence = [f"pregnancy, {weeks:.0f} weeks"]
        else:
            evidence = coded or coded_risk
        if weeks is None or weeks >= context.policy.late_pregnancy_weeks:
            yield self._finding(
                Action.CHANGE_POSITION,
                "Later pregnancy: side-lying or semi-reclined, not supine (vena cava compression).",
                evidence=evidence,
            )
        yield self._finding(
            Action.LIMIT_PRESSURE,
            "Pregnancy: no strong pressure on the legs (clot risk); avoid LI4 on the hand "
            "and SP6 above the medial malleolus.",
            regions=_LEGS_AND_HANDS,
            max_grade=PressureGrade.SWEDISH,
            evidence=evidence,
        )
        if weeks is not None and weeks < 14:
            yield self._finding(
                Action.MONITOR,
                "First trimester: many therapists decline (a custom, not evidence-based).",
                severity=Severity.INFORMATION,
                evidence=evidence,
            )


NEUROPATHY_CODES: Final = CodeSet(
    "G60-G64", "E08.4", "E09.4", "E10.4", "E11.4", "E13.4",
)  # fmt: skip
_SENSATION_FLAGS: Final = frozenset(
    {RiskFlag.REDUCED_SENSATION, RiskFlag.CANNOT_COMMUNICATE_PRESSURE}
)


@attrs.frozen(kw_only=True, slots=True)
class NeuropathyRule(CoreRule):
    """Peripheral neuropathy, reduced sensation: light pressure only.

    The patient cannot report excess pressure. Codes: G60-G64 (polyneuropathies
    and other disorders of the peripheral nervous system), diabetes with
    neurological complications (E08.4, E09.4, E10.4, E11.4, E13.4); risk flags
    `RiskFlag.REDUCED_SENSATION` and `RiskFlag.CANNOT_COMMUNICATE_PRESSURE`. Over
    the recorded region, else the whole body.

    Source: NCCAM backgrounder (not in the area of damaged nerves); namu.ca
    (advanced diabetes); massagechairsphilippines.com (weak source).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure where sensation is reduced."""
        for c in context.matching(NEUROPATHY_CODES):
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Neuropathy: reduced sensation, so the patient cannot report excess "
                "pressure; light pressure only.",
                regions=_sites(c, None),
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )
        flags = sorted(f.value for f in context.patient.flags & _SENSATION_FLAGS)
        if flags:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "The patient cannot feel or report excess pressure: light pressure only.",
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=[f"risk flag {f}" for f in flags],
            )


DISC_CODES: Final = CodeSet("M50.0-M50.2", "M51.0-M51.2")


@attrs.frozen(kw_only=True, slots=True)
class HerniatedDiscRule(CoreRule):
    """Herniated (displaced) intervertebral disc: no direct pressure over the level.

    Codes: M50.0-M50.2 (cervical disc disorders with myelopathy, radiculopathy,
    other displacement), M51.0-M51.2 (thoracic, thoracolumbar and lumbosacral).
    The region is the condition's, else the code's: M50 cervical spine; M51 by
    its fifth character (4 thoracic, 5 thoracolumbar, 6 lumbar, 7 lumbosacral).
    Gliding at Walton grade 2 (heavy lotioning) at most over the level.

    Source: "avoid direct pressure" over a herniated disc is UNCONFIRMED: no
    guideline was found (clinical.md section 2.3); it is the local-contraindication
    example of the project's source article. Adverse events after spinal
    manipulation include disc herniation (Yin et al. 2014 review,
    https://www.hindawi.com/journals/ecam/2014/480956/).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid direct pressure over each herniated level."""
        for c in context.matching(DISC_CODES):
            yield self._finding(
                Action.AVOID_REGION,
                "Herniated disc: no direct pressure over the affected spinal level.",
                regions=_sites(c, c.icd10cm),
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )


ANEURYSM_CODES: Final = CodeSet("I71", "I72", "I67.1", "I25.3", "I77.7")


@attrs.frozen(kw_only=True, slots=True)
class AneurysmRule(CoreRule):
    """Aneurysm or arterial dissection: avoid the area; no myofascial release.

    Codes: I71 (aortic aneurysm and dissection), I72 (other aneurysm), I67.1
    (cerebral aneurysm), I25.3 (aneurysm of heart), I77.7 (other arterial
    dissection). Absolute for myofascial release (Barnes school); local
    otherwise, over the recorded or coded region (abdominal aortic aneurysm: the
    abdomen).

    Source: namu.ca/myofascial-release-mfr/contraindications/ (aneurysm:
    absolute); ascensionselfcare.com; middlegeorgiamedicalmassage.com (abdominal
    aortic aneurysm: no abdominal MLD).
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


LYMPHEDEMA_CODES: Final = CodeSet("I89.0", "I97.2", "Q82.0")
_NO_LYMPH_LOAD: Final = frozenset({"deep_pressure", "friction", "heat", "sustained_pressure"})


def _at_risk_limbs(region: BodyRegion, side: Laterality | None) -> tuple[Site, ...]:
    """The limb (and trunk quadrant) drained through nodes removed near *region*."""
    if region in (_R.CHEST, _R.SHOULDER, _R.UPPER_ARM, _R.UPPER_LIMB, _R.NECK):
        return (Site(region=_R.UPPER_LIMB, laterality=side), Site(region=_R.CHEST))
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

    Source: NLN position paper 2012, Lymphedema risk reduction practices
    (docobook.com/topic-lymphedema-risk-reduction-practices.html);
    mettamassagetherapy.com/reprints/lymphedema_risk.htm;
    massagemag.com/gentle-pressure-oncology-massage-28781/ (Walton).
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

    Source: middlegeorgiamedicalmassage.com/manual-lymphatic-drainage-
    contraindications (neck: hyperthyroidism, carotid-sinus hypersensitivity);
    kneadholisticmassage.co.nz (thyroid disease: relative for MLD); Ernst 2003,
    Rheumatology 42:1101 (thyrotoxicosis among adverse events); biologyinsights.com
    (avoid sustained pressure over the anterior neck / carotid sinus; secondary).
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


@attrs.frozen(kw_only=True, slots=True)
class CertificationRule(CoreRule):
    """Modality certifications the practitioner lacks.

    A modality that requires a certification (manual lymphatic drainage:
    ``manual_lymphatic_drainage``) is not given by a practitioner who does not
    hold it in force on the screening date. Without a practitioner to check, the
    finding asks for the certification to be verified.

    Source: the modality's own `medmassage.Modality.required_certifications`
    (e.g. MLD training: Vodder / Foldi schools, clinical.md section 2.4); state
    scope-of-practice rules vary (UNCONFIRMED per jurisdiction).
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


def _t(codes: CodeSet | None = None, **kw: object) -> Triggers:
    return Triggers(icd10cm=codes, **kw)  # type: ignore[arg-type]


#: Every built-in rule, in id order.
BUILTIN_RULES: Final[tuple[CoreRule, ...]] = tuple(
    sorted(
        (
            AcuteDvtRule(
                id="core.acute_dvt",
                title="Acute DVT, thrombophlebitis or pulmonary embolism",
                severity=Severity.ABSOLUTE,
                source="somatics.de PathologyBook, Thrombophlebitis; ltstherapy.com/?p=150 "
                "(Foldi); NCCAM backgrounder",
                triggers=_t(ACUTE_DVT_CODES),
            ),
            DvtHistoryRule(
                id="core.dvt_history",
                title="History of venous thrombosis",
                severity=Severity.RELATIVE,
                source="massagemag.com/gentle-pressure-oncology-massage-28781/; "
                "nordichousespa.com/post/pressure-in-oncology-massage (Walton)",
                triggers=_t(DVT_HISTORY_CODES),
                regions=frozenset(_LOWER + _UPPER),
            ),
            FeverRule(
                id="core.fever",
                title="Fever or acute systemic infection",
                severity=Severity.ABSOLUTE,
                source="NCCAM backgrounder (attribution UNCONFIRMED); ABMP member practice "
                "policy (cynthialombardi.abmp.com/contraindications); spaverde.pl (> 38 degC)",
                triggers=_t(FEVER_CODES, vitals=True),
            ),
            LocalInfectionRule(
                id="core.local_infection",
                title="Local infection, cellulitis, erysipelas",
                severity=Severity.LOCAL,
                source="ltstherapy.com (Foldi's Textbook of Lymphology); NCCAM backgrounder",
                triggers=_t(LOCAL_INFECTION_CODES),
            ),
            OpenWoundRule(
                id="core.open_wound",
                title="Open or healing wound, burn, ulcer, fragile skin",
                severity=Severity.LOCAL,
                source="NCCIH, Massage Therapy: What You Need To Know; "
                "namu.ca/myofascial-release-mfr/contraindications/",
                triggers=_t(WOUND_CODES, flags=frozenset({RiskFlag.FRAGILE_SKIN})),
            ),
            RecentSurgeryRule(
                id="core.recent_surgery",
                title="Recent surgery",
                severity=Severity.LOCAL,
                source="Moffitt via remedial-massage.co.nz ('two weeks after surgery'); "
                "biologyinsights; akronmohs.com; ABMP member practice policy (time windows "
                "UNCONFIRMED)",
                triggers=_t(surgeries=True),
            ),
            RecentFractureRule(
                id="core.recent_fracture",
                title="Recent or healing fracture",
                severity=Severity.LOCAL,
                source="NCCAM backgrounder; namu.ca/myofascial-release-mfr/contraindications/",
                triggers=_t(FRACTURE_CODES),
            ),
            BleedingRiskRule(
                id="core.bleeding_risk",
                title="Anticoagulants, bleeding disorders, thrombocytopenia",
                severity=Severity.RELATIVE,
                source="NCCIH, Massage Therapy: What You Need To Know; namu.ca (MFR)",
                triggers=_t(
                    BLEEDING_CODES,
                    medication_classes=_BLEEDING_MEDS,
                    flags=frozenset({RiskFlag.BLEEDING_TENDENCY}),
                ),
                modalities=_DEEP,
            ),
            OsteoporosisRule(
                id="core.osteoporosis",
                title="Osteoporosis",
                severity=Severity.RELATIVE,
                source="NCCAM backgrounder; namu.ca/myofascial-release-mfr/contraindications/",
                triggers=_t(OSTEOPOROSIS_CODES),
            ),
            BoneMetastasisRule(
                id="core.bone_metastasis",
                title="Bone metastases",
                severity=Severity.RELATIVE,
                source="massagemag.com/gentle-pressure-oncology-massage-28781/ (Walton); "
                "NCCAM backgrounder",
                triggers=_t(BONE_METASTASIS_CODES),
            ),
            ActiveCancerRule(
                id="core.active_cancer",
                title="Active cancer, tumour site, chemotherapy",
                severity=Severity.LOCAL,
                source="NCCIH; ltstherapy.com (Foldi); wakemedical.massagetherapy.com/"
                "appointment-contraindications; ABMP member practice policy",
                triggers=_t(
                    CANCER_CODES, medication_classes=frozenset({MedicationClass.CHEMOTHERAPY})
                ),
            ),
            RadiationSiteRule(
                id="core.radiation_site",
                title="Radiation site",
                severity=Severity.LOCAL,
                source="NCCAM backgrounder; zeel.com",
                triggers=_t(RADIATION_CODES),
            ),
            HeartFailureRule(
                id="core.heart_failure",
                title="Heart failure (manual lymphatic drainage)",
                severity=Severity.ABSOLUTE,
                source="ltstherapy.com (Foldi); wakemedical.massagetherapy.com; "
                "middlegeorgiamedicalmassage.com/manual-lymphatic-drainage-contraindications",
                triggers=_t(HEART_FAILURE_CODES),
                modalities=frozenset({"lymphatic"}),
            ),
            KidneyFailureRule(
                id="core.kidney_failure",
                title="Acute kidney failure (manual lymphatic drainage)",
                severity=Severity.ABSOLUTE,
                source="wakemedical.massagetherapy.com; ltstherapy.com (Foldi); "
                "kneadholisticmassage.co.nz/contraindications-to-mld",
                triggers=_t(KIDNEY_CODES),
                modalities=frozenset({"lymphatic"}),
            ),
            HypertensionRule(
                id="core.hypertension",
                title="Severe uncontrolled hypertension",
                severity=Severity.ABSOLUTE,
                source="ABMP member practice policy; ascensionselfcare.com; thresholds: "
                "ACC/AHA 2017 (Whelton et al., Hypertension 2018;71:e13)",
                triggers=_t(CodeSet("I10-I16"), vitals=True),
            ),
            VaricoseVeinsRule(
                id="core.varicose_veins",
                title="Varicose veins",
                severity=Severity.LOCAL,
                source="wakemedical.massagetherapy.com; ascensionselfcare.com",
                triggers=_t(VARICOSE_CODES),
                regions=frozenset(_LOWER),
            ),
            PregnancyRule(
                id="core.pregnancy",
                title="Pregnancy",
                severity=Severity.RELATIVE,
                source="NCCIH; massagelamesa.com/prenatal-massage-faq.html; "
                "theginkgotree.net; hellomotherhood.com; ABMP member practice policy; "
                "firmrelievemassage.com.au",
                triggers=_t(
                    CodeSet("O09", "O10-O16", "O20", "O44", "O46", "O60", "Z33.1", "Z3A"),
                    pregnancy=True,
                ),
            ),
            NeuropathyRule(
                id="core.neuropathy",
                title="Peripheral neuropathy, reduced sensation",
                severity=Severity.RELATIVE,
                source="NCCAM backgrounder (damaged nerves); namu.ca (advanced diabetes)",
                triggers=_t(NEUROPATHY_CODES, flags=_SENSATION_FLAGS),
            ),
            HerniatedDiscRule(
                id="core.herniated_disc",
                title="Herniated intervertebral disc",
                severity=Severity.LOCAL,
                source="UNCONFIRMED: no guideline found (clinical.md 2.3); the source "
                "article's local-contraindication example",
                triggers=_t(DISC_CODES),
                regions=frozenset(
                    {_R.CERVICAL_SPINE, _R.THORACIC_SPINE, _R.LUMBAR_SPINE, _R.SACRUM}
                ),
            ),
            AneurysmRule(
                id="core.aneurysm",
                title="Aneurysm or arterial dissection",
                severity=Severity.LOCAL,
                source="namu.ca/myofascial-release-mfr/contraindications/; "
                "ascensionselfcare.com; middlegeorgiamedicalmassage.com",
                triggers=_t(ANEURYSM_CODES),
            ),
            LymphedemaRule(
                id="core.lymphedema",
                title="Lymphoedema and at-risk limbs",
                severity=Severity.LOCAL,
                source="NLN position paper 2012 (docobook.com/topic-lymphedema-risk-"
                "reduction-practices.html); mettamassagetherapy.com/reprints/"
                "lymphedema_risk.htm; massagemag.com (Walton)",
                triggers=_t(LYMPHEDEMA_CODES, surgeries=True),
            ),
            NeckVesselsThyroidRule(
                id="core.neck_vessels_thyroid",
                title="Carotid and thyroid conditions (neck work)",
                severity=Severity.LOCAL,
                source="middlegeorgiamedicalmassage.com; kneadholisticmassage.co.nz; "
                "Ernst 2003 Rheumatology 42:1101; biologyinsights.com",
                triggers=_t(CodeSet("I65.2", "I77.71", "G90.01", "I72.0", "E00-E07")),
                regions=frozenset({_R.NECK}),
            ),
            CertificationRule(
                id="core.certification",
                title="Modality certification",
                severity=Severity.ABSOLUTE,
                source="The modality's required_certifications (MLD: Vodder / Foldi "
                "training, clinical.md 2.4)",
                triggers=_t(certifications=True),
            ),
        ),
        key=lambda r: r.id,
    )
)
