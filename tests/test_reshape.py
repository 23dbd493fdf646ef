"""Reshaped inputs: the shapes the held-out audit's simple wrong functions got wrong.

Each docker case is a kept pair from issue 22's held-out run (the snippet, and tests the
pair shipped with, cut down), and the simple wrong function both blind readers wrote for
it. The wrong function passes the shipped tests; after strengthening on the reshaped
inputs it must fail them, and the snippet must still pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sandbox_run import solution_passes

from phicode.filters.strengthen import strengthen
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.reshape import MAX_SOURCE, reshaped_cases, reshapes
from phicode.sandbox.pool import SandboxPool


def test_the_reshapings_of_each_kind() -> None:
    assert [1, 2, 3, 1] in reshapes([1, 2, 3])  # a repeat that is not adjacent
    assert [9, 9, 9] in reshapes([1, 2, 9])  # a full carry
    assert [3, 2, 1] in reshapes([1, 2, 3])  # unsorted
    assert [1, 2, [3]] in reshapes([1, 2, 3])  # one level deeper
    assert [2, 3] in reshapes([1, 2, 3])  # the first item gone
    assert ((2, 6), (1, 3)) in reshapes(((1, 3), (2, 6)))  # rows rotated, the type kept
    assert [[1, 4], [6, 7], [2, 2]] in reshapes([[1, 4], [6, 7]])  # an interval inside
    assert ((1, 4), (2, 2)) in reshapes(((1, 4),))  # the pair's type kept
    assert not any(len(r) == 2 and r[-1] == [2, 2] for r in reshapes([[1, 2]]))  # none inside
    assert 13 in reshapes(3)  # past a short list's length
    assert "kitxten" in reshapes("kitten")  # an insertion inside
    assert "kiten" in reshapes("kitten")  # a deletion inside
    assert reshapes(True) == [] and reshapes(None) == [] and reshapes([]) == []


def test_reshaped_calls_change_one_argument_round_robin() -> None:
    calls = [Case(("[1, 2, 3]", "3")), Case(("[4, 5]", "1"))]
    found = reshaped_cases(calls, 4)
    # every argument of every call reshaped once before any is reshaped twice
    assert [c.args for c in found] == [
        ("[1, 2, 3, 1]", "3"),
        ("[1, 2, 3]", "13"),
        ("[4, 5, 4]", "1"),
        ("[4, 5]", "11"),
    ]
    assert all(c.origin == "reshaped" for c in found)
    everything = reshaped_cases(calls, 1000)
    assert len(everything) == len({(c.args, c.kwargs) for c in everything})  # each once
    assert not {c.args for c in everything} & {c.args for c in calls}  # none known already
    assert reshaped_cases([Case(("make()", "x"))], 10) == []  # no literal, no reshaping
    keyword = reshaped_cases([Case(("[1]",), (("k", "2"),))], 10)
    assert Case(("[1]",), (("k", "12"),), origin="reshaped") in keyword
    assert len(repr(list(range(60)))) > MAX_SOURCE  # a test must stay readable
    assert reshaped_cases([Case((repr(list(range(60))),))], 10) == []
    assert reshaped_cases([Case((repr(list(range(10))),))], 10)


@dataclass(frozen=True)
class Wrong:
    """A known wrong program (strengthening's ``Program``)."""

    source: str


ROTATE = '''def rotate(array: list[int] | None, k: int) -> list[int] | None:
    """Rotate array to the right by k steps."""
    if array is None:
        return None
    length = len(array)
    k = k % length
    return array[length - k :] + array[: length - k]
'''
ROTATE_TESTS = """from solution import rotate


def test_rotate_1():
    assert rotate([1, 2, 3, 4, 5, 6, 7], 3) == [5, 6, 7, 1, 2, 3, 4]


def test_rotate_2():
    assert rotate([1, 2, 3, 4, 5, 6, 7], 0) == [1, 2, 3, 4, 5, 6, 7]


def test_rotate_3():
    assert rotate(None, 1) is None
"""
ROTATE_WRONG = (
    "def rotate(array, k):\n    return None if array is None else array[-k:] + array[:-k]\n"
)

DEDUPE = '''def remove_duplicates(array: list) -> list:
    """Remove duplicate elements, keeping the first of each, in order."""
    unique = []
    for item in array:
        if item not in unique:
            unique.append(item)
    return unique
'''
DEDUPE_TESTS = """from solution import remove_duplicates


def test_remove_duplicates_1():
    assert remove_duplicates([1, 1, 2, 2, 3]) == [1, 2, 3]


def test_remove_duplicates_2():
    assert remove_duplicates([3, 2, 2, 1, 1]) == [3, 2, 1]


def test_remove_duplicates_3():
    assert remove_duplicates([]) == []
"""
DEDUPE_WRONG = (
    "import itertools\n\n\ndef remove_duplicates(array):\n"
    "    return [k for k, _ in itertools.groupby(array)]\n"
)

PLUS_ONE = '''def plus_one(digits: list[int]) -> list[int]:
    """Add one to a big-endian list of decimal digits."""
    result = []
    carry = 1
    for digit in reversed(digits):
        carry, digit = divmod(digit + carry, 10)
        result.append(digit)
    if carry:
        result.append(carry)
    return result[::-1]
'''
PLUS_ONE_TESTS = """from solution import plus_one


def test_plus_one_1():
    assert plus_one([1, 2, 9]) == [1, 3, 0]


def test_plus_one_2():
    assert plus_one([0]) == [1]


def test_plus_one_3():
    assert plus_one([3, 0, 5]) == [3, 0, 6]
"""
PLUS_ONE_WRONG = """def plus_one(digits):
    out = list(digits)
    for i in range(len(out) - 1, -1, -1):
        if out[i] < 9:
            out[i] += 1
            return out
        out[i] = 0
    return out
"""

LEVENSHTEIN = '''def distance(s1: str, s2: str) -> int:
    """The Levenshtein distance: fewest insertions, deletions and substitutions."""
    previous = list(range(len(s2) + 1))
    for i, a in enumerate(s1, 1):
        current = [i]
        for j, b in enumerate(s2, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]
'''
LEVENSHTEIN_TESTS = """from solution import distance


def test_distance_1():
    assert distance("kitten", "sitten") == 1


def test_distance_2():
    assert distance("", "abc") == 3


def test_distance_3():
    assert distance("abc", "abd") == 1
"""
LEVENSHTEIN_WRONG = (
    "def distance(s1, s2):\n"
    "    return sum(a != b for a, b in zip(s1, s2)) + abs(len(s1) - len(s2))\n"
)

AUDITED = {
    "rotate without k % n": ("rotate", ROTATE, ROTATE_TESTS, ROTATE_WRONG),
    "dedupe of adjacent repeats": ("remove_duplicates", DEDUPE, DEDUPE_TESTS, DEDUPE_WRONG),
    "no new leading digit": ("plus_one", PLUS_ONE, PLUS_ONE_TESTS, PLUS_ONE_WRONG),
    "Hamming plus length": ("distance", LEVENSHTEIN, LEVENSHTEIN_TESTS, LEVENSHTEIN_WRONG),
}


@pytest.mark.docker
@pytest.mark.parametrize("name", list(AUDITED))
def test_a_readers_wrong_function_fails_the_strengthened_tests(
    sandbox_pool: SandboxPool, name: str
) -> None:
    entry, solution, tests, wrong = AUDITED[name]
    assert solution_passes(sandbox_pool, wrong, entry, tests)  # the shipped tests let it pass
    found = strengthen(sandbox_pool, solution, entry, tests, [Wrong(wrong)])
    assert found is not None and found.expected_kills == 1
    assert solution_passes(sandbox_pool, solution, entry, found.tests)
    assert not solution_passes(sandbox_pool, wrong, entry, found.tests)
