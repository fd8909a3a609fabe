"""Development tasks: ``nox`` runs tests, lint, typing, docs and the plugin session.

Each session installs what it needs into its own virtual environment, so one
command works on a fresh machine with only Python 3.11+ and nox.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2024.4.15"
nox.options.sessions = ["tests", "lint", "mypy", "docs", "plugins"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON = "3.11"


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite with branch coverage (fails under the floor in pyproject)."""
    session.install("-e", ".", *_group("tests"), *_group("dask"))
    env = {"COVERAGE_FILE": str(ROOT / ".coverage")}
    session.run("coverage", "erase", env=env)
    session.run(
        "coverage",
        "run",
        "-m",
        "pytest",
        "-m",
        "not real_entry_points",
        *session.posargs,
        env=env,
    )
    session.run("coverage", "combine", env=env, success_codes=[0, 1])
    session.run("coverage", "report", env=env)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install(*_group("lint"))
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py", "examples")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks", "noxfile.py", "examples")


@nox.session(python=PYTHON)
def mypy(session: nox.Session) -> None:
    """Type-check src, tests, benchmarks and this file with mypy --strict."""
    session.install("-e", ".", *_group("typing"), *_group("dask"))
    session.run("mypy")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the HTML documentation (warnings are errors) and run its doctests."""
    session.install("-e", ".", *_group("docs"), *_group("dask"))
    build = ROOT / "docs" / "_build"
    common = ["-W", "-n", "--keep-going", "-E", "docs"]
    session.run("sphinx-build", "-b", "html", *common, str(build / "html"))
    session.run("sphinx-build", "-b", "doctest", *common, str(build / "doctest"))


@nox.session(python=PYTHON)
def plugins(session: nox.Session) -> None:
    """Install the example plugin distributions for real and test discovery through metadata."""
    session.install(".", *_group("tests"))
    # The hostile distribution makes every screening indeterminate: it is installed
    # only for its own tests (and removed first, when the environment is reused).
    session.run("python", "-m", "pip", "uninstall", "--yes", "--quiet", "medmassage-hostile")
    for dist in ("medmassage-cupping", "medmassage-broken"):
        session.install(str(ROOT / "examples" / "plugins" / dist))
    hostile = "tests/plugins_real/test_hostile.py"
    session.run(
        "pytest", "tests/plugins_real", "-m", "real_entry_points", f"--ignore={hostile}",
        *session.posargs,
    )  # fmt: skip
    session.install(str(ROOT / "examples" / "plugins" / "medmassage-hostile"))
    session.run("pytest", hostile, "-m", "real_entry_points", *session.posargs)


@nox.session(python=PYTHON, default=False)
def benchmarks(session: nox.Session) -> None:
    """Run every benchmark (not part of the default run)."""
    session.install("-e", ".", *_group("bench"), *_group("dask"))
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs, env={"PYTHONHASHSEED": "0"})


@nox.session(python=PYTHON, default=False)
def dask(session: nox.Session) -> None:
    """Screen generated records on a distributed.LocalCluster of two worker processes."""
    session.install(".", *_group("tests"), *_group("dask"))
    session.run(
        "pytest", "tests/test_dask.py", "tests/test_batch.py", *session.posargs,
        env={"MEDMASSAGE_DASK_CLUSTER": "1"},
    )  # fmt: skip


@nox.session(python=PYTHON, default=False)
def browser(session: nox.Session) -> None:
    """Render the progress report in headless Chromium (needs Debian's chromium on PATH)."""
    session.install("-e", ".", *_group("tests"))
    session.run(
        "pytest",
        "-m",
        "browser",
        "tests/test_report.py",
        "tests/test_report_print.py",
        *session.posargs,
    )


@nox.session(python=PYTHON, default=False)
def demo(session: nox.Session) -> None:
    """Validate the bundled example cases, then run the whole course of care on them."""
    session.install(".")
    session.run("medmassage", "validate", "examples/")
    session.run("medmassage", "demo", "examples/", "-o", session.create_tmp())
    if os.environ.get("CI"):
        session.log("demo done")
