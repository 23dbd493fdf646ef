"""Known wrong programs for a JavaScript or TypeScript snippet: first-order mutants and
trivial baselines (cf. :mod:`phicode.mutate` and :mod:`phicode.filters.baselines`).

Mutants change one operator or literal of the entry point's own body, found by
tree-sitter: a comparison made strict or loose (``<`` and ``<=``), turned round, an
equality negated, ``+``/``-`` and ``*``/``/`` swapped, ``&&``/``||`` swapped, a
number one larger, a boolean flipped, a ``!`` dropped, ``Math.min`` for ``Math.max``.
Baselines are the trivial answers a model might guess: ``undefined``, the first
argument echoed, an empty array, an empty string, ``0``, and the commonest result of
the observed calls. Each is a whole solution source, exported like the snippet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import tree_sitter

from phicode.languages.javascript.signs import parser

MAX_MUTANTS = 24
_SWAPS = {
    "<": "<=", "<=": "<", ">": ">=", ">=": ">", "===": "!==", "!==": "===", "==": "!=",
    "!=": "==", "+": "-", "-": "+", "*": "/", "/": "*", "%": "*", "&&": "||", "||": "&&",
    "??": "||",
}  # fmt: skip
_CALLS = {
    "Math.min": "Math.max",
    "Math.max": "Math.min",
    "Math.floor": "Math.ceil",
    "Math.ceil": "Math.floor",
}


@dataclass(frozen=True, slots=True)
class Program:
    """A known wrong program: its name (what changed) and its whole source."""

    name: str
    source: str


def mutants(
    code: str, entry_point: str, typescript: bool, limit: int = MAX_MUTANTS
) -> list[Program]:
    """First-order mutants of the entry point's body, in source order, at most ``limit``."""
    raw = code.encode()
    tree = parser(typescript).parse(raw)
    body = _entry_body(tree.root_node, entry_point)
    if body is None:
        return []
    found: list[Program] = []
    for start, end, replacement, what in _edits(body):
        source = (raw[:start] + replacement.encode() + raw[end:]).decode()
        if source != code:
            found.append(Program(f"line {body.start_point[0] + 1}+: {what}", source))
        if len(found) >= limit:
            break
    return found


def baselines(code: str, entry_point: str, results: Sequence[str]) -> list[Program]:
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
            name, f"function {entry_point}(...args) {{ {body} }}\nexport {{ {entry_point} }};\n"
        )
        for name, body in bodies.items()
    ]


def _entry_body(root: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    for node in _walk(root):
        if node.type == "function_declaration" and _text(node.child_by_field_name("name")) == name:
            return node.child_by_field_name("body")
        if node.type == "variable_declarator" and _text(node.child_by_field_name("name")) == name:
            value = node.child_by_field_name("value")
            if value is not None and value.type in (
                "arrow_function",
                "function_expression",
                "function",
            ):
                return value.child_by_field_name("body")
    return None


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


def _walk(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _text(node: tree_sitter.Node | None) -> str:
    return (node.text or b"").decode(errors="replace") if node is not None else ""


__all__ = ["MAX_MUTANTS", "Program", "baselines", "mutants"]
