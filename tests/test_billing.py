"""Tests of timed-code billing and coding edits.

The CMS 8-minute rule is the Medicare Claims Processing Manual (IOM 100-04)
ch. 5 s. 20.2 C; the worked examples are those of that section, each cited where it
is tested. Plan-of-care compliance is
tested in test_plan_of_care.py.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import json
import math
import pickle
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import timed_segment as _segment
from factories import timed_session as _session
from medmassage import billing
from medmassage.advisories import Advisory, AdvisoryLevel
from medmassage.anatomy import BodyRegion, Laterality
from medmassage.billing import (
    BILLING_POLICY_GROUP,
    CMS_8_MINUTE_RULE,
    PER_CODE_MIDPOINT,
    BillingPolicy,
    CodingEdit,
    bill_session,
    coding_edits,
    diagnosis_edits,
    get_billing_policy,
    session_minutes,
    session_units,
    timed_units,
    total_units_for_minutes,
)
from medmassage.codes import Coding, icd10cm_validation
from medmassage.diagnosis import Diagnosis
from medmassage.exceptions import (
    PluginConflictError,
    PluginIncompatibleError,
    PluginLoadError,
    PluginValidationError,
    UnknownCodeError,
    ValidationError,
)
from medmassage.modalities import SWEDISH
from medmassage.plugins import BILLING_POLICIES_GROUP, get_default_registry, make_registry
from medmassage.sessions import Session, SessionStatus, TechniqueSegment
from medmassage.testing.plugins import registry_from
from medmassage.units import Duration

# -- the CMS table -------------------------------------------------------------------

# Medicare Claims Processing Manual ch. 5 s. 20.2 C chart:
# 1 unit >= 8 through 22, 2 >= 23 through 37, ..., 8 >= 113 through 127.
TABLE = [(0, 0), (1, 0), (7, 0)] + [
    (m, units)
    for units in range(1, 9)
    for m in (15 * units - 7, 15 * units + 7)  # first and last minute of each row
]


@pytest.mark.parametrize(("minutes", "units"), TABLE)
def test_table_boundaries(minutes: int, units: int) -> None:
    """Total units follow the CMS 8-minute table at each boundary minute."""
    assert total_units_for_minutes(minutes) == units
    assert timed_units({"97140": minutes}) == {"97140": units}


def test_table_named_boundaries() -> None:
    """The boundaries the issue names: 7, 8, 22, 23, 37, 38, 52, 53 minutes."""
    got = [total_units_for_minutes(m) for m in (7, 8, 22, 23, 37, 38, 52, 53)]
    assert got == [0, 1, 1, 2, 2, 3, 3, 4]


def test_table_continues_beyond_two_hours() -> None:
    """Rule 2: 'the pattern continues' past the chart."""
    assert total_units_for_minutes(128) == 9
    assert total_units_for_minutes(142) == 9
    assert total_units_for_minutes(143) == 10


# -- CMS worked examples (Pub. 100-04 ch. 5 s. 20.2) ----------------------------------


def test_cms_example_1() -> None:
    """CMS Ex. 1: 97112 24 + 97110 23 = 47 min -> 3 units, 2 x 97112, 1 x 97110.

    Source: findacode.com/articles/documentation-requirements-for-therapy-services-26634.html;
    RonCom/policy-rag q01 ("assigning more timed units to the service that took the most time").
    """
    assert timed_units({"97112": 24, "97110": 23}) == {"97112": 2, "97110": 1}


def test_cms_example_2() -> None:
    """CMS Ex. 2: 97112 20 + 97110 20 = 40 -> 3 units; either code 2, the other 1; never 3.

    Source: findacode.com (as above). The tie is broken by code order (documented).
    """
    units = timed_units({"97112": 20, "97110": 20})
    assert sorted(units.values()) == [1, 2]
    assert units == {"97112": 1, "97110": 2}
    assert timed_units({"97110": 20, "97112": 20}) == units


def test_cms_example_3() -> None:
    """CMS Ex. 3: 97110 33 + 97140 7 = 40 -> 3 units: 2 x 97110, 1 x 97140 (leftover 3 vs 7).

    Source: findacode.com; physicaltherapy.com/ask-the-experts/billing-example-using-8-minute-2814.
    """
    assert timed_units({"97110": 33, "97140": 7}) == {"97110": 2, "97140": 1}


def test_cms_example_4() -> None:
    """CMS Ex. 4: 97110 18 + 97140 13 + 97116 10 + 97035 8 = 49 -> 3 units, one each of
    97110, 97140, 97116; 97035 not billed.

    Source: findacode.com; RonCom/policy-rag q04; register.tahoexc.org cheat sheet.
    """
    assert timed_units({"97110": 18, "97140": 13, "97116": 10, "97035": 8}) == {
        "97110": 1,
        "97140": 1,
        "97116": 1,
        "97035": 0,
    }


def test_cms_example_5() -> None:
    """CMS Ex. 5 / rule 5: 97112 7 + 97110 7 + 97140 7 = 21 -> 1 unit of any one code.

    Source: chirocode.com article 25388 (rule text); mediware.com. Which code is the
    clinician's choice; medmassage picks the lowest code (documented tie-break).
    """
    units = timed_units({"97112": 7, "97110": 7, "97140": 7})
    assert sum(units.values()) == 1
    assert units == {"97112": 0, "97110": 1, "97140": 0}


def test_single_code_sixty_minutes() -> None:
    """Example 6: 97530 60 min -> 4 units (RonCom/policy-rag q05, s. 20.2)."""
    assert timed_units({"97530": 60}) == {"97530": 4}


def test_mac_article_a52758() -> None:
    """Example 7, MAC article A52758 (codapedia.com): 97140 20 + 97110 20 -> 3 units
    (2 + 1 either way); 97140 35 + 97035 7 = 42 -> 3 units, 2 x 97140 and the third to
    97035 (leftover 5 vs 7; derived, the excerpt's last sentence is truncated).
    """
    assert sorted(timed_units({"97140": 20, "97110": 20}).values()) == [1, 2]
    assert timed_units({"97140": 35, "97035": 7}) == {"97140": 2, "97035": 1}


def test_three_codes_thirty_four_minutes() -> None:
    """Example 8: 97035 8 + 97140 8 + 97110 18 = 34 -> 2 units, not 3
    (chirofreeinfo.com/chiro-blog-articles/The-Timed-Codes).
    """
    units = timed_units({"97035": 8, "97140": 8, "97110": 18})
    assert sum(units.values()) == 2
    assert units["97110"] == 1


def test_adding_a_code_of_fifteen_minutes() -> None:
    """Example 9: 97140 18 alone -> 1 unit; with 97110 15 -> 33 -> 2 units, one each
    (immedicaresolutions.com/wiki/97140).
    """
    assert timed_units({"97140": 18}) == {"97140": 1}
    assert timed_units({"97140": 18, "97110": 15}) == {"97140": 1, "97110": 1}


def test_fifty_minutes_three_codes() -> None:
    """Example 10: 97110 25 + 97140 15 + 97112 10 = 50 -> 3 units
    (therapy-revenue-pros-site.pages.dev). The third unit: 97110 and 97112 both have 10
    minutes left over; 97110 took more time in all, so it gets it (documented tie-break).
    """
    units = timed_units({"97110": 25, "97140": 15, "97112": 10})
    assert sum(units.values()) == 3
    assert units == {"97110": 2, "97140": 1, "97112": 0}


def test_two_ten_minute_codes() -> None:
    """Example 11: 97110 10 + 97112 10 = 20 -> 1 unit under CMS
    (Dynamic Chiropractic Q&A, mailinglists.mpamedia.com id=52138).
    """
    assert sum(timed_units({"97110": 10, "97112": 10}).values()) == 1


# -- per-code rule (AMA CPT mid-point rule, as commercial payers use it) -----------------


@pytest.mark.parametrize(
    ("minutes", "per_code", "cms"),
    [
        ({"97110": 10, "97112": 10}, 2, 1),
        ({"97110": 7, "97112": 7}, 0, 1),
        ({"97110": 33, "97140": 7}, 2, 3),
        ({"97112": 24, "97110": 23}, 4, 3),
    ],
)
def test_per_code_versus_cms(minutes: dict[str, int], per_code: int, cms: int) -> None:
    """CMS Pub. 100-04 ch. 5 s. 20.2: '10+10 min of two codes = 2 units (CMS 1); 7+7 = 0 (CMS 1);
    33+7 = 2 (CMS 3); 24+23 = 4 (CMS 3)' (mihamainc.com white paper; prompthealth.com;
    therapycomply.com).
    """
    assert sum(timed_units(minutes, policy="per_code").values()) == per_code
    assert sum(timed_units(minutes, policy="cms").values()) == cms


def test_per_code_second_unit_at_23_minutes() -> None:
    """gawendaseminars.com: 2nd unit = 15 + 8 = 23 minutes."""
    assert timed_units({"97140": 22}, policy="per_code") == {"97140": 1}
    assert timed_units({"97140": 23}, policy="per_code") == {"97140": 2}


# -- minutes as Durations ------------------------------------------------------------


def test_durations_in_any_unit() -> None:
    """Timed units accept durations in hours or seconds, not only minutes."""
    assert timed_units({"97140": Duration(0.5, "h")}) == {"97140": 2}
    assert timed_units({"97140": Duration(1380, "s")}) == {"97140": 2}  # exactly 23 min
    assert timed_units({"97140": Duration(1379, "s")}) == {"97140": 1}
    assert timed_units({"97140": Duration(7.5, "min")}) == {"97140": 0}
    assert timed_units({"97140": Duration(8, "min"), "97110": 7}) == {"97140": 1, "97110": 0}


def test_durations_are_counted_to_the_second() -> None:
    # 479.6 s rounds to 480 s = 8 min.
    """Durations are counted to the second, so 479.6 s stays below 8 minutes."""
    assert timed_units({"97140": Duration(479.6, "s")}) == {"97140": 1}


def test_result_keeps_input_order_and_every_code() -> None:
    """The result keeps the input code order and lists codes earning zero units."""
    units = timed_units({"97140": 3, "97124": 30})
    assert list(units) == ["97140", "97124"]
    assert units == {"97140": 0, "97124": 2}
    assert timed_units({}) == {}


@pytest.mark.parametrize(
    ("minutes", "path", "rule"),
    [
        ({"97140": -1}, "['97140']", "range"),
        ({"97140": True}, "['97140']", "type"),
        ({"97140": 10.5}, "['97140']", "type"),
        ({"97140": "10 min"}, "['97140']", "type"),
        ({"97140": 24 * 60 + 1}, "['97140']", "range"),
        ({"9714": 10}, "['9714']", "cpt_format"),
        ({"97010": 10}, "['97010']", "untimed_code"),
        ({"97161": 30}, "['97161']", "untimed_code"),
    ],
)
def test_invalid_minutes(minutes: dict[str, object], path: str, rule: str) -> None:
    """Invalid minute values raise ValidationError naming the path and rule."""
    with pytest.raises(ValidationError) as info:
        timed_units(minutes)  # type: ignore[arg-type]
    (problem,) = info.value.problems
    assert (problem.path, problem.code) == (path, rule)


def test_all_problems_reported_at_once() -> None:
    """All invalid minute entries are reported together in one ValidationError."""
    with pytest.raises(ValidationError) as info:
        timed_units({"97140": -1, "97010": 5, "x": 1})
    assert len(info.value.problems) == 3


def test_not_a_mapping() -> None:
    """Minutes that are not a mapping raise ValidationError."""
    with pytest.raises(ValidationError):
        timed_units([("97140", 10)])  # type: ignore[arg-type]


def test_negative_duration_rejected() -> None:
    """A negative duration raises ValidationError."""
    with pytest.raises(ValidationError):
        total_units_for_minutes(Duration(-5, "min"))


def test_policies_accept_float_minutes_directly() -> None:
    """Both built-in policies accept float minutes and round at their own thresholds."""
    assert CMS_8_MINUTE_RULE.units({"97140": 22.99}) == {"97140": 1}
    assert PER_CODE_MIDPOINT.units({"97140": 23.0}) == {"97140": 2}
    with pytest.raises(ValidationError):
        CMS_8_MINUTE_RULE.units({"97140": math.nan})


# -- properties ----------------------------------------------------------------------

_codes = st.sampled_from(["97124", "97140", "97112", "97530", "97110", "97116", "97035"])
# At most 7 x 200 = 1,400 minutes: a day's timed minutes stay under the 24-hour limit.
_minutes = st.dictionaries(_codes, st.integers(min_value=0, max_value=200), max_size=7)


@given(_minutes)
def test_cms_total_is_exactly_the_table_units_for_the_total(minutes: dict[str, int]) -> None:
    """Rule 4: total timed minutes determine the total units (never more)."""
    units = timed_units(minutes)
    assert sum(units.values()) == total_units_for_minutes(sum(minutes.values()))


@given(_minutes)
def test_cms_each_code_within_its_own_minutes(minutes: dict[str, int]) -> None:
    """Each code gets at least its full 15-minute blocks (rule 3: >= 15 min -> >= 1 unit,
    >= 30 -> >= 2) and at most its minutes rounded up: floor(m/15) <= units <= ceil(m/15).
    """
    units = timed_units(minutes)
    for code, m in minutes.items():
        assert m // 15 <= units[code] <= math.ceil(m / 15)
        if m >= 15:
            assert units[code] >= 1


@given(_minutes)
def test_cms_extra_units_go_to_the_largest_leftovers(minutes: dict[str, int]) -> None:
    """After full blocks, no code left without an extra unit has more leftover minutes
    than one that got it (so the allocation is one of those CMS allows)."""
    units = timed_units(minutes)
    extra = [m % 15 for c, m in minutes.items() if units[c] > m // 15]
    other = [m % 15 for c, m in minutes.items() if units[c] == m // 15 and m % 15]
    if extra and other:
        assert min(extra) >= max(other)


@given(_minutes, st.randoms(use_true_random=False))
def test_cms_does_not_depend_on_input_order(minutes: dict[str, int], rnd: object) -> None:
    """The CMS policy gives the same units whatever the order of the codes."""
    items = list(minutes.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    assert timed_units(dict(items)) == timed_units(minutes)


@given(_minutes, _codes, st.integers(min_value=1, max_value=60))
def test_cms_more_minutes_never_fewer_units(minutes: dict[str, int], code: str, more: int) -> None:
    """Adding minutes under the CMS policy never lowers the total units."""
    bigger = dict(minutes)
    bigger[code] = bigger.get(code, 0) + more
    assert sum(timed_units(bigger).values()) >= sum(timed_units(minutes).values())


@given(_minutes)
def test_per_code_each_code_within_its_own_minutes(minutes: dict[str, int]) -> None:
    """The per-code policy bills each code from its own minutes only."""
    units = timed_units(minutes, policy="per_code")
    for code, m in minutes.items():
        assert units[code] == total_units_for_minutes(m)
        assert m // 15 <= units[code] <= math.ceil(m / 15)


@given(st.integers(min_value=0, max_value=24 * 60))
def test_single_code_policies_agree(m: int) -> None:
    """With one code, pooling and per-code rounding are the same rule."""
    assert timed_units({"97140": m}) == timed_units({"97140": m}, policy="per_code")


# -- policy objects and plugins ------------------------------------------------------


def test_builtin_policies() -> None:
    """The built-in policies are found by name, CMS being the default."""
    assert get_billing_policy() is CMS_8_MINUTE_RULE
    assert get_billing_policy("per_code") is PER_CODE_MIDPOINT
    for policy in (CMS_8_MINUTE_RULE, PER_CODE_MIDPOINT):
        assert isinstance(policy, BillingPolicy)
        assert policy.api_version == billing.BILLING_POLICY_API_VERSION
        assert "20.2" in CMS_8_MINUTE_RULE.source


@attrs.frozen
class _HalfUnits:
    name: str = "half"
    api_version: int = 1

    def units(self, minutes_by_code: Mapping[str, float]) -> dict[str, int]:
        return {code: int(m // 30) for code, m in minutes_by_code.items()}


def test_policy_object_can_be_passed_directly() -> None:
    """A policy object can be passed to timed_units instead of a name."""
    assert timed_units({"97140": 61}, policy=_HalfUnits()) == {"97140": 2}


def test_policy_object_with_wrong_api_version() -> None:
    """A policy object with an incompatible API version is refused."""
    with pytest.raises(PluginIncompatibleError):
        timed_units({"97140": 61}, policy=_HalfUnits(api_version=2))
    with pytest.raises(PluginIncompatibleError):
        get_billing_policy(object())  # type: ignore[arg-type]


@attrs.frozen
class _Broken:
    result: object
    name: str = "broken"
    api_version: int = 1

    def units(self, minutes_by_code: Mapping[str, float]) -> dict[str, int]:
        return self.result  # type: ignore[return-value]


@pytest.mark.parametrize("result", [{"97140": -1}, {"97140": 1.0}, {}, {"97140": 1, "x": 1}, [1]])
def test_malformed_policy_results_are_rejected(result: object) -> None:
    """A policy returning malformed units raises PluginValidationError."""
    with pytest.raises(PluginValidationError):
        timed_units({"97140": 20}, policy=_Broken(result))


def test_unknown_policy_name() -> None:
    """An unknown policy name raises UnknownCodeError for the billing policy system."""
    with pytest.raises(UnknownCodeError) as info:
        timed_units({"97140": 20}, policy="medicaid-ny")
    assert info.value.system == "billing policy"
    assert "cms" in info.value.hint
    assert "per_code" in info.value.hint


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Site]:
    monkeypatch.delenv("MEDMASSAGE_PLUGINS", raising=False)
    monkeypatch.delenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    get_default_registry.cache_clear()
    yield _Site(tmp_path)
    monkeypatch.undo()
    importlib.invalidate_caches()
    get_default_registry.cache_clear()


class _Site:
    """A sys.path folder holding fake installed distributions (dist-info metadata)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def install(self, dist: str, entry_points: dict[str, str], module: str = "") -> None:
        info = self.root / f"{dist.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        lines = [f"[{BILLING_POLICY_GROUP}]"] + [f"{k} = {v}" for k, v in entry_points.items()]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
        if module:
            name = module.split("\n", 1)[0].removeprefix("# ")
            (self.root / f"{name}.py").write_text(textwrap.dedent(module))
        importlib.invalidate_caches()
        get_default_registry.cache_clear()


_POLICY_MODULE = """\
# {name}
class Policy:
    name = "{key}"
    api_version = {version}

    def units(self, minutes_by_code):
        return {{code: int(m // 10) for code, m in minutes_by_code.items()}}

POLICY = Policy()
"""


def _module(name: str, key: str, version: int = 1) -> str:
    return _POLICY_MODULE.format(name=name, key=key, version=version)


def test_plugin_policy_is_found_through_the_one_registry(site: _Site) -> None:
    """An installed billing-policy plugin is a registry entry, used by name everywhere."""
    site.install("acme-billing", {"tenths": "mm_acme_a:POLICY"}, _module("mm_acme_a", "tenths"))
    registry = get_default_registry()
    assert registry.source(BILLING_POLICIES_GROUP, "tenths").distribution == "acme-billing"
    assert timed_units({"97140": 25}, policy="tenths") == {"97140": 2}
    assert get_billing_policy("tenths") is registry.billing_policies["tenths"]


def test_two_distributions_same_name_conflict(site: _Site) -> None:
    """Two distributions offering one policy name: neither is used unless one is preferred."""
    site.install("acme-one", {"shared": "mm_acme_b:POLICY"}, _module("mm_acme_b", "shared"))
    site.install("acme-two", {"shared": "mm_acme_c:POLICY"}, _module("mm_acme_c", "shared"))
    registry = get_default_registry()
    assert "shared" not in registry.billing_policies
    conflicts = [f for f in registry.failures if f.name == "shared"]
    assert {f.kind for f in conflicts} == {"conflict"}
    assert all(isinstance(f.error, PluginConflictError) for f in conflicts)
    with pytest.raises(PluginConflictError, match=r"acme-one 1.0 \[shared\]"):
        get_billing_policy("shared")
    chosen = make_registry(prefer={"shared": "acme-two"})
    assert chosen.billing_policy("shared").name == "shared"
    assert chosen.source(BILLING_POLICIES_GROUP, "shared").distribution == "acme-two"


def test_builtin_names_cannot_be_replaced_silently(site: _Site) -> None:
    """A plugin named 'cms' conflicts with the built-in, which is kept."""
    site.install("acme-evil", {"cms": "mm_acme_e:POLICY"}, _module("mm_acme_e", "cms"))
    registry = get_default_registry()
    (failure,) = [f for f in registry.failures if f.name == "cms"]
    assert failure.kind == "conflict"
    assert "acme-evil" in failure.message
    assert get_billing_policy("cms") is CMS_8_MINUTE_RULE


def test_import_failure_names_the_entry_point(site: _Site) -> None:
    """A policy whose module is missing is a load failure, raised when it is asked for."""
    site.install("acme-bad", {"bad": "mm_acme_missing:POLICY"})
    with pytest.raises(PluginLoadError, match=r"acme-bad 1.0 \[bad\]") as info:
        get_billing_policy("bad")
    assert isinstance(info.value, ImportError)


def test_incompatible_api_version(site: _Site) -> None:
    """A policy targeting another billing API is refused with its version."""
    site.install("acme-new", {"future": "mm_acme_f:POLICY"}, _module("mm_acme_f", "future", 99))
    with pytest.raises(PluginIncompatibleError, match=r"acme-new 1.0 \[future\].*API 99"):
        get_billing_policy("future")


def test_name_must_match_entry_point(site: _Site) -> None:
    """A policy whose name differs from its entry point is refused."""
    site.install("acme-odd", {"alias": "mm_acme_g:POLICY"}, _module("mm_acme_g", "other"))
    with pytest.raises(PluginValidationError, match=r"acme-odd 1.0 \[alias\]"):
        get_billing_policy("alias")


def test_unknown_name_lists_plugins(site: _Site) -> None:
    """An unknown policy name lists the policies the registry has, plugins included."""
    site.install("acme-h", {"hpolicy": "mm_acme_h:POLICY"}, _module("mm_acme_h", "hpolicy"))
    with pytest.raises(UnknownCodeError) as info:
        get_billing_policy("nope")
    assert "hpolicy" in info.value.hint


def test_removed_discovery_names_point_to_the_registry() -> None:
    """billing's own plugin discovery is gone; its names say what replaced them."""
    with pytest.raises(AttributeError, match="one plugin registry"):
        billing.discover_billing_policies  # noqa: B018


def test_a_plugin_modality_is_billed_under_its_declared_code() -> None:
    """A registered modality that declares cpt_code bills under it (no mapping needed)."""
    cupping = attrs.evolve(SWEDISH, code="spa.cupping", name="Cupping", cpt_code="97140")
    registry = registry_from(modalities=[cupping])
    session = _session(_segment("spa.cupping", 20))
    assert session_units(session, registry=registry) == {"97140": 1}
    bill = bill_session(session, registry=registry)
    assert bill.units == {"97140": 1}
    with pytest.raises(UnknownCodeError):
        session_units(session, registry=registry_from())  # not registered: no code known


# -- sessions ------------------------------------------------------------------------

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_session_minutes_sum_segments_per_code() -> None:
    """Session minutes sum the segments per CPT code and bill from the sums."""
    session = _session(
        _segment("core.myofascial_release", 20),
        _segment("core.trigger_point", 10, BodyRegion.THORACIC_SPINE),
        _segment("core.swedish", 15, BodyRegion.LUMBAR_SPINE),
    )
    assert session_minutes(session) == {
        "97140": Duration(30, "min"),
        "97124": Duration(15, "min"),
    }
    assert session_units(session) == {"97140": 2, "97124": 1}


def test_session_units_with_cms_example_3_minutes() -> None:
    """CMS Ex. 3 shape from a session: 33 min of 97140 work + 7 of 97124 -> 2 + 1."""
    session = _session(
        _segment("core.myofascial_release", 33),
        _segment("core.swedish", 7, BodyRegion.LUMBAR_SPINE),
    )
    assert session_units(session) == {"97140": 2, "97124": 1}
    assert session_units(session, policy="per_code") == {"97140": 2, "97124": 0}


def test_session_mapping_override() -> None:
    """A modality-to-code mapping override changes which code a segment bills under."""
    session = _session(_segment("core.deep_tissue", 30), _segment("core.swedish", 10))
    assert session_units(session) == {"97124": 3}
    assert session_units(session, mapping={"core.deep_tissue": "97140"}) == {
        "97140": 2,
        "97124": 1,
    }
    assert session_units(session, mapping={"core.swedish": None}) == {"97124": 2}


def test_session_with_fractional_minutes() -> None:
    """Fractional segment minutes are summed before units are counted."""
    session = _session(
        TechniqueSegment(
            modality="core.swedish", region=BodyRegion.NECK, duration=Duration(450, "s")
        ),
        TechniqueSegment(
            modality="core.swedish", region=BodyRegion.HEAD, duration=Duration(30, "s")
        ),
    )
    assert session_minutes(session) == {"97124": Duration(8, "min")}
    assert session_units(session) == {"97124": 1}


def test_session_that_did_not_take_place_bills_nothing() -> None:
    """A session that did not take place bills no units."""
    session = _session(status=SessionStatus.NO_SHOW)
    assert session_units(session) == {}


def test_session_with_unmapped_plugin_modality() -> None:
    """An unmapped plugin modality raises UnknownCodeError unless a mapping is given."""
    session = _session(_segment("acme.cupping", 20))
    with pytest.raises(UnknownCodeError):
        session_units(session)
    assert session_units(session, mapping={"acme.cupping": "97140"}) == {"97140": 1}


def test_session_argument_is_checked() -> None:
    """A non-session argument raises ValidationError at the path ``session``."""
    with pytest.raises(ValidationError) as info:
        session_units({"97140": 10})  # type: ignore[arg-type]
    assert info.value.paths == ("session",)


# -- coding edits --------------------------------------------------------------------


def test_massage_and_manual_therapy_same_region() -> None:
    """97124 and 97140: 'one or the other' for a session (secondary sources); the
    official NCCI pair was not checked, so the edit says so."""
    session = _session(_segment("core.swedish", 15), _segment("core.myofascial_release", 15))
    (edit,) = coding_edits(session)
    assert edit.code == "massage_and_manual_therapy_same_region"
    assert edit.cpt_codes == ("97124", "97140")
    assert not edit.confirmed
    assert "could not be checked" in edit.source
    assert "(evidence: expert_consensus: " in str(edit)
    assert edit.path == "segments[1]"


def test_different_regions_or_sides_are_not_flagged() -> None:
    """Massage and manual therapy on different regions or sides raise no coding edit."""
    session = _session(
        _segment("core.swedish", 15, BodyRegion.NECK),
        _segment("core.myofascial_release", 15, BodyRegion.LUMBAR_SPINE),
        _segment("core.swedish", 10, BodyRegion.SHOULDER, laterality=Laterality.LEFT),
        _segment("core.trigger_point", 10, BodyRegion.SHOULDER, laterality=Laterality.RIGHT),
    )
    assert coding_edits(session) == ()


def test_claimed_minutes_counted_twice() -> None:
    """NCCI Policy Manual ch. 11 s. P: no two services for the same minutes."""
    session = _session(_segment("core.myofascial_release", 30), length=40)
    edits = coding_edits(session, claimed={"97140": 30, "97124": 30})
    codes = [e.code for e in edits]
    assert "minutes_counted_twice" in codes
    assert "minutes_exceed_session" in codes  # 60 claimed in a 40-minute session
    twice = edits[codes.index("minutes_counted_twice")]
    assert twice.cpt_codes == ("97124",)


def test_claim_matching_documentation_has_no_edits() -> None:
    """A claim whose minutes match the documentation raises no coding edit."""
    session = _session(_segment("core.myofascial_release", 30), length=40)
    assert coding_edits(session, claimed={"97140": 30}) == ()
    assert coding_edits(session, claimed={"97140": Duration(0.5, "h")}) == ()


def test_claimed_code_beyond_its_documented_minutes() -> None:
    """Claiming more minutes than documented for a code raises a minutes_counted_twice edit."""
    session = _session(
        _segment("core.myofascial_release", 20),
        _segment("core.swedish", 20, BodyRegion.HIP, laterality=Laterality.LEFT),
    )
    (edit,) = coding_edits(session, claimed={"97140": 30, "97124": 10})
    assert edit.code == "minutes_counted_twice"
    assert edit.cpt_codes == ("97140",)


def test_coding_edit_is_frozen() -> None:
    """A CodingEdit cannot be changed after creation."""
    edit = CodingEdit(code="x", message="m", source="s")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        edit.code = "y"  # type: ignore[misc]


def test_coding_edit_is_an_advisory() -> None:
    """One soft-finding shape: a coding edit is an Advisory, a warning, with its extras."""
    session = _session(_segment("core.swedish", 15), _segment("core.myofascial_release", 25))
    (edit,) = coding_edits(session)
    assert isinstance(edit, Advisory)
    assert edit.level is AdvisoryLevel.WARNING
    assert edit.path == "segments[1]"
    assert str(edit).startswith("massage_and_manual_therapy_same_region at segments[1]: ")
    assert str(edit).endswith(f" (evidence: expert_consensus: {edit.evidence_reason})")
    data = edit.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "code": "massage_and_manual_therapy_same_region",
        "level": "warning",
        "path": "segments[1]",
        "message": edit.message,
        "source": edit.source,
        "cpt_codes": ["97124", "97140"],
        "confirmed": False,
        "evidence_level": "expert_consensus",
        "evidence_reason": edit.evidence_reason,
    }
    plain = CodingEdit(code="x", message="m", source="s")
    assert (plain.path, plain.cpt_codes, plain.confirmed) == ("", (), True)
    assert str(plain) == "x: m"


def test_coding_edit_level_must_be_an_advisory_level() -> None:
    """A CodingEdit level that is not an AdvisoryLevel raises ValidationError at ``level``."""
    with pytest.raises(ValidationError) as info:
        CodingEdit(code="x", message="m", source="s", level="warning")  # type: ignore[arg-type]
    assert info.value.paths == ("level",)


def test_diagnosis_edits_flag_non_billable_headers() -> None:
    """M54.5 is a header since 2021-10-01; its billable codes are M54.50/51/59
    (CMS ICD-10-CM April 2026 release)."""
    (edit,) = diagnosis_edits([Diagnosis(coding=Coding.icd10cm("M54.5"))])
    assert edit.code == "diagnosis_not_billable"
    assert "M54.50, M54.51, M54.59" in edit.message
    assert edit.path == "diagnoses[0]"
    assert diagnosis_edits(["M54.50", Coding.icd10cm("M79.7")]) == ()


def test_diagnosis_edits_on_historic_codes() -> None:
    """A diagnosis code absent from the chosen ICD-10-CM release raises diagnosis_not_in_release."""
    with icd10cm_validation("format"):
        historic = Diagnosis(coding=Coding.icd10cm("M54.99"))
    (edit,) = diagnosis_edits([historic])
    assert edit.code == "diagnosis_not_in_release"


def test_diagnosis_edits_truncate_long_lists() -> None:
    """A diagnosis edit listing many codes truncates its message with an ellipsis."""
    (edit,) = diagnosis_edits(["S13"])  # a category with many 7th-character codes
    assert edit.message.endswith("...")


def test_diagnosis_edits_reject_non_codes() -> None:
    """A diagnosis that is not a code raises ValidationError at its list index."""
    with pytest.raises(ValidationError) as info:
        diagnosis_edits(["M54.50", 5])
    assert info.value.paths == ("diagnoses[1]",)
    with pytest.raises(ValidationError):
        diagnosis_edits([Coding(system="urn:x", code="M54.50")])


def test_bill_session() -> None:
    """bill_session reports units per code and their total."""
    session = _session(_segment("core.swedish", 15), _segment("core.myofascial_release", 25))
    bill = bill_session(session, diagnoses=["M54.5"])
    assert bill.units == {"97124": 1, "97140": 2}
    assert bill.total_units == 3
    assert bill.policy == "cms"
    assert {e.code for e in bill.edits} == {
        "massage_and_manual_therapy_same_region",
        "diagnosis_not_billable",
    }
    data = bill.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["codes"] == [
        {"cpt": "97124", "minutes": 15, "units": 1},
        {"cpt": "97140", "minutes": 25, "units": 2},
    ]


# -- command line --------------------------------------------------------------------


def _write(tmp_path: Path, session: Session) -> str:
    from medmassage.serialization import to_json

    path = tmp_path / "session.json"
    path.write_text(to_json(session))
    return str(path)


def test_cli_prints_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``billing`` prints the units per code and the policy used."""
    from medmassage.cli import main

    session = _session(
        _segment("core.myofascial_release", 33),
        _segment("core.swedish", 7, BodyRegion.LUMBAR_SPINE),
    )
    assert main(["billing", _write(tmp_path, session)]) == 0
    out = capsys.readouterr().out
    assert "policy cms" in out
    assert "97140" in out
    assert "Manual therapy" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.strip()}
    assert lines["97140"][1:3] == ["33", "2"]
    assert lines["97124"][1:3] == ["7", "1"]
    assert lines["total"][1:3] == ["40", "3"]


def test_cli_json_and_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``billing --json --policy per_code`` writes JSON naming that policy."""
    from medmassage.cli import main

    session = _session(
        _segment("core.myofascial_release", 33),
        _segment("core.swedish", 7, BodyRegion.LUMBAR_SPINE),
    )
    path = _write(tmp_path, session)
    assert main(["billing", path, "--json", "--policy", "per_code"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["policy"] == "per_code"
    assert {c["cpt"]: c["units"] for c in data["codes"]} == {"97140": 2, "97124": 0}
    assert main(["billing", path, "--json", "--map", "core.swedish=none"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["cpt"] for c in data["codes"]] == ["97140"]


def test_cli_prints_edits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``billing`` prints the coding edits found in the session."""
    from medmassage.cli import main

    session = _session(_segment("core.myofascial_release", 20), _segment("core.swedish", 20))
    assert main(["billing", _write(tmp_path, session)]) == 0
    out = capsys.readouterr().out
    assert "massage_and_manual_therapy_same_region" in out
    assert "expert_consensus" in out


def test_cli_empty_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``billing`` on a session without timed minutes says so and exits 0."""
    from medmassage.cli import main

    assert main(["billing", _write(tmp_path, _session())]) == 0
    assert "no timed minutes" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "cannot read file"),
        ("{", [], "session.json"),
        ('{"schema_version": 1, "id": "s1"}', [], "session.json"),
        ("SESSION", ["--policy", "nope"], "unknown billing policy"),
        ("SESSION", ["--map", "core.swedish"], "expected MODALITY=CPT"),
        ("SESSION", ["--map", "core.swedish=abc"], "CPT code"),
    ],
)
def test_cli_bad_input(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    args: list[str],
    message: str,
) -> None:
    """``billing`` on bad input exits 2 with nothing on standard output."""
    from medmassage.cli import main

    path = tmp_path / "session.json"
    if content == "SESSION":
        _write(tmp_path, _session(_segment("core.swedish", 20)))
    elif content is not None:
        path.write_text(content)
    assert main(["billing", str(path), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_every_public_name_is_documented() -> None:
    """Every public name of the billing module has a docstring."""
    import inspect

    for name in billing.__all__:
        obj = getattr(billing, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, name


def test_all_allocations_enumerated_for_example_2() -> None:
    """CMS Ex. 2 allows either code 2 units; confirm both satisfy the allocation rules
    (full blocks first, leftovers compared) and medmassage's is one of them."""
    minutes = {"97112": 20, "97110": 20}
    valid = [
        dict(zip(minutes, alloc, strict=True))
        for alloc in itertools.product(range(4), repeat=2)
        if sum(alloc) == 3
        and all(
            m // 15 <= u <= math.ceil(m / 15) for m, u in zip(minutes.values(), alloc, strict=True)
        )
    ]
    assert len(valid) == 2
    assert timed_units(minutes) in valid


def test_policy_objects_without_units_or_name() -> None:
    """A policy object lacking ``units`` or ``name`` raises PluginValidationError naming it."""

    @attrs.frozen
    class NoUnits:
        name: str = "x"
        api_version: int = 1

    @attrs.frozen
    class NoName:
        name: str = ""
        api_version: int = 1

        def units(self, minutes_by_code: Mapping[str, float]) -> dict[str, int]:
            return {}

    with pytest.raises(PluginValidationError, match="units"):
        get_billing_policy(NoUnits())  # type: ignore[arg-type]
    with pytest.raises(PluginValidationError, match="name"):
        get_billing_policy(NoName())


def test_free_text_keys_are_not_repeated() -> None:
    """Invalid free-text minute keys are not echoed in the error message."""
    with pytest.raises(ValidationError) as info:
        timed_units({"Jane Doe, DOB 1970": 10})
    assert "Jane" not in str(info.value)
    assert info.value.paths == ("[<key>]",)


def test_daily_units_pool_a_patients_sessions_on_one_day() -> None:
    """s. 20.2 C: total minutes *in a single day* decide the units. Two 10-minute visits
    of 97140 on one day bill one unit (20 min), not one per visit."""
    morning = _session(_segment("core.myofascial_release", 10), id="am")
    evening = _session(
        _segment("core.myofascial_release", 10),
        id="pm",
        start=START + dt.timedelta(hours=8),
    )
    next_day = _session(
        _segment("core.swedish", 25, BodyRegion.LUMBAR_SPINE),
        id="d2",
        start=START + dt.timedelta(days=1),
    )
    assert session_units(morning)["97140"] + session_units(evening)["97140"] == 2
    assert billing.daily_units([next_day, morning, evening]) == {
        START.date(): {"97140": 1},
        START.date() + dt.timedelta(days=1): {"97124": 2},
    }
    assert billing.daily_units([morning, evening], policy="per_code") == {
        START.date(): {"97140": 1}
    }


def test_daily_units_one_patient_only() -> None:
    """Daily units over sessions of two patients raise ValidationError at the second patient_id."""
    a = _session(_segment("core.swedish", 10))
    b = attrs.evolve(a, id="s2", patient_id="p2")
    with pytest.raises(ValidationError) as info:
        billing.daily_units([a, b])
    assert info.value.paths == ("sessions[1].patient_id",)
    with pytest.raises(ValidationError) as bad:
        billing.daily_units([a, "s2"])  # type: ignore[list-item]
    assert bad.value.paths == ("sessions[1]",)


def test_cli_checks_diagnoses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``billing --dx`` checks the diagnoses and prints diagnosis edits."""
    from medmassage.cli import main

    path = _write(tmp_path, _session(_segment("core.swedish", 20)))
    assert main(["billing", path, "--dx", "M54.5", "--dx", "M79.7"]) == 0
    out = capsys.readouterr().out
    assert "diagnosis_not_billable" in out
    assert "M54.50, M54.51, M54.59" in out
    assert main(["billing", path, "--dx", "not-a-code"]) == 2
    assert "--dx not-a-code: expected an ICD-10-CM code" in capsys.readouterr().err


# -- immutability --------------------------------------------------------------------


def test_every_billing_result_object_hashes() -> None:
    """Every frozen billing class is immutable through and through, so it hashes."""
    session = _session(_segment("core.swedish", 15), _segment("core.myofascial_release", 25))
    bill = bill_session(session, diagnoses=["M54.5"])
    samples: list[object] = [
        bill,
        *bill.edits,
        CMS_8_MINUTE_RULE,
        PER_CODE_MIDPOINT,
    ]
    for obj in samples:
        assert hash(obj) == hash(attrs.evolve(obj)), type(obj).__name__  # type: ignore[misc]
    covered = {type(obj) for obj in samples}
    frozen = {
        obj
        for name in billing.__all__
        if isinstance(obj := getattr(billing, name), type) and attrs.has(obj)
    }
    assert frozen == covered


def test_session_bill_mappings_are_read_only_and_keep_their_order() -> None:
    """A SessionBill's minutes and units are read-only mappings in input order."""
    minutes = {"97140": Duration(25, "min"), "97124": Duration(15, "min")}
    units = {"97140": 2, "97124": 1}
    bill = billing.SessionBill(session_id="s1", policy="cms", minutes=minutes, units=units)
    minutes["97140"] = Duration(1, "min")  # the bill holds a copy
    assert bill.minutes["97140"] == Duration(25, "min")
    assert list(bill.units) == ["97140", "97124"]
    assert bill.units["97140"] == 2
    assert bill.units == units
    assert bill.units == {"97124": 1, "97140": 2}  # equal as a mapping, in any order
    with pytest.raises(TypeError):
        bill.units["97140"] = 3  # type: ignore[index]
    assert not hasattr(bill.units, "update")
    other = attrs.evolve(bill, units={"97124": 1, "97140": 2})
    assert other == bill
    assert hash(other) == hash(bill)
    assert {bill, other} == {bill}
    assert repr(bill.units) == "FrozenMap({'97140': 2, '97124': 1})"
    assert pickle.loads(pickle.dumps(bill)) == bill
    assert bill.to_dict()["codes"] == [
        {"cpt": "97140", "minutes": 25, "units": 2},
        {"cpt": "97124", "minutes": 15, "units": 1},
    ]
