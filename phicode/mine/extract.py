"""From a parsed module to self-contained functions.

For each top-level function (and each plain ``@staticmethod`` of a top-level
class) the extractor gathers what it needs from its module, transitively:
the imports it uses (only the names it uses), the module constants and the
helper functions and classes it refers to. They are placed before it in
source order, so the snippet runs as the module ``solution`` on its own.

Names the module binds in more than one way (redefined, set in an ``if`` or
``try`` block, mutated by top-level code) cannot be pinned to one definition:
a function that needs one is rejected as ``unresolved_name``, as is one that
needs a name bound nowhere. Imports must be of the standard library (or numpy,
which the sandbox image carries); relative and third-party imports are
rejected with their own reasons.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from phicode.mine.reasons import Reject
from phicode.mine.scope import Facts, statement_facts

BUILTINS = frozenset(dir(builtins)) - {"__file__", "__builtins__"}
# Names that exist as module globals only inside a class body or a real file.
_NEVER_RESOLVED = frozenset(
    {"super", "__class__", "__file__", "__path__", "__spec__", "__loader__"}
)
# Third-party modules the sandbox image carries besides the standard library.
SANDBOX_MODULES = frozenset({"numpy"})


@cache
def importable(top: str) -> bool:
    """Whether ``import top`` works in the sandbox: stdlib present on this
    platform (``msvcrt`` is stdlib but not on Linux), or a sandbox package."""
    if top in SANDBOX_MODULES:
        return True
    if top not in sys.stdlib_module_names:
        return False
    if top in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class Binding:
    """How a module-level name is bound: by statement ``index`` (and ``alias`` for imports)."""

    index: int
    alias: ast.alias | None = None


@dataclass(slots=True)
class ModuleIndex:
    """Module-level bindings of one parsed file, and per-statement facts (lazily)."""

    tree: ast.Module
    lines: list[str]
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    mutated: set[str] = field(default_factory=set)
    future: list[str] = field(default_factory=list)
    package: tuple[str, ...] = ()
    _facts: dict[int, Facts] = field(default_factory=dict)
    _local: set[str] | None = None

    def facts(self, index: int) -> Facts:
        if index not in self._facts:
            self._facts[index] = statement_facts(self.tree.body[index])
        return self._facts[index]

    def local_names(self) -> set[str]:
        """Names the module itself defines (not imports): never builtins."""
        if self._local is None:
            self._local = {
                name
                for name, bindings in self.bindings.items()
                if any(b.alias is None for b in bindings)
            }
        return self._local

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


def index_module(tree: ast.Module, text: str, rel_path: str = "") -> ModuleIndex:
    """Record what each module-level name is bound to, and which names are ambiguous.

    ``rel_path`` (the file's path in its repository) names the package that
    relative imports start from.
    """
    index = ModuleIndex(tree=tree, lines=text.splitlines(), package=package_of(rel_path))
    for position, stmt in enumerate(tree.body):
        _index_statement(index, position, stmt)
    for name, bindings in index.bindings.items():
        if len(bindings) > 1 and not _same_package_imports(bindings):
            index.ambiguous.add(name)
        # Mutating an imported module leaves the name bound to the same module.
        if name in index.mutated and any(b.alias is None for b in bindings):
            index.ambiguous.add(name)
    return index


def _index_statement(index: ModuleIndex, position: int, stmt: ast.stmt) -> None:
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
        index.future.extend(alias.name for alias in stmt.names)
    elif isinstance(stmt, ast.Import | ast.ImportFrom):
        for alias in stmt.names:
            if alias.name == "*":
                continue  # names it brings in stay unresolved
            index.bind((alias.asname or alias.name).split(".")[0], Binding(position, alias))
    elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        index.bind(stmt.name, Binding(position))
    elif isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
        for target in stmt.targets:
            index.bind(target.id, Binding(position))
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        if stmt.value is not None:
            index.bind(stmt.target.id, Binding(position))
    elif not _is_main_guard(stmt) and not _is_docstring(stmt):
        rebound, mutated = _touched_names(stmt)
        index.ambiguous.update(rebound)
        index.mutated.update(mutated)


def _same_package_imports(bindings: list[Binding]) -> bool:
    """``import os`` and ``import os.path`` both bind ``os``: fine together."""
    return all(b.alias is not None and b.alias.asname is None for b in bindings) and (
        len({b.alias.name.split(".")[0] for b in bindings if b.alias is not None}) == 1
    )


def _is_main_guard(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and "__main__" in ast.unparse(stmt.test)


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _touched_names(stmt: ast.stmt) -> tuple[set[str], set[str]]:
    """Names a top-level statement (other than a plain definition) may rebind,
    and names whose value it may mutate (``x[k] = v``, ``x.append(v)``)."""
    rebound: set[str] = set()
    mutated: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            rebound.add(node.id)
        elif isinstance(node, ast.Attribute | ast.Subscript) and not isinstance(node.ctx, ast.Load):
            mutated.add(_base_name(node) or "")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            mutated.add(_base_name(node.func) or "")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            rebound.add(node.name)
        elif isinstance(node, ast.alias):
            rebound.add((node.asname or node.name).split(".")[0])
    return rebound, mutated


def _base_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


# --- candidates ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A function worth trying: the statement index it lives in, and the def itself."""

    position: int
    node: ast.FunctionDef | ast.AsyncFunctionDef
    is_method: bool = False


def candidates(index: ModuleIndex, include_methods: bool) -> Iterator[Candidate]:
    """Top-level functions and plain static methods, in source order."""
    for position, stmt in enumerate(index.tree.body):
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            if not _is_dunder(stmt.name):
                yield Candidate(position, stmt)
        elif include_methods and isinstance(stmt, ast.ClassDef):
            for member in stmt.body:
                if _is_static(member) and member.name not in index.bindings:
                    yield Candidate(position, member, is_method=True)


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _is_static(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.FunctionDef)
        and not _is_dunder(node.name)
        and len(node.decorator_list) == 1
        and isinstance(node.decorator_list[0], ast.Name)
        and node.decorator_list[0].id == "staticmethod"
    )


# --- resolution --------------------------------------------------------------------


@dataclass(slots=True)
class Resolved:
    """What a candidate needs: whole statements and, per import statement, the aliases."""

    statements: set[int] = field(default_factory=set)
    aliases: dict[int, list[ast.alias]] = field(default_factory=dict)
    facts: list[Facts] = field(default_factory=list)


class Unresolvable(Exception):
    """Carries the rejection reason and detail out of the resolution walk."""

    def __init__(self, reason: Reject, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def resolve(index: ModuleIndex, candidate: Candidate) -> Resolved:
    """The module statements ``candidate`` needs, transitively; raises Unresolvable."""
    own = (
        statement_facts(candidate.node) if candidate.is_method else index.facts(candidate.position)
    )
    if own.declares_global:
        raise Unresolvable(
            Reject.GLOBAL_STATEMENT, f"{candidate.node.name} rebinds a module global"
        )
    resolved = Resolved(facts=[own])
    seen: set[str] = {candidate.node.name}
    queue = sorted(own.free)
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        own_position = -1 if candidate.is_method else candidate.position
        queue.extend(sorted(_resolve_name(index, name, resolved, own_position)))
    return resolved


def _resolve_name(index: ModuleIndex, name: str, resolved: Resolved, own: int) -> set[str]:
    """Add what binds ``name`` to ``resolved``; return the names that needs in turn."""
    if name in _NEVER_RESOLVED:
        raise Unresolvable(Reject.UNRESOLVED_NAME, f"'{name}' needs a class or a file")
    if name in index.ambiguous:
        raise Unresolvable(
            Reject.UNRESOLVED_NAME,
            f"'{name}' is bound conditionally or more than once in the module",
        )
    bindings = index.bindings.get(name)
    if not bindings:
        if name in BUILTINS:
            return set()
        raise Unresolvable(Reject.UNRESOLVED_NAME, f"'{name}' is not defined in the module")
    more: set[str] = set()
    for binding in bindings:
        if binding.alias is not None:
            _check_import(index, index.tree.body[binding.index], binding.alias)
            resolved.aliases.setdefault(binding.index, []).append(binding.alias)
        elif binding.index != own:
            facts = index.facts(binding.index)
            if facts.declares_global:
                raise Unresolvable(
                    Reject.GLOBAL_STATEMENT, f"helper '{name}' rebinds a module global"
                )
            resolved.statements.add(binding.index)
            resolved.facts.append(facts)
            more |= facts.free
    return more


def package_of(rel_path: str) -> tuple[str, ...]:
    """``email/utils.py`` and ``email/__init__.py`` are both in package ``email``."""
    return tuple(rel_path.split("/")[:-1]) if rel_path else ()


def from_module(index: ModuleIndex, stmt: ast.ImportFrom) -> str | None:
    """The absolute module a ``from ... import`` reads; None when a relative one
    climbs above the repository."""
    if not stmt.level:
        return stmt.module or ""
    if stmt.level - 1 >= len(index.package):
        return None
    base = index.package[: len(index.package) - (stmt.level - 1)]
    return ".".join([*base, *([stmt.module] if stmt.module else [])])


def _check_import(index: ModuleIndex, stmt: ast.stmt, alias: ast.alias) -> None:
    """Only modules the sandbox has. A relative import counts when the package it
    reaches is one of them (mining the standard library's own source)."""
    if isinstance(stmt, ast.ImportFrom):
        module = from_module(index, stmt)
        if stmt.level and (module is None or not importable(module.split(".")[0])):
            written = "." * stmt.level + (stmt.module or "")
            raise Unresolvable(Reject.RELATIVE_IMPORT, f"from {written} import {alias.name}")
        module = module or ""
    else:
        module = alias.name
    if not importable(module.split(".")[0]):
        raise Unresolvable(Reject.NON_STDLIB_IMPORT, module)


def imported_modules(index: ModuleIndex, resolved: Resolved) -> tuple[dict[str, str], list[str]]:
    """(local name -> qualified name, every module or object imported) for the
    imports the snippet keeps: ``import urllib.request`` binds ``urllib`` but
    imports ``urllib.request``."""
    names: dict[str, str] = {}
    modules: list[str] = []
    for position, aliases in resolved.aliases.items():
        stmt = index.tree.body[position]
        for alias in aliases:
            if isinstance(stmt, ast.ImportFrom):
                qualified = f"{from_module(index, stmt)}.{alias.name}"
                names[alias.asname or alias.name] = qualified
            else:
                qualified = alias.name
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
            modules.append(qualified)
    return names, modules


# --- assembly ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assembled:
    """A snippet's code and the lines of its entry point in the file."""

    code: str
    start_line: int
    end_line: int


def assemble(index: ModuleIndex, candidate: Candidate, resolved: Resolved) -> Assembled:
    """Imports, then needed statements in source order, then the function itself."""
    future = [f"from __future__ import {', '.join(index.future)}"] if index.future else []
    imports = [
        _import_text(index, index.tree.body[i], a) for i, a in sorted(resolved.aliases.items())
    ]
    bodies = [index.tree.body[i] for i in sorted(resolved.statements)]
    code_parts = [_source(index, node) for node in bodies]
    entry = candidate.node
    code_parts.append(
        _method_source(index, entry) if candidate.is_method else _source(index, entry)
    )
    head = "\n".join([*future, *imports])
    code = _join([head] if head else [], code_parts, [*bodies, entry]) + "\n"
    start = entry.lineno if candidate.is_method else first_line(entry)
    return Assembled(code=code, start_line=start, end_line=entry.end_lineno or start)


def _join(head: list[str], parts: list[str], nodes: list[ast.stmt]) -> str:
    """Two blank lines around definitions, none between consecutive constants."""
    out = list(head)
    previous_is_def = True
    for text, node in zip(parts, nodes, strict=True):
        is_def = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        if out:
            out.append("\n" if not (is_def or previous_is_def) else "\n\n\n")
        out.append(text)
        previous_is_def = is_def
    return "".join(out)


def _import_text(index: ModuleIndex, stmt: ast.stmt, aliases: list[ast.alias]) -> str:
    names = ", ".join(
        f"{a.name} as {a.asname}" if a.asname else a.name
        for a in sorted(set(aliases), key=lambda a: (a.name, a.asname or ""))
    )
    if isinstance(stmt, ast.ImportFrom):
        return f"from {from_module(index, stmt)} import {names}"
    return f"import {names}"


def first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _source(index: ModuleIndex, node: ast.stmt) -> str:
    """The statement's own lines; unparsed when it shares a line with another."""
    start, end = first_line(node), node.end_lineno or node.lineno
    lines = index.lines[start - 1 : end]
    if not lines or lines[0][: node.col_offset].strip() or _tail_after(lines[-1], node):
        return ast.unparse(node)
    return "\n".join(lines).rstrip()


def _tail_after(last_line: str, node: ast.stmt) -> bool:
    rest = last_line.encode("utf-8")[node.end_col_offset or 0 :].decode("utf-8", "replace")
    rest = rest.strip()
    return bool(rest) and not rest.startswith("#")


def _method_source(index: ModuleIndex, node: ast.FunctionDef) -> str:
    """A static method's lines, dedented to module level, without its decorator."""
    indent = node.col_offset
    lines = index.lines[node.lineno - 1 : node.end_lineno]
    if any(line.strip() and line[:indent].strip() for line in lines) or _tail_after(
        lines[-1], node
    ):
        return _unparse_without_decorators(node)
    return "\n".join(line[indent:] for line in lines).rstrip()


def _unparse_without_decorators(node: ast.FunctionDef) -> str:
    saved = node.decorator_list
    node.decorator_list = []
    try:
        return ast.unparse(node)
    finally:
        node.decorator_list = saved
