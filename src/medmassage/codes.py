"""Codings from standard terminologies: ICD-10-CM, CPT, SNOMED CT.

A `Coding` is a (system, code, display) triple, as in FHIR. `Coding` checks
code *formats* only. Whether an ICD-10-CM code exists in the CMS release, what
it means, whether it is billable and where it sits in the classification is
answered by `lookup_icd10cm`; rules match codes by range or prefix with
`is_within_icd10cm` (a pure string test that loads no table).

The code set is the CMS ICD-10-CM tabular list bundled in the PyPI package
``simple-icd-10-cm`` (1.5.0: the April 1, 2026 release; see
`icd10cm_release`). It is read on the first lookup, not at import: the first
lookup in a process takes about 0.3 s, later ones are a dictionary access.

`medmassage.Diagnosis` requires its code to exist in the release (``"strict"``
validation, the default). Historic records may carry codes that have since been
deleted or expanded; validate those by format only with
`icd10cm_validation` (a context manager, for this thread or async task) or
`set_icd10cm_validation` (the process-wide default). Billability is not a
validation rule: a non-billable header such as ``M54.5`` is a valid diagnosis
and is reported by the billing checks (`medmassage.billing.diagnosis_edits`).

ICD-10-CM format (CMS ICD-10-CM Official Guidelines for Coding and Reporting,
section I.A: codes are 3 to 7 characters, a letter, a digit, then an
alphanumeric character, a dot after the third character):

>>> normalize_icd10cm("m5450")
'M54.50'
>>> normalize_icd10cm("M54.5")
'M54.5'
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final, Literal, get_args

import attrs

from .exceptions import Problem, UnknownCodeError, ValidationError

if TYPE_CHECKING:
    from ._icd10cm import Table

__all__ = [
    "CPT",
    "ICD10CM",
    "SNOMED_CT",
    "Coding",
    "Icd10cmCode",
    "Icd10cmValidation",
    "get_icd10cm_validation",
    "icd10cm_problems",
    "icd10cm_release",
    "icd10cm_validation",
    "is_icd10cm_code",
    "is_icd10cm_format",
    "is_within_icd10cm",
    "lookup_icd10cm",
    "normalize_icd10cm",
    "set_icd10cm_validation",
]

#: The FHIR system URI of ICD-10-CM.
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
#: The FHIR system URI of CPT.
CPT: Final = "http://www.ama-assn.org/go/cpt"
#: The FHIR system URI of SNOMED CT.
SNOMED_CT: Final = "http://snomed.info/sct"

_ICD10CM = re.compile(r"^([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?$")
_CPT = re.compile(r"^[0-9]{4}[0-9A-Z]$")
_SNOMED = re.compile(r"^[1-9][0-9]{5,17}$")


def normalize_icd10cm(code: str) -> str:
    """Return *code* in the dotted, upper-case form (``M54.50``).

    Accepts ``M54.50``, ``m54.50`` and the undotted CMS file form ``M5450``.

    Raises:
        ValidationError: If *code* is not an ICD-10-CM code in form.
    """
    if isinstance(code, str):
        match = _ICD10CM.match(code.strip().upper())
        if match is not None:
            head, tail = match.groups()
            return f"{head}.{tail}" if tail else head
    raise ValidationError(
        [
            Problem(
                "",
                "expected an ICD-10-CM code: a letter, a digit, an alphanumeric "
                "character, then up to 4 more after a dot (e.g. M54.50)",
                "icd10cm_format",
            )
        ]
    )


def is_icd10cm_format(code: str) -> bool:
    """Tell whether *code* has the form of an ICD-10-CM code (not whether it exists)."""
    return isinstance(code, str) and _ICD10CM.match(code.strip().upper()) is not None


_FORMATS: Final = {
    ICD10CM: (_ICD10CM, "an ICD-10-CM code such as M54.50"),
    CPT: (_CPT, "a five-character CPT code such as 97140"),
    SNOMED_CT: (_SNOMED, "a SNOMED CT concept id (6 to 18 digits)"),
}


@attrs.frozen(kw_only=True, slots=True)
class Coding:
    """A code from a terminology.

    Codes from ICD-10-CM are stored in dotted upper-case form whatever form was
    given; CPT and SNOMED CT codes are format-checked. Other systems (a URI) are
    accepted as they are.

    Attributes:
        system: The terminology's URI (`ICD10CM`, `CPT`, `SNOMED_CT` or another).
        code: The code.
        display: Optional human-readable text of the code (terminology text, not
            patient text).
    """

    system: str
    code: str = attrs.field()
    display: str | None = None

    @code.validator
    def _check_code(self, attribute: attrs.Attribute[str], value: str) -> None:
        problems: list[Problem] = []
        if not isinstance(self.system, str) or not self.system:
            problems.append(Problem("system", "expected a non-empty system URI", "required"))
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem("code", "expected a non-empty code", "required"))
        else:
            fmt = _FORMATS.get(self.system)
            if fmt is not None and fmt[0].match(value.strip().upper() if fmt[0] is _ICD10CM else value) is None:
                problems.append(Problem("code", f"expected {fmt[1]}", "format"))
        if self.display is not None and not isinstance(self.display, str):
            problems.append(Problem("display", "expected text", "type"))
        if problems:
            raise ValidationError(problems, "Coding")
        if self.system == ICD10CM:
            object.__setattr__(self, "code", normalize_icd10cm(value))

    @classmethod
    def icd10cm(cls, code: str, display: str | None = None) -> Coding:
        """Build an ICD-10-CM coding (any accepted form of *code*)."""
        return cls(system=ICD10CM, code=code, display=display)

    @classmethod
    def cpt(cls, code: str, display: str | None = None) -> Coding:
        """Build a CPT coding."""
        return cls(system=CPT, code=code, display=display)

    @classmethod
    def snomed(cls, code: str, display: str | None = None) -> Coding:
        """Build a SNOMED CT coding."""
        return cls(system=SNOMED_CT, code=code, display=display)
