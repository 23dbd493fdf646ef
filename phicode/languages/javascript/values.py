"""JavaScript values on the host: read from the sandbox's tagged data or from a JS literal,
written back as a JS literal, compared as ``node:assert/strict``'s ``deepStrictEqual`` does.

The case judge never evaluates JavaScript on the host. An expected value is JS source
(``[1, -0, NaN]``, ``new Map([[1, "x"]])``, ``10n``) read by tree-sitter into the plain
Python model below; a computed value is the tagged data ``compute.mjs`` writes. Both
become the same model, which keeps apart what Python's ``==`` would mix up: ``undefined``
and ``null``, ``-0`` and ``0``, a BigInt and a number, a Map and an object.

The model: ``None`` is null, :data:`UNDEFINED` undefined, ``bool``, ``float`` (every JS
number, NaN and -0 included), :class:`BigInt`, ``str``, ``list`` (an array),
:class:`JSObject` (a plain object's own fields, in order), :class:`JSMap`,
:class:`JSSet` (insertion order kept, compared unordered), :class:`Typed`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import tree_sitter

from phicode.languages.javascript.syntax import parser
from phicode.languages.javascript.syntax import text as _text

MAX_DEPTH = 64
TYPED_ARRAYS = frozenset(
    {
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
        "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array",
        "BigUint64Array",
    }
)  # fmt: skip
REL_TOL, ABS_TOL = 1e-6, 1e-9


class Undefined:
    """JavaScript's ``undefined`` (a singleton: :data:`UNDEFINED`)."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


@dataclass(frozen=True, slots=True)
class BigInt:
    value: int


@dataclass(frozen=True, slots=True)
class JSObject:
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class JSMap:
    entries: tuple[tuple[Any, Any], ...]


@dataclass(frozen=True, slots=True)
class JSSet:
    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Typed:
    kind: str  # Uint8Array, Float64Array, ...
    items: tuple[float | int, ...]


class NotAValue(ValueError):
    """Tagged data or a literal that is not a JS value this judge reads."""


# --- from the sandbox's tagged data ---------------------------------------------------


def untagged(data: Any, depth: int = 0) -> Any:
    """The model value of ``compute.mjs``'s tagged data (hostile input: checked)."""
    if depth > MAX_DEPTH + 1:
        raise NotAValue(f"a result nested deeper than {MAX_DEPTH} levels")
    if not isinstance(data, dict) or "t" not in data:
        raise NotAValue("a result that is not tagged data")
    kind, value = data["t"], data.get("v")
    if kind == "undefined":
        return UNDEFINED
    if kind == "null":
        return None
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "number" and isinstance(value, str):
        return _number(value)
    if kind == "bigint" and isinstance(value, str):
        return BigInt(int(value))
    if kind == "string" and isinstance(value, str):
        return value
    if kind in ("array", "set") and isinstance(value, list):
        items = [untagged(v, depth + 1) for v in value]
        return items if kind == "array" else JSSet(tuple(items))
    if kind == "object" and isinstance(value, list):
        return JSObject(tuple((_key(k), untagged(v, depth + 1)) for k, v in value))
    if kind == "map" and isinstance(value, list):
        return JSMap(tuple((untagged(k, depth + 1), untagged(v, depth + 1)) for k, v in value))
    if kind == "typed" and data.get("kind") in TYPED_ARRAYS and isinstance(value, list):
        big = str(data["kind"]).startswith("Big")
        return Typed(str(data["kind"]), tuple(int(v) if big else _number(v) for v in value))
    raise NotAValue(f"unknown or malformed result kind {str(kind)[:20]!r}")


def _key(name: Any) -> str:
    if not isinstance(name, str):
        raise NotAValue("an object key that is not a string")
    return name


def _number(text: str) -> float:
    if text == "-0":
        return -0.0
    if text in ("NaN", "Infinity", "-Infinity"):
        return float(text.replace("Infinity", "inf"))
    return float(text)


# --- from a JS literal (tree-sitter) ----------------------------------------------------


def read_literal(source: str) -> Any:
    """The model value of a JS literal expression; :class:`NotAValue` for anything else
    (a call, a variable, arithmetic beyond a sign): nothing is evaluated."""
    text = f"({source}\n)".encode()
    tree = parser(False).parse(text)
    if tree.root_node.has_error:
        raise NotAValue(f"not a JavaScript expression: {source[:60]!r}")
    statement = tree.root_node.named_children
    if len(statement) != 1 or statement[0].type != "expression_statement":
        raise NotAValue(f"not one JavaScript expression: {source[:60]!r}")
    return _literal(_unwrap(statement[0].named_children[0]), 0)


def _unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.type == "parenthesized_expression":
        node = node.named_children[0]
    return node


def _literal(node: tree_sitter.Node, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise NotAValue("a literal nested too deep")
    node = _unwrap(node)
    kind = node.type
    text = _text(node)
    if kind == "number":
        return _number_literal(text)
    if kind == "string":
        return _string_literal(node)
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "null":
        return None
    if kind == "undefined" or (kind == "identifier" and text == "undefined"):
        return UNDEFINED
    if kind == "identifier" and text in ("NaN", "Infinity"):
        return float(text.replace("Infinity", "inf"))
    if kind == "unary_expression" and text[:1] in "-+":
        value = _literal(node.named_children[0], depth + 1)
        if isinstance(value, float):
            return -value if text[0] == "-" else value
        if isinstance(value, BigInt) and text[0] == "-":
            return BigInt(-value.value)
        raise NotAValue(f"a sign before a non-number: {text[:40]!r}")
    if kind == "array":
        return [_literal(child, depth + 1) for child in _items(node)]
    if kind == "object":
        return JSObject(tuple(_field(pair, depth) for pair in _items(node)))
    if kind == "new_expression":
        return _constructed(node, depth)
    raise NotAValue(f"not a literal: {text[:60]!r}")


def _items(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    children = [c for c in node.named_children if c.type != "comment"]
    if any(
        c.type in ("spread_element", "shorthand_property", "method_definition") for c in children
    ):
        raise NotAValue(f"not a literal: {_text(node)[:60]!r}")
    return children


def _field(pair: tree_sitter.Node, depth: int) -> tuple[str, Any]:
    if pair.type != "pair":
        raise NotAValue(f"not a plain field: {_text(pair)[:40]!r}")
    key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
    assert key is not None and value is not None
    if key.type == "property_identifier":
        name = _text(key)
    elif key.type == "string":
        name = _string_literal(key)
    elif key.type == "number":
        name = _number_source(_number_literal(_text(key)))
    else:
        raise NotAValue(f"a computed key: {_text(key)[:40]!r}")
    return name, _literal(value, depth + 1)


def _constructed(node: tree_sitter.Node, depth: int) -> Any:
    constructor = node.child_by_field_name("constructor")
    arguments = node.child_by_field_name("arguments")
    name = _text(constructor) if constructor is not None else ""
    args = [] if arguments is None else _items(arguments)
    if len(args) > 1:
        raise NotAValue(f"new {name} with more than one argument")
    inner = _literal(args[0], depth + 1) if args else []
    if not isinstance(inner, list):
        raise NotAValue(f"new {name} of something other than an array literal")
    if name == "Map":
        if not all(isinstance(e, list) and len(e) == 2 for e in inner):
            raise NotAValue("new Map of something other than [key, value] pairs")
        return JSMap(tuple((k, v) for k, v in inner))
    if name == "Set":
        return JSSet(tuple(inner))
    if name in TYPED_ARRAYS:
        big = name.startswith("Big")
        if not all(isinstance(x, BigInt if big else float) for x in inner):
            raise NotAValue(f"new {name} of values of the wrong kind")
        return Typed(name, tuple(x.value if isinstance(x, BigInt) else x for x in inner))
    raise NotAValue(f"new {name}: not a value this judge reads")


def _number_literal(text: str) -> Any:
    clean = text.replace("_", "")
    if clean.endswith("n"):
        return BigInt(int(clean[:-1], 0))
    lower = clean.lower()
    if lower.startswith(("0x", "0o", "0b")):
        return float(int(clean, 0))
    if len(clean) > 1 and clean[0] == "0" and clean[1:].isdigit():
        raise NotAValue(f"a legacy octal literal: {text!r}")
    return float(clean)


def _string_literal(node: tree_sitter.Node) -> str:
    """The string's value: JSON reads a double-quoted JS string; a single-quoted one is
    re-quoted first. Escapes JSON lacks (``\\x41``, ``\\u{1F600}``) are refused."""
    text = _text(node)
    body = text[1:-1]
    if text[0] == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    try:
        return json.loads(f'"{body}"')
    except json.JSONDecodeError:
        raise NotAValue(f"a string escape this judge does not read: {text[:40]!r}") from None


# --- back to a JS literal ----------------------------------------------------------------


def to_source(value: Any, depth: int = 0) -> str:
    """``value`` as a JS literal that :func:`read_literal` reads back equal."""
    if depth > MAX_DEPTH:
        raise NotAValue("a value nested too deep to write")
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_source(value)
    if isinstance(value, BigInt):
        return f"{value.value}n"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(to_source(v, depth + 1) for v in value) + "]"
    if isinstance(value, JSObject):
        if not value.fields:
            return "{}"
        inner = ", ".join(f"{_key_source(k)}: {to_source(v, depth + 1)}" for k, v in value.fields)
        return "{ " + inner + " }"
    if isinstance(value, JSMap):
        pairs = ", ".join(
            f"[{to_source(k, depth + 1)}, {to_source(v, depth + 1)}]" for k, v in value.entries
        )
        return f"new Map([{pairs}])"
    if isinstance(value, JSSet):
        return "new Set([" + ", ".join(to_source(v, depth + 1) for v in value.items) + "])"
    if isinstance(value, Typed):
        big = value.kind.startswith("Big")
        items = ", ".join(f"{v}n" if big else _number_source(float(v)) for v in value.items)
        return f"new {value.kind}([{items}])"
    raise NotAValue(f"not a JavaScript value: {type(value).__name__}")


def _number_source(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)  # Python's shortest round-trip repr reads back as the same double


def _key_source(name: str) -> str:
    return name if name.isidentifier() and name.isascii() else json.dumps(name)


# --- comparing ---------------------------------------------------------------------------


def same(actual: Any, expected: Any, rule: str = "exact") -> bool:
    """``deepStrictEqual`` on the model: Object.is for numbers (NaN is NaN, -0 is not 0),
    fields and Map/Set members unordered; ``approx`` forgives float rounding."""
    return _same(actual, expected, rule == "approx", 0)


def _same(a: Any, b: Any, approx: bool, depth: int) -> bool:
    if depth > MAX_DEPTH + 1:
        return False
    if type(a) is not type(b):
        return False
    if isinstance(b, float):
        return _same_number(a, b, approx)
    if isinstance(b, list):
        return len(a) == len(b) and all(
            _same(x, y, approx, depth + 1) for x, y in zip(a, b, strict=False)
        )
    if isinstance(b, JSObject):
        left, right = dict(a.fields), dict(b.fields)
        return left.keys() == right.keys() and all(
            _same(left[k], right[k], approx, depth + 1) for k in right
        )
    if isinstance(b, JSMap):
        return _unordered(list(a.entries), list(b.entries), approx, depth)
    if isinstance(b, JSSet):
        return _unordered(list(a.items), list(b.items), approx, depth)
    if isinstance(b, Typed):
        return (
            a.kind == b.kind
            and len(a.items) == len(b.items)
            and all(
                _same_number(float(x), float(y), approx)
                for x, y in zip(a.items, b.items, strict=False)
            )
        )
    return a == b  # None, undefined, bool, BigInt, str


def _same_number(a: float, b: float, approx: bool) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == 0 and b == 0:
        return math.copysign(1.0, a) == math.copysign(1.0, b)
    if approx:
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b


def _unordered(left: list[Any], right: list[Any], approx: bool, depth: int) -> bool:
    if len(left) != len(right):
        return False
    unmatched = list(left)
    for item in right:
        match = next(
            (i for i, x in enumerate(unmatched) if _same(x, item, approx, depth + 1)), None
        )
        if match is None:
            return False
        unmatched.pop(match)
    return True


__all__ = [
    "UNDEFINED",
    "BigInt",
    "JSMap",
    "JSObject",
    "JSSet",
    "NotAValue",
    "Typed",
    "read_literal",
    "same",
    "to_source",
    "untagged",
]
