"""Physical measurements: pressure pain threshold and range of motion (private).

See the package docstring for the sources and conventions every instrument follows.
"""

from __future__ import annotations

from ...evidence import EvidenceLevel
from .._scoring import Instrument
from .._spec import Direction, InputKind, Mcid, ResponseSpec, Scale, ScoringRule

__all__ = ["PPT", "ROM"]

PPT = Instrument(
    code="ppt",
    name="Pressure pain threshold (algometry)",
    version="pressure algometry, mean of trials",
    kind=InputKind.PRESSURE,
    item_count=0,
    item_noun="trial",
    response=ResponseSpec.numeric(0, 2000, integer=False),
    scales=(
        Scale(
            name="total",
            label="Pressure pain threshold",
            rule=ScoringRule.MEAN,
            score_range=(0, 2000),
        ),
    ),
    primary="total",
    missing_rule="at least one trial is required; 3 trials averaged are recommended (Walton 2014)",
    missing_rule_evidence=EvidenceLevel.PRIMARY_STUDY,
    missing_rule_reason="Walton 2014 recommends the mean of 3 trials; one trial is accepted",
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
        "No MDC or MCID in kPa was found for the sites and devices in use; no MCID is applied.",
    ),
)
"""Pressure pain threshold by algometry, in kPa; higher is better (less tender).

Responses: a `Pressure` or a sequence of trial pressures (mean of 3 trials per
Walton). No MCID: none was found for the sites and devices in use.
"""


ROM = Instrument(
    code="rom",
    name="Range of motion",
    version="goniometry / inclinometry, mean of trials",
    kind=InputKind.ANGLE,
    item_count=0,
    item_noun="trial",
    response=ResponseSpec.numeric(-180, 180, integer=False),
    scales=(
        Scale(
            name="total", label="Range of motion", rule=ScoringRule.MEAN, score_range=(-180, 180)
        ),
    ),
    primary="total",
    missing_rule="at least one measurement is required",
    missing_rule_evidence=EvidenceLevel.PRIMARY_STUDY,
    missing_rule_reason="a one-item measure as published: there is nothing to prorate",
    score_range=(-180, 180),
    unit="deg",
    direction=Direction.HIGHER_IS_BETTER,
    decimals=0,
    mcids=(
        Mcid(
            evidence_level=EvidenceLevel.PRIMARY_STUDY,
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
