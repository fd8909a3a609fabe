"""The ``medmassage`` command (also ``python -m medmassage``).

Each subcommand lives in ``medmassage._commands.<name>``, which defines
``HELP``, ``EPILOG``, ``configure(parser)`` and ``run(args) -> int``.

`main` is a safety net: whatever a command, or plugin code it runs, raises, the
user sees one line on standard error and a documented exit status, never a
traceback (which could quote patient data). Every command's ``--help`` lists
its exit statuses; these are common to all:

======  ==================================================================
status  meaning
======  ==================================================================
0       success
2       unusable input or usage (the message says which)
70      internal error: an unexpected exception, named by its type only
74      standard output or the output file could not be written
130     interrupted (Ctrl-C)
141     the program reading standard output stopped (broken pipe); silent
======  ==================================================================

``screen`` also exits 1 (defer) and 3 (indeterminate), ``validate`` 1 when a
file is invalid, ``plugins --check`` 1 when a plugin failed to load, ``demo`` 1
when a case could not go through every step.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Final, TextIO, cast

__all__ = ["main"]

#: Subcommands, in the order ``--help`` lists them.
COMMANDS: Final = (
    "validate",
    "screen",
    "report",
    "billing",
    "fhir",
    "schema",
    "plugins",
    "demo",
)


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser: options may come before, between or after its positionals.

    ``medmassage fhir export -o out.json case.json`` reads as
    ``medmassage fhir export case.json -o out.json`` (argparse's intermixed parsing;
    plain parsing ends the positionals at the first option).
    """

    _intermixing = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._intermixing:  # the intermixed parse calls back here for each pass
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    from ._commands._io import epilog

    parser = argparse.ArgumentParser(
        prog="medmassage",
        description="Validate, screen, score, report and bill medical massage records.",
        epilog="Run 'medmassage COMMAND --help' for a command's input rules and exit statuses.\n\n"
        + epilog({}, reads=False),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_CommandParser
    )
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"medmassage._commands.{name}")
        except ModuleNotFoundError as exc:  # pragma: no cover - only while a command is absent
            if exc.name != f"medmassage._commands.{name}":
                raise
            continue
        sub = subparsers.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=getattr(module, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


class _OutputFailed(Exception):
    """Writing standard output failed; carries the `OSError`."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror)
        self.error = error


class _Guarded:
    """A standard stream whose write failures are told apart from other errors.

    On standard output they raise `_OutputFailed`; on standard error (diagnostics,
    best effort) they are ignored.
    """

    def __init__(self, stream: TextIO | None, *, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet

    def _failed(self, error: OSError) -> None:
        if not self.quiet:
            raise _OutputFailed(error)

    def write(self, text: str) -> int:
        if self.stream is None:
            self._failed(OSError(errno.EBADF, "it is closed"))
            return len(text)
        try:
            return self.stream.write(text)
        except OSError as exc:
            self._failed(exc)
        except UnicodeEncodeError:
            encoding = getattr(self.stream, "encoding", None) or "its encoding"
            self._failed(
                OSError(
                    errno.EILSEQ,
                    f"{encoding} cannot encode the text; set PYTHONIOENCODING=utf-8",
                )
            )
        return len(text)

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except OSError as exc:
            self._failed(exc)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def _say(message: str) -> None:
    with contextlib.suppress(Exception):
        print(f"medmassage: {message}", file=sys.stderr)


def _output_failed(error: OSError, stream: TextIO | None) -> int:
    """Report a failed write of standard output; return the exit status.

    A broken pipe (the reader stopped) is silent. Either way standard output is
    pointed at the null device, so Python's own flush at exit cannot fail again
    and print "Exception ignored ...".
    """
    from ._commands._io import EXIT_IOERR, EXIT_PIPE

    with contextlib.suppress(Exception):
        if stream is not None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, stream.fileno())
            finally:
                os.close(devnull)
    if error.errno == errno.EPIPE:
        return EXIT_PIPE
    _say(f"cannot write to standard output ({error.strerror or type(error).__name__})")
    return EXIT_IOERR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Argument errors exit through argparse as usual (`SystemExit`, status 2;
    ``--help`` 0). After that nothing escapes: an unexpected exception, even a
    `SystemExit`, `MemoryError` or `RecursionError` raised by plugin code, is
    reported as ``medmassage: internal error (TypeName); please report it``
    with status 70; Ctrl-C gives status 130; a standard output that is closed,
    full or a broken pipe gives 74 (141, silently, for a broken pipe).
    """
    saved_out, saved_err = sys.stdout, sys.stderr
    out = _Guarded(saved_out, quiet=False)
    sys.stdout = cast(TextIO, out)
    sys.stderr = cast(TextIO, _Guarded(saved_err, quiet=True))
    try:
        return _main(argv, out)
    finally:
        sys.stdout, sys.stderr = saved_out, saved_err


def _main(argv: Sequence[str] | None, out: _Guarded) -> int:
    from ._commands._io import EXIT_INTERRUPTED, EXIT_SOFTWARE

    parsed = False
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        parsed = True
        status = _dispatch(parser, args)
        out.flush()
        return status
    except SystemExit as exc:
        if parsed:  # raised by a command or plugin code, not by argparse
            _say(f"internal error ({type(exc).__name__}); please report it")
            return EXIT_SOFTWARE
        try:
            out.flush()
        except _OutputFailed as failed:
            return _output_failed(failed.error, out.stream)
        raise
    except _OutputFailed as failed:
        return _output_failed(failed.error, out.stream)
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BaseException as exc:  # the safety net: one line, no traceback, no message text
        _say(f"internal error ({type(exc).__name__}); please report it")
        return EXIT_SOFTWARE


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.version:
        from importlib.metadata import version

        print(f"medmassage {version('medmassage')}")
        return 0
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    from ._commands._kinds import command

    token = command.set(args.command)  # for messages that name the command
    try:
        status: int = args._run(args)
    finally:
        command.reset(token)
    return status
