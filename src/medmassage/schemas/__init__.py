"""JSON Schema (Draft 2020-12) of every medmassage document, generated from the models.

Each document model (`medmassage.Case`, `medmassage.Patient`, `medmassage.Session`
and every model they contain) has a schema of its JSON form as `medmassage.to_json`
writes it: every field with its type, the required ones, no other keys (the reader
refuses unknown keys), quantities as ``{"value": ..., "unit": ...}``, date-times with
their offset and zone, enums by their values, and ``schema_version`` on the
document itself. Nested models are shared definitions (``$defs``); each schema is
self-contained, with its ``$id`` under `BASE_URL`.

The schemas are generated from the attrs classes, their docstrings and the
converter's rules (`generate`), and shipped in the package, one file per model
(`get_schema`, `schema_text`; ``medmassage schema MODEL`` prints one). The test
suite fails when a shipped file differs from a fresh generation;
``python -m medmassage.schemas --write`` regenerates them.

A schema checks the shape of a document, not the models' clinical and
cross-field rules (:doc:`/concepts/json-schema` lists what it cannot express):
every document medmassage writes passes its schema, and one that passes may
still be refused by `medmassage.from_json`.

>>> from medmassage import schemas
>>> schema = schemas.get_schema("Goal")
>>> schema["$id"]
'https://medmassage.dev/schemas/v1/Goal.schema.json'
>>> schema["required"]
['schema_version', 'id', 'instrument', 'target', 'comparator']

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Final, cast

from ..exceptions import UsageError

# The schema version of the documents described (medmassage.serialization.SCHEMA_VERSION,
# which tests/test_schemas.py compares): importing this module imports no model, so that
# the command line lists the schemas without building the models.
_VERSION: Final = 1

__all__ = [
    "BASE_URL",
    "DIALECT",
    "FOLDER",
    "documents",
    "file_name",
    "generate",
    "generate_all",
    "get_schema",
    "model",
    "names",
    "render",
    "schema_id",
    "schema_text",
    "shipped",
    "stale",
]

#: JSON Schema's dialect of every schema: Draft 2020-12.
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

#: The base URL of every schema's ``$id`` (an identifier: nothing is fetched from it).
BASE_URL: Final = "https://medmassage.dev/schemas/"

#: The folder of the shipped schemas, in the package and under `BASE_URL`: the schema version.
FOLDER: Final = f"v{_VERSION}"


def _roots() -> tuple[type, ...]:
    """The models read as documents of their own; every model they contain is one too."""
    from ..cases import Case
    from ..diagnosis import Diagnosis, Referral
    from ..modalities import Modality
    from ..outcomes import OutcomeMeasure
    from ..patient import Patient
    from ..plan_of_care import PlanCertification
    from ..plans import TreatmentPlan
    from ..practitioners import Practitioner
    from ..sessions import Session

    return (
        Case,
        Patient,
        TreatmentPlan,
        Session,
        Practitioner,
        Referral,
        Diagnosis,
        OutcomeMeasure,
        PlanCertification,
        Modality,
    )


@functools.cache
def documents() -> tuple[type, ...]:
    """Every document model, by name: the models read as documents and all they contain."""
    import attrs

    found: dict[str, type] = {}

    def visit(tp: object) -> None:
        if isinstance(tp, type) and attrs.has(tp):
            if tp.__name__ in found:
                return
            found[tp.__name__] = tp
            attrs.resolve_types(tp)
            for field in attrs.fields(tp):
                visit(field.type)
        for arg in getattr(tp, "__args__", ()):
            visit(arg)

    for root in _roots():
        visit(root)
    return tuple(found[name] for name in sorted(found))


def names() -> tuple[str, ...]:
    """The names of the document models (``"Case"``, ``"Patient"`` ...), sorted."""
    return tuple(m.__name__ for m in documents())


def shipped() -> tuple[str, ...]:
    """The names of the models whose schema is shipped, sorted (without importing them).

    The same as `names` while the shipped files are up to date (see `stale`).
    """
    folder = resources.files(__name__) / FOLDER
    suffix = ".schema.json"
    return tuple(
        sorted(p.name[: -len(suffix)] for p in folder.iterdir() if p.name.endswith(suffix))
    )


def model(name: str | type) -> type:
    """The document model named *name* (any letter case), or *name* if it is one.

    Raises:
        UsageError: If there is no such document model; the message lists them.
    """
    for candidate in documents():
        if candidate is name or (
            isinstance(name, str) and candidate.__name__.lower() == name.lower()
        ):
            return candidate
    shown = name.__name__ if isinstance(name, type) else repr(name)
    raise UsageError(
        f"no document model {shown}; the models with a schema are: {', '.join(names())}"
    )


def file_name(name: str | type) -> str:
    """The file name of a model's schema, such as ``Patient.schema.json``."""
    return f"{model(name).__name__}.schema.json"


def schema_id(name: str | type) -> str:
    """The ``$id`` of a model's schema: its file under `BASE_URL` and `FOLDER`."""
    return f"{BASE_URL}{FOLDER}/{file_name(name)}"


def generate(name: str | type) -> dict[str, object]:
    """Generate the schema of a document model from its class (not the shipped file).

    The document is the model's object with ``schema_version`` first; the
    models it contains, the measures, enums, dates and date-times are in
    ``$defs``.

    Raises:
        UsageError: If there is no such document model.
    """
    from ..serialization import MAX_ITEMS, SCHEMA_VERSION, get_converter
    from ._generate import Generator, description

    cls = model(name)
    converter = get_converter()
    generator = Generator(MAX_ITEMS, lambda value, tp: converter.unstructure(value, tp))
    body = generator.model(cls)
    properties = cast("dict[str, object]", body["properties"])
    required = cast("list[str]", body["required"])
    schema: dict[str, object] = {
        "$schema": DIALECT,
        "$id": schema_id(cls),
        "title": cls.__name__,
        "description": description(cls),
        "type": "object",
        "properties": {
            "schema_version": {
                "const": SCHEMA_VERSION,
                "description": (
                    "The schema version of the document. medmassage reads older versions "
                    "through its migrations and refuses newer ones; this schema describes "
                    f"version {SCHEMA_VERSION}."
                ),
            },
            **properties,
        },
        "required": ["schema_version", *required],
        "additionalProperties": False,
    }
    if generator.defs:
        schema["$defs"] = dict(sorted(generator.defs.items()))
    return schema


def render(schema: dict[str, object]) -> str:
    """The text of a schema file: JSON indented by two spaces, UTF-8, ending in a newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generate_all() -> dict[str, str]:
    """Every document model's schema file, freshly generated: file name to text."""
    return {file_name(m): render(generate(m)) for m in documents()}


def schema_text(name: str | type) -> str:
    """The text of the schema of a document model shipped with medmassage.

    Raises:
        UsageError: If there is no such document model.
    """
    return (resources.files(__name__) / FOLDER / file_name(name)).read_text(encoding="utf-8")


def get_schema(name: str | type) -> dict[str, object]:
    """The schema of a document model shipped with medmassage, parsed (a new copy each call).

    Raises:
        UsageError: If there is no such document model.
    """
    schema: dict[str, object] = json.loads(schema_text(name))
    return schema


def stale() -> list[str]:
    """The shipped schema files that differ from a fresh generation, are missing or obsolete."""
    folder = resources.files(__name__) / FOLDER
    fresh = generate_all()
    shipped = {
        p.name: p.read_text(encoding="utf-8")
        for p in folder.iterdir()
        if p.name.endswith(".schema.json")
    }
    return sorted(n for n in fresh.keys() | shipped.keys() if fresh.get(n) != shipped.get(n))
