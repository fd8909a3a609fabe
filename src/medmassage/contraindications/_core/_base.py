"""What the built-in rules share: their base class, `CoreRule`, and where a condition is.

`_sites` places a local condition by its recorded region, else by its ICD-10-CM
category (the category -> region table below).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from ...anatomy import BodyRegion, Laterality
from ...codes import CodeSet, lookup_icd10cm
from ...evidence import EvidenceLevel
from ...exceptions import MedmassageError
from ...modalities import PressureGrade
from ...patient import Condition
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site, _built_finding
from .._protocol import Triggers

#: The primary sources the built-in rules cite, spelled once (each rule adds the
#: chapter, condition or section it rests on).
WERNER: Final = (
    "Werner R., A Massage Therapist's Guide to Pathology, 7th ed. (Books of Discovery, 2019)"
)
WALTON: Final = (
    "Walton T., Medical Conditions and Massage Therapy: A Decision Tree Approach "
    "(Lippincott Williams & Wilkins, 2011)"
)
FOLDI: Final = "Foldi M., Foldi E., Foldi's Textbook of Lymphology, 3rd ed. (Elsevier, 2012)"
NCCIH: Final = "NCCIH, Massage Therapy: What You Need To Know"
#: The earlier consumer backgrounder of NCCIH's predecessor (NCCAM), whose
#: condition list the current NCCIH page no longer gives in full.
NCCAM: Final = "NCCAM consumer backgrounder on massage therapy (superseded by the NCCIH page)"
ERNST: Final = "Ernst E., The safety of massage therapy, Rheumatology 2003;42:1101-1106"
CORBIN: Final = (
    "Corbin L., Safety and efficacy of massage therapy for patients with cancer, "
    "Cancer Control 2005;12(3):158-164"
)

_R = BodyRegion
_UPPER: Final = (_R.UPPER_LIMB,)
_LOWER: Final = (_R.LOWER_LIMB,)
_LIMBS: Final = (_R.UPPER_LIMB, _R.LOWER_LIMB)
_RENAL: Final = (_R.ABDOMEN, _R.LUMBAR_SPINE)
_ILIAC: Final = (_R.ABDOMEN, _R.PELVIS)
_AORTA: Final = (_R.CHEST, _R.ABDOMEN)

# ICD-10-CM code -> body regions, for local conditions recorded without a region.
# Keys are categories or subcategories of the CMS tabular; the longest key that
# begins a code wins, so ``I77.72`` (dissection of iliac artery) is the pelvis
# whatever ``I77`` says. An empty tuple is a site the code does not state (the
# finding then covers the whole body). Categories: S01 "Open wound of head" ...
# S91 "... ankle, foot"; S02 ... S92 fractures; I71 aorta; I72 other aneurysm;
# I77.7 other arterial dissection; I80 / I82 venous thrombosis.
_CODE_REGIONS: Final[Mapping[str, tuple[BodyRegion, ...]]] = {
    "S00": (_R.HEAD,),
    "S01": (_R.HEAD,),
    "S02": (_R.HEAD,),
    "S03": (_R.HEAD, _R.JAW),
    "S10": (_R.NECK,),
    "S11": (_R.NECK,),
    "S12": (_R.CERVICAL_SPINE,),
    "S13": (_R.NECK, _R.CERVICAL_SPINE),
    "S16": (_R.NECK,),
    "S20": (_R.CHEST,),
    "S21": (_R.CHEST,),
    "S22": (_R.CHEST, _R.THORACIC_SPINE),
    "S23": (_R.CHEST, _R.THORACIC_SPINE),
    "S29": (_R.CHEST, _R.THORACIC_SPINE),
    "S30": (_R.ABDOMEN, _R.LUMBAR_SPINE, _R.PELVIS),
    "S31": (_R.ABDOMEN, _R.LUMBAR_SPINE, _R.PELVIS),
    "S32": (_R.LUMBAR_SPINE, _R.PELVIS, _R.SACRUM),
    "S33": (_R.LUMBAR_SPINE, _R.PELVIS, _R.SACRUM),
    "S39": (_R.ABDOMEN, _R.LUMBAR_SPINE, _R.PELVIS),
    "S40": (_R.SHOULDER, _R.UPPER_ARM),
    "S41": (_R.SHOULDER, _R.UPPER_ARM),
    "S42": (_R.SHOULDER, _R.UPPER_ARM),
    "S43": (_R.SHOULDER,),
    "S46": (_R.SHOULDER, _R.UPPER_ARM),
    "S50": (_R.ELBOW, _R.FOREARM),
    "S51": (_R.ELBOW, _R.FOREARM),
    "S52": (_R.FOREARM,),
    "S53": (_R.ELBOW,),
    "S56": (_R.ELBOW, _R.FOREARM),
    "S60": (_R.WRIST, _R.HAND),
    "S61": (_R.WRIST, _R.HAND),
    "S62": (_R.WRIST, _R.HAND),
    "S63": (_R.WRIST, _R.HAND),
    "S66": (_R.WRIST, _R.HAND),
    "S70": (_R.HIP, _R.THIGH),
    "S71": (_R.HIP, _R.THIGH),
    "S72": (_R.HIP, _R.THIGH),
    "S73": (_R.HIP,),
    "S76": (_R.HIP, _R.THIGH),
    "S80": (_R.KNEE, _R.LOWER_LEG),
    "S81": (_R.KNEE, _R.LOWER_LEG),
    "S82": (_R.KNEE, _R.LOWER_LEG, _R.ANKLE),
    "S83": (_R.KNEE,),
    "S86": (_R.KNEE, _R.LOWER_LEG),
    "S90": (_R.ANKLE, _R.FOOT),
    "S91": (_R.ANKLE, _R.FOOT),
    "S92": (_R.FOOT,),
    "S93": (_R.ANKLE, _R.FOOT),
    "S96": (_R.ANKLE, _R.FOOT),
    # Veins. I80.0-I80.3, I82.4 / I82.5 (deep veins of the lower extremity) are
    # the legs; I82.6 / I82.7, I82.A (axillary) the arm; I82.B (subclavian) the
    # arm, shoulder and neck; I82.C (internal jugular) the neck; I82.0 (Budd-Chiari)
    # the abdomen; I82.2 (venae cavae, thoracic veins) chest and abdomen; I82.3
    # (renal vein) abdomen and flank; I80.8 / I80.9, I82.1, I82.8, I82.9: unstated.
    "I80": _LOWER,
    "I80.8": (),
    "I80.9": (),
    "I82": (),
    "I82.0": (_R.ABDOMEN,),
    "I82.2": _AORTA,
    "I82.3": _RENAL,
    "I82.4": _LOWER,
    "I82.5": _LOWER,
    "I82.6": _UPPER,
    "I82.7": _UPPER,
    "I82.A": _UPPER,
    "I82.B": (_R.UPPER_LIMB, _R.NECK),
    "I82.C": (_R.NECK,),
    "I83": _LOWER,
    "O22.0": _LOWER,
    "O87.4": _LOWER,
    "L97": _LOWER,
    "I97": _UPPER,
    "C79": (),
    "M50": (_R.CERVICAL_SPINE,),
    # Arteries. I71 aorta (thoracic: chest; abdominal: abdomen; thoracoabdominal
    # or unspecified: both); I72 and I77.7 by the artery the code names.
    "I71": _AORTA,
    "I71.01": (_R.CHEST,),
    "I71.02": (_R.ABDOMEN,),
    "I71.1": (_R.CHEST,),
    "I71.2": (_R.CHEST,),
    "I71.3": (_R.ABDOMEN,),
    "I71.4": (_R.ABDOMEN,),
    "I67": (_R.HEAD,),
    "I25.3": (_R.CHEST,),
    "I72": (),
    "I72.0": (_R.NECK,),  # carotid artery
    "I72.1": _UPPER,  # artery of upper extremity
    "I72.2": _RENAL,  # renal artery
    "I72.3": _ILIAC,  # iliac artery
    "I72.4": _LOWER,  # artery of lower extremity
    "I72.5": (_R.NECK,),  # other precerebral arteries
    "I72.6": (_R.NECK,),  # vertebral artery
    "I77": (),
    "I77.71": (_R.NECK,),  # carotid artery
    "I77.72": _ILIAC,  # iliac artery
    "I77.73": _RENAL,  # renal artery
    "I77.74": (_R.NECK,),  # vertebral artery
    "I77.75": (_R.NECK,),  # other precerebral arteries
    "I77.76": _UPPER,  # artery of upper extremity
    "I77.77": _LOWER,  # artery of lower extremity
}


def code_regions(code: str) -> tuple[BodyRegion, ...]:
    """The body regions an ICD-10-CM *code* (dotted) names; empty if it names none."""
    if code.startswith("M51."):
        return _disc_regions(code)
    for end in range(len(code), 2, -1):
        regions = _CODE_REGIONS.get(code[:end])
        if regions is not None:
            return regions
    return ()


def code_side(code: str) -> Laterality | None:
    """The side the CMS description of ICD-10-CM *code* states, if it states one.

    ``I83.91`` "... of right lower extremity" is the right, ``I82.402`` the left,
    ``I80.03`` "..., bilateral" both; a description naming neither side, or
    both, gives ``None`` (either side). Codes unknown to the bundled release
    give ``None`` too.
    """
    try:
        words = set(_WORD.findall(lookup_icd10cm(code).description.lower()))
    except MedmassageError:
        return None
    if "bilateral" in words:
        return Laterality.BILATERAL
    right, left = "right" in words, "left" in words
    if right and not left:
        return Laterality.RIGHT
    if left and not right:
        return Laterality.LEFT
    return None


_WORD: Final = re.compile(r"[a-z]+")


def _sites(condition: Condition, code: str | None) -> tuple[Site, ...]:
    """Where a local condition is: its recorded region, else what its code implies.

    The side is the condition's laterality, else the side the code states
    (`code_side`) when the code's regions are sided. An empty tuple means the
    region is unknown (the finding then covers the whole body, which errs on the
    side of caution).
    """
    if condition.region is not None:
        return (Site(region=condition.region, laterality=condition.laterality),)
    if code is None:
        return ()
    regions = code_regions(code)
    side = condition.laterality
    if side is None and any(r.sided for r in regions):
        side = code_side(code)
    return tuple(Site(region=r, laterality=side if r.sided else None) for r in regions)


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
        evidence_level: The kind of source the rule rests on (also in the class
            docstring); every finding of the rule carries it.
        triggers: The engine's index keys.
        modalities: Modality codes or tags the rule concerns (empty: all).
        regions: Body regions the rule concerns (empty: any).
        api_version: The plugin API version (1).
    """

    id: str
    title: str
    severity: Severity
    source: str
    evidence_level: EvidenceLevel
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
        return _built_finding(
            self.id,
            self.severity if severity is None else severity,
            action,
            rationale,
            self.source,
            tuple(regions),
            modalities,
            tags,
            max_grade,
            tuple(evidence),
            self.evidence_level,
        )


def _t(codes: CodeSet | None = None, **kw: object) -> Triggers:
    return Triggers(icd10cm=codes, **kw)  # type: ignore[arg-type]
