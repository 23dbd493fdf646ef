"""Runs last (files run in name order): once the session's pools are closed, no
container labelled phicode=1 that this test process started is left."""

from __future__ import annotations

import time

import pytest

from phicode.engine import Engine, owner_tag
from phicode.pool import SandboxPool

pytestmark = pytest.mark.docker


def test_no_sandbox_container_remains(sandbox_pool: SandboxPool, short_pool: SandboxPool) -> None:
    sandbox_pool.close()
    short_pool.close()
    mine = owner_tag()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        left = [c for c in Engine.connect().list_sandboxes() if c["owner"] == mine]
        if not left:
            break
        time.sleep(0.2)
    assert left == []
