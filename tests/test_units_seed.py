"""The precomputed unit factors agree with pint, and typical records need no pint at all."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from medmassage import units

CLASSES = {
    cls.CANONICAL_UNIT: cls for cls in (units.Duration, units.Pressure, units.Length, units.Angle)
}


@pytest.mark.parametrize(("canonical", "unit"), sorted(units._SEED))
def test_every_seeded_factor_is_what_pint_says(canonical: str, unit: str) -> None:
    """pint is the authority: each precomputed factor equals pint's to 1e-12."""
    cls = CLASSES[canonical]
    seeded = units._SEED[(canonical, unit)]
    try:
        _, from_pint = units._resolve(cls, unit)  # asks pint and caches its answer
    finally:
        cls._reset_units()  # back to the seeded table
    assert math.isclose(seeded, from_pint, rel_tol=1e-12)


def test_the_bundled_cases_are_read_without_pint() -> None:
    """A fresh process reads every bundled case without importing pint (first use is cheap)."""
    probe = (
        "import json, pathlib, sys, time\n"
        "import medmassage as mm\n"
        "for path in sorted(pathlib.Path('examples').glob('*.json')):\n"
        "    mm.from_json(mm.Case, path.read_bytes())\n"
        "print(json.dumps({'pint': 'pint' in sys.modules}))\n"
    )
    root = Path(__file__).resolve().parent.parent
    run = [sys.executable, "-c", probe]
    done = subprocess.run(run, capture_output=True, text=True, check=True, cwd=root)
    assert json.loads(done.stdout) == {"pint": False}


def test_units_outside_the_table_still_go_to_pint() -> None:
    """A spelling the table lacks is resolved by pint (and then cached)."""
    units.Pressure._reset_units()
    try:
        assert units.Pressure(1, "MPa").canonical == pytest.approx(1000.0)
        assert "MPa" in units.Pressure._units
    finally:
        units.Pressure._reset_units()
