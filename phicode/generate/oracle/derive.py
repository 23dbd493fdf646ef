"""A pair's cases, from its final tests: the checks that are data as well as code.

Every call of the entry point in the tests runs through the oracle on the pair's
own solution (:func:`~phicode.generate.oracle.observe.observe`). A call becomes a
case only when the tests hold the very check the oracle writes for it
(:func:`~phicode.generate.oracle.asserts.check_source`: ``assert f(x) == 3``,
``pytest.approx``, ``np.testing``, ``pytest.raises``), so the cases check
exactly what those tests check, no more (compared as syntax trees: quotes and
layout do not matter). Tests of another shape (a model's
``assert len(f(x)) == 2``, a changed argument) stay tests only.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass

from phicode import pysyntax
from phicode.generate.codeinfo import CodeError, function_info
from phicode.generate.oracle.asserts import check_source
from phicode.generate.oracle.branches import branch_coverage
from phicode.generate.oracle.complete import model_cases
from phicode.generate.oracle.observe import Observed, OracleError, observe
from phicode.records import Pair, PairCase
from phicode.sandbox.runner import JobRunner

VERSION = "cases@3"  # 2: the branch coverage of the tests' calls; 3: calls that change an argument and return a value are cases
MAX_CASES = 40


@dataclass(frozen=True, slots=True)
class Derived:
    """A pair's cases, and the share of the snippet's branches its tests' calls take."""

    cases: tuple[PairCase, ...]
    branch_coverage: float | None


def derive_cases(pool: JobRunner, pair: Pair) -> tuple[PairCase, ...]:
    """The cases of ``pair`` (empty when no test has the oracle's shape)."""
    return derive(pool, pair).cases


def derive(pool: JobRunner, pair: Pair) -> Derived:
    """The cases of ``pair`` and the branch coverage of every call in its tests."""
    try:
        info = function_info(pair.solution, pair.entry_point)
    except CodeError:
        return Derived((), None)
    calls = model_cases(pair.tests, info, limit=MAX_CASES)
    if not calls:
        return Derived((), None)
    try:
        seen = observe(pool, pair.solution, info.name, calls)
    except OracleError:
        return Derived((), None)
    checks = _statements(pair.tests)
    cases = tuple(
        as_case(o) for o in seen if checkable(o) and _dump(check_source(info, o)) in checks
    )
    return Derived(cases, branch_coverage(pair.solution, [o.arcs for o in seen]))


def _statements(tests: str) -> set[str]:
    """Every statement of every test function, as a layout-free ``ast.dump``."""
    try:
        tree = pysyntax.parse(tests)
    except SyntaxError:
        return set()
    return {
        ast.dump(statement)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test")
        for statement in node.body
    }


def _dump(source: str) -> str:
    """The oracle's check (one statement) as an ``ast.dump``: quotes and layout aside."""
    return ast.dump(pysyntax.parse(textwrap.dedent(source.replace("\n        ", "\n    "))).body[0])


def checkable(o: Observed) -> bool:
    """A value the tests can compare exactly (not a call whose only effect is a changed
    argument), or a raise. A call that returns a value *and* changes an argument (``pop``)
    is a case of its value; its test checks the change too."""
    return (o.kind == "value" and not o.only_changes and o.repr is not None) or (
        o.kind == "raises" and bool(o.exc)
    )


def as_case(o: Observed) -> PairCase:
    """What the oracle saw, as a case."""
    args, kwargs = o.case.args, o.case.kwargs
    if o.kind == "raises":
        return PairCase(args=args, kwargs=kwargs, raises=o.exc)
    compare = "array" if o.array else "approx" if (o.float_ and o.approx) else "exact"
    return PairCase(args=args, kwargs=kwargs, expect=o.repr, compare=compare, listed=o.generator)


__all__ = ["VERSION", "Derived", "as_case", "checkable", "derive", "derive_cases"]
