"""The task how-to pages' shell sessions are true: each command is run, its output compared.

The pages' Python examples run as doctests when the documentation is built
(``sphinx-build -b doctest``); their ``console`` blocks are shell sessions that
Sphinx does not run. This module runs them: a page's ``$ `` lines are run in
order by one ``bash`` (so ``echo $?`` reports the command before it, and a file
written by one block is there for the next), from a folder holding a copy of the
repository's ``examples/``, with ``medmassage`` and
``python3`` the interpreter running these tests. Standard output and standard
error are compared together, as a terminal shows them. In the expected output, a
line ``...`` stands for any number of lines (the rest of a long listing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import medmassage

ROOT = Path(__file__).resolve().parents[1]
HOWTO = ROOT / "docs" / "howto"

#: The task pages whose shell sessions are checked (plugin and FHIR pages have none to run).
PAGES = ("screen.md", "score.md", "bill.md", "report.md", "cli.md", "demo.md")

_FENCE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
_SEPARATOR = "\x1e"  # ASCII record separator: printed between commands' outputs


def _blocks(page: Path) -> list[str]:
    """The bodies of the ``console`` fences of a MyST page."""
    return _FENCE.findall(page.read_text(encoding="utf-8"))


def _session(block: str) -> list[tuple[str, list[str]]]:
    """Split a console block into (command, expected output lines) pairs."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif not steps:
            raise AssertionError(f"console block does not start with a '$ ' command: {line!r}")
        else:
            steps[-1][1].append(line.rstrip())
    return steps


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Whether *actual* lines are *expected*, where a line ``...`` matches any lines."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if e == "..." else re.escape(e) + r"\n" for e in expected)
    return re.fullmatch(pattern, "".join(a + "\n" for a in actual)) is not None


def _environment(tmp: Path) -> dict[str, str]:
    """PATH with ``medmassage``, ``python`` and ``python3`` running this interpreter."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    # Scripts, not symlinks: a virtual environment's interpreter finds its packages
    # from the path it is started by.
    for name, args in (("medmassage", "-m medmassage "), ("python", ""), ("python3", "")):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" {args}"$@"\n', encoding="utf-8")
        script.chmod(0o755)
    env = dict(os.environ)
    package_parent = str(Path(medmassage.__file__).resolve().parents[1])
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p),
        PYTHONUNBUFFERED="1",  # stdout and stderr interleave as on a terminal
        COLUMNS="80",
    )
    return env


def _run(steps: list[tuple[str, list[str]]], tmp: Path) -> list[list[str]]:
    """Run the commands in order in one bash; return each one's output lines."""
    work = tmp / "work"
    shutil.copytree(ROOT / "examples", work / "examples", ignore=shutil.ignore_patterns("plugins"))
    script = "".join(
        f"{command}\n__status=$?; printf '{_SEPARATOR}'; (exit $__status)\n" for command, _ in steps
    )
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=work,
        env=_environment(tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = done.stdout.split(_SEPARATOR)
    assert len(outputs) == len(steps) + 1, done.stdout
    return [[line.rstrip() for line in out.splitlines()] for out in outputs[:-1]]


@pytest.mark.parametrize("page", PAGES)
def test_console_sessions_print_what_the_page_shows(page: str, tmp_path: Path) -> None:
    """Every command of the page's shell sessions prints exactly the output shown under it.

    A page's blocks run in order in one folder, as a reader following the page would
    (a file one block writes is there for the next).
    """
    steps = [step for block in _blocks(HOWTO / page) for step in _session(block)]
    for (command, expected), actual in zip(steps, _run(steps, tmp_path), strict=True):
        assert _matches(expected, actual), (
            f"{page}: $ {command}\n"
            + "expected:\n"
            + "\n".join(expected)
            + "\nactual:\n"
            + "\n".join(actual)
        )


def test_every_task_page_has_a_shell_session() -> None:
    """Each task page shows its command-line use, so the check above is not vacuous."""
    assert [name for name in PAGES if not _blocks(HOWTO / name)] == []


def test_an_ellipsis_line_stands_for_lines_and_nothing_else_is_loose() -> None:
    """``...`` matches zero or more whole lines; any other difference is a mismatch."""
    assert _matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert _matches(["a", "...", "z"], ["a", "z"])
    assert _matches(["a", "..."], ["a"])
    assert not _matches(["a", "...", "z"], ["a", "b"])
    assert not _matches(["a", "z"], ["a", "b", "z"])
    assert not _matches(["exit 1"], ["exit 10"])
    assert not _matches(["a.c"], ["abc"])


def test_a_session_keeps_each_commands_exit_status_for_the_next(tmp_path: Path) -> None:
    """``echo $?`` after a command reports that command's status, not the separator's."""
    block = "$ medmassage screen examples/acute_dvt_deferred.json > /dev/null\n$ echo $?\n"
    steps = _session(block)
    assert _run(steps, tmp_path) == [[], ["1"]]
