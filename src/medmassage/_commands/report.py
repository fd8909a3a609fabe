"""``medmassage report``: write the progress report of a case for the referring physician."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ._io import (
    EXIT_IOERR,
    InputError,
    check_output,
    emit,
    epilog,
    fail,
    load,
    output_format,
    parse_date,
    shown,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..cases import Case
    from ..contraindications import Assessment
    from ..plugins import Registry
    from ..report import ProgressReport

HELP = "write a case's progress report for the referring physician (HTML or Markdown)"

#: The format of each output file suffix this command writes.
SUFFIXES: Final = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}

_NAMES: Final = {"html": "HTML", "md": "Markdown"}

EPILOG = epilog(
    {EXIT_IOERR: "OUT could not be written (an existing OUT is left as it was)"}, writes=True
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument("file", metavar="FILE", help="case JSON file ('-' for standard input)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write here: .html, .htm, .md or .markdown (default: standard output)",
    )
    parser.add_argument(
        "--format",
        choices=("html", "md"),
        help="output format (default: from OUT's suffix, else html); must agree with OUT's",
    )
    parser.add_argument(
        "--as-of", metavar="DATE", help="report date, YYYY-MM-DD (default: the last session)"
    )
    parser.add_argument(
        "--include-identity",
        action="store_true",
        help="show the patient's name and birth date (default: patient id only)",
    )
    parser.add_argument(
        "--include-notes",
        action="store_true",
        help="show free text: adverse-reaction notes and goal wording",
    )
    parser.add_argument(
        "--no-screening", action="store_true", help="do not run contraindication screening"
    )


def _format(args: argparse.Namespace) -> str:
    """The output format, from ``--format`` and OUT's suffix, which must agree.

    Raises:
        InputError: If OUT has a suffix this command cannot write, or one that
            contradicts ``--format``.
    """
    chosen: str | None = args.format
    inferred = output_format(
        args.output, SUFFIXES, "the report is HTML (.html, .htm) or Markdown (.md, .markdown)"
    )
    if inferred is None:
        return chosen or "html"
    if chosen is not None and chosen != inferred:
        suffix = Path(args.output).suffix.lower()
        raise InputError(
            f"--format {chosen} contradicts -o {shown(args.output)} "
            f"(a {suffix} file is {_NAMES[inferred]}); drop --format or change the suffix"
        )
    return inferred


def build(
    case: Case,
    *,
    as_of: dt.date | None = None,
    include_identity: bool = False,
    include_notes: bool = False,
    screening: bool = True,
    registry: Registry | None = None,
) -> ProgressReport:
    """Screen *case* and each completed session (unless *screening* is false); gather its report.

    A screening that cannot be run is shown in the report as indeterminate, with
    the reason, never left blank. Used by this command and by ``demo``.

    Raises:
        MedmassageError: If the report cannot be built.
    """
    from ..plugins import get_default_registry
    from ..report import build_report

    if registry is None:
        registry = get_default_registry()
    assessment = None
    sessions: Mapping[str, Assessment] = {}
    unavailable: str | None = None
    if screening:
        from ..screening import screen_case

        # The report's date is the screening date (screening_date's rule otherwise).
        # Fail closed: a screening that cannot run is shown as indeterminate, with the reason.
        screened = screen_case(case, on=as_of, registry=registry)
        assessment, sessions, unavailable = screened.plan, screened.sessions, screened.unavailable
    return build_report(
        case,
        as_of=as_of,
        include_identity=include_identity,
        include_notes=include_notes,
        screening=assessment,
        registry=registry,
        session_screening=sessions,
        screening_unavailable=unavailable,
    )


def run(args: argparse.Namespace) -> int:
    """Build and write the report; exit 0 on success, 2 on bad input, 74 if OUT failed."""
    from ..cases import Case
    from ..exceptions import MedmassageError
    from ..report import render_html, render_markdown

    try:
        as_of: dt.date | None = None if args.as_of is None else parse_date("--as-of", args.as_of)
        form = _format(args)
        check_output(args.output, args.file)
        case = load(Case, args.file)
    except InputError as exc:
        return fail(str(exc))
    try:
        report = build(
            case,
            as_of=as_of,
            include_identity=args.include_identity,
            include_notes=args.include_notes,
            screening=not args.no_screening,
        )
    except MedmassageError as exc:
        return fail(f"{args.file}: {exc}")
    text = render_markdown(report) if form == "md" else render_html(report)
    return emit(args.output, text)
