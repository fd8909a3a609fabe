"""Contraindication screening throughput, and how its cost grows with the number of rules.

Run: ``python benchmarks/bench_screening.py [--pairs 100000] [--runs 3] [--seed 7]``.

1. *Screening vs a naive loop*, in one run: ``--pairs`` generated
   patient/plan pairs (coded conditions drawn from the screening-relevant and the
   common massage ICD-10-CM codes, medications, flags, pregnancies, surgeries;
   plans of one to three built-in techniques) are screened with
   `medmassage.screening.screen` and all built-in rules. The baseline is a
   naive loop that, for the same pairs, derives the facts from the models
   (active codes, medication classes, flags, the plan's modalities and tags),
   asks every built-in rule rewritten as plain Python (no trigger index, no
   finding objects) and derives the status. It must give the engine's answers:
   the benchmark asserts the same status and the same (rule, severity, scoped)
   hits for every pair before timing anything.
2. *Scaling*: synthetic rules, each triggered by one ICD-10-CM category, 20
   against 200 installed, on the same prepared contexts; with the engine's
   trigger index and, for comparison, with every rule evaluated for every
   context (no index).

The ratio is the median over ``--runs`` rounds of medmassage's CPU time over
the baseline's in the same round (the two alternate, their order switching
every round), with the garbage collector off during each timed run (as
`timeit` does) and, under ``with_gc``, on. Times are the medians, per pair in
microseconds. The scaling table is the best of ``--runs``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from medmassage.anatomy import BodyRegion, Laterality, regions_overlap
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
from medmassage.contraindications._context import MAX_GESTATION_WEEKS
from medmassage.contraindications._core import (
    BUILTIN_RULES,
    devices,
    lymphatic,
    medication,
    musculoskeletal,
    neurological,
    oncology,
    vascular,
)
from medmassage.contraindications._core import infection_and_skin as infection
from medmassage.contraindications._core import pregnancy as pregnancy_rules
from medmassage.diagnosis import Diagnosis
from medmassage.modalities import BUILTIN_MODALITIES
from medmassage.patient import (
    AdministrativeSex,
    AllergyCategory,
    ClinicalStatus,
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


# -- the baseline: a naive loop deriving the same facts from the models ---------------------------
#
# Each built-in rule, written again as plain Python over the models: the facts
# (active codes, medication classes, flags, the plan's modalities and tags) are
# derived from the patient and plan inside the timed loop, every rule is asked
# for every pair (no trigger index), and each hit is a ``(rule, severity,
# scoped)`` tuple (*scoped*: the finding concerns only some modalities or
# tags). The code sets are the rules' own (one definition of each). The status
# follows the policy: an unscoped absolute hit defers, any other non-information
# hit modifies. main() asserts that it agrees with the engine on every pair.

A, L, R, INF = Severity.ABSOLUTE, Severity.LOCAL, Severity.RELATIVE, Severity.INFORMATION
Hit = tuple[str, Severity, bool]
_CONTACT = frozenset(
    {
        AllergyCategory.MASSAGE_OIL,
        AllergyCategory.NUT_OIL,
        AllergyCategory.LOTION,
        AllergyCategory.FRAGRANCE,
        AllergyCategory.LATEX,
        AllergyCategory.ADHESIVE,
    }
)
_DULLING = frozenset({MedicationClass.OPIOID, MedicationClass.MUSCLE_RELAXANT})
_MFR = "core.myofascial_release"


def naive_hits(patient: Patient, plan: TreatmentPlan, on: dt.date, policy: Policy) -> list[Hit]:
    """Every built-in rule's hits for one pair, from the models."""
    codes: set[str] = {c.code.code for c in patient.conditions if c.status.is_active}
    codes.update(d.coding.code for d in plan.diagnoses)
    if plan.referral is not None:
        codes.update(d.coding.code for d in plan.referral.diagnoses)
    meds = {k for m in patient.medications if m.active for k in m.classes}
    flags = patient.flags
    mods = {t.modality for t in plan.techniques}
    tags = {t for m in mods for t in BUILTIN_MODALITIES[m].contraindication_tags}
    mld = "lymphatic" in tags

    def having(codeset: CodeSet) -> list[str]:
        return [c for c in codes if codeset.matches(c)]

    hits: list[Hit] = []
    add = hits.append
    for _ in having(vascular.ACUTE_DVT_CODES):
        add(("acute_dvt", A, False))
    for _ in having(vascular.DVT_HISTORY_CODES):
        add(("dvt_history", R, False))
    for _ in having(infection.FEVER_CODES):
        add(("fever", A, False))
    for _ in having(infection.LOCAL_INFECTION_CODES):
        add(("local_infection", L, False))
        if mld:
            add(("local_infection", A, True))
    for _ in having(infection.WOUND_CODES):
        add(("open_wound", L, False))
    if RiskFlag.FRAGILE_SKIN in flags:
        add(("open_wound", R, False))
    for surgery in patient.surgeries:
        if surgery.performed_on > on or (
            surgery.cleared_on is not None and surgery.cleared_on <= on
        ):
            continue
        days = (on - surgery.performed_on).days
        if days < policy.surgery_no_contact.minutes / 1440:
            add(("recent_surgery", L, False))
        elif days < policy.surgery_light_only.minutes / 1440:
            add(("recent_surgery", R, False))
    for code in having(musculoskeletal.FRACTURE_CODES):
        if not (code.startswith("S") and len(code) == 8 and code.endswith("S")):
            add(("recent_fracture", L, False))
    if (
        meds & vascular._BLEEDING_MEDS
        or having(vascular.BLEEDING_CODES)
        or RiskFlag.BLEEDING_TENDENCY in flags
    ):
        add(("bleeding_risk", R, True))
    if having(musculoskeletal.OSTEOPOROSIS_CODES) or MedicationClass.BISPHOSPHONATE in meds:
        add(("osteoporosis", R, False))
    for _ in having(oncology.BONE_METASTASIS_CODES):
        add(("bone_metastasis", R, False))  # no recorded region here: no site finding
    cancers = having(oncology.CANCER_CODES)
    for _ in cancers:
        add(("active_cancer", R, False))  # no recorded site: limit and clearance
    if cancers and mld:
        treated = (
            having(oncology.TREATMENT_CODES)
            or any(MedicationClass.CHEMOTHERAPY in m.classes for m in patient.medications)
            or any(s.lymph_nodes_removed and s.performed_on <= on for s in patient.surgeries)
        )
        add(("active_cancer", R if treated else A, True))
    if MedicationClass.CHEMOTHERAPY in meds:
        add(("active_cancer", R, False))
    for code in having(oncology.RADIATION_CODES):
        add(("radiation_site", L if code.startswith("L58") else INF, False))
    for code in having(lymphatic.HEART_FAILURE_CODES):
        if not mld:
            add(("heart_failure", INF, False))
        else:
            add(("heart_failure", A if lymphatic.DECOMPENSATED_CODES.matches(code) else R, True))
    if mld:
        for code in having(lymphatic.KIDNEY_CODES):
            add(("kidney_failure", A if code.startswith("N17") else R, True))
    for _ in having(vascular.CRISIS_CODES):
        add(("hypertension", A, False))
    if having(vascular.HYPERTENSION_CODES):
        add(("hypertension", INF, False))  # no session vitals here
    for _ in having(vascular.VARICOSE_CODES):
        add(("varicose_veins", L, False))
    pregnancy = patient.pregnancy
    coded_risk = having(pregnancy_rules.HIGH_RISK_PREGNANCY_CODES)
    if pregnancy is not None or coded_risk or having(pregnancy_rules.PREGNANT_CODES):
        if (pregnancy is not None and pregnancy.high_risk) or coded_risk:
            clearance = pregnancy.clearance if pregnancy is not None else None
            add(("pregnancy", R if clearance is not None and clearance.valid_on(on) else A, False))
        weeks = pregnancy.weeks_on(on) if pregnancy is not None else None
        if weeks is not None and not 0 <= weeks <= MAX_GESTATION_WEEKS:
            weeks = None
        if weeks is None or weeks >= policy.late_pregnancy_weeks:
            add(("pregnancy", R, False))
        add(("pregnancy", R, False))  # legs and hands
        add(("pregnancy", R, False))  # abdomen
        if "deep_pressure" in tags:
            add(("pregnancy", R, True))
        if weeks is not None and weeks < 14:
            add(("pregnancy", INF, False))
    for _ in having(neurological.NEUROPATHY_CODES):
        add(("neuropathy", R, False))
    if flags & {RiskFlag.REDUCED_SENSATION, RiskFlag.CANNOT_COMMUNICATE_PRESSURE}:
        add(("neuropathy", R, False))
    for _ in having(musculoskeletal.DISC_CODES):
        add(("herniated_disc", L, False))
    aneurysms = having(vascular.ANEURYSM_CODES)
    for _ in aneurysms:
        add(("aneurysm", L, False))
    if aneurysms and _MFR in mods:
        add(("aneurysm", A, True))
    for _ in having(lymphatic.LYMPHEDEMA_CODES):
        add(("lymphedema", L, True))
    for surgery in patient.surgeries:
        if surgery.lymph_nodes_removed and surgery.performed_on <= on:
            add(("lymphedema", L, True))
    for _ in having(vascular.CAROTID_CODES):
        add(("neck_vessels_thyroid", L, False))
    for code in having(vascular.THYROID_CODES):
        if vascular.HYPERTHYROID_CODES.matches(code):
            add(("neck_vessels_thyroid", L, False))
        elif mld and any(
            regions_overlap(BodyRegion.NECK, None, t.region, t.laterality) for t in plan.techniques
        ):
            add(("neck_vessels_thyroid", R, True))
    for m in mods:
        for _ in BUILTIN_MODALITIES[m].required_certifications:
            add(("certification", R, True))  # no practitioner to check
    flaring = False
    for code in having(musculoskeletal._INFLAMMATION_CODES):
        if musculoskeletal.SOFT_TISSUE_INJURY_CODES.matches(code):
            encounter = code[7:8] if len(code) == 8 else ""
            if encounter != "S":
                add(("acute_inflammation", R if encounter == "D" else L, False))
        elif musculoskeletal.GOUT_CODES.matches(code):
            add(("acute_inflammation", L, False))
        elif any(
            c.code.code == code and c.status in (ClinicalStatus.RELAPSE, ClinicalStatus.RECURRENCE)
            for c in patient.conditions
        ):
            flaring = True
            add(("acute_inflammation", L, False))
        else:
            add(("acute_inflammation", INF, False))
    if flaring and _MFR in mods:
        add(("acute_inflammation", A, True))
    if any(a.category in _CONTACT for a in patient.allergies):
        add(("contact_allergy", R, False))
    contagious = having(infection.CONTAGIOUS_SKIN_CODES)
    for code in contagious:
        add(("contagious_skin", A if infection._DEFER_SKIN.matches(code) else L, False))
    if contagious and mld:
        add(("contagious_skin", A, True))
    if MedicationClass.CORTICOSTEROID in meds or having(medication.STEROID_CODES):
        add(("corticosteroids", R, True))
    if RiskFlag.FALL_RISK in flags or MedicationClass.ANTIHYPERTENSIVE in meds:
        add(("fall_risk", INF, False))
    for d in patient.devices:
        add(("implanted_device", INF if d.kind in devices._HARDWARE else L, False))
    recorded = {d.kind for d in patient.devices}
    for code in having(devices.DEVICE_CODES):
        key = next(k for k in devices._CODED_KIND if code.startswith(k))
        if devices._CODED_KIND[key] not in recorded:
            add(("implanted_device", L, False))
    for code in having(infection.INFLAMMATORY_SKIN_CODES):
        regioned = any(c.code.code == code and c.region is not None for c in patient.conditions)
        add(("inflammatory_skin", L if regioned else INF, False))
    if meds & _DULLING:
        add(("pain_feedback", R, False))
    if MedicationClass.NSAID in meds:
        add(("pain_feedback", INF, False))
    if MedicationClass.INSULIN in meds:
        add(("pain_feedback", INF, False))
    for _ in having(neurological.PARALYSIS_CODES):
        add(("paralysis", R, False))
    for _ in having(vascular.THROMBOPHILIA_CODES):
        add(("thrombophilia", R, False))
    if RiskFlag.HISTORY_OF_ABUSE in flags:
        add(("trauma_informed", INF, False))
    return hits


def naive_status(hits: Sequence[Hit]) -> str:
    """The status the policy derives from the hits."""
    status = "clear"
    for _, severity, scoped in hits:
        if severity is A and not scoped:
            return "defer"
        if severity is not INF:
            status = "modify"
    return status


def baseline(pairs: Sequence[tuple[Patient, TreatmentPlan]], policy: Policy) -> list[str]:
    """The naive loop: facts and rules for every pair, then the status."""
    return [naive_status(naive_hits(p, q, ON, policy)) for p, q in pairs]


def engine_hits(assessment: Any) -> set[Hit]:
    """An assessment's findings in the baseline's terms."""
    return {
        (f.rule_id.removeprefix("core."), f.severity, bool(f.modalities or f.tags))
        for f in assessment.findings
    }


def once(fn: Callable[[], Any], *, collect: bool = False) -> tuple[float, Any]:
    """CPU time of one call; the garbage collector is off unless *collect* (as in timeit)."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        t0 = time.process_time()
        result = fn()
        return time.process_time() - t0, result
    finally:
        gc.enable()


def best(runs: int, fn: Callable[[], Any], *, collect: bool = False) -> tuple[float, Any]:
    """Best time of *runs* calls (the scaling table: one variant at a time)."""
    times = []
    result = None
    for _ in range(runs):
        t, result = once(fn, collect=collect)
        times.append(t)
    return min(times), result


def rounds(
    runs: int, base: Callable[[], Any], ours: Callable[[], Any], *, collect: bool = False
) -> tuple[float, float, float, Any, Any]:
    """Median times of *base* and *ours* and the median of their per-round ratios.

    The two run in each round, the order alternating between rounds, so that
    load on the machine hits both; the ratio is taken within each round.
    """
    tb: list[float] = []
    to: list[float] = []
    rb = ro = None
    for i in range(runs):
        order = ((base, tb), (ours, to)) if i % 2 == 0 else ((ours, to), (base, tb))
        for fn, times in order:
            t, result = once(fn, collect=collect)
            times.append(t)
            if fn is base:
                rb = result
            else:
                ro = result
    ratio = statistics.median(o / b for o, b in zip(to, tb, strict=True))
    return statistics.median(tb), statistics.median(to), ratio, rb, ro


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
    built = time.perf_counter() - t0
    registry = registry_from()
    policy = Policy()
    rule_set = registry.rule_set()

    # The baseline must give the engine's answers: the same status for every pair,
    # from the same findings (rule, severity, scoped).
    for p, q in pairs:
        assessment = screen(p, q, on=ON, registry=registry, policy=policy)
        hits = naive_hits(p, q, ON, policy)
        assert naive_status(hits) == assessment.status.value, (p.id, q.id)
        assert set(hits) == engine_hits(assessment), (p.id, q.id)

    def run_medmassage() -> list[str]:
        return [
            screen(p, q, on=ON, registry=registry, policy=policy).status.value for p, q in pairs
        ]

    t_base, t_mm, ratio, base_status, mm_status = rounds(
        args.runs, lambda: baseline(pairs, policy), run_medmassage
    )
    t_base_gc, t_mm_gc, ratio_gc, _, _ = rounds(
        args.runs, lambda: baseline(pairs, policy), run_medmassage, collect=True
    )
    assert base_status == mm_status
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
        "ratio_medmassage_over_baseline": round(ratio, 3),
        "with_gc": {
            "baseline_us_per_pair": round(t_base_gc / len(pairs) * 1e6, 2),
            "medmassage_us_per_pair": round(t_mm_gc / len(pairs) * 1e6, 2),
            "ratio_medmassage_over_baseline": round(ratio_gc, 3),
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
