"""Tests of the ICD-10-CM code set: existence, billability, descriptions, ancestry.

Every code here is from the CMS ICD-10-CM tabular list, April 1, 2026 release, as
bundled in simple-icd-10-cm 1.5.0; each was checked programmatically against that
release.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest

from medmassage.codes import (
    Icd10cmCode,
    icd10cm_release,
    is_icd10cm_code,
    lookup_icd10cm,
)
from medmassage.exceptions import MedmassageError, UnknownCodeError, ValidationError


def test_release_is_april_2026() -> None:
    """The bundled ICD-10-CM release is dated 1 April 2026."""
    assert icd10cm_release() == dt.date(2026, 4, 1)


# Billable codes of the CMS ICD-10-CM April 2026 release.
BILLABLE = [
    ("M54.50", "Low back pain, unspecified"),
    ("M54.51", None),
    ("M54.59", None),
    ("M54.2", "Cervicalgia"),
    ("M54.30", None),
    ("M54.41", None),
    ("M54.16", None),
    ("M51.16", None),
    ("G56.00", None),
    ("G56.01", None),
    ("G56.02", None),
    ("G56.03", None),
    ("M79.7", "Fibromyalgia"),
    ("M79.10", None),
    ("M79.18", None),
    ("M26.601", None),
    ("M26.69", None),
    ("G43.909", None),
    ("G44.209", None),
    ("M72.2", "Plantar fascial fibromatosis"),
    ("I89.0", None),
    ("I97.2", "Postmastectomy lymphedema syndrome"),
    ("Q82.0", "Hereditary lymphedema"),
    ("M77.11", None),
    ("M65.4", None),
    ("M62.830", None),
    ("Z48.89", None),
    ("Z47.1", None),
    ("Z96.651", None),
    ("Z09", None),
    ("Z79.01", None),
    ("I82.401", None),
    ("Z86.718", None),
    ("M81.0", None),
    ("I10", None),
    ("D69.6", None),
]

# Non-billable headers of the CMS ICD-10-CM April 2026 release, with billable children.
HEADERS = [
    ("M54.5", ("M54.50", "M54.51", "M54.59")),
    ("M54.3", ("M54.30", "M54.31", "M54.32")),
    ("M54.4", ("M54.40", "M54.41", "M54.42")),
    ("G56.0", ("G56.00", "G56.01", "G56.02", "G56.03")),
    ("M79.1", ("M79.10", "M79.11", "M79.12", "M79.18")),
    ("M62.83", ("M62.830", "M62.831", "M62.838")),
    ("M51.36", None),
    ("M26.6", None),
    ("G43", None),
    ("G44.2", None),
    ("Z48.81", None),
    ("I82.40", None),
    ("L03.9", None),
    ("I83.9", None),
]

# Not in the CMS ICD-10-CM April 2026 release: G56.04, M72.20.
MISSING = ["G56.04", "M72.20", "M54.99", "Z99.999"]


@pytest.mark.parametrize(("code", "description"), BILLABLE)
def test_billable_codes_exist_and_are_billable(code: str, description: str | None) -> None:
    """Billable codes are found and marked billable."""
    record = lookup_icd10cm(code)
    assert record.code == code
    assert record.billable
    assert record.children == ()
    assert record.billable_descendants == ()
    assert record.description
    if description is not None:
        assert record.description == description


@pytest.mark.parametrize(("code", "children"), HEADERS)
def test_headers_exist_and_are_not_billable(code: str, children: tuple[str, ...] | None) -> None:
    """Header codes are found, not billable, and list billable descendants."""
    record = lookup_icd10cm(code)
    assert not record.billable
    assert record.billable_descendants
    assert all(lookup_icd10cm(c).billable for c in record.billable_descendants)
    if children is not None:
        assert record.billable_descendants == children


def test_m54_5_is_a_header_naming_its_billable_children() -> None:
    """M54.5 became a header on 2021-10-01 (CMS ICD-10-CM FY2022 release, addenda)."""
    record = lookup_icd10cm("M54.5")
    assert record == Icd10cmCode(
        code="M54.5",
        description="Low back pain",
        billable=False,
        parent="M54",
        block="M50-M54",
        chapter="13",
    )
    assert record.children == ("M54.50", "M54.51", "M54.59")
    assert lookup_icd10cm("M54.51").description == "Vertebrogenic low back pain"


def test_m51_36_expanded_to_six_characters() -> None:
    """CMS ICD-10-CM: M51.36 is a header by the April 2025 release -> M51.360...M51.369."""
    descendants = lookup_icd10cm("M51.36").billable_descendants
    assert descendants[0] == "M51.360"
    assert descendants[-1] == "M51.369"
    assert all(len(c) == 7 for c in descendants)


@pytest.mark.parametrize("code", MISSING)
def test_missing_codes_raise_unknown_code_error(code: str) -> None:
    """A code absent from the release raises UnknownCodeError, a LookupError."""
    with pytest.raises(UnknownCodeError) as info:
        lookup_icd10cm(code)
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, MedmassageError)
    assert info.value.system == "ICD-10-CM"
    assert info.value.code == code
    assert not is_icd10cm_code(code)


def test_missing_code_hint_names_nearest_existing_code() -> None:
    """The error for a missing code names the nearest existing code."""
    with pytest.raises(UnknownCodeError, match=r"nearest existing code is G56\.0$"):
        lookup_icd10cm("G56.04")
    with pytest.raises(UnknownCodeError, match=r"nearest existing code is M72\.2$"):
        lookup_icd10cm("M72.20")


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("M54-M55", "range or block is not a code"),
        ("M50-M54", "range or block is not a code"),
        ("13", "not in ICD-10-CM form"),
        ("", "not in ICD-10-CM form"),
        ("54.50", "not in ICD-10-CM form"),
        ("M54.50000", "not in ICD-10-CM form"),
    ],
)
def test_non_codes_raise_unknown_code_error(given: str, hint: str) -> None:
    """Strings that are not codes raise UnknownCodeError with a hint."""
    with pytest.raises(UnknownCodeError, match=hint):
        lookup_icd10cm(given)


def test_non_string_is_reported_without_repeating_it() -> None:
    """A non-string lookup is reported as ``<not a code>`` without repeating the value."""
    with pytest.raises(UnknownCodeError) as info:
        lookup_icd10cm(12345)  # type: ignore[arg-type]
    assert info.value.code == "<not a code>"
    assert "expected a string" in str(info.value)


@pytest.mark.parametrize("given", ["M54.50", "M5450", "m54.50", " m5450 "])
def test_dotted_and_undotted_forms(given: str) -> None:
    """Dotted and undotted forms look up the same record."""
    assert lookup_icd10cm(given) is lookup_icd10cm("M54.50")
    assert lookup_icd10cm(given).undotted == "M5450"
    assert is_icd10cm_code(given)


def test_lookup_is_cached() -> None:
    """Repeated lookups return the same cached record."""
    assert lookup_icd10cm("M79.7") is lookup_icd10cm("M797")


def test_record_is_frozen_slotted_and_kw_only() -> None:
    """Code records are frozen, slotted and keyword-only."""
    record = lookup_icd10cm("M79.7")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.billable = False  # type: ignore[misc]
    assert not hasattr(record, "__dict__")
    with pytest.raises(TypeError):
        Icd10cmCode("M79.7", "x", True, None, "", "")  # type: ignore[call-arg]


def test_ancestors_block_and_chapter() -> None:
    """A record lists its parent, ancestors, block and chapter."""
    record = lookup_icd10cm("I82.401")
    assert record.parent == "I82.40"
    assert record.ancestors == ("I82.40", "I82.4", "I82")
    assert record.block == "I80-I89"
    assert record.chapter == "9"
    category = lookup_icd10cm("I82")
    assert category.parent is None
    assert category.ancestors == ()


def test_seventh_character_codes() -> None:
    """S13.4 takes a 7th character from its category's definition (placeholder X)."""
    sprain = lookup_icd10cm("S13.4XXA")
    assert sprain.billable
    assert sprain.parent == "S13.4"
    assert sprain.description == "Sprain of ligaments of cervical spine, initial encounter"
    assert lookup_icd10cm("S134XXD").description.endswith(", subsequent encounter")
    assert not lookup_icd10cm("S13.4").billable
    assert lookup_icd10cm("S13.4").children == ("S13.4XXA", "S13.4XXD", "S13.4XXS")
    assert not is_icd10cm_code("S13.4XXB")


def test_single_category_block_and_letter_second_character() -> None:
    """Blocks of one category are named like it (M04); FY2026 added category QA0."""
    assert lookup_icd10cm("M04").block == "M04"
    qa0 = lookup_icd10cm("QA0")
    assert qa0.block == "QA0"
    assert qa0.chapter == "17"
    assert lookup_icd10cm("QA0.0101").parent == "QA0.010"


def test_agrees_with_simple_icd_10_cm_on_every_code() -> None:
    """Cross-check the fast loader against the package's own parser, code by code."""
    import warnings

    with warnings.catch_warnings():
        # Importing it parses the XML (about 2.5 s) and calls the deprecated
        # importlib.resources.read_text.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm

    codes = list(
        dict.fromkeys(c for c in cm.get_all_codes(True) if not c[0].isdigit() and "-" not in c)
    )
    assert len(codes) > 98_000
    for code in codes:
        record = lookup_icd10cm(code)
        assert record.code == code
        assert record.description == cm.get_description(code), code
        assert record.billable == cm.is_leaf(code), code
        assert list(record.children) == cm.get_children(code), code
        if len(code) > 3:
            assert record.parent == cm.get_parent(code), code
        else:
            assert record.parent is None
            assert record.block == cm.get_parent(code), code


def _run(code: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_import_loads_no_table() -> None:
    """Importing medmassage loads no code table; the first lookup does (timed in benchmarks/)."""
    result = _run(
        """
        import json, sys
        import medmassage, medmassage.codes, medmassage.diagnosis
        loaded_at_import = "medmassage._icd10cm" in sys.modules
        medmassage.codes.lookup_icd10cm("M54.50")
        print(json.dumps({
            "loaded_at_import": loaded_at_import,
            "loaded_after_lookup": "medmassage._icd10cm" in sys.modules,
            "simple_icd_10_cm": "simple_icd_10_cm" in sys.modules,
        }))
        """
    )
    assert result["loaded_at_import"] is False
    assert result["loaded_after_lookup"] is True
    assert result["simple_icd_10_cm"] is False


def test_format_problem_is_validation_error_not_lookup() -> None:
    """A malformed code raises ValidationError, not a lookup error."""
    from medmassage.codes import normalize_icd10cm

    with pytest.raises(ValidationError):
        normalize_icd10cm("not a code")


def test_missing_category_has_no_nearest_code() -> None:
    """A code in a missing category has no nearest-code hint."""
    with pytest.raises(UnknownCodeError) as info:
        lookup_icd10cm("U99")
    assert "nearest" not in str(info.value)


def test_missing_data_files_are_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Missing or duplicated data files raise RuntimeError naming the data package."""
    import importlib.machinery
    import importlib.util

    from medmassage import _icd10cm

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match="simple-icd-10-cm"):
        _icd10cm._load_bundled()
    monkeypatch.undo()
    (tmp_path / "data").mkdir()
    spec = importlib.machinery.ModuleSpec("simple_icd_10_cm", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(RuntimeError, match="exactly one"):
        _icd10cm._load_bundled()


def test_concurrent_first_lookups_in_a_fresh_process() -> None:
    """Concurrent first lookups in a fresh process load the table once."""
    result = _run(
        """
        import json, threading
        from medmassage.codes import lookup_icd10cm
        from medmassage import _icd10cm
        barrier = threading.Barrier(8)
        found = []
        def work():
            barrier.wait()
            found.append((lookup_icd10cm("S13.4XXA").description, id(_icd10cm.table())))
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(json.dumps({"distinct": len(set(found)), "count": len(found)}))
        """
    )
    assert result == {"distinct": 1, "count": 8}
