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
from ._base import CoreRule, _sites, _t

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

    Evidence level: expert_consensus: practice policies and an older NCCAM
    backgrounder agree on deferring; the 38.0 degC threshold is a convention.

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


FEVER: Final = FeverRule(
    id="core.fever",
    title="Fever or acute systemic infection",
    severity=Severity.ABSOLUTE,
    source="NCCAM backgrounder (attribution UNCONFIRMED); ABMP member practice "
    "policy (cynthialombardi.abmp.com/contraindications); spaverde.pl (> 38 degC)",
    evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
    triggers=_t(FEVER_CODES, vitals=True),
)


LOCAL_INFECTION_CODES: Final = CodeSet("L00", "L02-L08", "A46")


@attrs.frozen(kw_only=True, slots=True)
class LocalInfectionRule(CoreRule):
    """Local skin infection (cellulitis, erysipelas, abscess): avoid the area.

    Local for most massage; for manual lymphatic drainage an acute infection is a
    whole-body contraindication (MLD resumes after 2-3 days of antibiotics with
    improvement; some wait 7-10 days). Codes: L00-L08 (infections of the skin and
    subcutaneous tissue) except L01 (impetigo: contagious, `core.contagious_skin`),
    A46 (erysipelas).

    Evidence level: textbook: Foldi's Textbook of Lymphology (acute infection and
    MLD); local avoidance is the general textbook rule.

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


LOCAL_INFECTION: Final = LocalInfectionRule(
    id="core.local_infection",
    title="Local infection, cellulitis, erysipelas",
    severity=Severity.LOCAL,
    source="ltstherapy.com (Foldi's Textbook of Lymphology); NCCAM backgrounder",
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


OPEN_WOUND: Final = OpenWoundRule(
    id="core.open_wound",
    title="Open or healing wound, burn, ulcer, fragile skin",
    severity=Severity.LOCAL,
    source="NCCIH, Massage Therapy: What You Need To Know; "
    "namu.ca/myofascial-release-mfr/contraindications/",
    evidence_level=EvidenceLevel.GUIDELINE,
    triggers=_t(WOUND_CODES, flags=frozenset({RiskFlag.FRAGILE_SKIN})),
)


@attrs.frozen(kw_only=True, slots=True)
class RecentSurgeryRule(CoreRule):
    """Recent surgery: avoid the site until healed or cleared by the surgeon.

    Structured history (`medmassage.Surgery`): within the policy's no-contact
    window (14 days by default: "two weeks after surgery", Moffitt, as quoted by
    remedial-massage.co.nz; 2-4 weeks per biologyinsights) the site is not touched
    unless the surgeon cleared it; after that and up to the light-only window (12
    weeks by default; "avoid deep tissue 6-12 weeks" comes from a weak site, so
    this is medmassage's convention) only light pressure is used over the site until cleared.
    Surgeon clearance governs (akronmohs.com: 6 weeks after Mohs with MD OK).

    Evidence level: convention: surgeon clearance governs; the 2-week and 12-week
    windows are the project's defaults, not a guideline.

    Source: NCCIH, "Massage Therapy: What You Need To Know" (no massage over
    wounds or weak skin); the time windows are practitioners' secondary sources
    (no guideline found: medmassage's convention); one ABMP member's practice
    policy (physician approval after recent surgery; a practice, not the
    association's guidance).
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
    source="NCCIH, Massage Therapy: What You Need To Know (no massage over wounds); "
    "time windows: no guideline found, medmassage's convention after practitioners' "
    "sources (Moffitt: 'two weeks after surgery'); the surgeon's clearance governs",
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
    local contraindications (tinea, herpes simplex and zoster in the active
    stage) or systemic ones until treated (scabies, impetigo).

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (2019),
    skin conditions; NCCAM backgrounder (not in the area of an infection);
    ltstherapy.com (Foldi's Textbook of Lymphology: acute infection and MLD).
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
    source="Werner, A Massage Therapist's Guide to Pathology, 7th ed. (2019); NCCAM "
    "backgrounder; ltstherapy.com (Foldi)",
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

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (2019),
    skin conditions; NCCAM backgrounder (not in the area of acute inflammation).
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
    source="Werner, A Massage Therapist's Guide to Pathology, 7th ed. (2019); NCCAM backgrounder",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(INFLAMMATORY_SKIN_CODES),
)
