"""Plan-of-care certification per the Medicare Benefit Policy Manual (Pub. 100-02) ch. 15 s. 220.

Dates are computed by hand from the manual's rules, each test citing its section:
s. 220.1.3 B (timely initial certification: documented by signature or verbal order
in the 30 days following the first day of treatment, the evaluation included; a
verbal order followed within 14 days by a signature; valid for the plan's duration
or 90 calendar days from the initial treatment, whichever is less), s. 220.1.3 D
(delayed certification is accepted with the reason for the delay; therapy is not
to be stopped for it), s. 220 A and s. 220.1.3 C (who may certify).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medmassage as mm
from factories import care_plan
from medmassage.advisories import AdvisoryLevel
from medmassage.anatomy import BodyRegion
from medmassage.cli import main
from medmassage.codes import Coding
from medmassage.diagnosis import Diagnosis, Provider, ProviderRole, Referral
from medmassage.evidence import EvidenceLevel
from medmassage.exceptions import ValidationError
from medmassage.plan_of_care import (
    MEDICARE_PLAN_OF_CARE,
    POLICY_RULES,
    PlanCertification,
    PlanOfCarePolicy,
    PlanOfCareStatus,
    plan_of_care_status,
)
from medmassage.plans import TreatmentPlan
from medmassage.report import build_report
from medmassage.sessions import Session, TechniqueSegment
from medmassage.units import Duration

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"

PLAN_START = dt.date(2026, 3, 2)
DX = Diagnosis(coding=Coding.icd10cm("M54.50"))
MD = Provider(name="Dr Certifier", role=ProviderRole.PHYSICIAN, npi="1234567893")


def _plan(weeks: int = 20) -> TreatmentPlan:
    """Plan1 from PLAN_START, referred by MD on 2026-02-20 (the shared factory)."""
    referral = Referral(id="r1", referrer=MD, diagnoses=(DX,), referred_on=dt.date(2026, 2, 20))
    return care_plan(weeks, referral, start=PLAN_START)


def _visits(*days: dt.date) -> list[Session]:
    return [
        Session(
            id=f"v{i}",
            patient_id="p1",
            practitioner_id="t1",
            plan_id="plan1",
            start=dt.datetime.combine(day, dt.time(9), dt.UTC),
            duration=Duration(60, "min"),
            segments=(
                TechniqueSegment(
                    modality="core.swedish",
                    region=BodyRegion.LUMBAR_SPINE,
                    duration=Duration(30, "min"),
                ),
            ),
        )
        for i, day in enumerate(days)
    ]


def _codes(status: PlanOfCareStatus) -> list[str]:
    return [f.code for f in status.findings]


def _status(
    *certs: PlanCertification, as_of: dt.date, visits: tuple[dt.date, ...] = ()
) -> PlanOfCareStatus:
    days = visits or (dt.date(2026, 3, 2), dt.date(2026, 3, 5), dt.date(2026, 3, 9))
    return plan_of_care_status(_plan(), _visits(*days), as_of=as_of, certifications=certs)


def _cert(signed_on: dt.date | None, **kw: object) -> PlanCertification:
    fields: dict[str, object] = {
        "signed_on": signed_on,
        "start": dt.date(2026, 3, 2),
        "end": dt.date(2026, 5, 30),
    }
    fields.update(kw)
    return PlanCertification(**fields)  # type: ignore[arg-type]


# -- s. 220.1.3 B: 90 days from the initial treatment --------------------------------------


def test_the_90_days_count_from_the_first_treatment_not_the_plan_start() -> None:
    """s. 220.1.3 B: valid 90 calendar days "from the date of the initial treatment".

    Plan (and certification) from 2026-03-02, first treatment 2026-03-09: day 1 is
    03-09, day 90 is 06-06 (23 days in March, 30 in April, 31 in May, 6 in June).
    Counted from the plan start it would end 05-30.
    """
    cert = _cert(dt.date(2026, 3, 9), end=dt.date(2026, 6, 30))
    first, day90, day91 = dt.date(2026, 3, 9), dt.date(2026, 6, 6), dt.date(2026, 6, 7)
    status = _status(cert, as_of=day90, visits=(first, dt.date(2026, 3, 12), day90))
    assert status.first_treatment == first
    assert status.certified_through == day90
    assert "uncertified_treatment" not in _codes(status)
    (capped,) = [f for f in status.findings if f.code == "certification_capped"]
    assert capped.due == day90
    assert capped.path == "certifications[0].end"
    assert "from 2026-03-09 (day 1, the initial treatment)" in capped.message
    late = _status(cert, as_of=day91, visits=(first, dt.date(2026, 3, 12), day91))
    assert "uncertified_treatment" in _codes(late)
    assert not late.compliant


def test_a_recertification_counts_its_90_days_from_its_own_start() -> None:
    """s. 220.1.3 C: a recertification certifies the next interval, up to 90 days from its start.

    Recertified from 2026-06-01: day 90 is 08-29 (30 in June, 31 in July, 29 in August).
    """
    initial = _cert(dt.date(2026, 3, 2), end=dt.date(2026, 5, 30))
    recert = _cert(dt.date(2026, 5, 28), start=dt.date(2026, 6, 1), end=dt.date(2026, 9, 30))
    status = plan_of_care_status(
        _plan(weeks=30),
        _visits(dt.date(2026, 3, 2)),
        as_of=dt.date(2026, 3, 3),
        certifications=[initial, recert],
    )
    (capped,) = [f for f in status.findings if f.code == "certification_capped"]
    assert capped.path == "certifications[1].end"
    assert capped.due == dt.date(2026, 8, 29)
    assert status.certified_through == dt.date(2026, 8, 29)


# -- s. 220.1.3 B and D: timely or delayed -----------------------------------------------


def test_certification_signed_on_day_30_is_timely_and_day_31_is_delayed() -> None:
    """s. 220.1.3 B: "dated in the 30 days following the first day of treatment".

    First treatment 2026-03-02: day 30 after it is 04-01 (29 more in March, then 04-01).
    """
    assert _status(_cert(dt.date(2026, 4, 1)), as_of=dt.date(2026, 4, 10)).findings == ()
    status = _status(_cert(dt.date(2026, 4, 2)), as_of=dt.date(2026, 4, 10))
    assert status.certification_due == dt.date(2026, 4, 1)
    assert _codes(status) == ["certification_delay_reason_missing"]


def test_a_delayed_certification_is_a_warning_asking_for_its_reason() -> None:
    """s. 220.1.3 D: delayed certification is allowed; therapy is not to be stopped for it."""
    status = _status(_cert(dt.date(2026, 4, 15)), as_of=dt.date(2026, 4, 20))
    (finding,) = status.findings
    assert finding.code == "certification_delay_reason_missing"
    assert finding.level is AdvisoryLevel.WARNING
    assert finding.path == "certifications[0].delay_reason"
    assert "record the reason for the delay" in finding.message
    assert "220.1.3 D" in finding.source
    assert status.compliant  # a warning: the treatment days stay certified
    assert status.certified_through == dt.date(2026, 5, 30)


def test_a_delayed_certification_with_its_reason_is_accepted_as_a_warning() -> None:
    """s. 220.1.3 D: with the reason for the delay recorded, the delayed certification stands."""
    reason = "referring physician on leave; plan sent 2026-03-03"
    cert = _cert(dt.date(2026, 4, 15), delay_reason=reason)
    status = _status(cert, as_of=dt.date(2026, 4, 20))
    (finding,) = status.findings
    assert finding.code == "certification_delayed"
    assert finding.level is AdvisoryLevel.WARNING
    assert finding.path == "certifications[0]"
    assert status.compliant
    # The reason is free text: never in a finding, repr or str.
    assert "leave" not in finding.message
    assert "leave" not in repr(cert)
    assert "leave" not in str(status)


def test_no_certification_at_all_after_30_days_is_an_error() -> None:
    """s. 220.1.3 B: nothing certifies the plan; the message says a delayed one is accepted."""
    status = _status(as_of=dt.date(2026, 4, 2))
    (finding,) = status.findings
    assert finding.code == "certification_overdue"
    assert finding.level is AdvisoryLevel.ERROR
    assert finding.due == dt.date(2026, 4, 1)
    assert "delayed certification with the reason" in finding.message
    assert not status.compliant
    assert _codes(_status(as_of=dt.date(2026, 4, 1))) == ["certification_due"]


# -- s. 220.1.3 B: verbal orders and the 14-day signature ----------------------------------


def test_a_verbal_order_signed_within_14_days_is_timely() -> None:
    """s. 220.1.3 B: a verbal order dated in the 30 days, signed within 14 days of it.

    First treatment 2026-03-02, due 04-01; verbal order 03-20, signature due 04-03
    (11 more days in March, then 3): a signature on 04-03 is timely though after 04-01.
    """
    cert = _cert(dt.date(2026, 4, 3), verbal_order_on=dt.date(2026, 3, 20))
    assert _status(cert, as_of=dt.date(2026, 4, 10)).findings == ()


def test_a_verbal_order_signed_on_day_15_is_late() -> None:
    """s. 220.1.3 B: a signature 15 days after the verbal order is not timely: delayed."""
    cert = _cert(dt.date(2026, 4, 4), verbal_order_on=dt.date(2026, 3, 20))
    status = _status(cert, as_of=dt.date(2026, 4, 10))
    assert _codes(status) == ["verbal_order_signature_late", "certification_delay_reason_missing"]
    late = status.findings[0]
    assert late.path == "certifications[0].signed_on"
    assert late.due == dt.date(2026, 4, 3)
    assert "220.1.3 B" in late.source
    assert status.compliant


def test_a_verbal_order_awaiting_its_signature() -> None:
    """s. 220.1.3 B: until the 14th day after the order the signature is due, then late."""
    cert = _cert(None, verbal_order_on=dt.date(2026, 3, 20))
    pending = _status(cert, as_of=dt.date(2026, 4, 3))
    (finding,) = pending.findings
    assert finding.code == "verbal_order_signature_due"
    assert finding.level is AdvisoryLevel.WARNING
    assert finding.due == dt.date(2026, 4, 3)
    assert pending.certified_through == dt.date(2026, 5, 30)  # the order certifies meanwhile
    late = _status(cert, as_of=dt.date(2026, 4, 4))
    assert _codes(late) == ["verbal_order_signature_late", "certification_delay_reason_missing"]
    assert "the signature is still needed" in late.findings[0].message


def test_a_verbal_order_after_the_30_days_is_a_delayed_certification() -> None:
    """s. 220.1.3 B: the 14-day grace applies to an order dated in the 30 days only."""
    cert = _cert(dt.date(2026, 4, 5), verbal_order_on=dt.date(2026, 4, 2))
    assert _codes(_status(cert, as_of=dt.date(2026, 4, 10))) == [
        "certification_delay_reason_missing"
    ]


# -- s. 220 A, s. 220.1.3 C: who may certify -------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        ProviderRole.PHYSICIAN,
        ProviderRole.OSTEOPATHIC_PHYSICIAN,
        ProviderRole.NURSE_PRACTITIONER,
        ProviderRole.PHYSICIAN_ASSISTANT,
        ProviderRole.CLINICAL_NURSE_SPECIALIST,
    ],
)
def test_a_physician_or_npp_may_certify(role: ProviderRole) -> None:
    """s. 220 A: physicians (MD, DO) and NPPs (NP, PA, CNS) certify therapy plans of care."""
    cert = _cert(dt.date(2026, 3, 5), certified_by=Provider(name="Certifier", role=role))
    assert _status(cert, as_of=dt.date(2026, 4, 10)).findings == ()


@pytest.mark.parametrize(
    "role",
    [
        ProviderRole.CHIROPRACTOR,
        ProviderRole.DENTIST,
        ProviderRole.PHYSICAL_THERAPIST,
        ProviderRole.MASSAGE_THERAPIST,
    ],
)
def test_other_professions_may_not_certify(role: ProviderRole) -> None:
    """s. 220 A, s. 220.1.3 C: chiropractors and dentists may not; nor the treating therapist."""
    cert = _cert(dt.date(2026, 3, 5), certified_by=Provider(name="Not a certifier", role=role))
    status = _status(cert, as_of=dt.date(2026, 4, 10))
    # It certifies nothing: the plan is uncertified and its treatment days are not covered.
    assert _codes(status) == [
        "certifier_not_eligible",
        "certification_overdue",
        "uncertified_treatment",
    ]
    wrong = status.findings[0]
    assert wrong.level is AdvisoryLevel.ERROR
    assert wrong.path == "certifications[0].certified_by.role"
    assert role.value.replace("_", " ") in wrong.message
    assert "220 A" in wrong.source
    assert status.certified_through is None  # it certifies nothing
    assert not status.compliant
    assert "Not a certifier" not in str(status.findings)


def test_a_podiatrist_certifies_within_the_scope_of_podiatry() -> None:
    """s. 220.1.3 C: a podiatrist's certification must be within podiatric medicine's scope."""
    podiatrist = Provider(name="Certifier", role=ProviderRole.PODIATRIST)
    status = _status(_cert(dt.date(2026, 3, 5), certified_by=podiatrist), as_of=dt.date(2026, 4, 1))
    (finding,) = status.findings
    assert (finding.code, finding.level) == ("certifier_scope_limited", AdvisoryLevel.INFO)
    assert status.compliant


# -- citations and evidence levels ------------------------------------------------------------


def test_every_medicare_finding_cites_its_section_with_an_evidence_level() -> None:
    """Each rule of MEDICARE_PLAN_OF_CARE cites its own section of ch. 15 s. 220."""
    assert {rule for rule, _ in MEDICARE_PLAN_OF_CARE.rule_sources} == set(POLICY_RULES)
    for rule in POLICY_RULES:
        assert "ch. 15 s. 220" in MEDICARE_PLAN_OF_CARE.cite(rule)
    chiropractor = Provider(name="C", role=ProviderRole.CHIROPRACTOR)
    statuses = [
        _status(
            _cert(dt.date(2026, 4, 4), verbal_order_on=dt.date(2026, 3, 20)),
            as_of=dt.date(2026, 4, 10),
        ),
        _status(_cert(dt.date(2026, 3, 5), certified_by=chiropractor), as_of=dt.date(2026, 4, 10)),
        _status(_cert(dt.date(2026, 3, 2), end=dt.date(2026, 6, 30)), as_of=dt.date(2026, 3, 9)),
    ]
    findings = [f for s in statuses for f in s.findings]
    assert len(findings) == 6
    for finding in findings:
        assert finding.evidence_level is EvidenceLevel.GUIDELINE
        assert finding.to_dict()["evidence_level"] == "guideline"
        assert "Medicare Benefit Policy Manual" in finding.source


def test_the_recertification_reminder_is_a_convention() -> None:
    """The 7-day reminder is medmassage's own, and says so through its evidence level."""
    status = _status(_cert(dt.date(2026, 3, 2)), as_of=dt.date(2026, 5, 25))
    (reminder,) = status.findings
    assert reminder.code == "recertification_due"
    assert reminder.evidence_level is EvidenceLevel.CONVENTION
    assert "convention" in reminder.source


def test_a_custom_policy_cites_its_own_source() -> None:
    """A payer's policy without per-rule citations cites its source for every rule."""
    policy = PlanOfCarePolicy(
        name="payer-x",
        certification_due_days=10,
        certifier_roles=frozenset({ProviderRole.PHYSICIAN}),
        source="payer-x provider manual",
    )
    np = Provider(name="N", role=ProviderRole.NURSE_PRACTITIONER)
    status = plan_of_care_status(
        _plan(),
        _visits(dt.date(2026, 3, 2)),
        as_of=dt.date(2026, 3, 20),
        certifications=[_cert(dt.date(2026, 3, 5), certified_by=np)],
        policy=policy,
    )
    assert _codes(status) == [
        "certifier_not_eligible",
        "certification_overdue",
        "uncertified_treatment",
    ]
    assert {f.source for f in status.findings} == {"payer-x provider manual"}
    assert {f.evidence_level for f in status.findings} == {None}


def test_policy_and_certification_validation() -> None:
    """Wrong rule names, roles and dates are refused with the field path."""
    cases: list[tuple[dict[str, object], str]] = [
        ({"rule_sources": (("no_such_rule", "x"),)}, "rule_sources[0]"),
        ({"rule_sources": (("certifier",),)}, "rule_sources[0]"),
        ({"certifier_roles": frozenset({"physician"})}, "certifier_roles"),
        ({"scoped_certifier_roles": None}, "scoped_certifier_roles"),
        ({"verbal_order_signature_days": 0}, "verbal_order_signature_days"),
        ({"evidence_level": "guideline"}, "evidence_level"),
    ]
    for fields, path in cases:
        with pytest.raises(ValidationError) as info:
            PlanOfCarePolicy(name="x", **fields)  # type: ignore[arg-type]
        assert info.value.paths == (path,), fields
    certs: list[tuple[dict[str, object], str]] = [
        ({"signed_on": None}, "signed_on"),
        ({"verbal_order_on": dt.date(2026, 3, 10)}, "signed_on"),  # signed before the order
        ({"verbal_order_on": "2026-03-01"}, "verbal_order_on"),
        ({"delay_reason": " "}, "delay_reason"),
        ({"delay_reason": 3}, "delay_reason"),
        ({"certified_by": "Dr X"}, "certified_by"),
    ]
    for fields, path in certs:
        with pytest.raises(ValidationError) as info:
            _cert(fields.pop("signed_on", dt.date(2026, 3, 5)), **fields)  # type: ignore[arg-type]
        assert info.value.paths == (path,), fields
    with pytest.raises(ValidationError) as info:
        plan_of_care_status(_plan(), [], as_of=PLAN_START, policy="medicare")  # type: ignore[arg-type]
    assert info.value.paths == ("policy",)


# -- the report and the command line ----------------------------------------------------------


def test_the_report_states_a_delayed_certification() -> None:
    """build_report's compliance section carries the delayed-certification warning (s. 220.1.3 D).

    The example case's first treatment is 2026-01-12: certification due 2026-02-11.
    """
    case = mm.from_json(mm.Case, EXAMPLE.read_bytes())
    cert = PlanCertification(
        signed_on=dt.date(2026, 2, 13), start=dt.date(2026, 1, 12), end=case.plan.end_date
    )
    report = build_report(case, as_of=dt.date(2026, 2, 13), certifications=[cert])
    lines = [line for line in report.compliance if "record the reason for the delay" in line]
    assert len(lines) == 1
    assert lines[0].startswith("Compliance warning: certification 1 of the initial plan")
    with_reason = attrs_evolve(cert, delay_reason="physician away")
    report = build_report(case, as_of=dt.date(2026, 2, 13), certifications=[with_reason])
    assert any("a delayed certification, accepted" in line for line in report.compliance)
    assert not any("physician away" in line for line in report.compliance)


def attrs_evolve(cert: PlanCertification, **changes: object) -> PlanCertification:
    """attrs.evolve, typed for these tests."""
    import attrs

    return attrs.evolve(cert, **changes)  # type: ignore[arg-type]


def test_the_report_command_states_the_certification_timing(tmp_path: Path) -> None:
    """`medmassage report`: due by day 30 after the first treatment, an error after (s. 220.1.3 B).

    The example case's first treatment is 2026-01-12: due 2026-02-11.
    """
    out = tmp_path / "report.md"
    args = ["report", str(EXAMPLE), "--no-screening", "-o", str(out), "--as-of"]
    assert main([*args, "2026-02-11"]) == 0
    text = out.read_text()
    assert "the plan of care must be certified by 2026-02-11 to be timely" in text
    assert main([*args, "2026-02-12"]) == 0
    text = out.read_text()
    assert "Compliance error: no certification covering the first treatment (2026-01-12)" in text
    assert "delayed certification with the reason for the delay is accepted" in text


@settings(max_examples=60, deadline=None)
@given(
    late_by=st.integers(min_value=1, max_value=730),
    reason=st.booleans(),
    verbal_on=st.none() | st.integers(min_value=0, max_value=30),
)
def test_a_late_certification_is_never_an_error(
    late_by: int, reason: bool, verbal_on: int | None
) -> None:
    """s. 220.1.3 D: signed any number of days late (2 years in its examples), only warnings."""
    first = dt.date(2026, 3, 2)
    due = first + dt.timedelta(days=30)
    verbal = None if verbal_on is None else first + dt.timedelta(days=verbal_on)
    signed = due + dt.timedelta(days=late_by)
    if verbal is not None:
        signed = max(signed, verbal + dt.timedelta(days=15))  # later than its 14 days too
    cert = _cert(signed, verbal_order_on=verbal, delay_reason="why" if reason else None)
    status = _status(cert, as_of=signed)
    assert status.compliant
    assert {f.level for f in status.findings} == {AdvisoryLevel.WARNING}
    expected = "certification_delayed" if reason else "certification_delay_reason_missing"
    assert expected in _codes(status)
    assert ("verbal_order_signature_late" in _codes(status)) is (verbal is not None)
