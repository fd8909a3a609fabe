"""Plugin discovery and loading, every failure mode through injected entry points."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import attrs
import pytest

from medmassage.contraindications import ScreeningStatus
from medmassage.exceptions import (
    PluginConflictError,
    PluginIncompatibleError,
    PluginLoadError,
    PluginValidationError,
    UnknownCodeError,
    UsageError,
)
from medmassage.modalities import SWEDISH
from medmassage.plugins import (
    INSTRUMENTS_GROUP,
    MODALITIES_GROUP,
    PLUGIN_API_VERSION,
    RULES_GROUP,
    Registry,
    discover,
    get_default_registry,
    make_registry,
    report,
    validate_plugin,
)
from medmassage.screening import screen
from medmassage.testing.plugins import (
    check_plugin,
    entry_point,
    example_patient_and_plan,
    registry_from,
)

MOD = "mmtest_plugins"

PLUGIN_SOURCE = textwrap.dedent(
    """
    import attrs
    from medmassage.contraindications import Action, Finding, Severity, Triggers
    from medmassage.modalities import SWEDISH

    HOT_STONE = attrs.evolve(
        SWEDISH, code="spa.hot_stone", name="Hot stone",
        contraindication_tags=frozenset({"heat"}),
    )
    HOT_STONE_OTHER_VENDOR = attrs.evolve(HOT_STONE, description="Another vendor's hot stones.")
    FUTURE = attrs.evolve(SWEDISH, code="spa.future", api_version=2)
    MISMATCH = attrs.evolve(SWEDISH, code="spa.other")
    CORE_LOOKALIKE = attrs.evolve(SWEDISH, code="core.lookalike")
    NOT_A_MODALITY = "hello"


    @attrs.frozen(kw_only=True)
    class HeatRule:
        id: str = "spa.heat"
        title: str = "Heat"
        severity: Severity = Severity.RELATIVE
        modalities: frozenset = frozenset({"heat"})
        regions: frozenset = frozenset()
        source: str = "test fixture"
        api_version: int = 1
        triggers: object = Triggers(modality_tags=frozenset({"heat"}))
        explode: bool = False

        def evaluate(self, context):
            if self.explode:
                raise ZeroDivisionError("division by zero")
            yield Finding(rule_id=self.id, severity=Severity.RELATIVE,
                          action=Action.MONITOR, rationale="Check skin after heat.",
                          source=self.source)


    class NoApiRule:
        id = "spa.no_api"
        title = "No API"
        severity = Severity.INFORMATION
        modalities = frozenset()
        regions = frozenset()
        source = "test fixture"
        triggers = None

        def evaluate(self, context):
            return ()


    HEAT = HeatRule()
    EXPLODING = HeatRule(id="spa.exploding", explode=True)
    NO_API = NoApiRule()


    @attrs.frozen(kw_only=True)
    class FlatRate:
        name: str = "spa.flat"
        api_version: int = 1
        description: str = "one unit per code with any minutes"

        def units(self, minutes_by_code):
            return {code: 1 if minutes > 0 else 0 for code, minutes in minutes_by_code.items()}


    FLAT = FlatRate()
    FLAT_FUTURE = FlatRate(name="spa.flat_future", api_version=9)
    """
)


@pytest.fixture(scope="module", autouse=True)
def plugin_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("plugins")
    (root / f"{MOD}.py").write_text(PLUGIN_SOURCE)
    (root / "mmtest_raises.py").write_text("raise RuntimeError('broken at import')\n")
    (root / "mmtest_sideeffect.py").write_text("X = 1\n")
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))
    for name in (MOD, "mmtest_raises", "mmtest_sideeffect"):
        sys.modules.pop(name, None)


def ep(name: str, attr: str, group: str = MODALITIES_GROUP, dist: str = "spa-plugin") -> EntryPoint:
    return entry_point(name, f"{MOD}:{attr}", group, distribution=dist, version="0.3")


def build(*eps: EntryPoint, **kw: Any) -> Registry:
    return make_registry(entry_points=eps, allow=None, **kw)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDMASSAGE_PLUGINS", raising=False)
    monkeypatch.delenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", raising=False)


# -- discovery --------------------------------------------------------------------------------


def test_discover_reads_metadata_only() -> None:
    """Discovery reads entry point metadata without importing plugins."""
    infos = discover(
        entry_points=[
            entry_point("spa.z", "mmtest_sideeffect:X", MODALITIES_GROUP, distribution="b"),
            entry_point("spa.a", "mmtest_sideeffect:X", RULES_GROUP, distribution="a"),
            entry_point("spa.a", "mmtest_sideeffect:X", RULES_GROUP, distribution="a"),  # dup
            entry_point("other", "x:y", "some.other.group"),
        ]
    )
    assert "mmtest_sideeffect" not in sys.modules
    assert [(i.group, i.name, i.distribution) for i in infos] == [
        (RULES_GROUP, "spa.a", "a"),
        (MODALITIES_GROUP, "spa.z", "b"),
    ]
    assert infos[0].display_name == "a[spa.a]"
    assert infos[0].version == "1.0"


def test_builtins_are_always_there() -> None:
    """Built-in modalities and rules are always in the registry."""
    reg = registry_from()
    assert "core.lymphatic_drainage" in reg.modalities
    assert "core.herniated_disc" in reg.rules
    assert "odi" in reg.instruments
    assert reg.source(RULES_GROUP, "core.herniated_disc").distribution == "medmassage"
    assert reg.failures == ()


def test_loads_each_group_and_records_the_source() -> None:
    """Each plugin group is loaded and the source of each object recorded."""
    from medmassage.instruments import builtin_instruments

    reg = build(ep("spa.hot_stone", "HOT_STONE"), ep("spa.heat", "HEAT", RULES_GROUP))
    assert reg.modality("spa.hot_stone").name == "Hot stone"
    assert reg.rule("spa.heat").title == "Heat"
    src = reg.source(MODALITIES_GROUP, "spa.hot_stone")
    assert (src.distribution, src.version, src.entry_point) == (
        "spa-plugin",
        "0.3",
        f"{MOD}:HOT_STONE",
    )
    assert str(src) == "spa-plugin 0.3"
    nprs = attrs.evolve(builtin_instruments()["nprs"], code="spa.nprs")
    with_inst = registry_from(instruments=[nprs])
    assert with_inst.instrument("spa.nprs") is nprs


def test_unknown_keys_raise_unknown_code_error() -> None:
    """Unknown registry keys raise UnknownCodeError."""
    reg = registry_from()
    for call in (reg.modality, reg.rule, reg.instrument):
        with pytest.raises(UnknownCodeError):
            call("spa.nothing")
    with pytest.raises(UnknownCodeError):
        reg.source(MODALITIES_GROUP, "spa.nothing")


# -- failure modes --------------------------------------------------------------------------------


def test_every_failure_is_collected_with_dist_entry_point_group_and_cause() -> None:
    """Every load failure is collected with distribution, entry point, group and cause."""
    reg = build(
        entry_point("spa.missing", "mmtest_nonexistent:X", MODALITIES_GROUP, distribution="d1"),
        entry_point("spa.raises", "mmtest_raises:X", MODALITIES_GROUP, distribution="d2"),
        ep("spa.no_attr", "DOES_NOT_EXIST"),
        ep("spa.wrong", "NOT_A_MODALITY"),
        ep("spa.wrong_rule", "HOT_STONE", RULES_GROUP),
        ep("spa.mismatch", "MISMATCH"),
        ep("Bad-Name", "HOT_STONE"),
        ep("core.lookalike", "CORE_LOOKALIKE"),
        ep("spa.future", "FUTURE"),
        ep("spa.no_api", "NO_API", RULES_GROUP),
        ep("spa.hot_stone", "HOT_STONE"),  # the one good plugin still loads
    )
    kinds = {(f.name, f.kind) for f in reg.failures}
    assert kinds == {
        ("spa.missing", "import"),
        ("spa.raises", "import"),
        ("spa.no_attr", "import"),
        ("spa.wrong", "type"),
        ("spa.wrong_rule", "type"),
        ("spa.mismatch", "name"),
        ("Bad-Name", "name"),
        ("core.lookalike", "name"),
        ("spa.future", "api"),
        ("spa.no_api", "api"),
    }
    assert "spa.hot_stone" in reg.modalities
    for f in reg.failures:
        assert f.display_name in f.message.replace(" 0.3 [", "[").replace(" 1.0 [", "[")
        assert f.group in f.message
        assert f.cause in f.message
    by_name = {f.name: f for f in reg.failures}
    missing = by_name["spa.missing"]
    assert isinstance(missing.error, PluginLoadError)
    assert isinstance(missing.error.__cause__, ModuleNotFoundError)
    assert "ModuleNotFoundError" in missing.cause
    assert "RuntimeError: broken at import" in by_name["spa.raises"].cause
    assert isinstance(by_name["spa.wrong"].error, PluginValidationError)
    assert "expected a medmassage.Modality, got str" in by_name["spa.wrong"].cause
    assert "differs from the entry-point name" in by_name["spa.mismatch"].cause
    assert "reserved" in by_name["core.lookalike"].cause
    future = by_name["spa.future"]
    assert isinstance(future.error, PluginIncompatibleError)
    assert "targets plugin API 2; this medmassage supports {1}" in future.cause
    assert "declares no api_version" in by_name["spa.no_api"].cause
    assert 'plugin "d1 1.0 [spa.missing]" (group medmassage.modalities)' in missing.message


def test_strict_raises_an_exception_group_of_all_failures() -> None:
    """Strict loading raises an ExceptionGroup of all failures."""
    with pytest.raises(ExceptionGroup) as err:
        build(ep("spa.wrong", "NOT_A_MODALITY"), ep("spa.future", "FUTURE"), strict=True)
    assert {type(e) for e in err.value.exceptions} == {
        PluginValidationError,
        PluginIncompatibleError,
    }


def test_same_key_from_two_distributions_is_a_conflict() -> None:
    """The same key from two distributions is a conflict and neither is loaded."""
    a = ep("spa.hot_stone", "HOT_STONE", dist="vendor-a")
    b = ep("spa.hot_stone", "HOT_STONE_OTHER_VENDOR", dist="vendor-b")
    reg = build(a, b)
    assert "spa.hot_stone" not in reg.modalities  # never last-one-wins
    assert [f.kind for f in reg.failures] == ["conflict", "conflict"]
    assert isinstance(reg.failures[0].error, PluginConflictError)
    assert "vendor-a[spa.hot_stone], vendor-b[spa.hot_stone]" in reg.failures[0].cause
    assert "prefer=" in reg.failures[0].cause


def test_preferring_a_distribution_resolves_a_conflict() -> None:
    """Preferring a distribution resolves a key conflict in its favour."""
    a = ep("spa.hot_stone", "HOT_STONE", dist="vendor-a")
    b = ep("spa.hot_stone", "HOT_STONE_OTHER_VENDOR", dist="vendor-b")
    reg = build(a, b, prefer={"spa.hot_stone": "vendor-b"})
    assert reg.failures == ()
    assert reg.modality("spa.hot_stone").description == "Another vendor's hot stones."
    assert reg.source(MODALITIES_GROUP, "spa.hot_stone").distribution == "vendor-b"
    assert "vendor-a[spa.hot_stone]" in reg.disabled
    wrong = build(a, b, prefer={"spa.hot_stone": "vendor-c"})
    assert "'vendor-c' is not one of them" in wrong.failures[0].cause


def test_application_objects_conflict_with_plugins_too() -> None:
    """Application objects conflict with plugin objects of the same key."""
    mine = attrs.evolve(SWEDISH, code="spa.hot_stone", name="Mine")
    reg = make_registry(modalities=[mine], entry_points=[ep("spa.hot_stone", "HOT_STONE")])
    assert {f.distribution for f in reg.failures} == {"<application>", "spa-plugin"}


def test_failed_rule_plugin_makes_screening_indeterminate() -> None:
    """A failed rule plugin makes screening indeterminate naming the rule."""
    patient, plan = example_patient_and_plan()
    reg = build(ep("spa.no_api", "NO_API", RULES_GROUP))
    result = screen(patient, plan, registry=reg)
    assert result.status is ScreeningStatus.INDETERMINATE
    (failure,) = result.failures
    assert failure.rule_id == "spa.no_api"
    assert failure.stage == "load"
    assert "spa-plugin[spa.no_api]" in failure.cause
    # a failed modality plugin does not affect screening that does not use it
    mod_only = build(ep("spa.wrong", "NOT_A_MODALITY"))
    assert screen(patient, plan, registry=mod_only).status is ScreeningStatus.MODIFY


def test_rule_plugin_conflict_fails_closed() -> None:
    """A rule key conflict makes screening fail closed as indeterminate."""
    patient, plan = example_patient_and_plan()
    reg = build(
        ep("spa.heat", "HEAT", RULES_GROUP, dist="a"), ep("spa.heat", "HEAT", RULES_GROUP, dist="b")
    )
    result = screen(patient, plan, registry=reg)
    assert result.status is ScreeningStatus.INDETERMINATE
    assert {f.rule_id for f in result.failures} == {"spa.heat"}


def test_plugin_rule_that_raises_is_named() -> None:
    """A plugin rule that raises is named in the screening failures."""
    patient, plan = example_patient_and_plan()
    hot = attrs.evolve(plan.techniques[0], modality="spa.hot_stone")
    plan = attrs.evolve(plan, techniques=(hot,))
    reg = build(ep("spa.hot_stone", "HOT_STONE"), ep("spa.exploding", "EXPLODING", RULES_GROUP))
    result = screen(patient, plan, registry=reg)
    assert result.status is ScreeningStatus.INDETERMINATE
    assert result.failures[0].rule_id == "spa.exploding"
    assert "ZeroDivisionError" in result.failures[0].cause


# -- enabling and disabling -----------------------------------------------------------------------


def test_block_list_by_entry_point_or_distribution() -> None:
    """A block list removes plugins by entry point or distribution."""
    eps = (ep("spa.hot_stone", "HOT_STONE"), ep("spa.heat", "HEAT", RULES_GROUP, dist="other"))
    reg = build(*eps, block=["spa.hot_stone", "other"])
    assert "spa.hot_stone" not in reg.modalities
    assert "spa.heat" not in reg.rules
    assert reg.disabled == {"spa-plugin[spa.hot_stone]": "blocked", "other[spa.heat]": "blocked"}
    assert reg.failures == ()


def test_allow_list() -> None:
    """An allow list loads only the listed plugins."""
    eps = (ep("spa.hot_stone", "HOT_STONE"), ep("spa.heat", "HEAT", RULES_GROUP, dist="other"))
    reg = make_registry(entry_points=eps, allow=["spa-plugin"])
    assert "spa.hot_stone" in reg.modalities
    assert "spa.heat" not in reg.rules
    assert reg.disabled["other[spa.heat]"] == "not in the allow-list"


def test_allow_list_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """An allow list read from the environment loads only those plugins."""
    monkeypatch.setenv("MEDMASSAGE_PLUGINS", "spa.heat, unrelated")
    eps = (ep("spa.hot_stone", "HOT_STONE"), ep("spa.heat", "HEAT", RULES_GROUP))
    reg = make_registry(entry_points=eps)
    assert "spa.heat" in reg.rules
    assert "spa.hot_stone" not in reg.modalities


def test_autoload_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """With autoload off no installed plugins are loaded."""
    assert make_registry(autoload=False).disabled == {"<installed plugins>": "autoload is off"}
    monkeypatch.setenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert "<installed plugins>" in make_registry().disabled


@pytest.mark.parametrize("name", ["core.herniated_disc", "core.anything", "medmassage"])
def test_built_in_rules_cannot_be_disabled(name: str) -> None:
    """Disabling a built-in rule raises UsageError."""
    with pytest.raises(UsageError, match="cannot be disabled"):
        make_registry(autoload=False, block=[name])


def test_application_cannot_use_the_core_namespace() -> None:
    """Application objects in the core namespace are refused with a name failure."""
    fake = attrs.evolve(SWEDISH, code="core.swedish", name="Replacement")
    reg = registry_from(modalities=[fake])
    assert reg.modality("core.swedish") is SWEDISH
    assert reg.failures[0].kind == "name"


# -- the registry value ---------------------------------------------------------------------------


def test_registry_is_immutable() -> None:
    """The registry and its mappings cannot be modified."""
    reg = registry_from()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        reg.failures = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        reg.modalities["spa.x"] = SWEDISH  # type: ignore[index]


def test_default_registry_is_cached_and_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default registry is built once and builds its rule set lazily."""
    get_default_registry.cache_clear()
    monkeypatch.setenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", "1")
    try:
        first = get_default_registry()
        assert get_default_registry() is first
        assert first.rule_set() is first.rule_set()
    finally:
        get_default_registry.cache_clear()


def test_report_and_json() -> None:
    """The plugin report lists objects and distributions as text and JSON."""
    reg = build(ep("spa.hot_stone", "HOT_STONE"), ep("spa.wrong", "NOT_A_MODALITY"))
    text = report(reg)
    assert "spa.hot_stone" in text
    assert "spa-plugin 0.3" in text
    assert "failures (1)" in text
    assert "spa-plugin 0.3 [spa.wrong]" in text
    data = reg.to_dict()
    assert data["plugin_api_version"] == PLUGIN_API_VERSION
    assert {"key": "spa.hot_stone", "distribution": "spa-plugin", "version": "0.3",
            "entry_point": f"{MOD}:HOT_STONE"} in data["modalities"]  # type: ignore[operator]  # fmt: skip
    assert data["failures"][0]["kind"] == "type"  # type: ignore[index]
    assert "Registry(" in repr(reg)


# -- helpers for plugin authors -------------------------------------------------------------------


def test_check_plugin_accepts_good_objects() -> None:
    """check_plugin accepts well-formed plugin objects of every group."""
    from mmtest_plugins import HEAT, HOT_STONE  # type: ignore[import-not-found,unused-ignore]

    check_plugin(HOT_STONE)
    check_plugin(HEAT)
    check_plugin(HEAT, RULES_GROUP)


def test_check_plugin_reports_problems() -> None:
    """check_plugin reports API version and declaration problems."""
    from mmtest_plugins import FUTURE, NO_API  # type: ignore[import-not-found,unused-ignore]

    with pytest.raises(PluginValidationError, match=r"\[api\] targets plugin API 2"):
        check_plugin(FUTURE)
    with pytest.raises(PluginValidationError, match="declares no api_version"):
        check_plugin(NO_API)
    with pytest.raises(PluginValidationError, match="reserved"):
        check_plugin(SWEDISH)
    with pytest.raises(PluginValidationError, match="expected a contraindication Rule"):
        check_plugin(42)


def test_validate_plugin_unknown_group() -> None:
    """validate_plugin refuses an unknown group and reports wrong types."""
    with pytest.raises(UsageError, match="unknown plugin group"):
        validate_plugin("medmassage.nonsense", SWEDISH)
    assert validate_plugin(INSTRUMENTS_GROUP, SWEDISH)[0][0] == "type"


# -- the example distribution, injected (the real install is tests/plugins_real) ------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "plugins"


@pytest.fixture
def cupping_on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(EXAMPLES / "medmassage-cupping" / "src"))
    yield
    for name in ("medmassage_cupping", "medmassage_cupping.rules"):
        sys.modules.pop(name, None)


@pytest.mark.usefixtures("cupping_on_path")
def test_example_cupping_plugin_through_injected_entry_points() -> None:
    """The example cupping plugin screens through injected entry points."""
    from medmassage.anatomy import BodyRegion
    from medmassage.contraindications import Severity
    from medmassage.patient import Medication, MedicationClass

    eps = [
        entry_point("cupping.dry_cupping", "medmassage_cupping:DRY_CUPPING", MODALITIES_GROUP,
                    distribution="medmassage-cupping"),
        entry_point("cupping.anticoagulants", "medmassage_cupping.rules:ANTICOAGULANTS",
                    RULES_GROUP, distribution="medmassage-cupping"),
        entry_point("cupping.fragile_skin", "medmassage_cupping.rules:FRAGILE_SKIN",
                    RULES_GROUP, distribution="medmassage-cupping"),
    ]  # fmt: skip
    reg = registry_from(entry_points=eps, strict=True)
    for obj in (*reg.rules.values(), reg.modality("cupping.dry_cupping")):
        if not getattr(obj, "id", "core.").startswith("core."):
            check_plugin(obj)
    patient, plan = example_patient_and_plan()
    cup = attrs.evolve(plan.techniques[0], modality="cupping.dry_cupping",
                       region=BodyRegion.THORACIC_SPINE)  # fmt: skip
    plan = attrs.evolve(plan, techniques=(cup,))
    assert not screen(patient, plan, registry=reg).for_rule("cupping.anticoagulants")
    from medmassage.codes import Coding
    from medmassage.patient import Condition

    bleeder = attrs.evolve(
        patient,
        conditions=(Condition(code=Coding.icd10cm("D66")),),
        medications=(
            Medication(name="apixaban", classes=frozenset({MedicationClass.ANTICOAGULANT})),
        ),
    )
    found = screen(bleeder, plan, registry=reg).for_rule("cupping.anticoagulants")
    assert {f.severity for f in found} == {Severity.ABSOLUTE, Severity.RELATIVE}


def test_cli_plugins(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``plugins --check`` exits 0 and lists the built-in rules."""
    from medmassage.cli import main

    monkeypatch.setenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", "1")
    get_default_registry.cache_clear()
    try:
        assert main(["plugins", "--check"]) == 0
        out = capsys.readouterr().out
        assert "core.herniated_disc" in out
        assert "failures (0)" in out
        assert main(["plugins", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["disabled"] == [{"plugin": "<installed plugins>", "reason": "autoload is off"}]
    finally:
        get_default_registry.cache_clear()


def test_discover_installed_metadata_imports_nothing() -> None:
    """Discovering installed plugins imports no plugin module."""
    before = set(sys.modules)
    infos = discover()
    assert all(i.group in (MODALITIES_GROUP, RULES_GROUP, INSTRUMENTS_GROUP) for i in infos)
    assert not {m for m in set(sys.modules) - before if m.startswith("medmassage_")}
    reg = make_registry(autoload=True, allow=None)
    assert "core.swedish" in reg.modalities


def test_entry_point_without_distribution() -> None:
    """An entry point without a distribution is shown as unknown distribution."""
    from importlib.metadata import EntryPoint

    bare = EntryPoint(name="spa.hot_stone", value=f"{MOD}:HOT_STONE", group=MODALITIES_GROUP)
    (info,) = discover(entry_points=[bare])
    assert info.distribution is None
    assert info.display_name == "<unknown distribution>[spa.hot_stone]"


def test_validate_plugin_api_and_key_types() -> None:
    """validate_plugin reports a wrong api_version type and wrong key types."""
    bad_api = attrs.evolve(SWEDISH, code="spa.x")
    object.__setattr__(bad_api, "api_version", "1")
    assert ("api", "api_version must be an int, not str") in validate_plugin(
        MODALITIES_GROUP, bad_api
    )
    from mmtest_plugins import HeatRule  # type: ignore[import-not-found,unused-ignore]

    odd = HeatRule(id="spa.Heat")
    kinds = [k for k, _ in validate_plugin(RULES_GROUP, odd)]
    assert kinds == ["type"]  # the id format is part of the rule protocol


def test_failure_str_is_its_message() -> None:
    """A load failure prints as its message."""
    reg = build(ep("spa.wrong", "NOT_A_MODALITY"))
    assert str(reg.failures[0]) == reg.failures[0].message


# -- one registry for four groups; pickling; the fingerprint ---------------------------------


def test_billing_policies_are_a_registry_group() -> None:
    """A billing-policy entry point loads through the one registry, with its source."""
    from medmassage.plugins import BILLING_POLICIES_GROUP

    reg = build(
        ep("spa.flat", "FLAT", BILLING_POLICIES_GROUP),
        ep("spa.flat_future", "FLAT_FUTURE", BILLING_POLICIES_GROUP),
        ep("spa.not_a_policy", "NOT_A_MODALITY", BILLING_POLICIES_GROUP),
    )
    assert {"cms", "per_code", "spa.flat"} <= set(reg.billing_policies)
    assert reg.billing_policy("spa.flat").units({"97140": 3.0}) == {"97140": 1}
    assert reg.source(BILLING_POLICIES_GROUP, "spa.flat").distribution == "spa-plugin"
    kinds = {f.name: f.kind for f in reg.failures}
    assert kinds == {"spa.flat_future": "api", "spa.not_a_policy": "type"}
    with pytest.raises(PluginIncompatibleError):
        reg.billing_policy("spa.flat_future")  # the failure, not "unknown"
    with pytest.raises(UnknownCodeError, match=r"available policies: cms, per_code, spa\.flat"):
        reg.billing_policy("spa.none")


def test_a_plugin_cannot_silently_replace_a_builtin() -> None:
    """An instrument coded 'odi' from a plugin conflicts with the built-in; prefer decides."""
    from medmassage.instruments import builtin_instruments

    builtin_odi = builtin_instruments()["odi"]
    other = attrs.evolve(builtin_odi, name="Another ODI")
    contested = registry_from(instruments=[other])
    assert contested.instruments["odi"] is builtin_odi
    (failure,) = contested.failures
    assert failure.kind == "conflict"
    assert "medmassage[odi]" in failure.message
    preferred = registry_from(instruments=[other], prefer={"odi": "<test>"})
    assert preferred.instruments["odi"] is other
    assert not preferred.failures
    assert "medmassage[odi]" in preferred.disabled


def test_registry_pickles_and_keeps_working() -> None:
    """A registry (with plugins) round-trips through pickle and screens the same."""
    import pickle

    reg = build(ep("spa.hot_stone", "HOT_STONE"), ep("spa.heat", "HEAT", RULES_GROUP))
    patient, plan = example_patient_and_plan()
    before = screen(patient, plan, registry=reg)
    copy = pickle.loads(pickle.dumps(reg))
    assert copy == reg
    assert copy.fingerprint() == reg.fingerprint()
    assert screen(patient, plan, registry=copy) == before
    assert pickle.loads(pickle.dumps(before)).status is before.status


def test_policy_and_assessment_pickle() -> None:
    """A reclassifying Policy, and an Assessment made under it, survive pickle."""
    import pickle

    from medmassage.contraindications import Policy, Severity

    policy = Policy(severities={"core.herniated_disc": Severity.RELATIVE})
    assert pickle.loads(pickle.dumps(policy)) == policy
    patient, plan = example_patient_and_plan()
    result = screen(patient, plan, policy=policy, registry=registry_from())
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result
    assert copy.policy.severities == {"core.herniated_disc": Severity.RELATIVE}
    assert copy.techniques == result.techniques


def test_fingerprint_identifies_content() -> None:
    """Same content, same fingerprint; another plugin, version or failure, another one."""
    base = build(ep("spa.hot_stone", "HOT_STONE"))
    assert base.fingerprint() == build(ep("spa.hot_stone", "HOT_STONE")).fingerprint()
    assert base.fingerprint().startswith("sha256:")
    other_version = build(
        entry_point("spa.hot_stone", f"{MOD}:HOT_STONE", MODALITIES_GROUP,
                    distribution="spa-plugin", version="0.4")
    )  # fmt: skip
    with_rule = build(ep("spa.hot_stone", "HOT_STONE"), ep("spa.heat", "HEAT", RULES_GROUP))
    with_failure = build(ep("spa.hot_stone", "HOT_STONE"), ep("spa.future", "FUTURE"))
    prints = {r.fingerprint() for r in (base, other_version, with_rule, with_failure)}
    assert len(prints) == 4
    assert base.to_dict()["fingerprint"] == base.fingerprint()
