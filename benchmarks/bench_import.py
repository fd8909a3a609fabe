"""Import cost of medmassage against ``import attrs, cattrs``, each in fresh processes.

Also shows what ``import medmassage`` leaves out: no pint, no unit registry, no
entry-point scan, no ICD-10-CM table.

Run: python benchmarks/bench_import.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import sys

PROBE = """
import sys, time
t0 = time.perf_counter()
{statement}
elapsed = time.perf_counter() - t0
import json
print(json.dumps({{
    "seconds": elapsed,
    "pint": "pint" in sys.modules,
    "plugins": "medmassage.plugins" in sys.modules,
    "entry_points_scanned": "importlib.metadata" in sys.modules,
    "icd10cm_table": "medmassage._icd10cm" in sys.modules or "simple_icd_10_cm" in sys.modules,
}}))
"""


def measure(statement: str, runs: int) -> tuple[list[float], dict[str, bool]]:
    times: list[float] = []
    flags: dict[str, bool] = {}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-X", "frozen_modules=on", "-c", PROBE.format(statement=statement)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        data = json.loads(out)
        times.append(data.pop("seconds"))
        flags = data
    return times, flags


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 8 if args.quick else args.runs
    # Alternate the two so that machine load affects both alike.
    ours: list[float] = []
    base: list[float] = []
    flags: dict[str, bool] = {}
    for _ in range(runs):
        t, flags = measure("import medmassage", 1)
        ours += t
        b, _ = measure("import attrs, cattrs", 1)
        base += b
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(f"import medmassage     median {m_ours * 1e3:7.1f} ms  (min {min(ours) * 1e3:.1f})")
    print(f"import attrs, cattrs  median {m_base * 1e3:7.1f} ms  (min {min(base) * 1e3:.1f})")
    print(f"ratio (median) {m_ours / m_base:.3f}  limit 1.3")
    for name, present in flags.items():
        print(f"after import medmassage: {name:22} {'YES' if present else 'no'}")
    models, _ = measure(
        "import medmassage as mm; mm.Case, mm.Session, mm.Patient, mm.TreatmentPlan, mm.from_json",
        max(3, runs // 2),
    )
    print(
        f"import medmassage and touch every core model and from_json: median "
        f"{statistics.median(models) * 1e3:.1f} ms ({statistics.median(models) / m_base:.2f}x "
        "import attrs, cattrs)"
    )
    bundled = pathlib.Path(__file__).resolve().parent.parent / "src" / "medmassage" / "_examples"
    for path in sorted(bundled.glob("*.json")):
        read, read_flags = measure(
            "import medmassage as mm, pathlib; "
            f"mm.from_json(mm.Case, pathlib.Path({str(path)!r}).read_bytes())",
            max(3, runs // 4),
        )
        print(
            f"import medmassage and read {path.name} (first from_json, fresh process): median "
            f"{statistics.median(read) * 1e3:.0f} ms, pint imported: "
            f"{'YES' if read_flags['pint'] else 'no'}  (goal < 300 ms)"
        )
    first, _ = measure("import medmassage; medmassage.Pressure(30, 'MPa')", max(3, runs // 4))
    print(
        f"first use of a unit outside the precomputed table (imports pint, builds the "
        f"registry): median {statistics.median(first) * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()
