"""The public facade: ``import medmassage`` is cheap and every exported name resolves."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import medmassage as mm


def test_every_exported_name_resolves() -> None:
    assert len(set(mm.__all__)) == len(mm.__all__)
    for name in mm.__all__:
        assert getattr(mm, name) is not None, name


def test_core_surface_of_issue_2() -> None:
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
    listed = dir(mm)
    assert listed == sorted(listed)
    assert set(mm.__all__) <= set(listed)
    assert set(vars(mm)) <= set(listed)


def test_unknown_attribute_and_version() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        _ = mm.nonexistent
    assert isinstance(mm.__version__, str)
    assert mm.__version__


def test_lazy_names_are_cached_after_first_use() -> None:
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
    namespace: dict[str, object] = {}
    exec("from medmassage import *", namespace)
    assert {n for n in mm.__all__ if n != "__version__"} <= set(namespace)
