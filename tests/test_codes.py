"""Tests of codings, ICD-10-CM formats, validation strictness and range matching.

Codes are from the CMS ICD-10-CM April 1, 2026 release.
"""

from __future__ import annotations

import inspect
import threading

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medmassage import codes
from medmassage.codes import (
    CPT,
    ICD10CM,
    SNOMED_CT,
    Coding,
    get_icd10cm_validation,
    icd10cm_problems,
    icd10cm_validation,
    is_icd10cm_format,
    is_within_icd10cm,
    normalize_icd10cm,
    set_icd10cm_validation,
)
from medmassage.diagnosis import Diagnosis
from medmassage.exceptions import ValidationError

# -- Coding and formats --------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("m5450", "M54.50"),
        ("M54.5", "M54.5"),
        ("M545", "M54.5"),
        ("z09", "Z09"),
        ("QA00101", "QA0.0101"),
    ],
)
def test_normalize(given: str, expected: str) -> None:
    """ICD-10-CM codes are normalised to upper case with the dot after the category."""
    assert normalize_icd10cm(given) == expected


@pytest.mark.parametrize("bad", ["", "M5", "5M4.50", "M54.50000", "M54..5", "M-54", "M54.5!"])
def test_normalize_rejects_malformed_codes(bad: str) -> None:
    """Malformed ICD-10-CM codes raise ValidationError with the icd10cm_format rule."""
    with pytest.raises(ValidationError) as info:
        normalize_icd10cm(bad)
    assert info.value.problems[0].code == "icd10cm_format"
    assert not is_icd10cm_format(bad)


def test_coding_stores_dotted_icd10cm() -> None:
    """Coding.icd10cm stores the dotted, upper-case code and keeps its display."""
    assert Coding.icd10cm("m5450").code == "M54.50"
    assert Coding.icd10cm("M54.50", "Low back pain, unspecified").display is not None


def test_coding_checks_cpt_and_snomed_formats() -> None:
    """Coding.cpt and Coding.snomed set their system URI and check the code format."""
    assert Coding.cpt("97140").system == CPT
    assert Coding.snomed("279039007").system == SNOMED_CT
    with pytest.raises(ValidationError) as info:
        Coding.cpt("9714")
    assert info.value.paths == ("code",)
    with pytest.raises(ValidationError):
        Coding.snomed("0123")


def test_coding_accepts_other_systems_as_given() -> None:
    """A coding in another system keeps its code exactly as given."""
    coding = Coding(system="urn:example:local", code="abc-1")
    assert coding.code == "abc-1"


def test_coding_reports_every_problem() -> None:
    """A coding with a bad system, code and display reports all three paths at once."""
    with pytest.raises(ValidationError) as info:
        Coding(system="", code=" ", display=3)  # type: ignore[arg-type]
    assert set(info.value.paths) == {"system", "code", "display"}


def test_coding_rejects_non_string_system_without_type_error() -> None:
    """A non-string system raises ValidationError at ``system``, not TypeError."""
    with pytest.raises(ValidationError) as info:
        Coding(system=["x"], code="M54.50")  # type: ignore[arg-type]
    assert info.value.paths == ("system",)


def test_coding_is_frozen() -> None:
    """A Coding cannot be changed after creation."""
    coding = Coding.icd10cm("M54.50")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        coding.code = "M54.51"  # type: ignore[misc]


# -- validation strictness -----------------------------------------------------------


def test_default_is_strict() -> None:
    """ICD-10-CM validation is strict by default."""
    assert get_icd10cm_validation() == "strict"


def test_strict_diagnosis_requires_an_existing_code() -> None:
    """M54.99 does not exist in the April 2026 release."""
    with pytest.raises(ValidationError) as info:
        Diagnosis(coding=Coding.icd10cm("M54.99"))
    (problem,) = info.value.problems
    assert problem.path == "coding.code"
    assert problem.code == "icd10cm_unknown"
    assert "M54.9" in problem.message  # the nearest existing code


def test_non_billable_header_is_a_valid_diagnosis() -> None:
    """Billability is a claim question (billing.diagnosis_edits), not validity."""
    assert Diagnosis(coding=Coding.icd10cm("M545")).code == "M54.5"


def test_format_validation_for_historic_records() -> None:
    """Format mode accepts codes missing from the release that strict mode rejects."""
    with icd10cm_validation("format"):
        assert get_icd10cm_validation() == "format"
        assert Diagnosis(coding=Coding.icd10cm("M54.99")).code == "M54.99"
    assert get_icd10cm_validation() == "strict"
    with pytest.raises(ValidationError):
        Diagnosis(coding=Coding.icd10cm("M54.99"))


def test_context_manager_restores_on_error() -> None:
    """The validation context manager restores strict mode after an exception."""
    with pytest.raises(RuntimeError), icd10cm_validation("format"):
        raise RuntimeError
    assert get_icd10cm_validation() == "strict"


def test_context_managers_nest() -> None:
    """Nested validation contexts restore the outer mode on exit."""
    with icd10cm_validation("format"):
        with icd10cm_validation("strict"):
            assert get_icd10cm_validation() == "strict"
        assert get_icd10cm_validation() == "format"


def test_process_default_setter() -> None:
    """The process-wide setter changes the default validation mode."""
    try:
        set_icd10cm_validation("format")
        assert get_icd10cm_validation() == "format"
        assert Diagnosis(coding=Coding.icd10cm("M54.99")).code == "M54.99"
        with icd10cm_validation("strict"):
            assert get_icd10cm_validation() == "strict"
    finally:
        set_icd10cm_validation("strict")


def test_context_mode_is_per_thread() -> None:
    """A validation context set in one thread does not leak into another."""
    seen: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def other() -> None:
        inside.wait(5)
        seen.append(get_icd10cm_validation())
        release.set()

    thread = threading.Thread(target=other)
    thread.start()
    with icd10cm_validation("format"):
        inside.set()
        release.wait(5)
        assert get_icd10cm_validation() == "format"
    thread.join(5)
    assert seen == ["strict"]


@pytest.mark.parametrize("bad", ["lenient", "", None, 1])
def test_unknown_modes_are_rejected(bad: object) -> None:
    """An unknown validation mode raises ValidationError at ``mode``."""
    with pytest.raises(ValidationError) as info:
        set_icd10cm_validation(bad)  # type: ignore[arg-type]
    assert info.value.paths == ("mode",)
    with pytest.raises(ValidationError), icd10cm_validation(bad):  # type: ignore[arg-type]
        pass
    assert get_icd10cm_validation() == "strict"


def test_icd10cm_problems() -> None:
    """icd10cm_problems is empty for known codes and reports unknown ones in strict mode."""
    assert icd10cm_problems("M54.50") == []
    assert icd10cm_problems("M54.99", "dx", mode="format") == []
    (unknown,) = icd10cm_problems("M54.99", "dx")
    assert (unknown.path, unknown.code) == ("dx", "icd10cm_unknown")
    (malformed,) = icd10cm_problems("54", "dx", mode="format")
    assert malformed.code == "icd10cm_format"


def test_module_exports_are_documented() -> None:
    """Every public name of the codes module has a docstring."""
    for name in codes.__all__:
        obj = getattr(codes, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, name


# -- range and prefix matching -------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "pattern", "expected"),
    [
        # ICD-10-CM tabular list: acute DVT I82.4x; a block I80-I82
        ("I82.401", "I82.4x", True),
        ("I82.409", "I82.4-", True),
        ("I82.4", "I82.4x", True),
        ("I82.501", "I82.4x", False),
        ("I82.401", "I80-I82", True),
        ("I80.10", "I80-I82", True),
        ("I83.90", "I80-I82", False),
        ("I79.8", "I80-I82", False),
        ("M54.5", "M54.5", True),
        ("M54.50", "M54.5", True),
        ("M54.4", "M54.5", False),
        ("M5450", "m54.5", True),
        ("M54.41", "M54.40-M54.42", True),
        ("M54.4", "M54.40-M54.42", False),
        ("M54.5", "M50-M54", True),
        ("M55.0", "M50-M54", False),
        ("C4A.0", "C43-C44", False),
        ("C4A.0", "C45-C4A", True),
        ("M01.X0", "M01.X", True),
        ("M01.0", "M01.X", False),
        ("Z86.718", "Z86.71*", True),
        ("M79.7", "M*", True),
    ],
)
def test_is_within(code: str, pattern: str, expected: bool) -> None:
    """is_within_icd10cm matches codes against prefix and range patterns."""
    assert is_within_icd10cm(code, pattern) is expected


def test_trailing_dash_is_a_wildcard_not_a_range() -> None:
    """A trailing dash in a pattern is a wildcard, not the start of a range."""
    assert is_within_icd10cm("I82.401", "I82-")
    assert is_within_icd10cm("I82.401", "I82--")
    assert not is_within_icd10cm("I83.0", "I82-")


def test_is_within_any_of_several_patterns() -> None:
    """A code is within a list of patterns when it matches any one of them."""
    assert is_within_icd10cm("Z86.718", ["I80-I82", "Z86.71x"])
    assert not is_within_icd10cm("I83.90", ("I80-I82", "Z86.718"))
    assert not is_within_icd10cm("I83.90", [])


def test_is_within_needs_no_table_for_historic_codes() -> None:
    # M54.5 was billable before FY2022; records may still hold codes that no longer exist.
    """Pattern matching works for codes absent from the current release."""
    assert is_within_icd10cm("M54.99", "M54")


@pytest.mark.parametrize("pattern", ["", "x", "I82.4.5", "I82-I80", "12-I80", "-I82", "I8 2"])
def test_malformed_patterns(pattern: str) -> None:
    """A malformed pattern raises ValidationError at ``pattern``."""
    with pytest.raises(ValidationError) as info:
        is_within_icd10cm("I82.401", pattern)
    assert info.value.paths[0] == "pattern"


def test_malformed_code_in_match() -> None:
    """A malformed code given to is_within_icd10cm raises ValidationError at ``code``."""
    with pytest.raises(ValidationError) as info:
        is_within_icd10cm("I82..4", "I82")
    assert info.value.paths == ("code",)


_code = st.from_regex(r"\A[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?\Z")


@given(_code)
def test_a_code_is_within_itself_and_its_category(code: str) -> None:
    """Any code is within itself and within its three-character category."""
    assert is_within_icd10cm(code, code)
    assert is_within_icd10cm(code, code[:3])
    assert is_within_icd10cm(code, f"{code[:3]}-{code[:3]}")
    assert is_within_icd10cm(code, code[:3] + "x")


@given(_code, _code)
def test_prefix_pattern_means_startswith(code: str, pattern: str) -> None:
    """A prefix pattern matches exactly the codes that start with it."""
    expected = code.replace(".", "").startswith(pattern.replace(".", ""))
    assert is_within_icd10cm(code, pattern) is expected


def test_icd10cm_constant_is_the_fhir_uri() -> None:
    """The ICD10CM constant is the FHIR system URI for ICD-10-CM."""
    assert ICD10CM == "http://hl7.org/fhir/sid/icd-10-cm"


def test_release_problems_on_codings() -> None:
    """Coding.release_problems reports a code missing from the release as icd10cm_unknown."""
    assert Coding.icd10cm("M54.50").release_problems() == []
    (problem,) = Coding.icd10cm("M54.99").release_problems("dx.coding")
    assert (problem.path, problem.code) == ("dx.coding", "icd10cm_unknown")
    with icd10cm_validation("format"):
        assert Coding.icd10cm("M54.99").release_problems() == []
    assert Coding.cpt("99999").release_problems() == []


def test_known_codes_stay_valid_when_switching_modes() -> None:
    # The fast path caches only existing codes, so strictness still applies afterwards.
    """A known code stays valid in both strict and format modes."""
    assert icd10cm_problems("M54.50") == []
    assert icd10cm_problems("M54.50") == []
    assert icd10cm_problems("M54.99", mode="format") == []
    assert icd10cm_problems("M54.99") != []


def test_a_coding_built_from_its_code_reads_as_the_release_description() -> None:
    """Coding.icd10cm("M51.26") takes the CMS description; a given display is kept as given."""
    from medmassage.codes import lookup_icd10cm

    coding = Coding.icd10cm("M5126")
    assert coding.code == "M51.26"
    assert coding.display == lookup_icd10cm("M51.26").description
    assert coding.display == "Other intervertebral disc displacement, lumbar region"
    assert Coding.icd10cm("M51.26", "lumbar disc").display == "lumbar disc"
    assert Coding.icd10cm("Z99.99X").display is None  # not in the release: no display


def test_reading_json_never_fills_a_display() -> None:
    """A stored coding without a display is read exactly as written; a built one round-trips."""
    import json

    import medmassage as mm

    text = json.dumps({"schema_version": 1, "coding": {"system": ICD10CM, "code": "M54.50"}})
    bare = mm.from_json(mm.Diagnosis, text)
    assert bare.coding.display is None
    built = mm.Diagnosis(coding=Coding.icd10cm("M54.50"))
    assert built.coding.display
    again = mm.from_json(mm.Diagnosis, mm.to_json(built))
    assert again == built
    assert mm.to_json(again) == mm.to_json(built)
