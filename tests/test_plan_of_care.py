"""Tests of plan-of-care compliance: certification, progress reports, referral limits.

The rules are the Medicare Benefit Policy Manual (Pub. 100-02) ch. 15 s. 220.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from factories import care_plan
from factories import timed_segment as _segment
from factories import timed_session as _session
from medmassage import plan_of_care
from medmassage.advisories import Advisory, AdvisoryLevel
from medmassage.anatomy import BodyRegion
from medmassage.codes import Coding
from medmassage.diagnosis import Diagnosis, Provider, ProviderRole, Referral
from medmassage.exceptions import ValidationError
from medmassage.plan_of_care import (
    MEDICARE_PLAN_OF_CARE,
    ComplianceFinding,
    PlanCertification,
    PlanOfCarePolicy,
    plan_of_care_status,
)
from medmassage.plans import TreatmentPlan
from medmassage.sessions import Session, SessionStatus

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


# -- plans and visits --------------------------------------------------------------

DAY0 = dt.date(2026, 3, 2)
PROVIDER = Provider(name="Dr Referrer", role=ProviderRole.PHYSICIAN, npi="1234567893")
DX = Diagnosis(coding=Coding.icd10cm("M54.50"))


def _plan(weeks: int = 12, referral: Referral | None = None) -> TreatmentPlan:
    """Plan1 from DAY0, twice a week for *weeks* (the shared factory)."""
    return care_plan(weeks, referral, start=DAY0)


def _visits(days: list[int]) -> list[Session]:
    return [
        _session(
            _segment("core.swedish", 30, BodyRegion.LUMBAR_SPINE),
            id=f"v{i}",
            plan_id="plan1",
            start=dt.datetime.combine(DAY0 + dt.timedelta(days=d), dt.time(9), dt.UTC),
        )
        for i, d in enumerate(days)
    ]


def _finding_codes(status: plan_of_care.PlanOfCareStatus) -> list[str]:
    return [f.code for f in status.findings]


def test_certification_due_within_30_days_of_first_treatment() -> None:
    """Benefit Policy Manual ch. 15 s. 220.1.3: certify within 30 days of the first treatment."""
    sessions = _visits([0, 3, 7])
    status = plan_of_care_status(_plan(), sessions, as_of=DAY0 + dt.timedelta(days=10))
    assert status.first_treatment == DAY0
    assert status.certification_due == DAY0 + dt.timedelta(days=30)
    assert _finding_codes(status) == ["certification_due"]
    assert status.compliant
    late = plan_of_care_status(_plan(), sessions, as_of=DAY0 + dt.timedelta(days=31))
    assert _finding_codes(late) == ["certification_overdue"]
    assert not late.compliant


def test_certification_signed_in_time() -> None:
    """A certification signed in time has no findings and certifies 90 days."""
    cert = PlanCertification(
        signed_on=DAY0 + dt.timedelta(days=30),
        start=DAY0,
        end=DAY0 + dt.timedelta(days=89),
    )
    status = plan_of_care_status(
        _plan(weeks=20),
        _visits([0, 3, 7]),
        as_of=DAY0 + dt.timedelta(days=40),
        certifications=[cert],
    )
    assert status.findings == ()
    assert status.certified_through == DAY0 + dt.timedelta(days=89)
    signed_late = attrs.evolve(cert, signed_on=DAY0 + dt.timedelta(days=31))
    status = plan_of_care_status(
        _plan(weeks=20),
        _visits([0]),
        as_of=DAY0 + dt.timedelta(days=40),
        certifications=[signed_late],
    )
    assert _finding_codes(status) == ["certification_delay_reason_missing"]  # s. 220.1.3 D


def test_certification_valid_at_most_90_days() -> None:
    """s. 220.1.3: valid for the plan's duration or 90 calendar days, whichever is less."""
    too_long = PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 + dt.timedelta(days=120))
    status = plan_of_care_status(
        _plan(weeks=20),
        _visits([0, 89, 90]),
        as_of=DAY0 + dt.timedelta(days=90),
        certifications=[too_long],
        progress_reports=[DAY0 + dt.timedelta(days=90)],
    )
    assert _finding_codes(status) == ["uncertified_treatment", "certification_capped"]
    assert status.certified_through == DAY0 + dt.timedelta(days=89)  # day 90 counting day 1
    assert "first on 2026-05-31" in status.findings[0].message
    beyond_plan = PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 + dt.timedelta(days=60))
    status = plan_of_care_status(
        _plan(weeks=4), _visits([0]), as_of=DAY0, certifications=[beyond_plan]
    )
    assert _finding_codes(status) == ["certification_capped"]
    assert status.certified_through == _plan(weeks=4).end_date


def test_treatment_outside_certified_period() -> None:
    """Treatment outside the certified period raises uncertified_treatment."""
    cert = PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 + dt.timedelta(days=89))
    recert = PlanCertification(
        signed_on=DAY0 + dt.timedelta(days=88),
        start=DAY0 + dt.timedelta(days=90),
        end=DAY0 + dt.timedelta(days=120),
    )
    sessions = _visits([0, 89, 95])
    as_of = DAY0 + dt.timedelta(days=96)
    status = plan_of_care_status(_plan(weeks=20), sessions, as_of=as_of, certifications=[cert])
    assert "uncertified_treatment" in _finding_codes(status)
    ok = plan_of_care_status(
        _plan(weeks=20),
        sessions,
        as_of=as_of,
        certifications=[cert, recert],
        progress_reports=[DAY0 + dt.timedelta(days=89)],
    )
    assert ok.findings == ()


def test_recertification_due_soon() -> None:
    """A certification near its end raises recertification_due with its date."""
    cert = PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 + dt.timedelta(days=89))
    status = plan_of_care_status(
        _plan(weeks=20),
        _visits([0]),
        as_of=DAY0 + dt.timedelta(days=85),
        certifications=[cert],
    )
    assert _finding_codes(status) == ["recertification_due"]
    assert status.findings[0].due == DAY0 + dt.timedelta(days=89)


def test_progress_report_every_10_treatment_days() -> None:
    """s. 220.3 D: at least once every 10 treatment days, counting from the first day."""
    cert = PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 + dt.timedelta(days=83))
    ten = _visits(list(range(0, 20, 2)))  # 10 treatment days
    as_of = DAY0 + dt.timedelta(days=20)
    status = plan_of_care_status(_plan(), ten, as_of=as_of, certifications=[cert])
    assert status.treatment_days == 10
    assert status.treatment_days_since_report == 10
    assert _finding_codes(status) == ["progress_report_due"]
    eleven = _visits(list(range(0, 22, 2)))
    status = plan_of_care_status(
        _plan(), eleven, as_of=as_of + dt.timedelta(2), certifications=[cert]
    )
    assert _finding_codes(status) == ["progress_report_overdue"]
    assert not status.compliant
    reported = plan_of_care_status(
        _plan(),
        eleven,
        as_of=as_of + dt.timedelta(2),
        certifications=[cert],
        progress_reports=[DAY0 + dt.timedelta(days=18)],  # at the 10th treatment day
    )
    assert reported.findings == ()
    assert reported.treatment_days_since_report == 1


def test_two_visits_one_day_are_one_treatment_day() -> None:
    """practiceperfectemr.com: two visits the same day by one discipline = one treatment day."""
    sessions = _visits([0, 0, 2])
    status = plan_of_care_status(_plan(), sessions, as_of=DAY0 + dt.timedelta(days=3))
    assert status.treatment_days == 2
    assert status.visits_used == 0  # no referral


def test_progress_report_rule_can_be_switched_off() -> None:
    """The commercial policy switches off the progress report rule."""
    policy = attrs.evolve(
        MEDICARE_PLAN_OF_CARE,
        name="commercial",
        progress_report_treatment_days=None,
        certification_due_days=None,
    )
    status = plan_of_care_status(
        _plan(), _visits(list(range(0, 30, 2))), as_of=DAY0 + dt.timedelta(days=30), policy=policy
    )
    assert status.findings == ()
    assert status.policy == "commercial"
    assert status.certification_due is None


def test_plan_of_care_policy_validation() -> None:
    """A plan-of-care policy with invalid limits raises ValidationError naming them."""
    with pytest.raises(ValidationError) as info:
        PlanOfCarePolicy(name="x", certification_max_days=0, progress_report_treatment_days=True)
    assert set(info.value.paths) == {"certification_max_days", "progress_report_treatment_days"}


def _referral(**kw: object) -> Referral:
    fields: dict[str, object] = {
        "id": "r1",
        "referrer": PROVIDER,
        "diagnoses": (DX,),
        "referred_on": DAY0,
    }
    fields.update(kw)
    return Referral(**fields)  # type: ignore[arg-type]


def test_referral_visits_used_and_remaining() -> None:
    """Referral visits authorised, used and remaining are counted."""
    policy = PlanOfCarePolicy(name="visits-only")
    referral = _referral(visits_authorized=6)
    status = plan_of_care_status(
        _plan(referral=referral),
        _visits([0, 2, 4, 7]),
        as_of=DAY0 + dt.timedelta(days=8),
        policy=policy,
    )
    assert (status.visits_authorized, status.visits_used, status.visits_remaining) == (6, 4, 2)
    assert status.findings == ()
    full = plan_of_care_status(
        _plan(referral=referral),
        _visits([0, 2, 4, 7, 9, 11]),
        as_of=DAY0 + dt.timedelta(days=12),
        policy=policy,
    )
    assert _finding_codes(full) == ["visits_exhausted"]
    over = plan_of_care_status(
        _plan(referral=referral),
        _visits([0, 2, 4, 7, 9, 11, 14]),
        as_of=DAY0 + dt.timedelta(days=15),
        policy=policy,
    )
    assert _finding_codes(over) == ["visits_exceeded"]
    assert over.visits_remaining == -1


def test_expired_referral() -> None:
    """Treatment after the referral expired raises referral findings."""
    policy = PlanOfCarePolicy(name="visits-only")
    referral = _referral(expires_on=DAY0 + dt.timedelta(days=10))
    status = plan_of_care_status(
        _plan(),
        _visits([0, 5, 12]),
        as_of=DAY0 + dt.timedelta(days=13),
        referral=referral,
        policy=policy,
    )
    assert _finding_codes(status) == ["treatment_after_referral_expired", "referral_expired"]
    assert status.visits_used == 2


def test_treatment_before_referral() -> None:
    """Treatment before the referral date raises treatment_before_referral."""
    policy = PlanOfCarePolicy(name="visits-only")
    referral = _referral(referred_on=DAY0 + dt.timedelta(days=3))
    status = plan_of_care_status(
        _plan(),
        _visits([0, 5]),
        as_of=DAY0 + dt.timedelta(days=6),
        referral=referral,
        policy=policy,
    )
    assert _finding_codes(status) == ["treatment_before_referral"]


def test_only_completed_sessions_of_this_plan_up_to_as_of_count() -> None:
    """Only completed sessions of this plan up to the as-of date count."""
    sessions = (
        _visits([0, 2])
        + [attrs.evolve(s, segments=(), status=SessionStatus.CANCELLED) for s in _visits([4])]
        + [attrs.evolve(s, plan_id="other") for s in _visits([6])]
        + _visits([40])
    )
    status = plan_of_care_status(_plan(), sessions, as_of=DAY0 + dt.timedelta(days=10))
    assert status.treatment_days == 2


def test_sessions_of_another_patient_are_an_error() -> None:
    """Sessions of another patient raise ValidationError at their patient_id."""
    other = [attrs.evolve(s, patient_id="p2") for s in _visits([0])]
    with pytest.raises(ValidationError) as info:
        plan_of_care_status(_plan(), _visits([1]) + other, as_of=DAY0)
    assert info.value.paths == ("sessions[1].patient_id",)


def test_plan_of_care_argument_types() -> None:
    """Wrong argument types raise ValidationError naming each path."""
    with pytest.raises(ValidationError) as info:
        plan_of_care_status(
            _plan(),
            [object()],  # type: ignore[list-item]
            as_of=DAY0,
            certifications=[DAY0],  # type: ignore[list-item]
            progress_reports=["2026-03-02"],  # type: ignore[list-item]
        )
    assert set(info.value.paths) == {
        "sessions[0].session",
        "certifications[0]",
        "progress_reports[0]",
    }
    with pytest.raises(ValidationError):
        plan_of_care_status(_plan(), [], as_of=START)
    with pytest.raises(ValidationError):
        plan_of_care_status(None, [], as_of=DAY0)  # type: ignore[arg-type]


def test_certification_validation() -> None:
    """A certification ending before it starts raises ValidationError at ``end``."""
    with pytest.raises(ValidationError) as info:
        PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 - dt.timedelta(days=1))
    assert info.value.paths == ("end",)
    with pytest.raises(ValidationError):
        PlanCertification(signed_on="2026-03-02", start=DAY0, end=DAY0)  # type: ignore[arg-type]


def test_progress_report_on_a_day_without_treatment() -> None:
    """A report written between visits closes the period; so does one after the last visit."""
    cert = PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 + dt.timedelta(days=83))
    visits = _visits(list(range(0, 24, 2)))  # 12 treatment days
    status = plan_of_care_status(
        _plan(),
        visits,
        as_of=DAY0 + dt.timedelta(days=30),
        certifications=[cert],
        progress_reports=[DAY0 + dt.timedelta(days=17)],  # after treatment day 9
    )
    assert status.findings == ()
    assert status.treatment_days_since_report == 3
    after = plan_of_care_status(
        _plan(),
        visits[:10],
        as_of=DAY0 + dt.timedelta(days=30),
        certifications=[cert],
        progress_reports=[DAY0 + dt.timedelta(days=25)],
    )
    assert after.treatment_days_since_report == 0
    assert after.findings == ()


def test_compliance_finding_text() -> None:
    """A compliance finding prints its level, code and due date."""
    status = plan_of_care_status(_plan(), _visits([0]), as_of=DAY0 + dt.timedelta(days=31))
    (finding,) = status.findings
    assert str(finding).startswith("error certification_overdue: ")
    assert finding.due == DAY0 + dt.timedelta(days=30)


def test_compliance_finding_is_an_advisory() -> None:
    """One soft-finding shape: a compliance finding is an Advisory keeping its level and due."""
    status = plan_of_care_status(_plan(), _visits([0]), as_of=DAY0 + dt.timedelta(days=31))
    (finding,) = status.findings
    assert isinstance(finding, Advisory)
    assert finding.level is AdvisoryLevel.ERROR
    assert finding.path == ""
    data = finding.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "code": "certification_overdue",
        "level": "error",
        "path": "",
        "message": finding.message,
        "source": MEDICARE_PLAN_OF_CARE.cite("certification_timing"),
        "due": "2026-04-01",
        "evidence_level": "guideline",
    }
    warning = ComplianceFinding(
        code="visits_exhausted", level=AdvisoryLevel.WARNING, message="m", source="s"
    )
    assert str(warning) == "warning visits_exhausted: m"
    assert warning.to_dict()["due"] is None


def test_compliance_finding_level_must_be_an_advisory_level() -> None:
    """A level given as the old string would never compare equal to AdvisoryLevel.ERROR."""
    with pytest.raises(ValidationError) as info:
        ComplianceFinding(code="x", level="error", message="m", source="s")  # type: ignore[arg-type]
    assert info.value.paths == ("level",)


def test_findings_sort_errors_first_and_decide_compliance() -> None:
    """Findings sort errors first and errors decide non-compliance."""
    referral = _referral(visits_authorized=1, expires_on=DAY0 + dt.timedelta(days=3))
    status = plan_of_care_status(
        _plan(referral=referral),
        _visits([0, 2, 5]),
        as_of=DAY0 + dt.timedelta(days=6),
        policy=PlanOfCarePolicy(name="visits-only"),
    )
    levels = [f.level for f in status.findings]
    assert levels == sorted(levels, key=[AdvisoryLevel.ERROR, AdvisoryLevel.WARNING].index)
    assert AdvisoryLevel.ERROR in levels
    assert AdvisoryLevel.WARNING in levels
    assert not status.compliant


def test_the_progress_report_states_plan_of_care_findings() -> None:
    """The report's compliance section lists warnings and errors (their level as a word)."""
    from pathlib import Path

    import medmassage as mm
    from medmassage.report import build_report

    example = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"
    report = build_report(mm.from_json(mm.Case, example.read_bytes()))
    assert report.timing.findings
    for finding in report.timing.findings:
        line = f"Compliance {finding.level.value}: {finding.message}."
        assert line in report.compliance
        assert not any(finding.message in forward for forward in report.plan_forward)


def test_every_public_name_is_documented() -> None:
    """Every public name of the plan-of-care module has a docstring."""
    import inspect

    for name in plan_of_care.__all__:
        obj = getattr(plan_of_care, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, name


def test_billing_still_exports_the_plan_of_care_names() -> None:
    """The plan-of-care rules moved out of billing; the old imports give the same objects."""
    from medmassage import billing

    for name in (
        "MEDICARE_PLAN_OF_CARE",
        "ComplianceFinding",
        "PlanOfCarePolicy",
        "PlanOfCareStatus",
        "plan_of_care_status",
    ):
        assert getattr(billing, name) is getattr(plan_of_care, name), name
        assert name not in billing.__all__


def test_billing_certification_is_a_deprecated_alias() -> None:
    """billing.Certification was renamed PlanCertification (practitioners has a Certification)."""
    from medmassage import billing

    with pytest.warns(DeprecationWarning, match=r"medmassage\.plan_of_care\.PlanCertification"):
        old = billing.Certification
    assert old is PlanCertification
    with pytest.warns(DeprecationWarning, match="PlanCertification"):
        from medmassage.billing import Certification
    assert Certification is PlanCertification
    assert "Certification" not in billing.__all__
    with pytest.raises(AttributeError, match="no_such_name"):
        billing.no_such_name  # noqa: B018


def test_the_facade_keeps_the_practitioner_certification() -> None:
    """The facade keeps the practitioner Certification apart from PlanCertification."""
    import medmassage as mm
    from medmassage import practitioners

    assert mm.Certification is practitioners.Certification
    assert mm.PlanCertification is PlanCertification


def test_every_plan_of_care_result_object_hashes() -> None:
    """Every frozen plan-of-care class is immutable through and through, so it hashes."""
    referral = _referral(visits_authorized=1)
    cert = PlanCertification(signed_on=DAY0, start=DAY0, end=DAY0 + dt.timedelta(days=120))
    status = plan_of_care_status(
        _plan(weeks=20, referral=referral),
        _visits([0, 2]),
        as_of=DAY0 + dt.timedelta(days=3),
        certifications=[cert],
    )
    assert status.findings
    samples: list[object] = [status, *status.findings, cert, MEDICARE_PLAN_OF_CARE]
    for obj in samples:
        assert hash(obj) == hash(attrs.evolve(obj)), type(obj).__name__  # type: ignore[misc]
    covered = {type(obj) for obj in samples}
    frozen = {
        obj
        for name in plan_of_care.__all__
        if isinstance(obj := getattr(plan_of_care, name), type) and attrs.has(obj)
    }
    assert frozen == covered
