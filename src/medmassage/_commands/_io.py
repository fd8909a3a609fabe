"""Shared input, output and exit statuses of the subcommands.

Every command reads its input through `load_document` (or `load`, `load_sessions`
on top of it) and writes files through `write_output`, so every command reads
the same encodings, enforces the same limits and writes files the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import select
import stat
import sys
from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .._atomic import replacing
from ..exceptions import MedmassageError, ValidationError

if TYPE_CHECKING:
    from ..sessions import Session

T = TypeVar("T")

#: Exit statuses, the same for every command.
EXIT_OK: Final = 0
EXIT_USAGE: Final = 2
EXIT_SOFTWARE: Final = 70
EXIT_IOERR: Final = 74
EXIT_INTERRUPTED: Final = 130
EXIT_PIPE: Final = 141

# How long a FIFO may stay silent before medmassage says it is waiting for a writer.
_FIFO_GRACE_MS: Final = 200


class InputError(Exception):
    """A file could not be read or parsed, or an argument is unusable; safe to print."""


class UnreadableError(InputError):
    """A file could not be read at all (missing, a folder, no permission, closed stdin)."""


class OutputError(Exception):
    """An output file could not be written; the message is safe to print."""


def fail(message: str) -> int:
    """Print *message* to standard error and return exit status 2."""
    print(f"medmassage: {message}", file=sys.stderr)
    return EXIT_USAGE


def shown(value: str) -> str:
    """Return a command-line value as a message may show it (quoted if it has odd characters)."""
    if value and value.isprintable() and not any(c.isspace() or c in "'\"" for c in value):
        return value
    return repr(value)


def parse_date(flag: str, value: str) -> dt.date:
    """Return the date a command-line flag gives as ``YYYY-MM-DD``.

    Raises:
        InputError: Naming the flag, if *value* is not such a date.
    """
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    raise InputError(f"{flag} {shown(value)}: expected a date YYYY-MM-DD")


def epilog(statuses: dict[int, str], *, reads: bool = True, writes: bool = False) -> str:
    """Return the ``--help`` epilog of a command: its input and output rules and exit statuses.

    Args:
        statuses: The command's own statuses, besides those every command has.
        reads: Whether the command reads a FILE.
        writes: Whether the command writes ``-o OUT``.
    """
    from .. import serialization

    lines: list[str] = []
    if reads:
        size = serialization.MAX_DOCUMENT_SIZE
        lines += [
            "input:",
            "  FILE is a JSON document of medmassage ('-' for standard input) in UTF-8,",
            "  with or without a byte order mark, or in UTF-16 or UTF-32 starting with one",
            "  (without one they are refused). Limits: "
            f"{size // (1024 * 1024)} MiB, nesting depth {serialization.MAX_DEPTH},",
            f"  {serialization.MAX_ITEMS} items per list. A syntax error is shown with its line",
            "  and column; a document of another kind (a Patient, a FHIR Bundle) is named.",
            "  A named pipe (FIFO) is read once a writer opens it; while none has,",
            "  'waiting for data on FIFO PATH' is printed to standard error.",
            "",
        ]
    if writes:
        lines += [
            "output:",
            "  OUT is written atomically (a temporary file in the same folder, then renamed),",
            "  keeping an existing file's permissions"
            + ("; it may not be the input file." if reads else "."),
            "  '-o -' writes to standard output.",
            "",
        ]
    every = {
        EXIT_OK: "success",
        EXIT_USAGE: "unusable input or usage (the message says which)",
        EXIT_SOFTWARE: "internal error (please report it)",
        EXIT_IOERR: "the output could not be written",
        EXIT_INTERRUPTED: "interrupted",
        EXIT_PIPE: "the program reading the output stopped (broken pipe)",
    }
    every.update(statuses)
    lines.append("exit status:")
    lines.extend(f"  {code:<4}{every[code]}" for code in sorted(every))
    return "\n".join(lines)


# -- reading ---------------------------------------------------------------------------


def _read_fd(fd: int, limit: int, path: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise InputError(f"{path}: {_size_message(limit)}")
    return b"".join(chunks)


def _size_message(limit: int) -> str:
    from ..serialization._limits import size_problem

    return size_problem(limit).message


def _wait_for_writer(fd: int, path: str) -> None:
    """Wait until a FIFO opened without blocking has data or its writer closed it."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if not poller.poll(_FIFO_GRACE_MS):
        print(f"medmassage: waiting for data on FIFO {path}", file=sys.stderr, flush=True)
        poller.poll()


def read(path: str) -> bytes:
    """Return the bytes of *path* (``-`` for standard input), at most the size limit.

    Reads at most `medmassage.serialization.MAX_DOCUMENT_SIZE` + 1 bytes, so an
    endless stream (``/dev/zero``) is refused after that. A FIFO is read once a
    writer opens it; if none has within a moment, a message says so on standard
    error before waiting.

    Raises:
        UnreadableError: If the file cannot be read (missing, a folder, no permission).
        InputError: If it is larger than the size limit.
    """
    from .. import serialization

    limit = serialization.MAX_DOCUMENT_SIZE
    if path == "-":
        stdin = sys.stdin
        if stdin is None:
            raise UnreadableError("-: standard input is closed")
        with contextlib.suppress(AttributeError, ValueError, OSError):
            if stdin.isatty():
                print("medmassage: reading standard input (end it with Ctrl-D)", file=sys.stderr)
        try:
            data = stdin.buffer.read(limit + 1)
        except OSError as exc:
            raise UnreadableError(f"-: cannot read standard input ({exc.strerror})") from None
        if len(data) > limit:
            raise InputError(f"-: {_size_message(limit)}")
        return data
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    try:
        # Never block in open(): a FIFO without a writer is waited for below, visibly.
        fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnreadableError(f"{path}: cannot read file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableError(f"{path}: cannot read file (it is a folder)")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise InputError(f"{path}: {_size_message(limit)}")
        if stat.S_ISFIFO(info.st_mode) and nonblocking and hasattr(select, "poll"):
            _wait_for_writer(fd, path)
        if nonblocking:
            os.set_blocking(fd, True)
        return _read_fd(fd, limit, path)
    except OSError as exc:
        raise UnreadableError(f"{path}: cannot read file ({exc.strerror})") from None
    finally:
        os.close(fd)


def _one_line(exc: ValidationError) -> str:
    """A document-level problem as one line; anything else as the error's own lines."""
    if len(exc.problems) == 1 and not exc.problems[0].path:
        return exc.problems[0].message
    return str(exc)


def load_document(path: str, *, accepts: tuple[str, ...] = (), what: str = "") -> dict[str, Any]:
    """Read *path* as a JSON object, within the limits (see `read`).

    The text is UTF-8 (a byte order mark is skipped), or UTF-16 or UTF-32 that
    starts with its byte order mark. RFC 8259 section 8.1 lets a parser ignore a
    byte order mark and asks for UTF-8 only between systems outside a closed
    ecosystem; RFC 7159 section 8.1 allowed UTF-16 and UTF-32. A byte order mark
    names them without doubt (Windows PowerShell writes UTF-16 with one), so a
    file someone saved that way is read rather than refused. UTF-16 and UTF-32
    without one are refused, naming the encoding.

    Raises:
        UnreadableError: If the file cannot be read.
        InputError: With a one-line message naming the file: too large, nested
            too deeply, not in an encoding above (located by byte, line and
            column), not valid JSON (with the line and column of the text), or
            not a JSON object (an array of documents says what its first item is
            and, if *what* says what the command needs, that it needs *what*).
    """
    from .. import serialization
    from ..serialization._text import json_kind, parse

    raw = read(path)
    try:
        data = parse(
            raw, None, serialization.MAX_DOCUMENT_SIZE, serialization.MAX_DEPTH, marked=True
        )
    except ValidationError as exc:
        raise InputError(f"{path}: {_one_line(exc)}") from None
    if type(data) is not dict:
        if type(data) is list:
            refuse_other_kind(path, data, accepts, what)
        raise InputError(f"{path}: expected a JSON object, not {json_kind(data)}")
    return data


def refuse_other_kind(
    path: str, data: dict[str, Any] | list[Any], accepts: tuple[str, ...], what: str
) -> None:
    """Raise `InputError` naming what *data* is, if it is not a kind in *accepts*.

    *accepts* names kinds as `medmassage._commands._kinds` does (model names such
    as ``"Case"``); *what* says what the command needs (``"a Case"``).
    """
    from ._kinds import message

    text = message(data, accepts, what)
    if text is not None:
        raise InputError(f"{path}: {text}")


def structure(
    model: type[T],
    path: str,
    data: dict[str, Any],
    *,
    accepts: tuple[str, ...] = (),
    what: str = "",
) -> T:
    """Build *model* from *data*, read from *path*.

    A document that cannot be read as *model* and looks like another kind
    than those *accepts* names (default: *model* itself) is named ("this looks
    like a Patient document; `report` needs a Case", *what* being ``"a Case"``).

    Raises:
        InputError: With a message naming the file and what it is, or every problem.
    """
    from ..serialization import from_dict

    try:
        return from_dict(model, data)
    except MedmassageError as exc:
        refuse_other_kind(path, data, accepts or (model.__name__,), what or f"a {model.__name__}")
        raise InputError(f"{path}: {exc}") from None


def load(model: type[T], path: str) -> T:
    """Read *path* (``-`` for standard input) as a JSON document of *model*.

    Raises:
        InputError: With a message naming the file and what it is (if it is
            another kind of document) or every problem.
    """
    kinds, what = (model.__name__,), f"a {model.__name__}"
    return structure(model, path, load_document(path, accepts=kinds, what=what))


def load_sessions(path: str) -> tuple[list[Session], list[str]]:
    """Read *path* as a `Case` or a single `Session` document.

    Returns the sessions and, for a case, its plan's diagnosis codes.

    Raises:
        InputError: With a message naming the file and what it is (if it is
            another kind of document) or every problem.
    """
    from ..cases import Case
    from ..sessions import Session
    from ._kinds import identify

    kinds, what = ("Session", "Case"), "a Session or a Case"
    data = load_document(path, accepts=kinds, what=what)
    found = identify(data, kinds)
    # A case missing its plan is still read (and its problems listed) as a case.
    if ("plan" in data and "patient" in data) or (found is not None and found[0] == "Case"):
        case = structure(Case, path, data, accepts=kinds, what=what)
        return list(case.sessions), [d.code for d in case.plan.diagnoses]
    return [structure(Session, path, data, accepts=kinds, what=what)], []


# -- writing ---------------------------------------------------------------------------


def output_format(output: str | None, formats: Mapping[str, str], writes: str) -> str | None:
    """The format OUT's suffix names, refusing a suffix the command cannot write.

    Every command that writes ``-o OUT`` checks it here, before reading its
    input, so ``-o report.pdf`` is refused, never answered with HTML under a
    ``.pdf`` name.

    Args:
        output: OUT as given (None or ``-``: standard output, no suffix).
        formats: The format of each suffix the command writes (``{".md": "md"}``).
        writes: What the command writes, with the suffixes, for the message
            (``"the bundle is FHIR JSON (.json)"``).

    Returns:
        The format of OUT's suffix, or None if OUT has no suffix.

    Raises:
        InputError: Naming ``-o``, if OUT has a suffix not in *formats* (in any case).
    """
    if not output or output == "-":
        return None
    suffix = PurePath(output).suffix.lower()
    if not suffix:
        return None
    found = formats.get(suffix)
    if found is None:
        raise InputError(f"-o {shown(output)}: cannot write {shown(suffix)} files; {writes}")
    return found


def check_output(output: str | None, *inputs: str) -> None:
    """Refuse an output path that is one of the input files (also through links).

    Raises:
        InputError: If *output* is the same file as one of *inputs*.
    """
    if not output or output == "-":
        return
    for source in inputs:
        if source == "-":
            continue
        try:
            same = os.path.samefile(output, source)
        except OSError:  # one of them does not exist (yet): not the same file
            same = False
        if same:
            raise InputError(
                f"-o {shown(output)}: is the input file {shown(source)}; "
                "write the output to another file"
            )


def emit(output: str | None, text: str, *, note: str | None = "") -> int:
    """Write a command's result to ``-o OUT`` (atomically) or standard output.

    Returns 0, or `EXIT_IOERR` after saying why on standard error (an existing
    OUT is left as it was). When OUT is a file, ``wrote OUT`` and *note* are
    said on standard error; *note* ``None`` says nothing.
    """
    try:
        write_output(output or "-", text)
    except OutputError as exc:
        print(f"medmassage: {exc}", file=sys.stderr)
        return EXIT_IOERR
    if output and output != "-" and note is not None:
        print(f"wrote {output}{note}", file=sys.stderr)
    return 0


def write_output(path: str, text: str) -> None:
    """Write *text* (UTF-8) to *path* atomically; ``-`` writes to standard output.

    The text goes to a temporary file in the same folder, is flushed and synced,
    and replaces *path* in one step, so a reader sees the old file or the new one,
    never a part. An existing file keeps its permission bits; a new one gets the
    usual ones (0666 less the umask). On any failure the temporary file is
    removed and an existing file is left as it was. A path that is not a regular
    file (``/dev/null``, a FIFO) is written directly.

    Raises:
        OutputError: If the file cannot be written.
    """
    if path == "-":
        sys.stdout.write(text)
        return
    data = text.encode("utf-8")
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write file ({exc.strerror})") from None
    try:
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path}: cannot write file (it is a folder)")
        if info is not None and not stat.S_ISREG(info.st_mode):
            with open(path, "wb") as out:  # /dev/stdout, a FIFO: nothing to replace
                out.write(data)
            return
        # Through a link, replace the file it points to and keep the link.
        _replace(os.path.realpath(path), data, info)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write file ({exc.strerror})") from None


def _replace(target: str, data: bytes, info: os.stat_result | None) -> None:
    with replacing(target, info) as out:
        out.write(data)
