"""The built-in contraindication rules (``core.*``), each citing its source.

Conditions are matched by ICD-10-CM code ranges (`CodeSet`, no code table
needed) and by the patient's structured history (medication classes, pregnancy,
surgeries, risk flags, vital signs), never by free text. Every code named here
exists in the CMS ICD-10-CM April 1, 2026 release (``tests/test_rules.py``
checks it).

Sources are those of the project's clinical reference (clinical.md section 2);
items marked UNCONFIRMED there are marked UNCONFIRMED here. The default
severities are the "suggested default" classes of its table 2.3; applications
may reclassify any rule with `medmassage.contraindications.Policy`.

The rules live by body system (``vascular``, ``infection_and_skin``,
``musculoskeletal``, ``oncology``, ``lymphatic``, ``pregnancy``, ``neurological``,
``practice``); each module holds a rule's code sets, its class and its one
instance with its metadata (id, title, severity, source, triggers, modalities,
regions) together, the instance named after the id (``core.acute_dvt`` is
``vascular.ACUTE_DVT``). This package only collects them.
"""

from __future__ import annotations

from typing import Final

from ._base import CoreRule
from .infection_and_skin import FEVER, LOCAL_INFECTION, OPEN_WOUND, RECENT_SURGERY
from .lymphatic import HEART_FAILURE, KIDNEY_FAILURE, LYMPHEDEMA
from .musculoskeletal import HERNIATED_DISC, OSTEOPOROSIS, RECENT_FRACTURE
from .neurological import NEUROPATHY
from .oncology import ACTIVE_CANCER, BONE_METASTASIS, RADIATION_SITE
from .practice import CERTIFICATION
from .pregnancy import PREGNANCY
from .vascular import (
    ACUTE_DVT,
    ANEURYSM,
    BLEEDING_RISK,
    DVT_HISTORY,
    HYPERTENSION,
    NECK_VESSELS_THYROID,
    VARICOSE_VEINS,
)

__all__ = ["BUILTIN_RULES", "CoreRule"]

#: Every built-in rule, in id order.
BUILTIN_RULES: Final[tuple[CoreRule, ...]] = tuple(
    sorted(
        (
            ACTIVE_CANCER,
            ACUTE_DVT,
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
            VARICOSE_VEINS,
        ),
        key=lambda r: r.id,
    )
)
