"""The package's architecture, checked on its own import graph (see docs/internals.md).

Every module of ``src/medmassage`` belongs to one layer; a module may import from
its own layer or a lower one, never from a higher one, and no modules import each
other in a cycle. Imports inside functions and under ``if TYPE_CHECKING:`` count:
a deferred import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "medmassage"

#: The layers, lowest first: module name patterns (``x.*`` is a package's private modules).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundations",
        (
            "exceptions",
            "units",
            "anatomy",
            "codes",
            "cpt",
            "advisories",
            "evidence",
            "_icd10cm",
            "_validation",
            "_frozen",
            "_atomic",
        ),
    ),
    (
        "models",
        ("patient", "diagnosis", "practitioners", "modalities", "plans", "outcomes", "sessions"),
    ),
    ("case", ("cases",)),
    (
        "record services",
        (
            "serialization",
            "serialization.*",
            "plan_of_care",
            "_plan_of_care_rules",
            "schemas",
            "schemas.*",
        ),
    ),
    ("engines", ("contraindications", "contraindications.*", "instruments.*", "billing.*")),
    ("plugins", ("plugins", "plugins.*")),
    (
        "registry services",
        (
            "instruments",
            "billing",
            "screening",
            "checks",
            "progress",
            "fhir",
            "fhir.*",
            "report",
            "report.*",
            "arrow",
            "arrow.*",
        ),
    ),
    ("population", ("batch", "batch.*", "dask", "dask.*")),
    ("command line", ("cli", "__main__", "_commands", "_commands.*", "schemas.__main__")),
    ("test support", ("testing", "testing.*")),
    ("facade", ("",)),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def layer_of(module: str) -> int:
    """The index of *module*'s layer (the most specific pattern wins)."""
    parts = module.split(".")
    candidates = [module] + [".".join(parts[:i]) + ".*" for i in range(len(parts) - 1, 0, -1)]
    for pattern in candidates:
        for index, (_, patterns) in enumerate(LAYERS):
            if pattern in patterns:
                return index
    raise AssertionError(f"medmassage.{module} is in no layer: add it to LAYERS")


def _imports(module: str, path: Path, known: set[str]) -> Iterator[str]:
    """The medmassage modules *module* imports (relative to the package, "" the facade)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module == "medmassage" or (node.module or "").startswith("medmassage."):
                target = node.module.removeprefix("medmassage").removeprefix(".")  # type: ignore[union-attr]
            else:
                continue
            # ``from . import x`` and ``from .x import y`` name modules or attributes.
            names = [f"{target}.{a.name}".lstrip(".") for a in node.names]
            found = [n for n in names if n in known]
            yield from found or [target]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("medmassage."):
                    yield alias.name.removeprefix("medmassage.")


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        m: {t for t in _imports(m, p, known) if t != m and t in known} for m, p in modules.items()
    }


def test_every_module_has_a_layer() -> None:
    """Each module of the package is placed in a layer."""
    for module in _modules():
        layer_of(module)


def test_no_import_goes_up_a_layer() -> None:
    """No module imports from a higher layer (deferred and typing-only imports included)."""
    upward = [
        f"medmassage.{a} ({LAYERS[layer_of(a)][0]}) imports medmassage.{b} "
        f"({LAYERS[layer_of(b)][0]})"
        for a, targets in sorted(_graph().items())
        for b in sorted(targets)
        if layer_of(b) > layer_of(a)
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    """The module import graph has no cycle (a package face counts as a module)."""
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_is_over_800_lines(module: str) -> None:
    """No module of src/ is longer than 800 lines."""
    lines = _modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 800, f"medmassage.{module} has {lines} lines"


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The check is not vacuous: a model importing the engine (even deferred) is caught."""
    fake = tmp_path / "patient.py"
    fake.write_text(
        "from .screening import screen\n"
        "def later():\n"
        "    from . import cli\n"
        "    from medmassage.report import _html\n",
        encoding="utf-8",
    )
    found = set(_imports("patient", fake, {"screening", "cli", "report", "report._html"}))
    assert found == {"screening", "cli", "report._html"}
    assert all(layer_of(t) > layer_of("patient") for t in found)
