"""Built-in neurological rules: neuropathy, reduced sensation, paralysis."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...anatomy import BodyRegion
from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from ...patient import RiskFlag
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site
from ._base import _R, NCCAM, WALTON, WERNER, CoreRule, _sites, _t, code_side

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

    Evidence level: textbook: Werner's massage pathology (peripheral neuropathy,
    diabetes: where sensation is reduced the client cannot report excess pressure)
    and Walton's decision rules on sensation; no source gives a grade, so Walton
    grade 2 at most is medmassage's convention.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), peripheral neuropathy, diabetes mellitus; Walton T., *Medical
    Conditions and Massage Therapy: A Decision Tree Approach* (Lippincott Williams &
    Wilkins, 2011), loss of sensation (pressure principle); NCCAM consumer
    backgrounder on massage therapy (not in the area of damaged nerves). Grade
    limit: medmassage's convention.
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
    source=f"{WERNER}, peripheral neuropathy, diabetes mellitus; {WALTON}, loss of "
    f"sensation; {NCCAM}; grade limit: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(NEUROPATHY_CODES, flags=_SENSATION_FLAGS),
)


_STROKE_PARALYSIS: Final = tuple(
    f"I69.{group}{kind}" for group in ("0", "1", "2", "3", "8", "9") for kind in "345"
)
PARALYSIS_CODES: Final = CodeSet("G81", "G82", "G83.0-G83.4", *_STROKE_PARALYSIS)
_UPPER_LIMB: Final = (_R.UPPER_LIMB,)
_LOWER_LIMB: Final = (_R.LOWER_LIMB,)
_BOTH_LIMBS: Final = (_R.UPPER_LIMB, _R.LOWER_LIMB)


def _paralysed(code: str) -> tuple[BodyRegion, ...]:
    """The limbs a paralysis code names (an empty tuple: the whole body)."""
    if code.startswith(("G81", "G83.0")):
        return _BOTH_LIMBS if code.startswith("G81") else _UPPER_LIMB
    if code.startswith("G82.2"):
        return _LOWER_LIMB  # paraplegia: both legs
    if code.startswith("G82"):
        return ()  # quadriplegia: every limb and the trunk
    if code.startswith("G83.1"):
        return _LOWER_LIMB
    if code.startswith("G83.2"):
        return _UPPER_LIMB
    if code.startswith("G83.4"):
        return (_R.LOWER_LIMB, _R.PELVIS)  # cauda equina
    kind = code[5:6]  # I69.x3 upper limb, I69.x4 lower limb, I69.x5 hemiplegia
    return {"3": _UPPER_LIMB, "4": _LOWER_LIMB}.get(kind, _BOTH_LIMBS)


@attrs.frozen(kw_only=True, slots=True)
class ParalysisRule(CoreRule):
    """Loss of sensation or motor control (paralysis, after stroke): light pressure, care.

    Paralysed or paretic limbs often lose sensation too, so the patient cannot
    report excess pressure (as with neuropathy); spastic muscles are not worked
    deeply or stretched forcefully; positioning and transfers need help (fall
    risk). Codes: G81 (hemiplegia), G82 (paraplegia, quadriplegia), G83.0-G83.4
    (diplegia of the arms, monoplegia, cauda equina syndrome), and the
    hemiplegia and monoplegia sequelae of stroke (I69.x3, I69.x4, I69.x5 for
    each cerebrovascular group). Over the limbs the code names, on the side it
    states (G81.91 "... affecting right dominant side": the right arm and leg);
    quadriplegia covers the whole body.

    Evidence level: textbook: Werner's massage pathology (stroke, spinal cord
    injury: reduced sensation, spasticity, help with positioning); no source gives a
    grade, so Walton grade 2 at most is medmassage's convention.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), stroke, spinal cord injury; Walton T., *Medical Conditions and
    Massage Therapy* (2011), loss of sensation (pressure principle); CMS ICD-10-CM
    tabular (G81-G83, I69). Grade limit: medmassage's convention.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Limit pressure over the affected limbs; note positioning."""
        for c in context.matching(PARALYSIS_CODES):
            code = c.icd10cm
            assert code is not None
            if c.region is not None:
                where: tuple[Site, ...] = _sites(c, None)
            else:
                side = c.laterality or code_side(code)
                where = tuple(Site(region=r, laterality=side) for r in _paralysed(code))
            yield self._finding(
                Action.LIMIT_PRESSURE,
                "Paralysis or paresis: sensation and motor control may be lost, so the "
                "patient may not feel or report excess pressure; light pressure, no forceful "
                "stretch of spastic muscles; help with positioning and transfers.",
                regions=where,
                max_grade=PressureGrade.HEAVY_LOTIONING,
                evidence=(context.evidence(c),),
            )


PARALYSIS: Final = ParalysisRule(
    id="core.paralysis",
    title="Paralysis, hemiplegia after stroke (loss of sensation or motor control)",
    severity=Severity.RELATIVE,
    source=f"{WERNER}, stroke, spinal cord injury; {WALTON}, loss of sensation; "
    "grade limit: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(PARALYSIS_CODES),
)
