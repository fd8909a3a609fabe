"""medmassage.batch: one flat row per record, in order, never an exception (issue 13).

Rows are compared with the one-record APIs they stand for (`screen`,
`bill_session`, `track`), called one by one on the same cases.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import pickle
from collections.abc import Iterator
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medmassage.batch._many as many_module
import medmassage.batch._records as records_module
import medmassage.screening as screening_module
from factories import FailingRule
from medmassage.batch import (
    BILL_SCHEMA,
    FINGERPRINT_MISMATCH,
    SCREEN_SCHEMA,
    TRACK_SCHEMA,
    bill_many,
    screen_many,
    track_many,
    warm_up,
)
from medmassage.billing import bill_session
from medmassage.cases import Case
from medmassage.exceptions import ScreeningError, UnknownCodeError, ValidationError
from medmassage.plugins import RegistrySpec, get_default_registry
from medmassage.progress import track
from medmassage.screening import screen, screen_case
from medmassage.serialization import from_json, to_dict, to_json
from medmassage.sessions import SessionStatus
from medmassage.testing import strategies as mst
from medmassage.testing.plugins import registry_from

EXAMPLES = ("acute_dvt_deferred.json", "lumbar_disc_herniation.json",
            "postmastectomy_lymphedema.json")  # fmt: skip


def _text(name: str) -> str:
    return resources.files("medmassage").joinpath("_examples", name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The bundled example cases, as JSON text."""
    return [_text(name) for name in EXAMPLES]


@pytest.fixture(scope="module")
def cases(texts: list[str]) -> list[Case]:
    """The bundled example cases."""
    return [from_json(Case, t) for t in texts]


# -- screening ---------------------------------------------------------------------------


def test_screen_case_is_the_plan_and_each_completed_session(cases: list[Case]) -> None:
    """screen_case screens the plan and every completed session, as screen does one by one."""
    for case in cases:
        result = screen_case(case)
        assert result.plan == screen(case)
        completed = [s for s in case.sessions if s.status is SessionStatus.COMPLETED]
        assert list(result.sessions) == [s.id for s in completed]
        for session in completed:
            assert result.sessions[session.id] == screen(case, session=session)
        assert result.unavailable is None
        assert result.status == screen(case).status.value


def test_screen_case_with_a_date_leaves_out_later_sessions(cases: list[Case]) -> None:
    """With on=, the plan is screened on that date and sessions after it are not screened."""
    case = cases[2]
    day = case.sessions[2].start.date()
    result = screen_case(case, on=day)
    assert result.plan is not None
    assert result.plan.on == day
    assert list(result.sessions) == [s.id for s in case.sessions if s.start.date() <= day]
    assert len(result.sessions) < len(case.sessions)


def test_screen_case_that_cannot_run_is_indeterminate(
    cases: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screening that raises is reported as indeterminate with the reason, never clear."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ScreeningError("no rules could be loaded")

    monkeypatch.setattr(screening_module, "screen", broken)
    result = screen_case(cases[1])
    assert result.plan is None
    assert dict(result.sessions) == {}
    assert result.status == "indeterminate"
    assert result.unavailable == "ScreeningError: no rules could be loaded"
    (row,) = screen_many([cases[1]])
    assert row.status == "indeterminate"
    assert row.ok
    assert row.unavailable == result.unavailable
    assert row.findings is None  # no count that could read as "nothing found"
    assert row.session_violations is None


def test_every_record_form_gives_one_row_in_order(cases: list[Case], texts: list[str]) -> None:
    """A Case, a mapping, JSON text, UTF-8 bytes and an (id, record) pair each give one row."""
    records: list[object] = [
        cases[0],
        to_dict(cases[1]),
        texts[2],
        texts[0].encode("utf-8"),
        ("my-id", texts[1]),
    ]
    rows = list(screen_many(records))
    assert [r.index for r in rows] == [0, 1, 2, 3, 4]
    plan_ids = [c.plan.id for c in cases]
    assert [r.id for r in rows] == [plan_ids[0], plan_ids[1], plan_ids[2], plan_ids[0], "my-id"]
    expected = [screen(cases[i]).status.value for i in (0, 1, 2, 0, 1)]
    assert [r.status for r in rows] == expected
    assert all(r.ok for r in rows)


def test_rows_hold_what_screen_gives(cases: list[Case]) -> None:
    """Each row's counts, rule ids and session statuses are those of screen() one by one."""
    registry = get_default_registry()
    for row, case in zip(screen_many(cases), cases, strict=True):
        plan = screen(case)
        assert row.status == plan.status.value
        assert row.on == plan.on
        assert row.findings == len(plan.findings)
        assert row.rule_ids == tuple(f.rule_id for f in plan.findings)
        assert row.failures == 0
        assert row.failed_rules == ()
        assert row.plan_conflicts == len(plan.plan_conflicts)
        assert row.advisory_codes == tuple(a.code for a in plan.advisories)
        completed = [s for s in case.sessions if s.status is SessionStatus.COMPLETED]
        assert row.session_ids == tuple(s.id for s in completed)
        assert row.session_statuses == tuple(
            screen(case, session=s).status.value for s in completed
        )
        assert row.fingerprint == registry.fingerprint()
        assert row.version == records_module.version() != ""


def test_the_policy_and_date_reach_screening(cases: list[Case]) -> None:
    """on= and policy= are applied to every record as screen applies them."""
    from medmassage.contraindications import Policy, Severity

    policy = Policy(severities={"core.herniated_disc": Severity.ABSOLUTE})
    day = dt.date(2026, 1, 20)
    (row,) = screen_many([cases[1]], on=day, policy=policy)
    plan = screen(cases[1], on=day, policy=policy)
    assert (row.on, row.status, row.rule_ids) == (
        day,
        plan.status.value,
        tuple(f.rule_id for f in plan.findings),
    )
    assert row.status != screen(cases[1], on=day).status.value


def test_bad_records_give_error_rows_with_paths(texts: list[str]) -> None:
    """Bad JSON, another kind of document, an invalid field and a non-record are error rows."""
    doc = from_json(Case, texts[1])
    invalid = to_dict(doc)
    invalid["patient"]["birth_date"] = "14 May 1979"
    newer = to_dict(doc)
    newer["schema_version"] = 99
    records: list[object] = [
        texts[1][:200],
        to_json(doc.patient),
        invalid,
        newer,
        42,
        ("only-one",),
        (7, texts[1]),
    ]
    rows = list(screen_many(records))
    assert len(rows) == len(records)
    assert [r.index for r in rows] == list(range(len(records)))
    assert [r.error for r in rows] == [
        "ValidationError",
        "ValidationError",
        "ValidationError",
        "SchemaVersionError",
        "ValidationError",
        "ValidationError",
        "ValidationError",
    ]
    assert [r.id for r in rows] == [None, None, doc.plan.id, doc.plan.id, None, None, None]
    assert ("patient.birth_date", "date") in {(p.path, p.code) for p in rows[2].problems}
    assert {"plan", "patient", "birth_date"} <= {p.path for p in rows[1].problems}
    assert rows[6].problems[0].path == "id"
    for row in rows:
        assert row.status is None
        assert row.findings is None
        assert not row.ok


def test_a_failing_rule_makes_rows_indeterminate(cases: list[Case]) -> None:
    """A plugin rule that raises makes the row indeterminate, naming the rule, as screen does."""
    registry = registry_from(rules=[FailingRule()])
    rows = list(screen_many(cases, registry=registry))
    for row, case in zip(rows, cases, strict=True):
        assert row.status == "indeterminate" == screen(case, registry=registry).status.value
        assert "acme.failing" in row.failed_rules
        assert set(row.session_statuses) <= {"indeterminate"}
        assert row.fingerprint == registry.fingerprint() != get_default_registry().fingerprint()


def test_an_unexpected_error_is_a_row_without_its_message(
    cases: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-medmassage exception gives an error row naming its class, not its message."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Ann Example, born 1979-05-14")

    monkeypatch.setattr(many_module, "screen_case", broken)
    rows = list(screen_many([cases[0], cases[1]]))
    assert [r.error for r in rows] == ["RuntimeError", "RuntimeError"]
    assert "Ann" not in repr([r.as_dict() for r in rows])


def test_arguments_are_checked_at_the_call() -> None:
    """A bad argument (not a bad record) raises at the call, before any record is read."""
    with pytest.raises(ValidationError, match="on"):
        screen_many([], on=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="policy"):
        screen_many([], policy="strict")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="registry"):
        screen_many([], registry="default")  # type: ignore[arg-type]
    with pytest.raises(UnknownCodeError):
        bill_many([], policy="no-such-payer")
    with pytest.raises(ValidationError, match="as_of"):
        track_many([], as_of="2026-01-01")  # type: ignore[arg-type]


def test_records_are_read_one_at_a_time(texts: list[str]) -> None:
    """screen_many reads its input lazily: an endless stream gives rows as they are asked for."""
    endless: Iterator[str] = itertools.cycle(texts)
    rows = list(itertools.islice(screen_many(endless), 5))
    assert [r.index for r in rows] == [0, 1, 2, 3, 4]


def test_as_dict_has_the_published_columns(texts: list[str]) -> None:
    """as_dict of result and error rows has exactly the columns of the published schema."""
    records = [texts[1], "{"]
    for rows, schema in (
        (list(screen_many(records)), SCREEN_SCHEMA),
        (list(bill_many(records)), BILL_SCHEMA),
        (list(track_many(records)), TRACK_SCHEMA),
    ):
        assert {r.ok for r in rows} == {True, False}
        for row in rows:
            assert list(row.as_dict()) == [name for name, _ in schema]
    error = next(screen_many(["{"])).as_dict()
    assert error["problems"] == [
        {"path": p.path, "code": p.code, "message": p.message}
        for p in next(screen_many(["{"])).problems
    ]


# -- billing and outcomes ------------------------------------------------------------------


def test_bill_many_is_bill_session_for_each_session(cases: list[Case]) -> None:
    """One row per session, with the units and coding-edit codes bill_session gives."""
    rows = list(bill_many([*cases, "{"], policy="per_code"))
    sessions = [(i, c, s) for i, c in enumerate(cases) for s in c.sessions]
    assert len(rows) == len(sessions) + 1
    for row, (index, case, session) in zip(rows, sessions, strict=False):
        bill = bill_session(
            session, policy="per_code", diagnoses=[d.code for d in case.plan.diagnoses]
        )
        assert (row.index, row.id, row.session_id) == (index, case.plan.id, session.id)
        assert dict(row.units or {}) == dict(bill.units)
        assert row.total_units == bill.total_units
        assert row.advisory_codes == tuple(e.code for e in bill.edits)
        assert row.policy == "per_code"
    assert rows[-1].error == "ValidationError"
    assert rows[-1].index == len(cases)


def test_a_session_that_cannot_be_billed_is_an_error_row(cases: list[Case]) -> None:
    """A session whose billing raises gives an error row with its session id; the rest go on."""
    doc: dict[str, Any] = to_dict(cases[1])
    doc["sessions"][0]["segments"][0]["modality"] = "acme.unbilled"
    rows = list(bill_many([doc]))
    assert len(rows) == len(cases[1].sessions)
    first = rows[0]
    assert (first.session_id, first.error, first.units) == (
        cases[1].sessions[0].id,
        "UnknownCodeError",
        None,
    )
    assert "acme.unbilled" in first.problems[0].message
    assert all(r.ok for r in rows[1:])


def test_track_many_is_track_for_each_series(cases: list[Case]) -> None:
    """One row per series: instrument, baseline, latest, change and MCID as track() gives them."""
    rows = [r for r in track_many(cases) if r.unscored is None]
    expected = [
        (i, c.plan.id, s) for i, c in enumerate(cases) for s in track(c.plan, c.sessions).series
    ]
    assert len(rows) == len(expected) > 0
    for row, (index, plan_id, series) in zip(rows, expected, strict=True):
        assert (row.index, row.id, row.instrument) == (index, plan_id, series.code)
        assert row.points == len(series.points)
        assert row.baseline == series.baseline.value
        assert row.latest == series.latest.value
        change = series.change
        assert row.change == (None if change is None else change.difference)
        assert row.met == (None if change is None else change.mcid_reached)
        mcid = None if change is None else change.mcid
        assert row.mcid == (None if mcid is None else mcid.value)
        assert row.trend == series.trend.value


def test_a_measure_that_cannot_be_scored_is_a_row_with_the_reason(cases: list[Case]) -> None:
    """An outcome measure of an unknown instrument gives a row saying why it is unscored."""
    doc: dict[str, Any] = to_dict(cases[1])
    measures = next(s["outcomes"] for s in doc["sessions"] if s.get("outcomes"))
    measures.append(copy.deepcopy(measures[0]) | {"instrument": "acme.unknown"})
    rows = list(track_many([doc]))
    unscored = [r for r in rows if r.unscored is not None]
    assert [r.instrument for r in unscored] == ["acme.unknown"]
    assert unscored[0].points == 0
    assert unscored[0].ok


# -- registry spec and warm-up ------------------------------------------------------------


def test_a_registry_spec_pickles_and_builds_once_per_process() -> None:
    """A spec is a small picklable value; it builds its registry once and caches it."""
    spec = RegistrySpec(autoload=False, block=["acme", "acme"], prefer={"x.y": "acme"})
    again = pickle.loads(pickle.dumps(spec))
    assert again == spec
    assert again.block == ("acme",)
    assert again.build() is spec.build()
    assert spec.build().fingerprint() == registry_from().fingerprint()
    pinned = spec.pinned()
    assert pinned.expected == spec.build().fingerprint()
    assert pinned.matches(spec.build())
    assert pinned.build() is spec.build()


def test_a_registry_spec_refuses_wrong_settings() -> None:
    """Settings of the wrong type are refused with the field named."""
    with pytest.raises(ValidationError, match="allow"):
        RegistrySpec(allow="acme")
    with pytest.raises(ValidationError, match="autoload"):
        RegistrySpec(autoload="yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="prefer"):
        RegistrySpec(prefer=[("only-key",)])  # type: ignore[list-item]


def test_a_worker_with_another_registry_gives_fingerprint_mismatch_rows(
    texts: list[str],
) -> None:
    """Rows from a registry that is not the expected one are error rows, ids kept."""
    spec = attrs.evolve(RegistrySpec(autoload=False), expected="sha256:" + "0" * 64)
    records: list[object] = [texts[0], ("mine", texts[1]), "{"]
    for rows in (
        list(screen_many(records, registry=spec)),
        list(bill_many(records, registry=spec)),
        list(track_many(records, registry=spec)),
    ):
        assert len(rows) == 3
        assert {r.error for r in rows} == {FINGERPRINT_MISMATCH}
        assert [r.id for r in rows] == [from_json(Case, texts[0]).plan.id, "mine", None]
        assert all(r.fingerprint == spec.build().fingerprint() for r in rows)
    matching = list(screen_many(records, registry=RegistrySpec(autoload=False).pinned()))
    assert [r.ok for r in matching] == [True, True, False]


def test_warm_up_returns_the_fingerprint_of_the_registry_it_warms() -> None:
    """warm_up builds and exercises the registry and returns its fingerprint."""
    spec = RegistrySpec(autoload=False)
    assert warm_up(spec) == spec.build().fingerprint()
    assert warm_up() == get_default_registry().fingerprint()
    registry = registry_from(rules=[FailingRule()])
    assert warm_up(registry) == registry.fingerprint()


# -- properties: screen_many is screen, one by one -------------------------------------------

#: Identity a broken record carries, where a careless error message would repeat it.
FAMILY, GIVEN = "Quixwortham", "Zebulonius"
EMAIL, PHONE = "zebulonius.quixwortham@example.org", "+1 555 0100 7788"
ADDRESS, NOTE = "17 Sentinel Lane, Springfield", "Patient says her neighbour Ysolde drove her"
IDENTITY = (FAMILY, GIVEN, EMAIL, PHONE, ADDRESS, NOTE)
#: Keys whose text values are patient identifiers or free text.
PROTECTED = {"family", "given", "phone", "email", "address", "note", "subjective",
             "objective", "assessment", "reason", "substance", "procedure", "cleared_by",
             "birth_date"}  # fmt: skip


def _identified(doc: dict[str, Any]) -> dict[str, Any]:
    """The case document with the sentinel identity in the patient's protected fields."""
    doc = copy.deepcopy(doc)
    patient = doc["patient"]
    patient["name"] = {"family": FAMILY, "given": [GIVEN]}
    patient["contact"] = {"phone": PHONE, "email": EMAIL, "address": ADDRESS}
    for condition in patient.get("conditions", []):
        condition["note"] = NOTE
    return doc


def _break(doc: dict[str, Any], how: str) -> object:
    """A broken record made from a valid case document (identity put where it is refused)."""
    doc = copy.deepcopy(doc)
    if how == "bad_json":
        text = to_json(from_json(Case, json_dumps(doc)))
        return text[: len(text) // 2]
    if how == "wrong_kind":
        return {"schema_version": 1, **doc["patient"]}
    if how == "invalid_field":
        doc["plan"]["sessions_per_week"] = 0
    elif how == "identity_as_date":
        doc["patient"]["birth_date"] = NOTE
    elif how == "identity_as_enum":
        doc["patient"]["sex"] = FAMILY
    elif how == "identity_as_number":
        doc["plan"]["duration_weeks"] = EMAIL
    elif how == "identity_as_key":
        doc["patient"][GIVEN.lower()] = ADDRESS
    elif how == "missing":
        del doc["patient"]["sex"]
    elif how == "newer_schema":
        doc["schema_version"] = 2
    return doc


def json_dumps(doc: object) -> str:
    """JSON text of a document (the writer medmassage's own documents use)."""
    import json

    return json.dumps(doc, ensure_ascii=False)


BREAKS = ("bad_json", "wrong_kind", "invalid_field", "identity_as_date", "identity_as_enum",
          "identity_as_number", "identity_as_key", "missing", "newer_schema")  # fmt: skip
FORMS = ("case", "mapping", "text", "bytes", "pair")


def _in_form(record: object, form: str, given_id: str) -> object:
    if form == "text" or (form == "bytes" and isinstance(record, str)):
        text = record if isinstance(record, str) else json_dumps(record)
        return text.encode("utf-8") if form == "bytes" else text
    if form == "bytes":
        return json_dumps(record).encode("utf-8")
    if form == "pair":
        return (given_id, record)
    return record


def _protected_values(doc: object) -> set[str]:
    """Every identifying text value in a document, long enough to be searched for."""
    found: set[str] = set()
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in PROTECTED and isinstance(value, str) and len(value) >= 8:  # a birth date: 10
                found.add(value)
            elif key in PROTECTED and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str) and len(v) >= 8)
            else:
                found |= _protected_values(value)
    elif isinstance(doc, list):
        for value in doc:
            found |= _protected_values(value)
    return found


def _shown(row_dict: dict[str, object]) -> str:
    """A row as text, without its id and fingerprint (opaque values that are not identity)."""
    shown = {k: v for k, v in row_dict.items() if k not in ("id", "fingerprint")}
    return json_dumps(shown) + repr(shown)


@st.composite
def _batches(draw: st.DrawFn) -> tuple[list[object], list[tuple[Case | None, str | None]], str]:
    """Records of every form, valid and broken, with what each should give."""
    records: list[object] = []
    expected: list[tuple[Case | None, str | None]] = []
    for i in range(draw(st.integers(min_value=1, max_value=3))):
        case = draw(mst.cases(max_sessions=2))
        doc = _identified(to_dict(case))
        valid = from_json(Case, json_dumps(doc))
        form = draw(st.sampled_from(FORMS))
        how = draw(st.none() | st.sampled_from(BREAKS))
        given = f"given-{i}"
        if how is None:
            record: object = valid if form == "case" else _in_form(doc, form, given)
            if form == "case" and draw(st.booleans()):
                record = (given, valid)
                form = "pair"
            expected.append((valid, given if form == "pair" else valid.plan.id))
            records.append(record)
            continue
        broken = _break(doc, how)
        form = "mapping" if form == "case" and not isinstance(broken, str) else form
        records.append(_in_form(broken, form, given))
        readable = how not in ("bad_json", "wrong_kind")
        expected.append((None, given if form == "pair" else (valid.plan.id if readable else None)))
    return records, expected, draw(st.sampled_from(("default", "failing")))


FAILING_REGISTRY = registry_from(rules=[FailingRule()])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_batches())
def test_screen_many_is_screen_one_by_one(
    batch: tuple[list[object], list[tuple[Case | None, str | None]], str],
) -> None:
    """For generated valid and broken records, one row each, ids kept, rows equal to screen()."""
    records, expected, which = batch
    registry = FAILING_REGISTRY if which == "failing" else get_default_registry()
    rows = list(screen_many(records, registry=registry))
    assert len(rows) == len(records)
    for index, (row, (case, record_id)) in enumerate(zip(rows, expected, strict=True)):
        assert (row.index, row.id) == (index, record_id)
        assert row.fingerprint == registry.fingerprint()
        if case is None:
            assert row.error is not None
            assert row.status is None
            assert row.problems
            text = _shown(row.as_dict())
            leaked = [v for v in (*IDENTITY, *_protected_values(to_dict_or_none(records[index])))
                      if v in text]  # fmt: skip
            assert leaked == []
            continue
        assert row.error is None
        plan = screen(case, registry=registry)
        assert row.status == plan.status.value
        assert row.on == plan.on
        assert row.rule_ids == tuple(f.rule_id for f in plan.findings)
        assert row.failed_rules == tuple(f.rule_id for f in plan.failures)
        assert row.advisory_codes == tuple(a.code for a in plan.advisories)
        completed = [s for s in case.sessions if s.status is SessionStatus.COMPLETED]
        assert row.session_ids == tuple(s.id for s in completed)
        assert row.session_statuses == tuple(
            screen(case, session=s, registry=registry).status.value for s in completed
        )
        if which == "failing":
            assert row.status == "indeterminate"
        assert [v for v in IDENTITY if v in _shown(row.as_dict())] == []


def to_dict_or_none(record: object) -> object:
    """The document a record holds, for searching its identifying values."""
    if isinstance(record, tuple):
        record = record[1]
    if isinstance(record, Case):
        return to_dict(record)
    if isinstance(record, bytes):
        record = record.decode("utf-8")
    if isinstance(record, str):
        try:
            import json

            return json.loads(record)
        except ValueError:
            return None
    return record


def test_wrong_arguments_of_the_spec_and_screen_case_are_refused() -> None:
    """A spec with a non-text name or fingerprint, and screen_case of a non-case, raise."""
    with pytest.raises(ValidationError, match=r"block\[0\]"):
        RegistrySpec(block=[1])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="expected"):
        RegistrySpec(expected=1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="case"):
        screen_case("case")  # type: ignore[arg-type]


def test_a_tracking_failure_is_an_error_row(
    cases: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If tracking a case raises, that record gives one error row and the next goes on."""
    calls = iter([RuntimeError("Ann Example"), None])

    def flaky(*args: Any, **kwargs: Any) -> Any:
        error = next(calls)
        if error is not None:
            raise error
        return track(*args, **kwargs)

    monkeypatch.setattr(many_module, "track", flaky)
    rows = list(track_many(cases[1:3]))
    assert rows[0].index == 0
    assert rows[0].error == "RuntimeError"
    assert "Ann" not in repr(rows[0].as_dict())
    assert {r.index for r in rows[1:]} == {1}
    assert all(r.ok for r in rows[1:])
