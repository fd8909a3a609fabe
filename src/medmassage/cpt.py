"""CPT codes used to bill medical massage, and the modality-to-code mapping.

CPT is the American Medical Association's code set. Its descriptors are
copyrighted, so the summaries here are paraphrases written for this library,
each citing where the code's meaning was taken from: the code's descriptor in
the AMA's *CPT Professional* (current edition) and, where Medicare uses the
code, the CMS manuals and fee-schedule files. Always check a payer's own policy
for what a code covers.

Which code a modality is billed under is data, not logic: `DEFAULT_CPT_MAPPING`
maps each built-in modality key to its code, `cpt_for_modality` resolves a
modality with, in order, an explicit per-call mapping, the modality's own
declared ``cpt_code`` (plugin modalities declare theirs) and the default.

>>> lookup_cpt("97140").unit_minutes
15
>>> cpt_for_modality("core.swedish")
'97124'
>>> cpt_for_modality("core.swedish", {"core.swedish": "97140"})
'97140'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final, Protocol, runtime_checkable

import attrs

from .exceptions import Problem, UnknownCodeError, ValidationError

__all__ = [
    "CPT_CODES",
    "DEFAULT_CPT_MAPPING",
    "CptCode",
    "HasModalityKey",
    "SupportsCptCode",
    "check_cpt_format",
    "cpt_for_modality",
    "lookup_cpt",
    "mapping_from_modalities",
]

_CPT_FORMAT = re.compile(r"^[0-9]{4}[0-9A-Z]$")


@attrs.frozen(kw_only=True, slots=True)
class CptCode:
    """A CPT code medmassage knows, with a paraphrased summary.

    Attributes:
        code: The five-character code.
        title: A short name (``Massage``, ``Manual therapy``).
        summary: What the code covers, paraphrased (not the AMA descriptor).
        timed: Whether the code is reported per unit of time.
        unit_minutes: The length of one unit for a timed code (15), else ``None``.
        medicare_status: A note on Medicare payment status where it matters
            (e.g. 97010 is status B, always bundled), else ``None``.
        source: Where the meaning was taken from.
    """

    code: str
    title: str
    summary: str
    timed: bool
    unit_minutes: int | None
    source: str
    medicare_status: str | None = None


def _timed(code: str, title: str, summary: str, source: str) -> CptCode:
    return CptCode(
        code=code, title=title, summary=summary, timed=True, unit_minutes=15, source=source
    )


AMA: Final = "AMA, CPT Professional (current edition), descriptor of "

_CMS_EXAMPLES: Final = (
    "used in the timed-code examples of the Medicare Claims Processing Manual "
    "(IOM 100-04) ch. 5 s. 20.2"
)

#: The CPT codes medmassage knows, keyed by code.
CPT_CODES: Final[Mapping[str, CptCode]] = MappingProxyType(
    {
        c.code: c
        for c in (
            _timed(
                "97124",
                "Massage",
                "Massage of one or more areas (stroking, kneading, compression, percussion: "
                "effleurage, petrissage, tapotement); timed, per 15 minutes.",
                AMA + "97124",
            ),
            _timed(
                "97140",
                "Manual therapy",
                "Hands-on manual therapy of one or more regions, such as joint mobilization "
                "or manipulation, manual traction, manual lymphatic drainage, myofascial "
                "release, soft-tissue mobilization and non-injection trigger-point work; "
                "timed, per 15 minutes.",
                AMA + "97140 (names manual lymphatic drainage)",
            ),
            _timed(
                "97112",
                "Neuromuscular re-education",
                "Neuromuscular re-education: retraining movement, balance, coordination, "
                "body-position sense and posture; timed, per 15 minutes. Not "
                "neuromuscular *therapy* (soft-tissue work, billed 97140).",
                AMA + "97112",
            ),
            _timed(
                "97530",
                "Therapeutic activities",
                "Therapeutic activities: dynamic functional activities with the patient, "
                "one-on-one; timed, per 15 minutes.",
                AMA + "97530; " + _CMS_EXAMPLES,
            ),
            _timed(
                "97110",
                "Therapeutic exercise",
                "Therapeutic exercise to build strength, endurance, range of motion or "
                "flexibility; timed, per 15 minutes.",
                AMA + "the code; " + _CMS_EXAMPLES,
            ),
            _timed(
                "97116",
                "Gait training",
                "Gait training, including stair climbing; timed, per 15 minutes.",
                AMA + "the code; " + _CMS_EXAMPLES,
            ),
            _timed(
                "97035",
                "Ultrasound",
                "Therapeutic ultrasound with the clinician in constant attendance; timed, "
                "per 15 minutes.",
                AMA + "the code; " + _CMS_EXAMPLES,
            ),
            CptCode(
                code="97010",
                title="Hot or cold packs",
                summary="Hot or cold packs to one or more areas; untimed, supervised.",
                timed=False,
                unit_minutes=None,
                medicare_status=(
                    "status B: always bundled, never paid separately, and the patient may "
                    "not be billed for it"
                ),
                source=AMA + "97010; status B in the CMS Medicare Physician Fee Schedule "
                "relative value file (status indicator B: bundled)",
            ),
            *(
                CptCode(
                    code=code,
                    title=f"Physical therapy evaluation ({level})",
                    summary=f"Physical therapy evaluation, {level} complexity; untimed, "
                    "one unit, one evaluation or re-evaluation per date of service.",
                    timed=False,
                    unit_minutes=None,
                    source=AMA + "97161-97163; CMS NCCI Policy Manual for Medicare "
                    "Services ch. 11 s. P (one evaluation per date of service)",
                )
                for code, level in (("97161", "low"), ("97162", "moderate"), ("97163", "high"))
            ),
        )
    }
)

#: The CPT code each built-in modality is billed under by default.
#:
#: * ``core.swedish`` -> 97124: massage (effleurage, petrissage, tapotement) is
#:   the 97124 descriptor (AMA, *CPT Professional*).
#: * ``core.myofascial_release``, ``core.trigger_point``,
#:   ``core.lymphatic_drainage`` -> 97140: the 97140 descriptor names manual
#:   lymphatic drainage and covers myofascial release, soft-tissue mobilization
#:   and non-injection trigger-point therapy (AMA, *CPT Professional*, 97140).
#: * ``core.neuromuscular`` -> 97140: neuromuscular *therapy* is soft-tissue work,
#:   billed 97140, not 97112 neuromuscular re-education (the two descriptors in
#:   the AMA's *CPT Professional*; no payer policy was found that says so in so
#:   many words, so this reads the descriptors: a coding convention).
#: * ``core.deep_tissue`` -> 97124: a decision. CPT has no deep-tissue code; deep
#:   tissue is massage (kneading, stroking, friction at depth), which is the
#:   97124 descriptor, and no payer policy was found that bills it otherwise: a
#:   coding convention read from the AMA descriptors (*CPT Professional*, 97124
#:   and 97140). Where the documentation describes targeted soft-tissue
#:   mobilization of a region rather than massage, map it to 97140 per call.
DEFAULT_CPT_MAPPING: Final[Mapping[str, str]] = MappingProxyType(
    {
        "core.swedish": "97124",
        "core.deep_tissue": "97124",
        "core.myofascial_release": "97140",
        "core.trigger_point": "97140",
        "core.lymphatic_drainage": "97140",
        "core.neuromuscular": "97140",
    }
)


@runtime_checkable
class HasModalityKey(Protocol):
    """A modality object: anything with a ``code``, its registry key."""

    @property
    def code(self) -> str:
        """The modality's registry key."""


@runtime_checkable
class SupportsCptCode(Protocol):
    """A modality object that declares the CPT code it is billed under.

    Plugin modalities opt in by having a ``code`` (their registry key) and a
    ``cpt_code`` attribute: a CPT code, or ``None`` for "no declaration" (the
    default mapping then applies). To bill a modality's time under no code,
    map it to ``None`` per call.
    """

    @property
    def code(self) -> str:
        """The modality's registry key."""

    @property
    def cpt_code(self) -> str | None:
        """The CPT code, or ``None``."""


def check_cpt_format(code: object, path: str = "code") -> str:
    """Return *code* if it has the form of a CPT code (five characters, ``97140``).

    Raises:
        ValidationError: If it does not, under *path*.
    """
    if isinstance(code, str) and _CPT_FORMAT.match(code) is not None:
        return code
    raise ValidationError(
        [Problem(path, "expected a five-character CPT code such as 97140", "cpt_format")]
    )


def lookup_cpt(code: str) -> CptCode:
    """Return what medmassage knows of a CPT code.

    Raises:
        ValidationError: If *code* is not in CPT form.
        UnknownCodeError: If medmassage does not describe the code (it knows only
            the codes used in massage billing; see `CPT_CODES`).
    """
    check_cpt_format(code)
    try:
        return CPT_CODES[code]
    except KeyError:
        raise UnknownCodeError(
            "CPT", code, f"medmassage describes only {', '.join(sorted(CPT_CODES))}"
        ) from None


def mapping_from_modalities(modalities: Iterable[object]) -> dict[str, str]:
    """Collect the CPT codes that modality objects declare (`SupportsCptCode`).

    Objects without a ``cpt_code`` attribute, or with ``cpt_code=None``, are
    skipped, so a registry's modalities can be passed as they are.

    Raises:
        ValidationError: If a declared code is not in CPT form (path
            ``modalities[i].cpt_code``).
    """
    mapping: dict[str, str] = {}
    for i, modality in enumerate(modalities):
        if isinstance(modality, SupportsCptCode) and modality.cpt_code is not None:
            mapping[modality.code] = check_cpt_format(
                modality.cpt_code, f"modalities[{i}].cpt_code"
            )
    return mapping


def cpt_for_modality(
    modality: str | HasModalityKey, mapping: Mapping[str, str | None] | None = None
) -> str | None:
    """Return the CPT code a modality is billed under.

    Resolution order: *mapping* (per call; a value of ``None`` means the time is
    not billed as a timed code), then a ``cpt_code`` declared by the modality
    object (``None`` declares nothing), then `DEFAULT_CPT_MAPPING`.

    Args:
        modality: A modality key (``core.swedish``) or a modality object.
        mapping: Per-call overrides, modality key to CPT code or ``None``.

    Raises:
        UnknownCodeError: If no code is known for the modality (system
            ``"modality CPT mapping"``): pass one in *mapping*.
        ValidationError: If a mapped code is not in CPT form.
    """
    given: object = modality
    key: object = given if isinstance(given, str) else getattr(given, "code", None)
    if not isinstance(key, str):
        raise ValidationError(
            [Problem("modality", "expected a modality key or a modality object", "type")]
        )
    if mapping is not None and key in mapping:
        found = mapping[key]
        return None if found is None else check_cpt_format(found, f"mapping[{key!r}]")
    if isinstance(modality, SupportsCptCode) and modality.cpt_code is not None:
        return check_cpt_format(modality.cpt_code, "cpt_code")
    try:
        return DEFAULT_CPT_MAPPING[key]
    except KeyError:
        raise UnknownCodeError(
            "modality CPT mapping",
            key if len(key) <= 100 and key.isprintable() else "<modality>",
            "no default CPT code for this modality; pass mapping={modality: cpt_code}",
        ) from None
