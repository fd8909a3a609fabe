"""Tests of the CPT table and the modality-to-CPT mapping.

Code meanings follow the AMA CPT Professional descriptors; the default mapping
(NMT billed 97140, not 97112; deep tissue 97124) is documented on
`medmassage.cpt.DEFAULT_CPT_MAPPING`.
"""

from __future__ import annotations

import attrs
import pytest

from medmassage.cpt import (
    CPT_CODES,
    DEFAULT_CPT_MAPPING,
    CptCode,
    SupportsCptCode,
    check_cpt_format,
    cpt_for_modality,
    lookup_cpt,
    mapping_from_modalities,
)
from medmassage.exceptions import UnknownCodeError, ValidationError
from medmassage.modalities import BUILTIN_MODALITIES


@pytest.mark.parametrize("code", ["97124", "97140", "97112", "97530", "97110", "97116", "97035"])
def test_timed_codes_are_15_minute_units(code: str) -> None:
    """AMA CPT Professional descriptors: each of these is 'each 15 minutes'."""
    record = lookup_cpt(code)
    assert record.timed
    assert record.unit_minutes == 15
    assert record.summary
    assert record.source


@pytest.mark.parametrize("code", ["97010", "97161", "97162", "97163"])
def test_untimed_codes(code: str) -> None:
    """Untimed CPT codes are marked untimed and have no unit minutes."""
    record = lookup_cpt(code)
    assert not record.timed
    assert record.unit_minutes is None


def test_hot_cold_packs_are_medicare_status_b() -> None:
    """CMS Medicare Physician Fee Schedule: 97010 has status B (always bundled)."""
    status = lookup_cpt("97010").medicare_status
    assert status is not None
    assert "status B" in status


def test_summaries_are_paraphrases_not_the_ama_descriptor() -> None:
    """The AMA's descriptor of 97124 begins 'Therapeutic procedure, 1 or more areas'."""
    for record in CPT_CODES.values():
        assert not record.summary.startswith("Therapeutic procedure, 1 or more areas")
        assert "each 15 minutes; massage, including" not in record.summary


def test_neuromuscular_reeducation_is_distinguished_from_therapy() -> None:
    """97112 neuromuscular re-education is described apart from 97140 manual therapy."""
    assert "not" in lookup_cpt("97112").summary.lower()
    assert cpt_for_modality("core.neuromuscular") == "97140"


def test_unknown_and_malformed_cpt() -> None:
    """Unknown or malformed CPT codes raise UnknownCodeError for the CPT system."""
    with pytest.raises(UnknownCodeError) as info:
        lookup_cpt("97039")
    assert info.value.system == "CPT"
    assert "97140" in info.value.hint
    with pytest.raises(ValidationError) as bad:
        lookup_cpt("971")
    assert bad.value.problems[0].code == "cpt_format"


def test_table_is_read_only() -> None:
    """The CPT table and the default mapping cannot be modified."""
    with pytest.raises(TypeError):
        CPT_CODES["99999"] = lookup_cpt("97140")  # type: ignore[index]
    with pytest.raises(TypeError):
        DEFAULT_CPT_MAPPING["core.swedish"] = "97140"  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lookup_cpt("97140").timed = False  # type: ignore[misc]


# -- mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modality", "cpt"),
    [
        ("core.swedish", "97124"),  # CPT: massage = effleurage, petrissage...
        ("core.myofascial_release", "97140"),  # CPT: 97140 covers MFR
        ("core.trigger_point", "97140"),  # CPT: non-injectable trigger-point therapy
        ("core.lymphatic_drainage", "97140"),  # CPT: descriptor names MLD
        ("core.neuromuscular", "97140"),  # NMT billed 97140, not 97112 (medmassage.cpt)
        ("core.deep_tissue", "97124"),  # decision documented on DEFAULT_CPT_MAPPING
    ],
)
def test_default_mapping(modality: str, cpt: str) -> None:
    """Each built-in modality maps to its default CPT code."""
    assert cpt_for_modality(modality) == cpt


def test_every_builtin_modality_has_a_default_code() -> None:
    """Every built-in modality has a default timed CPT code."""
    assert set(DEFAULT_CPT_MAPPING) == set(BUILTIN_MODALITIES)
    for code in DEFAULT_CPT_MAPPING.values():
        assert lookup_cpt(code).timed


def test_per_call_override() -> None:
    """A per-call mapping overrides the default for the listed modalities only."""
    assert cpt_for_modality("core.deep_tissue", {"core.deep_tissue": "97140"}) == "97140"
    assert cpt_for_modality("core.swedish", {"core.deep_tissue": "97140"}) == "97124"
    assert cpt_for_modality("core.swedish", {"core.swedish": None}) is None


def test_override_is_format_checked() -> None:
    """An override with a malformed CPT code raises ValidationError at its mapping key."""
    with pytest.raises(ValidationError) as info:
        cpt_for_modality("core.swedish", {"core.swedish": "massage"})
    assert info.value.paths == ("mapping['core.swedish']",)


@attrs.frozen(kw_only=True)
class _PluginModality:
    code: str
    cpt_code: str | None


def test_plugin_modality_declares_its_code() -> None:
    """A plugin modality declaring its CPT code is mapped to it."""
    cupping = _PluginModality(code="acme.cupping", cpt_code="97140")
    assert isinstance(cupping, SupportsCptCode)
    assert cpt_for_modality(cupping) == "97140"
    assert cpt_for_modality(cupping, {"acme.cupping": "97124"}) == "97124"
    # None declares nothing: the default mapping applies (none for a plugin key) ...
    with pytest.raises(UnknownCodeError):
        cpt_for_modality(_PluginModality(code="acme.rest", cpt_code=None))
    assert cpt_for_modality(_PluginModality(code="core.swedish", cpt_code=None)) == "97124"
    # ... and "not billed" is said per call.
    assert cpt_for_modality(cupping, {"acme.cupping": None}) is None


def test_mapping_from_modalities_skips_objects_without_a_code() -> None:
    """Building a mapping from modalities skips those without a CPT code."""
    mapping = mapping_from_modalities(
        [
            _PluginModality(code="acme.cupping", cpt_code="97140"),
            _PluginModality(code="acme.rest", cpt_code=None),
            BUILTIN_MODALITIES["core.swedish"],
        ]
    )
    assert mapping == {"acme.cupping": "97140"}
    with pytest.raises(ValidationError) as info:
        mapping_from_modalities([_PluginModality(code="x.y", cpt_code="bad")])
    assert info.value.paths == ("modalities[0].cpt_code",)


def test_builtin_modality_object_uses_the_default() -> None:
    """A built-in modality object maps to its default CPT code."""
    assert cpt_for_modality(BUILTIN_MODALITIES["core.myofascial_release"]) == "97140"


def test_unknown_modality() -> None:
    """An unknown modality raises UnknownCodeError for the modality CPT mapping."""
    with pytest.raises(UnknownCodeError) as info:
        cpt_for_modality("acme.cupping")
    assert info.value.system == "modality CPT mapping"
    assert "mapping=" in info.value.hint


def test_not_a_modality() -> None:
    """A non-modality argument raises ValidationError at ``modality``."""
    with pytest.raises(ValidationError) as info:
        cpt_for_modality(42)  # type: ignore[arg-type]
    assert info.value.paths == ("modality",)


def test_check_cpt_format() -> None:
    """check_cpt_format accepts valid codes and rejects malformed ones."""
    assert check_cpt_format("0001F") == "0001F"
    with pytest.raises(ValidationError) as info:
        check_cpt_format(97140, "codes[0]")
    assert info.value.paths == ("codes[0]",)


def test_cpt_code_is_kw_only() -> None:
    """CptCode fields can be given only by keyword."""
    with pytest.raises(TypeError):
        CptCode("97140", "x", "y", True, 15, "z")  # type: ignore[call-arg]
