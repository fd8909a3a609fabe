"""A billing policy plugin: whole 15-minute units per code, with no rounding.

An illustration of the ``medmassage.billing_policies`` group, not a particular payer's
rule: each timed code gets one unit per full 15 minutes of its own, so 14 minutes of
a code bill nothing and 29 minutes bill one unit (where the CMS 8-minute rule and the
CPT mid-point rule would round up).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from medmassage.billing import BILLING_POLICY_API_VERSION

__all__ = ["WHOLE_UNITS", "WholeUnits"]


@attrs.frozen(kw_only=True)
class WholeUnits:
    """One unit per full 15 minutes of each code (see the module docstring)."""

    name: str = "cupping.whole_units"
    api_version: int = BILLING_POLICY_API_VERSION
    description: str = "one unit per full 15 minutes of each code, never rounded up"
    source: str = "medmassage-cupping example policy (illustrative; no payer's rule)"

    def units(self, minutes_by_code: Mapping[str, float]) -> dict[str, int]:
        """Return the whole 15-minute units of each code's own minutes."""
        return {code: int(minutes // 15) for code, minutes in minutes_by_code.items()}


WHOLE_UNITS: Final = WholeUnits()
