"""The progress report as one self-contained HTML page: a walk over its sections."""

from __future__ import annotations

import html
from typing import assert_never

from ._build import ProgressReport
from ._chart import render_chart_svg
from ._sections import (
    Block,
    BulletList,
    Caption,
    Cell,
    Chart,
    Column,
    Figure,
    Inline,
    KeyValues,
    Paragraph,
    Role,
    Section,
    SignatureLine,
    Strong,
    Style,
    Subsection,
    Table,
    report_document,
)

_CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #111; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.45rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; border-bottom: 2px solid #1f4e79; padding-bottom: .15rem;
  margin: 1.4rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nw, th.nw { white-space: nowrap; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.ok { color: #1b7f3b; font-weight: 600; }
.warn { color: #a35200; font-weight: 600; }
.bad { color: #b00020; font-weight: 600; }
.problems li { color: #b00020; }
.chart { width: 100%; max-width: 660px; height: auto; display: block; }
.chart .tick { font-size: 11px; fill: #333; }
.chart .axis, .chart .label { font-size: 11px; fill: #333; }
.chart .value { font-size: 11px; font-weight: 600; fill: #1f4e79; }
.chart .goal-label { fill: #1b7f3b; font-weight: 600; }
.small { font-size: .85rem; color: #444; }
figure { margin: .3rem 0 1rem; }
figcaption { margin: .2rem 0 .3rem; }
.sign { display: flex; gap: 2rem; margin: 2.2rem 0 .5rem; }
.sign div { flex: 2; border-top: 1px solid #111; padding-top: .2rem; font-size: .85rem; }
.sign div + div { flex: 1; }
/* Paper: any size (A4, US Letter); sections flow across pages, tables and figures do not
   (a table longer than a page breaks between rows, its header repeated). */
@page { margin: 14mm 13mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; }
  table, figure, tr, .meta, .sign { break-inside: avoid; }
  thead { display: table-header-group; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

#: The class of a paragraph or list of each style.
_STYLE_CLASSES = {Style.PLAIN: "", Style.FINE_PRINT: "small", Style.PROBLEMS: "problems"}

#: The element and heading of a section of each role.
_ROLE_TAGS = {
    Role.HEADER: ("header", "h1"),
    Role.BODY: ("section", "h2"),
    Role.FOOTER: ("footer", "h2"),
}


def _e(text: object) -> str:
    return html.escape(str(text))


def _class(*names: str) -> str:
    joined = " ".join(n for n in names if n)
    return f" class='{joined}'" if joined else ""


def _runs(runs: tuple[Inline, ...]) -> str:
    return "".join(
        f"<strong>{_e(run.text)}</strong>" if isinstance(run, Strong) else _e(run) for run in runs
    )


def _row(cells: tuple[Cell, ...], columns: tuple[Column, ...], tag: str) -> str:
    out = []
    at = 0
    for cell in cells:
        numeric = at < len(columns) and columns[at].numeric
        nowrap = at < len(columns) and columns[at].nowrap and cell.span == 1
        span = f" colspan='{cell.span}'" if cell.span > 1 else ""
        tone = cell.tone.value if cell.tone is not None else ""
        note = f"<br><span class='small'>{_e(cell.note)}</span>" if cell.note is not None else ""
        classes = _class("num" if numeric else "", "nw" if nowrap else "", tone)
        out.append(f"<{tag}{span}{classes}>{_e(cell.text)}{note}</{tag}>")
        at += cell.span
    return "<tr>" + "".join(out) + "</tr>"


def _table(table: Table) -> list[str]:
    head = "".join(
        f"<th{_class('num' if c.numeric else '')}>{_e(c.title)}</th>" for c in table.columns
    )
    out = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    out.extend(_row(row, table.columns, "td") for row in table.rows)
    if table.total is not None:
        out.append(_row(table.total, table.columns, "th"))
    out.append("</tbody></table>")
    return out


def _block(block: Block) -> list[str]:
    match block:
        case Paragraph():
            return [f"<p{_class(_STYLE_CLASSES[block.style])}>{_runs(block.runs)}</p>"]
        case KeyValues():
            return [
                '<dl class="meta">',
                *(
                    f"<dt>{_e(term)}</dt><dd>{'<br>'.join(_e(v) for v in values)}</dd>"
                    for term, values in block.grouped()
                ),
                "</dl>",
            ]
        case BulletList():
            return [
                f"<ul{_class(_STYLE_CLASSES[block.style])}>",
                *(f"<li>{_e(item)}</li>" for item in block.items),
                "</ul>",
            ]
        case Table():
            return _table(block)
        case Chart():
            return [render_chart_svg(block.series, block.goal)]
        case Caption():
            return [f"<figcaption>{_e(block.text)}</figcaption>"]
        case Figure():
            return [
                f"<figure><h3>{_e(block.title)}</h3>",
                *(line for inner in block.blocks for line in _block(inner)),
                "</figure>",
            ]
        case Subsection():
            return [
                f"<h3>{_e(block.title)}</h3>",
                *(line for inner in block.blocks for line in _block(inner)),
            ]
        case SignatureLine():
            return [
                "<div class='sign'>",
                *(f"<div>{_e(label)}</div>" for label in block.labels),
                "</div>",
            ]
        case _:  # pragma: no cover - mypy checks that every kind is handled
            assert_never(block)


def _section(section: Section) -> list[str]:
    tag, heading = _ROLE_TAGS[section.role]
    return [
        f"<{tag}><{heading}>{_e(section.title)}</{heading}>",
        *(line for block in section.blocks for line in _block(block)),
        f"</{tag}>",
    ]


def render_html(report: ProgressReport) -> str:
    """Render the report as one self-contained HTML page (no external resources)."""
    document = report_document(report)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(document.page_title)}</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    for section in document.sections:
        out.extend(_section(section))
    out.append("</body></html>")
    return "\n".join(out) + "\n"
