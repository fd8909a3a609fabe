"""The Patient-Specific Functional Scale: activities the patient names (private).

See the package docstring for the sources and conventions every instrument follows.
"""

from __future__ import annotations

from ...evidence import EvidenceLevel
from .._scoring import Instrument
from .._spec import Direction, InputKind, Mcid, ResponseSpec, Scale, ScoringRule
from ._common import ABBOTT_SCHMITT_2014

__all__ = ["PSFS"]

PSFS = Instrument(
    code="psfs",
    name="Patient-Specific Functional Scale",
    version="Stratford 1995",
    kind=InputKind.ITEMS,
    item_count=5,
    min_items=1,
    item_noun="activity",
    response=ResponseSpec.numeric(0, 10),
    scales=(Scale(name="total", label="Function", rule=ScoringRule.MEAN, score_range=(0, 10)),),
    primary="total",
    missing_rule="every named activity (1 to 5) must be rated",
    missing_rule_evidence=EvidenceLevel.PRIMARY_STUDY,
    missing_rule_reason=(
        "Stratford 1995: the patient names up to 5 activities and rates each; the score is "
        "the mean of the ratings given"
    ),
    score_range=(0, 10),
    unit="points",
    direction=Direction.HIGHER_IS_BETTER,
    decimals=1,
    mcids=(
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=2.3,
            population="default",
            description="medium change, musculoskeletal outpatients",
            source=ABBOTT_SCHMITT_2014,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=1.3,
            population="small",
            description="small change, musculoskeletal outpatients",
            source=ABBOTT_SCHMITT_2014,
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
            value=2.7,
            population="large",
            description="large change, musculoskeletal outpatients",
            source=ABBOTT_SCHMITT_2014,
            default=False,
        ),
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
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
        "of a patient specific measure. Physiother Can 1995;47:258-263. 1-5 patient-named "
        "activities rated 0 (unable) to 10 (pre-injury level); score = mean."
    ),
    notes=("Follow-ups must rate the same activities, in the same order, as the baseline.",),
)
"""Patient-Specific Functional Scale, 0-10; higher is better.

Responses: 1-5 activity ratings 0-10, one per activity the patient names
(Stratford 1995). Score = mean. MCID 2.3 (Abbott & Schmitt
2014, medium); MDC90 2 (Stratford 1995).
"""
