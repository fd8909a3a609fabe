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


def _axis_range(series: Series, goal: GoalStatus | None) -> tuple[float, float]:
    inst = series.instrument
    if inst.kind in (InputKind.ITEMS, InputKind.SCALES):
        return inst.score_range
    values = [p.value for p in series.points]
    if goal is not None:
        values.append(goal.goal.target)
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.2, abs(hi) * 0.05, 1.0)
    lo = lo - pad if lo - pad > inst.score_range[0] else inst.score_range[0]
    return lo, hi + pad


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


def render_chart_svg(series: Series, goal: GoalStatus | None = None) -> str:
    """Return an inline SVG line chart of a series, with the goal target and MCID line.

    The y axis spans the instrument's whole published range for questionnaires
    (so the size of a change is seen honestly) and the data's range for
    physical measurements. Text is escaped.
    """
    e = html.escape
    lo, hi = _axis_range(series, goal)
    span = hi - lo or 1.0
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
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-label="{e(title)}" class="chart">',
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
    if goal is not None:
        gy = y(goal.goal.target)
        if _MT <= gy <= _MT + ph:
            parts.append(
                f'<line x1="{_ML}" y1="{gy:.1f}" x2="{_ML + pw}" y2="{gy:.1f}" stroke="#1b7f3b" '
                f'stroke-width="2" stroke-dasharray="8 4" class="goal"/>'
                f'<text x="{_ML + pw + 6}" y="{gy + 4:.1f}" class="label goal-label">'
                f"goal {e(target_text(goal.goal))}</text>"
            )
    change = series.change
    if change is not None and change.mcid is not None:
        threshold = _mcid_threshold(series.baseline.value, series, change.mcid)
        my = y(threshold) if threshold is not None else -1.0
        if _MT <= my <= _MT + ph:
            parts.append(
                f'<line x1="{_ML}" y1="{my:.1f}" x2="{_ML + pw}" y2="{my:.1f}" stroke="#666" '
                f'stroke-width="1.5" stroke-dasharray="2 3" class="mcid"/>'
                f'<text x="{_ML + pw + 6}" y="{my + 4:.1f}" class="label">MCID threshold</text>'
            )
    coords = " ".join(
        f"{x(t):.1f},{y(p.value):.1f}" for t, p in zip(times, series.points, strict=True)
    )
    parts.append(
        f'<polyline points="{coords}" fill="none" stroke="#1f4e79" stroke-width="2.5" '
        'class="trend"/>'
    )
    seen_days: set[dt.date] = set()
    for t, p in zip(times, series.points, strict=True):
        px, py = x(t), y(p.value)
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#1f4e79" class="point"/>'
            f'<text x="{px:.1f}" y="{py - 9:.1f}" text-anchor="middle" class="value">'
            f"{e(f'{p.value:.{series.instrument.decimals}f}')}</text>"
        )
        day = p.taken_at.date()
        if day not in seen_days:
            seen_days.add(day)
            parts.append(
                f'<text x="{px:.1f}" y="{_MT + ph + 16}" text-anchor="middle" class="tick">'
                f"{e(day.isoformat())}</text>"
            )
    parts.append(
        f'<text x="{_ML + pw}" y="{_MT + ph + 36}" text-anchor="end" class="label">'
        f"{e(direction_word(series))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
