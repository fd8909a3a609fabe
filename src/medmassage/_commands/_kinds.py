"""What kind of document a file holds, to name it when a command needs another kind.

medmassage's JSON documents carry a ``schema_version`` but no marker of their
kind, so the kind is inferred from the top-level keys ("this looks like a
Patient document"). A FHIR resource carries its kind (``resourceType``) and is
named for certain ("this is a FHIR Bundle"). Used only on the way to an error
message: a document that reads as the kind a command needs is never refused here.
"""

from __future__ import annotations

import contextvars
from collections.abc import Collection, Mapping
from typing import Final

#: The subcommand running (set by `medmassage.cli.main`), for messages that name it.
command: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "medmassage_command", default=None
)

#: Kinds a command may be given: name, how a message calls it, and its top-level keys.
#: Models' keys are their fields (read from the classes); command outputs are listed.
_OUTPUTS: Final = (
    (
        "screen output",
        "the output of `medmassage screen --json` (an assessment)",
        ("patient_id", "plan_id", "session_id", "status", "on", "findings", "failures",
         "violations", "plan_conflicts", "techniques", "advisories"),
    ),
    (
        "billing output",
        "the output of `medmassage billing --json` (a session's bill)",
        ("session_id", "policy", "codes", "total_units", "edits"),
    ),
    (
        "plugins output",
        "the output of `medmassage plugins --json`",
        ("plugin_api_version", "modalities", "rules", "instruments", "billing_policies",
         "fingerprint", "disabled", "failures"),
    ),
    (
        "screening",
        "a screening document (a patient, a plan and at most one session, as `screen` reads)",
        ("patient", "plan", "session", "practitioner"),
    ),
)  # fmt: skip

_MODELS: Final = ("Case", "Patient", "TreatmentPlan", "Session", "Practitioner", "Referral")


def _kinds() -> list[tuple[str, str, frozenset[str]]]:
    """Every kind: its name, how a message calls it, and its top-level keys."""
    import attrs

    import medmassage

    kinds = []
    for name in _MODELS:
        model = getattr(medmassage, name)
        kinds.append((name, f"a {name} document", frozenset(f.name for f in attrs.fields(model))))
    kinds.extend((name, text, frozenset(keys)) for name, text, keys in _OUTPUTS)
    return kinds


def _guess(data: Mapping[str, object], accepts: Collection[str]) -> tuple[str, str] | None:
    """The kind *data* looks like most, by its keys: (name, description), or None."""
    keys = set(data) - {"schema_version"}
    best: tuple[float, bool, str, str] | None = None
    for name, text, fields in _kinds():
        shared = len(keys & fields)
        # Most of the document's keys must be the kind's own.
        if not shared or shared * 2 < len(keys):
            continue
        score = (shared / len(keys | fields), name in accepts, name, text)
        if best is None or score[:2] > best[:2]:
            best = score
    return None if best is None else (best[2], best[3])


def identify(data: Mapping[str, object], accepts: Collection[str]) -> tuple[str, str, bool] | None:
    """What *data* is: (kind name, description, whether certain), or None if unknown.

    A FHIR resource is named for certain by its ``resourceType`` (kind name
    ``"FHIR"``); any other document is the kind whose keys it shares most,
    preferring a kind in *accepts* on a tie, if most of its keys are that kind's.
    """
    resource = data.get("resourceType")
    if (
        isinstance(resource, str)
        and len(resource) <= 64
        and resource.isascii()
        and resource.isalnum()
    ):
        what = "a FHIR Bundle" if resource == "Bundle" else f"a FHIR {resource} resource"
        return "FHIR", what, True
    guess = _guess(data, accepts)
    return None if guess is None else (guess[0], guess[1], False)


def message(
    data: Mapping[str, object] | list[object], accepts: Collection[str], what: str
) -> str | None:
    """Why *data* is not the document a command needs, or None if it may be one.

    *what* says what the command needs (``"a Case"``; empty: not said). A
    document is refused here only if it is another kind: ``"this looks like a Patient document;
    `report` needs a Case"``, ``"this is a FHIR Bundle, not a medmassage
    document; ..."``. For an array, its first item is named. None for a document
    that looks like an accepted kind, or like nothing known: then the problems of
    reading it as the kind needed say more.
    """
    if isinstance(data, list):
        first = data[0] if data else None
        found = identify(first, accepts) if isinstance(first, dict) else None
        if found is None:
            return None
        verb = "is" if found[2] else "looks like"
        head = f"expected a JSON object, not an array; its first item {verb} {found[1]}"
    else:
        found = identify(data, accepts)
        if found is None or found[0] in accepts:
            return None
        head = f"this looks like {found[1]}"
        if found[2]:
            head = f"this is {found[1]}, not a medmassage document"
    name = command.get()
    text = f"{head}; {f'`{name}`' if name else 'this command'} needs {what}" if what else head
    if found[0] == "FHIR":
        text += (
            ", in medmassage's own JSON format; `medmassage fhir import` reads a FHIR "
            "Bundle into one (`medmassage fhir export` writes a Case as a FHIR Bundle)"
        )
    return text
