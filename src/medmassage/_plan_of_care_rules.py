"""The certification rules of `medmassage.plan_of_care`: who may certify, and timeliness.

Private: `medmassage.plan_of_care.plan_of_care_status` applies them and turns
each `Found` into a `medmassage.plan_of_care.ComplianceFinding` with the
policy's citation of the rule and its evidence level. The rules are the
Medicare Benefit Policy Manual (CMS Pub. 100-02) ch. 15 s. 220 A and s. 220.1.3
B-D, or a payer's own policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import NamedTuple, Protocol, TypeVar

from .advisories import AdvisoryLevel
from .diagnosis import Provider, ProviderRole

__all__ = ["Found", "eligible_certifications", "initial_certification"]


class _Certification(Protocol):
    """What the rules read of a `medmassage.plan_of_care.PlanCertification`."""

    @property
    def signed_on(self) -> dt.date | None: ...
    @property
    def verbal_order_on(self) -> dt.date | None: ...
    @property
    def certified_by(self) -> Provider | None: ...
    @property
    def delay_reason(self) -> str | None: ...
    @property
    def documented_on(self) -> dt.date: ...
    def covers(self, day: dt.date) -> bool: ...


class Found(NamedTuple):
    """One finding before it gets its citation: the rule (of POLICY_RULES) it cites."""

    code: str
    level: AdvisoryLevel
    path: str
    message: str
    rule: str
    due: dt.date | None = None


_C = TypeVar("_C", bound=_Certification)


def _role(role: ProviderRole) -> str:
    return role.value.replace("_", " ")


def eligible_certifications(
    certs: Sequence[tuple[int, _C]],
    *,
    policy: str,
    allowed: Collection[ProviderRole] | None,
    scoped: Collection[ProviderRole],
    found: list[Found],
) -> list[tuple[int, _C]]:
    """The certifications whose certifier may certify (s. 220 A, s. 220.1.3 C).

    One by a profession not *allowed* (nor *scoped*, allowed within its scope of
    practice) is an error (added to *found*) and left out: it certifies
    nothing. One whose certifier is not recorded is kept.
    """
    valid: list[tuple[int, _C]] = []
    for i, cert in certs:
        who = cert.certified_by
        path = f"certifications[{i}].certified_by.role"
        if who is None or allowed is None or who.role in allowed:
            valid.append((i, cert))
        elif who.role in scoped:
            valid.append((i, cert))
            found.append(
                Found(
                    "certifier_scope_limited",
                    AdvisoryLevel.INFO,
                    path,
                    f"certification {i + 1} is by a {_role(who.role)}: valid only within that "
                    "profession's scope of practice under state law",
                    "certifier",
                )
            )
        else:
            found.append(
                Found(
                    "certifier_not_eligible",
                    AdvisoryLevel.ERROR,
                    path,
                    f"certification {i + 1} is by a {_role(who.role)}, who may not certify a "
                    f"plan of care under the {policy} policy (a physician, or a nurse "
                    "practitioner, physician assistant or clinical nurse specialist, certifies); "
                    "obtain a certification from one",
                    "certifier",
                )
            )
    return valid


def initial_certification(
    certs: Sequence[tuple[int, _Certification]],
    *,
    first: dt.date,
    due: dt.date,
    as_of: dt.date,
    due_days: int,
    verbal_days: int | None,
) -> list[Found]:
    """Findings on the initial certification: timely, awaiting a signature, delayed or missing.

    Timely (s. 220.1.3 B): signed by *due*, or ordered verbally by *due* and signed
    within *verbal_days* of the order. Later is a delayed certification (s.
    220.1.3 D): a warning, noting the reason recorded or asking for it. Only a
    plan with no certification covering the first treatment after *due* is an
    error, since nothing then certifies it.
    """
    initial = [(i, c) for i, c in certs if c.covers(first)]

    def signature_due(cert: _Certification) -> dt.date | None:
        if verbal_days is None or cert.verbal_order_on is None or cert.verbal_order_on > due:
            return None
        return cert.verbal_order_on + dt.timedelta(days=verbal_days)

    for _, cert in initial:
        by = signature_due(cert)
        signed = cert.signed_on
        if signed is not None and (signed <= due or (by is not None and signed <= by)):
            return []
    for i, cert in initial:
        by = signature_due(cert)
        if cert.signed_on is None and by is not None and as_of <= by:
            return [
                Found(
                    "verbal_order_signature_due",
                    AdvisoryLevel.WARNING,
                    f"certifications[{i}].signed_on",
                    f"certification {i + 1} was ordered verbally on {cert.verbal_order_on}: it "
                    f"is timely only if signed by {by}, {verbal_days} days after the order",
                    "verbal_order",
                    by,
                )
            ]
    if not initial:
        if as_of <= due:
            return [
                Found(
                    "certification_due",
                    AdvisoryLevel.WARNING,
                    "",
                    f"the plan of care must be certified by {due} to be timely",
                    "certification_timing",
                    due,
                )
            ]
        return [
            Found(
                "certification_overdue",
                AdvisoryLevel.ERROR,
                "",
                f"no certification covering the first treatment ({first}) was documented by "
                f"{due}, {due_days} days after it; until one is obtained nothing certifies the "
                "plan (a delayed certification with the reason for the delay is accepted, and "
                "therapy need not stop for it)",
                "certification_timing",
                due,
            )
        ]
    i, cert = initial[0]
    out: list[Found] = []
    by = signature_due(cert)
    if by is not None and (cert.signed_on is None or cert.signed_on > by):
        out.append(
            Found(
                "verbal_order_signature_late",
                AdvisoryLevel.WARNING,
                f"certifications[{i}].signed_on",
                f"certification {i + 1} was ordered verbally on {cert.verbal_order_on} but "
                + ("is not signed" if cert.signed_on is None else f"signed {cert.signed_on}")
                + f", later than {by} ({verbal_days} days after the order): it is not timely"
                + ("; the signature is still needed" if cert.signed_on is None else ""),
                "verbal_order",
                by,
            )
        )
    when = cert.signed_on if cert.signed_on is not None else cert.documented_on
    late = f"certification {i + 1} of the initial plan ({when}) is later than {due}: "
    if cert.delay_reason is not None:
        out.append(
            Found(
                "certification_delayed",
                AdvisoryLevel.WARNING,
                f"certifications[{i}]",
                late + "a delayed certification, accepted with the reason for the delay that "
                "is recorded; keep the evidence that a physician or NPP was involved in the care",
                "delayed_certification",
                due,
            )
        )
    else:
        out.append(
            Found(
                "certification_delay_reason_missing",
                AdvisoryLevel.WARNING,
                f"certifications[{i}].delay_reason",
                late + "a delayed certification; record the reason for the delay (therapy need "
                "not stop for it)",
                "delayed_certification",
                due,
            )
        )
    return out
