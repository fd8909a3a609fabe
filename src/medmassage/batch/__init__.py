"""Batches: screen, bill and track many records, one flat row each, never an exception.

`screen_many`, `bill_many` and `track_many` take any iterable of records (a
`medmassage.Case`, its JSON text or bytes, the parsed document, or an ``(id,
record)`` pair) and yield typed rows in input order: `ScreenRow` (one per
record), `BillRow` (one per session) and `TrackRow` (one per outcome series).
A record that cannot be read or processed gives an *error row* naming the
medmassage exception (``error``) and its problems with their field paths,
never a patient's values; nothing is raised and no record is lost. Error
rows have no status or counts, so they never read as "all clear".

Every row carries the registry's `~medmassage.plugins.Registry.fingerprint`
and the medmassage version. On a cluster, send each worker a pinned
`medmassage.plugins.RegistrySpec` (it pickles; a registry of plugin objects may
not) and call `warm_up` when the worker starts: rows computed by a worker
whose registry is not the coordinator's are error rows of kind
``fingerprint_mismatch``, not different results. `medmassage.dask` does this
on Dask; each row's `~ScreenRow.as_dict` has the columns of the published
schemas (`SCREEN_SCHEMA`, `BILL_SCHEMA`, `TRACK_SCHEMA`).

>>> from medmassage.testing.plugins import example_patient_and_plan
>>> from medmassage import Case
>>> patient, plan = example_patient_and_plan()
>>> row = next(screen_many([Case(patient=patient, plan=plan)]))
>>> row.status, row.findings, row.fingerprint.startswith("sha256:")
('modify', 1, True)
>>> bad = next(screen_many([{"schema_version": 1, "patient": {}}]))
>>> bad.error, [p.path for p in bad.problems][:2]
('ValidationError', ['patient.id', 'patient.birth_date'])

No new dependency: this module needs only medmassage itself.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from typing import Final

from . import _rows
from ._many import bill_many, screen_many, track_many, warm_up
from ._rows import BillRow, ScreenRow, TrackRow

__all__ = [
    "BILL_SCHEMA",
    "FINGERPRINT_MISMATCH",
    "SCREEN_SCHEMA",
    "TRACK_SCHEMA",
    "BillRow",
    "ScreenRow",
    "TrackRow",
    "bill_many",
    "screen_many",
    "track_many",
    "warm_up",
]

#: The error kind of the rows of a worker whose registry is not the expected one.
FINGERPRINT_MISMATCH: Final = _rows.FINGERPRINT_MISMATCH

#: The columns of `ScreenRow.as_dict` with their kind: ``int``, ``str``,
#: ``float``, ``bool`` (each may be null), ``list`` (of text), ``mapping``
#: (text to whole number) or ``problems`` (a list of ``{"path", "code",
#: "message"}``). Dates are ISO text.
SCREEN_SCHEMA: Final = _rows.SCREEN_SCHEMA

#: The columns of `BillRow.as_dict` (kinds as in `SCREEN_SCHEMA`).
BILL_SCHEMA: Final = _rows.BILL_SCHEMA

#: The columns of `TrackRow.as_dict` (kinds as in `SCREEN_SCHEMA`).
TRACK_SCHEMA: Final = _rows.TRACK_SCHEMA
