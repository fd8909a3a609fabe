"""The progress report printed by headless Chromium on A4 and US Letter (PDF page checks)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import attrs
import pytest

import medmassage as mm
from medmassage.report import build_report, render_chart_svg, render_html

pypdf = pytest.importorskip("pypdf", reason="needs pypdf (the tests dependency group)")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
LUMBAR = EXAMPLES / "lumbar_disc_herniation.json"

#: Paper sizes as CSS ``@page`` sizes, with their height in PDF points.
PAPERS = {"A4": 841.89, "letter": 792.0}

#: A page other than the last must be filled at least this far down with text.
MIN_FILL = 0.6
#: ... and, on average, this far.
MEAN_FILL = 0.75


def _chromium() -> str | None:
    # The same detection as tests/test_report.py's browser test.
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_chromium = pytest.mark.skipif(
    _chromium() is None, reason="needs a headless Chromium (apt-get install chromium)"
)


def _bundled_cases() -> list[mm.Case]:
    """Every case bundled in examples/ (other JSON documents there are left out)."""
    found = []
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_bytes())
        if isinstance(data, dict) and "patient" in data and "plan" in data:
            found.append(mm.from_json(mm.Case, path.read_bytes()))
    return found


def _longest_bundled_case() -> mm.Case:
    return max(_bundled_cases(), key=lambda c: (len(c.sessions), c.patient.id))


def long_course(sessions: int = 14) -> mm.Case:
    """The bundled lumbar case grown to *sessions* sessions twice a week, improving steadily.

    Each session is the bundled first session moved on by half a week, with its
    ODI responses, pain rating and pressure pain thresholds improving session by
    session (a deterministic factory, so the page count is the same every run).
    """
    case = mm.from_json(mm.Case, LUMBAR.read_bytes())
    first = case.sessions[0]
    weeks = math.ceil(sessions / 2) + 1
    plan = attrs.evolve(
        case.plan, sessions_per_week=2, duration_weeks=weeks, reevaluation_date=None
    )
    out = []
    for i in range(sessions):
        shift = dt.timedelta(days=3 * i + (i // 2))
        start = first.start + shift
        share = i / (sessions - 1)
        outcomes = []
        for measure in first.outcomes:
            moved = attrs.evolve(measure, taken_at=measure.taken_at + shift)
            if measure.instrument == "odi":
                # 24 of 50 answered points down to 10: ODI 53% to 22%.
                total = round(24 - 14 * share)
                items = [min(5, max(0, total // 9 + (1 if k < total % 9 else 0))) for k in range(9)]
                moved = attrs.evolve(moved, responses=(*items[:7], None, *items[7:]))
            elif measure.instrument == "nprs":
                moved = attrs.evolve(moved, responses=(round(7 - 4 * share),))
            elif measure.instrument == "ppt":
                value = round(2.2 + 1.3 * share, 1)
                trials = tuple(mm.Pressure(value, "kgf/cm**2") for _ in measure.measurements)
                moved = attrs.evolve(moved, measurements=trials)
            outcomes.append(moved)
        out.append(
            attrs.evolve(
                first,
                id=f"ses-{i + 1}",
                start=start,
                outcomes=tuple(outcomes),
                adverse_reactions=first.adverse_reactions if i == 0 else (),
                signature=None,
            )
        )
    return attrs.evolve(case, plan=plan, sessions=tuple(out))


def _print(html: str, paper: str, folder: Path) -> Path:
    """Print *html* to PDF on *paper* (a CSS ``@page`` size) in headless Chromium."""
    browser = _chromium()
    assert browser is not None
    sized = html.replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>", 1)
    page = folder / f"report-{paper}.html"
    page.write_text(sized, encoding="utf-8")
    pdf = folder / f"report-{paper}.pdf"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return pdf


@attrs.frozen
class _Page:
    """What one printed page holds: its text and how far down its text reaches."""

    text: str
    fill: float  # 0: no text; 1: text down to the bottom edge


def _pages(pdf: Path) -> list[_Page]:
    """Each page's text and the depth of its lowest text line (pypdf's text extraction)."""
    out = []
    for page in pypdf.PdfReader(pdf).pages:
        height = float(page.mediabox.height)
        bottom = float(page.mediabox.bottom)
        lows: list[float] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: object,
            lows: list[float] = lows,
        ) -> None:
            if text.strip():
                lows.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

        text = page.extract_text(visitor_text=visit)
        fill = 0.0 if not lows else (height - (min(lows) - bottom)) / height
        out.append(_Page(text=text, fill=fill))
    return out


def _check_printout(pages: list[_Page], paper: str) -> None:
    assert pages, f"{paper}: no pages"
    for number, page in enumerate(pages[:-1], 1):
        assert page.fill >= MIN_FILL, (
            f"{paper}: page {number} of {len(pages)} is mostly empty "
            f"(text reaches {page.fill:.0%} of the page)"
        )
    assert pages[-1].text.strip(), f"{paper}: the last page is blank"
    # Pages are used: a figure and its table are kept together, so a page may end early,
    # but the pages before the last are, on average, three-quarters full.
    if len(pages) > 1:
        mean = sum(p.fill for p in pages[:-1]) / (len(pages) - 1)
        assert mean >= MEAN_FILL, f"{paper}: pages are {mean:.0%} full on average"
    text = "\n".join(p.text for p in pages)
    for title in ("Goals", "Outcome measures", "Plan of care and billing compliance"):
        assert title in text
    assert "Signature" in pages[-1].text or "Signature" in pages[-2].text


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("paper", list(PAPERS))
def test_longest_bundled_case_prints_without_empty_pages(paper: str, tmp_path: Path) -> None:
    """The longest bundled case prints on A4 and Letter with no mostly-empty page."""
    case = _longest_bundled_case()
    report = build_report(case, screening=mm.screen(case))
    pdf = _print(render_html(report), paper, tmp_path)
    pages = _pages(pdf)
    _check_printout(pages, paper)
    assert 2 <= len(pages) <= 2 + len(case.sessions)
    first = pages[0].text
    assert case.patient.id in first
    assert "Medical massage progress report" in first


@pytest.mark.browser
@needs_chromium
def test_long_course_prints_on_a4_and_letter(tmp_path: Path) -> None:
    """A 14-session course prints on both papers without empty pages; counts stay close."""
    case = long_course(14)
    assert len(case.sessions) == 14
    report = build_report(case, screening=mm.screen(case))
    assert report.sessions_attended == 14
    counts = {}
    for paper in PAPERS:
        pages = _pages(_print(render_html(report), paper, tmp_path))
        _check_printout(pages, paper)
        counts[paper] = len(pages)
        # Every session date of the ODI series is in the value table, thinned dates or not.
        text = "\n".join(p.text for p in pages)
        for session in case.sessions:
            assert session.start.date().isoformat() in text
    # Letter is shorter than A4: at most one more page, never fewer.
    assert counts["A4"] <= counts["letter"] <= counts["A4"] + 1
    assert counts["A4"] >= 3  # fourteen sessions of three measures do not fit on two pages


def test_long_course_factory_improves_steadily() -> None:
    """The long-course factory gives an improving, measurable course (the print tests' input)."""
    case = long_course(14)
    report = build_report(case)
    odi = report.progress.series_for("odi")[0]
    assert len(odi.points) == 14
    values = [p.value for p in odi.points]
    assert values == sorted(values, reverse=True)
    assert values[0] > 50 > 25 > values[-1]


def test_long_course_chart_keeps_readable_dates() -> None:
    """Fourteen sessions: seven slanted dates, first and last among them, values thinned."""
    report = build_report(long_course(14))
    odi = report.progress.series_for("odi")[0]
    svg = render_chart_svg(odi)
    dates = re.findall(r'class="tick date"[^>]*>([\d-]+)</text>', svg)
    assert len(dates) == 7
    assert dates[0] == odi.points[0].taken_at.date().isoformat()
    assert dates[-1] == odi.points[-1].taken_at.date().isoformat()
    assert svg.count("rotate(-40") == 7
    assert svg.count('class="point"') == 14
    assert svg.count('class="value"') == 7
    # A short course keeps every date, flat.
    short = build_report(mm.from_json(mm.Case, LUMBAR.read_bytes()))
    svg = render_chart_svg(short.progress.series_for("nprs")[0])
    assert len(re.findall(r'class="tick date"', svg)) == 3
    assert "rotate(-40" not in svg
