"""The upper limb: QuickDASH and the BCTQ (carpal tunnel) (private).

See the package docstring for the sources and conventions every instrument follows.
"""

from __future__ import annotations

from ...evidence import EvidenceLevel
from .._scoring import Instrument
from .._spec import Direction, InputKind, Mcid, ResponseSpec, Scale, ScoringRule
from ._common import _items

__all__ = ["QUICKDASH", "BCTQ"]

QUICKDASH = Instrument(
    code="quickdash",
    name="QuickDASH (Disabilities of the Arm, Shoulder and Hand, short form)",
    version="11-item disability/symptom section",
    kind=InputKind.ITEMS,
    item_count=11,
    response=ResponseSpec.numeric(1, 5),
    scales=(
        Scale(
            name="total",
            label="Disability/symptoms",
            rule=ScoringRule.MEAN_RESCALED,
            score_range=(0, 100),
            items=_items(1, 11),
            max_missing=1,
        ),
    ),
    primary="total",
    missing_rule="not computable if more than 1 of the 11 items is missing (IWH scoring)",
    missing_rule_evidence=EvidenceLevel.PRIMARY_STUDY,
    missing_rule_reason="the developers' published scoring manual (Institute for Work & Health)",
    score_range=(0, 100),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=1,
    mcids=(
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=15.91,
            population="default",
            description="upper-limb musculoskeletal disorders",
            source="Franchignoni F et al. JOSPT 2014;44(1):30-39.",
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=13.6,
            population="shoulder-pain",
            description="shoulder pain; upper end of the reported MIC 10.8-13.6",
            source=(
                "Rysstad T et al. BMC Musculoskelet Disord 2020; doi:10.1186/s12891-020-03289-z."
            ),
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=12.85,
            population="mdc90",
            kind="mdc",
            description="minimal detectable change (90%)",
            source="Franchignoni F et al. JOSPT 2014;44(1):30-39.",
            default=False,
        ),
    ),
    licence=(
        "(c) Institute for Work & Health; free for clinical, educational and research use, "
        "permission required for commercial applications."
    ),
    source=(
        "Beaton DE et al. J Bone Joint Surg Am 2005;87(5):1038-1046; IWH scoring: "
        "score = ((sum of n responses / n) - 1) x 25, n = items answered, n >= 10."
    ),
    notes=("The optional work and sports/performing-arts modules are not scored here.",),
)
"""QuickDASH, 0-100; higher is worse.

Responses: 11 items, each 1-5. Score = ((Σ/n) - 1) x 25 with n answered; not
computable with more than one item missing. MCID 15.91 (Franchignoni 2014).
"""


_BCTQ_RELEASE = "Carpal tunnel release, 6 months (PMC4787587)."

BCTQ = Instrument(
    code="bctq",
    name="Boston Carpal Tunnel Questionnaire",
    version="Levine 1993",
    kind=InputKind.SCALES,
    item_count=19,
    response=ResponseSpec.numeric(1, 5),
    scales=(
        Scale(
            name="sss",
            label="Symptom Severity Scale",
            rule=ScoringRule.MEAN,
            score_range=(1, 5),
            items=_items(1, 11),
            max_missing=1,
        ),
        Scale(
            name="fss",
            label="Functional Status Scale",
            rule=ScoringRule.MEAN,
            score_range=(1, 5),
            items=_items(12, 19),
            max_missing=1,
        ),
    ),
    primary="sss",
    missing_rule=(
        "each scale is the mean of its answered items, with at most 1 item unanswered per scale "
        "(a convention, not Levine's published rule)"
    ),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.CONVENTION,
    missing_rule_reason=(
        "Levine 1993 gives no missing-item rule; the project allows one unanswered item per "
        "scale, as the QuickDASH manual does for its 11 items"
    ),
    score_range=(1, 5),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=2,
    mcids=(
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=1.04,
            population="default",
            scale="sss",
            description="after corticosteroid injection (non-surgical care)",
            source="Ozyurekoglu T et al. J Hand Surg Am 2006;31(5):733-738.",
            conditions=("G56.0",),
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=1.45,
            population="release-non-diabetic",
            scale="sss",
            description="non-diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
            conditions=("G56.0",),
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=1.6,
            population="release-non-diabetic",
            scale="fss",
            description="non-diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
            conditions=("G56.0",),
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=1.55,
            population="release-diabetic",
            scale="sss",
            description="diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
            conditions=("G56.0",),
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=2.05,
            population="release-diabetic",
            scale="fss",
            description="diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
            conditions=("G56.0",),
            default=False,
        ),
    ),
    licence="Free to use, no licensing fees (secondary source).",
    source=(
        "Levine DW et al. A self-administered questionnaire for the assessment of severity of "
        "symptoms and functional status in carpal tunnel syndrome. J Bone Joint Surg Am "
        "1993;75(11):1585-1592. Symptom Severity Scale 11 items, Functional Status Scale 8 "
        "items, each 1-5; each scale = mean of its items."
    ),
    notes=(
        "The primary score is the Symptom Severity Scale; the Functional Status Scale is in "
        "Score.subscales['fss'] and change(..., scale='fss').",
        "No default MCID for the FSS in non-surgical care (only post-release figures).",
    ),
)
"""Boston Carpal Tunnel Questionnaire, two scales each 1-5; higher is worse.

Responses: ``{"sss": [11 items], "fss": [8 items]}`` (each 1-5), or the 19
items in form order. Each scale = mean of its answered items (≤1 missing per
scale: a convention). Primary = SSS; MCID 1.04 (Ozyurekoglu 2006).
"""
