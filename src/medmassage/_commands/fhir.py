"""``medmassage fhir export|import``: a case to a FHIR R4 Bundle, and a Bundle back to a case.

``medmassage fhir FILE`` (without ``export``) is the older spelling of
``medmassage fhir export FILE`` and still works.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Final

from ._io import (
    EXIT_IOERR,
    InputError,
    check_output,
    emit,
    epilog,
    fail,
    load,
    load_document,
    output_format,
    parse_date,
    refuse_other_kind,
)

HELP = "export a case as a FHIR R4 Bundle (JSON), or import a Bundle as a case"

#: Exit status of ``fhir import`` when the bundle holds no case that could be built.
EXIT_NO_CASE: Final = 1

USAGE: Final = (
    "medmassage fhir [export] FILE [-o OUT] [--include-identity] [--include-notes]\n"
    "                       [--no-screening] [--on DATE] [--transaction]\n"
    "       medmassage fhir import BUNDLE [-o OUT] [--format {text,json}]"
)

EPILOG = (
    "export (the default: 'medmassage fhir FILE' is 'medmassage fhir export FILE'):\n"
    "  FILE is a Case; the bundle is written to OUT or standard output. What could not\n"
    "  be carried is listed as warnings on standard error and in the bundle's\n"
    "  OperationOutcome. Identity and free-text notes only with the --include options;\n"
    "  an export made with both imports back as an equal case. --transaction writes a\n"
    "  transaction Bundle (each entry a PUT request) for a FHIR server.\n"
    "\n"
    "import:\n"
    "  BUNDLE is a FHIR R4 Bundle (collection or transaction); the case is written\n"
    "  to OUT (or standard output) in medmassage's JSON format. Every element not\n"
    "  imported is reported on standard error with its FHIR path (with --format json\n"
    "  as one JSON object: {'case': true|false, 'not_mapped': [{path, message, code}]}).\n"
    "  Nothing is written when the bundle holds no case (status 1).\n"
    "\n"
    + epilog(
        {
            EXIT_NO_CASE: "import: no case could be built from the bundle (nothing written)",
            EXIT_IOERR: "OUT could not be written (an existing OUT is left as it was)",
        },
        writes=True,
    )
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.usage = USAGE
    parser.add_argument(
        "action", metavar="export|import", help="'export' (the default) or 'import'; or FILE"
    )
    parser.add_argument("file", metavar="FILE", nargs="?", help="the input ('-' for stdin)")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write here (a .json file) instead of stdout"
    )
    parser.add_argument(
        "--include-identity",
        action="store_true",
        help="export: the patient's name, birth date and contact details (off by default)",
    )
    parser.add_argument(
        "--include-notes",
        action="store_true",
        help="export: free-text notes (off by default)",
    )
    parser.add_argument(
        "--no-screening",
        action="store_true",
        help="export: leave out the DetectedIssue resources of contraindication screening",
    )
    parser.add_argument(
        "--on",
        metavar="DATE",
        help="export: screening date, YYYY-MM-DD (default: the latest session's date, else "
        "the plan's start)",
    )
    parser.add_argument(
        "--transaction",
        action="store_true",
        help="export: a transaction Bundle (PUT requests) for a FHIR server, not a collection",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default=None,
        help="import: how the not-mapped report is printed on stderr (default text)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``export`` or ``import``; the exit statuses are in the epilog."""
    action, file = args.action, args.file
    if action not in ("export", "import"):
        if file is not None:
            return fail(f"expected 'export' or 'import' before FILE, not {action!r}")
        action, file = "export", action  # the older 'medmassage fhir FILE'
    if file is None:
        return fail(f"fhir {action}: expected FILE")
    if action == "import":
        used = [
            flag
            for flag, value in (
                ("--include-identity", args.include_identity),
                ("--include-notes", args.include_notes),
                ("--no-screening", args.no_screening),
                ("--on", args.on is not None),
                ("--transaction", args.transaction),
            )
            if value
        ]
        if used:
            return fail(f"fhir import: {used[0]} is an option of 'fhir export'")
        return _import(file, args.output, args.format or "text")
    if args.format is not None:
        return fail("fhir export: --format is an option of 'fhir import'")
    return _export(args, file)


def _export(args: argparse.Namespace, file: str) -> int:
    from ..cases import Case
    from ..exceptions import MedmassageError
    from ..fhir import case_export
    from ..screening import screen

    try:
        on = None if args.on is None else parse_date("--on", args.on)
        output_format(args.output, {".json": "json"}, "the bundle is FHIR JSON (.json)")
        check_output(args.output, file)
        case = load(Case, file)
    except InputError as exc:
        return fail(str(exc))
    try:
        assessment = None if args.no_screening else screen(case, on=on)
        result = case_export(
            case,
            include_identity=args.include_identity,
            include_notes=args.include_notes,
            assessment=assessment,
            transaction=args.transaction,
        )
    except MedmassageError as exc:
        return fail(f"{file}: {exc}")
    bundle = result.bundle
    for problem in result.problems:  # paths, problem codes and rules: never patient text
        print(f"medmassage: warning: {file}: {problem}", file=sys.stderr)
    entries = bundle.get("entry")
    count = len(entries) if isinstance(entries, list) else 0
    text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    return emit(args.output, text, note=f" ({count} resources)")


def _import(file: str, output: str | None, report: str) -> int:
    from ..exceptions import ValidationError
    from ..fhir import import_bundle
    from ..serialization import to_json
    from ._kinds import identify

    try:
        output_format(output, {".json": "json"}, "the case is medmassage JSON (.json)")
        check_output(output, file)
        data = load_document(file, accepts=("FHIR",), what="a FHIR Bundle")
        found = identify(data, ("FHIR",))
        if found is None or found[0] != "FHIR":
            refuse_other_kind(file, data, ("FHIR",), "a FHIR Bundle")
            raise InputError(f"{file}: expected a FHIR Bundle (a 'resourceType' of 'Bundle')")
    except InputError as exc:
        return fail(str(exc))
    try:
        result = import_bundle(data)
    except ValidationError as exc:
        return fail(f"{file}: {exc}")
    # Paths, reasons and problem codes only: never a value of the bundle.
    if report == "json":
        items = [{"path": p.path, "message": p.message, "code": p.code} for p in result.not_mapped]
        document = {"case": result.case is not None, "not_mapped": items}
        print(json.dumps(document, ensure_ascii=False), file=sys.stderr)
    else:
        for problem in result.not_mapped:
            print(f"medmassage: not imported: {file}: {problem}", file=sys.stderr)
    if result.case is None:
        if report == "text":
            print(f"medmassage: {file}: no case could be built; nothing written", file=sys.stderr)
        return EXIT_NO_CASE
    note = f" (a case of {len(result.case.sessions)} sessions)" if report == "text" else None
    return emit(output, to_json(result.case, indent=2) + "\n", note=note)
