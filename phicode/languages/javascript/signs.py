"""Static signs of a forged pass in JavaScript or TypeScript source (cf. :mod:`phicode.tamper`).

``node --test`` judges in processes the code runs in, so code can try to reach the
verdict: exit before the tests, patch ``assert``, hook the test runner, give a result a
lying ``valueOf`` or ``toJSON``. Whatever it does at run time, its source shows it;
these signs go into ``verification.detail`` of every run. JavaScript pairs are also
judged by the case judge, which none of these reach.
"""

from __future__ import annotations

import tree_sitter

from phicode.languages.javascript.syntax import parser
from phicode.languages.javascript.syntax import walk as _walk

_EXITS = frozenset(
    {"process.exit", "process.reallyExit", "process.abort", "process.kill", "process.exitCode"}
)
_HOOKS = frozenset({"node:test", "node:inspector", "inspector", "node:vm", "vm", "node:v8", "v8"})
_LYING = frozenset({"valueOf", "toJSON", "toString", "Symbol.hasInstance", "Symbol.toPrimitive"})


def forgery_signs(solution: str, tests: str = "", *, typescript: bool = False) -> list[str]:
    """The signs in ``solution`` (and the patching of ``assert`` in ``tests``), each once."""
    found: list[str] = []
    for where, source in (("solution", solution), ("tests", tests)):
        tree = parser(typescript).parse(source.encode())
        for sign in _signs(tree.root_node, where == "solution"):
            text = f"{where}: {sign}"
            if text not in found:
                found.append(text)
    return found


def _signs(root: tree_sitter.Node, is_solution: bool) -> list[str]:
    signs: list[str] = []
    for node in _walk(root):
        text = (node.text or b"").decode(errors="replace")
        if node.type == "member_expression" and text in _EXITS and is_solution:
            signs.append(f"exits ({text})")
        elif node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            target = (left.text or b"").decode(errors="replace") if left is not None else ""
            if target.startswith(("assert.", "assert[")):
                signs.append(f"patches assert ({target})")
        elif node.type == "string" and is_solution and _is_import_source(node):
            module = text[1:-1]
            if module in _HOOKS:
                signs.append(f"imports {module}")
        elif node.type in ("method_definition", "pair", "property_identifier") and is_solution:
            name = node.child_by_field_name("name") or node.child_by_field_name("key")
            label = (name.text or b"").decode(errors="replace") if name is not None else ""
            if label in _LYING or label.strip("[]") in _LYING:
                signs.append(f"defines {label.strip('[]')}")
    return signs


def _is_import_source(node: tree_sitter.Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("import_statement", "export_statement"):
        return True
    call = parent.parent
    return parent.type == "arguments" and call is not None and call.type in ("call_expression",)


__all__ = ["forgery_signs"]
