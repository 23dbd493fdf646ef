"""One way for the tests to ask: do these tests pass on this solution, in the sandbox?"""

from __future__ import annotations

from phicode.pool import SandboxPool
from phicode.records import Pair
from phicode.verify import judge, pair_job


def solution_passes(
    pool: SandboxPool,
    solution: str,
    entry_point: str,
    tests: str,
    timeout_s: float = 10.0,
    memory_mb: int = 256,
) -> bool:
    """Whether ``tests`` pass on ``solution`` as the verifier judges a pair."""
    pair = Pair(id="p", solution=solution, tests=tests, entry_point=entry_point)
    return judge(pool.run(pair_job(pair, timeout_s, memory_mb)), timeout_s).passed
