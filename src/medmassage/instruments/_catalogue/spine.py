"""The spine: the ODI and the RMDQ (low back), the NDI (neck) (private).

See the package docstring for the sources and conventions every instrument follows.
"""

from __future__ import annotations

from ...evidence import EvidenceLevel
from .._scoring import Instrument
from .._spec import Band, Direction, InputKind, Mcid, ResponseSpec, Scale, ScoringRule
from ._common import ABBOTT_SCHMITT_2014, LOW_BACK, NECK, OSTELO_2008, _items

__all__ = ["ODI", "NDI", "RMDQ"]

YOUNG_2009 = (
    "Young BA, Walker MJ, Strunce JB, Boyles RE, Whitman JM, Childs JD. Responsiveness of the "
    "Neck Disability Index in patients with mechanical neck disorders. Spine J "
    "2009;9(10):802-808. doi:10.1016/j.spinee.2009.06.002"
)

ODI = Instrument(
    code="odi",
    name="Oswestry Disability Index",
    version="2.1a",
    kind=InputKind.ITEMS,
    item_count=10,
    item_noun="section",
    response=ResponseSpec.numeric(0, 5),
    scales=(
        Scale(
            name="total",
            label="Disability",
            rule=ScoringRule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(1, 10),
            max_missing=2,
        ),
    ),
    primary="total",
    missing_rule=(
        "score = total / (5 x sections answered) x 100 (Fairbank); at most 2 of 10 sections "
        "may be unanswered (a convention: Fairbank states one answered section suffices in "
        "theory)"
    ),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.CONVENTION,
    missing_rule_reason=(
        "the formula is Fairbank's; the limit of 2 unanswered sections is the project's, "
        "since a score from few sections says little"
    ),
    score_range=(0, 100),
    unit="%",
    direction=Direction.HIGHER_IS_WORSE,
    bands=(
        Band(label="minimal disability", low=0, high=20),
        Band(label="moderate disability", low=21, high=40),
        Band(label="severe disability", low=41, high=60),
        Band(label="crippled", low=61, high=80),
        Band(label="bed-bound or exaggerating symptoms", low=81, high=100),
    ),
    mcids=(
        Mcid(
            value=10,
            percent=30,
            population="default",
            description="chronic low back pain, consensus: 10 points or 30% improvement",
            source=OSTELO_2008,
            evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
            evidence_reason="an international panel's consensus, built on a literature review",
            conditions=LOW_BACK,
        ),
        Mcid(
            value=12,
            population="abbott-schmitt",
            description="musculoskeletal physiotherapy outpatients with low back pain",
            source=ABBOTT_SCHMITT_2014,
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            conditions=LOW_BACK,
            default=False,
        ),
    ),
    licence=(
        "ODI (c) Jeremy Fairbank 1980, all rights reserved; distributed by Mapi Research Trust. "
        "Free for students, physicians, clinical practice and non-funded academic use; fees may "
        "apply for funded academic, healthcare organisation, commercial and IT use."
    ),
    source=(
        "Fairbank JC, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-2953. "
        "Score = total / (5 x answered sections) x 100; bands from the same paper."
    ),
    notes=(
        "Where two statements are ticked in one section, pass the higher one (Fairbank).",
        "Band limits for non-integer percentages: <=20, <=40, <=60, <=80, <=100.",
    ),
)
"""Oswestry Disability Index v2.1a, 0-100 %; higher is worse.

Responses: 10 sections, each 0-5 (None if unanswered). Score = total / (5 x
sections answered) x 100 (Fairbank & Pynsent 2000): 16/50 → 32 %, with one
section unanswered 16/45 → 35.56 %. At most 2 sections may be unanswered
(a convention). MCID 10 points or 30 % (Ostelo 2008, expert consensus).
"""


NDI = Instrument(
    code="ndi",
    name="Neck Disability Index",
    version="Vernon 1991",
    kind=InputKind.ITEMS,
    item_count=10,
    response=ResponseSpec.numeric(0, 5),
    scales=(
        Scale(
            name="total",
            label="Neck disability (raw, 0-50)",
            rule=ScoringRule.PRORATED_SUM,
            score_range=(0, 50),
            items=_items(1, 10),
            max_missing=2,
        ),
        Scale(
            name="percent",
            label="Neck disability (%)",
            rule=ScoringRule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(1, 10),
            max_missing=2,
        ),
    ),
    primary="total",
    missing_rule=(
        "the average of the answered items is added for each unanswered item (Vernon); at most "
        "2 of 10 items may be unanswered (a convention)"
    ),
    missing_rule_confirmed=False,
    missing_rule_evidence=EvidenceLevel.CONVENTION,
    missing_rule_reason=(
        "the proration is Vernon's; no published limit on unanswered items was found, so the "
        "project allows 2, as for the ODI"
    ),
    score_range=(0, 50),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    bands=(
        Band(label="no disability", low=0, high=5, high_inclusive=False),
        Band(label="mild disability", low=5, high=15, high_inclusive=False),
        Band(label="moderate disability", low=15, high=25, high_inclusive=False),
        Band(label="severe disability", low=25, high=35, high_inclusive=False),
        Band(label="complete disability", low=35, high=50),
    ),
    mcids=(
        Mcid(
            value=5,
            population="default",
            description="neck pain; also the threshold of the massage dosing trial (Sherman 2014)",
            source="Vernon H. Neck Disability Index: explanation and scoring (chiro.org).",
            evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
            evidence_reason=(
                "the instrument author's scoring notes, not a study deriving the figure; "
                "Young 2009 (population 'mechanical-neck') is the derived one"
            ),
            conditions=NECK,
        ),
        Mcid(
            value=4.7,
            population="mdc90",
            kind="mdc",
            description="minimal detectable change (90%)",
            source="Stratford PW et al. Physiother Can 1999;51:107-112.",
            default=False,
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            conditions=NECK,
        ),
        Mcid(
            value=7.5,
            population="mechanical-neck",
            description=(
                "mechanical neck disorders with or without arm symptoms, physical therapy "
                "outpatients, change over 3 weeks (anchor: global rating of change)"
            ),
            source=YOUNG_2009,
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            evidence_reason=(
                "one cohort of 91 patients; the figure lies within measurement error (MDC 10.2), "
                "and the authors advise a 10-point change"
            ),
            conditions=NECK,
            default=False,
        ),
        Mcid(
            value=10.2,
            population="mdc-young",
            kind="mdc",
            description="minimal detectable change, mechanical neck disorders",
            source=YOUNG_2009,
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            conditions=NECK,
            default=False,
        ),
    ),
    licence=(
        "No licence statement was found; the NDI is widely reproduced in the literature. Ask "
        "the author (H. Vernon) before distributing the form."
    ),
    source=(
        "Vernon H, Mior S. The Neck Disability Index: a study of reliability and validity. "
        "J Manipulative Physiol Ther 1991;14(7):409-415. Raw score 0-50 (x2 = %); bands "
        "0-4 none, 5-14 mild, 15-24 moderate, 25-34 severe, >34 complete (Vernon)."
    ),
    decimals=1,
    notes=(
        "Subscale 'percent' is the raw score x 2.",
        "Abbott & Schmitt 2014 report an MID of 14, on a scale that could not be confirmed "
        "(0-50 or 0-100): not used.",
        "Vernon recommends administering at baseline and every 2 weeks.",
    ),
)
"""Neck Disability Index, raw 0-50 (subscale ``percent`` 0-100); higher is worse.

Responses: 10 items, each 0-5. An unanswered item takes the mean of the
answered ones (Vernon): 16 over 9 items → 17.78/50 (35.56 %). MCID 5 points
(Vernon's scoring notes); 7.5 points for mechanical neck disorders (Young et al.,
Spine J 2009;9(10):802-808), chosen with ``population="mechanical-neck"``.
"""


RMDQ = Instrument(
    code="rmdq",
    name="Roland-Morris Disability Questionnaire",
    version="RMDQ-24",
    kind=InputKind.ITEMS,
    item_count=24,
    response=ResponseSpec.yes_no(),
    scales=(
        Scale(
            name="total",
            label="Disability",
            rule=ScoringRule.SUM,
            score_range=(0, 24),
            items=_items(1, 24),
            max_missing=23,
            missing_value=0,
        ),
    ),
    primary="total",
    missing_rule=(
        "a statement not ticked, or indicated as not applicable, scores 'No' (Roland & "
        "Fairbank 2000); None is scored 'No' and counted as missing; a form with no item "
        "answered at all (every item None) is not scored (a convention)"
    ),
    missing_rule_evidence=EvidenceLevel.PRIMARY_STUDY,
    missing_rule_reason=(
        "scoring an unticked or not-applicable statement 'No' is the published rule (Roland "
        "& Fairbank 2000); refusing a form left entirely blank is the project's convention, "
        "as a blank form cannot be told from one never filled in"
    ),
    score_range=(0, 24),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=0,
    mcids=(
        Mcid(
            value=5,
            percent=30,
            population="default",
            description="chronic low back pain, consensus: 5 points or 30% improvement",
            source=OSTELO_2008,
            evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
            evidence_reason="an international panel's consensus, built on a literature review",
            conditions=LOW_BACK,
        ),
        Mcid(
            value=5,
            population="mdc90",
            kind="mdc",
            description="minimal detectable change (90%), 4-5 points",
            source="Stratford PW et al. Phys Ther 1996;76(4):359-365.",
            default=False,
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            conditions=LOW_BACK,
        ),
    ),
    licence="No permission needed for the forms in the Roland & Fairbank (Spine 2000) appendix.",
    source=(
        "Roland M, Morris R. Spine 1983;8(2):141-144; Roland M, Fairbank J. The Roland-Morris "
        "Disability Questionnaire and the Oswestry Disability Questionnaire. Spine "
        "2000;25(24):3115-3124. Score = number of statements ticked."
    ),
    notes=("Imprecise below 4 or above 20 points (Stratford 1996).",),
)
"""Roland-Morris Disability Questionnaire (24 items), 0-24; higher is worse.

Responses: 24 ticks ``True``/``False`` (or 1/0). Score = number ticked. MCID 5
points or 30 % (Ostelo 2008).
"""
