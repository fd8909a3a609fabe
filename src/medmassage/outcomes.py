"""Outcome measures: one administration of an outcome instrument.

An `OutcomeMeasure` records what was collected: the item responses as on the
published form, a score recorded directly, or physical measurements with
units (pressure pain threshold in kPa or kgf/cm², range of motion in degrees,
limb circumference in cm). Scoring is done by the instrument
(`medmassage.instruments`).
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._validation import Model, check_aware, check_side, check_text, instant_key
from .anatomy import BodyRegion, Laterality
from .exceptions import Problem
from .modalities import KEY, check_key
from .units import Angle, Length, Pressure

__all__ = ["ItemResponse", "OutcomeMeasure", "PhysicalMeasurement", "Responses"]

#: One item's answer as on the published form: a number, a yes/no, an answer
#: label (HIT-6 ``"never"`` .. ``"always"``), or ``None`` when not answered.
ItemResponse = int | float | bool | str | None

#: The answers of one administration: a sequence in item order, or, for
#: instruments made of separate scales, a mapping of scale name to such a sequence.
Responses = tuple[ItemResponse, ...] | dict[str, tuple[ItemResponse, ...]]

#: A physical measurement an instrument may take.
PhysicalMeasurement = Pressure | Angle | Length


def _finite_items(problems: list[Problem], path: str, items: tuple[ItemResponse, ...]) -> None:
    if float not in map(type, items):  # most forms have whole-number answers
        return
    for i, item in enumerate(items):
        if type(item) is float and not -1e9 <= item <= 1e9:  # also catches NaN
            problems.append(Problem(f"{path}[{i}]", "expected a finite response", "finite"))


@attrs.frozen(kw_only=True, slots=True)
class OutcomeMeasure(Model):
    """One administration of an outcome instrument.

    At least one of *value*, *responses* and *measurements* must be given.

    Attributes:
        instrument: The instrument's code (``odi``, ``nprs``, ``ppt`` ...).
        taken_at: When it was administered (time-zone-aware).
        value: A score recorded directly, on the instrument's published scale.
        responses: The item responses.
        measurements: Physical measurements, one per trial, all of one kind.
        region: Where a physical measurement was taken.
        laterality: Which side.
        movement: For range of motion, the movement measured (``cervical_rotation``).
        note: Free-text note (protected).
    """

    instrument: str = attrs.field(metadata=KEY)
    taken_at: dt.datetime = attrs.field(eq=instant_key)
    value: float | None = None
    responses: Responses | None = None
    measurements: tuple[PhysicalMeasurement, ...] = ()
    region: BodyRegion | None = None
    laterality: Laterality | None = None
    movement: str | None = None
    note: str | None = attrs.field(
        default=None, repr=lambda v: "None" if v is None else "<redacted>"
    )

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_key(p, "instrument", self.instrument)
        check_aware(p, "taken_at", self.taken_at)
        if self.value is None and self.responses is None and not self.measurements:
            p.append(Problem("", "expected a value, responses or measurements", "required"))
        if self.value is not None and not -1e9 <= self.value <= 1e9:  # also catches NaN
            p.append(Problem("value", "expected a finite score", "finite"))
        if self.measurements:
            kind = type(self.measurements[0])
            for i, m in enumerate(self.measurements):
                if type(m) is not kind:
                    p.append(
                        Problem(
                            f"measurements[{i}]",
                            f"expected a {kind.KIND} like the first trial",
                            "kind",
                        )
                    )
        if isinstance(self.responses, dict):
            for name, items in self.responses.items():
                check_key(p, f"responses.{name}", name)
                _finite_items(p, f"responses.{name}", items)
        elif self.responses is not None:
            _finite_items(p, "responses", self.responses)
        if self.region is not None:
            check_side(p, "laterality", self.region, self.laterality)
        if self.movement is not None:
            check_key(p, "movement", self.movement)
        check_text(p, "note", self.note)
        return p
