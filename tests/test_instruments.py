"""Tests of outcome instruments: scoring against published rules and worked examples.

Each test names the published source (the instrument's paper or manual) it checks.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
from collections.abc import Iterator
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medmassage import plugins
from medmassage.exceptions import (
    MedmassageError,
    ScoringError,
    UnknownCodeError,
    UsageError,
    ValidationError,
)
from medmassage.fhir import observation_resources
from medmassage.instruments import (
    Band,
    Change,
    ChangeDirection,
    Direction,
    InputKind,
    Instrument,
    Mcid,
    ResponseSpec,
    Scale,
    Score,
    ScoringRule,
    builtin_instruments,
    get_instrument,
)
from medmassage.outcomes import OutcomeMeasure
from medmassage.plans import TreatmentPlan
from medmassage.plugins import get_default_registry
from medmassage.progress import track
from medmassage.sessions import Session, SessionStatus
from medmassage.testing.plugins import example_patient_and_plan, registry_from
from medmassage.units import Angle, Duration, Pressure

CODES = (
    "nprs vas odi ndi quickdash lefs bctq hit6 fiqr psfs ffi jfls20 rmdq ppt rom".split()  # noqa: SIM905
)


@pytest.fixture(autouse=True)
def _builtins_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The default registry without whatever plugins this environment has installed."""
    monkeypatch.setenv("MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD", "1")
    get_default_registry.cache_clear()
    yield
    get_default_registry.cache_clear()


def score(code: str, responses: object) -> Score:
    return get_instrument(code).score(responses)  # type: ignore[arg-type]


# -- lookup --------------------------------------------------------------------------


def test_every_builtin_is_available_by_code() -> None:
    """Every built-in instrument is found by its code."""
    assert sorted(builtin_instruments()) == sorted(CODES)
    for code in CODES:
        inst = get_instrument(code)
        assert inst.code == code
        assert inst.api_version == 1


def test_codes_are_case_insensitive() -> None:
    """Instrument codes are looked up ignoring case and surrounding spaces."""
    assert get_instrument(" ODI ") is get_instrument("odi")


def test_unknown_code_raises_with_close_matches() -> None:
    """An unknown instrument code raises UnknownCodeError suggesting close matches."""
    with pytest.raises(UnknownCodeError, match="did you mean odi") as info:
        get_instrument("odl")
    assert info.value.system == "instrument"
    assert info.value.code == "odl"
    assert isinstance(info.value, LookupError)


def test_non_string_code_is_a_usage_error() -> None:
    """A non-string instrument code raises UsageError."""
    with pytest.raises(UsageError, match="instrument code"):
        get_instrument(42)  # type: ignore[arg-type]


class _Source:
    def __init__(self, *instruments: Instrument) -> None:
        self._by_code = {i.code: i for i in instruments}

    def instrument(self, code: str) -> Instrument:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownCodeError("instrument", code) from None


def _custom(code: str = "acme.pain") -> Instrument:
    return Instrument(
        code=code,
        name="Acme pain",
        version="1",
        kind=InputKind.ITEMS,
        item_count=2,
        response=ResponseSpec.numeric(0, 4),
        scales=(Scale(name="total", label="Pain", rule=ScoringRule.SUM, score_range=(0, 8)),),
        primary="total",
        missing_rule="all items required",
        score_range=(0, 8),
        unit="points",
        direction=Direction.HIGHER_IS_WORSE,
        licence="test",
        source="test",
    )


def test_registry_is_asked_first_then_builtins() -> None:
    """A given instrument source is asked before the built-ins."""
    custom = _custom()
    odi_override = attrs.evolve(get_instrument("odi"), name="ODI (site copy)")
    source = _Source(custom, odi_override)
    assert get_instrument("acme.pain", registry=source) is custom
    assert get_instrument("odi", registry=source).name == "ODI (site copy)"
    assert get_instrument("ndi", registry=source) is get_instrument("ndi")
    with pytest.raises(UnknownCodeError):
        get_instrument("nope", registry=source)
    assert custom.score([1, 3]).value == 4


def test_a_registry_of_plugins_is_asked_first_then_builtins() -> None:
    """A plugin registry is asked before the built-in instruments."""
    custom = _custom()
    registry = registry_from(instruments=[custom])
    # The registry knows the code: its instrument.
    assert get_instrument("ACME.pain", registry) is custom
    assert get_instrument("odi", registry) is builtin_instruments()["odi"]
    # The registry does not know the code, nor do the built-ins.
    with pytest.raises(UnknownCodeError, match="did you mean odi"):
        get_instrument("odl", registry)


def test_no_registry_means_the_default_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a registry the lookup uses the default plugin registry."""
    custom = _custom()
    # The default registry of this test (no plugin installed) does not know it ...
    with pytest.raises(UnknownCodeError):
        get_instrument("acme.pain")
    assert get_instrument("odi") is builtin_instruments()["odi"]
    # ... a default registry with the plugin does.
    default = registry_from(instruments=[custom])
    asked: list[str] = []

    class Spy:
        def instrument(self, code: str) -> Instrument:
            asked.append(code)
            return default.instrument(code)

    spy = Spy()
    monkeypatch.setattr(plugins, "get_default_registry", lambda: spy)
    assert get_instrument("acme.pain") is custom
    assert get_instrument("acme.pain", None) is custom
    assert get_instrument("ndi") is builtin_instruments()["ndi"]
    assert asked == ["acme.pain", "acme.pain", "ndi"]


def test_callers_passing_no_registry_find_a_plugin_instrument(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Progress callers passing no registry still find a plugin instrument."""
    custom = _custom()
    monkeypatch.setattr(
        plugins, "get_default_registry", lambda: registry_from(instruments=[custom])
    )
    plan, sessions = _one_measure_course("acme.pain", [[1, 3], [0, 1]])
    progress = track(plan, sessions)
    assert not progress.unscored
    (series,) = progress.series
    assert series.instrument is custom
    assert [p.value for p in series.points] == [4, 1]
    (observation,) = observation_resources(sessions[0])
    quantity = observation["valueQuantity"]
    assert isinstance(quantity, dict)
    assert quantity["value"] == 4
    # An explicit registry without the plugin: the built-ins only, so unscored.
    assert track(plan, sessions, registry=registry_from()).unscored


def _one_measure_course(code: str, answers: list[list[int]]) -> tuple[TreatmentPlan, list[Session]]:
    _, plan = example_patient_and_plan()
    start = dt.datetime.combine(plan.start_date, dt.time(9), dt.UTC)
    sessions = [
        Session(
            id=f"s-{i}",
            patient_id=plan.patient_id,
            practitioner_id="pr-1",
            plan_id=plan.id,
            start=start + dt.timedelta(days=3 * i),
            duration=Duration(30, "min"),
            status=SessionStatus.COMPLETED,
            outcomes=(
                OutcomeMeasure(
                    instrument=code,
                    taken_at=start + dt.timedelta(days=3 * i),
                    responses=tuple(items),
                ),
            ),
        )
        for i, items in enumerate(answers)
    ]
    return plan, sessions


def test_rule_is_a_deprecated_alias_of_scoring_rule() -> None:
    """``Rule`` is a deprecated alias of ScoringRule that warns on use."""
    import medmassage.instruments as instruments

    message = r"^medmassage\.instruments\.Rule is deprecated; use ScoringRule$"
    with pytest.warns(DeprecationWarning, match=message):
        alias = instruments.Rule
    assert alias is ScoringRule
    with pytest.warns(DeprecationWarning, match=message):
        from medmassage.instruments import Rule
    assert Rule is ScoringRule
    assert Rule.SUM is ScoringRule.SUM
    assert "Rule" not in instruments.__all__
    assert "ScoringRule" in instruments.__all__


def test_star_import_and_unknown_names_do_not_touch_the_deprecated_alias() -> None:
    """Star import and unknown attribute lookups do not trigger the deprecated alias."""
    namespace: dict[str, object] = {}
    exec("from medmassage.instruments import *", namespace)  # warnings are errors here
    assert "ScoringRule" in namespace
    assert "Rule" not in namespace
    import medmassage.instruments as instruments

    with pytest.raises(AttributeError, match="has no attribute 'Rules'"):
        _ = instruments.Rules  # type: ignore[attr-defined]


# -- definitions cite their sources --------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_each_builtin_cites_its_source_and_licence(code: str) -> None:
    """Each built-in instrument cites its source and licence."""
    inst = get_instrument(code)
    assert len(inst.source) > 30
    assert inst.licence
    assert inst.missing_rule
    if not inst.missing_rule_confirmed:
        assert inst.missing_rule_evidence is not None
        assert inst.missing_rule_reason
    for mcid in inst.mcids:
        assert mcid.source
        if not mcid.confirmed:
            assert mcid.evidence_level is not None
            assert mcid.evidence_reason


def test_instrument_definitions_are_validated() -> None:
    """An invalid instrument definition raises ValidationError naming each bad field."""
    with pytest.raises(ValidationError) as info:
        attrs.evolve(_custom(), code="Bad Code", primary="nope", score_range=(5, 1))
    assert set(info.value.paths) >= {"code", "primary", "score_range"}
    with pytest.raises(ValidationError, match="items"):
        attrs.evolve(
            _custom(),
            scales=(
                Scale(name="t", label="t", rule=ScoringRule.SUM, score_range=(0, 8), items=(1, 3)),
            ),
            primary="t",
        )


def test_mcid_needs_a_positive_threshold() -> None:
    """An MCID needs a positive value or percent threshold."""
    with pytest.raises(ValidationError, match="value or a percent"):
        Mcid(source="x")
    with pytest.raises(ValidationError, match="positive"):
        Mcid(source="x", value=-2)


# -- NPRS / VAS -----------------------------------------------------------------------


def test_nprs_score_is_the_rating() -> None:
    """NPRS: 0-10 rating, higher worse (Hawker et al., Arthritis Care Res 2011)."""
    assert score("nprs", [7]).value == 7
    assert score("nprs", 7).value == 7  # single-item instruments accept the bare rating


@pytest.mark.parametrize("bad", [11, -1, 7.5, True, "7", math.nan, math.inf])
def test_nprs_refuses_out_of_range_ratings(bad: object) -> None:
    """NPRS refuses ratings outside the whole numbers 0 to 10."""
    with pytest.raises(ScoringError, match=r"nprs: item 1: .*whole number from 0 to 10"):
        score("nprs", [bad])


def test_nprs_missing_rating_refused() -> None:
    """NPRS refuses to score without its single rating."""
    with pytest.raises(ScoringError, match="single rating is required"):
        score("nprs", [None])


def test_nprs_mcid_two_points_or_thirty_percent() -> None:
    """Ostelo et al. Spine 2008: MCID 2 points or 30% improvement from baseline."""
    nprs = get_instrument("nprs")
    assert nprs.change(7, 5).mcid_reached is True  # 2 points
    assert nprs.change(3, 2).mcid_reached is True  # 1 point but 33%
    assert nprs.change(8, 7).mcid_reached is False  # 1 point, 12.5%
    # Childs et al. Spine 2005: 1.5 points at 4 weeks.
    assert nprs.change(8, 6.5, population="lbp-4wk").mcid_reached is True
    assert nprs.change(8, 6.5, population="lbp-1wk").mcid_reached is False


def test_vas_accepts_millimetres_with_decimals() -> None:
    """VAS: distance in mm on a 100 mm line (Kelly 2001)."""
    assert score("vas", [45.5]).value == 45.5
    with pytest.raises(ScoringError, match="number from 0 to 100"):
        score("vas", [100.5])


def test_vas_mcid_by_population() -> None:
    """15 mm chronic LBP (Ostelo 2008); 12 mm acute ED pain (Kelly 2001)."""
    vas = get_instrument("vas")
    assert vas.change(60, 47).mcid_reached is False
    assert vas.change(60, 45).mcid_reached is True
    assert vas.change(60, 47, population="acute-ed").mcid_reached is True


# -- ODI ---------------------------------------------------------------------------------


ODI_16 = [3, 2, 1, 2, 1, 2, 1, 1, 2, 1]  # total 16 over 10 sections


def test_odi_worked_example_all_sections() -> None:
    """Sralab / idcafe ODI worked example: 16 / 50 x 100 = 32%."""
    result = score("odi", ODI_16)
    assert result.value == pytest.approx(32.0)
    assert result.missing == 0
    assert result.unit == "%"
    assert result.band is not None
    assert result.band.label == "moderate disability"  # 21-40 (Fairbank & Pynsent 2000)


def test_odi_worked_example_one_section_missing() -> None:
    """Same sources: one section unanswered, 16 / 45 x 100 = 35.5(6)%."""
    responses: list[int | None] = [3, 2, 1, 2, 1, 2, 1, None, 2, 2]
    result = score("odi", responses)
    assert result.value == pytest.approx(35.5556, abs=1e-4)
    assert result.missing == 1


def test_odi_three_sections_missing_refused_naming_the_rule() -> None:
    """ODI refuses to score with three sections missing and names the rule."""
    with pytest.raises(ScoringError) as info:
        score("odi", [None, None, None, 1, 1, 1, 1, 1, 1, 1])
    message = str(info.value)
    assert "3 of 10 sections unanswered" in message
    assert "5 x sections answered" in message
    assert "a convention" in message


def test_odi_out_of_range_names_section_and_range() -> None:
    """An out-of-range ODI answer is refused naming its section and range."""
    with pytest.raises(ScoringError, match=r"odi: section 10: got 6; expected .* 0 to 5"):
        score("odi", [*ODI_16[:9], 6])


def test_odi_wrong_length() -> None:
    """ODI refuses a response list that is not ten sections long."""
    with pytest.raises(ScoringError, match="expected 10 section responses"):
        score("odi", ODI_16[:9])


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0, "minimal disability"),
        (20, "minimal disability"),
        (20.5, "moderate disability"),
        (40, "moderate disability"),
        (60, "severe disability"),
        (80, "crippled"),
        (100, "bed-bound or exaggerating symptoms"),
    ],
)
def test_odi_bands(value: float, label: str) -> None:
    """Fairbank & Pynsent 2000 bands with <=20, <=40, <=60, <=80 limits."""
    band = get_instrument("odi").band_for(value)
    assert band is not None
    assert band.label == label


def test_odi_mcid_ten_points_or_thirty_percent() -> None:
    """Ostelo 2008: ODI MCID 10 points or 30%; Abbott & Schmitt 2014: 12."""
    odi = get_instrument("odi")
    change = odi.change(46, 30)
    assert change.difference == -16
    assert change.improvement == 16
    assert change.percent == pytest.approx(-34.78, abs=0.01)
    assert change.direction is ChangeDirection.IMPROVED
    assert change.mcid_reached is True
    assert odi.change(30, 25).mcid_reached is False  # 5 points, 16.7%
    assert odi.change(20, 13).mcid_reached is True  # 7 points but 35%
    assert odi.change(40, 29, population="abbott-schmitt").mcid_reached is False
    worse = odi.change(30, 42)
    assert worse.direction is ChangeDirection.WORSENED
    assert worse.mcid_reached is False
    assert worse.worsened_beyond_mcid is True


# -- NDI ---------------------------------------------------------------------------------


def test_ndi_missing_item_takes_mean_of_the_others() -> None:
    """Vernon (chiro.org NDI explanation): the average of the other items is added.

    16 points over 9 answered items -> 16 + 16/9 = 17.78 of 50 = 35.56%.
    """
    result = score("ndi", [3, 2, 1, 2, 1, 2, 1, None, 2, 2])
    assert result.value == pytest.approx(17.7778, abs=1e-4)
    assert result.subscales["percent"] == pytest.approx(35.5556, abs=1e-4)
    assert result.band is not None
    assert result.band.label == "moderate disability"


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        (4, "no disability"),
        (5, "mild disability"),
        (14, "mild disability"),
        (24, "moderate disability"),
        (34, "severe disability"),
        (35, "complete disability"),
        (50, "complete disability"),
    ],
)
def test_ndi_bands(raw: int, label: str) -> None:
    """Vernon raw bands: 0-4 none, 5-14 mild, 15-24 moderate, 25-34 severe, >34 complete."""
    band = get_instrument("ndi").band_for(raw)
    assert band is not None
    assert band.label == label


def test_ndi_full_and_mcid() -> None:
    """NDI scores a full set of answers and decides whether the MCID is reached."""
    ndi = get_instrument("ndi")
    assert ndi.score([5] * 10).value == 50
    assert ndi.change(20, 15).mcid_reached is True  # Vernon: 5 points
    assert ndi.change(20, 16).mcid_reached is False
    mdc = ndi.mcid("mdc90")
    assert mdc is not None
    assert mdc.kind == "mdc"
    assert mdc.value == 4.7


def test_ndi_too_many_missing() -> None:
    """NDI refuses to score with three items unanswered."""
    with pytest.raises(ScoringError, match="3 of 10 items unanswered"):
        score("ndi", [None, None, None, 1, 1, 1, 1, 1, 1, 1])


# -- QuickDASH -----------------------------------------------------------------------------


def test_quickdash_formula() -> None:
    """IWH / physio-pedia: ((sum of n responses / n) - 1) x 25."""
    assert score("quickdash", [1] * 11).value == 0
    assert score("quickdash", [5] * 11).value == 100
    assert score("quickdash", [3] * 11).value == 50
    responses = [2, 3, 1, 4, 2, 3, 2, 1, 3, 2, 2]  # sum 25
    assert score("quickdash", responses).value == pytest.approx((25 / 11 - 1) * 25)


def test_quickdash_one_missing_uses_n_answered() -> None:
    """QuickDASH with one item missing scores over the items answered."""
    responses: list[int | None] = [2, 3, 1, 4, 2, None, 2, 1, 3, 2, 2]  # 22 over 10
    result = score("quickdash", responses)
    assert result.value == pytest.approx((22 / 10 - 1) * 25)
    assert result.missing == 1


def test_quickdash_two_missing_not_computable() -> None:
    """QuickDASH cannot be calculated if more than 1 item is missing (IWH)."""
    with pytest.raises(ScoringError, match="more than 1 of the 11 items"):
        score("quickdash", [None, None, *([3] * 9)])


def test_quickdash_zero_refused() -> None:
    """QuickDASH refuses a 0 answer, its scale being 1 to 5."""
    with pytest.raises(ScoringError, match="item 1: got 0; expected a whole number from 1 to 5"):
        score("quickdash", [0, *([3] * 10)])


def test_quickdash_mcid() -> None:
    """Franchignoni 2014: QuickDASH MCID 15.91."""
    qd = get_instrument("quickdash")
    assert qd.change(50, 34.09).mcid_reached is True
    assert qd.change(50, 35).mcid_reached is False


# -- LEFS ---------------------------------------------------------------------------------


def test_lefs_sum_and_higher_is_better() -> None:
    """Binkley 1999: 20 items 0-4, score = sum (0-80), higher is better, MCID 9."""
    lefs = get_instrument("lefs")
    assert lefs.direction is Direction.HIGHER_IS_BETTER
    assert lefs.score([4] * 20).value == 80
    assert lefs.score([2] * 10 + [3] * 10).value == 50
    change = lefs.change(40, 49)
    assert change.direction is ChangeDirection.IMPROVED
    assert change.improvement == 9
    assert change.mcid_reached is True
    assert lefs.change(40, 48).mcid_reached is False
    assert lefs.change(49, 40).direction is ChangeDirection.WORSENED


def test_lefs_missing_item_refused() -> None:
    """LEFS refuses to score with any of its 20 items missing."""
    with pytest.raises(ScoringError, match="all 20 items are required"):
        score("lefs", [None] + [2] * 19)


# -- BCTQ ---------------------------------------------------------------------------------

SSS = [2, 3, 3, 2, 1, 2, 3, 4, 2, 2, 2]  # 26 / 11
FSS = [1, 2, 2, 3, 1, 1, 2, 2]  # 14 / 8


def test_bctq_each_scale_is_the_mean_of_its_items() -> None:
    """Levine 1993: SSS (11 items) and FSS (8 items) each = mean of item scores."""
    result = score("bctq", {"sss": SSS, "fss": FSS})
    assert result.value == pytest.approx(26 / 11)
    assert result.subscales == {"sss": pytest.approx(26 / 11), "fss": pytest.approx(14 / 8)}
    assert score("bctq", SSS + FSS) == result  # the 19 items in form order


def test_bctq_functional_scale_optional() -> None:
    """BCTQ scores the symptom scale alone and marks the functional scale not computable."""
    result = score("bctq", {"sss": SSS})
    assert result.not_computable == ("fss",)
    assert "fss" not in result.subscales
    assert result.missing == 8


def test_bctq_refusals_name_scale_and_item() -> None:
    """BCTQ refusals name the scale and the item."""
    with pytest.raises(ScoringError, match=r"scale 'fss' item 3: got 6"):
        score("bctq", {"sss": SSS, "fss": [1, 2, 6, 3, 1, 1, 2, 2]})
    with pytest.raises(ScoringError, match=r"scale 'sss': 2 of 11 items unanswered"):
        score("bctq", {"sss": [None, None, *SSS[2:]]})
    with pytest.raises(ScoringError, match="unknown scale"):
        score("bctq", {"sss": SSS, "pain": FSS})
    with pytest.raises(ScoringError, match="expected 8 item responses"):
        score("bctq", {"sss": SSS, "fss": FSS[:7]})


def test_bctq_mcids_per_scale_and_population() -> None:
    """Ozyurekoglu 2006: SSS 1.04 after injection; after release FSS 2.05 in diabetics."""
    bctq = get_instrument("bctq")
    base = bctq.score({"sss": [4] * 11, "fss": [4] * 8})
    follow = bctq.score({"sss": [3] * 11, "fss": [2] * 8})
    assert bctq.change(base, follow).mcid_reached is False  # 1.0 < 1.04
    fss = bctq.change(base, follow, scale="fss", population="release-diabetic")
    assert fss.scale == "fss"
    assert fss.improvement == 2
    assert fss.mcid is not None
    assert fss.mcid.value == 2.05
    assert fss.mcid_reached is False
    assert bctq.change(base, follow, scale="fss").mcid is None  # no non-surgical figure


# -- HIT-6 --------------------------------------------------------------------------------


def test_hit6_labels_and_range() -> None:
    """NINDS CDE: never 6, rarely 8, sometimes 10, very often 11, always 13; sum 36-78."""
    assert score("hit6", ["never"] * 6).value == 36
    assert score("hit6", ["always"] * 6).value == 78
    result = score("hit6", ["never", "rarely", "sometimes", "very often", "always", "Always"])
    assert result.value == 6 + 8 + 10 + 11 + 13 + 13
    assert result.band is not None
    assert result.band.label == "severe impact"
    assert score("hit6", ["very_often", 11, 6, 8, 10, 13]).value == 59  # points accepted too


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (49, "little or no impact"),
        (50, "some impact"),
        (55, "some impact"),
        (56, "substantial impact"),
        (59, "substantial impact"),
        (60, "severe impact"),
    ],
)
def test_hit6_bands(total: int, label: str) -> None:
    """HIT-6 totals fall into their published impact bands."""
    band = get_instrument("hit6").band_for(total)
    assert band is not None
    assert band.label == label


def test_hit6_refusals_do_not_echo_text() -> None:
    """HIT-6 refusals name the item without echoing the given text."""
    with pytest.raises(ScoringError) as info:
        score("hit6", ["never", "Jane Doe said often", "never", "never", "never", "never"])
    assert "item 2" in str(info.value)
    assert "Jane" not in str(info.value)
    assert "'very often' (11)" in str(info.value)
    with pytest.raises(ScoringError, match="all 6 items are required"):
        score("hit6", ["never"] * 5 + [None])
    with pytest.raises(ScoringError, match="item 1: got 7"):
        score("hit6", [7] + ["never"] * 5)


def test_hit6_mcid_chronic_tth() -> None:
    """Castien 2012: -8 points in chronic tension-type headache."""
    hit6 = get_instrument("hit6")
    assert hit6.change(64, 56).mcid_reached is True
    assert hit6.change(64, 57).mcid_reached is False
    assert hit6.change(64, 58, population="migraine-primary-care").mcid_reached is True


# -- FIQR ---------------------------------------------------------------------------------


def test_fiqr_domain_weighting() -> None:
    """Bennett 2009 / myalgia.com: total = function sum / 3 + overall sum + symptom sum / 2."""
    result = score("fiqr", {"function": [5] * 9, "overall": [5, 5], "symptoms": [5] * 10})
    assert result.subscales == {"function": 15, "overall": 10, "symptoms": 25}
    assert result.value == pytest.approx(50)
    assert score("fiqr", [10] * 21).value == pytest.approx(100)
    assert score("fiqr", [0] * 21).value == 0
    mixed = score("fiqr", [3] * 9 + [6, 4] + [8] * 10)
    assert mixed.value == pytest.approx(27 / 3 + 10 + 80 / 2)


def test_fiqr_missing_answers_weighted_by_domain() -> None:
    """myalgia.com FIQR scoring: weight a domain sum by 9/x, 2/x, 10/x (x = answered)."""
    result = score(
        "fiqr", {"function": [5] * 8 + [None], "overall": [6, None], "symptoms": [4] * 10}
    )
    assert result.subscales["function"] == pytest.approx(40 * 9 / 8 / 3)
    assert result.subscales["overall"] == pytest.approx(6 * 2 / 1)
    assert result.value == pytest.approx(15 + 12 + 20)
    assert result.missing == 2


def test_fiqr_domain_with_too_many_missing_refused() -> None:
    """FIQR refuses a domain with too many items missing."""
    with pytest.raises(
        ScoringError,
        match=r"cannot score fiqr: scale 'symptoms': 3 of 10 items "
        r"unanswered",
    ):
        score("fiqr", {"function": [5] * 9, "overall": [5, 5], "symptoms": [None] * 3 + [5] * 7})
    with pytest.raises(ScoringError, match="overall"):
        score("fiqr", {"function": [5] * 9, "overall": [None, None], "symptoms": [5] * 10})


def test_fiqr_mcid_is_flagged_unconfirmed() -> None:
    """Bennett 2009: 14% for the original FIQ; no FIQR-specific MCID was found."""
    fiqr = get_instrument("fiqr")
    change = fiqr.change(60, 51)
    assert change.mcid is not None
    assert change.mcid.confirmed is False
    assert change.mcid_reached is True  # 15% improvement
    assert fiqr.change(60, 52).mcid_reached is False  # 13.3%


# -- PSFS ---------------------------------------------------------------------------------


def test_psfs_mean_of_one_to_five_activities() -> None:
    """Stratford 1995: score = sum of activity scores / number of activities."""
    assert score("psfs", [3, 5, 4]).value == 4
    assert score("psfs", [3, 5, 4, 6, 7]).value == 5
    with pytest.raises(ScoringError, match="expected 1 to 5 activity responses"):
        score("psfs", [3, 5, 4, 6, 7, 2])
    with pytest.raises(ScoringError, match="every named activity"):
        score("psfs", [3, None, 5])


def test_psfs_mcid_and_direction() -> None:
    """Abbott & Schmitt 2014: MID 1.3 / 2.3 / 2.7 (small / medium / large)."""
    psfs = get_instrument("psfs")
    assert psfs.change(4, 6.3).mcid_reached is True
    assert psfs.change(4, 6).mcid_reached is False
    assert psfs.change(4, 5.3, population="small").mcid_reached is True


# -- FFI ----------------------------------------------------------------------------------


def test_ffi_subscales_and_total() -> None:
    """Budiman-Mak 1991 (SRALab): subscale = sum / (10 x applicable items) x 100;
    total = mean of the three subscales."""
    result = score("ffi", {"pain": [5] * 9, "disability": [2] * 9, "activity": [1] * 5})
    assert result.subscales == {
        "pain": pytest.approx(50),
        "disability": pytest.approx(20),
        "activity": pytest.approx(10),
    }
    assert result.value == pytest.approx(80 / 3)


def test_ffi_not_applicable_items_leave_the_denominator() -> None:
    """FFI items marked not applicable are left out of the denominator."""
    result = score(
        "ffi", {"pain": [8] * 5 + [None] * 4, "disability": [4] * 9, "activity": [0] * 5}
    )
    assert result.subscales["pain"] == pytest.approx(40 / 50 * 100)
    assert result.missing == 4
    with pytest.raises(ScoringError, match="'pain': 5 of 9 items unanswered"):
        score("ffi", {"pain": [8] * 4 + [None] * 5, "disability": [4] * 9, "activity": [0] * 5})


# -- JFLS-20 ------------------------------------------------------------------------------


def test_jfls20_global_and_subscales() -> None:
    """DC/TMD scoring (via movanr/cmdetect): each scale = mean of available items;
    mastication 1-6, mobility 7-10, communication 13-20; 11 and 12 global only."""
    items = [2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 10, 10, 1, 1, 1, 1, 1, 1, 1, 1]
    result = score("jfls20", items)
    assert result.value == pytest.approx(sum(items) / 20)
    assert result.subscales == {
        "global": pytest.approx(sum(items) / 20),
        "mastication": 2,
        "mobility": 4,
        "communication": 1,
    }


def test_jfls20_missing_limits_per_scale() -> None:
    """Allowed missing: global <=2, mastication <=2, mobility <=1, communication <=2."""
    items: list[int | None] = [2] * 20
    items[6] = items[7] = None  # two mobility items blank
    result = score("jfls20", items)
    assert result.value == 2
    assert result.not_computable == ("mobility",)
    items[0] = None  # a third blank: the global scale is not computable
    with pytest.raises(ScoringError, match="'global': 3 of 20 items unanswered"):
        score("jfls20", items)


# -- RMDQ ---------------------------------------------------------------------------------


def test_rmdq_counts_ticked_statements() -> None:
    """Roland & Morris 1983: score = number of statements ticked, 0-24."""
    ticks = [True] * 7 + [False] * 17
    assert score("rmdq", ticks).value == 7
    assert score("rmdq", [1] * 24).value == 24


def test_rmdq_unanswered_scores_no() -> None:
    """Roland & Fairbank 2000: an item indicated not applicable is scored 'No'."""
    result = score("rmdq", [True] * 5 + [None] * 3 + [False] * 16)
    assert result.value == 5
    assert result.missing == 3
    with pytest.raises(ScoringError, match="no item answered"):
        score("rmdq", [None] * 24)
    with pytest.raises(ScoringError, match=r"item 2: got 2; expected True or False"):
        score("rmdq", [True, 2] + [False] * 22)


def test_rmdq_mcid() -> None:
    """Ostelo 2008: 5 points or 30%."""
    rmdq = get_instrument("rmdq")
    assert rmdq.change(12, 8).mcid_reached is True  # 33%
    assert rmdq.change(20, 16).mcid_reached is False  # 4 points, 20%


# -- PPT and ROM ----------------------------------------------------------------------------


def test_ppt_converts_kgf_per_cm2_exactly() -> None:
    """1 kgf/cm2 = 98.0665 kPa exactly (standard gravity, CGPM 1901; NIST SP 811 B.8)."""
    result = score("ppt", Pressure(4, "kgf/cm**2"))
    assert result.value == pytest.approx(392.266)
    assert result.unit == "kPa"


def test_ppt_mean_of_three_trials() -> None:
    """Walton 2014: take the mean of 3 trials."""
    result = score(
        "ppt", ["3.8 kgf/cm**2", Pressure(4, "kgf/cm**2"), {"value": 4.2, "unit": "kgf/cm**2"}]
    )
    assert result.value == pytest.approx(4 * 98.0665)


def test_ppt_refusals() -> None:
    """Pressure pain threshold refuses values without a pressure unit."""
    with pytest.raises(ScoringError, match=r"expected a pressure with its unit"):
        score("ppt", 4.5)
    with pytest.raises(ScoringError, match="did you mean kgf/cm"):
        score("ppt", "4 kg/cm**2")
    with pytest.raises(ScoringError, match=r"trial 2: -5 kPa is outside 0 to 2000 kPa"):
        score("ppt", ["300 kPa", "-5 kPa"])
    with pytest.raises(ScoringError, match="expected 1 to 100 trials"):
        score("ppt", [])


def test_ppt_change_is_higher_is_better_without_mcid() -> None:
    """A higher pressure pain threshold is an improvement and has no MCID."""
    ppt = get_instrument("ppt")
    change = ppt.change(ppt.score("300 kPa"), ppt.score("4 kgf/cm**2"))
    assert change.direction is ChangeDirection.IMPROVED
    assert change.mcid is None
    assert change.mcid_reached is None


def test_rom_degrees_and_radians() -> None:
    """Range of motion accepts degrees and radians and scores in degrees."""
    rom = get_instrument("rom")
    assert rom.score(Angle(45, "deg")).value == 45
    assert rom.score("0.5 rad").value == pytest.approx(28.6479, abs=1e-4)
    with pytest.raises(ScoringError, match=r"measurement: expected an angle with its unit"):
        rom.score(Pressure(3, "kPa"))


def test_rom_cervical_mdc_by_population() -> None:
    """Fletcher & Bandy 2008: CROM MDC up to 9.6 degrees."""
    rom = get_instrument("rom")
    assert rom.change(40, 52).mcid is None
    change = rom.change(40, 52, population="cervical-crom")
    assert change.mcid is not None
    assert change.mcid.kind == "mdc"
    assert change.mcid_reached is True


# -- change ------------------------------------------------------------------------------


def test_change_unchanged_and_zero_baseline() -> None:
    """An unchanged score and a zero baseline give an unchanged change without MCID."""
    nprs = get_instrument("nprs")
    same = nprs.change(5, 5)
    assert same.direction is ChangeDirection.UNCHANGED
    assert same.mcid_reached is False
    from_zero = nprs.change(0, 3)
    assert from_zero.percent is None
    assert from_zero.direction is ChangeDirection.WORSENED
    assert from_zero.worsened_beyond_mcid is True


def test_change_refuses_mixed_instruments_and_bad_input() -> None:
    """A change between different instruments or from bad input is refused."""
    odi, ndi = get_instrument("odi"), get_instrument("ndi")
    with pytest.raises(ScoringError, match="is a 'ndi' score"):
        odi.change(ndi.score([1] * 10), 20)
    with pytest.raises(ScoringError, match="followup: expected a Score or a number"):
        odi.change(20, "ten")  # type: ignore[arg-type]
    with pytest.raises(UnknownCodeError, match="known populations"):
        odi.change(40, 20, population="martian")
    with pytest.raises(UnknownCodeError, match="scale"):
        odi.change(40, 20, scale="fss")


def test_mcid_override_and_with_mcids() -> None:
    """A plugin or application overrides the MCID for its population."""
    odi = get_instrument("odi")
    strict = Mcid(value=20, population="post-surgical", source="site protocol")
    assert odi.change(40, 25, mcid=strict).mcid_reached is False
    site = odi.with_mcids(strict)
    assert site.change(40, 25).mcid is strict
    assert site.mcid(population="default") is odi.mcid()
    assert odi.with_mcids(strict, replace=True).mcids == (strict,)


def test_score_objects_are_hashable_and_picklable() -> None:
    """Score results are hashable and survive pickling."""
    result = score("bctq", {"sss": SSS, "fss": FSS})
    assert isinstance(hash(result), int)
    assert pickle.loads(pickle.dumps(result)) == result
    change = get_instrument("odi").change(40, 20)
    assert isinstance(change, Change)
    assert pickle.loads(pickle.dumps(change)) == change


def test_other_real_numbers_are_accepted() -> None:
    """Fractions and other real numbers are accepted as answers."""
    assert score("odi", [Fraction(3), *ODI_16[1:]]).value == 32
    with pytest.raises(ScoringError):
        score("odi", [Fraction(5, 2), *ODI_16[1:]])


def test_integral_floats_accepted_for_whole_number_items() -> None:
    """Integral floats are accepted for whole-number items."""
    assert score("odi", [float(x) for x in ODI_16]).value == 32


# -- properties ----------------------------------------------------------------------------


def _item_value(spec: ResponseSpec) -> st.SearchStrategy[object]:
    if spec.boolean:
        return st.booleans()
    if spec.labels:
        return st.sampled_from([label for label, _ in spec.labels])
    if spec.integer:
        return st.integers(int(spec.low), int(spec.high))
    return st.floats(spec.low, spec.high)


@st.composite
def administrations(draw: st.DrawFn) -> tuple[Instrument, list[object]]:
    codes = [c for c in CODES if get_instrument(c).kind in (InputKind.ITEMS, InputKind.SCALES)]
    inst = get_instrument(draw(st.sampled_from(codes)))
    count = draw(st.integers(inst.min_items, inst.item_count))
    return inst, [draw(_item_value(inst.response)) for _ in range(count)]


@given(administrations())
@settings(max_examples=300)
def test_scores_lie_within_the_published_range(case: tuple[Instrument, list[object]]) -> None:
    """Scores and subscales always lie within the published range."""
    inst, responses = case
    result = inst.score(responses)  # type: ignore[arg-type]
    lo, hi = inst.score_range
    assert lo - 1e-9 <= result.value <= hi + 1e-9
    for name, value in result.subscales.items():
        slo, shi = inst.scale(name).score_range
        assert slo - 1e-9 <= value <= shi + 1e-9


def _bump(spec: ResponseSpec, value: object) -> object:
    if spec.boolean:
        return True
    if spec.labels:
        labels = [label for label, _ in spec.labels]
        return labels[min(labels.index(str(value)) + 1, len(labels) - 1)]
    assert isinstance(value, int | float)
    return min(value + 1, spec.high)


@given(administrations(), st.data())
@settings(max_examples=300)
def test_scores_are_monotonic_in_each_response(
    case: tuple[Instrument, list[object]], data: st.DataObject
) -> None:
    """Raising any one answer never lowers the score."""
    inst, responses = case
    i = data.draw(st.integers(0, len(responses) - 1))
    higher = list(responses)
    higher[i] = _bump(inst.response, responses[i])
    before = inst.score(responses).value  # type: ignore[arg-type]
    after = inst.score(higher).value  # type: ignore[arg-type]
    assert after >= before - 1e-9


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10))
def test_odi_missing_sections_follow_the_denominator_rule(responses: list[int | None]) -> None:
    """ODI with missing sections divides by five times the sections answered."""
    answered = [r for r in responses if r is not None]
    odi = get_instrument("odi")
    if len(answered) < 8:
        with pytest.raises(ScoringError):
            odi.score(responses)
        return
    assert odi.score(responses).value == pytest.approx(sum(answered) / (5 * len(answered)) * 100)


_garbage = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.binary(max_size=5),
        st.just(object()),
        st.sampled_from(["4 kPa", "45 deg", "never", "3 s"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=25),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
        st.dictionaries(st.sampled_from(["sss", "fss", "function", "pain"]), children, max_size=3),
    ),
    max_leaves=30,
)


@given(st.sampled_from(CODES), _garbage)
@settings(max_examples=500)
def test_garbage_raises_only_medmassage_errors(code: str, responses: object) -> None:
    """Garbage answers raise only medmassage errors, and valid ones score in range."""
    inst = get_instrument(code)
    try:
        result = inst.score(responses)  # type: ignore[arg-type]
    except MedmassageError:
        return
    lo, hi = inst.score_range
    assert lo <= result.value <= hi


def test_whole_sequence_types_refused() -> None:
    """Response containers of the wrong type are refused."""
    for bad in ("0123456789", b"0123456789", 5, {1, 2}):
        with pytest.raises(ScoringError, match="expected a sequence"):
            score("odi", bad)
    with pytest.raises(ScoringError, match="not a mapping"):
        score("odi", {"total": ODI_16})


# -- definitions of plugin instruments ----------------------------------------------------


def test_response_spec_validation_and_parse() -> None:
    """A response spec checks its bounds and choices and parses answers."""
    with pytest.raises(ValidationError, match="low < high"):
        ResponseSpec.numeric(5, 1)
    with pytest.raises(ValidationError, match="unique"):
        ResponseSpec.labelled([("never", 1), ("Never", 2)])
    spec = ResponseSpec.labelled([("never", 6), ("always", 13)])
    assert spec.parse("ALWAYS") == 13
    assert spec.parse(None) is None
    with pytest.raises(ScoringError, match="got a string of 5 characters"):
        spec.parse("often")
    assert ResponseSpec.numeric(0, 1, integer=False).parse(Fraction(1, 2)) == 0.5


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"min_items": 3}, "min_items"),
        (
            {
                "scales": (
                    Scale(name="t", label="t", rule=ScoringRule.SUM, score_range=(0, 8)),
                    Scale(name="t", label="t", rule=ScoringRule.SUM, score_range=(0, 8)),
                ),
                "primary": "t",
            },
            "scales[1].name",
        ),
        (
            {
                "scales": (
                    Scale(
                        name="t",
                        label="t",
                        rule=ScoringRule.SCALES_SUM,
                        score_range=(0, 8),
                        of=("x",),
                    ),
                ),
                "primary": "t",
            },
            "scales[0].of",
        ),
        (
            {
                "scales": (
                    Scale(
                        name="t",
                        label="t",
                        rule=ScoringRule.SUM,
                        score_range=(0, 8),
                        max_missing=-1,
                    ),
                ),
                "primary": "t",
            },
            "scales[0].max_missing",
        ),
        ({"scales": ()}, "scales"),
        (
            {
                "kind": InputKind.SCALES,
                "scales": (
                    Scale(
                        name="t", label="t", rule=ScoringRule.SUM, score_range=(0, 8), items=(2,)
                    ),
                ),
                "primary": "t",
            },
            "scales[0].items",
        ),
        ({"bands": (Band(label="b", low=0, high=5), Band(label="a", low=0, high=2))}, "bands[1]"),
        ({"mcids": (Mcid(value=1, source="s", scale="nope"),)}, "mcids[0].scale"),
        ({"api_version": 0}, "api_version"),
        ({"item_responses": ((9, ResponseSpec.numeric(0, 1)),)}, "item_responses"),
    ],
)
def test_plugin_instrument_definition_problems(changes: dict[str, object], path: str) -> None:
    """A bad plugin instrument definition is reported at each bad path."""
    with pytest.raises(ValidationError) as info:
        attrs.evolve(_custom(), **changes)  # type: ignore[arg-type]
    assert path in info.value.paths


def test_separate_scales_must_cover_every_item() -> None:
    """Separate scales must together cover every item of the instrument."""
    with pytest.raises(ValidationError) as info:
        attrs.evolve(
            _custom(),
            kind=InputKind.SCALES,
            scales=(
                Scale(name="a", label="a", rule=ScoringRule.SUM, score_range=(0, 4), items=(1,)),
            ),
            primary="a",
        )
    assert "item_count" in info.value.paths


def test_per_item_response_ranges() -> None:
    """Per-item response ranges are enforced item by item."""
    inst = attrs.evolve(
        _custom(), item_responses=((2, ResponseSpec.numeric(0, 10)),), score_range=(0, 14)
    )
    assert inst.score([4, 10]).value == 14
    with pytest.raises(ScoringError, match="item 1: got 5; expected a whole number from 0 to 4"):
        inst.score([5, 1])
    assert str(inst) == "Acme pain (acme.pain)"


def test_mcid_both_thresholds_and_describe() -> None:
    """An MCID with value and percent thresholds needs both to be reached."""
    both = Mcid(value=2, percent=30, combine="both", source="s")
    assert both.reached(2, 10) is False  # 20% < 30%
    assert both.reached(3, 10) is True
    assert both.reached(3, 0) is False  # a percentage cannot be judged from 0
    assert both.describe() == "2 points and 30%"
    assert Mcid(value=4.7, kind="mdc", source="s").describe() == "4.7 points (MDC)"
    assert Mcid(percent=30, source="s").reached(5, 0) is False
    with pytest.raises(ValidationError, match="either"):
        Mcid(value=1, source="s", combine="any")  # type: ignore[arg-type]


def test_change_refuses_non_mcid_and_missing_scale() -> None:
    """A change refuses a non-MCID threshold and a scale the score lacks."""
    bctq = get_instrument("bctq")
    only_sss = bctq.score({"sss": SSS})
    with pytest.raises(ScoringError, match="has no 'fss' score"):
        bctq.change(only_sss, only_sss, scale="fss")
    with pytest.raises(UsageError, match="expected an Mcid"):
        bctq.change(2, 1, mcid=1.0)  # type: ignore[arg-type]


def test_score_value_wraps_a_recorded_score() -> None:
    """score_value wraps a recorded score with its band."""
    odi = get_instrument("odi")
    recorded = odi.score_value(32)
    assert recorded.value == 32
    assert recorded.band is not None
    with pytest.raises(ScoringError, match="recorded score"):
        odi.score_value(101)
    with pytest.raises(ScoringError, match="recorded score"):
        odi.score_value("32")  # type: ignore[arg-type]
