"""Which module-level names a top-level statement needs, and what it calls.

One pass over a statement's tree with Python's scoping rules: names bound in
a function are local to it, nested functions and comprehensions see their
enclosing function's names, methods do not see their class body's names.
What is loaded and bound nowhere on the way up is *free*: it must come from
the module (an import, a constant, a helper) or from builtins. Only the
extractor uses this; it is cheaper than a second parse with ``symtable``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_CLASS_CELL = frozenset({"super", "__class__"})


@dataclass(slots=True)
class Facts:
    """What one top-level statement needs (``free``) and does (``calls``)."""

    free: frozenset[str] = frozenset()
    calls: list[tuple[str, int]] = field(default_factory=list)
    declares_global: bool = False


def statement_facts(node: ast.stmt) -> Facts:
    """Free names and calls of a module-level statement (its own name excluded)."""
    facts = Facts()
    facts.free = frozenset(_scope_free([node], (), facts, is_class=False))
    return facts


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name; None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _parameters(args: ast.arguments) -> list[str]:
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names.extend(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names


def _outer_parts(node: ast.AST) -> list[ast.AST]:
    """The parts of a nested scope that the *enclosing* scope evaluates."""
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    if isinstance(node, _COMPREHENSIONS):
        return [node.generators[0].iter]
    args = node.args
    parts: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    if isinstance(node, ast.Lambda):
        return parts
    every = (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
    parts.extend(a.annotation for a in every if a is not None and a.annotation is not None)
    if node.returns is not None:
        parts.append(node.returns)
    return [*node.decorator_list, *parts]


def _inner(node: ast.AST) -> tuple[list[ast.AST], tuple[str, ...], bool]:
    """The body a nested scope evaluates itself, the names it binds on entry, is-class."""
    if isinstance(node, ast.ClassDef):
        return list(node.body), (), True
    if isinstance(node, ast.Lambda):
        return [node.body], tuple(_parameters(node.args)), False
    if isinstance(node, _COMPREHENSIONS):
        body: list[ast.AST] = [g.target for g in node.generators]
        body.extend(g.iter for g in node.generators[1:])
        body.extend(cond for g in node.generators for cond in g.ifs)
        body.extend([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt])
        return body, (), False
    return list(node.body), tuple(_parameters(node.args)), False


_SCOPES = frozenset({*_FUNCTIONS, ast.ClassDef, *_COMPREHENSIONS})
_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_NAMED = frozenset({ast.ExceptHandler, ast.MatchAs, ast.MatchStar})
# Fields that never hold a node worth visiting (identifiers, flags, Load/Store).
_SCALAR_FIELDS = frozenset(
    {
        "ctx",
        "id",
        "arg",
        "attr",
        "name",
        "names",
        "module",
        "level",
        "asname",
        "kind",
        "type_comment",
        "is_async",
        "conversion",
        "rest",
        "n",
        "s",
    }
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes of ``node`` (like ``ast.iter_child_nodes``, but skipping
    fields that hold no nodes, so a whole-module walk costs less)."""
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _SCALAR_FIELDS)
    out: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            out.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


def _scope_free(
    body: list[ast.AST], params: tuple[str, ...], facts: Facts, *, is_class: bool
) -> set[str]:
    bound: set[str] = set(params)
    loads: set[str] = set()
    nested: set[str] = set()
    declared: set[str] = set()
    stack = list(body)
    load = ast.Load
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            (loads if type(node.ctx) is load else bound).add(node.id)
            continue
        if kind is ast.Constant:
            continue
        if kind is ast.Attribute:  # the commonest nodes, walked without children()
            stack.append(node.value)
            continue
        if kind is ast.keyword or kind is ast.Expr or kind is ast.Return:
            if node.value is not None:
                stack.append(node.value)
            continue
        if kind in _SCOPES:
            if kind in _DEFINITIONS:
                bound.add(node.name)
            stack.extend(_outer_parts(node))
            inner_body, inner_params, inner_is_class = _inner(node)
            nested |= _scope_free(inner_body, inner_params, facts, is_class=inner_is_class)
            continue
        if kind is ast.Call:
            name = dotted_name(node.func)
            if name is not None:
                facts.calls.append((name, len(node.args) + len(node.keywords)))
            stack.append(node.func)
            stack.extend(node.args)
            stack.extend(node.keywords)
            continue
        if kind is ast.Import or kind is ast.ImportFrom:
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif kind is ast.Global:
            declared.update(node.names)
            facts.declares_global = True
        elif kind is ast.Nonlocal:
            bound.update(node.names)
        elif kind in _NAMED and node.name:
            bound.add(node.name)
        elif kind is ast.MatchMapping and node.rest:
            bound.add(node.rest)
        stack.extend(children(node))
    bound -= declared
    free = (loads - bound) | declared
    # Methods and class-level comprehensions do not see names bound in a class body;
    # ``super()`` in a method finds its class through the implicit ``__class__`` cell.
    free |= nested - _CLASS_CELL if is_class else nested - bound
    return free
