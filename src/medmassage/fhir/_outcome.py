"""What a bundle could not carry: the primitive-pattern check and the OperationOutcome.

Every resource of a bundle passes `clean_entries` before it is returned, so a
value that breaks a FHIR R4 primitive pattern (https://hl7.org/fhir/R4/datatypes.html)
is never emitted: a coding whose ``code`` is not a FHIR ``code`` (leading,
trailing or repeated whitespace, a non-breaking space included) or whose
``system`` is not a ``uri`` (whitespace) is left out, and characters below
U+0020 other than tab, carriage return and line feed are replaced with U+FFFD
in strings. Each change is a `~medmassage.exceptions.Problem`, and the problems
of a bundle become its ``OperationOutcome`` entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import attrs

from ..exceptions import Problem
from ._common import Resource, resource_uuid

#: The code system of the problem codes in an ``OperationOutcome`` (``unscorable`` ...).
PROBLEM_SYSTEM: Final = "https://medmassage.dev/problems"

_CODE: Final = re.compile(r"[^\s]+(\s[^\s]+)*")
_URI: Final = re.compile(r"\S*")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CODE_KEYS: Final = frozenset({"code", "valueCode"})
_URI_KEYS: Final = frozenset({"system", "url"})
#: Problem codes of values changed rather than left out (a warning, not an error).
_CHANGED: Final = frozenset({"control_character"})
#: Problem code to the FHIR ``issue-type`` of its OperationOutcome issue.
_ISSUE_TYPE: Final = {
    "unknown_code": "code-invalid",
    "unscorable": "processing",
    "not_expressible": "not-supported",
    "code_pattern": "value",
    "uri_pattern": "value",
    "control_character": "value",
}


@attrs.frozen(kw_only=True)
class FhirExport:
    """A bundle and what it could not carry.

    Attributes:
        bundle: The FHIR ``collection`` Bundle; when there are *problems*, its
            last entry is an ``OperationOutcome`` listing them.
        problems: Each record left out (an unscorable outcome measure, an unknown
            instrument) or value changed (a code that is not a FHIR ``code``), with
            its path and a problem code. Empty when everything was exported as it is.
    """

    bundle: Resource = attrs.field(repr=False, hash=False)  # a dict: compared, not hashed
    problems: tuple[Problem, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every record was exported unchanged."""
        return not self.problems


def _strip_controls(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def _clean(value: object, path: str, problems: list[Problem]) -> object:
    """*value* with every bad code or URI left out and control characters replaced.

    Returns ``None`` for a coding (or other element) that must be left out.
    """
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            where = f"{path}.{key}"
            if isinstance(item, str):
                if key in _CODE_KEYS and _CODE.fullmatch(item) is None:
                    problems.append(
                        Problem(
                            path,
                            "left out: its code is not a FHIR code (no leading, trailing or "
                            "repeated whitespace)",
                            "code_pattern",
                        )
                    )
                    return None
                if key in _URI_KEYS and _URI.fullmatch(item) is None:
                    problems.append(
                        Problem(path, "left out: its system is not a FHIR uri", "uri_pattern")
                    )
                    return None
                if _CONTROL.search(item) is not None:
                    problems.append(
                        Problem(
                            where,
                            "control characters (below U+0020, other than tab and line "
                            "breaks) replaced with U+FFFD",
                            "control_character",
                        )
                    )
                    item = _strip_controls(item)
                out[key] = item
                continue
            cleaned = _clean(item, where, problems)
            if cleaned is not None and cleaned != {} and cleaned != []:
                out[key] = cleaned
        return out or None
    if isinstance(value, list):
        items = [_clean(item, f"{path}[{i}]", problems) for i, item in enumerate(value)]
        return [item for item in items if item is not None]
    return value


def clean_entries(entries: Sequence[dict[str, object]], problems: list[Problem]) -> None:
    """Make every resource of *entries* keep to FHIR's primitive patterns, in place.

    Each coding left out and each string changed is added to *problems*, under
    its path in the bundle (``entry[3].resource.code.coding[0]``).
    """
    for index, entry in enumerate(entries):
        resource = entry["resource"]
        cleaned = _clean(resource, f"entry[{index}].resource", problems)
        if isinstance(cleaned, dict) and cleaned != resource:
            entry["resource"] = cleaned


def operation_outcome(problems: Sequence[Problem], *parts: str) -> Resource:
    """The ``OperationOutcome`` listing *problems*, its id derived from *parts*.

    One issue per problem: severity ``error`` for a record left out, ``warning``
    for a value changed; ``details`` the problem code in `PROBLEM_SYSTEM` and
    the message; ``diagnostics`` the path (in the case for a record left out,
    in the bundle for a value changed).
    """
    return {
        "resourceType": "OperationOutcome",
        "id": resource_uuid("OperationOutcome", *parts),
        "issue": [
            {
                "severity": "warning" if p.code in _CHANGED else "error",
                "code": _ISSUE_TYPE.get(p.code, "processing"),
                "details": {
                    "coding": [{"system": PROBLEM_SYSTEM, "code": p.code}],
                    "text": _strip_controls(p.message),
                },
                "diagnostics": _strip_controls(p.path or "<root>"),
            }
            for p in problems
        ],
    }
