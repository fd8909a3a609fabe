"""Built-in rules of bone, joints and soft tissue.

Fracture, osteoporosis, herniated disc; acute injury and inflammation (sprains,
contusions, gout, rheumatoid flares).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...anatomy import BodyRegion
from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from ...patient import ClinicalStatus, Condition, MedicationClass
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site
from ._base import _R, NCCAM, NCCIH, WERNER, CoreRule, _sites, _t, code_side

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

    Evidence level: textbook: Werner's massage pathology makes an acute fracture a
    local contraindication (work elsewhere on the body is not restricted).

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), fractures; NCCAM consumer backgrounder on massage therapy (no
    massage over a fracture).
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


RECENT_FRACTURE: Final = RecentFractureRule(
    id="core.recent_fracture",
    title="Recent or healing fracture",
    severity=Severity.LOCAL,
    source=f"{WERNER}, fractures; {NCCAM}",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(FRACTURE_CODES),
)


OSTEOPOROSIS_CODES: Final = CodeSet("M80-M81")


@attrs.frozen(kw_only=True, slots=True)
class OsteoporosisRule(CoreRule):
    """Osteoporosis: reduce pressure.

    Codes: M80-M81 (osteoporosis with and without current pathological fracture);
    an active bisphosphonate (prescribed for osteoporosis or bone metastases) is
    taken as a sign of fragile bone too.

    Evidence level: textbook: Werner's massage pathology asks for reduced pressure
    with osteoporosis; no source gives a grade, so Walton grade 3 (Swedish) at most
    is medmassage's convention.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), osteoporosis; NCCAM consumer backgrounder on massage therapy
    (weakened bones); grade limit: medmassage's convention.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure everywhere."""
        codes = [context.evidence(c) for c in context.matching(OSTEOPOROSIS_CODES)]
        if MedicationClass.BISPHOSPHONATE in context.medication_classes:
            codes.append("medication class bisphosphonate (a treatment of osteoporosis)")
        if codes:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Osteoporosis: reduce pressure; no deep pressure over bone.",
                max_grade=PressureGrade.SWEDISH,
                evidence=codes,
            )


OSTEOPOROSIS: Final = OsteoporosisRule(
    id="core.osteoporosis",
    title="Osteoporosis",
    severity=Severity.RELATIVE,
    source=f"{WERNER}, osteoporosis; {NCCAM}; grade limit: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(OSTEOPOROSIS_CODES, medication_classes=frozenset({MedicationClass.BISPHOSPHONATE})),
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

    Evidence level: convention: no guideline or textbook gives a pressure limit over
    a herniated disc; medmassage's convention is a conservative local precaution (no
    direct pressure over the level).

    Source: no guideline or textbook statement was found, so this is medmassage's
    convention. Disc herniation is among the adverse events reported after massage,
    mostly with spinal manipulation (Yin P. et al., Adverse events of massage
    therapy in pain-related conditions: a systematic review, *Evid Based Complement
    Alternat Med* 2014;2014:480956); Werner R., *A Massage Therapist's Guide to
    Pathology*, 7th ed. (2019), disc disease.
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


HERNIATED_DISC: Final = HerniatedDiscRule(
    id="core.herniated_disc",
    title="Herniated intervertebral disc",
    severity=Severity.LOCAL,
    source="No guideline found; medmassage's convention (a conservative local "
    "precaution over the herniated level); Yin et al., Evid Based Complement "
    f"Alternat Med 2014 (adverse events: disc herniation); {WERNER}, disc disease",
    evidence_level=EvidenceLevel.CONVENTION,
    triggers=_t(DISC_CODES),
    regions=frozenset({_R.CERVICAL_SPINE, _R.THORACIC_SPINE, _R.LUMBAR_SPINE, _R.SACRUM}),
)


SOFT_TISSUE_INJURY_CODES: Final = CodeSet(
    "S00", "S10", "S20", "S30", "S40", "S50", "S60", "S70", "S80", "S90",
    "S03", "S13", "S23", "S33", "S43", "S53", "S63", "S73", "S83", "S93",
    "S16", "S29.0", "S39.0", "S46", "S56", "S66", "S76", "S86", "S96",
)  # fmt: skip
GOUT_CODES: Final = CodeSet("M10")
RHEUMATOID_CODES: Final = CodeSet("M05", "M06")
_INFLAMMATION_CODES: Final = CodeSet(*SOFT_TISSUE_INJURY_CODES.patterns, "M05", "M06", "M10")
# The site character of M05, M06 and M10 (the sixth character, ``M10.07-`` "ankle
# and foot"), as the CMS tabular defines it for arthropathies.
_JOINT_SITES: Final[dict[str, tuple[BodyRegion, ...]]] = {
    "1": (_R.SHOULDER,),
    "2": (_R.ELBOW,),
    "3": (_R.WRIST,),
    "4": (_R.HAND,),
    "5": (_R.HIP,),
    "6": (_R.KNEE,),
    "7": (_R.ANKLE, _R.FOOT),
    "8": (_R.CERVICAL_SPINE, _R.THORACIC_SPINE, _R.LUMBAR_SPINE, _R.SACRUM),
}
_MFR: Final = "core.myofascial_release"


def _joint_sites(condition: Condition, code: str) -> tuple[Site, ...]:
    """The joint an arthropathy code names (its sixth character), with the code's side."""
    if condition.region is not None:
        return (Site(region=condition.region, laterality=condition.laterality),)
    regions = _JOINT_SITES.get(code[5:6], ())
    side = condition.laterality or (code_side(code) if regions else None)
    return tuple(Site(region=r, laterality=side if r.sided else None) for r in regions)


@attrs.frozen(kw_only=True, slots=True)
class AcuteInflammationRule(CoreRule):
    """Acute injury and acute inflammation: not over the area while it is acute.

    * Sprains and strains (the ``S_3`` and ``S_6`` injury categories: dislocation
      and sprain of joints and ligaments; injury of muscle, fascia and tendon)
      and contusions (the ``S_0`` superficial-injury categories), initial
      encounter: avoid the injured area; subsequent encounter (healing, 7th
      character ``D``): light pressure only over it; sequela (``S``): nothing.
    * Gout (M10: acute gout, gout attack): avoid the affected joint.
    * Rheumatoid arthritis (M05, M06) in a flare (clinical status *relapse* or
      *recurrence*): avoid the inflamed joints, and no myofascial release (acute
      rheumatoid arthritis is absolute for it); when active without a flare
      recorded: information, check for hot, swollen joints before treatment.

    The area is the recorded region, else the code's (S-codes by category, M05 /
    M06 / M10 by their site character), with the side the code states.

    Evidence level: textbook: Werner's massage pathology makes acute sprains,
    strains, contusions, gout attacks and rheumatoid flares local contraindications
    while acute; ruling out myofascial release in a rheumatoid flare is the
    myofascial-release schools' list (expert consensus). The encounter-based windows
    are medmassage's convention.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), sprains, strains, contusions (bruises), gout, rheumatoid
    arthritis; NCCAM consumer backgrounder on massage therapy (not in the area of
    acute inflammation); NCCIH, *Massage Therapy: What You Need To Know*.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Avoid acute injuries, gouty and flaring joints."""
        flaring = []
        for c in context.matching(_INFLAMMATION_CODES):
            code = c.icd10cm
            assert code is not None
            evidence = (context.evidence(c),)
            if SOFT_TISSUE_INJURY_CODES.matches(code):
                encounter = code[7:8] if len(code) == 8 else ""
                if encounter == "S":
                    continue  # sequela: a late effect, not an acute injury
                if encounter == "D":
                    yield self._finding(
                        Action.LIMIT_PRESSURE,
                        "Healing sprain, strain or contusion: light pressure only over it.",
                        severity=Severity.RELATIVE,
                        regions=_sites(c, code),
                        max_grade=PressureGrade.HEAVY_LOTIONING,
                        evidence=evidence,
                    )
                    continue
                yield self._finding(
                    Action.AVOID_REGION,
                    "Acute sprain, strain or contusion: not over the injured area.",
                    regions=_sites(c, code),
                    evidence=evidence,
                )
            elif GOUT_CODES.matches(code):
                yield self._finding(
                    Action.AVOID_REGION,
                    "Gout: not over the affected joint (acute inflammation).",
                    regions=_joint_sites(c, code),
                    evidence=evidence,
                )
            elif c.status in (ClinicalStatus.RELAPSE, ClinicalStatus.RECURRENCE):
                flaring.append(c)
                yield self._finding(
                    Action.AVOID_REGION,
                    "Rheumatoid arthritis flare: not over the inflamed joints.",
                    regions=_joint_sites(c, code),
                    evidence=evidence,
                )
            else:
                yield self._finding(
                    Action.MONITOR,
                    "Rheumatoid arthritis: check for a flare (hot, swollen, painful joints) "
                    "before treatment, and avoid inflamed joints.",
                    severity=Severity.INFORMATION,
                    evidence=evidence,
                )
        if flaring and context.uses(modality=_MFR):
            yield self._finding(
                Action.AVOID_MODALITY,
                "Acute rheumatoid arthritis: myofascial release is contraindicated.",
                severity=Severity.ABSOLUTE,
                modalities=frozenset({_MFR}),
                evidence=[context.evidence(c) for c in flaring],
            )


ACUTE_INFLAMMATION: Final = AcuteInflammationRule(
    id="core.acute_inflammation",
    title="Acute injury and inflammation (sprain, contusion, gout, rheumatoid flare)",
    severity=Severity.LOCAL,
    source=f"{WERNER}, sprains, strains, contusions, gout, rheumatoid arthritis; "
    f"{NCCAM}; {NCCIH}; myofascial release in a flare: the MFR schools' lists "
    "(expert consensus)",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(_INFLAMMATION_CODES),
)
