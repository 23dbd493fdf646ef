"""Inputs for a function, derived from its type hints, defaults and parameter names.

The template backend calls the snippet on these in the sandbox and records what
it returns (the snippet is the oracle), so the inputs need not be clever, only
plausible and varied: small values, empty and one-element collections, a few
negative numbers and odd strings. Every value is Python source text, because it
is written both into the oracle script and into the tests.

Deterministic: the same function and seed always give the same cases.
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from phicode import pysyntax
from phicode.generate.codeinfo import FunctionInfo, Param

INTS = ["0", "1", "2", "3", "5", "-1", "7", "10", "-4", "12", "42", "100"]
COUNTS = ["0", "1", "2", "3", "4", "5", "6", "8", "10", "12"]
FLOATS = ["0.0", "1.5", "2.0", "-3.25", "0.1", "10.0", "7.75"]
STRINGS = [
    '""',
    '"a"',
    '"abc"',
    '"hello world"',
    '"Racecar"',
    '"aabbcc"',
    '"Hello, World!"',
    '"12321"',
    '"  spaced  "',
]
CHARS = ['","', '" "', '"a"', '"-"']
BOOLS = ["True", "False"]
NOT_LITERAL = object()  # what read_literal gives for text that is no literal (None is one)

_COUNT_NAMES = re.compile(
    r"^(n|k|m|num|count|size|length|len|limit|depth|times|steps|width|height|bits|degree|order|"
    r"rows|cols|columns|digits|places|precision|level|levels|max_\w+|min_\w+|n_\w+|num_\w+)$"
)
_INT_NAMES = re.compile(
    r"^(i|j|x|y|z|a|b|c|p|q|r|v|num\d|n\d|index|idx|start|end|stop|step|base|year|month|day|"
    r"low|high|lo|hi|target|value|val|amount|total|number|integer|key|seed|offset|shift)$"
)
_FLOAT_NAMES = re.compile(
    r"(rate|ratio|prob|percent|weight|temp|alpha|beta|tol|eps|scale|factor|celsius|"
    r"fahrenheit|kelvin|price|cost|score|radius|mass|speed|distance)"
)
_STR_NAMES = re.compile(
    r"^(s|s\d|t|text|txt|string|str\w*|word|word\d|name|sentence|line|msg|message|prefix|suffix|"
    r"pattern|phrase|title|label|code|word_\w+|\w+_str|\w+_string|\w+_name|\w+_text|html|url|"
    r"email|path|filename|hex\w*|binary|bin_str|roman|dna|seq_str)$"
)
_CHAR_NAMES = re.compile(r"^(c|ch|char|sep|separator|delimiter|delim|fill|fillchar|symbol)$")
_BOOL_NAMES = re.compile(
    r"^(flag|reverse|strict|verbose|inclusive|ignore_case|case_sensitive|is_\w+|has_\w+|"
    r"allow_\w+|use_\w+|keep_\w+|with_\w+)$"
)
_STR_LIST_NAMES = re.compile(r"^(words|strings|strs|names|lines|tokens|sentences|labels|keys)$")
_MATRIX_NAMES = re.compile(r"^(matrix|grid|board|mat|m\d|table|rows|image)$")
_DICT_NAMES = re.compile(
    r"^(d|dct|dict\w*|mapping|\w+_map|\w+_dict|counts|graph|adj|adjacency|table)$"
)
_LIST_NAMES = re.compile(
    r"^(xs|ys|nums\d?|numbers|arr\d?|array|items|values|vals|lst|list\d?|data|seq|sequence|"
    r"elements|elems|ints|integers|scores|prices|heights|weights|coins|stones|costs|"
    r"\w+s)$"
)


@dataclass(frozen=True, slots=True)
class Case:
    """One call: argument sources in order, keyword argument sources by name."""

    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...] = ()
    origin: str = "generated"  # or "docstring"

    def call(self, name: str) -> str:
        parts = [*self.args, *(f"{k}={v}" for k, v in self.kwargs)]
        return f"{name}({', '.join(parts)})"

    def to_json(self) -> dict:
        return {"args": list(self.args), "kwargs": dict(self.kwargs)}

    def names(self) -> frozenset[str]:
        """The top-level names the argument sources use (``np`` in ``np.array([1])``)."""
        found: set[str] = set()
        for text in (*self.args, *(v for _, v in self.kwargs)):
            try:
                tree = pysyntax.parse(text, mode="eval")
            except SyntaxError:
                continue
            found.update(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
        return frozenset(found)


def values_for(param: Param) -> list[str] | None:
    """Candidate sources for one parameter, or None when its type is unknown."""
    if param.annotation:
        try:
            hint = pysyntax.parse(param.annotation, mode="eval").body
        except SyntaxError:
            hint = None
        found = _from_hint(hint) if hint is not None else None
        if found is not None:
            return _with_default(found, param.default)
        if param.default is None:
            return None  # a type we cannot build (a class of the snippet, say)
    if param.default not in (None, "None"):
        found = _from_default(param.default)
        if found is not None:
            return _with_default(found, param.default)
    return _from_name(param.name)


def _with_default(values: list[str], default: str | None) -> list[str]:
    """The default first: the first calls use it, as most callers do."""
    if default:
        return [default, *(v for v in values if v != default)]
    return values


def _from_default(default: str) -> list[str] | None:
    value = read_literal(default)
    if value is NOT_LITERAL:
        return None
    for kind, values in ((bool, BOOLS), (int, INTS), (float, FLOATS)):
        if type(value) is kind:
            return values
    if isinstance(value, str):
        return CHARS if len(value) == 1 else STRINGS
    if isinstance(value, list | tuple):
        return _lists(INTS)
    return None


def _from_name(name: str) -> list[str] | None:
    lowered = name.lower()
    table = [
        (_BOOL_NAMES, BOOLS),
        (_CHAR_NAMES, CHARS),
        (_COUNT_NAMES, COUNTS),
        (_STR_NAMES, STRINGS),
        (_STR_LIST_NAMES, _lists(STRINGS[1:])),
        (_MATRIX_NAMES, _matrices()),
        (_DICT_NAMES, _dicts('"a"', INTS)),
        (_INT_NAMES, INTS),
    ]
    for pattern, values in table:
        if pattern.match(lowered):
            return values
    if _FLOAT_NAMES.search(lowered):
        return FLOATS
    if _LIST_NAMES.match(lowered):
        return _lists(INTS)
    return INTS  # a guess: most untyped parameters of small functions are numbers


_SEQUENCES = {
    "list",
    "List",
    "Sequence",
    "Iterable",
    "MutableSequence",
    "Collection",
    "Iterator",
    "deque",
}
# numpy array hints; their candidates are written ``np.array(...)`` and renamed to the
# snippet's own numpy binding (``numpy_alias``) or dropped when it binds none.
_ARRAYS = {"ndarray", "NDArray", "ArrayLike"}
_SETS = {"set", "Set", "frozenset", "FrozenSet", "AbstractSet"}
_DICTS = {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "OrderedDict", "Counter"}
_SCALARS = {
    "int": INTS,
    "float": FLOATS,
    "str": STRINGS,
    "bool": BOOLS,
    "complex": ["1j", "(1+2j)", "0j"],
    "bytes": ['b""', 'b"abc"', 'b"\\x00\\xff"'],
    "Number": INTS,
    "Real": FLOATS,
    "Integral": INTS,
}


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a string annotation
        return node.value
    return ""


def _from_hint(hint: ast.expr) -> list[str] | None:
    if isinstance(hint, ast.BinOp) and isinstance(hint.op, ast.BitOr):  # X | None, X | Y
        return _union([hint.left, hint.right])
    if isinstance(hint, ast.Constant) and hint.value is None:
        return ["None"]
    if isinstance(hint, ast.Subscript):
        return _from_generic(_name_of(hint.value), hint.slice)
    name = _name_of(hint)
    if name in _ARRAYS:
        return _arrays(INTS)
    if name in _SCALARS:
        return _SCALARS[name]
    if name in _SEQUENCES:
        return _lists(INTS)
    if name in _SETS:
        return _sets(INTS)
    if name in _DICTS:
        return _dicts('"a"', INTS)
    if name == "tuple" or name == "Tuple":
        return ["(1, 2)", "()", "(3, -1, 4)"]
    return None


def _from_generic(outer: str, inner: ast.expr) -> list[str] | None:
    items = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
    if outer in ("Optional",):
        return _union([items[0], ast.Constant(None)])
    if outer == "Union":
        return _union(items)
    if outer == "Literal":
        return [ast.unparse(i) for i in items]
    first = _from_hint(items[0]) if items else None
    if outer in _ARRAYS:  # NDArray[np.float64]: the dtype decides the values
        dtype = _name_of(items[-1]) if items else ""
        return _arrays(FLOATS if "float" in dtype else INTS)
    if outer in _SEQUENCES and first:
        return _lists(first)
    if outer in _SETS and first:
        return _sets(first)
    if outer in _DICTS and len(items) == 2:
        keys, values = _from_hint(items[0]), _from_hint(items[1])
        return (
            _dicts(keys[1] if keys and len(keys) > 1 else '"a"', values or INTS) if keys else None
        )
    if outer in ("tuple", "Tuple"):
        return _tuples(items)
    return None


def _union(options: list[ast.expr]) -> list[str] | None:
    found = [_from_hint(o) for o in options]
    known = [f for f in found if f]
    if not known:
        return None
    merged = [v for group in known for v in group if v != "None"]
    return merged + (["None"] if any(f == ["None"] for f in found) else [])


def _lists(values: list[str]) -> list[str]:
    v = [*values, *values][:8] if len(values) < 8 else values
    shapes = [[], [0], [1, 2, 3], [3, 0, 4, 1, 0], [2, 2, 5], [6, 5, 4, 3], [1, 7]]
    return [f"[{', '.join(v[i % len(v)] for i in shape)}]" for shape in shapes]


def _arrays(values: list[str]) -> list[str]:
    return [f"np.array({v})" for v in _lists(values) if v != "[]"]


def numpy_alias(info: FunctionInfo) -> str | None:
    """The name the snippet binds numpy to (``np``, ``numpy``), or None."""
    for bound, statement in info.imports.items():
        if statement == f"import numpy as {bound}" or (
            statement == "import numpy" and bound == "numpy"
        ):
            return bound
    return None


def _sets(values: list[str]) -> list[str]:
    return [
        "set()",
        *(
            f"{{{', '.join(dict.fromkeys(values[i % len(values)] for i in s))}}}"
            for s in ([0], [1, 2, 3], [2, 4, 5])
        ),
    ]


def _dicts(key: str, values: list[str]) -> list[str]:
    keys = ['"a"', '"b"', '"c"'] if key.startswith(('"', "'")) else ["1", "2", "3"]
    return [
        "{}",
        f"{{{keys[0]}: {values[1 % len(values)]}}}",
        f"{{{keys[0]}: {values[2 % len(values)]}, {keys[1]}: {values[3 % len(values)]}, "
        f"{keys[2]}: {values[0]}}}",
    ]


def _tuples(items: list[ast.expr]) -> list[str] | None:
    if len(items) == 2 and isinstance(items[1], ast.Constant) and items[1].value is Ellipsis:
        element = _from_hint(items[0])
        return (
            [
                f"({', '.join(element[i % len(element)] for i in s)},)"
                if len(s) == 1
                else f"({', '.join(element[i % len(element)] for i in s)})"
                for s in ([1, 2], [0], [3, 1, 4])
            ]
            if element
            else None
        )
    parts = [_from_hint(i) for i in items]
    if not parts or any(p is None for p in parts):
        return None
    return [
        "("
        + ", ".join(p[(k + n) % len(p)] for n, p in enumerate(parts))
        + ("," if len(parts) == 1 else "")
        + ")"
        for k in range(4)
    ]


def _matrices() -> list[str]:
    return [
        "[[1, 2], [3, 4]]",
        "[[0]]",
        "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]",
        "[[5, 1], [2, 8], [3, 3]]",
        "[]",
    ]


def generated_cases(info: FunctionInfo, count: int, seed: int) -> list[Case]:
    """Up to ``count`` distinct calls; none when a required parameter's type is unknown."""
    required: list[tuple[Param, list[str]]] = []
    optional: list[tuple[Param, list[str]]] = []
    alias = numpy_alias(info)
    for param in info.params:
        if param.kind in ("varargs", "varkw"):
            continue
        values = _with_numpy_alias(values_for(param), alias)
        if param.default is None:
            if values is None:
                return []
            required.append((param, values))
        elif values is not None:
            optional.append((param, values))
    rng = random.Random(seed)
    cases: dict[Case, None] = {}
    for attempt in range(count * 4):
        case = _one_case(required, optional, rng, attempt)
        cases.setdefault(case, None)
        if len(cases) >= count:
            break
    return list(cases)


def _with_numpy_alias(values: list[str] | None, alias: str | None) -> list[str] | None:
    """Array candidates in the snippet's own spelling; unknown when it imports no numpy."""
    if not values or not any(v.startswith("np.array(") for v in values):
        return values
    if alias is None:
        return None
    return [alias + v[2:] if v.startswith("np.array(") else v for v in values]


def _one_case(
    required: list[tuple[Param, list[str]]],
    optional: list[tuple[Param, list[str]]],
    rng: random.Random,
    attempt: int,
) -> Case:
    def pick(values: list[str]) -> str:
        return values[attempt % len(values)] if attempt < 3 else rng.choice(values)

    args = [pick(values) for param, values in required if param.kind == "positional"]
    kwargs = [(param.name, pick(values)) for param, values in required if param.kind == "keyword"]
    if attempt >= 3:  # the first calls keep the defaults, later ones vary them too
        for param, values in optional:
            if rng.random() < 0.4:
                kwargs.append((param.name, rng.choice(values)))
    return Case(tuple(args), tuple(kwargs))


_DOCTEST = re.compile(r"^\s*>>>\s?(?P<src>.*)$")


def docstring_cases(info: FunctionInfo) -> list[Case]:
    """Calls of the entry point shown in its docstring as ``>>> name(...)``."""
    cases: list[Case] = []
    for line in (info.docstring or "").splitlines():
        match = _DOCTEST.match(line)
        if not match:
            continue
        try:
            node = pysyntax.parse(match["src"].strip(), mode="eval").body
        except SyntaxError:
            continue
        if (
            isinstance(node, ast.Call)
            and _name_of(node.func) == info.name
            and not _has_starred(node)
        ):
            args = tuple(ast.unparse(a) for a in node.args)
            kwargs = tuple((k.arg, ast.unparse(k.value)) for k in node.keywords if k.arg)
            cases.append(Case(args, kwargs, origin="docstring"))
    return cases


def _has_starred(node: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    )


def neighbour_cases(cases: list[Case], count: int) -> list[Case]:
    """Up to ``count`` calls that each change one literal argument of a known call.

    A call the tests already make is valid (right arity, right types), so its
    neighbours mostly are too, even when the parameters carry no hints: from
    ``weekday(2023, 1, 1)`` come ``weekday(0, 1, 1)`` and ``weekday(2023007, 1, 1)``,
    which reach the branch for years out of range that the tests never touched.
    """
    return one_argument_changed(cases, count, _nearby, "neighbour", max_source=200)


def one_argument_changed(
    cases: list[Case],
    count: int,
    options: Callable[[object], list[object]],
    origin: str,
    max_source: int,
) -> list[Case]:
    """Up to ``count`` calls that each set one literal argument of a known call to one
    of ``options(its value)`` (as a source of at most ``max_source`` characters).

    Taken round-robin over the calls and their arguments (every first option, then
    every second, ...), so a small ``count`` still changes every argument once. Calls
    already known are left out. Shared by the neighbours here and the reshapings of
    :mod:`phicode.generate.oracle.reshape`."""
    ranked: list[tuple[int, Case]] = []
    for case in cases:
        for index, text in enumerate(case.args):
            for depth, source in enumerate(literal_sources(text, options, max_source)):
                args = (*case.args[:index], source, *case.args[index + 1 :])
                ranked.append((depth, Case(args, case.kwargs, origin=origin)))
        for index, (name, text) in enumerate(case.kwargs):
            for depth, source in enumerate(literal_sources(text, options, max_source)):
                kwargs = (*case.kwargs[:index], (name, source), *case.kwargs[index + 1 :])
                ranked.append((depth, Case(case.args, kwargs, origin=origin)))
    known = {(c.args, c.kwargs) for c in cases}
    found: dict[Case, None] = {}
    for _, case in sorted(ranked, key=lambda pair: pair[0]):  # stable: call order kept
        if (case.args, case.kwargs) not in known:
            found.setdefault(case, None)
    return list(found)[:count]


def literal_sources(
    text: str, options: Callable[[object], list[object]], max_source: int
) -> list[str]:
    """``options`` of the value the literal ``text`` spells, as sources: each once, none
    too long, each a literal again (repr of an overflowed float is ``inf``, a name the
    test file would not know). Nothing for what is not a plain literal."""
    value = read_literal(text)
    if value is NOT_LITERAL:
        return []
    seen = {text}
    sources = []
    for option in options(value):
        source = repr(option)
        if (
            source not in seen
            and len(source) <= max_source
            and read_literal(source) is not NOT_LITERAL
        ):
            seen.add(source)
            sources.append(source)
    return sources


def _nearby(value: object) -> list[object]:
    """Values near ``value``: zero and empty, sign and order flipped, the first two items
    swapped, far out of the usual range."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [0, -value, value + 1, value * 1000 + 7, value - 1]
    if isinstance(value, float):
        return [0.0, -value, value * 2 + 0.5, value / 3, 1e6]
    if isinstance(value, str):
        swapped = value[1::-1] + value[2:]  # the first two swapped: a transposition
        return ["", value[::-1], swapped, value + value, value.upper(), value[:1]]
    if isinstance(value, list | tuple):
        kind = type(value)
        swapped = [*value[1::-1], *value[2:]]
        return [kind(), kind(value[::-1]), kind(swapped), kind(list(value) * 2), kind(value[:1])]
    return []


def read_literal(text: str) -> object:
    """The value ``text`` spells, or ``NOT_LITERAL``: model-written text may be code,
    nested past the parser's depth or too long a number, and is then simply no literal."""
    try:
        return pysyntax.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return NOT_LITERAL
