"""The progress report gives each screening finding's evidence level and source (issue 11)."""

from __future__ import annotations

import html as html_lib
from pathlib import Path

import attrs

import medmassage as mm
from medmassage.report import build_report, render_html, render_markdown

LUMBAR = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"


def _case() -> mm.Case:
    return mm.from_json(mm.Case, LUMBAR.read_bytes())


def test_each_finding_shows_its_rule_evidence_level_and_source() -> None:
    """The herniated-disc finding reads as a convention, with the rule's citation in Sources."""
    case = _case()
    assessment = mm.screen(case)
    rule = {f.rule_id: f for f in assessment.findings}["core.herniated_disc"]
    report = build_report(case, screening=assessment)
    entry = {e.rule_id: e for e in report.screening}["core.herniated_disc"]
    assert rule.evidence_level is not None
    assert entry.evidence_level == rule.evidence_level.value.replace("_", " ") == "convention"
    assert entry.source == rule.source
    html = html_lib.unescape(render_html(report))
    assert "<th>Evidence</th>" in html
    assert f"Rule core.herniated_disc: {rule.source} (evidence: convention)" in html
    md = render_markdown(report)
    assert "| Severity | Rule | Action | Rationale | Evidence |" in md
    for finding in assessment.findings:
        assert f"Rule {finding.rule_id}:" in md.replace("\\", "")


def test_a_finding_without_an_evidence_level_says_not_stated() -> None:
    """A plugin's finding that declares no level is shown as "not stated", never blank."""

    @attrs.frozen
    class Bare:
        rule_id: str
        severity: str
        action: str
        rationale: str

    report = build_report(_case(), screening=[Bare("spa.heat", "relative", "monitor", "Heat.")])
    (entry,) = report.screening
    assert entry.evidence_level == "not stated"
    assert entry.source == ""
    assert "Rule spa.heat:" not in render_html(report)
