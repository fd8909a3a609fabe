"""The inline SVG trend chart of one outcome series."""

from __future__ import annotations

import datetime as dt
import html
import math

from ..instruments import Direction, InputKind, Mcid
from ..progress import GoalStatus, Series
from ._wording import direction_word, target_text


def _nice_step(span: float) -> float:
    raw = span / 5
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power  # pragma: no cover - the loop always returns


_W, _H = 660, 260
_ML, _MR, _MT, _MB = 56, 120, 24, 50
_INSET = 28  # keeps the first and last points clear of the axes
#: Dates along the x axis, most: beyond this they are thinned (first and last always shown).
_MAX_LABELS = 12
#: Beyond this many date labels they are drawn slanted, so that they do not overlap.
_FLAT_LABELS = 5
_SLANT_DEPTH = 44  # the extra height slanted dates need below the plot
#: The least distance between the baselines of two right-margin labels (11px text).
_LABEL_GAP = 13.0


def _axis_range(series: Series, goal: GoalStatus | None) -> tuple[float, float]:
    """The y axis, from the instrument's scale minimum (never the data's minimum).

    So a change is seen at its true size. It ends at the scale's maximum for
    questionnaires, else a little past the highest value.
    """
    inst = series.instrument
    if inst.kind in (InputKind.ITEMS, InputKind.SCALES):
        return inst.score_range
    values = [p.value for p in series.points]
    if goal is not None:
        values.append(goal.goal.target)
    lo = inst.score_range[0]
    hi = max(values)
    top = hi + max((hi - lo) * 0.15, 1.0)
    return lo, min(top, inst.score_range[1]) if top > lo else lo + 1.0


def labelled(count: int, most: int = _MAX_LABELS) -> tuple[int, ...]:
    """Which of *count* points get a label: all up to *most*, else evenly thinned.

    The first and the last are always labelled, and no two labels are closer than
    the thinning step (so the last does not crowd the one before it).
    """
    if count <= most:
        return tuple(range(count))
    step = math.ceil((count - 1) / (most - 1))
    keep = list(range(0, count, step))
    keep[-1] = count - 1  # the last multiple of step is within a step of the end: move it there
    return tuple(keep)


def _mcid_threshold(baseline: float, series: Series, mcid: Mcid) -> float | None:
    """The score at which an improvement from *baseline* reaches *mcid*."""
    sizes = []
    if mcid.value is not None:
        sizes.append(mcid.value)
    if mcid.percent is not None and baseline != 0:
        sizes.append(abs(baseline) * mcid.percent / 100)
    if not sizes:
        return None
    size = min(sizes) if mcid.combine == "either" else max(sizes)
    sign = -1 if series.instrument.direction is Direction.HIGHER_IS_WORSE else 1
    return baseline + sign * size


def spread_labels(ys: list[float], low: float, high: float, gap: float = _LABEL_GAP) -> list[float]:
    """Label positions near *ys* (in the same order), at least *gap* apart, within [low, high].

    The right-margin labels of the goal and MCID lines sit at their lines'
    heights; two lines close together would print one label over the other, so
    the lower is moved down (and all back up if that ran past *high*).
    """
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed: list[float] = []
    for i in order:
        y = max(ys[i], low)
        if placed and y - placed[-1] < gap:
            y = placed[-1] + gap
        placed.append(y)
    overrun = (placed[-1] - high) if placed else 0.0
    if overrun > 0:
        placed = [y - overrun for y in placed]
        for k in range(len(placed) - 2, -1, -1):  # keep the gap while moving up
            placed[k] = min(placed[k], placed[k + 1] - gap)
    out = [0.0] * len(ys)
    for i, y in zip(order, placed, strict=True):
        out[i] = y
    return out


def value_label_y(py: float, lines: list[float], bottom: float) -> float:
    """The baseline of a point's value label: above the point, or below it if a line runs there.

    An 11px label above the point spans from 20 to 7 px above it; when the goal
    or MCID line crosses that band the label goes below the point instead, if
    that band is clear of lines too and above the plot's *bottom* (the dates).
    """

    def clear(top: float, low: float) -> bool:
        return not any(top - 1 <= ly <= low + 1 for ly in lines)

    if clear(py - 20, py - 7) or py + 19 > bottom or not clear(py + 6, py + 19):
        return py - 9
    return py + 17


def render_chart_svg(series: Series, goal: GoalStatus | None = None) -> str:
    """Return an inline SVG line chart of a series, with the goal target and MCID line.

    The y axis starts at the instrument's scale minimum (0 for the built-ins),
    not at the lowest value, and spans the whole published range for
    questionnaires, so the size of a change is seen honestly. A long course
    keeps readable dates: beyond five they are slanted, beyond twelve thinned
    evenly (the first and last always shown), and the values printed above the
    points are thinned alike (the value table beside the chart lists them all).
    Text is escaped.
    """
    e = html.escape
    lo, hi = _axis_range(series, goal)
    span = hi - lo or 1.0
    days: list[int] = []  # the index of the first point of each day
    seen: set[dt.date] = set()
    for i, point in enumerate(series.points):
        if point.taken_at.date() not in seen:
            seen.add(point.taken_at.date())
            days.append(i)
    shown_days = [days[i] for i in labelled(len(days))]
    slanted = len(shown_days) > _FLAT_LABELS
    height = _H + (_SLANT_DEPTH if slanted else 0)
    pw, ph = _W - _ML - _MR, _H - _MT - _MB
    times = [p.taken_at.timestamp() for p in series.points]
    t0, t1 = min(times), max(times)

    def x(t: float) -> float:
        inner = pw - 2 * _INSET
        return _ML + _INSET + (inner / 2 if t1 == t0 else (t - t0) / (t1 - t0) * inner)

    def y(v: float) -> float:
        return _MT + ph - (v - lo) / span * ph

    title = f"{series.label}: trend ({direction_word(series)})"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" width="{_W}" '
        f'height="{height}" role="img" aria-label="{e(title)}" class="chart">',
        f"<title>{e(title)}</title>",
        f'<rect x="{_ML}" y="{_MT}" width="{pw}" height="{ph}" fill="#ffffff" stroke="#999"/>',
    ]
    step = _nice_step(span)
    tick = math.ceil(lo / step) * step
    while tick <= hi + 1e-9:
        ty = y(tick)
        parts.append(
            f'<line x1="{_ML}" y1="{ty:.1f}" x2="{_ML + pw}" y2="{ty:.1f}" stroke="#e3e3e3"/>'
            f'<text x="{_ML - 6}" y="{ty + 4:.1f}" text-anchor="end" class="tick">{tick:g}</text>'
        )
        tick += step
    unit = series.instrument.unit
    parts.append(
        f'<text x="14" y="{_MT + ph / 2:.1f}" transform="rotate(-90 14 {_MT + ph / 2:.1f})" '
        f'text-anchor="middle" class="axis">{e(unit)}</text>'
    )
    lines: list[float] = []  # the heights of the goal and MCID lines
    margin: list[tuple[float, str, str]] = []  # their right-margin labels: y, class, text
    if goal is not None:
        gy = y(goal.goal.target)
        if _MT <= gy <= _MT + ph:
            parts.append(
                f'<line x1="{_ML}" y1="{gy:.1f}" x2="{_ML + pw}" y2="{gy:.1f}" stroke="#1b7f3b" '
                f'stroke-width="2" stroke-dasharray="8 4" class="goal"/>'
            )
            lines.append(gy)
            margin.append((gy, "label goal-label", f"goal {target_text(goal.goal)}"))
    change = series.change
    if change is not None and change.mcid is not None:
        threshold = _mcid_threshold(series.baseline.value, series, change.mcid)
        my = y(threshold) if threshold is not None else -1.0
        if _MT <= my <= _MT + ph:
            parts.append(
                f'<line x1="{_ML}" y1="{my:.1f}" x2="{_ML + pw}" y2="{my:.1f}" stroke="#666" '
                f'stroke-width="1.5" stroke-dasharray="2 3" class="mcid"/>'
            )
            lines.append(my)
            margin.append((my, "label", "MCID threshold"))
    spread = spread_labels([m[0] for m in margin], _MT, _MT + ph + 8)
    for ly, (_, cls, text) in zip(spread, margin, strict=True):
        parts.append(f'<text x="{_ML + pw + 6}" y="{ly + 4:.1f}" class="{cls}">{e(text)}</text>')
    coords = " ".join(
        f"{x(t):.1f},{y(p.value):.1f}" for t, p in zip(times, series.points, strict=True)
    )
    parts.append(
        f'<polyline points="{coords}" fill="none" stroke="#1f4e79" stroke-width="2.5" '
        'class="trend"/>'
    )
    values = set(labelled(len(series.points)))
    for i, (t, p) in enumerate(zip(times, series.points, strict=True)):
        px, py = x(t), y(p.value)
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#1f4e79" class="point"/>')
        if i in values:
            vy = value_label_y(py, lines, _MT + ph)
            parts.append(
                f'<text x="{px:.1f}" y="{vy:.1f}" text-anchor="middle" class="value">'
                f"{e(f'{p.value:.{series.instrument.decimals}f}')}</text>"
            )
    for i in shown_days:
        px, day = x(times[i]), series.points[i].taken_at.date().isoformat()
        ty = _MT + ph + 16
        if slanted:
            parts.append(
                f'<text x="{px:.1f}" y="{ty}" text-anchor="end" class="tick date" '
                f'transform="rotate(-40 {px:.1f} {ty})">{e(day)}</text>'
            )
        else:
            parts.append(
                f'<text x="{px:.1f}" y="{ty}" text-anchor="middle" class="tick date">'
                f"{e(day)}</text>"
            )
    parts.append(
        f'<text x="{_ML + pw}" y="{height - 14}" text-anchor="end" class="label">'
        f"{e(direction_word(series))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
