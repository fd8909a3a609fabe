"""Built-in rules of bone and spine: fracture, osteoporosis, herniated disc."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity
from ._base import _R, CoreRule, _sites, _t

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

    Evidence level: expert_consensus: NCCAM backgrounder (attribution unconfirmed)
    and the Barnes myofascial school agree.

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


RECENT_FRACTURE: Final = RecentFractureRule(
    id="core.recent_fracture",
    title="Recent or healing fracture",
    severity=Severity.LOCAL,
    source="NCCAM backgrounder; namu.ca/myofascial-release-mfr/contraindications/",
    evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
    triggers=_t(FRACTURE_CODES),
)


OSTEOPOROSIS_CODES: Final = CodeSet("M80-M81")


@attrs.frozen(kw_only=True, slots=True)
class OsteoporosisRule(CoreRule):
    """Osteoporosis: reduce pressure.

    Codes: M80-M81 (osteoporosis with and without current pathological fracture).

    Evidence level: expert_consensus: NCCAM backgrounder and the Barnes myofascial
    school; no grade limit is published.

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


OSTEOPOROSIS: Final = OsteoporosisRule(
    id="core.osteoporosis",
    title="Osteoporosis",
    severity=Severity.RELATIVE,
    source="NCCAM backgrounder; namu.ca/myofascial-release-mfr/contraindications/",
    evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
    triggers=_t(OSTEOPOROSIS_CODES),
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

    Evidence level: convention: no guideline or textbook statement was found; a
    conservative local precaution.

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


HERNIATED_DISC: Final = HerniatedDiscRule(
    id="core.herniated_disc",
    title="Herniated intervertebral disc",
    severity=Severity.LOCAL,
    source="UNCONFIRMED: no guideline found (clinical.md 2.3); the source "
    "article's local-contraindication example",
    evidence_level=EvidenceLevel.CONVENTION,
    triggers=_t(DISC_CODES),
    regions=frozenset({_R.CERVICAL_SPINE, _R.THORACIC_SPINE, _R.LUMBAR_SPINE, _R.SACRUM}),
)
