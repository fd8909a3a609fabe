"""examples/build_examples.py, written with the entry-once builders, writes the committed cases.

The script builds each case as the getting-started page does (descriptions from the
ICD-10-CM table, ``TreatmentPlan.for_referral``, ``Session.for_plan``,
``TechniqueSegment.as_planned``); the JSON files it writes were first written field by
field. The files being unchanged is what shows the builders lossless.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import medmassage as mm

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "build_examples.py"
PACKAGE_COPY = ROOT / "src" / "medmassage" / "_examples"


def _script() -> ModuleType:
    """Import examples/build_examples.py (its ``main`` is not run)."""
    spec = importlib.util.spec_from_file_location("build_examples", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _builders() -> dict[str, Callable[[], mm.Case]]:
    cases: dict[str, Callable[[], mm.Case]] = _script().CASES
    return cases


@pytest.mark.parametrize("name", sorted(_builders()))
def test_the_script_writes_the_committed_case(name: str) -> None:
    """The JSON of each case the script builds is its file in examples/ and the package."""
    text = mm.to_json(_builders()[name](), indent=2) + "\n"
    assert text == (ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8")
    assert text == (PACKAGE_COPY / f"{name}.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(_builders()))
def test_a_built_case_keeps_what_the_builders_filled_in(name: str) -> None:
    """The ids, lengths, diagnoses and segments the builders took survive a JSON round trip."""
    case = _builders()[name]()
    again = mm.from_json(mm.Case, mm.to_json(case))
    assert again == case
    plan = again.plan
    referral = plan.referral
    assert referral is not None
    assert plan.diagnoses == referral.diagnoses
    assert plan.sessions_per_week == referral.frequency_per_week
    assert plan.duration_weeks == referral.duration_weeks
    for diagnosis in plan.diagnoses:
        assert diagnosis.coding.display == mm.Coding.icd10cm(diagnosis.coding.code).display
    for session in again.sessions:
        assert (session.patient_id, session.plan_id) == (plan.patient_id, plan.id)
        assert session.practitioner_id == plan.practitioner_id
        planned = {(t.modality, t.region, t.laterality) for t in plan.techniques}
        assert {(s.modality, s.region, s.laterality) for s in session.segments} <= planned
