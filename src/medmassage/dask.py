"""Screening on Dask: bags and dataframes of JSON documents, one row per record.

Needs the ``dask`` extra (``pip install "medmassage[dask]"``).

Workers receive JSON documents (text or bytes), never pickled model objects:
parsing on the worker is cheaper than shipping parsed objects, and a
document is what a store holds anyway. Each partition is screened by
`medmassage.batch.screen_many`, so a worker gives exactly the rows a single
process gives, error rows included.

The registry travels as a pinned `medmassage.plugins.RegistrySpec`: the
coordinator builds it, records its fingerprint, and each worker builds its
own from the plugins installed there. A worker whose registry differs (another
plugin set, another version, a failed load) gives error rows of kind
``fingerprint_mismatch``, not different results. `RegistryPlugin` builds,
warms (`medmassage.batch.warm_up`) and checks the registry when a worker
starts, so the first partition does not pay the first-use costs.

>>> import dask.bag as db
>>> from medmassage.testing.plugins import example_patient_and_plan
>>> from medmassage import Case, to_json
>>> patient, plan = example_patient_and_plan()
>>> bag = db.from_sequence([to_json(Case(patient=patient, plan=plan)), "{"], npartitions=2)
>>> rows = screen_bag(bag).compute(scheduler="sync")
>>> [(r["id"], r["status"], r["error"]) for r in rows]
[('example-plan', 'modify', None), (None, None, 'ValidationError')]

In each row, ``index`` is the record's position within its partition; give
records as ``(id, document)`` pairs (or name ``id_column``) to keep your own ids.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, cast

import dask.bag
import dask.dataframe
import pandas as pd
from distributed import WorkerPlugin

from .batch import SCREEN_SCHEMA, screen_many, warm_up
from .contraindications import Policy
from .exceptions import Problem, ValidationError
from .plugins import RegistrySpec

if TYPE_CHECKING:
    from distributed import Client, Worker

__all__ = [
    "RegistryPlugin",
    "install",
    "screen_bag",
    "screen_dataframe",
    "screen_meta",
    "screen_partition",
]

_LOG: Final = logging.getLogger(__name__)

#: The pandas dtype of each kind of column in the published schemas.
_DTYPES: Final = {
    "int": "Int64",
    "str": "string",
    "float": "Float64",
    "bool": "boolean",
    "list": "object",
    "mapping": "object",
    "problems": "object",
}


def screen_meta() -> pd.DataFrame:
    """The result schema of `screen_dataframe`: an empty frame with its columns and dtypes.

    The columns are those of `medmassage.batch.SCREEN_SCHEMA`, in order:
    nullable integers, text, and lists (rule ids, session statuses,
    problems) as objects.
    """
    return pd.DataFrame({name: pd.Series([], dtype=_DTYPES[kind]) for name, kind in SCREEN_SCHEMA})


def _spec(spec: RegistrySpec | None) -> RegistrySpec:
    """The spec to send: as given if pinned, else pinned to this process's registry."""
    if spec is None:
        spec = RegistrySpec()
    elif not isinstance(spec, RegistrySpec):
        raise ValidationError([Problem("spec", "expected a RegistrySpec", "type")])
    return spec if spec.expected is not None else spec.pinned()


def _check(on: dt.date | None, policy: Policy | None) -> None:
    if on is not None and type(on) is not dt.date:
        raise ValidationError([Problem("on", "expected a date (not a date-time)", "type")])
    if policy is not None and not isinstance(policy, Policy):
        raise ValidationError([Problem("policy", "expected a screening Policy", "type")])


def screen_partition(
    records: Iterable[object],
    spec: RegistrySpec,
    on: dt.date | None = None,
    policy: Policy | None = None,
) -> list[dict[str, object]]:
    """Screen one partition's records on this process: the rows as dictionaries.

    What `screen_bag` runs on each worker, and what a Spark ``mapInPandas``
    function calls (see :doc:`/howto/dask`).
    """
    return [row.as_dict() for row in screen_many(records, registry=spec, on=on, policy=policy)]


def screen_bag(
    bag: dask.bag.Bag,
    *,
    spec: RegistrySpec | None = None,
    on: dt.date | None = None,
    policy: Policy | None = None,
) -> dask.bag.Bag:
    """Screen a bag of JSON documents (or ``(id, document)`` pairs): a bag of row dictionaries.

    Each partition gives one row per record, in order, as
    `medmassage.batch.ScreenRow.as_dict` (the columns of
    `medmassage.batch.SCREEN_SCHEMA`).

    Args:
        bag: JSON text or UTF-8 bytes of case documents, or ``(id, document)`` pairs.
        spec: The registry to screen with; default `RegistrySpec()`. It is
            pinned here (if it is not yet) to this process's fingerprint.
        on: The date to screen for (default: each case's own, see
            `medmassage.screening.screening_date`).
        policy: How findings are classified (default: `Policy()`).

    Raises:
        ValidationError: If an argument has the wrong type.
    """
    _check(on, policy)
    pinned = _spec(spec)
    rows = bag.map_partitions(screen_partition, pinned, on, policy)  # type: ignore[no-untyped-call]
    return cast("dask.bag.Bag", rows)


def _frame(
    part: pd.DataFrame,
    column: str,
    id_column: str | None,
    spec: RegistrySpec,
    on: dt.date | None,
    policy: Policy | None,
) -> pd.DataFrame:
    documents: Sequence[object] = part[column].tolist()
    records: Iterable[object] = documents
    if id_column is not None:
        records = zip(part[id_column].tolist(), documents, strict=True)
    rows = screen_partition(records, spec, on, policy)
    names = [name for name, _ in SCREEN_SCHEMA]
    out = pd.DataFrame.from_records(rows, columns=names, index=part.index)
    out.index = part.index
    return out.astype({name: _DTYPES[kind] for name, kind in SCREEN_SCHEMA})


def screen_dataframe(
    df: dask.dataframe.DataFrame,
    *,
    column: str = "document",
    id_column: str | None = None,
    spec: RegistrySpec | None = None,
    on: dt.date | None = None,
    policy: Policy | None = None,
) -> dask.dataframe.DataFrame:
    """Screen a dataframe whose *column* holds JSON documents: one row per input row.

    The result has the input's index and the columns and dtypes of
    `screen_meta` (the published schema).

    Args:
        df: The dataframe (a column of JSON text or bytes per case).
        column: The column holding the documents.
        id_column: A column of ids to give the rows (default: each plan's id).
        spec: As for `screen_bag`.
        on: As for `screen_bag`.
        policy: As for `screen_bag`.

    Raises:
        ValidationError: If an argument has the wrong type or a column is missing.
    """
    _check(on, policy)
    for name, value in (("column", column), ("id_column", id_column)):
        if value is not None and value not in df.columns:
            raise ValidationError([Problem(name, "expected a column of the dataframe", "missing")])
    pinned = _spec(spec)
    rows = df.map_partitions(  # type: ignore[no-untyped-call]
        _frame, column, id_column, pinned, on, policy, meta=screen_meta()
    )
    return cast("dask.dataframe.DataFrame", rows)


class RegistryPlugin(WorkerPlugin):
    """A Dask worker plugin: build, warm and check the registry when a worker starts.

    On each worker, `setup` builds the registry from the spec (cached for the
    worker's tasks), pays the first-use costs with `medmassage.batch.warm_up`,
    and logs a warning if the fingerprint is not the expected one (the rows
    that worker gives are then ``fingerprint_mismatch`` error rows).

    Args:
        spec: The registry spec; pinned to this process's registry if it is not yet.
    """

    name = "medmassage-registry"

    def __init__(self, spec: RegistrySpec | None = None) -> None:
        self.spec = _spec(spec)

    def setup(self, worker: Worker) -> None:
        """Build, warm and check the registry on *worker*."""
        fingerprint = warm_up(self.spec)
        if not self.spec.matches(self.spec.build()):
            _LOG.warning(
                "medmassage: worker %s has registry %s, not the expected %s: "
                "its rows will be fingerprint_mismatch errors",
                worker.address,
                fingerprint,
                self.spec.expected,
            )


def install(client: Client, spec: RegistrySpec | None = None) -> RegistrySpec:
    """Register `RegistryPlugin` on *client*'s workers (present and future); return the spec.

    Pass the returned (pinned) spec to `screen_bag` or `screen_dataframe`.
    """
    plugin = RegistryPlugin(spec)
    client.register_plugin(plugin)
    return plugin.spec
