"""medmassage.evidence: the evidence levels every rule, MCID and convention carries."""

from __future__ import annotations

import pytest

from medmassage.evidence import EvidenceLevel


def test_levels_are_ordered_strongest_first() -> None:
    """A guideline ranks 0 and a convention last; sorting by rank gives the declared order."""
    levels = list(EvidenceLevel)
    assert levels[0] is EvidenceLevel.GUIDELINE
    assert levels[-1] is EvidenceLevel.CONVENTION
    assert [level.rank for level in levels] == list(range(len(levels)))
    shuffled = [EvidenceLevel.CONVENTION, EvidenceLevel.TEXTBOOK, EvidenceLevel.GUIDELINE]
    assert sorted(shuffled, key=lambda level: level.rank) == shuffled[::-1]


@pytest.mark.parametrize("level", list(EvidenceLevel))
def test_every_level_reads_as_a_sentence_and_by_its_value(level: EvidenceLevel) -> None:
    """Each level has a readable description and is found again from its JSON value."""
    assert len(level.description) > 20
    assert level.description == level.description.strip()
    assert EvidenceLevel(level.value) is level
    assert level.value == level.name.lower()


def test_an_unknown_level_is_refused() -> None:
    """A level that is not one of the six is a ValueError, never a silent default."""
    with pytest.raises(ValueError, match="'anecdote' is not a valid EvidenceLevel"):
        EvidenceLevel("anecdote")
