"""Refresh the cached intersphinx inventories (needs internet access).

The documentation build reads these files instead of the network (see conf.py).
Run this from the repository root when online, check the build, and commit the
changed ``*.inv`` files:

    python docs/_inventories/refresh.py
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from conf import intersphinx_mapping  # noqa: E402 - the URLs live in conf.py


def main() -> int:
    """Download each project's ``objects.inv`` beside this script."""
    for name, (url, local) in intersphinx_mapping.items():
        target = Path(local)
        with urllib.request.urlopen(url + "objects.inv", timeout=30) as response:
            data = response.read()
        if not data.startswith(b"# Sphinx inventory version 2"):
            print(f"{name}: {url} did not return an inventory; kept the old file")
            continue
        target.write_bytes(data)
        print(f"{name}: {len(data)} bytes from {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
