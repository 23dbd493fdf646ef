"""What the docstring says a parameter must be: inputs that break it are no cases."""

from __future__ import annotations

import pytest

from phicode.generate.codeinfo import function_info
from phicode.generate.drafters.template import _docstring_prose
from phicode.generate.oracle.choose import boundary_cases, optional_cases
from phicode.generate.oracle.domain import in_domain
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.observe import Observed
from phicode.generate.oracle.preconditions import breaks_preconditions

GOOGLE = '''def merge(intervals, digits, bits, nums, count, flag=None):
    """Merge things.

    Args:
        intervals: List of [start, end] pairs, sorted by start.
        digits (list): A non-empty list of digits.
        bits: Binary array.
        nums: Non-negative integers.
        count (int): How many; must be positive.
        flag: Anything at all.

    Returns:
        Something.
    """
    return intervals
'''
INFO = function_info(GOOGLE, "merge")


@pytest.mark.parametrize(
    ("name", "broken", "kept"),
    [
        ("intervals", "[[0], [1, 2, 3]]", "[[1, 3], [2, 6]]"),  # pairs
        ("intervals", "[[5, 6], [1, 2]]", "[[1, 2], [5, 6]]"),  # sorted
        ("digits", "[1, 10]", "[1, 9]"),
        ("digits", "[]", "[0]"),  # non-empty
        ("bits", "[3, 0, 5, 1, 0]", "[1, 0, 1]"),
        ("nums", "[1, -2]", "[0, 2]"),
        ("count", "0", "3"),  # positive
    ],
)
def test_an_argument_breaking_its_description_is_no_case(name: str, broken: str, kept: str) -> None:
    assert breaks_preconditions({name: broken}, INFO)
    assert not breaks_preconditions({name: kept}, INFO)


def test_what_the_docstring_does_not_constrain_is_free() -> None:
    assert not breaks_preconditions({"flag": "[]"}, INFO)  # "anything at all"
    assert not breaks_preconditions({"digits": "some_name"}, INFO)  # not a literal
    unsorted = function_info(
        'def f(xs):\n    """Sum xs.\n\n    Args:\n        xs: Numbers, not necessarily sorted.\n    """\n'
        "    return sum(xs)\n",
        "f",
    )
    assert not breaks_preconditions({"xs": "[3, 1]"}, unsorted)


def test_sphinx_and_one_parameter_summaries_are_read() -> None:
    sphinx = function_info(
        'def f(xs, k):\n    """Pick.\n\n    :param xs: a non-empty list\n    :param k: anything\n    """\n'
        "    return xs[k]\n",
        "f",
    )
    assert breaks_preconditions({"xs": "[]"}, sphinx)
    one = function_info(
        'def g(digits):\n    """Add one to a list of digits."""\n    return digits\n', "g"
    )
    assert breaks_preconditions({"digits": "[1, 10]"}, one)


def test_a_deliberate_rejection_of_a_broken_precondition_stays_a_case() -> None:
    code = (
        'def first(xs):\n    """Args:\n        xs: A non-empty list.\n    """\n'
        "    if not xs:\n        raise ValueError('empty')\n    return xs[0]\n"
    )
    info = function_info(code, "first")
    rejected = Observed(Case(("[]",)), "raises", exc="ValueError", deliberate=True)
    returned = Observed(Case(("[]",)), "value", repr="None")
    assert in_domain(rejected, info, code)
    assert not in_domain(returned, info, code)


def test_release_notes_are_not_part_of_a_template_question() -> None:
    prose = _docstring_prose(
        "Creates a slice.\n\nArgs:\n    array: List.\n\n.. versionadded:: 1.1.0\n\n"
        ".. versionchanged:: 4.0.0\n    Changed to return a list.\n\nMore prose.\n"
    )
    assert "versionadded" not in prose and "Changed to return" not in prose
    assert prose.startswith("Creates a slice.") and prose.endswith("More prose.")


def test_a_literal_is_never_a_comparator_or_a_key() -> None:
    sort = function_info(
        "def sort(array, comparator=None, key=None):\n    return sorted(array)\n", "sort"
    )
    assert breaks_preconditions({"comparator": "10"}, sort)
    assert breaks_preconditions({"key": "'x'"}, sort)
    assert not breaks_preconditions({"key": "None"}, sort)  # the default: no function
    assert not breaks_preconditions({"array": "[3, 1]"}, sort)


def test_optional_parameters_are_passed_near_their_defaults() -> None:
    limit = function_info(
        "def limit(array: list[int], low: int | None = None, high: int | None = None,"
        " strict: bool = False) -> list[int]:\n    return array\n",
        "limit",
    )
    calls = {c.call("limit") for c in optional_cases([Case(("[1, 2, 3]",))], limit)}
    assert {"limit([1, 2, 3], high=2)", "limit([1, 2, 3], strict=True)"} <= calls
    # a parameter the seed already passes by position is left as it is
    assert not any("low=" in c.call("limit") for c in optional_cases([Case(("[1]", "0"))], limit))


def test_a_list_of_ints_is_filled_with_a_compared_constant() -> None:
    code = (
        "def plus_one(digits: list[int]) -> list[int]:\n    out = list(digits)\n"
        "    i = len(out) - 1\n    while i >= 0 and out[i] == 9:\n        out[i] = 0\n"
        "        i -= 1\n    return out\n"
    )
    found = {
        c.call("f")
        for c in boundary_cases([Case(("[1, 2]",))], function_info(code, "plus_one"), code)
    }
    assert "f([9, 9])" in found  # the carry that runs through every digit


def test_unique_is_read_from_a_parameter_never_from_a_summary() -> None:
    ranges = function_info(
        'def summarize(array):\n    """Summarize.\n\n    Args:\n        array: Sorted unique integers.\n'
        '    """\n    return array\n',
        "summarize",
    )
    assert breaks_preconditions({"array": "[1, 1, 2]"}, ranges)
    assert not breaks_preconditions({"array": "[1, 2, 5]"}, ranges)
    # "unique" in a summary is what the function gives back: repeats are its input
    dedupe = function_info(
        'def dedupe(items):\n    """Return the unique items, in order."""\n    return items\n',
        "dedupe",
    )
    assert not breaks_preconditions({"items": "[1, 1, 2]"}, dedupe)
