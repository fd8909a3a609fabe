"""Conventions of the test suite itself: every test says what it checks."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _undocumented_tests(root: Path) -> list[str]:
    """Return ``path:line name`` for each test function under *root* without a docstring."""
    missing = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name.startswith("test")
                and not (ast.get_docstring(node) or "").strip()
            ):
                missing.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    return missing


def test_every_test_function_has_a_docstring() -> None:
    """Every test function under tests/ has a docstring saying what behaviour it checks."""
    assert _undocumented_tests(TESTS) == []


def test_the_docstring_check_finds_an_undocumented_test(tmp_path: Path) -> None:
    """The docstring check reports a test without a docstring and accepts a documented one."""
    (tmp_path / "test_sample.py").write_text(
        "def test_bare() -> None:\n    assert True\n\n\n"
        'def test_documented() -> None:\n    """Says what it checks."""\n\n\n'
        "class TestGroup:\n    async def test_method(self) -> None:\n        pass\n",
        encoding="utf-8",
    )
    assert _undocumented_tests(tmp_path) == [
        "test_sample.py:1 test_bare",
        "test_sample.py:10 test_method",
    ]


def _public_modules() -> tuple[str, ...]:
    """The public modules, as the API reference lists them (docs/_ext/medmassage_docs.py)."""
    source = (TESTS.parent / "docs" / "_ext" / "medmassage_docs.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "PUBLIC_MODULES" for t in node.targets)
            and isinstance(node.value, ast.Tuple)
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("PUBLIC_MODULES not found in the docs extension")


#: Public modules whose tests live under another name, and why.
ELSEWHERE = {
    # The command line is tested per command: test_cli_validate.py, test_cli_fhir.py ...
    "medmassage.cli": "test_cli_input.py",
    # The testing package's helpers are what the plugin tests and the property tests use.
    "medmassage.testing": "test_properties.py",
    "medmassage.testing.plugins": "test_plugins.py",
    "medmassage.testing.strategies": "test_properties.py",
}


def test_every_public_module_has_its_test_module() -> None:
    """medmassage.x is tested in tests/test_x.py (or the module ELSEWHERE names)."""
    modules = _public_modules()
    assert len(modules) > 25
    missing = []
    for module in modules:
        name = ELSEWHERE.get(module, f"test_{module.removeprefix('medmassage.')}.py")
        if not (TESTS / name).is_file():
            missing.append(f"{module}: tests/{name}")
    assert missing == []
    assert set(ELSEWHERE) <= set(modules)


def test_no_shipped_file_cites_the_projects_private_notes() -> None:
    """Sources are cited as published, never as the team's reference notes outside the repo."""
    root = TESTS.parent
    needles = ("clinical" + ".md", "project's clinical " + "reference", "../" + "shared")
    found = []
    for folder in ("src", "docs", "tests", "benchmarks", "examples"):
        for path in sorted((root / folder).rglob("*")):
            if (
                path.suffix not in {".py", ".md", ".rst", ".toml", ".txt"}
                or "generated" in path.parts
            ):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(root)}: {n}" for n in needles if n in text]
    assert found == []
