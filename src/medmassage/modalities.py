"""Massage modalities as declarative descriptions, and the built-in ones.

A `Modality` says what a technique is, which pressure it is given with, how long
it usually takes, which certification it needs and which contraindication tags it
carries. The code that checks plans and sessions against it is generic, and
plugins add modalities through the ``medmassage.modalities`` entry-point group.

Pressure is described two ways, never conflated:

* `PressureGrade`, the clinician's ordinal grade on the Walton Pressure Scale
  (Walton T., *Medical Conditions and Massage Therapy: A Decision Tree Approach*,
  Lippincott Williams & Wilkins 2011; levels 0-5);
* an optional measured upper bound, a `~medmassage.units.Pressure`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Final

import attrs

from ._validation import Model, check_range, check_text
from .exceptions import Problem
from .units import Duration, Pressure

__all__ = [
    "BUILTIN_MODALITIES",
    "DEEP_TISSUE",
    "LYMPHATIC_DRAINAGE",
    "MYOFASCIAL_RELEASE",
    "NEUROMUSCULAR_THERAPY",
    "SWEDISH",
    "TRIGGER_POINT_THERAPY",
    "Modality",
    "PressureGrade",
]

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


#: attrs field metadata marking a registry key (modality, instrument, ...): the
#: serializer keeps one shared copy of each key string.
KEY_METADATA: Final = "medmassage.key"
KEY: Final = {KEY_METADATA: True}

_good_keys: dict[str, bool] = {}


def check_key(problems: list[Problem], path: str, value: str) -> None:
    """Check a registry key such as ``core.deep_tissue`` or ``cupping``."""
    ok = _good_keys.get(value)
    if ok is None:
        ok = _KEY.match(value) is not None and len(value) <= 100
        if len(_good_keys) < 4096:  # keys are few; the bound keeps junk input from growing it
            _good_keys[value] = ok
    if not ok:
        problems.append(
            Problem(
                path,
                "expected a lower-case dotted key like 'core.deep_tissue' "
                "(letters, digits, '_', separated by '.')",
                "key_format",
            )
        )


class PressureGrade(enum.IntEnum):
    """The Walton Pressure Scale, an ordinal grade of massage pressure (0-5).

    Source: Walton T., the Walton Pressure Scale, as published in *Medical
    Conditions and Massage Therapy: A Decision Tree Approach* (Lippincott
    Williams & Wilkins, 2011). Evidence level: textbook (an ordinal scale of
    described pressures; it gives no measured values).
    """

    #: 0: a stationary, weightless hold.
    STATIONARY_HOLD = 0
    #: 1: light lotioning.
    LIGHT_LOTIONING = 1
    #: 2: heavy lotioning.
    HEAVY_LOTIONING = 2
    #: 3: Swedish relaxation pressure (joints move slightly).
    SWEDISH = 3
    #: 4: deep pressure.
    DEEP = 4
    #: 5: the deepest pressure (e.g. an elbow into strong gluteals).
    DEEPEST = 5


@attrs.frozen(kw_only=True, slots=True)
class Modality(Model):
    """A massage technique, described declaratively.

    Attributes:
        code: The registry key (``core.*`` is reserved for built-ins).
        name: Human-readable name.
        description: What the technique is.
        min_grade: The lowest Walton grade it is given with.
        max_grade: The highest Walton grade it is given with.
        max_pressure: A measured upper bound on pressure, if the technique has one.
        typical_duration: A typical length of one application.
        required_certifications: Certification codes the practitioner must hold.
        contraindication_tags: Tags screening rules match against
            (``deep_pressure``, ``lymphatic``, ``sustained_pressure`` ...).
        source: Citation for the description and pressure range.
        cpt_code: The CPT code the modality is billed under, if it declares one;
            ``None`` leaves it to `medmassage.cpt.DEFAULT_CPT_MAPPING`.
        api_version: The plugin API version this object targets.
    """

    code: str
    name: str
    description: str
    min_grade: PressureGrade
    max_grade: PressureGrade
    typical_duration: Duration
    source: str
    max_pressure: Pressure | None = None
    required_certifications: frozenset[str] = frozenset()
    contraindication_tags: frozenset[str] = frozenset()
    cpt_code: str | None = None
    api_version: int = 1

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_key(p, "code", self.code)
        check_text(p, "name", self.name, max_length=200)
        check_text(p, "description", self.description, max_length=5000)
        check_text(p, "source", self.source, max_length=5000)
        if self.min_grade > self.max_grade:
            p.append(Problem("max_grade", "expected max_grade >= min_grade", "order"))
        if self.max_pressure is not None and self.max_pressure.canonical <= 0:
            p.append(Problem("max_pressure", "expected a positive pressure", "range"))
        check_range(p, "typical_duration", self.typical_duration.minutes, 1, 240)
        for i, cert in enumerate(sorted(self.required_certifications)):
            check_key(p, f"required_certifications[{i}]", cert)
        if self.cpt_code is not None and not (
            len(self.cpt_code) == 5 and self.cpt_code[:4].isdigit() and self.cpt_code.isalnum()
        ):
            p.append(
                Problem("cpt_code", "expected a five-character CPT code such as 97140", "format")
            )
        return p

    def allows_grade(self, grade: PressureGrade) -> bool:
        """Whether *grade* lies within this modality's range."""
        return self.min_grade <= grade <= self.max_grade

    def allows_pressure(self, pressure: Pressure) -> bool:
        """Whether a measured *pressure* is within this modality's upper bound."""
        return self.max_pressure is None or pressure.canonical <= self.max_pressure.canonical


MYOFASCIAL_RELEASE: Final = Modality(
    code="core.myofascial_release",
    name="Myofascial release",
    description=(
        "Sustained, low-load pressure and stretch of fascia, held until the tissue "
        "releases, without gliding over the skin."
    ),
    min_grade=PressureGrade.HEAVY_LOTIONING,
    max_grade=PressureGrade.DEEP,
    typical_duration=Duration(20, "min"),
    contraindication_tags=frozenset({"sustained_pressure", "stretch"}),
    source=(
        "Technique: Barnes J.F., Myofascial Release: The Search for Excellence (1990); "
        "Ajimsha M.S. et al., Effectiveness of myofascial release: systematic review of "
        "randomized controlled trials, J Bodyw Mov Ther 2015;19(1):102-112. Precautions: "
        "the screening rules (Werner, A Massage Therapist's Guide to Pathology, 7th ed. "
        "2019). Pressure grades per the Walton Pressure Scale."
    ),
)

TRIGGER_POINT_THERAPY: Final = Modality(
    code="core.trigger_point",
    name="Trigger point therapy",
    description=(
        "Ischaemic compression of myofascial trigger points: the relaxed muscle is "
        "stretched to the verge of discomfort and sustained thumb pressure is held up to "
        "one minute at a 'tolerably painful' 7-8 of 10."
    ),
    min_grade=PressureGrade.SWEDISH,
    max_grade=PressureGrade.DEEPEST,
    typical_duration=Duration(10, "min"),
    contraindication_tags=frozenset({"deep_pressure", "sustained_pressure"}),
    source=(
        "Simons D.G., Travell J.G., Simons L.S., Travell & Simons' Myofascial Pain and "
        "Dysfunction: The Trigger Point Manual, vol. 1, 2nd ed. (Williams & Wilkins, 1999): "
        "trigger point pressure release (ischaemic compression)."
    ),
)

DEEP_TISSUE: Final = Modality(
    code="core.deep_tissue",
    name="Deep tissue massage",
    description="Slow, firm strokes and friction reaching the deeper layers of muscle and fascia.",
    min_grade=PressureGrade.DEEP,
    max_grade=PressureGrade.DEEPEST,
    typical_duration=Duration(20, "min"),
    contraindication_tags=frozenset({"deep_pressure", "friction"}),
    source=(
        "NCCIH, Massage Therapy: What You Need To Know (avoid forceful and deep tissue "
        "massage with bleeding disorders, low platelets, anticoagulants); Walton Pressure "
        "Scale levels 4-5."
    ),
)

NEUROMUSCULAR_THERAPY: Final = Modality(
    code="core.neuromuscular",
    name="Neuromuscular therapy",
    description=(
        "Systematic static and gliding pressure on specific muscles to treat trigger "
        "points, ischaemia and nerve compression (soft-tissue work, not CPT 97112)."
    ),
    min_grade=PressureGrade.SWEDISH,
    max_grade=PressureGrade.DEEPEST,
    typical_duration=Duration(20, "min"),
    contraindication_tags=frozenset({"deep_pressure", "sustained_pressure"}),
    source=(
        "No modality-specific contraindication list was found in the sources read (expert "
        "consensus only); deep-tissue and trigger-point precautions apply. Billing: "
        "the CPT 97124 and 97140 descriptors (AMA, CPT Professional), see medmassage.cpt."
    ),
)

LYMPHATIC_DRAINAGE: Final = Modality(
    code="core.lymphatic_drainage",
    name="Manual lymphatic drainage",
    description=(
        "Light, rhythmic skin-stretching strokes (Vodder / Foldi technique) that move "
        "lymph toward functioning nodes, with a pressure phase and a zero-pressure phase."
    ),
    min_grade=PressureGrade.STATIONARY_HOLD,
    max_grade=PressureGrade.LIGHT_LOTIONING,
    max_pressure=Pressure(4, "kPa"),
    typical_duration=Duration(45, "min"),
    required_certifications=frozenset({"manual_lymphatic_drainage"}),
    contraindication_tags=frozenset({"lymphatic"}),
    source=(
        "Technique and contraindications: Foldi M., Foldi E., Foldi's Textbook of "
        "Lymphology, 3rd ed. (Elsevier, 2012): light skin-stretching strokes that do not "
        "redden the skin. The 4 kPa upper bound is medmassage's convention for 'light' "
        "(evidence: convention; no primary source gives a measured pressure, and the "
        "often-quoted 30-40 mmHg could not be traced to one)."
    ),
)

SWEDISH: Final = Modality(
    code="core.swedish",
    name="Swedish (relaxation) massage",
    description="Effleurage, petrissage and tapotement (stroking, kneading, percussion).",
    min_grade=PressureGrade.LIGHT_LOTIONING,
    max_grade=PressureGrade.SWEDISH,
    typical_duration=Duration(30, "min"),
    contraindication_tags=frozenset({"general"}),
    source="CPT 97124 descriptor (effleurage, petrissage, tapotement); Walton levels 1-3.",
)

#: The built-in modalities by code.
BUILTIN_MODALITIES: Final[Mapping[str, Modality]] = {
    m.code: m
    for m in (
        MYOFASCIAL_RELEASE,
        TRIGGER_POINT_THERAPY,
        DEEP_TISSUE,
        NEUROMUSCULAR_THERAPY,
        LYMPHATIC_DRAINAGE,
        SWEDISH,
    )
}
