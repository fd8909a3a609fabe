"""The built-in contraindication rules (``core.*``), each citing its source.

Conditions are matched by ICD-10-CM code ranges (`CodeSet`, no code table
needed) and by the patient's structured history (medication classes, pregnancy,
surgeries, risk flags, vital signs), never by free text. Every code named here
exists in the CMS ICD-10-CM April 1, 2026 release (``tests/test_rules.py``
checks it).

Each rule cites its source (NCCIH; Werner, *A Massage Therapist's Guide to
Pathology*; Walton, *Medical Conditions and Massage Therapy*; Foldi's *Textbook
of Lymphology*; peer-reviewed papers) and says how sure it is with an
`medmassage.evidence.EvidenceLevel`; where no guideline or textbook was found
the level is ``convention`` and the rule says so. The default severities are a
policy choice (no agreed list exists: Batavia 2004); applications may
reclassify any rule with `medmassage.contraindications.Policy`.

The rules live by body system (``vascular``, ``infection_and_skin``,
``musculoskeletal``, ``oncology``, ``lymphatic``, ``pregnancy``, ``neurological``,
``devices``, ``medication``, ``practice``); each module holds a rule's code sets,
its class and its one instance with its metadata (id, title, severity, source, triggers, modalities,
regions) together, the instance named after the id (``core.acute_dvt`` is
``vascular.ACUTE_DVT``). This package only collects them.
"""

from __future__ import annotations

from typing import Final

from ._base import CoreRule
from .devices import IMPLANTED_DEVICE
from .infection_and_skin import (
    CONTAGIOUS_SKIN,
    FEVER,
    INFLAMMATORY_SKIN,
    LOCAL_INFECTION,
    OPEN_WOUND,
    RECENT_SURGERY,
)
from .lymphatic import HEART_FAILURE, KIDNEY_FAILURE, LYMPHEDEMA
from .medication import CORTICOSTEROIDS, PAIN_FEEDBACK
from .musculoskeletal import ACUTE_INFLAMMATION, HERNIATED_DISC, OSTEOPOROSIS, RECENT_FRACTURE
from .neurological import NEUROPATHY, PARALYSIS
from .oncology import ACTIVE_CANCER, BONE_METASTASIS, RADIATION_SITE
from .practice import CERTIFICATION, CONTACT_ALLERGY, FALL_RISK, TRAUMA_INFORMED
from .pregnancy import PREGNANCY
from .vascular import (
    ACUTE_DVT,
    ANEURYSM,
    BLEEDING_RISK,
    DVT_HISTORY,
    HYPERTENSION,
    NECK_VESSELS_THYROID,
    THROMBOPHILIA,
    VARICOSE_VEINS,
)

__all__ = ["BUILTIN_RULES", "CoreRule"]

#: Every built-in rule, in id order.
BUILTIN_RULES: Final[tuple[CoreRule, ...]] = tuple(
    sorted(
        (
            ACTIVE_CANCER,
            ACUTE_DVT,
            ACUTE_INFLAMMATION,
            CONTACT_ALLERGY,
            CONTAGIOUS_SKIN,
            CORTICOSTEROIDS,
            FALL_RISK,
            IMPLANTED_DEVICE,
            INFLAMMATORY_SKIN,
            PAIN_FEEDBACK,
            PARALYSIS,
            TRAUMA_INFORMED,
            ANEURYSM,
            BLEEDING_RISK,
            BONE_METASTASIS,
            CERTIFICATION,
            DVT_HISTORY,
            FEVER,
            HEART_FAILURE,
            HERNIATED_DISC,
            HYPERTENSION,
            KIDNEY_FAILURE,
            LOCAL_INFECTION,
            LYMPHEDEMA,
            NECK_VESSELS_THYROID,
            NEUROPATHY,
            OPEN_WOUND,
            OSTEOPOROSIS,
            PREGNANCY,
            RADIATION_SITE,
            RECENT_FRACTURE,
            RECENT_SURGERY,
            THROMBOPHILIA,
            VARICOSE_VEINS,
        ),
        key=lambda r: r.id,
    )
)
