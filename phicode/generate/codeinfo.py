"""What the generators need to know about a snippet's code, read once with ``ast``.

The entry point's signature (as the question names it), its parameters with
hints and defaults (the template backend derives inputs from them), its
docstring (examples, prose), and every name the module defines or imports (so
parsing can tell a pasted copy of the answer from a helper of the tests).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from phicode import pysyntax


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of the entry point."""

    name: str
    annotation: str | None
    default: str | None  # source of the default value
    kind: str  # positional | keyword | varargs | varkw


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """The entry point of a snippet and the module around it."""

    name: str
    params: tuple[Param, ...]
    returns: str | None
    docstring: str | None
    signature: str  # ``name(a: int, b=2) -> int``
    is_async: bool
    defined: frozenset[str]  # top-level names the snippet defines (functions, classes, constants)
    imports: dict[str, str]  # bound name -> the import statement that binds it
    body_lines: tuple[str, ...]  # stripped source lines of the code, minus signature and docstring

    @property
    def positional(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.kind == "positional")

    def called_by(self, func: ast.expr) -> bool:
        """Whether a call's ``func`` is this function: ``f(...)``, or ``obj.f(...)``."""
        return (isinstance(func, ast.Name) and func.id == self.name) or (
            isinstance(func, ast.Attribute) and func.attr == self.name
        )


class CodeError(ValueError):
    """The snippet does not parse or lacks its entry point."""


def function_info(code: str, entry_point: str) -> FunctionInfo:
    """Read the entry point of ``code``; :class:`CodeError` when it is missing."""
    try:
        tree = pysyntax.parse(code)
    except SyntaxError as exc:
        raise CodeError(f"the snippet does not parse: {exc.msg} (line {exc.lineno})") from exc
    node = next(
        (
            n
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == entry_point
        ),
        None,
    )
    if node is None:
        raise CodeError(f"the snippet defines no top-level function {entry_point!r}")
    params = _params(node.args)
    returns = ast.unparse(node.returns) if node.returns else None
    signature = f"{entry_point}({_arglist(node.args)})" + (f" -> {returns}" if returns else "")
    return FunctionInfo(
        name=entry_point,
        params=params,
        returns=returns,
        docstring=ast.get_docstring(node),
        signature=signature,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        defined=frozenset(top_level_names(tree)),
        imports=import_bindings(tree),
        body_lines=_body_lines(code, tree),
    )


def readable_info(code: str, entry_point: str) -> FunctionInfo | None:
    """:func:`function_info`, or None when the code does not parse or lacks its entry
    point: for the filters, which can only leave such a pair as it is."""
    try:
        return function_info(code, entry_point)
    except CodeError:
        return None


def _params(args: ast.arguments) -> tuple[Param, ...]:
    out: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(
        args.defaults
    )
    for arg, default in zip(positional, defaults, strict=True):
        out.append(
            Param(arg.arg, _hint(arg), ast.unparse(default) if default else None, "positional")
        )
    if args.vararg:
        out.append(Param(args.vararg.arg, _hint(args.vararg), None, "varargs"))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out.append(Param(arg.arg, _hint(arg), ast.unparse(default) if default else None, "keyword"))
    if args.kwarg:
        out.append(Param(args.kwarg.arg, _hint(args.kwarg), None, "varkw"))
    return tuple(out)


def _hint(arg: ast.arg) -> str | None:
    return ast.unparse(arg.annotation) if arg.annotation else None


def _arglist(args: ast.arguments) -> str:
    # ast.unparse of a bare ``arguments`` node gives the parameter list as written.
    return ast.unparse(args)


def top_level_names(tree: ast.Module) -> set[str]:
    """Functions, classes and constants a module defines at top level."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def import_bindings(tree: ast.Module) -> dict[str, str]:
    """Each name a top-level import binds, mapped to an import statement binding it."""
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                out[bound] = f"import {alias.name}" + (
                    f" as {alias.asname}" if alias.asname else ""
                )
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name == "*":
                    continue
                bound = alias.asname or alias.name
                as_part = f" as {alias.asname}" if alias.asname else ""
                out[bound] = f"from {node.module} import {alias.name}{as_part}"
    return out


def _body_lines(code: str, tree: ast.Module) -> tuple[str, ...]:
    """Source lines that are code, not signature or docstring (leak detection)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            skip.update(range(first, node.body[0].lineno))
            doc = node.body[0]
            if (
                isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            ):
                skip.update(range(doc.lineno, (doc.end_lineno or doc.lineno) + 1))
    lines = code.splitlines()
    return tuple(
        line.strip()
        for number, line in enumerate(lines, start=1)
        if number not in skip and line.strip()
    )
