"""The progress report as Markdown: a walk over the same sections as the HTML page."""

from __future__ import annotations

import html
from typing import assert_never

from ._build import ProgressReport
from ._sections import (
    Block,
    BulletList,
    Caption,
    Cell,
    Chart,
    Figure,
    KeyValues,
    Paragraph,
    Role,
    SignatureLine,
    Strong,
    Subsection,
    Table,
    report_document,
)


def _escape(text: object) -> str:
    """Escape text for Markdown (no HTML, no markup); whitespace is left as it is."""
    s = html.escape(str(text), quote=False)
    for ch in "\\`*_[]|#<>":
        s = s.replace(ch, "\\" + ch)
    return s


def _md(text: object) -> str:
    """Escape text for a Markdown table cell or paragraph, on one line."""
    return " ".join(_escape(text).split())


def _cell(cell: Cell, stressed: bool = False) -> str:
    text = _md(cell.text)
    if cell.note is not None:
        text += f" ({_md(cell.note)})"
    if stressed and text:
        text = f"**{text}**"
    return text


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(table: Table) -> str:
    lines = [
        _line([_md(c.title) for c in table.columns]),
        "|" + "".join("---:|" if c.numeric else "---|" for c in table.columns),
    ]
    lines.extend(_line([_cell(c) for c in row]) for row in table.rows)
    if table.total is not None:
        cells: list[str] = []
        for cell in table.total:
            cells += [_cell(cell, stressed=True)] + [""] * (cell.span - 1)
        lines.append(_line(cells))
    return "\n".join(lines)


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    """The blocks as Markdown chunks (separated by blank lines); a chart writes nothing."""
    chunks: list[str] = []
    for block in blocks:
        match block:
            case Paragraph():
                text = "".join(
                    f"**{_md(run.text)}**" if isinstance(run, Strong) else _escape(run)
                    for run in block.runs
                )
                chunks.append(" ".join(text.split()))
            case KeyValues():
                chunks.append(
                    "\n".join(
                        f"- **{_md(term)}:** {'; '.join(_md(v) for v in values)}"
                        for term, values in block.grouped()
                    )
                )
            case BulletList():
                if block.items:
                    chunks.append("\n".join(f"- {_md(item)}" for item in block.items))
            case Table():
                chunks.append(_table(block))
            case Chart():
                pass  # the figure's value table stands in for the chart
            case Caption():
                chunks.append(_md(block.text))
            case SignatureLine():
                chunks.append("    ".join(f"{_md(label)}: {'_' * 24}" for label in block.labels))
            case Figure() | Subsection():
                chunks.append(f"### {_md(block.title)}")
                chunks.extend(_blocks(block.blocks))
            case _:  # pragma: no cover - mypy checks that every kind is handled
                assert_never(block)
    return chunks


def render_markdown(report: ProgressReport) -> str:
    """Render the report as Markdown (tables; a value table stands in for each chart)."""
    chunks: list[str] = []
    for section in report_document(report).sections:
        level = "#" if section.role is Role.HEADER else "##"
        chunks.append(f"{level} {_md(section.title)}")
        chunks.extend(_blocks(section.blocks))
    return "\n\n".join(chunks) + "\n"
