"""The declarative types an instrument is written in (private).

The enums that say which way a score runs, how a scale is scored and what an
instrument takes as input; the answers an item accepts (`ResponseSpec`); the
scales it reports (`Scale`); interpretation bands (`Band`) and minimal clinically
important differences (`Mcid`). The public home of every name here is
`medmassage.instruments`.
"""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Final, Literal

import attrs

from ..codes import is_within_icd10cm
from ..evidence import EvidenceLevel
from ..exceptions import Problem, ScoringError, ValidationError

#: Differences smaller than this are treated as no change (float noise only).
EPSILON: Final = 1e-9


class Direction(enum.Enum):
    """Which way an instrument's score means the patient is worse."""

    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"


class ChangeDirection(enum.Enum):
    """Whether a change between two scores is an improvement."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"


class ScoringRule(enum.Enum):
    """How a scale's score is computed from its items (or from other scales).

    ``n`` is the scale's number of items, ``k`` the number answered, ``S`` the
    sum of the answered items, ``lo``/``hi`` an item's lowest/highest value.

    It was called ``Rule``, a name it shared with the screening rule protocol
    `medmassage.contraindications.Rule`; ``medmassage.instruments.Rule`` still
    works, as a deprecated alias that warns.
    """

    #: ``S`` (LEFS, HIT-6, RMDQ).
    SUM = "sum"
    #: ``S x n / k``: the missing items take the mean of the answered ones (NDI, FIQR domains).
    PRORATED_SUM = "prorated_sum"
    #: ``(S - k*lo) / (k*(hi - lo)) x 100``: percent of the answered items' maximum (ODI, FFI).
    PERCENT_OF_MAX = "percent_of_max"
    #: ``S / k`` (BCTQ, PSFS, JFLS-20, single-item scales).
    MEAN = "mean"
    #: ``(S / k - lo) / (hi - lo) x 100`` (QuickDASH: ``(S/k - 1) x 25``).
    MEAN_RESCALED = "mean_rescaled"
    #: Sum of the component scales' scores (FIQR total).
    SCALES_SUM = "scales_sum"
    #: Mean of the component scales' scores (FFI total).
    SCALES_MEAN = "scales_mean"


class InputKind(enum.Enum):
    """What `Instrument.score` expects as responses."""

    #: A sequence of item responses in item order.
    ITEMS = "items"
    #: A mapping of scale name to that scale's sequence of responses (or one flat sequence).
    SCALES = "scales"
    #: A `medmassage.units.Pressure` (or a sequence of repeated trials).
    PRESSURE = "pressure"
    #: A `medmassage.units.Angle` (or a sequence of repeated trials).
    ANGLE = "angle"


class _BadResponse(Exception):
    """Internal: an item response is not allowed; converted to a `ScoringError`."""


def _describe_number(x: float) -> str:
    return f"{x:g}"


@attrs.frozen(kw_only=True, slots=True)
class ResponseSpec:
    """The answers one item accepts.

    Build one with `numeric`, `labelled` or `yes_no`.

    Attributes:
        low: The lowest value (the lowest label's value for labelled items).
        high: The highest value.
        integer: Whether only whole numbers are allowed (``3.0`` counts as whole).
        labels: For labelled items, each answer label with the points it scores,
            lowest first. The points themselves are accepted too.
        boolean: Whether the item is a yes/no tick (``True`` scores 1).
    """

    low: float
    high: float
    integer: bool = True
    labels: tuple[tuple[str, float], ...] = ()
    boolean: bool = False
    _lookup: dict[object, float] = attrs.field(
        init=False, repr=False, eq=False, hash=False, alias="_lookup"
    )

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            problems.append(Problem("high", "expected finite low < high", "range"))
        lookup: dict[object, float] = {}
        for i, (label, points) in enumerate(self.labels):
            key = _norm_label(label)
            if not key or key in lookup:
                problems.append(Problem(f"labels[{i}]", "labels must be unique and non-empty"))
            lookup[key] = points
            lookup[points] = points
        if problems:
            raise ValidationError(problems, "ResponseSpec")
        object.__setattr__(self, "_lookup", lookup)

    @classmethod
    def numeric(cls, low: float, high: float, *, integer: bool = True) -> ResponseSpec:
        """Answers are numbers from *low* to *high* (whole numbers when *integer*)."""
        return cls(low=low, high=high, integer=integer)

    @classmethod
    def labelled(cls, labels: Sequence[tuple[str, float]]) -> ResponseSpec:
        """Answers are labels, each scoring the given points (HIT-6)."""
        pairs = tuple(labels)
        points = [p for _, p in pairs]
        return cls(low=min(points), high=max(points), labels=pairs)

    @classmethod
    def yes_no(cls) -> ResponseSpec:
        """Answers are ``True`` (ticked, scores 1) or ``False`` (scores 0)."""
        return cls(low=0, high=1, boolean=True)

    def describe(self) -> str:
        """Say in words which answers are allowed, for error messages and reports."""
        if self.boolean:
            return "True or False (or 1/0)"
        if self.labels:
            named = ", ".join(f"{label!r} ({_describe_number(p)})" for label, p in self.labels)
            return f"one of {named}"
        lo, hi = _describe_number(self.low), _describe_number(self.high)
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} from {lo} to {hi}"

    def parse(self, value: object) -> float | None:
        """Return the points *value* scores, ``None`` for unanswered.

        Raises:
            ScoringError: If *value* is not an allowed answer.
        """
        try:
            return self._parse(value)
        except _BadResponse:
            raise ScoringError(f"got {_show(value)}; expected {self.describe()} or None") from None

    def _parse(self, value: object) -> float | None:
        # The hot path of scoring: exact-type checks first, no allocation.
        if value is None:
            return None
        t = type(value)
        if t is int or t is float:
            x: float = value  # type: ignore[assignment]
        elif t is bool:
            if self.boolean:
                return 1.0 if value else 0.0
            raise _BadResponse
        elif t is str:
            if self.labels:
                found = self._lookup.get(_norm_label(value))  # type: ignore[arg-type]
                if found is not None:
                    return found
            raise _BadResponse
        elif isinstance(value, numbers.Real):  # numpy, Fraction... (bool was handled above)
            try:
                x = float(value)
            except (TypeError, ValueError, OverflowError):
                raise _BadResponse from None
        else:
            raise _BadResponse
        if self.labels:
            found = self._lookup.get(x)
            if found is None:
                raise _BadResponse
            return found
        if not (self.low <= x <= self.high):  # also rejects NaN
            raise _BadResponse
        if (self.integer or self.boolean) and t is not int and not float(x).is_integer():
            raise _BadResponse
        return x


def _norm_label(label: str) -> str:
    return " ".join(label.replace("_", " ").replace("-", " ").lower().split())


def _show(value: object) -> str:
    """Describe a bad value without echoing free text (which could identify a patient)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return f"{value!r}"
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    return f"a {type(value).__name__}"


@attrs.frozen(kw_only=True, slots=True)
class Scale:
    """One score an instrument reports, and how it is computed.

    Attributes:
        name: Short identifier (``"total"``, ``"sss"``, ``"function"``).
        label: Human name for reports.
        rule: How the score is computed (see `ScoringRule`).
        items: The 1-based numbers of the items in this scale, in the
            instrument's item order; empty means every item given (PSFS, whose
            number of items varies).
        of: For `ScoringRule.SCALES_SUM` / `ScoringRule.SCALES_MEAN`: the names of the
            component scales (declared earlier).
        max_missing: How many of the scale's items may be unanswered before the
            scale cannot be scored (a scale with no item answered never is).
        missing_value: If set, an unanswered item is scored as this value (RMDQ:
            an unanswered item scores "No", 0); it still counts towards
            ``max_missing`` and `Score.missing`.
        weight: A multiplier applied to the rule's result (FIQR: function /3).
        score_range: The lowest and highest possible score of this scale.
    """

    name: str
    label: str
    rule: ScoringRule
    score_range: tuple[float, float]
    items: tuple[int, ...] = ()
    of: tuple[str, ...] = ()
    max_missing: int = 0
    missing_value: float | None = None
    weight: float = 1.0

    @property
    def composite(self) -> bool:
        """Whether this scale is computed from other scales rather than items."""
        return self.rule in (ScoringRule.SCALES_SUM, ScoringRule.SCALES_MEAN)


@attrs.frozen(kw_only=True, slots=True)
class Band:
    """An interpretation band of an instrument's primary score.

    Bands are looked up in order: a score belongs to the first band whose upper
    limit it does not exceed (``score <= high``, or ``score < high`` when
    ``high_inclusive`` is false). ``low`` is for display.

    Attributes:
        label: The band's name as published (``"moderate disability"``).
        low: The lowest score of the band as published.
        high: The upper limit.
        high_inclusive: Whether ``high`` itself belongs to the band.
    """

    label: str
    low: float
    high: float
    high_inclusive: bool = True

    def admits(self, value: float) -> bool:
        """Whether *value* does not exceed this band's upper limit."""
        return value <= self.high if self.high_inclusive else value < self.high


def _as_patterns(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True, slots=True)
class Mcid:
    """A minimal clinically important difference (or a detectable change) with its source.

    A change reaches the MCID when the *improvement* is at least ``value``
    points, or at least ``percent`` % of the baseline score, or (``combine=
    "both"``) both.

    Attributes:
        value: Threshold in points of the scale (always positive: the size of
            the change, whichever way the scale runs).
        percent: Threshold as a percentage of the baseline score.
        combine: ``"either"`` (either threshold suffices) or ``"both"``.
        population: A short key for the population the figure was derived in
            (``"default"``, ``"chronic-lbp"``); `Instrument.change` selects by it.
        description: The population and context in words.
        source: The citation.
        scale: The scale the figure applies to; ``None`` for the primary score.
        kind: ``"mcid"`` for an important difference, ``"mdc"`` for a minimal
            detectable change (measurement error only).
        confirmed: ``False`` when the figure could not be verified in a primary
            source; ``evidence_reason`` then says why, for a clinician.
        default: Whether `Instrument.change` uses it when no population is named.
        evidence_level: The kind of source the figure rests on (a single
            cohort study is `~medmassage.evidence.EvidenceLevel.PRIMARY_STUDY`);
            ``None``: not stated (plugins).
        evidence_reason: One line a clinician can read on how sure the figure is
            (why it is weaker than its level suggests, or borrowed from another version).
        conditions: ICD-10-CM code patterns (as `medmassage.codes.is_within_icd10cm`
            takes them: ``"M54.5"``, ``"M54.5-M54.59"``) of the condition the figure
            was derived in; `Instrument.change` picks an MCID by them and says when a
            case's diagnoses are of another population. Empty: not stated.

    .. versionchanged:: 0.2.0
       ``evidence_level``, ``evidence_reason`` and ``conditions``.
    """

    source: str
    value: float | None = None
    percent: float | None = None
    combine: Literal["either", "both"] = "either"
    population: str = "default"
    description: str = ""
    scale: str | None = None
    kind: Literal["mcid", "mdc"] = "mcid"
    confirmed: bool = True
    default: bool = True
    evidence_level: EvidenceLevel | None = None
    evidence_reason: str = ""
    conditions: tuple[str, ...] = attrs.field(default=(), converter=_as_patterns)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        level: object = self.evidence_level
        if level is not None and not isinstance(level, EvidenceLevel):
            problems.append(Problem("evidence_level", "expected an EvidenceLevel", "type"))
        conditions: tuple[object, ...] = self.conditions
        for i, pattern in enumerate(conditions):
            try:
                if not isinstance(pattern, str):
                    raise TypeError
                is_within_icd10cm("A00", pattern)
            except (TypeError, ValidationError):
                problems.append(
                    Problem(f"conditions[{i}]", "expected an ICD-10-CM code pattern", "format")
                )
        if self.value is None and self.percent is None:
            problems.append(Problem("value", "an MCID needs a value or a percent", "required"))
        for name in ("value", "percent"):
            x = getattr(self, name)
            if x is not None and not (isinstance(x, int | float) and math.isfinite(x) and x > 0):
                problems.append(Problem(name, "expected a positive finite number", "range"))
        if self.combine not in ("either", "both"):
            problems.append(Problem("combine", "expected 'either' or 'both'", "choice"))
        if problems:
            raise ValidationError(problems, "Mcid")

    def reached(self, improvement: float, baseline: float) -> bool:
        """Whether an *improvement* (points, positive = better) from *baseline* meets this MCID.

        A percentage threshold is only usable when the baseline is not zero.
        """
        checks: list[bool] = []
        if self.value is not None:
            checks.append(improvement >= self.value - EPSILON)
        if self.percent is not None:
            if baseline != 0:
                checks.append(improvement / abs(baseline) * 100 >= self.percent - EPSILON)
            elif self.combine == "both" or self.value is None:
                checks.append(False)
        return all(checks) if self.combine == "both" else any(checks)

    def describe(self) -> str:
        """The threshold in words, e.g. ``"10 points or 30%"``."""
        parts = []
        if self.value is not None:
            parts.append(f"{self.value:g} points")
        if self.percent is not None:
            parts.append(f"{self.percent:g}%")
        text = (" and " if self.combine == "both" else " or ").join(parts)
        if self.kind == "mdc":
            text += " (MDC)"
        return text

    def evidence(self) -> str:
        """The evidence level and its reason in words (``"primary_study"``, ``"not stated"``)."""
        level = self.evidence_level.value if self.evidence_level is not None else "not stated"
        return f"{level}: {self.evidence_reason}" if self.evidence_reason else level

    def covers(self, diagnoses: Sequence[str]) -> bool | None:
        """Whether any of the ICD-10-CM *diagnoses* is of the population the figure comes from.

        ``None`` when the MCID states no conditions or no diagnosis is given.
        """
        if not self.conditions or not diagnoses:
            return None
        return any(is_within_icd10cm(code, self.conditions) for code in diagnoses)
