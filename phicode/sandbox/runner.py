"""What a stage needs of a sandbox pool (:class:`JobRunner`), and the one fan-out over it.

A bottom module: it imports nothing of phicode but the job, the result and the
settings, so every stage (and the in-process test double) can name the runner
without loading the pool or the docker SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from phicode.sandbox.config import SandboxConfig
    from phicode.sandbox.jobs import Job
    from phicode.sandbox.result import RunResult

T = TypeVar("T")
R = TypeVar("R")


class JobRunner(Protocol):
    """What the stages need of a sandbox pool: its limits, its width, and ``run(job)``.

    ``sealed``: the job runs only in containers that never run any other kind (the
    case judge's jobs, so that no container that held a pair's tests ever runs one:
    a container carries a few bits from job to job, process ids, inode numbers)."""

    @property
    def config(self) -> SandboxConfig: ...

    @property
    def size(self) -> int: ...

    def run(self, job: Job, *, sealed: bool = False) -> RunResult: ...


def fan_out(
    runner: JobRunner,
    one: Callable[[T], R],
    items: Sequence[T],
    *,
    width: int | None = None,
    name: str = "sandbox",
) -> list[R]:
    """``one`` over ``items`` on ``width`` threads (default: the runner's width), the
    results in the items' order. Each call waits on the sandbox; the first exception,
    in the items' order, propagates once every started call has ended (the calls not
    started yet are cancelled). No items: no threads."""
    if not items:
        return []
    workers = runner.size if width is None else width
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name) as executor:
        return list(executor.map(one, items))


__all__ = ["JobRunner", "fan_out"]
