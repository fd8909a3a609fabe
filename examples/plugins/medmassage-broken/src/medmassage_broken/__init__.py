"""A deliberately broken medmassage plugin (see README.md)."""

from __future__ import annotations

import attrs

from medmassage.modalities import SWEDISH

#: Targets a plugin API this medmassage does not support.
FUTURE_API = attrs.evolve(SWEDISH, code="broken.future_api", name="From the future", api_version=2)
#: Registered under a name that is not a lower-case dotted key.
BAD_NAME = attrs.evolve(SWEDISH, code="broken.bad_name", name="Badly named")
#: The same key as medmassage-cupping's modality.
DUPLICATE_CUPPING = attrs.evolve(SWEDISH, code="cupping.dry_cupping", name="Someone else's cupping")
#: Not a contraindication rule at all.
NOT_A_RULE = "I am a string, not a rule"
