"""Branch coverage of a snippet by a set of calls: which decision outcomes they reach.

The probe records the line arcs each call ran in ``solution.py``
(:attr:`~phicode.generate.oracle.observe.Observed.arcs`); coverage.py's parser
says which arcs the code has and which lines decide between several
(``exit_counts``). A *branch* is an arc leaving such a line inside a function (the
module's own top level runs at import, never in a call). ``branch_coverage`` is
the share of branches the calls took: 1.0 when every ``if``, loop and ``try``
was seen going each way it can go.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache

# At import, not on first use: the oracle calls this from several threads at once, and
# coverage's own modules import each other (a first import in two threads can see one
# half-initialised).
import coverage  # noqa: F401  (its package first: coverage.parser needs it loaded)
from coverage.exceptions import NotPython
from coverage.parser import PythonParser

from phicode import pysyntax

Arc = tuple[int, int]


@lru_cache(maxsize=256)
def _parsed(code: str) -> tuple[frozenset[Arc], dict[int, int]] | None:
    """The snippet's branch arcs, and each line's first line (multi-line statements)."""
    try:
        parser = PythonParser(text=code)
        parser.parse_source()
        tree = pysyntax.parse(code)
    except (NotPython, SyntaxError, ValueError):
        return None
    inside = _function_body_lines(tree)
    deciding = {line for line, exits in parser.exit_counts().items() if exits > 1}
    arcs = frozenset((a, b) for a, b in parser.arcs() if a in deciding and a in inside and a != b)
    first = {line: parser.first_line(line) for line in range(1, len(code.splitlines()) + 1)}
    return arcs, first


def _function_body_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for statement in node.body:
                lines.update(range(statement.lineno, (statement.end_lineno or 0) + 1))
    return lines


def branch_arcs(code: str) -> frozenset[Arc]:
    """Every branch of the snippet's functions (empty when it has none, or cannot be read)."""
    parsed = _parsed(code)
    return parsed[0] if parsed else frozenset()


def taken(code: str, runs: Iterable[frozenset[Arc]]) -> frozenset[Arc]:
    """The branches that the runs' arcs took."""
    parsed = _parsed(code)
    if parsed is None:
        return frozenset()
    arcs, first = parsed

    def line(number: int) -> int:
        return first.get(number, number) if number > 0 else number

    seen = {(line(a), line(b)) for run in runs for a, b in run}
    return frozenset(arcs & seen)


def branch_coverage(code: str, runs: Iterable[frozenset[Arc]]) -> float | None:
    """The share of branches taken; None for code without a branch (nothing to reach)."""
    arcs = branch_arcs(code)
    if not arcs:
        return None
    return round(len(taken(code, runs)) / len(arcs), 4)


__all__ = ["branch_arcs", "branch_coverage", "taken"]
