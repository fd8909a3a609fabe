"""Scores, changes and the generic scoring engine of `Instrument` (private).

An `Instrument` validates its own definition, collects and checks the answers of
one administration against its `ResponseSpec` items, applies each scale's
`ScoringRule` and missing-item limit, then the composite scales; `Instrument.change`
compares two scores against an `Mcid`. The public home of every name here is
`medmassage.instruments`.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

import attrs

from ..codes import is_icd10cm_format
from ..evidence import EvidenceLevel
from ..exceptions import (
    MedmassageError,
    Problem,
    ScoringError,
    UnknownCodeError,
    UsageError,
    ValidationError,
)
from ..units import Angle, Measure, MeasureLike, Pressure, SupportsQuantity
from ._spec import (
    EPSILON,
    Band,
    ChangeDirection,
    Direction,
    InputKind,
    Mcid,
    ResponseSpec,
    Scale,
    ScoringRule,
    _BadResponse,
    _show,
)

if TYPE_CHECKING:
    from ..outcomes import OutcomeMeasure

#: One item's answer as given on the published form; ``None`` = unanswered.
Response: TypeAlias = int | float | str | bool | None
#: What `Instrument.score` accepts (documented where it is public: ``medmassage.instruments``).
Responses: TypeAlias = (
    Sequence[Response]
    | Mapping[str, Sequence[Response]]
    | float
    | MeasureLike
    | Sequence[MeasureLike]
)


def _freeze_floats(value: Mapping[str, float]) -> dict[str, float]:
    return dict(value)


@attrs.frozen(kw_only=True, slots=True)
class Score:
    """The result of scoring one administration of an instrument.

    Attributes:
        instrument: The instrument's code.
        value: The published primary score, on its published scale.
        unit: The unit of ``value`` (``"points"``, ``"%"``, ``"mm"``, ``"kPa"``, ``"deg"``).
        subscales: Each scale's score, for instruments with more than one scale
            (composite totals excluded: they are ``value``).
        missing: How many items were unanswered (for the FFI: marked not applicable).
        band: The interpretation band of ``value``, if the instrument has bands.
        not_computable: Scales that could not be scored (too many missing items),
            when the primary score still could.
        direction: Which way the score means worse.
    """

    instrument: str
    value: float
    unit: str
    direction: Direction
    subscales: Mapping[str, float] = attrs.field(factory=dict, converter=_freeze_floats, hash=False)
    missing: int = 0
    band: Band | None = None
    not_computable: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, slots=True)
class Change:
    """The change between a baseline and a follow-up score.

    Attributes:
        instrument: The instrument's code.
        scale: The scale compared; ``None`` for the primary score.
        baseline: The baseline score.
        followup: The follow-up score.
        difference: ``followup - baseline``.
        percent: The difference as a percentage of the baseline (``None`` when the
            baseline is 0).
        improvement: The difference signed so that positive means better.
        direction: Improved, worsened or unchanged.
        mcid: The MCID the change was judged against, if the instrument has one
            for this scale and population.
        mcid_reached: Whether the improvement reaches the MCID (``None`` without an MCID).
        worsened_beyond_mcid: Whether the patient worsened by at least the MCID
            (``None`` without an MCID).
        population_matches: Whether the case's diagnoses (passed to
            `Instrument.change`) are of the population the MCID was derived in:
            ``False`` names a borrowed figure (a neck-pain case judged against a
            low-back-pain MCID); ``None`` when no diagnosis was given or the MCID
            states no conditions.
    """

    instrument: str
    scale: str | None
    baseline: float
    followup: float
    difference: float
    percent: float | None
    improvement: float
    direction: ChangeDirection
    mcid: Mcid | None
    mcid_reached: bool | None
    worsened_beyond_mcid: bool | None
    population_matches: bool | None = None

    @property
    def population_mismatch(self) -> bool:
        """Whether the MCID comes from another population than the case's diagnoses."""
        return self.population_matches is False


_CODE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


def _check_instrument(inst: Instrument) -> list[Problem]:
    problems: list[Problem] = []
    code: object = inst.code  # plugins may pass anything: attrs does not check types
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(
            Problem("code", "expected a lower-case code: a letter, then [a-z0-9_.-]", "format")
        )
    measured = inst.kind in (InputKind.PRESSURE, InputKind.ANGLE)
    if not measured and not (1 <= inst.min_items <= inst.item_count):
        problems.append(Problem("min_items", "expected 1 <= min_items <= item_count", "range"))
    lo, hi = inst.score_range
    if not lo < hi:
        problems.append(Problem("score_range", "expected low < high", "range"))
    names: dict[str, int] = {}
    for i, scale in enumerate(inst.scales):
        where = f"scales[{i}]"
        if scale.name in names:
            problems.append(Problem(f"{where}.name", "duplicate scale name", "unique"))
        if scale.composite:
            unknown = [c for c in scale.of if c not in names]
            if not scale.of or unknown:
                problems.append(
                    Problem(f"{where}.of", "expected names of scales declared before", "ref")
                )
        elif any(not 1 <= n <= inst.item_count for n in scale.items) and not measured:
            problems.append(Problem(f"{where}.items", "item numbers out of range", "range"))
        if scale.max_missing < 0:
            problems.append(Problem(f"{where}.max_missing", "expected >= 0", "range"))
        names[scale.name] = i
    if not inst.scales:
        problems.append(Problem("scales", "an instrument needs at least one scale", "required"))
    if inst.primary not in names:
        problems.append(Problem("primary", "expected the name of one of the scales", "ref"))
    if inst.kind is InputKind.SCALES:
        expected = 1
        for i, scale in enumerate(inst.scales):
            if scale.composite:
                continue
            block = tuple(range(expected, expected + len(scale.items)))
            if scale.items != block:
                problems.append(
                    Problem(
                        f"scales[{i}].items",
                        "separate scales must number their items in one contiguous run",
                        "order",
                    )
                )
            expected += len(scale.items)
        if expected - 1 != inst.item_count:
            problems.append(Problem("item_count", "scales do not cover every item", "range"))
    for i, band in enumerate(inst.bands):
        if i and band.high < inst.bands[i - 1].high:
            problems.append(Problem(f"bands[{i}]", "bands must be in ascending order", "order"))
    for i, mcid in enumerate(inst.mcids):
        if mcid.scale is not None and mcid.scale not in names:
            problems.append(Problem(f"mcids[{i}].scale", "unknown scale", "ref"))
    level: object = inst.missing_rule_evidence
    if level is not None and not isinstance(level, EvidenceLevel):
        problems.append(Problem("missing_rule_evidence", "expected an EvidenceLevel", "type"))
    api_version: object = inst.api_version
    if not isinstance(api_version, int) or api_version < 1:
        problems.append(Problem("api_version", "expected a positive integer", "range"))
    return problems


@attrs.frozen(kw_only=True, slots=True)
class Instrument:
    """A validated outcome instrument, described declaratively and scored generically.

    Attributes:
        code: Short lower-case identifier (``"odi"``).
        name: Full name.
        version: The version scored (``"2.1a"``).
        kind: What `score` expects (see `InputKind`).
        item_count: Number of items (the maximum, for PSFS); 0 for measured instruments.
        min_items: The fewest items accepted (PSFS: 3); defaults to ``item_count``.
        response: The answers every item accepts.
        item_responses: Overrides of ``response`` for particular items, as
            ``(item number, spec)`` pairs.
        item_noun: What an item is called on the form (``"section"`` for the ODI).
        scales: The scales scored, components before the composites built from them.
        primary: The name of the scale whose score is `Score.value`.
        missing_rule: The missing-item rule in words (said in every `ScoringError`).
        missing_rule_confirmed: ``False`` when the rule is a documented convention,
            not a published one (``missing_rule_evidence`` says which).
        missing_rule_evidence: The kind of source the missing-item rule rests on
            (`~medmassage.evidence.EvidenceLevel.CONVENTION` where the project
            chose a limit no source gives); ``None``: not stated.
        missing_rule_reason: One line a clinician can read on why the rule has
            that level.
        score_range: Range of the primary score.
        unit: Unit of the primary score.
        direction: Which way the primary score means worse.
        bands: Interpretation bands of the primary score, ascending.
        mcids: Known MCIDs (and MDCs), each with population and source.
        licence: Copyright and licence note.
        source: Citation of the primary source of the scoring.
        notes: Further remarks, including what could not be verified and why.
        decimals: Decimals to show when reporting a score.
        api_version: The plugin API version this object was written for.
    """

    code: str
    name: str
    version: str
    kind: InputKind
    item_count: int
    response: ResponseSpec
    scales: tuple[Scale, ...]
    primary: str
    missing_rule: str
    score_range: tuple[float, float]
    unit: str
    direction: Direction
    licence: str
    source: str
    min_items: int = attrs.field()
    item_responses: tuple[tuple[int, ResponseSpec], ...] = ()
    item_noun: str = "item"
    missing_rule_confirmed: bool = True
    missing_rule_evidence: EvidenceLevel | None = None
    missing_rule_reason: str = ""
    bands: tuple[Band, ...] = ()
    mcids: tuple[Mcid, ...] = ()
    notes: tuple[str, ...] = ()
    decimals: int = 1
    api_version: int = 1
    _specs: tuple[ResponseSpec, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False, alias="_specs"
    )

    @min_items.default
    def _min_items_default(self) -> int:
        return self.item_count

    def __attrs_post_init__(self) -> None:
        problems = _check_instrument(self)
        specs = [self.response] * max(self.item_count, 0)
        for number, spec in self.item_responses:
            if 1 <= number <= self.item_count:
                specs[number - 1] = spec
            else:
                problems.append(Problem("item_responses", "item number out of range", "range"))
        if problems:
            raise ValidationError(problems, "Instrument")
        object.__setattr__(self, "_specs", tuple(specs))

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    # -- metadata -------------------------------------------------------------------

    def scale(self, name: str) -> Scale:
        """Return the scale called *name*.

        Raises:
            UnknownCodeError: If the instrument has no such scale.
        """
        for scale in self.scales:
            if scale.name == name:
                return scale
        known = ", ".join(s.name for s in self.scales)
        raise UnknownCodeError(f"{self.code} scale", str(name), f"known scales: {known}")

    def band_for(self, value: float) -> Band | None:
        """Return the interpretation band of a primary score, if the instrument has bands."""
        if not self.bands or value < self.bands[0].low:
            return None
        return next((band for band in self.bands if band.admits(value)), None)

    def mcid(self, population: str | None = None, scale: str | None = None) -> Mcid | None:
        """Return the MCID for a *scale* (``None``: primary) and *population*.

        Without a population the first MCID marked ``default`` is returned; with
        one, the first whose ``population`` matches.

        Raises:
            UnknownCodeError: If a population is named that the instrument has no
                MCID for.
        """
        target = None if scale in (None, self.primary) else scale
        candidates = [
            m
            for m in self.mcids
            if (None if m.scale in (None, self.primary) else m.scale) == target
        ]
        if population is None:
            return next((m for m in candidates if m.default), None)
        for m in candidates:
            if m.population == population:
                return m
        known = ", ".join(sorted({m.population for m in candidates})) or "none"
        raise UnknownCodeError(
            f"{self.code} MCID population", str(population), f"known populations: {known}"
        )

    def with_mcids(self, *mcids: Mcid, replace: bool = False) -> Instrument:
        """Return a copy with *mcids* put first (or instead of the existing ones).

        This is how a plugin or an application overrides an MCID for its
        population: an added MCID marked ``default`` takes precedence.
        """
        kept = () if replace else self.mcids
        return attrs.evolve(self, mcids=(*mcids, *kept))

    def format_value(self, value: float) -> str:
        """Format a score for display with the instrument's decimals and unit."""
        text = f"{value:.{self.decimals}f}"
        if self.unit == "%":
            return text + "%"
        return f"{text} {self.unit}"

    # -- scoring --------------------------------------------------------------------

    def score(self, responses: Responses) -> Score:
        """Score one administration.

        Args:
            responses: The answers as on the published form (see the module
                docstring and each instrument's documentation).

        Returns:
            The `Score`.

        Raises:
            ScoringError: If an answer is not allowed for its item (the message
                names the item and the allowed answers), the number of answers is
                wrong, or too many items are missing for the instrument's rule.
        """
        if self.kind is InputKind.PRESSURE or self.kind is InputKind.ANGLE:
            return self._score_measure(responses)
        values = self._collect(responses)
        results: dict[str, float] = {}
        failed: dict[str, str] = {}  # scale name -> why it could not be scored
        several = len(self.scales) > 1
        for scale in self.scales:
            if scale.composite:
                absent = [c for c in scale.of if c not in results]
                if absent:
                    failed[scale.name] = "; ".join(failed[c] for c in absent)
                    continue
                parts = [results[c] for c in scale.of]
                total = math.fsum(parts)
                if scale.rule is ScoringRule.SCALES_MEAN:
                    total /= len(parts)
                results[scale.name] = total * scale.weight
                continue
            numbers_ = scale.items or range(1, len(values) + 1)
            answered: list[float] = []
            missing = 0
            for n in numbers_:
                x = values[n - 1]
                if x is None:
                    missing += 1
                    if scale.missing_value is not None:
                        answered.append(scale.missing_value)
                else:
                    answered.append(x)
            count = len(numbers_)
            if missing > scale.max_missing or missing == count:
                where = f"scale {scale.name!r}: " if several else ""
                failed[scale.name] = f"{where}{missing} of {count} {self.item_noun}s unanswered"
                continue
            results[scale.name] = self._apply(scale, answered, count)
        if self.primary not in results:
            raise ScoringError(
                f"cannot score {self.code}: {failed[self.primary]}; rule: {self.missing_rule}"
            )
        value = results[self.primary]
        item_scales = [s for s in self.scales if not s.composite]
        subscales = (
            {s.name: results[s.name] for s in item_scales if s.name in results}
            if len(self.scales) > 1
            else {}
        )
        return Score(
            instrument=self.code,
            value=value,
            unit=self.unit,
            direction=self.direction,
            subscales=subscales,
            missing=sum(1 for v in values if v is None),
            band=self.band_for(value) if self.bands else None,
            not_computable=tuple(failed),
        )

    def _apply(self, scale: Scale, answered: list[float], count: int) -> float:
        k = len(answered)
        total = math.fsum(answered)
        spec = self._specs[scale.items[0] - 1] if scale.items else self.response
        rule = scale.rule
        if rule is ScoringRule.SUM:
            result = total
        elif rule is ScoringRule.PRORATED_SUM:
            result = total * count / k
        elif rule is ScoringRule.PERCENT_OF_MAX:
            result = (total - k * spec.low) / (k * (spec.high - spec.low)) * 100.0
        elif rule is ScoringRule.MEAN:
            result = total / k
        else:  # ScoringRule.MEAN_RESCALED
            result = (total / k - spec.low) / (spec.high - spec.low) * 100.0
        return result * scale.weight

    def _where(self, number: int) -> str:
        """Name item *number* (1-based, in the flat item order) as the form does."""
        if self.kind is InputKind.SCALES:
            for scale in self.scales:
                if scale.items and scale.items[0] <= number <= scale.items[-1]:
                    return f"scale {scale.name!r} {self.item_noun} {number - scale.items[0] + 1}"
        return f"{self.item_noun} {number}"

    def _collect(self, responses: object) -> list[float | None]:
        """Validate *responses* and return one parsed value per item, in item order."""
        code = self.code
        if isinstance(responses, Mapping):
            if self.kind is not InputKind.SCALES:
                raise ScoringError(
                    f"{code}: expected a sequence of {self.item_count} {self.item_noun} "
                    "responses in item order, not a mapping"
                )
            return self._collect_mapping(responses)
        if self.item_count == 1 and _is_number(responses):
            responses = [responses]
        if isinstance(responses, str | bytes | bytearray) or not isinstance(responses, Sequence):
            shape = (
                "a mapping of scale name to responses"
                if self.kind is InputKind.SCALES
                else "a sequence of responses in item order"
            )
            raise ScoringError(f"{code}: expected {shape}, got {_show(responses)}")
        n = len(responses)
        if not self.min_items <= n <= self.item_count:
            want = (
                f"{self.item_count}"
                if self.min_items == self.item_count
                else f"{self.min_items} to {self.item_count}"
            )
            raise ScoringError(
                f"{code}: expected {want} {self.item_noun} responses (None for unanswered), got {n}"
            )
        specs = self._specs
        out: list[float | None] = []
        append = out.append
        try:
            for i, value in enumerate(responses):
                append(specs[i]._parse(value))
        except _BadResponse:
            i = len(out)
            raise ScoringError(
                f"{code}: {self._where(i + 1)}: got {_show(responses[i])}; "
                f"expected {specs[i].describe()} or None"
            ) from None
        return out

    def _collect_mapping(self, responses: Mapping[object, object]) -> list[float | None]:
        item_scales = [s for s in self.scales if not s.composite]
        names = {s.name for s in item_scales}
        unknown = [k for k in responses if k not in names]
        if unknown:
            raise ScoringError(
                f"{self.code}: unknown scale(s) {', '.join(_show_key(k) for k in unknown)}; "
                f"expected {', '.join(sorted(names))}"
            )
        out: list[float | None] = []
        for scale in item_scales:
            given = responses.get(scale.name)
            count = len(scale.items)
            if given is None:
                out.extend([None] * count)
                continue
            if isinstance(given, str | bytes | bytearray) or not isinstance(given, Sequence):
                raise ScoringError(
                    f"{self.code}: scale {scale.name!r}: expected a sequence of {count} "
                    f"responses, got {_show(given)}"
                )
            if len(given) != count:
                raise ScoringError(
                    f"{self.code}: scale {scale.name!r}: expected {count} {self.item_noun} "
                    f"responses (None for unanswered), got {len(given)}"
                )
            start = scale.items[0]
            for j, value in enumerate(given):
                spec = self._specs[start + j - 1]
                try:
                    out.append(spec._parse(value))
                except _BadResponse:
                    raise ScoringError(
                        f"{self.code}: {self._where(start + j)}: got {_show(value)}; "
                        f"expected {spec.describe()} or None"
                    ) from None
        return out

    def _score_measure(self, responses: object) -> Score:
        cls: type[Measure] = Pressure if self.kind is InputKind.PRESSURE else Angle
        kind = ("an " if cls.KIND[0] in "aeiou" else "a ") + cls.KIND
        single = isinstance(responses, Measure | str | Mapping | SupportsQuantity)
        if single:
            trials: Sequence[object] = [responses]
        elif isinstance(responses, Sequence) and not isinstance(responses, bytes | bytearray):
            trials = responses
        else:
            raise ScoringError(
                f"{self.code}: expected {kind} with its unit ({cls.EXAMPLES}) "
                f"or a sequence of trials, got {_show(responses)}"
            )
        if not 1 <= len(trials) <= 100:
            raise ScoringError(f"{self.code}: expected 1 to 100 trials, got {len(trials)}")
        lo, hi = self.score_range
        values: list[float] = []
        for i, trial in enumerate(trials, 1):
            where = f"{self.item_noun} {i}" if not single else "measurement"
            try:
                measure = cls.coerce(trial)  # type: ignore[arg-type]
            except MedmassageError as exc:
                raise ScoringError(
                    f"{self.code}: {where}: expected {kind} with its unit "
                    f"({cls.EXAMPLES}): {_first_problem(exc)}"
                ) from exc
            except (TypeError, ValueError, AttributeError) as exc:
                raise ScoringError(
                    f"{self.code}: {where}: expected {kind} with its unit ({cls.EXAMPLES})"
                ) from exc
            x = measure.canonical
            if not lo <= x <= hi:
                raise ScoringError(
                    f"{self.code}: {where}: {x:g} {self.unit} is outside "
                    f"{lo:g} to {hi:g} {self.unit}"
                )
            values.append(x)
        value = math.fsum(values) / len(values)
        return Score(
            instrument=self.code,
            value=value,
            unit=self.unit,
            direction=self.direction,
            band=self.band_for(value) if self.bands else None,
        )

    def score_value(self, value: float) -> Score:
        """Wrap a score recorded directly (not from item responses) as a `Score`.

        Raises:
            ScoringError: If *value* is not a finite number within the score range.
        """
        lo, hi = self.score_range
        if not _is_number(value) or not lo <= float(value) <= hi:
            raise ScoringError(
                f"{self.code}: recorded score: got {_show(value)}; expected a number from "
                f"{lo:g} to {hi:g}"
            )
        x = float(value)
        return Score(
            instrument=self.code,
            value=x,
            unit=self.unit,
            direction=self.direction,
            band=self.band_for(x) if self.bands else None,
        )

    def score_measure(self, measure: OutcomeMeasure) -> Score:
        """Score one administration: its item responses, measurements or recorded value.

        Raises:
            ScoringError: If the measure cannot be scored (too many items missing,
                an answer out of range, a recorded score outside the scale).
            ValidationError: If a response has the wrong type.
        """
        if measure.responses is not None:
            return self.score(measure.responses)
        if measure.measurements:
            return self.score(list(measure.measurements))
        if measure.value is None:
            raise ScoringError(f"{self.code}: the measure has no responses, measurements or value")
        return self.score_value(measure.value)

    # -- change ---------------------------------------------------------------------

    def change(
        self,
        baseline: Score | float,
        followup: Score | float,
        *,
        scale: str | None = None,
        population: str | None = None,
        mcid: Mcid | None = None,
        diagnoses: Sequence[str] = (),
    ) -> Change:
        """Compare a follow-up score with the baseline.

        Args:
            baseline: The baseline `Score` (or its value).
            followup: The follow-up `Score` (or its value).
            scale: Compare this scale instead of the primary score (BCTQ ``"fss"``).
            population: Judge against the MCID for this population (see `mcid`).
            mcid: Judge against this MCID instead (an override, e.g. from a plugin).
            diagnoses: The case's ICD-10-CM codes. Without *population* or *mcid*,
                the first MCID whose `Mcid.conditions` cover one of them is used
                (else the default); `Change.population_matches` says whether the
                MCID used is of the case's population.

        Raises:
            ScoringError: If a score belongs to another instrument or lacks the scale.
            UnknownCodeError: If *scale* or *population* is unknown.

        .. versionchanged:: 0.2.0
           *diagnoses* selects the MCID of the patient's population and flags a mismatch.
        """
        if scale is not None:
            self.scale(scale)
        b = self._value_of(baseline, scale, "baseline")
        f = self._value_of(followup, scale, "followup")
        if mcid is not None and not isinstance(mcid, Mcid):
            raise UsageError(f"{self.code}: mcid: expected an Mcid, got {_show(mcid)}")
        codes = _diagnosis_codes(self.code, diagnoses)
        chosen = mcid if mcid is not None else self._pick_mcid(population, scale, codes)
        difference = f - b
        # Every scale of an instrument runs the same way as its primary score.
        improvement = -difference if self.direction is Direction.HIGHER_IS_WORSE else difference
        if abs(difference) <= EPSILON:
            moved = ChangeDirection.UNCHANGED
        elif improvement > 0:
            moved = ChangeDirection.IMPROVED
        else:
            moved = ChangeDirection.WORSENED
        return Change(
            instrument=self.code,
            scale=scale,
            baseline=b,
            followup=f,
            difference=difference,
            percent=difference / abs(b) * 100.0 if b != 0 else None,
            improvement=improvement,
            direction=moved,
            mcid=chosen,
            mcid_reached=None if chosen is None else chosen.reached(improvement, b),
            worsened_beyond_mcid=None if chosen is None else chosen.reached(-improvement, b),
            population_matches=None if chosen is None else chosen.covers(codes),
        )

    def _pick_mcid(
        self, population: str | None, scale: str | None, codes: Sequence[str]
    ) -> Mcid | None:
        if population is None and codes:
            target = None if scale in (None, self.primary) else scale
            for m in self.mcids:
                if (None if m.scale in (None, self.primary) else m.scale) == target and (
                    m.kind == "mcid" and m.covers(codes)
                ):
                    return m
        return self.mcid(population, scale)

    def _value_of(self, score: object, scale: str | None, what: str) -> float:
        if isinstance(score, Score):
            if score.instrument != self.code:
                raise ScoringError(
                    f"{self.code}: {what} is a {score.instrument!r} score, not {self.code!r}"
                )
            if scale is None or (scale == self.primary and scale not in score.subscales):
                return score.value
            if scale not in score.subscales:
                raise ScoringError(f"{self.code}: {what} has no {scale!r} score")
            return score.subscales[scale]
        if _is_number(score) and math.isfinite(float(score)):  # type: ignore[arg-type]
            return float(score)  # type: ignore[arg-type]
        raise ScoringError(f"{self.code}: {what}: expected a Score or a number, got {_show(score)}")


def _diagnosis_codes(code: str, diagnoses: object) -> tuple[str, ...]:
    if isinstance(diagnoses, str) or not isinstance(diagnoses, Sequence):
        raise UsageError(f"{code}: diagnoses: expected a sequence of ICD-10-CM codes")
    out: list[str] = []
    for i, d in enumerate(diagnoses):
        if not isinstance(d, str) or not is_icd10cm_format(d):
            raise ValidationError(
                [Problem(f"diagnoses[{i}]", "expected an ICD-10-CM code such as M54.50", "format")],
                "Instrument.change",
            )
        out.append(d)
    return tuple(out)


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _show_key(key: object) -> str:
    return repr(key) if isinstance(key, str) and len(key) <= 32 else _show(key)


def _first_problem(exc: BaseException) -> str:
    if isinstance(exc, ValidationError) and exc.problems:
        return exc.problems[0].message
    return type(exc).__name__


# -- lookup -------------------------------------------------------------------------


@runtime_checkable
class InstrumentSource(Protocol):
    """Anything that can look up an instrument by code (e.g. a plugin `Registry`)."""

    def instrument(self, code: str) -> Instrument:
        """Return the instrument with *code*; raise `UnknownCodeError` if unknown."""
        ...
