"""The sandbox pool's settings, without the engine behind it.

Commands that only parse options (``phicode validate`` without ``--reverify``,
``phicode --help``) import this, not :mod:`phicode.sandbox.pool`, so they never load the
docker SDK.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from phicode.defaults import default_workers
from phicode.errors import ConfigError

if TYPE_CHECKING:
    from phicode.sandbox.engine import ContainerSpec

DEFAULT_IMAGE = "phicode-sandbox:latest"
# A job run with ``sealed=True`` (``SandboxPool.run``) runs only in containers that never
# run any other kind: the case judge's jobs, so that no container that held a pair's
# tests ever runs one (a container carries a few bits from job to job: process ids,
# inode numbers). One container kept for sealed jobs per this many workers: a case job
# holds a container about a sixth as long as a pytest job (bench/bench_verify.py: 30 ms
# and 185 ms).
WORKERS_PER_SEALED = 6
SERVER_OVERHEAD_MB = 192  # the warm server itself, on top of what a job may use


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxConfig:
    """Limits and size of the sandbox pool. Defaults suit small pure functions."""

    image: str = DEFAULT_IMAGE
    workers: int = field(default_factory=default_workers)
    timeout_s: float = 10.0
    memory_mb: int = 512
    cpus: float = 1.0
    pids: int = 128
    tmpfs_mb: int = 256
    max_output: int = 64 * 1024
    grace_s: float = 5.0
    spares: int = 1  # warm containers kept ready to replace a tainted one at once

    def __post_init__(self) -> None:
        checks = {
            "workers": self.workers >= 1,
            "timeout": self.timeout_s > 0,
            "memory": self.memory_mb >= 64,
            "cpus": self.cpus > 0,
            "pids": self.pids >= 8,
        }
        for name, ok in checks.items():
            if not ok:
                raise ConfigError(f"--{name}: {getattr(self, _FIELD[name])!r} is out of range")

    def outcome_limits(self) -> dict[str, float | int | str]:
        """The settings that can change what a job's run shows (a timeout, an out-of-memory
        kill, a fork refused, a cut output): part of every resume key of a stage that runs
        jobs. The pool's width, spares and grace period change only how fast it is."""
        return {
            "image": self.image,
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
            "cpus": self.cpus,
            "pids": self.pids,
            "tmpfs_mb": self.tmpfs_mb,
            "max_output": self.max_output,
        }

    def container_spec(self) -> ContainerSpec:
        from phicode.sandbox.engine import ContainerSpec  # the docker SDK only when a pool starts

        # A uid of its own per container: RLIMIT_NPROC counts per uid across the
        # whole host, so a fork bomb in one container cannot starve another.
        return ContainerSpec(
            image=self.image,
            memory_mb=self.memory_mb + self.tmpfs_mb + SERVER_OVERHEAD_MB,
            cpus=self.cpus,
            pids=self.pids,
            tmpfs_mb=self.tmpfs_mb,
            uid=random.randrange(200_000, 900_000),
        )


_FIELD = {
    "workers": "workers",
    "timeout": "timeout_s",
    "memory": "memory_mb",
    "cpus": "cpus",
    "pids": "pids",
}

# ``phicode sandbox doctor``'s probes: one container, a short deadline and little memory,
# so the infinite-loop and memory-hog probes are over quickly.
PROBE_SANDBOX = SandboxConfig(workers=1, timeout_s=3.0, memory_mb=256)
# The pytest plugin's pool: 2 containers, not one per CPU, so that a test session leaves
# room for the tests themselves.
TEST_SESSION_SANDBOX = SandboxConfig(workers=2)
