"""Import a FHIR R4 Bundle back into medmassage records: `import_bundle`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, TypeVar

import attrs

from ..cases import Case
from ..diagnosis import Diagnosis, Referral
from ..exceptions import Problem, ValidationError
from ..patient import Patient
from ..plans import TreatmentPlan
from ..practitioners import Practitioner
from ..serialization import SCHEMA_VERSION, from_dict
from ..sessions import Session
from ._read import (
    READERS,
    Fields,
    Note,
    carried,
    condition_kind,
    get,
    invalid,
    items,
    loads,
    not_listed,
    obj,
    resolver,
    text,
)

T = TypeVar("T")

#: Resource types a bundle may hold that are not records of a case.
_DERIVED: Final = {
    "DetectedIssue": "a screening finding: medmassage screens the imported case itself",
    "OperationOutcome": "the sending system's report of what it could not export",
}


@attrs.frozen(kw_only=True)
class ImportResult:
    """What `import_bundle` read from a FHIR Bundle, and what it could not map.

    Attributes:
        case: The whole case, when the bundle holds a patient, a plan (CarePlan)
            and records that make a valid case; else ``None``.
        patient: The patient (with the history's conditions), if one could be built.
        plan: The treatment plan, if the bundle has a CarePlan that could be built.
        practitioners: The practitioners the bundle lists.
        sessions: The sessions (one per Encounter that could be built).
        diagnoses: Encounter diagnoses that no plan or referral of the bundle holds.
        referrals: Referrals (ServiceRequests) that no plan of the bundle answers.
        not_mapped: Every element, resource or record that was not imported, as a
            `~medmassage.exceptions.Problem` whose path is the FHIR path
            (``Bundle.entry[3].resource.code.coding[1]``) and whose message says
            why. Empty for a bundle `case_export` wrote with identity and notes.
    """

    case: Case | None = None
    patient: Patient | None = None
    plan: TreatmentPlan | None = None
    practitioners: tuple[Practitioner, ...] = ()
    sessions: tuple[Session, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    referrals: tuple[Referral, ...] = ()
    not_mapped: tuple[Problem, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether everything in the bundle was imported."""
        return not self.not_mapped


@attrs.define
class _Bundle:
    """The entries of a bundle, each read once."""

    resources: list[dict[str, object]]
    paths: list[str]
    fields: dict[int, Fields]
    notes: list[Note]
    resolve: Callable[[object], tuple[int, dict[str, object]] | None]
    kinds: dict[str, list[int]]

    def ref(self, r: Mapping[str, object], key: str, path: str, kind: str) -> int | None:
        """The entry index of the *kind* resource ``r[key]`` refers to, else a note."""
        reference = obj(r, key, path).get("reference")
        if reference is None:
            return None
        found = self.resolve(reference)
        if found is None or found[1].get("resourceType") != kind:
            self.notes.append(
                Note(f"{path}.{key}", f"reference to a {kind} not in the bundle", "reference")
            )
            return None
        return found[0]

    def refs(self, r: Mapping[str, object], key: str, path: str, kind: str) -> list[int]:
        """The entry indices of the *kind* resources the array ``r[key]`` refers to."""
        out = []
        for i, _ in enumerate(items(r, key, path)):
            found = self.ref({"x": r[key][i]}, "x", f"{path}.{key}[{i}]", kind)  # type: ignore[index]
            if found is not None:
                out.append(found)
        return out


def _parse(given: Mapping[str, object] | str | bytes) -> Mapping[str, object]:
    bundle: object = given
    if isinstance(given, (str, bytes)):
        bundle = loads(given)  # a ValidationError says where the JSON is broken
    if not isinstance(bundle, Mapping):
        raise invalid("Bundle", "a JSON object")
    if bundle.get("resourceType") != "Bundle":
        raise invalid("Bundle.resourceType", "'Bundle'")
    return bundle


def _read(bundle: Mapping[str, object]) -> _Bundle:
    pairs: list[tuple[str, dict[str, object]]] = []
    paths: list[str] = []
    notes: list[Note] = []
    for where, entry in items(bundle, "entry", "Bundle"):
        resource = get(entry, "resource", dict, where)
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise invalid(f"{where}.resource", "a resource with a resourceType")
        pairs.append((text(entry, "fullUrl", where) or "", resource))
        paths.append(f"{where}.resource")
    read = _Bundle([r for _, r in pairs], paths, {}, notes, resolver(pairs), {})
    for i, (resource, path) in enumerate(zip(read.resources, paths, strict=True)):
        kind = str(resource["resourceType"])
        read.kinds.setdefault(kind, []).append(i)
        reader = READERS.get(kind)
        if kind in ("QuestionnaireResponse", "PractitionerRole"):
            continue  # read through the Observation, Condition or ServiceRequest using it
        if reader is None:
            reason = _DERIVED.get(kind, "resource type not mapped")
            notes.append(Note(path, reason, "derived" if kind in _DERIVED else "unknown_resource"))
            continue
        if not isinstance(resource.get("id"), str):
            raise invalid(f"{path}.id", "an id")
        own: list[Note] = []
        try:
            fields = reader(resource, path, read.resolve, own)
        except ValidationError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError):  # a value of an unexpected shape
            raise invalid(path, f"a {kind} resource of FHIR R4's shape") from None
        extra = carried(resource, path)
        fields.update(extra)
        notes.extend(n for n in own if n.field not in extra)
        read.fields[i] = fields
    return read


def _of(read: _Bundle, kind: str) -> list[int]:
    """The entries of resources of *kind*, in bundle order."""
    return read.kinds.get(kind, [])


@attrs.define
class _Links:
    """Which entries belong to which: the assembly plan of a bundle."""

    patient: int | None
    conditions: list[int]
    flags: list[int]
    practitioners: list[int]
    plan: int | None
    plan_diagnoses: list[int]
    goals: list[int]
    referral: int | None
    referral_diagnoses: dict[int, list[int]]
    encounters: list[int]
    children: dict[int, dict[str, list[int]]]
    signatures: dict[int, int]


def _link(read: _Bundle) -> _Links:
    notes, res, paths = read.notes, read.resources, read.paths
    patients = _of(read, "Patient")
    for extra in patients[1:]:
        notes.append(Note(paths[extra], "only one patient per bundle is imported", "extra"))
    patient = patients[0] if patients else None
    conditions, diagnoses = [], []
    for i in _of(read, "Condition"):
        if condition_kind(res[i], paths[i]) == "encounter-diagnosis":
            diagnoses.append(i)
        elif patient is not None and read.ref(res[i], "subject", paths[i], "Patient") == patient:
            conditions.append(i)
        else:
            notes.append(Note(paths[i], "a condition of no patient in the bundle", "reference"))
    flags = []
    for i in _of(read, "Flag"):
        if read.fields[i]["flag"] is None:
            continue
        if patient is not None and read.ref(res[i], "subject", paths[i], "Patient") == patient:
            flags.append(i)
        else:
            notes.append(Note(paths[i], "a flag of no patient in the bundle", "reference"))
    practitioners = [i for i in _of(read, "Practitioner") if not not_listed(res[i], paths[i])]
    plans = _of(read, "CarePlan")
    for extra in plans[1:]:
        notes.append(Note(paths[extra], "only one plan per bundle is imported", "extra"))
    plan = plans[0] if plans else None
    plan_diagnoses: list[int] = []
    goals: list[int] = []
    referral = None
    if plan is not None:
        r, p = res[plan], paths[plan]
        plan_diagnoses = read.refs(r, "addresses", p, "Condition")
        goals = read.refs(r, "goal", p, "Goal")
        supporting = read.refs(r, "supportingInfo", p, "ServiceRequest")
        referral = supporting[0] if supporting else None
    referral_diagnoses = {
        i: read.refs(res[i], "reasonReference", paths[i], "Condition")
        for i in _of(read, "ServiceRequest")
    }
    answered = {
        found[0]
        for i in _of(read, "Observation")
        for _, ref in items(res[i], "derivedFrom", paths[i])
        if (found := read.resolve(ref.get("reference"))) is not None
    }
    for i in _of(read, "QuestionnaireResponse"):
        if i not in answered:
            notes.append(
                Note(paths[i], "not the responses of an Observation in the bundle", "reference")
            )
    roles = {
        found[0]
        for i in (*_of(read, "Condition"), *_of(read, "ServiceRequest"))
        for key in ("asserter", "requester")
        if (found := read.resolve(obj(res[i], key, paths[i]).get("reference"))) is not None
    }
    for i in _of(read, "PractitionerRole"):
        if i not in roles:
            notes.append(
                Note(paths[i], "not the role of a diagnosing or referring provider", "reference")
            )
    encounters = _of(read, "Encounter")
    signatures: dict[int, int] = {}
    for i in _of(read, "Provenance"):
        target = read.fields[i]["encounter"]
        if isinstance(target, int) and read.fields[i]["signature"] is None:
            if not read.fields.get(target, {}).get("amendments"):
                message = "an amendment without the session as it was (include_notes) not mapped"
                notes.append(Note(paths[i], message, "not_mapped"))
        elif isinstance(target, int):
            if target in signatures:
                notes.append(Note(paths[i], "only one signature per session", "extra"))
            else:
                signatures[target] = i
    children: dict[int, dict[str, list[int]]] = {
        i: {"segments": [], "outcomes": [], "adverse_reactions": []} for i in encounters
    }
    for kind, key in (
        ("Procedure", "segments"),
        ("Observation", "outcomes"),
        ("AdverseEvent", "adverse_reactions"),
    ):
        for i in _of(read, kind):
            encounter = read.ref(res[i], "encounter", paths[i], "Encounter")
            if encounter is None or encounter not in children:
                notes.append(Note(paths[i], "not part of an encounter in the bundle", "reference"))
            else:
                children[encounter][key].append(i)
    return _Links(
        patient,
        conditions,
        flags,
        practitioners,
        plan,
        plan_diagnoses,
        goals,
        referral,
        referral_diagnoses,
        encounters,
        children,
        signatures,
    )


#: A document in medmassage's JSON form and where each record in it came from
#: (its path in the document to its entry's index).
_Assembled = tuple[Fields, dict[str, int]]


def _record(read: _Bundle, i: int, path: str, places: dict[str, int]) -> Fields:
    places[path] = i
    return dict(read.fields[i])


def _list(
    read: _Bundle, indices: list[int], path: str, places: dict[str, int], skip: set[int]
) -> list[Fields]:
    kept = [i for i in indices if i not in skip]
    return [_record(read, i, f"{path}[{n}]", places) for n, i in enumerate(kept)]


def _patient(
    read: _Bundle, links: _Links, skip: set[int], at: str, places: dict[str, int]
) -> Fields:
    assert links.patient is not None
    out = _record(read, links.patient, at, places)
    out["conditions"] = _list(
        read, links.conditions, f"{at}.conditions" if at else "conditions", places, skip
    )
    kept = [i for i in links.flags if i not in skip]
    dot = f"{at}." if at else ""
    for n, i in enumerate(kept):
        places[f"{dot}flags[{n}]"] = i
    out["flags"] = [read.fields[i]["flag"] for i in kept]
    return out


def _referral(
    read: _Bundle, links: _Links, i: int, skip: set[int], at: str, places: dict[str, int]
) -> Fields:
    out = _record(read, i, at, places)
    prefix = f"{at}.diagnoses" if at else "diagnoses"
    out["diagnoses"] = _list(read, links.referral_diagnoses.get(i, []), prefix, places, skip)
    return out


def _plan(read: _Bundle, links: _Links, skip: set[int], at: str, places: dict[str, int]) -> Fields:
    assert links.plan is not None
    out = _record(read, links.plan, at, places)
    dot = f"{at}." if at else ""
    out["diagnoses"] = _list(read, links.plan_diagnoses, f"{dot}diagnoses", places, skip)
    out["goals"] = _list(read, links.goals, f"{dot}goals", places, skip)
    if links.referral is not None and links.referral not in skip:
        out["referral"] = _referral(read, links, links.referral, skip, f"{dot}referral", places)
    return out


def _session(
    read: _Bundle, links: _Links, i: int, skip: set[int], at: str, places: dict[str, int]
) -> Fields:
    out = _record(read, i, at, places)
    dot = f"{at}." if at else ""
    for key, indices in links.children[i].items():
        out[key] = _list(read, indices, f"{dot}{key}", places, skip)
    signed = links.signatures.get(i)
    if signed is not None and signed not in skip:
        places[f"{dot}signature"] = signed
        out["signature"] = read.fields[signed]["signature"]
    return out


def _build(
    model: type[T],
    assemble: Callable[[set[int]], _Assembled],
    read: _Bundle,
    fixed: frozenset[str] = frozenset(),
) -> tuple[T | None, list[Note]]:
    """Build *model* from the document *assemble* makes, leaving out records that fail.

    A problem inside a record another holds (a session's segment, a plan's goal)
    leaves that record's entry out, and the document is assembled again; a problem
    of the document itself (path ``""``) or of a record in *fixed* gives ``None``.
    Returns the notes of every problem found.
    """
    skip: set[int] = set()
    notes: list[Note] = []
    while True:
        data, places = assemble(skip)
        try:
            return from_dict(model, {"schema_version": SCHEMA_VERSION, **data}), notes
        except ValidationError as exc:
            failed = False
            for problem in exc.problems:
                place = max((p for p in places if _under(problem.path, p)), key=len, default="")
                index = places.get(place)
                rest = problem.path[len(place) :].lstrip(".") or "<record>"
                where = read.paths[index] if index is not None else "Bundle"
                notes.append(Note(where, f"not imported: {rest}: {problem.message}", problem.code))
                if place == "" or place in fixed or index is None or index in skip:
                    failed = True
                else:
                    skip.add(index)
            if failed:
                return None, notes


def _under(path: str, place: str) -> bool:
    return not place or path == place or path.startswith((place + ".", place + "["))


def import_bundle(bundle: Mapping[str, object] | str | bytes) -> ImportResult:
    """Import a FHIR R4 Bundle (a ``collection`` or ``transaction``): its records and a report.

    Each resource is mapped to the medmassage record it stands for (Patient,
    Practitioner, Condition, ServiceRequest, Goal, CarePlan, Encounter,
    Procedure, Observation, AdverseEvent; see ``docs/concepts/fhir.md``), with
    the fields of medmassage's `FIELDS_URL` extension laid over what the FHIR
    elements say: the bundle `case_export` writes (with identity and notes)
    imports as a case equal to the one exported. From a bundle another system
    wrote, what maps is imported and the rest is reported in
    `ImportResult.not_mapped`, each with its FHIR path: unknown resource types,
    elements and extensions, codings not used, references that do not resolve,
    and records that do not make a valid medmassage record (a session whose
    segment is invalid is imported without that segment).

    Args:
        bundle: The Bundle, parsed (``json.load``'s result) or as JSON text.

    Raises:
        ValidationError: If *bundle* is not FHIR a Bundle of this shape: a
            problem names the FHIR path (``Bundle.entry[2].resource.period``) and
            what was expected.

    .. versionadded:: 0.2.0
    """
    read = _read(_parse(bundle))
    links = _link(read)
    notes = read.notes
    kept_patient: Patient | None = None
    plan: TreatmentPlan | None = None
    case: Case | None = None
    if links.plan is not None and links.patient is not None:

        def assemble_case(skip: set[int]) -> _Assembled:
            places: dict[str, int] = {}
            data: Fields = {
                "patient": _patient(read, links, skip, "patient", places),
                "plan": _plan(read, links, skip, "plan", places),
                "practitioners": _list(read, links.practitioners, "practitioners", places, skip),
                "sessions": [
                    _session(read, links, i, skip, f"sessions[{n}]", places)
                    for n, i in enumerate(e for e in links.encounters if e not in skip)
                ],
            }
            return data, places

        # A problem of the patient or the plan themselves fails the case.
        case, case_notes = _build(Case, assemble_case, read, frozenset({"patient", "plan"}))
        if case is not None:
            notes.extend(case_notes)
            return _result(case, read, links, notes)
    result_notes: list[Note] = []
    if links.patient is not None:
        kept_patient, found = _build(
            Patient, lambda skip: _one(lambda p: _patient(read, links, skip, "", p)), read
        )
        result_notes.extend(found)
    if links.plan is not None:
        plan, found = _build(
            TreatmentPlan, lambda skip: _one(lambda p: _plan(read, links, skip, "", p)), read
        )
        result_notes.extend(found)
        if links.patient is not None and kept_patient is not None and plan is not None:
            result_notes.append(
                Note(
                    read.paths[links.plan],
                    "no case: its records do not make a valid case",
                    "no_case",
                )
            )
    practitioners = _each(
        Practitioner,
        links.practitioners,
        read,
        result_notes,
        lambda i, _, p: _record(read, i, "", p),
    )
    sessions = _each(
        Session,
        links.encounters,
        read,
        result_notes,
        lambda i, skip, p: _session(read, links, i, skip, "", p),
    )
    notes.extend(result_notes)
    diagnoses, referrals = _loose(read, links, notes)
    return ImportResult(
        patient=kept_patient,
        plan=plan,
        practitioners=practitioners,
        sessions=sessions,
        diagnoses=diagnoses,
        referrals=referrals,
        not_mapped=_report(notes),
    )


def _one(make: Callable[[dict[str, int]], Fields]) -> _Assembled:
    places: dict[str, int] = {}
    return make(places), places


def _each(
    model: type[T],
    indices: list[int],
    read: _Bundle,
    notes: list[Note],
    make: Callable[[int, set[int], dict[str, int]], Fields],
    built_indices: set[int] | None = None,
) -> tuple[T, ...]:
    out = []
    for i in indices:

        def assemble(skip: set[int], i: int = i) -> _Assembled:
            places: dict[str, int] = {}
            return make(i, skip, places), places

        built, found = _build(model, assemble, read)
        notes.extend(found)
        if built is not None:
            out.append(built)
            if built_indices is not None:
                built_indices.add(i)
    return tuple(out)


def _loose(
    read: _Bundle, links: _Links, notes: list[Note]
) -> tuple[tuple[Diagnosis, ...], tuple[Referral, ...]]:
    """The referrals no plan answers, and the diagnoses no plan or built referral holds."""
    loose = [i for i in links.referral_diagnoses if i != links.referral or links.plan is None]
    built: set[int] = set()
    referrals = _each(
        Referral,
        loose,
        read,
        notes,
        lambda i, skip, p: _referral(read, links, i, skip, "", p),
        built,
    )
    held = set(links.plan_diagnoses)
    for i, indices in links.referral_diagnoses.items():
        if i in built or i == links.referral:
            held.update(indices)
    free = [
        i
        for i in _of(read, "Condition")
        if i not in held
        and condition_kind(read.resources[i], read.paths[i]) == "encounter-diagnosis"
    ]
    diagnoses = _each(Diagnosis, free, read, notes, lambda i, _, p: _record(read, i, "", p))
    return diagnoses, referrals


def _entry(note: Note) -> int:
    head = note.path.partition("]")[0]
    number = head.rpartition("[")[2]
    return int(number) if number.isdigit() else -1


def _report(notes: list[Note]) -> tuple[Problem, ...]:
    """The notes as problems, in the order of the entries they are about."""
    return tuple(n.problem() for n in sorted(notes, key=_entry))


def _result(case: Case, read: _Bundle, links: _Links, notes: list[Note]) -> ImportResult:
    diagnoses, referrals = _loose(read, links, notes)
    return ImportResult(
        case=case,
        patient=case.patient,
        plan=case.plan,
        practitioners=case.practitioners,
        sessions=case.sessions,
        diagnoses=diagnoses,
        referrals=referrals,
        not_mapped=_report(notes),
    )
