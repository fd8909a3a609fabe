"""FHIR: export and re-import 10,000 sessions, beside ``fhir.resources`` parsing the same JSON.

Run: ``python benchmarks/bench_fhir.py [--sessions 10000] [--rounds 5] [--quick]``.

The records: cases built from the bundled lumbar example (its patient, plan,
practitioners), each with a plan of 52 weeks and 200 daily sessions cycling
through the example's three sessions (four technique segments with pressures
and Walton grades, outcome measures with item responses, a SOAP note), in
fixed offsets and IANA zones; ``--sessions`` in all (10,000: 50 cases). The
FHIR JSON of every case (`medmassage.fhir.case_export` with identity and notes,
so that it imports back equal) is cached in ``.benchmarks/`` (ignored by git).

Timed, in one run and interleaved (each round runs both, in alternating order):

* medmassage: `medmassage.fhir.import_bundle` on each bundle's JSON text:
  parsing (with msgspec when the ``fast`` or ``fhir`` extra installs it, as
  every medmassage reader does), mapping every
  resource to its record, validating the whole case.
* fhir.resources (R4B): ``Bundle.model_validate_json`` on the same text:
  parsing and validating the FHIR models only, no mapping to anything.

Reported: each side's median time, the median of the per-round ratios
(fhir.resources time over medmassage time: above 1, medmassage is faster), and
the export time. The goal is a ratio of at least 5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import statistics
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import attrs

import medmassage as mm
from medmassage.fhir import case_export, import_bundle
from medmassage.serialization._text import accelerated

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lumbar_disc_herniation.json"
CACHE = ROOT / ".benchmarks"  # ignored by git
PER_CASE = 200
ZONES = (
    dt.timezone(dt.timedelta(hours=-6)),
    zoneinfo.ZoneInfo("America/Chicago"),
    dt.UTC,
    zoneinfo.ZoneInfo("Europe/Paris"),
)


def make_case(n: int, sessions: int) -> mm.Case:
    """Case *n* of the benchmark: the example's records with *sessions* daily sessions."""
    base = mm.from_json(mm.Case, EXAMPLE.read_text(encoding="utf-8"))
    patient = attrs.evolve(base.patient, id=f"pt-{n}")
    start = dt.date(2025, 1, 6) + dt.timedelta(days=n % 30)
    plan = attrs.evolve(
        base.plan,
        id=f"plan-{n}",
        patient_id=patient.id,
        duration_weeks=52,
        sessions_per_week=7,
        start_date=start,
        reevaluation_date=None,
    )
    made = []
    for i in range(sessions):
        like = base.sessions[i % len(base.sessions)]
        zone = ZONES[(n + i) % len(ZONES)]
        when = dt.datetime.combine(start + dt.timedelta(days=i), dt.time(9, 30), tzinfo=zone)
        made.append(
            mm.Session(
                id=f"ses-{n}-{i}",
                patient_id=patient.id,
                practitioner_id=like.practitioner_id,
                start=when,
                duration=like.duration,
                plan_id=plan.id,
                segments=like.segments,
                note=like.note,
                outcomes=tuple(attrs.evolve(m, taken_at=when) for m in like.outcomes),
                adverse_reactions=like.adverse_reactions,
                vitals=like.vitals,
            )
        )
    return attrs.evolve(base, patient=patient, plan=plan, sessions=tuple(made))


def bundles(total: int) -> tuple[list[str], float]:
    """The bundles' JSON texts (cached) and the time the export took (0 if cached)."""
    counts = [PER_CASE] * (total // PER_CASE) + ([total % PER_CASE] if total % PER_CASE else [])
    source = (
        EXAMPLE.read_bytes() + Path(mm.fhir.__file__).parent.joinpath("_resources.py").read_bytes()
    )
    key = hashlib.sha256(source + repr(counts).encode()).hexdigest()[:16]
    path = CACHE / f"fhir-{total}-{key}.json"
    if path.exists():
        cached: list[str] = json.loads(path.read_text(encoding="utf-8"))
        return cached, 0.0
    cases = [make_case(n, count) for n, count in enumerate(counts)]
    t0 = time.perf_counter()
    texts = [
        json.dumps(case_export(c, include_identity=True, include_notes=True).bundle) for c in cases
    ]
    spent = time.perf_counter() - t0
    for case, text in zip(cases, texts, strict=True):  # the round trip this measures is exact
        if import_bundle(text).case != case:
            raise SystemExit("bench_fhir: a case did not import back equal")
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(texts), encoding="utf-8")
    return texts, spent


def timed(fn: Callable[[], object]) -> float:
    """Seconds *fn* takes, with the garbage collector off (as `timeit` does)."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1,000 sessions, 3 rounds")
    args, _ = parser.parse_known_args()
    if args.quick:
        args.sessions, args.rounds = 1_000, 3
    try:
        from fhir.resources.R4B import get_fhir_model_class
    except ImportError:
        print("bench_fhir: needs fhir.resources (pip install fhir.resources)", file=sys.stderr)
        raise SystemExit(1) from None
    bundle_model = get_fhir_model_class("Bundle")
    texts, export_time = bundles(args.sessions)
    resources = sum(len(json.loads(t)["entry"]) for t in texts)

    def ours() -> None:
        for text in texts:
            import_bundle(text)

    def theirs() -> None:
        for text in texts:
            bundle_model.model_validate_json(text)

    ours()  # warm: instrument and code tables, the converter's hooks
    theirs()
    mine: list[float] = []
    other: list[float] = []
    for r in range(args.rounds):
        first, second = (ours, theirs) if r % 2 == 0 else (theirs, ours)
        a, b = timed(first), timed(second)
        m, o = (a, b) if first is ours else (b, a)
        mine.append(m)
        other.append(o)
    ratios = [o / m for m, o in zip(mine, other, strict=True)]
    size = sum(len(t) for t in texts) / 1e6
    print(f"FHIR import, {args.sessions:,} sessions in {len(texts)} bundles")
    print(f"  {resources:,} resources, {size:.1f} MB of JSON; {args.rounds} interleaved rounds")
    parser_name = "msgspec" if accelerated() else "the json module (no msgspec)"
    print(f"  medmassage parses with {parser_name}")
    if export_time:
        print(f"  export (case_export + json.dumps):     {export_time:8.3f} s")
    else:
        print("  export: bundles read from the cache (delete .benchmarks/ to time it)")
    print(f"  medmassage import_bundle (median):     {statistics.median(mine):8.3f} s")
    print(f"  fhir.resources model_validate_json:    {statistics.median(other):8.3f} s")
    print(
        f"  ratio fhir.resources / medmassage (median of rounds): {statistics.median(ratios):.2f}"
        f"  (goal >= 5; rounds {', '.join(f'{x:.2f}' for x in ratios)})"
    )


if __name__ == "__main__":
    main()
