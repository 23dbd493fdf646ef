"""Type-aware mutation of the tests' own inputs: the shapes of input a wrong answer gets wrong.

Why: kept pairs pass their tests and kill their first-order mutants, yet blind readers
still found a simple wrong function for half of them (issue 22's held-out audit), and
the surviving mutants were "equivalent" only because no candidate input told them
apart. The tests had every duplicate next to its twin (``groupby`` passes for
``remove_duplicates``), every ``k`` below the list's length (no ``k % n`` for
``rotate``), intervals already sorted, digits without a full carry (``[9, 9]``), strings
that differ only by substitution (Hamming passes for Levenshtein), one level of nesting
for ``flatten``. Each is one reshaping of a value the tests already pass, as EvalPlus's
type-aware mutation does: the first item repeated at the end, a large count added, the
items reversed, every item set to the largest, a letter slipped into the middle, the last
item nested once more, the first item dropped, an interval inside the first one (a merge
that keeps the later end instead of the larger passes every test without one).

A reshaped call stays close to a call the question's own tests make, so a test written
from it reads like its neighbours. Only :mod:`phicode.filters.strengthen` uses these:
they become tests only when they tell a known wrong program from the snippet.
"""

from __future__ import annotations

from collections.abc import Callable

from phicode.generate.oracle.inputs import Case, one_argument_changed

VERSION = "reshape@2"  # 2: a pair of integers strictly inside the first pair
MAX_SOURCE = 160  # characters of one reshaped argument: a test must stay readable

Reshape = Callable[[object], object]


def _sequence_reshapes(value: list | tuple) -> list[object]:
    kind = type(value)
    items = list(value)
    if not items:
        return []
    found: list[object] = [
        kind([*items, items[0]]),  # a repeat that is not adjacent: [1, 2, 3] -> [1, 2, 3, 1]
        kind(items[1:]),  # the first item dropped: the answer is no longer at the front
        kind(items[::-1]),  # unsorted where the tests were sorted
        kind([*items[:-1], [items[-1]]]),  # the last item nested once more
    ]
    numbers = [x for x in items if isinstance(x, int | float) and not isinstance(x, bool)]
    if numbers and len(numbers) == len(items):
        found.append(kind([max(numbers)] * len(items)))  # [1, 2, 9] -> [9, 9, 9]: a full carry
    if all(isinstance(x, list | tuple) for x in items):
        found.append(kind(items[1:] + items[:1]))  # rows rotated: order-dependent merges
        inside = _inside(items[0])
        if inside is not None:
            found.append(kind([*items, inside]))  # [[1, 3]] -> [[1, 3], [2, 2]]: contained
    return found


def _inside(pair: list | tuple) -> object | None:
    """A pair of integers strictly inside ``pair`` (a range, an interval), or None:
    ``[1, 4]`` gives ``[2, 2]``. A merge that keeps the later end shortens on it."""
    if len(pair) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair):
        return None
    start, end = pair
    return type(pair)([start + 1, start + 1]) if end - start >= 2 else None


def _string_reshapes(value: str) -> list[object]:
    if not value:
        return ["ab"]
    middle = len(value) // 2
    return [
        value[:middle] + "x" + value[middle:],  # an insertion inside, not at the end
        value[:middle] + value[middle + 1 :],  # a deletion inside
        value + value[:1],  # the first character again, at the end
    ]


def reshapes(value: object) -> list[object]:
    """Values one reshaping away from ``value`` (none for what has no reshaping here)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value + 10, value * 3 + 2]  # past a length: k % n, wrap-around
    if isinstance(value, str):
        return _string_reshapes(value)
    if isinstance(value, list | tuple):
        return _sequence_reshapes(value)
    return []


def reshaped_cases(cases: list[Case], count: int) -> list[Case]:
    """Up to ``count`` calls that each reshape one argument of a known call, round-robin
    (every call's first reshaping, then every second, ...); known calls left out."""
    return one_argument_changed(cases, count, reshapes, "reshaped", MAX_SOURCE)


__all__ = ["VERSION", "reshaped_cases", "reshapes"]
