"""A really installed plugin in every command: the whole course of care with dry cupping.

``examples/plugins/medmassage-cupping`` extends all four plugin groups: a modality
billed under CPT 97140, two contraindication rules, an instrument (the PEG) and a
billing policy. Installed for real (``nox -s plugins``), it must work through the
public API and every command as the built-ins do: listed by ``plugins --check``,
accepted by ``validate``, screened by ``screen``, billed under its code by
``billing``, and shown by name in ``report`` and ``fhir``. Elsewhere these tests
are skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import medmassage as mm
from medmassage.anatomy import BodyRegion
from medmassage.cli import main
from medmassage.modalities import PressureGrade
from medmassage.plugins import get_default_registry
from medmassage.sessions import PressureFeedback, TechniqueSegment
from medmassage.units import Duration

INSTALLED = importlib.util.find_spec("medmassage_cupping") is not None
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lumbar_disc_herniation.json"

pytestmark = [
    pytest.mark.real_entry_points,
    pytest.mark.skipif(
        not INSTALLED, reason="needs the example plugins installed (nox -s plugins)"
    ),
]

CUPPING = "cupping.dry_cupping"


@pytest.fixture(autouse=True)
def _only_cupping(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Load the cupping distribution alone (medmassage-broken claims its modality too)."""
    monkeypatch.setenv("MEDMASSAGE_PLUGINS", "medmassage-cupping")
    monkeypatch.delenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    get_default_registry.cache_clear()
    yield
    get_default_registry.cache_clear()


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    """The bundled case with dry cupping planned and done in its last session, and a PEG."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["plan"]["techniques"].append(
        {
            "modality": CUPPING,
            "region": "thoracic_spine",
            "duration": {"value": 5, "unit": "min"},
            "min_grade": 2,
            "max_grade": 3,
            "laterality": None,
            "max_pressure": None,
        }
    )
    case = mm.from_dict(mm.Case, data)
    last = case.sessions[-1]
    cupped = TechniqueSegment(
        modality=CUPPING,
        region=BodyRegion.THORACIC_SPINE,
        duration=Duration(15, "min"),
        grade=PressureGrade.SWEDISH,
        feedback=PressureFeedback.COMFORTABLE,
    )
    peg = mm.OutcomeMeasure(instrument="cupping.peg", taken_at=last.start, responses=(6, 5, 7))
    assert last.signature is not None
    amended = last.amend(
        by=last.signature.by,
        at=last.signature.at + dt.timedelta(minutes=5),
        reason="cupping documented late",
        segments=(cupped, *last.segments[1:]),
        outcomes=(*last.outcomes, peg),
    )
    path = tmp_path / "cupping-case.json"
    case = mm.Case(
        patient=case.patient,
        plan=case.plan,
        sessions=(*case.sessions[:-1], amended),
        practitioners=case.practitioners,
    )
    path.write_text(mm.to_json(case), encoding="utf-8")
    return path


def test_plugins_check_lists_all_four_groups(capsys: pytest.CaptureFixture[str]) -> None:
    """``plugins --check`` passes and lists the modality, rules, instrument and policy."""
    assert main(["plugins", "--check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    groups = ("modalities", "rules", "instruments", "billing_policies")
    keys = {group: {e["key"] for e in data[group]} for group in groups}
    assert CUPPING in keys["modalities"]
    assert {"cupping.anticoagulants", "cupping.fragile_skin"} <= keys["rules"]
    assert "cupping.peg" in keys["instruments"]
    assert "cupping.whole_units" in keys["billing_policies"]


def test_validate_knows_the_plugin_modality_and_instrument(
    case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate`` accepts the case without a "not registered" warning."""
    assert main(["validate", str(case_file)]) == 0
    out = capsys.readouterr().out
    assert "not registered" not in out
    assert "unknown_instrument" not in out


def test_the_api_scores_and_bills_the_plugin_objects(case_file: Path) -> None:
    """The public API finds the instrument, and bills the cupping minutes under 97140."""
    case = mm.from_json(mm.Case, case_file.read_bytes())
    assert mm.get_instrument("cupping.peg").score([6, 5, 7]).value == 6.0  # mean, Krebs 2009
    session = case.sessions[-1]
    assert session.signature is not None
    without = session.amend(
        by=session.signature.by,
        at=session.signature.at,
        reason="test",
        segments=session.segments[1:],
    )
    with_cupping = mm.bill_session(session).minutes["97140"].minutes
    assert with_cupping - mm.bill_session(without).minutes["97140"].minutes == 15
    bill = mm.bill_session(session, policy="cupping.whole_units")
    assert bill.policy == "cupping.whole_units"
    assert dict(bill.units) == {c: int(m.minutes // 15) for c, m in bill.minutes.items()}


def test_billing_command_bills_under_the_declared_code(
    case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``billing --policy cupping.whole_units`` bills the cupping minutes as 97140."""
    assert main(["billing", "--json", "--policy", "cupping.whole_units", str(case_file)]) == 0
    out = capsys.readouterr().out
    assert "no default CPT code" not in out
    bills = json.loads(out)
    last = bills[-1] if isinstance(bills, list) else bills
    assert "97140" in json.dumps(last)


def test_screen_runs_the_plugin_rules(case_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``screen`` evaluates the plugin's rules without a rule failure."""
    status = main(["screen", "--json", str(case_file)])
    data = json.loads(capsys.readouterr().out)
    assert status in (0, 1)  # clear, modify or defer; never 3 (indeterminate) or 2
    assert data["status"] != "indeterminate"
    assert data["failures"] == []


def test_report_and_fhir_name_the_plugin_modality(
    case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report and the FHIR bundle show "Dry cupping" and the PEG by name."""
    report = tmp_path / "report.html"
    assert main(["report", str(case_file), "-o", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "Dry cupping" in html
    assert "PEG" in html
    bundle = tmp_path / "bundle.json"
    assert main(["fhir", str(case_file), "-o", str(bundle)]) == 0
    text = bundle.read_text(encoding="utf-8")
    assert "Dry cupping" in text
    codes = [r["resource"].get("code", {}) for r in json.loads(text)["entry"]]
    # A CodeableConcept, or a list of them (PractitionerRole.code).
    texts = [c.get("text") for code in codes for c in (code if isinstance(code, list) else [code])]
    assert CUPPING not in json.dumps(texts)
