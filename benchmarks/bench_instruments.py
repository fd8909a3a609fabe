"""Score 100,000 administrations of each built-in instrument and print the rate.

Run: ``python benchmarks/bench_instruments.py [N]``. Responses are generated up
front (random but valid, with some unanswered items where the instrument's rule
allows them), so only scoring is timed.
"""

from __future__ import annotations

import random
import sys
import time

from medmassage.instruments import InputKind, Instrument, builtin_instruments
from medmassage.units import Angle, Pressure


def _administration(inst: Instrument, rng: random.Random) -> object:
    if inst.kind is InputKind.PRESSURE:
        return [Pressure(round(rng.uniform(2, 6), 1), "kgf/cm**2") for _ in range(3)]
    if inst.kind is InputKind.ANGLE:
        return Angle(rng.randint(20, 80), "deg")
    spec = inst.response
    count = rng.randint(inst.min_items, inst.item_count)
    items: list[object] = []
    for _ in range(count):
        if spec.boolean:
            items.append(rng.random() < 0.4)
        elif spec.labels:
            items.append(rng.choice(spec.labels)[0])
        elif spec.integer:
            items.append(rng.randint(int(spec.low), int(spec.high)))
        else:
            items.append(round(rng.uniform(spec.low, spec.high), 1))
    # One unanswered item where every scale tolerates it.
    if all(s.composite or s.max_missing >= 1 for s in inst.scales) and rng.random() < 0.2:
        items[0] = None
    return items


def bench(n: int = 100_000, seed: int = 1) -> dict[str, float]:
    """Return administrations scored per second, per instrument code."""
    rng = random.Random(seed)
    rates: dict[str, float] = {}
    for code, inst in builtin_instruments().items():
        data = [_administration(inst, rng) for _ in range(n)]
        score = inst.score
        start = time.perf_counter()
        for responses in data:
            score(responses)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        rates[code] = n / elapsed
    return rates


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rates = bench(n)
    print(f"{'instrument':<12}{'per second':>14}{'us each':>10}   ({n:,} administrations each)")
    for code, rate in rates.items():
        print(f"{code:<12}{rate:>14,.0f}{1e6 / rate:>10.2f}")


if __name__ == "__main__":
    main()
