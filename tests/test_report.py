"""Tests of the progress report for the referring physician and the report command."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import medmassage as mm
from medmassage.cli import main
from medmassage.exceptions import ValidationError
from medmassage.instruments import Instrument, get_instrument
from medmassage.modalities import SWEDISH
from medmassage.report import (
    ProgressReport,
    build_report,
    render_chart_svg,
    render_html,
    render_markdown,
)
from medmassage.testing.plugins import registry_from

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"
IDENTITY = ("Maria", "Example", "1979-05-14", "555 0100", "maria@example.org")


@pytest.fixture(scope="module")
def case() -> mm.Case:
    return mm.from_json(mm.Case, EXAMPLE.read_bytes())


@pytest.fixture(scope="module")
def report(case: mm.Case) -> ProgressReport:
    return build_report(case)


@attrs.frozen
class _Finding:
    rule_id: str
    severity: str
    action: str
    rationale: str


# -- content -------------------------------------------------------------------------------


def test_report_content_of_the_bundled_case(report: ProgressReport) -> None:
    """The report of the bundled case holds its patient id, period and contents."""
    assert report.patient_id == "pt-1001"
    assert report.period_start == dt.date(2026, 1, 12)
    assert report.as_of == dt.date(2026, 1, 19)
    assert report.practitioner == "J. Okafor, LMT"
    assert report.referral is not None
    assert [d.code for d in report.diagnoses] == ["M51.26", "M54.42"]
    assert (report.sessions_attended, report.sessions_planned) == (3, 8)
    assert report.timing.visits_authorized == 8
    assert report.timing.visits_remaining == 5
    minutes = {(t.modality, t.region.value): (t.minutes, t.sessions) for t in report.techniques}
    assert minutes == {
        ("core.myofascial_release", "thoracic_spine"): (45, 3),
        ("core.trigger_point", "hip"): (45, 3),
        ("core.neuromuscular", "thigh"): (45, 3),
        ("core.swedish", "lower_leg"): (30, 3),
    }
    assert report.total_minutes == 165
    assert [(r.kind, r.severity, r.resolved) for r in report.reactions] == [
        ("soreness", "mild", True)
    ]
    assert report.reactions[0].note is None  # free text only on request
    assert report.screening_status is None
    assert any(line.startswith("Continue the plan of care: 5 of 8") for line in report.plan_forward)
    # Plan-of-care timing is compliance, kept apart from the clinical plan.
    assert any("within 7 treatment days" in line for line in report.compliance)
    assert not any("treatment days" in line for line in report.plan_forward)


def test_identity_is_left_out_by_default(case: mm.Case, report: ProgressReport) -> None:
    """Identity and free text are left out of the report unless asked for."""
    for text in (render_html(report), render_markdown(report), repr(report)):
        assert "pt-1001" in text
        for value in IDENTITY:
            assert value not in text
    assert "Sore for one evening" not in render_html(report)
    full = build_report(case, include_identity=True, include_notes=True)
    html = render_html(full)
    assert "Maria Example" in html
    assert "1979-05-14" in html
    assert "Sore for one evening" in html
    assert "Maria" not in repr(full)  # repr stays redacted
    assert "555 0100" not in html  # contact details are never shown


def test_html_is_self_contained_with_one_chart_per_series(report: ProgressReport) -> None:
    """The HTML report is self-contained, without scripts, with one chart per series."""
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", html)
    assert "@media print" in html
    assert html.count("<svg") == 3
    # The ODI chart: two points, the goal line at 20 and the MCID threshold.
    odi_chart = html[html.index("<svg") : html.index("</svg>")]
    assert "Oswestry Disability Index: trend (lower is better)" in odi_chart
    polyline = re.search(r'<polyline points="([^"]+)"', odi_chart)
    assert polyline is not None
    assert len(polyline.group(1).split()) == 2
    assert 'class="goal"' in odi_chart
    assert "goal \u2264 20" in odi_chart
    assert 'class="mcid"' in odi_chart


def test_chart_points_follow_the_scores(report: ProgressReport) -> None:
    """Chart points rise and fall with the scores."""
    pain = report.progress.series_for("nprs")[0]
    svg = render_chart_svg(pain)
    match = re.search(r'<polyline points="([^"]+)"', svg)
    assert match is not None
    ys = [float(pair.split(",")[1]) for pair in match.group(1).split()]
    assert ys[0] < ys[1] < ys[2]  # 7 -> 5 -> 4: lower scores are drawn lower
    xs = [float(pair.split(",")[0]) for pair in match.group(1).split()]
    assert xs[0] < xs[1] < xs[2]


def test_markdown_report(report: ProgressReport) -> None:
    """The Markdown report has its title and a table of first and last scores."""
    md = render_markdown(report)
    assert md.startswith("# Medical massage progress report")
    for heading in (
        "## Goals",
        "## Outcome measures",
        "## Adverse reactions",
        "## Contraindication screening",
        "## Plan going forward",
        "## Sources",
    ):
        assert heading in md
    assert "| Oswestry Disability Index | 48.9% | 26.7% |" in md
    assert "Ostelo" in md  # the MCID source is cited


# -- the two renderers carry the same structure ---------------------------------------------

#: A table as its rows of cell texts (the header row first).
_Table = list[list[str]]


class _HtmlOutline(HTMLParser):
    """The headings and tables of an HTML report, as plain text.

    A ``colspan`` cell stands for that many cells (the extra ones empty, as
    Markdown writes them); a cell's second line (after ``<br>``) is the note that
    Markdown writes in parentheses.
    """

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.tables: list[_Table] = []
        self._heading: list[str] | None = None
        self._cell: list[list[str]] | None = None
        self._span = 1
        self._in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self._in_svg += 1
        elif tag in ("h1", "h2", "h3"):
            self._heading = []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = [[]]
            self._span = int(dict(attrs).get("colspan") or 1)
        elif tag == "br" and self._cell is not None:
            self._cell.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg -= 1
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            text, *notes = (" ".join("".join(part).split()) for part in self._cell)
            cell = text + "".join(f" ({note})" for note in notes)
            self.tables[-1][-1] += [cell] + [""] * (self._span - 1)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_svg:
            return
        if self._cell is not None:
            self._cell[-1].append(data)
        elif self._heading is not None:
            self._heading.append(data)


def _md_text(text: str) -> str:
    """The plain text of escaped Markdown (the renderer's bold markers dropped)."""
    text = text.strip()
    bold = re.fullmatch(r"\*\*(.*)\*\*", text)
    if bold is not None:
        text = bold.group(1)
    return " ".join(html_lib.unescape(re.sub(r"\\(.)", r"\1", text)).split())


def _md_outline(md: str) -> tuple[list[str], list[_Table]]:
    headings: list[str] = []
    tables: list[_Table] = []
    in_table = False
    for line in md.splitlines():
        if line.startswith("#"):
            headings.append(_md_text(line.lstrip("#")))
        if not line.startswith("|"):
            in_table = False
            continue
        if not in_table:
            tables.append([])
            in_table = True
        cells = re.split(r"(?<!\\)\|", line)[1:-1]
        if all(re.fullmatch(r"-+:?", c) for c in cells):
            continue  # the alignment row
        tables[-1].append([_md_text(c) for c in cells])
    return headings, tables


@pytest.mark.parametrize("options", ["default", "identity_and_notes", "screened"])
def test_html_and_markdown_have_the_same_sections_and_cells(case: mm.Case, options: str) -> None:
    """Both renderers show the bundled example with the same headings and table cells."""
    if options == "default":
        report = build_report(case)
    elif options == "identity_and_notes":
        report = build_report(case, include_identity=True, include_notes=True)
    else:
        report = build_report(case, screening=mm.screen(case))
    parsed = _HtmlOutline()
    parsed.feed(render_html(report))
    headings, tables = _md_outline(render_markdown(report))
    assert parsed.headings[:3] == [
        "Medical massage progress report",
        "Referral and diagnoses",
        "Attendance",
    ]
    assert parsed.headings == headings
    assert len(parsed.tables) >= 6
    assert parsed.tables == tables


def test_section_model_has_one_section_per_stable_id(report: ProgressReport) -> None:
    """Both renderers walk one section model; its section ids are stable, in order."""
    from medmassage.report._sections import Role, SectionId, report_document

    document = report_document(report)
    assert [s.id for s in document.sections] == list(SectionId)
    assert [s.role for s in document.sections].count(Role.HEADER) == 1
    assert document.sections[0].role is Role.HEADER
    assert document.sections[-1].role is Role.FOOTER
    assert document.page_title == "Progress report, patient pt-1001, 2026-01-19"


def test_markdown_says_what_the_html_says_of_a_sparse_case(case: mm.Case) -> None:
    """One wording: the Markdown has the sentences that were once only in the HTML."""
    bare = build_report(attrs.evolve(case, plan=attrs.evolve(case.plan, referral=None)))
    md = render_markdown(bare)
    assert "No referral on file." in md
    assert "Scores are computed from item responses" in md
    assert "Baseline 48.9%, latest 26.7% (moderate disability); change -22.2" in md


def test_text_is_escaped(case: mm.Case) -> None:
    """Text put into the HTML report is escaped."""
    goal = attrs.evolve(case.plan.goals[0], description="Sit <script>alert(1)</script> | *x*")
    plan = attrs.evolve(case.plan, goals=(goal, *case.plan.goals[1:]))
    evil = attrs.evolve(case, plan=plan)
    findings = [_Finding("r<1>", "relative", "monitor", "Check & <b>bold</b>")]
    report = build_report(
        evil, screening=findings, plan_notes=["<img src=x onerror=y>"], include_notes=True
    )
    html = render_html(report)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert "<img" not in html
    md = render_markdown(report)
    assert "<script>" not in md
    assert "\\| \\*x\\*" in md


def test_goal_wording_is_free_text_left_out_by_default(case: mm.Case) -> None:
    """Goal descriptions are patient free text: shown only with include_notes."""
    goal = attrs.evolve(case.plan.goals[0], description="Walk the dog to Elm Park again")
    evolved = attrs.evolve(case, plan=attrs.evolve(case.plan, goals=(goal, *case.plan.goals[1:])))
    default = build_report(evolved)
    for text in (render_html(default), render_markdown(default)):
        assert "Elm Park" not in text
        assert goal.id in text
    with_notes = build_report(evolved, include_notes=True)
    assert "Elm Park" in render_html(with_notes)
    assert "Elm Park" in render_markdown(with_notes)


def test_screening_findings_and_assessment(case: mm.Case) -> None:
    """The report lists supplied screening findings with their actions."""
    findings = [_Finding("core.herniated_disc", "local", "avoid_region", "No direct pressure.")]
    report = build_report(case, screening=findings)
    assert report.screening_status == "findings supplied (no overall status)"
    assert report.screening[0].action == "avoid region"
    screening = pytest.importorskip("medmassage.screening")
    assessment = screening.screen(case.patient, case.plan, on=dt.date(2026, 1, 19))
    from_engine = build_report(case, screening=assessment)
    assert from_engine.screening_status == assessment.status.value
    assert {f.rule_id for f in from_engine.screening} == {f.rule_id for f in assessment.findings}
    assert "Contraindication screening" in render_html(from_engine)


def test_deferring_screening_puts_treatment_on_hold(case: mm.Case) -> None:
    """A deferring screening puts the plan forward on hold."""

    @attrs.frozen
    class Assessed:
        findings: tuple[_Finding, ...]
        status: str

    held = build_report(
        case,
        screening=Assessed((_Finding("core.dvt", "absolute", "defer", "Suspected DVT."),), "defer"),
    )
    assert held.plan_forward[0].startswith("Screening status is defer")
    assert not any(line.startswith("Continue") for line in held.plan_forward)
    assert any("absolute contraindication" in line for line in held.plan_forward)


def _with_hot_stone(case: mm.Case) -> mm.Case:
    """The case with its first session's first segment given the plugin modality."""
    first = case.sessions[0]
    segment = attrs.evolve(first.segments[0], modality="spa.hot_stone")
    session = attrs.evolve(first, segments=(segment, *first.segments[1:]), signature=None)
    return attrs.evolve(case, sessions=(session, *case.sessions[1:]))


def test_plugin_modalities_are_named_through_the_registry(case: mm.Case) -> None:
    """Plugin modalities are named in the report through the registry."""
    hot_stone = attrs.evolve(SWEDISH, code="spa.hot_stone", name="Hot stone")
    spa = _with_hot_stone(case)
    report = build_report(spa, registry=registry_from(modalities=[hot_stone]))
    names = {t.modality: t.name for t in report.techniques}
    assert names["spa.hot_stone"] == "Hot stone"
    assert names["core.swedish"] == SWEDISH.name  # the built-ins are in every registry
    assert "<td>Hot stone</td>" in render_html(report)
    assert "| Hot stone |" in render_markdown(report)
    # A registry without the plugin shows the code; None is the default registry.
    for unknown in (build_report(spa, registry=registry_from()), build_report(spa)):
        assert "spa.hot_stone" in {t.name for t in unknown.techniques}


def test_an_instrument_only_source_still_works(case: mm.Case) -> None:
    """Any object with ``instrument(code)`` (the former type) still works: built-in names."""

    class Instruments:
        def instrument(self, code: str) -> Instrument:
            return get_instrument(code)

    report = build_report(_with_hot_stone(case), registry=Instruments())  # type: ignore[arg-type]
    names = {t.modality: t.name for t in report.techniques}
    assert names["spa.hot_stone"] == "spa.hot_stone"
    assert names["core.swedish"] == SWEDISH.name
    assert report.progress.series_for("odi")


def test_bad_arguments(case: mm.Case) -> None:
    """Bad report arguments raise ValidationError naming them."""
    with pytest.raises(ValidationError, match="expected a Case"):
        build_report("case")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"screening\[0\]"):
        build_report(case, screening=[object()])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="findings or an Assessment"):
        build_report(case, screening=42)  # type: ignore[arg-type]


def test_all_goals_met_proposes_discharge(case: mm.Case) -> None:
    """When all goals are met the report proposes discharge."""
    goals = tuple(
        attrs.evolve(g, target=50 if g.instrument == "odi" else 5) for g in case.plan.goals
    )
    met = build_report(attrs.evolve(case, plan=attrs.evolve(case.plan, goals=goals)))
    assert met.progress.all_goals_met
    assert any("discharge" in line for line in met.plan_forward)


# -- the command ----------------------------------------------------------------------------


def test_report_command_writes_html_and_markdown(tmp_path: Path) -> None:
    """``report -o`` writes the HTML and Markdown files."""
    out = tmp_path / "report.html"
    assert main(["report", str(EXAMPLE), "-o", str(out)]) == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Maria" not in html
    md = tmp_path / "report.md"
    assert main(["report", str(EXAMPLE), "-o", str(md)]) == 0
    assert md.read_text().startswith("# Medical massage progress report")


def test_report_command_stdout_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    """``report`` writes to standard output and honours its options."""
    status = main(
        [
            "report",
            str(EXAMPLE),
            "--format",
            "md",
            "--as-of",
            "2026-01-15",
            "--no-screening",
            "--include-identity",
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "Reporting period:** 2026-01-12 to 2026-01-15" in out
    assert "Maria Example" in out
    assert "No screening result was supplied" in out


def test_report_command_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``report`` on a missing or bad file exits 2 with a message."""
    assert main(["report", str(tmp_path / "missing.json")]) == 2
    assert "cannot read file" in capsys.readouterr().err
    assert main(["report", str(EXAMPLE), "--as-of", "yesterday"]) == 2
    assert "--as-of" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"patient": 1}')
    assert main(["report", str(bad)]) == 2


# -- in a real browser ---------------------------------------------------------------------------


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="needs a headless Chromium")
def test_html_renders_in_headless_chromium(report: ProgressReport, tmp_path: Path) -> None:
    """The HTML report renders in headless Chromium with its three charts."""
    browser = _chromium()
    assert browser is not None
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--hide-scrollbars",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    ).stdout
    # The browser parsed the SVG charts into the DOM with their data.
    assert dom.count("<svg") == 3
    assert dom.count("<polyline") == 3
    assert "Medical massage progress report" in dom
    png = tmp_path / "report.png"
    subprocess.run(
        [*flags, "--window-size=1000,2900", f"--screenshot={png}", page.as_uri()],
        capture_output=True,
        timeout=90,
        check=True,
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # a blank page compresses to a few kB


def test_sparse_case_renders(case: mm.Case) -> None:
    """No referral, goals, sessions: every section says so rather than breaking."""
    plan = attrs.evolve(case.plan, referral=None, goals=())
    bare = build_report(attrs.evolve(case, plan=plan, sessions=()))
    assert bare.sessions_attended == 0
    assert bare.period_start == plan.start_date
    html, md = render_html(bare), render_markdown(bare)
    for text in (
        "No referral on file",
        "No treatment recorded",
        "no measurable goals",
        "No outcome measures recorded",
        "None reported",
    ):
        assert text in html
    assert "No outcome measures recorded" in md
    assert "No treatment recorded in the period." in md


def test_regression_unscored_and_overdue_reevaluation(case: mm.Case) -> None:
    """Regression, unscored measures and an overdue re-evaluation appear in the plan forward."""
    tz = case.sessions[0].start.tzinfo
    day = dt.date(2026, 2, 9)
    worse = mm.OutcomeMeasure(
        instrument="nprs", taken_at=dt.datetime.combine(day, dt.time(9), tz), value=9
    )
    broken = mm.OutcomeMeasure(
        instrument="odi",
        taken_at=dt.datetime.combine(day, dt.time(9), tz),
        responses=(None, None, None, 1, 1, 1, 1, 1, 1, 1),
    )
    extra = attrs.evolve(
        case.sessions[1],
        id="ses-9",
        start=dt.datetime.combine(day, dt.time(9), tz),
        outcomes=(worse, broken),
        signature=None,
    )
    plan = attrs.evolve(case.plan, duration_weeks=6)
    longer = attrs.evolve(case, plan=plan, sessions=(*case.sessions, extra))
    report = build_report(longer, include_notes=True)
    pain = report.progress.series_for("nprs")[0]
    assert pain.trend.value == "regressing"
    assert any(
        line.startswith("Regressing: Numeric Pain Rating Scale") for line in report.plan_forward
    )
    assert any("Re-evaluation overdue since 2026-02-06" in line for line in report.compliance)
    html, md = render_html(report), render_markdown(report)
    assert "Measures that could not be scored" in html
    assert "3 of 10 sections unanswered" in md
    assert "Sore for one evening" in md  # notes were asked for
    assert "worsened beyond MCID" in html


# -- what went wrong, compliance, the therapist, goals in words ------------------------------


def _over_the_disc(case: mm.Case) -> tuple[mm.Case, mm.Session]:
    """The case with myofascial release planned and given over the herniated lumbar disc."""
    session = case.sessions[1]
    segment = attrs.evolve(session.segments[0], region=mm.BodyRegion.LUMBAR_SPINE)
    session = attrs.evolve(session, segments=(segment, *session.segments[1:]), signature=None)
    technique = attrs.evolve(case.plan.techniques[0], region=mm.BodyRegion.LUMBAR_SPINE)
    plan = attrs.evolve(case.plan, techniques=(technique, *case.plan.techniques[1:]))
    sessions = (case.sessions[0], session, *case.sessions[2:])
    return attrs.evolve(case, plan=plan, sessions=sessions), session


def test_session_violations_and_plan_conflicts_appear_with_their_reasons(case: mm.Case) -> None:
    """A segment over the disc above the grade limit: the report says which, where and why."""
    broken, session = _over_the_disc(case)
    report = build_report(
        broken,
        screening=mm.screen(broken),
        session_screening={s.id: mm.screen(broken, session=s) for s in broken.sessions},
    )
    assert any(p.startswith("Plan conflict: techniques[0]") for p in report.screening_problems)
    entry = {e.session_id: e for e in report.session_screening}[session.id]
    assert entry.status == "defer"
    assert any("above the limit of 2 (core.herniated_disc)" in p for p in entry.problems)
    assert {e.session_id for e in report.session_screening if not e.problems} == {
        s.id for s in broken.sessions if s.id != session.id
    }
    assert any(session.id in line and "broke" in line for line in report.plan_forward)
    for text in (render_html(report), render_markdown(report)):
        assert "Sessions screened" in text
        assert "Walton grade 3 is above the limit of 2" in text
        assert "is planned up to Walton grade 3" in text


def test_indeterminate_screening_is_shown_with_its_reasons(case: mm.Case) -> None:
    """Failed rules, or a screening that could not run, read as indeterminate, never clear."""

    @attrs.frozen
    class Failure:
        rule_id: str
        cause: str

        def __str__(self) -> str:
            return f"rule {self.rule_id!r} failed: {self.cause}"

    @attrs.frozen
    class Assessed:
        findings: tuple[_Finding, ...]
        status: str
        failures: tuple[Failure, ...]

    failed = build_report(
        case, screening=Assessed((), "indeterminate", (Failure("spa.x", "ZeroDivisionError"),))
    )
    assert failed.screening_problems[0].startswith("The screening is incomplete (indeterminate)")
    assert "Rule failure: rule 'spa.x' failed: ZeroDivisionError" in failed.screening_problems
    assert failed.plan_forward[0].startswith("Screening status is indeterminate")
    unavailable = build_report(case, screening_unavailable="ScreeningError: no rules loaded")
    assert unavailable.screening_status == "indeterminate"
    html = render_html(unavailable)
    assert "<strong>indeterminate</strong>" in html
    assert "The screening could not be run: ScreeningError: no rules loaded" in html
    assert "No screening result was supplied" not in html


def test_compliance_is_a_section_apart_from_the_clinical_plan(case: mm.Case) -> None:
    """Plan-of-care timing and compliance findings have their own section, after the plan."""
    from medmassage.report._sections import SectionId, report_document

    report = build_report(case)
    document = report_document(report)
    ids = [s.id for s in document.sections]
    assert ids.index(SectionId.COMPLIANCE) == ids.index(SectionId.PLAN) + 1
    assert report.compliance[0] == "Authorized visits remaining: 5 of 8."
    assert any(line.startswith("Compliance warning:") for line in report.compliance)
    assert not any("Authorized" in line or "Compliance" in line for line in report.plan_forward)
    md = render_markdown(report)
    compliance = md[md.index("## Plan of care and billing compliance") :]
    compliance = compliance[: compliance.index("\n## ")]
    assert "re-certification is needed" in compliance
    assert "these are not clinical findings" in compliance


def test_therapist_block_has_credentials_contact_and_a_signature_line(case: mm.Case) -> None:
    """The therapist's licence, certification, work contact and lines to sign and date."""
    work = mm.ContactDetails(phone="+1 555 0199", email="okafor@clinic.example")
    report = build_report(case, practitioner_contact=work)
    assert report.therapist is not None
    assert report.therapist.name == "J. Okafor, LMT"
    assert report.therapist.credentials == (
        "Licence MA60012345 (massage therapist, US-WA), valid to 2027-06-30",
        "Certified in neuromuscular therapy since 2019-03-01",
    )
    assert report.therapist.contact == ("Phone +1 555 0199", "E-mail okafor@clinic.example")
    html = render_html(report)
    block = html[html.index("<h2>Treating therapist</h2>") :]
    assert "okafor@clinic.example" in block
    assert re.search(r"<div class='sign'>\s*<div>Signature</div>\s*<div>Date</div>", block)
    md = render_markdown(report)
    assert "Signature: ________________________    Date: ____" in md
    # A lapsed licence says so; without contact, the block says it is not recorded.
    later = build_report(case, as_of=dt.date(2027, 7, 1))
    assert later.therapist is not None
    assert later.therapist.credentials[0].endswith("(lapsed)")
    assert "<dt>Contact</dt><dd>not recorded</dd>" in render_html(later)
    with pytest.raises(ValidationError, match="practitioner_contact"):
        build_report(case, practitioner_contact="+1 555 0199")  # type: ignore[arg-type]


def test_goal_progress_reads_as_a_sentence(report: ProgressReport) -> None:
    """ODI 48.9% (22/45) to 26.7% (12/45) against a goal of at most 20%: not yet met."""
    # Fairbank 2000: score = total / (5 x answered sections) x 100; one section unanswered.
    html, md = render_html(report), render_markdown(report)
    sentence = (
        "g-odi: Oswestry Disability Index 48.9% \u2192 26.7%, goal \u2264 20% by 2026-02-06: "
        "not yet met (77% of the way; the change reached the MCID)."
    )
    assert f"<li>{html_lib.escape(sentence)}</li>" in html
    assert sentence in html_lib.unescape(md.replace("\\", ""))
    assert "Numeric Pain Rating Scale 7 points \u2192 4 points, goal \u2264 3 points" in html


def test_chart_axis_starts_at_the_scale_minimum(report: ProgressReport) -> None:
    """A physical measurement (pressure pain threshold, 216-304 kPa) is charted from 0."""
    ppt = report.progress.series_for("ppt")[0]
    svg = render_chart_svg(ppt)
    ticks = [float(t) for t in re.findall(r'class="tick">([-\d.]+)</text>', svg)]
    assert ticks[0] == ppt.instrument.score_range[0] == 0
    polyline = re.search(r'<polyline points="([^"]+)"', svg)
    assert polyline is not None
    ys = [float(pair.split(",")[1]) for pair in polyline.group(1).split()]
    assert all(24 < y < 24 + 186 for y in ys)  # every point inside the plot area


def test_report_command_refuses_pdf_and_screens_each_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o report.pdf is refused, naming the suffixes it writes; no file is left behind."""
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(EXAMPLE), "-o", str(pdf)]) == 2
    err = capsys.readouterr().err
    assert "cannot write .pdf files" in err
    assert ".html, .htm" in err
    assert ".md, .markdown" in err
    assert not pdf.exists()
    assert main(["report", str(EXAMPLE), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "### Sessions screened" in out
    assert "| ses-3 | 2026-01-19 | modify | none |" in out
    assert "pt-1001" in out
    assert "Maria" not in out  # the opaque id by default; names only with --include-identity
