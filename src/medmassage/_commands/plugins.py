"""``medmassage plugins``: list modalities, rules and instruments, and load failures."""

from __future__ import annotations

import argparse
import json

HELP = "list every modality, rule and instrument with the distribution that supplied it"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if any plugin failed to load"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    """Print the default registry; with ``--check``, fail when a plugin failed."""
    from ..plugins import get_default_registry, report

    registry = get_default_registry()
    if args.json:
        print(json.dumps(registry.to_dict(), indent=2))
    else:
        print(report(registry))
    return 1 if args.check and registry.failures else 0
