"""Discovery through real package metadata (run by ``nox -s plugins``).

The nox session installs ``examples/plugins/medmassage-cupping`` and the
deliberately broken ``examples/plugins/medmassage-broken`` into a fresh
environment and runs ``pytest tests/plugins_real -m real_entry_points``.
Elsewhere these tests are skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Iterator

import attrs
import pytest

from medmassage.anatomy import BodyRegion
from medmassage.cli import main
from medmassage.contraindications import Action, ScreeningStatus, Severity
from medmassage.modalities import PressureGrade
from medmassage.patient import Medication, MedicationClass, RiskFlag
from medmassage.plugins import (
    MODALITIES_GROUP,
    RULES_GROUP,
    discover,
    get_default_registry,
    make_registry,
)
from medmassage.screening import screen
from medmassage.sessions import Session, TechniqueSegment
from medmassage.testing.plugins import example_patient_and_plan
from medmassage.units import Duration

INSTALLED = all(
    importlib.util.find_spec(name) is not None
    for name in ("medmassage_cupping", "medmassage_broken")
)

pytestmark = [
    pytest.mark.real_entry_points,
    pytest.mark.skipif(
        not INSTALLED, reason="needs the example plugins installed (nox -s plugins)"
    ),
]

CUPPING = "medmassage-cupping"
BROKEN = "medmassage-broken"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MEDMASSAGE_PLUGINS", raising=False)
    monkeypatch.delenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    get_default_registry.cache_clear()
    yield
    get_default_registry.cache_clear()


def test_discovery_reads_both_distributions_metadata() -> None:
    """Discovery reads the name and version metadata of both installed plugin distributions."""
    infos = {(i.group, i.name): i for i in discover()}
    cupping = infos[(MODALITIES_GROUP, "cupping.dry_cupping")]
    assert cupping.version == "0.1.0"
    dists = {i.distribution for i in infos.values()}
    assert {CUPPING, BROKEN} <= dists
    assert (RULES_GROUP, "cupping.anticoagulants") in infos
    assert (RULES_GROUP, "broken.wrong_type") in infos


def test_default_registry_collects_every_broken_entry_point() -> None:
    """The default registry records every broken entry point with its failure kind and cause."""
    reg = get_default_registry()
    by_name = {(f.name, f.distribution): f for f in reg.failures}
    assert by_name[("broken.import_error", BROKEN)].kind == "import"
    assert "ModuleNotFoundError" in by_name[("broken.import_error", BROKEN)].cause
    assert by_name[("broken.future_api", BROKEN)].kind == "api"
    assert by_name[("Broken.Name", BROKEN)].kind == "name"
    assert by_name[("broken.wrong_type", BROKEN)].kind == "type"
    assert by_name[("cupping.dry_cupping", BROKEN)].kind == "conflict"
    assert by_name[("cupping.dry_cupping", CUPPING)].kind == "conflict"
    for f in reg.failures:
        assert f"{f.distribution} " in f.message
        assert f"[{f.name}]" in f.message
        assert f.group in f.message
    # the good parts of medmassage-cupping still load
    assert reg.source(RULES_GROUP, "cupping.anticoagulants").distribution == CUPPING
    assert "cupping.dry_cupping" not in reg.modalities  # conflict: never last-one-wins


def test_broken_rule_plugin_makes_screening_indeterminate() -> None:
    """A rule plugin that fails to load makes screening indeterminate, never all clear."""
    patient, plan = example_patient_and_plan()
    result = screen(patient, plan)
    assert result.status is ScreeningStatus.INDETERMINATE
    assert "broken.wrong_type" in {f.rule_id for f in result.failures}


def test_preferring_the_cupping_distribution() -> None:
    """Preferring a distribution resolves a duplicate modality to it and disables the other."""
    reg = make_registry(prefer={"cupping.dry_cupping": CUPPING})
    assert reg.source(MODALITIES_GROUP, "cupping.dry_cupping").distribution == CUPPING
    assert f"{BROKEN}[cupping.dry_cupping]" in reg.disabled
    assert "conflict" not in {f.kind for f in reg.failures}


def _cupping_case() -> tuple[object, object, Session]:
    patient, plan = example_patient_and_plan()
    cup = attrs.evolve(
        plan.techniques[0], modality="cupping.dry_cupping", region=BodyRegion.THORACIC_SPINE
    )
    plan = attrs.evolve(plan, techniques=(cup,))
    warfarin = Medication(name="warfarin", classes=frozenset({MedicationClass.ANTICOAGULANT}))
    patient = attrs.evolve(
        patient, medications=(warfarin,), flags=frozenset({RiskFlag.FRAGILE_SKIN})
    )
    session = Session(
        id="s-1",
        patient_id=patient.id,
        practitioner_id="pr-1",
        start=dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC),
        duration=Duration(30, "min"),
        segments=(
            TechniqueSegment(
                modality="cupping.dry_cupping",
                region=BodyRegion.THORACIC_SPINE,
                duration=Duration(10, "min"),
                grade=PressureGrade.SWEDISH,
            ),
        ),
    )
    return patient, plan, session


def test_the_cupping_plugin_screens_for_real() -> None:
    """The installed cupping plugin loads cleanly and its rules take part in screening."""
    reg = make_registry(block=[BROKEN])
    assert reg.failures == ()
    patient, plan, session = _cupping_case()
    result = screen(patient, plan, registry=reg, on=dt.date(2026, 1, 20))  # type: ignore[arg-type]
    cupping = {f.rule_id: f for f in result.findings if f.rule_id.startswith("cupping.")}
    assert set(cupping) == {"cupping.anticoagulants", "cupping.fragile_skin"}
    assert cupping["cupping.anticoagulants"].action is Action.AVOID_MODALITY
    assert cupping["cupping.anticoagulants"].severity is Severity.RELATIVE
    with_session = screen(patient, plan, session=session, registry=reg)  # type: ignore[arg-type]
    kinds = {(v.rule_id, v.kind) for v in with_session.violations}
    assert ("cupping.anticoagulants", "modality") in kinds
    assert with_session.status is ScreeningStatus.DEFER


def test_allow_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """An allow-list from the environment loads only the named distributions."""
    monkeypatch.setenv("MEDMASSAGE_PLUGINS", CUPPING)
    reg = get_default_registry()
    assert reg.failures == ()
    assert "cupping.dry_cupping" in reg.modalities
    assert f"{BROKEN}[broken.wrong_type]" in reg.disabled


def test_cli_plugins_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``plugins --check`` exits 1 and names the broken distribution and entry point."""
    assert main(["plugins", "--check"]) == 1
    out = capsys.readouterr().out
    assert "medmassage-broken 0.0.1 [broken.wrong_type]" in out
    assert "cupping.anticoagulants" in out
    assert "medmassage-cupping 0.1.0" in out
    assert main(["plugins"]) == 0
    capsys.readouterr()
    get_default_registry.cache_clear()
    monkeypatch.setenv("MEDMASSAGE_PLUGINS", CUPPING)
    assert main(["plugins", "--check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"key": "cupping.dry_cupping", "distribution": CUPPING, "version": "0.1.0",
            "entry_point": "medmassage_cupping:DRY_CUPPING"} in data["modalities"]  # fmt: skip
