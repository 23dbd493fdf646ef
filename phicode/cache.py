"""The one folder phicode keeps things in between runs, under one variable.

``$PHICODE_CACHE``, else ``$XDG_CACHE_HOME/phicode``, else ``~/.cache/phicode``.
In it: ``models/`` (converted model weights) and ``validate.sqlite`` (what
``phicode validate`` has already checked, by content).
"""

from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "PHICODE_CACHE"


def cache_root() -> Path:
    """phicode's cache folder (see the module)."""
    explicit = os.environ.get(VARIABLE)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "phicode"
