"""Cases chosen for what they show: a branch, a boundary, an outcome class.

Candidates come from everywhere (the model's calls, the docstring's examples,
type-aware neighbours of the model's calls, the constants the snippet compares
with, inputs from the type hints and names); the snippet runs on all of them in
the sandbox (:func:`~phicode.generate.oracle.observe.observe`), and this module
keeps a small set, greedily, each case for something no case before it showed:

- a branch of the snippet no chosen case took (:mod:`.branches`);
- an outcome class: each exception the snippet raises on purpose, ``True`` and
  ``False``, ``None``, a negative / zero / positive number, an empty / one-item /
  longer collection or string, a changed argument;
- an argument at a boundary the snippet compares with (``x < 10``: ``10``);
- a form of call: a number of positional arguments, a parameter passed by name.

Candidates are tried in order of trust: the docstring's examples (always kept),
the model's calls, then the rest; calls outside the function's domain never
(:mod:`.domain`). Then calls with results no chosen case has fill the set up to
:data:`DISTINCT_RESULTS` (a changed operator or constant shows in the value), and
any call up to :data:`MIN_CASES`; the set stops at :data:`MAX_CASES`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence

from phicode import pysyntax
from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.oracle.branches import taken
from phicode.generate.oracle.domain import in_domain
from phicode.generate.oracle.inputs import Case, read_literal
from phicode.generate.oracle.observe import Observed

MIN_CHECKS = 2  # fewer in-domain, deterministic calls than this: nothing to test
MIN_CASES = 4
DISTINCT_RESULTS = 8  # fill with calls of distinct results up to this many cases
MAX_CASES = 10
MAX_BOUNDARY_CASES = 12
_TRUST = {"docstring": 0, "model": 1}


def choose_cases(
    observed: Sequence[Observed], info: FunctionInfo, code: str, *, limit: int = MAX_CASES
) -> list[Observed]:
    """The chosen cases, in the order they were picked (see the module)."""
    usable = [o for o in observed if o.kind in ("value", "raises") and in_domain(o, info, code)]
    ordered = sorted(usable, key=lambda o: _TRUST.get(o.case.origin, 2))  # stable: keeps order
    bounds = comparison_constants(code, info.name)
    chosen: list[Observed] = []
    shown: set[object] = set()
    for o in ordered:
        if len(chosen) >= limit:
            break
        found = features(o, code, bounds)
        if o.case.origin == "docstring" or found - shown:
            chosen.append(o)
            shown |= found
    results = {o.repr for o in chosen if o.kind == "value"}
    for o in ordered:  # distinct results next: what kills a changed operator or constant
        if len(chosen) >= min(limit, DISTINCT_RESULTS):
            break
        if o not in chosen and o.kind == "value" and o.repr not in results:
            chosen.append(o)
            results.add(o.repr)
    for o in ordered:
        if len(chosen) >= min(limit, MIN_CASES):
            break
        if o not in chosen:
            chosen.append(o)
    return chosen


def features(o: Observed, code: str, bounds: frozenset[object] = frozenset()) -> set[object]:
    """What ``o`` shows: the branches it took, its outcome class, the boundaries it hits."""
    found: set[object] = {("branch", arc) for arc in taken(code, [o.arcs])}
    found.add(("outcome", outcome_class(o)))
    # each form of call: how many arguments by position, each one passed by name (a
    # parameter no case passes is a behaviour no test reaches: ``limit``'s ``max_lim``)
    found.add(("positional", len(o.case.args)))
    found.update(("keyword", name) for name, _ in o.case.kwargs)
    for source in (*o.case.args, *(v for _, v in o.case.kwargs)):
        value = read_literal(source)
        if _is_number(value) and value in bounds:
            found.add(("boundary", value))
    return found


def outcome_class(o: Observed) -> tuple[object, ...]:
    """The kind of result: the exception, a truth value, a sign, a size."""
    if o.kind == "raises":
        return ("raises", o.exc)
    if o.mutated:
        return ("changes an argument",)
    value = read_literal(o.repr or "")
    if value is None or isinstance(value, bool):
        return ("value", value)
    if _is_number(value):
        return ("number", (value > 0) - (value < 0))
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        return (type(value).__name__, min(len(value), 2))
    return (o.array or "other",)


def comparison_constants(code: str, name: str) -> frozenset[object]:
    """The numbers the entry point (and the helpers beside it) compare with."""
    try:
        tree = pysyntax.parse(code)
    except SyntaxError:
        return frozenset()
    found: set[object] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                value = _signed_constant(side)
                if _is_number(value):
                    found.add(value)
    return frozenset(found)


def boundary_cases(
    seeds: Iterable[Case], info: FunctionInfo, code: str, count: int = MAX_BOUNDARY_CASES
) -> list[Case]:
    """Each seed with one integer argument moved to a compared constant, and one either
    side of it: ``x < 10`` gives ``9``, ``10`` and ``11`` (and a list of ints filled with
    the constant)."""
    bounds = sorted(
        (b for b in comparison_constants(code, info.name) if isinstance(b, int)), key=abs
    )
    found: list[Case] = []
    seen: set[tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = set()
    for seed in seeds:
        for index, source in enumerate(seed.args):
            for near in _near_bounds(read_literal(source), bounds):
                args = (*seed.args[:index], repr(near), *seed.args[index + 1 :])
                if (args, seed.kwargs) in seen or args == seed.args:
                    continue
                seen.add((args, seed.kwargs))
                found.append(Case(args, seed.kwargs, origin="boundary"))
                if len(found) >= count:
                    return found
    return found


def _near_bounds(value: object, bounds: list[int]) -> list[object]:
    """An int moved to each bound and either side of it; a list of ints filled with each
    bound (``digit == 9`` gives ``[9, 9, 9]``: the carry that runs through every digit)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [near for bound in bounds for near in (bound - 1, bound, bound + 1)]
    if isinstance(value, list) and value and all(_is_int(v) for v in value):
        return [[bound] * max(2, len(value)) for bound in bounds]
    return []


def optional_cases(seeds: Iterable[Case], info: FunctionInfo, count: int = 8) -> list[Case]:
    """Each seed with one optional parameter passed by name, near its default (``1`` for
    ``0``, ``not flag`` for a bool, ``2`` for a ``None`` whose hint allows an int): a
    parameter no call passes is a behaviour no test reaches (``limit``'s ``max_lim``)."""
    found: list[Case] = []
    for param in info.params:
        if param.default is None or param.kind not in ("positional", "keyword"):
            continue
        values = _near_default(read_literal(param.default), param.annotation or "")
        for seed in seeds:
            passed = {name for name, _ in seed.kwargs}
            if param.name in passed or len(seed.args) > _position(info, param.name):
                continue
            for value in values:
                kwargs = (*seed.kwargs, (param.name, repr(value)))
                found.append(Case(seed.args, kwargs, origin="optional"))
            break  # one seed per parameter: the first that leaves it out
        if len(found) >= count:
            break
    return found[:count]


def _near_default(default: object, hint: str) -> list[object]:
    if isinstance(default, bool):
        return [not default]
    if isinstance(default, int):
        return [default + 1, default + 2]
    if isinstance(default, float):
        return [default + 1.5]
    if default is None and re.search(r"\bint\b", hint):
        return [2, 3]
    if default is None and re.search(r"\bfloat\b", hint):
        return [2.5]
    return []


def _position(info: FunctionInfo, name: str) -> int:
    names = [p.name for p in info.positional]
    return names.index(name) if name in names else len(names)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _signed_constant(node: ast.expr) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and _is_number(node.operand.value)
    ):
        return -node.operand.value
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


__all__ = [
    "MAX_CASES",
    "MIN_CASES",
    "MIN_CHECKS",
    "boundary_cases",
    "choose_cases",
    "comparison_constants",
    "features",
    "optional_cases",
    "outcome_class",
]
