"""Helpers for testing code that uses medmassage.

`medmassage.testing.strategies` holds public `hypothesis
<https://hypothesis.readthedocs.io>`_ strategies that generate *valid*
medmassage objects (patients, diagnoses, plans, sessions, outcome measures,
whole cases), for applications to property-test their own code. They need the
``testing`` extra: ``pip install "medmassage[testing]"``.

Importing this package imports nothing heavy; import the submodules you need.
"""

from __future__ import annotations

__all__: list[str] = []
