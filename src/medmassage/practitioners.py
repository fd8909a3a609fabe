"""The treating practitioner: licences and certifications.

A practitioner's name is not patient information and may be shown.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._validation import Model, check_id, check_text
from .diagnosis import is_valid_npi
from .exceptions import Problem
from .modalities import check_key

__all__ = ["Certification", "License", "Practitioner"]


@attrs.frozen(kw_only=True, slots=True)
class License(Model):
    """A licence to practise.

    Attributes:
        number: The licence number.
        jurisdiction: Who issued it, as an ISO 3166-2 code where possible (``US-WA``).
        expires_on: The last day it is valid.
        profession: The licensed profession.
    """

    number: str
    jurisdiction: str
    expires_on: dt.date
    profession: str = "massage_therapist"

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "number", self.number, max_length=64)
        check_text(p, "jurisdiction", self.jurisdiction, max_length=64)
        check_text(p, "profession", self.profession, max_length=64)
        return p


@attrs.frozen(kw_only=True, slots=True)
class Certification(Model):
    """A post-graduate certification (e.g. manual lymphatic drainage).

    Attributes:
        code: The certification key that modalities require, e.g.
            ``"manual_lymphatic_drainage"``.
        issued_on: When it was obtained.
        expires_on: When it lapses, if it does.
        issuer: The certifying body.
    """

    code: str
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    issuer: str | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_key(p, "code", self.code)
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            p.append(Problem("expires_on", "expected a date on or after issued_on", "order"))
        return p

    def valid_on(self, day: dt.date) -> bool:
        """Whether the certification is in force on *day*."""
        if self.issued_on is not None and day < self.issued_on:
            return False
        return self.expires_on is None or day <= self.expires_on


@attrs.frozen(kw_only=True, slots=True)
class Practitioner(Model):
    """A massage therapist (or other treating clinician).

    Attributes:
        id: Opaque identifier.
        name: Display name.
        npi: National Provider Identifier, if they have one.
        licenses: Licences held.
        certifications: Certifications held.
    """

    id: str
    name: str | None = None
    npi: str | None = None
    licenses: tuple[License, ...] = ()
    certifications: tuple[Certification, ...] = ()

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_id(p, "id", self.id)
        check_text(p, "name", self.name, max_length=200)
        if self.npi is not None and not is_valid_npi(self.npi):
            p.append(Problem("npi", "expected a 10-digit NPI with a valid Luhn check digit", "npi"))
        return p

    def licensed_on(self, day: dt.date) -> bool:
        """Whether at least one licence is in force on *day*."""
        return any(lic.expires_on >= day for lic in self.licenses)

    def certified_for(self, code: str, day: dt.date) -> bool:
        """Whether the practitioner holds certification *code* in force on *day*."""
        return any(c.code == code and c.valid_on(day) for c in self.certifications)
