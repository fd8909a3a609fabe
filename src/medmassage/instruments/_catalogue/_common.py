"""What several built-in instruments share: MCID citations and the item-range helper (private)."""

from __future__ import annotations

from typing import Final

OSTELO_2008: Final = (
    "Ostelo RW et al. Interpreting change scores for pain and functional status in low back "
    "pain: towards international consensus regarding minimal important change. Spine "
    "2008;33(1):90-94."
)
ABBOTT_SCHMITT_2014: Final = (
    "Abbott JH, Schmitt J. Minimum important differences for the Patient-Specific Functional "
    "Scale, 4 region-specific outcome measures, and the Numeric Pain Rating Scale. JOSPT "
    "2014;44(8):560-564."
)


def _items(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


#: ICD-10-CM codes of low back pain (the populations of Ostelo 2008 and Childs 2005):
#: low back pain, sciatica and lumbago with sciatica, thoracic/lumbar disc disorders,
#: lumbar spondylosis and stenosis, lumbar spondylolisthesis, lumbar sprain.
LOW_BACK: Final = (
    "M54.5",
    "M54.4",
    "M54.3",
    "M51",
    "M47.816",
    "M47.817",
    "M48.06",
    "M43.16",
    "S33.5",
)
#: ICD-10-CM codes of neck pain (mechanical neck disorders, with or without arm
#: symptoms: Vernon 1991, Young 2009): cervicalgia, cervical radiculopathy, cervical disc
#: disorders, cervicocranial and cervicobrachial syndromes, cervical spondylosis, neck sprain.
NECK: Final = ("M54.2", "M54.12", "M50", "M53.0", "M53.1", "M47.812", "M47.22", "S13.4")
