"""Pain intensity and widespread pain: NPRS, VAS and the FIQR (private).

See the package docstring for the sources and conventions every instrument follows.
"""

from __future__ import annotations

from ...evidence import EvidenceLevel
from .._scoring import Instrument
from .._spec import Band, Direction, InputKind, Mcid, ResponseSpec, Scale, ScoringRule
from ._common import LOW_BACK, OSTELO_2008, _items

__all__ = ["NPRS", "VAS", "FIQR"]

NPRS = Instrument(
    code="nprs",
    name="Numeric Pain Rating Scale",
    version="11-point, 0-10",
    kind=InputKind.ITEMS,
    item_count=1,
    response=ResponseSpec.numeric(0, 10),
    scales=(
        Scale(name="total", label="Pain", rule=ScoringRule.MEAN, score_range=(0, 10), items=(1,)),
    ),
    primary="total",
    missing_rule="the single rating is required",
    missing_rule_evidence=EvidenceLevel.PRIMARY_STUDY,
    missing_rule_reason="a one-item measure as published: there is nothing to prorate",
    score_range=(0, 10),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=0,
    mcids=(
        Mcid(
            value=2,
            percent=30,
            population="default",
            description="chronic low back pain, consensus: 2 points or 30% improvement",
            source=OSTELO_2008,
            evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
            evidence_reason="an international panel's consensus, built on a literature review",
            conditions=LOW_BACK,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=2.2,
            population="lbp-1wk",
            description="low back pain, change over 1 week",
            source="Childs JD et al. Spine 2005;30(11):1331-1334.",
            conditions=LOW_BACK,
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=1.5,
            population="lbp-4wk",
            description="low back pain, change over 4 weeks",
            source="Childs JD et al. Spine 2005;30(11):1331-1334.",
            conditions=LOW_BACK,
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=2,
            population="mdc",
            kind="mdc",
            description="minimal detectable change, low back pain",
            source="Childs JD et al. Spine 2005;30(11):1331-1334.",
            conditions=LOW_BACK,
            default=False,
        ),
    ),
    licence="Free to use: a 0-10 rating in the public domain; no licence statement exists.",
    source=(
        "11-point 0 (no pain) to 10 (worst imaginable pain) rating; the score is the rating. "
        "MCID: Ostelo et al. Spine 2008;33:90-94; Childs et al. Spine 2005;30:1331-1334."
    ),
    notes=(
        "Farrar 2001 (2 points / 30%, chronic pain in drug trials) is widely cited but could "
        "not be read to check it, so it is not offered.",
        "The MCID depends on baseline severity (1 point for mild, 2 for moderate, 3-4 for "
        "severe pain in specific back pain); pass a population or an Mcid to change().",
    ),
)
"""Numeric Pain Rating Scale (NPRS), 0-10; higher is worse.

Responses: ``[rating]`` or the bare rating. MCID 2 points or 30% (Ostelo 2008).
"""


VAS = Instrument(
    code="vas",
    name="Visual Analogue Scale for pain (100 mm)",
    version="100 mm line",
    kind=InputKind.ITEMS,
    item_count=1,
    response=ResponseSpec.numeric(0, 100, integer=False),
    scales=(
        Scale(name="total", label="Pain", rule=ScoringRule.MEAN, score_range=(0, 100), items=(1,)),
    ),
    primary="total",
    missing_rule="the single measurement is required",
    missing_rule_evidence=EvidenceLevel.PRIMARY_STUDY,
    missing_rule_reason="a one-item measure as published: there is nothing to prorate",
    score_range=(0, 100),
    unit="mm",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=0,
    mcids=(
        Mcid(
            value=15,
            population="chronic-lbp",
            description="chronic low back pain, consensus",
            source=OSTELO_2008,
            evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
            evidence_reason="an international panel's consensus, built on a literature review",
            conditions=LOW_BACK,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=12,
            population="acute-ed",
            description="acute pain in the emergency department; does not vary with severity",
            source="Kelly AM. Emerg Med J 2001;18(3):205-207.",
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=9,
            population="acute-ed-1998",
            description="acute pain in the emergency department",
            source="Kelly AM. Acad Emerg Med 1998;5(11):1086-1090.",
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=13,
            population="acute-ed-gallagher",
            description="acute abdominal pain, emergency department",
            source="Gallagher EJ et al. Ann Emerg Med 2001;38(6):633-638.",
            default=False,
        ),
    ),
    licence="Free to use.",
    source=(
        "Distance in mm from the 'no pain' anchor of a 100 mm non-hatched line "
        "(Kelly AM, Emerg Med J 2001;18:205-207)."
    ),
)
"""Visual Analogue Scale (VAS) for pain, 0-100 mm; higher is worse.

Responses: ``[millimetres]`` or the bare distance. Default MCID 15 mm (chronic
low back pain, Ostelo 2008); acute-care figures 9-13 mm by population.
"""


_FIQR_MISSING = 2

FIQR = Instrument(
    code="fiqr",
    name="Revised Fibromyalgia Impact Questionnaire",
    version="FIQR (Bennett 2009)",
    kind=InputKind.SCALES,
    item_count=21,
    response=ResponseSpec.numeric(0, 10),
    scales=(
        Scale(
            name="function",
            label="Function",
            rule=ScoringRule.PRORATED_SUM,
            score_range=(0, 30),
            items=_items(1, 9),
            weight=1 / 3,
            max_missing=_FIQR_MISSING,
        ),
        Scale(
            name="overall",
            label="Overall impact",
            rule=ScoringRule.PRORATED_SUM,
            score_range=(0, 20),
            items=_items(10, 11),
            max_missing=1,
        ),
        Scale(
            name="symptoms",
            label="Symptoms",
            rule=ScoringRule.PRORATED_SUM,
            score_range=(0, 50),
            items=_items(12, 21),
            weight=1 / 2,
            max_missing=_FIQR_MISSING,
        ),
        Scale(
            name="total",
            label="FIQR total",
            rule=ScoringRule.SCALES_SUM,
            score_range=(0, 100),
            of=("function", "overall", "symptoms"),
        ),
    ),
    primary="total",
    missing_rule=(
        "a domain with unanswered items has its sum weighted by items/answered (Bennett); a "
        "domain may have at most 2 unanswered items and at least one answered (a convention)"
    ),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.CONVENTION,
    missing_rule_reason=(
        "the weighting is Bennett's; no published limit on unanswered items was found, so the "
        "project allows 2 per domain (1 of the 2 overall-impact items)"
    ),
    score_range=(0, 100),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=1,
    bands=(
        Band(label="remission", low=0, high=23),
        Band(label="mild", low=24, high=40),
        Band(label="moderate", low=41, high=63),
        Band(label="severe", low=64, high=83),
        Band(label="very severe", low=83, high=100),
    ),
    mcids=(
        Mcid(
            percent=14,
            population="default",
            description="14% change, derived for the original FIQ; an FIQR-specific MCID was "
            "not found",
            source="Bennett RM et al. J Rheumatol 2009;36(6):1304-1311.",
            confirmed=False,
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            evidence_reason=(
                "derived for the original FIQ, not the FIQR; no FIQR-specific MCID was found"
            ),
            conditions=("M79.7",),
        ),
    ),
    licence=(
        "The paper is open access (CC-BY); no separate licence for the questionnaire was found."
    ),
    source=(
        "Bennett RM et al. The Revised Fibromyalgia Impact Questionnaire (FIQR): validation and "
        "psychometric properties. Arthritis Res Ther 2009;11(4):R120. Total = function sum / 3 "
        "+ overall impact sum + symptom sum / 2 (myalgia.com FIQR scoring). Severity bands: "
        "Salaffi F et al. Definition of fibromyalgia severity: findings from a cross-sectional "
        "survey of 2339 Italian patients. Rheumatology (Oxford) 2021;60(2):728-736. "
        "doi:10.1093/rheumatology/keaa355."
    ),
    notes=(
        "Severity bands of Salaffi 2021 (0-23 remission, 24-40 mild, 41-63 moderate, 64-82 "
        "severe, >83 very severe; one cross-sectional study). A score goes in the first band "
        "whose upper limit (23, 40, 63, 83, 100) it does not exceed: 23.5 is mild, and 83, "
        "which the paper leaves between two bands, is severe (a convention).",
        "Salaffi 2018 (521 patients, Clin Exp Rheumatol 2018;36(6):1074) gave other cut-offs "
        "(remission up to 30); the larger 2021 survey is used.",
    ),
)
"""Revised Fibromyalgia Impact Questionnaire, 0-100; higher is worse.

Responses: ``{"function": [9], "overall": [2], "symptoms": [10]}`` (each 0-10),
or the 21 items in form order. Total = F/3 + O + S/2, a domain with missing
answers weighted by 9/x, 2/x, 10/x (Bennett 2009). MCID: 14 % (derived for the
FIQ; none is published for the FIQR). Severity bands of Salaffi et al. 2021
(remission 0-23, mild 24-40, moderate 41-63, severe 64-82, very severe above 83).
"""
