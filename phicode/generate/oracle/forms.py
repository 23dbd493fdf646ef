"""Call forms: which parameters a call passes, and what kind of value each gets.

A reader learns a function's conventions from the question's worked examples. A
test that calls it in a *form* no example shows (a parameter no example passes,
or a string where the examples pass a function) checks something a reader
cannot know from the examples, unless the prose explains it, which is what the
blind answers of :mod:`phicode.filters.fidelity` judge. The form is read from the
argument sources only: positional arguments bound to the signature's names,
each value reduced to a coarse kind (``number``, ``str``, ``sequence``,
``callable``...), so ``f(2)`` shows ``f(3.5)`` but not ``f([2])``.
"""

from __future__ import annotations

import ast
import re

from phicode import pysyntax
from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.oracle.examples import example_calls
from phicode.generate.oracle.inputs import Case

Form = frozenset[tuple[str, str]]  # (parameter, kind of value) for each argument passed

_CONSTANT_KINDS = ((bool, "bool"), (int, "number"), (float, "number"), (complex, "number"))
_NODE_KINDS = (
    ((ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp), "sequence"),
    ((ast.Set, ast.SetComp), "set"),
    ((ast.Dict, ast.DictComp), "dict"),
    ((ast.Lambda, ast.Name, ast.Attribute), "callable"),
    ((ast.JoinedStr,), "str"),
)


def value_kind(source: str) -> str:
    """The coarse kind of an argument's source: what a reader tells apart at a glance."""
    try:
        node = pysyntax.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return "other"
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        return _constant_kind(node.value)
    for types, kind in _NODE_KINDS:
        if isinstance(node, types):
            return kind
    if isinstance(node, ast.Call):
        return f"call:{ast.unparse(node.func)}"
    return "other"


def _constant_kind(value: object) -> str:
    if value is None:
        return "none"
    for kind_type, kind in _CONSTANT_KINDS:
        if isinstance(value, kind_type):
            return kind
    return type(value).__name__  # str, bytes, ellipsis


def call_form(case: Case, info: FunctionInfo) -> Form:
    """The parameters ``case`` passes (positional ones by their name) and their kinds."""
    positional = [p.name for p in info.params if p.kind == "positional"]
    pairs = {
        (positional[index] if index < len(positional) else "*args", value_kind(source))
        for index, source in enumerate(case.args)
    }
    pairs |= {(name, value_kind(source)) for name, source in case.kwargs}
    return frozenset(pairs)


def shown_forms(question: str, info: FunctionInfo) -> list[Form]:
    """The forms of the question's worked examples (``f(...)`` returns or raises)."""
    return [call_form(case, info) for case in example_calls(question, info)]


def unshown(form: Form, shown: list[Form]) -> Form:
    """What of ``form`` no example shows: (parameter, kind) pairs outside all of them."""
    seen = frozenset().union(*shown) if shown else frozenset()
    return frozenset(form - seen)


def describe(pairs: Form) -> str:
    """``align (bool), key (str)``: for a note in ``verification.detail``."""
    return ", ".join(f"{name} ({re.sub(r'^call:', '', kind)})" for name, kind in sorted(pairs))


__all__ = ["Form", "call_form", "describe", "shown_forms", "unshown", "value_kind"]
