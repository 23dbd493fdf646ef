"""What the suite does when something it needs is missing: skip on a developer's
machine, fail in CI (``CI`` set), where ``.ci/run`` installs and starts everything."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def skip_unless_ci(reason: str, *, module: bool = False) -> NoReturn:
    """Skip locally (the whole module when ``module``); in CI fail: nothing the
    README promises may be skipped there."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must not skip: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


def hide_module(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make ``import name`` fail as it does where the package is not installed."""
    import builtins

    real_import = builtins.__import__

    def without(module: str, *args, **kwargs):
        if module == name:
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(module, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without)
