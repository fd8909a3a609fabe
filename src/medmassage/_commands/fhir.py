"""``medmassage fhir``: export a case as a FHIR R4 collection Bundle."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from ._io import InputError, fail, load

HELP = "export a case file as a FHIR R4 collection Bundle (JSON)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument("file", metavar="FILE", help="a Case JSON document ('-' for stdin)")
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
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
        "--on", metavar="DATE", help="screening date, YYYY-MM-DD (default: the plan's start)"
    )


def run(args: argparse.Namespace) -> int:
    """Write the bundle; exit 0, or 2 on bad input."""
    from ..cases import Case
    from ..exceptions import MedmassageError
    from ..fhir import case_bundle
    from ..screening import screen

    try:
        case = load(Case, args.file)
        on = dt.date.fromisoformat(args.on) if args.on else case.plan.start_date
    except InputError as exc:
        return fail(str(exc))
    except ValueError:
        return fail(f"--on {args.on!r}: expected a date as YYYY-MM-DD")
    try:
        assessment = None if args.no_screening else screen(case.patient, case.plan, on=on)
        bundle = case_bundle(
            case,
            include_identity=args.include_identity,
            include_notes=args.include_notes,
            assessment=assessment,
        )
    except MedmassageError as exc:
        return fail(f"{args.file}: {exc}")
    text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as exc:
            return fail(f"{args.output}: cannot write file ({exc.strerror})")
        entries = bundle.get("entry")
        count = len(entries) if isinstance(entries, list) else 0
        print(f"wrote {args.output} ({count} resources)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
