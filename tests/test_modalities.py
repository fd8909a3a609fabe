"""Modalities: the built-ins and the rules a modality must keep."""

from __future__ import annotations

from typing import Any

import medmassage as mm
from factories import problems
from medmassage.modalities import (
    BUILTIN_MODALITIES,
    DEEP_TISSUE,
    LYMPHATIC_DRAINAGE,
    SWEDISH,
    PressureGrade,
)

G = PressureGrade


def test_builtin_modalities() -> None:
    """The built-in modalities are the expected set with their pressure limits."""
    assert set(BUILTIN_MODALITIES) == {
        "core.myofascial_release",
        "core.trigger_point",
        "core.deep_tissue",
        "core.neuromuscular",
        "core.lymphatic_drainage",
        "core.swedish",
    }
    for m in BUILTIN_MODALITIES.values():
        assert m.source.strip()
        assert m.min_grade <= m.max_grade
    # MLD pressure ceiling 4 kPa: medmassage's convention for Foldi's light pressure.
    assert LYMPHATIC_DRAINAGE.max_pressure == mm.Pressure(4, "kPa")
    assert LYMPHATIC_DRAINAGE.required_certifications == {"manual_lymphatic_drainage"}
    assert LYMPHATIC_DRAINAGE.allows_pressure(mm.Pressure(30, "mmHg"))
    assert not LYMPHATIC_DRAINAGE.allows_pressure(mm.Pressure(31, "mmHg"))
    assert DEEP_TISSUE.allows_pressure(mm.Pressure(10, "kgf/cm**2"))
    assert SWEDISH.allows_grade(G.SWEDISH)
    assert not SWEDISH.allows_grade(G.DEEP)
    assert int(G.DEEPEST) == 5


def test_modality_rules() -> None:
    """A modality checks its key format, grade range and duration."""
    base: dict[str, Any] = {
        "code": "acme.cupping",
        "name": "Cupping",
        "description": "Negative pressure cups.",
        "min_grade": G.LIGHT_LOTIONING,
        "max_grade": G.SWEDISH,
        "typical_duration": mm.Duration(15, "min"),
        "source": "Example source",
    }
    mm.Modality(**base, required_certifications=frozenset({"cupping"}))
    assert problems(
        lambda: mm.Modality(
            **{
                **base,
                "code": "Acme",
                "min_grade": G.DEEP,
                "typical_duration": mm.Duration(5, "h"),
            },
            max_pressure=mm.Pressure(0, "kPa"),
            required_certifications=frozenset({"ok", "Not OK"}),
        )
    ) == {
        ("code", "key_format"),
        ("max_grade", "order"),
        ("max_pressure", "range"),
        ("typical_duration", "range"),
        ("required_certifications[0]", "key_format"),
    }
    assert problems(lambda: mm.Modality(**{**base, "code": "a" * 101})) == {("code", "key_format")}
