"""JSON bytes -> validated Session and back, against plain attrs + bare cattrs with floats.

The record: a session with three technique segments carrying pressures, two
outcome measures and a SOAP note. The baseline is the same record as plain
(frozen, slotted) attrs classes whose quantities are bare floats, decoded and
encoded by a bare ``cattrs.Converter`` (with only the date-time hooks it needs).

Run: python benchmarks/bench_serialization.py [--quick]
Prints per-record CPU times (medians), the ratios medmassage / baseline (the
median of per-round ratios, the two interleaved in one process), memory per
record, and the per-record cost at 10,000 vs 100 records. medmassage parses
with msgspec when it is installed (the ``fast`` extra): the line above the
table says which parser ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import gc
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

import medmassage as mm
from medmassage.modalities import PressureGrade
from medmassage.serialization import from_json, to_json

TZ = dt.timezone(dt.timedelta(hours=-6))


def medmassage_record(i: int = 0) -> mm.Session:
    def seg(
        region: mm.BodyRegion, side: mm.Laterality | None, minutes: int, kpa: float
    ) -> mm.TechniqueSegment:
        return mm.TechniqueSegment(
            modality="core.trigger_point",
            region=region,
            laterality=side,
            duration=mm.Duration(minutes, "min"),
            pressure=mm.Pressure(kpa, "kPa"),
            grade=PressureGrade.DEEP,
            feedback=mm.PressureFeedback.COMFORTABLE,
            discomfort=6,
        )

    start = dt.datetime(2026, 1, 12, 9, 0, tzinfo=TZ) + dt.timedelta(days=i % 300)
    return mm.Session(
        id=f"ses-{i}",
        patient_id="pt-1001",
        practitioner_id="pr-201",
        plan_id="plan-301",
        start=start,
        duration=mm.Duration(60, "min"),
        segments=(
            seg(mm.BodyRegion.THORACIC_SPINE, None, 20, 310.5),
            seg(mm.BodyRegion.HIP, mm.Laterality.LEFT, 15, 441.3),
            seg(mm.BodyRegion.THIGH, mm.Laterality.LEFT, 15, 280.0),
        ),
        note=mm.SoapNote(
            subjective="Low back pain 5/10, better after last session.",
            objective="Hypertonic left piriformis, two active trigger points.",
            assessment="Improving; tolerated grade 4 pressure.",
            plan="Continue twice weekly.",
        ),
        outcomes=(
            mm.OutcomeMeasure(instrument="nprs", taken_at=start, responses=(5,)),
            mm.OutcomeMeasure(
                instrument="odi", taken_at=start, responses=(2, 1, 2, 1, 3, 1, 1, None, 1, 2)
            ),
        ),
    )


# -- the baseline: the same shape, floats instead of quantities --------------------


class Region(enum.Enum):
    THORACIC_SPINE = "thoracic_spine"
    HIP = "hip"
    THIGH = "thigh"


class Side(enum.Enum):
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"


class Feedback(enum.Enum):
    TOO_LIGHT = "too_light"
    COMFORTABLE = "comfortable"
    TOO_FIRM = "too_firm"


class Status(enum.Enum):
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


@attrs.frozen(kw_only=True, slots=True)
class PlainSegment:
    modality: str
    region: Region
    duration: float
    laterality: Side | None = None
    pressure: float | None = None
    grade: int | None = None
    feedback: Feedback | None = None
    discomfort: int | None = None


@attrs.frozen(kw_only=True, slots=True)
class PlainNote:
    subjective: str | None = None
    objective: str | None = None
    assessment: str | None = None
    plan: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class PlainOutcome:
    instrument: str
    taken_at: dt.datetime
    value: float | None = None
    responses: tuple[int | None, ...] | None = None
    measurements: tuple[float, ...] = ()
    region: Region | None = None
    laterality: Side | None = None
    movement: str | None = None
    note: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class PlainReaction:
    kind: str
    severity: str


@attrs.frozen(kw_only=True, slots=True)
class PlainVitals:
    systolic: float | None = None
    diastolic: float | None = None
    heart_rate: int | None = None
    temperature: float | None = None


@attrs.frozen(kw_only=True, slots=True)
class PlainSignature:
    by: str
    at: dt.datetime


@attrs.frozen(kw_only=True, slots=True)
class PlainSession:
    """Every field of `medmassage.Session`, with floats where it has quantities."""

    id: str
    patient_id: str
    practitioner_id: str
    start: dt.datetime
    duration: float
    plan_id: str | None = None
    status: Status = Status.COMPLETED
    segments: tuple[PlainSegment, ...] = ()
    note: PlainNote | None = None
    outcomes: tuple[PlainOutcome, ...] = ()
    adverse_reactions: tuple[PlainReaction, ...] = ()
    vitals: PlainVitals | None = None
    signature: PlainSignature | None = None
    amendments: tuple[PlainReaction, ...] = ()


def baseline_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_structure_hook(dt.datetime, lambda v, _: dt.datetime.fromisoformat(v))
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    conv.register_structure_hook(
        int | None,
        lambda v, _: None if v is None else int(v),
    )
    return conv


def plain_record(record: mm.Session) -> PlainSession:
    return PlainSession(
        id=record.id,
        patient_id=record.patient_id,
        practitioner_id=record.practitioner_id,
        start=record.start,
        duration=record.duration.minutes,
        plan_id=record.plan_id,
        segments=tuple(
            PlainSegment(
                modality=s.modality,
                region=Region(s.region.value),
                duration=s.duration.minutes,
                laterality=Side(s.laterality.value) if s.laterality else None,
                pressure=s.pressure.kpa if s.pressure else None,
                grade=int(s.grade) if s.grade is not None else None,
                feedback=Feedback(s.feedback.value) if s.feedback else None,
                discomfort=s.discomfort,
            )
            for s in record.segments
        ),
        note=PlainNote(**attrs.asdict(record.note)) if record.note else None,
        outcomes=tuple(
            PlainOutcome(instrument=o.instrument, taken_at=o.taken_at, responses=o.responses)  # type: ignore[arg-type]
            for o in record.outcomes
        ),
    )


def paired(
    ours: Callable[[], object], base: Callable[[], object], number: int, repeat: int
) -> tuple[float, float, float]:
    """Median CPU seconds per call of each, and the median of the per-round ratios.

    Each round times both, the order alternating between rounds; the ratio is
    taken within each round, so that other load on the machine (which changes
    from one round to the next) hits both sides of it alike. Process CPU time,
    not wall time.
    """
    times: tuple[list[float], list[float]] = ([], [])
    for r in range(repeat):
        order = ((0, ours), (1, base)) if r % 2 == 0 else ((1, base), (0, ours))
        for k, fn in order:
            gc.collect()
            t0 = time.process_time()
            for _ in range(number):
                fn()
            times[k].append((time.process_time() - t0) / number)
    ratio = statistics.median(o / b for o, b in zip(times[0], times[1], strict=True))
    return statistics.median(times[0]), statistics.median(times[1]), ratio


def memory_per_record(make: Callable[[int], Any], n: int) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept = [make(i) for i in range(n)]
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    size = sum(s.size_diff for s in after.compare_to(before, "filename"))
    del kept
    return size / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    number, repeat = (300, 5) if args.quick else (2000, 7)

    record = medmassage_record()
    plain = plain_record(record)
    conv = baseline_converter()
    mm_bytes = to_json(record).encode()
    plain_bytes = json.dumps(conv.unstructure(plain)).encode()
    assert from_json(mm.Session, mm_bytes) == record
    assert conv.structure(json.loads(plain_bytes), PlainSession) == plain

    results = {
        "decode": paired(
            lambda: from_json(mm.Session, mm_bytes),
            lambda: conv.structure(json.loads(plain_bytes), PlainSession),
            number,
            repeat,
        ),
        "encode": paired(
            lambda: to_json(record).encode(),
            lambda: json.dumps(conv.unstructure(plain)).encode(),
            number,
            repeat,
        ),
    }
    docs_mm = [to_json(medmassage_record(i)).encode() for i in range(10_000)]
    docs_plain = [
        json.dumps(conv.unstructure(plain_record(medmassage_record(i)))).encode()
        for i in range(200)
    ]
    memory = (
        memory_per_record(lambda i: from_json(mm.Session, docs_mm[i % 200]), 2000),
        memory_per_record(
            lambda i: conv.structure(json.loads(docs_plain[i % 200]), PlainSession), 2000
        ),
    )
    results["memory"] = (*memory, memory[0] / memory[1])

    def per_record(n: int) -> float:
        docs = docs_mm[:n]
        reps = max(1, 20_000 // n)
        gc.collect()
        t0 = time.process_time()
        for _ in range(reps):
            out = [from_json(mm.Session, d) for d in docs]
        del out
        return (time.process_time() - t0) / (reps * n)

    # Interleaved rounds; the ratio is the median of the per-round ratios.
    sizes: tuple[list[float], list[float]] = ([], [])
    for _ in range(3):
        sizes[0].append(per_record(100))
        sizes[1].append(per_record(10_000))
    small, large = statistics.median(sizes[0]), statistics.median(sizes[1])
    growth = statistics.median(b / a for a, b in zip(*sizes, strict=True))

    from importlib.metadata import version

    print(f"Python {sys.version.split()[0]}, attrs {version('attrs')}, cattrs {version('cattrs')}")
    from medmassage.serialization import _text

    fast = getattr(_text, "accelerated", lambda: False)()
    print(f"medmassage's parser: {'msgspec' if fast else 'json (stdlib)'}")
    print(f"record: {len(mm_bytes)} bytes (medmassage), {len(plain_bytes)} bytes (baseline)")
    print(f"{'':8} {'medmassage':>12} {'baseline':>12} {'ratio':>7}  limit")
    limits = {"decode": 1.25, "encode": 1.15, "memory": 1.10}
    for name, (ours, base, ratio) in results.items():
        unit = "B" if name == "memory" else "us"
        scale = 1 if name == "memory" else 1e6
        flag = "ok" if ratio <= limits[name] else "OVER"
        print(
            f"{name:8} {ours * scale:10.1f}{unit:>2} {base * scale:10.1f}{unit:>2} {ratio:7.3f}  "
            f"<= {limits[name]} {flag}"
        )
    print(
        f"decode per record: {small * 1e6:.1f} us at 100, {large * 1e6:.1f} us at 10,000 "
        f"(ratio {growth:.3f}, limit 1.3)"
    )


if __name__ == "__main__":
    main()
