"""Evidence levels of instruments, MCIDs and billing rules; MCIDs chosen by population.

Issue 11: every MCID, missing-item rule, billing policy and coding edit says how
sure it is (a `medmassage.evidence.EvidenceLevel` and a reason a clinician can
read); an MCID borrowed from another population than the case's is named; the
PSFS, NDI, RMDQ and FIQR follow their published sources.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

import medmassage as mm
from medmassage.billing import CMS_8_MINUTE_RULE, PER_CODE_MIDPOINT, coding_edits
from medmassage.cli import main
from medmassage.evidence import EvidenceLevel
from medmassage.exceptions import ScoringError, UsageError, ValidationError
from medmassage.instruments import Mcid, builtin_instruments, get_instrument
from medmassage.progress import track
from medmassage.report import build_report, render_html, render_markdown

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"


@pytest.fixture(scope="module")
def case() -> mm.Case:
    """The bundled lumbar case (M51.26, M54.42) with its ODI, NPRS and PPT series."""
    return mm.from_json(mm.Case, EXAMPLE.read_bytes())


def _neck_case(case: mm.Case) -> mm.Case:
    """The bundled case re-coded as neck pain (cervicalgia, M54.2)."""
    first = case.plan.diagnoses[0]
    neck = attrs.evolve(
        first,
        coding=mm.Coding.icd10cm("M54.2"),
        region=mm.BodyRegion.CERVICAL_SPINE,
        laterality=None,
    )
    return attrs.evolve(case, plan=attrs.evolve(case.plan, diagnoses=(neck,)))


# -- every figure and rule states its evidence ---------------------------------------------


@pytest.mark.parametrize("code", sorted(builtin_instruments()))
def test_every_builtin_mcid_and_missing_rule_has_an_evidence_level(code: str) -> None:
    """No built-in figure or rule is left without a level; an unverified one gives a reason."""
    inst = get_instrument(code)
    assert isinstance(inst.missing_rule_evidence, EvidenceLevel)
    assert inst.missing_rule_reason
    if inst.missing_rule_evidence is EvidenceLevel.CONVENTION:
        assert inst.missing_rule_confirmed is False
    for mcid in inst.mcids:
        assert isinstance(mcid.evidence_level, EvidenceLevel)
        if not mcid.confirmed:
            assert mcid.evidence_reason
        assert mcid.evidence().startswith(mcid.evidence_level.value)


@pytest.mark.parametrize("code", sorted(builtin_instruments()))
def test_no_developer_unconfirmed_note_is_shipped(code: str) -> None:
    """'UNCONFIRMED' notes became evidence levels with reasons (issue 11)."""
    inst = get_instrument(code)
    texts = [inst.missing_rule, inst.licence, inst.source, *inst.notes]
    for mcid in inst.mcids:
        texts += [mcid.describe(), mcid.description, mcid.source, mcid.evidence()]
    assert not [t for t in texts if "UNCONFIRMED" in t]


def test_ostelo_consensus_is_expert_consensus_and_studies_are_primary() -> None:
    """Ostelo 2008 is an international consensus; Childs 2005 a single cohort study."""
    nprs = get_instrument("nprs")
    assert nprs.mcid().evidence_level is EvidenceLevel.EXPERT_CONSENSUS  # type: ignore[union-attr]
    assert nprs.mcid("lbp-1wk").evidence_level is EvidenceLevel.PRIMARY_STUDY  # type: ignore[union-attr]
    assert EvidenceLevel.PRIMARY_STUDY.rank < EvidenceLevel.TEXTBOOK.rank


def test_fiqr_mcid_is_borrowed_from_the_fiq_and_says_so() -> None:
    """Bennett 2009 (J Rheumatol 36:1304): 14% derived for the FIQ; none for the FIQR."""
    mcid = get_instrument("fiqr").mcid()
    assert mcid is not None
    assert mcid.confirmed is False
    assert "original FIQ" in mcid.evidence()


def test_mcid_rejects_a_bad_evidence_level_and_condition_pattern() -> None:
    """An Mcid names the field broken: conditions[i] must be ICD-10-CM patterns."""
    with pytest.raises(ValidationError) as info:
        Mcid(value=1, source="s", evidence_level="guideline", conditions=("M54.2", "not a code"))  # type: ignore[arg-type]
    assert set(info.value.paths) == {"evidence_level", "conditions[1]"}


def test_instrument_rejects_a_missing_rule_evidence_that_is_not_a_level() -> None:
    """A plugin's instrument names the field: missing_rule_evidence must be an EvidenceLevel."""
    with pytest.raises(ValidationError) as info:
        attrs.evolve(get_instrument("nprs"), missing_rule_evidence="convention")  # type: ignore[arg-type]
    assert info.value.paths == ("missing_rule_evidence",)


# -- PSFS: 1 to 5 activities ---------------------------------------------------------------


def test_psfs_scores_one_or_two_activities() -> None:
    """Stratford 1995: up to five patient-named activities; score = mean of the ratings."""
    psfs = get_instrument("psfs")
    assert psfs.score([4]).value == 4
    assert psfs.score([2, 5]).value == 3.5
    assert psfs.min_items == 1
    with pytest.raises(ScoringError, match="expected 1 to 5 activity responses"):
        psfs.score([1, 2, 3, 4, 5, 6])
    with pytest.raises(ScoringError, match="expected 1 to 5"):
        psfs.score([])


# -- NDI: Young 2009 beside Vernon --------------------------------------------------------


def test_ndi_offers_young_2009_by_population() -> None:
    """Young et al., Spine J 2009;9(10):802-808: MCID 7.5 points (0-50), MDC 10.2."""
    ndi = get_instrument("ndi")
    young = ndi.mcid("mechanical-neck")
    assert young is not None
    assert (young.value, young.kind, young.default) == (7.5, "mcid", False)
    assert "Spine J 2009;9(10):802-808" in young.source
    assert ndi.change(20, 12, population="mechanical-neck").mcid_reached is True  # 8 >= 7.5
    assert ndi.change(20, 13, population="mechanical-neck").mcid_reached is False  # 7 < 7.5
    assert ndi.change(20, 13).mcid_reached is True  # Vernon's 5 points, the default
    mdc = ndi.mcid("mdc-young")
    assert mdc is not None
    assert (mdc.value, mdc.kind) == (10.2, "mdc")


def test_ndi_default_covers_neck_pain_diagnoses() -> None:
    """A cervicalgia case (M54.2) is of the NDI default's population."""
    change = get_instrument("ndi").change(20, 12, diagnoses=["M54.2"])
    assert change.population_matches is True
    assert not change.population_mismatch


# -- an MCID from another population is named ----------------------------------------------


def test_neck_case_against_low_back_nprs_mcid_is_a_mismatch() -> None:
    """The NPRS default MCID is Ostelo 2008's, for low back pain: borrowed for neck pain."""
    nprs = get_instrument("nprs")
    neck = nprs.change(6, 3, diagnoses=["M54.2"])
    assert neck.mcid is not None
    assert "low back pain" in neck.mcid.description
    assert neck.population_matches is False
    assert neck.population_mismatch
    assert nprs.change(6, 3, diagnoses=["M54.50"]).population_matches is True
    assert nprs.change(6, 3).population_matches is None


def test_diagnoses_pick_the_mcid_of_the_case_population() -> None:
    """With diagnoses and no population, the first MCID covering them is used."""
    hit6 = get_instrument("hit6")
    migraine = hit6.change(65, 58, diagnoses=["G43.909"])
    assert migraine.mcid is not None
    assert migraine.mcid.population == "migraine-primary-care"
    assert migraine.population_matches is True
    tension = hit6.change(65, 58, diagnoses=["G44.229"])
    assert tension.mcid is not None
    assert tension.mcid.population == "chronic-tth"


def test_change_diagnoses_must_be_icd10cm_codes() -> None:
    """A bad diagnosis list names its field, never a bare TypeError."""
    nprs = get_instrument("nprs")
    with pytest.raises(UsageError):
        nprs.change(6, 3, diagnoses="M54.2")
    with pytest.raises(ValidationError) as info:
        nprs.change(6, 3, diagnoses=["M54.2", "not a code"])
    assert info.value.paths == ("diagnoses[1]",)


def test_track_names_the_borrowed_mcid_for_a_neck_pain_plan(case: mm.Case) -> None:
    """track() passes the plan's diagnoses: a neck-pain plan's NPRS change is flagged."""
    lumbar = track(case.plan, case.sessions).series_for("nprs")[0]
    assert lumbar.change is not None
    assert lumbar.change.population_matches is True  # M51.26 / M54.42 are low back pain
    neck = _neck_case(case)
    pain = track(neck.plan, neck.sessions).series_for("nprs")[0]
    assert pain.change is not None
    assert pain.change.population_mismatch


def test_report_names_the_borrowed_mcid_and_its_evidence(case: mm.Case) -> None:
    """The report's notes name a borrowed MCID; its sources give each MCID's evidence."""
    lumbar = render_markdown(build_report(case))
    assert "MCID from another population" not in lumbar
    assert "(evidence: expert" in lumbar  # Markdown escapes the underscore
    neck = build_report(_neck_case(case))
    for text in (render_markdown(neck), render_html(neck)):
        assert "MCID from another population" in text
        assert "chronic low back pain" in text
        assert "(expert consensus); from another population" in text  # the MCID column
    assert "from another population" not in render_html(build_report(case))


# -- RMDQ and FIQR -------------------------------------------------------------------------


def test_rmdq_unticked_statements_score_no() -> None:
    """Roland & Fairbank 2000 (Spine 25:3115): score = statements ticked; unticked = 'No'."""
    rmdq = get_instrument("rmdq")
    assert rmdq.score([True] * 5 + [None] * 19).value == 5
    assert rmdq.score([False] * 24).value == 0
    with pytest.raises(ScoringError, match="a convention"):
        rmdq.score([None] * 24)
    assert rmdq.missing_rule_evidence is EvidenceLevel.PRIMARY_STUDY
    assert "convention" in rmdq.missing_rule_reason


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "remission"),
        (23, "remission"),
        (23.5, "mild"),
        (40, "mild"),
        (41, "moderate"),
        (63, "moderate"),
        (64, "severe"),
        (82, "severe"),
        (83, "severe"),
        (83.5, "very severe"),
        (100, "very severe"),
    ],
)
def test_fiqr_severity_bands_of_salaffi_2021(score: float, band: str) -> None:
    """Salaffi 2021 (Rheumatology 60:728): 0-23, 24-40, 41-63, 64-82, >83."""
    found = get_instrument("fiqr").band_for(score)
    assert found is not None
    assert found.label == band


def test_fiqr_score_carries_its_band() -> None:
    """A scored FIQR (all answers 5: 15 + 10 + 25 = 50) is 'moderate'."""
    result = get_instrument("fiqr").score(
        {"function": [5] * 9, "overall": [5, 5], "symptoms": [5] * 10}
    )
    assert result.value == 50
    assert result.band is not None
    assert result.band.label == "moderate"


# -- billing -------------------------------------------------------------------------------


def test_billing_policies_carry_evidence() -> None:
    """CMS's manual is a guideline; the per-code reading is coding consultants' consensus."""
    assert CMS_8_MINUTE_RULE.evidence_level is EvidenceLevel.GUIDELINE
    assert PER_CODE_MIDPOINT.evidence_level is EvidenceLevel.EXPERT_CONSENSUS
    assert PER_CODE_MIDPOINT.evidence_reason


def test_every_coding_edit_has_an_evidence_level() -> None:
    """The 97124+97140 edit is expert consensus with a reason; CMS-based edits guidelines."""
    segments = tuple(
        mm.TechniqueSegment(modality=m, region=mm.BodyRegion.NECK, duration=mm.Duration(15, "min"))
        for m in ("core.swedish", "core.myofascial_release")
    )
    session = mm.Session(
        id="s1",
        patient_id="p1",
        practitioner_id="t1",
        start=dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC),
        duration=mm.Duration(60, "min"),
        segments=segments,
    )
    edits = coding_edits(session, claimed={"97124": 60, "97140": 60})
    by_code = {e.code: e for e in edits}
    pair = by_code["massage_and_manual_therapy_same_region"]
    assert pair.evidence_level is EvidenceLevel.EXPERT_CONSENSUS
    assert "NCCI" in pair.evidence_reason
    assert pair.to_dict()["evidence_level"] == "expert_consensus"
    assert by_code["minutes_counted_twice"].evidence_level is EvidenceLevel.GUIDELINE
    assert all(e.evidence_level is not None for e in edits)


# -- the CLI -------------------------------------------------------------------------------


def test_cli_plugins_lists_instrument_and_policy_evidence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`medmassage plugins` shows each instrument's MCID evidence and each policy's."""
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    ndi = next(line for line in out.splitlines() if line.strip().startswith("ndi "))
    assert "MCID evidence: expert_consensus; missing-item rule: convention" in ndi
    cms = next(line for line in out.splitlines() if line.strip().startswith("cms "))
    assert "[evidence: guideline]" in cms
    assert main(["plugins", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ndi_entry = next(e for e in data["instruments"] if e["key"] == "ndi")
    levels = {m["population"]: m["evidence_level"] for m in ndi_entry["mcids"]}
    assert levels["mechanical-neck"] == "primary_study"
    policies = {e["key"]: e["evidence_level"] for e in data["billing_policies"]}
    assert policies == {"cms": "guideline", "per_code": "expert_consensus"}
