"""The `FIELDS_URL` extension: the fields of a record its FHIR elements do not carry exactly.

`case_export` reads each resource back with the importer's own reader and
compares the result with the record's JSON form (`medmassage.to_dict`'s): every
field that differs (a value FHIR has no element for, such as a patient's
medications or a session's SOAP note; a zone name, where a FHIR ``dateTime``
keeps only the offset; a pressure in kgf/cm², where the resource has kPa; a code
left out because it breaks FHIR's ``code`` pattern) is written, in that JSON
form, into the resource's `FIELDS_URL` extension. `import_bundle` lays those
fields over what it read, so export then import gives an equal record. Fields the
export protects (identity without ``include_identity``, free text without
``include_notes``) are never carried.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

import attrs

from ._common import FIELDS_URL, Resource
from ._read import READERS, Fields, Note, Resolve

#: Fields of a record that other resources carry (assembled by the importer).
CHILDREN: Final[Mapping[str, frozenset[str]]] = {
    "Patient": frozenset({"conditions", "flags"}),
    "ServiceRequest": frozenset({"diagnoses"}),
    "CarePlan": frozenset({"diagnoses", "goals", "referral"}),
    "Encounter": frozenset({"segments", "outcomes", "adverse_reactions", "signature"}),
}
_IDENTITY: Final = frozenset({"birth_date", "name", "contact"})
#: Free-text fields, per resource type, carried only with ``include_notes``.
_NOTES: Final[Mapping[str, frozenset[str]]] = {
    "Condition": frozenset({"note"}),
    "ServiceRequest": frozenset({"instructions"}),
    "Goal": frozenset({"description"}),
    "CarePlan": frozenset({"precautions"}),
    "Observation": frozenset({"note"}),
    "AdverseEvent": frozenset({"note"}),
    "Encounter": frozenset({"note", "amendments"}),
}
_ENCODER: Final = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))


def same(a: object, b: object) -> bool:
    """Whether two JSON values are the same JSON (``1`` is not ``1.0``, ``True`` not ``1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


def _scrubbed(kind: str, native: Fields, include_identity: bool, include_notes: bool) -> Fields:
    """*native* without the fields the export protects."""
    out = dict(native)
    if kind == "Patient":
        if not include_identity:
            for key in _IDENTITY:
                out.pop(key, None)
        allergies = out.get("allergies")
        if not include_notes and isinstance(allergies, list):
            out["allergies"] = [
                {**a, "reaction": None} if isinstance(a, dict) else a for a in allergies
            ]
    if not include_notes:
        for key in _NOTES.get(kind, ()):
            out.pop(key, None)
    return out


_DEFAULTS: dict[type, Mapping[str, object]] = {}


def _defaults(model: type) -> Mapping[str, object]:
    """The JSON form of each default of *model*'s fields (what import gives when absent)."""
    found = _DEFAULTS.get(model)
    if found is None:
        from ..serialization import get_converter

        unstructure = get_converter().unstructure
        found = _DEFAULTS[model] = {
            f.name: unstructure(f.default)
            for f in attrs.fields(model)
            if f.default is not attrs.NOTHING and not isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
        }
    return found


def add_fields(
    resource: Resource,
    record: object,
    native: Fields,
    resolve: Resolve,
    *,
    include_identity: bool,
    include_notes: bool,
) -> None:
    """Add the `FIELDS_URL` extension to *resource* if its elements do not carry *native*.

    *native* is *record* in its JSON form; a field the reader does not give is
    left out when it holds the field's default.
    """
    kind = str(resource["resourceType"])
    notes: list[Note] = []
    recovered = READERS[kind](resource, "", resolve, notes)
    children = CHILDREN.get(kind, frozenset())
    defaults = _defaults(type(record))
    extra = {
        key: value
        for key, value in _scrubbed(kind, native, include_identity, include_notes).items()
        if key not in children
        and not (key not in recovered and key in defaults and same(defaults[key], value))
        and not same(recovered.get(key), value)
    }
    if extra:
        extension = resource.setdefault("extension", [])
        assert isinstance(extension, list)
        extension.append({"url": FIELDS_URL, "valueString": _ENCODER.encode(extra)})
