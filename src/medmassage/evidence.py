"""How sure a clinical statement is: the evidence level beside each citation.

Massage contraindications have no agreed list: a review of 21 textbook and
journal sources found them "markedly varied", most citing no references
(Batavia M., J Bodyw Mov Ther 2004;8:48-57). So every built-in rule says, beside
its citation, what kind of source it rests on, and a clinician can weigh it:

>>> from medmassage.plugins import get_default_registry
>>> get_default_registry().rule("core.bleeding_risk").evidence_level.value
'guideline'
>>> EvidenceLevel.CONVENTION.description
'a choice the project made where no source gives one (a threshold, a time window)'

Rule plugins may declare an ``evidence_level`` too; it is optional in the
`medmassage.contraindications.Rule` protocol, and a rule without one is shown
as "not stated".

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["EvidenceLevel"]


class EvidenceLevel(enum.Enum):
    """The kind of source a rule, threshold or convention rests on, strongest first.

    Rules, findings, MCIDs, missing-item rules, billing policies, coding edits and
    plan-of-care findings carry one beside their citation.

    .. versionadded:: 0.2.0
    """

    #: Guidance of a public health body or a professional society (NCCIH; the
    #: National Lymphedema Network position papers; ACC/AHA guidelines).
    GUIDELINE = "guideline"
    #: A systematic review of the literature.
    SYSTEMATIC_REVIEW = "systematic_review"
    #: A single peer-reviewed study (a cohort or a trial), not pooled in a review:
    #: most published MCIDs of outcome instruments.
    PRIMARY_STUDY = "primary_study"
    #: A textbook of the field (Foldi's *Textbook of Lymphology*; Walton, *Medical
    #: Conditions and Massage Therapy*; Werner, *A Massage Therapist's Guide to
    #: Pathology*).
    TEXTBOOK = "textbook"
    #: Agreement of practitioners' sources (training schools, practice policies)
    #: without a guideline or textbook behind the particular statement.
    EXPERT_CONSENSUS = "expert_consensus"
    #: A choice the project made where no source gives one.
    CONVENTION = "convention"

    @property
    def description(self) -> str:
        """A one-line explanation a clinician can read."""
        return _DESCRIPTIONS[self]

    @property
    def rank(self) -> int:
        """0 for a guideline up to 5 for a convention (for sorting, strongest first)."""
        return list(EvidenceLevel).index(self)


_DESCRIPTIONS: Final = {
    EvidenceLevel.GUIDELINE: "guidance of a public health body or a professional society",
    EvidenceLevel.SYSTEMATIC_REVIEW: "a systematic review of the literature",
    EvidenceLevel.PRIMARY_STUDY: "a single peer-reviewed study, not pooled in a systematic review",
    EvidenceLevel.TEXTBOOK: "a textbook of massage pathology, lymphology or oncology massage",
    EvidenceLevel.EXPERT_CONSENSUS: "agreement of practitioners' sources, without a guideline "
    "or textbook behind the particular statement",
    EvidenceLevel.CONVENTION: "a choice the project made where no source gives one "
    "(a threshold, a time window)",
}
