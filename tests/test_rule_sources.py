"""Rule sources a clinician can trust (issue 11): what every built-in rule cites.

The rules are taken from the default plugin registry, as a user gets them. Each
must cite a source and state an evidence level; no source may be a clinic's,
vendor's or forum's web page (the domains below were cited before issue 11), a
bare URL, or a developer's "UNCONFIRMED" note; and the level must match what
the source is (a textbook level names a textbook, a guideline level a
guideline body, a convention says it is medmassage's convention).
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from medmassage import cpt
from medmassage.cli import main
from medmassage.contraindications import EvidenceLevel, _policy
from medmassage.contraindications import _core as builtin
from medmassage.plugins import RULES_GROUP, get_default_registry

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "src" / "medmassage" / "contraindications" / "_core"

#: The web pages the built-in rules cited before issue 11: clinic marketing pages,
#: one member's practice page presented as an association's guidance, vendors.
DENIED = (
    "somatics.de",
    "ltstherapy",
    "namu.ca",
    "massagelamesa",
    "spaverde",
    "abmp.com",
    "cynthialombardi",
    "ascensionselfcare",
    "akronmohs",
    "remedyspot",
    "hindawi",
    "massagemag",
    "nordichousespa",
    "wakemedical",
    "middlegeorgiamedicalmassage",
    "kneadholisticmassage",
    "biologyinsights",
    "docobook",
    "mettamassagetherapy",
    "zeel.com",
    "massagechairsphilippines",
    "theginkgotree",
    "hellomotherhood",
    "thai-massage-therapists",
    "firmrelievemassage",
    "massaganista",
    "remedial-massage",
    "excitingspas",
    "tracywalton",
    "realbodywork",
    "massagetoday",
    "innovationshealth",
)
#: A bare web address: a scheme, ``www.``, or a host name under a common top-level domain.
_URL = re.compile(
    r"https?://|\bwww\.|(?<![\w.])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|de|pl|ca|nz|au|io)\b",
    re.IGNORECASE,
)
#: Words that show a textbook, or a guideline body, is cited.
_TEXTBOOKS = ("Werner R.", "Walton T.", "Foldi M.", "Salvo")
_GUIDELINE_BODIES = ("NCCIH", "ACC/AHA", "National Lymphedema Network", "ACOG")


def _registry_rules() -> list[builtin.CoreRule]:
    """The built-in rules as the default registry serves them (distribution medmassage)."""
    reg = get_default_registry()
    keys = [k for k in reg.rules if reg.source(RULES_GROUP, k).distribution == "medmassage"]
    rules = [reg.rules[k] for k in sorted(keys)]
    assert all(isinstance(r, builtin.CoreRule) for r in rules)
    return [r for r in rules if isinstance(r, builtin.CoreRule)]


RULES = _registry_rules()


def _text(rule: builtin.CoreRule) -> str:
    """Everything a rule says about itself: title, source, class docstring."""
    doc = inspect.getdoc(type(rule)) or ""
    return f"{rule.title}\n{rule.source}\n{doc}"


def _level_reason(rule: builtin.CoreRule) -> tuple[str, str]:
    """The level and the one-line reason the docstring gives after "Evidence level:"."""
    doc = " ".join((inspect.getdoc(type(rule)) or "").split())
    match = re.search(r"Evidence level: (\w+): (.+?)(?: Source:|$)", doc)
    assert match, f"{rule.id}: no 'Evidence level: <level>: <reason>'"
    return match.group(1), match.group(2)


def test_the_registry_serves_every_builtin_rule() -> None:
    """The registry's built-in rules are exactly the 34 of `BUILTIN_RULES`."""
    assert [r.id for r in RULES] == sorted(r.id for r in builtin.BUILTIN_RULES)
    assert len(RULES) == 34


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_a_source_and_an_evidence_level(rule: builtin.CoreRule) -> None:
    """A non-empty source, an `EvidenceLevel`, and a "Source:" section in the docstring."""
    assert rule.source.strip()
    assert isinstance(rule.evidence_level, EvidenceLevel)
    assert "Source:" in (inspect.getdoc(type(rule)) or "")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_no_rule_cites_a_denied_web_page_or_a_bare_url(rule: builtin.CoreRule) -> None:
    """No source or docstring names a clinic, vendor or forum page, or any web address."""
    text = _text(rule)
    lowered = text.lower()
    assert [d for d in DENIED if d in lowered] == []
    assert _URL.findall(text) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_no_rule_keeps_a_developers_unconfirmed_note(rule: builtin.CoreRule) -> None:
    """'UNCONFIRMED' and the design notes' file name appear in no rule's text."""
    text = _text(rule)
    assert "UNCONFIRMED" not in text.upper()
    assert "clinical" + ".md" not in text


def test_no_rule_module_keeps_unconfirmed_notes_or_web_pages() -> None:
    """The rule modules (messages and comments included), the policy, CPT and modality notes."""
    modalities = ROOT / "src" / "medmassage" / "modalities.py"
    files = [*sorted(CORE.glob("*.py")), Path(_policy.__file__), Path(cpt.__file__), modalities]
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "UNCONFIRMED" not in text, path.name
        assert [d for d in DENIED if d in text.lower()] == [], path.name
        assert not re.search(r"https?://", text), path.name


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_the_evidence_level_matches_what_the_source_is(rule: builtin.CoreRule) -> None:
    """Textbook names a textbook, guideline a guideline body, convention says so."""
    level = rule.evidence_level
    source = rule.source
    name, reason = _level_reason(rule)
    assert name == level.value
    assert len(reason) > 20  # a reason a clinician can read, not just the level
    if level is EvidenceLevel.TEXTBOOK:
        assert any(t in source for t in _TEXTBOOKS), source
    elif level is EvidenceLevel.GUIDELINE:
        assert any(g in source for g in _GUIDELINE_BODIES), source
    elif level is EvidenceLevel.CONVENTION:
        assert "convention" in source
        assert "convention" in reason
    elif level is EvidenceLevel.EXPERT_CONSENSUS:
        assert "consensus" in source or "consensus" in reason


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_number_no_source_gives_is_called_a_convention(rule: builtin.CoreRule) -> None:
    """A rule whose text says 'no source gives' or 'no guideline' names the convention."""
    text = " ".join(_text(rule).split())
    if re.search(r"no (source|guideline|textbook) (gives|names|was found|found)", text):
        assert "convention" in text


def test_textbook_citations_give_edition_publisher_and_year() -> None:
    """The textbooks are cited in full at least once (author, title, edition, year)."""
    sources = " ".join(r.source for r in RULES)
    assert "A Massage Therapist's Guide to Pathology, 7th ed. (Books of Discovery, 2019)" in sources
    assert (
        "Medical Conditions and Massage Therapy: A Decision Tree Approach "
        "(Lippincott Williams & Wilkins, 2011)" in sources
    )
    assert "Foldi's Textbook of Lymphology, 3rd ed. (Elsevier, 2012)" in sources


def test_the_screen_command_reports_the_textbook_behind_an_acute_dvt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`medmassage screen --json` on the DVT example: Werner and Foldi, level textbook."""
    example = ROOT / "examples" / "acute_dvt_deferred.json"
    main(["screen", str(example), "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    dvt = next(f for f in findings if f["rule_id"] == "core.acute_dvt")
    assert dvt["evidence_level"] == "textbook"
    assert "Werner R., A Massage Therapist's Guide to Pathology" in dvt["source"]
    assert "Foldi's Textbook of Lymphology" in dvt["source"]
    for f in findings:
        assert _URL.findall(f["source"]) == [], f["rule_id"]
