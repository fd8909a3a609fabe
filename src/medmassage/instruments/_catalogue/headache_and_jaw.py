"""Headache and the jaw: HIT-6 and the JFLS-20 (private).

See the package docstring for the sources and conventions every instrument follows.
"""

from __future__ import annotations

from ...evidence import EvidenceLevel
from .._scoring import Instrument
from .._spec import Band, Direction, InputKind, Mcid, ResponseSpec, Scale, ScoringRule
from ._common import _items

__all__ = ["HIT6", "JFLS20"]

HIT6 = Instrument(
    code="hit6",
    name="Headache Impact Test",
    version="HIT-6",
    kind=InputKind.ITEMS,
    item_count=6,
    response=ResponseSpec.labelled(
        [("never", 6), ("rarely", 8), ("sometimes", 10), ("very often", 11), ("always", 13)]
    ),
    scales=(
        Scale(
            name="total",
            label="Impact",
            rule=ScoringRule.SUM,
            score_range=(36, 78),
            items=_items(1, 6),
        ),
    ),
    primary="total",
    missing_rule=("all 6 items are required (no proration rule was found: a convention)"),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.CONVENTION,
    missing_rule_reason=(
        "no published proration rule was found; a total from fewer than 6 answers could not "
        "be compared with the published bands"
    ),
    score_range=(36, 78),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=0,
    bands=(
        Band(label="little or no impact", low=36, high=49),
        Band(label="some impact", low=50, high=55),
        Band(label="substantial impact", low=56, high=59),
        Band(label="severe impact", low=60, high=78),
    ),
    mcids=(
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=8,
            population="chronic-tth",
            description="chronic tension-type headache",
            source="Castien RF et al. Cephalalgia 2012;32(9):710-714.",
            conditions=("G44.2",),
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=6,
            population="migraine-primary-care",
            description="migraine in primary care, within-person (ROC)",
            source="Smelt AF et al. Cephalalgia 2014;34(1):29-36.",
            conditions=("G43",),
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=2.5,
            population="migraine-mean-change",
            description="migraine in primary care, within-person (mean change)",
            source="Smelt AF et al. Cephalalgia 2014;34(1):29-36.",
            conditions=("G43",),
            default=False,
        ),
    ),
    licence=(
        "(c) 2000, 2001 QualityMetric, Inc. and GlaxoSmithKline; a licence is needed to use "
        "the form. medmassage implements the scoring only."
    ),
    source=(
        "Kosinski M et al. A six-item short-form survey for measuring headache impact: the "
        "HIT-6. Qual Life Res 2003;12(8):963-974. Answers score never 6, rarely 8, sometimes "
        "10, very often 11, always 13; total = sum, 36-78 (NINDS CDE)."
    ),
    notes=("Recall period 4 weeks.",),
)
"""Headache Impact Test (HIT-6), 36-78; higher is worse.

Responses: 6 answer labels ``"never"``, ``"rarely"``, ``"sometimes"``,
``"very often"``, ``"always"`` (or their points 6/8/10/11/13), all required.
Bands ≤49, 50-55, 56-59, ≥60. MCID 8 points (chronic TTH, Castien 2012).
"""


_JFLS_SOURCE = (
    "DC/TMD Self-report Scoring Manual as implemented in movanr/cmdetect "
    "(packages/questionnaires/src/jfls20/scoring.ts): secondary source"
)

JFLS20 = Instrument(
    code="jfls20",
    name="Jaw Functional Limitation Scale - 20 item",
    version="JFLS-20 (Ohrbach 2008)",
    kind=InputKind.ITEMS,
    item_count=20,
    response=ResponseSpec.numeric(0, 10),
    scales=(
        Scale(
            name="global",
            label="Global limitation",
            rule=ScoringRule.MEAN,
            score_range=(0, 10),
            items=_items(1, 20),
            max_missing=2,
        ),
        Scale(
            name="mastication",
            label="Mastication",
            rule=ScoringRule.MEAN,
            score_range=(0, 10),
            items=_items(1, 6),
            max_missing=2,
        ),
        Scale(
            name="mobility",
            label="Vertical jaw mobility",
            rule=ScoringRule.MEAN,
            score_range=(0, 10),
            items=_items(7, 10),
            max_missing=1,
        ),
        Scale(
            name="communication",
            label="Emotional and verbal expression",
            rule=ScoringRule.MEAN,
            score_range=(0, 10),
            items=_items(13, 20),
            max_missing=2,
        ),
    ),
    primary="global",
    missing_rule=(
        "each scale is the mean of its answered items; at most 2 unanswered in the global scale, "
        "mastication and communication, 1 in mobility (DC/TMD scoring manual, read in a "
        "secondary source)"
    ),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.EXPERT_CONSENSUS,
    missing_rule_reason=(
        "the limits are the DC/TMD consortium's scoring manual as quoted by a secondary "
        "source; the manual itself was not read"
    ),
    score_range=(0, 10),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=2,
    licence=(
        "DC/TMD instruments are offered free via rdc-tmdinternational.org; no formal licence "
        "text was found."
    ),
    source=(
        "Ohrbach R, Larsson P, List T. The Jaw Functional Limitation Scale: development, "
        "reliability, and validity of 8-item and 20-item versions. J Orofac Pain "
        f"2008;22(3):219-230. Scales and missing-item limits: {_JFLS_SOURCE}."
    ),
    notes=(
        "Items 11 and 12 count in the global scale only.",
        "Leave an item blank (None) if the activity is avoided for reasons other than pain or "
        "difficulty (form instructions).",
        "Reference means, no TMD vs chronic TMD: global 0.16 vs 1.74.",
        "MCID: none was found in the literature searched; no MCID is applied.",
    ),
)
"""Jaw Functional Limitation Scale (JFLS-20), global 0-10; higher is worse.

Responses: 20 items in form order, each 0-10 (None if left blank). Global =
mean of answered items (≤2 missing); subscales mastication (1-6), mobility
(7-10), communication (13-20) per the DC/TMD manual (secondary source).
"""
