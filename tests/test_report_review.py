"""Progress-report defects a newcomer review found (issue 14), each with its regression test."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from pathlib import Path

import attrs

import medmassage as mm
from medmassage.instruments import get_instrument
from medmassage.progress import Trend
from medmassage.report import build_report, render_chart_svg, render_html, render_markdown

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


def _chart_text(svg: str) -> tuple[list[float], list[float], list[tuple[float, float]]]:
    """The goal/MCID line heights, their margin-label baselines, and the value labels (x, y)."""
    lines = [float(v) for v in re.findall(r'y1="([\d.]+)"[^>]*class="(?:goal|mcid)"', svg)]
    margin = [
        float(v)
        for v in re.findall(r'<text x="[\d.]+" y="([\d.]+)" class="label[^"]*">(?:goal|MCID)', svg)
    ]
    values = [
        (float(a), float(b))
        for a, b in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*class="value"', svg)
    ]
    return lines, margin, values


def test_quickdash_chart_keeps_its_labels_apart() -> None:
    """The lymphoedema QuickDASH goal (≤ 30) and MCID labels do not overlap, nor a value label."""
    case = _case("postmastectomy_lymphedema")
    report = build_report(case)
    (dash,) = report.progress.series_for("quickdash")
    goal = next(g for g in report.progress.goals if g.series is dash)
    svg = render_chart_svg(dash, goal)
    lines, margin, values = _chart_text(svg)
    assert len(lines) == 2
    assert abs(lines[0] - lines[1]) < 13  # the case this guards: the two lines nearly meet
    assert len(margin) == 2
    assert abs(margin[0] - margin[1]) >= 13  # 11px labels, one line apart
    assert len(values) == len(dash.points)
    for _, baseline in values:  # an 11px label spans 11px above its baseline to 2px below
        assert not any(baseline - 12 <= ly <= baseline + 3 for ly in lines)


def test_chart_spreads_labels_of_lines_that_coincide() -> None:
    """A goal at the MCID threshold still gets two readable labels, inside the chart."""
    case = _case("postmastectomy_lymphedema")
    report = build_report(case)
    (dash,) = report.progress.series_for("quickdash")
    goal = next(g for g in report.progress.goals if g.series is dash)
    change = dash.change
    assert change is not None
    assert change.mcid is not None
    assert change.mcid.value is not None
    at_threshold = dash.baseline.value - change.mcid.value
    same = attrs.evolve(goal, goal=attrs.evolve(goal.goal, target=at_threshold))
    svg = render_chart_svg(dash, same)
    lines, margin, _ = _chart_text(svg)
    assert len(lines) == 2
    assert len(margin) == 2
    assert abs(margin[0] - margin[1]) >= 13
    size = re.search(r'height="([\d.]+)"', svg)
    assert size is not None
    assert all(0 < m < float(size.group(1)) for m in margin)


def _with_unmeasured_lefs() -> mm.Case:
    """The lumbar case with a LEFS goal (≥ 55) that no session measured."""
    case = _case("lumbar_disc_herniation")
    lefs = attrs.evolve(
        case.plan.goals[0],
        id="g-lefs",
        instrument="lefs",
        comparator=mm.Comparator.AT_LEAST,
        target=55.0,
    )
    plan = attrs.evolve(case.plan, goals=(*case.plan.goals, lefs))
    return attrs.evolve(case, plan=plan)


def test_unmeasured_goal_is_named_with_its_instrument_and_unit() -> None:
    """A goal not measured yet reads "Lower Extremity Functional Scale, goal ≥ 55 points"."""
    lefs = get_instrument("lefs")
    report = build_report(_with_unmeasured_lefs())
    status = next(g for g in report.progress.goals if g.goal.id == "g-lefs")
    assert status.series is None
    md = render_markdown(report)
    (sentence,) = (line for line in md.splitlines() if line.startswith("- g-lefs:"))
    assert f"- g-lefs: {lefs.name}, goal \u2265 55 {lefs.unit}" in sentence
    assert "g-lefs: lefs," not in md
    (row,) = (line for line in md.splitlines() if line.startswith("| g-lefs |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == lefs.name
    assert cells[4].startswith(f"\u2265 55 {lefs.unit}")


def test_change_is_given_in_the_instruments_unit() -> None:
    """The ODI's change is in percentage points, the NPRS's in points (with the relative change)."""
    report = build_report(_case("lumbar_disc_herniation"))
    (odi,) = report.progress.series_for("odi")
    (nprs,) = report.progress.series_for("nprs")
    assert odi.instrument.unit == "%"
    assert odi.change is not None
    assert nprs.change is not None
    odi_diff = f"{odi.change.difference:.{odi.instrument.decimals}f}"
    nprs_diff = f"{nprs.change.difference:.{nprs.instrument.decimals}f}"
    md = render_markdown(report)
    assert f"| {odi_diff} percentage points (" in md
    assert f"| {nprs_diff} {nprs.instrument.unit} (" in md
    html = html_lib.unescape(render_html(report))
    assert f"change {odi_diff} percentage points (" in html


def _goal_rows(html: str) -> dict[str, list[str]]:
    """The goals table's rows of an HTML report, by goal id: each cell's opening tag and text."""
    rows = {}
    for row in re.findall(r"<tr><td[^>]*>g-.*?</tr>", html):
        cells = re.findall(r"(<td[^>]*>)(.*?)</td>", row)
        rows[re.sub("<[^>]+>", "", cells[0][1])] = [tag + text for tag, text in cells]
    return rows


def test_goal_ids_and_target_dates_do_not_wrap() -> None:
    """The goal id (g-nprs) and the target with its date are nowrap cells in the HTML."""
    html = render_html(build_report(_case("lumbar_disc_herniation")))
    assert "td.nw, th.nw { white-space: nowrap; }" in html
    rows = _goal_rows(html)
    assert set(rows) == {"g-odi", "g-nprs"}
    for cells in rows.values():
        assert "nw" in cells[0].split(">")[0]  # the id
        assert "nw" in cells[4].split(">")[0]  # the target, "≤ 3 points by 2026-02-06"
        assert " by 2026-" in cells[4]


def test_goal_trend_past_its_target_date_is_not_on_track() -> None:
    """An improving series whose goal's date passed unmet does not read "on track"."""
    case = _case("lumbar_disc_herniation")
    late = build_report(case, as_of=dt.date(2026, 3, 1))
    odi = next(g for g in late.progress.goals if g.goal.id == "g-odi")
    assert odi.overdue
    assert odi.met is False
    assert odi.series is not None
    assert odi.series.trend is Trend.ON_TRACK
    cells = _goal_rows(html_lib.unescape(render_html(late)))["g-odi"]
    assert "not met (target date passed)" in cells[8]
    assert "on track" not in cells[7]
    assert "improving, target date passed" in cells[7]


def test_goal_trend_is_its_series_trend() -> None:
    """A met goal on a plateauing series says "plateau", as the series' figure does."""
    report = build_report(_case("lumbar_disc_herniation"))
    odi = next(g for g in report.progress.goals if g.goal.id == "g-odi")
    assert odi.series is not None
    flat = attrs.evolve(odi.series, trend=Trend.PLATEAU)
    met = attrs.evolve(odi, series=flat, met=True, trend=Trend.ON_TRACK, overdue=False)
    others = tuple(g for g in report.progress.goals if g is not odi)
    progress = attrs.evolve(
        report.progress,
        goals=(met, *others),
        series=tuple(flat if s is odi.series else s for s in report.progress.series),
    )
    html = html_lib.unescape(render_html(attrs.evolve(report, progress=progress)))
    cells = _goal_rows(html)["g-odi"]
    assert ">plateau" in cells[7]
    assert ">met" in cells[8]
    assert "trend plateau" in html  # the series' figure caption


def test_therapist_block_labels_credentials_and_contact_once() -> None:
    """Two credentials and two contact lines: "Credentials" and "Contact" each appear once."""
    work = mm.ContactDetails(phone="+1 555 0199", email="okafor@clinic.example")
    report = build_report(_case("lumbar_disc_herniation"), practitioner_contact=work)
    therapist = report.therapist
    assert therapist is not None
    assert len(therapist.credentials) == 2
    assert len(therapist.contact) == 2
    html = render_html(report)
    block = html[html.index("<h2>Treating therapist</h2>") :]
    assert block.count("<dt>Credentials</dt>") == 1
    assert block.count("<dt>Contact</dt>") == 1
    lines = "<br>".join(html_lib.escape(c) for c in therapist.credentials)
    assert f"<dt>Credentials</dt><dd>{lines}</dd>" in block
    md = render_markdown(report)
    therapist_md = md[md.index("## Treating therapist") :]
    assert therapist_md.count("**Credentials:**") == 1
    assert therapist_md.count("**Contact:**") == 1
    for line in (*therapist.credentials, *therapist.contact):
        assert line.split(" ")[-1] in therapist_md.replace("\\", "")
