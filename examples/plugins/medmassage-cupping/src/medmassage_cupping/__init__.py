"""Example medmassage plugin: dry cupping.

Entry points (see ``pyproject.toml``)::

    [project.entry-points."medmassage.modalities"]
    "cupping.dry_cupping" = "medmassage_cupping:DRY_CUPPING"

The modality is a plain, frozen `medmassage.modalities.Modality`; its code is the
entry-point name. It uses only medmassage's public API.
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
    api_version=1,
)
