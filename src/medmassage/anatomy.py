"""Body regions and laterality, as closed enumerations mapped to SNOMED CT.

Region codes are the SNOMED CT concepts of DICOM PS3.16 context group CID 4031
"Common Anatomic Regions" (DICOM Standard, part 16, 2022b). Laterality codes are
the SNOMED CT qualifier values ``7771000 |Left|``, ``24028007 |Right|`` and
``51440002 |Right and left|`` (bilateral), as used by HL7 FHIR ``bodySite``
laterality.

A region is *paired* when the body has a left and a right one (a shoulder, a
foot): treatment of a paired region must say which side. Limb regions
(`BodyRegion.UPPER_LIMB`, `BodyRegion.LOWER_LIMB`) contain the parts of the
limb, and `BodyRegion.ENTIRE_BODY` contains every region, so a finding about a
limb applies to a segment over the knee on the same side:

>>> BodyRegion.LOWER_LIMB.contains(BodyRegion.KNEE)
True
>>> BodyRegion.SHOULDER.snomed
'16982005'
>>> Laterality.BILATERAL.covers(Laterality.LEFT)
True
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["BodyRegion", "Laterality", "regions_overlap"]


class Laterality(enum.Enum):
    """The side of the body (SNOMED CT qualifier values)."""

    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"

    @property
    def snomed(self) -> str:
        """The SNOMED CT concept id of this laterality."""
        return _LATERALITY_SNOMED[self]

    def covers(self, other: Laterality | None) -> bool:
        """Tell whether this side includes *other* (bilateral covers both sides).

        ``None`` (side not stated) overlaps every side, so screening errs on the
        side of caution.
        """
        if other is None or self is other:
            return True
        return self is Laterality.BILATERAL or other is Laterality.BILATERAL


_LATERALITY_SNOMED: Final = {
    Laterality.LEFT: "7771000",
    Laterality.RIGHT: "24028007",
    Laterality.BILATERAL: "51440002",
}


class BodyRegion(enum.Enum):
    """A treatable body region (SNOMED CT concept of DICOM CID 4031)."""

    ENTIRE_BODY = "entire_body"
    HEAD = "head"
    JAW = "jaw"
    TEMPOROMANDIBULAR_JOINT = "temporomandibular_joint"
    NECK = "neck"
    CERVICAL_SPINE = "cervical_spine"
    THORACIC_SPINE = "thoracic_spine"
    LUMBAR_SPINE = "lumbar_spine"
    SACRUM = "sacrum"
    CHEST = "chest"
    ABDOMEN = "abdomen"
    PELVIS = "pelvis"
    UPPER_LIMB = "upper_limb"
    SHOULDER = "shoulder"
    UPPER_ARM = "upper_arm"
    ELBOW = "elbow"
    FOREARM = "forearm"
    WRIST = "wrist"
    HAND = "hand"
    LOWER_LIMB = "lower_limb"
    HIP = "hip"
    THIGH = "thigh"
    KNEE = "knee"
    LOWER_LEG = "lower_leg"
    ANKLE = "ankle"
    FOOT = "foot"

    @property
    def snomed(self) -> str:
        """The SNOMED CT concept id of this region."""
        return _REGION_SNOMED[self][0]

    @property
    def display(self) -> str:
        """The SNOMED CT / DICOM display name of this region."""
        return _REGION_SNOMED[self][1]

    @property
    def paired(self) -> bool:
        """Whether the region exists on both sides, so a side must be given."""
        return self._paired  # type: ignore[attr-defined,no-any-return]

    @property
    def sided(self) -> bool:
        """Whether a side given with the region is kept: every paired region, and the chest.

        The chest is one region, so it needs no side, but a side may be given (a
        pacemaker under the left clavicle, a port on the right): then work on the
        other side of the chest does not overlap it.
        """
        return self._sided  # type: ignore[attr-defined,no-any-return]

    def contains(self, other: BodyRegion) -> bool:
        """Tell whether *other* is this region or a part of it."""
        return other is self or other in _PARTS.get(self, ())


def regions_overlap(
    a: BodyRegion,
    a_side: Laterality | None,
    b: BodyRegion,
    b_side: Laterality | None,
) -> bool:
    """Tell whether two (region, side) pairs touch the same part of the body.

    Regions overlap when one contains the other; sides overlap unless they are
    opposite (left vs right). Sides count only when both regions keep one
    (`BodyRegion.sided`: the paired regions and the chest); other regions
    ignore sides.

    >>> regions_overlap(BodyRegion.CHEST, Laterality.LEFT, BodyRegion.CHEST, Laterality.RIGHT)
    False
    """
    if not (a.contains(b) or b.contains(a)):
        return False
    if not (a.sided and b.sided) or a_side is None:
        return True
    return a_side.covers(b_side)


# DICOM PS3.16 CID 4031 "Common Anatomic Regions" (SCT code, code meaning).
_REGION_SNOMED: Final = {
    BodyRegion.ENTIRE_BODY: ("38266002", "Entire body"),
    BodyRegion.HEAD: ("69536005", "Head"),
    BodyRegion.JAW: ("661005", "Jaw region"),
    BodyRegion.TEMPOROMANDIBULAR_JOINT: ("53620006", "Temporomandibular joint"),
    BodyRegion.NECK: ("45048000", "Neck"),
    BodyRegion.CERVICAL_SPINE: ("122494005", "Cervical spine"),
    BodyRegion.THORACIC_SPINE: ("122495006", "Thoracic spine"),
    BodyRegion.LUMBAR_SPINE: ("122496007", "Lumbar spine"),
    BodyRegion.SACRUM: ("54735007", "Sacrum"),
    BodyRegion.CHEST: ("816094009", "Chest"),
    BodyRegion.ABDOMEN: ("818981001", "Abdomen"),
    BodyRegion.PELVIS: ("816092008", "Pelvis"),
    BodyRegion.UPPER_LIMB: ("53120007", "Upper limb"),
    BodyRegion.SHOULDER: ("16982005", "Shoulder"),
    BodyRegion.UPPER_ARM: ("40983000", "Upper arm"),
    BodyRegion.ELBOW: ("16953009", "Elbow joint"),
    BodyRegion.FOREARM: ("14975008", "Forearm"),
    BodyRegion.WRIST: ("74670003", "Wrist joint"),
    BodyRegion.HAND: ("85562004", "Hand"),
    BodyRegion.LOWER_LIMB: ("61685007", "Lower limb"),
    BodyRegion.HIP: ("29836001", "Hip"),
    BodyRegion.THIGH: ("68367000", "Thigh"),
    BodyRegion.KNEE: ("72696002", "Knee"),
    BodyRegion.LOWER_LEG: ("30021000", "Lower leg"),
    BodyRegion.ANKLE: ("70258002", "Ankle joint"),
    BodyRegion.FOOT: ("56459004", "Foot"),
}

_UPPER_LIMB_PARTS: Final = frozenset(
    {
        BodyRegion.SHOULDER,
        BodyRegion.UPPER_ARM,
        BodyRegion.ELBOW,
        BodyRegion.FOREARM,
        BodyRegion.WRIST,
        BodyRegion.HAND,
    }
)
_LOWER_LIMB_PARTS: Final = frozenset(
    {
        BodyRegion.HIP,
        BodyRegion.THIGH,
        BodyRegion.KNEE,
        BodyRegion.LOWER_LEG,
        BodyRegion.ANKLE,
        BodyRegion.FOOT,
    }
)
_PAIRED: Final = (
    _UPPER_LIMB_PARTS
    | _LOWER_LIMB_PARTS
    | {BodyRegion.UPPER_LIMB, BodyRegion.LOWER_LIMB, BodyRegion.TEMPOROMANDIBULAR_JOINT}
)
# Stored on each member: a frozenset lookup would call Enum.__hash__, written in
# Python, on a hot validation path.
_SIDED: Final = _PAIRED | {BodyRegion.CHEST}
for _region in BodyRegion:
    _region._paired = _region in _PAIRED  # type: ignore[attr-defined]
    _region._sided = _region in _SIDED  # type: ignore[attr-defined]
del _region

_PARTS: Final[dict[BodyRegion, frozenset[BodyRegion]]] = {
    BodyRegion.ENTIRE_BODY: frozenset(BodyRegion),
    BodyRegion.UPPER_LIMB: _UPPER_LIMB_PARTS,
    BodyRegion.LOWER_LIMB: _LOWER_LIMB_PARTS,
    BodyRegion.HEAD: frozenset({BodyRegion.JAW, BodyRegion.TEMPOROMANDIBULAR_JOINT}),
    BodyRegion.JAW: frozenset({BodyRegion.TEMPOROMANDIBULAR_JOINT}),
    BodyRegion.NECK: frozenset({BodyRegion.CERVICAL_SPINE}),
    BodyRegion.PELVIS: frozenset({BodyRegion.SACRUM}),
}
