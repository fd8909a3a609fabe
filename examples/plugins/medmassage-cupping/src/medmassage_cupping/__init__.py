"""Example medmassage plugin: dry cupping.

It extends each of medmassage's four plugin groups (see ``pyproject.toml``):

- ``medmassage.modalities``: dry cupping (`DRY_CUPPING`), billed under CPT 97140;
- ``medmassage.contraindications``: two rules of its own (`medmassage_cupping.rules`);
- ``medmassage.instruments``: the PEG pain scale (`medmassage_cupping.peg.PEG`);
- ``medmassage.billing_policies``: a whole-units policy
  (`medmassage_cupping.billing.WHOLE_UNITS`).

Each object's key is its entry-point name. It uses only medmassage's public API.
"""

from __future__ import annotations

from typing import Final

from medmassage.modalities import Modality, PressureGrade
from medmassage.units import Duration

__all__ = ["DRY_CUPPING", "SOURCE"]

#: Where the cupping content comes from (secondary sources; illustrative).
SOURCE: Final = (
    "Aboushanab T.S., AlSanad S., Cupping Therapy: An Overview from a Modern Medicine "
    "Perspective, J Acupunct Meridian Stud 2018;11(3):83-87, as listed by "
    "globalcupping.com/cupping-safety-for-professionals (secondary); "
    "cupandrelease.com/caution (fragile skin, blood thinners)."
)

DRY_CUPPING: Final = Modality(
    code="cupping.dry_cupping",
    name="Dry cupping",
    description=(
        "Cups placed on the skin with negative pressure (suction), static or glided, "
        "lifting skin and fascia; leaves transient petechiae and ecchymoses."
    ),
    min_grade=PressureGrade.HEAVY_LOTIONING,
    max_grade=PressureGrade.DEEP,
    typical_duration=Duration(10, "min"),
    contraindication_tags=frozenset({"suction", "bruising", "sustained_pressure"}),
    source=SOURCE,
    # Billed as a manual therapy technique (CPT 97140) by payers that cover it; an
    # example plugin's choice, to be checked against each payer's policy.
    cpt_code="97140",
    api_version=1,
)
