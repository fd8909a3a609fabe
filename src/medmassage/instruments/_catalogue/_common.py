"""What several built-in instruments share: MCID citations and the item-range helper (private)."""

from __future__ import annotations

from typing import Final

OSTELO_2008: Final = (
    "Ostelo RW et al. Interpreting change scores for pain and functional status in low back "
    "pain: towards international consensus regarding minimal important change. Spine "
    "2008;33(1):90-94."
)
ABBOTT_SCHMITT_2014: Final = (
    "Abbott JH, Schmitt J. Minimum important differences for the Patient-Specific Functional "
    "Scale, 4 region-specific outcome measures, and the Numeric Pain Rating Scale. JOSPT "
    "2014;44(8):560-564."
)


def _items(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))
