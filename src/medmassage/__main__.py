"""Allow ``python -m medmassage``."""

import sys

from .cli import main

sys.exit(main())
