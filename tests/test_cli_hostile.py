"""Hostile input and output for every command: documented exit statuses, never a traceback.

Most cases run in process through ``main()``; the ones that need a real process
(closed, full or broken standard output, FIFOs, signals, /dev/zero, the
interpreter's own exit) run ``python -m medmassage``, several at a time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import medmassage
from medmassage import serialization
from medmassage.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lumbar_disc_herniation.json"
SRC = Path(medmassage.__file__).resolve().parent.parent
FILE_COMMANDS = ("validate", "screen", "report", "billing", "fhir")

# The exit status each command gives for a file it can read but not use; validate
# reports such a file as INVALID (1), the others refuse it (2).
UNUSABLE = {"validate": 1, "screen": 2, "report": 2, "billing": 2, "fhir": 2}


def hostile_files(root: Path) -> dict[str, tuple[Path, str]]:
    """Hostile inputs by name: the file and a fragment of the message it must give."""
    text = EXAMPLE.read_text(encoding="utf-8")
    files: dict[str, tuple[bytes, str]] = {
        "deep": (b"[" * 100_000 + b"]" * 100_000, "nested deeper than the depth limit of 64"),
        "deep_objects": (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "depth limit of 64"),
        "deep_amendments": (deep_amendments(), "depth limit of 64"),
        "invalid_utf8": (b'{"schema_version": 1, "x": "\xff"}', "byte 28 is not valid UTF-8"),
        "utf16": (text.encode("utf-16-le"), "not UTF-16 (little-endian) without one: convert"),
        "utf16be": (text.encode("utf-16-be"), "not UTF-16 (big-endian)"),
        "utf32": (text.encode("utf-32-le"), "not UTF-32 (little-endian)"),
        "truncated": (text.encode()[:5000], "not valid JSON: line "),
        "syntax": (b'{\n  "a": 1\n  "b": 2\n}', "not valid JSON: line 3, column 3: Expecting ','"),
        "empty": (b"", "not valid JSON: line 1, column 1: Expecting value"),
        "list": (b"[1, 2]", "expected a JSON object, not an array"),
        "string": (b'"case"', "expected a JSON object, not a string"),
        "nan": (b'{"schema_version": NaN}', "NaN, Infinity and -Infinity are not allowed"),
        "long_list": (long_list(text), "more items than the limit (1000) for one list"),
    }
    out = {}
    for name, (data, message) in files.items():
        path = root / f"{name}.json"
        path.write_bytes(data)
        out[name] = (path, message)
    return out


def deep_amendments() -> bytes:
    doc: dict[str, Any] = {"id": "s", "patient_id": "p", "practitioner_id": "r"}
    text = json.dumps(doc)
    for _ in range(40):
        text = '{"amendments": [{"original": ' + text + "}]}"
    return text.encode()


def long_list(text: str) -> bytes:
    data = json.loads(text)
    data["patient"]["conditions"] = data["patient"]["conditions"] * 600
    return json.dumps(data).encode()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return hostile_files(tmp_path_factory.mktemp("hostile"))


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


# -- in process: every command, every hostile file ---------------------------------------


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_every_hostile_file_is_refused_with_its_message(
    command: str, files: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each hostile file gives the command's status for unusable input and a clear message."""
    for name, (path, message) in files.items():
        status, out, err = run_main(capsys, command, str(path))
        assert status == UNUSABLE[command], (name, status, err)
        shown = out if command == "validate" else err
        assert message in shown, (name, shown)
        assert f"{path}:" in shown, name
        if command == "validate":
            assert out.endswith("0 valid, 1 invalid\n"), name
        else:
            assert out == "", name
            assert err.count("\n") == 1 or name == "long_list", (name, err)


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_bom_is_read_by_every_command(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """UTF-8 with a byte order mark is read like UTF-8 by every command (one rule for all)."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    status, out, _ = run_main(
        capsys, command, str(path), *(["--json"] if command == "screen" else [])
    )
    assert status == 0
    assert out


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_unreadable_paths_exit_2(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A missing file, a folder and a permission error are named, exit status 2."""
    status, _, err = run_main(capsys, command, str(tmp_path / "missing.json"))
    assert status == 2
    missing = tmp_path / "missing.json"
    assert err == f"medmassage: {missing}: cannot read file (No such file or directory)\n"
    if command != "validate":  # validate reads the *.json of a folder
        status, _, err = run_main(capsys, command, str(tmp_path))
        assert status == 2
        assert err == f"medmassage: {tmp_path}: cannot read file (it is a folder)\n"
    locked = tmp_path / "locked.json"
    locked.write_bytes(EXAMPLE.read_bytes())
    real_open = os.open

    def denied(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    status, _, err = run_main(capsys, command, str(locked))
    assert status == 2
    assert err == f"medmassage: {locked}: cannot read file (Permission denied)\n"


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_size_limit_reads_no_more_than_the_limit(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/dev/zero, a big file and a big standard input are refused after limit + 1 bytes."""
    monkeypatch.setattr(serialization, "MAX_DOCUMENT_SIZE", 1000)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 1001 + b"{}")
    expected = UNUSABLE[command]
    for path in ("/dev/zero", str(big)):
        status, out, err = run_main(capsys, command, path)
        assert status == expected
        assert "document is larger than the size limit of 1000 bytes" in out + err

    class Endless:
        """Standard input that never ends, counting what is read."""

        read_bytes = 0

        def read(self, n: int = -1) -> bytes:
            assert n > 0, "read everything into memory"
            self.read_bytes += n
            return b" " * n

    endless = Endless()
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": endless})())
    status, out, err = run_main(capsys, command, "-")
    assert status == expected
    assert "-: document is larger than the size limit of 1000 bytes" in out + err
    assert endless.read_bytes == 1001


def test_closed_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """'-' with standard input closed is a clear error."""
    monkeypatch.setattr(sys, "stdin", None)
    status, _, err = run_main(capsys, "screen", "-")
    assert (status, err) == (2, "medmassage: -: standard input is closed\n")


# -- in process: the safety net -----------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "name"),
    [
        (RecursionError("deep"), "RecursionError"),
        (MemoryError(), "MemoryError"),
        (SystemExit(0), "SystemExit"),
        (SystemExit(1), "SystemExit"),
        (ValueError("patient Jane Doe, born 1979-05-14"), "ValueError"),
        (GeneratorExit(), "GeneratorExit"),
    ],
)
def test_unexpected_exceptions_are_one_line_and_status_70(
    error: BaseException,
    name: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever a command or plugin raises after parsing: one line, no text, status 70."""
    from medmassage._commands import screen

    def explode(args: Any) -> int:
        raise error

    monkeypatch.setattr(screen, "run", explode)
    status, out, err = run_main(capsys, "screen", str(EXAMPLE))
    assert status == 70
    assert err == f"medmassage: internal error ({name}); please report it\n"
    assert out == ""
    assert "Jane" not in err


def test_keyboard_interrupt_is_status_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C gives 'medmassage: interrupted' and status 130."""
    from medmassage._commands import billing

    def interrupted(args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(billing, "run", interrupted)
    assert run_main(capsys, "billing", str(EXAMPLE)) == (130, "", "medmassage: interrupted\n")


def test_argparse_help_and_usage_errors_still_exit(capsys: pytest.CaptureFixture[str]) -> None:
    """--help exits 0 and a usage error 2, through argparse's SystemExit as before."""
    with pytest.raises(SystemExit) as info:
        main(["screen", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "exit status:" in out
    with pytest.raises(SystemExit) as info:
        main(["screen", "--no-such-flag", str(EXAMPLE)])
    assert info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


class FailingStdout:
    """A standard output whose writes fail with *error*."""

    def __init__(self, error: OSError) -> None:
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (BrokenPipeError(32, "Broken pipe"), 141, ""),
        (OSError(28, "No space left on device"), 74, "(No space left on device)"),
    ],
)
def test_failing_standard_output_in_process(
    error: OSError,
    status: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failing standard output is told apart from internal errors; the net restores it."""
    fake = FailingStdout(error)
    monkeypatch.setattr(sys, "stdout", fake)
    assert main(["billing", str(EXAMPLE)]) == status
    assert sys.stdout is fake
    err = capsys.readouterr().err
    if message:
        assert err == f"medmassage: cannot write to standard output {message}\n"
    else:
        assert err == ""


def test_unencodable_output_is_an_output_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A standard output that cannot encode the text says how to fix it (status 74)."""

    class Ascii:
        encoding = "ascii"

        def write(self, text: str) -> int:
            text.encode("ascii")
            return len(text)

        def flush(self) -> None:
            pass

    monkeypatch.setattr(sys, "stdout", Ascii())
    assert main(["report", str(EXAMPLE), "--format", "md"]) == 74
    assert "set PYTHONIOENCODING=utf-8" in capsys.readouterr().err


# -- in process: flags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["billing", "--map", "core.deep_tissue"], "--map core.deep_tissue: expected MODALITY=CPT"),
        (["billing", "--map", "=97140"], "--map =97140: expected MODALITY=CPT"),
        (
            ["billing", "--map", "core.swedish=abc"],
            "--map core.swedish=abc: expected a five-character CPT",
        ),
        (["billing", "--map", "a=b=c"], "--map a=b=c: expected a five-character CPT"),
        (
            ["billing", "--map", "Core Swedish=97124"],
            "--map 'Core Swedish=97124': 'Core Swedish' is not a modality key",
        ),
        (
            ["billing", "--map", "core.swedsh=97124"],
            "--map core.swedsh=97124: no session uses modality core.swedsh",
        ),
        (["billing", "--policy", "nope"], "--policy nope: unknown billing policy"),
        (["billing", "--dx", ""], "--dx '': expected an ICD-10-CM code"),
        (["screen", "--on", "2026-1-1"], "--on 2026-1-1: expected a date YYYY-MM-DD"),
        (["screen", "--on", "20260101"], "--on 20260101: expected a date YYYY-MM-DD"),
        (["screen", "--session", "nope"], "no session with id 'nope'"),
        (["report", "--as-of", "yesterday"], "--as-of yesterday: expected a date YYYY-MM-DD"),
        (["fhir", "--on", "2026-02-30"], "--on 2026-02-30: expected a date YYYY-MM-DD"),
    ],
)
def test_bad_flag_values_speak_of_the_flag(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every bad flag value is named as the user typed it, never as a Python argument."""
    status, _, err = run_main(capsys, argv[0], str(EXAMPLE), *argv[1:])
    assert status == 2
    assert message in err
    for python in ("mapping[", "diagnoses[", "kwargs", "argument", "()"):
        assert python not in err


def test_screen_document_with_both_forms_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lumbar_data: dict[str, Any]
) -> None:
    """'session' next to 'sessions' is ambiguous and refused, not silently overwritten."""
    lumbar_data["session"] = lumbar_data["sessions"][0]
    path = tmp_path / "both.json"
    path.write_text(json.dumps(lumbar_data))
    status, _, err = run_main(capsys, "screen", str(path))
    assert status == 2
    assert "has both 'session' and 'sessions'" in err


def test_screen_problems_are_located_where_the_file_has_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lumbar_data: dict[str, Any]
) -> None:
    """A problem of the single 'session' is reported at session..., not sessions[0]...."""
    session = lumbar_data.pop("sessions")[0]
    session["duration"] = {"value": 5, "unit": "kPa"}
    lumbar_data["session"] = session
    lumbar_data["practitioner"] = {}
    del lumbar_data["practitioners"]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(lumbar_data))
    status, _, err = run_main(capsys, "screen", str(path))
    assert status == 2
    assert "  session.duration.unit:" in err
    assert "  practitioner.id: required" in err  # an empty practitioner is not skipped
    assert "sessions[0]" not in err


def test_plugins_check_exits_1_when_a_plugin_failed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """plugins --check is non-zero when the registry has failures, 0 without --check."""
    import attrs

    from medmassage import plugins
    from medmassage.exceptions import PluginLoadError

    real = plugins.get_default_registry()
    failure = plugins.PluginFailure(
        group=plugins.RULES_GROUP,
        name="x.broken",
        distribution="x",
        kind="import",
        cause="cannot import x.broken",
        error=PluginLoadError("cannot import x.broken"),
    )
    broken = attrs.evolve(real, failures=(failure,))
    monkeypatch.setattr(plugins, "get_default_registry", lambda: broken)
    assert run_main(capsys, "plugins", "--check")[0] == 1
    assert run_main(capsys, "plugins")[0] == 0


# -- in process: output files ----------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(("name", "suffix"), [("report", ".html"), ("fhir", ".json")])
@pytest.mark.parametrize(
    ("broken", "error"),
    [("replace", OSError(28, "No space left on device")), ("fsync", OSError(5, "I/O error"))],
)
def test_failed_write_leaves_the_old_file_and_no_temporary(
    name: str,
    suffix: str,
    broken: str,
    error: OSError,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If writing fails at any step, OUT keeps its old content and the temporary file is gone."""
    out = tmp_path / f"out{suffix}"
    out.write_text("old")

    def fail(*args: Any) -> None:
        raise error

    monkeypatch.setattr(os, broken, fail)
    status, _, err = run_main(capsys, name, str(EXAMPLE), "-o", str(out), "--no-screening")
    assert status == 74
    assert err == f"medmassage: {out}: cannot write file ({error.strerror})\n"
    assert out.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_interrupted_write_leaves_no_temporary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the write: status 130, the old file intact, no temporary file."""
    out = tmp_path / "out.md"
    out.write_text("old")

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    assert run_main(capsys, "report", str(EXAMPLE), "-o", str(out))[0] == 130
    assert out.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_write_keeps_permissions_and_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing OUT keeps its mode; a link is written through and stays a link."""
    out = tmp_path / "report.html"
    out.write_text("old")
    out.chmod(0o640)
    assert run_main(capsys, "report", str(EXAMPLE), "-o", str(out))[0] == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out.stat().st_mode & 0o777 == 0o640
    link = tmp_path / "latest.html"
    link.symlink_to(out.name)
    assert (
        run_main(capsys, "report", str(EXAMPLE), "-o", str(link), "--as-of", "2026-01-20")[0] == 0
    )
    assert link.is_symlink()
    assert "2026-01-20" in out.read_text(encoding="utf-8")
    fresh = tmp_path / "new.md"
    umask = os.umask(0o022)
    try:
        assert run_main(capsys, "report", str(EXAMPLE), "-o", str(fresh))[0] == 0
    finally:
        os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o644
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["report", "fhir"])
def test_output_over_the_input_is_refused(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OUT may not be the input file: same path, through a symlink or a hard link."""
    source = tmp_path / ("case.md" if name == "report" else "case.json")
    source.write_bytes(EXAMPLE.read_bytes())
    symlink = tmp_path / f"link{source.suffix}"
    symlink.symlink_to(source.name)
    hardlink = tmp_path / f"hard{source.suffix}"
    os.link(source, hardlink)
    for out in (source, symlink, hardlink):
        status, _, err = run_main(capsys, name, str(source), "-o", str(out))
        assert status == 2
        assert f"is the input file {source}" in err
    assert source.read_bytes() == EXAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-o", "report.pdf"], "-o report.pdf: cannot write .pdf files"),
        (["-o", "report.txt"], "-o report.txt: cannot write .txt files"),
        (["-o", "report.md", "--format", "html"], "--format html contradicts -o report.md"),
        (["-o", "report.HTM", "--format", "md"], "--format md contradicts -o report.HTM"),
    ],
)
def test_report_refuses_suffixes_it_cannot_write(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A .pdf OUT is refused (never HTML under a .pdf name), as is a contradicting --format."""
    monkeypatch.chdir(tmp_path)
    status, _, err = run_main(capsys, "report", str(EXAMPLE), *argv)
    assert status == 2
    assert message in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("out", "first"),
    [
        ("r.htm", "<!DOCTYPE html>"),
        ("r.markdown", "# "),
        ("r.MD", "# "),
        ("report", "<!DOCTYPE html>"),
    ],
)
def test_report_format_follows_the_suffix(
    out: str,
    first: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """.html/.htm is HTML, .md/.markdown Markdown (any case); no suffix is HTML."""
    assert run_main(capsys, "report", str(EXAMPLE), "-o", str(tmp_path / out))[0] == 0
    assert (tmp_path / out).read_text(encoding="utf-8").startswith(first)


def test_output_dash_and_unwritable_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'-o -' is standard output; a missing folder or a folder as OUT is status 74."""
    status, out, err = run_main(capsys, "report", str(EXAMPLE), "-o", "-", "--format", "md")
    assert (status, err) == (0, "")
    assert out.startswith("# ")
    missing = tmp_path / "no" / "such" / "r.html"
    status, _, err = run_main(capsys, "report", str(EXAMPLE), "-o", str(missing))
    assert (status, err) == (
        74,
        f"medmassage: {missing}: cannot write file (No such file or directory)\n",
    )
    folder = tmp_path / "folder.html"
    folder.mkdir()
    status, _, err = run_main(capsys, "report", str(EXAMPLE), "-o", str(folder))
    assert (status, err) == (74, f"medmassage: {folder}: cannot write file (it is a folder)\n")
    assert run_main(capsys, "report", str(EXAMPLE), "-o", os.devnull)[0] == 0


# -- real processes ------------------------------------------------------------------------


def command(*argv: str) -> list[str]:
    return [sys.executable, "-m", "medmassage", *argv]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env["MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env.pop("PYTHONIOENCODING", None)
    return env


def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        argv,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
        env=environment(),
        **kwargs,
    )


def in_parallel(cases: list[Callable[[], None]]) -> None:
    """Run independent subprocess checks a few at a time; re-raise the first failure."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(case) for case in cases]:
            future.result()


ARGV = {name: [name, str(EXAMPLE)] for name in FILE_COMMANDS} | {
    "plugins": ["plugins"],
    "help": ["screen", "--help"],
}


def test_hostile_files_in_real_processes(files: dict[str, tuple[Path, str]]) -> None:
    """Deep, huge and malformed input, /dev/zero: the documented status, no traceback."""

    def check(name: str, path: str, message: str) -> Callable[[], None]:
        def case() -> None:
            done = run(command(name, path))
            assert "Traceback" not in done.stderr, (name, path, done.stderr)
            assert "Exception ignored" not in done.stderr
            assert done.returncode == UNUSABLE[name], (name, path, done.returncode, done.stderr)
            assert message in done.stdout + done.stderr, (name, path)

        return case

    size = "document is larger than the size limit of 16 MiB (16777216 bytes)"
    cases = [check(name, "/dev/zero", size) for name in FILE_COMMANDS]
    for key in ("deep", "deep_amendments", "utf16"):
        path, message = files[key]
        cases += [check(name, str(path), message) for name in FILE_COMMANDS]
    in_parallel(cases)


def test_hostile_standard_input_in_real_processes() -> None:
    """Invalid UTF-8 and endless zeros on standard input ('-') are refused, no traceback."""

    def check(name: str, data: bytes, message: str) -> Callable[[], None]:
        def case() -> None:
            done = subprocess.run(
                command(name, "-"),
                input=data,
                capture_output=True,
                timeout=60,
                check=False,
                env=environment(),
            )
            err = done.stderr.decode()
            assert "Traceback" not in err
            assert done.returncode == UNUSABLE[name], (name, err)
            assert message in (done.stdout.decode() + err)

        return case

    big = b" " * (serialization.MAX_DOCUMENT_SIZE + 10)
    in_parallel(
        [check(name, b"\xff\xfe{", "expected UTF-16 (little-") for name in FILE_COMMANDS]
        + [check(name, big, "larger than the size limit") for name in ("screen", "validate")]
    )


@pytest.fixture
def closed_pipe() -> Iterator[int]:
    """The write end of a pipe whose reader is already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    yield write_end
    os.close(write_end)


def test_closed_full_and_broken_standard_output(closed_pipe: int) -> None:
    """>&- and /dev/full: one line and 74; a broken pipe: silence and 141. Never a traceback."""

    def closed(name: str) -> None:
        done = run(["sh", "-c", 'exec "$@" >&-', "sh", *command(*ARGV[name])], stdout=None)
        assert done.returncode == 74, (name, done.stderr)
        assert done.stderr == "medmassage: cannot write to standard output (it is closed)\n"

    def full(name: str) -> None:
        with open("/dev/full", "w") as out:
            done = run(command(*ARGV[name]), stdout=out)
        assert done.returncode == 74, (name, done.stderr)
        assert done.stderr == (
            "medmassage: cannot write to standard output (No space left on device)\n"
        )

    def broken(name: str) -> None:
        done = run(command(*ARGV[name]), stdout=closed_pipe)
        assert (done.returncode, done.stderr) == (141, ""), name

    if not Path("/dev/full").exists():  # pragma: no cover - not Linux
        pytest.skip("needs /dev/full")
    cases: list[Callable[[], None]] = []
    for name in ARGV:
        for check in (closed, full, broken):
            cases.append(lambda check=check, name=name: check(name))  # type: ignore[misc]
    in_parallel(cases)


def test_output_to_dev_stdout_through_a_pipe() -> None:
    """-o /dev/stdout writes into the pipe (nothing to replace), not next to it."""
    done = run(command("report", str(EXAMPLE), "-o", "/dev/stdout", "--format", "md"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# ")
    assert done.stderr == "wrote /dev/stdout\n"


def test_help_lists_the_exit_statuses_of_every_command() -> None:
    """Each command's --help documents its statuses and input rules (subprocess, as read)."""
    for name, extra in {
        "validate": "1   some file is invalid",
        "screen": "3   indeterminate",
        "report": "OUT is written atomically",
        "billing": "2   unusable input or usage",
        "fhir": "OUT is written atomically",
        "plugins": "1   with --check: some plugin failed",
    }.items():
        done = run(command(name, "--help"))
        assert done.returncode == 0
        assert "exit status:" in done.stdout
        assert extra in done.stdout, name
        for code in ("0 ", "70 ", "74 ", "130 ", "141 "):
            assert f"\n  {code}" in done.stdout, (name, code)
        if name != "plugins":
            assert "waiting for data on FIFO PATH" in done.stdout


def wait_for_line(stream: Any, timeout: float) -> str:
    """The first line of *stream*, or '' after *timeout* seconds."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


@pytest.mark.parametrize("name", FILE_COMMANDS)
def test_fifo_without_writer_says_so_then_reads(name: str, tmp_path: Path) -> None:
    """A FIFO with no writer: a message before waiting, then the document once written."""
    fifo = tmp_path / "in.json"
    os.mkfifo(fifo)
    with subprocess.Popen(
        command(name, str(fifo)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    ) as proc:
        try:
            line = wait_for_line(proc.stderr, 30)
            assert line == f"medmassage: waiting for data on FIFO {fifo}\n"
            with open(fifo, "wb") as writer:
                writer.write(EXAMPLE.read_bytes())
            out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    assert "Traceback" not in err
    assert proc.returncode == 0
    assert out


def test_interrupt_while_waiting_is_status_130(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) while waiting for a FIFO: 'medmassage: interrupted', status 130."""
    fifo = tmp_path / "in.json"
    os.mkfifo(fifo)
    # A shell starts background jobs with SIGINT ignored, and Python then leaves it
    # ignored (as a command run under nohup should): give the child the default.
    with subprocess.Popen(
        command("screen", str(fifo)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as proc:
        try:
            assert "waiting for data on FIFO" in wait_for_line(proc.stderr, 30)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
    assert proc.returncode == 130
    assert err == "medmassage: interrupted\n"


def test_writer_that_closes_at_once_is_invalid_json(tmp_path: Path) -> None:
    """A FIFO whose writer closes without writing is an empty document, not a hang."""
    fifo = tmp_path / "in.json"
    os.mkfifo(fifo)

    def open_and_close() -> None:
        time.sleep(0.5)
        with open(fifo, "wb"):
            pass

    threading.Thread(target=open_and_close, daemon=True).start()
    done = run(command("billing", str(fifo)))
    assert done.returncode == 2
    assert done.stderr.endswith(f"{fifo}: not valid JSON: line 1, column 1: Expecting value\n")


def test_internal_error_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    """A RecursionError raised by plugin code: one line, status 70, nothing at exit either."""
    script = (
        "import sys\n"
        "from medmassage._commands import screen\n"
        "def boom(args):\n"
        "    def f(n): return f(n + 1)\n"
        "    return f(0)\n"
        "screen.run = boom\n"
        "from medmassage.cli import main\n"
        "print('partial output')\n"
        f"sys.exit(main(['screen', {str(EXAMPLE)!r}]))\n"
    )
    done = run([sys.executable, "-c", script])
    assert done.returncode == 70
    assert done.stderr == "medmassage: internal error (RecursionError); please report it\n"
