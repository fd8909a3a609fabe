"""Coding edits: what to review before a claim is sent (warnings, never blocks).

Public names are documented in `medmassage.billing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from ..advisories import Advisory
from ..anatomy import BodyRegion, Laterality
from ..evidence import EvidenceLevel
from ..exceptions import Problem, UnknownCodeError, ValidationError
from ..modalities import Modality
from ..sessions import Session
from ..units import Duration
from ._policies import _seconds_by_code
from ._units import _completed, cpt_of, session_minutes

# -- coding edits --------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class CodingEdit(Advisory):
    """A coding problem to review before a claim is sent (a warning, not a block).

    A coding edit is an `~medmassage.checks.Advisory` (the one shape of a soft
    finding) that also names the CPT codes involved and the evidence level of
    its rule.

    Attributes:
        code: A stable identifier of the edit (``massage_and_manual_therapy_same_region``,
            ``minutes_counted_twice``, ``minutes_exceed_session``, ...).
        message: What was found and what to do. No patient data.
        level: `~medmassage.checks.AdvisoryLevel.WARNING`: an edit is for a person
            to review, never a block.
        source: The rule's citation.
        cpt_codes: The CPT codes involved.
        path: Where in the input (``segments[2]``), if one place; empty otherwise.
        confirmed: ``False`` when no official source of the rule could be
            checked; ``evidence_reason`` then says why.
        evidence_level: The kind of source the rule rests on (a CMS manual is
            `~medmassage.evidence.EvidenceLevel.GUIDELINE`); ``None``: not stated.
        evidence_reason: One line a reviewer can read on how sure the rule is.
    """

    path: str = ""
    source: str
    cpt_codes: tuple[str, ...] = ()
    confirmed: bool = True
    evidence_level: EvidenceLevel | None = None
    evidence_reason: str = ""

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        flag = f" (evidence: {self.evidence()})" if not self.confirmed else ""
        return f"{self.code}{where}: {self.message}{flag}"

    def evidence(self) -> str:
        """The evidence level and its reason in words (``"guideline"``, ``"not stated"``)."""
        level = self.evidence_level.value if self.evidence_level is not None else "not stated"
        return f"{level}: {self.evidence_reason}" if self.evidence_reason else level

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary: the advisory's fields and the edit's own."""
        out = super().to_dict()
        out["cpt_codes"] = list(self.cpt_codes)
        out["confirmed"] = self.confirmed
        out["evidence_level"] = self.evidence_level.value if self.evidence_level else None
        out["evidence_reason"] = self.evidence_reason
        return out


_PAIR_SOURCE: Final = (
    "Coding advice only (no official source found): secondary coding sources say 97124 "
    "and 97140 are not billed together for the same session (massagetoday.com/articles/"
    "12049); whether a CMS NCCI procedure-to-procedure pair exists, its column order and "
    "modifier indicator could not be checked - look them up in the current quarterly CMS "
    "NCCI PTP file"
)
_PAIR_REASON: Final = (
    "coding advice from secondary sources; the official CMS NCCI pair file was not checked"
)
_SAME_MINUTES_SOURCE: Final = (
    "NCCI Policy Manual ch. 11 s. P (no two physical-medicine services for the same "
    "15-minute period, except supervised modalities 97010-97028); Medicare Claims "
    "Processing Manual ch. 5 s. 20.2 (only direct treatment time counts)"
)


def coding_edits(
    session: Session,
    mapping: Mapping[str, str | None] | None,
    claimed: Mapping[str, int | Duration] | None,
    modalities: Mapping[str, Modality],
) -> tuple[CodingEdit, ...]:
    """Review a session's coding (see the public `medmassage.billing.coding_edits`)."""
    documented = {
        code: round(d.minutes * 60)
        for code, d in session_minutes(session, mapping, modalities).items()
    }
    edits: list[CodingEdit] = []
    regions: dict[tuple[BodyRegion, Laterality | None], dict[str, int]] = {}
    if _completed(session):
        for i, segment in enumerate(session.segments):
            code = cpt_of(segment.modality, mapping, modalities)
            if code in ("97124", "97140"):
                regions.setdefault((segment.region, segment.laterality), {}).setdefault(code, i)
    for (region, laterality), codes in regions.items():
        if len(codes) == 2:
            side = f" ({laterality.value})" if laterality is not None else ""
            edits.append(
                CodingEdit(
                    code="massage_and_manual_therapy_same_region",
                    message=(
                        f"97124 (massage) and 97140 (manual therapy) are both coded for "
                        f"{region.value}{side} in this session; bill one, or document "
                        "separate regions or time blocks and a 59/XS modifier if the "
                        "payer allows it"
                    ),
                    source=_PAIR_SOURCE,
                    cpt_codes=("97124", "97140"),
                    path=f"segments[{codes['97140']}]",
                    confirmed=False,
                    evidence_level=EvidenceLevel.EXPERT_CONSENSUS,
                    evidence_reason=_PAIR_REASON,
                )
            )
    session_seconds = round(session.duration.minutes * 60)
    if claimed is not None:
        claimed_seconds = _seconds_by_code(claimed)
        total = sum(claimed_seconds.values())
        documented_total = sum(documented.values())
        over = sorted(c for c, s in claimed_seconds.items() if s > documented.get(c, 0))
        if total > documented_total or over:
            detail = (
                f"{_fmt(total)} timed minutes are claimed but {_fmt(documented_total)} "
                "are documented"
                if total > documented_total
                else f"{', '.join(over)} claimed for more minutes than documented"
            )
            edits.append(
                CodingEdit(
                    code="minutes_counted_twice",
                    message=f"{detail}; each minute of treatment counts under one code only",
                    source=_SAME_MINUTES_SOURCE,
                    evidence_level=EvidenceLevel.GUIDELINE,
                    cpt_codes=tuple(over) or tuple(sorted(claimed_seconds)),
                )
            )
    else:
        total = sum(documented.values())
        claimed_seconds = documented
    if total > session_seconds:
        edits.append(
            CodingEdit(
                code="minutes_exceed_session",
                message=(
                    f"{_fmt(total)} timed minutes exceed the session's "
                    f"{_fmt(session_seconds)} minutes"
                ),
                source=_SAME_MINUTES_SOURCE,
                evidence_level=EvidenceLevel.GUIDELINE,
                cpt_codes=tuple(sorted(claimed_seconds)),
            )
        )
    return tuple(edits)


def _fmt(seconds: int) -> str:
    return f"{seconds / 60:g}"


def diagnosis_edits(diagnoses: Iterable[object]) -> tuple[CodingEdit, ...]:
    """Check diagnosis codes for a claim: billable, and present in the current release.

    *diagnoses* may hold `medmassage.Diagnosis` objects, `medmassage.codes.Coding`
    objects or code strings. A non-billable header (such as ``M54.5`` since the
    October 1, 2021 release) is reported with the billable codes to use instead;
    a code missing from the release (a historic record validated by format
    only) is reported too.

    Raises:
        ValidationError: If an item is not a diagnosis, coding or ICD-10-CM code
            in form (path ``diagnoses[i]``).
    """
    from ..codes import ICD10CM, is_icd10cm_format, lookup_icd10cm

    edits: list[CodingEdit] = []
    for i, item in enumerate(diagnoses):
        code = getattr(item, "code", item)
        system = getattr(item, "system", ICD10CM)
        if not isinstance(code, str) or not is_icd10cm_format(code) or system != ICD10CM:
            raise ValidationError(
                [Problem(f"diagnoses[{i}]", "expected an ICD-10-CM code or Diagnosis", "type")]
            )
        try:
            record = lookup_icd10cm(code)
        except UnknownCodeError as exc:
            edits.append(
                CodingEdit(
                    code="diagnosis_not_in_release",
                    message=f"{exc}; code the diagnosis with a current code",
                    source="CMS ICD-10-CM code set (the release bundled in simple-icd-10-cm)",
                    evidence_level=EvidenceLevel.GUIDELINE,
                    path=f"diagnoses[{i}]",
                )
            )
            continue
        if not record.billable:
            children = record.billable_descendants
            shown = ", ".join(children[:12]) + (" ..." if len(children) > 12 else "")
            edits.append(
                CodingEdit(
                    code="diagnosis_not_billable",
                    message=(
                        f"{record.code} ({record.description}) is a header, not billable; "
                        f"use one of its billable codes: {shown}"
                    ),
                    source=(
                        "ICD-10-CM Official Guidelines for Coding and Reporting, section "
                        "I.B.2 (report codes at their highest number of characters); CMS "
                        "ICD-10-CM tabular list"
                    ),
                    evidence_level=EvidenceLevel.GUIDELINE,
                    path=f"diagnoses[{i}]",
                )
            )
    return tuple(edits)
