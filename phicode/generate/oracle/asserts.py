"""Observed values -> test source: the oracle's findings written as pytest asserts.

What the snippet really did on a case (:class:`~phicode.generate.oracle.observe.Observed`)
becomes one test function: the exact value, ``pytest.approx`` for floats,
``np.testing`` for numpy arrays, ``pytest.raises`` where it raised, the changed
argument where it returned ``None``. One test function per case, so one bad
case can be dropped alone. Which cases: :mod:`phicode.generate.oracle.choose`.
"""

from __future__ import annotations

from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.oracle.inputs import Case
from phicode.generate.oracle.observe import Observed, is_array_source


def template_tests(info: FunctionInfo, chosen: list[Observed], *, label: str = "case") -> str:
    """A pytest module: one test function per case, so one bad case can be dropped alone.
    ``label`` names the functions (``test_f_case_1``) of cases not from the docstring."""
    own_errors = sorted(
        {o.exc for o in chosen if o.kind == "raises" and o.exc and _is_own(o, info)}
    )
    names = ", ".join(sorted({info.name, *own_errors}))
    header = [*_import_lines(info, chosen), f"from solution import {names}"]
    bodies = [_test_function(info, o, number, label) for number, o in enumerate(chosen, start=1)]
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(bodies) + "\n"


def _import_lines(info: FunctionInfo, chosen: list[Observed]) -> list[str]:
    """``import pytest`` and ``import numpy as np`` where the tests use them, and the
    snippet's own imports of names the arguments use (``Fraction(1, 3)``, ``np.array``)."""
    lines: list[str] = []
    if any(o.kind == "raises" or (o.float_ and o.approx and not o.array) for o in chosen):
        lines.append("import pytest")
    if any(o.array or any(is_array_source(after) for _, after in o.mutated) for o in chosen):
        lines.append("import numpy as np")
    used = {name for o in chosen for name in o.case.names()}
    for name in sorted(used & set(info.imports) - set(info.defined)):
        if info.imports[name] not in lines:
            lines.append(info.imports[name])
    return [*lines, ""] if lines else []


def _is_own(o: Observed, info: FunctionInfo) -> bool:
    return o.exc in info.defined


def _test_function(info: FunctionInfo, o: Observed, number: int, label: str) -> str:
    label = "docstring_example" if o.case.origin == "docstring" else label
    name = f"test_{info.name}_{label}_{number}"
    if o.mutated:
        return _mutation_test(info, o, name)
    return f"def {name}():\n    {check_source(info, o)}"


def check_source(info: FunctionInfo, o: Observed) -> str:
    """The body of the test of a value or a raise (what :mod:`phicode.cases` looks for)."""
    call = o.case.call(info.name)
    if o.kind == "raises":
        return f"with pytest.raises({o.exc}):\n        {call}"
    actual = f"list({call})" if o.generator else call
    return _assert_equal(actual, o)


def _assert_equal(actual: str, o: Observed) -> str:
    """The assertion that ``actual`` is what the snippet returned."""
    if o.array:
        check = "assert_allclose" if o.float_ else "assert_array_equal"
        return f"np.testing.{check}({actual}, {o.repr}, strict=True)"
    if o.repr in ("True", "False", "None") and not o.numpy:
        return f"assert {actual} is {o.repr}"
    expected = f"pytest.approx({o.repr})" if o.float_ and o.approx else o.repr
    return f"assert {actual} == {expected}"


def _mutation_test(info: FunctionInfo, o: Observed, name: str) -> str:
    """``f(xs)`` changed ``xs``: test what it returned (None, or ``pop``'s item) and the
    change, so a wrong answer that returns the item and leaves the list fails."""
    params = [p.name for p in info.positional]
    lines = [f"def {name}():"]
    args = list(o.case.args)
    for index, _ in o.mutated:
        var = params[index] if index < len(params) else f"arg{index}"
        lines.append(f"    {var} = {args[index]}")
        args[index] = var
    call = Case(tuple(args), o.case.kwargs).call(info.name)
    lines.append(f"    {_assert_equal(f'list({call})' if o.generator else call, o)}")
    for index, after in o.mutated:
        var = params[index] if index < len(params) else f"arg{index}"
        if is_array_source(after):
            lines.append(f"    np.testing.assert_array_equal({var}, {after}, strict=True)")
        else:
            lines.append(f"    assert {var} == {after}")
    return "\n".join(lines)


__all__ = ["check_source", "template_tests"]
