"""Static checks of a JavaScript or TypeScript record (``phicode validate``'s step 5,
:func:`code_findings`): the code parses, the solution exports its entry point, the tests
import the solution."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phicode.languages.javascript.syntax import parser
from phicode.languages.javascript.syntax import text as _text
from phicode.languages.javascript.syntax import walk as _walk

if TYPE_CHECKING:
    from phicode.records import Pair
    from phicode.validate import Check

SOLUTION_MODULES = ("./solution.mjs", "./solution.js", "./solution")


def syntax_problem(source: str, typescript: bool) -> str | None:
    """Where ``source`` first fails to parse (``line N``), or None."""
    root = parser(typescript).parse(source.encode()).root_node
    if not root.has_error:
        return None
    bad = next((n for n in _walk(root) if n.is_error or n.is_missing), root)
    return f"line {bad.start_point[0] + 1}"


def exports(source: str, name: str, typescript: bool) -> bool:
    """``export function name``, ``export const name =`` or ``export { name }``."""
    root = parser(typescript).parse(source.encode()).root_node
    for node in root.named_children:
        if node.type != "export_statement":
            continue
        declaration = node.child_by_field_name("declaration")
        if declaration is not None:
            named = [declaration, *declaration.named_children]
            if any(_text(n.child_by_field_name("name")) == name for n in named):
                return True
        for spec in _walk(node):
            if spec.type == "export_specifier":
                alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                if _text(alias) == name:
                    return True
    return False


def imports_solution(source: str, typescript: bool) -> bool:
    root = parser(typescript).parse(source.encode()).root_node
    for node in _walk(root):
        if node.type == "import_statement":
            module = _text(node.child_by_field_name("source"))[1:-1]
            if module in SOLUTION_MODULES:
                return True
    return False


def test_names(source: str, typescript: bool) -> list[str]:
    """The names of a node:test file's top-level ``test(...)``/``it(...)`` calls, in order."""
    root = parser(typescript).parse(source.encode()).root_node
    names = []
    for node in _walk(root):
        if node.type == "call_expression" and _text(node.child_by_field_name("function")) in (
            "test",
            "it",
        ):
            arguments = node.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments and arguments.named_children else None
            if first is not None and first.type == "string":
                names.append(_text(first)[1:-1])
    return names


def code_findings(pair: Pair) -> list[tuple[Check, str]]:
    """Step 5 for JavaScript and TypeScript: the code parses (tree-sitter), the solution
    exports the entry point, the tests import ``./solution.mjs``."""
    from phicode.validate import Check

    typescript = pair.language == "typescript"
    problems: list[tuple[Check, str]] = []
    problem = syntax_problem(pair.solution, typescript)
    if problem:
        problems.append((Check.SOLUTION_SYNTAX, f"solution does not parse: {problem}"))
    elif pair.entry_point and not exports(pair.solution, pair.entry_point, typescript):
        why = f"solution does not export entry_point '{pair.entry_point}'"
        problems.append((Check.ENTRY_POINT, why))
    problem = syntax_problem(pair.tests, typescript)
    if problem:
        problems.append((Check.TESTS_SYNTAX, f"tests do not parse: {problem}"))
    elif not imports_solution(pair.tests, typescript):
        why = "tests do not import the solution (expected 'from \"./solution.mjs\"')"
        problems.append((Check.TESTS_IMPORT, why))
    return problems


__all__ = ["code_findings", "exports", "imports_solution", "syntax_problem", "test_names"]
