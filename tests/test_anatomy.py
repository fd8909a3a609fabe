"""Body regions and laterality (medmassage.anatomy).

Laterality codes are the SNOMED CT qualifier values named in issue 2 and used by
HL7 FHIR bodySite laterality: 7771000 |Left|, 24028007 |Right|, 51440002 |Right
and left|. Region codes are DICOM PS3.16 CID 4031 "Common Anatomic Regions".
"""

from __future__ import annotations

import pytest

from medmassage.anatomy import BodyRegion, Laterality, regions_overlap


def test_laterality_snomed_codes() -> None:
    """Each laterality carries its SNOMED CT qualifier code."""
    assert Laterality.LEFT.snomed == "7771000"
    assert Laterality.RIGHT.snomed == "24028007"
    assert Laterality.BILATERAL.snomed == "51440002"


@pytest.mark.parametrize(
    ("region", "code", "display"),
    [
        (BodyRegion.SHOULDER, "16982005", "Shoulder"),
        (BodyRegion.LUMBAR_SPINE, "122496007", "Lumbar spine"),
        (BodyRegion.KNEE, "72696002", "Knee"),
        (BodyRegion.ENTIRE_BODY, "38266002", "Entire body"),
    ],
)
def test_region_snomed_codes(region: BodyRegion, code: str, display: str) -> None:
    """Each body region carries its SNOMED CT code and display name."""
    assert region.snomed == code
    assert region.display == display


def test_every_region_is_mapped_and_codes_are_distinct() -> None:
    """Every body region has a numeric SNOMED CT code and no two share one."""
    codes = [r.snomed for r in BodyRegion]
    assert len(set(codes)) == len(codes)
    assert all(c.isdigit() for c in codes)
    assert all(r.display for r in BodyRegion)


def test_paired_regions() -> None:
    """Limbs and paired joints are paired; midline regions are not."""
    assert BodyRegion.SHOULDER.paired
    assert BodyRegion.FOOT.paired
    assert BodyRegion.TEMPOROMANDIBULAR_JOINT.paired
    assert BodyRegion.LOWER_LIMB.paired
    assert not BodyRegion.LUMBAR_SPINE.paired
    assert not BodyRegion.NECK.paired
    assert not BodyRegion.ENTIRE_BODY.paired


def test_contains() -> None:
    """A limb region contains its parts, and no region contains an unrelated one."""
    assert BodyRegion.LOWER_LIMB.contains(BodyRegion.KNEE)
    assert BodyRegion.UPPER_LIMB.contains(BodyRegion.HAND)
    assert not BodyRegion.UPPER_LIMB.contains(BodyRegion.KNEE)
    assert BodyRegion.KNEE.contains(BodyRegion.KNEE)
    assert not BodyRegion.KNEE.contains(BodyRegion.LOWER_LIMB)
    assert all(BodyRegion.ENTIRE_BODY.contains(r) for r in BodyRegion)
    assert BodyRegion.HEAD.contains(BodyRegion.TEMPOROMANDIBULAR_JOINT)
    assert BodyRegion.PELVIS.contains(BodyRegion.SACRUM)


def test_covers() -> None:
    """A side covers itself and an unspecified side, but not the opposite side."""
    left, right, both = Laterality.LEFT, Laterality.RIGHT, Laterality.BILATERAL
    assert left.covers(left)
    assert left.covers(None)
    assert not left.covers(right)
    assert both.covers(left)
    assert both.covers(right)
    assert left.covers(both)


def test_regions_overlap() -> None:
    """Regions overlap when one contains the other on a compatible side."""
    left, right = Laterality.LEFT, Laterality.RIGHT
    limb, knee = BodyRegion.LOWER_LIMB, BodyRegion.KNEE
    assert regions_overlap(limb, left, knee, left)
    assert regions_overlap(knee, left, limb, left)
    assert not regions_overlap(limb, left, knee, right)
    assert regions_overlap(limb, None, knee, right)  # side unknown: overlap, to be safe
    assert regions_overlap(limb, left, knee, None)
    assert not regions_overlap(BodyRegion.NECK, None, knee, left)
    # unpaired regions ignore sides
    assert regions_overlap(BodyRegion.ENTIRE_BODY, left, knee, right)
