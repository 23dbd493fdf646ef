"""The snippet as oracle for JavaScript and TypeScript: candidate calls, run in the sandbox,
chosen for behaviour, written as node:test tests, cases and a question.

The same steps as Python's template backend (:mod:`phicode.generate.oracle`), in
JavaScript's terms:

1. **Candidates** from the function's parameters: the JSDoc's ``@example`` calls; values
   by the TypeScript type where there is one (``number``, ``string``, ``T[]``, a tuple, a
   type alias of these), else by the parameter's name (``items`` an array, ``text`` a
   string, ``key`` a function), else small numbers; the default value where a parameter
   has one; the numbers the body compares with, and one either side. One parameter
   changes at a time from a first call, so each result says what that parameter does.
2. **Observed** by ``compute.mjs`` in the sandbox (the case judge's own script): a value,
   a throw, or why the call is no case (an argument that does not build, a result that
   is not plain data).
3. **Chosen**: a throw counts only where the snippet throws that class itself
   (``throw new RangeError``), never a ``TypeError`` from reading a property of
   ``undefined`` (an accident of input it was never meant to take). Then one call per
   outcome class (a throw, true/false, the sign of a number, an empty or a longer
   array, string, Map), then others with new results, at most :data:`MAX_CASES`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import tree_sitter

from phicode.languages.javascript import values
from phicode.languages.javascript.syntax import function_named, parser
from phicode.languages.javascript.syntax import text as _text
from phicode.languages.javascript.syntax import walk as _walk
from phicode.records import PairCase
from phicode.sandbox.runner import JobRunner

MAX_CASES = 12
MAX_CANDIDATES = 64
SHOWN_EXAMPLES = 3
SHOWN_WITHOUT_SUMMARY = 5
_NUMBERS = ("0", "1", "-1", "2", "5", "10")
_STRINGS = (
    '""', '"a"', '"hello world"', '"Hello, World!"', '"aabbcc"', '"abc"', '"  padded  "',
    '"a.b*c?"', '"<b>&amp;</b>"', '"camelCaseWord"', '"snake_case_word"', '"123"', '"a-z"',
    '"Crème brûlée"', '"ÉCOLE Über"', '"don\'t stop"', '"https://example.com/a?b=1"',
)  # fmt: skip
_CHARS = ('"a"', '"-"', '"["', '"\\\\"', '" "', '"."', '"Z"')
_NUMBER_ARRAYS = (
    "[]", "[1]", "[3, 1, 2]", "[1, 1, 2, 3, 3]", "[5, -2, 0, 5]", "[1, 2, 3, 4, 5]",
    "[0.1, 0.2, 0.3]", "[2.5, -1.5, 4]", "[4, 0]", "[0, 3]", "[2, null, 5]",
)  # fmt: skip
_STRING_ARRAYS = ("[]", '["a"]', '["b", "a", "b"]', '["apple", "bob", "cat"]')
_NESTED = ("[]", "[1, [2, 3]]", "[[1, [2, [3, [4]]]], 5]", "[[], [1, []]]")
_PAIRS = (
    "[]",
    "[[1, 3]]",
    "[[1, 3], [2, 6], [8, 10]]",
    "[[8, 10], [1, 3], [2, 4]]",
    "[[1, 4], [4, 5]]",
    "[[1, 10], [2, 3]]",
)
_FUNCTIONS = ("(x) => x % 2", "(x) => String(x).length", "(x) => x > 2", "(x) => x")
_ANY = (
    "0", "1", "-1", "2.5", '""', '"a"', '"3.5"', "[]", "[1, 2]", "{}", "{ a: 1 }", "null",
    "undefined", "true", "(x) => x", 'Symbol("s")', "new Date(0)", "new Map([[1, 2]])",
    "new Set([1])", "new Uint8Array([1, 2])", "Promise.resolve(1)", '"https://example.com/a?b=1"',
)  # fmt: skip
_BOOLEANS = ("false", "true")
_OBJECTS = (
    "{}",
    '{ a: 1, b: "x" }',
    "{ a: 1, b: 2, c: 3 }",
    "{ a: null, b: undefined, c: 0 }",
    "{ a: { b: 1 } }",
    "{ snake_key: 1, camelKey: { inner_key: 2 } }",
)
_KEYS = ("[]", '["a"]', '["a", "c"]', '["b", "z"]')
_PATHS = ('"a"', '"a.b"', '"b"', '"a.b.c"', '"x"')
# By the parameter's name (first match); a name that says nothing gets numbers.
_BY_NAME: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"^(value|val|input|item|thing|t|v|arg|data)$", _ANY),
    (
        r"^(desc|asc|reverse|deep|strict|inclusive|unique|sorted|all|flag|force|loose)$"
        r"|^(is|should|has|ignore)[A-Z]",
        _BOOLEANS,
    ),
    (r"^(char|ch|c|character|letter)$", _CHARS),
    (r"interval|range|span|pairs", _PAIRS),
    (r"nest|tree|matrix|arrays", _NESTED),
    (r"^keys|keys\d*$|words|names|strings|tags|fields", _KEYS),
    (r"^(obj|object|target|source|dict|map|record|root|other)\d*$", _OBJECTS),
    (r"^path$", _PATHS),
    (r"items|values|list|arr|array|xs|nums|numbers|seq|source", _NUMBER_ARRAYS),
    (
        r"key|fn|func|callback|predicate|by|mapper|iteratee|valueof|compare|identity|condition"
        r"|filter|match|getter|to[A-Z]|map[A-Z]|accessor|reducer|f$",
        _FUNCTIONS,
    ),
    (
        r"text|str|string|title|name|word|sep|separator|prefix|suffix|char|sentence|search|lookup"
        r"|replacement|omission|delimiter|pattern|needle|haystack|s$",
        _STRINGS,
    ),
)
_BY_TYPE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"^\[number,\s*number\]\[\]$|^Array<\[number,\s*number\]>$", _PAIRS),
    (r"^\[number,\s*number\]$", ("[1, 3]", "[0, 0]", "[5, 2]", "[-1, 4]")),
    (r"^number\[\]$|^Array<number>$", _NUMBER_ARRAYS),
    (r"^string\[\]$|^Array<string>$", _STRING_ARRAYS),
    (r"^(unknown|any)\[\]$", _NESTED),
    (r"^number$|^bigint$", _NUMBERS),
    (r"^string$", _STRINGS),
    (r"^boolean$", ("true", "false")),
    (r"=>", _FUNCTIONS),
)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str = ""  # the TypeScript annotation, aliases resolved
    default: str | None = None  # the default value's source
    rest: bool = False
    optional: bool = False  # TypeScript's name?: type


@dataclass(frozen=True, slots=True)
class Signature:
    """The entry point as the question shows it: ``name(params)``, TS types kept."""

    name: str
    parameters: tuple[Parameter, ...]
    text: str  # name(a, b = 1) or name(a: number, b: string = "-"): string
    node: tree_sitter.Node

    @property
    def fixed(self) -> tuple[Parameter, ...]:
        """The parameters but a rest one (``...values``), in order."""
        return tuple(p for p in self.parameters if not p.rest)

    def call(self, args: Sequence[str]) -> str:
        return f"{self.name}({', '.join(args)})"


@dataclass(frozen=True, slots=True)
class Seen:
    """One candidate call and what the snippet did on it."""

    args: tuple[str, ...]
    kind: str  # value | raises | invalid | failed (the call hangs or crashes the run)
    value: Any = None  # the model value (values.py)
    source: str = ""  # the value as a JS literal
    raises: str = ""  # the thrown class's name

    def case(self) -> PairCase:
        if self.kind == "raises":
            return PairCase(args=self.args, raises=self.raises)
        return PairCase(args=self.args, expect=self.source)


def signature(code: str, name: str, typescript: bool) -> Signature | None:
    """The entry point's parameters, read from the snippet (None: no such function)."""
    tree = parser(typescript).parse(code.encode())
    aliases = _type_aliases(tree.root_node)
    function = function_named(tree.root_node, name)
    if function is None:
        return None
    params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    parameters = tuple(_parameters(params, aliases)) if params is not None else ()
    shown = _text(params) if params is not None else "()"
    if params is not None and params.type == "identifier":
        shown = f"({shown})"
    returns = function.child_by_field_name("return_type")
    text = f"{name}{shown}{_text(returns) if returns is not None else ''}"
    for alias, meaning in aliases.items():  # the question shows no type it does not define
        text = re.sub(rf"\b{re.escape(alias)}\b", meaning, text)
    return Signature(name, parameters, text, function)


def _type_aliases(root: tree_sitter.Node) -> dict[str, str]:
    found = {}
    for node in _walk(root):
        if node.type == "type_alias_declaration":
            value = node.child_by_field_name("value")
            found[_text(node.child_by_field_name("name"))] = _text(value)
    return found


def _parameters(params: tree_sitter.Node, aliases: dict[str, str]) -> list[Parameter]:
    if params.type == "identifier":
        return [Parameter(_text(params))]
    out = []
    for child in params.named_children:
        pattern, annotation, default, rest = child, "", None, False
        if child.type in ("required_parameter", "optional_parameter"):
            pattern = child.child_by_field_name("pattern") or child
            kind = child.child_by_field_name("type")
            annotation = _text(kind).lstrip(":").strip() if kind is not None else ""
            value = child.child_by_field_name("value")
            default = _text(value) if value is not None else None
        if pattern.type == "assignment_pattern":
            default = _text(pattern.child_by_field_name("right"))
            pattern = pattern.child_by_field_name("left") or pattern
        if pattern.type == "rest_pattern":
            rest = True
            pattern = pattern.named_children[0] if pattern.named_children else pattern
        optional = child.type == "optional_parameter"
        out.append(
            Parameter(_text(pattern), _resolve(annotation, aliases), default, rest, optional)
        )
    return out


def _resolve(annotation: str, aliases: dict[str, str]) -> str:
    for _ in range(5):
        base = annotation.removesuffix("[]")
        if base in aliases:
            annotation = aliases[base] + annotation[len(base) :]
        else:
            break
    return re.sub(r"\s+", " ", annotation)


# --- candidates ------------------------------------------------------------------------


def candidates(code: str, sig: Signature, docstring: str | None) -> list[tuple[str, ...]]:
    """Calls worth observing: JSDoc examples first, then one parameter varied at a time."""
    found: list[tuple[str, ...]] = list(_examples(docstring or "", sig))
    pools = _pools(code, sig)
    rest = next((p for p in sig.parameters if p.rest), None)
    if rest is not None:  # f(...values): a few calls of one to three values after the others
        spread = _pool(
            Parameter(rest.name.rstrip("s") or rest.name, rest.type.removesuffix("[]")), code
        )
        head = tuple(pool[min(1, len(pool) - 1)] for pool in pools)
        for count in (1, 2, 3):
            for start in range(0, len(spread), 2):
                found.append((*head, *(spread[(start + i) % len(spread)] for i in range(count))))
    if not pools:
        return list(islice(dict.fromkeys(found), MAX_CANDIDATES))
    # the first call: each parameter at its default, else at its pool's second value
    base = tuple(
        pool[0] if p.default is not None else pool[min(1, len(pool) - 1)]
        for p, pool in zip(sig.fixed, pools, strict=True)
    )
    found.append(base)
    for index, pool in enumerate(pools):
        for value in pool:
            found.append((*base[:index], value, *base[index + 1 :]))
    # the defaults themselves: trailing parameters that have one left out, first from the
    # first call, then with the first parameter varied (chunk([1, 2, 3]) takes size 2)
    plain = sig.fixed
    optional = len(plain)
    while optional > 0 and _optional(plain[optional - 1], code):
        optional -= 1
    for cut in range(max(optional, 1), len(plain)):
        found.append(base[:cut])
        found += [(value, *base[1:cut]) for value in pools[0][:4]]
    # a spread of combinations, each parameter on its own offset, so that no two take
    # the same value in lockstep (a clamp whose low and high are always equal)
    for step in range(max(len(p) for p in pools) * 2):
        found.append(tuple(pool[(step * (i + 1) + i) % len(pool)] for i, pool in enumerate(pools)))
    return list(islice(dict.fromkeys(found), MAX_CANDIDATES))


def _optional(parameter: Parameter, code: str) -> bool:
    """A parameter with a default, or one the code compares with ``undefined`` or
    ``null`` (d3's ``max(values, valueof)`` checks ``valueof === undefined``)."""
    if parameter.default is not None or parameter.optional:
        return True
    name = re.escape(parameter.name)
    return bool(
        re.search(rf"\b{name}\s*(===?|!==?)\s*(undefined|null|void 0)\b", code)
        or re.search(rf"typeof\s+{name}\s*(===?|!==?)\s*[\"']undefined", code)
    )


def _pools(code: str, sig: Signature) -> list[tuple[str, ...]]:
    """The values worth trying for each parameter but a rest one, in order."""
    nested = bool(re.search(r"flat|nest|deep", sig.name, re.IGNORECASE))
    # values of every type only where the function is about types (isString, toFloat):
    # elsewhere a string where a number belongs only shows an accident (clamp("a") is NaN)
    any_type = bool(re.match(r"(is|to|has|as)[A-Z_]|type", sig.name))
    return [_pool(p, code, nested, any_type) for p in sig.fixed]


def held_values(sig: Signature, calls: Sequence[tuple[str, ...]]) -> dict[str, str]:
    """Each parameter's commonest value among ``calls`` (what an "ignores it" shortcut
    holds it at), for the parameters that take more than one value."""
    held = {}
    for index, parameter in enumerate(sig.fixed):
        given = Counter(call[index] for call in calls if len(call) > index)
        if len(given) > 1:
            held[parameter.name] = given.most_common(1)[0][0]
    return held


def other_defaults(code: str, sig: Signature) -> dict[str, str]:
    """For each parameter with a default (or one the code treats as optional), a value
    of its pool other than the default: what a "wrong default" shortcut puts there."""
    found = {}
    for parameter, pool in zip(sig.fixed, _pools(code, sig), strict=True):
        if _optional(parameter, code):
            other = next((v for v in pool if v != parameter.default), None)
            if other is not None:
                found[parameter.name] = other
    return found


def swappable(code: str, sig: Signature) -> list[tuple[str, str]]:
    """Neighbouring parameters of one kind (the same values are tried for both): a
    ``start`` and an ``end``, a ``low`` and a ``high``."""
    plain = sig.fixed
    pools = [
        tuple(v for v in pool if v != p.default)
        for p, pool in zip(plain, _pools(code, sig), strict=True)
    ]
    return [
        (plain[i].name, plain[i + 1].name)
        for i in range(len(plain) - 1)
        if pools[i] == pools[i + 1] and plain[i].type == plain[i + 1].type
    ]


def _pool(
    parameter: Parameter, code: str, nested: bool = False, any_type: bool = True
) -> tuple[str, ...]:
    chosen: tuple[str, ...] = ()
    for pattern, pool in _BY_TYPE:
        if parameter.type and re.search(pattern, parameter.type):
            chosen = pool
            break
    if not chosen:
        chosen = next(
            (pool for pattern, pool in _BY_NAME if re.search(pattern, parameter.name)), _NUMBERS
        )
    if chosen is _ANY and not any_type:
        chosen = _NUMBERS
    if chosen is _NUMBERS:
        chosen = (*_NUMBERS, *_boundaries(code))
    if nested and chosen in (_NUMBER_ARRAYS, _STRING_ARRAYS):  # a flatten takes nested arrays
        chosen = (*_NESTED, *chosen[1:3])
    if parameter.default is not None:
        chosen = (parameter.default, *chosen)
    return tuple(dict.fromkeys(chosen))


def _boundaries(code: str) -> tuple[str, ...]:
    """The integers the code compares with, and one either side."""
    found: list[str] = []
    for match in re.finditer(
        r"(?:[<>]=?|===?|!==?)\s*(-?\d+)\b|\b(-?\d+)\s*(?:[<>]=?|===?|!==?)", code
    ):
        number = int(match.group(1) or match.group(2))
        found += [str(number - 1), str(number), str(number + 1)]
    return tuple(dict.fromkeys(found))


def _examples(docstring: str, sig: Signature) -> list[tuple[str, ...]]:
    calls = []
    for match in re.finditer(
        rf"\b{re.escape(sig.name)}\((.*?)\)(?=\s*(?://|=>|$|\n|;))", docstring
    ):
        tree = parser(False).parse(f"f({match.group(1)})".encode())
        call = next((n for n in _walk(tree.root_node) if n.type == "arguments"), None)
        if call is not None and not tree.root_node.has_error:
            calls.append(tuple(_text(arg) for arg in call.named_children))
    return calls


# --- observing and choosing -----------------------------------------------------------------


SPLIT_TIMEOUT_S = 2.0  # a part of the calls, looked at again: they take milliseconds
MAX_SPLIT_FAILURES = 12  # enough to find two calls that hang among 64; more: it all hangs


def observe(
    pool: JobRunner,
    language: Any,
    code: str,
    name: str,
    calls: Sequence[tuple[str, ...]],
    *,
    split: bool = False,
) -> list[Seen]:
    """What the code does on each call (``compute.mjs`` in the sandbox); an empty list
    when it cannot run on them all. With ``split``, a job that fails is run again in
    halves, down to the one call that hangs or crashes it (``kind`` "failed"), so that
    one ``chunk(items, 0)`` looping for ever loses no other call."""
    outcomes = _observed(pool, language, code, name, calls, pool.config.timeout_s)
    if (
        outcomes is not None
        or not split
        or _observed(pool, language, code, name, [], SPLIT_TIMEOUT_S) is None
    ):
        return outcomes or []  # (the code does not even load: nothing to split)
    failures = [0]
    found = _bisect(pool, language, code, name, calls, failures)
    return found if failures[0] <= MAX_SPLIT_FAILURES else []


def _bisect(
    pool: JobRunner,
    language: Any,
    code: str,
    name: str,
    calls: Sequence[tuple[str, ...]],
    failures: list[int],
) -> list[Seen]:
    if len(calls) == 1 or failures[0] > MAX_SPLIT_FAILURES:
        return [Seen(tuple(call), "failed") for call in calls]
    found: list[Seen] = []
    half = len(calls) // 2
    for part in (calls[:half], calls[half:]):
        seen = _observed(pool, language, code, name, part, SPLIT_TIMEOUT_S)
        if seen is None:
            failures[0] += 1
        found += seen if seen is not None else _bisect(pool, language, code, name, part, failures)
    return found


def _observed(
    pool: JobRunner,
    language: Any,
    code: str,
    name: str,
    calls: Sequence[tuple[str, ...]],
    timeout_s: float,
) -> list[Seen] | None:
    from phicode.cases.judge import read_record  # the marked record's framing, shared

    cases = [PairCase(args=args, expect="0") for args in calls]
    job = language.cases_job(
        code, name, cases, timeout_s=timeout_s, memory_mb=pool.config.memory_mb
    )
    try:
        outcomes = read_record(pool.run(job).stdout, len(cases))
    except ValueError:
        return None
    return [_seen(tuple(args), outcome) for args, outcome in zip(calls, outcomes, strict=True)]


def _seen(args: tuple[str, ...], outcome: dict[str, Any]) -> Seen:
    if "raises" in outcome and isinstance(outcome.get("raises"), list) and outcome["raises"]:
        return Seen(args, "raises", raises=str(outcome["raises"][0]))
    if "value" in outcome:
        try:
            value = values.untagged(outcome["value"])
            return Seen(args, "value", value, values.to_source(value))
        except (values.NotAValue, ValueError, TypeError, RecursionError):
            return Seen(args, "invalid")
    if "ran over" in str(outcome.get("error", "")):  # compute.mjs stopped it (CALL_MS)
        return Seen(args, "failed")
    return Seen(args, "invalid")


def deliberate(seen: Seen, code: str) -> bool:
    """A throw the snippet makes itself: ``throw new NAME`` is in its source."""
    return bool(re.search(rf"\bthrow\s+new\s+{re.escape(seen.raises)}\b", code))


def outcome_class(seen: Seen) -> tuple[Any, ...]:
    if seen.kind == "raises":
        return ("throws", seen.raises)
    value = seen.value
    if isinstance(value, bool) or value is None or value is values.UNDEFINED:
        return ("value", repr(value))
    if isinstance(value, float):
        return ("number", (value > 0) - (value < 0))
    if isinstance(value, str | list):
        return (type(value).__name__, min(len(value), 2))
    return (type(value).__name__,)


def usable(seen: Sequence[Seen], code: str) -> list[int]:
    """The calls that may be cases (by index): plain results, and deliberate throws. A
    ``NaN`` is an accident of input the function was not meant to take (a string into
    arithmetic), unless the function returns nothing else."""
    nan_only = all(s.source == "NaN" for s in seen if s.kind == "value")
    return [
        index for index, s in enumerate(seen)
        if (s.kind == "value" and len(s.source) <= 200 and (nan_only or s.source != "NaN"))
        or (s.kind == "raises" and deliberate(s, code))
    ]  # fmt: skip


def differs(real: Seen, other: Seen) -> bool:
    """Whether a case of ``real`` fails on ``other``'s behaviour."""
    if real.kind != other.kind:
        return True
    if real.kind == "raises":
        return real.raises != other.raises
    return not values.same(other.value, real.value)


def choose(
    seen: Sequence[Seen], code: str, kills: Sequence[frozenset[int]] | None = None
) -> list[Seen]:
    """One call per outcome class; then, while a known wrong program (``kills[i]``: the
    programs call ``i`` tells apart) survives the chosen calls, the call that rejects most
    of the survivors; then calls with results not seen yet. At most :data:`MAX_CASES`."""
    # calls whose result is one of their arguments show least: they come last
    indices = sorted(usable(seen, code), key=lambda i: seen[i].source in seen[i].args)
    kills = kills or [frozenset()] * len(seen)
    chosen: list[int] = []
    classes: set[tuple[Any, ...]] = set()
    for index in indices:
        if outcome_class(seen[index]) not in classes:
            classes.add(outcome_class(seen[index]))
            chosen.append(index)
    killed = set().union(*(kills[i] for i in chosen)) if chosen else set()
    while len(chosen) < MAX_CASES:
        best = max(indices, key=lambda i: len(kills[i] - killed), default=None)
        if best is None or not kills[best] - killed:
            break
        chosen.append(best)
        killed |= kills[best]
    # then calls that give one outcome to an argument of a new shape: isString true for
    # "" and "a", false for 1, [], null; chunk on an empty, a short and a long array
    shapes = {(outcome_class(seen[i]), *shape) for i in chosen for shape in _shapes(seen[i].args)}
    for index in indices:
        if len(chosen) >= MAX_CASES:
            break
        new = {(outcome_class(seen[index]), *s) for s in _shapes(seen[index].args)} - shapes
        if index not in chosen and new:
            shapes |= new
            chosen.append(index)
    results = {(seen[i].kind, seen[i].source, seen[i].raises) for i in chosen}
    for index in indices:
        if len(chosen) >= MAX_CASES:
            break
        key = (seen[index].kind, seen[index].source, seen[index].raises)
        if index not in chosen and key not in results:
            results.add(key)
            chosen.append(index)
    return [seen[i] for i in sorted(chosen[:MAX_CASES])]


_CHARACTER_KINDS: tuple[tuple[str, Any], ...] = (
    ("upper", lambda c: c.isupper()),
    ("lower", lambda c: c.islower()),
    ("digit", str.isdigit),
    ("space", str.isspace),
    ("punctuation", lambda c: c.isascii() and not c.isalnum() and not c.isspace()),
    ("non-ASCII", lambda c: not c.isascii()),
)


def _shapes(args: Sequence[str]) -> set[tuple[int, str]]:
    """(position, shape) of each argument, read from its source: empty or not for arrays,
    objects and strings, a string of one character, the sign and kind of a number, a
    function, and ``null``, ``undefined``, ``true``, ``false`` as themselves."""
    return {(position, _shape(arg.strip())) for position, arg in enumerate(args)}


def _shape(arg: str) -> str:
    if arg in ("null", "undefined", "true", "false", "NaN"):
        return arg
    if "=>" in arg or arg.startswith("function"):
        return "function"
    built = re.match(r"^(new\s+)?([\w.]+)\(", arg)  # new Map(...), Symbol("s"), Promise.resolve(1)
    if built:
        return built.group(2)
    if arg[:1] in "[{":
        return ("array" if arg[0] == "[" else "object") + ("" if arg[1:-1].strip() else " empty")
    if arg[:1] in "\"'`":
        if len(arg) <= 3:
            return {2: "string empty", 3: "string of one"}.get(len(arg), "string")
        # the kinds of characters it holds: "abc" and "Hello, World!" and "Crème" differ
        inner = arg[1:-1]
        kinds = [kind for kind, test in _CHARACTER_KINDS if any(test(c) for c in inner)]
        return "string " + " ".join(kinds)
    try:
        number = float(arg)
    except ValueError:
        return "other"
    if not math.isfinite(number):
        return "number infinite"
    if number != int(number):
        return "number fraction"
    return "number " + (
        "zero" if number == 0 else "negative" if number < 0 else "one" if number == 1 else "many"
    )


# --- tests and question --------------------------------------------------------------------


def tests_source(sig: Signature, chosen: Sequence[Seen], builtin_errors: frozenset[str]) -> str:
    """A node:test file: one test per chosen call."""
    lines = [
        'import { test } from "node:test";',
        'import assert from "node:assert/strict";',
        f'import {{ {sig.name} }} from "./solution.mjs";',
        "",
    ]
    for number, seen in enumerate(chosen, start=1):
        call = sig.call(seen.args)
        if seen.kind == "raises":
            check = (
                f"assert.throws(() => {call}, {{ name: {json.dumps(seen.raises)} }});"
                if seen.raises in builtin_errors
                else f"assert.throws(() => {call}, (error) => error?.constructor?.name === {json.dumps(seen.raises)});"
            )
        else:
            check = f"assert.deepStrictEqual({call}, {seen.source});"
        lines.append(f'test("{sig.name} case {number}", () => {{\n  {check}\n}});\n')
    return "\n".join(lines)


def question(
    sig: Signature, chosen: Sequence[Seen], docstring: str | None, typescript: bool
) -> str:
    """The task: the signature, the JSDoc's first paragraph, each deliberate throw, and up
    to three worked examples (one per outcome class), all from observed calls."""
    language = "TypeScript" if typescript else "JavaScript"
    summary = (docstring or "").split("\n\n")[0].replace("\n", " ").strip()
    summary = re.sub(r"@\w+.*$", "", summary).strip().rstrip(".")
    head = f"Write a {language} function `{sig.text}`"
    head += f" that does the following: {summary[0].lower()}{summary[1:]}." if summary else "."
    parts = [head]
    throws = [s for s in chosen if s.kind == "raises"]
    if throws:
        rules = [f"- `{sig.call(s.args)}` throws a `{s.raises}`." for s in throws]
        parts.append("Errors:\n" + "\n".join(rules))
    left_out = [
        f"`{p.name}`" for i, p in enumerate(sig.fixed)
        if p.default is None and any(len(s.args) <= i for s in chosen)
    ]  # fmt: skip
    if left_out:  # the signature gives them no default: say so (the examples show one)
        parts.append(f"{', '.join(left_out)} may be left out.")
    # without a summary, the examples are all the question has: show more of them
    count = SHOWN_EXAMPLES if summary else SHOWN_WITHOUT_SUMMARY
    shown = [f"- `{sig.call(s.args)}` returns `{s.source}`." for s in examples(sig, chosen, count)]
    if shown:
        parts.append("Examples:\n" + "\n".join(shown))
    parts.append(f"Export it by name (`export {{ {sig.name} }}`).")
    return "\n\n".join(parts) + "\n"


def examples(sig: Signature, chosen: Sequence[Seen], count: int = SHOWN_EXAMPLES) -> list[Seen]:
    """Up to ``count`` short worked examples: one per outcome class first, then other
    results. Calls whose result is not one of their arguments come first (``pad("a", 0)``
    returning ``"a"`` shows nothing of padding), then calls whose arguments all differ."""
    short = [
        s for s in chosen
        if s.kind == "value" and len(s.source) <= 60 and len(sig.call(s.args)) <= 60
    ]  # fmt: skip
    most = max((len(s.args) for s in short), default=0)
    short.sort(
        key=lambda s: (s.source in s.args, len(set(s.args)) < len(s.args), len(s.args) == most)
    )
    picked: list[Seen] = []
    for s in short:  # one per outcome class, and per number of arguments (a default used)
        if (outcome_class(s), len(s.args)) not in {(outcome_class(p), len(p.args)) for p in picked}:
            picked.append(s)
    for s in short:
        if s not in picked and s.source not in {p.source for p in picked}:
            picked.append(s)
    return picked[:count]


__all__ = [
    "MAX_CASES",
    "Seen",
    "Signature",
    "candidates",
    "choose",
    "held_values",
    "observe",
    "other_defaults",
    "outcome_class",
    "question",
    "signature",
    "swappable",
    "tests_source",
]
