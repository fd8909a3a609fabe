"""``medmassage plugins``: list modalities, rules and instruments, and load failures."""

from __future__ import annotations

import argparse
import json

from ._io import epilog, fail

HELP = "list every modality, rule and instrument with the distribution that supplied it"

EPILOG = epilog(
    {1: "with --check: some plugin failed to load (listed under failures)"}, reads=False
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if any plugin failed to load"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    """Print the default registry; with ``--check``, fail when a plugin failed."""
    from ..exceptions import MedmassageError
    from ..plugins import get_default_registry, report

    try:
        registry = get_default_registry()
    except MedmassageError as exc:  # e.g. the environment blocks a built-in
        return fail(f"plugins could not be loaded: {exc}")
    if args.json:
        print(json.dumps(registry.to_dict(), indent=2))
    else:
        print(report(registry))
    return 1 if args.check and registry.failures else 0
