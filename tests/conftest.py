"""Shared fixtures. Tests that need Docker are marked ``docker``; they share one
warm pool per session. Without an engine they skip locally, but fail in CI
(``CI`` set), where ``.ci/run`` must have started one."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from phicode.errors import SandboxError
from phicode.sandbox.engine import Engine, owner_tag
from phicode.sandbox.pool import SandboxConfig, SandboxPool
from tests.ci import skip_unless_ci


def _sandbox_or_skip(config: SandboxConfig) -> SandboxPool:
    pool = SandboxPool(config)
    try:
        return pool.start()
    except SandboxError as exc:
        skip_unless_ci(f"no sandbox: {exc}")


@pytest.fixture(scope="session", autouse=True)
def no_leftover_containers() -> Iterator[None]:
    """After the whole session (set up first, so torn down last, whatever the test order):
    no container labelled phicode=1 that this test process started is left."""
    yield
    try:
        engine = Engine.connect()
    except SandboxError:
        return  # no engine: no container could have been started
    mine = owner_tag()
    deadline = time.monotonic() + 15
    left = [c for c in engine.list_sandboxes() if c["owner"] == mine]
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = [c for c in engine.list_sandboxes() if c["owner"] == mine]
    assert left == [], f"containers left after the session: {left}"


@pytest.fixture(scope="session")
def sandbox_pool() -> Iterator[SandboxPool]:
    """Two warm containers with the default limits, shared by the whole session."""
    pool = _sandbox_or_skip(SandboxConfig(workers=2, timeout_s=10.0))
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def short_pool() -> Iterator[SandboxPool]:
    """A pool with a 3 s timeout and 256 MiB per job, for hostile programs."""
    pool = _sandbox_or_skip(SandboxConfig(workers=2, timeout_s=3.0, memory_mb=256))
    yield pool
    pool.close()
