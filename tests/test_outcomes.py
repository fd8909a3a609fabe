"""Outcome measures: validation of responses and measurements."""

from __future__ import annotations

import datetime as dt

import pytest

import medmassage as mm
from factories import MODEL_START as START
from factories import problems
from medmassage.exceptions import ValidationError


def test_outcome_rules() -> None:
    """An outcome measure checks its instrument, timestamp, value and responses."""
    mm.OutcomeMeasure(instrument="nprs", taken_at=START, value=3)
    mm.OutcomeMeasure(
        instrument="bctq", taken_at=START, responses={"sss": (1, 2), "fss": (3, None)}
    )
    mm.OutcomeMeasure(
        instrument="ppt",
        taken_at=START,
        measurements=(mm.Pressure(2.1, "kgf/cm**2"), mm.Pressure(210, "kPa")),
        region=mm.BodyRegion.HIP,
        laterality=mm.Laterality.LEFT,
    )
    assert problems(lambda: mm.OutcomeMeasure(instrument="x", taken_at=START)) == {("", "required")}
    found = problems(
        lambda: mm.OutcomeMeasure(
            instrument="X",
            taken_at=dt.datetime(2026, 1, 1),
            value=float("nan"),
            responses={"Bad": (1,)},
            measurements=(mm.Angle(30, "deg"), mm.Length(3, "cm")),
            region=mm.BodyRegion.KNEE,
            movement="Knee Flexion",
            note="",
        )
    )
    assert found == {
        ("instrument", "key_format"),
        ("taken_at", "aware"),
        ("value", "finite"),
        ("responses.Bad", "key_format"),
        ("measurements[1]", "kind"),
        ("laterality", "side"),
        ("movement", "key_format"),
        ("note", "blank"),
    }
    assert problems(lambda: mm.OutcomeMeasure(instrument="x", taken_at=START, value=2e9)) == {
        ("value", "finite")
    }


# Regression test (bug found by these tests, since fixed): OutcomeMeasure accepts NaN/Infinity
# item responses, so a valid record  cannot be written by to_json (json.dumps(allow_nan=False)
# raises a bare ValueError)
def test_outcome_item_responses_must_be_finite() -> None:
    """Non-finite outcome item responses raise ValidationError."""
    with pytest.raises(ValidationError):
        mm.OutcomeMeasure(instrument="nprs", taken_at=START, responses=(float("inf"),))
