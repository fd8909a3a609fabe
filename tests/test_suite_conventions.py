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
