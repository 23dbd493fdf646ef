"""tree-sitter for JavaScript and TypeScript: one parser per grammar, and the two helpers
every reader of a syntax tree here needs (a walk, a node's text)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript


@cache
def parser(typescript: bool) -> tree_sitter.Parser:
    """A tree-sitter parser for JavaScript, or for TypeScript (type annotations kept)."""
    grammar = (
        tree_sitter_typescript.language_typescript()
        if typescript
        else tree_sitter_javascript.language()
    )
    return tree_sitter.Parser(tree_sitter.Language(grammar))


def walk(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Every node under ``root`` (itself first), in source order."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def text(node: tree_sitter.Node | None) -> str:
    """A node's source text ("" for no node)."""
    return (node.text or b"").decode(errors="replace") if node is not None else ""


FUNCTIONS = ("arrow_function", "function_expression", "function")  # a function as a value


def function_named(root: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    """The function called ``name``: its declaration (``function name``), or the function
    or arrow a ``const name =`` binds; None when there is none."""
    for node in walk(root):
        if node.type == "function_declaration" and text(node.child_by_field_name("name")) == name:
            return node
        if node.type == "variable_declarator" and text(node.child_by_field_name("name")) == name:
            value = node.child_by_field_name("value")
            if value is not None and value.type in FUNCTIONS:
                return value
    return None


__all__ = ["FUNCTIONS", "function_named", "parser", "text", "walk"]
