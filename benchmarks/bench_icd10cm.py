"""ICD-10-CM lookup: the first lookup in a fresh process, then cached lookups.

Run: ``python benchmarks/bench_icd10cm.py [--runs 5] [--lookups 1000000]``.

* *import*: ``import medmassage`` in a fresh interpreter (which must load no table);
* *first existence check*: `medmassage.codes.is_icd10cm_code` right after import
  (reads the CMS code list only) - what ``Diagnosis`` validation pays once;
* *first lookup*: `medmassage.codes.lookup_icd10cm` right after import (code list
  and the tabular XML's descriptions);
* *cached lookups*: 1,000,000 `lookup_icd10cm` calls cycling over 20 codes in
  dotted and undotted forms, in this process after warm-up;
* *Diagnosis construction*: a strict ``Diagnosis`` with an ICD-10-CM code, warm;
* for comparison, ``import simple_icd_10_cm`` in a fresh interpreter (it parses
  the whole XML eagerly).

Each fresh-process figure is the median of ``--runs`` subprocesses.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap
import time

_FRESH = textwrap.dedent(
    """
    import json, sys, time, warnings
    t0 = time.perf_counter()
    import medmassage, medmassage.codes
    t1 = time.perf_counter()
    loaded = "medmassage._icd10cm" in sys.modules
    if sys.argv[1] == "exists":
        medmassage.codes.is_icd10cm_code("M54.50")
    else:
        medmassage.codes.lookup_icd10cm("M54.50")
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "first": t2 - t1, "loaded_at_import": loaded}))
    """
)

_SIMPLE = textwrap.dedent(
    """
    import json, time, warnings
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    import simple_icd_10_cm
    print(json.dumps({"import": time.perf_counter() - t0}))
    """
)

CODES = [
    "M54.50", "M5450", "M54.5", "M545", "M54.2", "M542", "G56.01", "G5601", "M79.7", "M797",
    "M62.830", "M62830", "I82.401", "I82401", "Z48.89", "Z4889", "S13.4XXA", "S134XXA",
    "M26.601", "M26601",
]  # fmt: skip


def _fresh(script: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lookups", type=int, default=1_000_000)
    args = parser.parse_args()

    lookups = [_fresh(_FRESH, "lookup") for _ in range(args.runs)]
    exists = [_fresh(_FRESH, "exists") for _ in range(args.runs)]
    assert not any(r["loaded_at_import"] for r in lookups + exists)
    simple = [_fresh(_SIMPLE) for _ in range(max(1, args.runs // 2))]

    from medmassage.codes import Coding, lookup_icd10cm
    from medmassage.diagnosis import Diagnosis

    for code in CODES:
        lookup_icd10cm(code)
    n = args.lookups
    codes = (CODES * (n // len(CODES) + 1))[:n]
    t0 = time.perf_counter()
    for code in codes:
        lookup_icd10cm(code)
    cached = time.perf_counter() - t0

    coding = Coding.icd10cm("M54.50")
    m = 20_000
    t0 = time.perf_counter()
    for _ in range(m):
        Diagnosis(coding=coding)
    diagnosis = (time.perf_counter() - t0) / m

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print(f"Python {sys.version.split()[0]}; median of {args.runs} fresh processes")
    print(f"  import medmassage:                     {med(lookups, 'import') * 1e3:8.1f} ms")
    print(f"  first is_icd10cm_code (code list):     {med(exists, 'first') * 1e3:8.1f} ms")
    print(f"  first lookup_icd10cm (list + XML):     {med(lookups, 'first') * 1e3:8.1f} ms")
    print(f"  import simple_icd_10_cm (comparison):  {med(simple, 'import') * 1e3:8.1f} ms")
    print(
        f"  {n:,} cached lookups:               {cached:8.3f} s "
        f"({cached / n * 1e9:.0f} ns per lookup)"
    )
    print(f"  strict Diagnosis construction (warm):  {diagnosis * 1e6:8.2f} us")


if __name__ == "__main__":
    main()
