"""The QuestionnaireResponse of an outcome measure's item responses."""

from __future__ import annotations

from collections.abc import Sequence

from ..outcomes import OutcomeMeasure
from ..sessions import Session
from ._common import Resource, _patient_ref, _put_datetime, _ref, resource_uuid


def _answer(value: object) -> list[dict[str, object]]:
    """The ``answer`` of one item response (none for an item not answered)."""
    if value is None:
        return []
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [{"valueDecimal": value}]
    return [{"valueString": str(value)}]


def _items(responses: Sequence[object], prefix: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n, value in enumerate(responses, 1):
        item: dict[str, object] = {"linkId": f"{prefix}{n}"}
        answer = _answer(value)
        if answer:
            item["answer"] = answer
        out.append(item)
    return out


def questionnaire_response_resource(
    session: Session, index: int, measure: OutcomeMeasure
) -> Resource | None:
    """Return the FHIR ``QuestionnaireResponse`` of a measure's item responses (or None).

    One ``item`` per response in form order, ``linkId`` its position from 1
    (``"1"``, ``"2"`` ...), its ``answer`` ``valueInteger``, ``valueDecimal``,
    ``valueBoolean`` or ``valueString`` as the response's type is (an item not
    answered has no answer); an instrument of separate scales has one group item
    per scale (``linkId`` the scale, its items ``scale.1`` ...). ``status``
    ``completed``, ``authored`` the time of the measure. The measure's
    Observation names it in ``derivedFrom``. Item wording is the instrument's,
    never copied here.

    Raises:
        UsageError: If the time cannot be written as a FHIR dateTime.
    """
    responses = measure.responses
    if responses is None:
        return None
    if isinstance(responses, tuple):
        items = _items(responses, "")
    else:
        items = [
            {"linkId": name, "item": _items(values, f"{name}.")}
            if values
            else {"linkId": name, "text": "no responses"}
            for name, values in responses.items()
        ]
    out: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_uuid("QuestionnaireResponse", session.id, str(index)),
        "status": "completed",
        "subject": _patient_ref(session.patient_id),
        "encounter": _ref("Encounter", session.id),
    }
    _put_datetime(out, "authored", measure.taken_at, f"outcomes[{index}].taken_at")
    if items:
        out["item"] = items
    return out
