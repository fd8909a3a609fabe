"""The PEG, a three-item scale of pain intensity and interference, as an instrument plugin.

Items (by number, the wording is not reproduced): 1 pain on average, 2 interference
with enjoyment of life, 3 interference with general activity, each 0-10 over the past
week. The score is the mean of the three (Krebs et al. 2009).
"""

from __future__ import annotations

from typing import Final

from medmassage.instruments import (
    Direction,
    InputKind,
    Instrument,
    ResponseSpec,
    Scale,
    ScoringRule,
)

__all__ = ["PEG"]

PEG: Final = Instrument(
    code="cupping.peg",
    name="PEG (pain, enjoyment of life, general activity)",
    version="Krebs 2009",
    kind=InputKind.ITEMS,
    item_count=3,
    response=ResponseSpec.numeric(0, 10),
    scales=(
        Scale(
            name="total", label="PEG", rule=ScoringRule.MEAN, score_range=(0, 10), items=(1, 2, 3)
        ),
    ),
    primary="total",
    missing_rule="the mean of the three items; no item may be unanswered",
    score_range=(0, 10),
    unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    licence="Public domain (developed with U.S. Department of Veterans Affairs funding).",
    source=(
        "Krebs EE et al. Development and initial validation of the PEG, a three-item scale "
        "assessing pain intensity and interference. J Gen Intern Med 2009;24(6):733-738."
    ),
    api_version=1,
)
