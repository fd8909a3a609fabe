"""Progress-report defects a newcomer review found (issue 14), each with its regression test."""

from __future__ import annotations

import html as html_lib
from pathlib import Path

import attrs

import medmassage as mm
from medmassage.report import build_report, render_html, render_markdown

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _case(name: str) -> mm.Case:
    return mm.from_json(mm.Case, (EXAMPLES / f"{name}.json").read_bytes())


def test_screening_table_shows_what_triggered_each_finding() -> None:
    """The DVT finding shows its code (I82.432) and its origin, beside its evidence level."""
    case = _case("acute_dvt_deferred")
    assessment = mm.screen(case)
    finding = {f.rule_id: f for f in assessment.findings}["core.acute_dvt"]
    assert any("I82.432" in e for e in finding.evidence)
    report = build_report(case, screening=assessment)
    entry = {e.rule_id: e for e in report.screening}["core.acute_dvt"]
    assert entry.evidence == finding.evidence
    # The same formatting `medmassage screen` prints after "evidence:".
    assert entry.evidence_text == ", ".join(finding.evidence)
    html = html_lib.unescape(render_html(report))
    assert "<th>Evidence</th>" in html
    assert "<th>Evidence level</th>" in html
    assert entry.evidence_text in html
    md = render_markdown(report).replace("\\", "")
    assert "| Rationale | Evidence | Evidence level |" in md
    assert entry.evidence_text in md
    assert f"| {entry.evidence_level} |" in md


def test_screening_evidence_has_no_patient_free_text() -> None:
    """The evidence cell holds codes and field paths, never the conditions' free-text notes."""
    case = _case("acute_dvt_deferred")
    note = "Calf swollen since the long flight home"
    conditions = tuple(attrs.evolve(c, note=note) for c in case.patient.conditions)
    case = attrs.evolve(case, patient=attrs.evolve(case.patient, conditions=conditions))
    report = build_report(case, screening=mm.screen(case))
    (entry,) = (e for e in report.screening if e.rule_id == "core.acute_dvt")
    assert "I82.432" in entry.evidence_text
    assert note not in render_html(report)
    assert note not in render_markdown(report)


def _over_authorized() -> mm.Case:
    """The lumbar case (3 visits) with a referral that authorized only 1."""
    case = _case("lumbar_disc_herniation")
    referral = case.plan.referral
    assert referral is not None
    plan = attrs.evolve(case.plan, referral=attrs.evolve(referral, visits_authorized=1))
    return attrs.evolve(case, plan=plan)


def test_over_authorization_shows_no_negative_visits_remaining() -> None:
    """Visits beyond the authorization leave 0 remaining; the error line gives the excess."""
    report = build_report(_over_authorized())
    assert report.timing.visits_remaining is not None
    assert report.timing.visits_remaining < 0
    excess = -report.timing.visits_remaining
    assert "Authorized visits remaining: 0 of 1." in report.compliance
    assert any(f"({excess} beyond the authorization)" in line for line in report.compliance)
    html = html_lib.unescape(render_html(report))
    assert "remaining: -" not in html
    assert f"<td class='num'>-{excess}</td>" not in html
    assert f"<td class='num'>\u2212{excess}</td>" not in html
    md_rows = [line for line in render_markdown(report).splitlines() if line.startswith("|")]
    header = next(i for i, line in enumerate(md_rows) if "Authorized remaining" in line)
    titles = [c.strip() for c in md_rows[header].strip("|").split("|")]
    values = [c.strip() for c in md_rows[header + 2].strip("|").split("|")]
    assert dict(zip(titles, values, strict=True))["Authorized remaining"] == "0"
