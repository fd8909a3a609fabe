"""medmassage.advisories: the one shape of soft findings (checks, coding edits, plan of care)."""

from __future__ import annotations

import pickle

import pytest

import medmassage as mm
from medmassage.advisories import Advisory, AdvisoryLevel
from medmassage.exceptions import ValidationError


def test_an_advisory_reads_as_level_path_message_and_code() -> None:
    """str() gives "level: path: message [code]", and <root> for the whole record."""
    advisory = Advisory(code="unsigned", path="sessions[1].signature", message="not signed")
    assert advisory.level is AdvisoryLevel.WARNING
    assert str(advisory) == "warning: sessions[1].signature: not signed [unsigned]"
    whole = Advisory(code="x", path="", message="m", level=AdvisoryLevel.INFO)
    assert str(whole) == "info: <root>: m [x]"


def test_to_dict_is_json_ready_and_gives_the_source_only_when_there_is_one() -> None:
    """The dictionary has code, level, path and message; source only when the advisory has one."""
    plain = Advisory(code="c", path="p", message="m", level=AdvisoryLevel.ERROR)
    assert plain.to_dict() == {"code": "c", "level": "error", "path": "p", "message": "m"}
    cited = Advisory(code="c", path="p", message="m", source="CMS Pub. 100-04 ch. 5 s. 20.2")
    assert cited.to_dict()["source"] == "CMS Pub. 100-04 ch. 5 s. 20.2"


def test_a_level_given_as_a_string_is_refused() -> None:
    """An "error" string would compare unequal to AdvisoryLevel.ERROR and read as harmless."""
    with pytest.raises(ValidationError, match="level: expected an AdvisoryLevel"):
        Advisory(code="c", path="p", message="m", level="error")  # type: ignore[arg-type]


def test_advisories_are_values() -> None:
    """Advisories are frozen, compare by value and pickle (results cross processes)."""
    a = Advisory(code="c", path="p", message="m")
    assert a == Advisory(code="c", path="p", message="m")
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(AttributeError):
        a.code = "d"  # type: ignore[misc]


def test_check_returns_advisories_of_every_kind_in_one_list() -> None:
    """check() on the bundled lumbar case gives Advisory objects with their levels."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "lumbar_disc_herniation.json"
    case = mm.from_json(mm.Case, path.read_bytes())
    found = mm.check(case)
    assert found
    assert all(isinstance(a, Advisory) for a in found)
    assert {a.level for a in found} <= set(AdvisoryLevel)
    assert "screening_modify" in {a.code for a in found}
