"""The built-in outcome instruments, each a declarative `Instrument` citing its source.

Scoring rules, missing-item rules, bands and MCIDs follow the instruments'
primary publications; each instrument's ``source``, ``notes`` and MCIDs cite
them. Where no published rule was found (a missing-item limit, a band) the
instrument uses a conservative convention, documented as such in its
``missing_rule``. Every missing-item rule and MCID carries an evidence level
(`medmassage.evidence.EvidenceLevel`: ``convention`` for medmassage's own
choice, ``primary_study`` for a figure from one published cohort) and a
one-line reason; MCIDs also name the ICD-10-CM conditions of the population
they were derived in, so a change can say when a figure is borrowed.

No item wording is shipped (several instruments are copyrighted): items are
referred to by number, in the order of the published form.
"""

from __future__ import annotations

from typing import Final

from .._scoring import Instrument
from .headache_and_jaw import HIT6, JFLS20
from .lower_limb import FFI, LEFS
from .pain import FIQR, NPRS, VAS
from .patient_specific import PSFS
from .physical import PPT, ROM
from .spine import NDI, ODI, RMDQ
from .upper_limb import BCTQ, QUICKDASH

__all__ = ["BUILTIN_INSTRUMENTS"]

#: Every built-in instrument, in a stable order.
BUILTIN_INSTRUMENTS: Final[tuple[Instrument, ...]] = (
    NPRS,
    VAS,
    ODI,
    NDI,
    QUICKDASH,
    LEFS,
    BCTQ,
    HIT6,
    FIQR,
    PSFS,
    FFI,
    JFLS20,
    RMDQ,
    PPT,
    ROM,
)
