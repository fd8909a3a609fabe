"""Practitioners: licences, certifications and their validation."""

from __future__ import annotations

import datetime as dt

import medmassage as mm
from factories import problems


def test_practitioner() -> None:
    """A practitioner is licensed only until the licence expires."""
    lic = mm.License(number="MA60012345", jurisdiction="US-WA", expires_on=dt.date(2027, 6, 30))
    cert = mm.Certification(
        code="manual_lymphatic_drainage",
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2026, 1, 1),
    )
    p = mm.Practitioner(
        id="pr-1", name="J. Okafor, LMT", npi="1234567893", licenses=(lic,), certifications=(cert,)
    )
    assert p.licensed_on(dt.date(2027, 6, 30))
    assert not p.licensed_on(dt.date(2027, 7, 1))
    assert p.certified_for("manual_lymphatic_drainage", dt.date(2025, 1, 1))
    assert not p.certified_for("manual_lymphatic_drainage", dt.date(2019, 1, 1))
    assert not p.certified_for("manual_lymphatic_drainage", dt.date(2026, 1, 2))
    assert not p.certified_for("other", dt.date(2025, 1, 1))
    assert mm.Certification(code="x").valid_on(dt.date(1900, 1, 1))
    assert problems(lambda: mm.Practitioner(id="pr 1", name=" ", npi="1")) == {
        ("id", "id_format"),
        ("name", "blank"),
        ("npi", "npi"),
    }
    assert problems(
        lambda: mm.License(
            number="", jurisdiction="x" * 65, expires_on=dt.date(2026, 1, 1), profession=" "
        )
    ) == {
        ("number", "blank"),
        ("jurisdiction", "length"),
        ("profession", "blank"),
    }
    assert problems(
        lambda: mm.Certification(
            code="Bad Key", issued_on=dt.date(2026, 1, 2), expires_on=dt.date(2026, 1, 1)
        )
    ) == {("code", "key_format"), ("expires_on", "order")}
