"""Reading FHIR resources back into medmassage's JSON form, one resource at a time.

Each reader maps the FHIR elements of one resource to the fields of one
medmassage record, in the record's JSON form (`medmassage.to_dict`'s), and
notes each element it could not map, with its FHIR path. Records that other
resources hold (a plan's goals, a session's segments) are assembled by
``_import``. The same readers tell the export which fields FHIR elements do
not carry exactly, so that they go into the `FIELDS_URL` extension.

Every value read is type-checked: malformed FHIR raises a
`~medmassage.ValidationError` whose problem names the FHIR path.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Final

import attrs

from ..anatomy import BodyRegion, Laterality
from ..codes import ICD10CM, SNOMED_CT
from ..exceptions import Problem, ValidationError
from ..serialization._limits import MAX_DEPTH, MAX_DOCUMENT_SIZE
from ..serialization._text import parse
from ._common import (
    _AE_OUTCOME,
    _AE_SEVERITY,
    _CATEGORY,
    _CLINICAL,
    _GOAL_STATUS,
    _LATERALITY_ATTRIBUTE,
    _NPI,
    _PLAN_STATUS,
    BODY_SITE_URL,
    DISCOMFORT_URL,
    DURATION_URL,
    EXTENSION_BASE,
    FEEDBACK_URL,
    FIELDS_URL,
    INSTRUMENT_SYSTEM,
    MODALITY_SYSTEM,
    NOT_LISTED_URL,
    ORIGINAL_OFFSET_URL,
    PRESSURE_URL,
    PROFESSION_SYSTEM,
    PROVIDER_ROLE_SYSTEM,
    REACTION_SYSTEM,
    RISK_FLAG_SYSTEM,
    SESSION_STATUS_URL,
    TIME_ZONE_URL,
    WALTON_GRADE_URL,
    Resource,
)

#: The largest bundle read: a FHIR bundle takes about four times the bytes of the
#: medmassage document it carries, so four times the documents' limit.
MAX_BUNDLE_SIZE: Final = 4 * MAX_DOCUMENT_SIZE


def loads(text: str | bytes) -> object:
    """Parse JSON text as every medmassage reader does (one parser for all).

    The size and nesting limits are checked first (a bundle within
    `MAX_BUNDLE_SIZE` and `MAX_DEPTH`), msgspec parses it when installed (the
    ``fast`` and ``fhir`` extras), and a failure is a `ValidationError` with the
    line and column, never a bare ``RecursionError``.
    """
    return parse(text, "FHIR Bundle", MAX_BUNDLE_SIZE, MAX_DEPTH)


#: A record's fields in medmassage's JSON form.
Fields = dict[str, object]
#: Finds the entry a reference points at: (its index, its resource), or None.
Resolve = Callable[[object], "tuple[int, Resource] | None"]

_REGIONS: Final = {r.snomed: r.value for r in reversed(BodyRegion)}
_SIDES: Final = {s.snomed: s.value for s in Laterality}
_PLAN_STATUSES: Final = {v: k.value for k, v in _PLAN_STATUS.items()}
_GOAL_STATUSES: Final = {v: k.value for k, v in _GOAL_STATUS.items()}
_UNITS: Final = {"kPa": "kPa", "mm[Hg]": "mmHg", "min": "min", "h": "h", "s": "s"}
_DATETIME: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_OFFSET: Final = re.compile(r"([+-])(\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?")
#: Elements every resource may carry that say nothing a record holds.
_ALWAYS: Final = frozenset({"resourceType", "id", "meta", "text", "extension", "language"})


@attrs.define(slots=True)
class Note:
    """An element not mapped: its path, why, a problem code and the field it would feed."""

    path: str
    message: str
    code: str
    field: str = ""

    def problem(self) -> Problem:
        """This note as a `Problem`."""
        return Problem(self.path, self.message, self.code)


def invalid(path: str, expected: str) -> ValidationError:
    """The error of malformed FHIR at *path*."""
    return ValidationError([Problem(path, f"expected {expected}", "fhir")], "FHIR Bundle")


def get(obj: Mapping[str, object], key: str, kind: type, path: str) -> object:
    """``obj[key]`` checked to be a *kind* (``None`` if absent)."""
    value = obj.get(key)
    if value is None or (type(value) is kind and kind is not float):
        return value
    if kind is float:
        if type(value) not in (int, float):
            raise invalid(f"{path}.{key}", "a number")
    elif not isinstance(value, kind) or (kind is int and type(value) is bool):
        names = {str: "a string", dict: "a JSON object", list: "an array", int: "an integer"}
        raise invalid(f"{path}.{key}", names.get(kind, kind.__name__))
    return value


def text(obj: Mapping[str, object], key: str, path: str) -> str | None:
    """The string ``obj[key]``, if any."""
    value = obj.get(key)
    if value is None or type(value) is str:
        return value
    raise invalid(f"{path}.{key}", "a string")


def obj(obj: Mapping[str, object], key: str, path: str) -> dict[str, object]:
    """The object ``obj[key]`` (empty if absent)."""
    value = obj.get(key)
    if type(value) is dict:
        return value
    if value is None:
        return {}
    raise invalid(f"{path}.{key}", "a JSON object")


def items(obj: Mapping[str, object], key: str, path: str) -> list[tuple[str, dict[str, object]]]:
    """The objects of the array ``obj[key]``, each with its path."""
    value = obj.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise invalid(f"{path}.{key}", "an array")
    out = []
    for i, item in enumerate(value):
        if type(item) is not dict:
            raise invalid(f"{path}.{key}[{i}]", "a JSON object")
        out.append((f"{path}.{key}[{i}]", item))
    return out


def number(obj: Mapping[str, object], key: str, path: str) -> int | float | None:
    """The number ``obj[key]``, if any."""
    value = get(obj, key, float, path)
    return value if isinstance(value, (int, float)) else None


def coding(concept: Mapping[str, object], system: str, path: str) -> tuple[str, str] | None:
    """(path, code) of the first coding of *concept* in *system*."""
    for where, c in items(concept, "coding", path):
        code = text(c, "code", where)
        if text(c, "system", where) == system and code is not None:
            return where, code
    return None


def code_in(concept: Mapping[str, object], system: str, path: str) -> str | None:
    """The code of the first coding of *concept* in *system*."""
    found = coding(concept, system, path)
    return None if found is None else found[1]


def fhir_date(value: str | None) -> str | None:
    """The date of a FHIR ``date`` or ``dateTime`` (``None`` if partial)."""
    if value is None or _DATE.match(value) is None:
        return None
    return value[:10]


def fhir_datetime(resource: Mapping[str, object], key: str, path: str) -> str | None:
    """The date-time ``resource[key]`` in medmassage's JSON form (``None`` if partial).

    The original offset and zone of a time written in UTC (`ORIGINAL_OFFSET_URL`,
    `TIME_ZONE_URL` on ``_key``) are restored.
    """
    value = text(resource, key, path)
    if value is None or _DATETIME.fullmatch(value) is None:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        raise invalid(f"{path}.{key}", "a FHIR dateTime") from None
    zone = offset = None
    for where, ext in items(obj(resource, "_" + key, path), "extension", f"{path}._{key}"):
        url = text(ext, "url", where)
        if url == TIME_ZONE_URL:
            zone = text(ext, "valueCode", where)
        elif url == ORIGINAL_OFFSET_URL:
            offset = text(ext, "valueString", where)
    try:
        if zone is not None:
            tz = zoneinfo.ZoneInfo(zone)
            return stamp.astimezone(tz).isoformat() + f"[{zone}]"
        if offset is not None and (match := _OFFSET.fullmatch(offset)) is not None:
            sign, hh, mm, ss, us = match.groups()
            delta = dt.timedelta(
                hours=int(hh), minutes=int(mm), seconds=int(ss), microseconds=int(us or 0)
            )
            return stamp.astimezone(dt.timezone(-delta if sign == "-" else delta)).isoformat()
    except (ValueError, OverflowError, zoneinfo.ZoneInfoNotFoundError):
        raise invalid(f"{path}._{key}", "a known time zone and offset") from None
    return stamp.isoformat()


def body_site(concept: Mapping[str, object], path: str) -> tuple[str | None, str | None]:
    """(region, laterality) of a SNOMED CT body-site concept, as medmassage values."""
    region = side = None
    for where, c in items(concept, "coding", path):
        code = text(c, "code", where)
        if text(c, "system", where) != SNOMED_CT or code is None:
            continue
        head, _, rest = code.partition(":")
        if region is None:
            region = _REGIONS.get(head)
        if rest.startswith(_LATERALITY_ATTRIBUTE + "="):
            side = _SIDES.get(rest.partition("=")[2])
    return region, side


def unknown(
    resource: Mapping[str, object], known: frozenset[str], path: str, notes: list[Note]
) -> None:
    """Note every element of *resource* outside *known* and every unknown extension."""
    for key in resource:
        if key not in known and key not in _ALWAYS and not key.startswith("_"):
            notes.append(Note(f"{path}.{key}", "element not mapped", "unknown_element"))
    for where, ext in items(resource, "extension", path):
        url = text(ext, "url", where)
        if url is None or not url.startswith(EXTENSION_BASE):
            notes.append(Note(where, "extension not mapped", "unknown_extension"))


def extensions(resource: Mapping[str, object], path: str) -> dict[str, dict[str, object]]:
    """The medmassage extensions of *resource*, by URL."""
    out = {}
    for where, ext in items(resource, "extension", path):
        url = text(ext, "url", where)
        if url is not None and url.startswith(EXTENSION_BASE):
            out[url] = ext
    return out


def carried(resource: Mapping[str, object], path: str) -> Fields:
    """The fields the `FIELDS_URL` extension of *resource* carries (empty if none)."""
    ext = extensions(resource, path).get(FIELDS_URL)
    if ext is None:
        return {}
    value = ext.get("valueString")
    try:
        data = loads(value) if isinstance(value, str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise invalid(f"{path}.extension", f"a JSON object in {FIELDS_URL}'s valueString")
    return data


def quantity(q: Mapping[str, object], path: str) -> Fields | None:
    """A UCUM quantity as medmassage's ``{"value", "unit"}``, if its unit is known."""
    value = number(q, "value", path)
    unit = _UNITS.get(text(q, "code", path) or "")
    if value is None or unit is None:
        return None
    return {"value": value, "unit": unit}


# -- one reader per resource type ------------------------------------------------------------


def read_patient(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Patient -> the fields of a `~medmassage.Patient` (without its conditions)."""
    unknown(r, frozenset({"gender", "birthDate", "name", "telecom", "address"}), path, notes)
    out: Fields = {"id": r.get("id"), "sex": text(r, "gender", path)}
    birth = fhir_date(text(r, "birthDate", path))
    if birth is not None:
        out["birth_date"] = birth
    names = items(r, "name", path)
    if names:
        where, name = names[0]
        family = text(name, "family", where)
        given = get(name, "given", list, where)
        out["name"] = {"family": family, "given": given or []}
        for extra, _ in names[1:]:
            notes.append(Note(extra, "only the first name is mapped", "not_mapped", "name"))
    contact: dict[str, object] = {"phone": None, "email": None, "address": None}
    for where, t in items(r, "telecom", path):
        system = text(t, "system", where)
        if system in ("phone", "email") and contact[system] is None:
            contact[system] = text(t, "value", where)
        else:
            notes.append(Note(where, "contact point not mapped", "not_mapped", "contact"))
    for i, (where, a) in enumerate(items(r, "address", path)):
        if i == 0 and text(a, "text", where) is not None:
            contact["address"] = text(a, "text", where)
        else:
            notes.append(Note(where, "only an address text is mapped", "not_mapped", "contact"))
    out["contact"] = contact if any(v is not None for v in contact.values()) else None
    return out


def read_practitioner(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Practitioner -> the fields of a `~medmassage.Practitioner`."""
    unknown(r, frozenset({"identifier", "name", "qualification"}), path, notes)
    out: Fields = {"id": r.get("id"), "name": None, "npi": None, "licenses": []}
    for where, ident in items(r, "identifier", path):
        if text(ident, "system", where) == _NPI and out["npi"] is None:
            out["npi"] = text(ident, "value", where)
        else:
            notes.append(Note(where, "identifier not mapped", "not_mapped", "npi"))
    names = items(r, "name", path)
    if names:
        where, name = names[0]
        given = get(name, "given", list, where)
        parts = [
            *(g for g in (given if isinstance(given, list) else []) if isinstance(g, str)),
            text(name, "family", where),
        ]
        out["name"] = text(name, "text", where) or " ".join(p for p in parts if p) or None
    licenses = []
    for where, q in items(r, "qualification", path):
        number_ = next((text(i, "value", w) for w, i in items(q, "identifier", where)), None)
        expires = fhir_date(text(obj(q, "period", where), "end", f"{where}.period"))
        if number_ is None or expires is None:
            notes.append(
                Note(where, "a licence needs a number and an expiry date", "not_mapped", "licenses")
            )
            continue
        ident = items(q, "identifier", where)[0][1]
        assigner = obj(ident, "assigner", where)
        licenses.append(
            {
                "number": number_,
                "jurisdiction": text(assigner, "display", where) or "",
                "expires_on": expires,
                "profession": code_in(obj(q, "code", where), PROFESSION_SYSTEM, where)
                or "massage_therapist",
            }
        )
    out["licenses"] = licenses
    return out


def _provider(
    ref: Mapping[str, object], path: str, resolve: Resolve, notes: list[Note], field: str
) -> Fields:
    """A diagnosing or referring provider: name and NPI from the reference (or its target)."""
    ident = obj(ref, "identifier", path)
    npi = text(ident, "value", path) if text(ident, "system", path) == _NPI else None
    name = text(ref, "display", path)
    found = resolve(ref.get("reference"))
    role = None
    if found is not None and found[1].get("resourceType") == "PractitionerRole":
        where = f"Bundle.entry[{found[0]}].resource"
        for at, concept in items(found[1], "code", where):
            role = role or code_in(concept, PROVIDER_ROLE_SYSTEM, at)
        found = resolve(obj(found[1], "practitioner", where).get("reference"))
    if found is not None and found[1].get("resourceType") == "Practitioner":
        target = read_practitioner(found[1], "", resolve, [])
        name = name or (target["name"] if isinstance(target["name"], str) else None)
        npi = npi or (target["npi"] if isinstance(target["npi"], str) else None)
    if role is None:
        message = "the provider's profession (a PractitionerRole code) is not known: not mapped"
        notes.append(Note(path, message, "not_mapped", field))
    out: Fields = {"name": name, "npi": npi}
    if role is not None:
        out["role"] = role
    return out


def condition_kind(r: Resource, path: str) -> str:
    """``encounter-diagnosis`` or ``problem-list-item`` (the default) of a Condition."""
    for where, category in items(r, "category", path):
        if code_in(category, _CATEGORY, where) == "encounter-diagnosis":
            return "encounter-diagnosis"
    return "problem-list-item"


def _code(r: Resource, path: str, notes: list[Note], field: str, icd_only: bool) -> Fields | None:
    codings = items(obj(r, "code", path), "coding", f"{path}.code")
    chosen = None
    for where, c in codings:
        if text(c, "system", where) == ICD10CM:
            chosen = (where, c)
            break
    if chosen is None and codings and not icd_only:
        chosen = codings[0]
    for where, _ in codings:
        if chosen is None or where != chosen[0]:
            notes.append(Note(where, "only one coding is mapped", "not_mapped", field))
    if chosen is None:
        notes.append(Note(f"{path}.code", "expected an ICD-10-CM coding", "not_mapped", field))
        return None
    where, c = chosen
    return {
        "system": text(c, "system", where),
        "code": text(c, "code", where),
        "display": text(c, "display", where),
    }


def read_condition(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Condition -> a `~medmassage.Diagnosis` or a history `~medmassage.patient.Condition`."""
    diagnosis = condition_kind(r, path) == "encounter-diagnosis"
    known = {"clinicalStatus", "category", "code", "subject", "bodySite", "onsetDateTime"}
    known |= {"recordedDate", "asserter"} if diagnosis else {"note"}
    unknown(r, frozenset(known), path, notes)
    code = _code(r, path, notes, "coding" if diagnosis else "code", diagnosis)
    sites = items(r, "bodySite", path)
    region, side = body_site(sites[0][1], sites[0][0]) if sites else (None, None)
    onset = fhir_date(text(r, "onsetDateTime", path))
    if diagnosis:
        asserter = obj(r, "asserter", path)
        provider = None
        if asserter:
            provider = _provider(asserter, f"{path}.asserter", resolve, notes, "diagnosed_by")
        return {
            "coding": code,
            "region": region,
            "laterality": side,
            "onset": onset,
            "diagnosed_by": provider,
            "diagnosed_on": fhir_date(text(r, "recordedDate", path)),
        }
    status = code_in(obj(r, "clinicalStatus", path), _CLINICAL, f"{path}.clinicalStatus")
    notes_ = items(r, "note", path)
    return {
        "code": code,
        "status": status or "active",
        "onset": onset,
        "region": region,
        "laterality": side,
        "note": text(notes_[0][1], "text", notes_[0][0]) if notes_ else None,
    }


def read_service_request(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """ServiceRequest -> the fields of a `~medmassage.Referral` (without its diagnoses)."""
    known = {"identifier", "status", "intent", "code", "subject", "authoredOn", "requester"}
    known |= {"reasonReference", "occurrenceTiming", "quantityQuantity", "note"}
    unknown(r, frozenset(known), path, notes)
    ident = next((text(i, "value", w) for w, i in items(r, "identifier", path)), None)
    repeat = obj(obj(r, "occurrenceTiming", path), "repeat", f"{path}.occurrenceTiming")
    where = f"{path}.occurrenceTiming.repeat"
    weekly = text(repeat, "periodUnit", where) == "wk" and number(repeat, "period", where) == 1
    bounds = obj(repeat, "boundsDuration", where)
    notes_ = items(r, "note", path)
    requester = obj(r, "requester", path)
    return {
        "id": ident or r.get("id"),
        "referrer": _provider(requester, f"{path}.requester", resolve, notes, "referrer")
        if requester
        else None,
        "referred_on": fhir_date(text(r, "authoredOn", path)),
        "frequency_per_week": number(repeat, "frequency", where) if weekly else None,
        "duration_weeks": number(bounds, "value", where)
        if text(bounds, "code", where) == "wk"
        else None,
        "visits_authorized": number(obj(r, "quantityQuantity", path), "value", path),
        "expires_on": fhir_date(text(obj(repeat, "boundsPeriod", where), "end", where)),
        "instructions": text(notes_[0][1], "text", notes_[0][0]) if notes_ else None,
    }


def generated_goal_text(instrument: object, comparator: object, target: object) -> str:
    """The description the export writes for a goal when its own wording is not exported."""
    value = f"{target:g}" if isinstance(target, (int, float)) else str(target)
    return f"{instrument} {comparator} {value}"


def read_goal(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Goal -> the fields of a `~medmassage.plans.Goal`."""
    unknown(r, frozenset({"lifecycleStatus", "description", "subject", "target"}), path, notes)
    targets = items(r, "target", path)
    target: dict[str, object] = targets[0][1] if targets else {}
    where = targets[0][0] if targets else path
    detail = obj(target, "detailQuantity", where)
    out: Fields = {
        "id": r.get("id"),
        "instrument": code_in(obj(target, "measure", where), INSTRUMENT_SYSTEM, where),
        "target": number(detail, "value", where),
        "comparator": text(detail, "comparator", where),
        "target_date": fhir_date(text(target, "dueDate", where)),
    }
    description = text(obj(r, "description", path), "text", f"{path}.description")
    generated = generated_goal_text(out["instrument"], out["comparator"], out["target"])
    out["description"] = None if description == generated else description
    for extra, _ in targets[1:]:
        notes.append(Note(extra, "only the first target is mapped", "not_mapped"))
    return out


def plan_status(r: Resource, path: str) -> str | None:
    """The medmassage plan status of a CarePlan's status."""
    return _PLAN_STATUSES.get(text(r, "status", path) or "")


def read_care_plan(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """CarePlan -> the fields of a `~medmassage.TreatmentPlan` (its own elements)."""
    known = {"identifier", "status", "intent", "subject", "period", "author", "addresses"}
    known |= {"activity", "supportingInfo", "goal", "note"}
    unknown(r, frozenset(known), path, notes)
    ident = next((text(i, "value", w) for w, i in items(r, "identifier", path)), None)
    period = obj(r, "period", path)
    start = fhir_date(text(period, "start", f"{path}.period"))
    end = fhir_date(text(period, "end", f"{path}.period"))
    weeks = None
    if start is not None and end is not None:
        days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
        weeks = days // 7 if days % 7 == 0 else None
    techniques, per_week = [], None
    for where, activity in items(r, "activity", path):
        detail = obj(activity, "detail", where)
        repeat = obj(obj(detail, "scheduledTiming", where), "repeat", where)
        per_week = per_week or number(repeat, "frequency", where)
        minutes = number(repeat, "duration", where)
        techniques.append(
            {
                "modality": code_in(obj(detail, "code", where), MODALITY_SYSTEM, where),
                "duration": None if minutes is None else {"value": minutes, "unit": "min"},
            }
        )
    return {
        "id": ident or r.get("id"),
        "patient_id": ref_id(r, "subject", path, resolve),
        "practitioner_id": ref_id(r, "author", path, resolve),
        "techniques": techniques,
        "sessions_per_week": per_week,
        "duration_weeks": weeks,
        "start_date": start,
        "precautions": [text(n, "text", w) for w, n in items(r, "note", path)],
        "status": plan_status(r, path),
    }


def ref_id(r: Mapping[str, object], key: str, path: str, resolve: Resolve) -> object:
    """The ``id`` of the resource that ``r[key]`` refers to, if it resolves."""
    found = resolve(obj(r, key, path).get("reference"))
    return None if found is None else found[1].get("id")


def _ext_value(ext: Mapping[str, object] | None, key: str, kind: type, path: str) -> object:
    return None if ext is None else get(ext, key, kind, path)


def read_procedure(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Procedure -> the fields of a `~medmassage.TechniqueSegment`."""
    known = {"status", "code", "subject", "encounter", "performedPeriod", "performer"}
    unknown(r, frozenset(known | {"bodySite", "basedOn"}), path, notes)
    ext = extensions(r, path)
    sites = items(r, "bodySite", path)
    region, side = body_site(sites[0][1], sites[0][0]) if sites else (None, None)
    duration = obj(ext.get(DURATION_URL) or {}, "valueDuration", path)
    pressure = obj(ext.get(PRESSURE_URL) or {}, "valueQuantity", path)
    modality = code_in(obj(r, "code", path), MODALITY_SYSTEM, f"{path}.code")
    if modality is None:
        notes.append(
            Note(f"{path}.code", "no medmassage modality code", "unknown_code", "modality")
        )
    return {
        "modality": modality,
        "region": region,
        "laterality": side,
        "duration": quantity(duration, path) if duration else None,
        "pressure": quantity(pressure, path) if pressure else None,
        "grade": _ext_value(ext.get(WALTON_GRADE_URL), "valueInteger", int, path),
        "feedback": _ext_value(ext.get(FEEDBACK_URL), "valueCode", str, path),
        "discomfort": _ext_value(ext.get(DISCOMFORT_URL), "valueInteger", int, path),
    }


_SESSION_STATUS: Final = {"finished": "completed", "cancelled": "cancelled"}


def read_encounter(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Encounter -> the fields of a `~medmassage.Session` (its own elements)."""
    known = {"identifier", "status", "class", "subject", "participant", "period"}
    unknown(r, frozenset(known), path, notes)
    ident = next((text(i, "value", w) for w, i in items(r, "identifier", path)), None)
    period = obj(r, "period", path)
    start = fhir_datetime(period, "start", f"{path}.period")
    end = fhir_datetime(period, "end", f"{path}.period")
    duration = None
    if start is not None and end is not None:
        first = dt.datetime.fromisoformat(start.partition("[")[0])
        last = dt.datetime.fromisoformat(end.partition("[")[0])
        minutes = (last - first).total_seconds() / 60
        duration = {"value": int(minutes) if minutes.is_integer() else minutes, "unit": "min"}
    status = _ext_value(extensions(r, path).get(SESSION_STATUS_URL), "valueCode", str, path)
    if status is None:
        status = _SESSION_STATUS.get(text(r, "status", path) or "")
        if status is None:
            notes.append(Note(f"{path}.status", "status not mapped", "not_mapped", "status"))
    participants = items(r, "participant", path)
    practitioner = None
    if participants:
        practitioner = ref_id(participants[0][1], "individual", participants[0][0], resolve)
    return {
        "id": ident or r.get("id"),
        "patient_id": ref_id(r, "subject", path, resolve),
        "practitioner_id": practitioner,
        "start": start,
        "duration": duration,
        "status": status,
    }


def read_observation(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Observation -> the fields of an `~medmassage.OutcomeMeasure`."""
    known = {"status", "category", "code", "subject", "encounter", "valueQuantity"}
    known |= {"effectiveDateTime", "component", "bodySite", "method", "note", "dataAbsentReason"}
    unknown(r, frozenset(known | {"derivedFrom"}), path, notes)
    responses: object = None
    for where, ref in items(r, "derivedFrom", path):
        found = resolve(ref.get("reference"))
        if found is not None and found[1].get("resourceType") == "QuestionnaireResponse":
            responses = read_responses(found[1], f"Bundle.entry[{found[0]}].resource")
        else:
            notes.append(Note(where, "only a QuestionnaireResponse is mapped", "not_mapped"))
    site = obj(r, "bodySite", path)
    region, side = body_site(site, f"{path}.bodySite") if site else (None, None)
    notes_ = items(r, "note", path)
    instrument = code_in(obj(r, "code", path), INSTRUMENT_SYSTEM, f"{path}.code")
    if instrument is None:
        notes.append(
            Note(f"{path}.code", "no medmassage instrument code", "unknown_code", "instrument")
        )
    return {
        "instrument": instrument,
        "taken_at": fhir_datetime(r, "effectiveDateTime", path),
        "value": number(obj(r, "valueQuantity", path), "value", f"{path}.valueQuantity"),
        "responses": responses,
        "region": region,
        "laterality": side,
        "movement": text(obj(r, "method", path), "text", f"{path}.method"),
        "note": text(notes_[0][1], "text", notes_[0][0]) if notes_ else None,
    }


_ANSWERS: Final = (
    ("valueBoolean", bool),
    ("valueInteger", int),
    ("valueDecimal", float),
    ("valueString", str),
)


def _answers(group: Mapping[str, object], path: str) -> list[object]:
    out: list[object] = []
    for where, item in items(group, "item", path):
        answers = items(item, "answer", where)
        value: object = None
        if answers:
            answer_path, answer = answers[0]
            for key, kind in _ANSWERS:
                if key in answer:
                    value = get(answer, key, kind, answer_path)
                    break
            else:
                raise invalid(answer_path, "a boolean, integer, decimal or string answer")
        out.append(value)
    return out


def read_responses(r: Mapping[str, object], path: str) -> object:
    """A QuestionnaireResponse's items as a measure's responses (a list, or scales)."""
    groups = items(r, "item", path)
    if groups and all("answer" not in g and ("item" in g or "text" in g) for _, g in groups):
        return {text(g, "linkId", where): _answers(g, where) for where, g in groups}
    return _answers(r, path)


def read_adverse_event(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """AdverseEvent -> the fields of an `~medmassage.AdverseReaction`."""
    known = {"actuality", "event", "subject", "encounter", "severity", "outcome", "date"}
    unknown(r, frozenset(known), path, notes)
    site = obj(extensions(r, path).get(BODY_SITE_URL) or {}, "valueCodeableConcept", path)
    region, side = body_site(site, path) if site else (None, None)
    outcome = code_in(obj(r, "outcome", path), _AE_OUTCOME, f"{path}.outcome")
    return {
        "kind": code_in(obj(r, "event", path), REACTION_SYSTEM, f"{path}.event"),
        "severity": code_in(obj(r, "severity", path), _AE_SEVERITY, f"{path}.severity"),
        "region": region,
        "laterality": side,
        "onset": fhir_datetime(r, "date", path),
        "resolved": outcome == "resolved",
    }


def read_flag(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Flag -> ``{"flag": code}``, a `~medmassage.patient.RiskFlag` value (or ``None``)."""
    unknown(r, frozenset({"status", "category", "code", "subject", "period"}), path, notes)
    flag = code_in(obj(r, "code", path), RISK_FLAG_SYSTEM, f"{path}.code")
    if flag is None:
        notes.append(Note(f"{path}.code", "no medmassage risk flag code", "unknown_code"))
    elif text(r, "status", path) != "active":
        notes.append(Note(f"{path}.status", "only an active flag is a risk flag", "not_mapped"))
        flag = None
    return {"flag": flag}


_DATA_OPERATION: Final = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"


def read_provenance(r: Resource, path: str, resolve: Resolve, notes: list[Note]) -> Fields:
    """Provenance -> the signature of the Encounter it targets (``{"signature", "encounter"}``).

    An amendment (``activity`` ``UPDATE``) is imported from the Encounter's
    fields extension, which holds the session as it was; one without it is noted.
    """
    known = {"target", "recorded", "agent", "signature", "activity", "reason"}
    unknown(r, frozenset(known), path, notes)
    targets = items(r, "target", path)
    found = resolve(targets[0][1].get("reference")) if targets else None
    encounter = found[0] if found is not None and found[1]["resourceType"] == "Encounter" else None
    signatures = items(r, "signature", path)
    signature = None
    if signatures:
        where, sign = signatures[0]
        signature = {
            "by": ref_id(sign, "who", where, resolve),
            "at": fhir_datetime(sign, "when", where),
        }
    elif code_in(obj(r, "activity", path), _DATA_OPERATION, f"{path}.activity") != "UPDATE":
        notes.append(Note(path, "only a signature or an amendment is mapped", "not_mapped"))
    if encounter is None:
        notes.append(Note(f"{path}.target", "not the provenance of an Encounter", "reference"))
    return {"encounter": encounter, "signature": signature}


#: Resource type to its reader.
READERS: Final[Mapping[str, Callable[[Resource, str, Resolve, list[Note]], Fields]]] = {
    "Patient": read_patient,
    "Practitioner": read_practitioner,
    "Condition": read_condition,
    "ServiceRequest": read_service_request,
    "Goal": read_goal,
    "CarePlan": read_care_plan,
    "Procedure": read_procedure,
    "Encounter": read_encounter,
    "Observation": read_observation,
    "AdverseEvent": read_adverse_event,
    "Flag": read_flag,
    "Provenance": read_provenance,
}


def not_listed(r: Resource, path: str) -> bool:
    """Whether a Practitioner is one the case only refers to (`NOT_LISTED_URL`)."""
    ext = extensions(r, path).get(NOT_LISTED_URL)
    return ext is not None and ext.get("valueBoolean") is True


def resolver(entries: list[tuple[str, Resource]]) -> Resolve:
    """A `Resolve` over *entries* (fullUrl, resource): by ``fullUrl`` or ``Type/id``."""
    index: dict[str, tuple[int, Resource]] = {}
    for i, (full, resource) in enumerate(entries):
        index.setdefault(full, (i, resource))
        rid, kind = resource.get("id"), resource.get("resourceType")
        if isinstance(rid, str) and isinstance(kind, str):
            index.setdefault(f"{kind}/{rid}", (i, resource))

    def resolve(reference: object) -> tuple[int, Resource] | None:
        return index.get(reference) if isinstance(reference, str) else None

    return resolve
