"""``python -m medmassage.schemas``: regenerate the shipped schema files, or check them.

``--write`` writes every document model's schema into the package's schema
folder (each file atomically, through the command line's one writer) and removes
files of models that no longer exist; ``--check`` (the default) lists the files
that differ from a fresh generation and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .._commands._io import OutputError, write_output
from . import FOLDER, generate_all, stale


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate (``--write``) or check (``--check``) the shipped schemas; return the status."""
    parser = argparse.ArgumentParser(
        prog="python -m medmassage.schemas",
        description="Regenerate or check the JSON Schema files shipped with medmassage.",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="regenerate the shipped files")
    action.add_argument(
        "--check", action="store_true", help="exit 1 if a shipped file is stale (the default)"
    )
    args = parser.parse_args(argv)
    if not args.write:
        found = stale()
        for name in found:
            print(f"stale: {name}", file=sys.stderr)
        return 1 if found else 0
    folder = Path(__file__).resolve().parent / FOLDER
    folder.mkdir(exist_ok=True)
    fresh = generate_all()
    try:
        for name, text in fresh.items():
            write_output(str(folder / name), text)
    except OutputError as exc:
        print(f"medmassage: {exc}", file=sys.stderr)
        return 74
    for path in folder.glob("*.schema.json"):
        if path.name not in fresh:
            path.unlink()
    print(f"wrote {len(fresh)} schemas to {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
