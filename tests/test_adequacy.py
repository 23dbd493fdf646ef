"""Known wrong programs must fail: inputs that reject survivors are added, stated and scored."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sandbox_run import solution_passes

from phicode.filters.adequacy import AddedTests, Measured, adequacy, harden
from phicode.filters.baselines import Baseline
from phicode.generate.oracle.derive import derive
from phicode.judge import verify_pair
from phicode.mutate import Mutant, MutationReport, MutationTester, mutants
from phicode.records import Pair
from phicode.sandbox.pool import SandboxPool

# issue 22: a float clamp whose tests never go below the range; the simple wrong
# function ``min(value, high)`` passed all of them
CLAMP = '''def clamp(value: float, low: float, high: float) -> float:
    """Clamp value into [low, high]."""
    return max(low, min(value, high))
'''
NEVER_BELOW = """import pytest
from solution import clamp


def test_inside():
    assert clamp(0.5, 0.0, 1.0) == pytest.approx(0.5)


def test_above():
    assert clamp(2.5, 0.0, 1.0) == pytest.approx(1.0)


def test_inside_again():
    assert clamp(0.25, 0.0, 1.0) == pytest.approx(0.25)
"""
QUESTION = (
    "Write a function `clamp(value, low, high)` that returns value limited to the closed "
    "range [low, high].\n\nExamples:\n- `clamp(0.5, 0.0, 1.0)` returns `0.5`.\n"
)
NO_LOWER_BOUND = CLAMP.replace("max(low, min(value, high))", "min(value, high)")


def test_a_dropped_bound_is_a_mutant() -> None:
    found = {m.source.strip().splitlines()[-1].strip() for m in mutants(CLAMP, "clamp")}
    assert "return min(value, high)" in found  # max(...) dropped
    assert "return max(low, high)" in found  # min(...) dropped


def _program(source: str) -> Mutant:
    return Mutant("call", 3, "test", source)


def test_adequacy_counts_only_programs_that_differ() -> None:
    report = MutationReport(total=6, killed=4, survivors=(_program("a"), _program("b")))
    measured = Measured(report, (Baseline("none", "n"),), ())
    # both survivors are told apart by some input: 4 + 1 rejected of 4 + 1 + 2
    assert adequacy(measured, frozenset({"a", "b"})) == pytest.approx(5 / 7, abs=1e-4)
    # "b" behaves as the snippet on every input tried: it may be equivalent
    assert adequacy(measured, frozenset({"a"})) == pytest.approx(5 / 6, abs=1e-4)
    assert adequacy(measured, frozenset()) == 1.0
    # a baseline that passes counts like a surviving mutant
    passing = Measured(report, (Baseline("none", "n"),), (Baseline("none", "n"),))
    assert adequacy(passing, frozenset({"n"})) == pytest.approx(4 / 5, abs=1e-4)
    assert adequacy(Measured(MutationReport(0, 0, ()), (), ()), frozenset()) is None
    # a shortcut that passes is one more program to reject, and not counted
    shortcut = Baseline("the first word", "s")
    with_shortcut = Measured(report, (Baseline("none", "n"),), (), (shortcut,))
    assert adequacy(with_shortcut, frozenset({"a", "s"})) == adequacy(measured, frozenset({"a"}))
    assert [p.source for p in with_shortcut.to_reject] == ["a", "b", "s"]


def _verified(pool: SandboxPool, tests: str) -> Pair:
    pair = Pair(id="c", solution=CLAMP, tests=tests, entry_point="clamp", question=QUESTION)
    verification = verify_pair(pool, pair)
    assert verification.passed
    return replace(pair, cases=derive(pool, pair).cases).with_verification(verification)


@pytest.mark.docker
def test_a_survivor_gets_the_input_that_rejects_it_and_the_question_shows_it(
    sandbox_pool: SandboxPool,
) -> None:
    pair = _verified(sandbox_pool, NEVER_BELOW)
    assert solution_passes(sandbox_pool, NO_LOWER_BOUND, "clamp", pair.tests)  # the defect
    found = harden(sandbox_pool, pair, MutationTester(sandbox_pool))
    assert found.added is not None and found.adequacy == 1.0 and found.baselines == ()
    final = found.added.apply(pair)
    assert not solution_passes(sandbox_pool, NO_LOWER_BOUND, "clamp", final.tests)
    assert solution_passes(sandbox_pool, CLAMP, "clamp", final.tests)
    # the added call is a case (data for the case judge) and a worked example
    below = [c for c in final.cases if float(c.args[0]) < float(c.args[1])]
    assert below and below[0].expect is not None and float(below[0].expect) == 0.0
    assert f"`clamp({', '.join(below[0].args)})` returns" in final.question
    assert final.question.startswith(QUESTION.rstrip())
    assert final.verification is not None
    assert final.verification.tests_total == final.tests.count("def test_")
    assert "added: they reject known wrong programs" in final.verification.detail
    assert AddedTests.from_dict(found.added.to_dict()) == found.added  # as the state keeps it


@pytest.mark.docker
def test_without_adding_the_score_says_what_gets_through(sandbox_pool: SandboxPool) -> None:
    pair = _verified(sandbox_pool, NEVER_BELOW)
    found = harden(sandbox_pool, pair, MutationTester(sandbox_pool), add=False)
    assert found.added is None
    assert found.adequacy is not None and found.adequacy < 1.0
    assert found.score is not None and found.score < 1.0  # min(value, high) survives


@pytest.mark.docker
def test_tests_that_reject_every_known_program_are_left_alone(sandbox_pool: SandboxPool) -> None:
    below = NEVER_BELOW + (
        "\n\ndef test_below():\n    assert clamp(-3.0, 0.0, 1.0) == pytest.approx(0.0)\n"
    )
    pair = _verified(sandbox_pool, below)
    found = harden(sandbox_pool, pair, MutationTester(sandbox_pool))
    assert found.added is None and found.adequacy == 1.0 and found.score == 1.0


# issue 22's readers: a Damerau-Levenshtein whose tests never transpose; plain
# Levenshtein (the snippet without its transposition step) passed all of them
OSA = '''def osa_distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent transposition as one edit."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]
'''
NO_TRANSPOSITION = """from solution import osa_distance


def test_same():
    assert osa_distance("abc", "abc") == 0


def test_empty():
    assert osa_distance("", "abc") == 3


def test_substitution():
    assert osa_distance("kitten", "sitten") == 1


def test_insertion():
    assert osa_distance("abc", "abcd") == 1
"""


@pytest.mark.docker
def test_a_step_no_test_reaches_gets_the_input_that_needs_it(sandbox_pool: SandboxPool) -> None:
    plain = OSA.replace("            if i > 1 and j > 1", "            if False and i > 1")
    pair = Pair(id="o", solution=OSA, tests=NO_TRANSPOSITION, entry_point="osa_distance")
    pair = pair.with_verification(verify_pair(sandbox_pool, pair))
    assert solution_passes(sandbox_pool, plain, "osa_distance", pair.tests)  # the defect
    found = harden(sandbox_pool, pair, MutationTester(sandbox_pool))
    assert found.added is not None
    final = found.added.apply(pair)
    assert not solution_passes(sandbox_pool, plain, "osa_distance", final.tests)
    assert solution_passes(sandbox_pool, OSA, "osa_distance", final.tests)
