"""The public facade: ``import medmassage`` is cheap and every exported name resolves."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import medmassage as mm


def test_every_exported_name_resolves() -> None:
    """Every name in ``__all__`` is unique and resolves on the package."""
    assert len(set(mm.__all__)) == len(mm.__all__)
    for name in mm.__all__:
        assert getattr(mm, name) is not None, name


def test_core_surface_of_issue_2() -> None:
    """The core models and exceptions of issue 2 are exported with their hierarchy."""
    for name in (
        "Patient",
        "Diagnosis",
        "Modality",
        "TreatmentPlan",
        "Session",
        "OutcomeMeasure",
        "MedmassageError",
        "ValidationError",
        "to_dict",
        "from_dict",
        "to_json",
        "from_json",
    ):
        assert name in mm.__all__
    assert issubclass(mm.ValidationError, mm.MedmassageError)
    assert issubclass(mm.ValidationError, ValueError)


def test_dir_is_the_sorted_union_of_globals_and_all() -> None:
    """``dir(medmassage)`` is sorted and includes every exported name."""
    listed = dir(mm)
    assert listed == sorted(listed)
    assert set(mm.__all__) <= set(listed)
    assert set(vars(mm)) <= set(listed)


def test_unknown_attribute_and_version() -> None:
    """An unknown attribute raises AttributeError and ``__version__`` is a string."""
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        _ = mm.nonexistent
    assert isinstance(mm.__version__, str)
    assert mm.__version__


def test_lazy_names_are_cached_after_first_use() -> None:
    """Lazy names resolve to their module object and are cached in the package."""
    from medmassage import serialization

    assert mm.to_json is serialization.to_json
    assert vars(mm)["to_json"] is serialization.to_json


_PROBE = textwrap.dedent(
    """
    import importlib.metadata, json, sys
    calls = []
    real = importlib.metadata.entry_points
    def spy(*args, **kwargs):
        calls.append(repr((args, kwargs)))
        return real(*args, **kwargs)
    importlib.metadata.entry_points = spy
    import medmassage
    before = sorted(m for m in sys.modules if m == "pint" or m.startswith(("pint.", "medmassage")))
    from medmassage import codes
    names = [n for n in medmassage.__all__ if n != "__version__"]
    for n in names:
        getattr(medmassage, n)
    after = sorted(m for m in sys.modules if m == "pint" or m.startswith(("pint.", "medmassage")))
    print(json.dumps({
        "before": before,
        "after": after,
        "entry_point_calls": calls,
        "records": len(codes._records),
        "registry": __import__("medmassage.units").units._registry is not None,
    }))
    """
)


def test_import_is_cheap_in_a_fresh_interpreter() -> None:
    """Importing medmassage loads neither pint nor the plugin machinery."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout)
    before, after = report["before"], report["after"]
    assert "pint" not in before
    assert "medmassage.plugins" not in before
    assert "medmassage._icd10cm" not in before
    # Touching every exported name imports their modules (plugins among them) but still
    # scans no entry point, imports no pint and loads no code table.
    assert "pint" not in after
    assert "medmassage._icd10cm" not in after
    assert report["entry_point_calls"] == []
    assert report["records"] == 0  # no ICD-10-CM table loaded
    assert report["registry"] is False  # no unit registry built


def test_star_import() -> None:
    """A star import brings in every exported name."""
    namespace: dict[str, object] = {}
    exec("from medmassage import *", namespace)
    assert {n for n in mm.__all__ if n != "__version__"} <= set(namespace)


def _type_checking_imports() -> dict[str, tuple[str, ...]]:
    """The names the facade's ``if TYPE_CHECKING:`` block imports, by module."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(mm.__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If))
    out: dict[str, tuple[str, ...]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom), ast.dump(node)
        assert all(a.asname == a.name for a in node.names), "re-export with `X as X`"
        out[f"medmassage.{node.module}"] = tuple(a.name for a in node.names)
    return out


def test_the_facade_table_the_typing_imports_and_all_agree() -> None:
    """One table: the typing imports, ``__all__`` and the lazy names all come from it."""
    table = mm._EXPORTS
    assert _type_checking_imports() == table
    names = [n for names in table.values() for n in names]
    assert len(names) == len(set(names)), "a name in two modules"
    assert sorted([*names, "__version__"]) == mm.__all__


def test_every_facade_name_is_public_in_its_module_and_documented() -> None:
    """Each name is in its module's ``__all__``, and the module has an API page."""
    import importlib
    from pathlib import Path

    api = Path(__file__).resolve().parent.parent / "docs" / "reference" / "api"
    for module, names in mm._EXPORTS.items():
        public = importlib.import_module(module).__all__
        missing = [n for n in names if n not in public]
        assert not missing, f"{module} does not export {missing}"
        page = api / f"{module.removeprefix('medmassage.')}.rst"
        assert page.is_file(), f"no API page for {module}"
        assert f"automodule:: {module}" in page.read_text(encoding="utf-8")
