"""How every command reads its input, seen from the user's side (``medmassage.cli.main``).

A document of the wrong kind is named, a FHIR bundle is told apart from
medmassage's own format, syntax errors give the line and column of the text in
every accepted encoding, every command accepts the same encodings, ``-o`` is
refused for suffixes a command cannot write, and ``--map`` errors speak of the flag.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import medmassage
from medmassage.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lumbar_disc_herniation.json"
SRC = Path(medmassage.__file__).resolve().parent.parent

# Every command that reads a document: validate, screen, report, billing and fhir
# read FILE; demo reads each *.json of DIR.
COMMANDS = ("validate", "screen", "report", "billing", "fhir", "demo")

# The status of a document a command cannot use (documented in each command's epilog):
# validate lists it as INVALID (1), demo runs the other cases and exits 1, the others 2.
UNUSABLE = {"validate": 1, "screen": 2, "report": 2, "billing": 2, "fhir": 2, "demo": 1}

# What each command says it needs.
NEEDS = {
    "validate": "a Case",
    "screen": "a Case, or a patient and plan with at most one session",
    "report": "a Case",
    "billing": "a Session or a Case",
    "fhir": "a Case",
    "demo": "a Case",
}

# The encodings every command reads (UTF-16 and UTF-32 with their byte order mark).
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-32", "utf-32-be-bom")


def encode(text: str, encoding: str) -> bytes:
    """*text* in *encoding*; ``-bom`` names a big-endian encoding with its byte order mark."""
    if encoding.endswith("-bom"):
        return ("\ufeff" + text).encode(encoding.removesuffix("-bom"))
    return text.encode(encoding)


def run(
    capsys: pytest.CaptureFixture[str], command: str, path: Path, *extra: str
) -> tuple[int, str]:
    """Run *command* on *path*; return the status and all output.

    demo runs on a folder holding a copy of *path* only; its output names *path*.
    """
    copy = path
    if command == "demo":
        folder = path.parent / f"{path.stem}.demo"
        folder.mkdir(exist_ok=True)
        copy = folder / path.name
        copy.write_bytes(path.read_bytes())
        argv = ["demo", str(folder), "-o", str(path.parent / f"{path.stem}.out"), *extra]
    else:
        argv = [command, str(path), *extra]
    status = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, (out + err).replace(str(copy), str(path))


def write(tmp_path: Path, name: str, data: object) -> Path:
    """Write *data* as NAME.json (UTF-8) in *tmp_path*; return its path."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def case(lumbar_data: dict[str, Any]) -> dict[str, Any]:
    """The lumbar example case as JSON data."""
    return lumbar_data


def documents(case: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    """Documents of other kinds than a Case, by name: the data and how it is named."""
    return {
        "patient": ({"schema_version": 1, **case["patient"]}, "a Patient document"),
        "plan": ({"schema_version": 1, **case["plan"]}, "a TreatmentPlan document"),
        "session": ({"schema_version": 1, **case["sessions"][0]}, "a Session document"),
        "practitioner": (
            {"schema_version": 1, **case["practitioners"][0]},
            "a Practitioner document",
        ),
        "screening": (
            {
                "schema_version": 1,
                "patient": case["patient"],
                "plan": case["plan"],
                "session": case["sessions"][0],
            },
            "a screening document",
        ),
    }


# -- 1. a document of the wrong kind is named ------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_document_of_another_kind_is_named_with_what_the_command_needs(
    command: str, case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Patient, plan, session, practitioner or screening document names itself and the need."""
    accepted = {"billing": {"session"}, "screen": {"screening"}}.get(command, set())
    for name, (data, kind) in documents(case).items():
        if name in accepted:
            continue
        path = write(tmp_path, name, data)
        status, shown = run(capsys, command, path)
        assert status == UNUSABLE[command], (name, shown)
        assert f"{path}: this looks like {kind}" in shown, (name, shown)
        assert f"`{command}` needs {NEEDS[command]}" in shown, (name, shown)
        assert "required [required]" not in shown, name  # not the problems of another kind


@pytest.mark.parametrize(
    ("command", "flags", "marker"),
    [
        ("screen", ["--json"], '"status"'),
        ("billing", ["--json"], '"total_units"'),
    ],
)
def test_a_commands_own_output_given_back_is_named(
    command: str,
    flags: list[str],
    marker: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The JSON a command prints, given to report, is named as that command's output."""
    assert main([command, str(EXAMPLE), *flags]) == 0
    out = capsys.readouterr().out
    assert marker in out
    path = tmp_path / f"{command}.json"
    path.write_text(out, encoding="utf-8")
    status, shown = run(capsys, "report", path)
    assert status == 2
    if command == "billing":  # a case has several sessions: an array of bills
        assert f"{path}: expected a JSON object, not an array; its first item looks like" in shown
    assert f"the output of `medmassage {command} --json`" in shown
    assert "`report` needs a Case" in shown


def test_documents_of_an_accepted_kind_are_read_not_named(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session for billing and a screening document for screen are read as such."""
    docs = documents(case)
    status, shown = run(capsys, "billing", write(tmp_path, "session", docs["session"][0]))
    assert status == 0
    assert f"session {case['sessions'][0]['id']}: policy cms" in shown
    status, shown = run(capsys, "screen", write(tmp_path, "screening", docs["screening"][0]))
    assert status == 0
    assert f"session {case['sessions'][0]['id']} on " in shown


@pytest.mark.parametrize("command", COMMANDS)
def test_an_invalid_case_still_lists_its_problems(
    command: str, case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case with a broken field is a Case with problems, not a document of another kind."""
    case["plan"]["sessions_per_week"] = "twice"
    status, shown = run(capsys, command, write(tmp_path, "broken", case))
    assert status == UNUSABLE[command], shown
    assert "plan.sessions_per_week" in shown
    assert "looks like" not in shown


def test_billing_reads_a_case_missing_its_plan_as_a_case(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case without its plan is a Case with a missing field, not a broken Session."""
    del case["plan"]
    status, shown = run(capsys, "billing", write(tmp_path, "no-plan", case))
    assert status == 2
    assert "invalid Case" in shown
    assert "plan: required" in shown
    assert "invalid Session" not in shown


# -- 2. a FHIR bundle given to a native command ----------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The FHIR bundle `medmassage fhir` writes for the lumbar example."""
    path = tmp_path_factory.mktemp("fhir") / "lumbar.fhir.json"
    assert main(["fhir", str(EXAMPLE), "-o", str(path)]) == 0
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_a_fhir_bundle_is_named_and_the_native_format_asked_for(
    command: str, bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bundle `medmassage fhir` writes, read back by any command, is named as FHIR."""
    path = tmp_path / bundle.name
    path.write_bytes(bundle.read_bytes())
    status, shown = run(capsys, command, path)
    assert status == UNUSABLE[command], shown
    assert f"{path}: this is a FHIR Bundle, not a medmassage document" in shown
    assert f"`{command}` needs {NEEDS[command]}, in medmassage's own JSON format" in shown
    assert "`medmassage fhir import` reads a FHIR Bundle into one" in shown
    assert "schema_version" not in shown


def test_other_fhir_resources_are_named_by_their_type(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A single FHIR resource taken out of the bundle is named by its resourceType."""
    entries = json.loads(bundle.read_text(encoding="utf-8"))["entry"]
    patient = next(e["resource"] for e in entries if e["resource"]["resourceType"] == "Patient")
    status, shown = run(capsys, "report", write(tmp_path, "fhir-patient", patient))
    assert status == 2
    assert "this is a FHIR Patient resource, not a medmassage document" in shown


# -- 3. syntax errors give the line and column of the text -----------------------------


def broken_text() -> tuple[str, int, int]:
    """The lumbar example with a comma missing (and non-ASCII text before it); its position."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    # A name with non-ASCII letters: columns count characters, not bytes.
    family = next(i for i, line in enumerate(lines) if '"family"' in line)
    lines[family] = lines[family].replace('"Example"', '"Müller-Øster"')
    target = next(i for i, line in enumerate(lines) if '"sex"' in line)
    assert lines[target].endswith(",")
    lines[target] = lines[target][:-1]
    column = len(lines[target + 1]) - len(lines[target + 1].lstrip()) + 1
    return "\n".join(lines) + "\n", target + 2, column


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_syntax_errors_give_line_and_column_in_every_encoding(
    command: str, encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing comma is located by line and column of the text, whatever its encoding."""
    text, line, column = broken_text()
    path = tmp_path / "broken.json"
    path.write_bytes(encode(text, encoding))
    status, shown = run(capsys, command, path)
    assert status == UNUSABLE[command], shown
    assert f"not valid JSON: line {line}, column {column}: Expecting ',' delimiter" in shown


@pytest.mark.parametrize(
    ("token", "message"),
    [("NaN", "NaN, Infinity and -Infinity are not allowed"), ("-Infinity", "are not allowed")],
)
def test_nan_is_located_by_line_and_column(
    token: str,
    message: str,
    case: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A NaN or Infinity deep in a case (not in a string) is located, for every command."""
    case["patient"]["id"] = 'NaN "NaN'  # the word inside a string (escaped quote too) is not it
    lines = json.dumps(case, indent=2).splitlines()
    target = next(i for i, line in enumerate(lines) if '"sessions_per_week"' in line)
    value = lines[target].split(": ")[1].rstrip(",")
    lines[target] = lines[target].replace(f": {value}", f": {token}")
    column = lines[target].index(token) + 1
    path = tmp_path / "nan.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    for command in COMMANDS:
        status, shown = run(capsys, command, path)
        assert status == UNUSABLE[command], (command, shown)
        assert f"not valid JSON: line {target + 1}, column {column}: " in shown, command
        assert message in shown, command


def test_invalid_utf8_is_located_by_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A byte that is not UTF-8 is located by byte offset and by line and column."""
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{\n  "schema_version": 1,\n  "note": "caf\xe9"\n}')
    for command in COMMANDS:
        status, shown = run(capsys, command, path)
        assert status == UNUSABLE[command], command
        assert "byte 39 is not valid UTF-8 (line 3, column 15)" in shown, (command, shown)


# -- 4. every command reads the same encodings ------------------------------------------


def expected_output(command: str, text: str, tmp_path: Path, flags: list[str]) -> str:
    """What *command* prints for *text* in UTF-8, to compare the other encodings with."""
    import contextlib

    path = tmp_path / "reference.json"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main([command, str(path), *flags]) == 0
    return (out.getvalue() + err.getvalue()).replace(str(path), "FILE")


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_reads_every_accepted_encoding_alike(
    command: str, encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """UTF-8 (with or without BOM), UTF-16 and UTF-32 with BOM give the UTF-8 output."""
    text = EXAMPLE.read_text(encoding="utf-8").replace('"Example"', '"Müller-Øster"')
    flags = {"report": ["--include-identity"], "fhir": ["--include-identity"]}.get(command, [])
    path = tmp_path / "case.json"
    path.write_bytes(encode(text, encoding))
    status, shown = run(capsys, command, path, *flags)
    assert status == 0, shown
    if command == "demo":
        assert "1. validate: OK" in shown
        return
    reference = tmp_path / "utf-8"
    reference.mkdir()
    assert shown.replace(str(path), "FILE") == expected_output(command, text, reference, flags)
    if command in ("report", "fhir"):
        assert "Müller-Øster" in shown


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-be-bom"])
@pytest.mark.parametrize("command", ["screen", "report", "billing"])
def test_standard_input_reads_the_same_encodings(
    command: str,
    encoding: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A UTF-16 or UTF-32 document with its byte order mark is read from standard input too."""
    data = encode(EXAMPLE.read_text(encoding="utf-8"), encoding)

    class Stdin:
        buffer = io.BytesIO(data)

        @staticmethod
        def isatty() -> bool:
            return False

    monkeypatch.setattr(sys, "stdin", Stdin)
    expected = {"screen": "screening patient pt-1001", "report": "<!DOCTYPE html>",
                "billing": "session ses-1: policy cms"}  # fmt: skip
    assert main([command, "-"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(expected[command])
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16-le", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-32-le", "UTF-32 (little-endian)"),
        ("utf-32-be", "UTF-32 (big-endian)"),
    ],
)
def test_wide_encodings_without_a_byte_order_mark_are_refused_by_name(
    encoding: str, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """UTF-16 or UTF-32 without a byte order mark is named and refused by every command."""
    path = tmp_path / "wide.json"
    path.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode(encoding))
    for command in COMMANDS:
        status, shown = run(capsys, command, path)
        assert status == UNUSABLE[command], command
        assert f"not {name} without one: convert the file to UTF-8" in shown, (command, shown)


def test_the_help_of_every_reading_command_states_the_encodings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each command that reads FILE documents the same encodings in its --help."""
    for command in ("validate", "screen", "report", "billing", "fhir"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = " ".join(capsys.readouterr().out.split())
        assert "in UTF-8, with or without a byte order mark, or in UTF-16 or UTF-32" in out


# -- 5. -o refuses suffixes a command cannot write --------------------------------------


@pytest.mark.parametrize(
    ("command", "name", "writes"),
    [
        ("report", "report.pdf", "the report is HTML (.html, .htm) or Markdown (.md, .markdown)"),
        ("report", "REPORT.PDF", "the report is HTML"),
        ("report", "report.docx", "the report is HTML"),
        ("fhir", "bundle.pdf", "the bundle is FHIR JSON (.json)"),
        ("fhir", "bundle.xml", "the bundle is FHIR JSON (.json)"),
    ],
)
def test_output_suffixes_a_command_cannot_write_are_refused_alike(
    command: str, name: str, writes: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o with a suffix the command cannot write is refused before anything is written."""
    out = tmp_path / name
    status = main([command, str(EXAMPLE), "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    suffix = out.suffix.lower()
    assert err.startswith(f"medmassage: -o {out}: cannot write {suffix} files; {writes}")
    assert err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(("name", "start"), [("r.MD", "# "), ("r.Htm", "<!DOCTYPE html>")])
def test_output_suffixes_are_read_in_any_case(
    name: str, start: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A suffix the report writes names its format whatever its letter case."""
    out = tmp_path / name
    assert main(["report", str(EXAMPLE), "-o", str(out)]) == 0
    capsys.readouterr()
    assert out.read_text(encoding="utf-8").startswith(start)


# -- 6. --map errors speak of the flag --------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["core.swedish"], "--map core.swedish: expected MODALITY=CPT"),
        (["=97124"], "--map =97124: expected MODALITY=CPT"),
        (["core.swedish="], "--map core.swedish=: expected MODALITY=CPT"),
        (["Core Swedish=97124"], "is not a modality key (such as core.deep_tissue)"),
        (["core.swedish=9712"], "--map core.swedish=9712: expected a five-character CPT code"),
        (["core.nope=97124"], "--map core.nope=97124: no session uses modality core.nope"),
        (
            ["core.swedish=97124", "core.swedish=97140"],
            "--map core.swedish=97140: core.swedish is already mapped to 97124; "
            "give one --map for each modality",
        ),
    ],
)
def test_map_errors_name_the_flag_and_value(
    values: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each unusable --map value is refused naming the flag, never a Python argument."""
    argv = ["billing", str(EXAMPLE)]
    for value in values:
        argv += ["--map", value]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("medmassage: --map ")
    assert "mapping" not in captured.err


def test_a_modality_without_a_code_points_at_the_flag(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A modality with no default CPT code is billed with --map, which the message says how."""
    for session in case["sessions"]:
        for segment in session["segments"]:
            segment["modality"] = "acme.cupping"
    path = write(tmp_path, "cupping", case)
    assert main(["billing", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "modality acme.cupping has no default CPT code; bill it with --map acme.cupping=CPT" in err
    )
    assert "mapping" not in err
    assert main(["billing", str(path), "--map", "acme.cupping=97124"]) == 0
    assert "97124" in capsys.readouterr().out


# -- no traceback in a real process -----------------------------------------------------


def test_wrong_documents_in_real_processes_print_no_traceback(
    bundle: Path, case: dict[str, Any], tmp_path: Path
) -> None:
    """`python -m medmassage` on a FHIR bundle, a Patient and UTF-16 syntax errors: one line."""
    patient = write(tmp_path, "patient", documents(case)["patient"][0])
    text, line, column = broken_text()
    broken = tmp_path / "broken.json"
    broken.write_bytes(encode(text, "utf-16"))
    checks: list[tuple[list[str], Callable[[str], bool]]] = [
        (["report", str(bundle)], lambda err: "this is a FHIR Bundle" in err),
        (["billing", str(patient)], lambda err: "looks like a Patient document" in err),
        (["screen", str(broken)], lambda err: f"line {line}, column {column}" in err),
    ]
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    for argv, told in checks:
        done = subprocess.run(
            [sys.executable, "-m", "medmassage", *argv],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=env,
        )
        assert done.returncode == 2, (argv, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1, (argv, done.stderr)
        assert told(done.stderr), (argv, done.stderr)
