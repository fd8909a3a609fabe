"""The phrases of the progress report: one value, one wording (a change, an MCID, a target).

Shared by the section model (`._sections`) and the chart (`._chart`), so that a
phrase such as "lower is better" or "≤ 20" is written once.
"""

from __future__ import annotations

import enum

from ..instruments import Direction, Instrument, Mcid
from ..plans import Comparator, Goal
from ..progress import CareTiming, GoalStatus, Series


def word(value: object) -> str:
    """A readable word for an enum value or other object (``avoid_region`` -> ``avoid region``)."""
    raw = value.value if isinstance(value, enum.Enum) else value
    return str(raw).replace("_", " ")


def visits_left(timing: CareTiming) -> int | None:
    """The authorized visits left, never below 0 (``None`` if nothing is authorized).

    An over-used authorization has 0 left; the compliance error says how many
    visits went beyond it.
    """
    remaining = timing.visits_remaining
    return None if remaining is None else max(remaining, 0)


def score_text(series: Series, value: float) -> str:
    """A score of *series* with its instrument's unit and decimals (``48.9%``)."""
    return series.instrument.format_value(value)


def mcid_text(mcid: Mcid | None) -> str:
    """An MCID's size in words (``10 points or 30%``), or that none is published."""
    return "none published" if mcid is None else mcid.describe()


def change_text(series: Series) -> str:
    """The change from baseline to latest, in the instrument's unit.

    ``-22.2 percentage points (-45%), improved`` on a percent score (the ODI):
    the difference of two percentages is in percentage points, the bracket the
    relative change; ``-3 points (-43%), improved`` on the NPRS.
    """
    change = series.change
    if change is None:
        return "single measurement"
    sign = "+" if change.difference > 0 else ""
    pct = f" ({sign}{change.percent:.0f}%)" if change.percent is not None else ""
    d = series.instrument.decimals
    return f"{sign}{change.difference:.{d}f} {change_unit(series.instrument)}{pct}, " + (
        change.direction.value
    )


def change_unit(instrument: Instrument) -> str:
    """The unit of a difference of *instrument*'s scores (``percentage points`` for ``%``)."""
    unit = instrument.unit
    return "percentage points" if unit == "%" else unit


def mcid_status(series: Series) -> str:
    """Whether the change reached the MCID (``reached``, ``not reached``, ...)."""
    change = series.change
    if change is None:
        return "n/a"
    if change.mcid is None:
        return "no MCID"
    if change.mcid_reached:
        return "reached"
    if change.worsened_beyond_mcid:
        return "worsened beyond MCID"
    return "not reached"


def goal_text(status: GoalStatus) -> str:
    """Whether a goal is met (``met``, ``not met (target date passed)``, ``not measured``)."""
    if status.met is None:
        return "not measured"
    text = "met" if status.met else "not met"
    if status.overdue:
        text += " (target date passed)"
    return text


def direction_word(series: Series) -> str:
    """Which way is better for the series' instrument (``lower is better``)."""
    return (
        "lower is better"
        if series.instrument.direction is Direction.HIGHER_IS_WORSE
        else ("higher is better")
    )


def goal_label(status: GoalStatus, notes: bool) -> str:
    """A goal's wording (free text, only with notes), else its id."""
    if notes and status.goal.description:
        return status.goal.description
    return status.goal.id


def target_text(goal: Goal) -> str:
    """A goal's target with its comparator (``≤ 20``)."""
    sign = "\u2264" if goal.comparator is Comparator.AT_MOST else "\u2265"
    return f"{sign} {goal.target:g}"


def series_notes(series: Series) -> str:
    """The caveats of a series (may be empty).

    A missing-item rule that is not the published one, with its evidence level
    and reason; an MCID that could not be verified, with its evidence; an MCID
    derived in another population than the plan's diagnoses.
    """
    inst = series.instrument
    notes = []
    if not inst.missing_rule_confirmed and any(p.score.missing for p in series.points):
        level = inst.missing_rule_evidence
        why = f" ({level.value}: {inst.missing_rule_reason})" if level is not None else ""
        notes.append(f"Missing items scored by the rule: {inst.missing_rule}{why}.")
    change = series.change
    if change is not None and change.mcid is not None:
        mcid = change.mcid
        if not mcid.confirmed:
            notes.append(f"MCID evidence: {mcid.evidence()}.")
        if change.population_mismatch:
            notes.append(
                f"MCID from another population: {mcid.description}; the plan's diagnoses "
                "are not of that population, so the threshold is borrowed."
            )
    return " ".join(notes)


def bound_text(goal: Goal, unit: str | None = None) -> str:
    """A goal's target with its comparator and the instrument's unit (``≤ 20%``)."""
    if unit is None:
        return target_text(goal)
    return target_text(goal) + ("%" if unit == "%" else f" {unit}")


def goal_sentence(status: GoalStatus, notes: bool, instrument: Instrument | None = None) -> str:
    """Where a goal stands, in one sentence a physician reads at a glance.

    ``g-odi: Oswestry Disability Index 48.9% → 26.7%, goal ≤ 20% by 2026-03-01:
    not yet met (69% of the way).`` A goal not measured yet is named by
    *instrument* (its name and unit) when known, else by its instrument code.
    """
    goal, s = status.goal, status.series
    by = f" by {goal.target_date}" if goal.target_date else ""
    if s is None:
        name = instrument.name if instrument is not None else goal.instrument
        bound = bound_text(goal, instrument.unit if instrument is not None else None)
        return f"{goal_label(status, notes)}: {name}, goal {bound}{by}: " + (
            "not measured (target date passed)." if status.overdue else "not yet measured."
        )
    scores = score_text(s, s.baseline.value)
    if s.change is None:
        scores += " (one measurement)"
    else:
        scores += f" \u2192 {score_text(s, s.latest.value)}"
    if status.met:
        state = "met"
    elif status.overdue:
        state = "not met by the target date"
    else:
        state = "not yet met"
    extra = []
    if status.progress is not None and not status.met:
        extra.append(f"{status.progress * 100:.0f}% of the way")
    if s.change is not None and s.change.mcid_reached:
        extra.append("the change reached the MCID")
    elif s.change is not None and s.change.worsened_beyond_mcid:
        extra.append("worse by more than the MCID")
    tail = f" ({'; '.join(extra)})" if extra else ""
    return (
        f"{goal_label(status, notes)}: {s.label} {scores}, goal "
        f"{bound_text(goal, s.instrument.unit)}{by}: {state}{tail}."
    )
