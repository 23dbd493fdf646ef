"""The function's domain, not its accidents: which observed calls may become cases.

A test pins what it checks. A call outside the function's domain pins an accident
of the implementation, which no question can state and no fair answer need share.
The rules (each checked in ``tests/test_oracle_choice.py``):

1. **A raise is a case only when it is deliberate**: the innermost frame of the
   exception is a ``raise`` or ``assert`` statement of the snippet
   (:attr:`~phicode.generate.oracle.observe.Observed.deliberate`), or the
   function's docstring names the exception (a documented precondition: "Raises
   ValueError if n < 0"). An ``IndexError`` from ``xs[0]`` on ``[]``, a
   ``KeyError`` from a lookup, a ``ZeroDivisionError`` from arithmetic or a
   library's ``ValueError`` (``int('x')``) on input the function never meant to
   take are accidents.
2. **Arguments agree with the type hints**: a literal argument whose type a plain
   hint rules out (a ``str`` for ``int``, a ``list`` for ``str``; an ``int`` passes
   for ``float``) is no case.
3. **Paired data is paired**: where the function walks two sequence parameters in
   step (``zip(xs, ys)``, or ``xs[i]`` and ``ys[i]`` with one index), a call that
   gives them different lengths is no case, unless the snippet rejects it on
   purpose (rule 1).
4. **Arguments keep what the docstring says of them**: a "non-empty", "sorted",
   "non-negative", "binary", "digits" or "[start, end] pairs" parameter given a
   literal that is not (:mod:`.preconditions`) is no case, unless the snippet
   rejects it on purpose (rule 1).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from phicode import pysyntax
from phicode.generate.codeinfo import FunctionInfo
from phicode.generate.oracle.inputs import NOT_LITERAL, Case, read_literal
from phicode.generate.oracle.observe import Observed
from phicode.generate.oracle.preconditions import breaks_preconditions

_PLAIN_HINTS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "complex": (int, float, complex),
    "str": (str,),
    "bytes": (bytes,),
    "bool": (bool,),
    "list": (list,),
    "tuple": (tuple,),
    "dict": (dict,),
    "set": (set, frozenset),
    "frozenset": (frozenset, set),
}


def in_domain(o: Observed, info: FunctionInfo, code: str) -> bool:
    """Whether ``o`` may be a case (see the module's rules)."""
    if o.kind == "raises" and o.incidental and not documented(o.exc, info):
        return False
    if _contradicts_hints(o, info):
        return False
    if o.kind == "raises":
        return True  # rejecting bad input on purpose is behaviour
    return not (_unpaired(o, info, code) or breaks_preconditions(_arguments(o, info), info))


def documented(exc: str | None, info: FunctionInfo) -> bool:
    """Whether the docstring names ``exc`` (a documented precondition)."""
    return bool(exc and info.docstring and re.search(rf"\b{re.escape(exc)}\b", info.docstring))


def _arguments(o: Observed, info: FunctionInfo) -> dict[str, str]:
    """Each argument's source by parameter name (positional ones by position)."""
    names = [p.name for p in info.positional]
    bound = dict(zip(names, o.case.args, strict=False))
    bound.update(dict(o.case.kwargs))
    return bound


def _contradicts_hints(o: Observed, info: FunctionInfo) -> bool:
    hints = {p.name: p.annotation for p in info.params if p.annotation}
    for name, source in _arguments(o, info).items():
        hint = hints.get(name)
        allowed = _PLAIN_HINTS.get(_outer(hint)) if hint else None
        if allowed is None:
            continue
        value = read_literal(source)
        if value is NOT_LITERAL or value is None:
            continue
        if isinstance(value, bool) and bool not in allowed:
            return True  # True is an int to Python, not to a reader of `n: int`
        if not isinstance(value, allowed):
            return True
    return False


def _outer(hint: str | None) -> str:
    """``list[int]`` -> ``list``; ``typing.List[int]`` -> ``list``; unions are not plain."""
    if not hint or "|" in hint or "Union" in hint or "Optional" in hint:
        return ""
    head = hint.split("[", 1)[0].strip().rsplit(".", 1)[-1]
    return head.lower() if head in ("List", "Tuple", "Dict", "Set", "FrozenSet") else head


def paired_parameters(info: FunctionInfo, code: str) -> set[frozenset[str]]:
    """Pairs of parameters the function walks in step."""
    return set(_pairs(code, info.name, frozenset(p.name for p in info.params)))


@lru_cache(maxsize=256)
def _pairs(code: str, name: str, names: frozenset[str]) -> frozenset[frozenset[str]]:
    """:func:`paired_parameters`, parsed once per snippet (every observed call asks)."""
    try:
        tree = pysyntax.parse(code)
    except SyntaxError:
        return frozenset()
    function = next(
        (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name),
        None,
    )
    if function is None:
        return frozenset()
    pairs: set[frozenset[str]] = set()
    indexed: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "zip":
            zipped = [a.id for a in node.args if isinstance(a, ast.Name) and a.id in names]
            pairs.update(frozenset((a, b)) for a in zipped for b in zipped if a < b)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
            and isinstance(node.slice, ast.Name)
        ):
            indexed.setdefault(node.slice.id, set()).add(node.value.id)
    for together in indexed.values():
        pairs.update(frozenset((a, b)) for a in together for b in together if a < b)
    return frozenset(pairs)


def _unpaired(o: Observed, info: FunctionInfo, code: str) -> bool:
    pairs = paired_parameters(info, code)
    if not pairs:
        return False
    bound = _arguments(o, info)
    for pair in pairs:
        a, b = sorted(pair)
        if a not in bound or b not in bound:
            continue
        left, right = read_literal(bound[a]), read_literal(bound[b])
        sized = (list, tuple, str)
        if isinstance(left, sized) and isinstance(right, sized) and len(left) != len(right):
            return True
    return False


def paired_variants(cases: list[Case], info: FunctionInfo, code: str) -> list[Case]:
    """Each case that gives paired parameters different lengths, with both cut to the
    shorter one (rule 3 keeps the first out; this keeps its data in)."""
    pairs = paired_parameters(info, code)
    positions = {p.name: i for i, p in enumerate(info.positional)}
    found: list[Case] = []
    for case in cases:
        args = list(case.args)
        for pair in pairs:
            a, b = (positions.get(name) for name in sorted(pair))
            if a is None or b is None or max(a, b) >= len(args):
                continue
            left, right = read_literal(args[a]), read_literal(args[b])
            if not (isinstance(left, list | tuple) and isinstance(right, list | tuple)):
                continue
            size = min(len(left), len(right))
            if size and len(left) != len(right):
                args[a], args[b] = repr(left[:size]), repr(right[:size])
        if tuple(args) != case.args:
            found.append(Case(tuple(args), case.kwargs, origin=case.origin))
    return found


__all__ = ["documented", "in_domain", "paired_parameters", "paired_variants"]
