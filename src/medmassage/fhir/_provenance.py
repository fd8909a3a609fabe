"""Provenance of a session: who signed it and when, and each amendment."""

from __future__ import annotations

from typing import Final

from ..sessions import Session
from ._common import Resource, _coding, _put_datetime, _ref, resource_uuid

#: HL7 v3 DataOperation: an amendment is an ``UPDATE`` of the session's record.
DATA_OPERATION: Final = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
_PARTICIPANT: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
#: ASTM E1762-95 signature types: ``1.2.840.10065.1.12.1.1`` is the author's signature.
_SIGNATURE_TYPE: Final = "urn:iso-astm:E1762-95:2013"


def provenance_resources(session: Session, *, include_notes: bool = False) -> list[Resource]:
    """Return the FHIR ``Provenance`` resources of a signed or amended *session*.

    The signature: ``target`` the session's Encounter, ``recorded`` and
    ``signature.when`` the time of signing (with its IANA zone in
    `TIME_ZONE_URL`), ``agent`` and ``signature.who`` the signing practitioner,
    ``signature.type`` the author's signature (ASTM E1762-95,
    ``1.2.840.10065.1.12.1.1``). It records who signed and when; no
    cryptographic signature is made. Each amendment: ``activity`` ``UPDATE``
    (HL7 v3 DataOperation), ``recorded`` its time, ``agent`` who amended; its
    reason, free text, only with *include_notes*. The session as it was before
    each amendment is in the Encounter's fields extension.

    Raises:
        UsageError: If a time cannot be written as a FHIR dateTime.
    """
    out: list[Resource] = []
    target = [_ref("Encounter", session.id)]
    signature = session.signature
    if signature is not None:
        who = _ref("Practitioner", signature.by)
        sign: dict[str, object] = {
            "type": [_coding(_SIGNATURE_TYPE, "1.2.840.10065.1.12.1.1", "Author's Signature")],
            "who": who,
        }
        _put_datetime(sign, "when", signature.at, "signature.at", keep_zone=True)
        resource: Resource = {
            "resourceType": "Provenance",
            "id": resource_uuid("Provenance", session.id, "signature"),
            "target": target,
            "agent": [{"type": {"coding": [_coding(_PARTICIPANT, "author")]}, "who": who}],
            "signature": [sign],
        }
        _put_datetime(resource, "recorded", signature.at, "signature.at", keep_zone=True)
        out.append(resource)
    for i, amendment in enumerate(session.amendments):
        resource = {
            "resourceType": "Provenance",
            "id": resource_uuid("Provenance", session.id, "amendment", str(i)),
            "target": target,
            "activity": {"coding": [_coding(DATA_OPERATION, "UPDATE")]},
            "agent": [
                {
                    "type": {"coding": [_coding(_PARTICIPANT, "author")]},
                    "who": _ref("Practitioner", amendment.by),
                }
            ],
        }
        _put_datetime(resource, "recorded", amendment.at, f"amendments[{i}].at")
        if include_notes:
            resource["reason"] = [{"text": amendment.reason}]
        out.append(resource)
    return out
