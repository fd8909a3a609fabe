"""The built-in neurological rule: peripheral neuropathy and reduced sensation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from ...patient import RiskFlag
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity
from ._base import CoreRule, _sites, _t

NEUROPATHY_CODES: Final = CodeSet(
    "G60-G64", "E08.4", "E09.4", "E10.4", "E11.4", "E13.4",
)  # fmt: skip
_SENSATION_FLAGS: Final = frozenset(
    {RiskFlag.REDUCED_SENSATION, RiskFlag.CANNOT_COMMUNICATE_PRESSURE}
)


@attrs.frozen(kw_only=True, slots=True)
class NeuropathyRule(CoreRule):
    """Peripheral neuropathy, reduced sensation: light pressure only.

    The patient cannot report excess pressure. Codes: G60-G64 (polyneuropathies
    and other disorders of the peripheral nervous system), diabetes with
    neurological complications (E08.4, E09.4, E10.4, E11.4, E13.4); risk flags
    `RiskFlag.REDUCED_SENSATION` and `RiskFlag.CANNOT_COMMUNICATE_PRESSURE`. Over
    the recorded region, else the whole body.

    Evidence level: expert_consensus: NCCAM backgrounder (damaged nerves) and the
    Barnes myofascial school; no grade limit is published.

    Source: NCCAM backgrounder (not in the area of damaged nerves); namu.ca
    (advanced diabetes); massagechairsphilippines.com (weak source).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure where sensation is reduced."""
        for c in context.matching(NEUROPATHY_CODES):
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Neuropathy: reduced sensation, so the patient cannot report excess "
                "pressure; light pressure only.",
                regions=_sites(c, None),
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )
        flags = sorted(f.value for f in context.patient.flags & _SENSATION_FLAGS)
        if flags:
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "The patient cannot feel or report excess pressure: light pressure only.",
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=[f"risk flag {f}" for f in flags],
            )


NEUROPATHY: Final = NeuropathyRule(
    id="core.neuropathy",
    title="Peripheral neuropathy, reduced sensation",
    severity=Severity.RELATIVE,
    source="NCCAM backgrounder (damaged nerves); namu.ca (advanced diabetes)",
    evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
    triggers=_t(NEUROPATHY_CODES, flags=_SENSATION_FLAGS),
)
