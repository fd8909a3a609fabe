"""A hostile plugin installed for real: medmassage fails closed on every path.

``nox -s plugins`` installs ``examples/plugins/medmassage-hostile`` after the other
real-metadata tests and runs this file. Its rules raise ``SystemExit(0)`` and
``GeneratorExit`` and rewrite their context; one module exits on import.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import medmassage as mm

INSTALLED = importlib.util.find_spec("medmassage_hostile") is not None

pytestmark = [
    pytest.mark.real_entry_points,
    pytest.mark.skipif(not INSTALLED, reason="needs medmassage-hostile installed (nox -s plugins)"),
]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lumbar_disc_herniation.json"
HOSTILE = "medmassage-hostile"
EVALUATED = {"hostile.exit_zero", "hostile.generator_exit", "hostile.rewrites_context"}


@pytest.fixture(autouse=True)
def _only_the_hostile_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MEDMASSAGE_PLUGINS", HOSTILE)
    monkeypatch.delenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    mm.get_default_registry.cache_clear()
    yield
    mm.get_default_registry.cache_clear()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medmassage", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_module_exiting_on_import_is_a_load_failure() -> None:
    """SystemExit(0) raised by importing a plugin is a named failure, not an exit."""
    registry = mm.get_default_registry()
    (failure,) = [f for f in registry.failures if f.name == "hostile.exits_on_import"]
    assert failure.kind == "import"
    assert failure.distribution == HOSTILE
    assert "SystemExit" in failure.cause
    assert set(registry.rules) >= EVALUATED


def test_the_api_is_indeterminate_and_leaves_the_callers_records_alone() -> None:
    """Each misbehaving rule is a failure; the built-ins still find the disc."""
    case = mm.from_json(mm.Case, EXAMPLE.read_bytes())
    conditions = case.patient.conditions
    result = mm.screen(case)
    assert result.status is mm.ScreeningStatus.INDETERMINATE
    failed = {f.rule_id: f.cause for f in result.failures}
    assert EVALUATED | {"hostile.exits_on_import"} <= set(failed)
    assert "SystemExit" in failed["hostile.exit_zero"]
    assert "GeneratorExit" in failed["hostile.generator_exit"]
    assert "changed its screening context" in failed["hostile.rewrites_context"]
    assert case.patient.conditions is conditions
    assert result.for_rule("core.herniated_disc")


def test_screen_command_exits_3_never_0() -> None:
    """`medmassage screen` reports every failure and exits 3 (indeterminate)."""
    done = _run("screen", str(EXAMPLE))
    assert done.returncode == 3, done.stderr
    assert "INDETERMINATE" in done.stdout
    for rule_id in EVALUATED:
        assert rule_id in done.stdout
    assert "Traceback" not in done.stderr
    as_json = _run("screen", str(EXAMPLE), "--json")
    assert as_json.returncode == 3
    assert json.loads(as_json.stdout)["status"] == "indeterminate"


def test_plugins_check_exits_non_zero() -> None:
    """`medmassage plugins --check` names the import failure and fails."""
    done = _run("plugins", "--check")
    assert done.returncode == 1
    assert "hostile.exits_on_import" in done.stdout
    assert "Traceback" not in done.stderr


def test_fhir_export_carries_the_indeterminate_status(tmp_path: Path) -> None:
    """The bundle's first DetectedIssue says the screening is indeterminate."""
    out = tmp_path / "bundle.json"
    done = _run("fhir", str(EXAMPLE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    bundle = json.loads(out.read_text(encoding="utf-8"))
    issues = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DetectedIssue"
    ]
    assert issues[0]["code"]["coding"][0]["code"] == "indeterminate"
    assert "hostile.exit_zero" in issues[0]["detail"]


def test_report_says_why_the_screening_cannot_be_relied_on(tmp_path: Path) -> None:
    """The progress report shows the indeterminate status and each failed rule."""
    out = tmp_path / "report.md"
    done = _run("report", str(EXAMPLE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "indeterminate" in text
    assert "Rule failure: rule 'hostile.exit\\_zero' could not be evaluated" in text  # Markdown
