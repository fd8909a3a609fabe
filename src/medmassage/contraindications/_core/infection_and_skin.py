"""Built-in rules of infection and the skin.

Fever, local infection, contagious and inflammatory skin conditions, wounds, and
the operated site of a recent surgery (a healing wound).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from ...patient import RiskFlag
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site
from ._base import FOLDI, NCCAM, NCCIH, WERNER, CoreRule, _sites, _t

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

    Evidence level: textbook: Werner's massage pathology makes fever and acute
    systemic infection a systemic contraindication. No source gives a temperature;
    medmassage's convention is 38.0 degC, the usual clinical definition of fever
    (the policy's fever threshold).

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), fever and acute infections (systemic contraindication while
    acute); NCCAM consumer backgrounder on massage therapy (no massage with a fever;
    superseded by NCCIH, *Massage Therapy: What You Need To Know*). Threshold:
    medmassage's convention.
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


FEVER: Final = FeverRule(
    id="core.fever",
    title="Fever or acute systemic infection",
    severity=Severity.ABSOLUTE,
    source=f"{WERNER}, fever and acute infections; {NCCAM}; 38.0 degC threshold: "
    "medmassage's convention (no source gives a number)",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(FEVER_CODES, vitals=True),
)


LOCAL_INFECTION_CODES: Final = CodeSet("L00", "L02-L08", "A46")


@attrs.frozen(kw_only=True, slots=True)
class LocalInfectionRule(CoreRule):
    """Local skin infection (cellulitis, erysipelas, abscess): avoid the area.

    Local for most massage; for manual lymphatic drainage an acute infection is a
    whole-body contraindication (when MLD may resume under antibiotics is the
    treating physician's decision). Codes: L00-L08 (infections of the skin and
    subcutaneous tissue) except L01 (impetigo: contagious, `core.contagious_skin`),
    A46 (erysipelas).

    Evidence level: textbook: Foldi's Textbook of Lymphology (acute infection
    contraindicates MLD); Werner's massage pathology (cellulitis, erysipelas: no
    massage over the infection).

    Source: Foldi M., Foldi E., *Foldi's Textbook of Lymphology*, 3rd ed. (Elsevier,
    2012), contraindications to manual lymph drainage (acute infection); Werner R.,
    *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of Discovery, 2019),
    skin infections (cellulitis, erysipelas); NCCAM consumer backgrounder on massage
    therapy (not in the area of an infection).
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


LOCAL_INFECTION: Final = LocalInfectionRule(
    id="core.local_infection",
    title="Local infection, cellulitis, erysipelas",
    severity=Severity.LOCAL,
    source=f"{FOLDI}, contraindications to manual lymph drainage; {WERNER}, skin "
    f"infections; {NCCAM}",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(LOCAL_INFECTION_CODES),
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

    Evidence level: guideline: NCCIH consumer guidance: no massage over weak skin
    such as wounds.

    Source: NCCIH, *Massage Therapy: What You Need To Know* (no massage over weak
    skin such as wounds); Werner R., *A Massage Therapist's Guide to Pathology*, 7th
    ed. (Books of Discovery, 2019), burns, ulcers, wounds (local contraindication);
    NCCAM consumer backgrounder on massage therapy (fragile skin: consult the
    provider).
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


OPEN_WOUND: Final = OpenWoundRule(
    id="core.open_wound",
    title="Open or healing wound, burn, ulcer, fragile skin",
    severity=Severity.LOCAL,
    source=f"{NCCIH}; {WERNER}, burns, ulcers, wounds; {NCCAM} (fragile skin)",
    evidence_level=EvidenceLevel.GUIDELINE,
    triggers=_t(WOUND_CODES, flags=frozenset({RiskFlag.FRAGILE_SKIN})),
)


@attrs.frozen(kw_only=True, slots=True)
class RecentSurgeryRule(CoreRule):
    """Recent surgery: avoid the site until healed or cleared by the surgeon.

    Structured history (`medmassage.Surgery`): within the policy's no-contact
    window (14 days by default) the site is not touched unless the surgeon
    cleared it; after that and up to the light-only window (12 weeks by
    default) only light pressure is used over the site until cleared. The
    surgeon's clearance governs: it ends both windows.

    Evidence level: convention: no guideline or textbook gives a time window after
    surgery; medmassage's convention is 2 weeks without contact and 12 weeks of
    light pressure, and the surgeon's clearance overrides both.

    Source: NCCIH, *Massage Therapy: What You Need To Know* (no massage over wounds
    or weak skin); Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed.
    (Books of Discovery, 2019) (a surgical site is a local contraindication until
    healed); time windows: medmassage's convention.
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


RECENT_SURGERY: Final = RecentSurgeryRule(
    id="core.recent_surgery",
    title="Recent surgery",
    severity=Severity.LOCAL,
    source=f"{NCCIH} (no massage over wounds); {WERNER} (surgical site); time "
    "windows: no guideline found, medmassage's convention; the surgeon's clearance governs",
    evidence_level=EvidenceLevel.CONVENTION,
    triggers=_t(surgeries=True),
)


CONTAGIOUS_SKIN_CODES: Final = CodeSet("B35", "B00", "B02", "B86", "L01")
# Spread by contact, linens and the therapist's hands beyond the lesion: defer until
# treated (scabies, impetigo); disseminated or central herpes infections are systemic.
_DEFER_SKIN: Final = CodeSet(
    "B86", "L01", "B00.3", "B00.4", "B00.7", "B02.0", "B02.1", "B02.7",
)  # fmt: skip


@attrs.frozen(kw_only=True, slots=True)
class ContagiousSkinRule(CoreRule):
    """Contagious skin conditions: avoid the area, or defer until treated.

    * Scabies (B86) and impetigo (L01) spread by skin contact and shared linens
      beyond what can be seen: defer until treated and healed.
    * Herpes simplex (B00) and herpes zoster (B02): avoid the lesions and the
      affected dermatome while they are active (blisters, crusts); disseminated
      or central nervous system infection (B00.3, B00.4, B00.7, B02.0, B02.1,
      B02.7) defers treatment.
    * Dermatophytosis, tinea (B35): avoid the affected area (ringworm, athlete's
      foot); no contact over it and hand hygiene after the session.

    The area is the condition's recorded region, else the whole body (a finding
    that avoids everywhere until the site is recorded). Manual lymphatic
    drainage is ruled out by any acute infection (Foldi).

    Evidence level: textbook: Werner's massage pathology classes these conditions as
    local contraindications (tinea, herpes simplex and zoster in the active stage)
    or systemic ones until treated (scabies, impetigo).

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), fungal infections (tinea), herpes simplex, scabies, impetigo;
    herpes zoster; Foldi M., Foldi E., *Foldi's Textbook of Lymphology*, 3rd ed.
    (Elsevier, 2012) (acute infection contraindicates MLD).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Defer scabies, impetigo and disseminated herpes; avoid other lesions."""
        found = list(context.matching(CONTAGIOUS_SKIN_CODES))
        for c in found:
            evidence = (context.evidence(c),)
            if _DEFER_SKIN.matches(c.icd10cm):
                yield self._finding(
                    Action.DEFER,
                    "Contagious skin condition that spreads beyond the lesions (or a "
                    "disseminated infection): defer until treated and healed.",
                    severity=Severity.ABSOLUTE,
                    evidence=evidence,
                )
            else:
                yield self._finding(
                    Action.AVOID_REGION,
                    "Contagious skin lesions: no contact over the affected area; hand "
                    "hygiene after the session.",
                    regions=_sites(c, c.icd10cm),
                    evidence=evidence,
                )
        if found and context.uses(tag="lymphatic"):
            yield self._finding(
                Action.AVOID_MODALITY,
                "Acute infection contraindicates manual lymphatic drainage.",
                severity=Severity.ABSOLUTE,
                tags=frozenset({"lymphatic"}),
                evidence=[context.evidence(c) for c in found],
            )


CONTAGIOUS_SKIN: Final = ContagiousSkinRule(
    id="core.contagious_skin",
    title="Contagious skin conditions (tinea, herpes, scabies, impetigo)",
    severity=Severity.LOCAL,
    source=f"{WERNER}, tinea, herpes simplex, herpes zoster, scabies, impetigo; "
    f"{FOLDI} (acute infection and MLD)",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(CONTAGIOUS_SKIN_CODES),
)


INFLAMMATORY_SKIN_CODES: Final = CodeSet("L40", "L20", "L21", "L23-L25", "L30.9")


@attrs.frozen(kw_only=True, slots=True)
class InflammatorySkinRule(CoreRule):
    """Psoriasis and eczema: not contagious; a local precaution over active lesions.

    Codes: L40 (psoriasis), L20 (atopic dermatitis), L21 (seborrhoeic
    dermatitis), L23-L25 (contact dermatitis), L30.9 (dermatitis, unspecified).
    Over the recorded region: no friction or pressure over broken, weeping or
    inflamed lesions. Without a region: inspect the skin before treatment and
    use a lubricant the patient tolerates (information). Massage elsewhere is
    not restricted.

    Evidence level: textbook: Werner's massage pathology treats psoriasis and eczema
    as non-contagious, local cautions in the acute stage.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), psoriasis, eczema and dermatitis; NCCAM consumer backgrounder
    on massage therapy (not in the area of acute inflammation).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid the recorded lesions; otherwise ask for a skin check."""
        for c in context.matching(INFLAMMATORY_SKIN_CODES):
            evidence = (context.evidence(c),)
            if c.region is not None:
                yield self._finding(
                    Action.AVOID_REGION,
                    "Psoriasis or eczema: no friction or pressure over broken, weeping or "
                    "inflamed lesions.",
                    regions=_sites(c, None),
                    max_grade=PressureGrade.LIGHT_LOTIONING,
                    evidence=evidence,
                )
            else:
                yield self._finding(
                    Action.MONITOR,
                    "Psoriasis or eczema (not contagious): inspect the skin; avoid broken or "
                    "inflamed lesions; use a lubricant the patient tolerates.",
                    severity=Severity.INFORMATION,
                    evidence=evidence,
                )


INFLAMMATORY_SKIN: Final = InflammatorySkinRule(
    id="core.inflammatory_skin",
    title="Psoriasis and eczema (non-contagious skin conditions)",
    severity=Severity.LOCAL,
    source=f"{WERNER}, psoriasis, eczema and dermatitis; {NCCAM}",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(INFLAMMATORY_SKIN_CODES),
)
