"""The built-in outcome instruments, each a declarative `Instrument` citing its source.

Scoring rules, missing-item rules, bands and MCIDs follow the sources collected in
the project's clinical reference (section 1); each instrument's ``source``,
``notes`` and MCIDs cite the primary publication. Where a rule could not be
confirmed in a retrievable source the instrument says UNCONFIRMED and uses the
conservative convention documented in its ``missing_rule``.

No item wording is shipped (several instruments are copyrighted): items are
referred to by number, in the order of the published form.
"""

from __future__ import annotations

from typing import Final

from .. import (
    Band,
    Direction,
    InputKind,
    Instrument,
    Mcid,
    ResponseSpec,
    Rule,
    Scale,
)

__all__ = ["BUILTIN_INSTRUMENTS"]

OSTELO_2008: Final = (
    "Ostelo RW et al. Interpreting change scores for pain and functional status in low back "
    "pain: towards international consensus regarding minimal important change. Spine "
    "2008;33(1):90-94."
)
ABBOTT_SCHMITT_2014: Final = (
    "Abbott JH, Schmitt J. Minimum important differences for the Patient-Specific Functional "
    "Scale, 4 region-specific outcome measures, and the Numeric Pain Rating Scale. JOSPT "
    "2014;44(8):560-564."
)


def _items(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


NPRS = Instrument(
    code="nprs",
    name="Numeric Pain Rating Scale",
    version="11-point, 0-10",
    kind=InputKind.ITEMS,
    item_count=1,
    response=ResponseSpec.numeric(0, 10),
    scales=(Scale(name="total", label="Pain", rule=Rule.MEAN, score_range=(0, 10), items=(1,)),),
    primary="total",
    missing_rule="the single rating is required",
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
        ),
        Mcid(
            value=2.2,
            population="lbp-1wk",
            description="low back pain, change over 1 week",
            source="Childs JD et al. Spine 2005;30(11):1331-1334.",
            default=False,
        ),
        Mcid(
            value=1.5,
            population="lbp-4wk",
            description="low back pain, change over 4 weeks",
            source="Childs JD et al. Spine 2005;30(11):1331-1334.",
            default=False,
        ),
        Mcid(
            value=2,
            population="mdc",
            kind="mdc",
            description="minimal detectable change, low back pain",
            source="Childs JD et al. Spine 2005;30(11):1331-1334.",
            default=False,
        ),
    ),
    licence="Free to use (no formal statement found: UNCONFIRMED).",
    source=(
        "11-point 0 (no pain) to 10 (worst imaginable pain) rating; the score is the rating. "
        "MCID: Ostelo et al. Spine 2008;33:90-94; Childs et al. Spine 2005;30:1331-1334."
    ),
    notes=(
        "Farrar 2001 (2 points / 30%) is widely cited but was not retrieved (UNCONFIRMED).",
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
    scales=(Scale(name="total", label="Pain", rule=Rule.MEAN, score_range=(0, 100), items=(1,)),),
    primary="total",
    missing_rule="the single measurement is required",
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
        ),
        Mcid(
            value=12,
            population="acute-ed",
            description="acute pain in the emergency department; does not vary with severity",
            source="Kelly AM. Emerg Med J 2001;18(3):205-207.",
            default=False,
        ),
        Mcid(
            value=9,
            population="acute-ed-1998",
            description="acute pain in the emergency department",
            source="Kelly AM. Acad Emerg Med 1998;5(11):1086-1090.",
            default=False,
        ),
        Mcid(
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
            rule=Rule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(1, 10),
            max_missing=2,
        ),
    ),
    primary="total",
    missing_rule=(
        "score = total / (5 x sections answered) x 100 (Fairbank); at most 2 of 10 sections "
        "may be unanswered (convention, UNCONFIRMED: Fairbank states one answered section "
        "suffices in theory)"
    ),
    missing_rule_confirmed=False,
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
        ),
        Mcid(
            value=12,
            population="abbott-schmitt",
            description="musculoskeletal physiotherapy outpatients with low back pain",
            source=ABBOTT_SCHMITT_2014,
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
(convention, UNCONFIRMED). MCID 10 points or 30 % (Ostelo 2008).
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
            rule=Rule.PRORATED_SUM,
            score_range=(0, 50),
            items=_items(1, 10),
            max_missing=2,
        ),
        Scale(
            name="percent",
            label="Neck disability (%)",
            rule=Rule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(1, 10),
            max_missing=2,
        ),
    ),
    primary="total",
    missing_rule=(
        "the average of the answered items is added for each unanswered item (Vernon); at most "
        "2 of 10 items may be unanswered (convention, UNCONFIRMED)"
    ),
    missing_rule_confirmed=False,
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
        ),
        Mcid(
            value=4.7,
            population="mdc90",
            kind="mdc",
            description="minimal detectable change (90%)",
            source="Stratford PW et al. Physiother Can 1999;51:107-112.",
            default=False,
        ),
    ),
    licence="Licence terms UNCONFIRMED.",
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
answered ones (Vernon): 16 over 9 items → 17.78/50 (35.56 %). MCID 5 points.
"""

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
            rule=Rule.MEAN_RESCALED,
            score_range=(0, 100),
            items=_items(1, 11),
            max_missing=1,
        ),
    ),
    primary="total",
    missing_rule="not computable if more than 1 of the 11 items is missing (IWH scoring)",
    score_range=(0, 100),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=1,
    mcids=(
        Mcid(
            value=15.91,
            population="default",
            description="upper-limb musculoskeletal disorders",
            source="Franchignoni F et al. JOSPT 2014;44(1):30-39.",
        ),
        Mcid(
            value=13.6,
            population="shoulder-pain",
            description="shoulder pain; upper end of the reported MIC 10.8-13.6",
            source=(
                "Rysstad T et al. BMC Musculoskelet Disord 2020; doi:10.1186/s12891-020-03289-z."
            ),
            default=False,
        ),
        Mcid(
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

LEFS = Instrument(
    code="lefs",
    name="Lower Extremity Functional Scale",
    version="Binkley 1999",
    kind=InputKind.ITEMS,
    item_count=20,
    response=ResponseSpec.numeric(0, 4),
    scales=(
        Scale(
            name="total", label="Function", rule=Rule.SUM, score_range=(0, 80), items=_items(1, 20)
        ),
    ),
    primary="total",
    missing_rule=(
        "all 20 items are required (no published missing-item rule was found: convention, "
        "UNCONFIRMED)"
    ),
    missing_rule_confirmed=False,
    score_range=(0, 80),
    unit="points",
    direction=Direction.HIGHER_IS_BETTER,
    decimals=0,
    mcids=(
        Mcid(
            value=9,
            population="default",
            description="lower-extremity musculoskeletal conditions",
            source="Binkley JM et al. Phys Ther 1999;79(4):371-383.",
        ),
        Mcid(
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

Responses: 20 items, each 0-4, all required (UNCONFIRMED convention). Score =
sum. MCID 9 points (Binkley 1999).
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
            rule=Rule.MEAN,
            score_range=(1, 5),
            items=_items(1, 11),
            max_missing=1,
        ),
        Scale(
            name="fss",
            label="Functional Status Scale",
            rule=Rule.MEAN,
            score_range=(1, 5),
            items=_items(12, 19),
            max_missing=1,
        ),
    ),
    primary="sss",
    missing_rule=(
        "each scale is the mean of its answered items, with at most 1 item unanswered per scale "
        "(convention, UNCONFIRMED as Levine's rule)"
    ),
    missing_rule_confirmed=False,
    score_range=(1, 5),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=2,
    mcids=(
        Mcid(
            value=1.04,
            population="default",
            scale="sss",
            description="after corticosteroid injection (non-surgical care)",
            source="Ozyurekoglu T et al. J Hand Surg Am 2006;31(5):733-738.",
        ),
        Mcid(
            value=1.45,
            population="release-non-diabetic",
            scale="sss",
            description="non-diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
            default=False,
        ),
        Mcid(
            value=1.6,
            population="release-non-diabetic",
            scale="fss",
            description="non-diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
            default=False,
        ),
        Mcid(
            value=1.55,
            population="release-diabetic",
            scale="sss",
            description="diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
            default=False,
        ),
        Mcid(
            value=2.05,
            population="release-diabetic",
            scale="fss",
            description="diabetic patients after carpal tunnel release",
            source=_BCTQ_RELEASE,
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
scale: convention, UNCONFIRMED). Primary = SSS; MCID 1.04 (Ozyurekoglu 2006).
"""

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
            name="total", label="Impact", rule=Rule.SUM, score_range=(36, 78), items=_items(1, 6)
        ),
    ),
    primary="total",
    missing_rule=(
        "all 6 items are required (no proration rule was found: convention, UNCONFIRMED)"
    ),
    missing_rule_confirmed=False,
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
            value=8,
            population="chronic-tth",
            description="chronic tension-type headache",
            source="Castien RF et al. Cephalalgia 2012;32(9):710-714.",
        ),
        Mcid(
            value=6,
            population="migraine-primary-care",
            description="migraine in primary care, within-person (ROC)",
            source="Smelt AF et al. Cephalalgia 2014;34(1):29-36.",
            default=False,
        ),
        Mcid(
            value=2.5,
            population="migraine-mean-change",
            description="migraine in primary care, within-person (mean change)",
            source="Smelt AF et al. Cephalalgia 2014;34(1):29-36.",
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
            rule=Rule.PRORATED_SUM,
            score_range=(0, 30),
            items=_items(1, 9),
            weight=1 / 3,
            max_missing=_FIQR_MISSING,
        ),
        Scale(
            name="overall",
            label="Overall impact",
            rule=Rule.PRORATED_SUM,
            score_range=(0, 20),
            items=_items(10, 11),
            max_missing=1,
        ),
        Scale(
            name="symptoms",
            label="Symptoms",
            rule=Rule.PRORATED_SUM,
            score_range=(0, 50),
            items=_items(12, 21),
            weight=1 / 2,
            max_missing=_FIQR_MISSING,
        ),
        Scale(
            name="total",
            label="FIQR total",
            rule=Rule.SCALES_SUM,
            score_range=(0, 100),
            of=("function", "overall", "symptoms"),
        ),
    ),
    primary="total",
    missing_rule=(
        "a domain with unanswered items has its sum weighted by items/answered (Bennett); a "
        "domain may have at most 2 unanswered items and at least one answered (convention, "
        "UNCONFIRMED)"
    ),
    missing_rule_confirmed=False,
    score_range=(0, 100),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=1,
    mcids=(
        Mcid(
            percent=14,
            population="default",
            description="14% change, derived for the original FIQ; an FIQR-specific MCID was "
            "not found",
            source="Bennett RM et al. J Rheumatol 2009;36(6):1304-1311.",
            confirmed=False,
        ),
    ),
    licence="Paper open access (CC-BY); instrument licence terms UNCONFIRMED.",
    source=(
        "Bennett RM et al. The Revised Fibromyalgia Impact Questionnaire (FIQR): validation and "
        "psychometric properties. Arthritis Res Ther 2009;11(4):R120. Total = function sum / 3 "
        "+ overall impact sum + symptom sum / 2 (myalgia.com FIQR scoring)."
    ),
)
"""Revised Fibromyalgia Impact Questionnaire, 0-100; higher is worse.

Responses: ``{"function": [9], "overall": [2], "symptoms": [10]}`` (each 0-10),
or the 21 items in form order. Total = F/3 + O + S/2, a domain with missing
answers weighted by 9/x, 2/x, 10/x (Bennett 2009). MCID: 14 % (FIQ, UNCONFIRMED
for the FIQR).
"""

PSFS = Instrument(
    code="psfs",
    name="Patient-Specific Functional Scale",
    version="Stratford 1995",
    kind=InputKind.ITEMS,
    item_count=5,
    min_items=3,
    item_noun="activity",
    response=ResponseSpec.numeric(0, 10),
    scales=(Scale(name="total", label="Function", rule=Rule.MEAN, score_range=(0, 10)),),
    primary="total",
    missing_rule="every named activity (3 to 5) must be rated",
    score_range=(0, 10),
    unit="points",
    direction=Direction.HIGHER_IS_BETTER,
    decimals=1,
    mcids=(
        Mcid(
            value=2.3,
            population="default",
            description="medium change, musculoskeletal outpatients",
            source=ABBOTT_SCHMITT_2014,
        ),
        Mcid(
            value=1.3,
            population="small",
            description="small change, musculoskeletal outpatients",
            source=ABBOTT_SCHMITT_2014,
            default=False,
        ),
        Mcid(
            value=2.7,
            population="large",
            description="large change, musculoskeletal outpatients",
            source=ABBOTT_SCHMITT_2014,
            default=False,
        ),
        Mcid(
            value=2,
            population="mdc90",
            kind="mdc",
            description="minimal detectable change (90%) of the average score",
            source="Stratford P et al. Physiother Can 1995;47:258-263.",
            default=False,
        ),
    ),
    licence="Free to use; reproduced with the permission of the authors.",
    source=(
        "Stratford P et al. Assessing disability and change on individual patients: a report "
        "of a patient specific measure. Physiother Can 1995;47:258-263. 3-5 patient-named "
        "activities rated 0 (unable) to 10 (pre-injury level); score = mean."
    ),
    notes=("Follow-ups must rate the same activities, in the same order, as the baseline.",),
)
"""Patient-Specific Functional Scale, 0-10; higher is better.

Responses: 3-5 activity ratings 0-10. Score = mean. MCID 2.3 (Abbott & Schmitt
2014, medium); MDC90 2 (Stratford 1995).
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
            rule=Rule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(1, 9),
            max_missing=4,
        ),
        Scale(
            name="disability",
            label="Disability",
            rule=Rule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(10, 18),
            max_missing=4,
        ),
        Scale(
            name="activity",
            label="Activity limitation",
            rule=Rule.PERCENT_OF_MAX,
            score_range=(0, 100),
            items=_items(19, 23),
            max_missing=2,
        ),
        Scale(
            name="total",
            label="FFI total",
            rule=Rule.SCALES_MEAN,
            score_range=(0, 100),
            of=("pain", "disability", "activity"),
        ),
    ),
    primary="total",
    missing_rule=(
        "an item marked not applicable (None) is left out of its subscale's maximum "
        "(Budiman-Mak); a subscale needs at least half its items applicable (pain 5 of 9, "
        "disability 5 of 9, activity limitation 3 of 5: convention, UNCONFIRMED)"
    ),
    missing_rule_confirmed=False,
    score_range=(0, 100),
    unit="%",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=1,
    licence="UNCONFIRMED (listed as 'Not Free' at no cost by the SRALab database).",
    source=(
        "Budiman-Mak E, Conrad KJ, Roach KE. The Foot Function Index: a measure of foot pain "
        "and disability. J Clin Epidemiol 1991;44(6):561-570. Subscale = sum / (10 x items "
        "applicable) x 100; total = mean of the three subscales (SRALab)."
    ),
    notes=(
        "The total is the mean of the three subscales (the 'alternative' method), which stays "
        "defined when items are not applicable; the sum/230 x 100 method is not used.",
        "The original 0-9 VAS version is not supported.",
        "MCID: Landorf & Radford (The Foot 2008) report MIDs that could not be retrieved: "
        "no MCID (UNCONFIRMED).",
        "FFI-R (2006) is a different instrument.",
    ),
)
"""Foot Function Index (1991, 0-10 version), 0-100 %; higher is worse.

Responses: ``{"pain": [9], "disability": [9], "activity": [5]}`` (each 0-10,
None = not applicable), or the 23 items in form order. Subscale = sum / (10 x
applicable items) x 100; total = mean of the subscales (Budiman-Mak 1991).
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
            rule=Rule.MEAN,
            score_range=(0, 10),
            items=_items(1, 20),
            max_missing=2,
        ),
        Scale(
            name="mastication",
            label="Mastication",
            rule=Rule.MEAN,
            score_range=(0, 10),
            items=_items(1, 6),
            max_missing=2,
        ),
        Scale(
            name="mobility",
            label="Vertical jaw mobility",
            rule=Rule.MEAN,
            score_range=(0, 10),
            items=_items(7, 10),
            max_missing=1,
        ),
        Scale(
            name="communication",
            label="Emotional and verbal expression",
            rule=Rule.MEAN,
            score_range=(0, 10),
            items=_items(13, 20),
            max_missing=2,
        ),
    ),
    primary="global",
    missing_rule=(
        "each scale is the mean of its answered items; at most 2 unanswered in the global scale, "
        "mastication and communication, 1 in mobility (DC/TMD scoring manual via a secondary "
        "source: UNCONFIRMED)"
    ),
    missing_rule_confirmed=False,
    score_range=(0, 10),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    decimals=2,
    licence="DC/TMD instruments are free via rdc-tmdinternational.org (formal terms UNCONFIRMED).",
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
        "MCID: none published (UNCONFIRMED).",
    ),
)
"""Jaw Functional Limitation Scale (JFLS-20), global 0-10; higher is worse.

Responses: 20 items in form order, each 0-10 (None if left blank). Global =
mean of answered items (≤2 missing); subscales mastication (1-6), mobility
(7-10), communication (13-20) per the DC/TMD manual (secondary source).
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
            rule=Rule.SUM,
            score_range=(0, 24),
            items=_items(1, 24),
            max_missing=23,
            missing_value=0,
        ),
    ),
    primary="total",
    missing_rule=(
        "an item not ticked, or indicated as not applicable, scores 'No' (Roland & Fairbank "
        "2000); None is scored 'No' and counted as missing; a form with no item answered "
        "cannot be scored"
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
        ),
        Mcid(
            value=5,
            population="mdc90",
            kind="mdc",
            description="minimal detectable change (90%), 4-5 points",
            source="Stratford PW et al. Phys Ther 1996;76(4):359-365.",
            default=False,
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

PPT = Instrument(
    code="ppt",
    name="Pressure pain threshold (algometry)",
    version="pressure algometry, mean of trials",
    kind=InputKind.PRESSURE,
    item_count=0,
    item_noun="trial",
    response=ResponseSpec.numeric(0, 2000, integer=False),
    scales=(
        Scale(name="total", label="Pressure pain threshold", rule=Rule.MEAN, score_range=(0, 2000)),
    ),
    primary="total",
    missing_rule="at least one trial is required; 3 trials averaged are recommended (Walton 2014)",
    score_range=(0, 2000),
    unit="kPa",
    direction=Direction.HIGHER_IS_BETTER,
    decimals=0,
    licence="Not applicable (a physical measurement).",
    source=(
        "Fischer AA. Pressure algometry over normal muscles. Pain 1987;30(1):115-126 (1 cm2 "
        "probe, readings in kgf/cm2 = 98.0665 kPa); Walton DM et al. Clinical pressure pain "
        "threshold testing in neck pain. Phys Ther 2014 (mean of 3 trials)."
    ),
    notes=(
        "Pass a Pressure (any unit: kPa, kgf/cm**2, N/cm**2) or a sequence of trials; the score "
        "is the mean in kPa. Record the site: values differ by site and sex.",
        "Readings above 2000 kPa (about 20 kgf/cm2) are refused as implausible.",
        "MDC/MCID in kPa: UNCONFIRMED; no MCID is applied.",
    ),
)
"""Pressure pain threshold by algometry, in kPa; higher is better (less tender).

Responses: a `Pressure` or a sequence of trial pressures (mean of 3 trials per
Walton). No MCID (UNCONFIRMED).
"""

ROM = Instrument(
    code="rom",
    name="Range of motion",
    version="goniometry / inclinometry, mean of trials",
    kind=InputKind.ANGLE,
    item_count=0,
    item_noun="trial",
    response=ResponseSpec.numeric(-180, 180, integer=False),
    scales=(Scale(name="total", label="Range of motion", rule=Rule.MEAN, score_range=(-180, 180)),),
    primary="total",
    missing_rule="at least one measurement is required",
    score_range=(-180, 180),
    unit="deg",
    direction=Direction.HIGHER_IS_BETTER,
    decimals=0,
    mcids=(
        Mcid(
            value=9.6,
            population="cervical-crom",
            kind="mdc",
            description="cervical ROM by CROM device; the largest MDC reported (flexion, neck "
            "pain; range 5.4-9.6 deg)",
            source="Fletcher JP, Bandy WD. JOSPT 2008;38(10):640-645.",
            default=False,
        ),
    ),
    licence="Not applicable (a physical measurement).",
    source=(
        "Joint angle in degrees (an Angle: deg or rad). Cervical MDC: Fletcher & Bandy, "
        "JOSPT 2008;38:640-645."
    ),
    notes=(
        "Record the joint and movement with the measurement; norms differ by source.",
        "No default MCID: pass population='cervical-crom' for the cervical CROM MDC.",
    ),
)
"""Range of motion, degrees; higher is better.

Responses: an `Angle` or a sequence of trial angles (mean). No default MCID; the
cervical CROM MDC (Fletcher & Bandy 2008) is available by population.
"""

#: Every built-in instrument, in a stable order.
BUILTIN_INSTRUMENTS: Final[tuple[Instrument, ...]] = (
    NPRS,
    VAS,
    ODI,
    NDI,
    QUICKDASH,
    LEFS,
    BCTQ,
    HIT6,
    FIQR,
    PSFS,
    FFI,
    JFLS20,
    RMDQ,
    PPT,
    ROM,
)
