"""``medmassage fhir``: export a case as a FHIR R4 collection Bundle."""

from __future__ import annotations

import argparse
import json
import sys

from ._io import (
    EXIT_IOERR,
    InputError,
    OutputError,
    check_output,
    epilog,
    fail,
    load,
    output_format,
    parse_date,
    write_output,
)

HELP = "export a case file as a FHIR R4 collection Bundle (JSON)"

EPILOG = epilog(
    {EXIT_IOERR: "OUT could not be written (an existing OUT is left as it was)"}, writes=True
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument("file", metavar="FILE", help="a Case JSON document ('-' for stdin)")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write here (a .json file) instead of stdout"
    )
    parser.add_argument(
        "--include-identity",
        action="store_true",
        help="export the patient's name, birth date and contact details (off by default)",
    )
    parser.add_argument(
        "--include-notes", action="store_true", help="export free-text notes (off by default)"
    )
    parser.add_argument(
        "--no-screening",
        action="store_true",
        help="leave out the DetectedIssue resources of contraindication screening",
    )
    parser.add_argument(
        "--on",
        metavar="DATE",
        help="screening date, YYYY-MM-DD (default: the latest session's date, else the "
        "plan's start)",
    )


def run(args: argparse.Namespace) -> int:
    """Write the bundle; exit 0, 2 on bad input, or 74 if OUT could not be written."""
    from ..cases import Case
    from ..exceptions import MedmassageError
    from ..fhir import case_export
    from ..screening import screen

    try:
        on = None if args.on is None else parse_date("--on", args.on)
        output_format(args.output, {".json": "json"}, "the bundle is FHIR JSON (.json)")
        check_output(args.output, args.file)
        case = load(Case, args.file)
    except InputError as exc:
        return fail(str(exc))
    try:
        assessment = None if args.no_screening else screen(case, on=on)
        result = case_export(
            case,
            include_identity=args.include_identity,
            include_notes=args.include_notes,
            assessment=assessment,
        )
    except MedmassageError as exc:
        return fail(f"{args.file}: {exc}")
    bundle = result.bundle
    for problem in result.problems:  # paths, problem codes and rules: never patient text
        print(f"medmassage: warning: {args.file}: {problem}", file=sys.stderr)
    text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        write_output(args.output, text)
    except OutputError as exc:
        print(f"medmassage: {exc}", file=sys.stderr)
        return EXIT_IOERR
    if args.output != "-":
        entries = bundle.get("entry")
        count = len(entries) if isinstance(entries, list) else 0
        print(f"wrote {args.output} ({count} resources)", file=sys.stderr)
    return 0
