"""What the docstring says a parameter must be: inputs that break it are no cases.

Issue 22's readers marked tests on inputs the question rules out as guesses: an
``intervals`` "list of [start, end] pairs" called with ``[[0], [1, 2, 3]]``, a
"list of digits" with ``10`` in it, a "sorted array" given unsorted, a "non-empty"
list given ``[]``. A function's result there is an accident no question can state.

The rules read each parameter's own description (Google ``Args:``, Sphinx
``:param x:``, numpy ``Parameters``; for a function of one parameter, the
docstring's first paragraph too) and check a literal argument against it:

============================  ==============================================
the description says          the argument must be
============================  ==============================================
non-empty, at least one       of length at least 1
sorted, ascending order       in ascending order (equal neighbours allowed)
non-negative                  a number >= 0, or numbers >= 0 throughout
positive (not "non-positive") a number > 0, or numbers > 0 throughout
binary                        made of 0 and 1 (a list) or ``'0'``/``'1'`` (a str)
digits                        a list of ints from 0 to 9
pairs, [a, b]                 a list whose items are lists or tuples of 2
unique, distinct              a list without repeats (only from the
                              parameter's own description: a summary's
                              "unique" is often the result's)
============================  ==============================================

And by its name: a ``comparator``, ``key``, ``func``, ``callback``, ``predicate``
(and the like) is a function, so a literal there (``comparator=10``) is no case.

Only literal arguments are read; a raise the snippet makes on purpose is still a
case (the snippet rejecting what its docstring rules out is behaviour).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import pairwise

from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.oracle.inputs import NOT_LITERAL, read_literal

Check = Callable[[object], bool]  # True: the value keeps the precondition

# parameters that take a function by their name: a literal is never one
_CALLABLE = re.compile(
    r"^(?:comparator|cmp|key|func|function|callback|predicate|iteratee|fn|transform)$", re.I
)
_SECTION = re.compile(r"^\s*(?:Args|Arguments|Parameters|Params)\s*:?\s*$", re.M)
_SECTION_END = re.compile(
    r"^\s*(?:Returns?|Yields?|Raises|Examples?|Notes?|Example usage|See Also|Warns)\s*:?\s*$"
)


def breaks_preconditions(arguments: dict[str, str], info: FunctionInfo) -> bool:
    """Whether a literal argument (source by parameter name) breaks what the docstring
    says of its parameter."""
    checks = _checks(info.docstring or "", tuple(p.name for p in info.params))
    for name, source in arguments.items():
        value = read_literal(source)
        if value is NOT_LITERAL or value is None:
            continue  # only literals are read; None is every parameter's "not given"
        if _CALLABLE.search(name):
            return True  # a literal (never callable) for a comparator, key or callback
        if any(not check(value) for check in checks.get(name, ())):
            return True
    return False


@lru_cache(maxsize=256)
def _checks(docstring: str, names: tuple[str, ...]) -> dict[str, tuple[Check, ...]]:
    """Each parameter's checks, read once per docstring."""
    rules = {
        name: _rules(text) + _own_rules(text) for name, text in _descriptions(docstring, names)
    }
    if len(names) == 1 and names[0] not in rules:
        # the summary describes what the function does as much as what it takes: only
        # the rules a summary cannot mean of the result ("unique" may be the result's)
        rules[names[0]] = _rules(docstring.split("\n\n", 1)[0])
    return {name: tuple(found) for name, found in rules.items() if found}


def _descriptions(docstring: str, names: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(parameter, its description) from the docstring's parameter section or ``:param``."""
    for name in names:
        sphinx = re.search(
            rf":param\s+(?:[\w\[\], ]+\s+)?{re.escape(name)}\s*:(?P<d>[^:]*)", docstring
        )
        if sphinx:
            yield name, sphinx["d"]
    section = _SECTION.search(docstring)
    if section is None:
        return
    current: str | None = None
    lines: list[str] = []
    for line in docstring[section.end() :].splitlines():
        if _SECTION_END.match(line):
            break
        head = re.match(r"^\s*(?P<name>\w+)\s*(?:\([^)]*\))?\s*:\s*(?P<rest>.*)$", line)
        if head and head["name"] in names:
            if current:
                yield current, " ".join(lines)
            current, lines = head["name"], [head["rest"]]
        elif current and line.strip() and set(line.strip()) != {"-"}:
            lines.append(line.strip())
    if current:
        yield current, " ".join(lines)


def _rules(text: str) -> list[Check]:
    found: list[Check] = []
    lower = text.lower()
    if re.search(r"\bnon-?empty\b|\bat least one\b", lower):
        found.append(lambda v: not isinstance(v, list | tuple | str | dict | set) or len(v) > 0)
    if re.search(
        r"\bsorted\b|\bin (?:ascending|increasing|non-decreasing) order\b", lower
    ) and not (re.search(r"\bunsorted\b|\bnot (?:be |necessarily )?sorted\b", lower)):
        found.append(_ascending)
    if re.search(r"\bnon-?negative\b", lower):
        found.append(lambda v: _numbers_all(v, lambda n: n >= 0))
    elif re.search(r"(?<!non-)(?<!non)\bpositive\b", lower):
        found.append(lambda v: _numbers_all(v, lambda n: n > 0))
    if re.search(r"\bbinary\b", lower):
        found.append(_binary)
    if re.search(r"\bdigits\b|\blist of digits\b", lower):
        found.append(_digits)
    if re.search(r"\bpairs\b|\[\s*\w+\s*,\s*\w+\s*\]", lower):
        found.append(_pairs)
    return found


def _own_rules(text: str) -> list[Check]:
    """Rules read only from a parameter's own description."""
    if re.search(r"\b(?:unique|distinct)\b", text.lower()):
        return [_no_repeats]
    return []


def _no_repeats(value: object) -> bool:
    if not isinstance(value, list | tuple):
        return True
    try:
        return len(set(value)) == len(value)
    except TypeError:
        return True  # unhashable items: not this rule's to say


def _ascending(value: object) -> bool:
    if not isinstance(value, list | tuple):
        return True
    try:
        return all(a <= b for a, b in pairwise(value))
    except TypeError:
        return True  # not comparable: not this rule's to say


def _numbers_all(value: object, keep: Callable[[float], bool]) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int | float):
        return keep(value)
    if isinstance(value, list | tuple):
        return all(_numbers_all(item, keep) for item in value)
    return True


def _binary(value: object) -> bool:
    if isinstance(value, str):
        return set(value) <= {"0", "1"}
    if isinstance(value, list | tuple):
        return all(item in (0, 1) and not isinstance(item, float) for item in value)
    return True


def _digits(value: object) -> bool:
    if not isinstance(value, list | tuple):
        return True
    return all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 9 for d in value)


def _pairs(value: object) -> bool:
    if not isinstance(value, list | tuple):
        return True
    return all(isinstance(item, list | tuple) and len(item) == 2 for item in value)


__all__ = ["breaks_preconditions"]
