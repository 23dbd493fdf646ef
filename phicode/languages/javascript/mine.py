"""Mining JavaScript and TypeScript files: top-level functions with what they use.

tree-sitter parses the file (the JavaScript grammar for ``.js``/``.mjs``/``.cjs``, the
TypeScript one for ``.ts``). A candidate is a top-level function: a declaration
(``function f``, exported or not), or a function or arrow bound to a name (``const f =
(a) => ...``, ``exports.f = function``). Its snippet is the file's imports of Node
built-ins it uses, the top-level declarations it reaches (helpers, constants, types),
and the function itself, exported by name (``export { f };``): an ES module the tests
import from ``./solution.mjs``.

The filters are the Python miner's, in JavaScript's words (reasons from
:mod:`phicode.mine.reasons`): no parameters, no ``return`` with a value, ``async``;
an import of a package (only Node built-ins travel), a name nothing defines; I/O and
processes (``fs``, ``net``, ``child_process``, ``process``, ``console``, ``fetch``),
the clock and entropy (``Date.now``, ``new Date()``, ``Math.random``, ``crypto``). A file
that is minified or a bundle is skipped with its reason, as is one that does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter

from phicode.languages.javascript.syntax import parser
from phicode.languages.javascript.syntax import text as _text
from phicode.languages.javascript.syntax import walk as _walk
from phicode.mine import filters
from phicode.mine.config import MineConfig
from phicode.mine.dedup import signature
from phicode.mine.filters import Verdict
from phicode.mine.reasons import Reject, Skip
from phicode.mine.walk import FileTask
from phicode.mine.worker import FileResult, Found, read_text
from phicode.records import content_id

# Globals every JavaScript engine has: a name among these needs no definition.
GLOBALS = frozenset(
    [
        "Array",
        "ArrayBuffer",
        "BigInt",
        "BigInt64Array",
        "BigUint64Array",
        "Boolean",
        "DataView",
        "Date",
        "Error",
        "EvalError",
        "Float32Array",
        "Float64Array",
        "Infinity",
        "Int16Array",
        "Int32Array",
        "Int8Array",
        "JSON",
        "Map",
        "Math",
        "NaN",
        "Number",
        "Object",
        "Promise",
        "Proxy",
        "RangeError",
        "ReferenceError",
        "Reflect",
        "RegExp",
        "Set",
        "String",
        "Symbol",
        "SyntaxError",
        "TypeError",
        "URIError",
        "Uint16Array",
        "Uint32Array",
        "Uint8Array",
        "Uint8ClampedArray",
        "WeakMap",
        "WeakSet",
        "decodeURI",
        "decodeURIComponent",
        "encodeURI",
        "encodeURIComponent",
        "isFinite",
        "isNaN",
        "parseFloat",
        "parseInt",
        "undefined",
        "globalThis",
        "structuredClone",
        "TextEncoder",
        "TextDecoder",
        "URL",
        "URLSearchParams",
        "AggregateError",
        "Intl",
        "arguments",
    ]
)
# Node built-in modules a snippet may import (pure computation only).
BUILTIN_MODULES = frozenset(
    {"assert", "buffer", "path", "querystring", "string_decoder", "url", "util"}
)
# I/O, processes, the network, timers: a snippet touching one is not a pure function.
FORBIDDEN_MODULES = frozenset(
    [
        "fs",
        "fs/promises",
        "child_process",
        "net",
        "http",
        "https",
        "http2",
        "dgram",
        "dns",
        "tls",
        "cluster",
        "worker_threads",
        "os",
        "process",
        "readline",
        "repl",
        "vm",
        "v8",
        "inspector",
        "perf_hooks",
        "timers",
        "crypto",
    ]
)
FORBIDDEN_GLOBALS = frozenset(
    [
        "process",
        "console",
        "fetch",
        "require",
        "module",
        "exports",
        "setTimeout",
        "setInterval",
        "setImmediate",
        "queueMicrotask",
        "XMLHttpRequest",
        "WebSocket",
        "eval",
        "Function",
        "document",
        "window",
        "localStorage",
        "crypto",
        "performance",
    ]
)
NONDETERMINISTIC = ("Math.random", "Date.now", "performance.now", "crypto.")
_MINIFIED_LINE = 1000  # characters: a longer line is minified code or data
_BUNDLE = re.compile(
    r"webpackBootstrap|__webpack_require__|/\*{3,}/|\bparcelRequire\b|System\.register"
)
_SCOPES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition",
     "generator_function_declaration", "function"}
)  # fmt: skip


@dataclass(slots=True)
class Declaration:
    """One top-level statement and the names it defines."""

    node: tree_sitter.Node
    names: tuple[str, ...]
    function: tree_sitter.Node | None = None  # the function a candidate binds, if any
    name: str = ""  # the candidate's name
    exported_as_commonjs: bool = False


@dataclass(slots=True)
class JsFound:
    """A candidate: its snippet (or why not), where it is, its docstring (JSDoc)."""

    entry_point: str
    code: str
    start_line: int
    end_line: int
    docstring: str | None
    verdict: Verdict | None = None
    words: list[str] = field(default_factory=list)


def skip_reason(text: str) -> tuple[Skip, str] | None:
    """Why a whole file is not mined: minified or bundled code."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > _MINIFIED_LINE:
        return Skip.GENERATED, f"a line of {longest:,} characters (minified or bundled)"
    bundle = _BUNDLE.search(text)
    if bundle:
        return Skip.GENERATED, f"a bundle ({bundle.group(0)!r})"
    return None


def parse(text: str, typescript: bool) -> tree_sitter.Tree | tuple[Skip, str]:
    """The file's syntax tree, or a syntax-error skip naming the first bad line."""
    tree = parser(typescript).parse(text.encode())
    if tree.root_node.has_error:
        bad = next((n for n in _walk(tree.root_node) if n.is_error or n.is_missing), None)
        line = (bad.start_point[0] + 1) if bad is not None else 1
        return Skip.SYNTAX_ERROR, f"line {line}: does not parse"
    return tree


def mine_tree(tree: tree_sitter.Tree, text: str) -> Iterator[JsFound]:
    """Every top-level function of the file, kept or with its reason."""
    declarations = [d for d in (_declaration(n) for n in tree.root_node.named_children) if d]
    defined = {name: d for d in declarations for name in d.names}
    imports = _imports(tree.root_node)
    for declaration in declarations:
        if declaration.function is not None:
            yield _candidate(declaration, defined, imports, text)


def _declaration(node: tree_sitter.Node) -> Declaration | None:
    inner = node
    if node.type == "export_statement":
        found = node.child_by_field_name("declaration")
        if found is None:
            return None
        inner = found
    if inner.type in ("function_declaration", "generator_function_declaration"):
        name = _text(inner.child_by_field_name("name"))
        function = inner if inner.type == "function_declaration" else None
        return Declaration(node, (name,), function, name)
    if inner.type in ("lexical_declaration", "variable_declaration"):
        declarators = [c for c in inner.named_children if c.type == "variable_declarator"]
        names = tuple(_text(d.child_by_field_name("name")) for d in declarators)
        if len(declarators) == 1:
            value = declarators[0].child_by_field_name("value")
            if value is not None and value.type in (
                "arrow_function",
                "function_expression",
                "function",
            ):
                return Declaration(node, names, value, names[0])
        return Declaration(node, names)
    if inner.type in (
        "class_declaration",
        "type_alias_declaration",
        "interface_declaration",
        "enum_declaration",
    ):
        return Declaration(node, (_text(inner.child_by_field_name("name")),))
    if node.type == "expression_statement":
        return _commonjs_export(node)
    return None


def _commonjs_export(node: tree_sitter.Node) -> Declaration | None:
    """``exports.f = function (...) {...}`` or ``module.exports.f = (...) => ...``."""
    assignment = node.named_children[0] if node.named_children else None
    if assignment is None or assignment.type != "assignment_expression":
        return None
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    target = _text(left)
    match = re.fullmatch(r"(?:module\.)?exports\.([A-Za-z_$][\w$]*)", target)
    if (
        not match
        or right is None
        or right.type not in ("function_expression", "arrow_function", "function")
    ):
        return None
    return Declaration(node, (match.group(1),), right, match.group(1), exported_as_commonjs=True)


def _imports(root: tree_sitter.Node) -> dict[str, tuple[str, str]]:
    """Local name -> (module, the import statement's text) for every ES import."""
    found: dict[str, tuple[str, str]] = {}
    for node in root.named_children:
        if node.type != "import_statement":
            continue
        source = node.child_by_field_name("source")
        module = _text(source)[1:-1]
        for child in _walk(node):
            if child.type == "identifier" and child.parent is not None and child.parent.type in (
                "import_clause", "import_specifier", "namespace_import"
            ):  # fmt: skip
                if child.parent.type == "import_specifier":
                    alias = child.parent.child_by_field_name("alias")
                    if alias is not None and alias != child:
                        continue
                found[_text(child)] = (module, _text(node))
    return found


def _candidate(
    declaration: Declaration,
    defined: dict[str, Declaration],
    imports: dict[str, tuple[str, str]],
    text: str,
) -> JsFound:
    function = declaration.function
    assert function is not None
    node = declaration.node
    found = JsFound(
        declaration.name, _text(node) + "\n", node.start_point[0] + 1, node.end_point[0] + 1,
        _jsdoc(node),
    )  # fmt: skip
    verdict = _check_function(function)
    if verdict is None:
        verdict, parts, modules = _closure(declaration, defined, imports)
        if verdict is None:
            found.code = _assemble(declaration, parts, modules, imports)
            verdict = _check_effects(found.code)
    found.verdict = verdict
    found.words = tokens(found.code)
    return found


def _check_function(function: tree_sitter.Node) -> Verdict | None:
    if _text(function).startswith("async"):
        return Verdict(Reject.ASYNC, "an async function")
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name(
        "parameter"
    )
    if parameters is None or (not parameters.named_children and parameters.type != "identifier"):
        return Verdict(Reject.NO_ARGUMENTS, "no parameters")
    body = function.child_by_field_name("body")
    if (
        body is not None
        and body.type == "statement_block"
        and not any(n.type == "return_statement" and n.named_children for n in _own_nodes(body))
    ):
        return Verdict(Reject.NO_RETURN, "no return with a value")
    return None


def _closure(
    declaration: Declaration,
    defined: dict[str, Declaration],
    imports: dict[str, tuple[str, str]],
) -> tuple[Verdict | None, list[Declaration], list[str]]:
    """The top-level declarations and built-in modules the function reaches, in file order."""
    reached: dict[int, Declaration] = {}
    modules: list[str] = []
    todo = [declaration]
    while todo:
        current = todo.pop()
        if current.node.id in reached:
            continue
        reached[current.node.id] = current
        own = current.function if current.exported_as_commonjs else current.node
        for name in sorted(free_names(own)):
            if name in current.names:
                continue
            if name in defined:
                todo.append(defined[name])
            elif name in imports:
                module = imports[name][0].removeprefix("node:")
                if module in FORBIDDEN_MODULES:
                    return Verdict(Reject.FORBIDDEN_MODULE, module), [], []
                if module not in BUILTIN_MODULES:
                    return Verdict(Reject.NON_STDLIB_IMPORT, imports[name][0]), [], []
                modules.append(name)
            elif name in FORBIDDEN_GLOBALS:
                return Verdict(Reject.FORBIDDEN_CALL, name), [], []
            elif name not in GLOBALS:
                return Verdict(Reject.UNRESOLVED_NAME, name), [], []
    ordered = sorted(reached.values(), key=lambda d: d.node.start_byte)
    return None, ordered, sorted(set(modules))


def free_names(node: tree_sitter.Node) -> set[str]:
    """Names a top-level declaration reads that it does not declare itself (a generous
    reading of JavaScript's scopes: a name declared anywhere inside counts as local)."""
    used: set[str] = set()
    local: set[str] = set()
    for child in _walk(node):
        if child.type == "shorthand_property_identifier_pattern":  # ({ length }) => length
            local.add(_text(child))
        elif child.type in ("identifier", "type_identifier", "shorthand_property_identifier"):
            parent = child.parent
            if parent is not None and _declares(parent, child):
                local.add(_text(child))
            elif (
                parent is None
                or parent.type not in ("member_expression",)
                or parent.child_by_field_name("object") == child
            ):
                used.add(_text(child))
    return used - local


def _declares(parent: tree_sitter.Node, child: tree_sitter.Node) -> bool:
    if parent.type in ("variable_declarator", "function_declaration", "class_declaration",
                       "function_expression", "generator_function_declaration",
                       "type_alias_declaration", "interface_declaration", "enum_declaration",
                       "type_parameter"):  # fmt: skip
        return parent.child_by_field_name("name") == child
    if parent.type in ("formal_parameters", "required_parameter", "optional_parameter",
                       "rest_pattern", "array_pattern", "object_pattern", "assignment_pattern",
                       "shorthand_property_identifier_pattern", "pair_pattern", "catch_clause"):  # fmt: skip
        if parent.type == "assignment_pattern":
            return parent.child_by_field_name("left") == child
        if parent.type == "pair_pattern":
            return parent.child_by_field_name("value") == child
        if parent.type in ("required_parameter", "optional_parameter"):
            return parent.child_by_field_name("pattern") == child
        return True
    if parent.type == "arrow_function":
        return parent.child_by_field_name("parameter") == child
    if parent.type in ("for_in_statement",):
        return parent.child_by_field_name("left") == child
    return False


def _check_effects(code: str) -> Verdict | None:
    for marker in NONDETERMINISTIC:
        if marker in code:
            return Verdict(Reject.NONDETERMINISTIC, marker.rstrip("."))
    if re.search(r"\bnew\s+Date\s*\(\s*\)", code):
        return Verdict(Reject.NONDETERMINISTIC, "new Date()")
    return None


def _assemble(
    declaration: Declaration,
    parts: list[Declaration],
    modules: list[str],
    imports: dict[str, tuple[str, str]],
) -> str:
    """The snippet as an ES module exporting the entry point by name."""
    lines = list(dict.fromkeys(_builtin_import(imports[name]) for name in modules))
    body = [_statement(part) for part in parts]
    head = "\n".join(lines) + "\n\n" if lines else ""
    return head + "\n\n".join(body) + f"\n\nexport {{ {declaration.name} }};\n"


def _builtin_import(entry: tuple[str, str]) -> str:
    module, statement = entry
    if module.startswith("node:"):
        return statement
    return statement.replace(f"'{module}'", f"'node:{module}'").replace(
        f'"{module}"', f'"node:{module}"'
    )


def _statement(declaration: Declaration) -> str:
    """A declaration's text without ``export`` (the snippet exports its entry point
    alone); a CommonJS export as a ``const``."""
    node = declaration.node
    if declaration.exported_as_commonjs and declaration.function is not None:
        return f"const {declaration.name} = {_text(declaration.function)};"
    if node.type == "export_statement":
        inner = node.child_by_field_name("declaration")
        text = _text(inner)
        return text if text.rstrip().endswith(("}", ";")) else text + ";"
    return _text(node)


def _jsdoc(node: tree_sitter.Node) -> str | None:
    previous = node.prev_named_sibling
    if previous is None or previous.type != "comment":
        return None
    text = _text(previous)
    if not text.startswith("/**") or previous.end_point[0] + 1 < node.start_point[0]:
        return None
    body = [line.strip().lstrip("*").strip() for line in text[3:-2].splitlines()]
    return "\n".join(line for line in body if line).strip() or None


def tokens(code: str) -> list[str]:
    """The words dedup and the size filter count: identifiers, literals, punctuation."""
    return re.findall(
        r"[A-Za-z_$][\w$]*|\d[\w.]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`|[^\s\w]", code
    )


def _own_nodes(body: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The nodes of a function body, not those of functions nested in it."""
    stack = list(body.children)
    while stack:
        node = stack.pop()
        yield node
        if node.type not in _SCOPES:
            stack.extend(node.children)


def mine_file(task: FileTask, config: MineConfig) -> FileResult:
    """One JavaScript or TypeScript file: its candidates, each filtered and signed for
    deduplication like the Python miner's (never raises for a bad file)."""
    text_or_skip = read_text(task, config, utf8=True)
    if isinstance(text_or_skip, FileResult):
        return text_or_skip
    skip = skip_reason(text_or_skip)
    if skip is not None:
        return FileResult(task, *skip)
    tree = parse(text_or_skip, typescript=task.language == "typescript")
    if isinstance(tree, tuple):
        return FileResult(task, *tree)
    found = []
    for candidate in mine_tree(tree, text_or_skip):
        item = Found(
            candidate.entry_point, candidate.code, candidate.start_line, candidate.end_line,
            candidate.docstring, verdict=candidate.verdict,
        )  # fmt: skip
        if item.verdict is None:
            item.verdict = filters.check_size(item.code, len(candidate.words), config)
            item.snippet_id = content_id(task.language, " ".join(candidate.words))
        if item.verdict is None:
            item.signature = signature(candidate.words, config.shingle_tokens, config.num_perm)
        found.append(item)
    return FileResult(task, found=found)


__all__ = ["JsFound", "free_names", "mine_file", "mine_tree", "parse", "skip_reason", "tokens"]
