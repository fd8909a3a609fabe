"""medmassage.arrow: flat, versioned tables of cases, Parquet output, and DuckDB over it.

The tables are checked against the models they come from (row counts, canonical
units, UTC instants), against `mm.track`, `screen_case` and `screen_many` (the
same scores, changes, findings and statuses) and against a schema snapshot committed in
``tests/snapshots/arrow_schema.json``: a change to the tables' layout must update
the snapshot (and, if a column is removed or changes meaning, TABLES_VERSION).
Regenerate it with ``MEDMASSAGE_UPDATE_SNAPSHOTS=1 pytest tests/test_arrow.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medmassage as mm
import medmassage.screening as screening_module
from factories import FailingRule
from medmassage import arrow
from medmassage._validation import instant
from medmassage.batch import screen_many
from medmassage.screening import CaseScreening, screen_case
from medmassage.testing import strategies as mst
from medmassage.testing.plugins import example_patient_and_plan, registry_from

SNAPSHOT = Path(__file__).parent / "snapshots" / "arrow_schema.json"
EXAMPLES = Path(__file__).parent.parent / "src" / "medmassage" / "_examples"
heavy = settings(
    max_examples=max(5, settings().max_examples // 5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def example_cases() -> list[mm.Case]:
    """The bundled example cases."""
    return [mm.from_json(mm.Case, p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))]


@st.composite
def scored_cases(draw: st.DrawFn) -> mm.Case:
    """Generated cases whose sessions also carry scorable NPRS and QuickDASH series."""
    case = draw(mst.cases(max_sessions=5))
    sessions = []
    for s in case.sessions:
        extra = tuple(
            mm.OutcomeMeasure(
                instrument=code,
                taken_at=s.start,
                value=draw(st.integers(0, 10) if code == "nprs" else st.integers(0, 100)),
            )
            for code in draw(st.lists(st.sampled_from(["nprs", "quickdash"]), max_size=2))
        )
        # Mostly completed (tracked); an unsigned copy: a signed session cannot be evolved.
        status = mm.SessionStatus.COMPLETED if draw(st.integers(0, 3)) else s.status
        sessions.append(
            attrs.evolve(
                s, signature=None, amendments=(), status=status, outcomes=(*s.outcomes, *extra)
            )
        )
    return attrs.evolve(case, sessions=tuple(sessions))


case_lists = st.lists(scored_cases(), min_size=1, max_size=4, unique_by=lambda c: c.plan.id)


# -- the schema contract ---------------------------------------------------------------


def schema_snapshot() -> dict[str, Any]:
    """The tables' layout as JSON: each column's name, Arrow type and nullability."""

    def fields(schema: pa.Schema) -> list[dict[str, object]]:
        return [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]

    return {
        "tables_version": arrow.TABLES_VERSION,
        "tables": {t: fields(arrow.schema(t)) for t in arrow.TABLE_NAMES},
        "identifiable_columns": {
            t: [c.name for c in arrow.columns(t, identifiable=True) if c.identifiable]
            for t in arrow.TABLE_NAMES
        },
    }


def test_schema_matches_the_committed_snapshot() -> None:
    """The tables' columns and types are those of tests/snapshots/arrow_schema.json."""
    current = schema_snapshot()
    if os.environ.get("MEDMASSAGE_UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == current, (
        "the tables' layout changed: update tests/snapshots/arrow_schema.json "
        "(MEDMASSAGE_UPDATE_SNAPSHOTS=1) and, if a column was removed or changed "
        "meaning, TABLES_VERSION"
    )


def test_every_table_carries_its_version_and_column_descriptions() -> None:
    """Every table's schema names the table and TABLES_VERSION; every field is described."""
    for name, table in arrow.tables(example_cases()).items():
        meta = table.schema.metadata
        assert meta[b"medmassage.table"] == name.encode()
        assert meta[b"medmassage.tables_version"] == str(arrow.TABLES_VERSION).encode()
        assert meta[b"medmassage.identifiable"] == b"false"
        for field in table.schema:
            assert field.metadata[b"description"].strip(), f"{name}.{field.name}"
        assert table.column_names[:2] == ["plan_id", "patient_id"]


# -- tables against the models ----------------------------------------------------------


def _expected_counts(cases: list[mm.Case]) -> dict[str, int]:
    def conditions(c: mm.Case) -> int:
        referral = c.plan.referral
        return (
            len(c.patient.conditions)
            + len(c.plan.diagnoses)
            + (0 if referral is None else len(referral.diagnoses))
        )

    screenings = [a for c in cases for a in _screenings(screen_case(c))]
    return {
        "patients": len(cases),
        "conditions": sum(conditions(c) for c in cases),
        "plans": len(cases),
        "planned_techniques": sum(len(c.plan.techniques) for c in cases),
        "sessions": sum(len(c.sessions) for c in cases),
        "segments": sum(len(s.segments) for c in cases for s in c.sessions),
        "outcome_measures": sum(len(s.outcomes) for c in cases for s in c.sessions),
        "screenings": len(screenings),
        "findings": sum(len(a.findings) + len(a.failures) + len(a.violations) for a in screenings),
    }


@heavy
@given(case_lists)
def test_row_counts_equal_the_model_counts(cases: list[mm.Case]) -> None:
    """Each table has one row per record of its kind in the cases."""
    tables = arrow.tables(cases)
    assert list(tables) == list(arrow.TABLE_NAMES)
    assert {t: tables[t].num_rows for t in tables} == _expected_counts(cases)


@heavy
@given(case_lists)
def test_units_are_canonical_and_instants_utc(cases: list[mm.Case]) -> None:
    """Durations are seconds, pressures kPa (converted by pint), times UTC instants plus zone."""
    tables = arrow.tables(cases)
    segments = tables["segments"].to_pylist()
    models = [seg for c in cases for s in c.sessions for seg in s.segments]
    for row, seg in zip(segments, models, strict=True):
        assert row["duration_s"] == pytest.approx(seg.duration.m_as("s"))
        expected = None if seg.pressure is None else seg.pressure.m_as("kPa")
        assert row["pressure_kpa"] == (None if expected is None else pytest.approx(expected))
    rows = tables["sessions"].to_pylist()
    sessions = [s for c in cases for s in c.sessions]
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    for row, s in zip(rows, sessions, strict=True):
        assert row["session_id"] == s.id
        assert row["duration_s"] == pytest.approx(s.duration.m_as("s"))
        # Microseconds since the epoch, exact across daylight-saving folds.
        assert row["start_utc"] - epoch == instant(s.start)
        assert row["start_utc_offset_s"] == s.start.utcoffset().total_seconds()  # type: ignore[union-attr]
        assert row["local_date"] == s.start.date()
        zone = getattr(s.start.tzinfo, "key", None)
        if zone is not None:
            assert row["start_zone"] == zone
    techniques = tables["planned_techniques"].to_pylist()
    planned = [t for c in cases for t in c.plan.techniques]
    for row, t in zip(techniques, planned, strict=True):
        assert row["duration_s"] == pytest.approx(t.duration.m_as("s"))
    names = {n for t in tables.values() for n in t.column_names}
    assert not {n for n in names if n.endswith(("_min", "_minutes", "_mmhg", "_kgf", "_psi"))}


@heavy
@given(case_lists)
def test_outcome_scores_and_changes_are_those_of_track(cases: list[mm.Case]) -> None:
    """Each series' scores, and its latest change against the MCID, are exactly track()'s."""
    rows = arrow.outcome_measures(cases).to_pylist()
    for case in cases:
        progress = mm.track(case.plan, case.sessions)
        mine = [r for r in rows if r["plan_id"] == case.plan.id]
        assert sum(not r["scored"] for r in mine if r["tracked"]) == len(progress.unscored)
        for index, series in enumerate(progress.series):
            points = sorted(
                (r for r in mine if r["series"] == index), key=lambda r: r["series_position"]
            )
            assert [r["score"] for r in points] == [p.value for p in series.points]
            assert [r["session_id"] for r in points] == [p.session_id for p in series.points]
            latest = points[-1]
            assert latest["is_latest"]
            assert latest["series_length"] == len(series.points)
            change = series.change
            if change is None:
                assert latest["change_from_baseline"] is None
                continue
            assert latest["change_from_baseline"] == change.difference
            assert latest["improvement"] == change.improvement
            assert latest["mcid_met"] == change.mcid_reached
            assert latest["mcid"] == (None if change.mcid is None else change.mcid.value)
            level = None if change.mcid is None else change.mcid.evidence_level
            assert latest["mcid_evidence_level"] == (None if level is None else level.value)


def test_the_examples_outcome_rows_carry_mcid_fields() -> None:
    """On the bundled cases, a follow-up NPRS row names its MCID, whether it was met, its level."""
    rows = arrow.outcome_measures(example_cases()).to_pylist()
    followups = [r for r in rows if r["instrument"] == "nprs" and r["series_position"]]
    assert followups
    for r in followups:
        assert r["mcid"] is not None
        assert r["mcid_met"] is not None
        assert r["mcid_evidence_level"] in {level.value for level in mm.EvidenceLevel}
        assert r["mcid_met"] == (r["improvement"] >= r["mcid"])
    baselines = [r for r in rows if r["series_position"] == 0]
    assert all(r["change_from_baseline"] is None for r in baselines)


def _screenings(screened: CaseScreening) -> list[mm.Assessment]:
    """The assessments of a case's screening: the plan's, then each session's."""
    plan = [] if screened.plan is None else [screened.plan]
    return [*plan, *screened.sessions.values()]


@heavy
@given(case_lists)
def test_findings_and_screenings_are_those_of_screen_case(cases: list[mm.Case]) -> None:
    """A screenings row per screen_case screening (plan, then sessions), findings linked to it."""
    tables = arrow.tables(cases)
    findings = tables["findings"].to_pylist()
    rows = tables["screenings"].to_pylist()
    expected = []
    for case in cases:
        screened = screen_case(case)
        assert screened.plan is not None
        pairs = [(None, screened.plan), *screened.sessions.items()]
        for session_id, assessment in pairs:
            expected.append((case.plan.id, session_id, assessment.on, assessment.status.value))
            mine = [
                r
                for r in findings
                if (r["plan_id"], r["session_id"], r["kind"])
                == (case.plan.id, session_id, "finding")
            ]
            assert {r["screening_status"] for r in mine} <= {assessment.status.value}
            got = [(r["rule_id"], r["severity"], r["action"], r["evidence_level"]) for r in mine]
            assert got == [
                (
                    f.rule_id,
                    f.severity.value,
                    f.action.value,
                    None if f.evidence_level is None else f.evidence_level.value,
                )
                for f in assessment.findings
            ]
            broken = [
                (r["rule_id"], r["segment"], r["violation_kind"])
                for r in findings
                if (r["plan_id"], r["session_id"], r["kind"])
                == (case.plan.id, session_id, "violation")
            ]
            assert broken == [(v.rule_id, v.segment, v.kind) for v in assessment.violations]
    got = [(r["plan_id"], r["session_id"], r["screened_on"], r["status"]) for r in rows]
    assert got == expected


def test_a_failed_rule_is_an_indeterminate_row_not_all_clear() -> None:
    """With a rule that raises, the screening row is indeterminate and a failure row names it."""
    registry = registry_from(rules=[FailingRule()])
    tables = arrow.tables(example_cases(), registry=registry)
    assert set(tables["screenings"].column("status").to_pylist()) == {"indeterminate"}
    failures = [r for r in tables["findings"].to_pylist() if r["kind"] == "failure"]
    screenings = sum(len(_screenings(screen_case(c, registry=registry))) for c in example_cases())
    assert [r["rule_id"] for r in failures] == ["acme.failing"] * screenings
    assert all(r["screening_status"] == "indeterminate" for r in failures)
    assert all(r["failure_stage"] == "evaluate" and r["failure_cause"] for r in failures)


def _batch_view(rows: list[dict[str, Any]]) -> list[tuple[object, ...]]:
    """Per case, what a screen_many row says: plan status, date, counts, sessions and theirs."""
    out: list[tuple[object, ...]] = []
    for row in rows:
        if row["session_id"] is not None:
            continue
        sessions = [r for r in rows if r["plan_id"] == row["plan_id"] and r["session_id"]]
        out.append(
            (
                row["plan_id"],
                row["status"],
                row["screened_on"],
                row["findings"],
                row["failures"],
                row["advisories"],
                row["unavailable"],
                tuple(r["session_id"] for r in sessions),
                tuple(r["status"] for r in sessions),
                None  # nothing was screened: no count
                if row["unavailable"] is not None
                else sum(r["violations"] for r in sessions),
            )
        )
    return out


def _screen_many_view(cases: list[mm.Case], **options: Any) -> list[tuple[object, ...]]:
    """The same figures from medmassage.batch.screen_many."""
    return [
        (
            r.id,
            r.status,
            r.on,
            r.findings,
            r.failures,
            r.advisories,
            r.unavailable,
            r.session_ids,
            r.session_statuses,
            r.session_violations,
        )
        for r in screen_many(cases, **options)
    ]


@heavy
@given(case_lists)
def test_screenings_status_equals_screen_many(cases: list[mm.Case]) -> None:
    """Each case's screenings rows say what its screen_many row says: statuses, dates, counts."""
    rows = arrow.screenings(cases).to_pylist()
    assert _batch_view(rows) == _screen_many_view(cases)


def test_screenings_equal_screen_many_on_the_examples_and_a_failing_rule() -> None:
    """On the bundled cases, with the default registry and with a failing rule, both agree."""
    cases = example_cases()
    for registry in (None, registry_from(rules=[FailingRule()])):
        rows = arrow.screenings(cases, registry=registry).to_pylist()
        view = _batch_view(rows)
        assert view == _screen_many_view(cases, registry=registry)
        assert any(v[7] for v in view)  # sessions are screened, not only plans
    assert {v[1] for v in view} == {"indeterminate"}  # the failing rule: never all clear


def test_a_session_that_breaks_a_finding_is_its_own_deferred_screening() -> None:
    """A deep segment over the herniated disc defers that session's row, not the plan's."""
    case = next(c for c in example_cases() if c.plan.id == "plan-301")
    first = case.sessions[0]
    deep = attrs.evolve(
        first.segments[0], region=mm.BodyRegion.LUMBAR_SPINE, grade=mm.PressureGrade.DEEP
    )
    session = attrs.evolve(
        first, signature=None, amendments=(), segments=(deep, *first.segments[1:])
    )
    case = attrs.evolve(case, sessions=(session, *case.sessions[1:]))
    tables = arrow.tables([case])
    status = {r["session_id"]: r["status"] for r in tables["screenings"].to_pylist()}
    assert status[None] == "modify"
    assert status[first.id] == "defer"
    assert {status[s.id] for s in case.sessions[1:]} == {"modify"}
    (row,) = [r for r in tables["findings"].to_pylist() if r["kind"] == "violation"]
    assert (row["session_id"], row["rule_id"], row["segment"], row["violation_kind"]) == (
        first.id,
        "core.herniated_disc",
        0,
        "grade",
    )
    assert row["screening_status"] == "defer"
    (segment,) = [
        s
        for s in tables["segments"].to_pylist()
        if (s["session_id"], s["position"]) == (row["session_id"], row["segment"])
    ]
    assert (segment["region"], segment["grade"]) == ("lumbar_spine", 4)
    (batch,) = screen_many([case])
    assert batch.session_statuses[0] == "defer"
    assert batch.session_violations == 1


def test_screening_on_a_date_equals_screen_many_on_that_date(tmp_path: Path) -> None:
    """With on=, the plans are screened on that date and later sessions left out, as screen_many."""
    cases = example_cases()
    day = cases[2].sessions[2].start.date()
    rows = arrow.screenings(cases, on=day).to_pylist()
    assert _batch_view(rows) == _screen_many_view(cases, on=day)
    assert {r["screened_on"] for r in rows if r["session_id"] is None} == {day}
    later = [s.id for c in cases for s in c.sessions if s.start.date() > day]
    assert later  # the check below could fail
    assert not {r["session_id"] for r in rows} & set(later)
    arrow.write_parquet(cases, tmp_path, on=day)
    assert pq.read_table(tmp_path / "screenings.parquet").to_pylist() == rows


def test_a_screening_that_cannot_run_is_one_indeterminate_row_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If screening raises, a case has one indeterminate row with the reason and no counts."""

    def broken(*args: object, **kwargs: object) -> None:
        raise mm.ScreeningError("no rules could be loaded")

    monkeypatch.setattr(screening_module, "screen", broken)
    cases = example_cases()
    tables = arrow.tables(cases)
    rows = tables["screenings"].to_pylist()
    assert [r["plan_id"] for r in rows] == [c.plan.id for c in cases]
    for row in rows:
        assert row["status"] == "indeterminate"
        assert row["unavailable"] == "ScreeningError: no rules could be loaded"
        assert row["session_id"] is None
        assert row["findings"] is None  # never "none found"
        assert row["screened_on"] is None
    assert tables["findings"].num_rows == 0
    assert _batch_view(rows) == _screen_many_view(cases)


# -- privacy ----------------------------------------------------------------------------

MARK = st.text(alphabet="ЖЩЮЯЊЋЏЉЈЂ", min_size=6, max_size=12)


@st.composite
def secret_cases(draw: st.DrawFn) -> tuple[mm.Case, list[str]]:
    """A case whose names, contact details and free text are distinctive markers."""
    name = mm.HumanName(family=draw(MARK), given=(draw(MARK),))
    contact = mm.ContactDetails(email=f"{draw(MARK)}@example.org", address=draw(MARK))
    patient = draw(mst.patients(names=st.just(name), contacts=st.just(contact), notes=MARK))
    plan = draw(mst.treatment_plans(patient_id=patient.id, precautions=MARK))
    session = draw(mst.sessions(plan, notes=MARK, signed=False))
    case = mm.Case(patient=patient, plan=plan, sessions=(session,))
    secrets = [name.family, *name.given, contact.email or "", contact.address or ""]
    secrets += [c.note for c in patient.conditions if c.note]
    secrets += list(plan.precautions)
    note = session.note
    if note is not None:
        secrets += [t for t in (note.subjective, note.objective, note.assessment, note.plan) if t]
    secrets += [m.note for m in session.outcomes if m.note]
    return case, secrets


def _cells(tables: dict[str, pa.Table]) -> str:
    return "\n".join(repr(t.to_pylist()) for t in tables.values())


@heavy
@given(secret_cases())
def test_no_identifying_value_or_column_by_default(drawn: tuple[mm.Case, list[str]]) -> None:
    """By default no name, contact, birth date or note is in a table; identifiable=True adds it."""
    case, secrets = drawn
    default = arrow.tables([case])
    cells = _cells(default)
    assert not [s for s in secrets if s in cells]
    assert "birth_date" not in default["patients"].column_names
    identified = arrow.tables([case], identifiable=True)
    cells = _cells(identified)
    assert all(s in cells for s in secrets)  # the check above could fail
    assert identified["patients"].column("birth_date").to_pylist() == [case.patient.birth_date]
    for name in arrow.TABLE_NAMES:
        extra = set(identified[name].column_names) - set(default[name].column_names)
        assert extra == {c.name for c in arrow.columns(name, identifiable=True) if c.identifiable}
        assert identified[name].schema.metadata[b"medmassage.identifiable"] == b"true"


# -- Parquet and DuckDB -----------------------------------------------------------------

AGGREGATE = """
    SELECT c.code, o.instrument_code AS instrument,
           count(*) AS series,
           avg(o.improvement) AS mean_improvement,
           avg(CASE WHEN o.mcid_met THEN 1.0 ELSE 0.0 END)
               FILTER (WHERE o.mcid_met IS NOT NULL) AS share_met
    FROM read_parquet('{d}/outcome_measures.parquet') o
    JOIN read_parquet('{d}/conditions.parquet') c
      ON c.plan_id = o.plan_id AND c.source = 'plan'
    WHERE o.is_latest AND o.series_length >= 2
    GROUP BY ALL ORDER BY ALL
"""


def _aggregates_by_track(cases: list[mm.Case]) -> list[tuple[object, ...]]:
    """Per plan diagnosis and instrument: series with a change, mean improvement, share met."""
    groups: dict[tuple[str, str], list[mm.Change]] = {}
    for case in cases:
        progress = mm.track(case.plan, case.sessions)
        for diagnosis in case.plan.diagnoses:
            for series in progress.series:
                if series.change is not None:
                    groups.setdefault((diagnosis.code, series.code), []).append(series.change)
    out: list[tuple[object, ...]] = []
    for (code, instrument), changes in sorted(groups.items()):
        judged = [c.mcid_reached for c in changes if c.mcid_reached is not None]
        out.append(
            (
                code,
                instrument,
                len(changes),
                sum(c.improvement for c in changes) / len(changes),
                sum(judged) / len(judged) if judged else None,
            )
        )
    return out


def _approx_rows(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [tuple(pytest.approx(v) if isinstance(v, float) else v for v in r) for r in rows]


@heavy
@given(case_lists, st.integers(1, 3))
def test_duckdb_aggregates_over_parquet_equal_track(
    tmp_path_factory: pytest.TempPathFactory, cases: list[mm.Case], batch_size: int
) -> None:
    """Per condition: series, mean change and share meeting the MCID, by DuckDB = by track()."""
    folder = tmp_path_factory.mktemp("parquet")
    arrow.write_parquet(cases, folder, batch_size=batch_size)
    found = duckdb.connect().execute(AGGREGATE.format(d=folder)).fetchall()
    assert found == _approx_rows(_aggregates_by_track(cases))


def test_duckdb_aggregates_on_the_bundled_examples(tmp_path: Path) -> None:
    """On the bundled cases the per-condition MCID analysis has rows and equals track()'s."""
    cases = example_cases()
    arrow.write_parquet(cases, tmp_path)
    found = duckdb.connect().execute(AGGREGATE.format(d=tmp_path)).fetchall()
    assert len(found) >= 3
    assert found == _approx_rows(_aggregates_by_track(cases))


def test_parquet_files_keep_schema_and_rows(tmp_path: Path) -> None:
    """Each Parquet file reads back as the table, with its schema metadata."""
    cases = example_cases()
    paths = arrow.write_parquet(cases, tmp_path / "new" / "folder", batch_size=2)
    expected = arrow.tables(cases)
    assert set(paths) == set(arrow.TABLE_NAMES)
    for name, path in paths.items():
        read = pq.read_table(path)
        assert read.equals(expected[name]), name
        assert read.schema.metadata[b"medmassage.tables_version"] == b"2"
        assert pq.ParquetFile(path).metadata.num_row_groups == 2  # 3 cases, batches of 2


def test_a_failed_write_leaves_the_previous_files(tmp_path: Path) -> None:
    """A bad case midway raises and leaves the earlier Parquet files, and no temporary file."""
    cases = example_cases()
    arrow.write_parquet(cases[:1], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(mm.ValidationError) as info:
        arrow.write_parquet([*cases, "not a case"], tmp_path, batch_size=1)  # type: ignore[list-item]
    assert [p.path for p in info.value.problems] == ["cases[3]"]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# -- streaming and arguments ------------------------------------------------------------


def test_record_batches_stream_the_cases_lazily() -> None:
    """Batches come every batch_size cases, reading the input only as far as needed."""
    cases = example_cases()
    pulled: list[int] = []

    def source() -> Iterator[mm.Case]:
        for i, case in enumerate([*cases, *cases]):
            pulled.append(i)
            yield case

    batches = arrow.record_batches(source(), tables=["plans", "sessions"], batch_size=4)
    first = next(batches)
    assert set(first) == {"plans", "sessions"}
    assert first["plans"].num_rows == 4
    assert len(pulled) == 4
    rest = list(batches)
    assert [b["plans"].num_rows for b in rest] == [2]
    assert first["sessions"].num_rows + rest[0]["sessions"].num_rows == 20


def test_no_cases_give_empty_tables_with_their_schema() -> None:
    """An empty input gives every table with no rows and its full schema."""
    for name, table in arrow.tables([]).items():
        assert table.num_rows == 0
        assert table.schema.equals(arrow.schema(name), check_metadata=True)


def wrong(value: object) -> Any:
    """*value*, typed as anything: an argument of the wrong type, passed on purpose."""
    return value


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: arrow.tables(wrong("cases")), "cases"),
        (lambda: arrow.tables([example_cases()[0], wrong(3)]), "cases[1]"),
        (lambda: arrow.tables([], registry=wrong("default")), "registry"),
        (lambda: arrow.tables([], identifiable=wrong("yes")), "identifiable"),
        (lambda: arrow.tables([], policy=wrong({})), "policy"),
        (lambda: arrow.tables([], on=wrong(dt.datetime(2026, 1, 1))), "on"),
        (lambda: list(arrow.record_batches([], batch_size=0)), "batch_size"),
        (lambda: list(arrow.record_batches([], tables="plans")), "tables"),
        (lambda: arrow.write_parquet([], wrong(3)), "directory"),
        (lambda: arrow.write_parquet([], ".", compression="rar"), "compression"),
    ],
)
def test_invalid_arguments_name_their_path(call: Any, path: str) -> None:
    """A wrong argument raises ValidationError naming it, never a TypeError or KeyError."""
    with pytest.raises(mm.ValidationError) as info:
        call()
    assert path in [p.path for p in info.value.problems]


def test_an_unknown_table_is_a_usage_error() -> None:
    """Asking for a table that does not exist names the tables that do."""
    with pytest.raises(mm.UsageError, match="patients, conditions"):
        arrow.schema("visits")


def test_without_pyarrow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """If pyarrow is missing, calling the module raises a medmassage error naming the extra."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    patient, plan = example_patient_and_plan()
    with pytest.raises(mm.UsageError, match=r"medmassage\[arrow\]"):
        arrow.tables([mm.Case(patient=patient, plan=plan)])


def test_the_core_never_imports_pyarrow() -> None:
    """Screening, tracking and importing medmassage.arrow itself leave pyarrow unimported."""
    code = (
        "import sys, medmassage as mm, medmassage.arrow\n"
        "from medmassage.testing.plugins import example_patient_and_plan\n"
        "p, plan = example_patient_and_plan()\n"
        "mm.screen(p, plan); mm.track(plan, [])\n"
        "print('pyarrow' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"


def test_each_table_function_gives_that_table() -> None:
    """arrow.patients(), arrow.findings() ... each equal the same table from tables()."""
    cases = example_cases()
    every = arrow.tables(cases)
    for name in arrow.TABLE_NAMES:
        alone = getattr(arrow, name)(iter(cases))
        assert alone.equals(every[name], check_metadata=True), name


def test_a_policy_reclassifies_the_findings_rows() -> None:
    """A screening policy given to findings() is the one screen() applies."""
    policy = mm.Policy(severities={"core.herniated_disc": mm.Severity.ABSOLUTE})
    rows = arrow.findings(example_cases(), policy=policy).to_pylist()
    disc = [r for r in rows if r["rule_id"] == "core.herniated_disc"]
    assert len(disc) == 1 + len(example_cases()[1].sessions)  # the plan's and each session's
    assert {(r["severity"], r["reclassified_from"]) for r in disc} == {("absolute", "local")}
    assert {r["screening_status"] for r in disc} == {"defer"}
