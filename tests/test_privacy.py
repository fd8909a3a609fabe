"""Privacy: repr, str, exception messages and logs never show protected health information.

Identifiers are generated from a distinctive alphabet (Cyrillic capitals that no
id, code, unit or message of medmassage uses), at least 6 characters long, so a
substring check is meaningful: names, contact details, free-text notes
(conditions, allergies, SOAP notes, adverse reactions, amendment reasons,
outcome notes, referral instructions, precautions, goal descriptions) and birth
dates in ISO and other common written forms.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medmassage as mm
from medmassage.cli import main
from medmassage.serialization import from_dict, from_json, to_dict, to_json
from medmassage.testing import strategies as mst

MARK = st.text(alphabet="ЖЩЮЯЊЋЏЉЈЂ", min_size=6, max_size=12)
heavy = settings(max_examples=max(5, settings().max_examples // 4))


def secret_text() -> st.SearchStrategy[str]:
    """Free text that is one distinctive marker, possibly inside ordinary words."""
    return st.tuples(st.sampled_from(["", "pain ", "L4 "]), MARK).map("".join)


names = st.builds(
    mm.HumanName, family=MARK, given=st.lists(MARK, min_size=1, max_size=2).map(tuple)
)
contacts = st.builds(
    mm.ContactDetails,
    phone=st.from_regex(r"\A\+[0-9]{11,13}\Z"),
    email=st.tuples(MARK, MARK).map(lambda t: f"{t[0]}@{t[1]}.example"),
    address=MARK.map(lambda s: f"{s} street 12"),
)
secret_patients = mst.patients(
    names=names,
    contacts=contacts,
    notes=secret_text(),
    birth_dates=st.dates(dt.date(dt.date.today().year - 120, 1, 1), dt.date.today()),
)


def date_forms(day: dt.date) -> list[str]:
    """A birth date as people and programs write it."""
    return [
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        day.strftime("%m/%d/%Y"),
        day.strftime("%Y/%m/%d"),
        day.strftime("%d.%m.%Y"),
        day.strftime("%Y%m%d"),
        day.strftime("%B %d, %Y"),
        day.strftime("%d %B %Y"),
        f"{day.month}/{day.day}/{day.year}",
        repr(day),
        f"{day.year}, {day.month}, {day.day}",
    ]


def patient_secrets(p: mm.Patient) -> list[str]:
    found: list[str] = date_forms(p.birth_date)
    if p.name is not None:
        found += [p.name.family, *p.name.given]
    if p.contact is not None:
        found += [x for x in (p.contact.phone, p.contact.email, p.contact.address) if x]
    found += [c.note for c in p.conditions if c.note]
    found += [a.reaction for a in p.allergies if a.reaction]
    return found


def session_secrets(s: mm.Session) -> list[str]:
    out: list[str] = []

    def note(n: mm.SoapNote | None) -> None:
        if n is not None:
            out.extend(x for x in (n.subjective, n.objective, n.assessment, n.plan) if x)

    note(s.note)
    out += [r.note for r in s.adverse_reactions if r.note]
    out += [o.note for o in s.outcomes if o.note]
    for a in s.amendments:
        out.append(a.reason)
        note(a.original.note)
    return out


def _shown(attribute: attrs.Attribute[Any], value: object) -> bool:
    # Protected fields are the ones with a redacting repr, plus the patient's birth date.
    return not callable(attribute.repr) and attribute.name != "birth_date"


def public_text(*objs: attrs.AttrsInstance) -> str:
    """Everything in *objs* that is not protected (as repr and as JSON-ish text).

    Generated ordinary text (a provider's name, a drug name, a code's display) may
    by chance, or by hypothesis's search, contain a protected value; showing it
    there is no leak, so such values are not looked for.
    """
    parts: list[str] = []
    for obj in objs:
        shown = attrs.asdict(obj, filter=_shown)
        parts += [repr(shown), json.dumps(shown, default=str, ensure_ascii=False)]
    return "\n".join(parts)


def assert_clean(texts: Iterable[str], secrets: Iterable[str], public: str = "") -> None:
    joined = "\n".join(texts)
    for secret in secrets:
        if secret in public:
            continue
        assert secret not in joined, f"protected value {secret!r} leaked"


def error_texts(call: Callable[[], object]) -> list[str]:
    """Every text a caller or a logger could get from the exception *call* raises."""
    with pytest.raises(mm.MedmassageError) as info:
        call()
    exc = info.value
    texts = [str(exc), repr(exc), *map(str, exc.args), "".join(traceback.format_exception(exc))]
    if isinstance(exc, mm.ValidationError):
        texts += [str(p) for p in exc.problems] + [repr(p) for p in exc.problems]
    return texts


class Records(logging.Handler):
    """Collects every log record (hypothesis tests cannot use caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> list[str]:
        return [self.format(r) for r in self.records] + [repr(r.args) for r in self.records]


@contextmanager
def all_logs() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


def reprs(*objs: object) -> list[str]:
    return [f(o) for o in objs for f in (repr, str)]


# -- patients ----------------------------------------------------------------------


@given(secret_patients)
def test_patient_repr_and_str_show_only_the_id(patient: mm.Patient) -> None:
    """A patient's repr and str show only its id."""
    secrets = patient_secrets(patient)
    assert repr(patient) == str(patient) == f"Patient(id={patient.id!r})"
    parts: list[object] = [
        patient,
        patient.name,
        patient.contact,
        *patient.conditions,
        *patient.allergies,
    ]
    public = public_text(patient)
    assert_clean(reprs(*parts), secrets, public)
    assert_clean(reprs(mm.Case(patient=patient, plan=_plan_for(patient))), secrets, public)


def _plan_for(patient: mm.Patient) -> mm.TreatmentPlan:
    return mm.TreatmentPlan(
        id="plan-1",
        patient_id=patient.id,
        practitioner_id="pr-1",
        diagnoses=(mm.Diagnosis(coding=mm.Coding.icd10cm("M54.50")),),
        techniques=(
            mm.PlannedTechnique(
                modality="core.swedish",
                region=mm.BodyRegion.NECK,
                duration=mm.Duration(20, "min"),
                min_grade=mm.PressureGrade.LIGHT_LOTIONING,
                max_grade=mm.PressureGrade.SWEDISH,
            ),
        ),
        session_length=mm.Duration(30, "min"),
        sessions_per_week=1,
        duration_weeks=4,
        start_date=dt.date(2026, 1, 5),
    )


@given(secret_patients, MARK)
def test_patient_validation_errors_do_not_quote_values(patient: mm.Patient, other: str) -> None:
    """Patient validation errors do not quote names, dates or contact values."""
    assert patient.name is not None
    assert patient.contact is not None
    secrets = [*patient_secrets(patient), other]
    future = dt.date.today() + dt.timedelta(days=400)
    secrets += date_forms(future)
    name, contact, wrong = patient.name, patient.contact, cast(Any, other)
    with all_logs() as logs:
        texts = error_texts(lambda: attrs.evolve(patient, birth_date=future))
        texts += error_texts(lambda: attrs.evolve(contact, email=other))
        texts += error_texts(lambda: attrs.evolve(name, given=(other * 40,)))
        texts += error_texts(lambda: attrs.evolve(patient, sex=wrong))
        texts += error_texts(lambda: attrs.evolve(patient, name=wrong))
        texts += error_texts(lambda: mm.HumanName(family=name.family, given=wrong))
        texts += error_texts(
            lambda: mm.ContactDetails(phone=f"  {other} ".replace(other, " "), email=f" {other}@x")
        )
    assert_clean(texts + logs.texts(), secrets, public_text(patient))


@given(secret_patients, MARK)
def test_patient_decoding_errors_do_not_quote_values(patient: mm.Patient, other: str) -> None:
    """Patient decoding errors do not quote names, dates or contact values."""
    assert patient.name is not None
    assert patient.contact is not None
    secrets = [*patient_secrets(patient), other]
    good = to_dict(patient)
    bd = patient.birth_date
    corruptions: list[dict[str, Any]] = [
        {**good, "sex": patient.name.family},
        {**good, "birth_date": bd.strftime("%d/%m/%Y")},
        {**good, "birth_date": bd.strftime("%B %d, %Y")},
        {**good, "birth_date": f"{bd.isoformat()}T00:00:00"},
        {**good, "birth_date": {"date": bd.isoformat()}},
        {**good, "name": patient.name.family},
        {**good, "name": {"family": [patient.name.family], "given": patient.name.given[0]}},
        {**good, "contact": {**good["contact"], "email": other}},
        {**good, "contact": {**good["contact"], "phone": [patient.contact.phone]}},
        {**good, "contact": {**good["contact"], "address": {"street": patient.contact.address}}},
        {**good, "contact": f"{patient.contact.email}"},
        {**good, "id": patient.name.family},
        {
            **good,
            "conditions": [
                {"code": {"system": "x", "code": "y"}, "note": other * 2, "bogus": other}
            ],
        },
    ]
    with all_logs() as logs:
        texts: list[str] = []
        for bad in corruptions:
            texts += error_texts(functools.partial(from_dict, mm.Patient, bad))
            text = json.dumps(bad, ensure_ascii=False)
            texts += error_texts(functools.partial(from_json, mm.Patient, text))
        # a document that is not JSON at all, quoting the secrets
        broken = f'{{"name": "{patient.name.family}" ' + other
        texts += error_texts(lambda: from_json(mm.Patient, broken))
        # round trip works and logs nothing protected either
        assert from_json(mm.Patient, to_json(patient)) == patient
    assert_clean(texts + logs.texts(), secrets, public_text(patient))


# -- sessions, referrals, plans ------------------------------------------------------


@heavy
@given(st.data())
def test_session_notes_never_shown(data: st.DataObject) -> None:
    """Session notes appear in no repr, str or error message."""
    session = data.draw(mst.sessions(notes=secret_text(), signed=True))
    assert session.note is None or session.note.subjective is None or session.note.subjective
    secrets = session_secrets(session)
    objs: list[object] = [
        session,
        session.note,
        *session.adverse_reactions,
        *session.outcomes,
        *session.amendments,
    ]
    with all_logs() as logs:
        texts = reprs(*objs)
        texts += error_texts(lambda: attrs.evolve(session, duration=mm.Duration(0, "min")))
        texts += error_texts(lambda: session.sign(session.practitioner_id, session.start))
        texts += error_texts(
            lambda: session.amend(by="not an id", at=session.start, reason=data.draw(MARK))
        )
        doc = to_dict(session)
        if session.note is not None:
            texts += error_texts(
                lambda: from_dict(
                    mm.Session,
                    {**doc, "note": {**doc["note"], "subjective": [secrets[0]] if secrets else 1}},
                )
            )
        texts += error_texts(
            lambda: from_dict(mm.Session, {**doc, "status": secrets[0] if secrets else "x"})
        )
        assert from_json(mm.Session, to_json(session)) == session
    assert_clean(texts + logs.texts(), secrets, public_text(session))


@given(mst.referrals(instructions=secret_text()))
def test_referral_instructions_never_shown(referral: mm.Referral) -> None:
    """Referral instructions appear in no repr, str or error message."""
    secrets = [referral.instructions] if referral.instructions else []
    texts = reprs(referral)
    texts += error_texts(lambda: attrs.evolve(referral, frequency_per_week=0))
    texts += error_texts(
        lambda: from_dict(
            mm.Referral, {**to_dict(referral), "instructions": {"text": referral.instructions}}
        )
    )
    assert_clean(texts, secrets, public_text(referral))


@given(mst.treatment_plans(precautions=secret_text()), MARK)
def test_plan_precautions_and_goal_descriptions_never_shown(
    plan: mm.TreatmentPlan, description: str
) -> None:
    """Plan precautions and goal descriptions appear in no repr, str or error."""
    goal = mm.Goal(
        id="g-1",
        instrument="odi",
        target=20,
        comparator=mm.Comparator.AT_MOST,
        description=description,
    )
    plan = attrs.evolve(plan, goals=(goal,))
    secrets = [*plan.precautions, description]
    if plan.referral is not None and plan.referral.instructions:
        secrets.append(plan.referral.instructions)
    texts = reprs(plan, goal, *plan.goals)
    texts += error_texts(lambda: attrs.evolve(plan, precautions=(*plan.precautions, " ")))
    texts += [str(a) for a in mm.check(plan)]
    assert_clean(texts, secrets, public_text(plan))


# -- the example case, caplog and the command line ---------------------------------------

EXAMPLE_SECRETS = [
    "Maria",
    "maria@example.org",
    "+1 555 0100",
    *date_forms(dt.date(1979, 5, 14)),
    "Sore for one evening",
    "radiating to the left calf",
    "Hypertonic left piriformis",
    "home stretching",
    "No direct pressure over L4-S1",
    "Sit through a workday",
    "Nut-oil allergy",
]


def test_example_case_logs_and_messages_at_debug(
    caplog: pytest.LogCaptureFixture, lumbar_text: str
) -> None:
    """Loading and checking the example case logs no identity even at debug level."""
    caplog.set_level(logging.DEBUG)
    case = from_json(mm.Case, lumbar_text)
    assert case.patient.name is not None
    assert case.patient.name.family == "Example"
    texts = reprs(case, case.patient, case.plan, *case.sessions, *mm.check(case))
    to_json(case)
    data = json.loads(lumbar_text)
    data["patient"]["birth_date"] = "14/05/1979"
    data["patient"]["sex"] = "Maria"
    data["sessions"][0]["note"]["subjective"] = 7
    texts += error_texts(lambda: from_dict(mm.Case, data))
    texts += [r.getMessage() for r in caplog.records] + [repr(r.args) for r in caplog.records]
    assert_clean(texts, EXAMPLE_SECRETS)


def test_cli_output_and_logs_are_clean(
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    lumbar_text: str,
) -> None:
    """CLI output and logs contain no patient identity or free text."""
    caplog.set_level(logging.DEBUG)
    good = tmp_path / "good.json"
    good.write_text(lumbar_text, encoding="utf-8")
    data = json.loads(lumbar_text)
    data["patient"]["birth_date"] = "May 14, 1979"
    data["patient"]["name"] = "Maria Example"
    data["patient"]["contact"]["email"] = "maria-at-example.org"
    data["sessions"][0]["adverse_reactions"][0]["note"] = ["Sore for one evening"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "INVALID" in out
    assert "OK" in out
    logs = [r.getMessage() for r in caplog.records] + [repr(r.args) for r in caplog.records]
    assert_clean([out, err, *logs], [*EXAMPLE_SECRETS, "May 14, 1979"])


@heavy
@given(st.data())
def test_cli_summary_of_generated_cases_is_clean(data: st.DataObject) -> None:
    """The CLI summary of generated cases contains no identity or free text."""
    import contextlib
    import io
    import tempfile

    from medmassage._commands.validate import summarise

    case = data.draw(mst.cases())
    # Plans start in 2000 or later: a 20th-century birth date cannot coincide with a
    # date the summary legitimately prints.
    patient = data.draw(
        mst.patients(
            ids=st.just(case.patient.id),
            names=names,
            contacts=contacts,
            notes=secret_text(),
            birth_dates=st.dates(dt.date(dt.date.today().year - 120, 1, 1), dt.date(1999, 12, 31)),
        )
    )
    case = attrs.evolve(case, patient=patient)
    secrets = patient_secrets(patient)
    summary = summarise(case)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.json"
        path.write_text(to_json(case), encoding="utf-8")
        out = io.StringIO()
        with all_logs() as logs, contextlib.redirect_stdout(out):
            status = main(["validate", str(path)])
    # 1 only for error-level findings (e.g. a generated modality no registry knows).
    assert status == (1 if out.getvalue().startswith("ERRORS") else 0)
    assert_clean([summary, out.getvalue(), *logs.texts()], secrets, public_text(case))
