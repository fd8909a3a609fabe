"""What the built-in rules share: their base class, `CoreRule`, and where a condition is.

`_sites` places a local condition by its recorded region, else by its ICD-10-CM
category (the category -> region table below).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from ...anatomy import BodyRegion
from ...codes import CodeSet
from ...modalities import PressureGrade
from ...patient import Condition
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site
from .._protocol import Triggers

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


def _t(codes: CodeSet | None = None, **kw: object) -> Triggers:
    return Triggers(icd10cm=codes, **kw)  # type: ignore[arg-type]
