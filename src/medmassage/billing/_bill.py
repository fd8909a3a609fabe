"""The session bill: a session's minutes, units and coding edits together.

Public names are documented in `medmassage.billing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from .._frozen import FrozenMap
from ..modalities import Modality
from ..sessions import Session
from ..units import Duration
from ._edits import CodingEdit, coding_edits, diagnosis_edits
from ._policies import BillingPolicy
from ._units import session_minutes, timed_units


def _frozen_minutes(value: Mapping[str, Duration]) -> Mapping[str, Duration]:
    return FrozenMap(value)


def _frozen_units(value: Mapping[str, int]) -> Mapping[str, int]:
    return FrozenMap(value)


@attrs.frozen(kw_only=True, slots=True)
class SessionBill:
    """The billing view of one session: minutes, units and edits.

    Attributes:
        session_id: The session's id.
        policy: The name of the billing policy used.
        minutes: Timed minutes per CPT code, from the segments (read-only).
        units: Units per CPT code, in the order of *minutes* (read-only).
        edits: Coding edits (warnings) to review.

    A bill is immutable through and through, so it hashes: *minutes* and
    *units* are read-only mappings (any mapping given is copied).
    """

    session_id: str
    policy: str
    minutes: Mapping[str, Duration] = attrs.field(converter=_frozen_minutes)
    units: Mapping[str, int] = attrs.field(converter=_frozen_units)
    edits: tuple[CodingEdit, ...] = ()

    @property
    def total_units(self) -> int:
        """The units of all codes."""
        return sum(self.units.values())

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary (what ``medmassage billing --json`` prints)."""
        return {
            "session_id": self.session_id,
            "policy": self.policy,
            "codes": [
                {
                    "cpt": code,
                    "minutes": self.minutes[code].minutes,
                    "units": self.units[code],
                }
                for code in self.units
            ],
            "total_units": self.total_units,
            "edits": [
                {
                    "code": e.code,
                    "message": e.message,
                    "source": e.source,
                    "cpt_codes": list(e.cpt_codes),
                    "path": e.path,
                    "confirmed": e.confirmed,
                    "evidence_level": e.evidence_level.value if e.evidence_level else None,
                    "evidence_reason": e.evidence_reason,
                }
                for e in self.edits
            ],
        }


def bill_session(
    session: Session,
    chosen: BillingPolicy,
    mapping: Mapping[str, str | None] | None,
    diagnoses: Iterable[object],
    modalities: Mapping[str, Modality],
) -> SessionBill:
    """A session's bill (see the public `medmassage.billing.bill_session`)."""
    minutes = session_minutes(session, mapping, modalities)
    units = timed_units(minutes, chosen)
    edits = coding_edits(session, mapping, None, modalities) + diagnosis_edits(diagnoses)
    return SessionBill(
        session_id=session.id, policy=chosen.name, minutes=minutes, units=units, edits=edits
    )
