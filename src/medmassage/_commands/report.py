"""``medmassage report``: write the progress report of a case for the referring physician."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ._io import InputError, fail, load

HELP = "write a case's progress report for the referring physician (HTML or Markdown)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument("file", metavar="FILE", help="case JSON file ('-' for standard input)")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write here (default: standard output)"
    )
    parser.add_argument(
        "--format",
        choices=("html", "md"),
        help="output format (default: from OUT's extension, else html)",
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
        "--include-notes", action="store_true", help="show free-text adverse-reaction notes"
    )
    parser.add_argument(
        "--no-screening", action="store_true", help="do not run contraindication screening"
    )


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output and Path(args.output).suffix.lower() in (".md", ".markdown"):
        return "md"
    return "html"


def run(args: argparse.Namespace) -> int:
    """Build and write the report; exit 0 on success, 2 on bad input."""
    from ..cases import Case
    from ..exceptions import MedmassageError
    from ..report import build_report, render_html, render_markdown

    as_of: dt.date | None = None
    if args.as_of is not None:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            return fail(f"--as-of: expected a date YYYY-MM-DD, got {args.as_of!r}")
    try:
        case = load(Case, args.file)
    except InputError as exc:
        return fail(str(exc))
    registry = None
    screening = None
    notes: list[str] = []
    try:
        from ..plugins import get_default_registry

        registry = get_default_registry()
    except (ImportError, MedmassageError) as exc:
        print(f"medmassage: plugins unavailable, using built-ins: {exc}", file=sys.stderr)
    if not args.no_screening:
        on = as_of or max((s.start.date() for s in case.sessions), default=case.plan.start_date)
        try:
            from ..screening import screen

            screening = screen(case.patient, case.plan, on=on, registry=registry)
        except (ImportError, MedmassageError) as exc:
            # Fail closed: say so in the report rather than leave the section blank.
            notes.append(
                "Contraindication screening could not be run; treat the screening status as "
                f"indeterminate ({type(exc).__name__})."
            )
    try:
        report = build_report(
            case,
            as_of=as_of,
            include_identity=args.include_identity,
            include_notes=args.include_notes,
            screening=screening,
            registry=registry,
            plan_notes=notes,
        )
    except MedmassageError as exc:
        return fail(f"{args.file}: {exc}")
    text = render_markdown(report) if _format(args) == "md" else render_html(report)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            return fail(f"{args.output}: cannot write file ({exc.strerror})")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
