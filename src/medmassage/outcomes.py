"""Outcome measures: one administration of an outcome instrument.

An `OutcomeMeasure` records what was collected: the item responses as on the
published form, a score recorded directly, or physical measurements with
units (pressure pain threshold in kPa or kgf/cm², range of motion in degrees,
limb circumference in cm). Scoring is done by the instrument
(`medmassage.instruments`).

The answers of an instrument made of separate scales are a `ScaleResponses`,
an immutable mapping, so that every `OutcomeMeasure` (and every session and
case holding one) can be hashed; a plain ``dict`` given on construction is
turned into one:

>>> import datetime as dt
>>> m = OutcomeMeasure(
...     instrument="bctq",
...     taken_at=dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC),
...     responses={"sss": (1, 2, None), "fss": (3,)},
... )
>>> m.responses
ScaleResponses({'sss': (1, 2, None), 'fss': (3,)})
>>> m.responses["fss"], m.responses == {"sss": (1, 2, None), "fss": (3,)}
((3,), True)
>>> hash(m) == hash(OutcomeMeasure(**attrs.asdict(m, recurse=False)))
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from ._frozen import FrozenMap
from ._validation import Model, check_aware, check_side, check_text, instant_key
from .anatomy import BodyRegion, Laterality
from .exceptions import Problem
from .modalities import KEY, check_key
from .units import Angle, Length, Pressure

__all__ = ["ItemResponse", "OutcomeMeasure", "PhysicalMeasurement", "Responses", "ScaleResponses"]

#: One item's answer as on the published form: a number, a yes/no, an answer
#: label (HIT-6 ``"never"`` .. ``"always"``), or ``None`` when not answered.
ItemResponse = int | float | bool | str | None


class ScaleResponses(FrozenMap[str, tuple[ItemResponse, ...]]):
    """The answers of an instrument made of separate scales: scale name to item responses.

    An immutable, hashable mapping that keeps its order (BCTQ ``{"sss": (...),
    "fss": (...)}``). It compares equal to a ``dict`` with the same items.

    Args:
        scales: The scales and their responses (a mapping, or pairs).
    """

    __slots__ = ()


#: The answers of one administration: a sequence in item order, or, for
#: instruments made of separate scales, a `ScaleResponses` mapping of scale name to
#: such a sequence.
Responses = tuple[ItemResponse, ...] | ScaleResponses


def _freeze_responses(
    value: Responses | Mapping[str, tuple[ItemResponse, ...]] | None,
) -> Responses | None:
    """Turn a mapping given for *responses* (a ``dict``) into a `ScaleResponses`."""
    if value is None or type(value) is tuple or type(value) is ScaleResponses:
        return value
    if isinstance(value, Mapping):
        return ScaleResponses(value)
    return value  # left to the type check


def _typed(items: tuple[ItemResponse, ...]) -> tuple[tuple[type, ItemResponse], ...]:
    return tuple((type(item), item) for item in items)


def _responses_key(value: Responses | None) -> object:
    """Equality and hash key of *responses*: each answer with its type.

    ``True == 1 == 1.0`` in Python, but a yes, a one and a 1.0 are different answers
    (and different JSON), so two measures are equal only if their answers have the
    same types too.
    """
    if value is None:
        return None
    if isinstance(value, tuple):
        return _typed(value)
    return frozenset((name, _typed(items)) for name, items in value.items())


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
        responses: The item responses: a tuple in item order, or a
            `ScaleResponses` (a ``dict`` given here is turned into one).
        measurements: Physical measurements, one per trial, all of one kind.
        region: Where a physical measurement was taken.
        laterality: Which side.
        movement: For range of motion, the movement measured (``cervical_rotation``).
        note: Free-text note (protected).
    """

    instrument: str = attrs.field(metadata=KEY)
    taken_at: dt.datetime = attrs.field(eq=instant_key)
    value: float | None = None
    responses: Responses | None = attrs.field(
        default=None, converter=_freeze_responses, eq=_responses_key
    )
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
        responses = self.responses
        if isinstance(responses, tuple):
            _finite_items(p, "responses", responses)
        elif responses is not None:
            for name, items in responses.items():
                check_key(p, f"responses.{name}", name)
                _finite_items(p, f"responses.{name}", items)
        if self.region is not None:
            check_side(p, "laterality", self.region, self.laterality)
        if self.movement is not None:
            check_key(p, "movement", self.movement)
        check_text(p, "note", self.note)
        return p
