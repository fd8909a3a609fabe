"""The ``medmassage`` command (also ``python -m medmassage``).

Each subcommand lives in ``medmassage._commands.<name>``, which defines
``HELP``, ``configure(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Final

__all__ = ["main"]

#: Subcommands, in the order ``--help`` lists them.
COMMANDS: Final = ("validate", "screen", "report", "billing", "fhir", "plugins")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="medmassage",
        description="Validate, screen, score, report and bill medical massage records.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"medmassage._commands.{name}")
        except ModuleNotFoundError as exc:  # pragma: no cover - only while a command is absent
            if exc.name != f"medmassage._commands.{name}":
                raise
            continue
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from importlib.metadata import version

        print(f"medmassage {version('medmassage')}")
        return 0
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = args._run(args)
    except BrokenPipeError:  # output piped into a program that stopped reading (| head)
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
