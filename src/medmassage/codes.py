"""Codings from standard terminologies: ICD-10-CM, CPT, SNOMED CT.

A `Coding` is a (system, code, display) triple, as in FHIR. `Coding` checks
code *formats* only. Whether an ICD-10-CM code exists in the CMS release, what
it means, whether it is billable and where it sits in the classification is
answered by `lookup_icd10cm`; rules match codes by range or prefix with
`is_within_icd10cm` (a pure string test that loads no table).

The code set is the CMS ICD-10-CM tabular list bundled in the PyPI package
``simple-icd-10-cm`` (1.5.0: the April 1, 2026 release; see
`icd10cm_release`). It is read on the first lookup, not at import: the first
lookup in a process takes about 0.15 s (an existence check alone, as
`medmassage.Diagnosis` validation does, about 0.05 s), later ones are a
dictionary access (about 0.1 us).

`medmassage.Diagnosis` requires its code to exist in the release (``"strict"``
validation, the default). Historic records may carry codes that have since been
deleted or expanded; validate those by format only with
`icd10cm_validation` (a context manager, for this thread or async task) or
`set_icd10cm_validation` (the process-wide default). Billability is not a
validation rule: a non-billable header such as ``M54.5`` is a valid diagnosis
and is reported by the billing checks (`medmassage.billing.diagnosis_edits`).

ICD-10-CM format (CMS ICD-10-CM Official Guidelines for Coding and Reporting,
section I.A: codes are 3 to 7 characters, a letter, then alphanumeric characters,
a dot after the third; the second character is a digit except in the category
QA0 added in the FY2026 release, e.g. ``QA0.0101``):

>>> normalize_icd10cm("m5450")
'M54.50'
>>> normalize_icd10cm("M54.5")
'M54.5'
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import datetime as dt
import re
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final, Literal, get_args

import attrs

from ._validation import ENCODING_MESSAGE, encodable
from .exceptions import MedmassageError, Problem, UnknownCodeError, ValidationError

if TYPE_CHECKING:
    from ._icd10cm import Table

__all__ = [
    "CPT",
    "ICD10CM",
    "CodeSet",
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

_ICD10CM = re.compile(r"^([A-Z][0-9A-Z][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?$")
_CPT = re.compile(r"^[0-9]{4}[0-9A-Z]$")
_SNOMED = re.compile(r"^[1-9][0-9]{5,17}$")


def normalize_icd10cm(code: str) -> str:
    """Return *code* in the dotted, upper-case form (``M54.50``).

    Accepts ``M54.50``, ``m54.50`` and the undotted CMS file form ``M5450``.

    Raises:
        ValidationError: If *code* is not an ICD-10-CM code in form.
    """
    text: object = code
    if isinstance(text, str):
        match = _ICD10CM.match(text.strip().upper())
        if match is not None:
            head, tail = match.groups()
            return f"{head}.{tail}" if tail else head
    raise ValidationError(
        [
            Problem(
                "",
                "expected an ICD-10-CM code: a letter, two alphanumeric characters, "
                "then up to 4 more after a dot (e.g. M54.50)",
                "icd10cm_format",
            )
        ]
    )


def is_icd10cm_format(code: str) -> bool:
    """Tell whether *code* has the form of an ICD-10-CM code (not whether it exists)."""
    return _undotted(code) is not None


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
        system: object = self.system
        given: object = value
        display: object = self.display
        if not isinstance(system, str) or not system:
            problems.append(Problem("system", "expected a non-empty system URI", "required"))
            system = None
        if not isinstance(given, str) or not given.strip():
            problems.append(Problem("code", "expected a non-empty code", "required"))
        elif isinstance(system, str):
            fmt = _FORMATS.get(system)
            if (
                fmt is not None
                and fmt[0].match(given.strip().upper() if fmt[0] is _ICD10CM else given) is None
            ):
                problems.append(Problem("code", f"expected {fmt[1]}", "format"))
        if display is not None and not isinstance(display, str):
            problems.append(Problem("display", "expected text", "type"))
        for name, text in (("system", system), ("code", given), ("display", display)):
            if isinstance(text, str) and not encodable(text):
                problems.append(Problem(name, ENCODING_MESSAGE, "encoding"))
        if problems:
            raise ValidationError(problems, "Coding")
        if self.system == ICD10CM:
            object.__setattr__(self, "code", normalize_icd10cm(value))

    @classmethod
    def icd10cm(cls, code: str, display: str | None = None) -> Coding:
        """Build an ICD-10-CM coding (any accepted form of *code*).

        Without *display*, the coding takes the CMS description of *code* from
        the release medmassage reads (`lookup_icd10cm`), so a diagnosis entered
        by its code alone still reads as words in reports and the FHIR export.
        A code the release does not have keeps no display (validation of the code
        itself happens where the coding is used). The first such call reads the
        release's descriptions (about 0.1 s); later ones are dictionary lookups.
        Reading JSON never does this lookup: a stored coding is read exactly as
        written.

        >>> Coding.icd10cm("M51.26").display
        'Other intervertebral disc displacement, lumbar region'
        >>> Coding.icd10cm("M51.26", "disc").display
        'disc'

        .. versionchanged:: 0.2.0
           Without *display*, the CMS description is taken from the code table.
        """
        if display is None and isinstance(code, str):
            try:
                display = lookup_icd10cm(code).description or None
            except MedmassageError:
                display = None
        return cls(system=ICD10CM, code=code, display=display)

    @classmethod
    def cpt(cls, code: str, display: str | None = None) -> Coding:
        """Build a CPT coding."""
        return cls(system=CPT, code=code, display=display)

    @classmethod
    def snomed(cls, code: str, display: str | None = None) -> Coding:
        """Build a SNOMED CT coding."""
        return cls(system=SNOMED_CT, code=code, display=display)

    def release_problems(self, path: str = "code") -> list[Problem]:
        """Check this coding against its code system's release, if medmassage has it.

        For ICD-10-CM: under ``"strict"`` validation (`get_icd10cm_validation`)
        the code must exist in the bundled CMS release; see `icd10cm_problems`.
        Other systems: no problems (medmassage holds no release of them).

        Args:
            path: The field path to report problems under.
        """
        if self.system != ICD10CM:
            return []
        return icd10cm_problems(self.code, path)


# -- ICD-10-CM code set --------------------------------------------------------------

#: The ways `Diagnosis` may validate an ICD-10-CM code: ``"strict"`` (the code must
#: exist in the bundled CMS release) or ``"format"`` (form only, for historic records).
Icd10cmValidation = Literal["strict", "format"]

_MODES: Final = frozenset(get_args(Icd10cmValidation))
_mode_lock = threading.Lock()
_default_mode: Icd10cmValidation = "strict"
_context_mode: contextvars.ContextVar[Icd10cmValidation | None] = contextvars.ContextVar(
    "medmassage_icd10cm_validation", default=None
)


def _check_mode(mode: object) -> Icd10cmValidation:
    if mode == "strict" or mode == "format":
        return mode
    raise ValidationError(
        [Problem("mode", "expected 'strict' or 'format'", "choice")], "ICD-10-CM validation"
    )


def get_icd10cm_validation() -> Icd10cmValidation:
    """Return the ICD-10-CM validation in force here.

    That is the mode of the innermost `icd10cm_validation` block of this thread
    or async task, else the process-wide default (`set_icd10cm_validation`,
    initially ``"strict"``).
    """
    mode = _context_mode.get()
    return _default_mode if mode is None else mode


def set_icd10cm_validation(mode: Icd10cmValidation) -> None:
    """Set the process-wide default ICD-10-CM validation.

    ``"strict"`` (the default) requires each `medmassage.Diagnosis` code to exist
    in the bundled CMS release; ``"format"`` checks the form only, for historic
    records coded under an earlier release. `icd10cm_validation` blocks override
    the default in their own thread or task. Safe to call from any thread.

    Raises:
        ValidationError: If *mode* is neither ``"strict"`` nor ``"format"``.
    """
    global _default_mode
    checked = _check_mode(mode)
    with _mode_lock:
        _default_mode = checked


@contextlib.contextmanager
def icd10cm_validation(mode: Icd10cmValidation) -> Iterator[None]:
    """Validate ICD-10-CM codes with *mode* inside a ``with`` block.

    The mode is held in a `contextvars.ContextVar`, so it applies to this thread
    or async task only and is restored on exit, even on error. Threads started
    inside the block begin with the process-wide default.

    >>> from medmassage.codes import icd10cm_validation, get_icd10cm_validation
    >>> with icd10cm_validation("format"):
    ...     get_icd10cm_validation()
    'format'

    Raises:
        ValidationError: If *mode* is neither ``"strict"`` nor ``"format"``.
    """
    token = _context_mode.set(_check_mode(mode))
    try:
        yield
    finally:
        _context_mode.reset(token)


_loaded: Table | None = None


def _table() -> Table:
    global _loaded
    loaded = _loaded
    if loaded is None:
        from ._icd10cm import table

        loaded = _loaded = table()
    return loaded


def _undotted(code: object) -> str | None:
    if not isinstance(code, str):
        return None
    match = _ICD10CM.match(code.strip().upper())
    if match is None:
        return None
    head, tail = match.groups()
    return head + tail if tail else head


def _dotted(undotted: str) -> str:
    return f"{undotted[:3]}.{undotted[3:]}" if len(undotted) > 3 else undotted


def icd10cm_release() -> dt.date | None:
    """The date of the CMS ICD-10-CM release in use (``2026-04-01`` with simple-icd-10-cm 1.5).

    Reads the code list on first call. ``None`` if the data files do not name a date.
    """
    return _table().release


def is_icd10cm_code(code: str) -> bool:
    """Tell whether *code* exists in the ICD-10-CM release (billable or not).

    Accepts the dotted and undotted forms. Needs only the code list, not the
    descriptions, so it is the cheapest existence test.
    """
    undotted = _undotted(code)
    return undotted is not None and undotted in _table().index


@attrs.frozen(kw_only=True, slots=True)
class Icd10cmCode:
    """One code of the CMS ICD-10-CM tabular list, as returned by `lookup_icd10cm`.

    A code is billable when it is a leaf of the tabular (has no subdivisions);
    a non-billable code is a header whose billable subdivisions must be used on
    a claim (ICD-10-CM Official Guidelines, section I.B.2; for example ``M54.5``
    has been a header since the October 1, 2021 release, its billable codes being
    ``M54.50``, ``M54.51`` and ``M54.59``).

    Attributes:
        code: The code in dotted form (``M54.50``).
        description: The CMS description (terminology text).
        billable: Whether the code may be reported on a claim.
        parent: The code this one subdivides; ``None`` for a three-character
            category.
        block: The tabular block (section) of the code's category, e.g. ``M50-M54``.
        chapter: The tabular chapter number, e.g. ``"13"``.
    """

    code: str
    description: str
    billable: bool
    parent: str | None
    block: str
    chapter: str

    @property
    def undotted(self) -> str:
        """The code in CMS file form, without the dot (``M5450``)."""
        return self.code.replace(".", "")

    @property
    def ancestors(self) -> tuple[str, ...]:
        """The codes above this one, nearest first, ending with the category."""
        result: list[str] = []
        parent = self.parent
        table = _table()
        while parent is not None:
            result.append(parent)
            parent_undotted = parent.replace(".", "")
            up = table.parent(parent_undotted)
            parent = None if up is None else _dotted(up)
        return tuple(result)

    @property
    def children(self) -> tuple[str, ...]:
        """The codes directly below this one, in tabular order (empty if billable)."""
        return tuple(_dotted(c) for c in _table().children(self.undotted))

    @property
    def billable_descendants(self) -> tuple[str, ...]:
        """The billable codes below this one, in tabular order (empty if billable).

        These are the codes to use on a claim instead of this header.
        """
        table = _table()
        return tuple(_dotted(c) for c in table.descendants(self.undotted) if table.is_leaf(c))


_records: dict[str, Icd10cmCode] = {}


def lookup_icd10cm(code: str) -> Icd10cmCode:
    """Return the ICD-10-CM record of *code* from the bundled CMS release.

    Accepts ``M54.50``, ``m54.50`` and the undotted CMS form ``M5450``. Records
    are cached, so repeated lookups cost a dictionary access.

    >>> record = lookup_icd10cm("M5450")
    >>> record.code, record.billable
    ('M54.50', True)
    >>> lookup_icd10cm("M54.5").billable_descendants
    ('M54.50', 'M54.51', 'M54.59')

    Raises:
        UnknownCodeError: If *code* is not a code of the release (malformed,
            deleted, never existed, or a block/chapter rather than a code). The
            hint names the nearest existing code when there is one.
    """
    record = _records.get(code)
    if record is not None:
        return record
    undotted = _undotted(code)
    table = _table()
    if undotted is None or undotted not in table.index:
        raise UnknownCodeError("ICD-10-CM", _safe(code), _hint(code, undotted, table))
    record = _records.get(undotted)
    if record is None:
        block, chapter = table.placement.get(undotted[:3], ("", ""))
        parent = table.parent(undotted)
        record = Icd10cmCode(
            code=_dotted(undotted),
            description=table.description(undotted),
            billable=table.is_leaf(undotted),
            parent=None if parent is None else _dotted(parent),
            block=block,
            chapter=chapter,
        )
        _records[undotted] = record
        _records[record.code] = record
    _records[code] = record
    return record


def _safe(code: object) -> str:
    # What a message may repeat: a short printable string (codes are not patient data).
    if isinstance(code, str) and len(code) <= 20 and code.isprintable():
        return code
    return "<not a code>"


def _hint(code: object, undotted: str | None, table: Table) -> str:
    release = table.release.isoformat() if table.release else "bundled"
    if not isinstance(code, str):
        return "expected a string such as 'M54.50'"
    if undotted is None:
        if "-" in code:
            return "a range or block is not a code; match ranges with is_within_icd10cm"
        return "not in ICD-10-CM form (a letter, two alphanumeric characters, e.g. M54.50)"
    nearest = table.nearest_existing(undotted)
    if nearest is None:
        return f"not in the ICD-10-CM release of {release}"
    return (
        f"not in the ICD-10-CM release of {release}; the nearest existing code is "
        f"{_dotted(nearest)}"
    )


def icd10cm_problems(
    code: str, path: str = "code", mode: Icd10cmValidation | None = None
) -> list[Problem]:
    """Validate an ICD-10-CM code for a model and return the problems found.

    With ``"format"`` validation only the form is checked. With ``"strict"``
    validation (the default, see `get_icd10cm_validation`) the code must also
    exist in the bundled CMS release. Non-billable headers pass: billability is a
    claim question, reported by `medmassage.billing.diagnosis_edits`.

    Args:
        code: The code, dotted or not.
        path: The field path to report problems under.
        mode: The validation to apply; ``None`` for the one in force.
    """
    strict = (mode or get_icd10cm_validation()) == "strict"
    if strict and code in _existing:
        return []
    undotted = _undotted(code)
    if undotted is None:
        return [Problem(path, "expected an ICD-10-CM code such as M54.50", "icd10cm_format")]
    if not strict:
        return []
    table = _table()
    if undotted in table.index:
        if len(_existing) < 100_000:
            _existing.add(code)
        return []
    return [
        Problem(
            path,
            f"expected an existing ICD-10-CM code: {_hint(code, undotted, table)}; "
            "validate historic records with icd10cm_validation('format')",
            "icd10cm_unknown",
        )
    ]


# Code strings (as given) known to exist in the release: the fast path of validation.
_existing: set[str] = set()

_PATTERN_PREFIX = re.compile(r"^[A-Z](?:[0-9A-Z](?:[0-9A-Z](?:\.?[0-9A-Z]{0,4})?)?)?$")
_pattern_cache: dict[str, tuple[str, str]] = {}
_PATTERN_HELP: Final = (
    "expected an ICD-10-CM code, a prefix with a trailing 'x', '-' or '*' "
    "(I82.4x), or a range (I80-I82)"
)


def _compile_pattern(pattern: object) -> tuple[str, str]:
    """Return ``(low, high)`` undotted bounds; a prefix pattern has ``low == high``.

    A code matches when ``code >= low and code[:len(high)] <= high`` (undotted):
    the codes a pattern matches are one interval of the sorted code list.
    """
    if isinstance(pattern, str):
        cached = _pattern_cache.get(pattern)
        if cached is not None:
            return cached
        text = pattern.strip()
    else:
        text = ""
    stripped = text.rstrip("x-*")
    if "-" in stripped:
        low_text, _, high_text = stripped.partition("-")
        bounds = (_prefix(low_text), _prefix(high_text))
        if bounds[1][: len(bounds[0])] < bounds[0]:
            raise ValidationError(
                [
                    Problem(
                        "pattern",
                        f"range {_safe(pattern)!r} ends before it starts",
                        "icd10cm_pattern",
                    )
                ]
            )
    else:
        bound = _prefix(stripped)
        bounds = (bound, bound)
    if isinstance(pattern, str) and len(_pattern_cache) < 4096:
        _pattern_cache[pattern] = bounds
    return bounds


def _prefix(text: str) -> str:
    text = text.strip().upper().rstrip(".")
    if not text or _PATTERN_PREFIX.match(text) is None:
        raise ValidationError([Problem("pattern", _PATTERN_HELP, "icd10cm_pattern")])
    return text.replace(".", "")


_ALNUM: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _categories(low: str, high: str) -> frozenset[str]:
    """Every three-character category that holds a code between *low* and *high*."""
    first, last = low[:3], high[:3]
    cats: set[str] = set()
    for letter in range(ord(first[0]), ord(last[0]) + 1):
        for second in _ALNUM:
            for third in _ALNUM:
                cat = f"{chr(letter)}{second}{third}"
                if cat[: len(first)] >= first and cat[: len(last)] <= last:
                    cats.add(cat)
    return frozenset(cats)


@attrs.frozen(slots=True, init=False, repr=False)
class CodeSet:
    """A set of ICD-10-CM codes given by patterns: the library's one ICD-10-CM matcher.

    A pattern is

    * a code, which matches itself and every code below it: ``M54.5`` matches
      ``M54.5``, ``M54.50``, ``M54.59``; ``M81`` matches the whole category;
    * a prefix with a trailing lower-case ``x``, ``-`` or ``*`` (any number),
      meaning "and any further characters": ``I82.4x``, ``O22.3-``, ``M5*``. An
      upper-case ``X`` is ICD-10-CM's placeholder character and is literal
      (``T36.0X1A`` is a code);
    * an inclusive range of codes or categories, as in a tabular block:
      ``I80-I82`` matches every code of the categories I80, I81 and I82;
      ``M54.40-M54.42`` matches M54.40, M54.41, M54.42 but not the header M54.4.
      Codes compare character by character, the order of the tabular list
      (``C4A`` lies between ``C49`` and ``C50``).

    Matching is a string test: no code table is loaded, and codes need not exist
    in the current release (historic records match too). Whether a pattern can
    match any code of the current release is a separate question, answered by
    `unmatched` (the plugin registry refuses a rule whose trigger patterns match
    nothing, so a typo cannot make a rule silently blind).

    >>> dvt = CodeSet("I80", "I82.4x", "I82.6")
    >>> dvt.matches("I82.401"), dvt.matches("I82.5"), dvt.matches("I80.10")
    (True, False, True)
    >>> CodeSet("C00-D49").matches("C4A.10")
    True
    >>> CodeSet("I82.4X").unmatched()
    ('I82.4X',)

    Args:
        *patterns: Codes, prefixes and ranges (at least one).

    Raises:
        ValidationError: If a pattern is not an ICD-10-CM code, prefix or range.

    .. versionchanged:: 0.2.0
       Moved here from ``medmassage.contraindications`` (still importable there).
    """

    patterns: tuple[str, ...]
    categories: frozenset[str]
    _bounds: tuple[tuple[str, str], ...]

    def __init__(self, *patterns: str) -> None:
        if not patterns:
            raise ValidationError(
                [Problem("", "expected at least one pattern", "required")], "CodeSet"
            )
        bounds: list[tuple[str, str]] = []
        cats: set[str] = set()
        for i, text in enumerate(patterns):
            if not isinstance(text, str):
                raise ValidationError(
                    [Problem(f"[{i}]", "expected ICD-10-CM patterns as strings", "type")],
                    "CodeSet",
                )
            try:
                low, high = _compile_pattern(text)
            except ValidationError as exc:
                raise ValidationError(
                    [Problem(f"[{i}]", p.message, p.code) for p in exc.problems], "CodeSet"
                ) from None
            bounds.append((low, high))
            cats |= _categories(low, high)
        object.__setattr__(self, "patterns", tuple(patterns))
        object.__setattr__(self, "categories", frozenset(cats))
        object.__setattr__(self, "_bounds", tuple(bounds))

    def matches(self, code: str | None) -> bool:
        """Tell whether the ICD-10-CM *code* (dotted or not) is in this set (``None`` is not)."""
        if code is None or code[:3] not in self.categories:
            return False
        undotted = code.replace(".", "") if "." in code else code
        return any(undotted >= low and undotted[: len(high)] <= high for low, high in self._bounds)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.matches(code)

    def unmatched(self) -> tuple[str, ...]:
        """The patterns that match no code of the current ICD-10-CM release.

        Reads the code list on first use (about 0.05 s in a fresh process).
        """
        codes = _sorted_codes()
        out: list[str] = []
        for text, (low, high) in zip(self.patterns, self._bounds, strict=True):
            at = bisect.bisect_left(codes, low)
            if at == len(codes) or codes[at][: len(high)] > high:
                out.append(text)
        return tuple(out)

    def __repr__(self) -> str:
        return "CodeSet(" + ", ".join(repr(p) for p in self.patterns) + ")"


_sorted: list[list[str]] = []


def _sorted_codes() -> list[str]:
    if not _sorted:
        _sorted.append(sorted(_table().index))
    return _sorted[0]


def is_within_icd10cm(code: str, pattern: str | Iterable[str]) -> bool:
    """Tell whether an ICD-10-CM code falls under a code, prefix or range.

    The patterns are those of `CodeSet` (a code and what lies below it, a prefix
    with a trailing lower-case ``x``, ``-`` or ``*``, or a range); several
    patterns (any iterable) match if any matches. A pure string test: no table
    is loaded.

    >>> is_within_icd10cm("I82.401", "I80-I82")
    True
    >>> is_within_icd10cm("I82.401", "I82.4x")
    True
    >>> is_within_icd10cm("I83.90", ["I80-I82", "Z86.718"])
    False

    Raises:
        ValidationError: If *code* is not in ICD-10-CM form (path ``code``) or a
            pattern is malformed (path ``pattern``).
    """
    undotted = _undotted(code)
    if undotted is None:
        raise ValidationError(
            [Problem("code", "expected an ICD-10-CM code such as M54.50", "icd10cm_format")]
        )
    patterns: Iterable[str] = (pattern,) if isinstance(pattern, str) else pattern
    for item in patterns:
        low, high = _compile_pattern(item)
        if undotted >= low and undotted[: len(high)] <= high:
            return True
    return False
