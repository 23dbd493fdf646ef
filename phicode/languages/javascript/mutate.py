"""Known wrong programs for a JavaScript or TypeScript snippet: first-order mutants and
trivial baselines (cf. :mod:`phicode.mutate` and :mod:`phicode.filters.baselines`).

Mutants change one thing in the entry point's body, then in its helpers', found by
tree-sitter: a comparison made strict or loose (``<`` and ``<=``), an equality
negated, ``+``/``-`` and ``*``/``/`` swapped, ``&&``/``||`` swapped, a number one
larger, a boolean flipped, a ``!`` dropped, a condition negated, a ternary's branches
swapped, the two arguments of a call swapped, ``Math.min`` for ``Math.max``,
``Object.keys`` for ``Object.values``, a method for its mirror (``startsWith`` and
``endsWith``, ``some`` and ``every``: Stryker's method-expression mutators) or its call
dropped (``x.trim()`` as ``x``), a string emptied (never a ``throw``'s message: the case
judge checks the class).
Baselines are the trivial answers a model might guess: ``undefined``, the first
argument echoed, an empty array, an empty string, ``0``, and the commonest result of
the observed calls. Each is a whole solution source, exported like the snippet.

Shortcuts are the simple wrong functions blind readers wrote against kept pairs
(``bench/results/js-npm-audit-3*.md``) that neither a mutant nor a baseline is: **a
parameter ignored** (``chunk`` that always cuts pairs, ``maxBy`` without its getter,
``startsWith`` from position 0 only): the snippet with that parameter held at the value
most calls give it; **another default** (``omitBy`` whose default predicate no call
uses): the snippet with an optional parameter's default replaced; and **two parameters
swapped** (``inRange`` never called with start < end): the snippet with two
neighbouring parameters of one kind exchanged. They
tell cases apart like the others but are not counted in the mutation score (that stays
comparable with the Python pairs').
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import tree_sitter

from phicode.languages.javascript.syntax import function_named, parser
from phicode.languages.javascript.syntax import text as _text
from phicode.languages.javascript.syntax import walk as _walk

MAX_MUTANTS = 24
_SWAPS = {
    "<": "<=", "<=": "<", ">": ">=", ">=": ">", "===": "!==", "!==": "===", "==": "!=",
    "!=": "==", "+": "-", "-": "+", "*": "/", "/": "*", "%": "*", "&&": "||", "||": "&&",
    "??": "||",
}  # fmt: skip
_METHODS = {"Object.keys": "Object.values", "Object.values": "Object.keys"}
# Stryker's method-expression mutators: a method for its mirror, and a call dropped
# (``x.trim()`` -> ``x``)
_MIRRORS = {
    "startsWith": "endsWith", "endsWith": "startsWith", "toUpperCase": "toLowerCase",
    "toLowerCase": "toUpperCase", "some": "every", "every": "some", "trimStart": "trimEnd",
    "trimEnd": "trimStart", "padStart": "padEnd", "padEnd": "padStart",
    "indexOf": "lastIndexOf", "lastIndexOf": "indexOf", "find": "findLast",
    "findLast": "find", "findIndex": "findLastIndex", "findLastIndex": "findIndex",
    "push": "unshift", "unshift": "push", "pop": "shift", "shift": "pop",
}  # fmt: skip
_DROPPABLE = frozenset(
    {"trim", "reverse", "sort", "slice", "filter", "toLowerCase", "toUpperCase", "substring",
     "flat", "toSorted", "toReversed", "trimStart", "trimEnd"}
)  # fmt: skip
_CALLS = {
    "Math.min": "Math.max",
    "Math.max": "Math.min",
    "Math.floor": "Math.ceil",
    "Math.ceil": "Math.floor",
}


MUTANT, BASELINE, SHORTCUT = "mutant", "baseline", "shortcut"
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")


@dataclass(frozen=True, slots=True)
class Program:
    """A known wrong program: its name (what changed), its whole source, and its kind
    (:data:`MUTANT`, :data:`BASELINE` or :data:`SHORTCUT`)."""

    name: str
    source: str
    kind: str = MUTANT


def mutants(
    code: str, entry_point: str, typescript: bool, limit: int = MAX_MUTANTS
) -> list[Program]:
    """First-order mutants of the entry point's body, in source order, at most ``limit``."""
    raw = code.encode()
    tree = parser(typescript).parse(raw)
    body = _entry_body(tree.root_node, entry_point)
    if body is None:
        return []
    # the entry point's own body first, then the helpers it carries (their behaviour is its)
    helpers = [n for n in _function_bodies(tree.root_node) if n.id != body.id]
    found: list[Program] = []
    for part in (body, *helpers):
        for start, end, replacement, what in _edits(part):
            source = (raw[:start] + replacement.encode() + raw[end:]).decode()
            line = raw[:start].count(b"\n") + 1
            if source != code:
                found.append(Program(f"line {line}: {what}", source))
            if len(found) >= limit:
                return found
    return found


def baselines(entry_point: str, results: Sequence[str]) -> list[Program]:
    """Trivial answers, each a module exporting ``entry_point`` (``results``: the JS
    literals the snippet returned, for the commonest one)."""
    bodies = {
        "undefined": "return undefined;",
        "echo the first argument": "return args[0];",
        "an empty array": "return [];",
        "an empty string": 'return "";',
        "zero": "return 0;",
    }
    if results:
        common, _ = Counter(results).most_common(1)[0]
        bodies[f"the commonest result ({common[:30]})"] = f"return {common};"
    return [
        Program(
            f"baseline: {name}",
            f"function {entry_point}(...args) {{ {body} }}\nexport {{ {entry_point} }};\n",
            BASELINE,
        )
        for name, body in bodies.items()
    ]


def shortcuts(
    code: str,
    entry_point: str,
    typescript: bool,
    held: Mapping[str, str],
    swappable: Sequence[tuple[str, str]],
    defaults: Mapping[str, str] | None = None,
) -> list[Program]:
    """The snippet with a parameter held at one value (``held``: name -> the JS source of
    the value most calls give it), with two parameters exchanged (``swappable``), and
    with another default (``defaults``: name -> a value other than its default)."""
    raw = code.encode()
    body = _entry_body(parser(typescript).parse(raw).root_node, entry_point)
    if body is None:
        return []
    statements = [
        (f"{name} = ({value});", f"ignores {name}")
        for name, value in held.items()
        if _IDENTIFIER.match(name)
    ]
    statements += [
        (f"if ({name} === undefined) {name} = ({value});", f"another default for {name}")
        for name, value in (defaults or {}).items()
        if _IDENTIFIER.match(name)
    ]
    statements += [
        (f"[{a}, {b}] = [{b}, {a}];", f"{a} and {b} swapped")
        for a, b in swappable
        if _IDENTIFIER.match(a) and _IDENTIFIER.match(b)
    ]
    return [_prologue(raw, body, statement, what) for statement, what in statements]


def _prologue(raw: bytes, body: tree_sitter.Node, statement: str, what: str) -> Program:
    """The snippet (``raw``) with ``statement`` run first in the entry point's ``body``."""
    if body.type == "statement_block":
        start, end, new = body.start_byte + 1, body.start_byte + 1, f" {statement}"
    else:  # an arrow's expression body
        start, end, new = (
            body.start_byte,
            body.end_byte,
            f"{{ {statement} return ({_text(body)}); }}",
        )
    source = (raw[:start] + new.encode() + raw[end:]).decode()
    return Program(f"shortcut: {what}", source, SHORTCUT)


def _entry_body(root: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    function = function_named(root, name)
    return function.child_by_field_name("body") if function is not None else None


def _function_bodies(root: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The bodies of the snippet's top-level functions (declared or bound to a name)."""
    bodies = []
    for node in root.named_children:
        inner = node.child_by_field_name("declaration") if node.type == "export_statement" else node
        if inner is None:
            continue
        if inner.type == "function_declaration":
            bodies.append(inner.child_by_field_name("body"))
        for declarator in (c for c in inner.named_children if c.type == "variable_declarator"):
            value = declarator.child_by_field_name("value")
            if value is not None and value.type in ("arrow_function", "function_expression"):
                bodies.append(value.child_by_field_name("body"))
    return [b for b in bodies if b is not None]


def _edits(body: tree_sitter.Node) -> Iterator[tuple[int, int, str, str]]:
    """(start byte, end byte, replacement, what) for each one-token change."""
    for node in _walk(body):
        if node.type in ("binary_expression", "augmented_assignment_expression"):
            operator = node.child_by_field_name("operator")
            text = _text(operator)
            key = text.rstrip("=") if node.type == "augmented_assignment_expression" else text
            if operator is not None and key in _SWAPS:
                new = _SWAPS[key] + ("=" if node.type == "augmented_assignment_expression" else "")
                yield operator.start_byte, operator.end_byte, new, f"{text} -> {new}"
        elif node.type in ("if_statement", "while_statement", "ternary_expression"):
            yield from _condition_edits(node)
        elif node.type == "call_expression":
            yield from _call_edits(node)
        elif (
            node.type == "string"
            and node.parent is not None
            and node.parent.type != "import_statement"
            and not _in_throw(node)
        ):
            text = _text(node)
            new = f"{text[0]}{text[0]}" if len(text) > 2 else f"{text[0]}x{text[0]}"
            yield node.start_byte, node.end_byte, new, f"{text[:20]} -> {new}"
        elif node.type == "number":
            text = _text(node)
            if text.isdigit():
                yield (
                    node.start_byte,
                    node.end_byte,
                    str(int(text) + 1),
                    f"{text} -> {int(text) + 1}",
                )
        elif node.type in ("true", "false"):
            flipped = "false" if node.type == "true" else "true"
            yield node.start_byte, node.end_byte, flipped, f"{node.type} -> {flipped}"
        elif node.type == "unary_expression" and _text(node).startswith("!"):
            argument = node.child_by_field_name("argument")
            if argument is not None:
                yield node.start_byte, node.end_byte, _text(argument), "! dropped"
        elif node.type == "member_expression" and _text(node) in _CALLS:
            yield (
                node.start_byte,
                node.end_byte,
                _CALLS[_text(node)],
                f"{_text(node)} -> {_CALLS[_text(node)]}",
            )


def _condition_edits(node: tree_sitter.Node) -> Iterator[tuple[int, int, str, str]]:
    """A condition negated; a ternary's branches swapped."""
    condition = node.child_by_field_name("condition")
    if condition is None:
        return
    inner = _text(condition)
    inner = inner[1:-1] if condition.type == "parenthesized_expression" else inner
    yield condition.start_byte, condition.end_byte, f"(!({inner}))", "condition negated"
    if node.type == "ternary_expression":
        yes, no = node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        if yes is not None and no is not None:
            swapped = f"{_text(condition)} ? {_text(no)} : {_text(yes)}"
            yield node.start_byte, node.end_byte, swapped, "ternary branches swapped"


def _call_edits(node: tree_sitter.Node) -> Iterator[tuple[int, int, str, str]]:
    """``Object.keys`` for ``Object.values``; a two-argument call's arguments swapped."""
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    callee = _text(function)
    if function is not None and callee in _METHODS:
        yield (
            function.start_byte,
            function.end_byte,
            _METHODS[callee],
            f"{callee} -> {_METHODS[callee]}",
        )
        return
    if function is not None and function.type == "member_expression":
        yield from _method_edits(node, function)
    args = [a for a in (arguments.named_children if arguments else []) if a.type != "comment"]
    if arguments is not None and len(args) == 2 and "=>" not in _text(arguments):
        swapped = f"({_text(args[1])}, {_text(args[0])})"
        yield (
            arguments.start_byte,
            arguments.end_byte,
            swapped,
            f"arguments of {callee[:20]} swapped",
        )


def _method_edits(
    call: tree_sitter.Node, function: tree_sitter.Node
) -> Iterator[tuple[int, int, str, str]]:
    """``.startsWith`` for ``.endsWith`` (and other mirrors); ``x.trim()`` as ``x``."""
    method = function.child_by_field_name("property")
    receiver = function.child_by_field_name("object")
    name = _text(method)
    if method is not None and name in _MIRRORS:
        yield method.start_byte, method.end_byte, _MIRRORS[name], f".{name} -> .{_MIRRORS[name]}"
    if receiver is not None and name in _DROPPABLE:
        yield call.start_byte, call.end_byte, _text(receiver), f".{name}() dropped"


def _in_throw(node: tree_sitter.Node) -> bool:
    """A string in a ``throw`` (its message): the case judge checks the class, not the text."""
    parent = node.parent
    while parent is not None:
        if parent.type == "throw_statement":
            return True
        parent = parent.parent
    return False


__all__ = [
    "BASELINE",
    "MAX_MUTANTS",
    "MUTANT",
    "SHORTCUT",
    "Program",
    "baselines",
    "mutants",
    "shortcuts",
]
