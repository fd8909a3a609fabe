"""The one section model of the progress report: what it says, in order, before any format.

`report_document` turns a `ProgressReport` into a `Document`: the page title and
an ordered tuple of `Section` (a stable id, a title, a role and its blocks).
Every sentence, label and cell text of the report is decided here; the renderers
(`._html`, `._markdown`) only walk the blocks, escape text for their format and
choose the markup (an HTML ``<figure>``, a Markdown table).

Blocks are small frozen values, one kind per layout need:

* `Paragraph`: a run of text, parts of it `Strong`;
* `KeyValues`: terms and values (the report's header);
* `BulletList`: one line per item;
* `Table`: `Column` headers, rows of `Cell` (a cell may carry a note, a `Tone`
  and a span) and an optional total row;
* `Chart`: the trend chart of a series (HTML draws it; Markdown's value table
  stands in for it);
* `Caption`: the caption of a figure;
* `Figure` and `Subsection`: a titled group of blocks inside a section (a
  figure is kept on one page: its chart and caption, not the value table);
* `SignatureLine`: lines to sign and date by hand on the printed page.

To add a layout need, add a block kind (or a field with a default) here and a
case for it in each renderer: both walk blocks with ``match`` and
`typing.assert_never`, so mypy names every renderer that does not handle it yet.
Section ids (`SectionId`) are stable: a layout may key page breaks, anchors or
ordering on them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeAlias

import attrs

from ..instruments import Instrument
from ..progress import GoalStatus, Progress, Series, Trend, site_text
from ._build import ProgressReport
from ._wording import (
    bound_text,
    change_text,
    direction_word,
    goal_label,
    goal_sentence,
    goal_text,
    mcid_status,
    mcid_text,
    score_text,
    series_notes,
    visits_left,
    word,
)

# -- the model ------------------------------------------------------------------------------


class SectionId(enum.Enum):
    """The stable id of each section, in the report's order."""

    SUMMARY = "summary"
    REFERRAL = "referral"
    ATTENDANCE = "attendance"
    TREATMENT = "treatment"
    GOALS = "goals"
    OUTCOMES = "outcomes"
    REACTIONS = "reactions"
    SCREENING = "screening"
    PLAN = "plan"
    COMPLIANCE = "compliance"
    THERAPIST = "therapist"
    SOURCES = "sources"


class Role(enum.Enum):
    """Where a section stands on the page."""

    #: The document's title and key facts (HTML ``<header>`` and ``<h1>``; Markdown ``#``).
    HEADER = "header"
    #: A section of the body (``<section>`` and ``<h2>``; ``##``).
    BODY = "body"
    #: The closing section: sources and provenance (``<footer>`` and ``<h2>``; ``##``).
    FOOTER = "footer"


class Style(enum.Enum):
    """How a paragraph or list reads (HTML gives it a class; Markdown writes it plainly)."""

    PLAIN = "plain"
    #: Small print: caveats, sources, provenance.
    FINE_PRINT = "fine_print"
    #: Problems to act on (why a screening is not clear).
    PROBLEMS = "problems"


class Tone(enum.Enum):
    """How a cell reads at a glance (HTML colours it; Markdown does not)."""

    OK = "ok"
    WARN = "warn"
    BAD = "bad"


@attrs.frozen(slots=True)
class Strong:
    """Text to stress inside a paragraph."""

    text: str


Inline: TypeAlias = str | Strong


@attrs.frozen(kw_only=True, slots=True)
class Paragraph:
    """A paragraph: plain text and `Strong` runs, written in order."""

    runs: tuple[Inline, ...]
    style: Style = Style.PLAIN

    @classmethod
    def of(cls, text: str, style: Style = Style.PLAIN) -> Paragraph:
        """A paragraph of one plain run."""
        return cls(runs=(text,), style=style)


@attrs.frozen(kw_only=True, slots=True)
class KeyValues:
    """Terms with their values, in order."""

    items: tuple[tuple[str, str], ...]

    def grouped(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The items with consecutive values of one term together, so each term is shown once.

        A therapist's two credentials read as one "Credentials" term with two
        lines, not the label repeated on every line.
        """
        out: list[tuple[str, list[str]]] = []
        for term, value in self.items:
            if out and out[-1][0] == term:
                out[-1][1].append(value)
            else:
                out.append((term, [value]))
        return tuple((term, tuple(values)) for term, values in out)


@attrs.frozen(kw_only=True, slots=True)
class BulletList:
    """A list, one line per item."""

    items: tuple[str, ...]
    style: Style = Style.PLAIN


@attrs.frozen(kw_only=True, slots=True)
class Column:
    """A table column: its header, whether it holds numbers, and whether its cells may wrap.

    Attributes:
        title: The header.
        numeric: Numbers, aligned right.
        nowrap: Cells kept on one line (ids and dates must not break mid-word).
    """

    title: str
    numeric: bool = False
    nowrap: bool = False


@attrs.frozen(kw_only=True, slots=True)
class Cell:
    """A table cell.

    Attributes:
        text: The cell's text.
        note: A second, smaller line (HTML) or a parenthesis (Markdown).
        tone: How it reads at a glance.
        span: How many columns it covers.
    """

    text: str
    note: str | None = None
    tone: Tone | None = None
    span: int = 1


Row: TypeAlias = tuple[Cell, ...]


@attrs.frozen(kw_only=True, slots=True)
class Table:
    """A table: column headers, rows, and an optional total row (shown stressed)."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None


@attrs.frozen(kw_only=True, slots=True)
class Chart:
    """The trend chart of a series, with the goal it serves (if any)."""

    series: Series
    goal: GoalStatus | None = None


@attrs.frozen(kw_only=True, slots=True)
class Caption:
    """The caption of the figure it is in."""

    text: str


@attrs.frozen(kw_only=True, slots=True)
class Figure:
    """A titled figure: a chart with its caption and data, kept together on the page."""

    title: str
    blocks: tuple[Block, ...]


@attrs.frozen(kw_only=True, slots=True)
class SignatureLine:
    """Blank lines to fill in by hand, one per label (``Signature``, ``Date``)."""

    labels: tuple[str, ...]


@attrs.frozen(kw_only=True, slots=True)
class Subsection:
    """A titled group of blocks inside a section."""

    title: str
    blocks: tuple[Block, ...]


Block: TypeAlias = (
    Paragraph
    | KeyValues
    | BulletList
    | Table
    | Chart
    | Caption
    | Figure
    | Subsection
    | SignatureLine
)


@attrs.frozen(kw_only=True, slots=True)
class Section:
    """A section of the report: a stable id, a title, its role and its blocks."""

    id: SectionId
    title: str
    blocks: tuple[Block, ...]
    role: Role = Role.BODY


@attrs.frozen(kw_only=True, slots=True)
class Document:
    """The whole report: a page title (for the browser tab or file) and the sections."""

    page_title: str
    sections: tuple[Section, ...]


# -- the report as sections -------------------------------------------------------------------


def _cells(*texts: object) -> Row:
    return tuple(Cell(text=str(t)) for t in texts)


def _summary(r: ProgressReport) -> Section:
    items = [("Patient", r.patient_id)]
    if r.patient_name is not None:
        items.append(("Name", r.patient_name))
    if r.birth_date is not None:
        items.append(("Date of birth", r.birth_date.isoformat()))
    items.append(("Reporting period", f"{r.period_start} to {r.as_of}"))
    if r.referral is not None:
        ref = r.referral
        npi = f", NPI {ref.referrer.npi}" if ref.referrer.npi else ""
        items.append(("To", f"{ref.referrer.name} ({word(ref.referrer.role)}{npi})"))
    if r.practitioner is not None:
        items.append(("From", r.practitioner))
    items.append(("Plan", f"{r.plan_id}: {r.plan_summary}"))
    return Section(
        id=SectionId.SUMMARY,
        title="Medical massage progress report",
        blocks=(KeyValues(items=tuple(items)),),
        role=Role.HEADER,
    )


def _referral(r: ProgressReport) -> Section:
    blocks: list[Block] = []
    if r.referral is not None:
        ref = r.referral
        bits = [f"Referral {ref.id} of {ref.referred_on}"]
        if ref.frequency_per_week and ref.duration_weeks:
            bits.append(f"{ref.frequency_per_week} x/week for {ref.duration_weeks} weeks")
        if ref.expires_on:
            bits.append(f"valid to {ref.expires_on}")
        blocks.append(Paragraph.of("; ".join(bits) + "."))
    else:
        blocks.append(Paragraph.of("No referral on file."))
    rows = tuple(
        _cells(
            d.code,
            d.coding.display or "",
            site_text(d.region, d.laterality),
            f"{d.onset or ''}" + (f" ({word(d.acuity)})" if d.acuity else ""),
        )
        for d in r.diagnoses
    )
    columns = tuple(Column(title=t) for t in ("ICD-10-CM", "Description", "Site", "Onset"))
    blocks.append(Table(columns=columns, rows=rows))
    return Section(id=SectionId.REFERRAL, title="Referral and diagnoses", blocks=tuple(blocks))


def _attendance(r: ProgressReport) -> Section:
    titles = ("Attended", "Planned", "Authorized", "Authorized remaining", "Cancelled", "No-show")
    values = (
        r.sessions_attended,
        r.sessions_planned,
        r.timing.visits_authorized,
        visits_left(r.timing),
        r.sessions_cancelled,
        r.sessions_no_show,
    )
    table = Table(
        columns=tuple(Column(title=t, numeric=True) for t in titles),
        rows=(_cells(*("-" if v is None else v for v in values)),),
    )
    return Section(id=SectionId.ATTENDANCE, title="Attendance", blocks=(table,))


def _treatment(r: ProgressReport) -> Section:
    block: Block
    if r.techniques:
        block = Table(
            columns=(
                Column(title="Modality"),
                Column(title="Region"),
                Column(title="Sessions", numeric=True),
                Column(title="Minutes", numeric=True),
            ),
            rows=tuple(
                _cells(t.name, site_text(t.region, t.laterality), t.sessions, f"{t.minutes:g}")
                for t in r.techniques
            ),
            total=(Cell(text="Total", span=3), Cell(text=f"{r.total_minutes:g}")),
        )
    else:
        block = Paragraph.of("No treatment recorded in the period.")
    return Section(id=SectionId.TREATMENT, title="Treatment delivered", blocks=(block,))


_TREND_TONES = {Trend.ON_TRACK: Tone.OK, Trend.PLATEAU: Tone.WARN, Trend.REGRESSING: Tone.BAD}


def _goal_row(g: GoalStatus, notes: bool, known: Mapping[str, Instrument]) -> Row:
    s = g.series
    desc = goal_label(g, notes)
    inst = s.instrument if s is not None else known.get(g.goal.instrument)
    target = bound_text(g.goal, inst.unit if inst is not None else None)
    if g.goal.target_date:
        target += f" by {g.goal.target_date}"
    if s is None:
        name = inst.name if inst is not None else g.goal.instrument
        return _cells(desc, name, "-", "-", target, "-", "-", g.trend.label, goal_text(g))
    progress = (
        f" ({g.progress * 100:.0f}% of the way)" if g.progress is not None and not g.met else ""
    )
    return (
        *_cells(
            desc,
            s.instrument.name,
            score_text(s, s.baseline.value),
            score_text(s, s.latest.value),
            target,
            change_text(s),
        ),
        Cell(text=mcid_status(s), note=_mcid_note(s)),
        _goal_trend(g, s),
        Cell(
            text=goal_text(g) + progress,
            tone=Tone.OK if g.met else (Tone.BAD if g.overdue else None),
        ),
    )


def _goal_trend(g: GoalStatus, s: Series) -> Cell:
    """A measured goal's trend: its series' own trend, and not "on track" once too late.

    The series' trend (as its figure says), not one made "on track" by the goal
    being met: the Status column says that. An improving series whose goal's
    target date passed unmet is not on track for it, and says so.
    """
    if g.overdue and not g.met and s.trend is Trend.ON_TRACK:
        return Cell(text="improving, target date passed", tone=Tone.WARN)
    return Cell(text=s.trend.label, tone=_TREND_TONES.get(s.trend))


def _goals(r: ProgressReport) -> Section:
    if not r.progress.goals:
        block = Paragraph.of("The plan has no measurable goals.")
        return Section(id=SectionId.GOALS, title="Goals", blocks=(block,))
    sentences = BulletList(
        items=tuple(
            goal_sentence(g, r.notes_included, r.goal_instruments.get(g.goal.instrument))
            for g in r.progress.goals
        )
    )
    table = Table(
        columns=(
            # An id must not break at its hyphen (free-text wording, with notes, may wrap).
            Column(title="Goal", nowrap=not r.notes_included),
            Column(title="Instrument"),
            Column(title="Baseline", numeric=True, nowrap=True),
            Column(title="Latest", numeric=True, nowrap=True),
            Column(title="Target", nowrap=True),
            *(Column(title=t) for t in ("Change", "MCID", "Trend", "Status")),
        ),
        rows=tuple(_goal_row(g, r.notes_included, r.goal_instruments) for g in r.progress.goals),
    )
    return Section(id=SectionId.GOALS, title="Goals", blocks=(sentences, table))


def _goal_for(progress: Progress, series: Series) -> GoalStatus | None:
    return next((g for g in progress.goals if g.series is series), None)


def _figure(s: Series, goal: GoalStatus | None) -> tuple[Block, ...]:
    """A series' figure (its chart and caption, kept together) and its value table.

    The value table follows the figure rather than sitting in it, so that a long
    course's table may go to the next page without taking the chart with it (a
    chart with a table of 14 rows is most of a page, and would leave one blank).
    """
    band = s.latest.score.band
    caption = (
        f"Baseline {score_text(s, s.baseline.value)}, latest {score_text(s, s.latest.value)}"
        + (f" ({band.label})" if band is not None else "")
        + f"; change {change_text(s)}; MCID: {mcid_status(s)}"
        + f"; trend {s.trend.label}; {direction_word(s)}."
    )
    points = Table(
        columns=(
            Column(title="Date"),
            Column(title="Session"),
            Column(title="Score", numeric=True),
            Column(title="Band"),
            Column(title="Missing items", numeric=True),
        ),
        rows=tuple(
            _cells(
                point.taken_at.date().isoformat(),
                point.session_id,
                score_text(s, point.value),
                point.score.band.label if point.score.band else "",
                point.score.missing,
            )
            for point in s.points
        ),
    )
    figure = Figure(title=s.label, blocks=(Chart(series=s, goal=goal), Caption(text=caption)))
    blocks: list[Block] = [figure, points]
    notes = series_notes(s)
    if notes:
        blocks.append(Paragraph.of(notes, Style.FINE_PRINT))
    return tuple(blocks)


def _outcomes(r: ProgressReport) -> Section:
    p = r.progress
    blocks: list[Block] = []
    if not p.series:
        blocks.append(Paragraph.of("No outcome measures recorded."))
    for s in p.series:
        blocks.extend(_figure(s, _goal_for(p, s)))
    if p.unscored:
        items = tuple(
            f"{u.instrument} on {u.taken_at.date().isoformat()} ({u.session_id}): {u.reason}"
            for u in p.unscored
        )
        blocks.append(
            Subsection(title="Measures that could not be scored", blocks=(BulletList(items=items),))
        )
    return Section(id=SectionId.OUTCOMES, title="Outcome measures", blocks=tuple(blocks))


def _reactions(r: ProgressReport) -> Section:
    block: Block
    if r.reactions:
        with_notes = any(x.note for x in r.reactions)
        titles = ("Date", "Session", "Reaction", "Severity", "Site", "Resolved")
        block = Table(
            columns=tuple(Column(title=t) for t in (*titles, *(("Note",) if with_notes else ()))),
            rows=tuple(
                _cells(
                    x.date,
                    x.session_id,
                    x.kind,
                    x.severity,
                    site_text(x.region, x.laterality),
                    "yes" if x.resolved else "no",
                    *((x.note or "",) if with_notes else ()),
                )
                for x in r.reactions
            ),
        )
    else:
        block = Paragraph.of("None reported.")
    return Section(id=SectionId.REACTIONS, title="Adverse reactions", blocks=(block,))


def _screening(r: ProgressReport) -> Section:
    blocks: list[Block] = []
    if r.screening_status is None:
        blocks.append(Paragraph.of("No screening result was supplied with this report."))
    else:
        blocks.append(Paragraph(runs=("Status: ", Strong(r.screening_status), ".")))
        if r.screening_problems:
            blocks.append(BulletList(items=r.screening_problems, style=Style.PROBLEMS))
        if r.screening:
            blocks.append(
                Table(
                    columns=tuple(
                        Column(title=t)
                        for t in (
                            "Severity",
                            "Rule",
                            "Action",
                            "Rationale",
                            "Evidence",
                            "Evidence level",
                        )
                    ),
                    rows=tuple(
                        _cells(
                            f.severity,
                            f.rule_id,
                            f.action,
                            f.rationale,
                            f.evidence_text,
                            f.evidence_level,
                        )
                        for f in r.screening
                    ),
                )
            )
        else:
            blocks.append(Paragraph.of("No findings."))
    if r.session_screening:
        rows = tuple(
            (
                *_cells(e.session_id, e.date, e.status),
                Cell(
                    text="; ".join(e.problems) if e.problems else "none",
                    tone=Tone.BAD if e.problems else None,
                ),
            )
            for e in r.session_screening
        )
        blocks.append(
            Subsection(
                title="Sessions screened",
                blocks=(
                    Table(
                        columns=tuple(
                            Column(title=t) for t in ("Session", "Date", "Status", "Problems")
                        ),
                        rows=rows,
                    ),
                ),
            )
        )
    return Section(id=SectionId.SCREENING, title="Contraindication screening", blocks=tuple(blocks))


def _compliance(r: ProgressReport) -> Section:
    items = r.compliance or ("No plan-of-care dates or compliance findings.",)
    return Section(
        id=SectionId.COMPLIANCE,
        title="Plan of care and billing compliance",
        blocks=(
            Paragraph.of(
                "For certification and billing under the "
                f"{r.timing.policy} policy; these are not clinical findings.",
                Style.FINE_PRINT,
            ),
            BulletList(items=items),
        ),
    )


def _therapist(r: ProgressReport) -> Section:
    t = r.therapist
    blocks: list[Block] = []
    if t is None:
        blocks.append(Paragraph.of("The treating therapist is not listed in the case."))
    else:
        items = [("Therapist", t.name)]
        if t.npi:
            items.append(("NPI", t.npi))
        items.extend(("Credentials", line) for line in t.credentials)
        items.extend(("Contact", line) for line in t.contact)
        if not t.contact:
            items.append(("Contact", "not recorded"))
        blocks.append(KeyValues(items=tuple(items)))
    blocks.append(SignatureLine(labels=("Signature", "Date")))
    return Section(id=SectionId.THERAPIST, title="Treating therapist", blocks=tuple(blocks))


def _mcid_note(s: Series) -> str:
    """The MCID's size, its evidence level and, if borrowed, that it is of another population."""
    mcid = s.change.mcid if s.change else s.instrument.mcid()
    text = mcid_text(mcid)
    if mcid is not None and mcid.evidence_level is not None:
        text += f" ({mcid.evidence_level.value.replace('_', ' ')})"
    if s.change is not None and s.change.population_mismatch:
        text += "; from another population"
    return text


def _sources(report: ProgressReport) -> tuple[str, ...]:
    lines: list[str] = []
    seen: set[str] = set()
    for s in report.progress.series:
        inst = s.instrument
        if inst.code in seen:
            continue
        seen.add(inst.code)
        lines.append(f"{inst.name} ({inst.version}): {inst.source}")
        if s.change is not None and s.change.mcid is not None:
            m = s.change.mcid
            lines.append(
                f"{inst.name} MCID {m.describe()}, {m.description}: {m.source} "
                f"(evidence: {m.evidence()})"
            )
    for finding in report.screening:
        if finding.source and finding.rule_id not in seen:
            seen.add(finding.rule_id)
            lines.append(
                f"Rule {finding.rule_id}: {finding.source} (evidence: {finding.evidence_level})"
            )
    lines.append(
        "Plan-of-care timing: Medicare Benefit Policy Manual (Pub. 100-02) ch. 15 s. 220.1.3 "
        "and s. 220.3 D (policy: " + report.timing.policy + ")."
    )
    lines.append(
        "Trend: on track = the last interval improved; regressing = worse than baseline or a "
        "last-interval worsening of at least the MCID; plateau otherwise; a goal's trend is "
        "its series' trend (medmassage convention)."
    )
    return tuple(lines)


def report_document(report: ProgressReport) -> Document:
    """Lay the report out as sections: every wording of the report is decided here."""
    r = report
    generated = (
        f"Generated by medmassage {r.version} on {r.as_of}. "
        "Scores are computed from item responses with each instrument's published rule."
    )
    return Document(
        page_title=f"Progress report, patient {r.patient_id}, {r.as_of}",
        sections=(
            _summary(r),
            _referral(r),
            _attendance(r),
            _treatment(r),
            _goals(r),
            _outcomes(r),
            _reactions(r),
            _screening(r),
            Section(
                id=SectionId.PLAN,
                title="Plan going forward",
                blocks=(BulletList(items=r.plan_forward),),
            ),
            _compliance(r),
            _therapist(r),
            Section(
                id=SectionId.SOURCES,
                title="Sources",
                blocks=(
                    BulletList(items=_sources(r), style=Style.FINE_PRINT),
                    Paragraph.of(generated, Style.FINE_PRINT),
                ),
                role=Role.FOOTER,
            ),
        ),
    )
