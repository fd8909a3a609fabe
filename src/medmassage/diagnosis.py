"""Diagnoses and the referral from the diagnosing provider.

The National Provider Identifier's check digit is validated with the Luhn
formula over the prefix ``80840`` and the first nine digits, as CMS specifies
("Requirements for Issuing the NPI Check Digit", CMS NPI standard, 45 CFR
162.406):

>>> is_valid_npi("1234567893")
True
>>> is_valid_npi("1234567890")
False
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ._validation import Model, check_id, check_range, check_side, check_text, redacted, unique
from .anatomy import BodyRegion, Laterality
from .codes import ICD10CM, Coding
from .exceptions import Problem

__all__ = [
    "Acuity",
    "Diagnosis",
    "Provider",
    "ProviderRole",
    "Referral",
    "is_valid_npi",
]


def is_valid_npi(npi: object) -> bool:
    """Tell whether *npi* is a 10-digit NPI with a valid Luhn check digit."""
    if not isinstance(npi, str) or len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:  # double every second digit from the right, starting at the rightmost
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


class Acuity(enum.Enum):
    """How long a condition has lasted.

    The usual cut-offs for musculoskeletal pain are under 6 weeks (acute),
    6 to 12 weeks (subacute) and over 12 weeks (chronic); `Diagnosis` does not
    enforce them, `medmassage.check` reports a mismatch with the onset date.
    """

    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"


class ProviderRole(enum.Enum):
    """The kind of provider who diagnoses or refers."""

    PHYSICIAN = "physician"
    OSTEOPATHIC_PHYSICIAN = "osteopathic_physician"
    CHIROPRACTOR = "chiropractor"
    PHYSICAL_THERAPIST = "physical_therapist"
    NURSE_PRACTITIONER = "nurse_practitioner"
    PHYSICIAN_ASSISTANT = "physician_assistant"
    DENTIST = "dentist"
    PODIATRIST = "podiatrist"
    CLINICAL_NURSE_SPECIALIST = "clinical_nurse_specialist"
    MASSAGE_THERAPIST = "massage_therapist"


@attrs.frozen(kw_only=True, slots=True)
class Provider(Model):
    """A diagnosing or referring provider.

    Attributes:
        name: The provider's name (a clinician, not a patient).
        role: Their profession.
        npi: Their 10-digit National Provider Identifier, check digit validated.
    """

    name: str
    role: ProviderRole
    npi: str | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "name", self.name, max_length=200)
        if self.npi is not None and not is_valid_npi(self.npi):
            p.append(Problem("npi", "expected a 10-digit NPI with a valid Luhn check digit", "npi"))
        return p


@attrs.frozen(kw_only=True, slots=True)
class Diagnosis(Model):
    """A diagnosed condition that massage treats.

    Attributes:
        coding: The ICD-10-CM code.
        region: Where the condition is.
        laterality: Which side, required for paired regions.
        onset: When the condition began.
        acuity: Acute, subacute or chronic.
        diagnosed_by: Who made the diagnosis.
        diagnosed_on: When.
    """

    coding: Coding
    region: BodyRegion | None = None
    laterality: Laterality | None = None
    onset: dt.date | None = None
    acuity: Acuity | None = None
    diagnosed_by: Provider | None = None
    diagnosed_on: dt.date | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        if self.coding.system != ICD10CM:
            p.append(Problem("coding.system", f"expected the ICD-10-CM system {ICD10CM}", "system"))
        # ICD10CM-EXISTENCE-CHECK
        # The code must exist in the CMS release unless format-only validation is
        # in force (medmassage.codes.icd10cm_validation); a set lookup once warm.
        p.extend(self.coding.release_problems("coding.code"))
        if self.region is not None:
            check_side(p, "laterality", self.region, self.laterality)
        if self.onset and self.diagnosed_on and self.diagnosed_on < self.onset:
            p.append(Problem("diagnosed_on", "expected a date on or after onset", "order"))
        return p

    @property
    def code(self) -> str:
        """The ICD-10-CM code in dotted form."""
        return self.coding.code


@attrs.frozen(kw_only=True, slots=True)
class Referral(Model):
    """A referral (prescription) for medical massage from a provider.

    Its diagnoses need entering only here:
    `medmassage.plans.TreatmentPlan.for_referral` writes the plan that answers
    the referral with its diagnoses, frequency and course length, and screening
    takes them as active conditions of the patient.

    Attributes:
        id: Opaque identifier.
        referrer: The referring provider.
        diagnoses: The diagnoses the referral is for (at least one).
        referred_on: The referral date.
        frequency_per_week: Prescribed sessions per week.
        duration_weeks: Prescribed course length in weeks.
        visits_authorized: Visits the payer authorized, if any.
        expires_on: The last date the referral is valid.
        instructions: Free-text instructions (protected).
    """

    id: str
    referrer: Provider
    diagnoses: tuple[Diagnosis, ...]
    referred_on: dt.date
    frequency_per_week: int | None = None
    duration_weeks: int | None = None
    visits_authorized: int | None = None
    expires_on: dt.date | None = None
    instructions: str | None = attrs.field(default=None, repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_id(p, "id", self.id)
        if not self.diagnoses:
            p.append(Problem("diagnoses", "expected at least one diagnosis", "required"))
        unique(p, "diagnoses", (d.code for d in self.diagnoses), "diagnosis code")
        check_range(p, "frequency_per_week", self.frequency_per_week, 1, 7)
        check_range(p, "duration_weeks", self.duration_weeks, 1, 104)
        check_range(p, "visits_authorized", self.visits_authorized, 0, 1000)
        if self.expires_on is not None and self.expires_on < self.referred_on:
            p.append(Problem("expires_on", "expected a date on or after referred_on", "order"))
        check_text(p, "instructions", self.instructions)
        return p

    def valid_on(self, day: dt.date) -> bool:
        """Whether the referral is in force on *day*."""
        return day >= self.referred_on and (self.expires_on is None or day <= self.expires_on)
