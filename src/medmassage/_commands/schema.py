"""``medmassage schema``: print the JSON Schema of a document model's JSON form."""

from __future__ import annotations

import argparse
import textwrap

from ._io import (
    EXIT_IOERR,
    InputError,
    emit,
    epilog,
    fail,
    output_format,
)

HELP = "print the JSON Schema (Draft 2020-12) of a medmassage document, such as a Case"


def _names() -> str:
    """The document models, wrapped as ``--help`` shows them."""
    from ..schemas import shipped

    return textwrap.fill(
        ", ".join(shipped()) + " (in any letter case)",
        width=80,
        initial_indent="  ",
        subsequent_indent="  ",
    )


EPILOG = f"models:\n{_names()}\n\n" + epilog(
    {EXIT_IOERR: "OUT could not be written (an existing OUT is left as it was)"},
    reads=False,
    writes=True,
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument(
        "model", metavar="MODEL", help="the document model, such as Case or Patient (see below)"
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write here (a .json file) instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    """Print or write the schema; exit 0, 2 for an unknown model or OUT, or 74 if OUT failed."""
    from ..exceptions import UsageError
    from ..schemas import model, schema_text

    try:
        output_format(args.output, {".json": "json"}, "a schema is JSON (.json)")
        text = schema_text(model(args.model))
    except InputError as exc:
        return fail(str(exc))
    except UsageError as exc:
        return fail(str(exc))
    return emit(args.output, text)
