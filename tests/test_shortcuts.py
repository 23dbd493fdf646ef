"""Shortcuts: the simple wrong functions blind readers found passing kept tests (issue 22)
are known wrong programs, and strengthening gives the tests the inputs that reject them.
Real runs in the sandbox."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sandbox_run import solution_passes
from test_reshape import (
    DEDUPE,
    DEDUPE_TESTS,
    DEDUPE_WRONG,
    LEVENSHTEIN,
    LEVENSHTEIN_TESTS,
    LEVENSHTEIN_WRONG,
)

from phicode.filters.adequacy import harden
from phicode.filters.shortcuts import shortcuts
from phicode.generate.codeinfo import readable_info
from phicode.generate.oracle.derive import derive
from phicode.judge import verify_pair
from phicode.mutate import MutationTester
from phicode.records import Pair
from phicode.sandbox.pool import SandboxPool

pytestmark = pytest.mark.docker

# the answer is the first word in every test: ``text.split()[0].lower()`` passes
MOST_COMMON = '''def most_common_word(text: str) -> str:
    """The most frequent word of text, lower-cased; the first to appear wins a tie."""
    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    if not counts:
        return ""
    best = max(counts.values())
    return next(word for word in counts if counts[word] == best)
'''
FIRST_WORD_TESTS = """from solution import most_common_word


def test_repeated_first():
    assert most_common_word("apple apple pear") == "apple"


def test_case():
    assert most_common_word("Dog dog cat") == "dog"


def test_single():
    assert most_common_word("sun") == "sun"


def test_empty():
    assert most_common_word("") == ""
"""
FIRST_WORD = "def most_common_word(text):\n    return text.lower().split()[0] if text else ''\n"

# the ellipsis is never passed: a function without it passes
TRUNCATE = '''def truncate(text: str, width: int, ellipsis: str = "...") -> str:
    """text cut to at most width characters, ending with ellipsis when cut."""
    if len(text) <= width:
        return text
    if width <= len(ellipsis):
        return ellipsis[:width]
    return text[: width - len(ellipsis)] + ellipsis
'''
DEFAULT_ELLIPSIS_TESTS = """from solution import truncate


def test_short():
    assert truncate("hi", 5) == "hi"


def test_cut():
    assert truncate("hello world", 8) == "hello..."


def test_tiny():
    assert truncate("hello", 2) == ".."
"""
NO_OPTION = (
    "def truncate(text, width, ellipsis='...'):\n"
    "    return text if len(text) <= width else (text[: width - 3] + '...' if width > 3 else '.' * width)\n"
)


# the held-out pair: the only zero worth flipping in the tests is the first one
MAX_ONES = '''def max_ones_index(array: list[int]) -> int:
    """Index of the 0 to flip to 1 for the longest run of 1s (-1 if there is no 0)."""
    length = len(array)
    max_count = 0
    max_index = 0
    prev_zero = -1
    prev_prev_zero = -1
    for current in range(length):
        if array[current] == 0:
            if current - prev_prev_zero > max_count:
                max_count = current - prev_prev_zero
                max_index = prev_zero
            prev_prev_zero = prev_zero
            prev_zero = current
    if length - prev_prev_zero > max_count:
        max_index = prev_zero
    return max_index
'''
FIRST_ZERO_TESTS = """from solution import max_ones_index


def test_example():
    assert max_ones_index([1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1]) == 3


def test_all_zeros():
    assert max_ones_index([0, 0, 0, 0]) == 0


def test_empty():
    assert max_ones_index([]) == -1


def test_one_zero():
    assert max_ones_index([0]) == 0
"""
FIRST_ZERO = "def max_ones_index(array):\n    return array.index(0) if 0 in array else -1\n"

# no test holds an interval inside another: merging without ``max`` of the ends passes
MERGE = '''def merge_intervals(intervals: list[list[int]]) -> list[list[int]]:
    """Merge overlapping [start, end] intervals into disjoint ones, by start."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
'''
MERGE_TESTS = """from solution import merge_intervals


def test_overlap():
    assert merge_intervals([[1, 3], [2, 6], [8, 10]]) == [[1, 6], [8, 10]]


def test_unsorted():
    assert merge_intervals([[8, 10], [1, 3]]) == [[1, 3], [8, 10]]


def test_touching():
    assert merge_intervals([[1, 4], [4, 5]]) == [[1, 5]]


def test_empty():
    assert merge_intervals([]) == []
"""
MERGE_WRONG = """def merge_intervals(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return merged
"""
# never nested three deep: flattening two levels passes
FLATTEN = '''def flatten(items: list) -> list:
    """Every item of nested lists, at any depth, in order."""
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out
'''
FLATTEN_TESTS = """from solution import flatten


def test_flat():
    assert flatten([1, 2, 3]) == [1, 2, 3]


def test_nested():
    assert flatten([1, [2, [3, 4]], 5]) == [1, 2, 3, 4, 5]


def test_empty_lists():
    assert flatten([[], [1, []]]) == [1]
"""
FLATTEN_WRONG = """def flatten(items):
    once = [y for x in items for y in (x if isinstance(x, list) else [x])]
    return [y for x in once for y in (x if isinstance(x, list) else [x])]
"""

# returns the removed item and takes it out: the tests see only the item, so
# ``return items[0]`` (which leaves the list as it was) passes
SHIFT = '''def shift(items: list):
    """Remove the first item of items and return it."""
    return items.pop(0)
'''
SHIFT_TESTS = """from solution import shift


def test_numbers():
    assert shift([1, 2, 3]) == 1


def test_one():
    assert shift(['a']) == 'a'
"""
SHIFT_WRONG = """def shift(items):
    return items[0]
"""


def _verified(pool: SandboxPool, solution: str, entry: str, tests: str) -> Pair:
    pair = Pair(id=entry, solution=solution, tests=tests, entry_point=entry, question="Q.\n")
    verification = verify_pair(pool, pair)
    assert verification.passed
    return replace(pair, cases=derive(pool, pair).cases).with_verification(verification)


def test_an_option_no_test_passes_is_a_shortcut(sandbox_pool: SandboxPool) -> None:
    pair = _verified(sandbox_pool, TRUNCATE, "truncate", DEFAULT_ELLIPSIS_TESTS)
    names = [s.name for s in shortcuts(pair, readable_info(pair.solution, "truncate"))]
    assert "ellipsis ignored" in names
    assert not any(name.startswith(("text", "width")) for name in names)  # no defaults


@pytest.mark.parametrize(
    ("solution", "entry", "tests", "wrong"),
    [
        (MOST_COMMON, "most_common_word", FIRST_WORD_TESTS, FIRST_WORD),
        (TRUNCATE, "truncate", DEFAULT_ELLIPSIS_TESTS, NO_OPTION),
        (DEDUPE, "remove_duplicates", DEDUPE_TESTS, DEDUPE_WRONG),
        (LEVENSHTEIN, "distance", LEVENSHTEIN_TESTS, LEVENSHTEIN_WRONG),
        (MAX_ONES, "max_ones_index", FIRST_ZERO_TESTS, FIRST_ZERO),
        (MERGE, "merge_intervals", MERGE_TESTS, MERGE_WRONG),
        (FLATTEN, "flatten", FLATTEN_TESTS, FLATTEN_WRONG),
        (SHIFT, "shift", SHIFT_TESTS, SHIFT_WRONG),
    ],
    ids=[
        "first-word",
        "option-never-passed",
        "adjacent-repeats",
        "hamming",
        "first-zero",
        "merge-without-max",
        "two-levels",
        "item-kept-in-list",
    ],
)
def test_strengthening_rejects_the_readers_shortcut(
    sandbox_pool: SandboxPool, solution: str, entry: str, tests: str, wrong: str
) -> None:
    pair = _verified(sandbox_pool, solution, entry, tests)
    assert solution_passes(sandbox_pool, wrong, entry, pair.tests)  # the defect
    found = harden(sandbox_pool, pair, MutationTester(sandbox_pool))
    assert found.added is not None
    final = found.added.apply(pair)
    assert not solution_passes(sandbox_pool, wrong, entry, final.tests)
    assert solution_passes(sandbox_pool, solution, entry, final.tests)
