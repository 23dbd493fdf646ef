"""Each setting's default is written once, on its config dataclass; the CLI options, the
pytest plugin's options and ``phicode validate`` read it from there with ``default_of``."""

from __future__ import annotations

import dataclasses
import os
from typing import Any


def default_workers() -> int:
    """One per CPU: the default of every pool of processes or containers phicode starts."""
    return max(1, os.cpu_count() or 1)


def default_of(config: type, name: str) -> Any:
    """The default of the field ``name`` of the dataclass ``config``."""
    for item in dataclasses.fields(config):
        if item.name == name:
            if item.default_factory is not dataclasses.MISSING:
                return item.default_factory()
            return item.default
    raise AttributeError(f"{config.__name__} has no field {name!r}")
