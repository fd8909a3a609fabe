"""`screen_many`, `bill_many`, `track_many` and `warm_up`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import NamedTuple, TypeVar

import attrs

from ..billing import BillingPolicy, bill_session, get_billing_policy
from ..contraindications import Policy
from ..exceptions import Problem, ValidationError
from ..plugins import Registry, RegistrySpec
from ..progress import track
from ..screening import screen_case
from ._records import Failure, Read, failure_of, read_all, resolve, version
from ._rows import BillRow, ScreenRow, TrackRow

#: The bundled case `warm_up` reads, screens, bills and tracks.
_WARM_UP_CASE = "lumbar_disc_herniation.json"


class _Stamp(NamedTuple):
    """What every row carries: the registry's fingerprint and the medmassage version."""

    fingerprint: str
    version: str


_RowT = TypeVar("_RowT", ScreenRow, BillRow, TrackRow)


def _error_row(kind: type[_RowT], read: Read, failure: Failure, stamp: _Stamp) -> _RowT:
    """The error row of a record that gave no result: its kind, problems and stamp."""
    return kind(
        index=read.index,
        id=read.id,
        error=failure.kind,
        problems=failure.problems,
        fingerprint=stamp.fingerprint,
        version=stamp.version,
    )


def _number(value: float | None) -> float | None:
    """A figure as a float (an MCID may be written as a whole number)."""
    return None if value is None else float(value)


def _check_on(on: object, name: str) -> None:
    if on is not None and type(on) is not dt.date:
        raise ValidationError([Problem(name, "expected a date (not a date-time)", "type")])


# -- screening ---------------------------------------------------------------------------


def screen_many(
    records: Iterable[object],
    *,
    registry: Registry | RegistrySpec | None = None,
    on: dt.date | None = None,
    policy: Policy | None = None,
) -> Iterator[ScreenRow]:
    """Screen many records: exactly one `ScreenRow` per record, in order, never an exception.

    Each record is a `medmassage.Case`, its JSON document (text or UTF-8
    bytes), the parsed document (a mapping), or an ``(id, record)`` pair
    giving its id; without a pair, a record's id is its plan's id. A case is
    screened as `medmassage.screening.screen_case` screens it (as the report
    does): the plan on *on* (`medmassage.screening.screening_date`'s rule
    otherwise) and each completed session on its own date. A rule that fails
    makes the row *indeterminate*, as `medmassage.screen` does.

    A record that cannot be read gives an error row naming the medmassage
    exception and its problems with their field paths. Given a pinned
    `medmassage.plugins.RegistrySpec` whose fingerprint this process's registry
    does not have, every row is an error row of kind ``fingerprint_mismatch``.

    >>> from medmassage.testing.plugins import example_patient_and_plan
    >>> from medmassage import Case, to_json
    >>> patient, plan = example_patient_and_plan()
    >>> rows = list(screen_many([to_json(Case(patient=patient, plan=plan)), ("x-1", "{")]))
    >>> [(r.index, r.id, r.status, r.error) for r in rows]
    [(0, 'example-plan', 'modify', None), (1, 'x-1', None, 'ValidationError')]

    Args:
        records: The records, any iterable (read lazily, one at a time).
        registry: The registry, or a spec to build (once per process) and check;
            default: `medmassage.plugins.get_default_registry`.
        on: The date to screen the plans for.
        policy: How findings are classified (default: `Policy()`).

    Raises:
        ValidationError: At the call, if an argument (not a record) has the wrong type.
    """
    _check_on(on, "on")
    if policy is not None and not isinstance(policy, Policy):
        raise ValidationError([Problem("policy", "expected a screening Policy", "type")])
    reg, mismatch = resolve(registry)
    return _screen_rows(records, reg, mismatch, on, policy)


def _screen_rows(
    records: Iterable[object],
    registry: Registry,
    mismatch: Failure | None,
    on: dt.date | None,
    policy: Policy | None,
) -> Iterator[ScreenRow]:
    stamp = _Stamp(registry.fingerprint(), version())
    for read in read_all(records):
        failure = mismatch or read.failure
        if failure is None and read.case is not None:
            try:
                yield _screened(read, registry, on, policy, stamp)
                continue
            except Exception as exc:  # a bug or a plugin's error: a row, never lost
                failure = failure_of(exc)
        assert failure is not None
        yield _error_row(ScreenRow, read, failure, stamp)


def _screened(
    read: Read,
    registry: Registry,
    on: dt.date | None,
    policy: Policy | None,
    stamp: _Stamp,
) -> ScreenRow:
    assert read.case is not None
    screened = screen_case(read.case, on=on, registry=registry, policy=policy)
    plan = screened.plan
    sessions = screened.sessions
    row = ScreenRow(
        index=read.index,
        id=read.id,
        status=screened.status,
        unavailable=screened.unavailable,
        session_ids=tuple(sessions),
        session_statuses=tuple(a.status.value for a in sessions.values()),
        # No count where nothing was screened (a zero would read as clear).
        session_violations=(
            None
            if screened.unavailable is not None
            else sum(len(a.violations) for a in sessions.values())
        ),
        fingerprint=stamp.fingerprint,
        version=stamp.version,
    )
    if plan is None:
        return row
    return attrs.evolve(
        row,
        on=plan.on,
        findings=len(plan.findings),
        failures=len(plan.failures),
        plan_conflicts=len(plan.plan_conflicts),
        advisories=len(plan.advisories),
        rule_ids=tuple(f.rule_id for f in plan.findings),
        failed_rules=tuple(f.rule_id for f in plan.failures),
        advisory_codes=tuple(a.code for a in plan.advisories),
    )


# -- billing -----------------------------------------------------------------------------


def bill_many(
    records: Iterable[object],
    *,
    registry: Registry | RegistrySpec | None = None,
    policy: str | BillingPolicy = "cms",
    mapping: Mapping[str, str | None] | None = None,
) -> Iterator[BillRow]:
    """Bill every session of many records: one `BillRow` per session, in order.

    Records are given as to `screen_many`. Each session is billed as the
    ``billing`` command bills a case (`medmassage.billing.bill_session`, the
    plan's diagnoses claimed with it): units per CPT code under *policy* and
    the codes of the coding edits to review. A record that cannot be read
    gives one error row; a session that cannot be billed (a modality without
    a CPT code) gives an error row with its session id. A record without
    sessions gives no row.

    Args:
        records: The records, any iterable (read lazily).
        registry: As for `screen_many`.
        policy: The billing policy, by name or object (default ``cms``).
        mapping: Modality-to-CPT overrides (``None`` as a code: not billed).

    Raises:
        UnknownCodeError: At the call, if the policy is unknown.
        ValidationError: At the call, if an argument has the wrong type.
    """
    reg, mismatch = resolve(registry)
    chosen = get_billing_policy(policy, registry=reg)
    return _bill_rows(records, reg, mismatch, chosen, mapping)


def _bill_rows(
    records: Iterable[object],
    registry: Registry,
    mismatch: Failure | None,
    policy: BillingPolicy,
    mapping: Mapping[str, str | None] | None,
) -> Iterator[BillRow]:
    stamp = _Stamp(registry.fingerprint(), version())
    for read in read_all(records):
        failure = mismatch or read.failure
        if failure is not None or read.case is None:
            assert failure is not None
            yield _error_row(BillRow, read, failure, stamp)
            continue
        diagnoses = [d.code for d in read.case.plan.diagnoses]
        for session in read.case.sessions:
            where = BillRow(
                index=read.index,
                id=read.id,
                session_id=session.id,
                fingerprint=stamp.fingerprint,
                version=stamp.version,
            )
            try:
                bill = bill_session(
                    session, policy=policy, mapping=mapping, diagnoses=diagnoses, registry=registry
                )
            except Exception as exc:
                failed = failure_of(exc)
                yield attrs.evolve(where, error=failed.kind, problems=failed.problems)
                continue
            yield attrs.evolve(
                where,
                policy=bill.policy,
                units=bill.units,
                total_units=bill.total_units,
                advisory_codes=tuple(e.code for e in bill.edits),
            )


# -- outcomes ----------------------------------------------------------------------------


def track_many(
    records: Iterable[object],
    *,
    registry: Registry | RegistrySpec | None = None,
    as_of: dt.date | None = None,
) -> Iterator[TrackRow]:
    """Track the outcomes of many records: one `TrackRow` per outcome series, in order.

    Records are given as to `screen_many`. Each case is tracked by
    `medmassage.progress.track` (completed sessions up to *as_of*): a row per
    series (instrument, site, baseline, latest, change, MCID and whether it
    was met), then a row per measure that could not be scored, with why. A
    record that cannot be read gives one error row; a record without outcome
    measures gives no row.

    Args:
        records: The records, any iterable (read lazily).
        registry: As for `screen_many`; its instruments score the measures.
        as_of: The review date (default: each case's last session).

    Raises:
        ValidationError: At the call, if an argument has the wrong type.
    """
    _check_on(as_of, "as_of")
    reg, mismatch = resolve(registry)
    return _track_rows(records, reg, mismatch, as_of)


def _track_rows(
    records: Iterable[object], registry: Registry, mismatch: Failure | None, as_of: dt.date | None
) -> Iterator[TrackRow]:
    stamp = _Stamp(registry.fingerprint(), version())
    for read in read_all(records):
        failure = mismatch or read.failure
        if failure is None and read.case is not None:
            try:
                rows = _tracked(read, registry, as_of, stamp)
            except Exception as exc:
                failure = failure_of(exc)
            else:
                yield from rows
                continue
        assert failure is not None
        yield _error_row(TrackRow, read, failure, stamp)


def _tracked(
    read: Read, registry: Registry, as_of: dt.date | None, stamp: _Stamp
) -> list[TrackRow]:
    assert read.case is not None
    progress = track(read.case.plan, read.case.sessions, as_of=as_of, registry=registry)
    rows: list[TrackRow] = []
    for series in progress.series:
        change = series.change
        mcid = None if change is None else change.mcid
        rows.append(
            TrackRow(
                index=read.index,
                id=read.id,
                instrument=series.code,
                region=None if series.region is None else series.region.value,
                laterality=None if series.laterality is None else series.laterality.value,
                movement=series.movement,
                points=len(series.points),
                baseline=series.baseline.value,
                latest=series.latest.value,
                change=None if change is None else change.difference,
                improvement=None if change is None else change.improvement,
                mcid=None if mcid is None else _number(mcid.value),
                mcid_percent=None if mcid is None else _number(mcid.percent),
                met=None if change is None else change.mcid_reached,
                population_matches=None if change is None else change.population_matches,
                trend=series.trend.value,
                fingerprint=stamp.fingerprint,
                version=stamp.version,
            )
        )
    rows.extend(
        TrackRow(
            index=read.index,
            id=read.id,
            instrument=u.instrument,
            points=0,
            unscored=u.reason,
            fingerprint=stamp.fingerprint,
            version=stamp.version,
        )
        for u in progress.unscored
    )
    return rows


# -- warming up --------------------------------------------------------------------------


def warm_up(registry: Registry | RegistrySpec | None = None) -> str:
    """Pay a process's first-use costs now, before its first record; return the fingerprint.

    Builds the registry (a spec: once per process), its indexed rule set and
    fingerprint, then reads, screens, bills and tracks a bundled example case,
    which builds the JSON converter's hooks, pint's unit registry, the rule
    tables and the ICD-10-CM code table. A worker calls it when it starts
    (`medmassage.dask.RegistryPlugin` does).

    Raises:
        ValidationError: If *registry* is neither a registry nor a spec.
    """
    reg, _ = resolve(registry)
    reg.rule_set()
    text = resources.files("medmassage").joinpath("_examples", _WARM_UP_CASE).read_bytes()
    for _row in screen_many([text], registry=reg):
        pass
    for _bill in bill_many([text], registry=reg):
        pass
    for _track in track_many([text], registry=reg):
        pass
    return reg.fingerprint()
