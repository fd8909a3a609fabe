"""The lower limb: the LEFS and the FFI (foot) (private).

See the package docstring for the sources and conventions every instrument follows.
"""

from __future__ import annotations

from ...evidence import EvidenceLevel
from .._scoring import Instrument
from .._spec import Direction, InputKind, Mcid, ResponseSpec, Scale, ScoringRule
from ._common import _items

__all__ = ["LEFS", "FFI"]

LEFS = Instrument(
    code="lefs",
    name="Lower Extremity Functional Scale",
    version="Binkley 1999",
    kind=InputKind.ITEMS,
    item_count=20,
    response=ResponseSpec.numeric(0, 4),
    scales=(
        Scale(
            name="total",
            label="Function",
            rule=ScoringRule.SUM,
            score_range=(0, 80),
            items=_items(1, 20),
        ),
    ),
    primary="total",
    missing_rule=(
        "all 20 items are required (no published missing-item rule was found: a convention)"
    ),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.CONVENTION,
    missing_rule_reason=(
        "Binkley 1999 gives no missing-item rule; a sum of fewer items would not be on the "
        "published 0-80 scale"
    ),
    score_range=(0, 80),
    unit="points",
    direction=Direction.HIGHER_IS_BETTER,
    decimals=0,
    mcids=(
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=9,
            population="default",
            description="lower-extremity musculoskeletal conditions",
            source="Binkley JM et al. Phys Ther 1999;79(4):371-383.",
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=9,
            population="mdc90",
            kind="mdc",
            description="minimal detectable change (90%)",
            source="Binkley JM et al. Phys Ther 1999;79(4):371-383.",
            default=False,
        ),
    ),
    licence="Free to use (Shirley Ryan AbilityLab Rehabilitation Measures Database).",
    source=(
        "Binkley JM et al. The Lower Extremity Functional Scale (LEFS). Phys Ther "
        "1999;79(4):371-383. 20 items 0 (extreme difficulty) to 4 (no difficulty); score = sum."
    ),
    notes=("Abbott & Schmitt 2014 report MIDs of 9-16 points.",),
)
"""Lower Extremity Functional Scale, 0-80; higher is better.

Responses: 20 items, each 0-4, all required (a convention). Score =
sum. MCID 9 points (Binkley 1999).
"""


FFI = Instrument(
    code="ffi",
    name="Foot Function Index",
    version="Budiman-Mak 1991, 0-10 numeric version",
    kind=InputKind.SCALES,
    item_count=23,
    response=ResponseSpec.numeric(0, 10),
    scales=(
        Scale(
            name="pain",
            label="Pain",
            rule=ScoringRule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(1, 9),
            max_missing=4,
        ),
        Scale(
            name="disability",
            label="Disability",
            rule=ScoringRule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(10, 18),
            max_missing=4,
        ),
        Scale(
            name="activity",
            label="Activity limitation",
            rule=ScoringRule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(19, 23),
            max_missing=2,
        ),
        Scale(
            name="total",
            label="FFI total",
            rule=ScoringRule.SCALES_MEAN,
            score_range=(0, 100),
            of=("pain", "disability", "activity"),
        ),
    ),
    primary="total",
    missing_rule=(
        "an item marked not applicable (None) is left out of its subscale's maximum "
        "(Budiman-Mak); a subscale needs at least half its items applicable (pain 5 of 9, "
        "disability 5 of 9, activity limitation 3 of 5: a convention)"
    ),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.CONVENTION,
    missing_rule_reason=(
        "leaving not-applicable items out is Budiman-Mak's rule; the half-the-items minimum "
        "is the project's, as no published minimum was found"
    ),
    score_range=(0, 100),
    unit="%",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=1,
    licence=(
        "No licence statement was found; the SRALab Rehabilitation Measures Database lists it "
        "as 'Not Free'. Ask the authors before use."
    ),
    source=(
        "Budiman-Mak E, Conrad KJ, Roach KE. The Foot Function Index: a measure of foot pain "
        "and disability. J Clin Epidemiol 1991;44(6):561-570. Subscale = sum / (10 x items "
        "applicable) x 100; total = mean of the three subscales (SRALab)."
    ),
    notes=(
        "The total is the mean of the three subscales (the 'alternative' method), which stays "
        "defined when items are not applicable; the sum/230 x 100 method is not used.",
        "The original 0-9 VAS version is not supported.",
        "MCID: Landorf & Radford (The Foot 2008) report MIDs that could not be read to check "
        "them, so no MCID is applied.",
        "FFI-R (2006) is a different instrument.",
    ),
)
"""Foot Function Index (1991, 0-10 version), 0-100 %; higher is worse.

Responses: ``{"pain": [9], "disability": [9], "activity": [5]}`` (each 0-10,
None = not applicable), or the 23 items in form order. Subscale = sum / (10 x
applicable items) x 100; total = mean of the subscales (Budiman-Mak 1991).
"""
