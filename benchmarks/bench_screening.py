"""Contraindication screening throughput, and how its cost grows with the number of rules.

Run: ``python benchmarks/bench_screening.py [--pairs 100000] [--runs 3] [--seed 7]``.

1. *Screening vs a plain baseline*, in one run: ``--pairs`` generated
   patient/plan pairs (coded conditions drawn from the screening-relevant and the
   common massage ICD-10-CM codes, medications, flags, pregnancies, surgeries;
   plans of one to three built-in techniques) are screened with
   `medmassage.screening.screen` and all built-in rules. The baseline evaluates,
   for the same pairs, one plain Python predicate per built-in rule over plain
   strings, floats and sets prepared beforehand (untimed), appends a
   ``(rule, severity)`` tuple per hit and derives the status. The ratio is
   medmassage's time over the baseline's.
2. *Scaling*: synthetic rules, each triggered by one ICD-10-CM category, 20
   against 200 installed, on the same prepared contexts; with the engine's
   trigger index and, for comparison, with every rule evaluated for every
   context (no index).

Times are the best of ``--runs`` (medmassage and baseline run alternately, so
that other load on the machine hits both), per pair in microseconds, with the garbage
collector off during each timed run (as `timeit` does) and, under ``with_gc``,
on. The baseline allocates almost nothing, so a collector pass over the 100,000
retained patients is charged almost wholly to medmassage; with the collector on,
the ratio depends on heap size rather than on screening.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from medmassage.anatomy import BodyRegion, Laterality
from medmassage.codes import CodeSet, Coding
from medmassage.contraindications import (
    Action,
    Finding,
    Policy,
    RuleSet,
    ScreeningContext,
    ScreeningStatus,
    Severity,
    Triggers,
)
from medmassage.contraindications._core import BUILTIN_RULES
from medmassage.diagnosis import Diagnosis
from medmassage.modalities import BUILTIN_MODALITIES
from medmassage.patient import (
    AdministrativeSex,
    Condition,
    Medication,
    MedicationClass,
    Patient,
    Pregnancy,
    RiskFlag,
    Surgery,
)
from medmassage.plans import PlannedTechnique, TreatmentPlan
from medmassage.screening import screen
from medmassage.testing.plugins import registry_from
from medmassage.units import Duration

ON = dt.date(2026, 3, 2)

# Screening-relevant codes (the CMS ICD-10-CM April 2026 release and the rules' ranges) and common
# massage diagnoses that trigger nothing.
RELEVANT = [
    "Z79.01", "I82.401", "Z86.718", "M81.0", "I10", "I16.0", "I50.9", "N17.9", "R50.9",
    "L03.90", "G62.9", "E11.42", "I83.90", "Z33.1", "O09.90", "Z92.3", "Z85.3", "D69.6",
    "M51.26", "M50.20", "C50.911", "C79.51", "I71.40", "I89.0", "E05.90", "S52.501A",
    "S81.811A", "T22.211A",
]  # fmt: skip
COMMON = [
    "M54.50", "M54.2", "M54.42", "M79.7", "G56.01", "M62.830", "M72.2", "M26.601",
    "G44.209", "G43.909", "M77.11", "M75.101", "M25.511", "M79.18", "E78.5", "E03.9",
    "F41.1", "K21.9", "J45.909", "M17.11",
]  # fmt: skip
MED_CLASSES = [
    (MedicationClass.ANTICOAGULANT, 0.08),
    (MedicationClass.ANTIPLATELET, 0.1),
    (MedicationClass.NSAID, 0.3),
    (MedicationClass.ANTIHYPERTENSIVE, 0.2),
    (MedicationClass.CHEMOTHERAPY, 0.02),
    (MedicationClass.CORTICOSTEROID, 0.05),
]
PLAN_MODALITIES = [
    ("core.swedish", (1, 3)),
    ("core.deep_tissue", (4, 5)),
    ("core.myofascial_release", (2, 4)),
    ("core.trigger_point", (3, 5)),
    ("core.neuromuscular", (3, 4)),
    ("core.lymphatic_drainage", (0, 1)),
]
REGIONS = [
    (BodyRegion.LUMBAR_SPINE, None),
    (BodyRegion.NECK, None),
    (BodyRegion.THORACIC_SPINE, None),
    (BodyRegion.SHOULDER, Laterality.LEFT),
    (BodyRegion.THIGH, Laterality.RIGHT),
    (BodyRegion.ABDOMEN, None),
]


def make_plans(rng: random.Random, n: int) -> list[TreatmentPlan]:
    plans = []
    for i in range(n):
        techniques = []
        for _ in range(rng.randint(1, 3)):
            weights = [6, 3, 3, 2, 2, 1]
            code, (lo, hi) = rng.choices(PLAN_MODALITIES, weights)[0]
            region, side = rng.choice(REGIONS)
            techniques.append(
                PlannedTechnique(
                    modality=code,
                    region=region,
                    laterality=side,
                    duration=Duration(15, "min"),
                    min_grade=BUILTIN_MODALITIES[code].min_grade.__class__(lo),
                    max_grade=BUILTIN_MODALITIES[code].min_grade.__class__(hi),
                )
            )
        plans.append(
            TreatmentPlan(
                id=f"plan-{i}",
                patient_id="p",
                practitioner_id="pr",
                diagnoses=(Diagnosis(coding=Coding.icd10cm("M54.50")),),
                techniques=tuple(techniques),
                session_length=Duration(60, "min"),
                sessions_per_week=2,
                duration_weeks=6,
                start_date=dt.date(2026, 2, 2),
            )
        )
    return plans


def make_patient(rng: random.Random, i: int) -> Patient:
    conditions = []
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        code = rng.choice(RELEVANT) if rng.random() < 0.35 else rng.choice(COMMON)
        conditions.append(Condition(code=Coding.icd10cm(code)))
    meds = tuple(
        Medication(name=k.value, classes=frozenset({k})) for k, p in MED_CLASSES if rng.random() < p
    )
    flags = frozenset(f for f in RiskFlag if rng.random() < 0.03)
    female = rng.random() < 0.6
    pregnancy = None
    if female and rng.random() < 0.05:
        pregnancy = Pregnancy(
            gestational_weeks=rng.randint(4, 38), recorded_on=ON, high_risk=rng.random() < 0.1
        )
    surgeries: tuple[Surgery, ...] = ()
    if rng.random() < 0.1:
        surgeries = (
            Surgery(
                procedure="operation",
                performed_on=ON - dt.timedelta(days=rng.randint(1, 400)),
                region=BodyRegion.KNEE,
                laterality=Laterality.LEFT,
                lymph_nodes_removed=rng.random() < 0.2,
            ),
        )
    return Patient(
        id=f"p-{i}",
        birth_date=dt.date(1950 + i % 50, 1 + i % 12, 1),
        sex=AdministrativeSex.FEMALE if female else AdministrativeSex.MALE,
        conditions=tuple(conditions),
        medications=meds,
        flags=flags,
        pregnancy=pregnancy,
        surgeries=surgeries,
    )


# -- the baseline: plain predicates over plain data ------------------------------------------------


@attrs.frozen(slots=True)
class Plain:
    codes: tuple[str, ...]
    meds: frozenset[str]
    flags: frozenset[str]
    weeks: float | None
    high_risk: bool
    surgery_days: tuple[tuple[float, bool], ...]
    modalities: frozenset[str]
    tags: frozenset[str]
    certs_needed: bool
    devices: bool
    allergies: frozenset[str]


def to_plain(patient: Patient, plan: TreatmentPlan) -> Plain:
    codes = tuple(c.code.code for c in patient.conditions if c.status.is_active)
    mods = frozenset(t.modality for t in plan.techniques)
    tags = frozenset(t for m in mods for t in BUILTIN_MODALITIES[m].contraindication_tags)
    preg = patient.pregnancy
    return Plain(
        codes=codes,
        meds=frozenset(k.value for m in patient.medications if m.active for k in m.classes),
        flags=frozenset(f.value for f in patient.flags),
        weeks=preg.weeks_on(ON) if preg else None,
        high_risk=bool(preg and preg.high_risk),
        surgery_days=tuple(
            (float((ON - s.performed_on).days), s.lymph_nodes_removed) for s in patient.surgeries
        ),
        modalities=mods,
        tags=tags,
        certs_needed=any(BUILTIN_MODALITIES[m].required_certifications for m in mods),
        devices=bool(patient.devices),
        allergies=frozenset(a.category.value for a in patient.allergies),
    )


def _any(codes: tuple[str, ...], prefixes: tuple[str, ...]) -> bool:
    return any(c.startswith(prefixes) for c in codes)


A, L, RL, INF = "absolute", "local", "relative", "information"
CONTACT_ALLERGENS = frozenset(
    {"massage_oil", "nut_oil", "lotion", "fragrance", "latex", "adhesive"}
)
BASELINE: list[tuple[str, Callable[[Plain], str | None]]] = [
    ("acute_dvt", lambda p: A if _any(p.codes, ("I80", "I82.4", "I82.6", "I26")) else None),
    ("dvt_history", lambda p: RL if _any(p.codes, ("Z86.718", "I82.5", "I82.7")) else None),
    ("fever", lambda p: A if _any(p.codes, ("R50", "A40", "A41", "J1", "J0", "U07.1")) else None),
    ("local_infection", lambda p: L if _any(p.codes, ("L0", "A46")) else None),
    (
        "open_wound",
        lambda p: (
            L if _any(p.codes, ("S01", "S81", "T2", "L89")) or "fragile_skin" in p.flags else None
        ),
    ),
    ("recent_surgery", lambda p: L if any(d < 84 for d, _ in p.surgery_days) else None),
    ("recent_fracture", lambda p: L if _any(p.codes, ("S52", "S82", "M80", "M84.3")) else None),
    (
        "bleeding_risk",
        lambda p: (
            RL
            if p.meds & {"anticoagulant", "antiplatelet"} or _any(p.codes, ("Z79.01", "D6"))
            else None
        ),
    ),
    ("osteoporosis", lambda p: RL if _any(p.codes, ("M80", "M81")) else None),
    ("bone_metastasis", lambda p: RL if _any(p.codes, ("C79.5",)) else None),
    (
        "active_cancer",
        lambda p: L if _any(p.codes, ("C", "D0")) or "chemotherapy" in p.meds else None,
    ),
    ("radiation_site", lambda p: INF if _any(p.codes, ("L58", "Z92.3")) else None),
    (
        "heart_failure",
        lambda p: (A if "lymphatic" in p.tags else INF) if _any(p.codes, ("I50",)) else None,
    ),
    (
        "kidney_failure",
        lambda p: A if "lymphatic" in p.tags and _any(p.codes, ("N17", "N18.5")) else None,
    ),
    (
        "hypertension",
        lambda p: A if _any(p.codes, ("I16",)) else INF if _any(p.codes, ("I1",)) else None,
    ),
    ("varicose_veins", lambda p: L if _any(p.codes, ("I83",)) else None),
    (
        "pregnancy",
        lambda p: (
            (A if p.high_risk else RL)
            if p.weeks is not None or _any(p.codes, ("Z33.1", "O09"))
            else None
        ),
    ),
    (
        "neuropathy",
        lambda p: (
            RL
            if _any(p.codes, ("G6", "E11.4", "E10.4")) or "reduced_sensation" in p.flags
            else None
        ),
    ),
    (
        "herniated_disc",
        lambda p: (
            L if _any(p.codes, ("M50.0", "M50.1", "M50.2", "M51.0", "M51.1", "M51.2")) else None
        ),
    ),
    ("aneurysm", lambda p: L if _any(p.codes, ("I71", "I72", "I67.1")) else None),
    (
        "lymphedema",
        lambda p: (
            L if _any(p.codes, ("I89.0", "I97.2")) or any(n for _, n in p.surgery_days) else None
        ),
    ),
    ("neck_vessels_thyroid", lambda p: L if _any(p.codes, ("I65.2", "E05", "G90.01")) else None),
    ("certification", lambda p: RL if p.certs_needed else None),
    (
        "acute_inflammation",
        lambda p: (
            L
            if _any(
                p.codes,
                ("S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "M05", "M06", "M10"),
            )
            else None
        ),
    ),
    ("contact_allergy", lambda p: RL if p.allergies & CONTACT_ALLERGENS else None),
    (
        "contagious_skin",
        lambda p: L if _any(p.codes, ("B35", "B00", "B02", "B86", "L01")) else None,
    ),
    (
        "corticosteroids",
        lambda p: RL if "corticosteroid" in p.meds or _any(p.codes, ("Z79.52",)) else None,
    ),
    (
        "fall_risk",
        lambda p: INF if "fall_risk" in p.flags or "antihypertensive" in p.meds else None,
    ),
    (
        "implanted_device",
        lambda p: L if p.devices or _any(p.codes, ("Z95", "Z45.2", "Z96.4", "Z96.8")) else None,
    ),
    (
        "inflammatory_skin",
        lambda p: L if _any(p.codes, ("L40", "L20", "L21", "L23", "L24", "L25", "L30.9")) else None,
    ),
    (
        "pain_feedback",
        lambda p: RL if p.meds & {"opioid", "nsaid", "insulin", "muscle_relaxant"} else None,
    ),
    ("paralysis", lambda p: RL if _any(p.codes, ("G81", "G82", "G83", "I69")) else None),
    ("thrombophilia", lambda p: RL if _any(p.codes, ("D68.5", "D68.6")) else None),
    ("trauma_informed", lambda p: INF if "history_of_abuse" in p.flags else None),
]
assert len(BASELINE) == len(BUILTIN_RULES)


def baseline(items: Sequence[Plain]) -> list[str]:
    out = []
    for p in items:
        hits = []
        for name, pred in BASELINE:
            sev = pred(p)
            if sev is not None:
                hits.append((name, sev))
        status = "clear"
        for _, sev in hits:
            if sev == A:
                status = "defer"
                break
            if sev != INF:
                status = "modify"
        out.append(status)
    return out


def once(fn: Callable[[], Any], *, collect: bool = False) -> tuple[float, Any]:
    """Time one call; the garbage collector is off unless *collect* (as in timeit)."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        t0 = time.perf_counter()
        result = fn()
        return time.perf_counter() - t0, result
    finally:
        gc.enable()


def best(runs: int, fn: Callable[[], Any], *, collect: bool = False) -> tuple[float, Any]:
    """Best time of *runs* calls."""
    times = []
    result = None
    for _ in range(runs):
        t, result = once(fn, collect=collect)
        times.append(t)
    return min(times), result


def interleaved(
    runs: int, a: Callable[[], Any], b: Callable[[], Any], *, collect: bool = False
) -> tuple[float, float, Any, Any]:
    """Best times of *a* and *b*, run alternately so that load on the machine hits both."""
    ta: list[float] = []
    tb: list[float] = []
    ra = rb = None
    for _ in range(runs):
        t, ra = once(a, collect=collect)
        ta.append(t)
        t, rb = once(b, collect=collect)
        tb.append(t)
    return min(ta), min(tb), ra, rb


# -- scaling ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class CategoryRule:
    """Synthetic rule: a relative finding for any active condition in one category."""

    id: str
    codes: CodeSet
    title: str = "synthetic"
    severity: Severity = Severity.RELATIVE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[BodyRegion] = frozenset()
    source: str = "benchmark"
    api_version: int = 1
    triggers: Triggers | None = None

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        for c in context.matching(self.codes):
            yield Finding(
                rule_id=self.id,
                severity=Severity.RELATIVE,
                action=Action.LIMIT_PRESSURE,
                rationale="synthetic",
                source=self.source,
                evidence=(f"ICD-10-CM {c.icd10cm}",),
            )


def synthetic_rules(n: int, categories: Sequence[str], indexed: bool) -> list[CategoryRule]:
    rules = []
    for i in range(n):
        codes = CodeSet(categories[i])
        rules.append(
            CategoryRule(
                id=f"bench.r{i:03d}",
                codes=codes,
                triggers=Triggers(icd10cm=codes) if indexed else None,
            )
        )
    return rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    plans = make_plans(rng, 200)
    pairs = [(make_patient(rng, i), plans[i % len(plans)]) for i in range(args.pairs)]
    plain = [to_plain(p, q) for p, q in pairs]
    built = time.perf_counter() - t0
    registry = registry_from()
    policy = Policy()
    rule_set = registry.rule_set()

    def run_medmassage() -> list[str]:
        return [
            screen(p, q, on=ON, registry=registry, policy=policy).status.value for p, q in pairs
        ]

    t_base, t_mm, base_status, mm_status = interleaved(
        args.runs, lambda: baseline(plain), run_medmassage
    )
    t_base_gc, t_mm_gc, _, _ = interleaved(
        args.runs, lambda: baseline(plain), run_medmassage, collect=True
    )
    agree = sum(a == b for a, b in zip(base_status, mm_status, strict=True)) / len(pairs)
    counts = {s.value: mm_status.count(s.value) for s in ScreeningStatus}

    # scaling on prepared contexts (context building is the same for every rule count)
    categories = sorted({f"{c}{d:02d}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for d in range(100)})
    rng.shuffle(categories)
    pool = categories[:400]
    contexts = []
    for i in range(min(args.pairs, 20_000)):
        conditions = tuple(
            Condition(code=Coding.icd10cm(f"{rng.choice(pool)}.9"))
            for _ in range(rng.randint(0, 4))
        )
        patient = attrs.evolve(pairs[i][0], conditions=conditions)
        contexts.append(
            ScreeningContext(
                patient=patient, plan=pairs[i][1], on=ON, modalities=registry.modalities
            )
        )
    scaling = {}
    for indexed in (True, False):
        for n in (20, 200):
            rs = RuleSet(synthetic_rules(n, pool, indexed))

            def run_rules(rs: RuleSet = rs) -> list[object]:
                return [rs.assess(c) for c in contexts]

            t, _ = best(args.runs, run_rules)
            scaling[(indexed, n)] = t / len(contexts) * 1e6

    # evaluations per context with the built-in rules
    evaluated = sum(len(rule_set.candidates(c)) for c in contexts) / len(contexts)

    report = {
        "pairs": args.pairs,
        "built_in_rules": len(BUILTIN_RULES),
        "setup_seconds": round(built, 1),
        "baseline_us_per_pair": round(t_base / len(pairs) * 1e6, 2),
        "medmassage_us_per_pair": round(t_mm / len(pairs) * 1e6, 2),
        "ratio_medmassage_over_baseline": round(t_mm / t_base, 2),
        "with_gc": {
            "baseline_us_per_pair": round(t_base_gc / len(pairs) * 1e6, 2),
            "medmassage_us_per_pair": round(t_mm_gc / len(pairs) * 1e6, 2),
            "ratio_medmassage_over_baseline": round(t_mm_gc / t_base_gc, 2),
        },
        "status_counts": counts,
        "status_agreement_with_baseline": round(agree, 3),
        "builtin_rules_evaluated_per_context": round(evaluated, 2),
        "scaling_us_per_context": {
            "indexed_20": round(scaling[(True, 20)], 2),
            "indexed_200": round(scaling[(True, 200)], 2),
            "indexed_ratio_200_over_20": round(scaling[(True, 200)] / scaling[(True, 20)], 2),
            "unindexed_20": round(scaling[(False, 20)], 2),
            "unindexed_200": round(scaling[(False, 200)], 2),
            "unindexed_ratio_200_over_20": round(scaling[(False, 200)] / scaling[(False, 20)], 2),
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
