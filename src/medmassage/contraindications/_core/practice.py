"""The built-in rule of professional practice: modality certifications."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...evidence import EvidenceLevel
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity
from ._base import CoreRule, _t


@attrs.frozen(kw_only=True, slots=True)
class CertificationRule(CoreRule):
    """Modality certifications the practitioner lacks.

    A modality that requires a certification (manual lymphatic drainage:
    ``manual_lymphatic_drainage``) is not given by a practitioner who does not
    hold it in force on the screening date. Without a practitioner to check, the
    finding asks for the certification to be verified.

    Evidence level: convention: the modality's own declaration; scope-of-practice
    rules vary by jurisdiction.

    Source: the modality's own `medmassage.Modality.required_certifications`
    (e.g. MLD training: Vodder / Foldi schools, clinical.md section 2.4); state
    scope-of-practice rules vary (UNCONFIRMED per jurisdiction).
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Check each used modality's certifications."""
        practitioner = context.practitioner
        if not context.required_certifications:
            return
        for code in sorted(context.modality_codes):
            modality = context.modalities.get(code)
            if modality is None or not modality.required_certifications:
                continue
            for cert in sorted(modality.required_certifications):
                if practitioner is None:
                    yield self._finding(
                        Action.MONITOR,
                        "This modality requires a certification: verify the practitioner holds it.",
                        severity=Severity.RELATIVE,
                        modalities=frozenset({code}),
                        evidence=(f"certification {cert} required by {code}",),
                    )
                elif not practitioner.certified_for(cert, context.on):
                    yield self._finding(
                        Action.AVOID_MODALITY,
                        "The practitioner does not hold the certification this modality requires.",
                        modalities=frozenset({code}),
                        evidence=(f"certification {cert} required by {code}, not held",),
                    )


CERTIFICATION: Final = CertificationRule(
    id="core.certification",
    title="Modality certification",
    severity=Severity.ABSOLUTE,
    source="The modality's required_certifications (MLD: Vodder / Foldi training, clinical.md 2.4)",
    evidence_level=EvidenceLevel.CONVENTION,
    triggers=_t(certifications=True),
)
