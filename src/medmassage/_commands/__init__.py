"""Subcommands of the ``medmassage`` command line (private)."""
