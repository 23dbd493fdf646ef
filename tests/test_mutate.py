"""Mutation testing: mutants are real single changes, weak tests score low,
strong tests score high."""

from __future__ import annotations

import ast

import pytest

from phicode.mutate import DEFAULT_THRESHOLD, MutationTester, mutants
from phicode.records import Pair
from phicode.sandbox.pool import SandboxPool

SOLUTION = '''
def clamp(value, low, high):
    """Clamp value into [low, high]."""
    if value < low:
        return low
    if value > high:
        return high
    return value
'''

STRONG = """
import pytest
from solution import clamp

@pytest.mark.parametrize("value, expected", [(-5, 0), (0, 0), (5, 5), (10, 10), (11, 10)])
def test_clamp(value, expected):
    assert clamp(value, 0, 10) == expected
"""

WEAK_NOT_NONE = """
from solution import clamp

def test_returns_something():
    assert clamp(5, 0, 10) is not None
"""

WEAK_NO_RAISE = """
from solution import clamp

def test_does_not_raise():
    clamp(3, 0, 10)
"""


def test_each_mutant_is_one_change_that_parses() -> None:
    found = mutants(SOLUTION, "clamp", limit=50)
    kinds = {m.kind for m in found}
    assert {"comparison", "return", "branch"} <= kinds
    for mutant in found:
        ast.parse(mutant.source)
        assert mutant.source != ast.unparse(ast.parse(SOLUTION)) + "\n"
    assert len({m.source for m in found}) == len(found)


def test_docstring_and_other_functions_are_left_alone() -> None:
    source = (
        'def helper(x):\n    return x + 1\n\ndef f(x):\n    "x < 1"\n    return helper(x) * 2\n'
    )
    found = mutants(source, "f", limit=50)
    assert found
    for mutant in found:
        assert "def helper(x):\n    return x + 1" in mutant.source
        assert '"""x < 1"""' in mutant.source


def test_limit_spreads_over_the_function() -> None:
    source = "def f(x):\n" + "".join(f"    x = x + {i}\n" for i in range(40)) + "    return x\n"
    found = mutants(source, "f", limit=8)
    assert len(found) == 8
    assert found[-1].line > 20  # not just the first eight sites


def test_unknown_entry_point_or_broken_code_gives_no_mutants() -> None:
    assert mutants(SOLUTION, "missing") == []
    assert mutants("def f(:\n", "f") == []


@pytest.mark.docker
def test_strong_tests_kill_the_mutants(sandbox_pool: SandboxPool) -> None:
    pair = Pair(id="strong", solution=SOLUTION, tests=STRONG, entry_point="clamp")
    report = MutationTester(sandbox_pool).test(pair)
    assert report.total == 7  # two comparisons, three returns, two if-blocks
    assert report.score is not None and report.score >= 0.8


@pytest.mark.docker
@pytest.mark.parametrize(
    "tests", [WEAK_NOT_NONE, WEAK_NO_RAISE], ids=["is-not-none", "does-not-raise"]
)
def test_weak_tests_fall_below_the_threshold(sandbox_pool: SandboxPool, tests: str) -> None:
    pair = Pair(id="weak", solution=SOLUTION, tests=tests, entry_point="clamp")
    report = MutationTester(sandbox_pool).test(pair)
    assert report.score is not None and report.score < DEFAULT_THRESHOLD
    assert len(report.survivors) == report.total - report.killed


def test_mutant_timeout_scales_with_the_real_run() -> None:
    from phicode.mutate import mutant_timeout
    from phicode.records import Status, Verification

    def pair_taking(seconds: float) -> Pair:
        verification = Verification(status=Status.PASSED, duration_s=seconds)
        return Pair(
            id="p", solution=SOLUTION, tests=STRONG, entry_point="clamp", verification=verification
        )

    assert mutant_timeout(pair_taking(0.1), 10) == 1.0  # the floor
    assert mutant_timeout(pair_taking(0.6), 10) == 3.0  # five times the real run
    assert mutant_timeout(pair_taking(4.0), 10) == 10  # never beyond the pool's timeout
    unverified = Pair(id="p", solution=SOLUTION, tests=STRONG, entry_point="clamp")
    assert mutant_timeout(unverified, 10) == 10


@pytest.mark.docker
def test_a_mutant_that_never_ends_is_killed_by_the_scaled_deadline(
    sandbox_pool: SandboxPool,
) -> None:
    from phicode.records import Status, Verification

    solution = (
        "def countdown(n):\n    steps = 0\n    while n != 0:\n        n -= 1\n"
        "        steps += 1\n    return steps\n"
    )
    tests = (
        "from solution import countdown\n\ndef test_countdown():\n    assert countdown(3) == 3\n"
    )
    verification = Verification(status=Status.PASSED, duration_s=0.1)
    pair = Pair(
        id="loop",
        solution=solution,
        tests=tests,
        entry_point="countdown",
        verification=verification,
    )
    report = MutationTester(sandbox_pool).test(pair)
    assert report.killed == report.total
    # `n -= 2` skips zero for odd n and never ends: stopped at 1 s, then once more at
    # 4 s (a loaded machine), never the pool's 10 s
    looping = [v for v in report.verdicts if v.status is Status.TIMEOUT]
    assert looping and all(v.detail == "timeout after 4 s" for v in looping)


@pytest.mark.docker
def test_a_slow_surviving_mutant_is_not_killed_by_the_short_deadline(
    sandbox_pool: SandboxPool,
) -> None:
    """The real solution ran in 0.1 s (so mutants get 1 s), but the machine is
    now slow: every run takes 1.5 s. A mutant the test cannot tell apart (``x >= 1``
    for ``sign_of(5)``) survives, as on an idle machine: the score does not depend on load."""
    from phicode.records import Status, Verification

    solution = (
        "import time\n\ndef sign_of(x):\n    time.sleep(1.5)\n    return 1 if x >= 0 else -1\n"
    )
    tests = "from solution import sign_of\n\ndef test_sign():\n    assert sign_of(5) == 1\n"
    verification = Verification(status=Status.PASSED, duration_s=0.1)
    pair = Pair(
        id="slow", solution=solution, tests=tests, entry_point="sign_of", verification=verification
    )
    report = MutationTester(sandbox_pool).test(pair)
    slow_survivors = [m.source for m in report.survivors if "sleep(1.5)" in m.source]
    assert slow_survivors, [m.source for m in report.survivors]  # e.g. `x >= 1`: still 1
