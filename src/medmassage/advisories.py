"""Soft findings: named, coded observations that do not block a record.

`Advisory` is the one shape for what medmassage notices without refusing: a
stable ``code``, a ``level`` (info, warning, error), the ``path`` of the field
it concerns and a ``message``. `medmassage.check` returns advisories about a
record, and a screening `medmassage.contraindications.Assessment` carries the
advisories of its inputs (a screening date outside the plan, a pregnancy record
projected past term).

Messages never contain a patient's name, birth date, contact details or free
text: only paths, codes and generic wording.

.. versionadded:: 0.2.0
   This module, the one home of soft findings. `Advisory` and `AdvisoryLevel`
   were defined in `medmassage.checks`, which still exports them.
"""

from __future__ import annotations

import enum

import attrs

from .exceptions import Problem, ValidationError

__all__ = ["Advisory", "AdvisoryLevel"]


class AdvisoryLevel(enum.Enum):
    """How much attention an advisory needs."""

    #: Worth knowing; nothing to do.
    INFO = "info"
    #: Worth a clinician's or biller's attention.
    WARNING = "warning"
    #: The record is valid as data but cannot be used as it stands (an outcome
    #: measure that cannot be scored, a plan that screening defers).
    #:
    #: .. versionadded:: 0.2.0
    ERROR = "error"


@attrs.frozen(kw_only=True, slots=True)
class Advisory:
    """A named, coded observation about a valid record.

    Attributes:
        code: A stable identifier (``unplanned_technique`` ...).
        path: Where in the record (empty for the record as a whole).
        message: What was noticed (never a patient's identifying values).
        level: Info, warning or error.
        source: The rule or citation behind it, when it rests on one (a billing
            edit's manual section, a plan-of-care rule).

    Kinds of advisory with more to say subclass it (a billing coding edit names
    the CPT codes involved), so one list can hold them all.

    .. versionchanged:: 0.2.0
       ``source`` and ``to_dict()``; a level that is not an `AdvisoryLevel` is
       refused; `medmassage.billing.CodingEdit` and
       `medmassage.plan_of_care.ComplianceFinding` are advisories.
    """

    code: str
    path: str
    message: str
    level: AdvisoryLevel = AdvisoryLevel.WARNING
    source: str = ""

    def __attrs_post_init__(self) -> None:
        # An old-style level string ("error") would never equal AdvisoryLevel.ERROR, and
        # a finding that compares unequal to every level reads as harmless: refuse it.
        level: object = self.level
        if not isinstance(level, AdvisoryLevel):
            raise ValidationError(
                [Problem("level", "expected an AdvisoryLevel", "type")], type(self).__name__
            )

    def __str__(self) -> str:
        return f"{self.level.value}: {self.path or '<root>'}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary (subclasses add their own fields).

        .. versionadded:: 0.2.0
        """
        out: dict[str, object] = {
            "code": self.code,
            "level": self.level.value,
            "path": self.path,
            "message": self.message,
        }
        if self.source:
            out["source"] = self.source
        return out
