"""Static signs of a forged pass, read from the code before it runs.

The pytest path judges in the process the code runs in, so code can reach the
judge: patch pytest's reports or hooks, return an object whose ``__eq__`` is
always true, exit early. Whatever such code does at run time, its source shows
it. These signs are flagged in ``verification.detail`` (``forgery signs: ...``)
of every run, pass or fail; pairs with cases are judged by the case judge,
which none of these reach (:mod:`phicode.cases`).
"""

from __future__ import annotations

import ast

from phicode import pysyntax

_JUDGE_MODULES = ("_pytest", "pluggy")
_COMPARISONS = frozenset({"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"})
_EXITS = frozenset({"os._exit", "sys.exit", "os.kill", "os.abort"})
# Searching the interpreter's objects or frames: how code finds the judge's own objects.
_INTROSPECTION = frozenset({"gc.get_objects", "gc.get_referrers", "sys._getframe"})


def static_signs(solution: str, tests: str = "") -> list[str]:
    """The signs in ``solution`` (and ``tests``), each once, in a stable order."""
    found: list[str] = []
    for where, source in (("solution", solution), ("tests", tests)):
        try:
            tree = pysyntax.parse(source)
        except SyntaxError:
            continue
        for sign in _signs(tree, where == "solution"):
            text = f"{where}: {sign}"
            if text not in found:
                found.append(text)
    return found


def _signs(tree: ast.Module, is_solution: bool) -> list[str]:
    signs: list[str] = []
    modules = _imported(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            signs += [f"imports {n}" for n in names if n.split(".")[0] in _JUDGE_MODULES]
            if is_solution:
                signs += [f"imports {n}" for n in names if n.split(".")[0] == "pytest"]
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            signs += [s for t in targets if (s := _written(t, modules))]
        elif (
            isinstance(node, ast.FunctionDef)
            and node.name in _COMPARISONS
            and _returns_only_constants(node)
        ):
            signs.append(f"{node.name} returns a constant")
        if isinstance(node, ast.FunctionDef | ast.Assign) and _spoofs_class(node):
            signs.append("sets __class__")
    signs += [
        f"calls {name}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and (name := ast.unparse(node.func)) in _INTROSPECTION
    ]
    if is_solution:
        signs += [
            f"calls {name}() at import"
            for statement in tree.body
            if (name := _exit_call(statement)) is not None
        ]
    return signs


def _imported(tree: ast.Module) -> set[str]:
    """The names the code binds by importing modules (``json``, ``_pytest``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _written(target: ast.expr, modules: set[str]) -> str | None:
    """``sys.modules[...] = ...``, ``builtins.x = ...``, a module's function replaced
    (``json.dumps = ...``), a dunder patched on something else (``X.__init__ = ...``)."""
    text = ast.unparse(target)
    if text.startswith("sys.modules"):
        return "writes sys.modules"
    if text.startswith(("builtins.", "__builtins__")):
        return f"writes {text}"
    if not isinstance(target, ast.Attribute):
        return None
    root = target.value
    while isinstance(root, ast.Attribute):
        root = root.value
    if isinstance(root, ast.Name) and root.id in modules:
        return f"patches {text}"
    if target.attr.startswith("__") and ast.unparse(target.value) not in ("self", "cls"):
        return f"patches {text}"
    return None


def _returns_only_constants(function: ast.FunctionDef) -> bool:
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
    return bool(returns) and all(isinstance(r.value, ast.Constant) for r in returns)


def _spoofs_class(node: ast.FunctionDef | ast.Assign) -> bool:
    if isinstance(node, ast.FunctionDef):
        return node.name == "__class__"
    return any(isinstance(t, ast.Name) and t.id == "__class__" for t in node.targets)


def _exit_call(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        name = ast.unparse(statement.value.func)
        if name in _EXITS:
            return name
    return None


__all__ = ["static_signs"]
