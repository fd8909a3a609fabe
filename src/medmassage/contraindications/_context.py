"""The screening context: everything a rule may look at, and the facts derived from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from .._frozen import FrozenMap
from .._validation import types_checked
from ..advisories import Advisory, AdvisoryLevel
from ..anatomy import BodyRegion, Laterality, regions_overlap
from ..codes import ICD10CM, CodeSet
from ..diagnosis import Diagnosis
from ..exceptions import Problem, ValidationError
from ..modalities import Modality
from ..patient import ClinicalStatus, Condition, MedicationClass, Patient
from ..plans import TreatmentPlan
from ..practitioners import Practitioner
from ..sessions import Session
from ._findings import _field
from ._policy import Policy, default_policy

# -- context -------------------------------------------------------------------------


_CONDITION_PATHS: Final = tuple(f"patient.conditions[{i}]" for i in range(32))


def _condition_path(i: int) -> str:
    return _CONDITION_PATHS[i] if i < 32 else f"patient.conditions[{i}]"


def _case_conditions(
    patient: Patient, plan: TreatmentPlan
) -> tuple[tuple[Condition, ...], tuple[tuple[str, ...], ...]]:
    """Every coded condition of the case, deduplicated, with the paths it was found at.

    The patient's active conditions come first, then the plan's diagnoses, then
    the referral's. Entries with the same code, region and side are one
    condition; an entry without a region is dropped when the same code is also
    recorded with a region (it adds nothing the located one does not say).
    """
    found: dict[tuple[object, ...], tuple[Condition, list[str]]] = {}
    # Whether some entry has a region and some has none: only then can a loose
    # entry merge into a located one (the common case skips that pass).
    located_seen = loose_seen = False
    active = _ACTIVE
    for i, c in enumerate(patient.conditions):
        if c.status in active:
            code = c.code
            region = c.region
            key = (code.system, code.code, region, c.laterality)
            entry = found.get(key)
            if entry is None:
                found[key] = (c, [_condition_path(i)])
                if region is None:
                    loose_seen = True
                else:
                    located_seen = True
            else:
                entry[1].append(_condition_path(i))
    for known, condition, path in _plan_entries(plan):
        entry = found.get(known)
        if entry is None:
            found[known] = (condition, [path])
            if known[2] is None:
                loose_seen = True
            else:
                located_seen = True
        else:
            entry[1].append(path)
    if located_seen and loose_seen:
        located = {(k[0], k[1]) for k in found if k[2] is not None}
        for loose in [k for k in found if k[2] is None and (k[0], k[1]) in located]:
            merged_into = next(
                k for k in found if k[2] is not None and (k[0], k[1]) == (loose[0], loose[1])
            )
            found[merged_into][1].extend(found.pop(loose)[1])
    entries = found.values()
    return tuple([c for c, _ in entries]), tuple([tuple(where) for _, where in entries])


_Entry = tuple[tuple[object, ...], Condition, str]

# Plan -> its diagnoses' (key, condition, path) entries, by identity (the plan is kept, so
# its id cannot be reused while the entry lives; it is immutable); bounded, cleared when full.
_PLAN_ENTRIES: dict[int, tuple[TreatmentPlan, tuple[_Entry, ...]]] = {}


def _plan_entries(plan: TreatmentPlan) -> tuple[_Entry, ...]:
    """The plan's diagnoses, then its referral's, as `_case_conditions` reads them."""
    cacheable = type(plan) is TreatmentPlan
    if cacheable:
        cached = _PLAN_ENTRIES.get(id(plan))
        if cached is not None and cached[0] is plan:
            return cached[1]
    groups: list[tuple[str, tuple[Diagnosis, ...]]] = [("plan.diagnoses", plan.diagnoses)]
    if plan.referral is not None:
        groups.append(("plan.referral.diagnoses", plan.referral.diagnoses))
    out: list[_Entry] = []
    for prefix, diagnoses in groups:
        for i, d in enumerate(diagnoses):
            key = (d.coding.system, d.coding.code, d.region, d.laterality)
            out.append((key, _as_condition(d), f"{prefix}[{i}]"))
    entries = tuple(out)
    if cacheable:
        if len(_PLAN_ENTRIES) >= 8192:
            _PLAN_ENTRIES.clear()
        _PLAN_ENTRIES[id(plan)] = (plan, entries)
    return entries


# The clinical statuses `ClinicalStatus.is_active` accepts (a tuple: members compare by
# identity, where a set would call the enum's Python-level hash).
_ACTIVE: Final = tuple(s for s in ClinicalStatus if s.is_active)

# Diagnosis -> the Condition screening sees, by identity (the diagnosis is kept, so its
# id cannot be reused while the entry lives); bounded, cleared when full.
_CONDITIONS: dict[int, tuple[Diagnosis, Condition]] = {}


def _as_condition(d: Diagnosis) -> Condition:
    cached = _CONDITIONS.get(id(d))
    if cached is not None and cached[0] is d:
        return cached[1]
    # The diagnosis's fields had their types checked when it was built (the same types as
    # a condition's): skip that part of the check, as serialization does; the condition's
    # own rules (side of a paired region) still run.
    token = types_checked.set(True)
    try:
        condition = Condition(
            code=d.coding, onset=d.onset, region=d.region, laterality=d.laterality
        )
    finally:
        types_checked.reset(token)
    if len(_CONDITIONS) >= 8192:
        _CONDITIONS.clear()
    _CONDITIONS[id(d)] = (d, condition)
    return condition


_Facts = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]

# (plan, modalities) -> the plan's modality facts, by identity (both are kept, so their ids
# cannot be reused while the entry lives; both are immutable); bounded, cleared when full.
# A plan is screened once for itself and once per session, and plans are shared in bulk.
_PLAN_FACTS: dict[tuple[int, int], tuple[TreatmentPlan, Mapping[str, Modality], _Facts]] = {}


def _modality_facts(
    plan: TreatmentPlan, session: Session | None, modalities: Mapping[str, Modality]
) -> _Facts:
    """The modalities the plan (and session) use, their tags, the unknown ones, certifications."""
    cacheable = session is None and type(modalities) is FrozenMap and type(plan) is TreatmentPlan
    if cacheable:
        cached = _PLAN_FACTS.get((id(plan), id(modalities)))
        if cached is not None and cached[0] is plan and cached[1] is modalities:
            return cached[2]
    codes = {t.modality for t in plan.techniques}
    if session is not None:
        codes.update(s.modality for s in session.segments)
    tags: set[str] = set()
    unknown: set[str] = set()
    certs: set[str] = set()
    for code in codes:
        modality = modalities.get(code)
        if modality is None:
            unknown.add(code)
        else:
            tags |= modality.contraindication_tags
            certs |= modality.required_certifications
    facts = (frozenset(codes), frozenset(tags), frozenset(unknown), frozenset(certs))
    if cacheable:
        if len(_PLAN_FACTS) >= 8192:
            _PLAN_FACTS.clear()
        _PLAN_FACTS[(id(plan), id(modalities))] = (plan, modalities, facts)
    return facts


#: Weeks of gestation past which a pregnancy record is taken to be out of date.
MAX_GESTATION_WEEKS: Final = 42


# (plan, date) -> whether the plan covers the date, by the plan's identity (kept, so its id
# cannot be reused while the entry lives); bounded, cleared when full.
_COVERS: dict[tuple[int, dt.date], tuple[TreatmentPlan, bool]] = {}


def _covers(plan: TreatmentPlan, on: dt.date) -> bool:
    if type(plan) is not TreatmentPlan:
        return plan.covers(on)
    key = (id(plan), on)
    cached = _COVERS.get(key)
    if cached is not None and cached[0] is plan:
        return cached[1]
    covers = plan.covers(on)
    if len(_COVERS) >= 8192:
        _COVERS.clear()
    _COVERS[key] = (plan, covers)
    return covers


def _context_advisories(patient: Patient, plan: TreatmentPlan, on: dt.date) -> tuple[Advisory, ...]:
    out: list[Advisory] = []
    if not _covers(plan, on):
        out.append(
            Advisory(
                code="date_outside_plan",
                path="on",
                message=f"the screening date {on} is outside the plan's dates "
                f"({plan.start_date} to {plan.end_date})",
            )
        )
    if on < patient.birth_date:
        out.append(
            Advisory(
                code="date_before_birth",
                path="on",
                message="the screening date is before the patient's date of birth",
                level=AdvisoryLevel.ERROR,
            )
        )
    pregnancy = patient.pregnancy
    if pregnancy is not None:
        weeks = pregnancy.weeks_on(on)
        if weeks > MAX_GESTATION_WEEKS:
            out.append(
                Advisory(
                    code="pregnancy_past_term",
                    path="patient.pregnancy",
                    message=f"the pregnancy recorded on {pregnancy.recorded_on} would be past "
                    f"{MAX_GESTATION_WEEKS} weeks on {on}: update the pregnancy record; "
                    "pregnancy precautions still apply until it is updated",
                )
            )
        elif weeks < 0:
            out.append(
                Advisory(
                    code="pregnancy_recorded_later",
                    path="patient.pregnancy.recorded_on",
                    message=f"the pregnancy was recorded after the screening date {on}: "
                    "its gestational age on that date is unknown",
                )
            )
    return tuple(out)


@attrs.frozen(kw_only=True, slots=True, repr=False)
class ScreeningContext:
    """Everything a rule may look at, frozen.

    New fields may be added in later versions without breaking rules, since rules
    receive this one object. Derived facts are computed once, so each rule need not
    recompute them.

    Attributes:
        patient: The patient.
        plan: The treatment plan.
        on: The date of screening.
        session: The session being screened, if any.
        practitioner: The treating practitioner, if known (certifications).
        modalities: The modalities known to the registry, by code.
        policy: The classification policy and thresholds.
        conditions: Every coded condition the case knows, deduplicated (derived):
            the patient's active conditions, the plan's diagnoses and its
            referral's diagnoses (a diagnosis is taken as an active condition).
        origins: For each of *conditions*, in the same order, the paths it was
            found at (``"patient.conditions[0]"``, ``"plan.diagnoses[1]"``,
            ``"plan.referral.diagnoses[0]"``) (derived).
        icd10cm: The dotted ICD-10-CM codes of *conditions*, in the same order (``None``
            for a condition coded in another system) (derived).
        advisories: What the context noticed about its own inputs: a screening
            date outside the plan's dates, a pregnancy record that cannot be
            projected to the screening date (derived).
        medication_classes: The classes of the patient's active medications (derived).
        modality_codes: The modalities the plan and the session use (derived).
        modality_tags: The contraindication tags of those modalities (derived).
        unknown_modalities: Modalities used that *modalities* does not know (derived).
        required_certifications: Certifications those modalities require (derived).
    """

    patient: Patient
    plan: TreatmentPlan
    on: dt.date
    session: Session | None = None
    practitioner: Practitioner | None = None
    modalities: Mapping[str, Modality] = attrs.field(factory=dict, eq=False)
    policy: Policy = attrs.field(factory=default_policy)
    conditions: tuple[Condition, ...] = attrs.field(init=False)
    origins: tuple[tuple[str, ...], ...] = attrs.field(init=False)
    icd10cm: tuple[str | None, ...] = attrs.field(init=False)
    medication_classes: frozenset[MedicationClass] = attrs.field(init=False)
    modality_codes: frozenset[str] = attrs.field(init=False)
    modality_tags: frozenset[str] = attrs.field(init=False)
    unknown_modalities: frozenset[str] = attrs.field(init=False)
    required_certifications: frozenset[str] = attrs.field(init=False)
    advisories: tuple[Advisory, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        me: Any = self  # fields are checked at run time, whatever their annotations say
        if not (
            type(me.patient) is Patient
            and type(me.plan) is TreatmentPlan
            and type(me.on) is dt.date
            and (me.session is None or type(me.session) is Session)
            and me.practitioner is None
            and type(me.policy) is Policy
        ):
            self._check_types()
        conditions, origins = _case_conditions(self.patient, self.plan)
        setter = object.__setattr__
        setter(self, "conditions", conditions)
        setter(self, "origins", origins)
        setter(
            self,
            "icd10cm",
            tuple(c.code.code if c.code.system == ICD10CM else None for c in conditions),
        )
        setter(
            self,
            "medication_classes",
            frozenset(k for m in self.patient.medications if m.active for k in m.classes),
        )
        codes, tags, unknown, certs = _modality_facts(self.plan, self.session, self.modalities)
        setter(self, "modality_codes", codes)
        setter(self, "modality_tags", tags)
        setter(self, "unknown_modalities", unknown)
        setter(self, "required_certifications", certs)
        setter(self, "advisories", _context_advisories(self.patient, self.plan, self.on))

    def _check_types(self) -> None:
        p: list[Problem] = []
        kinds: tuple[tuple[str, type, bool], ...] = (
            ("patient", Patient, False),
            ("plan", TreatmentPlan, False),
            ("session", Session, True),
            ("practitioner", Practitioner, True),
            ("policy", Policy, False),
        )
        for name, kind, optional in kinds:
            value = _field(self, name)
            if not (isinstance(value, kind) or (optional and value is None)):
                p.append(Problem(name, f"expected a {kind.__name__}", "type"))
        if type(_field(self, "on")) is not dt.date:
            p.append(Problem("on", "expected a date", "type"))
        if p:
            raise ValidationError(p, "ScreeningContext")

    def __repr__(self) -> str:
        return f"ScreeningContext(patient={self.patient!r}, plan={self.plan.id!r}, on={self.on})"

    def matching(self, codes: CodeSet) -> Iterator[Condition]:
        """Yield the conditions (history, plan, referral) whose ICD-10-CM code is in *codes*."""
        if type(codes) is CodeSet:  # the category test first: most codes fail it
            categories = codes.categories
            for condition, code in zip(self.conditions, self.icd10cm, strict=True):
                if code is not None and code[:3] in categories and codes.matches(code):
                    yield condition
            return
        for condition, code in zip(self.conditions, self.icd10cm, strict=True):
            if code is not None and codes.matches(code):
                yield condition

    def origin(self, condition: Condition) -> tuple[str, ...]:
        """The paths where *condition* (one of `conditions`) was found in the case."""
        for known, where in zip(self.conditions, self.origins, strict=True):
            if known is condition or known == condition:
                return where
        return ()

    def evidence(self, condition: Condition) -> str:
        """The evidence text of a finding triggered by *condition*.

        The code and where it came from, e.g.
        ``"ICD-10-CM I82.401 (plan.diagnoses[0])"``. Rules (plugins too) should
        use it so every finding names where its evidence came from.
        """
        code = condition.code
        system = "ICD-10-CM" if code.system == ICD10CM else code.system
        where = self.origin(condition)
        return f"{system} {code.code}" + (f" ({', '.join(where)})" if where else "")

    def uses(self, *, modality: str | None = None, tag: str | None = None) -> bool:
        """Whether the plan or session uses modality *modality*, or one tagged *tag*."""
        if modality is not None and modality in self.modality_codes:
            return True
        return tag is not None and tag in self.modality_tags

    def works_on(self, region: BodyRegion, laterality: Laterality | None = None) -> bool:
        """Whether a planned technique or session segment touches *region* (side)."""
        for t in self.plan.techniques:
            if regions_overlap(region, laterality, t.region, t.laterality):
                return True
        if self.session is not None:
            for s in self.session.segments:
                if regions_overlap(region, laterality, s.region, s.laterality):
                    return True
        return False

    def modality_tags_of(self, code: str) -> frozenset[str]:
        """The contraindication tags of modality *code* (empty if unknown)."""
        modality = self.modalities.get(code)
        return modality.contraindication_tags if modality is not None else frozenset()
