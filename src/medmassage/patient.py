"""The patient and the clinical history that treatment decisions depend on.

Identity (name, contact details) is optional protected health information:
`repr` and `str` of a `Patient` show only its opaque id, and no validation
message ever quotes a name, birth date, contact detail or free-text note.

Coded history follows HL7 FHIR R4 where FHIR has a concept: administrative sex
(``AdministrativeGender``), condition clinical status
(``condition-clinical``), allergy category.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ._validation import Model, check_id, check_range, check_side, check_text, redacted
from .anatomy import BodyRegion, Laterality
from .codes import ICD10CM, Coding
from .exceptions import Problem

__all__ = [
    "AdministrativeSex",
    "Allergy",
    "AllergyCategory",
    "Clearance",
    "ClinicalStatus",
    "Condition",
    "Consent",
    "ConsentScope",
    "ContactDetails",
    "DeviceKind",
    "HumanName",
    "ImplantedDevice",
    "Medication",
    "MedicationClass",
    "Patient",
    "Pregnancy",
    "RiskFlag",
    "Surgery",
]


class AdministrativeSex(enum.Enum):
    """Administrative sex (HL7 FHIR ``AdministrativeGender``)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ClinicalStatus(enum.Enum):
    """Clinical status of a condition (HL7 FHIR ``condition-clinical``)."""

    ACTIVE = "active"
    RECURRENCE = "recurrence"
    RELAPSE = "relapse"
    INACTIVE = "inactive"
    REMISSION = "remission"
    RESOLVED = "resolved"

    @property
    def is_active(self) -> bool:
        """Whether the condition is currently present (active, recurrence or relapse)."""
        return self in (ClinicalStatus.ACTIVE, ClinicalStatus.RECURRENCE, ClinicalStatus.RELAPSE)


@attrs.frozen(kw_only=True, slots=True)
class Condition(Model):
    """A coded problem in the patient's history (usually ICD-10-CM).

    Attributes:
        code: The condition's coding.
        status: Clinical status; only active conditions trigger most screening rules.
        onset: When it began, if known.
        region: Where on the body, if it is local (a tumour site, a wound).
        laterality: Which side, for paired regions.
        note: Free-text clinical note (protected; never shown in repr).
    """

    code: Coding
    status: ClinicalStatus = ClinicalStatus.ACTIVE
    onset: dt.date | None = None
    region: BodyRegion | None = None
    laterality: Laterality | None = None
    note: str | None = attrs.field(default=None, repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        if self.region is not None:
            check_side(p, "laterality", self.region, self.laterality)
        check_text(p, "note", self.note)
        return p

    @property
    def icd10cm(self) -> str | None:
        """The ICD-10-CM code, if the condition is coded in ICD-10-CM."""
        return self.code.code if self.code.system == ICD10CM else None


class MedicationClass(enum.Enum):
    """Drug classes that change how massage may be given.

    Each class but `OTHER` is read by a built-in screening rule, named below.
    """

    #: Read by ``core.bleeding_risk``.
    ANTICOAGULANT = "anticoagulant"
    #: Read by ``core.bleeding_risk``.
    ANTIPLATELET = "antiplatelet"
    #: Read by ``core.bleeding_risk``.
    THROMBOLYTIC = "thrombolytic"
    #: Read by ``core.corticosteroids`` (tissue fragility).
    CORTICOSTEROID = "corticosteroid"
    #: Read by ``core.active_cancer`` (approval; treatment for MLD).
    CHEMOTHERAPY = "chemotherapy"
    #: Read by ``core.pain_feedback`` (dulled pain feedback).
    OPIOID = "opioid"
    #: Read by ``core.pain_feedback`` (information).
    NSAID = "nsaid"
    #: Read by ``core.pain_feedback`` (dulled feedback, drowsiness).
    MUSCLE_RELAXANT = "muscle_relaxant"
    #: Read by ``core.fall_risk`` (a drop in blood pressure on rising).
    ANTIHYPERTENSIVE = "antihypertensive"
    #: Read by ``core.pain_feedback`` (injection sites, hypoglycaemia).
    INSULIN = "insulin"
    #: Read by ``core.osteoporosis`` (a sign of fragile bone).
    BISPHOSPHONATE = "bisphosphonate"
    #: Read by no rule: a class that says nothing about massage has no precaution
    #: to derive; record the relevant condition or flag instead.
    OTHER = "other"


@attrs.frozen(kw_only=True, slots=True)
class Medication(Model):
    """A medication the patient takes.

    Attributes:
        name: The drug name (a drug, not the patient; shown in repr).
        classes: The classes that matter for massage (anticoagulant ...).
        code: Optional coding (e.g. RxNorm).
        active: Whether the patient currently takes it.
        started: When it was started, if known.
    """

    name: str
    classes: frozenset[MedicationClass] = frozenset()
    code: Coding | None = None
    active: bool = True
    started: dt.date | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "name", self.name, max_length=200)
        return p


class AllergyCategory(enum.Enum):
    """What a patient is allergic to, among what a massage clinic uses.

    The materials a session uses are read by ``core.contact_allergy``;
    `MEDICATION` and `OTHER` are read by no rule, since a massage session does
    not expose the patient to them.
    """

    MASSAGE_OIL = "massage_oil"
    NUT_OIL = "nut_oil"
    LOTION = "lotion"
    FRAGRANCE = "fragrance"
    LATEX = "latex"
    ADHESIVE = "adhesive"
    MEDICATION = "medication"
    OTHER = "other"


@attrs.frozen(kw_only=True, slots=True)
class Allergy(Model):
    """An allergy or intolerance.

    Attributes:
        category: The kind of substance.
        substance: What exactly (e.g. "sweet almond oil").
        reaction: Free-text description of the reaction (protected).
    """

    category: AllergyCategory
    substance: str
    reaction: str | None = attrs.field(default=None, repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "substance", self.substance, max_length=200)
        check_text(p, "reaction", self.reaction)
        return p


@attrs.frozen(kw_only=True, slots=True)
class Clearance(Model):
    """A clinician's recorded clearance for massage: who gave it, when, until when.

    Attributes:
        cleared_by: Who cleared it: the clinician's name or identifier (an NPI,
            say) and role, e.g. "Dr A. Obstetrician, obstetrics" (a clinician, not
            the patient).
        cleared_on: The date of the clearance.
        valid_until: The last day it holds, if it was given for a period (the
            next antenatal visit, say); ``None``: until withdrawn.

    .. versionadded:: 0.2.0
    """

    cleared_by: str
    cleared_on: dt.date
    valid_until: dt.date | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "cleared_by", self.cleared_by, max_length=200)
        if self.valid_until is not None and self.valid_until < self.cleared_on:
            p.append(Problem("valid_until", "expected a date on or after cleared_on", "order"))
        return p

    def valid_on(self, day: dt.date) -> bool:
        """Whether the clearance is in force on *day*."""
        return self.cleared_on <= day and (self.valid_until is None or day <= self.valid_until)


@attrs.frozen(kw_only=True, slots=True)
class Pregnancy(Model):
    """A current pregnancy.

    Attributes:
        gestational_weeks: Gestational age in completed weeks on *recorded_on*
            (0 to 42).
        recorded_on: The date the gestational age was assessed.
        high_risk: Whether the obstetric team classes it high-risk (pre-eclampsia,
            placental problems, preterm labour ...).
        clearance: The obstetric team's clearance for massage, if recorded: the
            high-risk pregnancy rule then no longer defers treatment while the
            clearance is in force (its other precautions still apply).
    """

    gestational_weeks: int
    recorded_on: dt.date
    high_risk: bool = False
    clearance: Clearance | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_range(p, "gestational_weeks", self.gestational_weeks, 0, 42)
        return p

    def weeks_on(self, day: dt.date) -> float:
        """Gestational age in weeks on *day*, counted from *recorded_on*."""
        return self.gestational_weeks + (day - self.recorded_on).days / 7

    def trimester_on(self, day: dt.date) -> int:
        """Trimester (1, 2 or 3) on *day*: weeks 0-13, 14-27, 28 on."""
        weeks = self.weeks_on(day)
        return 1 if weeks < 14 else 2 if weeks < 28 else 3


@attrs.frozen(kw_only=True, slots=True)
class Surgery(Model):
    """A past operation.

    Attributes:
        procedure: What was done (a procedure name, e.g. "L4-L5 microdiscectomy").
        performed_on: The date of the operation.
        region: Where on the body.
        laterality: Which side, for paired regions.
        code: Optional procedure coding.
        lymph_nodes_removed: Whether lymph nodes were removed or irradiated (the
            drained limb stays at risk of lymphoedema for life).
        cleared_on: When the surgeon cleared the site for massage, if they did.
    """

    procedure: str
    performed_on: dt.date
    region: BodyRegion
    laterality: Laterality | None = None
    code: Coding | None = None
    lymph_nodes_removed: bool = False
    cleared_on: dt.date | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "procedure", self.procedure, max_length=500)
        check_side(p, "laterality", self.region, self.laterality)
        if self.cleared_on is not None and self.cleared_on < self.performed_on:
            p.append(Problem("cleared_on", "expected a date on or after performed_on", "order"))
        return p


class DeviceKind(enum.Enum):
    """Implanted devices that change positioning or where pressure may go.

    Every kind is read by ``core.implanted_device``: no pressure over the site,
    or (joint replacement, spinal fixation) the surgeon's movement precautions.
    """

    PACEMAKER = "pacemaker"
    DEFIBRILLATOR = "defibrillator"
    VENOUS_PORT = "venous_port"
    JOINT_REPLACEMENT = "joint_replacement"
    SPINAL_FIXATION = "spinal_fixation"
    NEUROSTIMULATOR = "neurostimulator"
    INSULIN_PUMP = "insulin_pump"
    BREAST_IMPLANT = "breast_implant"
    OTHER = "other"


@attrs.frozen(kw_only=True, slots=True)
class ImplantedDevice(Model):
    """An implanted device and where it is.

    Attributes:
        kind: What the device is.
        region: Where it is (the chest keeps a side: a pacemaker under the left
            clavicle is ``region=CHEST, laterality=LEFT``).
        laterality: Which side, for paired regions and the chest.
        implanted_on: When it was implanted, if known (read by no rule: the
            precaution over a device does not end).
    """

    kind: DeviceKind
    region: BodyRegion
    laterality: Laterality | None = None
    implanted_on: dt.date | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_side(p, "laterality", self.region, self.laterality)
        return p


class ConsentScope(enum.Enum):
    """What a consent on file covers."""

    TREATMENT = "treatment"
    SENSITIVE_AREAS = "sensitive_areas"
    INFORMATION_SHARING = "information_sharing"
    RESEARCH = "research"


@attrs.frozen(kw_only=True, slots=True)
class Consent(Model):
    """A consent on file.

    Screening reads a consent to sensitive areas for a patient with a history of
    abuse (``core.trauma_informed``); other consents are a record-keeping matter
    that no contraindication rule judges.

    Attributes:
        scope: What the consent covers.
        signed_on: When it was signed.
        expires_on: The last day it holds, if it expires.
        revoked_on: When it was revoked, if it was.
    """

    scope: ConsentScope
    signed_on: dt.date
    expires_on: dt.date | None = None
    revoked_on: dt.date | None = None

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        for name in ("expires_on", "revoked_on"):
            end = getattr(self, name)
            if end is not None and end < self.signed_on:
                p.append(Problem(name, "expected a date on or after signed_on", "order"))
        return p

    def valid_on(self, day: dt.date) -> bool:
        """Whether the consent is in force on *day*."""
        if day < self.signed_on:
            return False
        if self.revoked_on is not None and day >= self.revoked_on:
            return False
        return self.expires_on is None or day <= self.expires_on


class RiskFlag(enum.Enum):
    """Structured findings not well captured by a diagnosis code.

    Every flag is read by a built-in screening rule, named below.
    """

    #: Read by ``core.open_wound`` (no friction or strong pressure).
    FRAGILE_SKIN = "fragile_skin"
    #: Read by ``core.neuropathy`` (light pressure only).
    REDUCED_SENSATION = "reduced_sensation"
    #: Read by ``core.bleeding_risk``.
    BLEEDING_TENDENCY = "bleeding_tendency"
    #: Read by ``core.fall_risk`` (transfers and rising).
    FALL_RISK = "fall_risk"
    #: Read by ``core.neuropathy`` (light pressure only).
    CANNOT_COMMUNICATE_PRESSURE = "cannot_communicate_pressure"
    #: Read by ``core.trauma_informed`` (consent before each area).
    HISTORY_OF_ABUSE = "history_of_abuse"


@attrs.frozen(kw_only=True, slots=True)
class HumanName(Model):
    """A person's name (protected health information: never shown in repr).

    Attributes:
        family: The family name (surname).
        given: The given names, in order.
    """

    family: str = attrs.field(repr=redacted)
    given: tuple[str, ...] = attrs.field(default=(), repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "family", self.family, max_length=200)
        for i, part in enumerate(self.given):
            check_text(p, f"given[{i}]", part, max_length=200)
        return p

    def __str__(self) -> str:
        return "<redacted name>"


@attrs.frozen(kw_only=True, slots=True)
class ContactDetails(Model):
    """How to reach the patient (protected health information: never shown in repr).

    Attributes:
        phone: A telephone number, as written (up to 50 characters).
        email: An e-mail address.
        address: A postal address, as written (up to 1,000 characters).
    """

    phone: str | None = attrs.field(default=None, repr=redacted)
    email: str | None = attrs.field(default=None, repr=redacted)
    address: str | None = attrs.field(default=None, repr=redacted)

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_text(p, "phone", self.phone, max_length=50)
        check_text(p, "address", self.address, max_length=1000)
        if self.email is not None and (
            "@" not in self.email or len(self.email) > 320 or self.email != self.email.strip()
        ):
            p.append(Problem("email", "expected an e-mail address", "format"))
        return p

    def __str__(self) -> str:
        return "<redacted contact details>"


@attrs.frozen(kw_only=True, slots=True, repr=False)
class Patient(Model):
    """A patient and their clinical history.

    ``repr`` and ``str`` show only the opaque *id*.

    Attributes:
        id: An opaque identifier (not a medical record number that identifies the
            person outside the system).
        birth_date: Date of birth (protected; not in the future).
        sex: Administrative sex.
        name: Optional name (protected).
        contact: Optional contact details (protected).
        conditions: Coded conditions.
        medications: Current and past medications.
        allergies: Allergies (massage oils, latex ...).
        pregnancy: A current pregnancy, if any.
        surgeries: Past operations.
        devices: Implanted devices.
        consents: Consents on file.
        flags: Structured risk flags.
    """

    id: str
    birth_date: dt.date
    sex: AdministrativeSex
    name: HumanName | None = None
    contact: ContactDetails | None = None
    conditions: tuple[Condition, ...] = ()
    medications: tuple[Medication, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    pregnancy: Pregnancy | None = None
    surgeries: tuple[Surgery, ...] = ()
    devices: tuple[ImplantedDevice, ...] = ()
    consents: tuple[Consent, ...] = ()
    flags: frozenset[RiskFlag] = frozenset()

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        check_id(p, "id", self.id)
        today = dt.date.today()
        if self.birth_date > today:
            p.append(Problem("birth_date", "expected a date that is not in the future", "future"))
        elif self.birth_date.year < today.year - 130:
            p.append(Problem("birth_date", "expected a birth date within 130 years", "range"))
        if self.pregnancy is not None and self.sex is AdministrativeSex.MALE:
            p.append(
                Problem("pregnancy", "a pregnancy needs a sex other than 'male'", "consistency")
            )
        for i, surgery in enumerate(self.surgeries):
            if surgery.performed_on < self.birth_date:
                p.append(
                    Problem(f"surgeries[{i}].performed_on", "expected a date after birth", "order")
                )
        return p

    def __repr__(self) -> str:
        return f"Patient(id={self.id!r})"

    __str__ = __repr__

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on *day*."""
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def active_conditions(self) -> tuple[Condition, ...]:
        """The conditions whose clinical status is active, recurrence or relapse."""
        return tuple(c for c in self.conditions if c.status.is_active)

    def has_consent(self, scope: ConsentScope, on: dt.date) -> bool:
        """Whether a consent of *scope* is in force on *on*."""
        return any(c.scope is scope and c.valid_on(on) for c in self.consents)

    def active_medication_classes(self) -> frozenset[MedicationClass]:
        """Every class of every active medication."""
        return frozenset(k for m in self.medications if m.active for k in m.classes)
