"""Flat, versioned Arrow tables of cases, and Parquet files, for analysis at scale.

Each `medmassage.Case` becomes rows of nine tables: ``patients``,
``conditions``, ``plans``, ``planned_techniques``, ``sessions``, ``segments``,
``outcome_measures`` (scored by the instruments, with each score's change from
its series' baseline judged against the MCID, as `medmassage.track` judges it),
``screenings`` (the case screened as `medmassage.screening.screen_case`
screens it, as the report and `medmassage.batch.screen_many` do: one row for
the plan, ``session_id`` null, and one for each completed session; a status
that is *indeterminate* when a rule failed or screening could not be run, with
the reason) and ``findings`` (the findings and the rule failures of each of
those screenings, and the session segments that break a finding). Every table
carries the keys ``plan_id`` (the case: a case has one plan) and
``patient_id``; session-level tables add ``session_id``.

Values are in canonical units: durations in seconds (``duration_s``),
pressures in kilopascals (``pressure_kpa``), instants as UTC timestamps
(``start_utc``) beside the original zone's name and offset. No column
identifies the patient or holds free text unless asked for with
``identifiable=True`` (names, birth date, contact details, notes). The default
tables are pseudonymous, not anonymous: they keep ids and dates of service.

Every schema carries ``TABLES_VERSION`` in its metadata; it changes whenever a
column is removed, renamed or changes type or meaning.

Needs the ``arrow`` extra (``pip install "medmassage[arrow]"``, pyarrow);
importing this module does not import pyarrow, calling it does.

>>> import medmassage as mm
>>> from medmassage import arrow
>>> from medmassage.testing.plugins import example_patient_and_plan
>>> patient, plan = example_patient_and_plan()
>>> t = arrow.tables([mm.Case(patient=patient, plan=plan)])
>>> t["planned_techniques"].column("duration_s").to_pylist()
[1800.0]
>>> t["screenings"].select(["session_id", "status"]).to_pylist()
[{'session_id': None, 'status': 'modify'}]
>>> t["patients"].schema.metadata[b"medmassage.tables_version"]
b'2'
>>> "birth_date" in t["patients"].column_names
False

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Final

from .._atomic import replacing
from ..cases import Case
from ..contraindications import Policy
from ..exceptions import Problem, UsageError, ValidationError
from ..plugins import Registry
from ._columns import TABLES, Column, ColumnType
from ._rows import Row, case_rows

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "TABLES_VERSION",
    "TABLE_NAMES",
    "Column",
    "columns",
    "conditions",
    "findings",
    "outcome_measures",
    "patients",
    "planned_techniques",
    "plans",
    "record_batches",
    "schema",
    "screenings",
    "segments",
    "sessions",
    "tables",
    "write_parquet",
]

#: The version of the tables' layout, in every schema's metadata
#: (``medmassage.tables_version``).
TABLES_VERSION: Final = 2

#: The tables, in the order `tables` returns them.
TABLE_NAMES: Final[tuple[str, ...]] = tuple(TABLES)

#: The Parquet compression codecs `write_parquet` accepts.
_CODECS: Final = ("zstd", "snappy", "gzip", "brotli", "lz4", "none")

_EXTRA: Final = 'medmassage.arrow needs pyarrow (>= 15): pip install "medmassage[arrow]"'


def _pyarrow() -> ModuleType:
    try:
        import pyarrow
    except ImportError as exc:
        raise UsageError(_EXTRA) from exc
    module: ModuleType = pyarrow
    return module


def _arrow_type(lib: ModuleType, kind: ColumnType) -> pa.DataType:
    if kind == "timestamp":
        return lib.timestamp("us", tz="UTC")
    if kind == "strings":
        return lib.list_(lib.string())
    if kind == "date":
        return lib.date32()
    types = {"string": lib.string, "int32": lib.int32, "float64": lib.float64, "bool": lib.bool_}
    return types[kind]()


def _table_name(table: object) -> str:
    if not isinstance(table, str) or table not in TABLES:
        raise UsageError(f"table: expected one of {', '.join(TABLE_NAMES)}")
    return table


def columns(table: str, *, identifiable: bool = False) -> tuple[Column, ...]:
    """The columns of *table*, in order (identifying ones only if *identifiable*).

    Raises:
        UsageError: If *table* is not one of `TABLE_NAMES`.
    """
    chosen = TABLES[_table_name(table)]
    return chosen if identifiable else tuple(c for c in chosen if not c.identifiable)


def schema(table: str, *, identifiable: bool = False) -> pa.Schema:
    """The Arrow schema of *table*: its columns with their descriptions, and its version.

    Each field's metadata holds its ``description``; the schema's metadata
    holds ``medmassage.table``, ``medmassage.tables_version`` and
    ``medmassage.identifiable``.

    Raises:
        UsageError: If *table* is unknown, or pyarrow is not installed.
    """
    lib = _pyarrow()
    fields = [
        lib.field(
            c.name,
            _arrow_type(lib, c.type),
            nullable=c.nullable,
            metadata={"description": c.description},
        )
        for c in columns(table, identifiable=identifiable)
    ]
    return lib.schema(
        fields,
        metadata={
            "medmassage.table": table,
            "medmassage.tables_version": str(TABLES_VERSION),
            "medmassage.identifiable": "true" if identifiable else "false",
        },
    )


def _checked_options(
    registry: object, policy: object, identifiable: object, batch_size: object, on: object = None
) -> None:
    p: list[Problem] = []
    if on is not None and type(on) is not dt.date:
        p.append(Problem("on", "expected a date (not a date-time)", "type"))
    if registry is not None and not isinstance(registry, Registry):
        p.append(Problem("registry", "expected a medmassage Registry", "type"))
    if policy is not None and not isinstance(policy, Policy):
        p.append(Problem("policy", "expected a medmassage Policy", "type"))
    if not isinstance(identifiable, bool):
        p.append(Problem("identifiable", "expected True or False", "type"))
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        p.append(Problem("batch_size", "expected a whole number of cases, at least 1", "range"))
    if p:
        raise ValidationError(p, "arrow tables")


def _cases(cases: object) -> Iterator[Case]:
    if isinstance(cases, str | bytes | Case) or not isinstance(cases, Iterable):
        raise ValidationError([Problem("cases", "expected an iterable of Case", "type")])
    for i, case in enumerate(cases):
        if not isinstance(case, Case):
            raise ValidationError([Problem(f"cases[{i}]", "expected a Case", "type")])
        yield case


def record_batches(
    cases: Iterable[Case],
    *,
    tables: Sequence[str] = TABLE_NAMES,
    batch_size: int = 1000,
    registry: Registry | None = None,
    policy: Policy | None = None,
    identifiable: bool = False,
    on: dt.date | None = None,
) -> Iterator[dict[str, pa.RecordBatch]]:
    """Stream the tables: one record batch per table for every *batch_size* cases.

    The cases are read once, lazily, so a generator of millions of cases (read
    from JSON as they come) is converted in constant memory.

    Args:
        cases: The cases (any iterable, read once).
        tables: The tables wanted (default: all of `TABLE_NAMES`). Screening runs
            only when ``screenings`` or ``findings`` is wanted.
        batch_size: Cases per batch.
        registry: The registry for screening and scoring (default: the default
            registry).
        policy: The screening policy (default: a default `medmassage.Policy`).
        identifiable: Add the identifying and free-text columns.
        on: The date to screen the plans for, as `medmassage.screening.screen_case`
            takes it (sessions after it are not screened); default: the date
            `medmassage.screening.screening_date` derives for each case.

    Yields:
        For each batch, the table name to its record batch (possibly of no rows).

    Raises:
        ValidationError: If an argument has the wrong type, or an item of *cases*
            is not a `medmassage.Case` (path ``cases[i]``).
        UsageError: If a table is unknown, or pyarrow is not installed.
    """
    _checked_options(registry, policy, identifiable, batch_size, on)
    if isinstance(tables, str):
        raise ValidationError([Problem("tables", "expected a sequence of table names", "type")])
    wanted = tuple(_table_name(t) for t in tables)
    lib = _pyarrow()
    schemas = {t: schema(t, identifiable=identifiable) for t in wanted}
    pending: dict[str, list[Row]] = {t: [] for t in wanted}
    count = 0

    def flush() -> dict[str, pa.RecordBatch]:
        batch = {t: lib.RecordBatch.from_pylist(pending[t], schema=schemas[t]) for t in wanted}
        for rows in pending.values():
            rows.clear()
        return batch

    for case in _cases(cases):
        rows = case_rows(
            case, wanted, registry=registry, policy=policy, identifiable=identifiable, on=on
        )
        for t in wanted:
            pending[t].extend(rows[t])
        count += 1
        if count == batch_size:
            yield flush()
            count = 0
    if count:
        yield flush()


def tables(
    cases: Iterable[Case],
    *,
    registry: Registry | None = None,
    policy: Policy | None = None,
    identifiable: bool = False,
    on: dt.date | None = None,
) -> dict[str, pa.Table]:
    """Every table of *cases*, in the order of `TABLE_NAMES`.

    See `record_batches` for the arguments and errors; for more cases than fit
    in memory, use `write_parquet` or `record_batches`.
    """
    return _collect(
        cases, TABLE_NAMES, registry=registry, policy=policy, identifiable=identifiable, on=on
    )


def _collect(
    cases: Iterable[Case],
    wanted: Sequence[str],
    *,
    registry: Registry | None = None,
    policy: Policy | None = None,
    identifiable: bool = False,
    on: dt.date | None = None,
) -> dict[str, pa.Table]:
    lib = _pyarrow()
    batches: dict[str, list[pa.RecordBatch]] = {t: [] for t in wanted}
    for batch in record_batches(
        cases, tables=wanted, registry=registry, policy=policy, identifiable=identifiable, on=on
    ):
        for t in wanted:
            batches[t].append(batch[t])
    return {
        t: lib.Table.from_batches(batches[t], schema=schema(t, identifiable=identifiable))
        for t in wanted
    }


def patients(cases: Iterable[Case], *, identifiable: bool = False) -> pa.Table:
    """One row per case: the patient's sex, age band and coded history, no identity."""
    return _collect(cases, ("patients",), identifiable=identifiable)["patients"]


def conditions(cases: Iterable[Case], *, identifiable: bool = False) -> pa.Table:
    """One row per coded condition: the history's, the plan's and the referral's diagnoses."""
    return _collect(cases, ("conditions",), identifiable=identifiable)["conditions"]


def plans(cases: Iterable[Case], *, identifiable: bool = False) -> pa.Table:
    """One row per case: the plan's dose, schedule, dates and referral."""
    return _collect(cases, ("plans",), identifiable=identifiable)["plans"]


def planned_techniques(cases: Iterable[Case]) -> pa.Table:
    """One row per planned technique: modality, region, time and pressure limits."""
    return _collect(cases, ("planned_techniques",))["planned_techniques"]


def sessions(cases: Iterable[Case], *, identifiable: bool = False) -> pa.Table:
    """One row per session: when (UTC and original zone), how long, status, vitals."""
    return _collect(cases, ("sessions",), identifiable=identifiable)["sessions"]


def segments(cases: Iterable[Case]) -> pa.Table:
    """One row per technique segment applied: modality, region, seconds, kPa, grade."""
    return _collect(cases, ("segments",))["segments"]


def outcome_measures(
    cases: Iterable[Case], *, registry: Registry | None = None, identifiable: bool = False
) -> pa.Table:
    """One row per outcome measure: its score, and its change from baseline against the MCID.

    Scores and series are those of `medmassage.track` on the case's plan and
    sessions: the latest score of a series carries exactly the series'
    `medmassage.progress.Series.change`; an intermediate score is judged
    against the same MCID. A measure that cannot be scored has ``scored``
    false and the reason.
    """
    return _collect(cases, ("outcome_measures",), registry=registry, identifiable=identifiable)[
        "outcome_measures"
    ]


def screenings(
    cases: Iterable[Case],
    *,
    registry: Registry | None = None,
    policy: Policy | None = None,
    on: dt.date | None = None,
) -> pa.Table:
    """One row per screening of `medmassage.screening.screen_case`: the plan's, each session's.

    The plan's row has ``session_id`` null. Each row has its status
    (*indeterminate* if a rule failed) and counts; if screening could not be
    run, the case has one row, *indeterminate*, with ``unavailable`` saying
    why and null counts.
    """
    return _collect(cases, ("screenings",), registry=registry, policy=policy, on=on)["screenings"]


def findings(
    cases: Iterable[Case],
    *,
    registry: Registry | None = None,
    policy: Policy | None = None,
    on: dt.date | None = None,
) -> pa.Table:
    """One row per finding, and per rule that failed (``kind = 'failure'``), of each screening.

    A session's screening adds one row per segment that breaks a finding
    (``kind = 'violation'``, with ``segment`` and ``violation_kind``). Rows are
    linked to their screening by ``plan_id`` and ``session_id`` (null: the
    plan's), and carry its status (``screening_status``).
    """
    return _collect(cases, ("findings",), registry=registry, policy=policy, on=on)["findings"]


def write_parquet(
    cases: Iterable[Case],
    directory: str | os.PathLike[str],
    *,
    batch_size: int = 1000,
    registry: Registry | None = None,
    policy: Policy | None = None,
    identifiable: bool = False,
    compression: str = "zstd",
    on: dt.date | None = None,
) -> dict[str, Path]:
    """Write every table to ``<directory>/<table>.parquet``, streaming the cases.

    Each batch of *batch_size* cases becomes a row group of every file. Each
    file is written to a temporary file beside it; only once every file is
    complete are they renamed over the old ones, so an error while converting
    or writing (a bad case, a full disk) leaves the previous files as they
    were. The folder is created if missing.

    Args:
        cases: The cases (any iterable, read once).
        directory: The folder to write to.
        batch_size: Cases per row group.
        registry: As for `record_batches`.
        policy: As for `record_batches`.
        identifiable: As for `record_batches`.
        compression: The Parquet compression codec: ``zstd``, ``snappy``, ``gzip``,
            ``brotli``, ``lz4`` or ``none``.
        on: As for `record_batches`.

    Returns:
        The path of each table's file.

    Raises:
        ValidationError: As `record_batches`.
        UsageError: If pyarrow is not installed.
        OSError: If the folder or a file cannot be written.
    """
    _checked_options(registry, policy, identifiable, batch_size, on)
    p: list[Problem] = []
    folder_given: object = directory  # checked at run time, whatever the annotations say
    codec: object = compression
    if not isinstance(folder_given, str | os.PathLike):
        p.append(Problem("directory", "expected a folder path", "type"))
    if not isinstance(codec, str) or codec.lower() not in _CODECS:
        p.append(Problem("compression", f"expected one of {', '.join(_CODECS)}", "choice"))
    if p:
        raise ValidationError(p, "write_parquet")
    _pyarrow()
    import pyarrow.parquet as pq

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {t: folder / f"{t}.parquet" for t in TABLE_NAMES}
    with contextlib.ExitStack() as stack:
        writers = {}
        for t, path in paths.items():
            out = stack.enter_context(replacing(str(path)))
            writer = pq.ParquetWriter(
                out, schema(t, identifiable=identifiable), compression=compression
            )
            stack.callback(writer.close)
            writers[t] = writer
        for batch in record_batches(
            cases,
            batch_size=batch_size,
            registry=registry,
            policy=policy,
            identifiable=identifiable,
            on=on,
        ):
            for t, writer in writers.items():
                writer.write_batch(batch[t])
        for writer in writers.values():  # every file complete before the first rename
            writer.close()
    return paths
