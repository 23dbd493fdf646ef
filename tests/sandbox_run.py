"""One way for the tests to ask: do these tests pass on this solution, in the sandbox?"""

from __future__ import annotations

from phicode.judge import verify_pair
from phicode.records import Pair
from phicode.sandbox.runner import JobRunner


def solution_passes(
    pool: JobRunner, solution: str, entry_point: str, tests: str, timeout_s: float = 10.0
) -> bool:
    """Whether ``tests`` pass on ``solution`` as the verifier judges a pair."""
    pair = Pair(id="p", solution=solution, tests=tests, entry_point=entry_point)
    return verify_pair(pool, pair, timeout_s=timeout_s).passed
