"""Shared test configuration: hypothesis profiles and common fixtures.

Profiles (pick one with ``MEDMASSAGE_HYPOTHESIS_PROFILE``; ``ci`` is the
default when the ``CI`` environment variable is set, else ``default``):

* ``default``: hypothesis defaults, 100 examples.
* ``ci``: reproducible (derandomized), no deadline, no too-slow health check.
* ``fast``: 10 examples, for a quick local run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "fast", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("MEDMASSAGE_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LUMBAR = EXAMPLES / "lumbar_disc_herniation.json"


@pytest.fixture(scope="session")
def lumbar_text() -> str:
    """The bundled lumbar disc herniation case, as JSON text."""
    return LUMBAR.read_text(encoding="utf-8")


@pytest.fixture
def lumbar_data(lumbar_text: str) -> dict[str, Any]:
    """A fresh, mutable copy of the bundled lumbar disc herniation case."""
    data: dict[str, Any] = json.loads(lumbar_text)
    return data
