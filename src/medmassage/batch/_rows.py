"""The rows `screen_many`, `bill_many` and `track_many` yield, and their published schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

import attrs

from .._frozen import FrozenMap
from ..exceptions import Problem

#: The error kind of a row computed by a worker whose registry is not the expected one.
FINGERPRINT_MISMATCH: Final = "fingerprint_mismatch"


def _json_ready(value: object) -> object:
    """A row's value as JSON-ready data: problems as dicts, tuples as lists, dates as ISO."""
    if isinstance(value, tuple):
        return [
            {"path": v.path, "code": v.code, "message": v.message} if isinstance(v, Problem) else v
            for v in value
        ]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _row_dict(row: ScreenRow | BillRow | TrackRow) -> dict[str, object]:
    """A row as JSON-ready data, one key per field, in the order of its schema."""
    return {a.name: _json_ready(getattr(row, a.name)) for a in attrs.fields(type(row))}


def _units(value: Mapping[str, int]) -> Mapping[str, int]:
    return FrozenMap(value)


@attrs.frozen(kw_only=True, slots=True)
class ScreenRow:
    """The screening of one record, flat: a result, or an error row.

    An error row (``error`` set) has no status and no counts: it never reads
    as "clear". Filter on ``status == "clear"`` and error rows stay out.

    Attributes:
        index: The record's position in the input (from 0).
        id: The record's id: the one given with it, else its plan's id, when readable.
        status: The plan's screening status: ``clear``, ``modify``, ``defer`` or
            ``indeterminate`` (`medmassage.contraindications.ScreeningStatus`;
            *indeterminate* also when screening could not be run); ``None`` on an
            error row.
        on: The date the plan was screened for.
        findings: How many findings the plan's screening has.
        failures: How many rules failed or could not be loaded.
        plan_conflicts: How many planned techniques a finding rules out or limits.
        advisories: How many advisories screening gave.
        rule_ids: The rule id of each finding, most severe first.
        failed_rules: The id of each rule that failed.
        advisory_codes: The code of each advisory.
        session_ids: The completed sessions screened, in the case's order.
        session_statuses: The screening status of each of them.
        session_violations: How many segments of those sessions break a finding.
        unavailable: Why screening could not be run (then *indeterminate*).
        fingerprint: The fingerprint of the registry that screened it.
        version: The medmassage version that screened it.
        error: The error kind: the medmassage exception's class name
            (``ValidationError``, ``SchemaVersionError`` ...), or
            ``fingerprint_mismatch``; ``None`` on a result row.
        problems: The problems of an error row, each with its field path and the
            rule broken (never a patient's values).
    """

    index: int
    id: str | None
    status: str | None = None
    on: dt.date | None = None
    findings: int | None = None
    failures: int | None = None
    plan_conflicts: int | None = None
    advisories: int | None = None
    rule_ids: tuple[str, ...] = ()
    failed_rules: tuple[str, ...] = ()
    advisory_codes: tuple[str, ...] = ()
    session_ids: tuple[str, ...] = ()
    session_statuses: tuple[str, ...] = ()
    session_violations: int | None = None
    unavailable: str | None = None
    fingerprint: str
    version: str
    error: str | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether this is a result row (not an error row)."""
        return self.error is None

    def as_dict(self) -> dict[str, object]:
        """The row as JSON-ready data, one key per column of `SCREEN_SCHEMA`."""
        return _row_dict(self)


@attrs.frozen(kw_only=True, slots=True)
class BillRow:
    """The bill of one session of a record, flat: a result, or an error row.

    Attributes:
        index: The record's position in the input (from 0).
        id: The record's id (see `ScreenRow.id`).
        session_id: The session billed (``None`` on the error row of a record
            that could not be read).
        policy: The billing policy's name.
        units: Units per CPT code under the policy (``None`` on an error row).
        total_units: The units of all codes.
        advisory_codes: The code of each coding edit to review (advisories).
        fingerprint: The fingerprint of the registry that billed it.
        version: The medmassage version that billed it.
        error: The error kind (see `ScreenRow.error`), or ``None``.
        problems: The problems of an error row.
    """

    index: int
    id: str | None
    session_id: str | None = None
    policy: str | None = None
    units: Mapping[str, int] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_units)
    )
    total_units: int | None = None
    advisory_codes: tuple[str, ...] = ()
    fingerprint: str
    version: str
    error: str | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether this is a result row (not an error row)."""
        return self.error is None

    def as_dict(self) -> dict[str, object]:
        """The row as JSON-ready data, one key per column of `BILL_SCHEMA`."""
        return _row_dict(self)


@attrs.frozen(kw_only=True, slots=True)
class TrackRow:
    """One outcome series of a record (or a measure that could not be scored), flat.

    Attributes:
        index: The record's position in the input (from 0).
        id: The record's id (see `ScreenRow.id`).
        instrument: The instrument's code (as recorded, for an unscored measure).
        region: The site of a physical measurement, if recorded.
        laterality: Its side.
        movement: The movement, for range of motion.
        points: How many scores the series has (0 for an unscored measure).
        baseline: The first score.
        latest: The latest score.
        change: ``latest - baseline`` (``None`` with fewer than two scores).
        improvement: The change signed so that positive means better.
        mcid: The MCID the change was judged against, in points of the scale
            (``None`` without one, or for a percentage-only MCID).
        mcid_percent: The MCID as a percentage of the baseline, if it has one.
        met: Whether the improvement reaches the MCID (``None`` without an MCID
            or a change).
        population_matches: Whether the MCID is of the plan's population
            (``None`` when it cannot be told).
        trend: The series' trend (`medmassage.progress.Trend`).
        unscored: Why a measure could not be scored (a scoring error naming
            items, never patient data); ``None`` for a series.
        fingerprint: The fingerprint of the registry whose instruments scored it.
        version: The medmassage version that scored it.
        error: The error kind (see `ScreenRow.error`), or ``None``.
        problems: The problems of an error row.
    """

    index: int
    id: str | None
    instrument: str | None = None
    region: str | None = None
    laterality: str | None = None
    movement: str | None = None
    points: int | None = None
    baseline: float | None = None
    latest: float | None = None
    change: float | None = None
    improvement: float | None = None
    mcid: float | None = None
    mcid_percent: float | None = None
    met: bool | None = None
    population_matches: bool | None = None
    trend: str | None = None
    unscored: str | None = None
    fingerprint: str
    version: str
    error: str | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether this is a result row (not an error row)."""
        return self.error is None

    def as_dict(self) -> dict[str, object]:
        """The row as JSON-ready data, one key per column of `TRACK_SCHEMA`."""
        return _row_dict(self)


#: The columns of `ScreenRow.as_dict`, with their kind: ``int``, ``str``,
#: ``float``, ``bool`` (each may be null), ``list`` (a list of text) or
#: ``problems`` (a list of ``{"path", "code", "message"}``). Dates are ISO text.
SCREEN_SCHEMA: Final[tuple[tuple[str, str], ...]] = (
    ("index", "int"),
    ("id", "str"),
    ("status", "str"),
    ("on", "str"),
    ("findings", "int"),
    ("failures", "int"),
    ("plan_conflicts", "int"),
    ("advisories", "int"),
    ("rule_ids", "list"),
    ("failed_rules", "list"),
    ("advisory_codes", "list"),
    ("session_ids", "list"),
    ("session_statuses", "list"),
    ("session_violations", "int"),
    ("unavailable", "str"),
    ("fingerprint", "str"),
    ("version", "str"),
    ("error", "str"),
    ("problems", "problems"),
)

#: The columns of `BillRow.as_dict` (kinds as in `SCREEN_SCHEMA`; ``units`` is
#: a mapping of CPT code to units).
BILL_SCHEMA: Final[tuple[tuple[str, str], ...]] = (
    ("index", "int"),
    ("id", "str"),
    ("session_id", "str"),
    ("policy", "str"),
    ("units", "mapping"),
    ("total_units", "int"),
    ("advisory_codes", "list"),
    ("fingerprint", "str"),
    ("version", "str"),
    ("error", "str"),
    ("problems", "problems"),
)

#: The columns of `TrackRow.as_dict` (kinds as in `SCREEN_SCHEMA`).
TRACK_SCHEMA: Final[tuple[tuple[str, str], ...]] = (
    ("index", "int"),
    ("id", "str"),
    ("instrument", "str"),
    ("region", "str"),
    ("laterality", "str"),
    ("movement", "str"),
    ("points", "int"),
    ("baseline", "float"),
    ("latest", "float"),
    ("change", "float"),
    ("improvement", "float"),
    ("mcid", "float"),
    ("mcid_percent", "float"),
    ("met", "bool"),
    ("population_matches", "bool"),
    ("trend", "str"),
    ("unscored", "str"),
    ("fingerprint", "str"),
    ("version", "str"),
    ("error", "str"),
    ("problems", "problems"),
)
