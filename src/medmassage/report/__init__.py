"""The progress report to the referring physician, as HTML or Markdown.

`build_report` gathers what a physician needs to read in a minute: the
referral and diagnoses, sessions attended against those planned and
authorized, the techniques and minutes by modality and region, every goal with
its instrument's trend, change and MCID, adverse reactions, screening findings,
the screening of the plan and of each session (with the reason for every
conflict, violation and rule failure), the clinical plan going forward,
plan-of-care and billing compliance in a section of its own (progress report,
re-evaluation and re-certification dates, compliance findings) and the treating
therapist's credentials, work contact and a signature line. `render_html`
writes a self-contained page (inline CSS and one inline SVG trend chart per
instrument; it prints on A4 and US Letter, tables and figures never split
across pages);
`render_markdown` writes the same content as Markdown. Both lay the report out
from one section model, so they show the same sections, sentences and table
cells in the same order. Modalities and instruments are named through the
plugin registry (`medmassage.plugins.get_default_registry` unless
``registry=`` is given), so a plugin modality shows its name, not its code.

Privacy: the patient is identified by id only unless ``include_identity=True``
(then name and birth date are shown); free text (reaction notes, goal wording)
only with ``include_notes=True``. All text is escaped.
"""

from __future__ import annotations

from ._build import (
    AssessmentLike,
    FindingLike,
    ProgressReport,
    ReactionEntry,
    ScreeningEntry,
    SessionScreeningEntry,
    TechniqueMinutes,
    TherapistEntry,
    build_report,
)
from ._chart import render_chart_svg as render_chart_svg  # importable here, not in __all__
from ._html import render_html
from ._markdown import render_markdown

__all__ = [
    "AssessmentLike",
    "FindingLike",
    "ProgressReport",
    "ReactionEntry",
    "ScreeningEntry",
    "SessionScreeningEntry",
    "TechniqueMinutes",
    "TherapistEntry",
    "build_report",
    "render_html",
    "render_markdown",
]
