"""Shared fixtures. Tests that need Docker are marked ``docker``; they share one
warm pool per session. Without an engine they skip locally, but fail in CI
(``CI`` set), where ``.ci/run`` must have started one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from phicode.errors import SandboxError
from phicode.pool import SandboxConfig, SandboxPool


def _sandbox_or_skip(config: SandboxConfig) -> SandboxPool:
    pool = SandboxPool(config)
    try:
        return pool.start()
    except SandboxError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no sandbox: {exc}")


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
